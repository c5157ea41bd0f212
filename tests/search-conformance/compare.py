#!/usr/bin/env python3
"""Compares the results of the same queries against gazette's index and Pagefind's own.

Usage: compare.py LANGUAGE GAZETTE.jsonl PAGEFIND.jsonl
Each line is {"query": ..., "results": [{"url", "score", "filters"}]} from query.mjs.

Pages must come back in the same order; pages of equal score (or, sorted by date, of the same
date) count as one group, because Pagefind orders ties by the order its indexer met the pages
(the file system's, for its CLI).
The deliberate differences, checked and counted rather than failed:
  * cjk-inside: in a bundle whose language is not segmented (English), gazette also indexes
    each Chinese or Japanese run from every character on, so a name inside a run is found:
    gazette's results must include all of Pagefind's.
  * escaped-filters: filter values are HTML-escaped (Pagefind's UI shows them as HTML), so
    they are compared after unescaping.
Exit status 1 on any other difference, with the queries that differ.
"""
import html
import json
import re
import sys
from urllib.parse import urlparse

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def path(url):
    return urlparse(url).path


def groups(results, sorted_by_date):
    out = []
    last = None
    for result in results:
        key = result["date"] if sorted_by_date else result["score"]
        if last is None or (key != last if sorted_by_date else abs(key - last) > 1e-4):
            out.append(set())
        out[-1].add(path(result["url"]))
        last = key
    return out


def unescaped(filters):
    return {k: sorted(html.unescape(v) for v in vs) for k, vs in (filters or {}).items()}


def main():
    language, ours_file, theirs_file = sys.argv[1:4]
    ours = [json.loads(line) for line in open(ours_file, encoding="utf-8")]
    theirs = [json.loads(line) for line in open(theirs_file, encoding="utf-8")]
    assert len(ours) == len(theirs), "both runs answer the same queries"
    same = deliberate = 0
    failures = []
    hits = 0
    for a, b in zip(ours, theirs):
        query = a["query"]
        term = query.get("term") or ""
        hits += bool(a["results"])
        filters_a = {path(r["url"]): unescaped(r["filters"]) for r in a["results"]}
        filters_b = {path(r["url"]): unescaped(r["filters"]) for r in b["results"]}
        if any(filters_a[url] != filters_b[url] for url in filters_a.keys() & filters_b.keys()):
            failures.append((query, "filters differ"))
            continue
        by_date = bool(query.get("sort"))
        if groups(a["results"], by_date) == groups(b["results"], by_date):
            same += 1
            continue
        urls_a = {path(r["url"]) for r in a["results"]}
        urls_b = {path(r["url"]) for r in b["results"]}
        if language not in ("zh", "ja") and CJK.search(term) and urls_b <= urls_a:
            deliberate += 1
            continue
        failures.append((query, f"gazette {len(urls_a)} pages, Pagefind {len(urls_b)}; "
                                f"only gazette: {sorted(urls_a - urls_b)[:5]}, only Pagefind: {sorted(urls_b - urls_a)[:5]}"))
    total = len(ours)
    print(f"{language}: {total} queries ({hits} with results): {same} identical, "
          f"{deliberate} deliberately different (cjk-inside), {len(failures)} differ")
    for query, why in failures[:20]:
        print(f"  DIFFERS {json.dumps(query, ensure_ascii=False)}: {why}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
