//! Stage 4b, images: the model's image assets → their variants' bytes, in the cache folder.
//!
//! Runs after `plan` and before `render`. For every local image the site shows, each variant
//! that the model named (WebP and original format at each width, the share JPEG) is looked up
//! in the cache (`Config::image_cache`, inside the output, keyed by the file name, which
//! carries a hash of the source bytes and the settings). A build's cache is the staging
//! folder's: a variant found in the previous output's cache is carried into it by hard link,
//! and only the missing ones are made: decoded once (within decoder limits), resized,
//! encoded. What the build no longer uses is not carried, so the cache holds what the site
//! shows and nothing else. Images are processed in parallel, one image per thread at a time,
//! so memory stays bounded by the thread count times the largest image allowed. The writer
//! then links the variants from the cache into the output's `img/`.

mod cache;
mod encode;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::images::{ImageAsset, Variant, variant_file};

/// What the stage did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImagesReport {
    /// Variants made (encoded) by this run, and found in the cache.
    pub made: usize,
    pub cached: usize,
}

/// Makes every missing variant of `images` in `config.image_cache`, after carrying those
/// that `previous` (the last build's cache folder) holds; the errors name the page that uses
/// a broken image.
pub fn process(
    config: &Config,
    images: &[std::sync::Arc<ImageAsset>],
    previous: Option<&Path>,
) -> Result<ImagesReport, Vec<Diagnostic>> {
    let made = AtomicUsize::new(0);
    let cached = AtomicUsize::new(0);
    let errors: Vec<Diagnostic> = images
        .par_iter()
        .filter(|asset| !asset.format.is_copied_as_is())
        .filter_map(|asset| {
            let missing: Vec<&Variant> =
                asset.variants().into_iter().filter(|v| !found(config, asset, v, previous)).collect();
            cached.fetch_add(asset.variants().len() - missing.len(), Ordering::Relaxed);
            if missing.is_empty() {
                return None;
            }
            made.fetch_add(missing.len(), Ordering::Relaxed);
            make_variants(config, asset, &missing).err()
        })
        .collect();
    if errors.is_empty() {
        Ok(ImagesReport { made: made.into_inner(), cached: cached.into_inner() })
    } else {
        Err(errors)
    }
}

/// Whether the cache holds `variant`, once carried from `previous` if it was there.
fn found(config: &Config, asset: &ImageAsset, variant: &Variant, previous: Option<&Path>) -> bool {
    let target = variant_file(config, asset, variant);
    if target.is_file() {
        return true;
    }
    let Some(old) = previous.map(|folder| folder.join(&variant.file)).filter(|old| old.is_file()) else {
        return false;
    };
    std::fs::hard_link(&old, &target).or_else(|_| std::fs::copy(&old, &target).map(drop)).is_ok()
}

/// Decodes the source once and writes each missing variant into the cache.
fn make_variants(config: &Config, asset: &ImageAsset, missing: &[&Variant]) -> Result<(), Diagnostic> {
    let bytes = std::fs::read(config.root.join(&asset.source))
        .map_err(|e| broken(asset, format!("cannot read the image {}: {e}", asset.source.display())))?;
    let decoded = encode::decode(&bytes)
        .map_err(|e| broken(asset, format!("the image {} cannot be decoded: {e}", asset.source.display())))?;
    let folder = &config.image_cache;
    std::fs::create_dir_all(folder).map_err(|e| cache_error(folder, e))?;
    for variant in missing {
        let encoded = encode::variant(&decoded, variant)
            .map_err(|e| broken(asset, format!("cannot make {} from {}: {e}", variant.file, asset.source.display())))?;
        let target = variant_file(config, asset, variant);
        cache::store(&target, &encoded).map_err(|e| cache_error(&target, e))?;
    }
    Ok(())
}

/// The asset's first use, as an error: the page and line that show a broken image.
fn broken(asset: &ImageAsset, message: String) -> Diagnostic {
    let mut diagnostic = asset.first_use.clone();
    diagnostic.code = "E063";
    diagnostic.message = message;
    diagnostic.hint("export the image again (PNG, JPEG, WebP, GIF or SVG), or use another one")
}

fn cache_error(path: &Path, error: std::io::Error) -> Diagnostic {
    Diagnostic::error("E067", format!("cannot write the image cache {}: {error}", path.display()))
        .hint("check the permissions and free space of the cache folder (it is safe to delete)")
}
