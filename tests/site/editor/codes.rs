//! Every diagnostic code used in the source is documented in docs/diagnostics.md.

use std::collections::BTreeSet;
use std::path::Path;

use walkdir::WalkDir;

/// `"E012"`-style string literals in the Rust sources.
fn codes_in_source() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut codes = BTreeSet::new();
    for entry in WalkDir::new(src).into_iter().map(Result::unwrap) {
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (at, _) in text.match_indices('"') {
            let candidate = text.get(at + 1..at + 6).unwrap_or("");
            let is_code = candidate.ends_with('"')
                && matches!(candidate.as_bytes()[0], b'E' | b'W')
                && candidate[1..4].bytes().all(|b| b.is_ascii_digit());
            if is_code {
                codes.insert(candidate[..4].to_string());
            }
        }
    }
    codes
}

#[test]
fn every_code_is_documented_with_an_example_and_a_fix() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md")).unwrap();
    let codes = codes_in_source();
    assert!(codes.len() > 20, "{codes:?}");
    for code in codes {
        let section = doc.split(&format!("### {code}\n")).nth(1).unwrap_or_else(|| panic!("{code} is not documented"));
        let section = section.split("\n### ").next().unwrap();
        assert!(section.contains(&format!("[{code}]: ")), "{code} has no example message");
        assert!(section.contains("Fix: "), "{code} has no fix");
    }
}
