//! The check: the build's stages up to rendering, in memory, plus the editorial lints.
//!
//! config → load → templates → model → lint → plan → render (bytes discarded). Nothing is written, not
//! even the output folder, so a check can run on any checkout; what it reports is what
//! `build` would fail on (all but write errors), plus the warnings of `lint`.

use rayon::prelude::*;

use crate::config::BuildOptions;
use crate::diagnostics::Diagnostic;
use crate::lint;
use crate::pipeline::Run;

/// What a check found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Errors and warnings, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// Source files looked at, for the summary line.
    pub source_files: usize,
}

/// Checks the site as `build` would see it with the same options.
pub fn check(options: &BuildOptions) -> CheckReport {
    let mut run = Run::default();
    let mut report = CheckReport::default();
    run_check(options, &mut run, &mut report);
    CheckReport { diagnostics: run.diagnostics, ..report }
}

fn run_check(options: &BuildOptions, run: &mut Run, report: &mut CheckReport) -> Option<()> {
    let config = run.config(options)?;
    let now = config.now;
    let mut loaded = run.load(&config);
    report.source_files = loaded.file_count;
    let template_files = std::mem::take(&mut loaded.templates);
    let templates = run.templates(&template_files);
    let (model, sources) = match run.model(config, loaded, true) {
        Ok(model) => (Some(model.site), model.sources),
        Err(sources) => (None, sources),
    };
    run.diagnostics.extend(lint::lint(model.as_ref(), &sources, now));
    let (site, templates) = (model?, templates?);
    let outputs = run.plan(&site)?;
    let renderer = run.renderer(&site, &templates, &outputs)?;
    // Templates can fail on one page only: render them all, keep nothing but the errors.
    let render_errors: Vec<Diagnostic> =
        outputs.par_iter().filter_map(|output| renderer.render(output).err()).collect();
    run.diagnostics.extend(render_errors);
    run.finish();
    Some(())
}
