//! The image cache: variants kept between builds, one file each, named as in the output,
//! in `<output>/.gazette-cache/images/` (`Config::image_cache`).
//!
//! A variant's name carries a hash of its source bytes and the settings, so a name that
//! exists holds the right bytes. Each file is written to a temporary name and renamed into
//! place, so a build killed mid-write leaves at most a `.tmp-` file, which no build reads or
//! carries over (a build carries entries by their variant's name alone).

use std::io::Write;
use std::path::Path;

const TEMP_PREFIX: &str = ".tmp-";

/// Writes `bytes` as `target`, atomically.
pub fn store(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = target.with_file_name(format!("{TEMP_PREFIX}{}-{name}", std::process::id()));
    let mut file = std::fs::File::create(&temp)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_data());
    drop(file);
    match written.and_then(|()| std::fs::rename(&temp, target)) {
        Ok(()) => Ok(()),
        Err(error) => {
            let _ = std::fs::remove_file(&temp);
            Err(error)
        }
    }
}
