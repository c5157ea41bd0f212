//! `gazette new`: a new article file with complete front matter, ready to write in.
//!
//! The file goes to `content/articles/YYYY/MM/<slug>.md`, the slug made from the title.
//! Entities are written as their profiles' names (an alias or a different case resolves to
//! the profile); a name no profile defines is kept and reported. The command never
//! overwrites a file and refuses a slug that another article already has.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, Local, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use clap::Args;

use crate::config::{self, BuildOptions};
use crate::diagnostics::Diagnostic;
use crate::lint::entities::unknown_entity_hint;
use crate::load::{self, ARTICLES_DIR, Loaded};
use crate::model::EntityRegistry;
use crate::slug::slugify;

#[derive(Args, Debug)]
pub struct NewArgs {
    /// The article's headline
    pub title: String,
    /// The site folder (with site.toml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Tags, separated by commas: --tags "finance,new energy"
    #[arg(long, value_delimiter = ',')]
    pub tags: Vec<String>,
    /// Entities (profile names or aliases), separated by commas: --entities "Orix,Liaoning Province"
    #[arg(long, value_delimiter = ',')]
    pub entities: Vec<String>,
    /// The date: 2018-01-01, 2018-01-01T09:30 (local time) or 2018-01-01T09:30:00+08:00 [default: now]
    #[arg(long, value_parser = parse_date)]
    pub date: Option<ArticleDate>,
    /// Write `draft = true`: the article is built only with --drafts (the default)
    #[arg(long, conflicts_with = "publish")]
    pub draft: bool,
    /// Write `draft = false`: the next build publishes the article
    #[arg(long)]
    pub publish: bool,
}

/// A date as the editor gave it: a day alone stays a TOML date.
#[derive(Clone, Debug)]
pub enum ArticleDate {
    Day(NaiveDate),
    Time(DateTime<FixedOffset>),
}

impl ArticleDate {
    fn now() -> Self {
        let now = Local::now().fixed_offset();
        ArticleDate::Time(now.with_nanosecond(0).unwrap_or(now))
    }

    fn year_month(&self) -> (i32, u32) {
        match self {
            ArticleDate::Day(day) => (day.year(), day.month()),
            ArticleDate::Time(time) => (time.year(), time.month()),
        }
    }

    /// The TOML value: `2018-01-01` or `2018-01-01T09:30:00+08:00`.
    pub fn to_toml(&self) -> String {
        match self {
            ArticleDate::Day(day) => day.format("%Y-%m-%d").to_string(),
            ArticleDate::Time(time) => time.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        }
    }
}

/// Now in the local time zone, as a TOML datetime with its offset.
pub fn local_now_toml() -> String {
    ArticleDate::now().to_toml()
}

fn parse_date(text: &str) -> Result<ArticleDate, String> {
    let text = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(ArticleDate::Time(time));
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(ArticleDate::Day(day));
    }
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .and_then(|local| Local.from_local_datetime(&local).earliest())
        .map(|time| ArticleDate::Time(time.fixed_offset()))
        .ok_or_else(|| format!("{text:?} is not a date like 2018-01-01, 2018-01-01T09:30 or 2018-01-01T09:30:00+08:00"))
}

/// Writes the article; returns the process exit code.
pub fn run(args: NewArgs) -> i32 {
    let color = super::stderr_color();
    match create(&args) {
        Ok((path, mut warnings)) => {
            super::print_diagnostics(&mut warnings, color);
            println!("{}", shown_path(&args.root, &path).display());
            0
        }
        Err(error) => {
            super::print_diagnostics(&mut [error], color);
            1
        }
    }
}

/// The path as the editor would type it: relative when the root is the current folder.
fn shown_path(root: &Path, relative: &Path) -> PathBuf {
    if root == Path::new(".") { relative.to_path_buf() } else { root.join(relative) }
}

/// Creates the file; returns its path (relative to the root) and warnings about it.
fn create(args: &NewArgs) -> Result<(PathBuf, Vec<Diagnostic>), Diagnostic> {
    let options = BuildOptions { root: args.root.clone(), ..BuildOptions::default() };
    let config = config::load(&options)?;
    let (loaded, load_problems) = load::load(&config);

    let title = crate::slug::collapse_whitespace(&args.title);
    let slug = slugify(&title);
    if slug.is_empty() {
        return Err(Diagnostic::error(
            "E031",
            format!("the title {title:?} has no letters or digits, so it has no URL"),
        )
        .hint("write a headline with letters or digits"));
    }
    let date = args.date.clone().unwrap_or_else(ArticleDate::now);
    let (year, month) = date.year_month();
    let relative = PathBuf::from(format!("{ARTICLES_DIR}/{year:04}/{month:02}/{slug}.md"));
    check_slug_is_free(&loaded, &load_problems, &slug, &relative)?;

    let (registry, _) = EntityRegistry::from_profiles(&loaded.entities);
    let (entities, unknown) = resolve_entities(&registry, &unique(&args.entities));
    let text = front_matter(&title, &date, &slug, &unique(&args.tags), &entities, !args.publish);
    write_new_file(&config.root.join(&relative), &text).map_err(|error| error.in_file(&relative))?;
    let warnings = unknown_entity_warnings(&registry, &unknown, &relative, &text);
    Ok((relative, warnings))
}

/// Refuses a slug that an existing article (other than the file itself) already has.
fn check_slug_is_free(loaded: &Loaded, load_problems: &[Diagnostic], slug: &str, new: &Path) -> Result<(), Diagnostic> {
    // Articles that did not load still hold their file's slug.
    let unreadable = load_problems.iter().filter_map(|d| d.file.as_deref()).filter(|p| p.starts_with(ARTICLES_DIR));
    let taken = loaded
        .articles
        .iter()
        .map(|d| (d.path.as_path(), d.front.slug.as_ref().map_or_else(|| slugify(&d.stem()), |s| s.get_ref().clone())))
        .chain(unreadable.map(|p| (p, slugify(&p.file_stem().unwrap_or_default().to_string_lossy()))))
        .find(|(path, existing)| existing == slug && *path != new);
    match taken {
        Some((other, _)) => Err(Diagnostic::error("E040", format!("another article already has the slug {slug:?}"))
            .in_file(other)
            .note(format!("both would be written to /articles/{slug}/"))
            .hint("give the new article a different title, or change the `slug` of the existing one")),
        None => Ok(()),
    }
}

/// Each name as its profile's name; names no profile defines are kept, and listed apart.
fn resolve_entities(registry: &EntityRegistry, names: &[String]) -> (Vec<String>, Vec<String>) {
    let mut unknown = Vec::new();
    let resolved = names
        .iter()
        .map(|name| match registry.resolve(name) {
            Some(id) => registry.entities[id].name.clone(),
            None => {
                unknown.push(name.clone());
                name.clone()
            }
        })
        .collect();
    (resolved, unknown)
}

/// W102 for each entity name no profile defines, pointing at it in the new file.
fn unknown_entity_warnings(
    registry: &EntityRegistry,
    unknown: &[String],
    relative: &Path,
    text: &str,
) -> Vec<Diagnostic> {
    let profiles = || registry.entities.iter().map(|e| (e.name.as_str(), e.aliases.as_slice()));
    let entities_at = text.find("\nentities = ").map_or(0, |i| i + 1);
    unknown
        .iter()
        .map(|name| {
            let quoted = toml_string(name);
            let at = text[entities_at..].find(&quoted).map_or(entities_at, |i| entities_at + i);
            Diagnostic::warning("W102", format!("no profile defines the entity {name:?}; it is kept as written"))
                .in_file(relative)
                .at_span(text, at, at + quoted.len())
                .field("entities")
                .hint(unknown_entity_hint(name, profiles()))
        })
        .collect()
}

/// Trimmed, without empty or repeated entries, in the order given.
fn unique(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in values {
        let value = crate::slug::collapse_whitespace(value);
        if !value.is_empty() && !out.iter().any(|v| v.eq_ignore_ascii_case(&value)) {
            out.push(value);
        }
    }
    out
}

/// A TOML basic string: `"..."`, with `"`, `\\` and control characters escaped.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ch if ch.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(ch))),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// A TOML array of basic strings on one line.
fn toml_array(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|item| toml_string(item)).collect::<Vec<_>>().join(", "))
}

/// The new file's text: every front-matter key an article usually needs, and an empty body.
fn front_matter(
    title: &str,
    date: &ArticleDate,
    slug: &str,
    tags: &[String],
    entities: &[String],
    draft: bool,
) -> String {
    format!(
        "+++\n\
         title = {title}\n\
         date = {date}\n\
         slug = {slug}\n\
         # summary = \"One or two sentences for lists, feeds and previews (default: the first paragraph).\"\n\
         tags = {tags}\n\
         entities = {entities}\n\
         authors = []\n\
         draft = {draft}\n\
         +++\n\n",
        title = toml_string(title),
        date = date.to_toml(),
        slug = toml_string(slug),
        tags = toml_array(tags),
        entities = toml_array(entities),
    )
}

/// Creates `path` with `text`, refusing to replace anything that exists.
fn write_new_file(path: &Path, text: &str) -> Result<(), Diagnostic> {
    let io_error = |error: std::io::Error| {
        Diagnostic::error("E070", format!("cannot write the new article: {error}"))
            .hint("check that the content folder exists and is writable")
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_error)?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AlreadyExists {
            Diagnostic::error("E080", "the file already exists; gazette new never overwrites a file")
                .hint("open the existing file, or give the new article a different title")
        } else {
            io_error(error)
        }
    })?;
    file.write_all(text.as_bytes()).map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_escaped_as_toml() {
        let text = front_matter(
            "Orix \"doubles\" its stake \\ again",
            &ArticleDate::Day(NaiveDate::from_ymd_opt(2018, 1, 2).unwrap()),
            "orix-doubles-its-stake-again",
            &["finance".into()],
            &["Orix Corporation".into()],
            true,
        );
        let toml_text = text.trim_start_matches("+++\n").split("+++").next().unwrap();
        let value: toml::Table = toml::from_str(toml_text).unwrap();
        assert_eq!(value["title"].as_str(), Some("Orix \"doubles\" its stake \\ again"));
        assert_eq!(value["draft"].as_bool(), Some(true));
        assert!(text.contains("date = 2018-01-02\n"), "{text}");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(toml_string("a\tb\u{1}"), "\"a\\tb\\u0001\"");
        let value: toml::Table = toml::from_str(&format!("t = {}", toml_string("x\"\\\u{7f}y"))).unwrap();
        assert_eq!(value["t"].as_str(), Some("x\"\\\u{7f}y"));
    }

    #[test]
    fn dates_are_read_in_three_forms() {
        assert!(matches!(parse_date("2018-01-02"), Ok(ArticleDate::Day(_))));
        let Ok(ArticleDate::Time(time)) = parse_date("2018-01-02T09:30:00+08:00") else { panic!() };
        assert_eq!(ArticleDate::Time(time).to_toml(), "2018-01-02T09:30:00+08:00");
        assert!(matches!(parse_date("2018-01-02T09:30"), Ok(ArticleDate::Time(_))));
        assert!(parse_date("yesterday").is_err());
    }
}
