//! File watching: events below the site's sources → batches of changed paths.
//!
//! Watches `content/`, `templates/` and `static/` recursively and the root itself (for
//! `site.toml`, and for those folders when they are created later), through notify's
//! debouncer, so that an editor's save (often write-to-temporary-then-rename) arrives as one
//! batch. Access events (a file merely opened or closed) are dropped: on Linux every save
//! also produces them, and they would rebuild twice. Deciding which paths matter is the
//! engine's job; this module only reports what moved.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::diagnostics::Diagnostic;
use crate::load::{CONTENT_DIR, STATIC_DIR, TEMPLATES_DIR};

/// Paths changed together.
#[derive(Debug)]
pub struct Batch {
    pub paths: Vec<PathBuf>,
    /// The watcher lost events (or failed): only a full rebuild is safe.
    pub rescan: bool,
    /// When the first of these changes happened (before the debounce delay).
    pub first_event: Instant,
}

pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: Vec<PathBuf>,
}

/// Starts watching `root`; `send` receives each batch, on the watcher's thread.
pub fn start(root: &Path, debounce: Duration, send: impl Fn(Batch) + Send + 'static) -> Result<Watcher, Diagnostic> {
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let relevant: Vec<_> = events.iter().filter(|e| !e.kind.is_access()).collect();
            if relevant.is_empty() {
                return;
            }
            let first_event = relevant.iter().map(|e| e.time).min().unwrap_or_else(Instant::now);
            let rescan = relevant.iter().any(|e| e.need_rescan());
            let mut paths: Vec<PathBuf> = relevant.iter().flat_map(|e| e.paths.iter().cloned()).collect();
            paths.sort();
            paths.dedup();
            send(Batch { paths, rescan, first_event });
        }
        Err(errors) => {
            for error in &errors {
                eprintln!("warning: file watching: {error}");
            }
            send(Batch { paths: Vec::new(), rescan: true, first_event: Instant::now() });
        }
    };
    let cannot_watch = |e: notify_debouncer_full::notify::Error| {
        Diagnostic::error("E074", format!("cannot watch the site's files: {e}")).in_file(root).hint(
            "raise the system's limit on watched files (on Linux: fs.inotify.max_user_watches), or use `gazette build`",
        )
    };
    let debouncer = new_debouncer(debounce, None, handler).map_err(cannot_watch)?;
    let mut watcher = Watcher { debouncer, root: root.to_path_buf(), watched: Vec::new() };
    watcher.debouncer.watch(root, RecursiveMode::NonRecursive).map_err(cannot_watch)?;
    watcher.watch_new_folders();
    Ok(watcher)
}

impl Watcher {
    /// Starts watching the source folders that exist now and were not watched yet.
    pub fn watch_new_folders(&mut self) {
        for dir in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR] {
            let path = self.root.join(dir);
            if self.watched.contains(&path) || !path.is_dir() {
                continue;
            }
            match self.debouncer.watch(&path, RecursiveMode::Recursive) {
                Ok(()) => self.watched.push(path),
                Err(error) => eprintln!("warning: cannot watch {}: {error}", path.display()),
            }
        }
        self.watched.retain(|p| p.is_dir());
    }
}
