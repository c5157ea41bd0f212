#!/usr/bin/env bash
# The output quality gate: checks a built site with the validators browsers, feed readers and
# crawlers use. Exits non-zero if any check fails; every check runs, and all findings print.
#
#   tests/validate.sh [--twin DIR] [--only CHECKS] SITE_DIR [BASE_URL]
#
#   SITE_DIR       the output of `gazette build`
#   BASE_URL       the base URL it was built with; default: read from SITE_DIR/robots.txt
#   --twin DIR     a second build of the same site: feed entry ids must not change
#   --only CHECKS  a comma-separated subset of: html,atom,sitemap,links,a11y
#
# Checks: html (Nu Html Checker, errors only), atom (xmllint well-formedness, RFC 4287
# grammar with jing, authors, RFC 3339 times, stable ids), sitemap (sitemaps.org schema,
# every <loc> under BASE_URL with a file), links (lychee offline with fragments, plus every
# <script src>/<link href>/<img src> under BASE_URL), a11y (axe-core in headless Chromium on
# one page of each kind: WCAG 2 A and AA rules and best practices).
#
# The tools come from tests/validate/install.sh; GAZETTE_VALIDATORS is where it put the npm
# packages, ATOM_RNC the Atom grammar (default: shared/validators/atom.rnc beside the repo).
set -uo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
here="$repo/tests/validate"
tools_dir="${GAZETTE_VALIDATORS:-${XDG_CACHE_HOME:-$HOME/.cache}/gazette-validators}"
atom_rnc="${ATOM_RNC:-$repo/../shared/validators/atom.rnc}"

twin=""
only="html,atom,sitemap,links,a11y"
while [ $# -gt 0 ]; do
    case "$1" in
    --twin) twin="$(cd "$2" && pwd)" || exit 2; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    -h | --help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || { echo "usage: tests/validate.sh [--twin DIR] [--only CHECKS] SITE_DIR [BASE_URL]" >&2; exit 2; }
site="$(cd "$1" && pwd)" || exit 2
base_url="${2:-}"
if [ -z "$base_url" ]; then
    base_url="$(sed -n 's/^Sitemap: \(.*\)sitemap\.xml$/\1/p' "$site/robots.txt" 2>/dev/null | head -n 1)"
    [ -n "$base_url" ] || { echo "no BASE_URL given and none in $site/robots.txt" >&2; exit 2; }
fi

for tool in java jing xmllint lychee node python3; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: run tests/validate/install.sh" >&2; exit 2; }
done
for file in vnu-jar/build/dist/vnu.jar sitemap/schema/sitemap.xsd playwright-core axe-core/axe.min.js; do
    [ -e "$tools_dir/node_modules/$file" ] || { echo "$tools_dir/node_modules/$file is missing: run tests/validate/install.sh" >&2; exit 2; }
done
[ -f "$atom_rnc" ] || { echo "the Atom grammar $atom_rnc is missing (set ATOM_RNC)" >&2; exit 2; }

summary=()
failed=0
# run_check NAME FUNCTION: runs it, times it, records the result.
run_check() {
    case ",$only," in *",$1,"*) ;; *) return ;; esac
    printf '\n--- %s\n' "$1"
    local start status tenths
    start=${EPOCHREALTIME/./}
    "$2"
    status=$?
    tenths=$(((${EPOCHREALTIME/./} - start) / 100000))
    local seconds="$((tenths / 10)).$((tenths % 10))"
    if [ $status -eq 0 ]; then
        summary+=("ok      ${seconds}s  $1")
    else
        summary+=("FAILED  ${seconds}s  $1")
        failed=1
    fi
}

check_html() {
    # A short run: the client compiler alone and the serial collector take half the time off
    # the checker's start-up and warm-up, which is most of a small site's check.
    java -Xss4m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$tools_dir/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only --skip-non-html "$site" &&
        echo "no HTML errors in $(find "$site" -name '*.html' | wc -l) pages"
}

check_atom() {
    local feeds=() status=0
    mapfile -t feeds < <(find "$site" -name atom.xml | sort)
    [ -f "$site/atom.xml" ] || { echo "no atom.xml at the site root"; return 1; }
    xmllint --noout --nonet "${feeds[@]}" || return 1
    # jing warns about optional jars Debian does not ship; only its findings matter.
    jing -c "$atom_rnc" "${feeds[@]}" 2> >(grep -v 'Unable to locate' >&2) || status=1
    python3 "$here/checks.py" feeds "$site" "$base_url" ${twin:+"$twin"} || status=1
    return $status
}

# Writes to $1 a schema that joins sitemaps.org's (from the npm package) and the news
# extension's (tests/validate/sitemap-news.xsd, written from Google's documentation).
write_news_schema() {
    cat >"$1" <<XSD
<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.sitemaps.org/schemas/sitemap/0.9" schemaLocation="file://$tools_dir/node_modules/sitemap/schema/sitemap.xsd"/>
  <xsd:import namespace="http://www.google.com/schemas/sitemap-news/0.9" schemaLocation="file://$here/sitemap-news.xsd"/>
</xsd:schema>
XSD
}

check_sitemap() {
    local status=0 name schemas
    [ -f "$site/sitemap.xml" ] || { echo "no sitemap.xml"; return 1; }
    # sitemap.xsd with the declaration of <xhtml:link> (a page's language versions) beside it.
    schemas="$(mktemp -d)"
    cat >"$schemas/sitemap-with-alternates.xsd" <<XSD
<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.sitemaps.org/schemas/sitemap/0.9" schemaLocation="file://$tools_dir/node_modules/sitemap/schema/sitemap.xsd"/>
  <xsd:import namespace="http://www.w3.org/1999/xhtml" schemaLocation="file://$here/sitemap-xhtml-link.xsd"/>
</xsd:schema>
XSD
    for name in "$site"/sitemap.xml "$site"/sitemap-*.xml; do
        [ -f "$name" ] || continue
        # An index of parts has no schema in the package; its parts are checked one by one.
        grep -q '<sitemapindex' "$name" && { xmllint --noout --nonet "$name" || status=1; continue; }
        xmllint --noout --nonet --schema "$schemas/sitemap-with-alternates.xsd" "$name" || status=1
    done
    rm -rf "$schemas"
    local news_schema
    news_schema="$(mktemp --suffix=.xsd)"
    write_news_schema "$news_schema"
    for name in "$site"/news-sitemap.xml "$site"/news-sitemap-*.xml; do
        [ -f "$name" ] || continue
        # An index, or an empty news sitemap (no article in the last two days: Google accepts
        # it, sitemaps.org's schema wants a <url>), is only checked for well-formedness.
        if grep -q '<sitemapindex' "$name" || ! grep -q '<url>' "$name"; then
            xmllint --noout --nonet "$name" || status=1
            continue
        fi
        xmllint --noout --nonet --schema "$news_schema" "$name" || status=1
    done
    rm -f "$news_schema"
    python3 "$here/checks.py" sitemap "$site" "$base_url" || status=1
    return $status
}

check_links() {
    local status=0
    # Links are absolute URLs under BASE_URL: remap them onto the files; the rest of the web
    # is skipped (--offline).
    local pattern
    pattern="^$(printf '%s' "$base_url" | sed 's/[][\.*^$+?(){}|]/\\&/g')"
    lychee --offline --no-progress --root-dir "$site" --index-files index.html --include-fragments \
        --remap "$pattern file://$site/" "$site/**/*.html" || status=1
    python3 "$here/checks.py" assets "$site" "$base_url" || status=1
    return $status
}

check_a11y() {
    local pages=() server_log port server status=0
    mapfile -t pages < <(python3 "$here/checks.py" pages "$site")
    server_log="$(mktemp)"
    python3 -u -m http.server --bind 127.0.0.1 --directory "$site" 0 >"$server_log" 2>&1 &
    server=$!
    for _ in $(seq 50); do
        port="$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$server_log" | head -n 1)"
        [ -n "$port" ] && break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        echo "the http server did not start:"; cat "$server_log"; status=1
    else
        NODE_PATH="$tools_dir/node_modules" node "$here/axe.mjs" "$base_url" "http://127.0.0.1:$port/" "${pages[@]}" ||
            status=1
    fi
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    rm -f "$server_log"
    return $status
}

echo "validating $site as $base_url"
run_check html check_html
run_check atom check_atom
run_check sitemap check_sitemap
run_check links check_links
run_check a11y check_a11y

printf '\n--- summary for %s\n' "$site"
printf '%s\n' "${summary[@]}"
exit $failed
