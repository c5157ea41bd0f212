#!/usr/bin/env bash
# Proves that tests/validate.sh bites: it builds a good site, checks that the gate passes it,
# then lays each case of tests/fixtures/broken-output/ over a copy of it and checks that the
# gate fails, and fails for the reason the case is about.
#
#   tests/validate-selftest.sh [SITE_ROOT]     # default: tests/fixtures/quality
#
# A case is a folder of files to lay over the built site (`@BASE_URL@` in them becomes the
# base URL) and a file `expect`: its first line is the checks to run (validate.sh --only),
# each further line a text the gate's output must contain. GAZETTE names the binary
# (default: target/release/gazette).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
site_root="${1:-$repo/tests/fixtures/quality}"
gazette="${GAZETTE:-$repo/target/release/gazette}"
cases_dir="$repo/tests/fixtures/broken-output"
base_url="https://selftest.example.com/sub/"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$gazette" build --root "$site_root" --output "$work/good" --base-url "$base_url" >/dev/null
passed=0
failed=0

echo "== control: the unbroken site passes"
if "$repo/tests/validate.sh" "$work/good" "$base_url" >"$work/control.log" 2>&1; then
    passed=$((passed + 1))
else
    cat "$work/control.log"
    echo "FAILED: the unbroken site does not pass, so the cases below prove nothing"
    failed=$((failed + 1))
fi

for case_dir in "$cases_dir"/*/; do
    name="$(basename "$case_dir")"
    site="$work/$name"
    cp -R "$work/good" "$site"
    (cd "$case_dir" && find . -type f ! -name expect) | while read -r file; do
        mkdir -p "$(dirname "$site/$file")"
        sed "s|@BASE_URL@|$base_url|g" "$case_dir/$file" >"$site/$file"
    done
    checks="$(head -n 1 "$case_dir/expect")"
    problems=()
    if "$repo/tests/validate.sh" --only "$checks" "$site" "$base_url" >"$work/$name.log" 2>&1; then
        problems+=("validate.sh exited 0")
    fi
    while IFS= read -r expected; do
        expected="${expected//@BASE_URL@/$base_url}"
        grep -qF -- "$expected" "$work/$name.log" || problems+=("no \"$expected\" in its output")
    done < <(tail -n +2 "$case_dir/expect")
    if [ ${#problems[@]} -eq 0 ]; then
        echo "ok      $name: $checks failed as expected"
        passed=$((passed + 1))
    else
        echo "FAILED  $name: $(printf '%s; ' "${problems[@]}")"
        sed 's/^/    /' "$work/$name.log"
        failed=$((failed + 1))
    fi
done

echo "validate-selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
