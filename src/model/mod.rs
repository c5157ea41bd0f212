//! Stage 3, model: raw documents → the resolved, validated `Site`.
//!
//! Checks every article's front matter, drops drafts and scheduled articles, renders the
//! Markdown (with internal links resolved), merges tags that differ only in case or spacing,
//! resolves entity names and aliases to profiles, finds mentions, and indexes who appears
//! where. Everything after this stage reads the `Site` and never the files.

pub mod articles;
pub mod authors;
pub mod corrections;
pub mod deals;
pub mod entities;
pub mod images;
pub mod language;
pub mod limits;
pub mod links;
pub mod mentions;
pub mod news;
pub mod picture;
pub mod places;
pub mod related;
pub mod translations;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::load::frontmatter::{ArticleFront, AuthorFront, EntityFront, PageFront, SourceFront};
use crate::load::{Document, Loaded};
use crate::markdown;
use crate::slug::slugify;
use articles::{ArticleHead, Correction, check_head, check_slug, is_published};
pub use deals::Deal;
use deals::PlacedDeal;
pub use entities::{Entity, EntityRegistry};
use images::{ImageAsset, ImageUse};
pub use links::LinkResolver;
use mentions::MentionFinder;
pub use places::DealIndex;

#[derive(Debug)]
pub struct Article {
    pub path: PathBuf,
    pub title: String,
    pub slug: String,
    pub date: DateTime<FixedOffset>,
    pub updated: Option<DateTime<FixedOffset>>,
    /// Plain text: the front matter's `summary`, else the first paragraph.
    pub summary: String,
    /// Its `language` key (in BCP 47's canonical case), else the site's language, or the one
    /// its script shows (`zh`, `ja`, `ko`): see `language`.
    pub language: String,
    /// The slug of the original this article translates (`translation_of`).
    pub translation_of: Option<String>,
    /// The other versions of its story, by index: the original first, then by language.
    /// Empty for an article in one language only.
    pub translations: Vec<usize>,
    pub tags: Vec<usize>,
    pub entities: Vec<usize>,
    /// Registered entities found in the text: (entity, times), including tagged ones.
    pub mentions: Vec<(usize, usize)>,
    pub authors: Vec<String>,
    pub draft: bool,
    pub source: Option<SourceFront>,
    pub corrections: Vec<Correction>,
    /// Resolved: investors and place are entity ids.
    pub deals: Vec<Deal>,
    /// The lead image (`[image]`).
    pub image: Option<ImageUse>,
    /// Source paths of every local image the article shows (lead image first).
    pub images: Vec<PathBuf>,
    pub extra: toml::Table,
    pub html: String,
    pub word_count: usize,
    /// The names the article's front matter and text give, before `assemble` resolves them
    /// to `tags`, `entities` and `mentions`: what `Model::update` re-resolves.
    pub(crate) named: Named,
    /// Where its `language` and `translation_of` keys are: what `translations::check` points at.
    pub(crate) declared: translations::Declared,
}

/// What one article names, as it names it: tags and entities (whitespace collapsed, with
/// their slugs) and mentions by registry id. Resolved to ids by `assemble` on every build
/// and update, so that ids always follow the sorted tags and entities.
#[derive(Debug, Clone, Default)]
pub(crate) struct Named {
    tags: Vec<Term>,
    entities: Vec<Term>,
    mentions: Vec<(usize, usize)>,
    /// Deals with their places resolved (registry ids of place profiles); `assemble`
    /// resolves their investors, which may add entities.
    deals: Vec<PlacedDeal>,
    /// The document's place among all article files in path order, as `load` reads them.
    order: usize,
    /// Which drafting made this article: a number no other drafting in this process had.
    /// What `draft_article` set is unchanged while it is (`serve` keys hashes by it).
    pub(crate) revision: u64,
}

/// Counts draftings, for `Named::revision`.
static DRAFTINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A name as written (runs of whitespace as one space) and its slug, computed once.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Term {
    pub(crate) text: String,
    pub(crate) slug: String,
    /// The lookup key of an entity name (`entities::name_key`); empty for tags.
    pub(crate) key: String,
}

#[cfg(test)]
impl Article {
    /// An article with only entities and tags, for the tests of indexes.
    pub fn for_test(entities: Vec<usize>, tags: Vec<usize>) -> Self {
        let date = DateTime::parse_from_rfc3339("2020-01-01T00:00:00+00:00").unwrap_or_default();
        Article {
            path: PathBuf::new(),
            title: String::new(),
            slug: String::new(),
            date,
            updated: None,
            summary: String::new(),
            language: "en".into(),
            translation_of: None,
            translations: Vec::new(),
            tags,
            entities,
            mentions: Vec::new(),
            authors: Vec::new(),
            draft: false,
            source: None,
            corrections: Vec::new(),
            deals: Vec::new(),
            image: None,
            images: Vec::new(),
            extra: toml::Table::new(),
            html: String::new(),
            word_count: 0,
            named: Named::default(),
            declared: translations::Declared::default(),
        }
    }
}

#[derive(Debug)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    /// Newest first.
    pub articles: Vec<usize>,
}

#[derive(Debug)]
pub struct Page {
    pub path: PathBuf,
    pub title: String,
    pub slug: String,
    pub summary: String,
    pub date: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub html: String,
    pub extra: std::collections::BTreeMap<String, toml::Value>,
}

/// The whole site, resolved. Articles are sorted newest first; tags and entities by slug.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub articles: Vec<Article>,
    pub tags: Vec<Tag>,
    pub entities: Vec<Entity>,
    pub pages: Vec<Page>,
    pub static_files: Vec<PathBuf>,
    /// Every local image the site shows, by source path: the `images` stage makes their files.
    pub images: Vec<Arc<ImageAsset>>,
    /// Every deal, newest first, rolled up the `parent` tree, with the facets of `/deals/`.
    pub deals: DealIndex,
    /// The languages with articles, each with its list and feed; empty when all articles are
    /// in one language (the home page and the site feed are then that language's list).
    pub languages: Vec<language::Language>,
    /// Every byline and author profile, sorted by slug.
    pub authors: Vec<authors::Author>,
    /// Each article's related articles, best first, by article index.
    pub related: Vec<Vec<usize>>,
    /// Every correction, newest first.
    pub corrections: Vec<corrections::CorrectionRef>,
    /// How long each index derived from the sorted articles took (deals, authors, related
    /// articles, corrections): the parts of the model stage that `--timings` lists.
    pub derived: Vec<(&'static str, std::time::Duration)>,
}

/// The source documents the model was built from, handed back for `gazette check`, whose
/// lints point at front-matter lines that the resolved `Site` no longer knows.
#[derive(Debug)]
pub struct Sources {
    /// Every article file that parsed, drafts and scheduled ones included.
    pub articles: Vec<Document<ArticleFront>>,
    pub entities: Vec<Document<EntityFront>>,
    pub pages: Vec<Document<PageFront>>,
    pub authors: Vec<Document<AuthorFront>>,
}

/// Builds the model; `None` when there were errors (all of them are in the diagnostics).
pub fn build(config: Config, loaded: Loaded) -> (Option<Site>, Vec<Diagnostic>) {
    let (built, diagnostics) = Model::build(config, loaded, false);
    (built.ok().map(|model| model.site), diagnostics)
}

/// The model with what an update reuses: the resolved site, every source document, and the
/// link resolver, mention finder and profiles the articles were resolved with.
pub struct Model {
    pub site: Site,
    pub sources: Sources,
    context: Context,
}

/// What every article is rendered against: it changes only when a link target or an entity
/// name does, and then every article is drafted again.
struct Context {
    resolver: LinkResolver,
    finder: MentionFinder,
    /// The entities of the profiles (rendered), before articles add theirs.
    profiles: EntityRegistry,
    /// The author profiles (rendered).
    authors: Vec<authors::AuthorProfile>,
    /// The earliest date of an article left out only for being in the future: once the clock
    /// passes it, the published articles change.
    next_scheduled: Option<DateTime<FixedOffset>>,
}

/// How `Model::update` brought the model up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Only the changed articles were drafted again; everything else was re-derived.
    Articles,
    /// A link target, an entity name or the published set changed: the whole model ran again.
    Everything,
}

/// An update's result: the new model, or the errors and the last good model (`None` when the
/// whole model ran again and failed: the caller then starts from the files).
pub type Updated = Result<(Model, Reach, Vec<Diagnostic>), (Option<Model>, Vec<Diagnostic>)>;

impl Model {
    /// The full model stage over `loaded`. With `keep_sources`, the model keeps the documents
    /// (for `update` and the lints of `gazette check`); they come back when the model fails.
    pub fn build(config: Config, loaded: Loaded, keep_sources: bool) -> (Result<Model, Sources>, Vec<Diagnostic>) {
        match build_model(config, loaded, keep_sources) {
            (Some(model), _, diagnostics) => (Ok(model), diagnostics),
            (None, sources, diagnostics) => (Err(sources), diagnostics),
        }
    }

    /// The one way the model changes: the last good model and the article files that
    /// changed (`changed`, read again) or were removed → the model a full build of the new
    /// files makes. It runs the full build's own functions: changed articles are drafted by
    /// `draft_article`, and every index is derived again by `assemble`, unless no changed
    /// article changed what `assemble` reads (`IndexInputs`: a body or title edit), when
    /// the index is the one `assemble` made last time; when the change reaches the context
    /// (a slug, an entity name, the published set), the whole model runs.
    pub fn update(self, config: Config, changed: Vec<Document<ArticleFront>>, removed: &[PathBuf]) -> Updated {
        let redrafted = match self.redraft(&config, &changed, removed) {
            Ok(redrafted) => redrafted,
            Err(errors) => return Err((Some(self), errors)),
        };
        if redrafted.diagnostics.iter().any(Diagnostic::is_error) {
            return Err((Some(self), redrafted.diagnostics));
        }
        let Redrafted { articles: drafted, diagnostics, in_place } = redrafted;
        let Model { site, mut sources, context } = self;
        sources.replace(changed, removed);
        if !in_place {
            return rebuild_everything(config, sources, site.static_files);
        }
        if drafted.iter().all(|article| site.index_inputs_unchanged(article)) {
            let site = site.with_same_index(drafted);
            return Ok((Model { site, sources, context }, Reach::Articles, diagnostics));
        }
        let model = reassemble(config, site, sources, context, drafted);
        Ok((model, Reach::Articles, diagnostics))
    }

    /// Drafts again every changed article that the update can take in place: one already
    /// published that stays published and keeps its slug, its entity names and its story.
    /// Anything else (a new or removed article, a published one held back, a scheduled one
    /// now due) clears `in_place`. A changed file whose head does not check is the update's
    /// only error.
    fn redraft(
        &self,
        config: &Config,
        changed: &[Document<ArticleFront>],
        removed: &[PathBuf],
    ) -> Result<Redrafted, Vec<Diagnostic>> {
        let none_due = self.context.next_scheduled.is_none_or(|date| date > config.now);
        let in_place = removed.is_empty() && none_due;
        let mut redrafted = Redrafted { articles: Vec::new(), diagnostics: Vec::new(), in_place };
        for document in changed {
            let head = check_head(document)?;
            let published = is_published(&document.front, head.date, config);
            let old = self.site.articles.iter().find(|a| a.path == document.path);
            let order = self.sources.articles.binary_search_by(|d| d.path.cmp(&document.path)).ok();
            let known = order.map(|at| &self.sources.articles[at]);
            match (known, old, published) {
                (Some(_), None, false) => {}
                (Some(known), Some(old), true)
                    if old.slug == head.slug
                        && same_names(&known.front.entities, &document.front.entities)
                        && !in_story(old, document) =>
                {
                    let (article, warnings) = self.redraft_article(document, head, order.unwrap_or_default(), config);
                    redrafted.diagnostics.extend(warnings);
                    redrafted.articles.push(article);
                }
                _ => redrafted.in_place = false,
            }
        }
        Ok(redrafted)
    }

    /// One changed article drafted against the model's context, its deals' places resolved.
    fn redraft_article(
        &self,
        document: &Document<ArticleFront>,
        head: ArticleHead,
        order: usize,
        config: &Config,
    ) -> (Article, Vec<Diagnostic>) {
        let context = &self.context;
        let mut draft = draft_article(document, head, &context.resolver, &context.finder, &config.language);
        let places = deals::PlaceNames::new(&context.profiles);
        let (placed, problems) = deals::resolve_places(document, &draft.head.deals, &places);
        draft.deals = placed;
        draft.diagnostics.extend(problems);
        draft.into_article(order)
    }
}

/// The changed articles an update drafted again, and whether the update can stay with them.
struct Redrafted {
    articles: Vec<Article>,
    diagnostics: Vec<Diagnostic>,
    /// False when a change reaches what every article is rendered against: then the whole
    /// model runs again (`Reach::Everything`).
    in_place: bool,
}

/// The whole model again over the kept sources, for a change no update can take in place.
fn rebuild_everything(config: Config, sources: Sources, static_files: Vec<PathBuf>) -> Updated {
    let loaded = sources.into_loaded(static_files);
    match build_model(config, loaded, true) {
        (Some(model), _, diagnostics) => Ok((model, Reach::Everything, diagnostics)),
        (None, _, diagnostics) => Err((None, diagnostics)),
    }
}

/// The model with `drafted` in place of the articles of the same paths, every index derived
/// again by `assemble`; the related lists are computed again only where the edit reaches.
fn reassemble(config: Config, mut site: Site, sources: Sources, context: Context, drafted: Vec<Article>) -> Model {
    let previous = related::Previous::of(&mut site, &drafted);
    let Site { mut articles, pages, static_files, .. } = site;
    for article in drafted {
        if let Some(slot) = articles.iter_mut().find(|a| a.path == article.path) {
            *slot = article;
        }
    }
    // The catalog keeps every image resolved so far: one dropped by this edit stays
    // published until the next full rebuild.
    let images = context.resolver.images.assets();
    let carried = Carried { pages, static_files, images };
    let site = assemble(config, articles, context.profiles.clone(), context.authors.clone(), carried, Some(previous));
    let next_scheduled = next_scheduled(&site, &sources);
    Model { site, sources, context: Context { next_scheduled, ..context } }
}

/// Everything `assemble` reads of an article: its index (the resolved tags, entities,
/// mentions and deals, the article order, the tag, entity, author, language, translation,
/// related-article, deal and correction lists) is a function of these alone. A rule added to
/// `assemble` that reads another field of `Article` adds it here.
#[derive(PartialEq)]
struct IndexInputs<'a> {
    order: usize,
    date: DateTime<FixedOffset>,
    slug: &'a str,
    language: &'a str,
    translation_of: Option<&'a str>,
    authors: &'a [String],
    correction_dates: Vec<DateTime<FixedOffset>>,
    tags: &'a [Term],
    entities: &'a [Term],
    mentions: &'a [(usize, usize)],
    deals: &'a [PlacedDeal],
    /// The images it shows: the site's image list (and so the variants made) follows them.
    images: &'a [PathBuf],
}

impl Article {
    fn index_inputs(&self) -> IndexInputs<'_> {
        IndexInputs {
            order: self.named.order,
            date: self.date,
            slug: &self.slug,
            language: &self.language,
            translation_of: self.translation_of.as_deref(),
            authors: &self.authors,
            correction_dates: self.corrections.iter().map(|c| c.date).collect(),
            tags: &self.named.tags,
            entities: &self.named.entities,
            mentions: &self.named.mentions,
            deals: &self.named.deals,
            images: &self.images,
        }
    }
}

impl Site {
    /// Whether `article` (drafted again, not yet assembled) replaces one of this site's
    /// articles with the same index inputs: then `assemble` would derive this very index.
    fn index_inputs_unchanged(&self, article: &Article) -> bool {
        self.articles.iter().any(|old| old.path == article.path && old.index_inputs() == article.index_inputs())
    }

    /// The site with `drafted` in place of the articles of the same paths, whose index inputs
    /// are unchanged: each keeps its place and what `assemble` resolved for the old one.
    fn with_same_index(mut self, drafted: Vec<Article>) -> Site {
        for mut article in drafted {
            let Some(old) = self.articles.iter_mut().find(|old| old.path == article.path) else { continue };
            article.tags = std::mem::take(&mut old.tags);
            article.entities = std::mem::take(&mut old.entities);
            article.mentions = std::mem::take(&mut old.mentions);
            article.deals = std::mem::take(&mut old.deals);
            article.translations = std::mem::take(&mut old.translations);
            *old = article;
        }
        self
    }
}

/// Whether an article belongs to a story in several languages, before or after its change:
/// stories are grouped and checked across articles (`translations::check`), by the whole model.
fn in_story(old: &Article, document: &Document<ArticleFront>) -> bool {
    !old.translations.is_empty() || old.translation_of.is_some() || document.front.translation_of.is_some()
}

/// Two lists of front-matter names, compared as written.
fn same_names(a: &[toml::Spanned<String>], b: &[toml::Spanned<String>]) -> bool {
    a.iter().map(|n| n.get_ref()).eq(b.iter().map(|n| n.get_ref()))
}

impl Sources {
    /// Puts the changed documents in place of (or beside) those of the same path, and drops
    /// the removed ones; the articles stay in path order, as `load` reads them.
    fn replace(&mut self, changed: Vec<Document<ArticleFront>>, removed: &[PathBuf]) {
        self.articles.retain(|d| !removed.contains(&d.path));
        for document in changed {
            match self.articles.binary_search_by(|d| d.path.cmp(&document.path)) {
                Ok(at) => self.articles[at] = document,
                Err(at) => self.articles.insert(at, document),
            }
        }
    }

    fn into_loaded(self, static_files: Vec<PathBuf>) -> Loaded {
        let Sources { articles, entities, pages, authors } = self;
        Loaded {
            articles,
            entities,
            pages,
            authors,
            templates: Vec::new(),
            static_files,
            content_images: Vec::new(),
            file_count: 0,
        }
    }
}

/// The earliest date among articles held back only because they are in the future.
fn next_scheduled(site: &Site, sources: &Sources) -> Option<DateTime<FixedOffset>> {
    let config = &site.config;
    if config.future {
        return None;
    }
    let published: std::collections::HashSet<&std::path::Path> =
        site.articles.iter().map(|a| a.path.as_path()).collect();
    sources
        .articles
        .iter()
        .filter(|d| !published.contains(d.path.as_path()) && (config.drafts || !d.front.draft))
        .filter_map(|d| crate::toml_input::to_datetime(&d.fragment(), &d.front.date, "date").ok())
        .filter(|date| *date > config.now)
        .min()
}

/// One article on its way from file to `Article`: what the front matter says, checked, and its
/// rendered body. The file's text is gone by now (unless sources are kept).
pub struct ArticleDraft {
    path: PathBuf,
    head: ArticleHead,
    tags: Vec<Term>,
    entities: Vec<Term>,
    summary: Option<String>,
    authors: Vec<String>,
    draft: bool,
    source: Option<SourceFront>,
    image: Option<ImageUse>,
    extra: toml::Table,
    body: markdown::Rendered,
    language: String,
    declared: translations::Declared,
    mentions: Vec<(usize, usize)>,
    /// Set by the model once places are resolved; `serve` keeps the previous resolution.
    deals: Vec<PlacedDeal>,
    diagnostics: Vec<Diagnostic>,
}

impl ArticleDraft {
    /// Where its `language` and `translation_of` keys are, for the translation checks.
    pub fn declared(&self) -> &translations::Declared {
        &self.declared
    }

    /// The finished article, its names not yet resolved (`assemble` does), and the draft's
    /// diagnostics.
    /// `order` is the document's place among all article files in path order.
    pub fn into_article(self, order: usize) -> (Article, Vec<Diagnostic>) {
        let head = self.head;
        let article = Article {
            path: self.path,
            title: head.title,
            slug: head.slug,
            date: head.date,
            updated: head.updated,
            summary: self.summary.unwrap_or(self.body.first_paragraph),
            language: self.language,
            translation_of: self.declared.translation_of.as_ref().map(|(slug, _)| slug.clone()),
            translations: Vec::new(),
            declared: self.declared,
            tags: Vec::new(),
            entities: Vec::new(),
            mentions: Vec::new(),
            authors: self.authors,
            draft: self.draft,
            source: self.source,
            corrections: head.corrections,
            deals: Vec::new(),
            images: self
                .image
                .iter()
                .filter_map(|i| i.asset.as_ref())
                .map(|a| a.source.clone())
                .chain(self.body.images)
                .collect(),
            image: self.image,
            extra: self.extra,
            html: self.body.html,
            word_count: self.body.word_count,
            named: Named {
                tags: self.tags,
                entities: self.entities,
                mentions: self.mentions,
                deals: self.deals,
                order,
                revision: DRAFTINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            },
        };
        (article, self.diagnostics)
    }
}

/// The model stage. Articles flow through it one by one in parallel: checked, rendered, their
/// mentions found, and (unless `keep_sources`) their file text dropped at once, so that a
/// large site never holds all sources and all rendered bodies at the same time. The sources
/// come back beside the model too, for the lints of `gazette check` when the model failed.
fn build_model(config: Config, loaded: Loaded, keep_sources: bool) -> (Option<Model>, Sources, Vec<Diagnostic>) {
    let Loaded {
        articles: article_docs,
        entities: entity_docs,
        pages: page_docs,
        authors: author_docs,
        static_files,
        ..
    } = loaded;
    let (mut registry, mut diagnostics) = EntityRegistry::from_profiles(&entity_docs);

    let heads = published_heads(&article_docs, &config, &mut diagnostics);
    let published: Vec<(&Document<ArticleFront>, &ArticleHead)> =
        article_docs.iter().zip(&heads).filter_map(|(d, h)| h.as_ref().map(|h| (d, h))).collect();
    let unpublished_slugs = unpublished_slugs(&article_docs, &heads);
    check_unique_slugs(&published, &mut diagnostics);
    let page_heads = check_pages(&page_docs, &config, &mut diagnostics);
    let resolver = LinkResolver::new(&config, &published, &page_heads, &registry);
    drop(published);
    let finder = MentionFinder::new(&registry.profile_names());
    let places = deals::PlaceNames::new(&registry);

    let mut slots: Vec<Option<Document<ArticleFront>>> = article_docs.into_iter().map(Some).collect();
    let drafts = Drafting { resolver: &resolver, finder: &finder, places: &places, language: &config.language };
    let drafted = drafts.all(&mut slots, heads, keep_sources);
    drop(places);

    render_entity_profiles(&entity_docs, &mut registry, &resolver, &mut diagnostics);
    let pages = build_pages(page_heads, &resolver, &mut diagnostics);
    let author_profiles = render_author_profiles(&author_docs, &resolver, &mut diagnostics);
    let (articles, warnings): (Vec<Article>, Vec<Vec<Diagnostic>>) = drafted.into_iter().unzip();
    diagnostics.extend(warnings.into_iter().flatten());
    diagnostics.extend(check_translations(&articles, &unpublished_slugs));

    let sources = Sources {
        articles: slots.into_iter().flatten().collect(),
        entities: entity_docs,
        pages: page_docs,
        authors: author_docs,
    };
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, sources, diagnostics);
    }
    let profiles = if keep_sources { registry.clone() } else { EntityRegistry::default() };
    let images = resolver.images.assets();
    let carried = Carried { pages, static_files, images };
    let site = assemble(config, articles, registry, author_profiles.clone(), carried, None);
    let next_scheduled = if keep_sources { next_scheduled(&site, &sources) } else { None };
    let context = Context { resolver, finder, profiles, authors: author_profiles, next_scheduled };
    let empty = Sources { articles: Vec::new(), entities: Vec::new(), pages: Vec::new(), authors: Vec::new() };
    (Some(Model { site, sources, context }), empty, diagnostics)
}

/// The translation links between the published articles (`translations::check`).
fn check_translations(articles: &[Article], unpublished_slugs: &HashSet<String>) -> Vec<Diagnostic> {
    let versions: Vec<translations::Version> = articles
        .iter()
        .map(|a| translations::Version { path: &a.path, slug: &a.slug, language: &a.language, declared: &a.declared })
        .collect();
    translations::check(&versions, unpublished_slugs)
}

/// What drafting an article reads besides its document.
struct Drafting<'a> {
    resolver: &'a LinkResolver,
    finder: &'a MentionFinder,
    places: &'a deals::PlaceNames<'a>,
    language: &'a str,
}

impl Drafting<'_> {
    /// Every published article (those with a head), in parallel, with its own diagnostics;
    /// each document is dropped once drafted unless `keep_sources`.
    fn all(
        &self,
        slots: &mut [Option<Document<ArticleFront>>],
        heads: Vec<Option<ArticleHead>>,
        keep_sources: bool,
    ) -> Vec<(Article, Vec<Diagnostic>)> {
        slots
            .par_iter_mut()
            .zip(heads)
            .enumerate()
            .filter_map(|(order, (slot, head))| {
                let document = slot.as_ref()?;
                let mut draft = draft_article(document, head?, self.resolver, self.finder, self.language);
                let (placed, problems) = deals::resolve_places(document, &draft.head.deals, self.places);
                draft.deals = placed;
                draft.diagnostics.extend(problems);
                if !keep_sources {
                    *slot = None;
                }
                Some(draft.into_article(order))
            })
            .collect()
    }
}

/// Each entity profile's text, summary and image onto its entity.
fn render_entity_profiles(
    documents: &[Document<EntityFront>],
    registry: &mut EntityRegistry,
    resolver: &LinkResolver,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for document in documents {
        let Some(id) = registry.resolve(document.front.name.get_ref()) else { continue };
        let (profile, warnings) =
            resolver.render(&document.path, document.body(), document.body_line(), &document.text);
        let entity = &mut registry.entities[id];
        entity.profile_html = profile.html;
        entity.summary = profile.first_paragraph;
        diagnostics.extend(warnings);
        entity.image = document.front.image.as_ref().and_then(|image| {
            images::resolve_front(&resolver.images, document, image).map_err(|error| diagnostics.push(error)).ok()
        });
    }
}

/// The author profiles, checked, with their bios rendered.
fn render_author_profiles(
    documents: &[Document<AuthorFront>],
    resolver: &LinkResolver,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<authors::AuthorProfile> {
    let mut bio_warnings = Vec::new();
    let (profiles, errors) = authors::check_profiles(documents, &resolver.images, |document| {
        let (bio, warnings) = resolver.render(&document.path, document.body(), document.body_line(), &document.text);
        bio_warnings.extend(warnings);
        bio
    });
    diagnostics.extend(errors.into_iter().chain(bio_warnings));
    profiles
}

/// Each article's checked head when it is published in this build; the errors of the others.
fn published_heads(
    documents: &[Document<ArticleFront>],
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Option<ArticleHead>> {
    let checked: Vec<Result<ArticleHead, Vec<Diagnostic>>> = documents.par_iter().map(check_head).collect();
    let mut heads = Vec::with_capacity(documents.len());
    for (document, head) in documents.iter().zip(checked) {
        heads.push(match head {
            Ok(head) if is_published(&document.front, head.date, config) => Some(head),
            Ok(_) => None,
            Err(errors) => {
                diagnostics.extend(errors);
                None
            }
        });
    }
    heads
}

/// Renders one published article and takes from its front matter what the model keeps.
/// Tags and entity names without letters or digits are reported here, while the file's text
/// is at hand to point at them. `serve` patches a single changed article with it too.
pub fn draft_article(
    document: &Document<ArticleFront>,
    head: ArticleHead,
    resolver: &LinkResolver,
    finder: &MentionFinder,
    site_language: &str,
) -> ArticleDraft {
    let front = &document.front;
    let (mut body, mut diagnostics) =
        resolver.render(&document.path, document.body(), document.body_line(), &document.text);
    let mentions = finder.find(&body.text);
    let (language, declared) = language::resolve(document, &[&head.title, &body.text], site_language, &mut diagnostics);
    body.text = String::new();
    let tags = keep_names(document, &front.tags, &TAG_NAMES, &mut diagnostics);
    let entities = keep_names(document, &front.entities, &ENTITY_NAMES, &mut diagnostics);
    let authors = keep_names(document, &front.authors, &BYLINE_NAMES, &mut diagnostics);
    let image = front.image.as_ref().and_then(|image| {
        images::resolve_front(&resolver.images, document, image).map_err(|error| diagnostics.push(error)).ok()
    });
    ArticleDraft {
        path: document.path.clone(),
        head,
        tags,
        entities,
        summary: front.summary.as_deref().map(crate::slug::collapse_whitespace),
        authors: authors.into_iter().map(|term| term.text).collect(),
        draft: front.draft,
        source: front.source.clone(),
        image,
        extra: front.extra.clone(),
        body,
        language,
        declared,
        mentions,
        deals: Vec::new(),
        diagnostics,
    }
}

/// A front-matter list of names (tags, entities, bylines): its field, what one of its names
/// is called in a message, and the hint for a name without letters or digits.
struct NameList {
    field: &'static str,
    what: &'static str,
    hint: &'static str,
}

const TAG_NAMES: NameList =
    NameList { field: "tags", what: "tag", hint: "remove it, or write it with letters or digits" };
const ENTITY_NAMES: NameList =
    NameList { field: "entities", what: "entity", hint: "write the entity's name or one of its aliases" };
const BYLINE_NAMES: NameList =
    NameList { field: "authors", what: "byline", hint: "write the author's name: each byline gets a page" };

/// The names of one list that can name a page, normalized, with their slugs (and, for
/// entities, their lookup keys); each name that cannot is reported and left out.
fn keep_names(
    document: &Document<ArticleFront>,
    names: &[toml::Spanned<String>],
    list: &NameList,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Term> {
    let mut kept = Vec::with_capacity(names.len());
    let fragment = document.fragment();
    for name in names {
        let (normal, warning) = limits::normalize_name(&fragment, name, list.field);
        diagnostics.extend(warning);
        let text = crate::slug::collapse_whitespace(&normal);
        let slug = slugify(&text);
        if slug.is_empty() {
            let message = format!("the {} {:?} has no letters or digits, so it has no URL", list.what, name.get_ref());
            let error = fragment.error_at("E031", message, name.span());
            diagnostics.push(error.field(list.field).hint(list.hint));
        } else if let Err(error) = limits::check_file_name(
            &fragment,
            name.span(),
            &slug,
            list.field,
            &format!("the {} {:?}", list.what, short(&text)),
        ) {
            diagnostics.push(error);
        } else {
            let key = if list.field == "entities" { entities::name_key(&text) } else { String::new() };
            kept.push(Term { text, slug, key });
        }
    }
    kept
}

/// The first words of a long name, for a message.
fn short(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

fn build_pages(page_heads: Vec<PageHead>, resolver: &LinkResolver, diagnostics: &mut Vec<Diagnostic>) -> Vec<Page> {
    page_heads
        .into_iter()
        .map(|(document, title, slug)| {
            let (body, warnings) =
                resolver.render(&document.path, document.body(), document.body_line(), &document.text);
            diagnostics.extend(warnings);
            let fragment = document.fragment();
            let mut date_of = |value: &Option<toml::Spanned<toml::value::Datetime>>, field: &str| {
                value.as_ref().and_then(|d| {
                    crate::toml_input::to_datetime(&fragment, d, field).map_err(|e| diagnostics.push(e)).ok()
                })
            };
            let date = date_of(&document.front.date, "date");
            let updated = date_of(&document.front.updated, "updated");
            Page {
                path: document.path.clone(),
                title,
                slug,
                summary: document
                    .front
                    .summary
                    .as_deref()
                    .map_or_else(|| body.first_paragraph.clone(), crate::slug::collapse_whitespace),
                date,
                updated,
                html: body.html,
                extra: document.front.extra.clone(),
            }
        })
        .collect()
}

/// The slugs of the articles this build leaves out (drafts, scheduled, or broken ones): a
/// `translation_of` naming one is not reported as naming no article.
fn unpublished_slugs(documents: &[Document<ArticleFront>], heads: &[Option<ArticleHead>]) -> HashSet<String> {
    documents
        .iter()
        .zip(heads)
        .filter(|(_, head)| head.is_none())
        .map(|(document, _)| match &document.front.slug {
            Some(slug) => slug.get_ref().clone(),
            None => slugify(&document.stem()),
        })
        .collect()
}

/// Two articles with one slug would write one page: point at each later one's slug.
fn check_unique_slugs(published: &[(&Document<ArticleFront>, &ArticleHead)], diagnostics: &mut Vec<Diagnostic>) {
    let mut first_with: HashMap<&str, &Document<ArticleFront>> = HashMap::new();
    for (document, head) in published {
        let Some(first) = first_with.insert(&head.slug, document) else { continue };
        first_with.insert(&head.slug, first);
        let message = format!(
            "two articles would write articles/{}/index.html: {} and {}",
            head.slug,
            first.path.display(),
            document.path.display()
        );
        // Point at the first of the two (in path order), and name the second.
        let error = match &first.front.slug {
            Some(slug) => first.fragment().error_at("E040", message, slug.span()),
            None => Diagnostic::error("E040", message).in_file(&first.path).at_line(&first.text, 1),
        };
        diagnostics.push(
            error
                .field("slug")
                .note(format!("the other article is {}", document.path.display()))
                .hint("give one of them another `slug` (or file name): each article needs its own URL"),
        );
    }
}

type PageHead<'a> = (&'a crate::load::Document<crate::load::frontmatter::PageFront>, String, String);

fn check_pages<'a>(
    documents: &'a [crate::load::Document<crate::load::frontmatter::PageFront>],
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PageHead<'a>> {
    let mut heads = Vec::new();
    for document in documents.iter().filter(|d| config.drafts || !d.front.draft) {
        let slug = match &document.front.slug {
            Some(slug) => check_slug(&document.fragment(), slug),
            None => match slugify(&document.stem()) {
                s if s.is_empty() => {
                    Err(Diagnostic::error("E031", "the file name has no letters or digits, so the page has no URL")
                        .in_file(&document.path)
                        .hint("rename the file, or add `slug = \"...\"`"))
                }
                s => Ok(s),
            },
        };
        let title = document.front.title.get_ref().trim().to_string();
        if title.is_empty() {
            let error = document.fragment().error_at("E013", "the title is empty", document.front.title.span());
            diagnostics.push(error.field("title").hint("write the page's title"));
            continue;
        }
        let slug = slug.and_then(|slug| match &document.front.slug {
            Some(written) => {
                limits::check_file_name(&document.fragment(), written.span(), &slug, "slug", "the slug").map(|()| slug)
            }
            None if slug.len() > limits::MAX_FILE_NAME_BYTES => Err(Diagnostic::error(
                "E078",
                format!("the file name is too long for a URL slug: {} bytes", slug.len()),
            )
            .in_file(&document.path)
            .at_line(&document.text, 1)
            .field("slug")
            .hint("add a shorter `slug = \"...\"` to the front matter, or rename the file")),
            None => Ok(slug),
        });
        match slug {
            Ok(slug) => heads.push((document, title, slug)),
            Err(error) => diagnostics.push(error),
        }
    }
    heads
}

/// Tags keyed by slug, so that "New Energy" and "new  energy" are one tag.
#[derive(Default)]
struct TagIndex {
    by_slug: HashMap<String, usize>,
    slugs: Vec<String>,
    /// Spellings of each tag, with how often each is used.
    spellings: Vec<HashMap<String, usize>>,
}

impl TagIndex {
    fn add(&mut self, term: &Term) -> usize {
        let id = match self.by_slug.get(&term.slug) {
            Some(&id) => id,
            None => {
                self.by_slug.insert(term.slug.clone(), self.slugs.len());
                self.slugs.push(term.slug.clone());
                self.spellings.push(HashMap::new());
                self.slugs.len() - 1
            }
        };
        match self.spellings[id].get_mut(&term.text) {
            Some(count) => *count += 1,
            None => {
                self.spellings[id].insert(term.text.clone(), 1);
            }
        }
        id
    }

    /// The most used spelling names the tag; ties go to the alphabetically first.
    fn name(&self, id: usize) -> String {
        self.spellings[id]
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(name, _)| name.clone())
            .unwrap_or_default()
    }
}

/// What the site carries beside the articles, which `assemble` sorts or keeps as it is.
struct Carried {
    pages: Vec<Page>,
    static_files: Vec<PathBuf>,
    images: Vec<Arc<ImageAsset>>,
}

/// The index, derived from the drafted articles alone: their names resolved to tags and
/// entities, everything sorted, the cross-references built. The full build and
/// `Model::update` both end here, so a rule written here (or called from here) holds in
/// `build`, `check` and `serve` alike: see docs/architecture.md. `previous` (an update's
/// last related lists) lets the related lists be computed again only where an edit reaches.
fn assemble(
    config: Config,
    mut articles: Vec<Article>,
    mut registry: EntityRegistry,
    author_profiles: Vec<authors::AuthorProfile>,
    carried: Carried,
    previous: Option<related::Previous>,
) -> Site {
    // Path order, as `load` reads them: an entity without a profile is spelt as the first
    // article that names it.
    articles.sort_unstable_by_key(|a| a.named.order);
    let mut tag_index = TagIndex::default();
    for article in &mut articles {
        article.tags = unique(article.named.tags.iter().map(|term| tag_index.add(term)));
        article.entities = unique(article.named.entities.iter().filter_map(|term| registry.resolve_or_add_term(term)));
        article.mentions.clone_from(&article.named.mentions);
        article.deals = article
            .named
            .deals
            .iter()
            .map(|placed| deals::resolve_investors(placed.clone(), |name| registry.resolve_or_add(name)))
            .collect();
    }
    let Carried { pages, static_files, images } = carried;
    let mut site = index(config, articles, tag_index, registry, pages, static_files, images);
    // Derived from the sorted articles and indexes: authors, related articles, corrections.
    let clock = std::time::Instant::now();
    site.authors = authors::index(author_profiles, &site.articles);
    site.derived.push(("authors", clock.elapsed()));
    let clock = std::time::Instant::now();
    site.related = match previous {
        Some(previous) => related::updated(&site, previous),
        None => related::related(&site.articles, &site.tags, &site.entities),
    };
    site.derived.push(("related", clock.elapsed()));
    let clock = std::time::Instant::now();
    site.corrections = corrections::index(&site.articles);
    site.derived.push(("corrections", clock.elapsed()));
    site
}

/// The ids in first-seen order, each once.
fn unique(ids: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut kept = Vec::new();
    for id in ids {
        if !kept.contains(&id) {
            kept.push(id);
        }
    }
    kept
}

/// Ids sorted by `compare`, and their ranks: `rank[id]` is the id's place in that order.
fn ranks(count: usize, compare: impl Fn(usize, usize) -> std::cmp::Ordering) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|&a, &b| compare(a, b));
    let mut rank = vec![0; count];
    for (place, &id) in order.iter().enumerate() {
        rank[id] = place;
    }
    (order, rank)
}

/// The tags sorted by slug, each named by its most used spelling, and each id's new place.
fn sorted_tags(tag_index: &TagIndex) -> (Vec<Tag>, Vec<usize>) {
    let (order, rank) = ranks(tag_index.slugs.len(), |a, b| tag_index.slugs[a].cmp(&tag_index.slugs[b]));
    let tags = order
        .iter()
        .map(|&id| Tag { name: tag_index.name(id), slug: tag_index.slugs[id].clone(), articles: Vec::new() })
        .collect();
    (tags, rank)
}

/// The entities sorted by slug, their parents and children remapped, and each id's new place.
fn sorted_entities(mut entities: Vec<Entity>) -> (Vec<Entity>, Vec<usize>) {
    let (order, rank) = ranks(entities.len(), |a, b| entities[a].slug.cmp(&entities[b].slug));
    let mut slots: Vec<Option<Entity>> = entities.drain(..).map(Some).collect();
    let mut entities: Vec<Entity> = order.iter().filter_map(|&id| slots[id].take()).collect();
    for entity in &mut entities {
        entity.parent = entity.parent.map(|p| rank[p]);
        for child in &mut entity.children {
            *child = rank[*child];
        }
    }
    (entities, rank)
}

/// Sorts everything and builds the cross-references: articles of each tag and entity,
/// mentions, related entities.
fn index(
    config: Config,
    mut articles: Vec<Article>,
    tag_index: TagIndex,
    registry: EntityRegistry,
    mut pages: Vec<Page>,
    static_files: Vec<PathBuf>,
    images: Vec<Arc<ImageAsset>>,
) -> Site {
    articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    translations::link(&mut articles);
    let languages = language::lists(&articles, &config.language);

    let (mut tags, tag_rank) = sorted_tags(&tag_index);
    let (mut entities, entity_rank) = sorted_entities(registry.entities);
    let names: Vec<String> = entities.iter().map(|e| e.name.clone()).collect();
    for entity in &mut entities {
        entity.children.sort_by(|&a, &b| names[a].cmp(&names[b]));
    }
    let mut shared: Vec<HashMap<usize, usize>> = vec![HashMap::new(); entities.len()];
    for (index, article) in articles.iter_mut().enumerate() {
        renumber(article, &tag_rank, &entity_rank);
        list_article(index, article, &mut tags, &mut entities);
        count_entity_pairs(article, &mut shared);
    }
    set_related_entities(&mut entities, shared, &names);
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    let clock = std::time::Instant::now();
    let deals = places::index(&articles, &entities, config.deals);
    let derived = vec![("deals", clock.elapsed())];
    Site {
        config,
        articles,
        tags,
        entities,
        pages,
        static_files,
        images,
        languages,
        deals,
        authors: Vec::new(),
        related: Vec::new(),
        corrections: Vec::new(),
        derived,
    }
}

/// An article's tag, entity and deal ids moved to their places in the sorted tags and
/// entities (`rank[id]`); its mentions sorted by the new ids.
fn renumber(article: &mut Article, tag_rank: &[usize], entity_rank: &[usize]) {
    for tag in &mut article.tags {
        *tag = tag_rank[*tag];
    }
    for entity in &mut article.entities {
        *entity = entity_rank[*entity];
    }
    for (entity, _) in &mut article.mentions {
        *entity = entity_rank[*entity];
    }
    for deal in &mut article.deals {
        deal.place = entity_rank[deal.place];
        for investor in &mut deal.investors {
            *investor = entity_rank[*investor];
        }
    }
    article.mentions.sort_unstable();
}

/// Article `index` (renumbered) on the lists of its tags, of the entities it is tagged
/// with, and of those it only mentions.
fn list_article(index: usize, article: &Article, tags: &mut [Tag], entities: &mut [Entity]) {
    for &tag in &article.tags {
        tags[tag].articles.push(index);
    }
    for &entity in &article.entities {
        entities[entity].tagged.push(index);
    }
    for &(entity, _) in &article.mentions {
        if !article.entities.contains(&entity) {
            entities[entity].mentioned_only.push(index);
        }
    }
}

/// Counts, for each entity, the articles it is tagged in together with each other entity.
fn count_entity_pairs(article: &Article, shared: &mut [HashMap<usize, usize>]) {
    for &a in &article.entities {
        for &b in &article.entities {
            if a != b {
                *shared[a].entry(b).or_default() += 1;
            }
        }
    }
}

/// Each entity's related entities: the ten it shares the most articles with, by name on ties.
fn set_related_entities(entities: &mut [Entity], shared: Vec<HashMap<usize, usize>>, names: &[String]) {
    for (entity, counts) in entities.iter_mut().zip(shared) {
        let mut related: Vec<(usize, usize)> = counts.into_iter().collect();
        related.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| names[a.0].cmp(&names[b.0])));
        related.truncate(10);
        entity.related = related;
    }
}
