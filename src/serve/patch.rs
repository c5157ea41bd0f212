//! One changed article patched into the last good model, instead of running the model again.
//!
//! In: the last good `State` and the article's path. Out: the state with the article
//! re-read, its Markdown and mentions rendered again, and the indexes that list it (tags,
//! entities, mentions, article order) updated; or `NotApplicable` when the change reaches
//! further than this one article (a new slug, other entities, a change of published state),
//! for a full rebuild to handle. The result must equal what `model::build` makes of the same
//! files; the edit-sequence test in tests/serve.rs compares the two byte for byte.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};

use super::engine::State;
use super::inputs;
use crate::config::{BuildOptions, Config};
use crate::diagnostics::Diagnostic;
use crate::load::frontmatter::ArticleFront;
use crate::load::{self, Document};
use crate::model::articles::{check_head, is_published};
use crate::model::mentions::MentionFinder;
use crate::model::{Article, Site, Sources, Tag, draft_article};
use crate::plan::{self, Output};
use crate::render::{self, Templates, views};
use crate::slug::slugify;
use crate::urls::Urls;

// One value per rebuild, moved once: boxing the state would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum Patched {
    Applied {
        state: State,
        templates: Templates,
        outputs: Vec<Output>,
        warnings: Vec<Diagnostic>,
        timings: Vec<(&'static str, Duration)>,
    },
    /// The article is not published before or after: nothing served changes.
    Unpublished(State),
    /// The file has errors; the state is as it was.
    Broken(State, Vec<Diagnostic>),
    NotApplicable(State),
}

/// Re-reads the article at `path` (relative to the root) and patches it into `state`.
pub fn one_article(mut state: State, options: &BuildOptions, path: &Path) -> Patched {
    let started = Instant::now();
    let Some(old_source) = state.sources.articles.iter().position(|d| d.path.as_os_str() == path.as_os_str()) else {
        return Patched::NotApplicable(state);
    };
    let document: Document<ArticleFront> =
        match load::read_text(&state.site.config.root, path).and_then(|text| load::parse_document(path.into(), text)) {
            Ok(document) => document,
            Err(error) => return Patched::Broken(state, vec![error]),
        };
    let head = match check_head(&document) {
        Ok(head) => head,
        Err(errors) => return Patched::Broken(state, errors),
    };
    let mut config = state.site.config.clone();
    config.now = options.clock.unwrap_or_else(|| chrono::Local::now().fixed_offset());
    if state.next_scheduled.is_some_and(|date| date <= config.now) {
        return Patched::NotApplicable(state);
    }
    let old = state.site.articles.iter().position(|a| a.path.as_os_str() == path.as_os_str());
    let published = is_published(&document.front, head.date, &config);
    let old_document = &state.sources.articles[old_source];
    let p = match (old, published) {
        (None, false) => {
            state.sources.articles[old_source] = document;
            state.next_scheduled = next_scheduled(&state.site, &state.sources);
            return Patched::Unpublished(state);
        }
        (Some(p), true) => p,
        _ => return Patched::NotApplicable(state),
    };
    let same_entities =
        old_document.front.entities.iter().map(|e| e.get_ref()).eq(document.front.entities.iter().map(|e| e.get_ref()));
    let tags_have_slugs = document.front.tags.iter().all(|t| !slugify(&spelling(t.get_ref())).is_empty());
    if head.slug != state.site.articles[p].slug || !same_entities || !tags_have_slugs {
        return Patched::NotApplicable(state);
    }
    let mut timings = vec![("read", started.elapsed())];
    let lap = Instant::now();

    // The model's own steps for one article: Markdown with links resolved, mentions, language.
    let old_tags: Vec<String> = old_document.front.tags.iter().map(|t| spelling(t.get_ref())).collect();
    let new_tags: Vec<String> = document.front.tags.iter().map(|t| spelling(t.get_ref())).collect();
    let draft = draft_article(&document, head, &state.resolver, &state.finder, &config.language);
    let (article, warnings) = draft.into_article(Vec::new(), state.site.articles[p].entities.clone());
    state.sources.articles[old_source] = document;
    state.site.config = config;
    timings.push(("markdown", lap.elapsed()));
    let lap = Instant::now();

    let tag_pages = |site: &Site| -> Vec<(String, usize)> {
        let per_page = site.config.paginate_by;
        let tags = site.tags.iter().map(|t| (t.slug.clone(), plan::page_count(t.articles.len(), per_page)));
        let authors = site.authors.iter().map(|a| (a.slug.clone(), plan::page_count(a.articles.len(), per_page)));
        let corrections = ("/corrections".to_string(), plan::page_count(site.corrections.len(), per_page));
        let news = ("/news".to_string(), crate::model::news::part_count(site));
        tags.chain(authors.map(|(slug, n)| (format!("/authors/{slug}"), n))).chain([corrections, news]).collect()
    };
    let tag_pages_before = tag_pages(&state.site);
    let renamed = retag(&mut state, p, &old_tags, &new_tags);
    let q = move_article(&mut state, p, article);
    state.site.index_newsroom();
    // The plan lists articles in order and tags with their page counts; nothing else moved.
    let same_plan = p == q && tag_pages(&state.site) == tag_pages_before && !state.outputs.is_empty();
    timings.push(("index", lap.elapsed()));
    let lap = Instant::now();

    let templates = match Templates::compile(&state.template_files) {
        Ok(templates) => templates,
        Err(errors) => return Patched::Broken(state, errors),
    };
    let mut changed: Vec<usize> = vec![q];
    for tag in renamed {
        changed.extend(state.site.tags[tag].articles.iter().filter(|&&i| i != q));
    }
    if let Err(errors) = remake_cards(&mut state, &templates, &changed) {
        return Patched::Broken(state, errors);
    }
    timings.push(("cards", lap.elapsed()));
    let lap = Instant::now();
    let outputs = match same_plan {
        true => std::mem::take(&mut state.outputs),
        false => match plan::plan(&state.site) {
            Ok(outputs) => outputs,
            Err(errors) => return Patched::Broken(state, errors),
        },
    };
    timings.push(("plan", lap.elapsed()));
    Patched::Applied { state, templates, outputs, warnings, timings }
}

/// A tag as the model counts it: runs of whitespace as one space.
fn spelling(tag: &str) -> String {
    tag.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Moves the article's tags from `old` to `new` spellings: counts, names, the tag list
/// itself when a tag appears or disappears, and each tag's articles. Returns the tags whose
/// name changed (their articles' cards show it).
fn retag(state: &mut State, p: usize, old: &[String], new: &[String]) -> Vec<usize> {
    for tag in old {
        state.spellings.remove(tag);
    }
    for tag in new {
        state.spellings.add(tag);
    }
    let site = &mut state.site;
    let slugs: Vec<&String> = state.spellings.by_slug.keys().collect();
    if !slugs.iter().map(|s| s.as_str()).eq(site.tags.iter().map(|t| t.slug.as_str())) {
        // Tags are sorted by slug: one that comes or goes moves the ids of those after it.
        let mut previous: HashMap<String, Tag> = site.tags.drain(..).map(|t| (t.slug.clone(), t)).collect();
        let mut id_of: HashMap<&str, usize> = HashMap::new();
        for (id, slug) in slugs.iter().enumerate() {
            id_of.insert(slug.as_str(), id);
        }
        let old_slugs: Vec<String> = {
            let mut all: Vec<&String> = previous.keys().collect();
            all.sort();
            all.into_iter().cloned().collect()
        };
        let remap: Vec<Option<usize>> = old_slugs.iter().map(|s| id_of.get(s.as_str()).copied()).collect();
        site.tags = slugs
            .iter()
            .map(|slug| {
                previous.remove(slug.as_str()).unwrap_or_else(|| Tag {
                    name: String::new(),
                    slug: (*slug).clone(),
                    articles: Vec::new(),
                })
            })
            .collect();
        for article in &mut site.articles {
            article.tags = article.tags.iter().filter_map(|&t| remap[t]).collect();
        }
    }
    for tag in &mut site.tags {
        if let Ok(at) = tag.articles.binary_search(&p) {
            tag.articles.remove(at);
        }
    }
    let ids: HashMap<String, usize> = site.tags.iter().enumerate().map(|(i, t)| (t.slug.clone(), i)).collect();
    let mut ids_of_new = Vec::new();
    for tag in new {
        if let Some(&id) = ids.get(slugify(tag).as_str())
            && !ids_of_new.contains(&id)
        {
            ids_of_new.push(id);
        }
    }
    site.articles[p].tags = ids_of_new;
    let mut renamed = Vec::new();
    let touched: HashSet<String> = old.iter().chain(new).map(|t| slugify(t)).collect();
    for slug in touched {
        let (Some(&id), Some(name)) = (ids.get(slug.as_str()), state.spellings.name(&slug)) else { continue };
        if site.tags[id].name != name {
            if !site.tags[id].name.is_empty() {
                renamed.push(id);
            }
            site.tags[id].name = name;
        }
    }
    renamed
}

/// Replaces article `p` by `article`, at the place its date puts it, and updates every list
/// of article indices; returns the new index.
fn move_article(state: &mut State, p: usize, mut article: Article) -> usize {
    // `retag` left the new tag ids on the old article.
    article.tags = std::mem::take(&mut state.site.articles[p].tags);
    let site = &mut state.site;
    site.articles.remove(p);
    let q =
        site.articles.partition_point(|a| a.date > article.date || (a.date == article.date && a.slug < article.slug));
    let remap = |i: usize| {
        let j = if i > p { i - 1 } else { i };
        if j >= q { j + 1 } else { j }
    };
    let tags: HashSet<usize> = article.tags.iter().copied().collect();
    let entities: HashSet<usize> = article.entities.iter().copied().collect();
    let mentioned_only: HashSet<usize> =
        article.mentions.iter().map(|&(e, _)| e).filter(|e| !entities.contains(e)).collect();
    let reindex = |list: &mut Vec<usize>, member: bool| {
        if let Ok(at) = list.binary_search(&p) {
            list.remove(at);
        }
        if p != q {
            for i in list.iter_mut() {
                *i = remap(*i);
            }
        }
        if member && let Err(at) = list.binary_search(&q) {
            list.insert(at, q);
        }
    };
    for (id, tag) in site.tags.iter_mut().enumerate() {
        reindex(&mut tag.articles, tags.contains(&id));
    }
    for (id, entity) in site.entities.iter_mut().enumerate() {
        reindex(&mut entity.tagged, entities.contains(&id));
        reindex(&mut entity.mentioned_only, mentioned_only.contains(&id));
    }
    site.articles.insert(q, article);
    let card = state.cards.remove(p);
    state.cards.insert(q, card);
    let hash = state.card_hashes.remove(p);
    state.card_hashes.insert(q, hash);
    let hash = state.article_hashes.remove(p);
    state.article_hashes.insert(q, hash);
    q
}

/// Makes the cards and fingerprints of the articles at `indices` again.
fn remake_cards(state: &mut State, templates: &Templates, indices: &[usize]) -> Result<(), Vec<Diagnostic>> {
    let site = &state.site;
    let urls = Urls::new(&site.config.base_url);
    let site_value = render::site_value(site, &urls);
    let cards = render::render_cards(templates, &site_value, views::cards_of(site, &urls, indices))?;
    for (&i, card) in indices.iter().zip(cards) {
        state.card_hashes[i] = inputs::value_hash(&card);
        state.cards[i] = card;
        state.article_hashes[i] = inputs::article_hash(site, &site.articles[i]);
    }
    Ok(())
}

/// Finds mentions by the entities' indices in the site. The patterns come in the model's
/// order (profiles by path, each name then its aliases), so that equal names resolve alike.
pub fn mention_finder(site: &Site) -> MentionFinder {
    let mut profiles: Vec<usize> = (0..site.entities.len()).filter(|&i| site.entities[i].path.is_some()).collect();
    profiles.sort_by(|&a, &b| site.entities[a].path.cmp(&site.entities[b].path));
    let names: Vec<(usize, String)> = profiles
        .iter()
        .flat_map(|&i| {
            let entity = &site.entities[i];
            std::iter::once((i, entity.name.clone())).chain(entity.aliases.iter().map(move |a| (i, a.clone())))
        })
        .collect();
    MentionFinder::new(&names)
}

/// The earliest date among articles held back only because they are in the future.
pub fn next_scheduled(site: &Site, sources: &Sources) -> Option<DateTime<FixedOffset>> {
    let config: &Config = &site.config;
    if config.future {
        return None;
    }
    let published: HashSet<&Path> = site.articles.iter().map(|a| a.path.as_path()).collect();
    sources
        .articles
        .iter()
        .filter(|d| !published.contains(d.path.as_path()) && (config.drafts || !d.front.draft))
        .filter_map(|d| crate::toml_input::to_datetime(&d.fragment(), &d.front.date, "date").ok())
        .filter(|date| *date > config.now)
        .min()
}

/// How often each spelling of each tag is used by published articles, by tag slug: the
/// model names a tag by its most used spelling.
#[derive(Default)]
pub struct TagSpellings {
    by_slug: BTreeMap<String, HashMap<String, usize>>,
}

impl TagSpellings {
    pub fn of(site: &Site, sources: &Sources) -> Self {
        let published: HashSet<&Path> = site.articles.iter().map(|a| a.path.as_path()).collect();
        let mut spellings = TagSpellings::default();
        for document in sources.articles.iter().filter(|d| published.contains(d.path.as_path())) {
            for tag in &document.front.tags {
                spellings.add(&spelling(tag.get_ref()));
            }
        }
        spellings
    }

    fn add(&mut self, tag: &str) {
        *self.by_slug.entry(slugify(tag)).or_default().entry(tag.to_string()).or_default() += 1;
    }

    fn remove(&mut self, tag: &str) {
        let slug = slugify(tag);
        let Some(counts) = self.by_slug.get_mut(&slug) else { return };
        if let Some(count) = counts.get_mut(tag) {
            *count -= 1;
            if *count == 0 {
                counts.remove(tag);
            }
        }
        if counts.is_empty() {
            self.by_slug.remove(&slug);
        }
    }

    /// The most used spelling; ties go to the alphabetically first (as `model::TagIndex`).
    fn name(&self, slug: &str) -> Option<String> {
        self.by_slug
            .get(slug)?
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(name, _)| name.clone())
    }
}
