//! An article's searchable text as Pagefind 1.6.0's HTML parser collects it, from the model.
//!
//! Pagefind walks the page's `data-pagefind-body` element: block elements (`p`, `li`, `h1`, …)
//! are set apart with a space and end with a full stop, headings carry weight markers
//! (`h1` 7 … `h6` 2), elements with an `id` leave anchor markers (sub-results), ignored elements
//! (`data-pagefind-ignore`, `footer`, `nav`, `script`, …) keep their text out, `<br>` is a
//! space, and the first `<img>` after the title becomes the `image` metadata. `Digest` is that
//! walk, fed with the same element events that `article.html` and the article's HTML would
//! give, so the words, positions and weights come out as Pagefind's own indexer makes them.
//!
//! Text goes in HTML-escaped, as it is in the page, and the finished text is decoded once, as
//! Pagefind does, so characters such as `&` or `<` land in the index as the reader wrote them.

use std::collections::BTreeMap;
use std::sync::LazyLock;

const SENTENCE_TAGS: &[&str] =
    &["h1", "h2", "h3", "h4", "h5", "h6", "p", "td", "div", "ul", "li", "article", "section"];
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdo", "big", "br", "button", "cite", "code", "dfn", "em", "i", "img", "input", "kbd",
    "label", "map", "object", "output", "q", "samp", "script", "select", "small", "span", "strong", "sub", "sup",
    "textarea", "time", "tt", "var",
];
const REMOVED_TAGS: &[&str] =
    &["head", "style", "script", "noscript", "label", "form", "svg", "footer", "nav", "iframe", "template"];
const VOID_TAGS: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

static SENTENCE_CHARS: LazyLock<regex::Regex> = LazyLock::new(|| fixed_regex("[\\w'\"\\)\\$\\*]"));

#[derive(Debug, Clone, Copy, PartialEq)]
enum Status {
    Indexing,
    Ignored,
    Excluded,
}

#[derive(Debug)]
struct Node {
    tag: String,
    value: String,
    status: Status,
    anchor_ids: Vec<String>,
}

/// One anchor (an element with an `id`) as Pagefind records it before tokenizing.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub element: String,
    pub id: String,
    pub text: String,
}

/// What Pagefind's parser hands its tokenizer: the text with markers, the metadata and anchors.
#[derive(Debug, Default)]
pub struct Parsed {
    pub text: String,
    pub meta: BTreeMap<String, String>,
    /// By anchor key (`{counter}:{id}`).
    pub anchors: BTreeMap<String, Anchor>,
}

/// The walk over one page's body: `open`, `text` and `close` events in document order.
pub struct Digest {
    stack: Vec<Node>,
    anchor_counter: usize,
    parsed: Parsed,
}

impl Digest {
    /// A walk whose root is the `data-pagefind-body` element (`article` in `article.html`).
    pub fn new(root_tag: &str) -> Self {
        let root = Node { tag: root_tag.into(), value: String::new(), status: Status::Indexing, anchor_ids: vec![] };
        Digest { stack: vec![root], anchor_counter: 0, parsed: Parsed::default() }
    }

    /// Opens an element. `ignore` is the value of `data-pagefind-ignore`, if present.
    pub fn open(&mut self, tag: &str, id: Option<&str>, ignore: Option<&str>) {
        let mut status = match ignore.map(str::to_ascii_lowercase).as_deref() {
            None => Status::Indexing,
            Some("" | "index" | "true") => Status::Ignored,
            Some(_) => Status::Excluded,
        };
        let parent = self.stack.last_mut().unwrap_or_else(|| unreachable!("the root is never closed"));
        let mut anchor_ids = if INLINE_TAGS.contains(&tag) { parent.anchor_ids.clone() } else { Vec::new() };
        if status == Status::Indexing
            && let Some(id) = id
        {
            let id: String = id.chars().filter(|c| !c.is_whitespace()).collect();
            let counter = self.anchor_counter;
            parent.value.push_str(&format!(" ___PAGEFIND_ANCHOR___{tag}:{counter}:{id} "));
            let key = format!("{counter}:{id}");
            self.parsed.anchors.insert(key.clone(), Anchor { element: tag.into(), id, text: String::new() });
            anchor_ids.push(key);
            self.anchor_counter += 1;
        }
        if tag == "br" && status != Status::Excluded {
            parent.value.push(' ');
        }
        if parent.status == Status::Excluded {
            status = Status::Excluded;
        }
        if REMOVED_TAGS.contains(&tag) {
            status = Status::Ignored;
        }
        self.stack.push(Node { tag: tag.into(), value: String::new(), status, anchor_ids });
        if VOID_TAGS.contains(&tag) {
            self.stack.pop();
        }
    }

    /// Text inside the current element, HTML-escaped as in the page.
    pub fn text(&mut self, escaped: &str) {
        let node = self.stack.last_mut().unwrap_or_else(|| unreachable!("the root is never closed"));
        node.value.push_str(escaped);
        if node.status == Status::Indexing {
            for key in &node.anchor_ids {
                if let Some(anchor) = self.parsed.anchors.get_mut(key) {
                    anchor.text.push_str(escaped);
                }
            }
        }
    }

    /// A `data-pagefind-meta` value, decoded as Pagefind decodes it.
    pub fn meta(&mut self, key: &str, escaped: &str) {
        self.parsed.meta.insert(key.into(), normalize_content(escaped));
    }

    /// Whether a metadata field is set already.
    pub fn has_meta(&self, key: &str) -> bool {
        self.parsed.meta.contains_key(key)
    }

    /// The text gathered so far inside the current element (for `data-pagefind-meta` without a value).
    pub fn current_text(&self) -> &str {
        self.stack.last().map(|node| node.value.as_str()).unwrap_or_default()
    }

    /// Closes the current element (a close without a matching open is ignored).
    pub fn close(&mut self, tag: &str) {
        let Some(depth) = self.stack.iter().rposition(|node| node.tag == tag).filter(|&depth| depth > 0) else {
            return;
        };
        while self.stack.len() > depth {
            self.close_current();
        }
    }

    fn close_current(&mut self) {
        if let Some(value) = self.pop_processed()
            && let Some(parent) = self.stack.last_mut()
        {
            parent.value.push_str(&value);
        }
    }

    /// Pops the current element and returns the text it hands its parent, if any.
    fn pop_processed(&mut self) -> Option<String> {
        let mut node = self.stack.pop()?;
        if node.status != Status::Indexing {
            return None;
        }
        let tag = node.tag.as_str();
        if SENTENCE_TAGS.contains(&tag) {
            node.value.insert(0, ' ');
            if node.value.chars().last().is_some_and(is_sentence_char) {
                node.value.push('.');
            }
            node.value.push(' ');
        }
        if let Some(weight) = auto_weight(tag) {
            node.value = format!(" ___PAGEFIND_AUTO_WEIGHT___{weight} {} ___END_PAGEFIND_WEIGHT___ ", node.value);
        }
        Some(node.value)
    }

    /// Closes what is open (the body element last) and returns the decoded, collapsed text.
    pub fn finish(mut self) -> Parsed {
        while self.stack.len() > 1 {
            self.close_current();
        }
        self.parsed.text = normalize_content(&self.pop_processed().unwrap_or_default());
        for anchor in self.parsed.anchors.values_mut() {
            anchor.text = normalize_content(&normalize_content(&anchor.text));
        }
        self.parsed
    }
}

fn is_sentence_char(c: char) -> bool {
    let mut buffer = [0; 4];
    SENTENCE_CHARS.is_match(c.encode_utf8(&mut buffer))
}

fn auto_weight(tag: &str) -> Option<u8> {
    match tag {
        "h1" => Some(7),
        "h2" => Some(6),
        "h3" => Some(5),
        "h4" => Some(4),
        "h5" => Some(3),
        "h6" => Some(2),
        _ => None,
    }
}

/// Pagefind's `normalize_content`: decode entities once, trim, and collapse whitespace.
pub fn normalize_content(content: &str) -> String {
    static TRIM: LazyLock<regex::Regex> = LazyLock::new(|| fixed_regex("^[\n\r\\s]+|[\n\r\\s]+$"));
    static NEWLINES: LazyLock<regex::Regex> = LazyLock::new(|| fixed_regex("(\n|\r\n)+"));
    static SPACES: LazyLock<regex::Regex> = LazyLock::new(|| fixed_regex("\\s{2,}"));
    let decoded = html_escape::decode_html_entities(content);
    let trimmed = TRIM.replace_all(&decoded, "");
    let joined = NEWLINES.replace_all(&trimmed, " ");
    SPACES.replace_all(&joined, " ").into_owned()
}

fn fixed_regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).unwrap_or_else(|_| unreachable!("a valid, fixed pattern"))
}

/// Escapes text as Tera's autoescape does, so that `Digest` sees what the page holds.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2F;"),
            _ => out.push(c),
        }
    }
    out
}

/// Feeds HTML (an article's body as the Markdown renderer wrote it) into a walk.
pub fn feed_html(digest: &mut Digest, html: &str, mut on_img: impl FnMut(&mut Digest, &str, &str)) {
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        if lt > 0 {
            digest.text(&rest[..lt]);
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(gt) = tag_end(rest) else {
            digest.text(rest);
            return;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            digest.close(&name.trim().to_ascii_lowercase());
            continue;
        }
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let (name, attributes) = split_tag(tag);
        if name.is_empty() {
            digest.text("<");
            rest = &html[html.len() - rest.len() - gt..];
            continue;
        }
        digest.open(
            &name,
            attribute(attributes, "id").as_deref(),
            attribute(attributes, "data-pagefind-ignore").as_deref(),
        );
        if name == "img" {
            on_img(
                digest,
                &attribute(attributes, "src").unwrap_or_default(),
                &attribute(attributes, "alt").unwrap_or_default(),
            );
        }
        if matches!(name.as_str(), "script" | "style") {
            let end = format!("</{name}");
            let stop = find_ascii_case_insensitive(rest, &end).unwrap_or(rest.len());
            digest.text(&rest[..stop]);
            rest = &rest[stop..];
        } else if tag.ends_with('/') && !VOID_TAGS.contains(&name.as_str()) {
            digest.close(&name);
        }
    }
    if !rest.is_empty() {
        digest.text(rest);
    }
}

/// Where the tag that starts `s` ends, skipping `>` inside quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn split_tag(tag: &str) -> (String, &str) {
    let tag = tag.trim_end_matches('/');
    let end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
    let name = &tag[..end];
    if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return (String::new(), "");
    }
    (name.to_ascii_lowercase(), &tag[end..])
}

/// The raw (undecoded) value of an attribute, as lol_html gives it to Pagefind.
fn attribute(attributes: &str, wanted: &str) -> Option<String> {
    let mut rest = attributes;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        let name_end = rest.find(|c: char| c.is_whitespace() || c == '=').unwrap_or(rest.len());
        let name = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |i| i + 1);
                    (&after[1..close], after.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = remaining;
            value
        } else {
            ""
        };
        if name.eq_ignore_ascii_case(wanted) {
            return Some(value.to_string());
        }
        if name.is_empty() {
            return None;
        }
    }
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack.as_bytes().windows(needle.len()).position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(html: &str) -> Parsed {
        let mut digest = Digest::new("article");
        feed_html(&mut digest, html, |_, _, _| {});
        digest.finish()
    }

    #[test]
    fn blocks_end_sentences_and_headings_carry_weights() {
        let parsed = body("<h2 id=\"a\">Local reaction</h2>\n<p>He &amp; she<br>went</p>");
        assert_eq!(
            parsed.text,
            "___PAGEFIND_ANCHOR___h2:0:a ___PAGEFIND_AUTO_WEIGHT___6 Local reaction. ___END_PAGEFIND_WEIGHT___ He & she went."
        );
        assert_eq!(parsed.anchors["0:a"].text, "Local reaction");
    }

    #[test]
    fn ignored_elements_keep_their_text_out() {
        let parsed = body("<p>kept</p><nav>menu</nav><p data-pagefind-ignore>gone</p><script>x < y</script>");
        assert_eq!(parsed.text, "kept.");
    }

    #[test]
    fn whitespace_collapses_as_pagefind_collapses_it() {
        assert_eq!(normalize_content("\nHello  Wor\n ld? \n \n"), "Hello Wor ld?");
        assert_eq!(normalize_content("a\u{a0}b"), "a\u{a0}b");
    }
}
