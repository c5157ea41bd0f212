#!/usr/bin/env python3
"""Load test of `gazette serve` (127.0.0.1 only, bounded in time): many concurrent
connections, live-reload streams held open across an edit, and slow half-open connections.

What it does, on a generated site (bench/kill_test.py's generator):
  1. opens --slow connections that send half a request line and then nothing;
  2. opens --streams live-reload streams (`__gazette/events`) and reads their first event;
  3. runs --connections concurrent keep-alive connections, each sending --requests GETs for
     pages, feeds and the stylesheet, while one article is edited part-way through;
  4. checks that every request got a 200 with its whole body, that every stream received a
     `reload` event after the edit, and that the server still answers once the slow
     connections are gone.
It exits 1 on any failed request or stream that did not reload.

Usage: bench/serve_load.py [--connections 1000] [--requests 20] [--streams 300] [--slow 200]
                           [--articles 200] [--binary PATH]
Only the Python standard library is used. Builds the release binary unless --binary is given.
"""

import argparse
import asyncio
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kill_test import CLOCK, REPO, generate  # noqa: E402

RELOAD_TIMEOUT = 30
REQUEST_TIMEOUT = 60


async def read_response(reader):
    """(status, body) of one HTTP/1.1 response with a Content-Length."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:] if l)}
    if "content-length" not in headers:
        raise RuntimeError("a response without Content-Length: %r" % lines[0])
    body = await reader.readexactly(int(headers["content-length"]))
    return status, body


async def client(port, paths, requests, results):
    """One keep-alive connection sending `requests` GETs; failures are counted in `results`."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), REQUEST_TIMEOUT)
    except (OSError, asyncio.TimeoutError) as error:
        results["failed"] += requests
        results["errors"].append("connect: %s" % error)
        return
    try:
        for _ in range(requests):
            path = random.choice(paths)
            writer.write(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % (path, port)).encode())
            await writer.drain()
            status, body = await asyncio.wait_for(read_response(reader), REQUEST_TIMEOUT)
            if status == 200 and body:
                results["ok"] += 1
            else:
                results["failed"] += 1
                results["errors"].append("%s → %d" % (path, status))
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, RuntimeError, ValueError) as error:
        results["failed"] += 1
        results["errors"].append("request: %r" % error)
    finally:
        writer.close()


async def stream(port, opened, edited, reloads):
    """A live-reload stream: its first event, then a `reload` after the edit."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(("GET /__gazette/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port).encode())
    await writer.drain()
    buffer = b""
    try:
        while b"event: state" not in buffer:
            buffer += await reader.read(4096)
        opened.release()
        await edited.wait()
        buffer = b""
        deadline = time.monotonic() + RELOAD_TIMEOUT
        while b"event: reload" not in buffer:
            chunk = await asyncio.wait_for(reader.read(4096), max(0.1, deadline - time.monotonic()))
            if not chunk:
                return
            buffer += chunk
        reloads.append(1)
    except (OSError, asyncio.TimeoutError):
        return
    finally:
        writer.close()


async def slow(port, hold):
    """Half a request line, then silence until `hold` is set."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /index.ht")
        await writer.drain()
        await hold.wait()
        writer.close()
    except OSError:
        pass


def listening_port(server):
    """The port `serve` says it listens on (its first build prints lines before that); the
    rest of its output is drained in the background, so that a full pipe never blocks it."""
    said = []
    for line in server.stderr:
        said.append(line)
        match = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
        if match:
            threading.Thread(target=lambda: server.stderr.read(), daemon=True).start()
            return int(match.group(1))
    sys.exit("serve did not start:\n" + "".join(said[-20:]))


async def run(args, port, article, paths):
    hold, edited = asyncio.Event(), asyncio.Event()
    slow_tasks = [asyncio.create_task(slow(port, hold)) for _ in range(args.slow)]
    opened, reloads = asyncio.Semaphore(0), []
    stream_tasks = [asyncio.create_task(stream(port, opened, edited, reloads)) for _ in range(args.streams)]
    for _ in range(args.streams):
        await asyncio.wait_for(opened.acquire(), REQUEST_TIMEOUT)
    results = {"ok": 0, "failed": 0, "errors": []}
    started = time.perf_counter()
    load = [asyncio.create_task(client(port, paths, args.requests, results)) for _ in range(args.connections)]

    async def edit():
        await asyncio.sleep(0.5)
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace('title = "', 'title = "Edited under load: ', 1), encoding="utf-8")
        edited.set()

    await asyncio.gather(edit(), *load)
    seconds = time.perf_counter() - started
    await asyncio.wait_for(asyncio.gather(*stream_tasks), RELOAD_TIMEOUT + 10)
    hold.set()
    await asyncio.gather(*slow_tasks)
    after = {"ok": 0, "failed": 0, "errors": []}
    await client(port, paths, 5, after)
    return results, seconds, len(reloads), after


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=20, help="requests per connection")
    parser.add_argument("--streams", type=int, default=300)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--binary")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 2 * (args.connections + args.streams + args.slow) + 256
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(needed, soft)), hard))
    if args.binary is None:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    binary = args.binary or str(REPO / "target" / "release" / "gazette")
    work = Path(tempfile.mkdtemp(prefix="gazette-load-"))
    server = None
    try:
        site = work / "site"
        generate(site, args.articles, 18)
        article = sorted((site / "content" / "articles").rglob("*.md"))[-1]
        server = subprocess.Popen([binary, "serve", "--root", str(site), "--port", "0", "--clock", CLOCK],
                                  stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        port = listening_port(server)
        slugs = [p.stem for p in sorted((site / "content" / "articles").rglob("*.md"))]
        paths = ["/", "/page/2/", "/tags/", "/tags/finance/", "/entities/", "/archive/", "/atom.xml",
                 "/sitemap.xml", "/tags/finance/atom.xml"] + ["/articles/%s/" % s for s in slugs[:50]]
        results, seconds, reloaded, after = asyncio.run(run(args, port, article, paths))
    finally:
        if server:
            server.kill()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    total = results["ok"] + results["failed"]
    print("serve load: %d requests over %d concurrent connections in %.1f s (%.0f/s), %d failed; "
          "%d of %d live-reload streams reloaded after an edit under load; %d slow half-open "
          "connections held; afterwards %d of 5 requests answered"
          % (total, args.connections, seconds, total / seconds, results["failed"], reloaded, args.streams,
             args.slow, after["ok"]))
    if results["failed"] or reloaded != args.streams or after["ok"] != 5:
        for error in results["errors"][:10] + after["errors"][:5]:
            print("  " + error)
        sys.exit(1)


if __name__ == "__main__":
    main()
