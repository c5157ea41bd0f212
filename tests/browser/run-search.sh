#!/usr/bin/env bash
# Browser test of /search/: builds the example site with the release binary twice (at a domain
# root and under /sub/), serves each on 127.0.0.1 with Python's static server, and runs
# search.test.mjs in Debian's Chromium through playwright-core.
#
# Installs what is missing: Chromium from the Debian packages, and playwright-core from npm
# into a folder outside the crate (GAZETTE_BROWSER_DEPS, default: a folder in the system's
# temporary directory), kept between runs. Nothing is downloaded while the test runs.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
crate="$(cd "$here/../.." && pwd)"
deps="${GAZETTE_BROWSER_DEPS:-${TMPDIR:-/tmp}/gazette-browser-deps}"

bash "$here/install-deps.sh" "$here" "$deps"

(cd "$crate" && cargo build --release --quiet)
gazette="$crate/target/release/gazette"

work="$(mktemp -d)"
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve DIR PORT: a static server of DIR on 127.0.0.1:PORT, stopped on exit.
serve() {
  python3 -m http.server "$2" --bind 127.0.0.1 --directory "$1" >"$work/http-$2.log" 2>&1 &
  servers+=("$!")
  for _ in $(seq 50); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$2/')" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "the static server on port $2 did not start" >&2
  return 1
}

root_port="$(free_port)"
root_url="http://127.0.0.1:$root_port/"
"$gazette" build --root "$crate" --output "$work/root" --base-url "$root_url"
serve "$work/root" "$root_port"

# Under a sub-path: the server's root holds the site in sub/.
sub_port="$(free_port)"
sub_url="http://127.0.0.1:$sub_port/sub/"
mkdir -p "$work/subsite"
"$gazette" build --root "$crate" --output "$work/subsite/sub" --base-url "$sub_url"
serve "$work/subsite" "$sub_port"

# ES modules find packages next to the importing file, so the test runs from beside them.
cp "$here/search.test.mjs" "$deps/search.test.mjs"
GAZETTE_SITES="$root_url $sub_url" node --test --test-reporter=spec "$deps/search.test.mjs"
