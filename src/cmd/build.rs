//! `gazette build`: builds the site into the output folder.

use std::path::PathBuf;

use clap::Args;

use crate::build::build;
use crate::config::BuildOptions;
use crate::diagnostics::{self, Severity};

#[derive(Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: super::SiteArgs,
    /// Where to write the site (default: ROOT/public)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Build for another address, e.g. https://example.org/sub/
    #[arg(long)]
    pub base_url: Option<String>,
    /// Leave out the search page and index (they take most of a large site's build time)
    #[arg(long)]
    pub no_search: bool,
    /// Leave out the deal pages, the deal data and the roll-ups up the `parent` tree
    #[arg(long)]
    pub no_deals: bool,
    /// Replace the output folder even if it holds files that gazette did not write (they are deleted)
    #[arg(long)]
    pub force: bool,
    /// Print the time each pipeline stage took
    #[arg(long)]
    pub timings: bool,
}

/// Runs the build; returns the process exit code.
pub fn run(args: BuildArgs) -> i32 {
    let options = BuildOptions {
        output: args.output,
        base_url: args.base_url,
        progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        no_search: args.no_search,
        no_deals: args.no_deals,
        force: args.force,
        ..args.site.options()
    };
    let output = options.output.clone().unwrap_or_else(|| options.root.join("public"));
    let mut report = build(&options);
    let color = super::stderr_color();
    let (errors, warnings): (Vec<_>, Vec<_>) =
        report.diagnostics.drain(..).partition(|d| d.severity == Severity::Error);
    if args.timings {
        for ((stage, time), memory) in report.timings.iter().zip(&report.memory) {
            eprintln!("{stage:>14}: {:>8.1} ms  {:>6} MiB resident", time.as_secs_f64() * 1000.0, memory >> 20);
            if *stage == "model" {
                for (part, time) in &report.model_parts {
                    eprintln!("{:>14}: {:>8.1} ms  (of the model)", format!("- {part}"), time.as_secs_f64() * 1000.0);
                }
            }
        }
    }
    if !errors.is_empty() {
        let mut all: Vec<_> = errors.into_iter().chain(warnings).collect();
        super::print_diagnostics(&mut all, color);
        eprintln!(
            "build failed: {}; {} left as it was",
            diagnostics::summary_line(&all, report.source_files),
            output.display()
        );
        return 1;
    }
    let total: f64 = report.timings.iter().map(|(_, t)| t.as_secs_f64()).sum();
    let count = |n: usize, noun: &str| format!("{} {noun}{}", diagnostics::thousands(n), if n == 1 { "" } else { "s" });
    let mut warnings = warnings;
    super::print_diagnostics(&mut warnings, color);
    if report.up_to_date {
        eprintln!("{} up to date: nothing changed since the last build ({:.0} ms)", output.display(), total * 1000.0);
        return 0;
    }
    eprintln!(
        "built {} into {}: {} written, {} unchanged, in {:.0} ms{}",
        count(report.articles, "article"),
        output.display(),
        count(report.changed, "file"),
        diagnostics::thousands(report.unchanged),
        total * 1000.0,
        if warnings.is_empty() { String::new() } else { format!("; {}", count(warnings.len(), "warning")) }
    );
    0
}
