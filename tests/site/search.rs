//! Search: `gazette build` writes `/search/` and Pagefind's bundle under `/pagefind/`, for
//! the article pages only, at a domain root and under a sub-path alike.
//!
//! Built with `--no-default-features`, the site has neither.

use std::fs;
use std::path::{Path, PathBuf};

use gazette::build::{BuildReport, build};
use gazette::config::BuildOptions;

use crate::support::copy_tree;

/// A copy of the fixture site `tests/fixtures/NAME` in a temp dir, so a test may change it.
fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), dir.path());
    dir
}

/// Builds the site in `root` into `root/public`, with another base URL if given.
fn build_site(root: &Path, base_url: Option<&str>) -> (PathBuf, BuildReport) {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(root.join("public")),
        base_url: base_url.map(String::from),
        ..BuildOptions::default()
    };
    let report = build(&options);
    (root.join("public"), report)
}

fn built(root: &Path, base_url: Option<&str>) -> PathBuf {
    let (public, report) = build_site(root, base_url);
    assert!(report.succeeded(), "the build failed: {:#?}", report.diagnostics);
    public
}

fn read(public: &Path, path: &str) -> String {
    fs::read_to_string(public.join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

#[cfg(feature = "search")]
mod with_search {
    use super::*;

    /// Pagefind's fragments, decompressed: one per indexed page, with its URL and metadata.
    /// Fragment files hold groups of fragments (`{name: fragment, ...}`), as Pagefind writes
    /// them with `max_fragments`.
    fn fragments(bundle: &Path) -> Vec<String> {
        use std::io::Read;
        let mut texts = Vec::new();
        for entry in fs::read_dir(bundle.join("fragment")).unwrap() {
            let bytes = fs::read(entry.unwrap().path()).unwrap();
            let mut text = String::new();
            flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
            let group: serde_json::Value = serde_json::from_str(text.trim_start_matches("pagefind_dcd")).unwrap();
            for fragment in group.as_object().unwrap().values() {
                assert!(fragment["url"].is_string(), "{fragment}");
                texts.push(fragment.to_string());
            }
        }
        texts.sort();
        texts
    }

    #[test]
    fn the_build_writes_the_pagefind_bundle() {
        let site = fixture("search");
        let public = built(site.path(), None);
        for file in ["pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json", "wasm.en.pagefind"] {
            assert!(public.join("pagefind").join(file).is_file(), "no pagefind/{file}");
        }
        let entry = read(&public, "pagefind/pagefind-entry.json");
        assert!(entry.contains(r#""en":"#) && entry.contains(r#""page_count":2"#), "{entry}");
        // The Chinese article has a bundle of its own: index data only, merged by /search/.
        let entry = read(&public, "pagefind/zh/pagefind-entry.json");
        assert!(entry.contains(r#""zh":"#) && entry.contains(r#""page_count":1"#), "{entry}");
        assert!(!public.join("pagefind/zh/pagefind-ui.js").exists());
    }

    #[test]
    fn only_articles_are_indexed_with_their_urls_filters_and_metadata() {
        let site = fixture("search");
        let public = built(site.path(), None);
        let fragments = fragments(&public.join("pagefind"));
        assert_eq!(fragments.len(), 2, "{fragments:#?}");
        let plan = fragments.iter().find(|f| f.contains("master plan")).unwrap();
        assert!(plan.contains(r#""url":"https://invest.example.com/articles/park-master-plan/""#), "{plan}");
        assert!(plan.contains(r#""entity":["Shenfu New Area","Orix Corporation"]"#), "{plan}");
        assert!(plan.contains(r#""tag":["industrial parks","Japan"]"#), "{plan}");
        assert!(plan.contains(r#""year":["2018"]"#), "{plan}");
        assert!(plan.contains(r#""date":"20 March 2018""#), "{plan}");
        assert!(plan.contains(r#""summary":"The plan splits the park into four zones.""#), "{plan}");
        assert!(plan.contains(r#""title":"Shenfu New Area publishes master plan for its industrial park""#), "{plan}");
        // The navigation, footer and date line are not searchable text.
        assert!(!plan.contains("Skip to content") && !plan.contains("min read"), "{plan}");
    }

    /// Regression: a tag written `&amp;` showed as `&` in the search page's filter list, since
    /// Pagefind's UI shows filter values as HTML and its indexer decoded them twice.
    #[test]
    fn search_filter_values_keep_one_level_of_escaping() {
        let site = fixture("search");
        let public = built(site.path(), None);
        let fragments = fragments(&public.join("pagefind"));
        let leasing = fragments.iter().find(|f| f.contains("leasing venture")).unwrap();
        // As HTML, `R&amp;amp;D` reads `R&amp;D`: the tag as written.
        assert!(leasing.contains(r#""tag":["leasing","R&amp;amp;D"]"#), "{leasing}");
        assert!(leasing.contains(r#""language":["en"]"#), "{leasing}");
    }

    #[test]
    fn chinese_text_is_split_into_words() {
        let site = fixture("search");
        let public = built(site.path(), None);
        let fragments = fragments(&public.join("pagefind/zh"));
        assert_eq!(fragments.len(), 1);
        // Pagefind marks the word boundaries it found with zero-width spaces: 沈阳 (Shenyang)
        // is a word of its own, not part of a run of characters up to the next punctuation.
        assert!(fragments[0].contains("\u{200b}沈阳\u{200b}"), "{}", fragments[0]);
    }

    #[test]
    fn articles_carry_the_pagefind_attributes() {
        let site = fixture("search");
        let public = built(site.path(), None);
        let page = read(&public, "articles/park-master-plan/index.html");
        assert!(page.contains(r#"<article class="article" data-pagefind-body>"#), "{page}");
        assert!(page.contains(r#"data-pagefind-filter="year:2018""#));
        assert!(page.contains(r#"data-pagefind-filter="entity">Shenfu New Area</a>"#));
        assert!(page.contains(r#"data-pagefind-filter="tag">industrial parks</a>"#));
        assert!(page.contains(r#"<h1 data-pagefind-meta="title">"#));
        let chinese = read(&public, "articles/liaoning-orix-zh/index.html");
        assert!(chinese.contains(r#"<article class="article" lang="zh" data-pagefind-body>"#));
        assert!(chinese.contains(r#"<html lang="en">"#), "the page around the article stays in the site's language");
    }

    #[test]
    fn the_search_page_loads_the_bundle_from_base_url() {
        let site = fixture("search");
        let public = built(site.path(), None);
        let page = read(&public, "search/index.html");
        assert!(page.contains(r#"<script src="https://invest.example.com/pagefind/pagefind-ui.js"></script>"#));
        assert!(page.contains(r#"href="https://invest.example.com/pagefind/pagefind-ui.css""#));
        assert!(page.contains(r#"data-bundle-path="https://invest.example.com/pagefind/""#));
        assert!(page.contains(r#"data-languages="zh""#), "{page}");
        let home = read(&public, "index.html");
        assert!(home.contains(r#"<a href="https://invest.example.com/search/">Search</a>"#));
    }

    #[test]
    fn under_a_sub_path_every_search_url_has_it() {
        let site = fixture("search");
        let public = built(site.path(), Some("https://example.org/sub/"));
        let page = read(&public, "search/index.html");
        assert!(page.contains(r#"<script src="https://example.org/sub/pagefind/pagefind-ui.js"></script>"#));
        assert!(page.contains(r#"data-bundle-path="https://example.org/sub/pagefind/""#));
        assert!(page.contains(r#"data-base-url="https://example.org/sub/""#));
        assert!(read(&public, "index.html").contains(r#"<a href="https://example.org/sub/search/">Search</a>"#));
        for fragment in fragments(&public.join("pagefind")).iter().chain(&fragments(&public.join("pagefind/zh"))) {
            assert!(fragment.contains(r#""url":"https://example.org/sub/articles/"#), "{fragment}");
        }
    }

    #[test]
    fn no_search_leaves_out_the_page_the_index_and_the_link() {
        let site = fixture("search");
        let options = BuildOptions { root: site.path().to_path_buf(), no_search: true, ..BuildOptions::default() };
        let report = build(&options);
        assert!(report.succeeded(), "{:#?}", report.diagnostics);
        let public = site.path().join("public");
        assert!(!public.join("search").exists() && !public.join("pagefind").exists());
        assert!(!read(&public, "index.html").contains("/search/"));
        assert!(!report.timings.iter().any(|(stage, _)| *stage == "index"), "{:?}", report.timings);
    }

    #[test]
    fn a_rebuild_keeps_the_bundle_files() {
        let site = fixture("search");
        built(site.path(), None);
        // A new static file makes the next build a full one, index included; the index
        // itself has not changed, so none of its files may be rewritten.
        fs::create_dir_all(site.path().join("static")).unwrap();
        fs::write(site.path().join("static/new.txt"), "new").unwrap();
        let (_, report) = build_site(site.path(), None);
        assert!(report.succeeded());
        assert!(report.timings.iter().any(|(stage, _)| *stage == "index"), "{:?}", report.timings);
        assert_eq!(report.changed, 1, "a rebuild that only adds static/new.txt rewrote other files");
    }

    /// Regression: axe's label-title-only rule failed on Pagefind's input, which has only a
    /// title. The page names it by visible text once the UI has made it.
    #[test]
    fn the_search_box_is_named_by_visible_text() {
        let site = fixture("search");
        let page = read(&built(site.path(), None), "search/index.html");
        assert!(page.contains(r#"<p id="search-label">"#), "{page}");
        assert!(page.contains(r#"input.setAttribute("aria-labelledby", "search-label")"#), "{page}");
    }

    #[test]
    fn a_page_cannot_take_the_search_index_folder() {
        let site = fixture("search");
        let pages = site.path().join("content/pages");
        fs::create_dir_all(&pages).unwrap();
        fs::write(pages.join("pagefind.md"), "+++\ntitle = \"Pagefind\"\n+++\nText.\n").unwrap();
        let (public, report) = build_site(site.path(), None);
        let error = report.diagnostics.iter().find(|d| d.code == "E040").expect("no E040 error");
        assert!(error.message.contains("pagefind/index.html"), "{}", error.message);
        assert!(!public.exists(), "a failed build wrote its output");
    }
}

#[cfg(not(feature = "search"))]
#[test]
fn without_the_search_feature_there_is_no_search() {
    let site = fixture("search");
    let public = built(site.path(), None);
    assert!(!public.join("search").exists());
    assert!(!public.join("pagefind").exists());
    assert!(!read(&public, "index.html").contains("/search/"));
}
