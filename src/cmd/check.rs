//! `gazette check`: every error and warning of the site, printed for a person or as JSON
//! lines for tools; writes nothing.

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::check::check;
use crate::diagnostics::{self, Diagnostic, Severity};

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: super::SiteArgs,
    /// Treat warnings as errors (exit 1 if there is any)
    #[arg(long)]
    pub strict: bool,
    /// How to print findings: `human` (rustc-style, on stderr) or `json` (one object per line, on stdout)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Runs the check; returns the process exit code: 1 if there is an error, else 0.
pub fn run(args: CheckArgs) -> i32 {
    let options = args.site.options();
    let mut report = check(&options);
    let findings = &mut report.diagnostics;
    if args.strict {
        for finding in findings.iter_mut() {
            finding.severity = Severity::Error;
        }
    }
    diagnostics::sort(findings);
    match args.format {
        Format::Human => {
            let color = super::stderr_color();
            for finding in findings.iter() {
                eprintln!("{}", finding.render(color));
            }
        }
        Format::Json => {
            for finding in findings.iter() {
                println!("{}", json_line(finding));
            }
        }
    }
    eprintln!("{}", diagnostics::summary_line(findings, report.source_files));
    i32::from(findings.iter().any(Diagnostic::is_error))
}

/// One finding as the JSON object `--format json` prints; line and column are null when the
/// finding is about a whole file.
#[derive(Serialize)]
struct JsonFinding<'a> {
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    hint: Option<&'a str>,
    field: Option<&'a str>,
    notes: &'a [String],
}

fn json_line(finding: &Diagnostic) -> String {
    let located = finding.line > 0;
    let json = JsonFinding {
        file: finding.file.as_deref().map(diagnostics::display_path),
        line: located.then_some(finding.line),
        column: located.then_some(finding.column.max(1)),
        severity: match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        code: finding.code,
        message: &finding.message,
        hint: finding.hint.as_deref(),
        field: finding.field.as_deref(),
        notes: &finding.notes,
    };
    // Serializing strings and numbers cannot fail; the fallback only keeps the types honest.
    serde_json::to_string(&json).unwrap_or_else(|error| format!("{{\"error\":{:?}}}", error.to_string()))
}
