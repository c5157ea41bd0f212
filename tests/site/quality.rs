//! Regression tests for the defects the output quality gate (tests/validate.sh) found, one
//! test per class, on the fixture site tests/fixtures/quality: its content puts markup
//! characters in every text field, and Markdown that trips up a theme (skipped heading levels,
//! a heading named like a theme id, task lists, wide code). The gate itself needs Java, a
//! browser and network installs; these tests need nothing but the build.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use tempfile::TempDir;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quality")
}

fn gazette_build(root: &Path, output: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .args(extra)
        .output()
        .expect("the gazette binary runs")
}

/// The fixture, built once for all tests of this file.
fn site() -> PathBuf {
    static SITE: OnceLock<TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = TempDir::new().expect("temp dir");
        let output = gazette_build(&fixture(), &dir.path().join("public"), &[]);
        assert!(output.status.success(), "build failed: {}", String::from_utf8_lossy(&output.stderr));
        dir
    })
    .path()
    .join("public")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every HTML page of the built site: (path below the site, text).
fn html_pages() -> Vec<(String, String)> {
    let site = site();
    let mut pages = Vec::new();
    let mut folders = vec![site.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable output") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let name = path.strip_prefix(&site).expect("below the site").display().to_string();
                pages.push((name, read(&path)));
            }
        }
    }
    pages.sort();
    assert!(pages.len() > 10, "the fixture builds pages of every kind");
    pages
}

/// The start tags of a page, as (lowercase name, attribute text), in document order. Enough for
/// the HTML gazette writes: script contents are skipped, attribute values are double-quoted.
fn start_tags(html: &str) -> Vec<(String, &str)> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let end = rest.find('>').unwrap_or(rest.len());
        if !name.is_empty() {
            tags.push((name.to_ascii_lowercase(), &rest[name.len()..end]));
            if name.eq_ignore_ascii_case("script") {
                rest = &rest[rest.find("</script>").unwrap_or(end)..];
                continue;
            }
        }
        rest = &rest[end..];
    }
    tags
}

fn attribute<'a>(attributes: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = attributes.find(&key)? + key.len();
    attributes[start..].split('"').next()
}

#[test]
fn every_page_has_a_language() {
    for (page, html) in html_pages() {
        let html_tag = start_tags(&html).into_iter().find(|(name, _)| name == "html");
        let lang = html_tag.and_then(|(_, attributes)| attribute(attributes, "lang"));
        assert_eq!(lang, Some("en"), "{page}: <html lang> missing or wrong");
    }
}

#[test]
fn a_language_that_is_not_a_tag_is_an_error() {
    let root = TempDir::new().expect("temp dir");
    let config = read(&fixture().join("site.toml")).replace("language = \"en\"", "language = \"english\"");
    std::fs::write(root.path().join("site.toml"), config).expect("write site.toml");
    let output = gazette_build(root.path(), &root.path().join("public"), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "built with language = \"english\"");
    assert!(stderr.contains("E017") && stderr.contains("language"), "{stderr}");
    assert!(!root.path().join("public").exists());
}

#[test]
fn no_page_skips_a_heading_level() {
    for (page, html) in html_pages() {
        let levels: Vec<usize> = start_tags(&html)
            .iter()
            .filter_map(|(name, _)| match name.as_bytes() {
                [b'h', digit @ b'1'..=b'6'] => Some(usize::from(digit - b'0')),
                _ => None,
            })
            .collect();
        assert_eq!(levels.first(), Some(&1), "{page}: the first heading is not an h1: {levels:?}");
        assert_eq!(levels.iter().filter(|&&l| l == 1).count(), 1, "{page}: more than one h1: {levels:?}");
        for pair in levels.windows(2) {
            assert!(pair[1] <= pair[0] + 1, "{page}: h{} follows h{}: {levels:?}", pair[1], pair[0]);
        }
    }
}

#[test]
fn ids_are_unique_on_every_page() {
    for (page, html) in html_pages() {
        let mut seen = HashSet::new();
        for (_, attributes) in start_tags(&html) {
            if let Some(id) = attribute(attributes, "id") {
                assert!(seen.insert(id.to_string()), "{page}: duplicate id {id:?}");
            }
        }
    }
    let (_, article) = html_pages().into_iter().find(|(p, _)| p.contains("headings")).expect("headings article");
    assert!(article.contains("<main id=\"main\""), "the theme keeps its id");
    assert!(article.contains("id=\"main-1\""), "the heading \"Main\" gets another id");
}

#[test]
fn every_img_has_alt() {
    let mut images = 0;
    for (page, html) in html_pages() {
        for (_, attributes) in start_tags(&html).into_iter().filter(|(name, _)| name == "img") {
            images += 1;
            assert!(attribute(attributes, "alt").is_some(), "{page}: <img{attributes}> has no alt");
        }
    }
    assert!(images >= 2, "the fixture has images");
}

#[test]
fn every_form_control_has_a_label() {
    let (_, article) = html_pages().into_iter().find(|(p, _)| p.contains("headings")).expect("headings article");
    let tags = start_tags(&article);
    let inputs: Vec<usize> = tags.iter().enumerate().filter(|(_, (n, _))| n == "input").map(|(i, _)| i).collect();
    assert_eq!(inputs.len(), 2, "the fixture has a task list of two items");
    for index in inputs {
        assert_eq!(tags[index - 1].0, "label", "a task-list checkbox is not inside a <label>");
    }
    assert!(article.contains("checked=\"\"/>Agreement signed</label>"), "{article}");
}

#[test]
fn text_from_front_matter_is_escaped() {
    let feed = read(&site().join("atom.xml"));
    for escaped in [
        "<title type=\"text\">Bits &amp; Pieces &lt;Gazette&gt;</title>",
        "<title type=\"text\">AT&amp;T &lt;b&gt;signs&lt;/b&gt; &quot;deal&quot; &amp; &apos;more&apos;</title>",
        "<summary type=\"text\">Markup &lt;i&gt;characters&lt;/i&gt; &amp; ampersands in a summary.</summary>",
        "<author><name>Ann &amp; Bob</name></author>",
        "<author><name>&lt;Carol&gt;</name></author>",
        "<category term=\"script\" label=\"&lt;script&gt;\"/>",
    ] {
        assert!(feed.contains(escaped), "atom.xml lacks {escaped}");
    }
    for raw in ["<b>", "<i>", "<Carol>", "<script>", "<Gazette>", "AT&T"] {
        assert!(!feed.contains(raw), "atom.xml has unescaped {raw}");
    }
    let article = read(&site().join("articles/escaping/index.html"));
    assert!(
        article.contains(">AT&amp;T &lt;b&gt;signs&lt;/b&gt; &quot;deal&quot; &amp; &#39;more&#39;</h1>"),
        "article title not escaped"
    );
    assert!(article.contains("href=\"https://example.org/story?a=1&amp;b=2\""), "source URL not escaped");
    assert!(!article.contains("<b>10</b>"), "correction text not escaped");
}

#[test]
fn feed_entry_ids_are_stable_across_builds() {
    let ids = |feed: &str| -> Vec<String> {
        feed.lines().filter(|l| l.trim_start().starts_with("<id>")).map(|l| l.trim().to_string()).collect()
    };
    let again = TempDir::new().expect("temp dir");
    // A later clock and another base path: neither may change an entry's id.
    let output = gazette_build(
        &fixture(),
        again.path(),
        &["--clock", "2030-01-01T00:00:00+00:00", "--base-url", "https://quality.example.com/sub/"],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let first = ids(&read(&site().join("atom.xml")));
    let second = ids(&read(&again.path().join("atom.xml")));
    assert_eq!(first[1..], second[1..], "entry ids changed between builds");
    assert!(first.iter().skip(1).all(|id| id.starts_with("<id>tag:quality.example.com,")), "{first:?}");
}

#[test]
fn code_blocks_wrap_instead_of_scrolling() {
    let css = read(&site().join("theme.css"));
    let rule = css.lines().find(|l| l.starts_with(".body pre ")).expect("a .body pre rule");
    assert!(
        rule.contains("white-space: pre-wrap") && !rule.contains("overflow-x") && !rule.contains("overflow:"),
        "{rule}"
    );
}
