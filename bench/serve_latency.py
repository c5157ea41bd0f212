#!/usr/bin/env python3
"""Measures `gazette serve`'s rebuild latency on a generated corpus.

Starts `gazette serve --timings` on a copy of the corpus, then edits one article N times
for each kind of edit and reads the `timings:` line the server prints after each rebuild:
  body    one sentence of the body changed
  title   the title changed
  tag     one tag replaced by another and back
  date    the date moved (the article changes place in every list)
  entities  (only with --kinds) an entity added: a full rebuild
For each kind it prints the median and range of
  since_event_ms  from the file event (inotify, before the debounce delay) to the last
                  page swapped into the served site
  rebuild_ms      from the debounced batch to the same point (the rebuild itself)
  search_ms       from the file event to the search index swapped in after the pages
                  (serve makes the index again once the pages are served; `-` when the
                  site has no search)
and the median number of outputs rendered. The server is stopped at the end.

Usage: bench/serve_latency.py [--articles 10000] [--runs 20] [--work DIR] [--binary PATH]
                              [--debounce MS] [--kinds body,title,tag,date] [--stages] [--no-search]
Only the Python standard library is used. Build the binary first: cargo build --release.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
CLOCK = "2026-01-01T00:00:00+00:00"
TIMINGS = re.compile(r"timings: kind=(full|one-article) rebuild_ms=([\d.]+) since_event_ms=([\d.]+) rendered=(\d+) outputs=(\d+)")
INDEX = re.compile(r"timings: kind=search-index rebuild_ms=[\d.]+ since_event_ms=([\d.]+)")


class Server:
    def __init__(self, binary, root, debounce):
        cmd = [str(binary), "serve", "--root", str(root), "--port", "0", "--timings",
               "--clock", CLOCK, "--debounce", str(debounce)]
        self.proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait_for(self, pattern, start, timeout=300):
        """The first line at index >= start matching pattern, and the index after it."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(start, len(self.lines)):
                    m = re.search(pattern, self.lines[i])
                    if m:
                        return m, i + 1
                start = len(self.lines)
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    sys.exit("no %r from the server; last lines:\n%s" % (pattern, "\n".join(self.lines[-20:])))
                self.cond.wait(left)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def edits(text, kind, n):
    """The article's text after edit number n of this kind (alternating, so each one changes it)."""
    if kind == "body":
        return text.replace("\n+++\n", "\n+++\nEdit %d of the body. " % n, 1) if n % 2 == 0 else text
    if kind == "title":
        return re.sub(r'^title = "', 'title = "Edit %d: ' % n, text, count=1, flags=re.M)
    if kind == "tag":
        return re.sub(r"^tags = \[", 'tags = ["bench tag %d", ' % (n % 2), text, count=1, flags=re.M)
    if kind == "date":
        return re.sub(r"^date = \d{4}", "date = %d" % (2017 + n % 2 * 6), text, count=1, flags=re.M)
    if kind == "entities":
        return re.sub(r"^entities = \[", 'entities = ["Bench Entity %d", ' % (n % 2), text, count=1, flags=re.M)
    raise ValueError(kind)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--work", default="/dev/shm/gazette-serve-bench")
    parser.add_argument("--binary", default=str(REPO / "target" / "release" / "gazette"))
    parser.add_argument("--debounce", type=int, default=50)
    parser.add_argument("--kinds", default="body,title,tag,date")
    parser.add_argument("--stages", action="store_true", help="also print each kind's last timings line")
    parser.add_argument("--no-search", action="store_true",
                        help="the binary's serve makes no search index after the pages (a gazette built "
                             "without the search feature, or one older than the deferred index)")
    args = parser.parse_args()

    work = Path(args.work)
    corpus = work / ("c%d" % args.articles)
    if not (corpus / "site.toml").exists():
        work.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(GEN), "--articles", str(args.articles), "--flavor", "gazette",
                        "--out", str(corpus), "--quiet"], check=True)
    site = Path(tempfile.mkdtemp(prefix="site-", dir=work))
    shutil.copytree(corpus, site, dirs_exist_ok=True)
    article = sorted((site / "content" / "articles").rglob("*.md"))[len(list((site / "content" / "articles").rglob("*.md"))) // 2]
    original = article.read_text()

    server = Server(args.binary, site, args.debounce)
    try:
        _, at = server.wait_for(r"^serving http://", 0)
        print("corpus: %d articles; edited: %s; debounce %d ms" % (args.articles, article.relative_to(site), args.debounce))
        search = not args.no_search
        print("| edit | runs | since file event, median (min-max) | rebuild, median (min-max) | rendered | kind "
              "| search index since file event, median (min-max) |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for kind in args.kinds.split(","):
            since, rebuild, rendered, kinds, indexed = [], [], [], set(), []
            for n in range(args.runs):
                article.write_text(edits(original, kind, n))
                m, at = server.wait_for(TIMINGS.pattern, at)
                kinds.add(m.group(1))
                rebuild.append(float(m.group(2)))
                since.append(float(m.group(3)))
                rendered.append(int(m.group(4)))
                if search:
                    i, at = server.wait_for(INDEX.pattern, at)
                    indexed.append(float(i.group(1)))
                time.sleep(0.2)
            article.write_text(original)
            _, at = server.wait_for(TIMINGS.pattern, at)
            if search:
                i, at = server.wait_for(INDEX.pattern, at)
            index_column = "%.0f ms (%.0f-%.0f)" % (statistics.median(indexed), min(indexed), max(indexed)) if search else "-"
            print("| %s | %d | %.0f ms (%.0f-%.0f) | %.0f ms (%.0f-%.0f) | %d of %s | %s | %s |" % (
                kind, args.runs, statistics.median(since), min(since), max(since),
                statistics.median(rebuild), min(rebuild), max(rebuild),
                statistics.median(rendered), m.group(5), "/".join(sorted(kinds)), index_column))
            if args.stages:
                print("    " + m.string)
                if search:
                    print("    " + i.string)
    finally:
        server.stop()
        shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
