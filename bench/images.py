#!/usr/bin/env python3
"""Images benchmark (issue 14): what lead images cost a build, cold and warm, beside Hugo.

Three gazette sites from one `gen_corpus.py --newsroom` corpus:
  with        the corpus as written (about 40% of articles and some profiles carry an
              [image] from a pool of 40 PNGs)
  without     the same site with every [image] table removed
  distinct    the same site whose image uses are spread over N distinct PNGs (the pool
              images re-encoded with noise, so each has its own bytes and cache entries)

Each site is built, interleaved round by round: cold (output and image cache deleted),
edited (one article's body changed: every page renders again, images come from the warm
cache) and unchanged (nothing changed). With --hugo, a small Hugo site resizes the same
distinct PNGs to the same widths and formats (`.Resize` to 480/960/1600 px WebP q80 and PNG,
never wider than the original, plus a 1200-px JPEG q82, Lanczos), cold (resources/_gen
deleted) and warm (kept), beside gazette's `images` stage on the distinct site.

Usage: bench/images.py --work DIR [--articles 10000] [--distinct 1000] [--runs 3] [--hugo]
"""

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import CLOCK, GEN, REPO, hugo_binary, run_timed  # noqa: E402

IMAGE_TABLE = re.compile(r"^\[image\]\n(?:(?!\[|\+\+\+).*\n)*", re.M)
SRC_LINE = re.compile(r'^(\[image\]\n(?:(?!\[|\+\+\+).*\n)*?src = )"[^"]*"', re.M)


def generate(articles, out):
    if not (out / "site.toml").exists():
        # Every entity gets a profile: with the default `--profiles used`, some deal places have
        # none and the build stops with E052, as the contract says.
        cmd = [sys.executable, str(GEN), "--articles", str(articles), "--newsroom", "--profiles", "all", "--out", str(out), "--quiet"]
        subprocess.run(cmd, check=True)


def markdown_files(site):
    return sorted((site / "content").rglob("*.md"))


def without_images(source, out):
    shutil.copytree(source, out, dirs_exist_ok=True)
    for path in markdown_files(out):
        text = path.read_text(encoding="utf-8")
        stripped = IMAGE_TABLE.sub("", text)
        if stripped != text:
            path.write_text(stripped, encoding="utf-8")


def distinct_pngs(pool, folder, count, seed=1):
    """`count` PNGs, each a pool image with a band of noise: distinct bytes, same work."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    images = [Image.open(p).convert("RGB") for p in pool]
    names = []
    for n in range(count):
        image = images[n % len(images)].copy()
        width, height = image.size
        band = Image.frombytes("RGB", (width, 8), rng.randbytes(width * 8 * 3))
        image.paste(band, (0, rng.randrange(max(1, height - 8))))
        name = "d%04d.png" % n
        image.save(folder / name, compress_level=6)
        names.append(name)
    return names


def with_distinct_images(source, out, count):
    shutil.copytree(source, out, dirs_exist_ok=True)
    pool = sorted((out / "static" / "images").glob("*.png"))
    names = distinct_pngs(pool, out / "static" / "images" / "distinct", count)
    used = 0
    for path in markdown_files(out):
        text = path.read_text(encoding="utf-8")

        def swap(match):
            nonlocal used
            used += 1
            return '%s"/images/distinct/%s"' % (match.group(1), names[(used - 1) % len(names)])

        changed = SRC_LINE.sub(swap, text)
        if changed != text:
            path.write_text(changed, encoding="utf-8")
    return used


def stage_seconds(stderr, stage):
    for line in stderr.splitlines():
        if line.strip().startswith(stage + ":"):
            return float(line.split(":")[1].split("ms")[0]) / 1000
    return 0.0


def gazette(binary, site, kind):
    public, cache = site / "public", site / "public" / ".gazette-cache"
    build = [binary, "build", "--root", str(site), "--clock", CLOCK, "--no-search", "--timings"]
    if kind == "cold":
        shutil.rmtree(public, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    if kind == "edited":
        article = sorted((site / "content" / "articles").rglob("*.md"))[0]
        article.write_text(article.read_text(encoding="utf-8") + "\nEdited for the benchmark.\n", encoding="utf-8")
    wall, rss, stderr = run_timed(build)
    return wall, rss / 1024, stage_seconds(stderr, "images")


HUGO_HOME = """{{ range $img := resources.Match "images/**.png" }}{{ $w := $img.Width }}
{{ range $t := slice 480 960 1600 }}{{ if lt $t $w }}
{{ ($img.Resize (printf "%dx webp q80 Lanczos" $t)).RelPermalink }}
{{ ($img.Resize (printf "%dx png Lanczos" $t)).RelPermalink }}{{ end }}{{ end }}
{{ if le $w 1600 }}{{ ($img.Resize (printf "%dx webp q80 Lanczos" $w)).RelPermalink }}
{{ ($img.Resize (printf "%dx png Lanczos" $w)).RelPermalink }}{{ end }}
{{ $s := 1200 }}{{ if lt $w 1200 }}{{ $s = $w }}{{ end }}
{{ ($img.Resize (printf "%dx jpg q82 Lanczos" $s)).RelPermalink }}
{{ end }}
"""


def hugo_site(distinct_site, out, count):
    (out / "layouts").mkdir(parents=True, exist_ok=True)
    (out / "assets").mkdir(parents=True, exist_ok=True)
    (out / "hugo.toml").write_text('baseURL = "https://example.com/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n')
    (out / "layouts" / "home.html").write_text(HUGO_HOME)
    target = out / "assets" / "images"
    if not target.exists():
        target.mkdir()
        for source in sorted((distinct_site / "static" / "images" / "distinct").glob("*.png"))[:count]:
            shutil.copy(source, target / source.name)


def hugo(binary, site, kind):
    shutil.rmtree(site / "public", ignore_errors=True)
    if kind == "cold":
        shutil.rmtree(site / "resources", ignore_errors=True)
    wall, rss, _ = run_timed([binary, "--quiet", "--source", str(site)])
    return wall, rss / 1024, wall


def median(samples, index):
    return statistics.median(s[index] for s in samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", required=True)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--distinct", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--distinct-runs", type=int, default=1, help="rounds that build the distinct site")
    parser.add_argument("--hugo", action="store_true")
    parser.add_argument("--hugo-images", type=int, default=100, help="the first N distinct PNGs, for Hugo")
    args = parser.parse_args()
    binary = str(REPO / "target" / "release" / "gazette")
    work = Path(args.work)
    corpus = work / "corpus"
    generate(args.articles, corpus)
    sites = {"with": corpus, "without": work / "without", "distinct": work / "distinct"}
    if not sites["without"].exists():
        without_images(corpus, sites["without"])
    if not sites["distinct"].exists():
        print("image uses spread over %d files: %d" % (args.distinct, with_distinct_images(corpus, sites["distinct"], args.distinct)))
    runs = {(name, kind): [] for name in sites for kind in ("cold", "edited", "unchanged")}
    hugo_runs = {"cold": [], "warm": []}
    hugo_bin = hugo_binary() if args.hugo else None
    if hugo_bin:
        hugo_site(sites["distinct"], work / "hugo", args.hugo_images)
    for round_ in range(args.runs):
        for name, site in sites.items():
            if name == "distinct" and round_ >= args.distinct_runs:
                continue
            for kind in ("cold", "edited", "unchanged"):
                runs[(name, kind)].append(gazette(binary, site, kind))
        if hugo_bin and round_ < args.distinct_runs:
            for kind in ("cold", "warm"):
                hugo_runs[kind].append(hugo(hugo_bin, work / "hugo", kind))
        print("round %d done" % (round_ + 1), file=sys.stderr)
    print("| site | build | wall (median of %d) | min–max | peak RSS MiB | images stage |" % args.runs)
    print("| --- | --- | --- | --- | --- | --- |")
    for (name, kind), samples in runs.items():
        if not samples:
            continue
        walls = [s[0] for s in samples]
        print("| %s | %s | %.2f s | %.2f–%.2f | %.0f | %.3f s |" % (
            name, kind, statistics.median(walls), min(walls), max(walls), max(s[1] for s in samples), median(samples, 2)))
    for kind, samples in hugo_runs.items():
        if samples:
            walls = [s[0] for s in samples]
            print("| hugo, %d PNGs | %s | %.2f s | %.2f–%.2f | %.0f | |" % (
                args.hugo_images, kind, statistics.median(walls), min(walls), max(walls), max(s[1] for s in samples)))


if __name__ == "__main__":
    main()
