//! What every test shares: copying a fixture site into a temporary folder, building it (through
//! the library or the `gazette` binary), and reading the output the way a reader or a feed
//! reader would: files, HTML elements and links, feed entries.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use gazette::build::{BuildReport, build};
use gazette::config::BuildOptions;
use gazette::diagnostics::Diagnostic;
use scraper::{Html, Selector};
use tempfile::TempDir;

/// "Now" for every build unless a test says otherwise: after every published fixture article,
/// before `scheduled-story.md` (2024-09-01T09:00:00+08:00).
pub const CLOCK: &str = "2024-06-01T12:00:00+08:00";

/// The `base_url` of `tests/fixtures/good/site.toml`.
pub const BASE_URL: &str = "https://fixture.example.com/";

pub fn clock(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("bad clock {text:?} in a test: {e}"))
}

/// A fixture site copied into a fresh temporary folder: `<tmp>/site/`, output `<tmp>/site/public/`.
pub struct Fixture {
    dir: TempDir,
    pub root: PathBuf,
}

pub fn fixture(name: &str) -> Fixture {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    assert!(source.is_dir(), "no fixture {}", source.display());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("site");
    copy_tree(&source, &root);
    Fixture { dir, root }
}

/// The example site at the repository root (`site.toml`, `content/`, `static/`), copied.
pub fn example_site() -> Fixture {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("site");
    fs::create_dir_all(&root).unwrap();
    fs::copy(source.join("site.toml"), root.join("site.toml")).unwrap();
    for folder in ["content", "static", "templates"] {
        if source.join(folder).is_dir() {
            copy_tree(&source.join(folder), &root.join(folder));
        }
    }
    Fixture { dir, root }
}

pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl Fixture {
    /// The temporary folder that holds the site: nothing may appear here but the output.
    pub fn temp(&self) -> &Path {
        self.dir.path()
    }

    /// The default output folder.
    pub fn out(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Options for a build at `CLOCK` with everything else at its default.
    pub fn options(&self) -> BuildOptions {
        BuildOptions { root: self.root.clone(), clock: Some(clock(CLOCK)), ..BuildOptions::default() }
    }

    /// Builds with `options` through the library, whatever the outcome.
    pub fn build_with(&self, options: &BuildOptions) -> BuildReport {
        build(options)
    }

    /// Builds with the default options and fails the test, showing every error, unless the
    /// build succeeded.
    pub fn build(&self) -> BuildReport {
        self.build_ok(&self.options())
    }

    pub fn build_ok(&self, options: &BuildOptions) -> BuildReport {
        let report = build(options);
        assert!(report.succeeded(), "the build failed:\n{}", render_all(&report.diagnostics));
        report
    }

    /// The `gazette` binary, set to build this site at `CLOCK`: add flags, then run.
    pub fn gazette_build(&self) -> assert_cmd::Command {
        let mut command = assert_cmd::cargo::cargo_bin_cmd!("gazette");
        command.arg("build").arg("--root").arg(&self.root).arg("--clock").arg(CLOCK).env("NO_COLOR", "1");
        command
    }

    pub fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) {
        let path = self.root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    pub fn remove(&self, relative: &str) {
        fs::remove_file(self.root.join(relative)).unwrap();
    }
}

pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| d.render(false)).collect::<Vec<_>>().join("\n")
}

pub fn errors(report: &BuildReport) -> Vec<&Diagnostic> {
    report.diagnostics.iter().filter(|d| d.is_error()).collect()
}

/// An output file as text; fails the test, listing what exists, when it is missing.
pub fn read(out: &Path, relative: &str) -> String {
    let path = out.join(relative);
    fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {relative} ({e}); the output has:\n{}", all_files(out).join("\n")))
}

pub fn exists(out: &Path, relative: &str) -> bool {
    out.join(relative).is_file()
}

/// Every file below `dir`, relative to it, with `/`, sorted.
pub fn all_files(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files);
    files.sort();
    files
}

fn collect_files(base: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(base, &path, files);
        } else {
            files.push(path.strip_prefix(base).unwrap().to_string_lossy().into_owned());
        }
    }
}

pub fn html_files(out: &Path) -> Vec<String> {
    all_files(out).into_iter().filter(|f| f.ends_with(".html")).collect()
}

pub fn parse(html: &str) -> Html {
    Html::parse_document(html)
}

/// The text a reader sees in each element matching `selector`, whitespace collapsed.
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector:?}: {e:?}"));
    parse(html)
        .select(&selector)
        .map(|element| element.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The value of `attribute` on each element matching `selector`.
pub fn attributes(html: &str, selector: &str, attribute: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector:?}: {e:?}"));
    parse(html).select(&selector).filter_map(|element| element.attr(attribute).map(str::to_string)).collect()
}

/// Every `href` and `src` in an HTML page.
pub fn links(html: &str) -> Vec<String> {
    let mut found = attributes(html, "[href]", "href");
    found.extend(attributes(html, "[src]", "src"));
    found
}

/// The article links of a list page's cards, in page order.
pub fn card_links(html: &str) -> Vec<String> {
    attributes(html, "article.card .card-title a", "href")
}

/// `%E8%BE%BD` → `辽`.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(byte) =
                std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| panic!("{text:?} does not decode to UTF-8: {e}"))
}

/// Where a link found in output file `from` leads inside the output folder:
/// `Ok(None)` for a link that leaves the site (another host, `mailto:`, a bare `#fragment`),
/// `Ok(Some(file))` for an internal link (a folder means its `index.html`), and `Err` for a
/// link that is on the site's host but outside `base_url` (it would break under a sub-path).
pub fn internal_target(base_url: &str, from: &str, link: &str) -> Result<Option<String>, String> {
    let link = link.split(['#', '?']).next().unwrap_or("");
    if link.is_empty() {
        return Ok(None);
    }
    let (scheme_and_host, base_path) = split_url(base_url);
    let path = if let Some(rest) = link.strip_prefix(base_url) {
        rest.to_string()
    } else if link.starts_with(&scheme_and_host) || link.starts_with(&format!("//{}", host(&scheme_and_host))) {
        return Err(format!("{link} is on the site's host but not under {base_url}"));
    } else if link.contains(':') || link.starts_with("//") {
        return Ok(None);
    } else if let Some(absolute) = link.strip_prefix('/') {
        match format!("/{absolute}").strip_prefix(&base_path) {
            Some(rest) => rest.to_string(),
            None => return Err(format!("{link} is a root-relative link outside {base_path}")),
        }
    } else {
        let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
        if dir.is_empty() { link.to_string() } else { format!("{dir}/{link}") }
    };
    let path = percent_decode(&path);
    let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path };
    Ok(Some(file))
}

/// `https://host/sub/` → (`https://host`, `/sub/`).
fn split_url(url: &str) -> (String, String) {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(i) => (url[..after_scheme + i].to_string(), url[after_scheme + i..].to_string()),
        None => (url.to_string(), "/".to_string()),
    }
}

fn host(scheme_and_host: &str) -> &str {
    scheme_and_host.split("://").nth(1).unwrap_or(scheme_and_host)
}

/// Undoes XML escaping: what a feed reader shows for element text.
pub fn xml_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let Some(semi) = rest[amp..].find(';') else {
            panic!("a bare `&` in XML text: {text:?}");
        };
        let entity = &rest[amp + 1..amp + semi];
        let decoded = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ if entity.starts_with("#x") => char::from_u32(u32::from_str_radix(&entity[2..], 16).unwrap()).unwrap(),
            _ if entity.starts_with('#') => char::from_u32(entity[1..].parse().unwrap()).unwrap(),
            _ => panic!("unknown XML entity &{entity}; in {text:?}"),
        };
        out.push(decoded);
        rest = &rest[amp + semi + 1..];
    }
    out.push_str(rest);
    out
}

/// The text of every `<tag ...>text</tag>` in `xml`, unescaped, in order.
pub fn xml_elements(xml: &str, tag: &str) -> Vec<String> {
    let mut found = Vec::new();
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        // `<link` must not match `<linkage`: the name ends at a space, `>` or `/`.
        if !after.starts_with([' ', '>', '/']) {
            rest = after;
            continue;
        }
        let Some(tag_end) = after.find('>') else { break };
        if after[..tag_end].ends_with('/') {
            rest = &after[tag_end..];
            continue;
        }
        let body = &after[tag_end + 1..];
        let end = body.find(&close).unwrap_or_else(|| panic!("<{tag}> is not closed in:\n{xml}"));
        found.push(xml_unescape(&body[..end]));
        rest = &body[end + close.len()..];
    }
    found
}

/// The value of `attribute` on every `<tag ...>` in `xml`, unescaped.
pub fn xml_attributes(xml: &str, tag: &str, attribute: &str) -> Vec<String> {
    let open = format!("<{tag} ");
    let needle = format!(" {attribute}=\"");
    xml.match_indices(&open)
        .filter_map(|(start, _)| {
            let element = &xml[start..start + xml[start..].find('>')?];
            let value_start = element.find(&needle)? + needle.len();
            let value_len = element[value_start..].find('"')?;
            Some(xml_unescape(&element[value_start..value_start + value_len]))
        })
        .collect()
}

/// One `<entry>` of an Atom feed, as a feed reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    pub title: String,
    pub id: String,
    pub link: String,
    pub published: String,
    pub updated: String,
    pub summary: Option<String>,
}

pub fn feed_entries(xml: &str) -> Vec<FeedEntry> {
    raw_entries(xml)
        .into_iter()
        .map(|raw| {
            let one = |tag: &str| {
                xml_elements(raw, tag).into_iter().next().unwrap_or_else(|| panic!("an entry without <{tag}>:\n{raw}"))
            };
            FeedEntry {
                title: one("title"),
                id: one("id"),
                link: xml_attributes(raw, "link", "href").into_iter().next().expect("an entry without <link>"),
                published: one("published"),
                updated: one("updated"),
                summary: xml_elements(raw, "summary").into_iter().next(),
            }
        })
        .collect()
}

/// The raw text of each `<entry>…</entry>` (or `<entry xml:lang="…">…</entry>`), from its
/// start tag's attributes on.
fn raw_entries(xml: &str) -> Vec<&str> {
    xml.split("<entry")
        .skip(1)
        .filter(|part| part.starts_with(['>', ' ']))
        .map(|part| part.split("</entry>").next().unwrap())
        .collect()
}

/// The `xml:lang` of each entry of a feed, in order (`None`: the feed's).
pub fn entry_languages(xml: &str) -> Vec<Option<String>> {
    raw_entries(xml)
        .into_iter()
        .map(|raw| {
            let start_tag = &raw[..raw.find('>').unwrap_or(0)];
            start_tag.split("xml:lang=\"").nth(1).and_then(|rest| rest.split('"').next()).map(str::to_string)
        })
        .collect()
}

/// One file's identity and content, to tell "left alone" from "rewritten with the same bytes".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    pub bytes: Vec<u8>,
    pub inode: u64,
    pub modified: (i64, i64),
}

/// Every file and folder below `dir`: files with bytes, inode and mtime; folders as `None`.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Option<FileState>> {
    let mut states = BTreeMap::new();
    snapshot_into(dir, dir, &mut states);
    states
}

fn snapshot_into(base: &Path, dir: &Path, states: &mut BTreeMap<String, Option<FileState>>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        let relative = path.strip_prefix(base).unwrap().to_string_lossy().into_owned();
        let meta = fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            states.insert(format!("{relative}/"), None);
            snapshot_into(base, &path, states);
        } else {
            let state = FileState {
                bytes: fs::read(&path).unwrap(),
                inode: meta.ino(),
                modified: (meta.mtime(), meta.mtime_nsec()),
            };
            states.insert(relative, Some(state));
        }
    }
}

/// Lists how two snapshots differ, for failure messages.
pub fn snapshot_difference(
    before: &BTreeMap<String, Option<FileState>>,
    after: &BTreeMap<String, Option<FileState>>,
) -> Vec<String> {
    let mut differences = Vec::new();
    for (path, state) in before {
        match after.get(path) {
            None => differences.push(format!("removed: {path}")),
            Some(now) if now != state => {
                let (Some(old), Some(new)) = (state, now) else { continue };
                let what = if old.bytes != new.bytes {
                    "bytes"
                } else if old.inode != new.inode {
                    "inode (rewritten)"
                } else {
                    "mtime"
                };
                differences.push(format!("changed {what}: {path}"));
            }
            Some(_) => {}
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        differences.push(format!("added: {path}"));
    }
    differences
}
