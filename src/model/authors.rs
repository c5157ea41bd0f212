//! Authors: every byline gets a page, and an optional profile adds a title, a portrait and a
//! bio.
//!
//! In: author profiles (`content/authors/*.md`) and the articles' bylines. Out: one `Author`
//! per byline slug (so `Wang Ying` and `wang  ying` are one author, as tags are), with its
//! articles newest first, sorted by slug. A profile's `name` is matched against bylines the
//! same way, so the file's own name is free.

use std::collections::HashMap;
use std::path::PathBuf;

use super::Article;
use super::images::{self, ImageCatalog, ImageUse};
use crate::diagnostics::Diagnostic;
use crate::load::Document;
use crate::load::frontmatter::AuthorFront;
use crate::markdown;
use crate::slug::slugify;

/// What a profile file says, checked and rendered.
#[derive(Debug, Clone)]
pub struct AuthorProfile {
    pub name: String,
    pub slug: String,
    pub title: Option<String>,
    pub bio_html: String,
    /// The bio's first paragraph as plain text: the author page's meta description.
    pub summary: String,
    /// The portrait (`[image]`), checked and with its variants.
    pub image: Option<ImageUse>,
    pub path: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Author {
    /// The profile's name, else the byline as the newest article spells it.
    pub name: String,
    pub slug: String,
    pub profile: Option<AuthorProfile>,
    /// Articles with this byline, newest first.
    pub articles: Vec<usize>,
}

/// Checks the profiles: a name with letters or digits, one profile per author, a portrait
/// that `images` accepts. `render` turns a document's Markdown into (HTML, first paragraph)
/// with the site's links.
pub fn check_profiles(
    documents: &[Document<AuthorFront>],
    images: &ImageCatalog,
    mut render: impl FnMut(&Document<AuthorFront>) -> markdown::Rendered,
) -> (Vec<AuthorProfile>, Vec<Diagnostic>) {
    let mut profiles: Vec<AuthorProfile> = Vec::with_capacity(documents.len());
    let mut diagnostics = Vec::new();
    let mut by_slug: HashMap<String, usize> = HashMap::new();
    for document in documents {
        let front = &document.front;
        let fragment = document.fragment();
        let name = crate::slug::collapse_whitespace(front.name.get_ref());
        let slug = slugify(&name);
        if slug.is_empty() {
            let error = fragment.error_at(
                "E042",
                format!("the author name {:?} has no letters or digits, so it has no URL", front.name.get_ref()),
                front.name.span(),
            );
            diagnostics.push(error.field("name").hint("write the author's name as their bylines spell it"));
            continue;
        }
        if let Some(&other) = by_slug.get(&slug) {
            let error = fragment.error_at("E043", format!("two author profiles for {name:?}"), front.name.span());
            diagnostics.push(
                error
                    .field("name")
                    .note(format!("the other profile is {}", profiles[other].path.display()))
                    .hint("merge the two profiles into one file: bylines match a profile by its name"),
            );
            continue;
        }
        let image = front.image.as_ref().and_then(|image| portrait(images, document, image, &mut diagnostics));
        let body = render(document);
        by_slug.insert(slug.clone(), profiles.len());
        profiles.push(AuthorProfile {
            name,
            slug,
            title: front.title.as_deref().map(crate::slug::collapse_whitespace).filter(|t| !t.is_empty()),
            bio_html: body.html,
            summary: body.first_paragraph,
            image,
            path: document.path.clone(),
        });
    }
    (profiles, diagnostics)
}

/// The portrait of a profile: an `alt` written empty is E044, the rest as for any `[image]`.
fn portrait(
    images: &ImageCatalog,
    document: &Document<AuthorFront>,
    image: &toml::Spanned<crate::load::frontmatter::ImageFront>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ImageUse> {
    if let Some(alt) = image.get_ref().alt.as_ref().filter(|alt| alt.get_ref().trim().is_empty()) {
        let error = document.fragment().error_at("E044", "the portrait has an empty `alt`", alt.span());
        diagnostics.push(error.field("image.alt").hint("describe the portrait, e.g. \"Wang Ying\""));
        return None;
    }
    images::resolve_front(images, document, image).map_err(|error| diagnostics.push(error)).ok()
}

/// The authors of `articles` (sorted newest first), each with its profile if one matches.
/// Profiles that no byline names still get their page. Sorted by slug.
pub fn index(profiles: Vec<AuthorProfile>, articles: &[Article]) -> Vec<Author> {
    let mut by_slug: HashMap<String, usize> = HashMap::new();
    let mut authors: Vec<Author> = Vec::new();
    for profile in profiles {
        by_slug.insert(profile.slug.clone(), authors.len());
        authors.push(Author {
            name: profile.name.clone(),
            slug: profile.slug.clone(),
            profile: Some(profile),
            articles: Vec::new(),
        });
    }
    for (index, article) in articles.iter().enumerate() {
        for byline in &article.authors {
            let slug = slugify(byline);
            let id = *by_slug.entry(slug.clone()).or_insert_with(|| {
                authors.push(Author { name: byline.clone(), slug, profile: None, articles: Vec::new() });
                authors.len() - 1
            });
            if authors[id].articles.last() != Some(&index) {
                authors[id].articles.push(index);
            }
        }
    }
    authors.sort_by(|a, b| a.slug.cmp(&b.slug));
    authors
}

/// `index` again over the same profiles, after the articles changed (`serve`).
pub fn reindex(authors: &mut Vec<Author>, articles: &[Article]) {
    let profiles = authors.drain(..).filter_map(|a| a.profile).collect();
    *authors = index(profiles, articles);
}
