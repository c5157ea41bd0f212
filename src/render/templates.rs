//! The site's templates laid over the built-in theme, compiled once per build.
//!
//! Compiled right after loading, before the model, so that a broken template is reported
//! with the content's errors in the same run. Errors point at the template file and line.

use std::collections::HashMap;
use std::path::PathBuf;

use tera::{Kwargs, State, Tera};

use crate::diagnostics::Diagnostic;
use crate::load::TemplateFile;
use crate::theme;

pub struct Templates {
    pub tera: Tera,
    /// Template name → the site file it came from; built-in templates are not in it.
    files: HashMap<String, PathBuf>,
    /// Template name → its text: the site's files over the built-in theme.
    texts: HashMap<String, String>,
}

impl Templates {
    /// Compiles the built-in theme with the site's `templates/` files replacing theirs.
    pub fn compile(site_templates: &[TemplateFile]) -> Result<Self, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.register_filter("date", date_filter);
        let mut texts: HashMap<String, String> =
            theme::TEMPLATES.iter().map(|t| (t.name.to_string(), t.text.to_string())).collect();
        let mut files = HashMap::new();
        for template in site_templates {
            texts.insert(template.name.clone(), template.text.clone());
            files.insert(template.name.clone(), template.path.clone());
        }
        let partial = Templates { tera: Tera::new(), files, texts };
        let sources = partial.texts.iter().map(|(name, text)| (name.clone(), text.clone()));
        match tera.add_raw_templates(sources) {
            Ok(()) => Ok(Templates { tera, ..partial }),
            Err(error) => {
                let diagnostic = partial.error("", &error);
                let name = diagnostic.file.as_ref().map(|f| f.display().to_string()).unwrap_or_default();
                let mut diagnostic =
                    diagnostic.hint("fix the template at the line shown (templates use Tera 2 syntax)");
                diagnostic.message = format!("a template does not compile ({name}):\n{}", diagnostic.message);
                Err(vec![diagnostic])
            }
        }
    }

    /// A diagnostic for a Tera error, located at the template file, line and column that
    /// Tera's report names (`--> NAME:LINE:COLUMN`); `template` is the fallback name.
    pub fn error(&self, template: &str, error: &tera::Error) -> Diagnostic {
        let text = error_chain(error);
        let location = text.split("--> ").nth(1).and_then(|rest| rest.lines().next()).unwrap_or("");
        let mut parts = location.rsplitn(3, ':');
        let column = parts.next().and_then(|c| c.trim().parse::<usize>().ok());
        let line = parts.next().and_then(|l| l.trim().parse::<usize>().ok());
        let name = match (line, parts.next()) {
            (Some(_), Some(name)) => name.trim(),
            _ => template,
        };
        let file = self.files.get(name).cloned().unwrap_or_else(|| PathBuf::from(format!("(built-in theme) {name}")));
        let mut diagnostic = Diagnostic::error("E060", format!("template {name} failed:\n{text}"))
            .in_file(file)
            .hint("fix the template at the line shown; the README lists the variables each template receives");
        if let (Some(line), Some(column)) = (line, column) {
            // Tera's report already shows the source line and caret.
            diagnostic.line = line;
            diagnostic.column = column;
        }
        diagnostic
    }
}

/// An error with its causes, one per line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!("\n{cause}"));
        source = cause.source();
    }
    text
}

/// `{{ article.date.rfc3339 | date(format="%d %b %Y") }}`: formats an RFC 3339 time.
fn date_filter(input: &str, kwargs: Kwargs, _: &State) -> tera::TeraResult<String> {
    let format = kwargs.get::<&str>("format")?.unwrap_or("%Y-%m-%d");
    let date = chrono::DateTime::parse_from_rfc3339(input)
        .map_err(|e| tera::Error::message(format!("date: {input:?} is not an RFC 3339 time ({e})")))?;
    let mut out = String::new();
    std::fmt::Write::write_fmt(&mut out, format_args!("{}", date.format(format)))
        .map_err(|_| tera::Error::message(format!("date: bad format {format:?}")))?;
    Ok(out)
}
