//! The home page and its pages: newest first, `paginate_by` articles per page, linked in order.

use crate::support::*;

const NEWEST_FIRST: [&str; 6] = [
    "dalian-port",
    "script-title",
    "orixa-farms",
    "shenfu-park-tenants",
    "%E8%BE%BD%E5%AE%81%E6%AC%A7%E5%8A%9B%E5%A3%AB",
    "liaoning-orix-agreement",
];

fn home_page(n: usize) -> String {
    if n == 1 { "index.html".into() } else { format!("page/{n}/index.html") }
}

#[test]
fn home_pages_list_articles_newest_first_paginate_by_per_page() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    let mut listed = Vec::new();
    for n in 1..=3 {
        let cards = card_links(&read(&out, &home_page(n)));
        assert_eq!(cards.len(), 2, "paginate_by = 2 on page {n}");
        listed.extend(cards);
    }
    let expected: Vec<String> = NEWEST_FIRST.iter().map(|slug| format!("{BASE_URL}articles/{slug}/")).collect();
    assert_eq!(listed, expected);
}

#[test]
fn card_dates_descend_across_home_pages() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    let dates: Vec<chrono::DateTime<chrono::FixedOffset>> = (1..=3)
        .flat_map(|n| attributes(&read(&out, &home_page(n)), "article.card time", "datetime"))
        .map(|d| clock(&d))
        .collect();
    assert_eq!(dates.len(), 6);
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

#[test]
fn home_pages_link_to_their_neighbours() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    let first = read(&out, "index.html");
    assert!(attributes(&first, ".pagination a[rel=prev]", "href").is_empty());
    assert_eq!(attributes(&first, ".pagination a[rel=next]", "href"), vec![format!("{BASE_URL}page/2/")]);
    let second = read(&out, "page/2/index.html");
    assert_eq!(attributes(&second, ".pagination a[rel=prev]", "href"), vec![BASE_URL.to_string()]);
    assert_eq!(attributes(&second, ".pagination a[rel=next]", "href"), vec![format!("{BASE_URL}page/3/")]);
    let last = read(&out, "page/3/index.html");
    assert!(attributes(&last, ".pagination a[rel=next]", "href").is_empty());
}
