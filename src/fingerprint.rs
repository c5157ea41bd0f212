//! Whether anything changed since the last build.
//!
//! A fingerprint hashes everything the output depends on: the gazette binary itself, the
//! build options, every source file's bytes (static files by size and mtime), and which
//! articles the build clock publishes. It is stored as an extended attribute of the output
//! folder (`user.gazette.fingerprint`), so it is never deployed with the site. When the
//! fingerprint of a new build equals the stored one, the build stops after loading and
//! touches nothing. Where the file system has no extended attributes, every build is full.

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
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        // A rebuilt binary may render differently with the same version number.
        (meta.len(), meta.modified().ok()).hash(&mut hasher);
    }
    (&config.root, &config.output, &config.base_url, config.drafts, config.future).hash(&mut hasher);
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
            file.finish()
        })
        .collect();
    articles.hash(&mut hasher);
    for document in &loaded.entities {
        (&document.path, &document.text).hash(&mut hasher);
    }
    for document in &loaded.pages {
        (&document.path, &document.text).hash(&mut hasher);
    }
    for template in &loaded.templates {
        (&template.name, &template.text).hash(&mut hasher);
    }
    for file in &loaded.static_files {
        let meta = std::fs::metadata(config.root.join(crate::load::STATIC_DIR).join(file));
        (file, meta.as_ref().ok().map(|m| (m.len(), m.modified().ok()))).hash(&mut hasher);
    }
    hasher.finish()
}

/// The fingerprint stored on the output folder by the last successful build, with the number
/// of files that build wrote.
pub fn stored(output: &Path) -> Option<(u64, usize)> {
    let bytes = attribute::get(output, ATTRIBUTE)?;
    let fingerprint = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    let files = u64::from_le_bytes(bytes.get(8..16)?.try_into().ok()?);
    Some((fingerprint, usize::try_from(files).ok()?))
}

/// Records the fingerprint of the build that produced `output`; failure only costs speed.
pub fn store(output: &Path, fingerprint: u64, files: usize) {
    let mut value = fingerprint.to_le_bytes().to_vec();
    value.extend_from_slice(&(files as u64).to_le_bytes());
    attribute::set(output, ATTRIBUTE, &value);
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
