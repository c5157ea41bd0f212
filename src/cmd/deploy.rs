//! `gazette deploy`: builds the site, then publishes the output to a `[deploy.NAME]` target.
//!
//! Building first is what makes "never a wrong site" hold: the build is a no-op when the
//! output's fingerprint matches the sources, and a failed build stops the deploy before
//! anything is sent. Exit codes: 0 published (or nothing to do), 1 failed (the message says
//! what the bucket holds), 2 bad command line, 3 refused by `max_deletes`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::build::build;
use crate::config::{self, BuildOptions, DeployTarget};
use crate::deploy::{self, DeployOptions, Prepared};
use crate::diagnostics::{Diagnostic, Severity, thousands};

/// The exit code of a deploy refused by `max_deletes`.
pub const REFUSED: i32 = 3;

#[derive(Args, Debug)]
pub struct DeployArgs {
    /// The site folder (with site.toml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Which `[deploy.NAME]` target (needed when site.toml has several)
    #[arg(long)]
    pub target: Option<String>,
    /// Print what would be uploaded and deleted, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Delete more objects than the target's max_deletes allows
    #[arg(long)]
    pub force: bool,
    /// Uploads in flight at once
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Print the time each stage took (build, hash, manifest or list, plan, upload)
    #[arg(long)]
    pub timings: bool,
    /// List the bucket and compare every object, instead of trusting the manifest that the
    /// last deploy left (finds objects changed or deleted by anything but gazette)
    #[arg(long)]
    pub full_scan: bool,
}

/// Runs the deploy; returns the process exit code.
pub fn run(args: DeployArgs) -> i32 {
    let color = super::stderr_color();
    let fail = |diagnostic: Diagnostic| {
        super::print_diagnostics(&mut [diagnostic], color);
        1
    };
    let site = BuildOptions { root: args.root.clone(), ..BuildOptions::default() };
    let config = match config::load(&site) {
        Ok(config) => config,
        Err(error) => return fail(error),
    };
    let target = match choose_target(&config.deploy, args.target.as_deref()) {
        Ok(target) => target,
        Err(error) => return fail(error),
    };
    let started = std::time::Instant::now();
    if let Err(code) = build_first(&site, color) {
        return code;
    }
    let built = started.elapsed();
    let prepared = match deploy::prepare(target, &config.output, usize::from(args.jobs), args.full_scan) {
        Ok(prepared) => prepared,
        Err(error) => return fail(error),
    };
    if args.timings {
        print_timings(&[("build", built)]);
        print_timings(&prepared.timings().0);
    }
    let mut warnings = prepared.warnings();
    super::print_diagnostics(&mut warnings, color);
    if let Some(why) = prepared.listed_because() {
        eprintln!("listed {}: {why}", deploy::describe(target));
    }
    if args.dry_run {
        print_plan(&prepared);
        eprintln!("dry run, nothing changed: {}", plan_line(&prepared));
        return 0;
    }
    if let Err(error) = prepared.check_deletions(args.force) {
        fail(error);
        return REFUSED;
    }
    let (unchanged, empty) = (prepared.unchanged(), prepared.is_empty());
    let options = DeployOptions { jobs: usize::from(args.jobs), progress: std::io::stderr().is_terminal() };
    let executing = std::time::Instant::now();
    let result = prepared.execute(&options);
    if args.timings {
        print_timings(&[("upload", executing.elapsed())]);
    }
    match result {
        Ok(done) => {
            eprintln!("{}", summary(target, &done, unchanged, empty, started.elapsed()));
            0
        }
        Err((_, error)) => fail(error),
    }
}

/// The line that always ends a deploy that succeeded.
fn summary(target: &DeployTarget, done: &deploy::Executed, unchanged: usize, empty: bool, took: Duration) -> String {
    let (place, seconds) = (deploy::describe(target), took.as_secs_f64());
    if empty {
        return format!("{place} is up to date: {} files unchanged ({seconds:.1} s)", thousands(unchanged));
    }
    format!(
        "deployed to {place}: {} uploaded ({}), {} deleted, {} unchanged in {seconds:.1} s",
        thousands(done.uploaded),
        bytes(done.uploaded_bytes),
        thousands(done.deleted),
        thousands(unchanged),
    )
}

/// The target named on the command line, or the only one.
fn choose_target<'a>(targets: &'a [DeployTarget], name: Option<&str>) -> Result<&'a DeployTarget, Diagnostic> {
    let names = || targets.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ");
    match (name, targets) {
        (_, []) => Err(Diagnostic::error("E084", "site.toml has no [deploy.NAME] target")
            .in_file(config::CONFIG_FILE)
            .hint("add a target, e.g. [deploy.production] with bucket = \"my-site\" and region = \"eu-central-1\" (the README's \"Publishing\" shows one for each provider)")),
        (None, [only]) => Ok(only),
        (None, _) => Err(Diagnostic::error("E084", format!("site.toml has several deploy targets ({})", names()))
            .in_file(config::CONFIG_FILE)
            .hint("choose one with --target NAME")),
        (Some(name), _) => targets.iter().find(|t| t.name == name).ok_or_else(|| {
            Diagnostic::error("E084", format!("site.toml has no deploy target `{name}`"))
                .in_file(config::CONFIG_FILE)
                .field(format!("deploy.{name}"))
                .hint(format!("the targets are: {}", names()))
        }),
    }
}

/// Builds the site as `gazette build` would (no drafts, no future articles, the real clock);
/// on failure prints why and returns the exit code.
fn build_first(site: &BuildOptions, color: bool) -> Result<(), i32> {
    let options = BuildOptions { progress: std::io::stderr().is_terminal(), ..site.clone() };
    let mut report = build(&options);
    let failed = !report.succeeded();
    if failed || report.diagnostics.iter().any(|d| d.severity == Severity::Warning) {
        super::print_diagnostics(&mut report.diagnostics, color);
    }
    if failed {
        eprintln!("deploy stopped: the build failed, so nothing was published");
        return Err(1);
    }
    if !report.up_to_date {
        eprintln!("built {} files ({} unchanged)", thousands(report.changed), thousands(report.unchanged));
    }
    Ok(())
}

/// One line per stage, as `gazette build --timings` prints them.
fn print_timings(stages: &[(&str, Duration)]) {
    for (stage, time) in stages {
        eprintln!("{stage:>14}: {:>8.1} ms", time.as_secs_f64() * 1000.0);
    }
}

fn print_plan(prepared: &Prepared) {
    for upload in prepared.uploads() {
        let change = match upload.change {
            deploy::Change::New => "new",
            deploy::Change::Changed => "changed",
        };
        println!("upload  {change:<8} {:>10}  {}", bytes(upload.size), upload.path);
    }
    for path in prepared.deletions() {
        println!("delete  {path}");
    }
}

fn plan_line(prepared: &Prepared) -> String {
    format!(
        "would upload {} files ({}) and delete {}; {} unchanged",
        thousands(prepared.uploads().count()),
        bytes(prepared.upload_bytes()),
        thousands(prepared.deletions().len()),
        thousands(prepared.unchanged())
    )
}

/// `1.2 MB`, `340 B`.
fn bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        _ => format!("{:.2} GB", n as f64 / 1e9),
    }
}
