//! Images in the model: an `[image]` table or a Markdown image's `src` → a checked `ImageAsset`.
//!
//! In: the `src` as written and the Markdown file that wrote it. Out: the asset (its source
//! file inside `content/` or `static/`, a hash of its bytes, its size read from the header
//! alone) with every variant decided here: widths, formats and content-hashed file names.
//! Nothing is decoded or encoded in this stage: the `images` stage makes the variants' bytes
//! later (or finds them in its cache), so a build whose images did not change only hashes them.
//! Remote images (`https://...`) are left to the browser.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use toml::Spanned;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::load::Document;
use crate::load::frontmatter::ImageFront;
use crate::toml_input::Fragment;

/// Widths of the responsive variants, never wider than the original.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];
/// The width of the JPEG for `og:image` (or the original's, when narrower).
pub const SHARE_WIDTH: u32 = 1200;
/// Output folder of every published image.
pub const IMAGES_DIR: &str = "img";
/// Larger images are refused rather than decoded: 50 megapixels take 200 MB as RGBA.
pub const MAX_PIXELS: u64 = 50_000_000;
pub const MAX_SIDE: u32 = 20_000;
/// Everything besides the source bytes that decides a variant's bytes: part of every name, so
/// that changed settings or encoders never reuse an old cached file.
pub const SETTINGS: &str = "v1 lanczos3 webp-q80 jpeg-q82 png-fast";
/// `sizes` of a responsive image in the text column: the theme's column is at most 42rem wide.
pub const SIZES: &str = "(min-width: 44rem) 42rem, 100vw";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Png,
    Jpeg,
    Webp,
    Gif,
    Svg,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
            Format::Gif => "gif",
            Format::Svg => "svg",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
            Format::Svg => "image/svg+xml",
        }
    }

    /// SVG (vector) and GIF (perhaps animated) are published as they are, at one size.
    pub fn is_copied_as_is(self) -> bool {
        matches!(self, Format::Svg | Format::Gif)
    }
}

/// One file the build publishes for an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The file name, e.g. `signing-480w-3f2a9c0d1b7e.webp`: also its name in the cache.
    pub file: String,
    pub width: u32,
    pub height: u32,
    pub format: Format,
}

impl Variant {
    /// Relative to the output folder.
    pub fn path(&self) -> String {
        format!("{IMAGES_DIR}/{}", self.file)
    }
}

/// A source image, checked, with the variants the build publishes for it.
#[derive(Debug, Clone)]
pub struct ImageAsset {
    /// Relative to the site root: `static/images/x.png` or `content/articles/2017/x.jpg`.
    pub source: PathBuf,
    /// Hash of the source bytes and `SETTINGS`, in hex.
    pub key: String,
    pub format: Format,
    /// The original's size in pixels (0 for an SVG that states none).
    pub width: u32,
    pub height: u32,
    /// WebP variants, narrowest first (empty for SVG, GIF and WebP sources).
    pub modern: Vec<Variant>,
    /// Variants in the original format, narrowest first (one copy for SVG and GIF).
    pub fallback: Vec<Variant>,
    /// The JPEG for `og:image` (none for SVG and GIF).
    pub share: Option<Variant>,
    /// An error located at the first place that uses the image (the first file by path, the
    /// first use in it), for the `images` stage to fill in when the image turns out to be
    /// broken past its header.
    pub first_use: Diagnostic,
}

impl ImageAsset {
    /// Every file to publish, each once (the share JPEG may be a fallback variant too).
    pub fn variants(&self) -> Vec<&Variant> {
        let mut all: Vec<&Variant> = Vec::new();
        for variant in self.modern.iter().chain(&self.fallback).chain(&self.share) {
            if !all.iter().any(|v| v.file == variant.file) {
                all.push(variant);
            }
        }
        all
    }

    /// The fallback variant an `<img src>` names: the widest one up to 960 px.
    pub fn default_variant(&self) -> Option<&Variant> {
        self.fallback.iter().rev().find(|v| v.width <= 960).or(self.fallback.first())
    }
}

/// An image as a page shows it: a lead image, logo or portrait from an `[image]` table.
#[derive(Debug, Clone)]
pub struct ImageUse {
    /// `None` for a remote image, which is shown as it is.
    pub asset: Option<Arc<ImageAsset>>,
    /// The `src` as written: the URL of a remote image.
    pub src: String,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

impl std::hash::Hash for ImageUse {
    /// What a page shows of the image: the asset's key names its bytes and variants.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.asset.as_ref().map(|a| (&a.key, &a.source)).hash(state);
        (&self.src, &self.alt, &self.caption, &self.credit).hash(state);
    }
}

/// Checks an `[image]` table of `document` and resolves its `src`.
pub fn resolve_front<F>(
    catalog: &ImageCatalog,
    document: &Document<F>,
    image: &Spanned<ImageFront>,
) -> Result<ImageUse, Diagnostic> {
    let fragment = document.fragment();
    let front = image.get_ref();
    let alt = front.alt.as_ref().map(|a| a.get_ref().trim().to_string()).unwrap_or_default();
    if alt.is_empty() {
        let span = front.alt.as_ref().map_or(image.span(), |a| a.span());
        return Err(fragment
            .error_at("E064", "the image has no alt text", span)
            .field("image.alt")
            .hint("add `alt = \"...\"` saying what the picture shows: screen readers and search engines read it"));
    }
    let src = front.src.get_ref();
    let use_at = || fragment.error_at("E063", "", front.src.span()).field("image.src");
    let asset = catalog
        .resolve(&document.path, src, fragment.offset + front.src.span().start, use_at)
        .map_err(|problem| located(problem.diagnostic(src), &fragment, front.src.span()))?;
    Ok(ImageUse { asset, src: src.clone(), alt, caption: front.caption.clone(), credit: front.credit.clone() })
}

fn located(diagnostic: Diagnostic, fragment: &Fragment, span: std::ops::Range<usize>) -> Diagnostic {
    let at = fragment.error_at(diagnostic.code, diagnostic.message, span).field("image.src");
    match diagnostic.hint {
        Some(hint) => at.hint(hint),
        None => at,
    }
}

/// The file a variant's bytes are copied from: the source itself for an image published as it
/// is, else its file in the image cache.
pub fn variant_file(config: &Config, asset: &ImageAsset, variant: &Variant) -> PathBuf {
    if asset.format.is_copied_as_is() {
        config.root.join(&asset.source)
    } else {
        config.image_cache.join(&variant.file)
    }
}

/// Why a `src` does not lead to a usable image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageProblem {
    Missing(PathBuf),
    LeavesSite,
    Unreadable(String),
    Corrupt(String),
    TooLarge { width: u32, height: u32 },
    Unsupported(String),
}

impl ImageProblem {
    /// The error, with its code and hint; the caller locates it.
    pub fn diagnostic(&self, src: &str) -> Diagnostic {
        match self {
            ImageProblem::Missing(path) => {
                Diagnostic::error("E061", format!("the image `{src}` does not exist ({})", path.display()))
                    .hint("write a path relative to this file, or one starting with `/` for a file below static/")
            }
            ImageProblem::LeavesSite => Diagnostic::error(
                "E062",
                format!("the image `{src}` is outside the site's content/ and static/ folders"),
            )
            .hint("copy the image into static/ (and write `/images/name.png`) or next to the Markdown file"),
            ImageProblem::Unreadable(why) => Diagnostic::error("E063", format!("cannot read the image `{src}`: {why}"))
                .hint("check the file's permissions"),
            ImageProblem::Corrupt(why) => Diagnostic::error("E063", format!("the image `{src}` is damaged: {why}"))
                .hint("export the image again (PNG, JPEG, WebP, GIF or SVG)"),
            ImageProblem::TooLarge { width, height } => Diagnostic::error(
                "E065",
                format!("the image `{src}` is {width}×{height} pixels, more than gazette processes"),
            )
            .hint(format!(
                "scale it down to at most {MAX_SIDE} pixels a side and {} megapixels",
                MAX_PIXELS / 1_000_000
            )),
            ImageProblem::Unsupported(what) => {
                Diagnostic::error("E066", format!("the image `{src}` is {what}, which gazette does not publish"))
                    .hint("convert it to PNG, JPEG, WebP, GIF or SVG")
            }
        }
    }
}

/// Whether a `src` is left to the browser: another host, a data URL, a protocol-relative URL.
pub fn is_remote(src: &str) -> bool {
    src.contains("://") || src.starts_with("//") || src.starts_with("data:") || src.starts_with("mailto:")
}

/// The source file a local `src` names, relative to the site root: `/x` is `static/x`, anything
/// else is relative to the folder of `from` (a Markdown file, relative to the root). `None`
/// when it climbs out of content/ and static/.
pub fn source_path(from: &Path, src: &str) -> Option<PathBuf> {
    let src = src.split(['?', '#']).next().unwrap_or(src);
    let joined = match src.strip_prefix('/') {
        Some(rooted) => Path::new(crate::load::STATIC_DIR).join(rooted),
        None => from.parent().unwrap_or(Path::new("")).join(src),
    };
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in joined.components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    let path: PathBuf = parts.into_iter().collect();
    let inside = [crate::load::CONTENT_DIR, crate::load::STATIC_DIR].iter().any(|dir| path.starts_with(dir));
    inside.then_some(path)
}

type Slot = Arc<OnceLock<Result<Arc<ImageAsset>, ImageProblem>>>;

/// A place that uses an image: the file, the byte offset in it, and an error located there.
type Use = (PathBuf, usize, Diagnostic);

/// Every image the site uses, each read and checked once however many pages show it. Shared
/// by the threads that render Markdown, in any order.
pub struct ImageCatalog {
    root: PathBuf,
    canonical_root: Option<PathBuf>,
    slots: Mutex<HashMap<PathBuf, Slot>>,
    /// Each source's first use (by file path, then place in the file), whichever thread saw
    /// it first: where an error found later is reported, the same in every build.
    first_uses: Mutex<HashMap<PathBuf, Use>>,
}

impl ImageCatalog {
    pub fn new(root: &Path) -> Self {
        ImageCatalog {
            root: root.to_path_buf(),
            canonical_root: std::fs::canonicalize(root).ok(),
            slots: Mutex::new(HashMap::new()),
            first_uses: Mutex::new(HashMap::new()),
        }
    }

    /// The asset a `src` written in `from` at byte `at` names; `Ok(None)` for a remote image.
    /// `use_at` locates this reference, for errors found later.
    pub fn resolve(
        &self,
        from: &Path,
        src: &str,
        at: usize,
        use_at: impl FnOnce() -> Diagnostic,
    ) -> Result<Option<Arc<ImageAsset>>, ImageProblem> {
        if is_remote(src) {
            return Ok(None);
        }
        let decoded = crate::model::links::percent_decode(src);
        let source = source_path(from, &decoded).ok_or(ImageProblem::LeavesSite)?;
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(slots.entry(source.clone()).or_default())
        };
        let result = slot.get_or_init(|| self.read(&source).map(Arc::new)).clone();
        if result.is_ok() {
            self.note_use(source, from, at, use_at);
        }
        result.map(Some)
    }

    /// Keeps `from` at `at` as the source's first use if it comes before the one known.
    fn note_use(&self, source: PathBuf, from: &Path, at: usize, use_at: impl FnOnce() -> Diagnostic) {
        let mut first_uses = self.first_uses.lock().unwrap_or_else(PoisonError::into_inner);
        let earlier = first_uses.get(&source).is_none_or(|(file, offset, _)| (from, at) < (file.as_path(), *offset));
        if earlier {
            first_uses.insert(source, (from.to_path_buf(), at, use_at()));
        }
    }

    /// Every asset resolved so far, sorted by source path, each with its first use.
    pub fn assets(&self) -> Vec<Arc<ImageAsset>> {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let first_uses = self.first_uses.lock().unwrap_or_else(PoisonError::into_inner);
        let mut assets: Vec<Arc<ImageAsset>> = slots
            .values()
            .filter_map(|slot| slot.get().and_then(|r| r.as_ref().ok()))
            .map(|asset| match first_uses.get(&asset.source) {
                Some((_, _, first)) => Arc::new(ImageAsset { first_use: first.clone(), ..ImageAsset::clone(asset) }),
                None => Arc::clone(asset),
            })
            .collect();
        assets.sort_by(|a, b| a.source.cmp(&b.source));
        assets
    }

    fn read(&self, source: &Path) -> Result<ImageAsset, ImageProblem> {
        let absolute = self.root.join(source);
        let canonical = std::fs::canonicalize(&absolute).map_err(|_| ImageProblem::Missing(source.to_path_buf()))?;
        // A symbolic link may point anywhere inside the site's content/ and static/, never out.
        let inside = |root: &PathBuf| {
            [crate::load::CONTENT_DIR, crate::load::STATIC_DIR]
                .iter()
                .any(|dir| std::fs::canonicalize(root.join(dir)).is_ok_and(|d| canonical.starts_with(d)))
        };
        if self.canonical_root.as_ref().is_some_and(|root| !inside(root)) {
            return Err(ImageProblem::LeavesSite);
        }
        if !canonical.is_file() {
            return Err(ImageProblem::Missing(source.to_path_buf()));
        }
        let bytes = std::fs::read(&canonical).map_err(|e| ImageProblem::Unreadable(e.to_string()))?;
        let format = sniff_format(source, &bytes)?;
        let (width, height) = dimensions(format, &bytes)?;
        if u64::from(width) * u64::from(height) > MAX_PIXELS || width.max(height) > MAX_SIDE {
            return Err(ImageProblem::TooLarge { width, height });
        }
        let key = content_key(&bytes);
        Ok(plan_variants(source, key, format, width, height))
    }
}

/// Hash of the source bytes and the settings: 12 hex digits, enough to tell a site's images
/// apart, short enough for a file name.
pub fn content_key(bytes: &[u8]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(SETTINGS.as_bytes());
    hasher.update(bytes);
    format!("{:012x}", hasher.digest128() >> 80)
}

fn sniff_format(source: &Path, bytes: &[u8]) -> Result<Format, ImageProblem> {
    let extension = source.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if extension == "svg" {
        return Ok(Format::Svg);
    }
    match image::guess_format(bytes) {
        Ok(image::ImageFormat::Png) => Ok(Format::Png),
        Ok(image::ImageFormat::Jpeg) => Ok(Format::Jpeg),
        Ok(image::ImageFormat::WebP) => Ok(Format::Webp),
        Ok(image::ImageFormat::Gif) => Ok(Format::Gif),
        Ok(other) => Err(ImageProblem::Unsupported(format!("{other:?}"))),
        Err(_) if ["png", "jpg", "jpeg", "webp", "gif"].contains(&extension.as_str()) => {
            Err(ImageProblem::Corrupt(format!("it does not start like a .{extension} file")))
        }
        Err(_) => Err(ImageProblem::Unsupported(format!("not an image (a .{extension} file)"))),
    }
}

/// Width and height from the header alone.
fn dimensions(format: Format, bytes: &[u8]) -> Result<(u32, u32), ImageProblem> {
    if format == Format::Svg {
        return svg_dimensions(bytes);
    }
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageProblem::Corrupt(e.to_string()))?
        .into_dimensions()
        .map_err(|e| ImageProblem::Corrupt(e.to_string()))
}

/// An SVG's `width` and `height` (in px or unitless), else its `viewBox`; 0×0 when it
/// states neither (the page then sizes it by CSS alone).
fn svg_dimensions(bytes: &[u8]) -> Result<(u32, u32), ImageProblem> {
    let text = std::str::from_utf8(bytes).map_err(|_| ImageProblem::Corrupt("an SVG must be UTF-8 text".into()))?;
    let start = text.find("<svg").ok_or_else(|| ImageProblem::Corrupt("it has no <svg> element".into()))?;
    let tag = &text[start..start + text[start..].find('>').unwrap_or(text.len() - start)];
    let attribute = |name: &str| {
        let at = tag.find(&format!(" {name}=\"")).or_else(|| tag.find(&format!("\n{name}=\"")))? + name.len() + 3;
        Some(&tag[at..at + tag[at..].find('"')?])
    };
    let number = |value: &str| value.trim().trim_end_matches("px").parse::<f64>().ok().filter(|n| *n > 0.0);
    let size = (attribute("width").and_then(number), attribute("height").and_then(number));
    let (width, height) = match size {
        (Some(w), Some(h)) => (w, h),
        _ => {
            let view_box: Vec<f64> = attribute("viewBox")
                .map(|v| v.split([' ', ',']).filter_map(|n| n.parse().ok()).collect())
                .unwrap_or_default();
            match view_box[..] {
                [_, _, w, h] if w > 0.0 && h > 0.0 => (w, h),
                _ => (0.0, 0.0),
            }
        }
    };
    Ok((width.round() as u32, height.round() as u32))
}

/// The widths to publish for an image `width` px wide: every standard width below it, and
/// the original's own when it is narrower than the widest standard one.
pub fn variant_widths(width: u32) -> Vec<u32> {
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < width).collect();
    if width <= WIDTHS[WIDTHS.len() - 1] {
        widths.push(width);
    }
    widths
}

fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    ((u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width.max(1))).max(1) as u32
}

/// A file-name-safe stem: the source's stem in lowercase ASCII letters, digits and `-`.
fn name_stem(source: &Path) -> String {
    let stem = source.file_stem().map(|s| s.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let mut safe = String::with_capacity(stem.len());
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            safe.push(c);
        } else if !safe.ends_with('-') {
            safe.push('-');
        }
    }
    match safe.trim_matches('-') {
        "" => "image".to_string(),
        trimmed => trimmed.to_string(),
    }
}

fn plan_variants(source: &Path, key: String, format: Format, width: u32, height: u32) -> ImageAsset {
    let stem = name_stem(source);
    let variant = |w: u32, format: Format| Variant {
        file: format!("{stem}-{w}w-{key}.{}", format.extension()),
        width: w,
        height: scaled_height(width, height, w),
        format,
    };
    let (modern, fallback, share) = if format.is_copied_as_is() {
        let copy = Variant { file: format!("{stem}-{key}.{}", format.extension()), width, height, format };
        (Vec::new(), vec![copy], None)
    } else {
        let widths = variant_widths(width);
        let modern = if format == Format::Webp {
            Vec::new()
        } else {
            widths.iter().map(|&w| variant(w, Format::Webp)).collect()
        };
        let fallback = widths.iter().map(|&w| variant(w, format)).collect();
        (modern, fallback, Some(variant(SHARE_WIDTH.min(width), Format::Jpeg)))
    };
    let first_use = Diagnostic::error("E063", "");
    ImageAsset { source: source.to_path_buf(), key, format, width, height, modern, fallback, share, first_use }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_exceed_the_original() {
        assert_eq!(variant_widths(2400), vec![480, 960, 1600]);
        assert_eq!(variant_widths(1600), vec![480, 960, 1600]);
        assert_eq!(variant_widths(1000), vec![480, 960, 1000]);
        assert_eq!(variant_widths(300), vec![300]);
    }

    #[test]
    fn sources_stay_inside_content_and_static() {
        let from = Path::new("content/articles/2017/x.md");
        assert_eq!(source_path(from, "a.png"), Some(PathBuf::from("content/articles/2017/a.png")));
        assert_eq!(source_path(from, "/images/a.png"), Some(PathBuf::from("static/images/a.png")));
        assert_eq!(source_path(from, "../../../static/a.png"), Some(PathBuf::from("static/a.png")));
        assert_eq!(source_path(from, "../../../../etc/passwd"), None);
        assert_eq!(source_path(from, "../../../site.toml"), None);
        assert_eq!(source_path(from, "/../site.toml"), None);
    }

    #[test]
    fn svg_sizes_come_from_attributes_or_the_view_box() {
        assert_eq!(svg_dimensions(b"<svg width=\"120\" height=\"40px\">").unwrap(), (120, 40));
        assert_eq!(svg_dimensions(b"<svg xmlns=\"x\" viewBox=\"0 0 300 150\">").unwrap(), (300, 150));
        assert_eq!(svg_dimensions(b"<svg>").unwrap(), (0, 0));
        assert!(svg_dimensions(b"not svg").is_err());
    }
}
