#!/usr/bin/env python3
"""What the validators cannot check, for tests/validate.sh.

    checks.py feeds SITE BASE_URL [TWIN]   authors, RFC 3339 times, unique ids; ids equal in TWIN
    checks.py sitemap SITE BASE_URL        every <loc> under BASE_URL and resolving to a file; hreflang
                                           groups complete, reciprocal and equal in the sitemap
    checks.py assets SITE BASE_URL         every <script src>, <link href>, <img src> on the site resolves
    checks.py pages SITE                   pages of each kind, for the accessibility check

Each check prints one line per problem and exits 1 if there was any. Standard library only.
"""

import html.parser
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def files_named(site, name):
    for folder, _, files in os.walk(site):
        for file in sorted(files):
            if file == name:
                yield os.path.join(folder, file)


def relative(site, path):
    return os.path.relpath(path, site)


def is_rfc3339(text):
    from datetime import datetime

    text = (text or "").strip()
    if not RFC3339.match(text):
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def feed_entry_ids(path):
    """link → id of each entry, and the problems found in the feed."""
    problems = []
    root = ET.parse(path).getroot()
    feed_has_author = root.find(ATOM + "author") is not None
    for element in [root] + root.findall(ATOM + "entry"):
        for name in ("updated", "published"):
            for time in element.findall(ATOM + name):
                if not is_rfc3339(time.text):
                    problems.append(f"<{name}> {time.text!r} is not an RFC 3339 date-time")
    ids = {}
    seen = set()
    for number, entry in enumerate(root.findall(ATOM + "entry"), 1):
        label = f"entry {number}"
        link = entry.find(ATOM + "link[@rel='alternate']")
        if link is None:
            link = entry.find(ATOM + "link")
        href = link.get("href") if link is not None else None
        entry_id = (entry.findtext(ATOM + "id") or "").strip()
        if href:
            label += f" ({href})"
        if not entry_id:
            problems.append(f"{label} has no <id>")
        elif entry_id in seen:
            problems.append(f"{label} repeats the id {entry_id}")
        seen.add(entry_id)
        if not feed_has_author and entry.find(ATOM + "author") is None:
            problems.append(f"{label} has no <author>, and neither has the feed")
        if href:
            ids[href] = entry_id
    return ids, problems


def check_feeds(site, base_url, twin=None):
    failures = 0
    feeds = list(files_named(site, "atom.xml"))
    for path in feeds:
        name = relative(site, path)
        ids, problems = feed_entry_ids(path)
        if twin:
            twin_path = os.path.join(twin, name)
            if not os.path.exists(twin_path):
                problems.append("missing from the second build")
            else:
                twin_ids, _ = feed_entry_ids(twin_path)
                for href, entry_id in ids.items():
                    if href in twin_ids and twin_ids[href] != entry_id:
                        problems.append(f"id of {href} changed between builds: {entry_id} → {twin_ids[href]}")
        for problem in problems:
            print(f"{name}: {problem}")
        failures += len(problems)
    print(f"{len(feeds)} feeds checked for authors, times and ids" + (", against a second build" if twin else ""))
    return failures


def file_of_url(site, base_url, url):
    """The file that serves `url`, or None if the URL is not under base_url."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    if not url.startswith(base_url):
        return None
    path = urllib.parse.unquote(url[len(base_url) :])
    if path == "" or path.endswith("/"):
        path += "index.html"
    return os.path.join(site, *path.split("/"))


def check_sitemap(site, base_url):
    failures = 0
    count = 0
    sitemaps = [p for p in sorted(os.listdir(site)) if re.fullmatch(r"(news-)?sitemap(-\d+)?\.xml", p)]
    for name in sitemaps:
        root = ET.parse(os.path.join(site, name)).getroot()
        for loc in root.iter(SITEMAP + "loc"):
            url = (loc.text or "").strip()
            count += 1
            path = file_of_url(site, base_url, url)
            if path is None:
                print(f"{name}: <loc> {url} is not under {base_url}")
                failures += 1
            elif not os.path.isfile(path):
                print(f"{name}: <loc> {url} has no file ({relative(site, path)})")
                failures += 1
    print(f"{count} <loc> in {len(sitemaps)} sitemaps checked")
    return failures + check_alternates(site, base_url, sitemaps)


class AlternateCollector(html.parser.HTMLParser):
    """A page's canonical URL and its <link rel="alternate" hreflang> set."""

    def __init__(self):
        super().__init__()
        self.canonical = None
        self.alternates = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag != "link":
            return
        if attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")
        elif attrs.get("rel") == "alternate" and attrs.get("hreflang") and not attrs.get("type"):
            self.alternates.add((attrs["hreflang"], attrs.get("href")))


def check_alternates(site, base_url, sitemaps):
    """Language versions: every page that names alternates names itself among them, each
    alternate's page names exactly the same set (reciprocal and complete), one x-default, and
    the sitemap's <xhtml:link>s of each URL are the page's."""
    failures = 0
    pages = {}
    for path in files_named(site, "index.html"):
        collector = AlternateCollector()
        with open(path, encoding="utf-8") as handle:
            collector.feed(handle.read())
        if collector.alternates and collector.canonical:
            pages[collector.canonical] = (relative(site, path), frozenset(collector.alternates))
    for url, (path, group) in sorted(pages.items()):
        hreflangs = [h for h, _ in group]
        if (url not in {u for h, u in group if h != "x-default"}) or hreflangs.count("x-default") > 1:
            print(f"{path}: its hreflang alternates do not name the page itself once, or have several x-default")
            failures += 1
        if len(set(hreflangs)) != len(hreflangs):
            print(f"{path}: one hreflang names two URLs: {sorted(group)}")
            failures += 1
        for hreflang, other in sorted(group):
            if hreflang == "x-default" or other == url:
                continue
            if other not in pages:
                print(f"{path}: the {hreflang} version {other} names no alternates back")
                failures += 1
            elif pages[other][1] != group:
                print(f"{path}: the {hreflang} version {pages[other][0]} has other alternates: {sorted(pages[other][1])}")
                failures += 1
    in_sitemap = {}
    for name in sitemaps:
        if name.startswith("news-"):
            continue
        for entry in ET.parse(os.path.join(site, name)).getroot().iter(SITEMAP + "url"):
            loc = (entry.findtext(SITEMAP + "loc") or "").strip()
            links = {(l.get("hreflang"), l.get("href")) for l in entry.iter(XHTML + "link")}
            if links:
                in_sitemap[loc] = frozenset(links)
    for url in sorted(set(pages) | set(in_sitemap)):
        page = pages.get(url, (url, frozenset()))
        if in_sitemap.get(url, frozenset()) != page[1]:
            print(f"sitemap: the alternates of {url} differ from its page's: {sorted(in_sitemap.get(url, []))} vs {sorted(page[1])}")
            failures += 1
    print(f"{len(pages)} pages with language versions checked against each other and the sitemap")
    return failures


class AssetCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.references = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img") and attrs.get("src"):
            self.references.append((tag, attrs["src"]))
        elif tag == "link" and attrs.get("href"):
            self.references.append((tag, attrs["href"]))


def check_assets(site, base_url):
    base_path = urllib.parse.urlsplit(base_url).path
    failures = 0
    checked = 0
    for folder, _, files in os.walk(site):
        for file in sorted(files):
            if not file.endswith(".html"):
                continue
            path = os.path.join(folder, file)
            collector = AssetCollector()
            with open(path, encoding="utf-8") as handle:
                collector.feed(handle.read())
            for tag, reference in collector.references:
                if reference.startswith("/") and not reference.startswith("//"):
                    # A root-relative reference works only if it stays under the base path.
                    reference = base_url + reference[len(base_path) :] if reference.startswith(base_path) else None
                elif not re.match(r"^[a-z][a-z0-9+.-]*:|^//", reference):
                    reference = urllib.parse.urljoin(base_url + relative(site, path), reference)
                target = file_of_url(site, base_url, reference) if reference else None
                if reference and target is None:
                    continue  # elsewhere on the web: not ours to check offline
                checked += 1
                if target is None or not os.path.isfile(target):
                    print(f"{relative(site, path)}: <{tag}> points to a missing file: {reference}")
                    failures += 1
    print(f"{checked} <script src>, <link href> and <img src> under the base URL checked")
    return failures


class FeatureCollector(html.parser.HTMLParser):
    """The kinds of element a page has: tag names, tag.class pairs and input types."""

    def __init__(self):
        super().__init__()
        self.features = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.features.add(tag)
        for name in (attrs.get("class") or "").split():
            self.features.add(f"{tag}.{name}")
        if tag == "input":
            self.features.add(f"input[type={attrs.get('type')}]")
        if attrs.get("lang"):
            self.features.add(f"{tag}[lang={attrs['lang']}]")


def covering_pages(site, folder, limit=6):
    """Pages one level below `folder` that together show every kind of element its pages
    have, picked greedily (most new kinds first), at most `limit`: content varies from page
    to page, and one task list or table in one article is where a defect hides."""
    root = os.path.join(site, folder)
    if not os.path.isdir(root):
        return []
    features = {}
    for name in sorted(os.listdir(root)):
        page = os.path.join(folder, name, "index.html")
        if name != "page" and os.path.isfile(os.path.join(site, page)):
            collector = FeatureCollector()
            with open(os.path.join(site, page), encoding="utf-8") as handle:
                collector.feed(handle.read())
            features[page] = collector.features
    chosen, covered = [], set()
    while features and len(chosen) < limit:
        page = max(features, key=lambda p: (len(features[p] - covered), p))
        if chosen and not features[page] - covered:
            break
        chosen.append(page)
        covered |= features.pop(page)
    return chosen


def list_pages(site):
    fixed = [
        "index.html",
        "page/2/index.html",
        "tags/index.html",
        "entities/index.html",
        "archive/index.html",
        "about/index.html",
        "search/index.html",
        "deals/index.html",
        "corrections/index.html",
        "authors/index.html",
        "404.html",
    ]
    pages = [p for p in fixed if os.path.isfile(os.path.join(site, p))]
    # A language's list (/<lang>/, beside its atom.xml): the first one that is not the site's.
    languages = sorted(
        name
        for name in os.listdir(site)
        if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{1,8})*", name)
        and os.path.isfile(os.path.join(site, name, "index.html"))
        and os.path.isfile(os.path.join(site, name, "atom.xml"))
    )
    pages.extend(f"{name}/index.html" for name in languages[-1:])
    for folder in ("articles", "tags", "entities", "authors"):
        pages.extend(covering_pages(site, folder))
    for page in pages:
        print(page)
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    command, site, rest = argv[0], argv[1], argv[2:]
    try:
        if command == "feeds":
            failures = check_feeds(site, rest[0], rest[1] if len(rest) > 1 else None)
        elif command == "sitemap":
            failures = check_sitemap(site, rest[0])
        elif command == "assets":
            failures = check_assets(site, rest[0])
        elif command == "pages":
            failures = list_pages(site)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except ET.ParseError as error:
        print(f"not well-formed XML: {error}")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
