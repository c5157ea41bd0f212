#!/usr/bin/env bash
# Browser test of `gazette serve`: live reload and the error overlay, in Debian's Chromium
# through playwright-core, on a copy of the example site at the domain root and under /sub/.
#
# Installs what is missing: Chromium from the Debian packages, and playwright-core from npm
# into a folder outside the crate (GAZETTE_SERVE_BROWSER_DEPS, default: a folder in the
# system's temporary directory), kept between runs. Nothing is downloaded while the test runs;
# the only network traffic is to the preview servers on 127.0.0.1.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
crate="$(cd "$here/../../.." && pwd)"
deps="${GAZETTE_SERVE_BROWSER_DEPS:-${TMPDIR:-/tmp}/gazette-serve-browser-deps}"

bash "$here/../install-deps.sh" "$here" "$deps"

(cd "$crate" && cargo build --release --quiet)

# ES modules find packages next to the importing file, so the test runs from beside them.
cp "$here/serve.test.mjs" "$deps/serve.test.mjs"
GAZETTE="$crate/target/release/gazette" GAZETTE_EXAMPLE_SITE="$crate" \
  node --test --test-reporter=spec "$deps/serve.test.mjs"
