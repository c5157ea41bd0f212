//! Where each page lives: its folder below the output root and its URL under `base_url`.
//!
//! One function per kind of page gives the folder (`articles/<slug>/`); the URL is always
//! `base_url` + that folder with each segment percent-encoded, and the file is the folder +
//! `index.html`. Nothing else in the code spells a path, so links and files cannot disagree.

use crate::slug::encode_path_segment;

/// Decodes `%XX` escapes once, into bytes. A malformed escape (`%` not followed by two hex
/// digits) makes it `None` when `strict`, and is kept as written otherwise. The one copy of
/// this rule: links in Markdown (lenient) and `serve`'s request paths (strict) use it.
pub fn percent_decode(text: &str, strict: bool) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let byte =
                bytes.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
            match byte {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                None if strict => return None,
                None => {}
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(out)
}

pub fn home_dir(page: usize) -> String {
    if page <= 1 { String::new() } else { format!("page/{page}/") }
}

pub fn article_dir(slug: &str) -> String {
    format!("articles/{slug}/")
}

pub fn page_dir(slug: &str) -> String {
    format!("{slug}/")
}

pub fn tag_dir(slug: &str, page: usize) -> String {
    paginated(&format!("tags/{slug}/"), page)
}

pub fn entity_dir(slug: &str, page: usize) -> String {
    paginated(&format!("entities/{slug}/"), page)
}

/// `/deals/`, or page `page` of it.
pub fn deals_dir(page: usize) -> String {
    paginated(DEALS_DIR, page)
}

/// A facet value's deals: `deals/place/liaoning-province/`, or page `page` of them.
pub fn deal_facet_dir(facet: &str, slug: &str, page: usize) -> String {
    paginated(&format!("{DEALS_DIR}{facet}/{slug}/"), page)
}

/// A language's list of articles: its tag in lowercase (`model::language::folder`).
pub fn language_dir(folder: &str, page: usize) -> String {
    paginated(&format!("{folder}/"), page)
}

pub fn author_dir(slug: &str, page: usize) -> String {
    paginated(&format!("authors/{slug}/"), page)
}

pub fn corrections_dir(page: usize) -> String {
    paginated(CORRECTIONS_DIR, page)
}

/// `news-sitemap.xml`, or its `part`-th file when the articles of the last two days are more
/// than one file may hold.
pub fn news_sitemap_file(part: usize) -> String {
    if part == 0 { "news-sitemap.xml".into() } else { format!("news-sitemap-{part}.xml") }
}

pub const AUTHORS_DIR: &str = "authors/";
pub const CORRECTIONS_DIR: &str = "corrections/";
pub const TAGS_DIR: &str = "tags/";
pub const DEALS_DIR: &str = "deals/";
pub const DEALS_CSV: &str = "deals/deals.csv";
pub const DEALS_JSON: &str = "deals/deals.json";
pub const ENTITIES_DIR: &str = "entities/";
pub const ARCHIVE_DIR: &str = "archive/";
pub const SEARCH_DIR: &str = "search/";
pub const FEED_FILE: &str = "atom.xml";

fn paginated(dir: &str, page: usize) -> String {
    if page <= 1 { dir.to_string() } else { format!("{dir}page/{page}/") }
}

/// Builds absolute URLs from relative output paths.
#[derive(Debug, Clone)]
pub struct Urls {
    base_url: String,
}

impl Urls {
    /// `base_url` must end with `/` (config guarantees it).
    pub fn new(base_url: &str) -> Self {
        Urls { base_url: base_url.to_string() }
    }

    pub fn base(&self) -> &str {
        &self.base_url
    }

    /// `articles/辽宁/` → `https://host/sub/articles/%E8%BE%BD%E5%AE%81/`
    pub fn of(&self, relative: &str) -> String {
        let mut url = String::with_capacity(self.base_url.len() + relative.len() + 8);
        url.push_str(&self.base_url);
        for (i, segment) in relative.split('/').enumerate() {
            if i > 0 {
                url.push('/');
            }
            url.push_str(&encode_path_segment(segment));
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_the_contract() {
        let urls = Urls::new("https://a.org/sub/");
        assert_eq!(urls.of(&home_dir(1)), "https://a.org/sub/");
        assert_eq!(urls.of(&home_dir(2)), "https://a.org/sub/page/2/");
        assert_eq!(urls.of(&article_dir("x")), "https://a.org/sub/articles/x/");
        assert_eq!(urls.of(&tag_dir("new-energy", 3)), "https://a.org/sub/tags/new-energy/page/3/");
        assert_eq!(urls.of(&entity_dir("辽宁", 1)), "https://a.org/sub/entities/%E8%BE%BD%E5%AE%81/");
        assert_eq!(urls.of(&format!("{}{FEED_FILE}", tag_dir("x", 1))), "https://a.org/sub/tags/x/atom.xml");
        assert_eq!(urls.of(&language_dir("zh-hans", 2)), "https://a.org/sub/zh-hans/page/2/");
    }
}
