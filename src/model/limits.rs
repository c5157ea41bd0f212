//! Bounds on what one value of the content can make the site do, and the shape of values that
//! become links or file names. Every content field that carries a URL, a name that becomes a
//! file, or a list that becomes pages is checked by these functions, so that `check` and
//! `build` (and `serve`) report the same problems with file, line and field.
//!
//! - `check_link_url`: front-matter URLs accept `http` and `https` only (plus relative URLs
//!   where a field documents them), so that `javascript:` can never become a live link (E079).
//! - `check_file_name`: a slug becomes a folder name, which file systems limit to 255 bytes
//!   (E078).
//! - `check_count`: at most `MAX_TAGS` tags, `MAX_ENTITIES` entities and `MAX_AUTHORS` bylines
//!   per article: each one makes pages and feeds, so an unbounded list makes the output grow
//!   without bound (E077); cards and feed entries show `TERMS_PER_ENTRY` tags, entities and
//!   bylines.
//! - `normalize_name`: names, aliases, tags and slugs are compared in Unicode NFC, so that a
//!   precomposed and a combining accent name the same thing; a name that was not NFC is
//!   reported (W140), since it looks like another name while being another string.

use std::borrow::Cow;

use toml::Spanned;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::diagnostics::Diagnostic;
use crate::toml_input::Fragment;

/// The most tags one article may have.
pub const MAX_TAGS: usize = 50;
/// The most entities one article may list.
pub const MAX_ENTITIES: usize = 100;
/// The most bylines one article may have. Each byline makes an author page and feed that
/// list the article, with all its bylines: without a bound, N bylines write N² of them.
pub const MAX_AUTHORS: usize = 20;
/// How many of an article's tags (and, apart, entities and bylines) a card or a feed entry
/// shows: both are repeated on the page and in the feed of every term and byline, so they
/// must not grow with them.
/// (`partials/card.html` writes the same number.)
pub const TERMS_PER_ENTRY: usize = 8;
/// The longest file name most file systems accept (ext4, APFS, NTFS: 255 bytes or units).
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// Which URLs a field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRule {
    /// `http://host/...` or `https://host/...` only.
    Absolute,
    /// Those, or a relative URL (`../x`, `/x`, `x.html#y`) without a scheme.
    AbsoluteOrRelative,
}

/// Checks a URL written in the front matter against `rule`; the error names `field`.
pub fn check_link_url(
    fragment: &Fragment,
    url: &Spanned<String>,
    field: &str,
    rule: UrlRule,
) -> Result<(), Diagnostic> {
    let problem = url_problem(url.get_ref(), rule);
    match problem {
        None => Ok(()),
        Some(problem) => {
            Err(fragment.error_at("E079", format!("`{field}` {problem}"), url.span()).field(field).hint(match rule {
                UrlRule::Absolute => "write a web address that starts with https:// (or http://)",
                UrlRule::AbsoluteOrRelative => {
                    "write a web address that starts with https:// (or http://), or a relative one such as /about/"
                }
            }))
        }
    }
}

/// Why `url` breaks `rule`, if it does. Browsers drop tabs and line breaks anywhere in a URL
/// and spaces around it, so `java\tscript:` is read as they read it.
pub fn url_problem(url: &str, rule: UrlRule) -> Option<String> {
    let cleaned: String = url.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let cleaned = cleaned.trim_matches(|c: char| c <= ' ');
    if cleaned.is_empty() {
        return Some("is empty".into());
    }
    match scheme_of(cleaned) {
        Some(scheme) if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") => {
            let rest = &cleaned[scheme.len() + 1..];
            let host = rest.strip_prefix("//").map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
            match host {
                Some(host) if !host.is_empty() => None,
                _ => Some(format!("{url:?} has no host after `{scheme}://`")),
            }
        }
        Some(scheme) => Some(format!("{url:?} uses the scheme `{scheme}:`; only http and https links are allowed")),
        None if rule == UrlRule::Absolute => Some(format!("{url:?} is not an absolute http(s) URL")),
        None if cleaned.starts_with("//") || cleaned.starts_with("\\\\") || cleaned.starts_with("/\\") => {
            Some(format!("{url:?} leads to another host without saying http or https"))
        }
        None => None,
    }
}

/// The scheme of a URL (`javascript` of `javascript:x`), as browsers find it: letters, then
/// letters, digits, `+`, `-` or `.`, before the first `:` that comes before any `/`, `?`, `#`.
fn scheme_of(url: &str) -> Option<&str> {
    let end = url.find(':')?;
    let scheme = &url[..end];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .then_some(scheme)
}

/// Checks that `slug` fits in a file name; `what` says whose slug it is ("the tag ...").
pub fn check_file_name(
    fragment: &Fragment,
    span: std::ops::Range<usize>,
    slug: &str,
    field: &str,
    what: &str,
) -> Result<(), Diagnostic> {
    if slug.len() <= MAX_FILE_NAME_BYTES {
        return Ok(());
    }
    Err(fragment
        .error_at(
            "E078",
            format!(
                "{what} is too long: its URL slug is {} bytes, and a file name may have at most {MAX_FILE_NAME_BYTES}",
                slug.len()
            ),
            span,
        )
        .field(field)
        .hint("shorten it (a name of a few words), or give the article a shorter `slug`"))
}

/// Checks that a list field has at most `max` entries; the error points at the first one
/// beyond.
pub fn check_count(fragment: &Fragment, items: &[Spanned<String>], max: usize, field: &str) -> Result<(), Diagnostic> {
    let Some(first_beyond) = items.get(max) else { return Ok(()) };
    Err(fragment
        .error_at(
            "E077",
            format!("the article has {} {field}; at most {max} are allowed", items.len()),
            first_beyond.span(),
        )
        .field(field)
        .hint(format!(
            "keep the {max} that matter most: each entry makes pages and feeds of its own, and lists repeat them"
        )))
}

/// `name` in Unicode NFC (borrowed when it already is).
pub fn nfc(name: &str) -> Cow<'_, str> {
    match is_nfc_quick(name.chars()) {
        IsNormalized::Yes => Cow::Borrowed(name),
        _ => {
            let normal: String = name.nfc().collect();
            if normal == name { Cow::Borrowed(name) } else { Cow::Owned(normal) }
        }
    }
}

/// `name` in NFC, and the warning (W140) to give when it was not: it looks the same as its
/// NFC form but is another string, which used to make a second, look-alike page.
pub fn normalize_name(fragment: &Fragment, name: &Spanned<String>, field: &str) -> (String, Option<Diagnostic>) {
    match nfc(name.get_ref()) {
        Cow::Borrowed(same) => (same.to_string(), None),
        Cow::Owned(normal) => {
            let warning = fragment
                .error_at(
                    "W140",
                    format!(
                        "{:?} is written with combining characters (not Unicode NFC); it is read as {normal:?}",
                        name.get_ref()
                    ),
                    name.span(),
                )
                .field(field)
                .hint("retype it, or save the file in NFC: it looks like the same name but is a different string");
            (normal, Some(Diagnostic { severity: crate::diagnostics::Severity::Warning, ..warning }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_links_pass() {
        for good in ["https://example.org/story", "HTTP://example.org", "http://a.b/c?d#e"] {
            assert_eq!(url_problem(good, UrlRule::Absolute), None, "{good}");
        }
        for bad in [
            "javascript:alert(3)",
            " JavaScript:alert(3)",
            "java\tscript:alert(3)",
            "data:text/html,<script>",
            "vbscript:x",
            "https:",
            "https:///x",
            "example.org/story",
            "",
        ] {
            assert!(url_problem(bad, UrlRule::Absolute).is_some(), "{bad:?}");
        }
        assert_eq!(url_problem("/about/", UrlRule::AbsoluteOrRelative), None);
        assert_eq!(url_problem("../x.html#y", UrlRule::AbsoluteOrRelative), None);
        assert!(url_problem("//evil.example/", UrlRule::AbsoluteOrRelative).is_some());
        assert!(url_problem("javascript:x", UrlRule::AbsoluteOrRelative).is_some());
    }

    #[test]
    fn names_are_compared_in_nfc() {
        assert_eq!(nfc("Caf\u{e9}"), "Caf\u{e9}");
        assert_eq!(nfc("Cafe\u{301}"), "Caf\u{e9}");
    }
}
