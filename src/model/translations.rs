//! Stories in several languages: `translation_of` ties a version to its original.
//!
//! In: every published article's slug, resolved language and `translation_of`, with the
//! places of its `language` and `translation_of` keys (`Declared`, taken while the file's text
//! was at hand). Out: the errors (a target that no article has, a translation of a
//! translation, an article that names itself, two versions of one story in one language),
//! and, once the articles are in their final order, each article's other versions
//! (`Article::translations`). A story is an original and the articles that name its slug;
//! `build` and `serve` group them with the same `link`, so the two cannot disagree.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use super::Article;
use crate::diagnostics::{Diagnostic, Severity};
use crate::slug::slugify;
use crate::toml_input::Fragment;

/// Where a front-matter value is, kept for checks made after the file's text is gone: a
/// located diagnostic waiting for its code and message.
#[derive(Debug, Clone)]
pub struct Place(Diagnostic);

impl Place {
    pub fn new(fragment: &Fragment, span: Range<usize>, field: &str) -> Self {
        Place(fragment.error_at("", String::new(), span).field(field))
    }

    pub fn error(&self, code: &'static str, message: impl Into<String>) -> Diagnostic {
        let mut diagnostic = self.0.clone();
        diagnostic.code = code;
        diagnostic.message = message.into();
        diagnostic
    }

    pub fn warning(&self, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..self.error(code, message) }
    }
}

/// What an article's front matter says about its language, and where it says it.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    pub language: Option<Place>,
    /// The slug it names, and where.
    pub translation_of: Option<(String, Place)>,
}

/// One published article, as the checks see it.
pub struct Version<'a> {
    pub path: &'a Path,
    pub slug: &'a str,
    pub language: &'a str,
    pub declared: &'a Declared,
}

/// Checks every `translation_of`. `unpublished` holds the slugs of articles left out of this
/// build (drafts, scheduled): naming one is no error, the version then stands alone until
/// its original is published.
pub fn check(versions: &[Version], unpublished: &HashSet<String>) -> Vec<Diagnostic> {
    let by_slug: HashMap<&str, usize> = versions.iter().enumerate().map(|(i, v)| (v.slug, i)).collect();
    let mut errors = Vec::new();
    // Story (the original's slug) → its versions, the original first when it is published.
    let mut stories: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, version) in versions.iter().enumerate() {
        let Some((target, place)) = &version.declared.translation_of else { continue };
        if target == version.slug {
            errors.push(place.error("E022", format!("`translation_of` names this article itself (`{target}`)")).hint(
                "name the slug of the original this article translates, or remove the line if it is the original",
            ));
            continue;
        }
        match by_slug.get(target.as_str()) {
            Some(&original) => match &versions[original].declared.translation_of {
                None => stories.entry(versions[original].slug).or_insert_with(|| vec![original]).push(index),
                Some(_) => errors.push(translation_of_a_translation(versions, &by_slug, index, original, place)),
            },
            None if unpublished.contains(target.as_str()) => {
                stories.entry(target.as_str()).or_default().push(index);
            }
            None => errors.push(unknown_target(versions, &by_slug, target, place)),
        }
    }
    let mut stories: Vec<(&str, Vec<usize>)> = stories.into_iter().collect();
    stories.sort_unstable();
    for (story, members) in stories {
        errors.extend(same_language(versions, story, &members));
    }
    errors
}

fn unknown_target(versions: &[Version], by_slug: &HashMap<&str, usize>, target: &str, place: &Place) -> Diagnostic {
    let error = place.error("E019", format!("`translation_of` names `{target}`, and no article has that slug"));
    let slug = slugify(target);
    let guess = by_slug.get(slug.as_str()).copied().or_else(|| {
        (0..versions.len())
            .find(|&i| versions[i].path.file_stem().is_some_and(|stem| slugify(&stem.to_string_lossy()) == slug))
    });
    match guess {
        Some(i) => error.hint(format!(
            "did you mean `translation_of = \"{}\"` ({})?",
            versions[i].slug,
            versions[i].path.display()
        )),
        None => error.hint(
            "write the slug of the original article: the last part of its URL, /articles/<slug>/ (its `slug`, or its file name)",
        ),
    }
}

/// `index` names `target`, which names another article in turn: point at the story's root.
fn translation_of_a_translation(
    versions: &[Version],
    by_slug: &HashMap<&str, usize>,
    index: usize,
    target: usize,
    place: &Place,
) -> Diagnostic {
    let mut seen = vec![index, target];
    let mut at = target;
    let root = loop {
        let Some((next, _)) = &versions[at].declared.translation_of else { break Some(at) };
        match by_slug.get(next.as_str()) {
            Some(&n) if seen.contains(&n) => break None,
            Some(&n) => {
                seen.push(n);
                at = n;
            }
            None => break None,
        }
    };
    let target_version = &versions[target];
    let named = target_version.declared.translation_of.as_ref().map_or("", |(slug, _)| slug.as_str());
    let error = place
        .error(
            "E020",
            format!("`translation_of` names `{}`, which is itself a translation (of `{named}`)", target_version.slug),
        )
        .note(format!("{} has `translation_of = \"{named}\"`", target_version.path.display()));
    match root {
        Some(root) => error.hint(format!(
            "name the original, as every version of a story does: `translation_of = \"{}\"` ({})",
            versions[root].slug,
            versions[root].path.display()
        )),
        None => error.hint(
            "these articles name each other in a circle: pick the original, remove its `translation_of`, and name its slug in every other version",
        ),
    }
}

/// Two versions of one story in one language: the later one (original first, then in path
/// order) is the error, at its `language` key when it has one.
fn same_language(versions: &[Version], story: &str, members: &[usize]) -> Vec<Diagnostic> {
    let mut first_in: HashMap<String, usize> = HashMap::new();
    let mut errors = Vec::new();
    for &member in members {
        let version = &versions[member];
        let Some(&first) = first_in.get(&version.language.to_ascii_lowercase()) else {
            first_in.insert(version.language.to_ascii_lowercase(), member);
            continue;
        };
        let message = format!(
            "two versions of the story `{story}` are in `{}`: {} and {}",
            version.language,
            versions[first].path.display(),
            version.path.display()
        );
        let (error, hint) = match (&version.declared.language, &version.declared.translation_of) {
            (Some(place), _) => (place.error("E021", message), "correct this version's `language`"),
            (None, Some((_, place))) => (
                place.error("E021", message),
                "this version has no `language` key, so it took the site's or its script's: add `language = \"...\"`",
            ),
            (None, None) => {
                (Diagnostic::error("E021", message).in_file(version.path), "give this version its `language`")
            }
        };
        errors.push(
            error
                .note(format!("the other version is {}", versions[first].path.display()))
                .hint(format!("{hint}, or make it a story of its own by removing its `translation_of`")),
        );
    }
    errors
}

/// Fills each article's `translations` with its story's other versions (original first,
/// then by language), by index; the articles are in their final order. Articles of a story
/// whose original is not published still find each other.
pub fn link(articles: &mut [Article]) {
    let mut stories: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, article) in articles.iter().enumerate() {
        let story = article.translation_of.as_deref().unwrap_or(&article.slug);
        stories.entry(story).or_default().push(index);
    }
    let mut links: Vec<(usize, Vec<usize>)> = Vec::new();
    for members in stories.into_values().filter(|m| m.len() > 1) {
        let mut ordered = members;
        ordered.sort_by_cached_key(|&i| story_order(&articles[i]));
        for &member in &ordered {
            links.push((member, ordered.iter().copied().filter(|&o| o != member).collect()));
        }
    }
    for article in articles.iter_mut() {
        article.translations.clear();
    }
    for (member, others) in links {
        articles[member].translations = others;
    }
}

/// The order of a story's versions: the original, then by language.
fn story_order(article: &Article) -> (bool, String, String) {
    (article.translation_of.is_some(), article.language.to_ascii_lowercase(), article.slug.clone())
}

/// Every version of an article's story, itself included, in story order; just itself for
/// an article in one language.
pub fn versions(articles: &[Article], index: usize) -> Vec<usize> {
    let mut all = articles[index].translations.clone();
    all.push(index);
    all.sort_by_cached_key(|&i| story_order(&articles[i]));
    all
}

/// The story's original among an article's versions: itself when it has no `translation_of`,
/// else the version it names, when that one is published.
pub fn original(articles: &[Article], index: usize) -> Option<usize> {
    let article = &articles[index];
    match &article.translation_of {
        None => Some(index),
        Some(target) => article.translations.iter().copied().find(|&i| &articles[i].slug == target),
    }
}
