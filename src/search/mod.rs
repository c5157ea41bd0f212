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

/// Whether this build of gazette has search; the bundles and their folder are decided by
/// the plan, since they are files of the site.
pub use crate::config::SEARCH_ENABLED as ENABLED;
pub use crate::plan::{BUNDLE_DIR, Bundle, search_bundles as bundles};

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
