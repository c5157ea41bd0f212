//! Every kind of page exists at the URL the README gives it, and static files are copied as
//! they are.

use crate::support::*;

#[test]
fn every_page_type_is_at_its_design_url() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    for path in [
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        "articles/liaoning-orix-agreement/index.html",
        "articles/script-title/index.html",
        "articles/辽宁欧力士/index.html",
        "tags/index.html",
        "tags/new-energy/index.html",
        "tags/new-energy/page/2/index.html",
        "tags/new-energy/atom.xml",
        "entities/index.html",
        "entities/orix-corporation/index.html",
        "entities/orix-corporation/page/2/index.html",
        "entities/orix-corporation/atom.xml",
        "entities/大连港/index.html",
        "archive/index.html",
        "about/index.html",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
    ] {
        assert!(exists(&out, path), "{path} is missing; the output has:\n{}", all_files(&out).join("\n"));
    }
}

#[test]
fn list_pages_stop_at_the_last_page() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    // Six published articles, two per page.
    assert!(!exists(&out, "page/4/index.html"));
    assert!(!exists(&out, "page/1/index.html"), "page 1 is the home page itself");
    assert!(!exists(&out, "tags/new-energy/page/3/index.html"));
    assert!(!exists(&out, "tags/agriculture/page/2/index.html"));
}

#[test]
fn every_published_article_has_its_page_with_title_and_body() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    let expected = [
        ("liaoning-orix-agreement", "Liaoning and Orix sign a cooperation agreement", "framework agreement"),
        ("辽宁欧力士", "辽宁省与欧力士签署战略合作协议", "辽宁省人民政府"),
        ("shenfu-park-tenants", "Shenfu park signs its first tenants", "first tenants"),
        ("orixa-farms", "Orixa Farms opens a cold store", "cold store"),
        ("dalian-port", "Dalian port expands its container terminal", "two berths"),
    ];
    for (slug, title, body) in expected {
        let page = read(&out, &format!("articles/{slug}/index.html"));
        assert_eq!(texts(&page, "h1"), vec![title], "the headline of {slug}");
        assert!(texts(&page, ".body").concat().contains(body), "the body of {slug}");
    }
}

#[test]
fn article_page_shows_dates_authors_source_and_links_to_tags_and_entities() {
    let site = fixture("good");
    site.build();
    let page = read(&site.out(), "articles/liaoning-orix-agreement/index.html");
    let times = attributes(&page, "article.article header time", "datetime");
    assert_eq!(times, vec!["2017-12-28T10:30:00+08:00", "2018-01-03T09:00:00+08:00"], "date and updated");
    assert!(texts(&page, "article.article header .meta").concat().contains("Staff reporter"));
    assert_eq!(attributes(&page, ".source a", "href"), vec!["https://news.example.net/story"]);
    assert_eq!(texts(&page, ".source a"), vec!["Xinhua"]);
    let term_links = attributes(&page, "article.article footer a", "href");
    for url in [
        "https://fixture.example.com/entities/orix-corporation/",
        "https://fixture.example.com/entities/liaoning-province/",
        "https://fixture.example.com/tags/new-energy/",
        "https://fixture.example.com/tags/finance/",
    ] {
        assert!(term_links.contains(&url.to_string()), "no link to {url} in {term_links:?}");
    }
}

#[test]
fn articles_link_to_the_previous_and_next_article() {
    let site = fixture("good");
    site.build();
    // Newest first: dalian-port (2019-05), script-title (2019-03), orixa-farms (2018-09).
    let page = read(&site.out(), "articles/script-title/index.html");
    assert_eq!(attributes(&page, "a[rel=prev]", "href"), vec![format!("{BASE_URL}articles/orixa-farms/")]);
    assert_eq!(attributes(&page, "a[rel=next]", "href"), vec![format!("{BASE_URL}articles/dalian-port/")]);
    let oldest = read(&site.out(), "articles/liaoning-orix-agreement/index.html");
    assert!(attributes(&oldest, ".prev-next a[rel=prev]", "href").is_empty(), "the oldest article has no previous");
}

#[test]
fn standalone_page_is_at_its_slug() {
    let site = fixture("good");
    site.build();
    let page = read(&site.out(), "about/index.html");
    assert_eq!(texts(&page, "h1"), vec!["About the Fixture Gazette"]);
    assert!(texts(&page, ".body").concat().contains("We report on investment in Northeast China."));
}

#[test]
fn archive_lists_every_published_article_by_year_and_month() {
    let site = fixture("good");
    site.build();
    let page = read(&site.out(), "archive/index.html");
    let years = texts(&page, "h2");
    assert_eq!(years, vec!["2019", "2018", "2017"]);
    let months = texts(&page, "h3");
    assert_eq!(months, vec!["May 2019", "March 2019", "September 2018", "June 2018", "March 2018", "December 2017"]);
    let linked = attributes(&page, ".archive-list a", "href");
    assert_eq!(linked.len(), 6, "{linked:?}");
    assert!(!page.contains("draft-story") && !page.contains("scheduled-story"));
}

#[test]
fn robots_txt_points_to_the_sitemap() {
    let site = fixture("good");
    site.build();
    let robots = read(&site.out(), "robots.txt");
    assert!(robots.lines().any(|line| line == format!("Sitemap: {BASE_URL}sitemap.xml")), "robots.txt:\n{robots}");
}

#[test]
fn sitemap_lists_every_html_page_but_the_404() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    let locations = xml_elements(&read(&out, "sitemap.xml"), "loc");
    let mut expected: Vec<String> = html_files(&out)
        .into_iter()
        .filter(|f| f.ends_with("index.html"))
        .map(|f| f.trim_end_matches("index.html").to_string())
        .collect();
    expected.sort();
    let mut listed: Vec<String> = locations
        .iter()
        .map(|url| percent_decode(url.strip_prefix(BASE_URL).unwrap_or_else(|| panic!("{url} is not under the site"))))
        .collect();
    listed.sort();
    assert_eq!(listed, expected);
    assert!(!locations.iter().any(|l| l.contains("404")));
    // An article's entry carries its last change, with the author's offset.
    let sitemap = read(&out, "sitemap.xml");
    let entry = sitemap
        .lines()
        .find(|l| l.contains("articles/liaoning-orix-agreement/"))
        .expect("the agreement in the sitemap");
    assert_eq!(xml_elements(entry, "lastmod"), vec!["2018-01-03T09:00:00+08:00"]);
}

#[test]
fn not_found_page_comes_from_the_sites_template_override() {
    let site = fixture("good");
    site.build();
    let page = read(&site.out(), "404.html");
    assert_eq!(texts(&page, "h1"), vec!["Fixture 404: nothing here"]);
    // The override extends the built-in base.html, which still supplies the navigation.
    assert!(attributes(&page, "nav a", "href").contains(&format!("{BASE_URL}tags/")));
}

#[test]
fn static_files_are_copied_byte_for_byte() {
    let site = fixture("good");
    site.build();
    for file in ["style.css", "images/pixel.png"] {
        let source = std::fs::read(site.root.join("static").join(file)).unwrap();
        let copied = std::fs::read(site.out().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(copied, source, "{file} differs from its source");
    }
    let home = read(&site.out(), "index.html");
    assert!(attributes(&home, "link[rel=stylesheet]", "href").contains(&format!("{BASE_URL}style.css")));
}

/// Regression: a Chinese headline in an English site's lists was marked as English text
/// (WCAG 3.1.2); its card and its archive link now say `lang="zh"`.
#[test]
fn lists_mark_the_language_of_a_cjk_headline() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    let tag_page = read(&out, "tags/finance/index.html");
    assert!(tag_page.contains(r#"<article class="card" lang="zh">"#), "{tag_page}");
    let archive = read(&out, "archive/index.html");
    assert!(archive.contains(r#"lang="zh">辽宁省与欧力士签署战略合作协议</a>"#), "{archive}");
}
