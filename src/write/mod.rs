//! Stage 6, write: rendered bytes → a fresh folder, swapped in only when all succeeded.
//!
//! Every build writes into a staging folder beside the output (`.public.gazette-staging`).
//! A file whose bytes equal the one already published is hard-linked from the old output
//! instead of rewritten, so its mtime and inode stay the same. When every file is in place,
//! the staging folder and the output are exchanged in one atomic rename (Linux
//! `renameat2(RENAME_EXCHANGE)`), so a reader, or a build killed at any moment, sees either
//! the old or the new output whole; files that no source produces any more go with the old
//! folder. A failed build removes its staging folder and leaves the output as it was. The
//! first write that fails (a full disk) stops the writer, so the problem is said once.
//! `guard` decides beforehand whether the output folder may be replaced at all.
//!
//! The output also keeps gazette's caches, in `CACHE_DIR` (`images/` now; `search/` has its
//! place there too): not part of the site (deploy skips it, the fingerprint does not count
//! it), safe to delete. A build carries the entries it still uses from the old output's cache
//! into the staging folder by hard link, so a failed build leaves the old cache whole and an
//! entry the new build no longer uses goes with the old output.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use crate::diagnostics::Diagnostic;
use crate::render::Body;

pub mod guard;

pub use crate::config::{CACHE_DIR, cache_folder};

pub struct Writer {
    output: PathBuf,
    staging: PathBuf,
    /// Files placed in the staging folder, and their bytes: what the output will hold.
    files: AtomicUsize,
    bytes: AtomicU64,
    /// Set by the first failed write.
    stopped: AtomicBool,
}

/// What writing one file did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Same bytes as before: linked from the previous output.
    Unchanged,
    /// New or changed bytes.
    Changed,
    /// Not written: an earlier write failed, so the build has failed already.
    Skipped,
}

fn write_error(path: &Path, action: &str, error: io::Error) -> Diagnostic {
    if error.kind() == io::ErrorKind::StorageFull {
        return Diagnostic::error("E070", format!("the disk is full: cannot {action} {}", path.display()))
            .note("the build stopped at the first file that did not fit; the previous output is kept as it was")
            .hint("free some disk space (or choose an --output on another disk) and build again");
    }
    Diagnostic::error("E070", format!("cannot {action} {}: {error}", path.display()))
        .hint("check the output folder's permissions and free disk space")
}

impl Writer {
    /// Checks that `output` may be replaced (see `guard`), and makes a staging folder beside
    /// it holding gazette's mark. When `output` is a symbolic link, its target is replaced.
    pub fn prepare(root: &Path, output: &Path, force: bool) -> Result<Self, Diagnostic> {
        let target = guard::resolve_output(output)?;
        guard::check_not_sources(root, &target, output)?;
        guard::check_replaceable(&target, output, force)?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| write_error(parent, "create", e))?;
        let staging = parent.join(format!(".{name}.gazette-staging"));
        if staging.exists() {
            // Left behind by a build that was killed: it never became the output.
            fs::remove_dir_all(&staging).map_err(|e| write_error(&staging, "remove the leftover", e))?;
        }
        fs::create_dir(&staging).map_err(|e| write_error(&staging, "create", e))?;
        let mark = staging.join(guard::MARK_FILE);
        fs::write(&mark, guard::MARK_TEXT).map_err(|e| write_error(&mark, "write", e))?;
        Ok(Writer {
            output: target,
            staging,
            files: AtomicUsize::new(1),
            bytes: AtomicU64::new(guard::MARK_TEXT.len() as u64),
            stopped: AtomicBool::new(false),
        })
    }

    /// Whether a write failed: the build has failed, and the writer writes nothing more.
    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }

    /// The first failed write stops the writer and is reported; later ones (the same full
    /// disk, seen by other threads at once) are not.
    fn stop(&self, error: Diagnostic) -> Result<Written, Diagnostic> {
        if self.stopped.swap(true, Ordering::Relaxed) { Ok(Written::Skipped) } else { Err(error) }
    }

    /// Creates every folder the outputs need, once each.
    pub fn create_dirs<'p>(&self, paths: impl Iterator<Item = &'p str>) -> Result<(), Diagnostic> {
        let dirs: BTreeSet<&str> = paths.filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir)).collect();
        for dir in dirs {
            let path = self.staging.join(checked_relative(dir)?);
            fs::create_dir_all(&path).map_err(|e| write_error(&path, "create", e))?;
        }
        Ok(())
    }

    /// Writes one output file into the staging folder; after a failed write, writes nothing.
    pub fn write(&self, relative: &str, body: &Body) -> Result<Written, Diagnostic> {
        if self.stopped() {
            return Ok(Written::Skipped);
        }
        if let Body::Linked(source) = body {
            return self.link(relative, source);
        }
        let relative_path = checked_relative(relative)?;
        let target = self.staging.join(&relative_path);
        let previous = self.output.join(&relative_path);
        let (unchanged, len) = match body {
            Body::Bytes(bytes) => (same_bytes(&previous, bytes), bytes.len()),
            Body::File(source) | Body::Linked(source) => fs::read(source)
                .map(|bytes| (same_bytes(&previous, &bytes), bytes.len()))
                .map_err(|e| write_error(source, "read", e))?,
        };
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len as u64, Ordering::Relaxed);
        if unchanged && fs::hard_link(&previous, &target).is_ok() {
            return Ok(Written::Unchanged);
        }
        let result = match body {
            Body::Bytes(bytes) => fs::write(&target, bytes).map_err(|e| write_error(&target, "write", e)),
            Body::File(source) | Body::Linked(source) => {
                fs::copy(source, &target).map(drop).map_err(|e| write_error(&target, "copy to", e))
            }
        };
        match result {
            Ok(()) => Ok(Written::Changed),
            Err(error) => self.stop(error),
        }
    }

    /// A file named after a hash of its bytes (an image variant): the previous output's file
    /// of that name if there is one, else `source` hard-linked (copied where linking fails).
    fn link(&self, relative: &str, source: &Path) -> Result<Written, Diagnostic> {
        if let Some(kept) = self.keep_previous(relative)? {
            return Ok(kept);
        }
        let target = self.staging.join(checked_relative(relative)?);
        let placed = carry(source, &target).map_err(|e| write_error(&target, "copy to", e));
        match placed.and_then(|()| fs::metadata(&target).map_err(|e| write_error(&target, "read", e))) {
            Ok(meta) => {
                self.files.fetch_add(1, Ordering::Relaxed);
                self.bytes.fetch_add(meta.len(), Ordering::Relaxed);
                Ok(Written::Changed)
            }
            Err(error) => self.stop(error),
        }
    }

    /// One cache of the build: (the previous output's folder of it, if there is one; the
    /// staging folder's, created), for the cache to carry what it still uses from one to the
    /// other (`carry`).
    pub fn cache(&self, name: &str) -> Result<(Option<PathBuf>, PathBuf), Diagnostic> {
        let next = cache_folder(&self.staging, name);
        fs::create_dir_all(&next).map_err(|e| write_error(&next, "create", e))?;
        let previous = cache_folder(&self.output, name);
        Ok((previous.is_dir().then_some(previous), next))
    }

    /// Keeps the previous output's file at `relative`, if there is one, without reading it:
    /// for files named after a hash of their bytes (the search index), whose name says that
    /// the bytes are the same. `None`: there is no such file, write it.
    pub fn keep_previous(&self, relative: &str) -> Result<Option<Written>, Diagnostic> {
        if self.stopped() {
            return Ok(Some(Written::Skipped));
        }
        let relative_path = checked_relative(relative)?;
        let previous = self.output.join(&relative_path);
        let Some(meta) = fs::symlink_metadata(&previous).ok().filter(|m| m.is_file()) else {
            return Ok(None);
        };
        if fs::hard_link(&previous, self.staging.join(&relative_path)).is_err() {
            return Ok(None);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(meta.len(), Ordering::Relaxed);
        Ok(Some(Written::Unchanged))
    }

    /// Makes the staging folder the output, atomically where the system allows it; returns
    /// how many files it holds and their total size.
    pub fn commit(self) -> Result<(usize, u64), Diagnostic> {
        let written = (self.files.load(Ordering::Relaxed), self.bytes.load(Ordering::Relaxed));
        if self.output.exists() {
            exchange(&self.staging, &self.output)
                .or_else(|_| exchange_by_renames(&self.staging, &self.output))
                .map_err(|e| write_error(&self.output, "replace", e))?;
            // The staging path now holds the previous output.
            fs::remove_dir_all(&self.staging)
                .map_err(|e| write_error(&self.staging, "remove the previous output at", e))?;
        } else {
            fs::rename(&self.staging, &self.output).map_err(|e| write_error(&self.output, "create", e))?;
        }
        Ok(written)
    }

    /// Throws the staging folder away; the output stays as it was.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

/// Places `source` at `target` by hard link, or by copy where linking fails (another file
/// system, a system without links).
pub fn carry(source: &Path, target: &Path) -> io::Result<()> {
    fs::hard_link(source, target).or_else(|_| fs::copy(source, target).map(drop))
}

/// A relative path that cannot leave the output folder.
fn checked_relative(relative: &str) -> Result<PathBuf, Diagnostic> {
    let path = Path::new(relative);
    if path.components().all(|c| matches!(c, Component::Normal(_))) && !relative.is_empty() {
        Ok(path.to_path_buf())
    } else {
        Err(Diagnostic::error("E072", format!("refusing to write {relative:?}: it would leave the output folder"))
            .hint("this is a bug in gazette: please report it with the file that caused it"))
    }
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => fs::read(path).is_ok_and(|old| old == bytes),
        _ => false,
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call.
    let result =
        unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if result == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    exchange_by_renames(a, b)
}

/// Where there is no atomic exchange (another system, or a file system without it), three
/// renames: a kill between them leaves the new output complete in the staging folder and the
/// old one complete beside it.
fn exchange_by_renames(a: &Path, b: &Path) -> io::Result<()> {
    let aside = a.with_extension("gazette-old");
    fs::rename(b, &aside)?;
    fs::rename(a, b)?;
    fs::rename(&aside, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape() {
        assert!(checked_relative("articles/x/index.html").is_ok());
        assert!(checked_relative("../x").is_err());
        assert!(checked_relative("/etc/passwd").is_err());
        assert!(checked_relative("a/../../b").is_err());
        assert!(checked_relative("").is_err());
    }

    #[test]
    fn refuses_outputs_that_would_replace_sources() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/articles")).unwrap();
        for output in [".", "content", "content/articles", "static", "templates"] {
            assert!(Writer::prepare(dir.path(), &dir.path().join(output), false).is_err(), "{output}");
        }
        assert!(Writer::prepare(dir.path(), &dir.path().join("public"), false).is_ok());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_reported_once_and_stops_the_writer() {
        use rayon::prelude::*;
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let writer = Writer::prepare(dir.path(), &output, false).unwrap();
        // Every file's place leads to /dev/full, which answers each write with ENOSPC.
        for i in 0..200 {
            std::os::unix::fs::symlink("/dev/full", writer.staging.join(format!("{i}.html"))).unwrap();
        }
        let results: Vec<Result<Written, Diagnostic>> = (0..200)
            .into_par_iter()
            .map(|i| writer.write(&format!("{i}.html"), &Body::Bytes(vec![b'x'; 64])))
            .collect();
        let errors: Vec<&Diagnostic> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.starts_with("the disk is full"), "{}", errors[0].message);
        assert!(writer.stopped());
        writer.abort();
        assert!(!output.exists());
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_keep_their_inode_and_removed_ones_go() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let first = Writer::prepare(dir.path(), &output, false).unwrap();
        first.create_dirs(["a/index.html", "gone.txt"].into_iter()).unwrap();
        first.write("a/index.html", &Body::Bytes(b"same".to_vec())).unwrap();
        first.write("gone.txt", &Body::Bytes(b"old".to_vec())).unwrap();
        first.commit().unwrap();
        let inode = fs::metadata(output.join("a/index.html")).unwrap().ino();

        let second = Writer::prepare(dir.path(), &output, false).unwrap();
        second.create_dirs(["a/index.html"].into_iter()).unwrap();
        assert_eq!(second.write("a/index.html", &Body::Bytes(b"same".to_vec())).unwrap(), Written::Unchanged);
        second.commit().unwrap();
        assert_eq!(fs::metadata(output.join("a/index.html")).unwrap().ino(), inode);
        assert!(!output.join("gone.txt").exists());
        assert!(!dir.path().join(".public.gazette-staging").exists());
    }
}
