#!/usr/bin/env bash
# install.sh DEPS_DIR: the Pagefind CLI of the version Cargo.toml pins, from npm, into DEPS_DIR
# (kept between runs; skipped when that version is there already).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
deps="${1:?usage: install.sh DEPS_DIR}"
version="$(sed -n 's/^pagefind = { version = "=\([0-9.]*\)".*/\1/p' "$here/../../Cargo.toml")"
[ -n "$version" ] || { echo "Cargo.toml does not pin pagefind exactly" >&2; exit 1; }

mkdir -p "$deps"
if [ "$(cat "$deps/version" 2>/dev/null)" != "$version" ]; then
  (cd "$deps" && npm install --no-audit --no-fund --silent "pagefind@$version" && echo "$version" >version)
fi
