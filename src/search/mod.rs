//! Stage 6, index: the rendered article pages → Pagefind's search bundle below `pagefind/`.
//!
//! Only article pages are indexed, from their HTML held in memory; `article.html` marks what
//! is searchable (`data-pagefind-body`), the filters (tag, entity, year) and the result cards'
//! metadata (title, date, summary). No Node and no external binary: Pagefind runs as a
//! library (`pagefind_index`). The bundle is written through the same `Writer` as the pages,
//! into the staging folder, so it is swapped in with the rest of the site or not at all.
//!
//! An `Indexer` is started before render + write and is handed each article page as soon as
//! it is rendered: Pagefind parses one page at a time, and this way it does so beside the
//! rendering rather than after it. `finish` (the `index` line of `--timings`) waits for the
//! rest, builds the index and writes it.
//!
//! Each language gets a bundle of its own, with that language forced: Pagefind splits Chinese
//! and Japanese text into words only for pages of those languages, and its browser side
//! searches one language per bundle. Articles in the site's language go to `pagefind/`, any
//! other language's to `pagefind/<language>/`, which `/search/` merges in.
//!
//! Built without the cargo feature `search`, the site has no `/search/` page and this stage
//! does nothing.

#[cfg(feature = "search")]
mod pagefind_index;

#[cfg(feature = "search")]
pub use pagefind_index::Indexer;
#[cfg(not(feature = "search"))]
pub use without_search::Indexer;

use crate::model::Site;

/// Whether this build of gazette has search.
pub const ENABLED: bool = cfg!(feature = "search");

/// The folder of the search bundle, below the output root.
pub const BUNDLE_DIR: &str = "pagefind/";

/// One language's search bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub language: String,
    /// Below the output root, ending with `/`.
    pub dir: String,
    /// Indexes into `site.articles`.
    pub articles: Vec<usize>,
}

/// The bundles of a site, the primary one (at `pagefind/`) first: the site's language, or the
/// language of most articles when none is in the site's language.
pub fn bundles(site: &Site) -> Vec<Bundle> {
    let mut groups: Vec<Bundle> = Vec::new();
    for (index, article) in site.articles.iter().enumerate() {
        match groups.iter_mut().find(|g| g.language == article.language) {
            Some(group) => group.articles.push(index),
            None => {
                groups.push(Bundle { language: article.language.clone(), dir: String::new(), articles: vec![index] })
            }
        }
    }
    let primary = groups
        .iter()
        .position(|g| g.language == site.config.language)
        .or_else(|| (0..groups.len()).max_by_key(|&i| (groups[i].articles.len(), std::cmp::Reverse(i))));
    match primary {
        Some(i) => groups[..=i].rotate_right(1),
        None => groups.push(Bundle { language: site.config.language.clone(), dir: String::new(), articles: vec![] }),
    }
    groups[1..].sort_by(|a, b| a.language.cmp(&b.language));
    // Only the primary bundle can have the site's language, which is free text: the others are
    // detected codes (`zh`, `ja`, `ko`), plain path segments that `search.html` builds too.
    for (i, group) in groups.iter_mut().enumerate() {
        group.dir = if i == 0 { BUNDLE_DIR.to_string() } else { format!("{BUNDLE_DIR}{}/", group.language) };
    }
    groups
}

#[cfg(not(feature = "search"))]
mod without_search {
    use crate::diagnostics::Diagnostic;
    use crate::model::Site;
    use crate::plan::Output;
    use crate::render::Body;
    use crate::write::{Writer, Written};

    /// Without search there is nothing to index.
    pub struct Indexer;

    impl Indexer {
        pub fn start(_: &Site) -> Self {
            Indexer
        }

        pub fn add(&self, _: &Output, _: Body) {}

        pub fn finish(self, _: &Writer) -> Result<Vec<Written>, Diagnostic> {
            Ok(Vec::new())
        }
    }
}
