//! Editorial lints: warnings about content that builds but reads worse than it should.
//!
//! Only `gazette check` runs them, after the model stage: they take the resolved `Site` (who
//! is tagged, mentioned, how often a tag is used) and the source documents (to point at the
//! front-matter line an editor must change), and return warnings. Nothing here can fail a
//! build, and `gazette build` never pays for it. The model's own warnings (W101 broken links,
//! W105 shared aliases) come from the model stage itself.

mod articles;
mod deals;
pub mod entities;
mod tags;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use chrono::{DateTime, FixedOffset};

use crate::diagnostics::Diagnostic;
use crate::load::Document;
use crate::load::frontmatter::ArticleFront;
use crate::model::entities::name_key;
use crate::model::{Article, Site, Sources};

/// Every lint warning. `site` is `None` when the model had errors: only the lints that need
/// no resolved site run then. `now` is the build clock.
pub fn lint(site: Option<&Site>, sources: &Sources, now: DateTime<FixedOffset>) -> Vec<Diagnostic> {
    let mut warnings = articles::stale_drafts(&sources.articles, now);
    if let Some(site) = site {
        let published = published_articles(site, sources);
        warnings.extend(entities::unknown_entities(site, &published));
        warnings.extend(entities::untagged_mentions(site, &published));
        warnings.extend(deals::repeated_deals(site, &published));
        warnings.extend(tags::single_use_tags(site, &published));
        warnings.extend(tags::colliding_tag_spellings(site, &published));
        warnings.extend(articles::long_first_paragraphs(&published));
    }
    warnings
}

/// A published article with the document it came from.
pub struct Published<'a> {
    pub index: usize,
    pub article: &'a Article,
    pub document: &'a Document<ArticleFront>,
}

/// The site's articles, in the site's order (newest first), each with its source document.
fn published_articles<'a>(site: &'a Site, sources: &'a Sources) -> Vec<Published<'a>> {
    let by_path: HashMap<&Path, &Document<ArticleFront>> =
        sources.articles.iter().map(|document| (document.path.as_path(), document)).collect();
    site.articles
        .iter()
        .enumerate()
        .filter_map(|(index, article)| {
            by_path.get(article.path.as_path()).map(|&document| Published { index, article, document })
        })
        .collect()
}

/// A warning at a span of a document's front matter (spans are relative to the TOML).
fn warning_at<F>(document: &Document<F>, code: &'static str, message: String, span: Range<usize>) -> Diagnostic {
    let start = document.front_offset + span.start;
    Diagnostic::warning(code, message).in_file(&document.path).at_span(
        &document.text,
        start,
        document.front_offset + span.end,
    )
}

/// The 1-based line of a top-level front-matter key such as `draft`, if the file has it.
fn front_key_line<F>(document: &Document<F>, key: &str) -> Option<usize> {
    let front_line = document.text[..document.front_offset].matches('\n').count() + 1;
    let front = &document.text[document.front_offset..document.body_offset];
    // Top-level keys come before the first table header; `[extra]` may reuse any name.
    front
        .lines()
        .take_while(|line| !line.trim_start().starts_with('['))
        .position(|line| line.split_once('=').is_some_and(|(name, _)| name.trim().trim_matches('"') == key))
        .map(|index| front_line + index)
}
