#!/usr/bin/env python3
"""Kills `gazette build` with SIGKILL at random moments and checks that the output folder is
always either the complete old site or the complete new one, never a mix (the atomic swap),
by the SHA-256 of every file.

Usage: bench/kill_test.py [--articles 2000] [--rounds 100] [--work DIR] [--seed N] [--binary PATH]

The rounds are split between builds with the search index and builds without it
(`--no-search`). Each round edits one article (back and forth), starts a build and kills it
after a random delay between 0 and 1.2 times a full build; the output must then hash exactly
as the complete old or the complete new site. The site is made by a small generator of its
own (standard library only), so the test runs on a fresh clone, in CI; it builds the release
binary first, unless --binary names one.
"""

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLOCK = "2026-01-01T00:00:00+00:00"

TAGS = ["finance", "new energy", "ports", "industrial parks", "agriculture", "logistics", "semiconductors",
        "tourism", "steel", "automotive", "chemicals", "education"]
ENTITIES = ["Liaoning Province", "Dalian", "Shenyang", "Orix Corporation", "Shenfu New Area", "Jilin",
            "Harbin", "Changchun", "Anshan Iron and Steel", "Dalian Port Group", "辽宁省", "Iñaki Lefèvre"]
WORDS = ("investment agreement park province company signed billion yuan port logistics energy plant "
         "factory export growth officials announced cooperation industrial zone capacity").split()


def generate(site, articles, seed):
    """A buildable site of `articles` articles with tags, entities and a few profiles."""
    rng = random.Random(seed)
    shutil.rmtree(site, ignore_errors=True)
    (site / "content" / "entities").mkdir(parents=True)
    (site / "site.toml").write_text('title = "Kill Test Gazette"\nbase_url = "https://kill.example/"\n'
                                    'paginate_by = 20\nfeed_limit = 20\n', encoding="utf-8")
    for name in ENTITIES[:6]:
        slug = "".join(c if c.isalnum() else "-" for c in name.lower())
        (site / "content" / "entities" / (slug + ".md")).write_text(
            '+++\nname = "%s"\nkind = "organization"\n+++\nA profile of %s.\n' % (name, name), encoding="utf-8")
    for number in range(articles):
        year, month, day = 2016 + number % 10, 1 + number % 12, 1 + number % 28
        folder = site / "content" / "articles" / str(year) / ("%02d" % month)
        folder.mkdir(parents=True, exist_ok=True)
        tags = rng.sample(TAGS, rng.randint(1, 4))
        entities = rng.sample(ENTITIES, rng.randint(1, 4))
        paragraphs = ["\n".join(" ".join(rng.choices(WORDS, k=14)).capitalize() + "." for _ in range(4))
                      for _ in range(rng.randint(2, 6))]
        front = ('+++\ntitle = "Story %d: %s"\ndate = %d-%02d-%02dT%02d:00:00+08:00\ntags = [%s]\n'
                 'entities = [%s]\nauthors = ["Staff reporter"]\n+++\n') % (
            number, " ".join(rng.choices(WORDS, k=6)), year, month, day, number % 24,
            ", ".join('"%s"' % t for t in tags), ", ".join('"%s"' % e for e in entities))
        body = "\n\n".join(paragraphs) + "\n\n## More\n\n" + " ".join(entities) + "\n"
        (folder / ("story-%05d.md" % number)).write_text(front + body, encoding="utf-8")


def manifest(folder):
    """{relative path: sha256} of every file below folder."""
    result = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            result[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def kill_rounds(gazette, site, article, texts, flags, rounds, rng):
    """`rounds` kills of builds with `flags`; returns (full build seconds, {"old": n, "new": n})."""
    def command():
        return [gazette, "build", "--root", str(site), "--clock", CLOCK] + flags

    # The two complete sites, built undisturbed: the old text from nothing, then the new one
    # over it, timed (the kills fall within 1.2 times of that build, which is what they interrupt).
    public = site / "public"
    shutil.rmtree(public, ignore_errors=True)
    article.write_text(texts["old"], encoding="utf-8")
    subprocess.run(command(), check=True, capture_output=True)
    states = {"old": manifest(public)}
    article.write_text(texts["new"], encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(command(), check=True, capture_output=True)
    full = time.perf_counter() - started
    states["new"] = manifest(public)
    if states["new"] == states["old"]:
        sys.exit("the edit changed no output file: the test could not tell old from new")
    current, outcomes = "new", {"old": 0, "new": 0}
    for round_number in range(rounds):
        # Build towards the text the output does not hold, and kill the build.
        target = "old" if current == "new" else "new"
        article.write_text(texts[target], encoding="utf-8")
        process = subprocess.Popen(command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, full * 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait()
        found = manifest(public)
        match = [name for name, state in states.items() if state == found]
        if not match:
            missing = sorted(set(states[target]) - set(found))[:5]
            sys.exit("round %d %s: the output is neither the old nor the new site (e.g. missing %s)"
                     % (round_number, " ".join(flags) or "(search)", missing))
        current = match[0]
        outcomes[current] += 1
    return full, outcomes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=100, help="kills in all, half with search, half without")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--binary", help="a gazette binary (default: build the release one)")
    parser.add_argument("--work", default="/dev/shm/gazette-kill" if Path("/dev/shm").is_dir() else "/tmp/gazette-kill")
    args = parser.parse_args()
    work = Path(args.work)
    site = work / "site"
    rng = random.Random(args.seed)
    started = time.perf_counter()
    if args.binary is None:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    gazette = args.binary or str(REPO / "target" / "release" / "gazette")
    generate(site, args.articles, args.seed)
    article = sorted((site / "content" / "articles").rglob("*.md"))[-1]
    original = article.read_text(encoding="utf-8")
    texts = {"old": original, "new": original.replace('title = "', 'title = "Edited: ', 1)}
    try:
        for flags, rounds in (([], args.rounds // 2), (["--no-search"], args.rounds - args.rounds // 2)):
            full, outcomes = kill_rounds(gazette, site, article, texts, flags, rounds, rng)
            print("%s: %d kills during a %.2f s build of %d articles: the complete old site %d times, the "
                  "complete new site %d times, never a mix (SHA-256 of every file)"
                  % ("with search" if not flags else "without search", rounds, full, args.articles,
                     outcomes["old"], outcomes["new"]), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("kill test: %.0f s" % (time.perf_counter() - started))


if __name__ == "__main__":
    main()
