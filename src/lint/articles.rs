//! Article lints: no summary and a first paragraph too long to stand in for one (W107), and
//! a draft left lying for more than a month (W108).

use chrono::{DateTime, Duration, FixedOffset};

use super::{Published, front_key_line};
use crate::diagnostics::Diagnostic;
use crate::load::Document;
use crate::load::frontmatter::ArticleFront;
use crate::markdown::first_paragraph_offset;
use crate::toml_input::to_datetime;

/// Longer than this, a first paragraph makes a poor summary on lists, feeds and previews.
pub const SUMMARY_LIMIT: usize = 300;

/// A draft older than this is probably forgotten.
pub const STALE_DRAFT_DAYS: i64 = 30;

/// W107: no `summary`, and the first paragraph (the default summary) is over the limit.
pub fn long_first_paragraphs(published: &[Published]) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for entry in published.iter().filter(|p| p.document.front.summary.is_none()) {
        let length = entry.article.summary.chars().count();
        if length <= SUMMARY_LIMIT {
            continue;
        }
        let document = entry.document;
        let start = document.body_offset + first_paragraph_offset(document.body()).unwrap_or(0);
        let end = document.text[start..].find('\n').map_or(document.text.len(), |i| start + i);
        warnings.push(
            Diagnostic::warning(
                "W107",
                format!(
                    "there is no summary, and the first paragraph is {length} characters long (over {SUMMARY_LIMIT})"
                ),
            )
            .in_file(&document.path)
            .at_span(&document.text, start, end)
            .field("summary")
            .hint(
                "add `summary = \"...\"` (one or two sentences) to the front matter: lists, feeds and link \
                 previews show the first paragraph otherwise",
            ),
        );
    }
    warnings
}

/// W108: `draft = true` on an article dated more than `STALE_DRAFT_DAYS` before `now`.
pub fn stale_drafts(articles: &[Document<ArticleFront>], now: DateTime<FixedOffset>) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for document in articles.iter().filter(|d| d.front.draft) {
        // A bad date is already an error of its own.
        let Ok(date) = to_datetime(&document.fragment(), &document.front.date, "date") else { continue };
        let age = now.signed_duration_since(date);
        if age <= Duration::days(STALE_DRAFT_DAYS) {
            continue;
        }
        let line = front_key_line(document, "draft").unwrap_or(1);
        warnings.push(
            Diagnostic::warning(
                "W108",
                format!("this draft is dated {}, {} days ago", date.format("%Y-%m-%d"), age.num_days()),
            )
            .in_file(&document.path)
            .at_line(&document.text, line)
            .field("draft")
            .hint(
                "publish it (`draft = false`, with the date it goes out), or delete the file if the story was dropped",
            ),
        );
    }
    warnings
}
