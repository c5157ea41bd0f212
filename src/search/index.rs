//! The index stage: the site's bundles → their files, through the build's `Writer`.

use rayon::prelude::*;

use super::bundle::{self, File, LanguageEntry};
use super::{Bundle, bundles, client, page};
use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::render::Body;
use crate::urls::{self, Urls};
use crate::write::{Writer, Written};

/// The index of one build.
pub struct Indexer<'a> {
    site: &'a Site,
}

impl<'a> Indexer<'a> {
    pub fn start(site: &'a Site) -> Self {
        Indexer { site }
    }

    /// Builds every bundle and writes its files.
    pub fn finish(self, writer: &Writer) -> Result<Vec<Written>, Diagnostic> {
        let files = site_files(self.site)?;
        writer.create_dirs(files.iter().map(|f| f.path.as_str()))?;
        files.into_par_iter().map(|file| writer.write(&file.path, &Body::Bytes(file.contents))).collect()
    }
}

/// Every file of the site's search index, by its path below the output root.
pub fn site_files(site: &Site) -> Result<Vec<File>, Diagnostic> {
    let urls = Urls::new(&site.config.base_url);
    let bundles = bundles(site);
    let mut files = Vec::new();
    for (i, bundle) in bundles.iter().enumerate() {
        let language = bundle.language.to_lowercase();
        let (bundle_files, entry) = bundle_files(site, &urls, bundle, &language);
        let client = client::files(std::slice::from_ref(&language)).map_err(index_error)?;
        let has_wasm = |language: &str| client.iter().any(|f| f.path == format!("wasm.{language}.pagefind"));
        let entry_json = bundle::entry_json(std::slice::from_ref(&entry), has_wasm);
        let dir = &bundle.dir;
        files.push(File { path: format!("{dir}pagefind-entry.json"), contents: entry_json.into_bytes() });
        // Other languages' bundles are merged into the primary one by `/search/` and use its
        // scripts and styles; each still needs its language's WASM.
        let client = client.into_iter().filter(|f| i == 0 || f.path.starts_with("wasm."));
        files.extend(
            client.chain(bundle_files).map(|f| File { path: format!("{dir}{}", f.path), contents: f.contents }),
        );
    }
    Ok(files)
}

fn bundle_files(site: &Site, urls: &Urls, bundle: &Bundle, language: &str) -> (Vec<File>, LanguageEntry) {
    // Oldest first: a new article is a new last page, and the pages before keep their numbers.
    let records: Vec<page::Record> = bundle
        .articles
        .par_iter()
        .rev()
        .map(|&index| {
            let article = &site.articles[index];
            let url = urls.of(&urls::article_dir(&article.slug));
            page::record(site, article, &url, language)
        })
        .collect();
    // Pagefind leaves out pages without words.
    let records: Vec<page::Record> = records.into_iter().filter(|r| !r.words.is_empty()).collect();
    bundle::write(records, language)
}

fn index_error(message: String) -> Diagnostic {
    Diagnostic::error("E090", format!("search index: {message}"))
        .hint("this is likely a bug in gazette or Pagefind: please report it with the page named")
}
