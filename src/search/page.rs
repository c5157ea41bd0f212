//! One article → its search record: the words at their positions and weights, the metadata
//! words, filters, sort key and the JSON fragment the result cards read.
//!
//! The walk over `article.html`'s searchable part is `page_text`; the tokenizing is a port of
//! Pagefind 1.6.0's `parse_digest` (positions count whitespace-separated tokens, weight markers
//! and anchors are not words, Chinese, Japanese and Thai runs are segmented with bigrams in
//! those languages' bundles). Everything here depends on the article alone, so records are
//! made in parallel and can be kept between builds.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use minicbor::{Decode, Encode};
use serde::Serialize;

use super::digest::{Digest, Parsed, escape_html, feed_html, normalize_content};
use super::packed::PageWords;
use super::words::{self, IndexableWord};
use crate::model::{Article, Site};

/// A word at a position, with Pagefind's weight (24 = 1.0).
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub position: u32,
    pub weight: u8,
    /// The form before diacritics were folded, when they were.
    pub original: Option<String>,
}

/// A metadata word: field (index into `Record::meta_fields`) and position in the field.
#[derive(Debug, Clone, PartialEq)]
pub struct MetaPosition {
    pub field: u16,
    pub position: u32,
    pub original: Option<String>,
}

/// Everything the bundle needs from one article (kept between builds by `cache`).
#[derive(Debug, Clone, PartialEq, Encode, Decode)]
pub struct Record {
    #[n(0)]
    pub fragment_json: String,
    #[n(1)]
    pub word_count: usize,
    #[n(2)]
    pub words: PageWords,
    /// This page's metadata field names, sorted (the ids in `Locations::meta_locs`).
    #[n(3)]
    pub meta_fields: Vec<String>,
    /// Filter name → values, HTML-escaped (Pagefind's UI shows them as HTML).
    #[n(4)]
    pub filters: BTreeMap<String, Vec<String>>,
    #[n(5)]
    pub sort_date: String,
}

#[derive(Serialize)]
struct AnchorJson<'a> {
    element: &'a str,
    id: &'a str,
    text: &'a str,
    location: u32,
}

#[derive(Serialize)]
struct FragmentJson<'a> {
    url: &'a str,
    content: &'a str,
    word_count: usize,
    filters: &'a BTreeMap<String, Vec<String>>,
    meta: &'a BTreeMap<String, String>,
    anchors: Vec<AnchorJson<'a>>,
}

/// What `record` reads, hashed: the same key means the same record. The article is
/// destructured without `..`, so a new field does not compile until it is decided here.
pub fn key(site: &Site, article: &Article, url: &str, language: &str) -> u64 {
    let Article {
        title,
        date,
        summary,
        language: own_language,
        tags,
        entities,
        draft,
        source,
        corrections,
        html,
        path: _,
        slug: _,
        updated: _,
        translation_of: _,
        translations: _,
        mentions: _,
        authors: _,
        deals: _,
        extra: _,
        word_count: _,
        named: _,
        declared: _,
        // The record shows Markdown images through `html`; the lead image is not indexed.
        image: _,
        images: _,
    } = article;
    let mut hasher = DefaultHasher::new();
    (url, language, title, date, summary, own_language, draft, html).hash(&mut hasher);
    source.as_ref().map(|s| &s.name).hash(&mut hasher);
    for correction in corrections {
        (correction.date, &correction.text).hash(&mut hasher);
    }
    for &tag in tags {
        site.tags[tag].name.hash(&mut hasher);
    }
    0xffu8.hash(&mut hasher);
    for &entity in entities {
        site.entities[entity].name.hash(&mut hasher);
    }
    hasher.finish()
}

/// The search record of one article, for the bundle of `language`.
pub fn record(site: &Site, article: &Article, url: &str, language: &str) -> Record {
    let parsed = page_text(site, article);
    let tokens = tokenize(&parsed, language);
    let filters = filters(site, article);
    let anchors = tokens
        .anchors
        .iter()
        .map(|(key, location)| {
            let anchor = &parsed.anchors[key];
            AnchorJson { element: &anchor.element, id: &anchor.id, text: &anchor.text, location: *location }
        })
        .collect();
    let fragment = FragmentJson {
        url,
        content: &tokens.content,
        word_count: tokens.word_count,
        filters: &filters,
        meta: &parsed.meta,
        anchors,
    };
    // A struct of strings, numbers and string maps always serializes.
    let fragment_json = serde_json::to_string(&fragment).unwrap_or_default();
    let meta_fields: Vec<String> = parsed.meta.keys().cloned().collect();
    Record {
        fragment_json,
        word_count: tokens.word_count,
        words: page_words(tokens.words, meta_words(&parsed.meta, language)),
        meta_fields,
        filters,
        sort_date: article.date.format("%Y-%m-%d").to_string(),
    }
}

/// The page's words packed as Pagefind's `build_indexes` packs each page: the body positions
/// as written and per diacritic form, then the metadata positions beside them.
fn page_words(body: HashMap<String, Vec<Position>>, meta: HashMap<String, Vec<MetaPosition>>) -> PageWords {
    let mut body: Vec<(String, Vec<Position>)> = body.into_iter().collect();
    body.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut meta: Vec<(String, Vec<MetaPosition>)> = meta.into_iter().collect();
    meta.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut words = PageWords::default();
    let (mut body, mut meta) = (body.into_iter().peekable(), meta.into_iter().peekable());
    loop {
        let order = match (body.peek(), meta.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((b, _)), Some((m, _))) => b.cmp(m),
        };
        let (word, positions) = if order == Ordering::Greater { (None, vec![]) } else { split(body.next()) };
        let (meta_word, meta_positions) = if order == Ordering::Less { (None, vec![]) } else { split(meta.next()) };
        if let Some(word) = word.or(meta_word) {
            push_word(&mut words, &word, positions, meta_positions);
        }
    }
    words.shrink_to_fit();
    words
}

fn split<T>(word: Option<(String, Vec<T>)>) -> (Option<String>, Vec<T>) {
    word.map_or((None, vec![]), |(word, positions)| (Some(word), positions))
}

/// One word's entries: as written (body and metadata locations), then each diacritic form
/// of the body in order, then the forms only the metadata has.
fn push_word(words: &mut PageWords, word: &str, body: Vec<Position>, meta: Vec<MetaPosition>) {
    let (plain, variants): (Vec<Position>, Vec<Position>) = body.into_iter().partition(|p| p.original.is_none());
    let (meta_plain, meta_variants): (Vec<MetaPosition>, Vec<MetaPosition>) =
        meta.into_iter().partition(|p| p.original.is_none());
    if !plain.is_empty() || !meta_plain.is_empty() {
        words.push(word, None, &locations(plain), &meta_locations(meta_plain));
    }
    if variants.is_empty() && meta_variants.is_empty() {
        return;
    }
    let mut by_form: BTreeMap<String, Vec<Position>> = BTreeMap::new();
    for position in variants {
        by_form.entry(position.original.clone().unwrap_or_default()).or_default().push(position);
    }
    let mut meta_by_form: BTreeMap<String, Vec<MetaPosition>> = BTreeMap::new();
    for position in meta_variants {
        meta_by_form.entry(position.original.clone().unwrap_or_default()).or_default().push(position);
    }
    for (form, positions) in by_form {
        let meta_locs = meta_by_form.remove(&form).map(meta_locations).unwrap_or_default();
        words.push(word, Some(&form), &locations(positions), &meta_locs);
    }
    for (form, positions) in meta_by_form {
        words.push(word, Some(&form), &[], &meta_locations(positions));
    }
}

/// Pagefind's `positions_to_packed_page`: sorted by weight (24, the common one, first), then
/// position; a change of weight is `-(weight + 1)` and an absolute position, the rest deltas.
fn locations(mut positions: Vec<Position>) -> Vec<i32> {
    positions.sort_by_key(|p| (if p.weight == 25 { 0 } else { p.weight }, p.position));
    let mut current_weight = 25;
    let mut last = 0;
    let mut out = Vec::with_capacity(positions.len() + 2);
    for p in positions {
        if p.weight != current_weight {
            out.push(-(p.weight as i32) - 1);
            out.push(p.position as i32);
            current_weight = p.weight;
        } else {
            out.push((p.position - last) as i32);
        }
        last = p.position;
    }
    out
}

/// Pagefind's `meta_positions_to_packed`: `-(field + 1)` switches field, then deltas.
fn meta_locations(mut positions: Vec<MetaPosition>) -> Vec<i32> {
    positions.sort_unstable_by_key(|p| (p.field, p.position));
    let mut current = None;
    let mut last = 0;
    let mut out = Vec::with_capacity(positions.len() + 4);
    for p in positions {
        if Some(p.field) != current {
            out.push(-(p.field as i32) - 1);
            current = Some(p.field);
            last = 0;
        }
        out.push((p.position - last) as i32);
        last = p.position;
    }
    out
}

/// Tags, entities, year and language; values escaped so that the filter list shows them as written.
fn filters(site: &Site, article: &Article) -> BTreeMap<String, Vec<String>> {
    let mut filters = BTreeMap::new();
    let escape = |name: &str| escape_text(&normalize_content(&escape_html(name)));
    if !article.entities.is_empty() {
        filters.insert("entity".into(), article.entities.iter().map(|&e| escape(&site.entities[e].name)).collect());
    }
    filters.insert("language".into(), vec![escape(&article.language)]);
    if !article.tags.is_empty() {
        filters.insert("tag".into(), article.tags.iter().map(|&t| escape(&site.tags[t].name)).collect());
    }
    filters.insert("year".into(), vec![article.date.format("%Y").to_string()]);
    filters
}

fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The walk `article.html` gives Pagefind inside `<article data-pagefind-body>`.
fn page_text(site: &Site, article: &Article) -> Parsed {
    let mut digest = Digest::new("article");
    digest.open("header", None, None);
    digest.open("h1", None, None);
    digest.text(&escape_html(&article.title));
    let title = digest.current_text().to_string();
    digest.meta("title", &title);
    digest.close("h1");
    // The dateline is `data-pagefind-ignore`: only its metadata counts.
    digest.meta("date", &article.date.format("%-d %B %Y").to_string());
    if article.draft {
        element(&mut digest, "p", "Draft: not published.");
    }
    if !article.summary.is_empty() {
        let summary = escape_html(&article.summary);
        digest.meta("summary", &summary);
        element(&mut digest, "p", &summary);
    }
    digest.close("header");
    if !article.corrections.is_empty() {
        digest.open("aside", None, None);
        for correction in &article.corrections {
            digest.open("p", None, None);
            digest.open("strong", None, None);
            digest.text(&format!("Correction, {}:", correction.date.format("%-d %B %Y")));
            digest.close("strong");
            digest.text(&format!(" {}", escape_html(&correction.text)));
            digest.close("p");
        }
        digest.close("aside");
    }
    digest.open("div", None, None);
    digest.text("\n");
    feed_html(&mut digest, &article.html, |digest, src, alt| {
        if !digest_has_image(digest) {
            digest.meta("image", src);
            digest.meta("image_alt", alt);
        }
    });
    digest.text("\n  ");
    digest.close("div");
    if let Some(source) = &article.source {
        digest.open("p", None, None);
        digest.text("Source: ");
        digest.open("a", None, None);
        digest.text(&escape_html(&source.name));
        digest.close("a");
        digest.close("p");
    }
    let _ = site;
    digest.finish()
}

fn digest_has_image(digest: &Digest) -> bool {
    digest.has_meta("image")
}

fn element(digest: &mut Digest, tag: &str, escaped: &str) {
    digest.open(tag, None, None);
    digest.text(escaped);
    digest.close(tag);
}

struct Tokens {
    content: String,
    words: HashMap<String, Vec<Position>>,
    /// Anchor key → location (word position).
    anchors: Vec<(String, u32)>,
    word_count: usize,
}

/// Pagefind's `parse_digest`: the text → words at positions, the excerpt text and anchors.
fn tokenize(parsed: &Parsed, language: &str) -> Tokens {
    let stemmer = words::stemmer(language);
    let segmented = words::is_segmented(language);
    let mut state = TokenState {
        language,
        tokens: Tokens {
            content: String::with_capacity(parsed.text.len()),
            words: HashMap::new(),
            anchors: vec![],
            word_count: 0,
        },
        weights: vec![24],
        total: 0,
        max: 0,
        segmented,
        stemmer: stemmer.as_ref(),
    };
    for chunk in parsed.text.split_whitespace() {
        if !segmented || chunk.starts_with("___") {
            state.track(chunk, true, None, false);
            continue;
        }
        let segments = words::segment_words(chunk);
        let mut previous_cluster: Option<&str> = None;
        for (i, word) in segments.iter().enumerate() {
            state.track(word, i + 1 == segments.len(), previous_cluster, true);
            previous_cluster = unicode_segmentation::UnicodeSegmentation::graphemes(*word, true).next_back();
        }
    }
    let mut tokens = state.tokens;
    if tokens.content.ends_with('\u{200B}') {
        tokens.content.pop();
    }
    if tokens.content.ends_with(' ') {
        tokens.content.pop();
    }
    tokens.word_count = state.max + 1;
    tokens
}

struct TokenState<'a> {
    language: &'a str,
    tokens: Tokens,
    weights: Vec<u8>,
    total: usize,
    max: usize,
    segmented: bool,
    stemmer: Option<&'a pagefind_stem::Stemmer>,
}

impl TokenState<'_> {
    fn track(&mut self, word: &str, append_whitespace: bool, previous_cluster: Option<&str>, segmented: bool) {
        if word.starts_with('_') && self.marker(word) {
            return;
        }
        let base = word.replace('\u{200B}', "");
        if base.is_empty() {
            return;
        }
        self.tokens.content.push_str(&base);
        if append_whitespace {
            self.tokens.content.push(' ');
        }
        if self.segmented {
            self.tokens.content.push('\u{200B}');
        }
        let weight = *self.weights.last().unwrap_or(&1);
        let mut indexable = self.words_of(&base);
        let mut cross = None;
        if segmented {
            let pairs = words::bigrams(&base, self.stemmer, &indexable);
            indexable.extend(pairs);
            cross = words::cross_bigram(&base, previous_cluster, self.stemmer, &indexable);
        }
        let compound_count = indexable.iter().filter(|w| w.is_compound_part).count() + usize::from(cross.is_some());
        let partial = if compound_count > 0 && weight > 0 {
            (weight / u8::try_from(compound_count).unwrap_or(u8::MAX)).max(1)
        } else {
            0
        };
        if !self.segmented {
            // gazette's addition (see `words::cjk_suffixes`), outside Pagefind's weights.
            let suffixes = words::cjk_suffixes(&base, &indexable);
            let suffix_weight = (weight / 2).max(1);
            for suffix in suffixes {
                self.push(suffix, suffix_weight);
            }
        }
        for word in indexable {
            let weight = if word.is_compound_part { partial } else { weight };
            self.push(word, weight);
        }
        if let Some(word) = cross
            && let Some(position) = self.total.checked_sub(1)
        {
            let positions = self.tokens.words.entry(word.stemmed).or_default();
            let position = position as u32;
            if !positions.iter().any(|p| p.position == position) {
                positions.push(Position { position, weight: partial, original: word.original });
            }
        }
        self.max = self.total;
        self.total += 1;
    }

    /// `words::indexable_words` and `dotted_tails` of a token, remembered per thread: the same
    /// tokens recur across articles, and stemming them is most of the tokenizing.
    fn words_of(&self, base: &str) -> Vec<IndexableWord> {
        thread_local! {
            static CACHE: RefCell<(String, HashMap<String, Vec<IndexableWord>>)> = RefCell::default();
        }
        CACHE.with_borrow_mut(|(language, cache)| {
            if *language != self.language || cache.len() > 100_000 {
                language.clone_from(&self.language.to_string());
                cache.clear();
            }
            if let Some(words) = cache.get(base) {
                return words.clone();
            }
            let mut indexable = words::indexable_words(base, self.stemmer);
            let tails = words::dotted_tails(base, self.stemmer, &indexable);
            indexable.extend(tails);
            cache.insert(base.to_string(), indexable.clone());
            indexable
        })
    }

    fn push(&mut self, word: IndexableWord, weight: u8) {
        let entry = Position { position: self.total as u32, weight, original: word.original };
        self.tokens.words.entry(word.stemmed).or_default().push(entry);
    }

    /// Handles Pagefind's markers (anchors, weights); whether `word` was one.
    fn marker(&mut self, word: &str) -> bool {
        if let Some(anchor) = word.strip_prefix("___PAGEFIND_ANCHOR___") {
            if let Some((_, key)) = anchor.split_once(':') {
                self.tokens.anchors.push((key.to_string(), self.total as u32));
            }
            return true;
        }
        if let Some(weight) = word.strip_prefix("___PAGEFIND_AUTO_WEIGHT___") {
            let inherited = *self.weights.last().unwrap_or(&0);
            let weight = if self.weights.len() == 1 {
                (weight.parse::<f32>().unwrap_or(1.0).clamp(0.0, 10.0) * 24.0) as u8
            } else {
                inherited
            };
            self.weights.push(weight);
            return true;
        }
        if word.starts_with("___END_PAGEFIND_WEIGHT___") {
            self.weights.pop();
            return true;
        }
        false
    }
}

/// Words of the metadata fields (title, summary, date, image), by field and position.
fn meta_words(meta: &BTreeMap<String, String>, language: &str) -> HashMap<String, Vec<MetaPosition>> {
    let stemmer = words::stemmer(language);
    let mut map: HashMap<String, Vec<MetaPosition>> = HashMap::new();
    for (field, value) in meta.values().enumerate() {
        for (position, word) in value.split_whitespace().enumerate() {
            for indexable in words::indexable_words(word, stemmer.as_ref()) {
                let entry =
                    MetaPosition { field: field as u16, position: position as u32, original: indexable.original };
                map.entry(indexable.stemmed).or_default().push(entry);
            }
        }
    }
    map
}
