//! Languages and translations (DESIGN.md): `language` and `translation_of` in front matter,
//! the language switcher and `hreflang` alternates of every version, the same alternates in
//! the sitemap, a list and a feed per language, and the errors a wrong `translation_of` gets.
//!
//! The fixture `languages` has a story in English, Chinese and Japanese (`park-opens`), one in
//! English and Chinese (`dalian-fair`), a Chinese translation of a draft (`wind-farm-zh`) and
//! articles in one language only.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::*;

const SITE_URL: &str = "https://languages.example.com/";

/// The `hreflang` alternates of a page: hreflang → URL.
fn alternates(html: &str) -> BTreeMap<String, String> {
    let document = parse(html);
    let selector = scraper::Selector::parse(r#"head link[rel="alternate"][hreflang]:not([type])"#).unwrap();
    let mut found = BTreeMap::new();
    for link in document.select(&selector) {
        let (hreflang, href) = (link.attr("hreflang").unwrap(), link.attr("href").unwrap());
        assert!(found.insert(hreflang.to_string(), href.to_string()).is_none(), "hreflang {hreflang} twice");
    }
    found
}

/// The sitemap's `<url>`s: loc → its `xhtml:link` alternates.
fn sitemap_alternates(xml: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut urls = BTreeMap::new();
    for entry in xml.split("<url>").skip(1) {
        let entry = entry.split("</url>").next().unwrap();
        let loc = xml_elements(entry, "loc").remove(0);
        let hreflangs = xml_attributes(entry, "xhtml:link", "hreflang");
        let hrefs = xml_attributes(entry, "xhtml:link", "href");
        urls.insert(loc, hreflangs.into_iter().zip(hrefs).collect());
    }
    urls
}

fn article_url(base: &str, slug: &str) -> String {
    format!("{base}articles/{slug}/")
}

fn hreflang_groups_are_complete_and_reciprocal(base_url: &str) {
    let site = fixture("languages");
    let mut options = site.options();
    options.base_url = Some(base_url.into());
    site.build_ok(&options);
    let out = site.out();
    let url = |slug: &str| article_url(base_url, slug);
    let stories = [
        vec![("en", "park-opens"), ("ja", "park-opens-ja"), ("zh-Hans", "park-opens-zh")],
        vec![("en", "dalian-fair"), ("zh-Hans", "dalian-fair-zh")],
    ];
    let mut pages_with_alternates = BTreeMap::new();
    for page in html_files(&out).iter().filter(|p| p.starts_with("articles/")) {
        let found = alternates(&read(&out, page));
        if !found.is_empty() {
            pages_with_alternates.insert(format!("{base_url}{}", page.trim_end_matches("index.html")), found);
        }
    }
    for story in &stories {
        // Every version, itself included, plus x-default for the original (the first).
        let mut expected: BTreeMap<String, String> =
            story.iter().map(|(language, slug)| (language.to_string(), url(slug))).collect();
        expected.insert("x-default".into(), url(story[0].1));
        for (_, slug) in story {
            let page = read(&out, &format!("articles/{slug}/index.html"));
            assert_eq!(alternates(&page), expected, "the alternates of {slug}");
        }
    }
    // No other article names alternates: a story in one language, or a translation of a draft.
    let grouped: BTreeSet<String> = stories.iter().flatten().map(|(_, slug)| url(slug)).collect();
    assert_eq!(pages_with_alternates.keys().cloned().collect::<BTreeSet<_>>(), grouped);
    assert!(alternates(&read(&out, "articles/wind-farm-zh/index.html")).is_empty());

    // The sitemap carries the very same alternates, and none for other pages.
    let sitemap = sitemap_alternates(&read(&out, "sitemap.xml"));
    for (loc, links) in &sitemap {
        let page = pages_with_alternates.get(loc).cloned().unwrap_or_default();
        assert_eq!(links, &page, "the sitemap's alternates of {loc} differ from the page's");
    }
    assert!(grouped.iter().all(|u| sitemap.contains_key(u)), "every version is in the sitemap");
}

#[test]
fn every_hreflang_group_is_complete_and_reciprocal_and_the_sitemap_agrees() {
    hreflang_groups_are_complete_and_reciprocal(SITE_URL);
}

#[test]
fn hreflang_groups_hold_under_a_sub_path() {
    hreflang_groups_are_complete_and_reciprocal("https://example.org/sub/");
}

#[test]
fn the_switcher_names_each_other_version_in_its_own_language() {
    let site = fixture("languages");
    site.build();
    let page = read(&site.out(), "articles/park-opens-ja/index.html");
    let switcher = "nav.translations a";
    assert_eq!(texts(&page, switcher), ["English", "简体中文"]);
    assert_eq!(attributes(&page, switcher, "lang"), ["en", "zh-Hans"]);
    assert_eq!(
        attributes(&page, switcher, "href"),
        [article_url(SITE_URL, "park-opens"), article_url(SITE_URL, "park-opens-zh")]
    );
    // The Japanese text is marked as such; the English words around it keep the site's language.
    assert_eq!(attributes(&page, "article.article", "lang"), ["ja"]);
    assert_eq!(attributes(&page, "article.article p.meta", "lang"), ["en"]);
    let original = read(&site.out(), "articles/park-opens/index.html");
    assert_eq!(texts(&original, switcher), ["日本語", "简体中文"]);
    assert!(texts(&read(&site.out(), "articles/solar-ja/index.html"), switcher).is_empty());
}

/// The `content` of every `<meta property>` of a page.
fn og_meta(html: &str, property: &str) -> Vec<String> {
    attributes(html, &format!(r#"head meta[property="{property}"]"#), "content")
}

#[test]
fn og_locale_alternate_names_the_locales_of_the_other_versions() {
    let site = fixture("languages");
    site.build();
    let out = site.out();
    let page = |slug: &str| read(&out, &format!("articles/{slug}/index.html"));
    let original = page("park-opens");
    assert_eq!(og_meta(&original, "og:locale"), ["en_US"]);
    assert_eq!(og_meta(&original, "og:locale:alternate"), ["ja_JP", "zh_CN"]);
    let chinese = page("park-opens-zh");
    assert_eq!(og_meta(&chinese, "og:locale"), ["zh_CN"]);
    assert_eq!(og_meta(&chinese, "og:locale:alternate"), ["en_US", "ja_JP"]);
    assert_eq!(og_meta(&page("dalian-fair-zh"), "og:locale:alternate"), ["en_US"]);
    // An article in one language, and a translation whose original is a draft, have none;
    // nor does a page that is not an article.
    assert!(og_meta(&page("solar-ja"), "og:locale:alternate").is_empty());
    assert_eq!(og_meta(&page("solar-ja"), "og:locale"), ["ja_JP"]);
    assert!(og_meta(&page("wind-farm-zh"), "og:locale:alternate").is_empty());
    assert!(og_meta(&read(&out, "index.html"), "og:locale:alternate").is_empty());
}

#[test]
fn each_language_has_a_list_newest_first_and_a_feed() {
    let site = fixture("languages");
    site.build();
    let out = site.out();
    // paginate_by = 2: three English articles make two pages.
    assert_eq!(
        card_links(&read(&out, "en/index.html")),
        [article_url(SITE_URL, "park-opens"), article_url(SITE_URL, "dalian-fair")]
    );
    assert_eq!(card_links(&read(&out, "en/page/2/index.html")), [article_url(SITE_URL, "harbour-loans")]);
    let chinese = read(&out, "zh-hans/index.html");
    assert_eq!(card_links(&chinese), [article_url(SITE_URL, "wind-farm-zh"), article_url(SITE_URL, "park-opens-zh")]);
    assert_eq!(texts(&chinese, "h1"), ["简体中文"]);
    assert_eq!(attributes(&chinese, "h1", "lang"), ["zh-Hans"]);
    assert_eq!(
        card_links(&read(&out, "ja/index.html")),
        [article_url(SITE_URL, "solar-ja"), article_url(SITE_URL, "park-opens-ja")]
    );

    let feed = read(&out, "zh-hans/atom.xml");
    assert!(feed.contains(r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-Hans">"#), "{feed}");
    let links: Vec<String> = feed_entries(&feed).into_iter().map(|e| e.link).collect();
    assert_eq!(links, ["wind-farm-zh", "park-opens-zh", "dalian-fair-zh"].map(|s| article_url(SITE_URL, s)));
    assert!(read(&out, "ja/atom.xml").contains(r#"xml:lang="ja">"#));
    assert!(read(&out, "en/atom.xml").contains(r#"xml:lang="en">"#));
}

#[test]
fn the_site_feed_keeps_every_language_and_marks_each_entry() {
    let site = fixture("languages");
    site.build();
    let feed = read(&site.out(), "atom.xml");
    assert!(feed.contains(r#"xml:lang="en">"#));
    // feed_limit = 5: the newest five, whatever their language.
    let links: Vec<String> = feed_entries(&feed).into_iter().map(|e| e.link).collect();
    let newest = ["wind-farm-zh", "solar-ja", "park-opens-ja", "park-opens-zh", "park-opens"];
    assert_eq!(links, newest.map(|s| article_url(SITE_URL, s)));
    let languages = entry_languages(&feed);
    let expected = [Some("zh-Hans"), Some("ja"), Some("ja"), Some("zh-Hans"), None].map(|l| l.map(str::to_string));
    assert_eq!(languages, expected);
}

#[test]
fn the_home_page_links_the_language_lists() {
    let site = fixture("languages");
    site.build();
    let home = read(&site.out(), "index.html");
    let selector = "nav.languages a";
    assert_eq!(texts(&home, selector), ["English", "日本語", "简体中文"]);
    assert_eq!(attributes(&home, selector, "href"), ["en/", "ja/", "zh-hans/"].map(|d| format!("{SITE_URL}{d}")));
    assert_eq!(attributes(&home, selector, "lang"), ["ja", "zh-Hans"], "the site's own language needs no lang");
}

#[test]
fn a_site_in_one_language_has_no_language_lists() {
    let site = fixture("languages");
    for file in [
        "2024/02/dalian-fair-zh",
        "2024/03/park-opens-zh",
        "2024/03/park-opens-ja",
        "2024/04/solar-ja",
        "2024/05/wind-farm-zh",
    ] {
        site.remove(&format!("content/articles/{file}.md"));
    }
    site.build();
    let out = site.out();
    assert!(!exists(&out, "en/index.html") && !exists(&out, "en/atom.xml"));
    assert!(texts(&read(&out, "index.html"), "nav.languages a").is_empty());
    assert!(!read(&out, "sitemap.xml").contains("xhtml"), "a plain sitemap without alternates");
}

/// Builds the fixture with one article file replaced, and returns the diagnostics with `code`.
fn diagnostics_after(edits: &[(&str, &str)], code: &str) -> Vec<gazette::diagnostics::Diagnostic> {
    let site = fixture("languages");
    for (path, text) in edits {
        site.write(path, text);
    }
    let report = site.build_with(&site.options());
    let found: Vec<_> = report.diagnostics.iter().filter(|d| d.code == code).cloned().collect();
    assert!(!found.is_empty(), "no {code} in:\n{}", render_all(&report.diagnostics));
    found
}

const ZH: &str = "content/articles/2024/03/park-opens-zh.md";

fn park_opens_zh(language: &str, translation_of: &str) -> String {
    format!(
        "+++\ntitle = \"沈抚新区中日产业园一期开园\"\ndate = 2024-03-20T16:00:00+08:00\nlanguage = \"{language}\"\n\
         translation_of = \"{translation_of}\"\n+++\n沈抚新区中日产业园一期于周三正式开园，首批入驻企业十二家，另有四十家企业的发展空间。园区运营方表示，二期工程将在两年内启动。\n"
    )
}

#[test]
fn a_translation_of_no_article_is_an_error_at_its_line() {
    let errors = diagnostics_after(&[(ZH, &park_opens_zh("zh-Hans", "park-open"))], "E019");
    let error = &errors[0];
    assert!(error.is_error());
    assert_eq!(error.file.as_deref(), Some(std::path::Path::new(ZH.trim_start_matches("./"))));
    assert_eq!((error.line, error.field.as_deref()), (5, Some("translation_of")));
    assert!(error.message.contains("`park-open`"), "{}", error.message);
}

#[test]
fn a_translation_of_a_translation_names_the_original() {
    let errors = diagnostics_after(&[(ZH, &park_opens_zh("zh-Hans", "park-opens-ja"))], "E020");
    let rendered = errors[0].render(false);
    assert!(rendered.contains("translation_of = \"park-opens\""), "{rendered}");
    assert!(rendered.contains(":5:"), "{rendered}");
}

#[test]
fn two_versions_in_one_language_are_an_error() {
    let errors = diagnostics_after(&[(ZH, &park_opens_zh("ja", "park-opens"))], "E021");
    let error = &errors[0];
    assert_eq!((error.line, error.field.as_deref()), (4, Some("language")));
    assert!(
        error.message.contains("park-opens-ja.md") && error.message.contains("park-opens-zh.md"),
        "{}",
        error.message
    );
    assert!(error.message.contains("`ja`"), "{}", error.message);
}

#[test]
fn a_language_that_is_not_a_tag_is_an_error() {
    let errors = diagnostics_after(&[(ZH, &park_opens_zh("chinese simplified", "park-opens"))], "E018");
    assert_eq!((errors[0].line, errors[0].field.as_deref()), (4, Some("language")));
}

#[test]
fn an_article_cannot_translate_itself() {
    let text = park_opens_zh("zh-Hans", "park-opens-zh");
    let errors = diagnostics_after(&[(ZH, &text)], "E022");
    assert_eq!(errors[0].field.as_deref(), Some("translation_of"));
}

#[test]
fn a_version_whose_text_is_plainly_another_language_is_a_warning() {
    let warnings = diagnostics_after(&[(ZH, &park_opens_zh("en", "park-opens"))], "W125");
    assert!(!warnings[0].is_error());
    assert!(warnings[0].message.contains("Chinese"), "{}", warnings[0].message);
    // Declared English beside the English original: also two versions in one language.
    diagnostics_after(&[(ZH, &park_opens_zh("en", "park-opens"))], "E021");
}

#[test]
fn a_page_in_a_language_folder_is_an_error_naming_both() {
    let page = "+++\ntitle = \"Japanese desk\"\nslug = \"ja\"\n+++\nWho we are.\n";
    let errors = diagnostics_after(&[("content/pages/japanese-desk.md", page)], "E023");
    let message = &errors[0].message;
    assert!(message.contains("ja/index.html") && message.contains("content/pages/japanese-desk.md"), "{message}");
    assert!(message.contains("`ja`"), "{message}");
}

#[test]
fn a_declared_tag_takes_the_canonical_case() {
    // dalian-fair-zh.md writes `language = "zh-hans"`.
    let site = fixture("languages");
    site.build();
    let page = read(&site.out(), "articles/dalian-fair-zh/index.html");
    assert_eq!(attributes(&page, "article.article", "lang"), ["zh-Hans"]);
    assert!(
        card_links(&read(&site.out(), "zh-hans/page/2/index.html")).contains(&article_url(SITE_URL, "dalian-fair-zh"))
    );
}
