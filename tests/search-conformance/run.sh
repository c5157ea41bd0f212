#!/usr/bin/env bash
# Conformance of gazette's search index with Pagefind's own indexer (issue 16).
#
# Generates a site of 600 articles in English, Chinese, Japanese and mixed scripts
# (corpus.py), builds it with gazette (its own index) and with --no-search, indexes the
# latter's article pages of each language with the Pagefind 1.6.0 CLI from npm (forced to that
# language, as gazette's bundles are), serves both on 127.0.0.1 and runs the same queries
# through Pagefind's own JS in Node against both (query.mjs), then compares (compare.py).
#
# Installs the pinned CLI into GAZETTE_CONFORMANCE_DEPS (default: a folder in the system's
# temporary directory), kept between runs.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
crate="$(cd "$here/../.." && pwd)"
deps="${GAZETTE_CONFORMANCE_DEPS:-${TMPDIR:-/tmp}/gazette-conformance-deps}"
bash "$here/install.sh" "$deps"
cp "$here/query.mjs" "$deps/query.mjs"

(cd "$crate" && cargo build --release --quiet)
gazette="$crate/target/release/gazette"

started=$SECONDS
work="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 "$here/corpus.py" "$work" 600
"$gazette" build --root "$work/site" --output "$work/www/gazette" >/dev/null
"$gazette" build --no-search --root "$work/site" --output "$work/plain" >/dev/null

# Pagefind's CLI, one language at a time over that language's article pages.
for language in en zh ja; do
  pages="$work/pages-$language"
  mkdir -p "$pages"
  (cd "$work/plain" && for page in articles/*/index.html; do
    if [ "$language" = en ]; then
      grep -q '<article class="article" data-pagefind-body' "$page" || continue
    else
      grep -q "<article class=\"article\" lang=\"$language\"" "$page" || continue
    fi
    mkdir -p "$pages/$(dirname "$page")" && cp "$page" "$pages/$page"
  done)
  echo "$language: $(find "$pages" -name index.html | wc -l) article pages"
  "$deps/node_modules/.bin/pagefind" --site "$pages" --output-path "$work/www/pagefind-$language" \
    --force-language "$language" --quiet
done

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" >"$work/http.log" 2>&1 &
server="$!"
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
  sleep 0.1
done

base="http://127.0.0.1:$port"
failed=""
for language in en zh ja; do
  ours="$base/gazette/pagefind/"
  [ "$language" = en ] || ours="$base/gazette/pagefind/$language/"
  node "$deps/query.mjs" "$base/gazette/pagefind/pagefind.js" "$ours" "$language" "$work/queries-$language.json" >"$work/ours-$language.jsonl"
  node "$deps/query.mjs" "$base/pagefind-$language/pagefind.js" "$base/pagefind-$language/" "$language" "$work/queries-$language.json" >"$work/theirs-$language.jsonl"
  python3 "$here/compare.py" "$language" "$work/ours-$language.jsonl" "$work/theirs-$language.jsonl" || failed="$failed $language"
done
[ -z "$failed" ] || { echo "search conformance failed for:$failed"; exit 1; }
echo "search conformance: gazette's index answers as Pagefind's own does ($((SECONDS - started)) s)"
