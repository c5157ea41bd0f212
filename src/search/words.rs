//! The words of one whitespace-separated token, as Pagefind 1.6.0 indexes them.
//!
//! A port of Pagefind's `fossick/splitting.rs` (read, not copied: the crate keeps it private),
//! with the same crates for the parts that must agree with the browser: the Snowball stemmers
//! of `pagefind_stem` (the WASM stems queries with the same code), `convert_case` for
//! camelCase and kebab-case parts, `unicode-normalization` for diacritics and ICU4X's
//! dictionary segmenter for Chinese, Japanese and Thai. The conformance test in `.ci/run`
//! compares the result with Pagefind's own indexer, query by query.
//!
//! One deliberate addition (`cjk_suffixes`): in a bundle whose language is not segmented
//! (English, say), a run of Chinese or Japanese characters is also indexed from each of its
//! characters on, so that a query for a name inside it (`沈阳` in `辽宁省沈阳市`) is a prefix
//! of an indexed word. Pagefind finds such names only at the start of a run.

use std::collections::HashSet;
use std::sync::LazyLock;

use convert_case::{Case, Casing};
use pagefind_stem::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

const MAX_KATAKANA_SUFFIX_CHARS: usize = 16;
const MAX_DOTTED_TAIL_CHARS: usize = 64;
/// The longest suffix of a CJK run indexed in an unsegmented bundle.
const MAX_CJK_SUFFIX_CHARS: usize = 16;

/// Characters that count as part of a word: Unicode's "Punctuation, Connector" (Pagefind's
/// default `include_characters`, written into `pagefind-entry.json`).
pub const WORD_SYMBOLS: [char; 10] = ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];

static EMOJI: LazyLock<regex::Regex> = LazyLock::new(|| {
    // A fixed pattern that the regex crate supports: it cannot fail to compile.
    regex::Regex::new("\\p{Emoji}").unwrap_or_else(|_| unreachable!("\\p{{Emoji}} is a valid pattern"))
});

/// One word to index at a position.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexableWord {
    pub stemmed: String,
    pub is_compound_part: bool,
    /// The word before its diacritics were folded, when they were.
    pub original: Option<String>,
}

/// The Snowball stemmer Pagefind uses for a language, if it has one.
pub fn stemmer(language: &str) -> Option<Stemmer> {
    let algorithm = match language.split('-').next().unwrap_or_default() {
        "ar" => Algorithm::Arabic,
        "hy" => Algorithm::Armenian,
        "eu" => Algorithm::Basque,
        "ca" => Algorithm::Catalan,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "eo" => Algorithm::Esperanto,
        "et" => Algorithm::Estonian,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hi" => Algorithm::Hindi,
        "hu" => Algorithm::Hungarian,
        "id" => Algorithm::Indonesian,
        "ga" => Algorithm::Irish,
        "it" => Algorithm::Italian,
        "lt" => Algorithm::Lithuanian,
        "nb" | "nn" | "no" => Algorithm::Norwegian,
        "ne" => Algorithm::Nepali,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sr" => Algorithm::Serbian,
        "pl" => Algorithm::Polish,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        "yi" => Algorithm::Yiddish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// Whether Pagefind splits this language's text into words with a dictionary.
pub fn is_segmented(language: &str) -> bool {
    matches!(language.split('-').next().unwrap_or_default(), "zh" | "ja" | "th")
}

/// Splits a run of text into words as ICU4X does, never inside a grapheme cluster.
pub fn segment_words(input: &str) -> Vec<&str> {
    static SEGMENTER: LazyLock<icu_segmenter::WordSegmenterBorrowed<'static>> =
        LazyLock::new(|| icu_segmenter::WordSegmenter::new_dictionary(Default::default()));
    let mut grapheme_starts = input.grapheme_indices(true).map(|(i, _)| i).peekable();
    let mut start = 0;
    let mut words = Vec::new();
    for end in SEGMENTER.segment_str(input).skip(1) {
        while grapheme_starts.next_if(|&g| g < end).is_some() {}
        if end == input.len() || grapheme_starts.peek() == Some(&end) {
            words.push(&input[start..end]);
            start = end;
        }
    }
    words
}

/// The words to index for one token: the whole word, its compound parts, katakana suffixes
/// and emoji.
pub fn indexable_words(raw_word: &str, stemmer: Option<&Stemmer>) -> Vec<IndexableWord> {
    let mut results = Vec::new();
    let normalized_word = normalize_word(raw_word);
    if !normalized_word.is_empty() {
        results.push(stem_word(&normalized_word, stemmer, false));
    }
    for suffix in katakana_suffixes(raw_word) {
        let folded = normalize_diacritics(suffix);
        results.push(IndexableWord {
            stemmed: folded.clone().unwrap_or_else(|| suffix.to_string()),
            original: folded.map(|_| suffix.to_string()),
            is_compound_part: true,
        });
    }
    let possibly_compound =
        raw_word.chars().any(|c| !c.is_alphanumeric()) || raw_word.chars().skip(1).any(char::is_uppercase);
    if !possibly_compound {
        return results;
    }
    let (word_parts, extras) = discrete_words(raw_word);
    if !normalized_word.is_empty()
        && (word_parts.contains(char::is_whitespace) || !normalized_word.starts_with(&word_parts))
    {
        for part in word_parts.split_whitespace().filter(|w| w.len() > 1) {
            let folded = normalize_diacritics(part);
            let base = folded.as_deref().unwrap_or(part);
            let stemmed = match stemmer {
                Some(stemmer) => stemmer.stem(base).into_owned(),
                None => base.to_string(),
            };
            results.push(IndexableWord { stemmed, original: folded.map(|_| part.to_string()), is_compound_part: true });
        }
    }
    results.extend(extras.into_iter().map(|extra| IndexableWord {
        stemmed: extra,
        original: None,
        is_compound_part: false,
    }));
    results
}

/// The tails after each dot that are compounds themselves (`is_python_build` of
/// `sysconfig.is_python_build`), unless already indexed.
pub fn dotted_tails(raw_word: &str, stemmer: Option<&Stemmer>, existing: &[IndexableWord]) -> Vec<IndexableWord> {
    let mut tails = Vec::new();
    if !raw_word.contains('.') {
        return tails;
    }
    let seen: HashSet<&str> = existing.iter().map(|w| w.stemmed.as_str()).collect();
    let mut seen_tails: HashSet<String> = HashSet::new();
    for (i, _) in raw_word.match_indices('.') {
        let rest = &raw_word[i + 1..];
        let tail = match rest.char_indices().nth(MAX_DOTTED_TAIL_CHARS) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        let tail_is_compound =
            tail.chars().any(|c| !c.is_alphanumeric()) || tail.chars().skip(1).any(char::is_uppercase);
        if !tail_is_compound {
            continue;
        }
        let normalized = normalize_word(tail);
        if normalized.chars().count() < 2 {
            continue;
        }
        let word = stem_word(&normalized, stemmer, true);
        if !seen.contains(word.stemmed.as_str()) && seen_tails.insert(word.stemmed.clone()) {
            tails.push(word);
        }
    }
    tails
}

/// The pairs of adjacent grapheme clusters of a segment, in a segmented language.
pub fn bigrams(raw_word: &str, stemmer: Option<&Stemmer>, existing: &[IndexableWord]) -> Vec<IndexableWord> {
    let mut seen: HashSet<String> = existing.iter().map(|w| w.stemmed.clone()).collect();
    let mut result = Vec::new();
    for pair in pair_bigrams(raw_word) {
        let pair = stem_word(&pair, stemmer, true);
        if seen.insert(pair.stemmed.clone()) {
            result.push(pair);
        }
    }
    result
}

/// The pair of clusters spanning the boundary from the previous segment, if not indexed yet.
pub fn cross_bigram(
    raw_word: &str,
    previous_cluster: Option<&str>,
    stemmer: Option<&Stemmer>,
    existing: &[IndexableWord],
) -> Option<IndexableWord> {
    let pair = stem_word(&cross_pair(raw_word, previous_cluster)?, stemmer, true);
    (!existing.iter().any(|w| w.stemmed == pair.stemmed)).then_some(pair)
}

/// In an unsegmented bundle: each run of Chinese or Japanese characters in the token, from each
/// of its characters after the first on (the whole run is already indexed as part of the word).
pub fn cjk_suffixes(raw_word: &str, existing: &[IndexableWord]) -> Vec<IndexableWord> {
    if !raw_word.chars().any(is_cjk) {
        return Vec::new();
    }
    let mut seen: HashSet<String> = existing.iter().map(|w| w.stemmed.clone()).collect();
    let mut result = Vec::new();
    let chars: Vec<char> = raw_word.chars().collect();
    for start in 0..chars.len() {
        if !is_cjk(chars[start]) {
            continue;
        }
        let run: String = chars[start..].iter().take_while(|c| is_cjk(**c)).take(MAX_CJK_SUFFIX_CHARS).collect();
        let folded = normalize_diacritics(&run);
        let stemmed = folded.clone().unwrap_or_else(|| run.clone());
        if run.chars().count() >= 1 && seen.insert(stemmed.clone()) {
            result.push(IndexableWord { stemmed, original: folded.map(|_| run), is_compound_part: true });
        }
    }
    result
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x30000..=0x323AF
        | 0x3041..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F | 0xAC00..=0xD7AF)
}

fn normalize_word(raw_word: &str) -> String {
    let mut normalized = String::with_capacity(raw_word.len());
    for mut c in raw_word.chars() {
        if c.is_alphanumeric() || WORD_SYMBOLS.contains(&c) {
            c.make_ascii_lowercase();
            if c.is_uppercase() {
                normalized.extend(c.to_lowercase());
            } else {
                normalized.push(c);
            }
        }
    }
    normalized
}

fn stem_word(normalized_word: &str, stemmer: Option<&Stemmer>, is_compound_part: bool) -> IndexableWord {
    let folded = normalize_diacritics(normalized_word);
    let base = folded.as_deref().unwrap_or(normalized_word);
    let stemmed = match stemmer {
        Some(stemmer) => stemmer.stem(base).into_owned(),
        None => base.to_string(),
    };
    IndexableWord { stemmed, original: folded.map(|_| normalized_word.to_string()), is_compound_part }
}

fn is_segmented_cluster(cluster: &str) -> bool {
    matches!(
        cluster.chars().next().map(u32::from),
        Some(
            0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0x20000..=0x2FA1F
            | 0x30000..=0x323AF
            | 0x3041..=0x30FF
            | 0x31F0..=0x31FF
            | 0xFF66..=0xFF9F
            | 0x0E00..=0x0EFF
            | 0x1000..=0x109F
            | 0x1780..=0x17FF,
        )
    )
}

fn cross_pair(word: &str, previous_cluster: Option<&str>) -> Option<String> {
    let previous = previous_cluster.filter(|c| is_segmented_cluster(c))?;
    let first = word.graphemes(true).next()?;
    is_segmented_cluster(first).then(|| format!("{previous}{first}"))
}

fn pair_bigrams(word: &str) -> Vec<String> {
    let mut pairs = Vec::new();
    let mut previous: Option<&str> = None;
    for cluster in word.graphemes(true) {
        if !is_segmented_cluster(cluster) {
            previous = None;
            continue;
        }
        if let Some(previous) = previous {
            pairs.push(format!("{previous}{cluster}"));
        }
        previous = Some(cluster);
    }
    pairs
}

fn is_katakana(c: char) -> bool {
    matches!(c as u32, 0x30A1..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
}

/// Every suffix of an all-katakana word: ICU4X's dictionary has no katakana words, so
/// Pagefind indexes suffixes for prefix matching to find words inside.
fn katakana_suffixes(word: &str) -> Vec<&str> {
    if word.chars().count() < 3 || !word.chars().all(is_katakana) {
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut suffixes = Vec::new();
    for (i, _) in word.char_indices().skip(1) {
        let rest = &word[i..];
        let suffix = match rest.char_indices().nth(MAX_KATAKANA_SUFFIX_CHARS) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        if suffix.chars().count() >= 2 && seen.insert(suffix) {
            suffixes.push(suffix);
        }
    }
    suffixes
}

/// `café` → `cafe`, as the query side folds it; kana sound marks are kept.
fn normalize_diacritics(word: &str) -> Option<String> {
    if word.is_ascii() || !has_decomposition(word) {
        return None;
    }
    let stripped: String = word
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c) || matches!(*c, '\u{3099}' | '\u{309A}'))
        .collect();
    let normalized = if stripped.chars().any(|c| matches!(c, '\u{3099}' | '\u{309A}')) {
        stripped.nfc().collect::<String>()
    } else {
        stripped
    };
    (normalized != word).then_some(normalized)
}

fn has_decomposition(word: &str) -> bool {
    word.chars().any(|c| {
        unicode_normalization::char::is_combining_mark(c) || {
            let mut decomposes = false;
            unicode_normalization::char::decompose_canonical(c, |part| decomposes = decomposes || part != c);
            decomposes
        }
    })
}

fn discrete_words(s: &str) -> (String, Vec<String>) {
    let words = s
        .replace(|c: char| c.is_ascii_punctuation(), " ")
        .to_case(Case::Lower)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let extras = if EMOJI.is_match(s) {
        s.graphemes(true).filter(|x| emojis::get(x).is_some()).map(str::to_string).collect()
    } else {
        Vec::new()
    };
    (words, extras)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn katakana_words_are_indexed_by_their_suffixes() {
        assert_eq!(katakana_suffixes("バックアップ"), ["ックアップ", "クアップ", "アップ", "ップ"]);
        assert!(katakana_suffixes("リスト型").is_empty());
    }

    #[test]
    fn names_inside_a_cjk_run_of_an_english_article_are_prefixes_of_indexed_words() {
        let suffixes: Vec<String> = cjk_suffixes("辽宁省沈阳市,", &[]).into_iter().map(|w| w.stemmed).collect();
        assert!(suffixes.iter().any(|s| s.starts_with("沈阳")), "{suffixes:?}");
    }
}
