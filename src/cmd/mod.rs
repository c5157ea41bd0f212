//! The commands of the `gazette` binary, one module each, and what they share.

pub mod build;
pub mod check;
#[cfg(feature = "deploy")]
pub mod deploy;
pub mod init;
pub mod new;
pub mod serve;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use crate::config::BuildOptions;

use crate::diagnostics::{self, Diagnostic};

/// Whether to color output on stderr: only on a terminal, and never with `NO_COLOR` set.
pub fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Prints diagnostics, sorted, to stderr.
pub fn print_diagnostics(diagnostics: &mut [Diagnostic], color: bool) {
    diagnostics::sort(diagnostics);
    for diagnostic in diagnostics.iter() {
        eprintln!("{}", diagnostic.render(color));
    }
}

/// `2018-01-01T09:00:00+08:00`, or a date alone (midnight UTC).
pub fn parse_clock(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(time);
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc().fixed_offset())
        .map_err(|_| format!("{text:?} is not a time like 2018-01-01T09:00:00+08:00 or a date like 2018-01-01"))
}

/// The flags that choose which site, and which of its articles, a command works on.
#[derive(Args, Debug, Clone)]
pub struct SiteArgs {
    /// The site folder (with site.toml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include articles marked draft = true
    #[arg(long)]
    pub drafts: bool,
    /// Include articles dated after the clock
    #[arg(long)]
    pub future: bool,
    /// Act as if now were this instant, e.g. 2018-01-01T09:00:00+08:00 (or a date, 2018-01-01)
    #[arg(long, value_parser = parse_clock)]
    pub clock: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl SiteArgs {
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            drafts: self.drafts,
            future: self.future,
            clock: self.clock,
            ..BuildOptions::default()
        }
    }
}
