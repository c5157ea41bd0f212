//! An article's language: its `language` key, or told from the script its text is written in.
//!
//! Most articles leave the key out: a portal writes in the site's language, and the odd
//! Chinese, Japanese or Korean article is plain to see from its characters. A declared tag is
//! checked like the site's (BCP 47 shape), spelt in the canonical case (`zh-hans` → `zh-Hans`)
//! and compared with the script, so that a version filed under the wrong language is
//! reported (W125). This module also names languages in their own words and gives each its
//! folder (`/zh-hans/`, the tag in lowercase). Getting the language right
//! matters beyond `<html lang>` (which glyphs a browser picks for Han characters): search
//! splits Chinese and Japanese text into words only for pages marked as such, since neither
//! puts spaces between words. Latin-script languages cannot be told apart this way, and an
//! article in one keeps the site's language.

use crate::diagnostics::Diagnostic;
use crate::load::Document;
use crate::load::frontmatter::ArticleFront;
use crate::model::Article;
use crate::model::translations::{Declared, Place};

/// An article's language: its `language` key, checked (E018) and compared with its text
/// (W125), else `detect`. Also where the keys are, for the translation checks.
pub fn resolve(
    document: &Document<ArticleFront>,
    parts: &[&str],
    site_language: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (String, Declared) {
    let front = &document.front;
    let fragment = document.fragment();
    let declared = Declared {
        language: front.language.as_ref().map(|l| Place::new(&fragment, l.span(), "language")),
        translation_of: front
            .translation_of
            .as_ref()
            .map(|t| (t.get_ref().trim().to_string(), Place::new(&fragment, t.span(), "translation_of"))),
    };
    let (Some(tag), Some(place)) = (&front.language, &declared.language) else {
        return (detect(parts, site_language), declared);
    };
    let tag = tag.get_ref().trim();
    if !crate::config::is_language_tag(tag) {
        diagnostics.push(place.error("E018", format!("`{tag}` is not a language tag")).hint(
            "write a BCP 47 tag such as \"en\", \"zh-Hans\" or \"ja\" (language, then script or region, joined by `-`)",
        ));
        return (detect(parts, site_language), declared);
    }
    let tag = canonical_case(tag);
    if let Some(shown) = contradicts(&tag, parts) {
        diagnostics.push(
            place
                .warning("W125", format!("this article is declared `{tag}`, but its text is plainly {}", english_name(shown)))
                .hint("correct `language` to the language the text is written in (or check that the right text is in this file)"),
        );
    }
    (tag, declared)
}

/// The articles of one language: its list at `/<folder>/` and its feed.
#[derive(Debug)]
pub struct Language {
    /// As articles spell it (BCP 47 canonical case), e.g. `zh-Hans`.
    pub tag: String,
    /// `zh-hans`: see `folder`.
    pub folder: String,
    /// Newest first.
    pub articles: Vec<usize>,
}

/// The languages of a site's articles (in their final order), the site's own first, then by
/// folder; none when every article is in one language.
pub fn lists(articles: &[Article], site_language: &str) -> Vec<Language> {
    let mut languages: Vec<Language> = Vec::new();
    for (index, article) in articles.iter().enumerate() {
        let folder = folder(&article.language);
        match languages.iter_mut().find(|l| l.folder == folder) {
            Some(language) => language.articles.push(index),
            None => languages.push(Language { tag: article.language.clone(), folder, articles: vec![index] }),
        }
    }
    if languages.len() < 2 {
        return Vec::new();
    }
    let own = folder(site_language);
    languages.sort_by(|a, b| (a.folder != own).cmp(&(b.folder != own)).then_with(|| a.folder.cmp(&b.folder)));
    languages
}

/// The language of a text (given in parts, e.g. title and body): `zh`, `ja` or `ko` when most
/// of its letters are of those scripts, else `site_language`. A detected language that `site_language` already names (`zh` for a
/// `zh-CN` site) keeps the site's spelling.
pub fn detect(parts: &[&str], site_language: &str) -> String {
    match ScriptCounts::of(parts).language() {
        Some(code) if primary_subtag(site_language) != code => code.to_string(),
        _ => site_language.to_string(),
    }
}

fn primary_subtag(language: &str) -> String {
    language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase()
}

/// A well-formed tag in BCP 47's canonical case: language lowercase, script in title case,
/// region uppercase (`ZH-hans-cn` → `zh-Hans-CN`); everything after a singleton (`-x-`, `-u-`)
/// lowercase. Tags differing only in case are one language.
pub fn canonical_case(tag: &str) -> String {
    let mut out = Vec::new();
    let mut extension = false;
    for (i, subtag) in tag.split('-').enumerate() {
        let alphabetic = subtag.chars().all(|c| c.is_ascii_alphabetic());
        let spelt = if i == 0 || extension {
            subtag.to_ascii_lowercase()
        } else if subtag.len() == 4 && alphabetic {
            let lower = subtag.to_ascii_lowercase();
            lower[..1].to_ascii_uppercase() + &lower[1..]
        } else if subtag.len() == 2 && alphabetic {
            subtag.to_ascii_uppercase()
        } else {
            subtag.to_ascii_lowercase()
        };
        extension |= i > 0 && subtag.len() == 1;
        out.push(spelt);
    }
    out.join("-")
}

/// The folder of a language's list and feed: its tag in lowercase (`zh-Hans` → `zh-hans`).
pub fn folder(tag: &str) -> String {
    tag.to_ascii_lowercase()
}

/// The name of a language in that language, for a switcher whose every reader finds their
/// own: `日本語`, `简体中文`, `English`. A tag this list does not know is shown as it is.
pub fn autonym(tag: &str) -> String {
    let lower = tag.to_ascii_lowercase();
    let mut subtags = lower.split('-');
    let primary = subtags.next().unwrap_or_default();
    let rest: Vec<&str> = subtags.collect();
    let name = match primary {
        "zh" if rest.contains(&"hant") || rest.iter().any(|r| matches!(*r, "tw" | "hk" | "mo")) => "繁體中文",
        "zh" if rest.contains(&"hans") || rest.iter().any(|r| matches!(*r, "cn" | "sg")) => "简体中文",
        "zh" => "中文",
        "yue" => "粵語",
        "ja" => "日本語",
        "ko" => "한국어",
        "en" => "English",
        "fr" => "Français",
        "de" => "Deutsch",
        "es" => "Español",
        "pt" => "Português",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "ru" => "Русский",
        "uk" => "Українська",
        "mn" => "Монгол",
        "vi" => "Tiếng Việt",
        "th" => "ไทย",
        "id" => "Bahasa Indonesia",
        "ms" => "Bahasa Melayu",
        "ar" => "العربية",
        "hi" => "हिन्दी",
        "tr" => "Türkçe",
        "pl" => "Polski",
        _ => return tag.to_string(),
    };
    name.to_string()
}

/// The script language that a declared language is written in, when it is one this module
/// can see: Chinese languages (Mandarin, Cantonese, ...) in Han, Japanese, Korean.
fn script_of(tag: &str) -> Option<&'static str> {
    match primary_subtag(tag).as_str() {
        "zh" | "yue" | "cmn" | "wuu" | "hak" | "nan" | "gan" | "hsn" | "lzh" | "cjy" | "cdo" | "cpx" => Some("zh"),
        "ja" => Some("ja"),
        "ko" => Some("ko"),
        _ => None,
    }
}

/// When a text is plainly not in its declared language: the script says Chinese, Japanese or
/// Korean and the tag another language, or the tag says one of those and the text has
/// (almost) none of its characters. Returns what the script shows (`None`: a Latin-script
/// or other text). Short texts prove nothing and pass.
pub fn contradicts(declared: &str, parts: &[&str]) -> Option<Option<&'static str>> {
    let counts = ScriptCounts::of(parts);
    if counts.letters < 40 {
        return None;
    }
    let shown = counts.language();
    (shown != script_of(declared)).then_some(shown)
}

/// How a language is called in the diagnostics' English.
pub fn english_name(code: Option<&str>) -> &'static str {
    match code {
        Some("zh") => "Chinese",
        Some("ja") => "Japanese",
        Some("ko") => "Korean",
        _ => "a language in Latin or another non-CJK script",
    }
}

#[derive(Default)]
struct ScriptCounts {
    letters: usize,
    han: usize,
    kana: usize,
    hangul: usize,
}

impl ScriptCounts {
    fn of(parts: &[&str]) -> Self {
        let mut counts = ScriptCounts::default();
        for c in parts.iter().flat_map(|part| part.chars()).filter(|c| c.is_alphabetic()) {
            counts.add(c);
        }
        counts
    }

    fn add(&mut self, c: char) {
        self.letters += 1;
        match u32::from(c) {
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => self.kana += 1,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => self.hangul += 1,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F => self.han += 1,
            _ => {}
        }
    }

    fn language(&self) -> Option<&'static str> {
        let east_asian = self.han + self.kana + self.hangul;
        // Each of these characters is a syllable or a word, against a letter of Latin script:
        // a third of the letters already makes the text mostly East Asian.
        if east_asian * 3 < self.letters || east_asian == 0 {
            return None;
        }
        if self.hangul * 2 > east_asian {
            Some("ko")
        } else if self.kana * 4 >= east_asian {
            // Japanese writes its grammar in kana (a third or more of its characters); Chinese
            // text has none beyond a quoted katakana name.
            Some("ja")
        } else {
            Some("zh")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_east_asian_languages_by_script() {
        assert_eq!(detect(&["辽宁省人民政府与日本欧力士集团在沈阳签署战略合作协议。"], "en"), "zh");
        assert_eq!(detect(&["オリックス株式会社は中国東北部の遼寧省政府と協定を締結した。"], "en"), "ja");
        assert_eq!(detect(&["오릭스는 랴오닝성 정부와 전략적 협력 협정을 체결했다."], "en"), "ko");
    }

    #[test]
    fn a_quoted_name_does_not_change_the_language() {
        let text = "Liaoning (辽宁) signed a strategic cooperation agreement with Orix in Shenyang.";
        assert_eq!(detect(&[text], "en"), "en");
        assert_eq!(detect(&["ORIX与辽宁省签署协议，オリックス方面出席。双方将深化金融合作。"], "en"), "zh");
    }

    #[test]
    fn keeps_the_site_spelling_of_its_own_language() {
        assert_eq!(detect(&["辽宁省人民政府与欧力士签署协议"], "zh-CN"), "zh-CN");
        assert_eq!(detect(&["Ein Artikel auf Deutsch"], "de"), "de");
    }

    #[test]
    fn declared_tags_take_the_canonical_case() {
        assert_eq!(canonical_case("zh-hans"), "zh-Hans");
        assert_eq!(canonical_case("ZH-HANS-cn"), "zh-Hans-CN");
        assert_eq!(canonical_case("EN"), "en");
        assert_eq!(canonical_case("de-CH-1996"), "de-CH-1996");
        assert_eq!(canonical_case("en-x-AB"), "en-x-ab");
        assert_eq!(folder("zh-Hans"), "zh-hans");
    }

    #[test]
    fn languages_are_named_in_their_own_words() {
        assert_eq!(autonym("ja"), "日本語");
        assert_eq!(autonym("zh-Hans"), "简体中文");
        assert_eq!(autonym("zh-TW"), "繁體中文");
        assert_eq!(autonym("en-GB"), "English");
        assert_eq!(autonym("qaa"), "qaa");
    }

    #[test]
    fn a_version_in_another_script_contradicts_its_tag() {
        let english = "Liaoning's provincial government and Japan's Orix Corporation agreed to work together.";
        let chinese = "辽宁省人民政府与日本欧力士集团在沈阳签署战略合作协议。双方将围绕金融、环保、新能源、医疗健康、科技创新等领域深化合作。";
        assert_eq!(contradicts("ja", &[english]), Some(None));
        assert_eq!(contradicts("en", &[chinese]), Some(Some("zh")));
        assert_eq!(contradicts("ja", &[chinese]), Some(Some("zh")));
        assert_eq!(contradicts("zh-Hans", &[chinese]), None);
        assert_eq!(contradicts("yue", &[chinese]), None);
        assert_eq!(contradicts("de", &[english]), None);
        assert_eq!(contradicts("ja", &["Short"]), None);
    }
}
