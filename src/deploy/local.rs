//! The built site on disk: every file of the output folder with its size and MD5.
//!
//! In: the output folder. Out: `LocalFile`s keyed by their `/`-separated path, hashed in
//! parallel (the MD5 is what S3 compares: a single-part object's ETag).

use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use rayon::prelude::*;

/// One output file.
#[derive(Debug, Clone)]
pub(crate) struct LocalFile {
    /// Relative to the output folder, `/`-separated: the object key without the prefix.
    pub path: String,
    pub size: u64,
    /// Lowercase hex, as in an ETag.
    pub md5: String,
}

/// A file of the output, found but not read yet.
pub(crate) struct Found {
    /// As `LocalFile::path`.
    pub path: String,
    full: PathBuf,
}

/// Lists every file below `output` but the build's own mark and caches (not part of the
/// site), in S3's key order (bytes, which a walk of the folders is not: `a/b` comes before
/// `a-c` there); reads nothing but folders.
pub(crate) fn walk(output: &Path) -> Result<Vec<Found>, String> {
    let mut found = Vec::new();
    let entries = walkdir::WalkDir::new(output).min_depth(1).into_iter();
    for entry in entries.filter_entry(|e| e.depth() != 1 || e.file_name() != crate::write::CACHE_DIR) {
        let entry = entry.map_err(|error| format!("cannot list {}: {error}", output.display()))?;
        let is_mark = entry.depth() == 1 && entry.file_name() == crate::write::guard::MARK_FILE;
        if entry.file_type().is_file() && !is_mark {
            let full = entry.into_path();
            found.push(Found { path: key_of(output, &full)?, full });
        }
    }
    found.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// Reads and hashes the files `walk` found, in parallel, in the same order; an unreadable
/// file is an error (a deploy must never publish half a site).
pub(crate) fn hash(found: Vec<Found>) -> Result<Vec<LocalFile>, String> {
    found.into_par_iter().map(hash_file).collect()
}

fn hash_file(found: Found) -> Result<LocalFile, String> {
    let bytes = std::fs::read(&found.full).map_err(|error| format!("cannot read {}: {error}", found.full.display()))?;
    Ok(LocalFile { path: found.path, size: bytes.len() as u64, md5: md5_hex(&bytes) })
}

/// The `/`-separated path of `full` below `output`.
fn key_of(output: &Path, full: &Path) -> Result<String, String> {
    let relative =
        full.strip_prefix(output).map_err(|_| format!("{} is outside {}", full.display(), output.display()))?;
    let parts: Option<Vec<&str>> = relative.components().map(|c| c.as_os_str().to_str()).collect();
    let Some(parts) = parts else {
        return Err(format!("{} is not a UTF-8 file name, so it cannot be an object key", full.display()));
    };
    Ok(parts.join("/"))
}

pub(crate) fn md5_hex(bytes: &[u8]) -> String {
    hex(&Md5::digest(bytes))
}

/// The same digest in base64, for the Content-MD5 header.
pub(crate) fn md5_base64_of_hex(md5_hex: &str) -> String {
    use base64::Engine as _;
    let bytes: Vec<u8> =
        (0..md5_hex.len() / 2).filter_map(|i| u8::from_str_radix(md5_hex.get(i * 2..i * 2 + 2)?, 16).ok()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_is_the_etag_form_and_its_base64_is_the_content_md5_form() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_base64_of_hex("d41d8cd98f00b204e9800998ecf8427e"), "1B2M2Y8AsgTpgAmY7PhCfg==");
    }

    #[test]
    fn the_build_s_mark_and_caches_are_not_part_of_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for file in
            [".gazette-output", ".gazette-cache/images/a-480w-0123456789ab.webp", "img/a-480w-0123456789ab.webp"]
        {
            std::fs::create_dir_all(out.join(file).parent().unwrap()).unwrap();
            std::fs::write(out.join(file), b"x").unwrap();
        }
        let found: Vec<String> = walk(out).unwrap().into_iter().map(|f| f.path).collect();
        assert_eq!(found, ["img/a-480w-0123456789ab.webp"]);
    }
}
