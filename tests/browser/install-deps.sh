#!/usr/bin/env bash
# install-deps.sh PACKAGE_DIR DEPS_DIR: what a browser test needs, installed when missing:
# Chromium from the Debian packages, and the npm packages of PACKAGE_DIR/package.json
# (playwright-core) into DEPS_DIR, a folder outside the crate kept between runs. Nothing is
# downloaded while a test runs.
set -euo pipefail
package_dir="$1"
deps="$2"

if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
if [ ! -f "$deps/node_modules/playwright-core/package.json" ] || ! cmp -s "$package_dir/package.json" "$deps/package.json"; then
  mkdir -p "$deps"
  cp "$package_dir/package.json" "$deps/package.json"
  (cd "$deps" && npm install --no-audit --no-fund --ignore-scripts)
fi
