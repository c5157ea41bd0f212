//! The check: the build's stages up to rendering, in memory, plus the editorial lints.
//!
//! config → load → templates → model → lint → plan → render (bytes discarded). Nothing is written, not
//! even the output folder, so a check can run on any checkout; what it reports is what
//! `build` would fail on (all but write errors), plus the warnings of `lint`.

use rayon::prelude::*;

use crate::config::{self, BuildOptions};
use crate::diagnostics::Diagnostic;
use crate::render::{Renderer, Templates};
use crate::{lint, load, model, plan};

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
    let mut report = CheckReport::default();
    let config = match config::load(options) {
        Ok(config) => config,
        Err(error) => {
            report.diagnostics.push(error);
            return report;
        }
    };
    let now = config.now;

    let (loaded, load_diagnostics) = load::load(&config);
    report.source_files = loaded.file_count;
    report.diagnostics.extend(load_diagnostics);

    let templates = Templates::compile(&loaded.templates).map_err(|errors| report.diagnostics.extend(errors)).ok();

    let (site, sources, model_diagnostics) = model::build_keeping_sources(config, loaded);
    report.diagnostics.extend(model_diagnostics);
    report.diagnostics.extend(lint::lint(site.as_ref(), &sources, now));
    let (Some(site), Some(templates)) = (site, templates) else { return report };

    let outputs = match plan::plan(&site) {
        Ok(outputs) => outputs,
        Err(errors) => {
            report.diagnostics.extend(errors);
            return report;
        }
    };
    let renderer = match Renderer::new(&site, templates, &outputs) {
        Ok(renderer) => renderer,
        Err(errors) => {
            report.diagnostics.extend(errors);
            return report;
        }
    };
    // Templates can fail on one page only: render them all, keep nothing but the errors.
    let render_errors: Vec<Diagnostic> =
        outputs.par_iter().filter_map(|output| renderer.render(output).err()).collect();
    report.diagnostics.extend(render_errors);
    report.diagnostics = crate::diagnostics::collapse_repeats(std::mem::take(&mut report.diagnostics));
    report
}
