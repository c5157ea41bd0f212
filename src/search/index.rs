//! The index stage: the site's bundles → their files, through the build's `Writer`.

use std::sync::Arc;

use rayon::prelude::*;

pub use super::bundle::File as SiteFile;
use super::bundle::{self, File};
use super::cache::Records;
use super::page::{self, Record};
use super::{Bundle, bundles, client};
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

    /// Builds every bundle and writes its files; files named after bytes the output already
    /// has are kept rather than compressed again. A build keeps no records on disk (nothing
    /// is written outside the output folder; `Records::store` is for a place inside it).
    pub fn finish(self, writer: &Writer) -> Result<Vec<Written>, Diagnostic> {
        let mut cache = Records::default();
        let records = records(self.site, &mut cache);
        // The records are then shared with no one, and each bundle's are freed once written.
        cache.clear();
        let files = files(records);
        writer.create_dirs(files.iter().map(|f| f.path.as_str()))?;
        files
            .into_par_iter()
            .map(|file| match file.compress {
                true => match writer.keep_previous(&file.path)? {
                    Some(kept) => Ok(kept),
                    None => writer.write(&file.path.clone(), &Body::Bytes(file.into_bytes())),
                },
                false => writer.write(&file.path.clone(), &Body::Bytes(file.into_bytes())),
            })
            .collect()
    }
}

/// Every file of the site's search index, by its path below the output root; `cache` gives
/// the records of unchanged articles and keeps this site's.
pub fn site_files(site: &Site, cache: &mut Records) -> Vec<File> {
    files(records(site, cache))
}

/// Each bundle with its articles' records, in page order (oldest first), from `cache` where
/// the article did not change; `cache` then holds exactly these records.
pub fn records(site: &Site, cache: &mut Records) -> Vec<(Bundle, Vec<Arc<Record>>)> {
    let urls = Urls::new(&site.config.base_url);
    let mut kept = Vec::new();
    let mut all = Vec::new();
    for bundle in bundles(site) {
        let language = bundle.language.to_lowercase();
        // Oldest first: a new article is a new last page, and the pages before keep their numbers.
        let keyed: Vec<(u64, Arc<Record>)> = bundle
            .articles
            .par_iter()
            .rev()
            .map(|&index| {
                let article = &site.articles[index];
                let url = urls.of(&urls::article_dir(&article.slug));
                let key = page::key(site, article, &url, &language);
                let record = cache.get(key).unwrap_or_else(|| Arc::new(page::record(site, article, &url, &language)));
                (key, record)
            })
            .collect();
        // Pagefind leaves out pages without words.
        let records = keyed.iter().filter(|(_, r)| !r.words.is_empty()).map(|(_, r)| Arc::clone(r)).collect();
        kept.extend(keyed);
        all.push((bundle, records));
    }
    cache.keep(kept.into_iter());
    all
}

/// The files of every bundle, the client's included.
pub fn files(bundles: Vec<(Bundle, Vec<Arc<Record>>)>) -> Vec<File> {
    let mut files = Vec::new();
    for (i, (bundle, records)) in bundles.into_iter().enumerate() {
        let language = bundle.language.to_lowercase();
        let (bundle_files, entry) = bundle::write(records, &language);
        let client = client::files(&language);
        let has_wasm = |language: &str| client.iter().any(|f| f.path == format!("wasm.{language}.pagefind"));
        let entry_json = bundle::entry_json(std::slice::from_ref(&entry), has_wasm);
        let dir = &bundle.dir;
        files.push(File::new(format!("{dir}pagefind-entry.json"), entry_json.into_bytes()));
        // Other languages' bundles are merged into the primary one by `/search/` and use its
        // scripts and styles; each still needs its language's WASM.
        let client = client.into_iter().filter(|f| i == 0 || f.path.starts_with("wasm."));
        files.extend(client.chain(bundle_files).map(|f| File { path: format!("{dir}{}", f.path), ..f }));
    }
    files
}
