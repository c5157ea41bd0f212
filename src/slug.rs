//! Names, slugs and URL path segments.
//!
//! A slug keeps the letters and digits of every script, lowercased; every other run of
//! characters becomes one `-`. No transliteration: `辽宁` stays `辽宁` and is percent-encoded
//! only where it appears in a URL.

/// A name as gazette compares and shows it: runs of whitespace as one space, none at the ends.
/// The one copy of this rule: tags, entity names, titles and summaries all go through it.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `"Dalian Financial & Industrial"` → `"dalian-financial-industrial"`; `"辽宁省"` → `"辽宁省"`.
/// The slug is in Unicode NFC, so that `é` typed precomposed or as `e` + combining accent
/// gives one slug, one page.
pub fn slugify(text: &str) -> String {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    let slug = slugify_as_written(text);
    match is_nfc_quick(slug.chars()) {
        IsNormalized::Yes => slug,
        _ => slug.nfc().collect(),
    }
}

fn slugify_as_written(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(ch.to_lowercase());
        } else if is_combining_mark(ch) && !slug.is_empty() && !pending_dash {
            // Keep accents written as combining marks with the letter they belong to.
            slug.push(ch);
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// Combining diacritical marks (the common blocks): part of a letter, not a separator.
fn is_combining_mark(ch: char) -> bool {
    matches!(ch, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Why an editor-given slug cannot be used as it is.
#[derive(Debug, PartialEq, Eq)]
pub enum SlugProblem {
    Empty,
    LeavesFolder,
    NotNormal { suggestion: String },
}

/// Checks a slug written in front matter: it must already be in slug form, so that what the
/// editor wrote is exactly the URL they get.
pub fn check_explicit_slug(slug: &str) -> Result<(), SlugProblem> {
    if slug.contains(['/', '\\']) || slug.contains("..") || slug.starts_with('.') {
        return Err(SlugProblem::LeavesFolder);
    }
    let normal = slugify(slug);
    if normal.is_empty() {
        return Err(SlugProblem::Empty);
    }
    if normal != slug {
        return Err(SlugProblem::NotNormal { suggestion: normal });
    }
    Ok(())
}

/// Percent-encodes a slug for use in a URL path (UTF-8 bytes outside the unreserved set).
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_letters_of_every_script() {
        assert_eq!(slugify("辽宁省"), "辽宁省");
        assert_eq!(slugify("オリックス 株式会社"), "オリックス-株式会社");
        assert_eq!(slugify("Liaoning 辽宁"), "liaoning-辽宁");
    }

    #[test]
    fn accents_are_kept_and_lowercased() {
        assert_eq!(slugify("Iñaki Lefèvre"), "iñaki-lefèvre");
        assert_eq!(slugify("SÃO PAULO"), "são-paulo");
        // "e" followed by a combining accent stays one letter, and is composed (NFC), so that
        // both spellings give one slug.
        assert_eq!(slugify("Lefe\u{300}vre"), "lef\u{e8}vre");
        assert_eq!(slugify("Lefe\u{300}vre"), slugify("Lef\u{e8}vre"));
    }

    #[test]
    fn punctuation_runs_become_one_dash() {
        assert_eq!(slugify("Dalian Financial & Industrial Investment"), "dalian-financial-industrial-investment");
        assert_eq!(slugify("Fiat S.p.A."), "fiat-s-p-a");
        assert_eq!(slugify("Lefèvre Wind A/S"), "lefèvre-wind-a-s");
        assert_eq!(slugify("Xi'an"), "xi-an");
        assert_eq!(slugify("  --Orix (China)--  "), "orix-china");
    }

    #[test]
    fn only_punctuation_gives_empty() {
        assert_eq!(slugify("&&/.'"), "");
    }

    #[test]
    fn explicit_slugs_are_checked() {
        assert_eq!(check_explicit_slug("liaoning-orix"), Ok(()));
        assert_eq!(check_explicit_slug("辽宁-orix"), Ok(()));
        assert_eq!(check_explicit_slug("../x"), Err(SlugProblem::LeavesFolder));
        assert_eq!(check_explicit_slug("a/b"), Err(SlugProblem::LeavesFolder));
        assert_eq!(check_explicit_slug(".hidden"), Err(SlugProblem::LeavesFolder));
        assert_eq!(check_explicit_slug(""), Err(SlugProblem::Empty));
        assert_eq!(check_explicit_slug("---"), Err(SlugProblem::Empty));
        assert_eq!(
            check_explicit_slug("Liaoning Orix"),
            Err(SlugProblem::NotNormal { suggestion: "liaoning-orix".into() })
        );
    }

    #[test]
    fn url_segments_are_percent_encoded() {
        assert_eq!(encode_path_segment("liaoning-orix"), "liaoning-orix");
        assert_eq!(encode_path_segment("辽宁"), "%E8%BE%BD%E5%AE%81");
    }
}
