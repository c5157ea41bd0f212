//! Pagefind's browser side (JS, WASM, UI styles) from the pinned `pagefind` crate.
//!
//! The crate keeps its client files private; its API hands them out with a built index. So
//! gazette builds a throwaway index of one tiny page per language (cheap) and keeps only the
//! client files: `pagefind.js`, `pagefind-ui.js`, `wasm.<language>.pagefind`, … Nothing of
//! Pagefind is copied into this repository, and its version is the one `Cargo.toml` pins.
//! The result is kept for the life of the process (`serve` rebuilds often).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use pagefind::api::PagefindIndex;

use super::bundle::File;

type Cache = Mutex<HashMap<Vec<String>, Vec<File>>>;

/// The client files for bundles in these languages, or why Pagefind could not give them.
pub fn files(languages: &[String]) -> Result<Vec<File>, String> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(files) = cache.lock().ok().and_then(|c| c.get(languages).cloned()) {
        return Ok(files);
    }
    let files = from_pagefind(languages)?;
    if let Ok(mut cache) = cache.lock() {
        cache.insert(languages.to_vec(), files.clone());
    }
    Ok(files)
}

fn from_pagefind(languages: &[String]) -> Result<Vec<File>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|error| format!("cannot start Pagefind's runtime: {error}"))?;
    runtime.block_on(async {
        let mut index = PagefindIndex::new(None).map_err(|error| format!("{error:#}"))?;
        for (i, language) in languages.iter().enumerate() {
            let html = format!("<html lang=\"{language}\"><body><p>gazette</p></body></html>");
            index.add_html_file(None, Some(format!("/{i}/")), html).await.map_err(|error| format!("{error:#}"))?;
        }
        let files = index.get_files().await.map_err(|error| format!("{error:#}"))?;
        Ok(files
            .into_iter()
            .map(|file| File::new(file.filename.to_string_lossy().replace('\\', "/"), file.contents))
            .filter(|file| is_client_file(&file.path))
            .collect())
    })
}

/// Whether a file of Pagefind's output is part of its client rather than index data.
pub fn is_client_file(path: &str) -> bool {
    !(path == "pagefind-entry.json"
        || path.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/", "playground/"].iter().any(|dir| path.starts_with(dir)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_data_of_the_throwaway_index_is_dropped() {
        assert!(!is_client_file("pagefind-entry.json"));
        assert!(!is_client_file("pagefind.zh_65e2805681.pf_meta"));
        assert!(!is_client_file("fragment/zh_f16230f.pf_fragment"));
        assert!(is_client_file("pagefind-ui.js"));
        assert!(is_client_file("wasm.unknown.pagefind"));
    }
}
