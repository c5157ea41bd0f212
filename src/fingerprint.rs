//! Whether anything changed since the last build.
//!
//! A fingerprint hashes everything the output depends on: the gazette binary itself, the
//! build options, every source file's bytes (static files by size and mtime), and which
//! articles the build clock publishes. It is stored as an extended attribute of the output
//! folder (`user.gazette.fingerprint`), so it is never deployed with the site. When the
//! fingerprint of a new build equals the stored one, the build stops after loading and
//! touches nothing, provided the output still holds as many files as that build wrote and none
//! was modified since. Where the file system has no extended attributes, every build is full.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use rayon::prelude::*;

use crate::config::Config;
use crate::load::Loaded;
use crate::toml_input;

const ATTRIBUTE: &str = "user.gazette.fingerprint";

/// Hashes the inputs of a build.
pub fn of(config: &Config, loaded: &Loaded) -> u64 {
    let mut hasher = DefaultHasher::new();
    binary().hash(&mut hasher);
    (&config.root, &config.output, &config.base_url, config.drafts, config.future, config.search, config.deals)
        .hash(&mut hasher);
    if let Ok(text) = std::fs::read(config.root.join(crate::config::CONFIG_FILE)) {
        text.hash(&mut hasher);
    }
    let articles: Vec<u64> = loaded
        .articles
        .par_iter()
        .map(|document| {
            let mut file = DefaultHasher::new();
            (&document.path, &document.text).hash(&mut file);
            // Scheduled articles appear when the clock passes their date.
            let date = toml_input::to_datetime(&document.fragment(), &document.front.date, "date").ok();
            date.is_some_and(|d| d <= config.now).hash(&mut file);
            // The news sitemap lists the articles of the two days before the clock.
            date.is_some_and(|d| config.in_news_window(d)).hash(&mut file);
            file.finish()
        })
        .collect();
    articles.hash(&mut hasher);
    for document in &loaded.entities {
        (&document.path, &document.text).hash(&mut hasher);
    }
    for document in
        loaded.pages.iter().map(|d| (&d.path, &d.text)).chain(loaded.authors.iter().map(|d| (&d.path, &d.text)))
    {
        document.hash(&mut hasher);
    }
    for template in &loaded.templates {
        (&template.name, &template.text).hash(&mut hasher);
    }
    let static_dir = config.root.join(crate::load::STATIC_DIR);
    let files = loaded.static_files.iter().map(|f| (f, static_dir.join(f)));
    for (file, path) in files.chain(loaded.content_images.iter().map(|f| (f, config.root.join(f)))) {
        let meta = std::fs::metadata(path);
        (file, meta.as_ref().ok().map(|m| (m.len(), m.modified().ok()))).hash(&mut hasher);
    }
    hasher.finish()
}

/// The gazette binary: its version, and its size and time, since a rebuilt binary may render
/// differently with the same version number.
pub fn binary() -> u64 {
    let mut hasher = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        (meta.len(), meta.modified().ok()).hash(&mut hasher);
    }
    hasher.finish()
}

/// What the last successful build recorded on its output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub fingerprint: u64,
    /// How many files it wrote, and their total size.
    pub files: usize,
    pub bytes: u64,
    /// When it finished, in nanoseconds since the Unix epoch.
    pub finished: u64,
}

/// The stamp of the build that produced `output`, if the output is still exactly as that build
/// left it: the same number of files, none modified since (a file deleted or edited by hand
/// makes the next build a full one).
pub fn intact_stamp(output: &Path) -> Option<Stamp> {
    let bytes = attribute::get(output, ATTRIBUTE)?;
    let field = |i: usize| bytes.get(i * 8..i * 8 + 8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes);
    let stamp = Stamp {
        fingerprint: field(0)?,
        files: usize::try_from(field(1)?).ok()?,
        bytes: field(2)?,
        finished: field(3)?,
    };
    let (files, bytes) = output_size(output, stamp.finished)?;
    (files == stamp.files && bytes == stamp.bytes).then_some(stamp)
}

/// Whether a build stored its fingerprint on `output` (builds made before the output carried
/// `write::guard::MARK_FILE` are recognized by it).
pub fn has_stamp(output: &Path) -> bool {
    attribute::get(output, ATTRIBUTE).is_some()
}

/// (files, total bytes) below `output`, its caches (`config::CACHE_DIR`) left out; `None` if
/// any file changed after `not_after`. The listing needs no `stat`; the `stat`s, one per
/// file, run in parallel.
fn output_size(output: &Path, not_after: u64) -> Option<(usize, u64)> {
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(output).min_depth(1).into_iter();
    for entry in walk.filter_entry(|e| e.depth() != 1 || e.file_name() != crate::config::CACHE_DIR) {
        let entry = entry.ok()?;
        if !entry.file_type().is_dir() {
            files.push(entry.into_path());
        }
    }
    let bytes = files
        .par_iter()
        .map(|path| {
            let meta = std::fs::metadata(path).ok()?;
            let modified = meta.modified().ok().and_then(nanos_since_epoch)?;
            (modified <= not_after).then_some(meta.len())
        })
        .sum::<Option<u64>>()?;
    Some((files.len(), bytes))
}

/// Records the fingerprint of the build that produced `output`, which holds `files` files of
/// `bytes` bytes in all; failure only costs speed.
pub fn store(output: &Path, fingerprint: u64, files: usize, bytes: u64) {
    let finished = nanos_since_epoch(std::time::SystemTime::now()).unwrap_or(0);
    let value: Vec<u8> = [fingerprint, files as u64, bytes, finished].iter().flat_map(|n| n.to_le_bytes()).collect();
    attribute::set(output, ATTRIBUTE, &value);
}

fn nanos_since_epoch(time: std::time::SystemTime) -> Option<u64> {
    time.duration_since(std::time::UNIX_EPOCH).ok().and_then(|d| u64::try_from(d.as_nanos()).ok())
}

#[cfg(target_os = "linux")]
mod attribute {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    pub fn get(path: &Path, name: &str) -> Option<Vec<u8>> {
        let path = CString::new(path.as_os_str().as_bytes()).ok()?;
        let name = CString::new(name).ok()?;
        let mut buffer = [0u8; 64];
        // SAFETY: valid NUL-terminated strings and a buffer of the length passed.
        let len = unsafe { libc::getxattr(path.as_ptr(), name.as_ptr(), buffer.as_mut_ptr().cast(), buffer.len()) };
        usize::try_from(len).ok().map(|len| buffer[..len].to_vec())
    }

    pub fn set(path: &Path, name: &str, value: &[u8]) {
        let (Ok(path), Ok(name)) = (CString::new(path.as_os_str().as_bytes()), CString::new(name)) else { return };
        // SAFETY: valid NUL-terminated strings and a value of the length passed.
        unsafe { libc::setxattr(path.as_ptr(), name.as_ptr(), value.as_ptr().cast(), value.len(), 0) };
    }
}

#[cfg(not(target_os = "linux"))]
mod attribute {
    use std::path::Path;

    pub fn get(_: &Path, _: &str) -> Option<Vec<u8>> {
        None
    }

    pub fn set(_: &Path, _: &str, _: &[u8]) {}
}
