//! What each output reads, as a 64-bit fingerprint: how `serve` knows what to render again.
//!
//! An output is re-rendered when, and only when, the fingerprint of everything its render
//! reads has changed. Which parts of the model an output reads is named by `plan::reads`,
//! beside the plan itself; this module hashes each part (an article, its card, a tag, an
//! entity, a page) and, into every fingerprint, the settings, the templates and the `site`
//! template variable. The fingerprints are computed from the new model after every change,
//! never from a diff. To keep the part hashes complete, the model's structs are destructured
//! without `..`: a new field does not compile until it is hashed here.

use std::hash::{BuildHasher, Hash, Hasher};

use tera::Value;

use super::views::CardInputs;
use crate::config::Config;
use crate::load::TemplateFile;
use crate::model::authors::{Author, AuthorProfile};
use crate::model::{Article, Entity, Page, Site, Tag};
use crate::plan::{self, Content, Output, Part};

/// Fixed seeds: fingerprints only live in one process, but the same input must give the same
/// value in every rebuild.
fn hasher() -> ahash::AHasher {
    ahash::RandomState::with_seeds(0x6761_7a65, 0x7474_6520, 0x7365_7276, 0x6520_2020).build_hasher()
}

fn finish(hash: impl FnOnce(&mut ahash::AHasher)) -> u64 {
    let mut state = hasher();
    hash(&mut state);
    state.finish()
}

/// A tera value, strings with their "safe" mark (it decides escaping), maps in any order.
pub fn value_hash(value: &Value) -> u64 {
    finish(|h| hash_value(value, h))
}

fn hash_value(value: &Value, h: &mut impl Hasher) {
    use tera::value::ValueKind;
    let kind = value.kind();
    kind.hash(h);
    match kind {
        ValueKind::Undefined | ValueKind::None => {}
        ValueKind::Bool => value.as_bool().hash(h),
        ValueKind::U64 | ValueKind::I64 | ValueKind::U128 | ValueKind::I128 => {
            value.as_i128().hash(h);
            value.as_u128().hash(h);
        }
        ValueKind::F64 => value.as_f64().map(f64::to_bits).hash(h),
        ValueKind::String => {
            value.is_safe().hash(h);
            value.as_str().hash(h);
        }
        ValueKind::Array => {
            let items = value.as_array().unwrap_or_default();
            items.len().hash(h);
            for item in items {
                hash_value(item, h);
            }
        }
        ValueKind::Map => {
            let Some(map) = value.as_map() else { return };
            map.len().hash(h);
            // Tera's maps have no fixed order: combine the entries with an order-free sum.
            let sum = map.iter().fold(0u64, |sum, (key, item)| {
                sum.wrapping_add(finish(|e| {
                    key.hash(e);
                    hash_value(item, e);
                }))
            });
            sum.hash(h);
        }
        ValueKind::Bytes => value.as_bytes().hash(h),
        // A kind this code does not know yet: its debug text is still exact, only slower.
        _ => format!("{value:?}").hash(h),
    }
}

/// What every template output reads: settings, templates and the `site` variable.
pub fn global(config: &Config, templates: &[TemplateFile], site_value: &Value) -> u64 {
    let Config {
        root,
        output,
        title,
        base_url,
        base_path,
        language,
        description,
        paginate_by,
        feed_limit,
        drafts,
        future,
        search,
        // Where images are cached does not change what pages show.
        image_cache: _,
        deals,
        // "Now" decides which articles are published; the model carries that, not the pages.
        now: _,
        // Publishing settings: no page shows them.
        deploy: _,
        news,
    } = config;
    finish(|h| {
        (root, output, title, base_url, base_path, language, description).hash(h);
        (paginate_by, feed_limit, drafts, future, search, deals, news).hash(h);
        let mut names: Vec<(&str, &str)> = templates.iter().map(|t| (t.name.as_str(), t.text.as_str())).collect();
        names.sort_unstable();
        names.hash(h);
        hash_value(site_value, h);
    })
}

/// Everything of an article that its page and its feed entries read, with tag and entity
/// Everything of an article that its page and its feed entries read: `own` (its
/// `own_hash`) and its tags, entities and mentions by what they show (ids move when tags
/// come and go).
pub fn article_hash(site: &Site, article: &Article, own: u64) -> u64 {
    finish(|h| {
        own.hash(h);
        // The other versions as the page shows them (switcher, alternates): indices move.
        for &version in &article.translations {
            let version = &site.articles[version];
            (&version.slug, &version.title, &version.language, &version.translation_of).hash(h);
        }
        for &tag in &article.tags {
            (&site.tags[tag].slug, &site.tags[tag].name).hash(h);
        }
        for &entity in &article.entities {
            (&site.entities[entity].slug, &site.entities[entity].name).hash(h);
        }
        for &(entity, count) in &article.mentions {
            (&site.entities[entity].slug, count).hash(h);
        }
    })
}

/// What `model::draft_article` made of an article: it changes only with a new drafting, so
/// `serve` keeps it by `named.revision`. A field that `assemble` sets (derived from other
/// articles) must be hashed in `article_hash` instead.
pub fn own_hash(article: &Article) -> u64 {
    let Article {
        path,
        title,
        slug,
        date,
        updated,
        summary,
        language,
        translation_of,
        // Set by `assemble`: hashed in `article_hash`.
        translations: _,
        tags: _,
        entities: _,
        mentions: _,
        authors,
        draft,
        source,
        corrections,
        deals,
        image,
        // What the article shows of them is in `image` and `html`.
        images: _,
        extra,
        html,
        word_count,
        named: _,
        // Where two keys are in the file, for diagnostics; the page shows `translation_of`.
        declared: _,
    } = article;
    finish(|h| {
        (path, title, slug, date, updated, summary, language, authors, draft, html, word_count).hash(h);
        translation_of.hash(h);
        image.hash(h);
        source.as_ref().map(|s| (&s.name, &s.url)).hash(h);
        for correction in corrections {
            (correction.date, &correction.text).hash(h);
        }
        // Deals and `[extra]` have no Hash: their debug text is exact and they are small.
        format!("{deals:?}{extra:?}").hash(h);
    })
}

/// What a card shows, hashed: rendered cards are kept by this key (with `global`, since the
/// card template and the `site` variable go into every card).
pub fn card_key(global: u64, site: &Site, article: &Article) -> u64 {
    finish(|h| (global, CardInputs::of(site, article)).hash(h))
}

/// Per-article hashes the output fingerprints are made of, by article index.
pub struct ArticleHashes<'a> {
    pub cards: &'a [u64],
    pub articles: &'a [u64],
}

/// The fingerprint of every output, by the output's position in `outputs`.
pub fn fingerprints(site: &Site, outputs: &[Output], global: u64, hashes: &ArticleHashes) -> Vec<u64> {
    use rayon::prelude::*;
    let sitemap = sitemap_hash(site, outputs);
    let deals = deal_hashes(site, hashes.cards);
    outputs
        .par_iter()
        .map(|output| {
            finish(|h| {
                // The path tells the page numbers; the ids in `Content` move as articles do.
                (global, &output.path, std::mem::discriminant(&output.content)).hash(h);
                let context = Context { site, hashes, sitemap, deals: &deals };
                plan::reads(site, &output.content, &mut |part| part_hash(&context, part, h));
            })
        })
        .collect()
}

/// What a part's hash may read.
struct Context<'a> {
    site: &'a Site,
    hashes: &'a ArticleHashes<'a>,
    sitemap: u64,
    /// By deal id (`deal_hashes`).
    deals: &'a [u64],
}

/// Each deal's row: the deal, its article's card, the names and slugs of its investors and
/// of its place and the places above it.
fn deal_hashes(site: &Site, cards: &[u64]) -> Vec<u64> {
    use rayon::prelude::*;
    let entity = |id: usize, h: &mut ahash::AHasher| (&site.entities[id].name, &site.entities[id].slug).hash(h);
    site.deals
        .all
        .par_iter()
        .map(|at| {
            finish(|h| {
                let deal = &site.articles[at.article].deals[at.index];
                (deal, at.index, cards[at.article], site.deals.rolled_up).hash(h);
                for id in crate::model::places::chain(&site.entities, deal.place) {
                    entity(id, h);
                }
                for &id in &deal.investors {
                    entity(id, h);
                }
            })
        })
        .collect()
}

fn part_hash(context: &Context, part: Part, h: &mut ahash::AHasher) {
    let Context { site, hashes, sitemap, .. } = *context;
    std::mem::discriminant(&part).hash(h);
    match part {
        Part::Card(i) => hashes.cards[i].hash(h),
        Part::Article(i) => hashes.articles[i].hash(h),
        Part::Tag(t) => tag_hash(&site.tags[t], h),
        Part::Entity(e) => entity_hash(site, e, h),
        Part::EntityLink(e) => entity_link_hash(&site.entities[e], h),
        Part::Page(i) => page_hash(&site.pages[i], h),
        Part::Language(l) => {
            let crate::model::language::Language { tag, folder, articles } = &site.languages[l];
            (tag, folder, articles.len()).hash(h);
        }
        Part::Sitemap => sitemap.hash(h),
        Part::NewestChange => site.articles.iter().map(|a| a.modified()).max().hash(h),
        Part::Author(a) => author_hash(&site.authors[a], h),
        Part::Correction(at) => {
            let reference = site.corrections[at];
            (reference.correction, hashes.articles[reference.article], hashes.cards[reference.article]).hash(h);
        }
        Part::NewsEntry(i) => {
            let article = &site.articles[i];
            (&article.slug, &article.title, &article.language, article.date).hash(h);
        }
        Part::Number(n) => n.hash(h),
        Part::Deal(d) => context.deals[d].hash(h),
        Part::Facet(f) => {
            let facet = &site.deals.facets[f];
            (facet.kind, &facet.name, &facet.slug, &facet.list.totals, facet.list.deals.len()).hash(h);
            if let Some(entity) = facet.entity {
                entity_link_hash(&site.entities[entity], h);
            }
        }
    }
}

/// The sitemap lists every HTML page but the 404 page, with each article's last change.
fn sitemap_hash(site: &Site, outputs: &[Output]) -> u64 {
    finish(|h| {
        for output in outputs.iter().filter(|o| plan::in_sitemap(o)) {
            output.path.hash(h);
            if let Content::Article(i) = output.content {
                let article = &site.articles[i];
                article.modified().hash(h);
                // Its `xhtml:link` alternates.
                for &version in &article.translations {
                    (&site.articles[version].slug, &site.articles[version].language).hash(h);
                }
                (&article.slug, &article.language, &article.translation_of).hash(h);
            }
        }
    })
}

fn page_hash(page: &Page, h: &mut ahash::AHasher) {
    let Page { path, title, slug, summary, date, updated, html, extra } = page;
    (path, title, slug, summary, date, updated, html).hash(h);
    format!("{extra:?}").hash(h);
}

/// What an author page shows of its author, but the cards.
fn author_hash(author: &Author, h: &mut ahash::AHasher) {
    let Author { name, slug, profile, articles } = author;
    (name, slug, articles.len()).hash(h);
    if let Some(AuthorProfile { name, slug, title, bio_html, summary, image, path }) = profile {
        (name, slug, title, bio_html, summary, image, path).hash(h);
    }
}

fn tag_hash(tag: &Tag, h: &mut ahash::AHasher) {
    let Tag { name, slug, articles } = tag;
    (name, slug, articles.len()).hash(h);
}

/// What a link to an entity shows: `views::entity_link`.
fn entity_link_hash(entity: &Entity, h: &mut ahash::AHasher) {
    (&entity.name, &entity.slug, entity.kind, entity.tagged.len()).hash(h);
}

/// The `entity` variable of an entity page, but the cards of its mentions.
fn entity_hash(site: &Site, index: usize, h: &mut ahash::AHasher) {
    let Entity {
        name,
        slug,
        kind,
        aliases,
        parent,
        children,
        profile_html,
        image,
        summary,
        path,
        tagged,
        mentioned_only,
        related,
    } = &site.entities[index];
    (name, slug, kind, aliases, profile_html, summary, path.is_some(), tagged.len(), mentioned_only.len()).hash(h);
    image.hash(h);
    let link = |id: usize, h: &mut ahash::AHasher| entity_link_hash(&site.entities[id], h);
    parent.is_some().hash(h);
    if let Some(parent) = parent {
        link(*parent, h);
    }
    children.len().hash(h);
    for &child in children {
        link(child, h);
    }
    for &(id, shared) in related {
        link(id, h);
        shared.hash(h);
    }
}
