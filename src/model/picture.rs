//! The HTML of a published image: `<picture>` with a WebP `srcset`, a fallback `<img>` in the
//! original format, `sizes`, `width` and `height` (so the page does not jump while it loads),
//! `loading="lazy"` unless the image is the page's lead and `decoding="async"`.
//!
//! One function writes it for Markdown images (in the model, while the body renders) and for
//! templates (the `image.html` of the `image` object), so both look alike.

use crate::model::images::{ImageAsset, Variant};
use crate::urls::Urls;

/// How the image is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    /// The page's lead image: fetched at once.
    Eager,
    Lazy,
}

/// `url 480w, url 960w`.
pub fn srcset(variants: &[Variant], urls: &Urls) -> String {
    variants.iter().map(|v| format!("{} {}w", urls.of(&v.path()), v.width)).collect::<Vec<_>>().join(", ")
}

/// The `<picture>` (or a plain `<img>` for SVG and GIF) of `asset`.
pub fn picture_html(
    asset: &ImageAsset,
    alt: &str,
    title: Option<&str>,
    urls: &Urls,
    loading: Loading,
    sizes: &str,
) -> String {
    let Some(default) = asset.default_variant() else { return String::new() };
    let widest = asset.fallback.last().unwrap_or(default);
    let mut img = format!("<img src=\"{}\"", escape_attribute(&urls.of(&default.path())));
    if !asset.format.is_copied_as_is() {
        img.push_str(&format!(" srcset=\"{}\" sizes=\"{sizes}\"", escape_attribute(&srcset(&asset.fallback, urls))));
    }
    if widest.width > 0 && widest.height > 0 {
        img.push_str(&format!(" width=\"{}\" height=\"{}\"", widest.width, widest.height));
    }
    img.push_str(&format!(" alt=\"{}\"", escape_attribute(alt)));
    if let Some(title) = title.filter(|t| !t.is_empty()) {
        img.push_str(&format!(" title=\"{}\"", escape_attribute(title)));
    }
    if loading == Loading::Lazy {
        img.push_str(" loading=\"lazy\"");
    }
    img.push_str(" decoding=\"async\">");
    if asset.modern.is_empty() {
        return img;
    }
    format!(
        "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\">{img}</picture>",
        escape_attribute(&srcset(&asset.modern, urls))
    )
}

/// Escapes text for a double-quoted HTML attribute (and for element text).
pub fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
