//! Newsroom standards on tests/fixtures/newsroom: JSON-LD (parsed with a JSON parser), Open
//! Graph and Twitter cards, the Google News sitemap, the corrections log, related articles
//! and author pages.

use serde_json::Value as Json;

use crate::support::*;

const BASE: &str = "https://newsroom.example.com/";
const HOSTILE_TITLE: &str = "</script><script>alert(1)</script> \"Quoted\" & line\u{2028}sep";

fn built() -> Fixture {
    let site = fixture("newsroom");
    site.build();
    site
}

/// The text of every `<script type="application/ld+json">` of a page, parsed.
pub(crate) fn json_ld(html: &str) -> Vec<Json> {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    html.match_indices(OPEN)
        .map(|(at, _)| {
            let text = &html[at + OPEN.len()..];
            let text = &text[..text.find("</script>").expect("the script is closed")];
            assert!(!text.contains('<') && !text.contains('\u{2028}') && !text.contains('\u{2029}'), "{text}");
            serde_json::from_str(text).unwrap_or_else(|e| panic!("JSON-LD does not parse ({e}):\n{text}"))
        })
        .collect()
}

/// The one item of type `kind` in a page's JSON-LD graph.
pub(crate) fn item<'a>(graphs: &'a [Json], kind: &str) -> &'a Json {
    let items: Vec<&Json> = graphs
        .iter()
        .flat_map(|g| match g["@graph"].as_array() {
            Some(items) => items.iter().collect::<Vec<_>>(),
            None => vec![g],
        })
        .filter(|i| i["@type"] == kind)
        .collect();
    assert_eq!(items.len(), 1, "one {kind} in {graphs:?}");
    items[0]
}

fn has_offset(time: &Json) -> bool {
    let text = time.as_str().unwrap_or_default();
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
        && (text.ends_with('Z') || text[text.len() - 6..].starts_with(['+', '-']))
}

pub(crate) fn meta(html: &str, property: &str) -> Vec<String> {
    let mut found = attributes(html, &format!("meta[property=\"{property}\"]"), "content");
    found.extend(attributes(html, &format!("meta[name=\"{property}\"]"), "content"));
    found
}

#[test]
fn every_page_s_json_ld_parses_and_the_article_is_a_news_article() {
    let site = built();
    let out = site.out();
    let mut with_ld = 0;
    for file in html_files(&out) {
        with_ld += usize::from(!json_ld(&read(&out, &file)).is_empty());
    }
    assert!(with_ld > 10, "{with_ld} pages with JSON-LD");

    let graphs = json_ld(&read(&out, "articles/orix-liaoning-agreement/index.html"));
    let article = item(&graphs, "NewsArticle");
    let url = format!("{BASE}articles/orix-liaoning-agreement/");
    assert_eq!(article["headline"], "Liaoning signs cooperation agreement with Orix");
    assert_eq!(article["mainEntityOfPage"]["@id"], url.as_str());
    assert_eq!(article["inLanguage"], "en");
    assert!(has_offset(&article["datePublished"]) && has_offset(&article["dateModified"]));
    // A correction later than `updated` is the last change.
    assert_eq!(article["dateModified"], "2024-03-10T08:00:00+08:00");
    let authors = article["author"].as_array().unwrap();
    assert_eq!(authors[0]["@type"], "Person");
    assert_eq!(authors[0]["name"], "Wang Ying");
    assert_eq!(authors[0]["url"], format!("{BASE}authors/wang-ying/").as_str());
    assert!(exists(&out, "authors/wang-ying/index.html"));
    assert_eq!(article["publisher"]["name"], "The Newsroom Gazette");
    assert_eq!(article["publisher"]["logo"]["url"], format!("{BASE}images/logo.png").as_str());
    assert_eq!(article["image"][0], format!("{BASE}images/share.png").as_str());
    let about: Vec<(String, String)> = article["about"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["@type"].as_str().unwrap().to_string(), e["url"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        about,
        [
            ("Place".to_string(), format!("{BASE}entities/liaoning-province/")),
            ("Organization".to_string(), format!("{BASE}entities/orix-corporation/")),
            ("Person".to_string(), format!("{BASE}entities/chen-qiufa/")),
        ]
    );
    let crumbs = item(&graphs, "BreadcrumbList")["itemListElement"].as_array().unwrap().clone();
    let names: Vec<&str> = crumbs.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Newsroom Gazette", "finance", "Liaoning signs cooperation agreement with Orix"]);
    let page = read(&out, "articles/orix-liaoning-agreement/index.html");
    assert_eq!(texts(&page, "nav.breadcrumbs li"), names, "visible breadcrumbs");
}

#[test]
fn entity_author_and_home_pages_describe_what_they_are_about() {
    let site = built();
    let out = site.out();
    let dalian = json_ld(&read(&out, "entities/dalian/index.html"));
    let place = item(&dalian, "Place");
    assert_eq!(place["name"], "Dalian");
    assert_eq!(place["description"], "A port city in Liaoning Province.");
    assert_eq!(place["containedInPlace"]["url"], format!("{BASE}entities/liaoning-province/").as_str());
    let names: Vec<String> = item(&dalian, "BreadcrumbList")["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Newsroom Gazette", "Who and where", "Liaoning Province", "Dalian"]);
    let orix = read(&out, "entities/orix-corporation/index.html");
    assert_eq!(item(&json_ld(&orix), "Organization")["alternateName"][0], "Orix");
    // The meta description is the profile's, not the site's.
    let description = "A Japanese financial services group with leasing and investment arms in China.";
    assert_eq!(attributes(&orix, "meta[name=description]", "content"), [description]);
    assert_eq!(meta(&orix, "og:description"), [description]);

    let author = json_ld(&read(&out, "authors/wang-ying/index.html"));
    let person = &item(&author, "ProfilePage")["mainEntity"];
    assert_eq!((person["@type"].as_str(), person["jobTitle"].as_str()), (Some("Person"), Some("Dalian correspondent")));

    let home = json_ld(&read(&out, "index.html"));
    let website = item(&home, "WebSite");
    assert_eq!(website["url"], BASE);
    assert_eq!(website["potentialAction"]["@type"], "SearchAction");
    assert_eq!(
        website["potentialAction"]["target"]["urlTemplate"],
        format!("{BASE}search/?q={{search_term_string}}").as_str()
    );
}

#[test]
fn script_ends_quotes_and_line_separators_cannot_break_the_json_ld() {
    let site = built();
    let out = site.out();
    let page = read(&out, "articles/script-headline/index.html");
    assert!(!page.contains("<script>alert(1)"), "the title became markup");
    let graphs = json_ld(&page);
    let article = item(&graphs, "NewsArticle");
    assert_eq!(article["headline"], HOSTILE_TITLE);
    // (A summary's whitespace, U+2028 included, is collapsed to spaces; the title keeps it.)
    assert!(article["description"].as_str().unwrap().contains("</script>, \"quotes\", a line separator"));
    assert_eq!(article["author"][0]["name"], "Zhou \"Scoop\" </script> Min");
    let about: Vec<&str> = article["about"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert!(about.contains(&"</script> Holdings"), "{about:?}");
    assert!(meta(&page, "article:tag").contains(&"</script>".to_string()));
    assert_eq!(meta(&page, "og:title"), [HOSTILE_TITLE]);
    // Every page that names it (lists, related, its author's page) still parses.
    for file in html_files(&out) {
        json_ld(&read(&out, &file));
    }
    let author = json_ld(&read(&out, "authors/zhou-scoop-script-min/index.html"));
    assert_eq!(item(&author, "ProfilePage")["mainEntity"]["name"], "Zhou \"Scoop\" </script> Min");
}

#[test]
fn every_page_has_open_graph_and_twitter_cards() {
    let site = built();
    let out = site.out();
    for file in html_files(&out) {
        let page = read(&out, &file);
        for property in ["og:type", "og:title", "og:url", "og:site_name", "og:locale", "og:image", "og:image:alt"] {
            assert_eq!(meta(&page, property).len(), 1, "{property} on {file}");
        }
        let canonical = attributes(&page, "link[rel=canonical]", "href");
        assert!(canonical.is_empty() || meta(&page, "og:url") == canonical, "{file}");
        assert_eq!(meta(&page, "twitter:card"), ["summary_large_image"], "{file}");
        assert_eq!(meta(&page, "twitter:site"), ["@newsroomgazette"], "{file}");
    }
    let article = read(&out, "articles/orix-liaoning-agreement/index.html");
    assert_eq!(meta(&article, "og:type"), ["article"]);
    assert_eq!(meta(&article, "og:locale"), ["en_US"]);
    assert_eq!(meta(&article, "article:published_time"), ["2024-03-01T10:00:00+08:00"]);
    assert_eq!(meta(&article, "article:modified_time"), ["2024-03-10T08:00:00+08:00"]);
    assert_eq!(
        meta(&article, "article:author"),
        [format!("{BASE}authors/wang-ying/"), format!("{BASE}authors/staff-reporter/")]
    );
    assert_eq!(meta(&article, "article:tag"), ["finance", "Japan"]);
    assert_eq!(meta(&article, "og:image"), [format!("{BASE}images/share.png")]);
    assert_eq!(
        (meta(&article, "og:image:width"), meta(&article, "og:image:height")),
        (vec!["1200".into()], vec!["630".into()])
    );
    assert_eq!(meta(&read(&out, "authors/wang-ying/index.html"), "og:type"), ["profile"]);
    assert_eq!(meta(&read(&out, "index.html"), "og:type"), ["website"]);

    // Without a share image: a summary card and no og:image.
    let plain = fixture("good");
    plain.build();
    let page = read(&plain.out(), "articles/dalian-port/index.html");
    assert_eq!(meta(&page, "twitter:card"), ["summary"]);
    assert!(meta(&page, "og:image").is_empty());
}

fn news_urls(out: &std::path::Path, file: &str) -> Vec<String> {
    xml_elements(&read(out, file), "loc")
}

#[test]
fn the_news_sitemap_lists_the_last_two_days_with_name_language_date_and_title() {
    let site = fixture("newsroom");
    site.write(
        "content/articles/2024/chinese.md",
        "+++\ntitle = \"辽宁与欧力士签署合作协议\"\ndate = 2024-05-31T10:00:00+08:00\n+++\n辽宁省与欧力士集团签署了战略合作协议。\n",
    );
    site.build();
    let out = site.out();
    let xml = read(&out, "news-sitemap.xml");
    assert_eq!(
        news_urls(&out, "news-sitemap.xml"),
        [
            format!("{BASE}articles/no-entities/"),
            format!("{BASE}articles/chinese/"),
            format!("{BASE}articles/leasing-outlook/"),
            format!("{BASE}articles/script-headline/"),
        ]
    );
    assert!(xml_elements(&xml, "news:name").iter().all(|n| n == "The Newsroom Gazette"));
    assert_eq!(xml_elements(&xml, "news:language"), ["en", "zh-cn", "en", "en"]);
    assert_eq!(xml_elements(&xml, "news:publication_date")[3], "2024-05-30T18:00:00+08:00");
    assert_eq!(xml_elements(&xml, "news:title")[3], HOSTILE_TITLE);
    assert!(read(&out, "robots.txt").contains(&format!("Sitemap: {BASE}news-sitemap.xml")));

    // Two days and one minute after it, an article is gone; one minute less, it is there.
    let mut options = site.options();
    options.clock = Some(clock("2024-06-01T18:01:00+08:00"));
    site.build_ok(&options);
    assert!(!news_urls(&out, "news-sitemap.xml").contains(&format!("{BASE}articles/script-headline/")));
    options.clock = Some(clock("2024-06-01T17:59:00+08:00"));
    site.build_ok(&options);
    assert!(news_urls(&out, "news-sitemap.xml").contains(&format!("{BASE}articles/script-headline/")));
}

#[test]
fn two_thousand_five_hundred_articles_in_two_days_give_three_files_and_an_index() {
    let site = fixture("newsroom");
    for n in 0..2_500 {
        let (hour, minute) = (n / 60 % 24, n % 60);
        site.write(
            &format!("content/articles/busy/story-{n}.md"),
            format!("+++\ntitle = \"Story {n}\"\ndate = 2024-05-31T{hour:02}:{minute:02}:00+08:00\n+++\nText.\n"),
        );
    }
    let mut options = site.options();
    options.no_search = true;
    site.build_ok(&options);
    let out = site.out();
    let index = read(&out, "news-sitemap.xml");
    assert!(index.contains("<sitemapindex"), "{index}");
    let parts: Vec<String> = (1..=3).map(|n| format!("{BASE}news-sitemap-{n}.xml")).collect();
    assert_eq!(xml_elements(&index, "loc"), parts);
    let counts: Vec<usize> = (1..=3).map(|n| news_urls(&out, &format!("news-sitemap-{n}.xml")).len()).collect();
    // The fixture's own three recent articles are in the window too.
    assert_eq!(counts, [1_000, 1_000, 503]);
    assert!(!exists(&out, "news-sitemap-4.xml"));
}

#[test]
fn corrections_are_listed_newest_first_with_links_to_their_anchors_and_a_feed() {
    let site = built();
    let out = site.out();
    let first = read(&out, "corrections/index.html");
    let second = read(&out, "corrections/page/2/index.html");
    let links: Vec<String> =
        [&first, &second].iter().flat_map(|p| attributes(p, ".corrections-log a", "href")).collect();
    assert_eq!(
        links,
        [
            format!("{BASE}articles/dalian-port-berths/#correction-1"),
            format!("{BASE}articles/orix-liaoning-agreement/#correction-2"),
            format!("{BASE}articles/orix-liaoning-agreement/#correction-1"),
        ]
    );
    let article = read(&out, "articles/orix-liaoning-agreement/index.html");
    assert_eq!(
        texts(&article, "#correction-2"),
        ["Correction, 10 March 2024: The agreement was signed in Shenyang, not Dalian."]
    );
    let feed = feed_entries(&read(&out, "corrections/atom.xml"));
    assert_eq!(feed.iter().map(|e| e.link.clone()).collect::<Vec<_>>(), links);
    assert_eq!(feed[0].summary.as_deref(), Some("The berths are for containers, not bulk cargo."));
    // The example site's About page promises the page: the footer of every page links it.
    assert!(links_of(&article).contains(&format!("{BASE}corrections/")));
}

fn links_of(html: &str) -> Vec<String> {
    links(html)
}

#[test]
fn related_articles_rank_shared_entities_then_tags_then_recency() {
    let site = built();
    let page = read(&site.out(), "articles/dalian-port-berths/index.html");
    let related = attributes(&page, ".related a", "href");
    let slugs: Vec<&str> = related.iter().map(|u| u.trim_start_matches(BASE).trim_end_matches('/')).collect();
    assert_eq!(
        slugs,
        [
            "articles/orix-liaoning-agreement", // Liaoning and the tag Japan
            "articles/leasing-outlook",         // Liaoning, newer
            "articles/orix-dalian-office",      // Dalian
            "articles/script-headline",         // the tag Japan only
        ]
    );
}

#[test]
fn every_byline_has_a_paginated_author_page_with_a_feed() {
    let site = built();
    let out = site.out();
    let index = read(&out, "authors/index.html");
    let names = texts(&index, ".authors a");
    assert_eq!(names, ["Li Na", "Staff reporter", "Wang Ying", "Zhou \"Scoop\" </script> Min"]);
    let wang = read(&out, "authors/wang-ying/index.html");
    assert_eq!(texts(&wang, "h1"), ["Wang Ying"]);
    assert!(texts(&wang, ".meta").iter().any(|m| m.starts_with("Dalian correspondent · 3 articles")));
    assert_eq!(
        texts(&wang, ".profile p"),
        ["Wang Ying covers ports and leasing from Dalian. She joined the paper in 2016."]
    );
    // "wang  ying" is the same byline; two per page.
    let mut cards = card_links(&wang);
    cards.extend(card_links(&read(&out, "authors/wang-ying/page/2/index.html")));
    assert_eq!(
        cards,
        [
            format!("{BASE}articles/leasing-outlook/"),
            format!("{BASE}articles/orix-dalian-office/"),
            format!("{BASE}articles/orix-liaoning-agreement/"),
        ]
    );
    assert_eq!(feed_entries(&read(&out, "authors/wang-ying/atom.xml")).len(), 3);
    let article = read(&out, "articles/orix-dalian-office/index.html");
    assert_eq!(attributes(&article, ".article .meta a[rel=author]", "href"), [format!("{BASE}authors/wang-ying/")]);
    assert_eq!(texts(&article, ".article .meta a[rel=author]"), ["wang ying"]);
}

#[test]
fn author_profiles_are_as_strict_as_other_files() {
    let site = fixture("newsroom");
    site.write("content/authors/typo.md", "+++\nname = \"Li Na\"\ntitel = \"Editor\"\n+++\n");
    let report = site.build_with(&site.options());
    assert!(
        errors(&report).iter().any(|e| e.message.contains("titel")
            && e.file.as_deref() == Some(std::path::Path::new("content/authors/typo.md"))),
        "{}",
        render_all(&report.diagnostics)
    );

    site.write("content/authors/typo.md", "+++\nname = \"WANG ying\"\n+++\n");
    let report = site.build_with(&site.options());
    let codes: Vec<&str> = errors(&report).iter().map(|e| e.code).collect();
    assert_eq!(codes, ["E043"], "{}", render_all(&report.diagnostics));

    site.remove("content/authors/typo.md");
    site.write("site.toml", read(&site.root, "site.toml").replace("/images/logo.png", "/images/missing.png"));
    let report = site.build_with(&site.options());
    let codes: Vec<&str> = errors(&report).iter().map(|e| e.code).collect();
    assert_eq!(codes, ["E041"], "{}", render_all(&report.diagnostics));
}
