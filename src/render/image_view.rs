//! The `image` object of templates: a lead image, logo or portrait, ready to show.
//!
//! `url`, `width`, `height`, `alt`, `caption`, `credit`, `type`; `srcset` (fallback format)
//! and `webp_srcset` with `sizes`; `variants` (every file: url, width, height, type); `share`
//! (the 1200-px JPEG for `og:image` and JSON-LD: url, width, height, type); and ready-made
//! HTML: `html` (lazy), `html_eager` (for the page's lead image), `thumbnail_html` (for cards).

use tera::Value;

use super::views::map;
use crate::model::images::{ImageUse, SIZES, Variant};
use crate::model::picture::{self, Loading};
use crate::urls::Urls;

/// `sizes` of a card's thumbnail (the theme shows it 9rem wide).
pub const THUMBNAIL_SIZES: &str = "9rem";

fn variant_value(variant: &Variant, urls: &Urls) -> Value {
    map([
        ("url", Value::from(urls.of(&variant.path()))),
        ("width", Value::from(variant.width)),
        ("height", Value::from(variant.height)),
        ("type", Value::from(variant.format.mime())),
    ])
}

/// The template value of an image; `none` stays `none`.
pub fn image_value(image: Option<&ImageUse>, urls: &Urls) -> Value {
    let Some(image) = image else { return Value::none() };
    let text = |t: &Option<String>| t.as_deref().map_or_else(Value::none, Value::from);
    let common = [
        ("src", Value::from(image.src.as_str())),
        ("alt", Value::from(image.alt.as_str())),
        ("caption", text(&image.caption)),
        ("credit", text(&image.credit)),
    ];
    let Some(asset) = &image.asset else {
        // A remote image is shown as it is, at the size the browser finds.
        let escaped = picture::escape_attribute(&image.src);
        let alt = picture::escape_attribute(&image.alt);
        let html = |lazy: &str| format!("<img src=\"{escaped}\" alt=\"{alt}\"{lazy} decoding=\"async\">");
        let share =
            map([("url", Value::from(image.src.as_str())), ("width", Value::none()), ("height", Value::none())]);
        return map(common.into_iter().chain([
            ("url", Value::from(image.src.as_str())),
            ("remote", Value::from(true)),
            ("share", share),
            ("html", Value::from(html(" loading=\"lazy\""))),
            ("html_eager", Value::from(html(""))),
            ("thumbnail_html", Value::from(html(" loading=\"lazy\""))),
        ]));
    };
    let default = asset.default_variant();
    let widest = asset.fallback.last();
    let html = |loading, sizes| Value::from(picture::picture_html(asset, &image.alt, None, urls, loading, sizes));
    map(common.into_iter().chain([
        ("url", default.map_or_else(Value::none, |v| Value::from(urls.of(&v.path())))),
        ("remote", Value::from(false)),
        ("width", Value::from(widest.map_or(0, |v| v.width))),
        ("height", Value::from(widest.map_or(0, |v| v.height))),
        ("type", Value::from(asset.format.mime())),
        ("srcset", Value::from(picture::srcset(&asset.fallback, urls))),
        ("webp_srcset", Value::from(picture::srcset(&asset.modern, urls))),
        ("sizes", Value::from(SIZES)),
        ("variants", Value::from(asset.variants().into_iter().map(|v| variant_value(v, urls)).collect::<Vec<_>>())),
        ("share", asset.share.as_ref().map_or_else(Value::none, |v| variant_value(v, urls))),
        ("html", html(Loading::Lazy, SIZES)),
        ("html_eager", html(Loading::Eager, SIZES)),
        ("thumbnail_html", html(Loading::Lazy, THUMBNAIL_SIZES)),
    ]))
}
