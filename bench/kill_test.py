#!/usr/bin/env python3
"""Kills `gazette build` with SIGKILL at random moments and checks that the output folder is
always either the complete old site or the complete new one, never a mix (the atomic swap).

Usage: bench/kill_test.py [--articles 2000] [--rounds 30] [--work DIR]
Needs the release binary (it builds it) and ../shared/bench/gen_corpus.py.
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
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
CLOCK = "2026-01-01T00:00:00+00:00"


def manifest(folder):
    """{relative path: sha256} of every file below folder."""
    result = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            result[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--work", default="/dev/shm/gazette-kill" if Path("/dev/shm").is_dir() else "/tmp/gazette-kill")
    args = parser.parse_args()
    work = Path(args.work)
    site = work / "site"
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    gazette = str(REPO / "target" / "release" / "gazette")
    if not site.exists():
        subprocess.run([sys.executable, str(GEN), "--articles", str(args.articles), "--flavor", "gazette",
                        "--out", str(site), "--quiet"], check=True)
    article = sorted((site / "content" / "articles").rglob("*.md"))[-1]
    original = article.read_text(encoding="utf-8")
    edited = original.replace('title = "', 'title = "Edited: ', 1)

    def build(output=None):
        cmd = [gazette, "build", "--root", str(site), "--clock", CLOCK]
        if output:
            cmd += ["--output", str(output)]
        subprocess.run(cmd, check=True, capture_output=True)

    # The two complete outputs a killed build may leave.
    states = {}
    for name, text in (("old", original), ("new", edited)):
        article.write_text(text, encoding="utf-8")
        reference = work / ("reference-" + name)
        shutil.rmtree(reference, ignore_errors=True)
        build(reference)
        states[name] = manifest(reference)
    started = time.perf_counter()
    build()
    full = time.perf_counter() - started

    public = site / "public"
    outcomes = {"old": 0, "new": 0}
    try:
        for round_number in range(args.rounds):
            # Start from the complete old output, then build the new one and kill it.
            article.write_text(original, encoding="utf-8")
            build()
            article.write_text(edited, encoding="utf-8")
            process = subprocess.Popen([gazette, "build", "--root", str(site), "--clock", CLOCK],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(random.uniform(0, full * 1.2))
            process.send_signal(signal.SIGKILL)
            process.wait()
            found = manifest(public)
            match = [name for name, state in states.items() if state == found]
            if not match:
                sys.exit("round %d: the output is neither the old nor the new site" % round_number)
            outcomes[match[0]] += 1
    finally:
        article.write_text(original, encoding="utf-8")
    print("%d kills during a %.2f s build: output was the complete old site %d times, the complete new "
          "site %d times, never a mix" % (args.rounds, full, outcomes["old"], outcomes["new"]))


if __name__ == "__main__":
    main()
