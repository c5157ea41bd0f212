//! The stages form a one-way chain: no module under `src/` uses a later stage.
//!
//! config → load → model → plan → images, render → write → search → pipeline → build, check, serve,
//! deploy → cmd (docs/architecture.md). The helpers below every stage (diagnostics, slug, urls,
//! markdown, toml_input, progress, theme, media_type) may be used by any module and use no
//! stage.

use std::fs;
use std::path::Path;

/// Each top-level module's place in the chain; 0 for the helpers.
const RANKS: &[(&str, usize)] = &[
    ("diagnostics", 0),
    ("slug", 0),
    ("urls", 0),
    ("markdown", 0),
    ("toml_input", 0),
    ("progress", 0),
    ("theme", 0),
    ("media_type", 0),
    ("config", 1),
    ("load", 2),
    ("fingerprint", 3),
    ("model", 3),
    ("lint", 4),
    ("plan", 4),
    ("render", 5),
    ("images", 5),
    ("write", 6),
    ("search", 7),
    ("pipeline", 8),
    ("build", 9),
    ("check", 9),
    ("serve", 9),
    ("deploy", 9),
    ("cmd", 10),
];

fn rank(module: &str) -> Option<usize> {
    RANKS.iter().find(|(name, _)| *name == module).map(|(_, rank)| *rank)
}

/// The top-level module a file under `src/` belongs to (`src/model/links.rs` → `model`).
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    first.trim_end_matches(".rs").to_string()
}

/// Every `crate::NAME` a line of code names (comments left out).
fn crate_paths(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    code.match_indices("crate::")
        .filter(|(at, _)| !code[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        .map(|(at, _)| {
            code[at + "crate::".len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

fn allowed(from: &str, to: &str) -> bool {
    match (rank(from), rank(to)) {
        _ if from == to => true,
        (Some(0), Some(0)) => true,
        (Some(a), Some(b)) => b < a,
        _ => false,
    }
}

#[test]
fn no_module_uses_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = entry.path().strip_prefix(&src).unwrap();
        let module = module_of(relative);
        if module == "lib" || module == "main" {
            continue;
        }
        assert!(rank(&module).is_some(), "src/{} is in no stage: add `{module}` to RANKS", relative.display());
        let text = fs::read_to_string(entry.path()).unwrap();
        for (number, line) in text.lines().enumerate() {
            for target in crate_paths(line) {
                if !allowed(&module, &target) {
                    problems.push(format!(
                        "src/{}:{}: `{module}` uses `crate::{target}`, a later stage: {}",
                        relative.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "upward imports:\n{}", problems.join("\n"));
}

#[test]
fn the_check_catches_an_upward_import() {
    assert_eq!(crate_paths("use crate::render::Renderer; // crate::cmd"), vec!["render".to_string()]);
    assert!(!allowed("plan", "render"));
    assert!(allowed("render", "plan"));
    assert!(allowed("slug", "diagnostics"));
    assert!(!allowed("diagnostics", "model"));
    assert!(!allowed("build", "check"));
}
