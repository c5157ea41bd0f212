//! Article front matter → checked article heads.
//!
//! Dates become chrono times that keep their offset, the slug is checked or derived from the
//! file stem, and drafts and scheduled articles are left out unless asked for. Markdown is
//! rendered later, once every page's URL is known.

use chrono::{DateTime, FixedOffset};

use super::deals::DealHead;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::load::Document;
use crate::load::frontmatter::ArticleFront;
use crate::model::limits;
use crate::slug::{SlugProblem, check_explicit_slug, slugify};
use crate::toml_input::{Fragment, TOP_LEVEL_KEYS, to_datetime};

#[derive(Debug, Clone)]
pub struct Correction {
    pub date: DateTime<FixedOffset>,
    pub text: String,
}

/// What the front matter says, checked; `None` fields of `Article` are filled later.
#[derive(Debug)]
pub struct ArticleHead {
    pub title: String,
    pub slug: String,
    pub date: DateTime<FixedOffset>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub corrections: Vec<Correction>,
    pub deals: Vec<DealHead>,
}

/// Whether an article is published in this build.
pub fn is_published(front: &ArticleFront, date: DateTime<FixedOffset>, config: &Config) -> bool {
    (config.drafts || !front.draft) && (config.future || date <= config.now)
}

/// Checks one article's front matter; all its problems are returned together.
pub fn check_head(document: &Document<ArticleFront>) -> Result<ArticleHead, Vec<Diagnostic>> {
    let front = &document.front;
    let fragment = document.fragment();
    let mut errors = Vec::new();
    let mut keep = |result: Result<DateTime<FixedOffset>, Diagnostic>| result.map_err(|e| errors.push(e)).ok();

    let date = keep(to_datetime(&fragment, &front.date, "date"));
    let updated = front.updated.as_ref().and_then(|u| keep(to_datetime(&fragment, u, "updated")));
    let corrections: Vec<Correction> = front
        .corrections
        .iter()
        .filter_map(|c| {
            keep(to_datetime(&fragment, &c.date, "corrections.date"))
                .map(|date| Correction { date, text: c.text.clone() })
        })
        .collect();

    let title = front.title.get_ref().trim().to_string();
    if title.is_empty() {
        errors.push(
            fragment
                .error_at("E013", "the title is empty", front.title.span())
                .field("title")
                .hint("write the article's headline"),
        );
    }
    let slug = match &front.slug {
        Some(slug) => check_slug(&fragment, slug).map_err(|e| errors.push(e)).ok(),
        None => match slugify(&document.stem()) {
            s if s.is_empty() => {
                errors.push(
                    Diagnostic::error("E031", "the file name has no letters or digits, so the article has no URL")
                        .in_file(&document.path)
                        .hint("rename the file, or add `slug = \"...\"` to the front matter"),
                );
                None
            }
            s => Some(s),
        },
    };
    if let Some(slug) = &slug {
        check_slug_length(document, slug, &mut errors);
    }
    check_limits(&fragment, front, &mut errors);
    let deals = super::deals::check_fields(&fragment, front, &mut errors);
    check_extra(document, &mut errors);

    match (date, slug) {
        (Some(date), Some(slug)) if errors.is_empty() => {
            Ok(ArticleHead { title, slug, date, updated, corrections, deals })
        }
        _ => Err(errors),
    }
}

/// The slug names the article's folder: it must fit in a file name (E078).
fn check_slug_length(document: &Document<ArticleFront>, slug: &str, errors: &mut Vec<Diagnostic>) {
    let fragment = document.fragment();
    let located = match &document.front.slug {
        Some(written) => limits::check_file_name(&fragment, written.span(), slug, "slug", "the slug"),
        None if slug.len() > limits::MAX_FILE_NAME_BYTES => Err(Diagnostic::error(
            "E078",
            format!(
                "the file name is too long for a URL slug: {} bytes, and a folder name may have at most {}",
                slug.len(),
                limits::MAX_FILE_NAME_BYTES
            ),
        )
        .in_file(&document.path)
        .at_line(&document.text, 1)
        .field("slug")
        .hint("add a shorter `slug = \"...\"` to the front matter, or rename the file")),
        None => Ok(()),
    };
    if let Err(error) = located {
        errors.push(error);
    }
}

/// At most `limits::MAX_TAGS` tags, `MAX_ENTITIES` entities and `MAX_AUTHORS` bylines
/// (E077); a source URL that is http(s) (E079).
fn check_limits(fragment: &Fragment, front: &ArticleFront, errors: &mut Vec<Diagnostic>) {
    let checks = [
        limits::check_count(fragment, &front.tags, limits::MAX_TAGS, "tags"),
        limits::check_count(fragment, &front.entities, limits::MAX_ENTITIES, "entities"),
        limits::check_count(fragment, &front.authors, limits::MAX_AUTHORS, "authors"),
        match front.source.as_ref().and_then(|s| s.url.as_ref()) {
            Some(url) => limits::check_link_url(fragment, url, "source.url", limits::UrlRule::Absolute),
            None => Ok(()),
        },
    ];
    errors.extend(checks.into_iter().filter_map(Result::err));
}

/// Checks an editor-written slug.
pub fn check_slug(fragment: &Fragment, slug: &toml::Spanned<String>) -> Result<String, Diagnostic> {
    let error =
        |code, message: &str, hint: String| fragment.error_at(code, message, slug.span()).field("slug").hint(hint);
    match check_explicit_slug(slug.get_ref()) {
        Ok(()) => Ok(slug.get_ref().clone()),
        Err(SlugProblem::Empty) => Err(error(
            "E031",
            "the slug is empty",
            "write a slug with letters or digits, or remove the line to use the file name".into(),
        )),
        Err(SlugProblem::LeavesFolder) => Err(error(
            "E030",
            "the slug would write outside its folder",
            "a slug is one path segment: letters, digits and `-`, with no `/`, `\\` or `..`".into(),
        )),
        Err(SlugProblem::NotNormal { suggestion }) => Err(error(
            "E030",
            "the slug is not in slug form",
            format!("use lowercase letters, digits and single `-`: `slug = \"{suggestion}\"`"),
        )),
    }
}

/// A known key inside `[extra]` was almost always meant for the top level: in TOML, every key
/// after the `[extra]` line belongs to it. Refuse it rather than silently ignore it.
fn check_extra(document: &Document<ArticleFront>, errors: &mut Vec<Diagnostic>) {
    let front_text = &document.text[document.front_offset..document.body_offset];
    let Some(extra_at) = front_text.find("[extra]") else { return };
    for key in document.front.extra.keys().filter(|k| TOP_LEVEL_KEYS.contains(&k.as_str()) && k.as_str() != "extra") {
        let at = front_text[extra_at..].find(&format!("\n{key}")).map_or(extra_at, |i| extra_at + i + 1);
        errors.push(
            document
                .fragment()
                .error_at(
                    "E012",
                    format!("`{key}` is inside [extra], where gazette does not read it"),
                    at..at + key.len(),
                )
                .field(format!("extra.{key}"))
                .hint(format!(
                    "move `{key}` above the [extra] line: in TOML every key after a [table] line belongs to that table"
                )),
        );
    }
}
