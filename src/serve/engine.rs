//! The serve engine: the site built into memory and kept exact, change after change.
//!
//! In: the build options and, after each save, the paths that changed. Out: a map from output
//! path to body (`ServedSite`), shared with the HTTP server, and a `Rebuild` report.
//!
//! Two ways to a new model: one changed article is patched into the last good model
//! (`patch`), anything else runs the build's own stages again (config → load → templates →
//! model → plan). Either way every output's fingerprint (`inputs`) is recomputed and only the
//! outputs whose fingerprint changed are rendered; the rest keep their bytes. A failed
//! rebuild changes nothing that is served: the last good site stays, and the changed paths
//! are remembered until a rebuild succeeds.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use tera::Value;

use super::inputs::{self, ArticleHashes};
use super::patch::{self, Patched, TagSpellings};
use crate::config::{self, BuildOptions};
use crate::diagnostics::Diagnostic;
use crate::load::{self, TemplateFile};
use crate::model::mentions::MentionFinder;
use crate::model::{self, LinkResolver, Site, Sources};
use crate::plan::{self, Output};
use crate::render::{self, Body, Renderer, Templates, views};
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
    pub site: Site,
    pub sources: Sources,
    pub resolver: LinkResolver,
    /// Finds mentions by the entities' indices in `site` (the model's own finder uses
    /// registry ids, which the site no longer knows).
    pub finder: MentionFinder,
    pub template_files: Vec<TemplateFile>,
    /// Rendered cards, their fingerprints and the articles' fingerprints, by article index.
    pub cards: Vec<Value>,
    pub card_hashes: Vec<u64>,
    pub article_hashes: Vec<u64>,
    pub spellings: TagSpellings,
    /// The earliest date of an article left out only for being in the future: once the clock
    /// passes it, the set of published articles changes and only a full rebuild sees it.
    pub next_scheduled: Option<DateTime<FixedOffset>>,
    /// The plan the served site was rendered from (empty while a rebuild holds it).
    pub outputs: Vec<Output>,
}

pub struct Engine {
    options: BuildOptions,
    root: PathBuf,
    state: Option<State>,
    served: Arc<RwLock<ServedSite>>,
    /// Sources changed since the last good rebuild, relative to the root.
    pending: BTreeSet<PathBuf>,
}

struct Stopwatch(Instant);

impl Stopwatch {
    fn lap(&mut self, rebuild: &mut Rebuild, stage: &'static str) {
        rebuild.timings.push((stage, self.0.elapsed()));
        self.0 = Instant::now();
    }
}

impl Engine {
    pub fn new(options: BuildOptions) -> Self {
        let root = std::fs::canonicalize(&options.root).unwrap_or_else(|_| options.root.clone());
        Engine { options, root, state: None, served: Arc::default(), pending: BTreeSet::new() }
    }

    /// The served site, shared with the server.
    pub fn served(&self) -> Arc<RwLock<ServedSite>> {
        Arc::clone(&self.served)
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Drops the model, so that the next change rebuilds everything (after an internal error).
    pub fn forget(&mut self) {
        self.state = None;
    }

    /// Builds everything again (keeping the bytes of outputs whose inputs did not change).
    pub fn rebuild_all(&mut self) -> Rebuild {
        let mut rebuild = Rebuild::new(RebuildKind::Full);
        self.state = None;
        let result = self.full(&mut rebuild);
        self.conclude(rebuild, result)
    }

    /// Brings the served site up to date after `paths` changed (absolute, or relative to the
    /// root); paths the build does not read are ignored.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Rebuild {
        let relevant: Vec<PathBuf> = paths.iter().filter_map(|p| self.relative(p)).collect();
        if relevant.is_empty() {
            return Rebuild::new(RebuildKind::Nothing);
        }
        self.pending.extend(relevant);
        let single_article = match (self.pending.len(), self.pending.first()) {
            (1, Some(path)) if path.starts_with(load::ARTICLES_DIR) && self.root.join(path).is_file() => {
                Some(path.clone())
            }
            _ => None,
        };
        if let (Some(path), Some(state)) = (single_article, self.state.take()) {
            let mut rebuild = Rebuild::new(RebuildKind::OneArticle);
            match patch::one_article(state, &self.options, &path) {
                Patched::Applied { state, templates, outputs, warnings, timings } => {
                    rebuild.timings = timings;
                    rebuild.diagnostics = warnings;
                    let result = self.publish(state, templates, outputs, &mut rebuild, Stopwatch(Instant::now()));
                    return self.conclude(rebuild, result);
                }
                Patched::Unpublished(state) => {
                    self.state = Some(state);
                    return self.conclude(rebuild, Ok(()));
                }
                Patched::Broken(state, diagnostics) => {
                    self.state = Some(state);
                    rebuild.diagnostics = diagnostics;
                    return self.conclude(rebuild, Err(()));
                }
                Patched::NotApplicable(_) => {}
            }
        }
        self.rebuild_all()
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

    /// Records the outcome: on success the pending changes are done, on failure the errors
    /// are shown beside the last good site.
    fn conclude(&mut self, rebuild: Rebuild, result: Result<(), ()>) -> Rebuild {
        let failed = result.is_err() || !rebuild.succeeded();
        if !failed {
            self.pending.clear();
        }
        if let Ok(mut served) = self.served.write() {
            served.errors = if failed {
                rebuild.diagnostics.iter().filter(|d| d.is_error()).cloned().collect()
            } else {
                Vec::new()
            };
        }
        rebuild
    }

    /// The build's stages, in memory.
    fn full(&mut self, rebuild: &mut Rebuild) -> Result<(), ()> {
        let mut clock = Stopwatch(Instant::now());
        let config = config::load(&self.options).map_err(|error| rebuild.diagnostics.push(error))?;
        let (mut loaded, load_diagnostics) = load::load(&config);
        rebuild.diagnostics.extend(load_diagnostics);
        clock.lap(rebuild, "load");

        let template_files = std::mem::take(&mut loaded.templates);
        let templates = Templates::compile(&template_files).map_err(|errors| rebuild.diagnostics.extend(errors)).ok();
        let (site, sources, resolver, model_diagnostics) = model::build_keeping_resolver(config, loaded);
        rebuild.diagnostics.extend(model_diagnostics);
        clock.lap(rebuild, "model");
        let (Some(site), Some(templates)) = (site.filter(|_| rebuild.succeeded()), templates) else { return Err(()) };
        let outputs = plan::plan(&site).map_err(|errors| rebuild.diagnostics.extend(errors))?;
        clock.lap(rebuild, "plan");
        crate::images::process(&site.config, &site.images).map_err(|errors| rebuild.diagnostics.extend(errors))?;
        clock.lap(rebuild, "images");

        let urls = Urls::new(&site.config.base_url);
        let site_value = render::site_value(&site, &urls);
        let cards = render::render_cards(&templates, &site_value, views::cards(&site, &urls))
            .map_err(|errors| rebuild.diagnostics.extend(errors))?;
        let card_hashes = cards.par_iter().map(inputs::value_hash).collect();
        let article_hashes = site.articles.par_iter().map(|a| inputs::article_hash(&site, a)).collect();
        let finder = patch::mention_finder(&site);
        let spellings = TagSpellings::of(&site, &sources);
        let next_scheduled = patch::next_scheduled(&site, &sources);
        clock.lap(rebuild, "cards");
        let state = State {
            site,
            sources,
            resolver,
            finder,
            template_files,
            cards,
            card_hashes,
            article_hashes,
            spellings,
            next_scheduled,
            outputs: Vec::new(),
        };
        self.publish(state, templates, outputs, rebuild, clock)
    }

    /// Fingerprints every output, renders those whose fingerprint changed and swaps them into
    /// the served site; keeps `state` as the last good one when all went well.
    fn publish(
        &mut self,
        mut state: State,
        templates: Templates,
        outputs: Vec<Output>,
        rebuild: &mut Rebuild,
        mut clock: Stopwatch,
    ) -> Result<(), ()> {
        let site = &state.site;
        let site_value = render::site_value(site, &Urls::new(&site.config.base_url));
        let global = inputs::global(&site.config, &state.template_files, &site_value);
        let hashes = ArticleHashes { cards: &state.card_hashes, articles: &state.article_hashes };
        let fingerprints = inputs::fingerprints(site, &outputs, global, &hashes);
        let dirty: Vec<usize> = {
            let served = self.served.read().unwrap_or_else(PoisonError::into_inner);
            (0..outputs.len())
                .filter(|&i| served.files.get(&outputs[i].path).is_none_or(|(old, _)| *old != fingerprints[i]))
                .collect()
        };
        clock.lap(rebuild, "fingerprint");

        let renderer = Renderer::with_cards(site, templates, &outputs, std::mem::take(&mut state.cards));
        clock.lap(rebuild, "prepare");
        let results: Vec<Result<Body, Diagnostic>> = dirty.par_iter().map(|&i| renderer.render(&outputs[i])).collect();
        state.cards = renderer.into_cards();
        let mut bodies = Vec::with_capacity(dirty.len());
        for result in results {
            match result {
                Ok(Body::Bytes(bytes)) => bodies.push(Served::Bytes(Bytes::from(bytes))),
                Ok(Body::File(path)) => bodies.push(Served::File(path)),
                Err(error) => rebuild.diagnostics.push(error),
            }
        }
        rebuild.diagnostics = crate::diagnostics::collapse_repeats(std::mem::take(&mut rebuild.diagnostics));
        clock.lap(rebuild, "render");
        if !rebuild.succeeded() {
            // The model is good and the served fingerprints still describe the served bytes.
            self.state = Some(state);
            return Err(());
        }
        rebuild.rendered = dirty.len();
        rebuild.outputs = outputs.len();
        self.swap_in(&outputs, &dirty, &fingerprints, bodies, rebuild);
        clock.lap(rebuild, "publish");
        state.outputs = outputs;
        self.state = Some(state);
        Ok(())
    }

    fn swap_in(
        &self,
        outputs: &[Output],
        dirty: &[usize],
        fingerprints: &[u64],
        bodies: Vec<Served>,
        rebuild: &mut Rebuild,
    ) {
        let mut served = self.served.write().unwrap_or_else(PoisonError::into_inner);
        let mut added = false;
        for (&i, body) in dirty.iter().zip(bodies) {
            let path = &outputs[i].path;
            let same = match (served.files.get(path), &body) {
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
            served.files.insert(path.clone(), (fingerprints[i], body));
        }
        // Plan paths are unique, so with nothing added the counts match unless some are gone.
        if added || served.files.len() != outputs.len() {
            let planned: std::collections::HashSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
            let gone: Vec<String> = served.files.keys().filter(|p| !planned.contains(p.as_str())).cloned().collect();
            for path in gone {
                served.files.remove(&path);
                rebuild.changed.push(path);
            }
        }
        if !rebuild.changed.is_empty() {
            served.generation += 1;
        }
    }
}
