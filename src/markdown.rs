//! Markdown → HTML, plain text and first paragraph, in one pass of pulldown-cmark.
//!
//! Tables, footnotes, strikethrough, task lists and heading ids (`{#id}` or generated from the
//! heading text) are on; raw HTML passes through. Links are handed to the caller's rewriter,
//! which turns site-root links and `@/` content links into URLs under `base_url`.
//!
//! The HTML is made to sit inside a theme page without breaking it: headings are nested under
//! the page's one `<h1>` (the title), generated ids never repeat an id of the theme or of a
//! footnote, and task-list checkboxes are labelled by their item.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

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
    /// Source paths of the local images shown in the text (filled by `LinkResolver::render`).
    pub images: Vec<std::path::PathBuf>,
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
    render_with_images(markdown, &mut |dest, _| rewrite_link(dest), &mut |_| None)
}

/// One Markdown image, for the caller to publish.
pub struct MarkdownImage<'a> {
    pub src: &'a str,
    /// Where it is written: the byte offset of its `src` in the Markdown (of the image's `!`
    /// when the `src` is not written there as it is, e.g. a reference).
    pub offset: usize,
    /// The alt text, as plain text.
    pub alt: &'a str,
    pub title: &'a str,
}

/// `render`, with `image` offered every image first: the HTML it returns replaces the image;
/// with `None` the image stays an `<img>` whose `src` goes to `rewrite_link`. `rewrite_link`
/// is also told where the link is written (as `MarkdownImage::offset`), for its warnings.
pub fn render_with_images(
    markdown: &str,
    rewrite_link: &mut dyn FnMut(&str, usize) -> LinkTarget,
    image: &mut dyn FnMut(&MarkdownImage) -> Option<String>,
) -> Rendered {
    let (mut events, mut spans): (Vec<Event>, Vec<Range<usize>>) =
        Parser::new_ext(markdown, options()).into_offset_iter().unzip();
    replace_images(markdown, &mut events, &mut spans, image);
    assign_heading_ids(&mut events);
    nest_headings_under_title(&mut events);

    let mut text = PlainText::with_capacity(markdown.len());
    for (event, span) in events.iter_mut().zip(&spans) {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
            let offset = dest_offset(markdown, span, dest_url);
            if let LinkTarget::Replace(url) = rewrite_link(dest_url, offset) {
                *dest_url = CowStr::from(url);
            }
        }
        text.add(event);
    }
    label_task_list_items(&mut events);
    let mut html_out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html_out, events.into_iter());
    let word_count = text.text.split_whitespace().count();
    Rendered {
        html: html_out,
        text: text.text,
        first_paragraph: crate::slug::collapse_whitespace(&text.first_paragraph),
        word_count,
        images: Vec::new(),
    }
}

/// The visible text of the events seen so far (blocks ended by newlines), and the text of
/// the first paragraph that has any.
struct PlainText {
    text: String,
    first_paragraph: String,
    paragraph_depth: usize,
    first_paragraph_done: bool,
}

impl PlainText {
    fn with_capacity(capacity: usize) -> Self {
        PlainText {
            text: String::with_capacity(capacity),
            first_paragraph: String::new(),
            paragraph_depth: 0,
            first_paragraph_done: false,
        }
    }

    fn add(&mut self, event: &Event) {
        match event {
            Event::Start(Tag::Paragraph) => self.paragraph_depth += 1,
            Event::End(TagEnd::Paragraph) => {
                self.paragraph_depth = self.paragraph_depth.saturating_sub(1);
                if !self.first_paragraph.trim().is_empty() {
                    self.first_paragraph_done = true;
                }
                self.text.push('\n');
            }
            Event::End(
                TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_) | TagEnd::CodeBlock,
            ) => self.text.push('\n'),
            Event::Text(t) | Event::Code(t) => {
                self.text.push_str(t);
                if self.in_first_paragraph() {
                    self.first_paragraph.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text.push(' ');
                if self.in_first_paragraph() {
                    self.first_paragraph.push(' ');
                }
            }
            _ => {}
        }
    }

    fn in_first_paragraph(&self) -> bool {
        self.paragraph_depth > 0 && !self.first_paragraph_done
    }
}

/// Where a link's or image's destination is written within its `span`: the last place the
/// destination appears as it is (after the text), else the span's start.
fn dest_offset(markdown: &str, span: &Range<usize>, dest: &str) -> usize {
    let written = markdown.get(span.clone()).unwrap_or_default();
    written.rfind(dest).filter(|_| !dest.is_empty()).map_or(span.start, |at| span.start + at)
}

/// Replaces each image that `image` publishes (from its `Start` to its `End` event) by the
/// HTML it returns; `spans` (each event's place in `markdown`) are kept alongside.
fn replace_images(
    markdown: &str,
    events: &mut Vec<Event>,
    spans: &mut Vec<Range<usize>>,
    image: &mut dyn FnMut(&MarkdownImage) -> Option<String>,
) {
    let mut index = 0;
    while index < events.len() {
        if let Event::Start(Tag::Image { dest_url, title, .. }) = &events[index] {
            let mut alt = String::new();
            let mut depth = 0usize;
            let mut end = index + 1;
            while end < events.len() {
                match &events[end] {
                    Event::Start(_) => depth += 1,
                    Event::End(TagEnd::Image) if depth == 0 => break,
                    Event::End(_) => depth = depth.saturating_sub(1),
                    Event::Text(t) | Event::Code(t) => alt.push_str(t),
                    Event::SoftBreak | Event::HardBreak => alt.push(' '),
                    _ => {}
                }
                end += 1;
            }
            let offset = dest_offset(markdown, &spans[index], dest_url);
            let found = MarkdownImage { src: dest_url, offset, alt: &crate::slug::collapse_whitespace(&alt), title };
            if let Some(html) = image(&found) {
                let last = end.min(events.len() - 1);
                events.splice(index..=last, [Event::InlineHtml(html.into())]);
                let span = spans[index].start..spans[last].end;
                spans.splice(index..=last, [span]);
            }
        }
        index += 1;
    }
}

/// Ids that the built-in theme gives elements of the pages that show Markdown (the skip
/// link's target, the entity page's sections): a generated heading id must not repeat one.
pub const THEME_IDS: &[&str] = &["main", "about-heading", "mentions-heading", "related-heading"];

/// Gives every heading an id: the one written as `{#id}`, else one made from its text,
/// made unique within the page: not an id of another heading, a footnote or the theme.
fn assign_heading_ids(events: &mut [Event]) {
    let mut used: HashSet<String> = THEME_IDS.iter().map(|id| id.to_string()).collect();
    for event in events.iter() {
        match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => {
                used.insert(id.to_string());
            }
            // pulldown-cmark writes a footnote's label as the id of its definition.
            Event::Start(Tag::FootnoteDefinition(label)) => {
                used.insert(label.to_string());
            }
            _ => {}
        }
    }
    let mut next_suffix = HashMap::new();
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
            let candidate = free_name(&mut next_suffix, base, |name| used.insert(name.to_string()));
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[index] {
                *id = Some(CowStr::from(candidate));
            }
            index = end;
        }
        index += 1;
    }
}

/// `base`, or `base-1`, `base-2`, ... : the first name that `claim` accepts (it returns
/// whether the name was still free, and takes it). `next_suffix` remembers, per base, where
/// the search stopped, so that n equal headings cost n claims and not n²/2 (20,000 `## h`
/// took 10 s before). Any "find a free name" loop should go through it.
pub fn free_name(
    next_suffix: &mut HashMap<String, usize>,
    base: String,
    mut claim: impl FnMut(&str) -> bool,
) -> String {
    if claim(&base) {
        return base;
    }
    let counter = next_suffix.entry(base.clone()).or_insert(1);
    loop {
        let candidate = format!("{base}-{counter}");
        *counter += 1;
        if claim(&candidate) {
            return candidate;
        }
    }
}

/// Where the first paragraph starts in `markdown` (a byte offset), for pointing at it.
pub fn first_paragraph_offset(markdown: &str) -> Option<usize> {
    Parser::new_ext(markdown, options())
        .into_offset_iter()
        .find_map(|(event, range)| matches!(event, Event::Start(Tag::Paragraph)).then_some(range.start))
}

/// Nests the headings under the page title, the page's one `<h1>`: the shallowest level used
/// becomes `<h2>`, and no heading is more than one level below the one before it. Writers
/// use `#` or `###` as they please; screen-reader users navigate by the outline that results.
fn nest_headings_under_title(events: &mut [Event]) {
    let level_of = |event: &Event| match event {
        Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
        _ => None,
    };
    let Some(shallowest) = events.iter().filter_map(level_of).min() else {
        return;
    };
    let mut previous = 1;
    for event in events.iter_mut() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let nested = (*level as usize + 2 - shallowest).min(previous + 1).min(6);
                *level = heading_level(nested);
                previous = nested;
            }
            Event::End(TagEnd::Heading(level)) => *level = heading_level(previous),
            _ => {}
        }
    }
}

fn heading_level(number: usize) -> HeadingLevel {
    // `number` is clamped to 2..=6 by the caller, so the conversion cannot fail.
    HeadingLevel::try_from(number).unwrap_or(HeadingLevel::H6)
}

/// Wraps each task-list checkbox and the text of its item in a `<label>`, so that the
/// checkbox has a name ("Agreement signed, checked") instead of being a bare control.
fn label_task_list_items(events: &mut Vec<Event>) {
    let mut index = 0;
    while index < events.len() {
        if let Event::TaskListMarker(checked) = events[index] {
            let checked = if checked { " checked=\"\"" } else { "" };
            events[index] =
                Event::InlineHtml(format!("<label><input disabled=\"\" type=\"checkbox\"{checked}/>").into());
            let end = end_of_item_text(events, index + 1);
            events.insert(end, Event::InlineHtml("</label>".into()));
            index = end;
        }
        index += 1;
    }
}

/// Where the inline text that starts at `start` ends: at the first block (a nested list, a
/// new paragraph) or the end of its paragraph or item.
fn end_of_item_text(events: &[Event], start: usize) -> usize {
    let mut depth = 0usize;
    for (offset, event) in events[start..].iter().enumerate() {
        match event {
            Event::Start(tag) if !is_inline(tag) && depth == 0 => return start + offset,
            Event::End(TagEnd::Paragraph | TagEnd::Item) if depth == 0 => return start + offset,
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    events.len()
}

fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
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
    fn many_identical_headings_get_unique_ids_in_linear_time() {
        let rendered = render_plain(&"## h\n\n".repeat(2_000));
        assert!(rendered.html.contains("id=\"h\"") && rendered.html.contains("id=\"h-1999\""));
        assert_eq!(rendered.html.matches("id=\"h-1\"").count(), 1);
        // The work is counted in claims of a name, not timed: n headings, at most 2n claims.
        let mut used = HashSet::new();
        let mut next_suffix = HashMap::new();
        let mut claims = 0;
        for _ in 0..20_000 {
            free_name(&mut next_suffix, "h".into(), |name| {
                claims += 1;
                used.insert(name.to_string())
            });
        }
        assert_eq!(used.len(), 20_000);
        assert!(claims <= 40_000, "{claims} claims for 20,000 names");
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

    #[test]
    fn headings_nest_under_the_title_without_skipping_a_level() {
        let out = render_plain("# One\n\n### Two\n\n#### Three\n\n# Four\n\n###### Five\n");
        let levels: Vec<&str> = out.html.match_indices("<h").map(|(i, _)| &out.html[i..i + 3]).collect();
        assert_eq!(levels, ["<h2", "<h3", "<h4", "<h2", "<h3"], "{}", out.html);
        assert!(out.html.contains("</h3>\n<h4"), "{}", out.html);
    }

    #[test]
    fn generated_ids_avoid_the_theme_and_footnotes() {
        let out = render_plain("## Main\n\n## Note\n\nText[^note].\n\n[^note]: The note.\n");
        assert!(out.html.contains("<h2 id=\"main-1\">"), "{}", out.html);
        assert!(out.html.contains("<h2 id=\"note-1\">"), "{}", out.html);
    }

    #[test]
    fn task_list_checkboxes_are_labelled_by_their_item() {
        let out = render_plain("- [x] Signed *today*\n- [ ] Built\n  - nested\n");
        assert!(
            out.html
                .contains("<label><input disabled=\"\" type=\"checkbox\" checked=\"\"/>Signed <em>today</em></label>"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<label><input disabled=\"\" type=\"checkbox\"/>Built</label>\n<ul>"),
            "{}",
            out.html
        );
        let loose = render_plain("- [x] Signed\n\n  More.\n");
        assert!(loose.html.contains("checked=\"\"/>Signed</label></p>"), "{}", loose.html);
    }
}
