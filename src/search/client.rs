//! Pagefind's browser side (JS, WASM, UI styles) from the pinned `pagefind` crate's source.
//!
//! `build.rs` finds the crate's `vendor/` folder and writes the table included below: each
//! file under the name Pagefind's own indexer gives it in its output, `pagefind.js` and
//! `pagefind-worker.js` put together and minified as Pagefind does. Nothing of Pagefind is
//! copied into this repository, and its version is the one `Cargo.toml` pins.

use super::bundle::File;

include!(concat!(env!("OUT_DIR"), "/pagefind_client.rs"));

/// The client files for a bundle in this language: the scripts and styles, the generic WASM and,
/// when Pagefind stems the language (`pt-br` by `pt`), the language's own WASM.
pub(crate) fn files(language: &str) -> Vec<File> {
    let mut files: Vec<File> =
        FILES.iter().map(|(name, contents)| File::new(name.to_string(), contents.to_vec())).collect();
    files.extend(wasm("unknown").map(|contents| File::new("wasm.unknown.pagefind".to_string(), contents)));
    if language != "unknown" {
        let base = language.split('-').next().unwrap_or(language);
        files.extend(wasm(base).map(|contents| File::new(format!("wasm.{language}.pagefind"), contents)));
    }
    files
}

fn wasm(language: &str) -> Option<Vec<u8>> {
    WASM.iter().find(|(name, _)| *name == language).map(|(_, contents)| contents.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(language: &str) -> Vec<String> {
        files(language).into_iter().map(|f| f.path).collect()
    }

    #[test]
    fn a_stemmed_language_gets_its_wasm_under_its_full_name() {
        let names = names("pt-br");
        assert!(names.contains(&"wasm.pt-br.pagefind".to_string()), "{names:?}");
        assert!(names.contains(&"wasm.unknown.pagefind".to_string()), "{names:?}");
        assert!(
            names.contains(&"pagefind.js".to_string()) && names.contains(&"pagefind-ui.css".to_string()),
            "{names:?}"
        );
    }

    #[test]
    fn a_language_without_a_stemmer_gets_only_the_generic_wasm() {
        let wasm: Vec<String> = names("zh").into_iter().filter(|n| n.starts_with("wasm.")).collect();
        assert_eq!(wasm, ["wasm.unknown.pagefind"]);
    }

    #[test]
    fn the_scripts_carry_pagefinds_version_and_the_wasm_is_gzipped() {
        let files = files("en");
        let script =
            files.iter().find(|f| f.path == "pagefind.js").map(|f| String::from_utf8_lossy(&f.contents).into_owned());
        assert!(script.is_some_and(|s| s.contains(&format!("pagefind_version=\"{VERSION}\""))));
        let wasm = files.iter().find(|f| f.path == "wasm.en.pagefind").map(|f| f.contents.clone()).unwrap_or_default();
        assert_eq!(wasm.get(..2), Some(&[0x1f, 0x8b][..]), "gzip magic");
    }
}
