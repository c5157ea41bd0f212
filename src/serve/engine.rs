//! The serve engine: the site built into memory and kept exact, change after change.
//!
//! In: the build options and, after each save, the paths that changed. Out: a map from output
//! path to body (`ServedSite`), shared with the HTTP server, and a `Rebuild` report.
//!
//! The engine only decides what changed: changed article files are read and handed to the
//! model's one entry point for change, `Model::update`, which makes the model a full build
//! would; anything else (settings, templates, profiles, pages, static files) runs the
//! pipeline's stages again (`pipeline::Run`). Either way every output's fingerprint
//! (`render::reads`) is recomputed and only the outputs whose fingerprint changed are
//! rendered; the rest keep their bytes. A failed rebuild changes nothing that is served: the
//! last good site stays, and the changed paths are remembered until a rebuild succeeds.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rayon::prelude::*;
use tera::Value;

use crate::config::{self, BuildOptions};
use crate::diagnostics::Diagnostic;
use crate::load::frontmatter::ArticleFront;
use crate::load::{self, Document, TemplateFile};
use crate::model::{Model, Reach, Site};
use crate::pipeline::{Planned, Run};
use crate::plan::{self, Output};
use crate::render::reads::{self, ArticleHashes};
use crate::render::{self, Body, Renderer, Templates, views};
use crate::search;
use crate::urls::Urls;

/// One output's body as served.
#[derive(Debug, Clone)]
pub enum Served {
    Bytes(Bytes),
    /// A file below `static/`, read when it is requested (`request::read_inside`).
    File(PathBuf),
}

/// What the server serves: every output path (relative, with `/`) and its body.
#[derive(Debug, Default)]
pub struct ServedSite {
    pub files: HashMap<String, (u64, Served)>,
    /// The problems of the last rebuild when it failed: the site is then the last good one.
    pub errors: Vec<Diagnostic>,
    /// Counts successful rebuilds that changed something; pages compare it to reload.
    pub generation: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebuildKind {
    /// Every stage ran again.
    Full,
    /// One article was patched into the model.
    OneArticle,
    /// Nothing the site is built from changed.
    Nothing,
    /// The search index caught up with the pages served (`Engine::index`).
    Index,
}

struct Stopwatch(Instant);

impl Stopwatch {
    fn lap(&mut self, rebuild: &mut Rebuild, stage: &'static str) {
        rebuild.timings.push((stage, self.0.elapsed()));
        self.0 = Instant::now();
    }
}

/// Every article's hash (`reads::article_hash`); the part `draft_article` made is kept in
/// `own_hashes` by drafting, so that only articles drafted again are hashed whole.
fn article_hashes(site: &crate::model::Site, own_hashes: &mut HashMap<u64, u64>) -> Vec<u64> {
    let own: Vec<u64> = site
        .articles
        .par_iter()
        .map(|a| own_hashes.get(&a.named.revision).copied().unwrap_or_else(|| reads::own_hash(a)))
        .collect();
    *own_hashes = site.articles.iter().map(|a| a.named.revision).zip(own.iter().copied()).collect();
    site.articles.par_iter().zip(&own).map(|(a, &own)| reads::article_hash(site, a, own)).collect()
}

/// What a rebuild did.
#[derive(Debug)]
pub struct Rebuild {
    pub kind: RebuildKind,
    /// Errors (the rebuild failed, nothing served changed) and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Output paths whose bytes changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// Outputs rendered (their fingerprint changed), out of `outputs`.
    pub rendered: usize,
    pub outputs: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

impl Rebuild {
    fn new(kind: RebuildKind) -> Self {
        Rebuild { kind, diagnostics: Vec::new(), changed: Vec::new(), rendered: 0, outputs: 0, timings: Vec::new() }
    }

    pub fn succeeded(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn total(&self) -> Duration {
        self.timings.iter().map(|(_, t)| *t).sum()
    }
}

/// The last good model and what the next rebuild reuses from it.
pub struct State {
    pub model: Model,
    /// Compiled once, and again only when a template file changes.
    pub templates: Templates,
    pub template_files: Vec<TemplateFile>,
    /// Rendered cards by `reads::card_key`: a card is rendered again only when what it shows,
    /// the templates or the `site` variable changed.
    pub cards: HashMap<u64, Value>,
    /// The plan the served site was rendered from.
    pub outputs: Vec<Output>,
    /// `reads::own_hash` of each article, by its drafting (`named.revision`).
    pub own_hashes: HashMap<u64, u64>,
    /// Each article's search record: a save tokenizes only the articles it changed.
    pub search: search::Records,
}

pub struct Engine {
    options: BuildOptions,
    root: PathBuf,
    state: Option<State>,
    served: Arc<RwLock<ServedSite>>,
    /// Sources changed since the last good rebuild, relative to the root.
    pending: BTreeSet<PathBuf>,
    /// The paths of the search index files served: a rebuild of the pages keeps them.
    index_paths: HashSet<String>,
    /// The pages changed since the search index was last made.
    index_stale: bool,
}

impl Engine {
    pub fn new(options: BuildOptions) -> Self {
        let root = std::fs::canonicalize(&options.root).unwrap_or_else(|_| options.root.clone());
        Engine {
            options,
            root,
            state: None,
            served: Arc::default(),
            pending: BTreeSet::new(),
            index_paths: HashSet::new(),
            index_stale: false,
        }
    }

    /// The served site, shared with the server.
    pub fn served(&self) -> Arc<RwLock<ServedSite>> {
        Arc::clone(&self.served)
    }

    /// Drops the model, so that the next change rebuilds everything (after an internal error).
    pub fn forget(&mut self) {
        self.state = None;
    }

    /// Builds everything again (keeping the bytes of outputs whose inputs did not change),
    /// the search index included.
    pub fn rebuild_all(&mut self) -> Rebuild {
        let rebuild = self.rebuild_all_pages();
        self.with_index(rebuild)
    }

    /// Brings the served site up to date after `paths` changed (absolute, or relative to the
    /// root), the search index included; paths the build does not read are ignored.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Rebuild {
        let rebuild = self.apply_pages(paths);
        self.with_index(rebuild)
    }

    /// `rebuild` followed by the search index, as one report.
    fn with_index(&mut self, mut rebuild: Rebuild) -> Rebuild {
        if let Some(index) = self.index() {
            rebuild.diagnostics.extend(index.diagnostics);
            rebuild.changed.extend(index.changed);
            rebuild.timings.extend(index.timings);
        }
        rebuild
    }

    /// `rebuild_all` without the search index, which `index` then brings up to date: the
    /// pages are served as soon as they are rendered.
    pub fn rebuild_all_pages(&mut self) -> Rebuild {
        let mut rebuild = Rebuild::new(RebuildKind::Full);
        let previous = self.state.take();
        let result = self.full(previous, &mut rebuild);
        self.conclude(rebuild, result)
    }

    /// `apply` without the search index (see `rebuild_all_pages`).
    pub fn apply_pages(&mut self, paths: &[PathBuf]) -> Rebuild {
        let relevant: Vec<PathBuf> = paths.iter().filter_map(|p| self.relative(p)).collect();
        if relevant.is_empty() {
            return Rebuild::new(RebuildKind::Nothing);
        }
        self.pending.extend(relevant);
        // An image beside an article is not an article: it takes a full rebuild, which reads
        // and hashes the images again.
        let only_articles = self.pending.iter().all(|p| {
            p.starts_with(load::ARTICLES_DIR) && p.extension().is_some_and(|e| e == "md") && !self.root.join(p).is_dir()
        });
        match self.state.take() {
            Some(state) if only_articles => self.update(state),
            _ => self.rebuild_all_pages(),
        }
    }

    /// The pending article files, read again and handed to the model.
    fn update(&mut self, mut state: State) -> Rebuild {
        let mut rebuild = Rebuild::new(RebuildKind::OneArticle);
        let started = Instant::now();
        let mut changed: Vec<Document<ArticleFront>> = Vec::new();
        let mut removed = Vec::new();
        for path in &self.pending {
            if !self.root.join(path).is_file() {
                removed.push(path.clone());
                continue;
            }
            let read = load::read_text(&self.root, path).and_then(|text| load::parse_document(path.clone(), text));
            match read {
                Ok(document) => changed.push(document),
                Err(error) => rebuild.diagnostics.push(error),
            }
        }
        if !rebuild.diagnostics.is_empty() {
            self.state = Some(state);
            return self.conclude(rebuild, Err(()));
        }
        let mut config = state.model.site.config.clone();
        config.now = self.options.clock.unwrap_or_else(|| chrono::Local::now().fixed_offset());
        rebuild.timings.push(("read", started.elapsed()));
        let lap = Instant::now();
        let (model, reach, warnings) = match state.model.update(config, changed, &removed) {
            Ok(updated) => updated,
            Err((model, diagnostics)) => {
                rebuild.diagnostics = diagnostics;
                self.state = model.map(|model| State { model, ..state });
                return self.conclude(rebuild, Err(()));
            }
        };
        rebuild.timings.push(("model", lap.elapsed()));
        if reach == Reach::Everything {
            rebuild.kind = RebuildKind::Full;
        }
        rebuild.diagnostics = warnings;
        let mut clock = Stopwatch(Instant::now());
        let outputs = match plan::plan(&model.site) {
            Ok(outputs) => outputs,
            Err(errors) => {
                rebuild.diagnostics.extend(errors);
                return self.conclude(rebuild, Err(()));
            }
        };
        clock.lap(&mut rebuild, "plan");
        state.model = model;
        let result = self.publish(state, outputs, &mut rebuild, clock);
        self.conclude(rebuild, result)
    }

    /// `path` relative to the root, when the build reads it.
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        let relative = if path.is_absolute() {
            path.strip_prefix(&self.root).ok()?.to_path_buf()
        } else {
            path.strip_prefix(&self.options.root).unwrap_or(path).to_path_buf()
        };
        let watched =
            [load::CONTENT_DIR, load::TEMPLATES_DIR, load::STATIC_DIR].iter().any(|d| relative.starts_with(d))
                || relative == Path::new(config::CONFIG_FILE);
        // A renamed folder arrives as the folder alone, which `skips` would not recognise.
        let read = !load::skips(&relative) || self.root.join(&relative).is_dir();
        (watched && read).then_some(relative)
    }

    /// The output paths of the pending static files that are served.
    fn pending_static_files(&self) -> Vec<String> {
        let served = self.served.read().unwrap_or_else(PoisonError::into_inner);
        self.pending
            .iter()
            .filter_map(|p| p.strip_prefix(load::STATIC_DIR).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .filter(|p| served.files.contains_key(p))
            .collect()
    }

    /// Records the outcome: on success the pending changes are done, on failure the errors
    /// are shown beside the last good site.
    fn conclude(&mut self, mut rebuild: Rebuild, result: Result<(), ()>) -> Rebuild {
        let failed = result.is_err() || !rebuild.succeeded();
        // A static file is served from disk, so its path stays served and its output is never
        // rendered: an edit of it is known from the pending path alone.
        let mut edited = if failed { Vec::new() } else { self.pending_static_files() };
        edited.retain(|p| !rebuild.changed.contains(p));
        if !failed {
            self.pending.clear();
        }
        if let Ok(mut served) = self.served.write() {
            if !edited.is_empty() {
                rebuild.changed.extend(edited);
                served.generation += 1;
            }
            served.errors = if failed {
                rebuild.diagnostics.iter().filter(|d| d.is_error()).cloned().collect()
            } else {
                Vec::new()
            };
        }
        rebuild
    }

    /// The build's stages, in memory; the templates and cards of `previous` are reused when
    /// they still apply.
    fn full(&mut self, previous: Option<State>, rebuild: &mut Rebuild) -> Result<(), ()> {
        let mut run = Run::default();
        let (compiled, cards, own_hashes, search) = match previous {
            Some(old) => (Some((old.template_files, old.templates)), old.cards, old.own_hashes, old.search),
            None => (None, HashMap::new(), HashMap::new(), Default::default()),
        };
        let planned = run.config(&self.options).and_then(|mut config| {
            config.image_cache = serve_cache(&config);
            let loaded = run.load(&config);
            run.plan_site(config, loaded, true, compiled)
        });
        rebuild.diagnostics.append(&mut run.diagnostics);
        rebuild.timings.append(&mut run.timings);
        let Planned { model, templates, template_files, outputs } = planned.ok_or(())?;
        let state = State { model, templates, template_files, cards, outputs: Vec::new(), own_hashes, search };
        self.publish(state, outputs, rebuild, Stopwatch(Instant::now()))
    }

    /// Makes the cards that changed, fingerprints every output, renders those whose
    /// fingerprint changed and swaps them into the served site; keeps `state` as the last good
    /// one when all went well. The search index is left to `index`.
    fn publish(
        &mut self,
        mut state: State,
        outputs: Vec<Output>,
        rebuild: &mut Rebuild,
        mut clock: Stopwatch,
    ) -> Result<(), ()> {
        let site = &state.model.site;
        // With a warm cache this only looks the variants up: an edit of text makes no image.
        crate::images::process(&site.config, &site.images, None)
            .map_err(|errors| rebuild.diagnostics.extend(errors))?;
        clock.lap(rebuild, "images");
        let urls = Urls::new(&site.config.base_url);
        let site_value = render::site_value(site, &urls);
        let global = reads::global(&site.config, &state.template_files, &site_value);
        let (card_keys, cards) = cards(site, &state.templates, &site_value, global, &mut state.cards)
            .map_err(|errors| rebuild.diagnostics.extend(errors))?;
        clock.lap(rebuild, "cards");

        let article_hashes = article_hashes(site, &mut state.own_hashes);
        let hashes = ArticleHashes { cards: &card_keys, articles: &article_hashes };
        let fingerprints = reads::fingerprints(site, &outputs, global, &hashes);
        let dirty = self.dirty(&outputs, &fingerprints);
        clock.lap(rebuild, "fingerprint");

        let renderer = Renderer::with_cards(site, &state.templates, &outputs, cards);
        clock.lap(rebuild, "prepare");
        let bodies = render_dirty(&renderer, &outputs, &dirty, rebuild);
        drop(renderer);
        clock.lap(rebuild, "render");
        if !rebuild.succeeded() {
            // The model is good and the served fingerprints still describe the served bytes.
            self.state = Some(state);
            return Err(());
        }
        rebuild.rendered = dirty.len();
        rebuild.outputs = outputs.len();
        self.swap_in(&outputs, (&dirty, &fingerprints, bodies), rebuild);
        clock.lap(rebuild, "publish");
        state.outputs = outputs;
        self.state = Some(state);
        self.index_stale = true;
        Ok(())
    }

    /// The outputs whose fingerprint differs from the served one's.
    fn dirty(&self, outputs: &[Output], fingerprints: &[u64]) -> Vec<usize> {
        let served = self.served.read().unwrap_or_else(PoisonError::into_inner);
        (0..outputs.len())
            .filter(|&i| served.files.get(&outputs[i].path).is_none_or(|(old, _)| *old != fingerprints[i]))
            .collect()
    }

    /// Brings the search index up to date with the pages served, when a rebuild of the pages
    /// changed them since it was last made (`None` when it is up to date): the index as a
    /// fresh build writes it (`search::site_files`, from the records kept since the last
    /// save), swapped in whole. A file named after bytes already served keeps them rather
    /// than being compressed again.
    pub fn index(&mut self) -> Option<Rebuild> {
        let state = self.state.as_mut().filter(|_| self.index_stale)?;
        self.index_stale = false;
        let mut rebuild = Rebuild::new(RebuildKind::Index);
        let started = Instant::now();
        let site = &state.model.site;
        let files = if site.config.search { search::site_files(site, &mut state.search) } else { Vec::new() };
        let served = self.served.read().unwrap_or_else(PoisonError::into_inner);
        let known = |path: &str| match served.files.get(path) {
            Some((_, Served::Bytes(bytes))) => Some(bytes.clone()),
            _ => None,
        };
        let files: Vec<(String, Bytes)> = files
            .into_par_iter()
            .map(|file| {
                let bytes = file.compress.then(|| known(&file.path)).flatten();
                (file.path.clone(), bytes.unwrap_or_else(|| Bytes::from(file.into_bytes())))
            })
            .collect();
        drop(served);
        rebuild.timings.push(("search", started.elapsed()));
        let lap = Instant::now();
        self.swap_in_index(files, &mut rebuild);
        rebuild.timings.push(("publish", lap.elapsed()));
        Some(rebuild)
    }

    /// Swaps the rendered outputs (`dirty` of `outputs`, with every output's fingerprint) into
    /// the served site, and drops what is no longer built; the search index stays.
    fn swap_in(
        &self,
        outputs: &[Output],
        (dirty, fingerprints, bodies): (&[usize], &[u64], Vec<Served>),
        rebuild: &mut Rebuild,
    ) {
        let mut served = self.served.write().unwrap_or_else(PoisonError::into_inner);
        let rendered = dirty.iter().map(|&i| (outputs[i].path.clone(), fingerprints[i])).zip(bodies);
        let added = served.insert_changed(rendered, rebuild);
        // Plan paths are unique, so with nothing added the counts match unless some are gone.
        if added || served.files.len() != outputs.len() + self.index_paths.len() {
            let planned: HashSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
            served.remove_where(|path| !planned.contains(path) && !self.index_paths.contains(path), rebuild);
        }
        served.count_generation(rebuild);
    }

    /// Swaps a new search index in for the served one.
    fn swap_in_index(&mut self, files: Vec<(String, Bytes)>, rebuild: &mut Rebuild) {
        let mut served = self.served.write().unwrap_or_else(PoisonError::into_inner);
        let paths: HashSet<String> = files.iter().map(|(path, _)| path.clone()).collect();
        // The index has no fingerprint: its files are compared by their bytes.
        served.insert_changed(files.into_iter().map(|(path, bytes)| ((path, 0), Served::Bytes(bytes))), rebuild);
        served.remove_where(|path| self.index_paths.contains(path) && !paths.contains(path), rebuild);
        served.count_generation(rebuild);
        self.index_paths = paths;
    }
}

impl ServedSite {
    /// Serves each body at its path, noting in `rebuild` the paths whose bytes changed;
    /// whether a path was new.
    fn insert_changed(&mut self, bodies: impl Iterator<Item = ((String, u64), Served)>, rebuild: &mut Rebuild) -> bool {
        let mut added = false;
        for ((path, fingerprint), body) in bodies {
            let same = match (self.files.get(&path), &body) {
                (Some((_, Served::Bytes(old))), Served::Bytes(new)) => old == new,
                (Some((_, Served::File(old))), Served::File(new)) => old == new,
                (None, _) => {
                    added = true;
                    false
                }
                _ => false,
            };
            if !same {
                rebuild.changed.push(path.clone());
            }
            self.files.insert(path, (fingerprint, body));
        }
        added
    }

    /// Stops serving the paths that `gone` picks.
    fn remove_where(&mut self, gone: impl Fn(&str) -> bool, rebuild: &mut Rebuild) {
        let paths: Vec<String> = self.files.keys().filter(|p| gone(p)).cloned().collect();
        for path in paths {
            self.files.remove(&path);
            rebuild.changed.push(path);
        }
    }

    /// A new generation when `rebuild` changed something, so that open pages reload.
    fn count_generation(&mut self, rebuild: &Rebuild) {
        if !rebuild.changed.is_empty() {
            self.generation += 1;
        }
    }
}

/// Every article's card, made again only where its key is new; `kept` then holds the cards of
/// this site alone (values are shared, not copied). The keys and the cards, in article order.
fn cards(
    site: &Site,
    templates: &Templates,
    site_value: &Value,
    global: u64,
    kept: &mut HashMap<u64, Value>,
) -> Result<(Vec<u64>, Vec<Value>), Vec<Diagnostic>> {
    let urls = Urls::new(&site.config.base_url);
    let card_keys: Vec<u64> = site.articles.par_iter().map(|a| reads::card_key(global, site, a)).collect();
    let missing: Vec<usize> = (0..card_keys.len()).filter(|&i| !kept.contains_key(&card_keys[i])).collect();
    let made = render::render_cards(templates, site_value, views::cards_of(site, &urls, &missing))?;
    kept.extend(missing.iter().map(|&i| card_keys[i]).zip(made));
    let cards: Vec<Value> = card_keys.iter().filter_map(|key| kept.get(key).cloned()).collect();
    *kept = card_keys.iter().copied().zip(cards.iter().cloned()).collect();
    Ok((card_keys, cards))
}

/// The bodies of the `dirty` outputs; their errors go to `rebuild`.
fn render_dirty(renderer: &Renderer, outputs: &[Output], dirty: &[usize], rebuild: &mut Rebuild) -> Vec<Served> {
    let results: Vec<Result<Body, Diagnostic>> = dirty.par_iter().map(|&i| renderer.render(&outputs[i])).collect();
    let mut bodies = Vec::with_capacity(dirty.len());
    for result in results {
        match result {
            Ok(Body::Bytes(bytes)) => bodies.push(Served::Bytes(Bytes::from(bytes))),
            Ok(Body::File(path) | Body::Linked(path)) => bodies.push(Served::File(path)),
            Err(error) => rebuild.diagnostics.push(error),
        }
    }
    rebuild.diagnostics = crate::diagnostics::collapse_repeats(std::mem::take(&mut rebuild.diagnostics));
    bodies
}

/// Where `serve`, which writes no output, keeps the variants it makes: the output's image
/// cache (which the next build carries on) when a build may replace the output, else a folder
/// of the system's temporary directory named after the site, so that `serve` never writes
/// into a folder that is not gazette's.
fn serve_cache(config: &crate::config::Config) -> std::path::PathBuf {
    let output = crate::write::guard::resolve_output(&config.output).unwrap_or_else(|_| config.output.clone());
    let ours = crate::write::guard::check_not_sources(&config.root, &output, &config.output).is_ok()
        && crate::write::guard::check_replaceable(&output, &config.output, false).is_ok();
    if ours {
        return config.image_cache.clone();
    }
    let site = crate::write::guard::canonical(&config.root);
    let key = xxhash_rust::xxh3::xxh3_64(site.as_os_str().as_encoded_bytes());
    std::env::temp_dir().join(format!("gazette-images-{key:016x}"))
}
