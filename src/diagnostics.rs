//! Diagnostics: every problem the build finds, as a value.
//!
//! Stages never print or stop at the first problem: they return `Diagnostic`s that carry the
//! file, line, column, field, a stable code and a hint, and `main` prints them all once,
//! rustc-style, followed by a one-line summary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, with enough context to point at the source line.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code such as `E012`; docs/diagnostics.md lists them all.
    pub code: &'static str,
    pub message: String,
    pub file: Option<PathBuf>,
    /// 1-based; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column of the first character the problem is about.
    pub column: usize,
    /// How many characters the caret covers.
    pub width: usize,
    /// The text of `line`, copied so that the diagnostic outlives the source.
    pub source_line: Option<String>,
    pub field: Option<String>,
    pub hint: Option<String>,
    /// Further places, e.g. "first defined in ...".
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: None,
            line: 0,
            column: 0,
            width: 0,
            source_line: None,
            field: None,
            hint: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Points at a byte range of `text` (the whole file), computing line, column and caret.
    pub fn at_span(mut self, text: &str, start: usize, end: usize) -> Self {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        self.line = text[..start].matches('\n').count() + 1;
        self.column = text[line_start..start].chars().count() + 1;
        let caret_end = end.min(line_end);
        self.width = text[start..caret_end].chars().count().max(1);
        self.source_line = Some(text[line_start..line_end].trim_end_matches('\r').to_string());
        self
    }

    /// Points at a whole 1-based line of `text`.
    pub fn at_line(self, text: &str, line: usize) -> Self {
        let start = line_offset(text, line);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let mut located = self.at_span(text, start, end);
        located.width = located.source_line.as_deref().map_or(1, |l| l.chars().count().max(1));
        located
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic rustc-style; `color` adds ANSI colors.
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, text: &str| {
            if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
        };
        let (label, label_color) = match self.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let mut out = String::new();
        let _ = write!(
            out,
            "{}{}",
            paint(label_color, &format!("{label}[{}]", self.code)),
            paint("1", &format!(": {}", self.message))
        );
        out.push('\n');
        let gutter = if self.line > 0 { self.line.to_string().len() } else { 1 };
        let pad = " ".repeat(gutter);
        if let Some(file) = &self.file {
            let location = if self.line > 0 {
                format!("{}:{}:{}", display_path(file), self.line, self.column.max(1))
            } else {
                display_path(file)
            };
            let _ = writeln!(out, "{pad}{} {location}", paint("1;34", "-->"));
        }
        if let Some(source) = &self.source_line {
            let bar = paint("1;34", "|");
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(out, "{} {bar} {source}", paint("1;34", &self.line.to_string()));
            let caret_pad = " ".repeat(self.column.saturating_sub(1));
            let carets = "^".repeat(self.width.max(1));
            let field = self.field.as_deref().map(|f| format!(" field `{f}`")).unwrap_or_default();
            let _ = writeln!(out, "{pad} {bar} {caret_pad}{}", paint(label_color, &format!("{carets}{field}")));
        } else if let Some(field) = &self.field {
            let _ = writeln!(out, "{pad} {} field `{field}`", paint("1;34", "="));
        }
        for note in &self.notes {
            let _ = writeln!(out, "{pad} {} note: {note}", paint("1;34", "="));
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "{pad} {} help: {hint}", paint("1;34", "="));
        }
        out
    }
}

/// Paths are shown with `/` separators, relative to the site root where possible.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The byte offset where 1-based `line` starts.
pub fn line_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// "2 errors, 5 warnings in 1,204 files"
pub fn summary_line(diagnostics: &[Diagnostic], files: usize) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    format!(
        "{}, {} in {} {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        thousands(files),
        if files == 1 { "file" } else { "files" }
    )
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{} {noun}s", thousands(count)) }
}

/// 1204 → "1,204"
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Sorts diagnostics by file, then line, so that output is stable and easy to follow.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity, &a.message).cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
    });
}

/// Keeps one of each group of identical diagnostics (a broken template fails on every page
/// that uses it), noting how many more there were.
pub fn collapse_repeats(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut kept: Vec<Diagnostic> = Vec::new();
    let mut repeats: Vec<usize> = Vec::new();
    let mut index: std::collections::HashMap<(&'static str, Option<PathBuf>, usize, String), usize> =
        std::collections::HashMap::new();
    for diagnostic in diagnostics {
        let key = (diagnostic.code, diagnostic.file.clone(), diagnostic.line, diagnostic.message.clone());
        match index.get(&key) {
            Some(&at) => repeats[at] += 1,
            None => {
                index.insert(key, kept.len());
                kept.push(diagnostic);
                repeats.push(0);
            }
        }
    }
    for (diagnostic, more) in kept.iter_mut().zip(repeats) {
        if more > 0 {
            diagnostic.notes.push(format!(
                "the same problem occurred {} more {}",
                thousands(more),
                if more == 1 { "time" } else { "times" }
            ));
        }
    }
    kept
}

/// Edit distance, for "did you mean" hints.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous_diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous_diagonal + usize::from(ca != *cb);
            previous_diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lowered = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (levenshtein(&lowered, &c.to_lowercase()), c))
        .filter(|(distance, c)| *distance <= (c.chars().count() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_gives_line_column_and_caret() {
        let text = "+++\ntitel = \"x\"\n+++\n";
        let d = Diagnostic::error("E012", "unknown field").in_file("a.md").at_span(text, 4, 9);
        assert_eq!((d.line, d.column, d.width), (2, 1, 5));
        let shown = d.render(false);
        assert!(shown.contains("--> a.md:2:1"), "{shown}");
        assert!(shown.contains("2 | titel = \"x\""), "{shown}");
        assert!(shown.contains("  | ^^^^^"), "{shown}");
    }

    #[test]
    fn closest_suggests_typos_only() {
        assert_eq!(closest("titel", ["title", "date", "tags"]), Some("title"));
        assert_eq!(closest("zzzzzz", ["title", "date"]), None);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(12), "12");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
