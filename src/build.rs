//! The build: the pipeline's stages in order (run by `pipeline::Run`), written to the output.
//!
//! config → load → (fingerprint: stop if nothing changed) → the staging folder → templates →
//! model → plan → images (variants made, or carried from the last build's cache) → render + write (in parallel; the search index takes the article pages as they come) →
//! index (finished and written) → commit.

use std::time::Duration;

use rayon::prelude::*;

use crate::config::BuildOptions;
use crate::diagnostics::Diagnostic;
use crate::pipeline::{Planned, Run};
use crate::progress::Progress;
use crate::render::Renderer;
use crate::write::{Writer, Written};
use crate::{fingerprint, search};

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Errors and warnings, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// Source files looked at.
    pub source_files: usize,
    /// Output files written with new bytes, and kept because their bytes were unchanged.
    pub changed: usize,
    pub unchanged: usize,
    pub articles: usize,
    /// Image variants made by this build, and found in the image cache.
    pub images: crate::images::ImagesReport,
    /// Nothing changed since the last build: the output was left untouched.
    pub up_to_date: bool,
    /// Each stage's wall time, and the process's resident memory when it ended (bytes; 0
    /// where the system does not say).
    pub timings: Vec<(&'static str, Duration)>,
    pub memory: Vec<u64>,
    /// The parts of the model stage (`Site::derived`).
    pub model_parts: Vec<(&'static str, Duration)>,
}

impl BuildReport {
    pub fn succeeded(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn count(&mut self, written: Written) {
        match written {
            Written::Changed => self.changed += 1,
            Written::Unchanged => self.unchanged += 1,
            Written::Skipped => {}
        }
    }
}

/// Builds the site; on any error the previous output is left exactly as it was.
pub fn build(options: &BuildOptions) -> BuildReport {
    let mut run = Run::default();
    let mut report = BuildReport::default();
    run_build(options, &mut run, &mut report);
    BuildReport { diagnostics: run.diagnostics, timings: run.timings, memory: run.memory, ..report }
}

fn run_build(options: &BuildOptions, run: &mut Run, report: &mut BuildReport) -> Option<()> {
    let mut config = run.config(options)?;
    let loaded = run.load(&config);
    report.source_files = loaded.file_count;

    let fingerprint = fingerprint::of(&config, &loaded);
    let stamp = run.succeeded().then(|| fingerprint::intact_stamp(&config.output)).flatten();
    if let Some(stamp) = stamp.filter(|s| s.fingerprint == fingerprint) {
        report.up_to_date = true;
        report.unchanged = stamp.files;
        report.articles = loaded.articles.iter().filter(|d| config.drafts || !d.front.draft).count();
        run.lap("fingerprint");
        return Some(());
    }
    let output = config.output.clone();
    run.lap("fingerprint");
    if !run.succeeded() {
        // Load failed: the model still reports what it finds, and nothing is written.
        run.plan_site(config, loaded, false, None);
        return None;
    }

    // The staging folder exists before the model, whose plan names the image variants'
    // files in the staging folder's image cache.
    let writer = run.keep(Writer::prepare(&config.root, &config.output, options.force).map_err(|e| vec![e]))?;
    let previous_cache = match writer.cache(crate::config::IMAGE_CACHE) {
        Ok((previous, next)) => {
            config.image_cache = next;
            previous
        }
        Err(error) => {
            run.diagnostics.push(error);
            writer.abort();
            return None;
        }
    };
    if build_into(options, run, report, config, loaded, &writer, previous_cache.as_deref()).is_none()
        || !run.succeeded()
    {
        writer.abort();
        return Some(());
    }
    match writer.commit() {
        Ok((files, bytes)) => fingerprint::store(&output, fingerprint, files, bytes),
        Err(error) => run.diagnostics.push(error),
    }
    run.lap("commit");
    Some(())
}

/// Model, plan, images, render and write into `writer`'s staging folder; `None` when a stage
/// failed (the errors are in the run).
fn build_into(
    options: &BuildOptions,
    run: &mut Run,
    report: &mut BuildReport,
    config: crate::config::Config,
    loaded: crate::load::Loaded,
    writer: &Writer,
    previous_cache: Option<&std::path::Path>,
) -> Option<()> {
    let Planned { model, templates, outputs, .. } = run.plan_site(config, loaded, false, None)?;
    let site = &model.site;
    report.articles = site.articles.len();
    report.images = run.images(site, previous_cache)?;
    report.model_parts.clone_from(&site.derived);
    let renderer = run.renderer(site, &templates, &outputs)?;
    if let Err(error) = writer.create_dirs(outputs.iter().map(|o| o.path.as_str())) {
        run.diagnostics.push(error);
        return None;
    }
    render_and_write(options, run, report, &renderer, writer, &outputs);
    // Freeing the model, the plan and what the renderer made takes about a tenth of a second
    // at 10,000 articles: the commit does not wait for it.
    let parts = renderer.into_parts();
    std::thread::spawn(move || drop((parts, model, templates, outputs)));
    Some(())
}

/// Renders and writes every output in parallel, then writes the search index (from the model).
fn render_and_write(
    options: &BuildOptions,
    run: &mut Run,
    report: &mut BuildReport,
    renderer: &Renderer,
    writer: &Writer,
    outputs: &[crate::plan::Output],
) {
    let site = renderer.site();
    let progress = Progress::new(options.progress, outputs.len());
    let indexer = site.config.search.then(|| search::Indexer::start(site));
    let results: Vec<Result<Written, Diagnostic>> = outputs
        .par_iter()
        .map(|output| {
            if writer.stopped() {
                return Ok(Written::Skipped);
            }
            let body = renderer.render(output)?;
            let written = writer.write(&output.path, &body)?;
            progress.tick();
            Ok(written)
        })
        .collect();
    progress.finish();
    for result in results {
        match result {
            Ok(written) => report.count(written),
            Err(error) => run.diagnostics.push(error),
        }
    }
    run.lap("render+write");
    run.finish();

    if let Some(indexer) = indexer.filter(|_| run.succeeded()) {
        match indexer.finish(writer) {
            Ok(written) => written.into_iter().for_each(|w| report.count(w)),
            Err(error) => run.diagnostics.push(error),
        }
        run.lap("index");
    }
}
