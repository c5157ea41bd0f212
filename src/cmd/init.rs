//! `gazette init`: writes a fresh site that builds and checks with no warning.
//!
//! The files are embedded in the binary from `src/cmd/init_site/`; the example article is
//! dated at the moment of `init`, with the local UTC offset, so that it is published at once.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::diagnostics::Diagnostic;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The folder to create the site in (created if missing)
    pub dir: PathBuf,
    /// Write into a folder that is not empty (files of the same name are replaced)
    #[arg(long)]
    pub force: bool,
}

/// One file of the new site: where it goes and its text.
struct SiteFile {
    path: String,
    text: String,
}

macro_rules! init_file {
    ($name:literal) => {
        include_str!(concat!("init_site/", $name))
    };
}

/// The files of a fresh site; `date` is the example article's TOML datetime.
fn site_files(date: &str) -> Vec<SiteFile> {
    // The article's folder follows the `gazette new` layout: YYYY/MM from the date.
    let year_month = date.get(..7).unwrap_or("2000-01").replace('-', "/");
    [
        ("site.toml".to_string(), init_file!("site.toml").to_string()),
        (format!("content/articles/{year_month}/welcome.md"), init_file!("welcome.md").replace("@DATE@", date)),
        ("content/entities/riverton.md".into(), init_file!("riverton.md").into()),
        ("content/pages/about.md".into(), init_file!("about.md").into()),
        ("templates/README.md".into(), init_file!("templates-README.md").into()),
        ("static/style.css".into(), init_file!("style.css").into()),
        (".gitignore".into(), init_file!("gitignore").into()),
    ]
    .into_iter()
    .map(|(path, text)| SiteFile { path, text })
    .collect()
}

/// Writes the site; returns the process exit code.
pub fn run(args: InitArgs) -> i32 {
    match init(&args.dir, args.force, &super::new::local_now_toml()) {
        Ok(written) => {
            for path in &written {
                println!("{}", args.dir.join(path).display());
            }
            let dir = args.dir.display();
            eprintln!(
                "created a new site in {dir}: `gazette build --root {dir}` builds it, \
                 `gazette new \"Title\" --root {dir}` starts an article"
            );
            0
        }
        Err(error) => {
            super::print_diagnostics(&mut [error], super::stderr_color());
            1
        }
    }
}

/// Writes the site's files into `dir`; returns their paths, relative to `dir`.
fn init(dir: &Path, force: bool, date: &str) -> Result<Vec<String>, Diagnostic> {
    let io_error = |path: &Path, error: std::io::Error| {
        Diagnostic::error("E070", format!("cannot write {}: {error}", path.display()))
            .hint("check that the folder is writable and the disk has space")
    };
    if dir.exists() && !dir.is_dir() {
        return Err(Diagnostic::error("E081", format!("{} is a file, not a folder", dir.display()))
            .hint("choose a folder for the new site, e.g. `gazette init my-site`"));
    }
    let is_empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => true,
        Err(error) => return Err(io_error(dir, error)),
    };
    if !is_empty && !force {
        return Err(Diagnostic::error("E081", format!("the folder {} is not empty", dir.display()))
            .hint("choose a new or empty folder, or add --force to write the site's files into it anyway (files of the same name are replaced)"));
    }
    let files = site_files(date);
    for file in &files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        std::fs::write(&path, &file.text).map_err(|e| io_error(&path, e))?;
    }
    Ok(files.into_iter().map(|f| f.path).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_article_is_dated_and_filed_by_month() {
        let files = site_files("2026-11-25T10:30:00+08:00");
        let article = files.iter().find(|f| f.path.ends_with("welcome.md")).unwrap();
        assert_eq!(article.path, "content/articles/2026/11/welcome.md");
        assert!(article.text.contains("date = 2026-11-25T10:30:00+08:00\n"));
        assert!(!files.iter().any(|f| f.text.contains("@DATE@")));
    }

    #[test]
    fn a_non_empty_folder_needs_force() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "keep").unwrap();
        assert_eq!(init(dir.path(), false, "2026-11-25").unwrap_err().code, "E081");
        assert!(init(dir.path(), true, "2026-11-25").is_ok());
        assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "keep");
    }
}
