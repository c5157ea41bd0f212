//! Markdown → HTML, plain text and first paragraph, in one pass of pulldown-cmark.
//!
//! Tables, footnotes, strikethrough, task lists and heading ids (`{#id}` or generated from the
//! heading text) are on; raw HTML passes through. Links are handed to the caller's rewriter,
//! which turns site-root links and `@/` content links into URLs under `base_url`.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::slug::slugify;

/// What one Markdown text renders to.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    /// The visible text, blocks separated by newlines: for mentions and search.
    pub text: String,
    /// The first paragraph as plain text: the default summary.
    pub first_paragraph: String,
    pub word_count: usize,
}

/// What became of one link: the caller decides, the renderer applies.
pub enum LinkTarget {
    Keep,
    Replace(String),
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `markdown`; `rewrite_link` sees every link and image destination.
pub fn render(markdown: &str, rewrite_link: &mut dyn FnMut(&str) -> LinkTarget) -> Rendered {
    let mut events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    assign_heading_ids(&mut events);

    let mut text = String::with_capacity(markdown.len());
    let mut first_paragraph = String::new();
    let mut paragraph_depth = 0usize;
    let mut first_paragraph_done = false;
    for event in events.iter_mut() {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                if let LinkTarget::Replace(url) = rewrite_link(dest_url) {
                    *dest_url = CowStr::from(url);
                }
            }
            Event::Start(Tag::Paragraph) => paragraph_depth += 1,
            Event::End(TagEnd::Paragraph) => {
                paragraph_depth = paragraph_depth.saturating_sub(1);
                if !first_paragraph.trim().is_empty() {
                    first_paragraph_done = true;
                }
                text.push('\n');
            }
            Event::End(
                TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_) | TagEnd::CodeBlock,
            ) => text.push('\n'),
            Event::Text(t) | Event::Code(t) => {
                text.push_str(t);
                if paragraph_depth > 0 && !first_paragraph_done {
                    first_paragraph.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                text.push(' ');
                if paragraph_depth > 0 && !first_paragraph_done {
                    first_paragraph.push(' ');
                }
            }
            _ => {}
        }
    }
    let mut html_out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html_out, events.into_iter());
    let word_count = text.split_whitespace().count();
    Rendered { html: html_out, text, first_paragraph: collapse_whitespace(&first_paragraph), word_count }
}

/// Gives every heading an id: the one written as `{#id}`, else one made from its text,
/// made unique within the document.
fn assign_heading_ids(events: &mut [Event]) {
    let mut used: HashSet<String> = HashSet::new();
    for event in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            used.insert(id.to_string());
        }
    }
    let mut index = 0;
    while index < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[index] {
            let mut heading_text = String::new();
            let mut end = index + 1;
            while end < events.len() && !matches!(events[end], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[end] {
                    heading_text.push_str(t);
                }
                end += 1;
            }
            let base = match slugify(&heading_text) {
                s if s.is_empty() => "section".to_string(),
                s => s,
            };
            let mut candidate = base.clone();
            let mut counter = 1;
            while used.contains(&candidate) {
                candidate = format!("{base}-{counter}");
                counter += 1;
            }
            used.insert(candidate.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[index] {
                *id = Some(CowStr::from(candidate));
            }
            index = end;
        }
        index += 1;
    }
}

/// Where the first paragraph starts in `markdown` (a byte offset), for pointing at it.
pub fn first_paragraph_offset(markdown: &str) -> Option<usize> {
    Parser::new_ext(markdown, options())
        .into_offset_iter()
        .find_map(|(event, range)| matches!(event, Event::Start(Tag::Paragraph)).then_some(range.start))
}

pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_plain(markdown: &str) -> Rendered {
        render(markdown, &mut |_| LinkTarget::Keep)
    }

    #[test]
    fn extensions_are_on() {
        let out = render_plain("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n\nText[^1]\n\n[^1]: Note.\n");
        assert!(out.html.contains("<table>"), "{}", out.html);
        assert!(out.html.contains("<del>old</del>"), "{}", out.html);
        assert!(out.html.contains("type=\"checkbox\""), "{}", out.html);
        assert!(out.html.contains("footnote-definition"), "{}", out.html);
    }

    #[test]
    fn headings_get_unique_ids() {
        let out = render_plain("## Local reaction\n\n## Local reaction\n\n## Named {#custom}\n");
        assert!(out.html.contains("<h2 id=\"local-reaction\">"), "{}", out.html);
        assert!(out.html.contains("<h2 id=\"local-reaction-1\">"), "{}", out.html);
        assert!(out.html.contains("<h2 id=\"custom\">"), "{}", out.html);
    }

    #[test]
    fn first_paragraph_and_text() {
        let out = render_plain("## Head\n\nFirst *para*\ncontinues.\n\nSecond.\n");
        assert_eq!(out.first_paragraph, "First para continues.");
        assert!(out.text.contains("Head\n"));
        assert_eq!(out.word_count, 5);
    }

    #[test]
    fn first_paragraph_is_found_after_headings() {
        assert_eq!(first_paragraph_offset("## Head\n\nFirst.\n"), Some(9));
        assert_eq!(first_paragraph_offset("## Only a heading\n"), None);
    }

    #[test]
    fn raw_html_passes_through_and_links_are_rewritten() {
        let out =
            render("<div class=\"x\">hi</div>\n\n[a](/about/)\n", &mut |url| LinkTarget::Replace(format!("/sub{url}")));
        assert!(out.html.contains("<div class=\"x\">hi</div>"));
        assert!(out.html.contains("href=\"/sub/about/\""), "{}", out.html);
    }
}
