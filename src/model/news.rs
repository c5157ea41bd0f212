//! The Google News sitemap's rules: which articles it lists, in how many files, and the
//! language code Google expects.
//!
//! Google takes the articles published in the two days before now (the build clock), at most
//! 1,000 per file, with a sitemap index above more than one file.

use super::Site;

/// The most `<url>` entries one news sitemap file may hold (Google's limit).
pub const NEWS_SITEMAP_LIMIT: usize = 1_000;

/// The articles of the news sitemap, newest first, by index.
pub fn articles(site: &Site) -> Vec<usize> {
    // Articles are newest first: the window is one run of them.
    let config = &site.config;
    let first = site.articles.partition_point(|a| a.date > config.now);
    let count = site.articles[first..].partition_point(|a| config.in_news_window(a.date));
    (first..first + count).collect()
}

/// How many files the news sitemap takes: 1, or the parts under an index.
pub fn part_count(site: &Site) -> usize {
    articles(site).len().div_ceil(NEWS_SITEMAP_LIMIT).max(1)
}

/// An article's language as Google News writes it: ISO 639 codes in lower case, but `zh-cn`
/// for Simplified and `zh-tw` for Traditional Chinese.
pub fn google_language(tag: &str) -> String {
    let lower = tag.to_ascii_lowercase();
    let mut subtags = lower.split('-');
    let primary = subtags.next().unwrap_or("en").to_string();
    if primary != "zh" {
        return primary;
    }
    let rest: Vec<&str> = subtags.collect();
    let traditional = rest.iter().any(|s| matches!(*s, "hant" | "tw" | "hk" | "mo"));
    if traditional { "zh-tw".into() } else { "zh-cn".into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_take_googles_form() {
        for (tag, google) in [
            ("en", "en"),
            ("en-GB", "en"),
            ("ja", "ja"),
            ("zh", "zh-cn"),
            ("zh-Hans", "zh-cn"),
            ("zh-CN", "zh-cn"),
            ("zh-Hant", "zh-tw"),
            ("zh-TW", "zh-tw"),
        ] {
            assert_eq!(google_language(tag), google, "{tag}");
        }
    }
}
