//! Stage 1, config: `site.toml` and the command-line options → `Config`.
//!
//! The raw struct mirrors the file (unknown keys are errors); `Config` is what the rest of the
//! pipeline sees: a normalized base URL, the build clock, and the draft/future switches.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::toml_input::{self, Fragment};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: toml::Spanned<String>,
    #[serde(default = "default_language")]
    language: toml::Spanned<String>,
    #[serde(default)]
    description: String,
    /// `page_size` is accepted too: it is what the benchmark corpus generator writes.
    #[serde(default = "default_page_size", alias = "page_size")]
    paginate_by: toml::Spanned<usize>,
    #[serde(default = "default_feed_limit")]
    feed_limit: toml::Spanned<usize>,
}

fn default_language() -> toml::Spanned<String> {
    toml::Spanned::new(0..0, "en".into())
}
fn default_page_size() -> toml::Spanned<usize> {
    toml::Spanned::new(0..0, 20)
}
fn default_feed_limit() -> toml::Spanned<usize> {
    toml::Spanned::new(0..0, 20)
}

/// How a build was asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub future: bool,
    /// "Now" for scheduled articles and the news sitemap; the real time when `None`.
    pub clock: Option<DateTime<FixedOffset>>,
    /// Show a progress bar on stderr while pages are written (the command line sets it when
    /// stderr is a terminal).
    pub progress: bool,
    /// Leave the search page and index out of this build (`--no-search`).
    pub no_search: bool,
    /// Leave the deal pages, deal data and roll-ups out of this build (`--no-deals`).
    pub no_deals: bool,
}

/// The resolved site settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub output: PathBuf,
    pub title: String,
    /// Always ends with `/`, e.g. `https://invest.example.com/sub/`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending with `/`.
    pub base_path: String,
    pub language: String,
    pub description: String,
    pub paginate_by: usize,
    pub feed_limit: usize,
    pub drafts: bool,
    pub future: bool,
    /// Whether this build has `/search/` and its index: the `search` feature, unless
    /// `--no-search`.
    pub search: bool,
    /// Whether this build has `/deals/`, its facets and data, and the roll-ups of deals and
    /// articles up the `parent` tree: unless `--no-deals`.
    pub deals: bool,
    pub now: DateTime<FixedOffset>,
}

pub const CONFIG_FILE: &str = "site.toml";

/// Reads and checks `site.toml` under `options.root`.
pub fn load(options: &BuildOptions) -> Result<Config, Diagnostic> {
    let file = Path::new(CONFIG_FILE);
    let path = options.root.join(file);
    let text = std::fs::read_to_string(&path).map_err(|error| {
        Diagnostic::error("E001", format!("cannot read {CONFIG_FILE}: {error}"))
            .in_file(file)
            .hint(format!("run gazette in a site folder (one with {CONFIG_FILE}), pass --root DIR, or create one with `gazette init DIR`"))
    })?;
    let fragment = Fragment { file, file_text: &text, offset: 0, header_offset: 0 };
    let raw: RawConfig = toml_input::parse(&fragment, text.len())?;

    let url_source = options.base_url.as_deref().unwrap_or(raw.base_url.get_ref());
    let url_problem = |message: String| match &options.base_url {
        Some(_) => Diagnostic::error("E015", message).field("--base-url"),
        None => fragment.error_at("E015", message, raw.base_url.span()).field("base_url"),
    };
    let (base_url, base_path) = normalize_base_url(url_source).map_err(|m| {
        url_problem(m).hint("write an absolute URL such as `https://invest.example.com/` or `https://example.org/sub/`")
    })?;
    for (value, field) in [(&raw.paginate_by, "paginate_by"), (&raw.feed_limit, "feed_limit")] {
        if *value.get_ref() == 0 {
            return Err(fragment
                .error_at("E014", format!("`{field}` must be at least 1"), value.span())
                .field(field)
                .hint("use a whole number such as 20"));
        }
    }
    if !is_language_tag(raw.language.get_ref()) {
        return Err(fragment
            .error_at("E017", format!("`{}` is not a language tag", raw.language.get_ref()), raw.language.span())
            .field("language")
            .hint("write a BCP 47 tag such as \"en\", \"zh-Hans\" or \"ja\": pages carry it as <html lang>, feeds as xml:lang"));
    }
    let output = options.output.clone().unwrap_or_else(|| options.root.join("public"));
    Ok(Config {
        root: options.root.clone(),
        output,
        title: raw.title,
        base_url,
        base_path,
        language: raw.language.into_inner(),
        description: raw.description,
        paginate_by: raw.paginate_by.into_inner(),
        feed_limit: raw.feed_limit.into_inner(),
        drafts: options.drafts,
        future: options.future,
        search: crate::search::ENABLED && !options.no_search,
        deals: !options.no_deals,
        now: options.clock.unwrap_or_else(|| chrono::Local::now().fixed_offset()),
    })
}

/// The shape of a BCP 47 tag: an ISO 639 language of 2–3 letters, then subtags of 1–8 letters
/// or digits (script, region, variant), joined by `-`. Screen readers pick their voice from it,
/// so an empty or misspelt one (`english`, `en_US`) must not reach `<html lang>`.
pub fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or("");
    matches!(primary.len(), 2 | 3)
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && subtags.all(|s| (1..=8).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `https://example.org/sub` → (`https://example.org/sub/`, `/sub/`).
pub fn normalize_base_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!("`{url}` is not an absolute URL"));
    };
    if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.starts_with('/') {
        return Err(format!("`{url}` is not an http(s) URL with a host"));
    }
    if url.contains(['?', '#', ' ', '"', '<', '>']) {
        return Err(format!("`{url}` has a query, fragment or space; a base URL is only scheme, host and path"));
    }
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let path = format!("{}/", path.trim_end_matches('/'));
    let host = rest.split('/').next().unwrap_or(rest);
    Ok((format!("{scheme}://{host}{path}"), path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalized() {
        assert_eq!(normalize_base_url("https://a.org").unwrap(), ("https://a.org/".into(), "/".into()));
        assert_eq!(normalize_base_url("https://a.org/sub").unwrap(), ("https://a.org/sub/".into(), "/sub/".into()));
        assert_eq!(normalize_base_url("http://a.org/x/y/").unwrap(), ("http://a.org/x/y/".into(), "/x/y/".into()));
        assert!(normalize_base_url("a.org").is_err());
        assert!(normalize_base_url("ftp://a.org").is_err());
    }

    #[test]
    fn language_tags_have_the_bcp_47_shape() {
        for good in ["en", "zh", "zh-Hans", "zh-Hans-CN", "en-US", "de-CH-1996", "yue"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in ["", "e", "en_US", "en-", "english", "English", "zh--CN", "en US", "12"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
