//! Links between pages, written by editors in Markdown.
//!
//! Three forms point inside the site and are rewritten to absolute URLs under `base_url`:
//! `@/articles/2017/12/x.md` (a content file, from `content/`), `../12/x.md` (a content file,
//! relative to the linking file) and `/articles/x/` (a path from the site root). A link to a
//! content file or an article, entity or page that does not exist is kept as written and
//! reported as a warning with its line.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::load::Document;
use crate::load::frontmatter::{ArticleFront, PageFront};
use crate::markdown::{self, LinkTarget, MarkdownImage, Rendered};
use crate::model::articles::ArticleHead;
use crate::model::entities::EntityRegistry;
use crate::model::images::ImageCatalog;
use crate::model::picture::{self, Loading};
use crate::urls::{self, Urls};

pub struct LinkResolver {
    urls: Urls,
    /// Every image the rendered Markdown and the `[image]` tables use.
    pub images: ImageCatalog,
    /// Content path below `content/` (`articles/2017/12/x.md`) → output folder.
    by_content_path: HashMap<String, String>,
    /// Output folders of articles, entities with profiles and pages.
    known_dirs: HashSet<String>,
}

const CONTENT_DIR: &str = "content/";

fn content_key(path: &Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    path.strip_prefix(CONTENT_DIR).unwrap_or(&path).to_string()
}

impl LinkResolver {
    pub fn new(
        config: &Config,
        articles: &[(&Document<ArticleFront>, &ArticleHead)],
        pages: &[(&Document<PageFront>, String, String)],
        registry: &EntityRegistry,
    ) -> Self {
        let mut by_content_path = HashMap::new();
        for (document, head) in articles {
            by_content_path.insert(content_key(&document.path), urls::article_dir(&head.slug));
        }
        for (document, _, slug) in pages {
            by_content_path.insert(content_key(&document.path), urls::page_dir(slug));
        }
        for entity in &registry.entities {
            if let Some(path) = &entity.path {
                by_content_path.insert(content_key(path), urls::entity_dir(&entity.slug, 1));
            }
        }
        let mut known_dirs: HashSet<String> = by_content_path.values().cloned().collect();
        // An entity that only articles name (no profile) still gets its page. Most names
        // repeat from article to article: slugify each distinct one once.
        let names: HashSet<&str> = articles
            .iter()
            .flat_map(|(document, _)| document.front.entities.iter().map(|n| n.get_ref().as_str()))
            .collect();
        known_dirs.extend(names.into_iter().map(|name| urls::entity_dir(&crate::slug::slugify(name), 1)));
        let images = ImageCatalog::new(&config.root);
        LinkResolver { urls: Urls::new(&config.base_url), images, by_content_path, known_dirs }
    }

    /// Renders one document's Markdown with its links resolved; warnings for broken ones.
    /// Markdown images with a local `src` become responsive `<picture>`s; a broken one is an
    /// error, one without alt text a warning.
    pub fn render(&self, path: &Path, body: &str, body_line: usize, file_text: &str) -> (Rendered, Vec<Diagnostic>) {
        let mut findings: Vec<Diagnostic> = Vec::new();
        let mut shown = Vec::new();
        let body_start = crate::diagnostics::line_offset(file_text, body_line);
        // Each finding points at the very place it is written (`offset` in `body`), not at the
        // first place the same destination appears.
        let locate = |offset: usize, dest: &str, diagnostic: Diagnostic| {
            let at = body_start + offset;
            diagnostic.in_file(path).at_span(file_text, at, at + dest.len())
        };
        let mut broken: Vec<(usize, String)> = Vec::new();
        let mut rendered = markdown::render_with_images(
            body,
            &mut |dest, offset| match self.resolve(path, dest) {
                Resolution::Keep => LinkTarget::Keep,
                Resolution::Url(url) => LinkTarget::Replace(url),
                Resolution::Broken(replacement) => {
                    broken.push((offset, dest.to_string()));
                    replacement.map_or(LinkTarget::Keep, LinkTarget::Replace)
                }
            },
            &mut |image: &MarkdownImage| {
                let use_at = || locate(image.offset, image.src, Diagnostic::error("E063", "")).field("image");
                match self.images.resolve(path, image.src, body_start + image.offset, use_at) {
                    Ok(None) => None,
                    Ok(Some(asset)) => {
                        shown.push(asset.source.clone());
                        if image.alt.trim().is_empty() {
                            findings.push(locate(image.offset, image.src, missing_alt_warning(image.src)));
                        }
                        let sizes = crate::model::images::SIZES;
                        Some(picture::picture_html(
                            &asset,
                            image.alt,
                            Some(image.title),
                            &self.urls,
                            Loading::Lazy,
                            sizes,
                        ))
                    }
                    Err(problem) => {
                        let error = problem.diagnostic(image.src).field("image");
                        findings.push(locate(image.offset, image.src, error));
                        Some(String::new())
                    }
                }
            },
        );
        rendered.images = shown;
        findings.extend(broken.into_iter().map(|(offset, dest)| {
            let warning = Diagnostic::warning("W101", format!("the link `{dest}` points to no page"));
            locate(offset, &dest, warning)
                .hint("link to an existing file as `@/articles/YYYY/MM/name.md` (from content/) or fix the path")
        }));
        (rendered, findings)
    }

    /// The URLs of this site.
    pub fn urls(&self) -> &Urls {
        &self.urls
    }

    fn resolve(&self, from: &Path, dest: &str) -> Resolution {
        let (target, fragment) = match dest.split_once('#') {
            Some((target, fragment)) => (target, Some(fragment)),
            None => (dest, None),
        };
        let with_fragment = |url: String| match fragment {
            Some(f) => format!("{url}#{f}"),
            None => url,
        };
        if let Some(content_path) = target.strip_prefix("@/") {
            return match self.by_content_path.get(content_path) {
                Some(dir) => Resolution::Url(with_fragment(self.urls.of(dir))),
                None => Resolution::Broken(None),
            };
        }
        if target.starts_with('/') && !target.starts_with("//") {
            let relative = target.trim_start_matches('/');
            // `x/index.html` and an entity's `x/atom.xml` live in the page's folder.
            let page =
                ["index.html", urls::FEED_FILE].iter().find_map(|f| relative.strip_suffix(f)).unwrap_or(relative);
            let checked = ["articles/", "entities/"].iter().any(|p| page.starts_with(p) && page.len() > p.len());
            let dir = if page.ends_with('/') { page.to_string() } else { format!("{page}/") };
            let url = with_fragment(format!("{}{relative}", self.urls.base()));
            if checked && !page.contains("/page/") && !self.known_dirs.contains(&percent_decode(&dir)) {
                // Still under base_url, so that it breaks the same way on every host.
                return Resolution::Broken(Some(url));
            }
            return Resolution::Url(url);
        }
        let is_relative_file =
            !target.is_empty() && !target.contains(':') && !target.starts_with('/') && target.ends_with(".md");
        if is_relative_file {
            let base = content_key(from.parent().unwrap_or(Path::new("")));
            return match normalize(&format!("{base}/{target}")).and_then(|key| self.by_content_path.get(&key)) {
                Some(dir) => Resolution::Url(with_fragment(self.urls.of(dir))),
                None => Resolution::Broken(None),
            };
        }
        Resolution::Keep
    }
}

fn missing_alt_warning(src: &str) -> Diagnostic {
    Diagnostic::warning("W120", format!("the image `{src}` has no alt text"))
        .hint("describe the image between the brackets, `![what it shows](...)`: screen readers read it aloud")
}

enum Resolution {
    Keep,
    Url(String),
    /// Points to no page; reported, and written as the given URL or as it was.
    Broken(Option<String>),
}

/// `articles/2017/12/../11/x.md` → `articles/2017/11/x.md`; `None` if it climbs out.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Decodes `%XX` escapes, so that a link written encoded matches a slug written plainly; a
/// malformed escape is kept as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = urls::percent_decode(text, false).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(normalize("articles/2017/12/../11/x.md").as_deref(), Some("articles/2017/11/x.md"));
        assert_eq!(normalize("articles/./x.md").as_deref(), Some("articles/x.md"));
        assert_eq!(normalize("../../x.md"), None);
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("articles/%E8%BE%BD%E5%AE%81/"), "articles/辽宁/");
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
