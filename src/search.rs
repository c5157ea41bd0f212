//! Stage 6, index: the rendered article pages → Pagefind's search bundle below `pagefind/`.
//!
//! Runs after render + write and before the commit, so the bundle lands in the staging folder
//! through the same `Writer` and is swapped in with the rest of the site, or not at all. Only
//! article pages are indexed, from their HTML held in memory; `article.html` marks what is
//! searchable (`data-pagefind-body`), the filters (tag, entity, year) and the result cards'
//! metadata (title, date, summary). No Node and no external binary: Pagefind runs as a
//! library, in a tokio runtime made for this stage alone.
//!
//! Each language gets a bundle of its own, with that language forced: Pagefind splits Chinese
//! and Japanese text into words only for pages of those languages, and its browser side
//! searches one language per bundle. Articles in the site's language go to `pagefind/`, any
//! other language's to `pagefind/<language>/`, which `/search/` merges in.
//!
//! Built without the cargo feature `search`, the site has no `/search/` page and this stage
//! does nothing.

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::plan::{Content, Output};
use crate::render::Body;
use crate::write::{Writer, Written};

/// Whether this build of gazette has search.
pub const ENABLED: bool = cfg!(feature = "search");

/// The folder of the search bundle, below the output root.
pub const BUNDLE_DIR: &str = "pagefind/";

/// A rendered article page, kept for the index.
pub struct IndexedPage {
    pub article: usize,
    pub html: String,
}

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

/// Keeps an article page's HTML for the index; every other output is let go.
pub fn keep_for_index(output: &Output, body: Body) -> Option<IndexedPage> {
    match (&output.content, body) {
        (Content::Article(article), Body::Bytes(bytes)) if ENABLED => {
            String::from_utf8(bytes).ok().map(|html| IndexedPage { article: *article, html })
        }
        _ => None,
    }
}

/// Indexes the article pages and writes the bundles through `writer`.
#[cfg(feature = "search")]
pub fn build_index(site: &Site, pages: Vec<IndexedPage>, writer: &Writer) -> Result<Vec<Written>, Diagnostic> {
    let urls = crate::urls::Urls::new(&site.config.base_url);
    let mut html_of: Vec<Option<String>> = vec![None; site.articles.len()];
    for page in pages {
        html_of[page.article] = Some(page.html);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|error| index_error(format!("cannot start the indexing runtime: {error}")))?;
    let mut written = Vec::new();
    for bundle in bundles(site) {
        let pages = bundle.articles.iter().filter_map(|&i| {
            let url = urls.of(&crate::urls::article_dir(&site.articles[i].slug));
            html_of[i].take().map(|html| (url, html))
        });
        let mut files = runtime.block_on(index_bundle(&bundle.language, pages))?;
        if bundle.dir != BUNDLE_DIR {
            // `/search/` merges this bundle into the primary one, whose scripts and UI it uses.
            files.retain(|(path, _)| is_index_data(path));
        }
        let paths: Vec<String> = files.iter().map(|(path, _)| format!("{}{path}", bundle.dir)).collect();
        writer.create_dirs(paths.iter().map(String::as_str))?;
        for (path, (_, contents)) in paths.iter().zip(files) {
            written.push(writer.write(path, &Body::Bytes(contents))?);
        }
    }
    Ok(written)
}

/// Whether a file of a bundle is index data, rather than Pagefind's scripts and styles.
#[cfg(feature = "search")]
fn is_index_data(path: &str) -> bool {
    path == "pagefind-entry.json"
        || path.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"].iter().any(|dir| path.starts_with(dir))
}

/// Without search: nothing to index.
#[cfg(not(feature = "search"))]
pub fn build_index(_: &Site, _: Vec<IndexedPage>, _: &Writer) -> Result<Vec<Written>, Diagnostic> {
    Ok(Vec::new())
}

/// One language's pages (URL, HTML) → the bundle's files (path inside it, bytes).
#[cfg(feature = "search")]
async fn index_bundle(
    language: &str,
    pages: impl Iterator<Item = (String, String)>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

    let options = PagefindServiceConfig::builder().force_language(language.to_string()).build();
    let mut index = PagefindIndex::new(Some(options))
        .map_err(|error| index_error(format!("Pagefind rejected its options: {error:#}")))?;
    for (url, html) in pages {
        index
            .add_html_file(None, Some(url.clone()), html)
            .await
            .map_err(|error| index_error(format!("cannot index {url}: {error:#}")))?;
    }
    let files = index.get_files().await.map_err(|error| index_error(format!("cannot build the index: {error:#}")))?;
    Ok(files.into_iter().map(|file| (file.filename.to_string_lossy().replace('\\', "/"), file.contents)).collect())
}

#[cfg(feature = "search")]
fn index_error(message: String) -> Diagnostic {
    Diagnostic::error("E080", format!("search index: {message}"))
        .hint("this is likely a bug in gazette or Pagefind: please report it with the page named")
}
