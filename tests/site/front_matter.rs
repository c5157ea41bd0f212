//! The front-matter schema beyond the bad-input list: every key the README documents is accepted
//! today (so editors' files stay valid as features land), and the checks that go with them
//! (deal currencies, entity parents) name the file, line and field.

use crate::support::*;

const EVERY_KEY: &str = r#"+++
title = "Every documented key"
date = 2017-12-28
updated = 2018-01-03T10:00:00+08:00
slug = "every-key"
summary = "One or two sentences."
tags = ["finance"]
entities = ["Orix"]
authors = ["Staff reporter"]
draft = false
corrections = [
  { date = 2018-01-04, text = "An earlier version gave the wrong park area." },
]
[source]
name = "Xinhua"
url = "https://news.example.net/every-key"
[[deals]]
investors = ["Orix China Investment Co Ltd", "Dalian Financial & Industrial Investment Group Co Ltd"]
place = "Shenfu New Area"
what = "Sino-Japan industrial park"
amount = 2_000_000_000
currency = "CNY"
sector = "industrial parks"
stage = "agreement"
[extra]
photo = "park.jpg"
+++
Body.
"#;

#[test]
fn every_documented_front_matter_key_is_accepted() {
    let site = fixture("good");
    site.write("content/articles/2017/12/every-key.md", EVERY_KEY);
    site.build();
    let page = read(&site.out(), "articles/every-key/index.html");
    assert_eq!(texts(&page, "h1"), vec!["Every documented key"]);
    assert!(page.contains("An earlier version gave the wrong park area."), "the correction is not shown");
}

#[test]
fn windows_line_endings_and_a_byte_order_mark_are_accepted() {
    let site = fixture("good");
    let text = "\u{feff}+++\r\ntitle = \"Written on Windows\"\r\ndate = 2018-02-01\r\n+++\r\nA body.\r\n";
    site.write("content/articles/2018/02/windows.md", text);
    site.build();
    let page = read(&site.out(), "articles/windows/index.html");
    assert_eq!(texts(&page, "h1"), vec!["Written on Windows"]);
}

/// Builds the good site with one extra or replaced file; returns the single error.
fn single_error(relative: &str, text: &str) -> gazette::diagnostics::Diagnostic {
    let site = fixture("good");
    site.write(relative, text);
    let report = site.build_with(&site.options());
    let found = errors(&report);
    assert_eq!(found.len(), 1, "{}", render_all(&report.diagnostics));
    assert!(!site.out().exists(), "a failed build wrote output");
    found[0].clone()
}

#[test]
fn a_key_below_a_table_header_is_explained() {
    let error = single_error(
        "content/articles/2018/02/table.md",
        "+++\ntitle = \"Key after a table\"\ndate = 2018-02-01\n[source]\nname = \"Xinhua\"\ntags = [\"finance\"]\n+++\nBody.\n",
    );
    assert_eq!((error.line, error.field.as_deref()), (6, Some("tags")));
    assert!(error.hint.as_deref().unwrap_or("").contains("[source]"), "{}", error.render(false));
}

#[test]
fn a_deal_amount_needs_a_currency() {
    let error = single_error(
        "content/articles/2018/02/deal.md",
        "+++\ntitle = \"Deal\"\ndate = 2018-02-01\n[[deals]]\nplace = \"Shenfu New Area\"\nwhat = \"A park\"\namount = 5\n+++\nBody.\n",
    );
    assert_eq!(error.file.as_deref(), Some(std::path::Path::new("content/articles/2018/02/deal.md")));
    assert_eq!(error.line, 7);
    assert!(error.field.as_deref().unwrap_or("").contains("currency"), "{}", error.render(false));
}

#[test]
fn a_parent_cycle_names_both_profiles() {
    let error = single_error(
        "content/entities/liaoning-province.md",
        "+++\nname = \"Liaoning Province\"\nkind = \"place\"\naliases = [\"Liaoning\", \"辽宁省\"]\nparent = \"Shenfu New Area\"\n+++\nA province.\n",
    );
    let message = error.render(false);
    assert!(message.contains("liaoning-province.md") && message.contains("shenfu-new-area.md"), "{message}");
    assert_eq!(error.field.as_deref(), Some("parent"));
}

#[test]
fn an_unknown_parent_is_an_error() {
    let error = single_error(
        "content/entities/liaoning-province.md",
        "+++\nname = \"Liaoning Province\"\nkind = \"place\"\naliases = [\"Liaoning\", \"辽宁省\"]\nparent = \"Atlantis\"\n+++\nA province.\n",
    );
    assert_eq!((error.line, error.field.as_deref()), (5, Some("parent")));
    assert!(error.message.contains("Atlantis"));
}
