//! The build: the pipeline's stages in order, each timed. No logic lives here.
//!
//! config → load → (fingerprint: stop if nothing changed) → templates → model → plan →
//! render + write (in parallel; the search index takes the article pages as they come) →
//! index (finished and written) → commit.

use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{self, BuildOptions};
use crate::diagnostics::Diagnostic;
use crate::progress::Progress;
use crate::render::{Renderer, Templates};
use crate::write::{Writer, Written};
use crate::{fingerprint, load, model, plan, search};

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
    /// Nothing changed since the last build: the output was left untouched.
    pub up_to_date: bool,
    /// Each stage's wall time, and the process's resident memory when it ended (bytes; 0
    /// where the system does not say).
    pub timings: Vec<(&'static str, Duration)>,
    pub memory: Vec<u64>,
}

impl BuildReport {
    pub fn succeeded(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn count(&mut self, written: Written) {
        match written {
            Written::Changed => self.changed += 1,
            Written::Unchanged => self.unchanged += 1,
        }
    }
}

struct Stopwatch(Instant);

impl Stopwatch {
    fn lap(&mut self, report: &mut BuildReport, stage: &'static str) {
        report.timings.push((stage, self.0.elapsed()));
        report.memory.push(resident_memory());
        self.0 = Instant::now();
    }
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

/// Builds the site; on any error the previous output is left exactly as it was.
pub fn build(options: &BuildOptions) -> BuildReport {
    let mut report = BuildReport::default();
    let mut clock = Stopwatch(Instant::now());

    let config = match config::load(options) {
        Ok(config) => config,
        Err(error) => {
            report.diagnostics.push(error);
            return report;
        }
    };
    clock.lap(&mut report, "config");

    let (loaded, load_diagnostics) = load::load(&config);
    report.source_files = loaded.file_count;
    report.diagnostics.extend(load_diagnostics);
    clock.lap(&mut report, "load");

    let fingerprint = fingerprint::of(&config, &loaded);
    let stamp = report.succeeded().then(|| fingerprint::intact_stamp(&config.output)).flatten();
    if let Some(stamp) = stamp.filter(|s| s.fingerprint == fingerprint) {
        report.up_to_date = true;
        report.unchanged = stamp.files;
        report.articles = loaded.articles.iter().filter(|d| config.drafts || !d.front.draft).count();
        clock.lap(&mut report, "fingerprint");
        return report;
    }
    let output = config.output.clone();
    clock.lap(&mut report, "fingerprint");

    let templates = Templates::compile(&loaded.templates).map_err(|errors| report.diagnostics.extend(errors)).ok();
    clock.lap(&mut report, "templates");

    let (site, model_diagnostics) = model::build(config, loaded);
    report.diagnostics.extend(model_diagnostics);
    clock.lap(&mut report, "model");
    let (Some(site), Some(templates)) = (site.filter(|_| report.succeeded()), templates) else { return report };
    report.articles = site.articles.len();

    let outputs = match plan::plan(&site) {
        Ok(outputs) => outputs,
        Err(errors) => {
            report.diagnostics.extend(errors);
            return report;
        }
    };
    clock.lap(&mut report, "plan");

    let renderer = match Renderer::new(&site, templates, &outputs) {
        Ok(renderer) => renderer,
        Err(errors) => {
            report.diagnostics.extend(errors);
            return report;
        }
    };
    clock.lap(&mut report, "prepare");

    let writer = match Writer::prepare(&site.config.root, &site.config.output) {
        Ok(writer) => writer,
        Err(error) => {
            report.diagnostics.push(error);
            return report;
        }
    };
    if let Err(error) = writer.create_dirs(outputs.iter().map(|o| o.path.as_str())) {
        report.diagnostics.push(error);
        writer.abort();
        return report;
    }
    let progress = Progress::new(options.progress, outputs.len());
    let indexer = site.config.search.then(|| search::Indexer::start(&site));
    let results: Vec<Result<Written, Diagnostic>> = outputs
        .par_iter()
        .map(|output| {
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
            Err(error) => report.diagnostics.push(error),
        }
    }
    clock.lap(&mut report, "render+write");
    report.diagnostics = crate::diagnostics::collapse_repeats(std::mem::take(&mut report.diagnostics));

    if let Some(indexer) = indexer.filter(|_| report.succeeded()) {
        match indexer.finish(&writer) {
            Ok(written) => written.into_iter().for_each(|w| report.count(w)),
            Err(error) => report.diagnostics.push(error),
        }
        clock.lap(&mut report, "index");
    }

    if !report.succeeded() {
        writer.abort();
        return report;
    }
    match writer.commit() {
        Ok((files, bytes)) => fingerprint::store(&output, fingerprint, files, bytes),
        Err(error) => report.diagnostics.push(error),
    }
    clock.lap(&mut report, "commit");
    report
}
