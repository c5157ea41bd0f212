//! The pipeline driver: every stage run, timed and its problems collected, in one place.
//!
//! config → load → templates → model → plan → images → render → write, then search. A command is a
//! short function that calls the stages it needs, in this order, and says where their results
//! go: `build` writes them, `check` keeps only the problems (and adds the lints), `serve`
//! keeps the model in memory. Each stage method records the stage's diagnostics and its wall
//! time in the `Run` and returns `None` when the stage failed (the errors are in the `Run`);
//! templates and model both run even when the other failed, so that one run reports both.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::config::{self, BuildOptions, Config};
use crate::diagnostics::Diagnostic;
use crate::load::{self, Loaded, TemplateFile};
use crate::model::{Model, Site, Sources};
use crate::plan::{self, Output};
use crate::render::{Renderer, Templates};

/// One run of the pipeline: what its stages reported, and how long each took.
#[derive(Debug)]
pub struct Run {
    /// Errors and warnings, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// Each stage's wall time, and the process's resident memory when it ended (bytes; 0
    /// where the system does not say).
    pub timings: Vec<(&'static str, Duration)>,
    pub memory: Vec<u64>,
    clock: Instant,
}

impl Default for Run {
    fn default() -> Self {
        Run { diagnostics: Vec::new(), timings: Vec::new(), memory: Vec::new(), clock: Instant::now() }
    }
}

/// The stages up to the plan: what `build`, `check` and `serve` all need.
pub struct Planned {
    pub model: Model,
    pub templates: Templates,
    pub template_files: Vec<TemplateFile>,
    pub outputs: Vec<Output>,
}

impl Run {
    pub fn succeeded(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Ends the current stage: its wall time and the memory held when it ended.
    pub fn lap(&mut self, stage: &'static str) {
        self.timings.push((stage, self.clock.elapsed()));
        self.memory.push(resident_memory());
        self.clock = Instant::now();
    }

    /// Keeps a stage's result, or its errors.
    pub fn keep<T>(&mut self, result: Result<T, Vec<Diagnostic>>) -> Option<T> {
        result.map_err(|errors| self.diagnostics.extend(errors)).ok()
    }

    /// Stage 1: `site.toml` and the command's options.
    pub fn config(&mut self, options: &BuildOptions) -> Option<Config> {
        let config = self.keep(config::load(options).map_err(|error| vec![error]));
        self.lap("config");
        config
    }

    /// Stage 2: every source file, read and parsed.
    pub fn load(&mut self, config: &Config) -> Loaded {
        let (loaded, diagnostics) = load::load(config);
        self.diagnostics.extend(diagnostics);
        self.lap("load");
        loaded
    }

    /// The site's templates over the built-in theme, compiled.
    pub fn templates(&mut self, files: &[TemplateFile]) -> Option<Templates> {
        let templates = self.keep(Templates::compile(files));
        self.lap("templates");
        templates
    }

    /// Stage 3: the model; with `keep_sources` it keeps the documents (for `serve`'s updates
    /// and `check`'s lints), handed back on failure.
    pub fn model(&mut self, config: Config, loaded: Loaded, keep_sources: bool) -> Result<Model, Sources> {
        let (model, diagnostics) = Model::build(config, loaded, keep_sources);
        self.diagnostics.extend(diagnostics);
        self.lap("model");
        model
    }

    /// Stage 4: the outputs.
    pub fn plan(&mut self, site: &Site) -> Option<Vec<Output>> {
        let outputs = self.keep(plan::plan(site));
        self.lap("plan");
        outputs
    }

    /// Stage 4b: every image variant the plan names, made or found in the image cache (or
    /// in `previous`, the last build's).
    pub fn images(&mut self, site: &Site, previous: Option<&Path>) -> Option<crate::images::ImagesReport> {
        let report = self.keep(crate::images::process(&site.config, &site.images, previous));
        self.lap("images");
        report
    }

    /// Stage 5's preparation: the renderer, with every article's card made.
    pub fn renderer<'a>(
        &mut self,
        site: &'a Site,
        templates: &'a Templates,
        outputs: &[Output],
    ) -> Option<Renderer<'a>> {
        let renderer = self.keep(Renderer::new(site, templates, outputs));
        self.lap("prepare");
        renderer
    }

    /// Templates, model and plan over what was loaded: `None` (the errors in the run) when any
    /// failed, or when an earlier stage did. `compiled` templates are used again when their
    /// files are those loaded (`serve` compiles only when a template changed).
    pub fn plan_site(
        &mut self,
        config: Config,
        mut loaded: Loaded,
        keep_sources: bool,
        compiled: Option<(Vec<TemplateFile>, Templates)>,
    ) -> Option<Planned> {
        let template_files = std::mem::take(&mut loaded.templates);
        let templates = match compiled {
            Some((files, templates)) if same_templates(&files, &template_files) => Some(templates),
            _ => self.templates(&template_files),
        };
        let model = self.model(config, loaded, keep_sources).ok().filter(|_| self.succeeded())?;
        let templates = templates?;
        let outputs = self.plan(&model.site)?;
        Some(Planned { model, templates, template_files, outputs })
    }

    /// Ends the run: repeated problems folded into one.
    pub fn finish(&mut self) {
        self.diagnostics = crate::diagnostics::collapse_repeats(std::mem::take(&mut self.diagnostics));
    }
}

/// Whether two sets of template files are the same names with the same texts.
fn same_templates(a: &[TemplateFile], b: &[TemplateFile]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.name == y.name && x.text == y.text)
}

/// The process's resident set size, from /proc on Linux.
fn resident_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    kib.unwrap_or(0) * 1024
}
