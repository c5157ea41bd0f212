#!/usr/bin/env bash
# gazette deploy beside `rclone sync --checksum`, against a local SeaweedFS, on one site.
#
#   tests/deploy/bench.sh GAZETTE SITE WORKDIR [RUNS]
#
# SITE is a site folder (e.g. from bench/gen_corpus.py); WORKDIR (on tmpfs) holds the server.
# Each run uploads the site to fresh prefixes (first upload), deploys again with nothing
# changed, then edits one article, rebuilds, and deploys the edit; the tools alternate. The
# rebuild is timed apart: `gazette deploy` would run it itself, rclone needs it done. The
# targets [deploy.g1], [deploy.g2], ... are written into site.toml once, before the first
# build: site.toml is a source of the build, so changing it would make every deploy rebuild.
# Set RCLONE_32=0 to leave out rclone with 32 transfers (the longest runs), S3_PORT to move
# the server off port 47300.
# Prints one line per measurement: tool, case, run, seconds, what the tool said it did.
set -euo pipefail
gazette="$(realpath "$1")"; site="$(realpath "$2")"; work="$3"; runs="${4:-3}"
here="$(dirname "$0")"
mkdir -p "$work"
trap '"$here/seaweedfs.sh" stop "$work"' EXIT
eval "$("$here/seaweedfs.sh" start "$work" "${S3_PORT:-47300}" | sed 's/^/export /')"
export AWS_ACCESS_KEY_ID=$GAZETTE_TEST_S3_KEY AWS_SECRET_ACCESS_KEY=$GAZETTE_TEST_S3_SECRET
export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=SeaweedFS \
    RCLONE_CONFIG_BENCH_ENDPOINT=$GAZETTE_TEST_S3_ENDPOINT RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID \
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true
config="$site/site.toml"
cp "$config" "$work/site.toml.orig"
for run in $(seq "$runs"); do
    printf '\n[deploy.g%s]\nbucket = "%s"\nendpoint = "%s"\nregion = "us-east-1"\nprefix = "g%s/"\nmax_deletes = 100000\n' \
        "$run" "$GAZETTE_TEST_S3_BUCKET" "$GAZETTE_TEST_S3_ENDPOINT" "$run" >>"$config"
done
"$gazette" build --root "$site" >/dev/null 2>&1
article="$(find "$site/content/articles" -name '*.md' | sort | sed -n 1p)"
cp "$article" "$work/article.orig"

timed() { # name case run command...: prints the line
    local name=$1 case=$2 run=$3; shift 3
    local start end out
    start=$(date +%s.%N)
    out="$("$@" 2>&1 | grep -E 'deployed|up to date|Transferred:.*[0-9] /|Deleted:' | tr '\n' ' ' || true)"
    end=$(date +%s.%N)
    printf '%s\t%s\t%s\t%.2f\t%s\n' "$name" "$case" "$run" "$(echo "$end - $start" | bc)" "$out"
}
# Debian's rclone 1.60 refuses to start when AWS_CA_BUNDLE is set ("LoadCustomCABundleError"),
# and the local server needs no CA.
rclone_sync() { env -u AWS_CA_BUNDLE rclone sync --checksum --stats 0 -v "$@"; }

rclone32() { [ "${RCLONE_32:-1}" != 0 ]; }
# Each run edits the article once more: its first upload is of the site the last run built.
for run in $(seq "$runs"); do
    timed gazette first "$run" "$gazette" deploy --root "$site" --target "g$run"
    timed rclone first "$run" rclone_sync "$site/public" "bench:$GAZETTE_TEST_S3_BUCKET/r$run"
    rclone32 && timed rclone-32 first "$run" rclone_sync --transfers 32 --checkers 32 "$site/public" "bench:$GAZETTE_TEST_S3_BUCKET/t$run"
    timed gazette no-change "$run" "$gazette" deploy --root "$site" --target "g$run"
    timed rclone no-change "$run" rclone_sync "$site/public" "bench:$GAZETTE_TEST_S3_BUCKET/r$run"
    rclone32 && timed rclone-32 no-change "$run" rclone_sync --transfers 32 --checkers 32 "$site/public" "bench:$GAZETTE_TEST_S3_BUCKET/t$run"
    printf '\nA paragraph added in run %s.\n' "$run" >>"$article"
    timed gazette-build one-edit "$run" "$gazette" build --root "$site"
    timed gazette one-edit "$run" "$gazette" deploy --root "$site" --target "g$run"
    timed rclone one-edit "$run" rclone_sync "$site/public" "bench:$GAZETTE_TEST_S3_BUCKET/r$run"
    rclone32 && timed rclone-32 one-edit "$run" rclone_sync --transfers 32 --checkers 32 "$site/public" "bench:$GAZETTE_TEST_S3_BUCKET/t$run"
done
cp "$work/article.orig" "$article"
cp "$work/site.toml.orig" "$config"
echo "files: $(find "$site/public" -type f | wc -l), bytes: $(du -sb "$site/public" | cut -f1)"
