//! The corrections log: every dated correction of every article, newest first, and what a
//! correction does to its article's time of last change.
//!
//! In: the articles (newest first). Out: references (article, correction) sorted by the
//! correction's date, newest first; ties by article order, then the order in the file.

use chrono::{DateTime, FixedOffset};

use super::Article;

/// One correction: `site.articles[article].corrections[correction]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorrectionRef {
    pub article: usize,
    pub correction: usize,
}

pub fn index(articles: &[Article]) -> Vec<CorrectionRef> {
    let mut all: Vec<CorrectionRef> = articles
        .iter()
        .enumerate()
        .flat_map(|(article, a)| (0..a.corrections.len()).map(move |correction| CorrectionRef { article, correction }))
        .collect();
    let date = |r: &CorrectionRef| articles[r.article].corrections[r.correction].date;
    all.sort_by(|a, b| date(b).cmp(&date(a)).then(a.article.cmp(&b.article)).then(a.correction.cmp(&b.correction)));
    all
}

/// The anchor of an article's `n`-th correction (0-based) on its page: `correction-1`, ...
pub fn anchor(correction: usize) -> String {
    format!("correction-{}", correction + 1)
}

impl Article {
    /// When the article last changed: `updated`, or a later correction, or its date.
    pub fn modified(&self) -> DateTime<FixedOffset> {
        let updated = self.updated.unwrap_or(self.date);
        self.corrections.iter().map(|c| c.date).fold(updated, |latest, date| latest.max(date))
    }
}
