//! Drafts and scheduled articles: left out unless asked for; the build clock decides what is
//! in the future.

use gazette::config::BuildOptions;

use crate::support::*;

const DRAFT: &str = "articles/draft-story/index.html";
const SCHEDULED: &str = "articles/scheduled-story/index.html";

fn everywhere_mentions(out: &std::path::Path, slug: &str) -> Vec<String> {
    all_files(out)
        .into_iter()
        .filter(|f| f.ends_with(".html") || f.ends_with(".xml"))
        .filter(|f| read(out, f).contains(&format!("articles/{slug}/")))
        .collect()
}

#[test]
fn drafts_are_left_out_by_default() {
    let site = fixture("good");
    let report = site.build();
    let out = site.out();
    assert!(!exists(&out, DRAFT));
    assert_eq!(everywhere_mentions(&out, "draft-story"), Vec::<String>::new(), "pages that still link the draft");
    assert_eq!(report.articles, 6);
}

#[test]
fn drafts_are_built_with_the_drafts_switch() {
    let site = fixture("good");
    let report = site.build_ok(&BuildOptions { drafts: true, ..site.options() });
    let out = site.out();
    let page = read(&out, DRAFT);
    assert_eq!(texts(&page, "h1"), vec!["Unpublished draft about port tariffs"]);
    assert!(
        attributes(&read(&out, "archive/index.html"), "a", "href")
            .contains(&format!("{BASE_URL}articles/draft-story/"))
    );
    assert_eq!(report.articles, 7);
    assert!(!exists(&out, SCHEDULED), "--drafts does not publish scheduled articles");
}

#[test]
fn future_articles_are_left_out_by_default() {
    let site = fixture("good");
    site.build();
    let out = site.out();
    assert!(!exists(&out, SCHEDULED));
    assert_eq!(everywhere_mentions(&out, "scheduled-story"), Vec::<String>::new());
}

#[test]
fn future_articles_are_built_with_the_future_switch() {
    let site = fixture("good");
    let report = site.build_ok(&BuildOptions { future: true, ..site.options() });
    let out = site.out();
    assert!(exists(&out, SCHEDULED));
    let newest = feed_entries(&read(&out, "atom.xml")).remove(0);
    assert_eq!(newest.link, format!("{BASE_URL}articles/scheduled-story/"), "the scheduled article is the newest");
    assert_eq!(report.articles, 7);
    assert!(!exists(&out, DRAFT), "--future does not publish drafts");
}

#[test]
fn the_clock_decides_what_is_in_the_future() {
    // scheduled-story.md is dated 2024-09-01T09:00:00+08:00, i.e. 01:00 UTC.
    for (now, published) in [
        ("2024-09-01T08:59:59+08:00", false),
        ("2024-09-01T09:00:00+08:00", true),
        ("2024-09-01T00:59:59Z", false),
        ("2024-09-01T01:00:00Z", true),
        ("2025-01-01T00:00:00+08:00", true),
    ] {
        let site = fixture("good");
        site.build_ok(&BuildOptions { clock: Some(clock(now)), ..site.options() });
        assert_eq!(exists(&site.out(), SCHEDULED), published, "with the clock at {now}");
    }
}

#[test]
fn the_binary_accepts_drafts_future_and_clock_flags() {
    let site = fixture("good");
    site.gazette_build().arg("--drafts").arg("--future").assert().success();
    assert!(exists(&site.out(), DRAFT));
    assert!(exists(&site.out(), SCHEDULED));

    let site = fixture("good");
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("gazette");
    command.args(["build", "--clock", "2024-10-01T00:00:00+08:00", "--root"]).arg(&site.root);
    command.assert().success();
    assert!(exists(&site.out(), SCHEDULED), "the clock is after the scheduled date");
    assert!(!exists(&site.out(), DRAFT));
}
