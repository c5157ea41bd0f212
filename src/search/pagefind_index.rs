//! The index stage with Pagefind: article pages (URL, HTML) in → bundle files out.
//!
//! Pagefind's API is async and indexes one page at a time (`add_html_file` takes the index
//! mutably), so the index lives on a thread of its own with a tokio runtime made for it, and
//! render + write hands it pages over a channel as they come. They come in any order from
//! the render threads, but Pagefind numbers pages in the order they are added, so they are
//! added in article order: the same site gives the same index files, which the writer then
//! keeps as unchanged.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use super::bundles;
use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::plan::{Content, Output};
use crate::render::Body;
use crate::urls::{self, Urls};
use crate::write::{Writer, Written};

struct Page {
    article: usize,
    html: String,
}

/// A file of bundle number `bundle`, by its path inside the bundle.
struct BundleFile {
    bundle: usize,
    path: String,
    contents: Vec<u8>,
}

/// Where each article goes: its bundle and its URL.
struct Target {
    bundle: usize,
    url: String,
}

type IndexResult = Result<Vec<BundleFile>, Diagnostic>;

pub struct Indexer {
    sender: Option<Sender<Page>>,
    thread: Result<JoinHandle<IndexResult>, Diagnostic>,
    /// Set when the build fails before `finish`: the thread then stops at the next page.
    abandoned: Arc<AtomicBool>,
    /// Each bundle's folder below the output root.
    dirs: Vec<String>,
}

impl Indexer {
    /// Starts indexing; pages are handed over with `add`.
    pub fn start(site: &Site) -> Self {
        let urls = Urls::new(&site.config.base_url);
        let bundles = bundles(site);
        let mut targets: Vec<Option<Target>> = (0..site.articles.len()).map(|_| None).collect();
        for (bundle, entry) in bundles.iter().enumerate() {
            for &article in &entry.articles {
                let url = urls.of(&urls::article_dir(&site.articles[article].slug));
                targets[article] = Some(Target { bundle, url });
            }
        }
        let languages: Vec<String> = bundles.iter().map(|b| b.language.clone()).collect();
        let (sender, receiver) = channel();
        let abandoned = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&abandoned);
        let thread = std::thread::Builder::new()
            .name("search index".into())
            .spawn(move || index_pages(receiver, &targets, &languages, &flag))
            .map_err(|error| index_error(format!("cannot start the indexing thread: {error}")));
        Indexer { sender: Some(sender), thread, abandoned, dirs: bundles.into_iter().map(|b| b.dir).collect() }
    }

    /// Hands an output to the index if it is an article page; other outputs are let go.
    pub fn add(&self, output: &Output, body: Body) {
        if let (Content::Article(article), Body::Bytes(bytes), Some(sender)) = (&output.content, body, &self.sender) {
            // Rendered from a String, so always UTF-8; a closed channel means the indexing
            // thread already stopped, and `finish` reports why.
            if let Ok(html) = String::from_utf8(bytes) {
                let _ = sender.send(Page { article: *article, html });
            }
        }
    }

    /// Waits for the pages still queued, builds the index and writes its files.
    pub fn finish(mut self, writer: &Writer) -> Result<Vec<Written>, Diagnostic> {
        drop(self.sender.take());
        let thread = std::mem::replace(&mut self.thread, Err(index_error("finished twice".into())))?;
        let files = thread.join().map_err(|_| index_error("the indexing thread panicked".into()))??;
        let paths: Vec<String> = files.iter().map(|f| format!("{}{}", self.dirs[f.bundle], f.path)).collect();
        writer.create_dirs(paths.iter().map(String::as_str))?;
        paths.par_iter().zip(files).map(|(path, file)| writer.write(path, &Body::Bytes(file.contents))).collect()
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        self.abandoned.store(true, Ordering::Relaxed);
    }
}

/// The indexing thread: adds pages in article order as they arrive, then builds each bundle.
fn index_pages(
    receiver: Receiver<Page>,
    targets: &[Option<Target>],
    languages: &[String],
    abandoned: &AtomicBool,
) -> IndexResult {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|error| index_error(format!("cannot start the indexing runtime: {error}")))?;
    let mut indexes: Vec<PagefindIndex> =
        languages.iter().map(|language| new_index(language)).collect::<Result<_, _>>()?;
    let mut add = |article: usize, html: String| -> Result<(), Diagnostic> {
        let Some(target) = &targets[article] else { return Ok(()) };
        runtime
            .block_on(indexes[target.bundle].add_html_file(None, Some(target.url.clone()), html))
            .map(drop)
            .map_err(|error| index_error(format!("cannot index {}: {error:#}", target.url)))
    };
    let mut waiting: BTreeMap<usize, String> = BTreeMap::new();
    let mut next = 0;
    for page in receiver {
        if abandoned.load(Ordering::Relaxed) {
            return Ok(Vec::new());
        }
        waiting.insert(page.article, page.html);
        while let Some(html) = waiting.remove(&next) {
            add(next, html)?;
            next += 1;
        }
    }
    if abandoned.load(Ordering::Relaxed) {
        return Ok(Vec::new());
    }
    // Gaps are left only by pages that failed to render, and then the build fails anyway.
    for (article, html) in std::mem::take(&mut waiting) {
        add(article, html)?;
    }
    let mut files = Vec::new();
    for (bundle, index) in indexes.iter_mut().enumerate() {
        let bundle_files = runtime
            .block_on(index.get_files())
            .map_err(|error| index_error(format!("cannot build the index: {error:#}")))?;
        for file in bundle_files {
            let path = file.filename.to_string_lossy().replace('\\', "/");
            // Other languages' bundles are merged into the primary one by `/search/`, and use
            // its scripts and styles: only their index data is kept.
            if bundle == 0 || is_index_data(&path) {
                files.push(BundleFile { bundle, path, contents: file.contents });
            }
        }
    }
    Ok(files)
}

/// An empty index for pages of one language, forced: Pagefind splits Chinese and Japanese text
/// into words only when it knows the text is in those languages.
fn new_index(language: &str) -> Result<PagefindIndex, Diagnostic> {
    let options = PagefindServiceConfig::builder().force_language(language.to_string()).build();
    PagefindIndex::new(Some(options)).map_err(|error| index_error(format!("Pagefind rejected its options: {error:#}")))
}

/// Whether a file of a bundle is index data, rather than Pagefind's scripts and styles.
fn is_index_data(path: &str) -> bool {
    path == "pagefind-entry.json"
        || path.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"].iter().any(|dir| path.starts_with(dir))
}

fn index_error(message: String) -> Diagnostic {
    Diagnostic::error("E090", format!("search index: {message}"))
        .hint("this is likely a bug in gazette or Pagefind: please report it with the page named")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_bundles_keep_only_index_data() {
        assert!(is_index_data("pagefind-entry.json"));
        assert!(is_index_data("pagefind.zh_65e2805681.pf_meta"));
        assert!(is_index_data("fragment/zh_f16230f.pf_fragment"));
        assert!(!is_index_data("pagefind-ui.js"));
        assert!(!is_index_data("wasm.unknown.pagefind"));
    }
}
