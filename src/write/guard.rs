//! Which folder a build may replace, checked before anything is written.
//!
//! A build replaces its output folder whole, so the writer first makes sure that doing so
//! cannot destroy anything else: the output is not the site or inside one of its source
//! folders (compared as canonical paths, so that a symbolic link cannot hide it), not another
//! site, and, when it already holds files, carries gazette's mark of a previous build
//! (`.gazette-output`, or the fingerprint attribute of builds made before the mark existed)
//! unless `--force`. An output that is a symbolic link is followed: the build replaces the
//! link's target, atomically beside it, and the link itself stays as it was.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Diagnostic, thousands};

/// The file every build leaves at the top of its output: it tells the next build (and a
/// reader) that this folder is gazette's to replace.
pub const MARK_FILE: &str = ".gazette-output";

/// The mark's contents.
pub const MARK_TEXT: &str = "This folder is the output of `gazette build`: every build replaces it whole.\n";

/// How many of the files a refused build would remove are named in the error.
const FILES_NAMED: usize = 10;

/// The folder the build will replace: `output` itself, or the target of the symbolic link
/// `output` is (a web root such as `public -> /var/www/site`).
pub fn resolve_output(output: &Path) -> Result<PathBuf, Diagnostic> {
    let is_link = fs::symlink_metadata(output).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(output.to_path_buf());
    }
    match fs::canonicalize(output) {
        Ok(target) if target.is_dir() => Ok(target),
        Ok(target) => Err(Diagnostic::error(
            "E071",
            format!(
                "the output {} is a symbolic link to {}, which is a file, not a folder",
                output.display(),
                target.display()
            ),
        )
        .hint("point the link at a folder, or choose another --output")),
        Err(error) => {
            let target = fs::read_link(output).unwrap_or_default();
            Err(Diagnostic::error(
                "E076",
                format!(
                    "the output {} is a symbolic link to {}, which cannot be followed: {error}",
                    output.display(),
                    target.display()
                ),
            )
            .hint("create the folder the link points to (gazette builds into a link's target), or remove the link"))
        }
    }
}

/// `path` with every symbolic link resolved, also when its last components do not exist yet:
/// the deepest existing ancestor is made canonical and the rest appended, `..` applied.
pub fn canonical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest: Vec<Component> = Vec::new();
    loop {
        if let Ok(resolved) = fs::canonicalize(existing) {
            return rest.iter().rev().fold(resolved, |mut acc, component| {
                match component {
                    Component::ParentDir => {
                        acc.pop();
                    }
                    Component::Normal(name) => acc.push(name),
                    _ => {}
                }
                acc
            });
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Refuses an output folder whose replacement would replace the site or its sources (E071).
pub fn check_not_sources(root: &Path, output: &Path, shown: &Path) -> Result<(), Diagnostic> {
    let root_abs = canonical(root);
    let output_abs = canonical(output);
    if root_abs.starts_with(&output_abs) {
        return Err(Diagnostic::error(
            "E071",
            format!("the output folder {} contains the site itself", shown.display()),
        )
        .hint("gazette replaces the whole output folder: choose a folder of its own, e.g. `--output public`"));
    }
    for source_dir in [crate::load::CONTENT_DIR, crate::load::STATIC_DIR, crate::load::TEMPLATES_DIR] {
        if output_abs.starts_with(canonical(&root.join(source_dir))) {
            return Err(Diagnostic::error("E071", format!("the output folder {} is inside the site's {source_dir}/ folder", shown.display()))
                .hint("gazette replaces the whole output folder: choose a folder outside content/, static/ and templates/, e.g. `--output public`"));
        }
    }
    if output_abs != root_abs.join("public") && output_abs.join(crate::config::CONFIG_FILE).exists() {
        return Err(Diagnostic::error(
            "E071",
            format!("the output folder {} holds another site (it has site.toml)", shown.display()),
        )
        .hint("choose an empty folder or one that gazette built before"));
    }
    if output.exists() && !output.is_dir() {
        return Err(Diagnostic::error("E071", format!("the output {} is a file, not a folder", shown.display()))
            .hint("remove it or choose another --output"));
    }
    Ok(())
}

/// Refuses to replace a folder that holds files but no mark of a previous build (E075),
/// unless `force`; the error names the files that would go. gazette's own cache folder
/// (which `serve` may have made before any build) is not such a file.
pub fn check_replaceable(output: &Path, shown: &Path, force: bool) -> Result<(), Diagnostic> {
    if force || !output.is_dir() || is_marked(output) {
        return Ok(());
    }
    let mut entries: Vec<String> = match fs::read_dir(output) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name() != super::CACHE_DIR)
            .map(|e| {
                let dir = e.file_type().is_ok_and(|t| t.is_dir());
                format!("{}{}", e.file_name().to_string_lossy(), if dir { "/" } else { "" })
            })
            .collect(),
        Err(_) => return Ok(()),
    };
    if entries.is_empty() {
        return Ok(());
    }
    entries.sort();
    let named = entries.iter().take(FILES_NAMED).map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ");
    let more = entries.len().saturating_sub(FILES_NAMED);
    let more = if more > 0 { format!(" and {} more", thousands(more)) } else { String::new() };
    Err(Diagnostic::error(
        "E075",
        format!("the output folder {} holds files that gazette did not write", shown.display()),
    )
    .note(format!("building would remove {named}{more}"))
    .hint(format!(
        "gazette replaces its output folder whole: choose an empty or new folder, or pass --force to replace {} and delete what it holds",
        shown.display()
    )))
}

/// Whether a previous build left its mark on `output`.
fn is_marked(output: &Path) -> bool {
    output.join(MARK_FILE).is_file() || crate::fingerprint::has_stamp(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn canonical_paths_see_through_links_to_folders_that_do_not_exist_yet() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("content");
        fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
        let resolved = canonical(&dir.path().join("link/new/../x"));
        assert_eq!(resolved, fs::canonicalize(&real).unwrap().join("x"));
    }
}
