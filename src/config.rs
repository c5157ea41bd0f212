//! Stage 1, config: `site.toml` and the command-line options → `Config`.
//!
//! The raw struct mirrors the file (unknown keys are errors); `Config` is what the rest of the
//! pipeline sees: a normalized base URL, the build clock, and the draft/future switches.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::toml_input::{self, Fragment};

mod deploy;
pub use deploy::{CacheRule, DeployTarget};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: toml::Spanned<String>,
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
    /// Where `gazette deploy` publishes to (`src/config/deploy.rs`).
    #[serde(default)]
    deploy: deploy::RawDeploy,
    /// Newsroom settings: see `NewsSettings`.
    #[serde(default)]
    news_publication_name: Option<String>,
    #[serde(default)]
    publisher_logo: Option<toml::Spanned<String>>,
    #[serde(default)]
    twitter_site: Option<toml::Spanned<String>>,
    #[serde(default)]
    share_image: Option<toml::Spanned<RawShareImage>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShareImage {
    src: String,
    alt: String,
    #[serde(default)]
    width: Option<u32>,
    #[serde(default)]
    height: Option<u32>,
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
    /// Replace the output folder even if it holds files that gazette did not write (`--force`).
    pub force: bool,
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
    /// Where processed images are kept between builds: `.gazette-cache/images/` inside the
    /// output folder (safe to delete). A build points it at its staging folder's (see
    /// `write`), `serve` elsewhere when the output is not gazette's.
    pub image_cache: PathBuf,
    /// The `[deploy.NAME]` targets, by name.
    pub deploy: Vec<DeployTarget>,
    pub news: NewsSettings,
}

/// What news platforms read of the site: structured data, social cards, the news sitemap.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct NewsSettings {
    /// `<news:name>` of the news sitemap: `news_publication_name`, else the title.
    pub publication_name: String,
    /// The publisher's logo in JSON-LD: a path below the output root (`images/logo.png`) or
    /// an absolute URL.
    pub publisher_logo: Option<String>,
    /// `twitter:site`, with its `@`.
    pub twitter_site: Option<String>,
    /// The `og:image` of pages without an image of their own.
    pub share_image: Option<ShareImage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShareImage {
    /// A path below the output root, or an absolute URL.
    pub src: String,
    pub alt: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

pub const CONFIG_FILE: &str = "site.toml";

/// Whether this build of gazette has search (the cargo feature `search`).
pub const SEARCH_ENABLED: bool = cfg!(feature = "search");
impl Config {
    /// Whether an article of `date` belongs in the Google News sitemap: published in the two
    /// days before the build clock (Google's rule), and not after it.
    pub fn in_news_window(&self, date: DateTime<FixedOffset>) -> bool {
        date <= self.now && self.now - date <= chrono::TimeDelta::days(2)
    }
}

/// Reads and checks `site.toml` under `options.root`.
pub fn load(options: &BuildOptions) -> Result<Config, Diagnostic> {
    let file = Path::new(CONFIG_FILE);
    let path = options.root.join(file);
    let bytes = std::fs::read(&path).map_err(|error| {
        Diagnostic::error("E001", format!("cannot read {CONFIG_FILE}: {error}"))
            .in_file(file)
            .hint(format!("run gazette in a site folder (one with {CONFIG_FILE}), pass --root DIR, or create one with `gazette init DIR`"))
    })?;
    let text = String::from_utf8(bytes).map_err(|error| not_utf8(file, error.as_bytes(), error.utf8_error()))?;
    let fragment = Fragment { file, file_text: &text, offset: 0, header_offset: 0 };
    deploy::credential_in_file(&fragment)?;
    let raw: RawConfig = toml_input::parse(&fragment, text.len())?;
    let news = news_settings(&fragment, &options.root, &raw)?;
    let deploy = raw.deploy.resolve(&fragment)?;

    let (base_url, base_path) = base_url(options, &fragment, &raw.base_url)?;
    if raw.title.get_ref().trim().is_empty() {
        return Err(fragment.error_at("E027", "the site's title is empty", raw.title.span()).field("title").hint(
            "write the site's name, e.g. `title = \"Northeast Investment Gazette\"`: it heads every page and feed",
        ));
    }
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
    let image_cache = cache_folder(&output, IMAGE_CACHE);
    Ok(Config {
        root: options.root.clone(),
        output,
        title: raw.title.into_inner().trim().to_string(),
        base_url,
        base_path,
        language: raw.language.into_inner(),
        description: raw.description,
        paginate_by: raw.paginate_by.into_inner(),
        feed_limit: raw.feed_limit.into_inner(),
        drafts: options.drafts,
        future: options.future,
        search: SEARCH_ENABLED && !options.no_search,
        deals: !options.no_deals,
        now: options.clock.unwrap_or_else(|| chrono::Local::now().fixed_offset()),
        image_cache,
        deploy,
        news,
    })
}

/// Checks the newsroom settings: images are files below `static/` (written `/logo.png`) or
/// absolute URLs; the Twitter handle is `@name`.
fn news_settings(fragment: &Fragment, root: &Path, raw: &RawConfig) -> Result<NewsSettings, Diagnostic> {
    let asset = |value: &str, span: std::ops::Range<usize>, field: &str| -> Result<String, Diagnostic> {
        if value.starts_with("https://") || value.starts_with("http://") {
            return Ok(value.to_string());
        }
        let relative = value.trim_start_matches('/');
        let is_file = value.starts_with('/')
            && !relative.split('/').any(|s| s == ".." || s.is_empty())
            && root.join("static").join(relative).is_file();
        if is_file {
            return Ok(relative.to_string());
        }
        Err(fragment
            .error_at("E041", format!("`{field}` names {value:?}, which is not a file below static/"), span)
            .field(field)
            .hint("write the file's path below static/ starting with `/` (\"/images/logo.png\"), or an absolute https:// URL"))
    };
    let publisher_logo = match &raw.publisher_logo {
        Some(logo) => Some(asset(logo.get_ref(), logo.span(), "publisher_logo")?),
        None => None,
    };
    let share_image = match &raw.share_image {
        Some(image) => {
            let (span, image) = (image.span(), image.get_ref());
            if image.alt.trim().is_empty() {
                return Err(fragment
                    .error_at("E041", "`share_image` has an empty `alt`", span)
                    .field("share_image.alt")
                    .hint("describe the image for readers who cannot see it"));
            }
            let src = asset(&image.src, span, "share_image.src")?;
            Some(ShareImage { src, alt: image.alt.clone(), width: image.width, height: image.height })
        }
        None => None,
    };
    let twitter_site = match &raw.twitter_site {
        Some(handle) => {
            let name = handle.get_ref().trim().trim_start_matches('@');
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(fragment
                    .error_at("E041", format!("`{}` is not a Twitter (X) handle", handle.get_ref()), handle.span())
                    .field("twitter_site")
                    .hint("write the account's handle, such as \"@gazette\": letters, digits and `_`"));
            }
            Some(format!("@{name}"))
        }
        None => None,
    };
    let publication_name = raw.news_publication_name.clone().unwrap_or_else(|| raw.title.get_ref().trim().to_string());
    Ok(NewsSettings { publication_name, publisher_logo, twitter_site, share_image })
}

/// `--base-url` or `base_url`, checked and normalized: (the URL, its path).
fn base_url(
    options: &BuildOptions,
    fragment: &Fragment,
    written: &toml::Spanned<String>,
) -> Result<(String, String), Diagnostic> {
    let url_source = options.base_url.as_deref().unwrap_or(written.get_ref());
    let url_problem = |code: &'static str, message: String| match &options.base_url {
        Some(_) => Diagnostic::error(code, message).field("--base-url"),
        None => fragment.error_at(code, message, written.span()).field("base_url"),
    };
    normalize_base_url(url_source).map_err(|problem| match problem {
        UrlProblem::Shape(m) => url_problem("E015", m)
            .hint("write an absolute URL such as `https://invest.example.com/` or `https://example.org/sub/`"),
        UrlProblem::Port(m) => url_problem("E025", m).hint("a port is a number from 1 to 65535, e.g. `https://example.org:8443/`; most sites need none"),
        UrlProblem::Credentials(m) => url_problem("E026", m).hint(
            "remove `user:password@`: the base URL is published in every link and feed id; give a server's credentials to the tool that uploads the site",
        ),
    })
}

/// The folder of caches inside the output, one subfolder each (`images`, `search`): not
/// part of the site (see `write`).
pub const CACHE_DIR: &str = ".gazette-cache";

/// The image cache's folder in `CACHE_DIR`.
pub const IMAGE_CACHE: &str = "images";

/// `CACHE_DIR/name` inside `output`.
pub fn cache_folder(output: &Path, name: &str) -> PathBuf {
    output.join(CACHE_DIR).join(name)
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

/// Why a base URL was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum UrlProblem {
    /// Not an absolute http(s) URL of scheme, host and path (E015).
    Shape(String),
    /// A port that is not a number from 1 to 65535 (E025).
    Port(String),
    /// `user:password@` before the host (E026).
    Credentials(String),
}

impl std::fmt::Display for UrlProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlProblem::Shape(m) | UrlProblem::Port(m) | UrlProblem::Credentials(m) => f.write_str(m),
        }
    }
}

/// `https://example.org/sub` → (`https://example.org/sub/`, `/sub/`).
pub fn normalize_base_url(url: &str) -> Result<(String, String), UrlProblem> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(UrlProblem::Shape(format!("`{url}` is not an absolute URL")));
    };
    if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.starts_with('/') {
        return Err(UrlProblem::Shape(format!("`{url}` is not an http(s) URL with a host")));
    }
    if url.contains(['?', '#', ' ', '"', '<', '>', '\\']) || url.chars().any(char::is_control) {
        return Err(UrlProblem::Shape(format!(
            "`{url}` has a query, fragment, space or backslash; a base URL is only scheme, host and path"
        )));
    }
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let path = format!("{}/", path.trim_end_matches('/'));
    let authority = rest.split('/').next().unwrap_or(rest);
    if authority.contains('@') {
        return Err(UrlProblem::Credentials(format!("`{url}` carries credentials (`user:password@`) before the host")));
    }
    check_port(url, authority)?;
    Ok((format!("{scheme}://{authority}{path}"), path))
}

/// The port after the host (or after an IPv6 literal's `]`), if any, must be 1–65535.
fn check_port(url: &str, authority: &str) -> Result<(), UrlProblem> {
    let after_host = match authority.rfind(']') {
        Some(end) => &authority[end + 1..],
        None => authority,
    };
    let host = &authority[..authority.len() - after_host.len()];
    let Some((name, port)) = after_host.rsplit_once(':') else { return Ok(()) };
    if host.is_empty() && name.is_empty() {
        return Err(UrlProblem::Shape(format!("`{url}` has no host before its port")));
    }
    match port.parse::<u16>() {
        Ok(n) if n > 0 && port.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        _ if port.is_empty() => Ok(()),
        _ => Err(UrlProblem::Port(format!("`{url}` has the port `{port}`, which is not a number from 1 to 65535"))),
    }
}

/// The encoding error of a `site.toml` that is not UTF-8, at the line of its first bad byte.
fn not_utf8(file: &Path, bytes: &[u8], error: std::str::Utf8Error) -> Diagnostic {
    let good = String::from_utf8_lossy(&bytes[..error.valid_up_to()]);
    let line = good.matches('\n').count() + 1;
    let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let mut diagnostic = Diagnostic::error(
        "E028",
        format!("{CONFIG_FILE} is not UTF-8 text: byte {} is not valid UTF-8", error.valid_up_to() + 1),
    )
    .in_file(file)
    .hint("save the file as UTF-8 (most editors have \"Save with encoding\"); gazette reads settings only as UTF-8");
    diagnostic.line = line;
    diagnostic.column = column;
    diagnostic.width = 1;
    diagnostic.source_line = Some(String::from_utf8_lossy(line_bytes(bytes, line)).trim_end().to_string());
    diagnostic
}

/// The bytes of 1-based `line`.
fn line_bytes(bytes: &[u8], line: usize) -> &[u8] {
    bytes.split(|&b| b == b'\n').nth(line - 1).unwrap_or_default()
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
        assert!(normalize_base_url("https://a.org:8443/").is_ok());
        assert!(normalize_base_url("http://[::1]:1111/").is_ok());
    }

    #[test]
    fn base_urls_with_a_port_above_65535_or_credentials_are_refused() {
        assert!(matches!(normalize_base_url("https://a.org:65536/"), Err(UrlProblem::Port(_))));
        assert!(matches!(normalize_base_url("https://a.org:0/"), Err(UrlProblem::Port(_))));
        assert!(matches!(normalize_base_url("https://a.org:https/"), Err(UrlProblem::Port(_))));
        assert!(matches!(normalize_base_url("https://user:pw@a.org/"), Err(UrlProblem::Credentials(_))));
        assert!(matches!(normalize_base_url("https://user@a.org/"), Err(UrlProblem::Credentials(_))));
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
