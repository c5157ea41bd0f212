//! Deals and the place tree: the table on the article, `/deals/` with totals and facets, the
//! roll-ups on place and investor pages, the chart, the open data, and the checks of
//! `[[deals]]` (tests/fixtures/deals: Liaoning → Shenyang → Shenfu New Area → its park, and
//! Dalian; Orix (China) is a subsidiary of Orix Corporation).

use std::collections::{BTreeMap, HashMap};

use crate::support::*;

const BASE: &str = "https://deals.example.com/";

fn built() -> (Fixture, std::path::PathBuf) {
    let site = fixture("deals");
    let report = site.build();
    assert!(report.succeeded(), "{}", render_all(&report.diagnostics));
    let out = site.out();
    (site, out)
}

#[test]
fn the_article_shows_its_deals_with_investors_linked_and_the_place_with_its_chain() {
    let (_site, out) = built();
    let page = read(&out, "articles/rooftop-solar/index.html");
    let rows = texts(&page, ".deals tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0].contains("Shenfu Sino-Japan Industrial Park · Shenfu New Area · Shenyang · Liaoning Province"),
        "{}",
        rows[0]
    );
    assert!(rows[0].contains("US$30 m") && rows[0].contains("Signed") && rows[0].contains("new energy"), "{}", rows[0]);
    let links = links(&page);
    for target in ["entities/orix-corporation/", "entities/harbin-green-capital/", "entities/liaoning-province/"] {
        assert!(links.contains(&format!("{BASE}{target}")), "no link to {target}");
    }
    assert_eq!(attributes(&page, ".deals tbody tr", "id"), ["deal-1", "deal-2"]);
    assert_eq!(attributes(&page, ".deals data", "title"), ["30 million US dollars"]);
}

#[test]
fn deals_page_lists_every_deal_newest_first_with_totals_per_currency_and_links_its_facets() {
    let (_site, out) = built();
    let first = read(&out, "deals/index.html");
    let totals = texts(&first, ".deal-totals li");
    assert_eq!(totals.len(), 3, "one total per currency, never summed: {totals:?}");
    assert!(totals[0].starts_with("4.6 billion yuan"), "{totals:?}");
    assert!(totals[1].starts_with("4 billion yen") && totals[2].starts_with("30 million US dollars"), "{totals:?}");
    let mut listed: Vec<String> = texts(&first, ".deal-table tbody tr td:last-child");
    for page in 2..=3 {
        listed
            .extend(texts(&read(&out, &format!("deals/page/{page}/index.html")), ".deal-table tbody tr td:last-child"));
    }
    assert!(!exists(&out, "deals/page/4/index.html"));
    assert_eq!(listed.len(), 6, "{listed:?}");
    assert_eq!(listed[0], "Shenfu sets up an innovation fund");
    assert_eq!(listed[5], "Orix and DFIG agree on a Sino-Japan park in Shenfu");
    let links = links(&first);
    for facet in
        ["year/2018/", "place/liaoning-province/", "sector/new-energy/", "stage/signed/", "investor/orix-corporation/"]
    {
        let url = format!("{BASE}deals/{facet}");
        assert!(links.contains(&url), "/deals/ does not link {url}");
        let path = format!("deals/{facet}index.html");
        assert!(exists(&out, &path), "no {path}");
    }
    let place = read(&out, "deals/place/liaoning-province/index.html");
    assert!(texts(&place, "h1")[0].contains("Liaoning Province"));
    assert!(exists(&out, "deals/place/liaoning-province/page/3/index.html"), "six deals rolled up, two a page");
    let orix = read(&out, "deals/investor/orix-corporation/index.html");
    assert!(
        texts(&orix, ".meta")[0].starts_with("4 deals"),
        "its own and its subsidiary's: {:?}",
        texts(&orix, ".meta")
    );
}

/// The profiles' parents, read from the files themselves (not from gazette).
fn parents_in_fixture() -> HashMap<String, String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deals/content/entities");
    let mut parents = HashMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let value = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
                .map(|v| v.trim_end_matches('"').to_string())
        };
        if let (Some(name), Some(parent)) = (value("name"), value("parent")) {
            parents.insert(name, parent);
        }
    }
    parents
}

#[test]
fn every_place_page_totals_the_deals_of_its_whole_subtree() {
    let (_site, out) = built();
    let parents = parents_in_fixture();
    let data: serde_json::Value = serde_json::from_str(&read(&out, "deals/deals.json")).unwrap();
    let mut expected: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for deal in data["deals"].as_array().unwrap() {
        let (Some(amount), Some(currency)) = (deal["amount"].as_u64(), deal["currency"].as_str()) else { continue };
        let mut place = Some(deal["place"]["name"].as_str().unwrap().to_string());
        while let Some(name) = place {
            *expected.entry(name.clone()).or_default().entry(currency.to_string()).or_default() += amount;
            place = parents.get(&name).cloned();
        }
    }
    let slugs = [
        ("Liaoning Province", "liaoning-province"),
        ("Shenyang", "shenyang"),
        ("Shenfu New Area", "shenfu-new-area"),
        ("Shenfu Sino-Japan Industrial Park", "shenfu-sino-japan-industrial-park"),
        ("Dalian", "dalian"),
    ];
    for (name, slug) in slugs {
        let page = read(&out, &format!("entities/{slug}/index.html"));
        let mut shown: BTreeMap<String, u64> = BTreeMap::new();
        let amounts = attributes(&page, ".deal-totals data", "value");
        for (text, amount) in texts(&page, ".deal-totals li").iter().zip(amounts) {
            shown.insert(text.rsplit(' ').next().unwrap().to_string(), amount.parse().unwrap());
        }
        assert_eq!(shown, expected.get(name).cloned().unwrap_or_default(), "the totals on {name}'s page");
    }
}

#[test]
fn the_root_province_lists_every_article_about_the_places_below_it_once() {
    let (_site, out) = built();
    let mut own = Vec::new();
    let mut below = Vec::new();
    for page in 1..=3 {
        let dir = if page == 1 { String::new() } else { format!("page/{page}/") };
        let path = format!("entities/liaoning-province/{dir}index.html");
        if !exists(&out, &path) {
            break;
        }
        let html = read(&out, &path);
        own.extend(attributes(&html, "section[aria-labelledby=about-heading] .card-title a", "href"));
        below.extend(attributes(&html, "section[aria-labelledby=below-heading] .card-title a", "href"));
    }
    assert_eq!(own, [format!("{BASE}articles/jilin-note/")]);
    let slugs = ["shenfu-fund", "dalian-leasing", "shenyang-waste", "rooftop-solar", "park-agreement"];
    assert_eq!(below, slugs.map(|s| format!("{BASE}articles/{s}/")).to_vec(), "newest first, deduplicated");
}

#[test]
fn place_and_investor_pages_chart_their_deals_per_year_with_a_text_alternative() {
    let (_site, out) = built();
    let page = read(&out, "entities/liaoning-province/index.html");
    assert_eq!(attributes(&page, ".deal-chart svg", "role"), ["img", "img", "img"], "one chart per currency");
    let descriptions = texts(&page, ".deal-chart svg desc");
    assert_eq!(descriptions[0], "2017: 2.1 billion yuan; 2019: 1.5 billion yuan; 2021: 1 billion yuan.");
    assert_eq!(texts(&page, ".deal-chart-data tbody tr").len(), 15, "five years for each of three currencies");
    let orix = read(&out, "entities/orix-corporation/index.html");
    assert!(texts(&orix, "#deals-heading")[0].contains('4'), "Orix's own deals and its subsidiary's");
    assert_eq!(attributes(&orix, ".deal-chart svg", "role").len(), 2, "CNY and USD");
}

#[test]
fn deals_csv_is_rfc_4180_with_a_header_and_one_row_per_deal() {
    let (_site, out) = built();
    let csv = read(&out, "deals/deals.csv");
    assert!(csv.starts_with("article_url,article_title,date,investors,place,place_ancestors,what,amount,currency,"));
    let records: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(records.len(), 7, "a header and six deals");
    assert!(csv.contains(",\"Battery storage, \"\"pilot\"\" phase, 2 MWh\",,,new energy,announced,\r\n"), "{csv}");
    assert!(csv.contains("Shenfu Sino-Japan Industrial Park,Shenfu New Area; Shenyang; Liaoning Province,"));
    let json: serde_json::Value = serde_json::from_str(&read(&out, "deals/deals.json")).unwrap();
    let first = &json["deals"][0];
    assert_eq!(first["article_url"], format!("{BASE}articles/shenfu-fund/#deal-1"));
    assert_eq!(first["place_ancestors"][1]["name"], "Liaoning Province");
    assert_eq!(first["stage"], "cancelled");
    assert_eq!(json["deals"].as_array().unwrap().len(), 6);
}

#[test]
fn the_deals_feed_has_the_newest_deals_linking_to_their_rows() {
    let (_site, out) = built();
    let entries = feed_entries(&read(&out, "deals/atom.xml"));
    assert_eq!(entries.len(), 3, "feed_limit");
    assert_eq!(entries[0].link, format!("{BASE}articles/shenfu-fund/#deal-1"));
    assert!(
        entries[0].title.contains("Science and technology innovation fund (1 billion yuan)"),
        "{}",
        entries[0].title
    );
}

#[test]
fn no_deals_leaves_out_the_deal_pages_data_and_roll_ups() {
    let site = fixture("deals");
    let options = gazette::config::BuildOptions { no_deals: true, ..site.options() };
    site.build_ok(&options);
    let out = site.out();
    assert!(!exists(&out, "deals/index.html") && !exists(&out, "deals/deals.csv"));
    let page = read(&out, "entities/liaoning-province/index.html");
    assert!(texts(&page, "#below-heading").is_empty() && texts(&page, "#deals-heading").is_empty());
    assert!(!links(&page).iter().any(|l| l.contains("/deals/")), "no link to a missing page");
}

fn with_deal(site: &Fixture, deal: &str) -> gazette::build::BuildReport {
    site.write(
        "content/articles/2022/bad.md",
        format!("+++\ntitle = \"Bad\"\ndate = 2022-01-01\n\n[[deals]]\n{deal}\n+++\nBody.\n"),
    );
    site.build_with(&site.options())
}

#[test]
fn a_deal_in_an_unknown_place_is_an_error_naming_the_line_and_the_closest_place() {
    let site = fixture("deals");
    let report = with_deal(&site, "investors = [\"Orix\"]\nplace = \"Shenyan\"\nwhat = \"x\"");
    let shown = render_all(&report.diagnostics);
    assert!(!report.succeeded());
    assert!(
        shown.contains("E052") && shown.contains("bad.md:7:9") && shown.contains("did you mean \"Shenyang\""),
        "{shown}"
    );
    let report = with_deal(&site, "investors = [\"Orix\"]\nplace = \"Orix Corporation\"\nwhat = \"x\"");
    let shown = render_all(&report.diagnostics);
    assert!(shown.contains("E053") && shown.contains("of kind organization"), "{shown}");
}

#[test]
fn deal_amounts_currencies_and_what_are_checked() {
    let site = fixture("deals");
    for (deal, code, words) in [
        ("place = \"Dalian\"\nwhat = \"x\"\namount = 0\ncurrency = \"CNY\"", "E054", "more than 0"),
        ("place = \"Dalian\"\nwhat = \"x\"\namount = 5\ncurrency = \"RMB\"", "E016", "not an ISO 4217"),
        ("place = \"Dalian\"\nwhat = \"x\"\namount = 5\ncurrency = \"cny\"", "E016", "currency = \"CNY\""),
        ("place = \"Dalian\"\nwhat = \"  \"", "E055", "`what` is empty"),
        ("place = \"Dalian\"\nwhat = \"x\"\nstage = \"signd\"", "E014", "`signed`"),
    ] {
        let report = with_deal(&site, deal);
        let shown = render_all(&report.diagnostics);
        assert!(!report.succeeded() && shown.contains(code) && shown.contains(words), "{deal}: {shown}");
    }
}

#[test]
fn an_unknown_investor_gets_a_warning_and_a_page_that_lists_its_deal() {
    let site = fixture("deals");
    let report = site.build();
    let out = site.out();
    let shown = render_all(&report.diagnostics);
    assert!(
        shown.contains("W110") && shown.contains("Harbin Green Capital") && shown.contains("rooftop-solar.md:17"),
        "{shown}"
    );
    let page = read(&out, "entities/harbin-green-capital/index.html");
    assert_eq!(texts(&page, ".deal-table tbody tr").len(), 1);
}

fn check_output(site: &Fixture) -> String {
    let output =
        assert_cmd::Command::cargo_bin("gazette").unwrap().args(["check", "--root"]).arg(&site.root).output().unwrap();
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn w103_leaves_out_a_parent_place_whose_page_now_lists_the_article() {
    // shenyang-waste.md is tagged Shenyang and mentions Liaoning twice.
    let (site, out) = built();
    let shown = check_output(&site);
    assert!(!shown.contains("mentions Liaoning Province twice"), "{shown}");
    let liaoning = read(&out, "entities/liaoning-province/page/2/index.html");
    assert!(links(&liaoning).contains(&format!("{BASE}articles/shenyang-waste/")), "the premise of W103 holds");
}

#[test]
fn check_hints_at_the_same_deal_reported_by_two_articles() {
    let site = fixture("deals");
    site.write(
        "content/articles/2022/again.md",
        "+++\ntitle = \"Again\"\ndate = 2022-01-01\n\n[[deals]]\ninvestors = [\"DFIG\"]\nplace = \"Dalian\"\n\
         what = \"Equipment  leasing joint venture\"\n+++\nBody.\n",
    );
    let shown = check_output(&site);
    assert!(shown.contains("W111") && shown.contains("dalian-leasing.md"), "{shown}");
}

#[test]
fn the_example_site_s_about_page_links_a_deals_page_and_a_corrections_page_with_content() {
    let site = example_site();
    site.build();
    let out = site.out();
    let base = "https://invest.example.com/";
    let about = read(&out, "about/index.html");
    let promised = attributes(&about, "main a", "href");
    for page in ["deals/", "corrections/"] {
        assert!(promised.contains(&format!("{base}{page}")), "the About page does not link /{page}: {promised:?}");
    }
    let deals = read(&out, "deals/index.html");
    assert!(texts(&deals, ".deal-table tbody tr").len() >= 5, "/deals/ shows a page of deals");
    assert!(!texts(&deals, ".deal-totals li").is_empty());
    let corrections = attributes(&read(&out, "corrections/index.html"), ".corrections-log a", "href");
    assert!(corrections.len() >= 2, "{corrections:?}");
    assert!(corrections.iter().all(|link| link.contains("#correction-")), "{corrections:?}");
    // The place tree rolls up: the province's page holds deals placed in the cities below it.
    let liaoning = read(&out, "entities/liaoning-province/index.html");
    let places = texts(&liaoning, ".deal-table tbody tr").join(" | ");
    for city in ["Dalian", "Shenyang"] {
        assert!(places.contains(city), "no deal in {city} on Liaoning's page: {places}");
    }
    assert!(!texts(&liaoning, "section[aria-labelledby=below-heading] .card-title a").is_empty());
}
