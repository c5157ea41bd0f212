//! Tags and entities: spellings that differ only in case or spacing are one tag; names and
//! aliases in any case or script are one entity; an entity without a profile still gets a page;
//! entity pages list the articles that only mention them, whole words only.

use crate::support::*;

fn folders_below(out: &std::path::Path, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out.join(dir))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn tags_differing_in_case_or_spacing_are_one_tag_with_the_combined_count() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    // "New Energy", "new  energy" and "NEW ENERGY" in three articles; "finance" and "Finance".
    assert_eq!(
        folders_below(&out, "tags"),
        vec!["agriculture", "finance", "industrial-parks", "new-energy", "ports", "r-d-labs", "新能源"]
    );
    let index = read(&out, "tags/index.html");
    let new_energy = format!("{BASE_URL}tags/new-energy/");
    assert_eq!(attributes(&index, &format!("a[href=\"{new_energy}\"]"), "href").len(), 1, "listed once");
    let counts: Vec<String> = texts(&index, ".tag-cloud li");
    let entry = counts.iter().find(|t| t.to_lowercase().starts_with("new energy")).expect("new energy on /tags/");
    assert!(entry.ends_with(" 3"), "the count shown for new energy: {entry:?}");
    let finance = counts.iter().find(|t| t.to_lowercase().starts_with("finance")).expect("finance on /tags/");
    assert!(finance.ends_with(" 3"), "the count shown for finance: {finance:?}");

    let tag_page = read(&out, "tags/new-energy/index.html");
    assert_eq!(texts(&tag_page, "h1")[0].to_lowercase(), "new energy");
    let mut listed = card_links(&tag_page);
    listed.extend(card_links(&read(&out, "tags/new-energy/page/2/index.html")));
    assert_eq!(
        listed,
        ["script-title", "shenfu-park-tenants", "liaoning-orix-agreement"]
            .map(|slug| format!("{BASE_URL}articles/{slug}/"))
            .to_vec(),
        "newest first, two per page"
    );
}

#[test]
fn entity_names_and_aliases_in_any_case_or_script_resolve_to_one_profile() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    // Orix is named "ORIX", "orix corporation" and "欧力士" by three articles.
    assert_eq!(
        folders_below(&out, "entities"),
        vec![
            "fruit-veg-co",
            "liaoning-province",
            "orix-china-investment",
            "orix-corporation",
            "shenfu-new-area",
            "大连港"
        ]
    );
    let mut tagged = card_links(&read(&out, "entities/orix-corporation/index.html"));
    tagged.extend(card_links(&read(&out, "entities/orix-corporation/page/2/index.html")));
    assert_eq!(
        tagged,
        ["script-title", "辽宁欧力士", "liaoning-orix-agreement"]
            .map(|slug| format!("{BASE_URL}articles/{}/", encode(slug)))
            .to_vec()
    );
    let page = read(&out, "entities/orix-corporation/index.html");
    assert_eq!(texts(&page, "h1"), vec!["Orix Corporation"]);
    assert!(texts(&page, ".profile").concat().contains("A Japanese financial services group."));
    // Article pages name the profile, not the alias they used.
    let article = read(&out, "articles/辽宁欧力士/index.html");
    assert!(texts(&article, "article.article footer a").contains(&"Orix Corporation".to_string()));
}

fn encode(slug: &str) -> String {
    slug.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[test]
fn entities_index_groups_by_kind_and_lists_each_entity_once() {
    let site = fixture("good");
    site.build();
    let page = read(&site.out(), "entities/index.html");
    let groups = texts(&page, ".entity-group h2");
    assert_eq!(groups.len(), 3, "organizations, places, other: {groups:?}");
    let names = texts(&page, ".entity-list a");
    assert_eq!(names.len(), 6, "{names:?}");
    for name in [
        "Orix Corporation",
        "Orix China Investment",
        "Liaoning Province",
        "Shenfu New Area",
        "大连港",
        "Fruit & Veg <Co>",
    ] {
        assert_eq!(names.iter().filter(|n| *n == name).count(), 1, "{name} in {names:?}");
    }
}

#[test]
fn an_entity_without_a_profile_gets_a_page_of_kind_other() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    let page = read(&out, "entities/大连港/index.html");
    assert_eq!(texts(&page, "h1"), vec!["大连港"]);
    assert_eq!(texts(&page, ".kind"), vec!["other"]);
    assert_eq!(card_links(&page), vec![format!("{BASE_URL}articles/dalian-port/")]);
    let feed = feed_entries(&read(&out, "entities/大连港/atom.xml"));
    assert_eq!(feed.len(), 1);
}

#[test]
fn entity_pages_list_articles_that_only_mention_them() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    // shenfu-park-tenants.md says "a leasing arm of Orix" but does not list Orix in `entities`.
    let orix = read(&out, "entities/orix-corporation/index.html");
    let mentioned = attributes(&orix, ".mentions a", "href");
    assert_eq!(mentioned, vec![format!("{BASE_URL}articles/shenfu-park-tenants/")]);
    // dalian-port.md mentions 辽宁省 (an alias of Liaoning Province) in Chinese text.
    let liaoning = read(&out, "entities/liaoning-province/index.html");
    assert_eq!(attributes(&liaoning, ".mentions a", "href"), vec![format!("{BASE_URL}articles/dalian-port/")]);
}

#[test]
fn a_mention_must_be_a_whole_word() {
    let site = fixture("good");
    site.build();
    // orixa-farms.md says "Orixa Farms", which is not a mention of the alias "Orix".
    let orix = read(&site.out(), "entities/orix-corporation/index.html");
    assert!(!orix.contains("articles/orixa-farms/"), "Orixa counted as a mention of Orix");
}

#[test]
fn the_longest_name_wins_where_names_overlap() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    // dalian-port.md says "Orix China arranged the loans": a mention of Orix China Investment
    // (alias "Orix China"), not of Orix Corporation (alias "Orix").
    let orix_china = read(&out, "entities/orix-china-investment/index.html");
    assert_eq!(attributes(&orix_china, ".mentions a", "href"), vec![format!("{BASE_URL}articles/dalian-port/")]);
    let orix = read(&out, "entities/orix-corporation/index.html");
    assert!(!attributes(&orix, ".mentions a", "href").contains(&format!("{BASE_URL}articles/dalian-port/")));
}

#[test]
fn entity_pages_link_related_entities() {
    let site = fixture("good");
    site.build();
    // Orix and Liaoning Province are both listed by two articles.
    let orix = read(&site.out(), "entities/orix-corporation/index.html");
    let related = attributes(&orix, "section[aria-labelledby=related-heading] a", "href");
    assert!(related.contains(&format!("{BASE_URL}entities/liaoning-province/")), "{related:?}");
    assert!(!related.contains(&format!("{BASE_URL}entities/orix-corporation/")), "an entity is not related to itself");
}

#[test]
fn tag_and_entity_feeds_hold_their_own_articles() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    let links = |feed: &str| feed_entries(&read(&out, feed)).into_iter().map(|e| e.link).collect::<Vec<_>>();
    assert_eq!(
        links("tags/new-energy/atom.xml"),
        ["script-title", "shenfu-park-tenants", "liaoning-orix-agreement"]
            .map(|s| format!("{BASE_URL}articles/{s}/"))
            .to_vec()
    );
    assert_eq!(links("tags/agriculture/atom.xml"), vec![format!("{BASE_URL}articles/orixa-farms/")]);
    assert_eq!(links("entities/shenfu-new-area/atom.xml").len(), 2);
}
