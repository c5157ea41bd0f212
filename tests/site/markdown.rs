//! Markdown: tables, footnotes, strikethrough, task lists and heading ids render; raw HTML in an
//! article passes through.

use crate::support::*;

fn agreement_body() -> String {
    let site = fixture("good");
    site.build();
    let page = read(&site.out(), "articles/liaoning-orix-agreement/index.html");
    let body = scraper::Selector::parse(".body").unwrap();
    parse(&page).select(&body).next().expect("an article body").inner_html()
}

#[test]
fn tables_render() {
    let body = agreement_body();
    assert_eq!(texts(&body, "table th"), vec!["Sector", "Amount"]);
    assert_eq!(texts(&body, "table td"), vec!["New energy", "2 bn"]);
}

#[test]
fn footnotes_render_with_a_reference_and_a_definition() {
    let body = agreement_body();
    let references = attributes(&body, "sup a", "href");
    assert_eq!(references.len(), 1, "{body}");
    let target = references[0].trim_start_matches('#');
    let definition = texts(&body, &format!("[id=\"{target}\"]"));
    assert_eq!(definition.len(), 1, "the footnote link #{target} has no target in:\n{body}");
    assert!(definition[0].contains("The ceremony was held on 28 December."));
}

#[test]
fn strikethrough_renders_as_del() {
    assert_eq!(texts(&agreement_body(), "del"), vec!["Wednesday"]);
}

#[test]
fn task_lists_render_as_checkboxes() {
    let body = agreement_body();
    let boxes = attributes(&body, "li input[type=checkbox]", "type");
    assert_eq!(boxes.len(), 2, "{body}");
    assert_eq!(attributes(&body, "li input[type=checkbox][checked]", "type").len(), 1);
}

#[test]
fn headings_get_ids() {
    let body = agreement_body();
    // One id made from the heading's text, one written as `{#key-figures}`.
    assert_eq!(attributes(&body, "h2", "id"), vec!["local-reaction", "key-figures"]);
    assert_eq!(texts(&body, "h2"), vec!["Local reaction", "Figures"]);
}

#[test]
fn raw_html_passes_through() {
    let body = agreement_body();
    assert_eq!(texts(&body, "div.raw-box"), vec!["Raw HTML block"]);
    assert_eq!(texts(&body, "div.raw-box em"), vec!["HTML"]);
}
