//! Every link the build writes leads to a file of the output, at the domain root and under a
//! sub-path alike.

use std::path::Path;

use crate::support::*;

/// Checks every `href`/`src` of every HTML page and every link of the feeds and the sitemap;
/// returns how many internal links were followed.
fn assert_internal_links_resolve(out: &Path, base_url: &str) -> usize {
    let mut followed = 0;
    let mut broken = Vec::new();
    let mut check = |from: &str, link: &str| match internal_target(base_url, from, link) {
        Ok(Some(target)) => {
            followed += 1;
            if !out.join(&target).is_file() {
                broken.push(format!("{from}: {link} → {target} does not exist"));
            }
        }
        Ok(None) => {}
        Err(problem) => broken.push(format!("{from}: {problem}")),
    };
    for file in html_files(out) {
        for link in links(&read(out, &file)) {
            check(&file, &link);
        }
    }
    for file in all_files(out).into_iter().filter(|f| f.ends_with(".xml")) {
        let xml = read(out, &file);
        for link in xml_attributes(&xml, "link", "href").into_iter().chain(xml_elements(&xml, "loc")) {
            check(&file, &link);
        }
    }
    assert!(broken.is_empty(), "{} broken links:\n{}", broken.len(), broken.join("\n"));
    followed
}

#[test]
fn every_internal_link_resolves_to_a_file() {
    let site = fixture("good");
    site.build();
    let followed = assert_internal_links_resolve(&site.out(), BASE_URL);
    assert!(followed > 300, "only {followed} internal links were found: the check would prove little");
}

#[test]
fn links_to_cjk_slugs_are_percent_encoded_and_resolve() {
    let site = fixture("good");
    site.build();
    let home = read(&site.out(), "index.html");
    let encoded = format!("{BASE_URL}articles/%E8%BE%BD%E5%AE%81%E6%AC%A7%E5%8A%9B%E5%A3%AB/");
    let all_pages: Vec<String> = (1..=3)
        .map(|n| if n == 1 { home.clone() } else { read(&site.out(), &format!("page/{n}/index.html")) })
        .flat_map(|page| card_links(&page))
        .collect();
    assert!(all_pages.contains(&encoded), "no link {encoded} among {all_pages:?}");
    let entity = read(&site.out(), "articles/dalian-port/index.html");
    assert!(
        attributes(&entity, "a", "href").contains(&format!("{BASE_URL}entities/%E5%A4%A7%E8%BF%9E%E6%B8%AF/")),
        "the link to the entity 大连港 is not percent-encoded"
    );
}

#[test]
fn every_link_works_under_a_sub_path() {
    let site = fixture("good");
    let sub = "https://example.org/sub/";
    site.build_ok(&gazette::config::BuildOptions { base_url: Some(sub.into()), ..site.options() });
    let out = site.out();
    let followed = assert_internal_links_resolve(&out, sub);
    assert!(followed > 300, "only {followed} internal links were found");
    for file in all_files(&out).into_iter().filter(|f| f.ends_with(".html") || f.ends_with(".xml")) {
        let text = read(&out, &file);
        assert!(!text.contains("fixture.example.com"), "{file} still uses site.toml's base_url");
        let root_relative: Vec<String> = links(&text)
            .into_iter()
            .filter(|l| l.starts_with('/') && !l.starts_with("//") && !l.starts_with("/sub/"))
            .collect();
        assert!(root_relative.is_empty(), "{file} links outside /sub/: {root_relative:?}");
    }
}

#[test]
fn feeds_sitemap_and_robots_use_the_sub_path() {
    let site = fixture("good");
    let sub = "https://example.org/sub/";
    site.build_ok(&gazette::config::BuildOptions { base_url: Some(sub.into()), ..site.options() });
    let out = site.out();
    let robots = read(&out, "robots.txt");
    assert!(robots.contains("Sitemap: https://example.org/sub/sitemap.xml"), "robots.txt:\n{robots}");
    let locations = xml_elements(&read(&out, "sitemap.xml"), "loc");
    assert!(!locations.is_empty());
    assert!(locations.iter().all(|l| l.starts_with(sub)), "{locations:?}");
    for feed in ["atom.xml", "tags/new-energy/atom.xml", "entities/orix-corporation/atom.xml"] {
        let xml = read(&out, feed);
        let hrefs = xml_attributes(&xml, "link", "href");
        assert!(hrefs.iter().all(|h| h.starts_with(sub)), "{feed}: {hrefs:?}");
        assert!(hrefs.contains(&format!("{sub}{feed}")), "{feed} has no rel=self link to itself: {hrefs:?}");
    }
}

#[test]
fn markdown_links_to_content_files_and_the_site_root_are_rewritten() {
    let site = fixture("good");
    site.build();
    let page = read(&site.out(), "articles/liaoning-orix-agreement/index.html");
    let body_links = attributes(&page, ".body a", "href");
    assert!(body_links.contains(&format!("{BASE_URL}articles/shenfu-park-tenants/")), "{body_links:?}");
    assert!(body_links.contains(&format!("{BASE_URL}about/")), "{body_links:?}");

    let sub = "https://example.org/sub/";
    site.build_ok(&gazette::config::BuildOptions { base_url: Some(sub.into()), ..site.options() });
    let page = read(&site.out(), "articles/liaoning-orix-agreement/index.html");
    let body_links = attributes(&page, ".body a", "href");
    assert!(body_links.contains(&format!("{sub}articles/shenfu-park-tenants/")), "{body_links:?}");
    assert!(body_links.contains(&format!("{sub}about/")), "{body_links:?}");
}

#[test]
fn relative_links_to_content_files_are_rewritten_with_their_fragment() {
    let site = fixture("good");
    site.build();
    let page = read(&site.out(), "articles/shenfu-park-tenants/index.html");
    let body_links = attributes(&page, ".body a", "href");
    assert_eq!(body_links, vec![format!("{BASE_URL}articles/liaoning-orix-agreement/#local-reaction")]);
}

#[test]
fn a_base_url_without_trailing_slash_works_the_same() {
    let site = fixture("good");
    site.build_ok(&gazette::config::BuildOptions {
        base_url: Some("https://example.org/sub".into()),
        ..site.options()
    });
    let home = read(&site.out(), "index.html");
    assert!(attributes(&home, "a.brand", "href").contains(&"https://example.org/sub/".to_string()));
    assert!(assert_internal_links_resolve(&site.out(), "https://example.org/sub/") > 300);
}

#[test]
fn a_base_url_with_a_port_works() {
    let site = fixture("good");
    let local = "http://127.0.0.1:1111/";
    site.build_ok(&gazette::config::BuildOptions { base_url: Some(local.into()), ..site.options() });
    assert!(assert_internal_links_resolve(&site.out(), local) > 300);
}

#[test]
fn cjk_tags_have_percent_encoded_pages_and_feeds() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    assert!(exists(&out, "tags/新能源/index.html") && exists(&out, "tags/新能源/atom.xml"));
    let index = read(&out, "tags/index.html");
    let url = format!("{BASE_URL}tags/%E6%96%B0%E8%83%BD%E6%BA%90/");
    assert_eq!(texts(&index, &format!("a[href=\"{url}\"]")), vec!["新能源"]);
    let feed = read(&out, "tags/新能源/atom.xml");
    assert!(xml_attributes(&feed, "link", "href").contains(&format!("{url}atom.xml")));
}

#[test]
fn the_link_checker_itself_tells_good_links_from_bad() {
    let base = "https://example.org/sub/";
    assert_eq!(internal_target(base, "index.html", "https://example.org/sub/").unwrap(), Some("index.html".into()));
    assert_eq!(
        internal_target(base, "a/index.html", "https://example.org/sub/entities/%E8%BE%BD%E5%AE%81/#x").unwrap(),
        Some("entities/辽宁/index.html".into())
    );
    assert_eq!(internal_target(base, "a/index.html", "/sub/style.css").unwrap(), Some("style.css".into()));
    assert_eq!(internal_target(base, "a/index.html", "#main").unwrap(), None);
    assert_eq!(internal_target(base, "a/index.html", "https://example.com/x").unwrap(), None);
    assert!(internal_target(base, "a/index.html", "https://example.org/articles/x/").is_err());
    assert!(internal_target(base, "a/index.html", "/articles/x/").is_err());
}
