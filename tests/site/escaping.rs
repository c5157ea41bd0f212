//! Titles, names and summaries from front matter are text on every page and in every feed:
//! `<script>alert(1)</script> & "quotes"` shows as typed and never becomes markup.

use crate::support::*;

const TITLE: &str = "<script>alert(1)</script> & \"quotes\"";
const SUMMARY: &str = "A summary with <b>markup</b> & \"quotes\".";

/// No output file may contain the title as live markup.
#[test]
fn no_output_contains_the_raw_script_tag() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    for file in all_files(&out).into_iter().filter(|f| f.ends_with(".html") || f.ends_with(".xml")) {
        let text = read(&out, &file);
        assert!(!text.contains("<script>alert(1)"), "{file} contains the title as raw markup");
        assert!(!text.contains("<b>markup</b>"), "{file} contains the summary as raw markup");
    }
}

#[test]
fn article_page_shows_the_title_and_summary_as_typed() {
    let site = fixture("good");
    site.build();
    let page = read(&site.out(), "articles/script-title/index.html");
    assert!(page.contains("&lt;script&gt;alert(1)"));
    assert_eq!(texts(&page, "h1"), vec![TITLE]);
    assert_eq!(texts(&page, "title"), vec![format!("{TITLE} · Fixture Gazette")]);
    assert_eq!(texts(&page, ".lede"), vec![SUMMARY]);
    assert_eq!(attributes(&page, "meta[name=description]", "content"), vec![SUMMARY]);
}

#[test]
fn list_pages_show_the_title_as_typed() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    let url = format!("{BASE_URL}articles/script-title/");
    for list in ["index.html", "tags/new-energy/index.html", "entities/orix-corporation/index.html"] {
        let page = read(&out, list);
        assert!(page.contains("&lt;script&gt;alert(1)"), "{list}");
        let titles = texts(&page, &format!("article.card .card-title a[href=\"{url}\"]"));
        assert_eq!(titles, vec![TITLE], "the card on {list}");
        assert!(texts(&page, "article.card .summary").contains(&SUMMARY.to_string()), "the summary on {list}");
    }
    let archive = read(&out, "archive/index.html");
    assert_eq!(texts(&archive, &format!("a[href=\"{url}\"]")), vec![TITLE]);
    // The neighbours' previous/next links name it too.
    let neighbour = read(&out, "articles/dalian-port/index.html");
    assert_eq!(texts(&neighbour, "a[rel=prev]"), vec![format!("Previous {TITLE}")]);
}

#[test]
fn feeds_carry_the_title_and_summary_as_text() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    for feed in ["atom.xml", "tags/new-energy/atom.xml", "entities/orix-corporation/atom.xml"] {
        let xml = read(&out, feed);
        assert!(xml.contains("&lt;script&gt;alert(1)"), "{feed}");
        let entry = feed_entries(&xml)
            .into_iter()
            .find(|e| e.link == format!("{BASE_URL}articles/script-title/"))
            .unwrap_or_else(|| panic!("{feed} has no entry for the article"));
        assert_eq!(entry.title, TITLE, "{feed}");
        assert_eq!(entry.summary.as_deref(), Some(SUMMARY), "{feed}");
        assert!(xml.contains("<title type=\"text\">"), "{feed}: titles must be declared as text");
    }
}

#[test]
fn entity_names_with_markup_characters_are_text() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    // "Fruit & Veg <Co>" has no profile; its slug is fruit-veg-co.
    let name = "Fruit & Veg <Co>";
    let page = read(&out, "entities/fruit-veg-co/index.html");
    assert_eq!(texts(&page, "h1"), vec![name]);
    let index = read(&out, "entities/index.html");
    assert_eq!(texts(&index, &format!("a[href=\"{BASE_URL}entities/fruit-veg-co/\"]")), vec![name]);
    let article = read(&out, "articles/orixa-farms/index.html");
    assert!(texts(&article, "article.article footer a").contains(&name.to_string()));
    let feed = read(&out, "entities/fruit-veg-co/atom.xml");
    let feed_title = xml_elements(feed.split("<entry>").next().unwrap(), "title").remove(0);
    assert!(feed_title.contains(name), "the feed's title: {feed_title:?}");
    for file in ["entities/fruit-veg-co/index.html", "entities/index.html", "entities/fruit-veg-co/atom.xml"] {
        assert!(!read(&out, file).contains("<Co>"), "{file} has the name as markup");
    }
}

#[test]
fn tag_names_with_markup_characters_are_text() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    // "R&D <labs>" slugifies to r-d-labs.
    let page = read(&out, "tags/r-d-labs/index.html");
    assert_eq!(texts(&page, "h1"), vec!["R&D <labs>"]);
    assert!(!page.contains("<labs>"));
    let index = read(&out, "tags/index.html");
    assert_eq!(texts(&index, &format!("a[href=\"{BASE_URL}tags/r-d-labs/\"]")), vec!["R&D <labs>"]);
    let feed = read(&out, "atom.xml");
    assert!(xml_attributes(&feed, "category", "label").contains(&"R&D <labs>".to_string()));
    assert!(!feed.contains("<labs>"));
}
