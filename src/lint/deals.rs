//! Deal lints: the same deal reported by two articles (W111), which the deal pages, totals and
//! data files would then count twice.

use std::collections::HashMap;

use super::{Published, warning_at};
use crate::diagnostics::Diagnostic;
use crate::model::Site;

/// W111: a deal with the same investors, place and `what` (in any case or spacing) as a deal
/// of an older article, reported at the newer one.
pub fn repeated_deals(site: &Site, published: &[Published]) -> Vec<Diagnostic> {
    let mut first_report: HashMap<(Vec<usize>, usize, String), &Published> = HashMap::new();
    let mut warnings = Vec::new();
    // Oldest first, so that the article that reported it first keeps it.
    for entry in published.iter().rev() {
        for (n, deal) in entry.article.deals.iter().enumerate() {
            let mut investors = deal.investors.clone();
            investors.sort_unstable();
            let key = (investors, deal.place, deal.what.to_lowercase());
            let Some(first) = first_report.get(&key) else {
                first_report.insert(key, entry);
                continue;
            };
            if first.index == entry.index {
                continue;
            }
            let Some(front) = entry.document.front.deals.get(n) else { continue };
            let place = &site.entities[deal.place].name;
            let message = format!(
                "this deal ({} in {place}) was already reported by {}",
                deal.what,
                first.document.path.display()
            );
            warnings.push(
                warning_at(entry.document, "W111", message, front.what.span())
                    .field("deals")
                    .note("the deal pages, totals and data files count each [[deals]] table as a deal of its own")
                    .hint(
                        "if it is the same deal, remove it from one of the articles (link to the other instead); if \
                           it is another one, say how it differs in `what`",
                    ),
            );
        }
    }
    warnings
}
