//! Stage 6, index: the model's articles → Pagefind's search bundle below `pagefind/`.
//!
//! gazette writes Pagefind 1.6.0's index format itself, from what the model holds (title,
//! summary, corrections, the article's HTML, source, tags, entities, date, language): it parses
//! no rendered page. Each article becomes a `page::Record` (its words at Pagefind's positions
//! and weights, the metadata words, filters and the result card), in parallel; `bundle` merges
//! the records of one language into word chunks, filters, sorts and grouped fragments, named
//! after their bytes. Pagefind's browser side, which queries it, comes from the pinned crate
//! (`client`). The conformance test in `.ci/run` checks the result against Pagefind's own
//! indexer, query by query (`tests/search-conformance/`).
//!
//! Each language gets a bundle of its own: Pagefind's browser side stems and segments a
//! query by its bundle's language. Articles in the site's language go to `pagefind/`, any
//! other language's to `pagefind/<language>/`, which `/search/` merges in.
//!
//! Filters: `tag`, `entity`, `year`, `language`. Their values are HTML-escaped, because
//! Pagefind's UI shows them as HTML (Pagefind's own indexer decodes them twice instead, so a
//! tag written `&amp;` showed as `&`). The bundle is written through the same `Writer` as
//! the pages, into the staging folder, so it is swapped in with the rest of the site or not
//! at all; unchanged files keep their names and bytes, and the writer leaves them alone.
//!
//! Built without the cargo feature `search`, the site has no `/search/` page and this stage
//! does nothing.

#[cfg(feature = "search")]
mod bundle;
#[cfg(feature = "search")]
mod cache;
#[cfg(feature = "search")]
mod client;
#[cfg(feature = "search")]
mod digest;
#[cfg(feature = "search")]
mod index;
#[cfg(feature = "search")]
mod packed;
#[cfg(feature = "search")]
mod page;
#[cfg(feature = "search")]
mod postings;
#[cfg(feature = "search")]
mod words;

#[cfg(feature = "search")]
pub use cache::Records;
#[cfg(feature = "search")]
pub use index::{Indexer, SiteFile, site_files};
#[cfg(not(feature = "search"))]
pub use without_search::{Indexer, Records, SiteFile, site_files};

/// Whether this build of gazette has search; the bundles and their folder are decided by
/// the plan, since they are files of the site.
pub use crate::config::SEARCH_ENABLED as ENABLED;
pub use crate::plan::{BUNDLE_DIR, Bundle, search_bundles as bundles};

#[cfg(not(feature = "search"))]
mod without_search {
    use crate::diagnostics::Diagnostic;
    use crate::model::Site;
    use crate::write::{Writer, Written};

    /// Without search there is nothing to index.
    pub struct Indexer;

    /// Without search no records are kept.
    #[derive(Default)]
    pub struct Records;

    /// Without search there are no index files.
    pub struct SiteFile {
        pub path: String,
        pub contents: Vec<u8>,
        pub compress: bool,
    }

    impl SiteFile {
        pub fn into_bytes(self) -> Vec<u8> {
            self.contents
        }
    }

    pub fn site_files(_: &Site, _: &mut Records) -> Vec<SiteFile> {
        Vec::new()
    }

    impl Indexer {
        pub fn start(_: &Site) -> Self {
            Indexer
        }

        pub fn finish(self, _: &Writer) -> Result<Vec<Written>, Diagnostic> {
            Ok(Vec::new())
        }
    }
}
