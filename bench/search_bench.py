#!/usr/bin/env python3
"""Benchmarks gazette's search index (issue 16) on one generated corpus.

Rounds, interleaved, `--runs` times each (medians printed, min-max beside):
  cold           a default build (search included) into an empty output, no search cache
  no-search      the same with --no-search
  warm           a default build with nothing changed (must rewrite no file)
  edit           a default build after one article's body changed (the cache kept)
  edit, no cache the same with the search cache deleted first
Each prints wall time, peak RSS (GNU time), the `index` stage of --timings, and for the
last of its runs: files in the output, files of pagefind/, and how many pagefind/ files
were rewritten (new inode) by the build. Output goes to OUT (a tmpfs, please).

Usage: bench/search_bench.py --binary target/release/gazette --site CORPUS --out DIR [--runs 3]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

CLOCK = "2026-01-01T00:00:00+00:00"


def run_timed(cmd):
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit("command failed: %s\n%s" % (" ".join(map(str, cmd)), proc.stderr[-3000:]))
    rss = int(proc.stderr.strip().splitlines()[-1]) / 1024
    index = next((float(line.split(":")[1].split("ms")[0]) / 1000 for line in proc.stderr.splitlines()
                  if line.strip().startswith("index:")), 0.0)
    return wall, rss, index


def inodes(folder):
    return {p: p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def files(folder):
    return sum(len(names) for _, _, names in os.walk(folder))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--site", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    out = args.out.resolve()
    cache = out.parent / (".%s.gazette-search-cache" % out.name)
    build = [args.binary, "build", "--root", str(args.site), "--output", str(out), "--clock", CLOCK, "--timings"]
    article = sorted((args.site / "content" / "articles").rglob("*.md"))[len(list((args.site / "content" / "articles").rglob("*.md"))) // 2]
    original = article.read_text(encoding="utf-8")
    samples = {k: [] for k in ["cold", "no-search", "warm", "edit", "edit, no cache"]}
    counts = {}

    def measure(kind, cmd):
        old = inodes(out / "pagefind") if out.exists() else {}
        samples[kind].append(run_timed(cmd))
        new = inodes(out / "pagefind") if (out / "pagefind").exists() else {}
        rewritten = sum(1 for p, i in new.items() if old.get(p) != i)
        counts[kind] = (files(out), len(new), rewritten)

    try:
        for i in range(args.runs):
            shutil.rmtree(out, ignore_errors=True)
            cache.unlink(missing_ok=True)
            measure("cold", build)
            measure("warm", build)
            article.write_text(original + "\nEdited for benchmark run %d: a new sentence.\n" % i, encoding="utf-8")
            measure("edit", build)
            article.write_text(original + "\nEdited again for run %d, without the cache.\n" % i, encoding="utf-8")
            cache.unlink(missing_ok=True)
            measure("edit, no cache", build)
            article.write_text(original, encoding="utf-8")
            shutil.rmtree(out, ignore_errors=True)
            measure("no-search", build + ["--no-search"])
    finally:
        article.write_text(original, encoding="utf-8")
    print("| build | wall | peak RSS | index stage | files | pagefind/ files | pagefind/ rewritten |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for kind, runs in samples.items():
        walls = [r[0] for r in runs]
        rss = statistics.median(r[1] for r in runs)
        index = statistics.median(r[2] for r in runs)
        total, pagefind, rewritten = counts[kind]
        print("| %s | %.2f s (%.2f–%.2f) | %.0f MiB | %.2f s | %d | %d | %d |" % (
            kind, statistics.median(walls), min(walls), max(walls), rss, index, total, pagefind, rewritten))
    shutil.rmtree(out, ignore_errors=True)
    cache.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
