//! Atom feeds: at most `feed_limit` entries, newest first, ids that stay the same from build to
//! build, RFC 3339 times that keep the author's UTC offset.

use crate::support::*;

#[test]
fn site_feed_holds_the_newest_feed_limit_articles() {
    let site = fixture("good");
    site.build();
    let entries = feed_entries(&read(&site.out(), "atom.xml"));
    // feed_limit = 3 of six published articles.
    let links: Vec<String> = entries.iter().map(|e| e.link.clone()).collect();
    assert_eq!(
        links,
        ["dalian-port", "script-title", "orixa-farms"].map(|s| format!("{BASE_URL}articles/{s}/")).to_vec()
    );
    let published: Vec<_> = entries.iter().map(|e| clock(&e.published)).collect();
    assert!(published.windows(2).all(|w| w[0] >= w[1]), "not newest first: {published:?}");
}

#[test]
fn feeds_of_tags_and_entities_are_capped_too() {
    let site = fixture("good");
    let feed_limit = 3;
    site.build();
    let out = site.out();
    let mut at_the_cap = 0;
    for feed in all_files(&out).into_iter().filter(|f| f.ends_with("atom.xml")) {
        let count = feed_entries(&read(&out, &feed)).len();
        assert!(count <= feed_limit, "{feed} has {count} entries");
        at_the_cap += usize::from(count == feed_limit);
    }
    // The site feed, the English feed (/en/atom.xml: the Chinese article makes the site one of
    // two languages), new-energy, finance and Orix have more articles than the cap.
    assert_eq!(at_the_cap, 5);
}

#[test]
fn an_entity_no_article_lists_still_has_a_valid_empty_feed() {
    let site = fixture("good");
    site.build();
    // Orix China Investment is only mentioned, never listed in `entities`.
    let xml = read(&site.out(), "entities/orix-china-investment/atom.xml");
    assert!(feed_entries(&xml).is_empty());
    assert!(xml.trim_end().ends_with("</feed>"));
    let updated = xml_elements(&xml, "updated");
    chrono::DateTime::parse_from_rfc3339(&updated[0]).expect("an RFC 3339 <updated>");
}

#[test]
fn entry_times_keep_the_authors_offset() {
    let site = fixture("good");
    site.build();
    let entries = feed_entries(&read(&site.out(), "atom.xml"));
    let dalian = &entries[0];
    assert_eq!(dalian.published, "2019-05-20T11:00:00+08:00");
    assert_eq!(dalian.updated, "2019-05-20T11:00:00+08:00");
    let tag_feed = feed_entries(&read(&site.out(), "tags/finance/atom.xml"));
    let agreement = tag_feed
        .iter()
        .find(|e| e.link.ends_with("/liaoning-orix-agreement/"))
        .expect("the agreement in the finance feed");
    assert_eq!(agreement.published, "2017-12-28T10:30:00+08:00");
    assert_eq!(agreement.updated, "2018-01-03T09:00:00+08:00", "`updated` from the front matter");
    for entry in entries.iter().chain(&tag_feed) {
        for time in [&entry.published, &entry.updated] {
            chrono::DateTime::parse_from_rfc3339(time).unwrap_or_else(|e| panic!("{time} is not RFC 3339: {e}"));
        }
    }
}

#[test]
fn feed_updated_is_the_newest_entry_time() {
    let site = fixture("good");
    site.build();
    let xml = read(&site.out(), "atom.xml");
    let head = xml.split("<entry>").next().unwrap();
    assert_eq!(xml_elements(head, "updated"), vec!["2019-05-20T11:00:00+08:00"]);
}

#[test]
fn entry_ids_are_unique_and_identical_across_builds() {
    let first = fixture("good");
    first.build();
    let second = fixture("good");
    second.build();
    for feed in ["atom.xml", "tags/new-energy/atom.xml", "entities/orix-corporation/atom.xml"] {
        let ids = |site: &Fixture| feed_entries(&read(&site.out(), feed)).into_iter().map(|e| e.id).collect::<Vec<_>>();
        let (a, b) = (ids(&first), ids(&second));
        assert_eq!(a, b, "{feed}");
        let mut unique = a.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), a.len(), "duplicate ids in {feed}: {a:?}");
    }
    // An article keeps its id whichever feed it is in.
    let id_in = |feed: &str| {
        feed_entries(&read(&first.out(), feed))
            .into_iter()
            .find(|e| e.link.ends_with("/script-title/"))
            .map(|e| e.id)
            .unwrap()
    };
    assert_eq!(id_in("atom.xml"), id_in("tags/new-energy/atom.xml"));
    assert_eq!(id_in("atom.xml"), id_in("entities/orix-corporation/atom.xml"));
}

#[test]
fn feeds_are_well_formed_enough_for_a_reader() {
    let site = fixture("good");
    site.build();
    let xml = read(&site.out(), "atom.xml");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert_eq!(xml_elements(&xml, "entry").len(), xml.matches("</entry>").count());
    let head = xml.split("<entry>").next().unwrap();
    assert_eq!(xml_elements(head, "title"), vec!["Fixture Gazette"]);
    let self_links: Vec<String> = xml_attributes(head, "link", "href");
    assert!(self_links.contains(&format!("{BASE_URL}atom.xml")));
    // The home page advertises the feed.
    let home = read(&site.out(), "index.html");
    assert_eq!(
        attributes(&home, "link[rel=alternate][type=\"application/atom+xml\"]", "href"),
        vec![format!("{BASE_URL}atom.xml")]
    );
}
