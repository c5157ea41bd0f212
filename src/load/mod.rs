//! Stage 2, load: the site folder → raw documents.
//!
//! Walks `content/`, `static/` and `templates/`, reads every file (in parallel), checks that
//! it is UTF-8, splits the `+++` front matter from the Markdown and deserializes it into the
//! raw structs of `frontmatter`. Nothing here knows about other files: cross-file checks
//! belong to the model stage.

pub mod frontmatter;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::toml_input::{self, Fragment};
use frontmatter::{ArticleFront, AuthorFront, EntityFront, PageFront};

/// A Markdown file with its front matter parsed.
#[derive(Debug)]
pub struct Document<F> {
    /// Relative to the site root, for messages.
    pub path: PathBuf,
    pub text: String,
    pub front: F,
    /// Where the front-matter TOML starts (after the opening `+++` line).
    pub front_offset: usize,
    /// Where the Markdown body starts.
    pub body_offset: usize,
}

impl<F> Document<F> {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// 1-based line of the first body line.
    pub fn body_line(&self) -> usize {
        self.text[..self.body_offset].matches('\n').count() + 1
    }

    /// The front matter as a located fragment, for diagnostics about its values.
    pub fn fragment(&self) -> Fragment<'_> {
        Fragment { file: &self.path, file_text: &self.text, offset: self.front_offset, header_offset: 0 }
    }

    /// The file stem: the default slug.
    pub fn stem(&self) -> String {
        self.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// A template file from the site's `templates/` folder.
#[derive(Debug)]
pub struct TemplateFile {
    /// The template name: its path below `templates/`, with `/`.
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

/// Everything read from the site folder.
#[derive(Debug, Default)]
pub struct Loaded {
    pub articles: Vec<Document<ArticleFront>>,
    pub entities: Vec<Document<EntityFront>>,
    pub pages: Vec<Document<PageFront>>,
    pub authors: Vec<Document<AuthorFront>>,
    pub templates: Vec<TemplateFile>,
    /// Files below `static/`, relative to it.
    pub static_files: Vec<PathBuf>,
    /// Image files below `content/` (beside the Markdown that shows them), relative to the
    /// root: the model reads those that pages use; the fingerprint watches them all.
    pub content_images: Vec<PathBuf>,
    /// How many source files were looked at, for the summary line.
    pub file_count: usize,
}

pub const CONTENT_DIR: &str = "content";
pub const ARTICLES_DIR: &str = "content/articles";
pub const ENTITIES_DIR: &str = "content/entities";
pub const PAGES_DIR: &str = "content/pages";
pub const AUTHORS_DIR: &str = "content/authors";
pub const STATIC_DIR: &str = "static";
pub const TEMPLATES_DIR: &str = "templates";

/// Reads the whole site. Problems in one file do not stop the others from being read.
pub fn load(config: &Config) -> (Loaded, Vec<Diagnostic>) {
    let root = &config.root;
    let mut diagnostics = Vec::new();
    let article_paths = markdown_files(root, ARTICLES_DIR, usize::MAX, &mut diagnostics);
    let entity_paths = markdown_files(root, ENTITIES_DIR, 1, &mut diagnostics);
    let page_paths = markdown_files(root, PAGES_DIR, 1, &mut diagnostics);
    let author_paths = markdown_files(root, AUTHORS_DIR, 1, &mut diagnostics);
    let template_paths = files_below(root, TEMPLATES_DIR, usize::MAX, &mut diagnostics);
    let static_files: Vec<PathBuf> = files_below(root, STATIC_DIR, usize::MAX, &mut diagnostics)
        .into_iter()
        .filter_map(|p| p.strip_prefix(STATIC_DIR).ok().map(Path::to_path_buf))
        .collect();

    let content_images: Vec<PathBuf> = files_below(root, CONTENT_DIR, usize::MAX, &mut Vec::new())
        .into_iter()
        .filter(|path| is_image_name(&path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()))
        .collect();

    let (articles, article_errors) = read_documents(root, &article_paths);
    let (entities, entity_errors) = read_documents(root, &entity_paths);
    let (pages, page_errors) = read_documents(root, &page_paths);
    let (authors, author_errors) = read_documents(root, &author_paths);
    diagnostics.extend(article_errors.into_iter().chain(entity_errors).chain(page_errors).chain(author_errors));

    let mut templates = Vec::new();
    for path in template_paths.iter().filter(|p| !is_ignored_template(p)) {
        match read_text(root, path) {
            Ok(text) => templates.push(TemplateFile {
                name: path.strip_prefix(TEMPLATES_DIR).unwrap_or(path).to_string_lossy().replace('\\', "/"),
                path: path.clone(),
                text,
            }),
            Err(error) => diagnostics.push(error),
        }
    }
    let file_count = article_paths.len()
        + entity_paths.len()
        + page_paths.len()
        + author_paths.len()
        + template_paths.len()
        + static_files.len()
        + content_images.len()
        + 1;
    let loaded = Loaded { articles, entities, pages, authors, templates, static_files, content_images, file_count };
    (loaded, diagnostics)
}

/// Whether `load` leaves this file (relative to the site root) out: editors' swap, backup and
/// lock files beside the sources, anything in `content/` that is not an article, profile or
/// page. `serve` ignores their changes. Files outside the watched folders are not judged here.
pub fn skips(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    if path.starts_with(CONTENT_DIR) {
        !is_markdown_name(&name) && !is_image_name(&name)
    } else if path.starts_with(TEMPLATES_DIR) {
        is_ignored_template(path)
    } else {
        false
    }
}

/// An image that a page beside it may show: PNG, JPEG, WebP, GIF or SVG, not hidden.
pub fn is_image_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !name.starts_with('.') && [".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg"].iter().any(|e| lower.ends_with(e))
}

/// `*.md`, but hidden files and editors' lock files (`#name.md#`).
fn is_markdown_name(name: &str) -> bool {
    name.ends_with(".md") && !name.starts_with('.') && !name.starts_with('#')
}

fn is_ignored_template(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    name.eq_ignore_ascii_case("README.md") || name.starts_with('.') || name.ends_with('~')
}

/// Files below `root/dir`, relative to `root`, sorted; a missing folder is simply empty.
fn files_below(root: &Path, dir: &str, max_depth: usize, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    let canonical_root = std::fs::canonicalize(root).ok();
    let mut leaving = Vec::new();
    // A symbolic link may point anywhere inside the site, never out of it: a site folder
    // from elsewhere must not publish /etc or a home folder.
    let walk = WalkDir::new(&base).max_depth(max_depth).sort_by_file_name().follow_links(true);
    let walk = walk.into_iter().filter_entry(|entry| {
        let outside = entry.path_is_symlink()
            && canonical_root
                .as_ref()
                .is_some_and(|root| std::fs::canonicalize(entry.path()).is_ok_and(|target| !target.starts_with(root)));
        if outside {
            leaving.push(entry.path().to_path_buf());
        }
        !outside
    });
    for entry in walk {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                if let Ok(relative) = entry.path().strip_prefix(root) {
                    files.push(relative.to_path_buf());
                }
            }
            Ok(_) => {}
            Err(error) => diagnostics.push(
                Diagnostic::error("E001", format!("cannot read a folder entry: {error}"))
                    .in_file(error.path().and_then(|p| p.strip_prefix(root).ok()).unwrap_or(Path::new(dir)))
                    .hint("check the file's permissions, or remove a broken symbolic link"),
            ),
        }
    }
    for link in leaving {
        diagnostics.push(
            Diagnostic::warning("W109", "this symbolic link leads out of the site folder: it is not followed")
                .in_file(link.strip_prefix(root).unwrap_or(&link))
                .hint("copy what it points to into the site folder, or point the link inside it"),
        );
    }
    files
}

/// Markdown files below `root/dir`, skipping hidden files and editor backups.
fn markdown_files(root: &Path, dir: &str, max_depth: usize, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    files_below(root, dir, max_depth, diagnostics)
        .into_iter()
        .filter(|path| is_markdown_name(&path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()))
        .collect()
}

fn read_documents<F: DeserializeOwned + Send>(root: &Path, paths: &[PathBuf]) -> (Vec<Document<F>>, Vec<Diagnostic>) {
    let results: Vec<Result<Document<F>, Diagnostic>> = paths
        .par_iter()
        .map(|path| read_text(root, path).and_then(|text| parse_document(path.clone(), text)))
        .collect();
    let mut documents = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(document) => documents.push(document),
            Err(error) => errors.push(error),
        }
    }
    (documents, errors)
}

/// Reads a file as UTF-8, pointing at the first bad byte's line when it is not.
pub fn read_text(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(root.join(path)).map_err(|error| {
        Diagnostic::error("E001", format!("cannot read the file: {error}"))
            .in_file(path)
            .hint("check that the file exists and is readable")
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        let mut diagnostic = Diagnostic::error("E002", "the file is not valid UTF-8")
            .in_file(path)
            .hint("save the file as UTF-8 (in most editors: File → Save with Encoding → UTF-8)");
        diagnostic.line = line;
        diagnostic.column = column;
        diagnostic
    })
}

/// Splits `+++` front matter from the body and deserializes it.
pub fn parse_document<F: DeserializeOwned>(path: PathBuf, mut text: String) -> Result<Document<F>, Diagnostic> {
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    let (front_offset, front_end, body_offset) = split_front_matter(&text).map_err(|problem| {
        let diagnostic = Diagnostic::error("E010", problem.message()).in_file(&path).at_line(&text, 1);
        diagnostic.hint(problem.hint())
    })?;
    let fragment = Fragment { file: &path, file_text: &text, offset: front_offset, header_offset: 0 };
    let front = toml_input::parse(&fragment, front_end - front_offset)?;
    Ok(Document { path, text, front, front_offset, body_offset })
}

#[derive(Debug, PartialEq, Eq)]
pub enum FrontMatterProblem {
    NotOpened,
    NotClosed,
}

impl FrontMatterProblem {
    fn message(&self) -> &'static str {
        match self {
            FrontMatterProblem::NotOpened => "the file does not start with front matter",
            FrontMatterProblem::NotClosed => "the front matter is not closed",
        }
    }

    fn hint(&self) -> &'static str {
        match self {
            FrontMatterProblem::NotOpened => {
                "start the file with a line `+++`, the TOML front matter (title, date, ...), then another line `+++`"
            }
            FrontMatterProblem::NotClosed => {
                "add a line `+++` after the last front-matter line, before the Markdown text"
            }
        }
    }
}

/// (start of TOML, end of TOML, start of body) as byte offsets.
pub fn split_front_matter(text: &str) -> Result<(usize, usize, usize), FrontMatterProblem> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "+++" {
        return Err(FrontMatterProblem::NotOpened);
    }
    let front_start = (first_line_end + 1).min(text.len());
    let mut offset = front_start;
    while offset < text.len() {
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if text[offset..line_end].trim_end() == "+++" {
            let body_start = (line_end + 1).min(text.len());
            return Ok((front_start, offset, body_start));
        }
        offset = line_end + 1;
    }
    Err(FrontMatterProblem::NotClosed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\ntitle = \"x\"\n+++\nBody\n";
        let (start, end, body) = split_front_matter(text).unwrap();
        assert_eq!(&text[start..end], "title = \"x\"\n");
        assert_eq!(&text[body..], "Body\n");
    }

    #[test]
    fn windows_line_endings_are_accepted() {
        let text = "+++\r\ntitle = \"x\"\r\n+++\r\nBody";
        let (start, end, body) = split_front_matter(text).unwrap();
        assert_eq!(&text[start..end], "title = \"x\"\r\n");
        assert_eq!(&text[body..], "Body");
    }

    #[test]
    fn missing_delimiters_are_reported() {
        assert_eq!(split_front_matter("title = 1\n"), Err(FrontMatterProblem::NotOpened));
        assert_eq!(split_front_matter("+++\ntitle = 1\nBody\n"), Err(FrontMatterProblem::NotClosed));
    }

    #[test]
    fn non_utf8_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), b"+++\ntitle = \"x\"\n\xff\n").unwrap();
        let error = read_text(dir.path(), Path::new("a.md")).unwrap_err();
        assert_eq!((error.code, error.line), ("E002", 3));
    }
}
