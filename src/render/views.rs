//! Template contexts: small views of the model, turned into Tera values once.
//!
//! An article's card (title, date, summary, tag and entity links) is built once and shared by
//! every list page that shows it: Tera values are reference-counted, so a list page costs one
//! pointer per card, not a copy of the article.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use tera::{Map, Value};

use super::structured_data::author_url;
use crate::load::frontmatter::SourceFront;
use crate::model::corrections::anchor;
use crate::model::language::{self, Language};
use crate::model::{Article, Entity, Site, translations};
use crate::urls::{self, Urls};

/// A map value from (key, value) pairs.
pub fn map(pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let mut m = Map::new();
    for (key, value) in pairs {
        m.insert(key.into(), value);
    }
    Value::from(m)
}

pub fn value<T: Serialize>(view: &T) -> Value {
    Value::from_serializable(view)
}

/// Free-form front matter (`[extra]`) as a template value; TOML dates become RFC 3339 text.
pub fn toml_value(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::from(*b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(items) => Value::from(items.iter().map(toml_value).collect::<Vec<_>>()),
        toml::Value::Table(table) => toml_table(table.iter()),
    }
}

pub fn toml_table<'t>(entries: impl Iterator<Item = (&'t String, &'t toml::Value)>) -> Value {
    let mut m = Map::new();
    for (key, value) in entries {
        m.insert(key.clone().into(), toml_value(value));
    }
    Value::from(m)
}

#[derive(Serialize)]
pub struct DateView {
    /// RFC 3339 with the author's offset: `2017-12-28T10:30:00+08:00`.
    pub rfc3339: String,
    /// `2017-12-28`
    pub iso: String,
    /// `28 December 2017`
    pub display: String,
    pub year: i32,
}

impl DateView {
    pub fn new(date: &DateTime<FixedOffset>) -> Self {
        DateView {
            rfc3339: date.to_rfc3339(),
            iso: date.format("%Y-%m-%d").to_string(),
            display: date.format("%-d %B %Y").to_string(),
            year: chrono::Datelike::year(date),
        }
    }
}

/// A `{name, url}` link to a tag or entity page, built once per term and shared by every card
/// that shows it.
fn link(name: &str, url: String) -> Value {
    map([("name", Value::from(name)), ("url", Value::from(url))])
}

/// Bylines as `{name, url}` links to their author pages.
fn bylines(urls: &Urls, authors: &[String]) -> Value {
    Value::from(authors.iter().map(|a| link(a, author_url(urls, a))).collect::<Vec<_>>())
}

/// The card of every article, by article index.
pub fn cards(site: &Site, urls: &Urls) -> Vec<Value> {
    cards_of(site, urls, &(0..site.articles.len()).collect::<Vec<_>>())
}

/// Everything of an article that its card shows: the card is made of this and nothing else,
/// and `serve` keys the rendered cards by its hash (`render::reads::card_key`).
#[derive(Hash)]
pub struct CardInputs<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub language: &'a str,
    pub date: &'a DateTime<FixedOffset>,
    pub updated: Option<&'a DateTime<FixedOffset>>,
    pub summary: &'a str,
    pub authors: &'a [String],
    pub tags: Vec<Named<'a>>,
    pub entities: Vec<Named<'a>>,
}

/// A tag or entity as a card links to it: hashed by what it shows, not by its id (ids move
/// when tags come and go).
pub struct Named<'a> {
    pub id: usize,
    pub name: &'a str,
    pub slug: &'a str,
}

impl std::hash::Hash for Named<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.name, self.slug).hash(state);
    }
}

impl<'a> CardInputs<'a> {
    pub fn of(site: &'a Site, article: &'a Article) -> Self {
        let tag = |&id: &usize| Named { id, name: &site.tags[id].name, slug: &site.tags[id].slug };
        let entity = |&id: &usize| Named { id, name: &site.entities[id].name, slug: &site.entities[id].slug };
        CardInputs {
            title: &article.title,
            slug: &article.slug,
            language: &article.language,
            date: &article.date,
            updated: article.updated.as_ref(),
            summary: &article.summary,
            authors: &article.authors,
            tags: article.tags.iter().map(tag).collect(),
            entities: article.entities.iter().map(entity).collect(),
        }
    }
}

/// The cards of the articles at `indices`, in that order: `serve` remakes only those that changed.
pub fn cards_of(site: &Site, urls: &Urls, indices: &[usize]) -> Vec<Value> {
    use rayon::prelude::*;
    let tag_links: Vec<Value> = site.tags.iter().map(|t| link(&t.name, urls.of(&urls::tag_dir(&t.slug, 1)))).collect();
    let entity_links: Vec<Value> =
        site.entities.iter().map(|e| link(&e.name, urls.of(&urls::entity_dir(&e.slug, 1)))).collect();
    indices
        .par_iter()
        .map(|&index| {
            let CardInputs { title, slug, language, date, updated, summary, authors, tags, entities } =
                CardInputs::of(site, &site.articles[index]);
            // A card is repeated on the page of each of its bylines: a bounded number of them
            // keeps author pages linear in the number of bylines.
            let shown = &authors[..authors.len().min(crate::model::limits::TERMS_PER_ENTRY)];
            map([
                ("title", Value::from(title)),
                ("url", Value::from(urls.of(&urls::article_dir(slug)))),
                ("slug", Value::from(slug)),
                ("language", Value::from(language)),
                ("date", value(&DateView::new(date))),
                ("updated", updated.map_or_else(Value::none, |d| value(&DateView::new(d)))),
                ("summary", Value::from(summary)),
                ("authors", Value::from(shown.iter().map(String::as_str).collect::<Vec<_>>())),
                ("bylines", bylines(urls, shown)),
                ("more_authors", Value::from(authors.len() - shown.len())),
                ("tags", Value::from(tags.iter().map(|t| tag_links[t.id].clone()).collect::<Vec<_>>())),
                ("entities", Value::from(entities.iter().map(|e| entity_links[e.id].clone()).collect::<Vec<_>>())),
            ])
        })
        .collect()
}

#[derive(Serialize)]
struct CorrectionView<'a> {
    date: DateView,
    text: &'a str,
    /// The element id on the article page: `correction-1`, ...
    anchor: String,
}

#[derive(Serialize)]
struct ArticleExtras<'a> {
    content: &'a str,
    language: &'a str,
    word_count: usize,
    reading_minutes: usize,
    source: Option<&'a SourceFront>,
    corrections: Vec<CorrectionView<'a>>,
    draft: bool,
}

/// The `article` of `article.html`: its card plus body, source, corrections, deals,
/// previous (older) and next (newer) article, its `story` (the language versions) and
/// `deals`, the rows of its deals (`deal_views::rows`), and its `related` articles' cards.
pub fn article(
    article: &Article,
    card: &Value,
    previous: Option<&Value>,
    next: Option<&Value>,
    story: Vec<(&'static str, Value)>,
    deals: Vec<Value>,
    related: Vec<Value>,
) -> Value {
    let extras = value(&ArticleExtras {
        content: &article.html,
        language: &article.language,
        word_count: article.word_count,
        reading_minutes: article.word_count.div_ceil(230).max(1),
        source: article.source.as_ref(),
        corrections: article
            .corrections
            .iter()
            .enumerate()
            .map(|(n, c)| CorrectionView { date: DateView::new(&c.date), text: &c.text, anchor: anchor(n) })
            .collect(),
        draft: article.draft,
    });
    let mut merged = card.as_map().cloned().unwrap_or_default();
    if let Some(extras) = extras.as_map() {
        merged.extend(extras.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    merged.insert("extra".into(), toml_table(article.extra.iter()));
    merged.insert("deals".into(), Value::from(deals));
    merged.insert("previous".into(), previous.cloned().unwrap_or_else(Value::none));
    merged.insert("next".into(), next.cloned().unwrap_or_else(Value::none));
    for (key, value) in story {
        merged.insert(key.into(), value);
    }
    merged.insert("related".into(), Value::from(related));
    merged.insert("modified".into(), value(&DateView::new(&article.modified())));
    Value::from(merged)
}

/// An article's language versions as `hreflang` alternates, (hreflang, URL): every version of
/// its story, itself included, then `x-default` for the original. Empty for an article in one
/// language. The page's `<link rel="alternate">`s and the sitemap's `xhtml:link`s are both
/// made from this, so that the two always agree.
pub fn alternates(site: &Site, urls: &Urls, index: usize) -> Vec<(String, String)> {
    if site.articles[index].translations.is_empty() {
        return Vec::new();
    }
    let url = |i: usize| urls.of(&urls::article_dir(&site.articles[i].slug));
    let mut alternates: Vec<(String, String)> = translations::versions(&site.articles, index)
        .into_iter()
        .map(|i| (site.articles[i].language.clone(), url(i)))
        .collect();
    if let Some(original) = translations::original(&site.articles, index) {
        alternates.push(("x-default".into(), url(original)));
    }
    alternates
}

/// What `article.html` shows of an article's story: `translations` (the other versions, for
/// the language switcher), `alternates` (for `<link rel="alternate" hreflang>`),
/// `language_name` and `translation_of`.
pub fn story(site: &Site, urls: &Urls, index: usize) -> Vec<(&'static str, Value)> {
    let article = &site.articles[index];
    let original = translations::original(&site.articles, index);
    let others: Vec<Value> = article
        .translations
        .iter()
        .map(|&i| {
            let version = &site.articles[i];
            map([
                ("language", Value::from(version.language.as_str())),
                ("language_name", Value::from(language::autonym(&version.language))),
                ("title", Value::from(version.title.as_str())),
                ("url", Value::from(urls.of(&urls::article_dir(&version.slug)))),
                ("original", Value::from(original == Some(i))),
            ])
        })
        .collect();
    let alternates: Vec<Value> = alternates(site, urls, index)
        .into_iter()
        .map(|(hreflang, url)| map([("hreflang", Value::from(hreflang)), ("url", Value::from(url))]))
        .collect();
    vec![
        ("translations", Value::from(others)),
        ("alternates", Value::from(alternates)),
        ("language_name", Value::from(language::autonym(&article.language))),
        ("translation_of", article.translation_of.as_deref().map_or_else(Value::none, Value::from)),
        // The article's own page names every byline (its card, repeated elsewhere, a few).
        ("authors", Value::from(article.authors.iter().map(String::as_str).collect::<Vec<_>>())),
        ("bylines", bylines(urls, &article.authors)),
        ("more_authors", Value::from(0)),
    ]
}

/// The `language` variable of `language.html`, and an entry of `site.languages`.
pub fn language(entry: &Language, urls: &Urls) -> Value {
    let dir = urls::language_dir(&entry.folder, 1);
    map([
        ("tag", Value::from(entry.tag.as_str())),
        ("name", Value::from(language::autonym(&entry.tag))),
        ("url", Value::from(urls.of(&dir))),
        ("feed_url", Value::from(urls.of(&format!("{dir}{}", urls::FEED_FILE)))),
        ("count", Value::from(entry.articles.len())),
    ])
}

#[derive(Serialize)]
pub struct EntityLinkView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub kind: &'static str,
    pub url: String,
    pub count: usize,
}

pub fn entity_link<'a>(entity: &'a Entity, urls: &Urls) -> EntityLinkView<'a> {
    EntityLinkView {
        name: &entity.name,
        slug: &entity.slug,
        kind: entity.kind.as_str(),
        url: urls.of(&urls::entity_dir(&entity.slug, 1)),
        count: entity.tagged.len(),
    }
}

/// Page links of a list: numbers 1..=total with their URLs.
pub fn paginator(
    items: Vec<Value>,
    page: usize,
    total_pages: usize,
    total_items: usize,
    url_of: impl Fn(usize) -> String,
) -> Value {
    let link = |n: usize| if (1..=total_pages).contains(&n) { Value::from(url_of(n)) } else { Value::none() };
    map([
        ("items", Value::from(items)),
        ("number", Value::from(page)),
        ("total_pages", Value::from(total_pages)),
        ("total_items", Value::from(total_items)),
        ("previous_url", link(page.wrapping_sub(1))),
        ("next_url", link(page + 1)),
        ("first_url", Value::from(url_of(1))),
        ("last_url", Value::from(url_of(total_pages))),
    ])
}
