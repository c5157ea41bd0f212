//! Atom feeds, the sitemap and robots.txt, written directly as XML text.
//!
//! Entry ids are tag URIs (RFC 4151) made of the host, the publication date and the slug, so
//! they stay the same from build to build. Times are RFC 3339 with the author's offset.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};

use crate::model::Site;
use crate::slug::encode_path_segment;
use crate::urls::{self, Urls};

/// Escapes text for XML element content and attribute values.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped_xml(&mut out, text);
    out
}

/// Appends `text` escaped for XML, copying the runs between special characters whole: feed
/// entries carry whole article bodies, so this is on the hot path.
///
/// This is the one function every XML output writes its text through (Atom feeds, sitemaps,
/// the news sitemap): besides escaping, it drops the characters XML 1.0 forbids (C0 controls
/// other than tab and line breaks, U+FFFE and U+FFFF; Rust strings hold no surrogates), which
/// would otherwise make the whole file ill-formed for every reader.
pub fn push_escaped_xml(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut run_start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let (replacement, skip) = match byte {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            0..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F => ("", 1),
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            _ => continue,
        };
        // Every special byte is ASCII or a lead byte, so `i` is always a character boundary.
        out.push_str(&text[run_start..i]);
        out.push_str(replacement);
        run_start = i + skip;
    }
    out.push_str(&text[run_start..]);
}

/// What a feed is about.
pub struct FeedSpec<'a> {
    pub title: String,
    /// Where the feed itself lives.
    pub feed_url: String,
    /// The HTML page the feed belongs to.
    pub page_url: String,
    /// Article indices, newest first; the first `feed_limit` become entries.
    pub articles: &'a [usize],
}

fn host_of(base_url: &str) -> &str {
    base_url.split("://").nth(1).and_then(|rest| rest.split(['/', ':']).next()).unwrap_or("localhost")
}

/// A stable entry id: `tag:invest.example.com,2017-12-28:articles/liaoning-orix-agreement`.
pub fn entry_id(site: &Site, article: usize) -> String {
    let article = &site.articles[article];
    format!(
        "tag:{},{}:articles/{}",
        host_of(&site.config.base_url),
        article.date.format("%Y-%m-%d"),
        encode_path_segment(&article.slug)
    )
}

/// The newest change among the site's articles: a stable `updated` for empty feeds.
fn site_updated(site: &Site) -> Option<DateTime<FixedOffset>> {
    site.articles.iter().map(|a| a.modified()).max()
}

/// A feed in the site's language; `entry` gives an article's `<entry>` element (cached by the
/// caller).
pub fn atom<'e>(site: &Site, spec: &FeedSpec, entry: impl Fn(usize) -> &'e str) -> String {
    atom_in(site, &site.config.language, spec, entry)
}

/// A feed whose `xml:lang` is `language` (a language's own feed, `/<lang>/atom.xml`).
pub fn atom_in<'e>(site: &Site, language: &str, spec: &FeedSpec, entry: impl Fn(usize) -> &'e str) -> String {
    let config = &site.config;
    let entries: Vec<usize> = spec.articles.iter().copied().take(config.feed_limit).collect();
    let updated = entries
        .iter()
        .map(|&i| site.articles[i].modified())
        .max()
        .or_else(|| site_updated(site))
        .map_or_else(|| "1970-01-01T00:00:00+00:00".to_string(), |d| d.to_rfc3339());

    let mut xml = String::with_capacity(1024 + entries.iter().map(|&i| entry(i).len()).sum::<usize>());
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(xml, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">", escape_xml(language));
    let _ = writeln!(xml, "  <title type=\"text\">{}</title>", escape_xml(&spec.title));
    if !config.description.is_empty() {
        // The description is written in the site's language, whatever the feed's.
        let lang = if language == config.language {
            String::new()
        } else {
            format!(" xml:lang=\"{}\"", escape_xml(&config.language))
        };
        let _ = writeln!(xml, "  <subtitle type=\"text\"{lang}>{}</subtitle>", escape_xml(&config.description));
    }
    let _ =
        writeln!(xml, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>", escape_xml(&spec.feed_url));
    let _ = writeln!(xml, "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape_xml(&spec.page_url));
    let _ = writeln!(xml, "  <id>{}</id>", escape_xml(&spec.feed_url));
    let _ = writeln!(xml, "  <updated>{updated}</updated>");
    let _ = writeln!(xml, "  <author><name>{}</name></author>", escape_xml(&config.title));
    xml.push_str("  <generator>gazette</generator>\n");
    for &index in &entries {
        xml.push_str(entry(index));
    }
    xml.push_str("</feed>\n");
    xml
}

/// One article's `<entry>`, the same in every feed that lists it: an article in another
/// language than the site's says so with `xml:lang` (in its own language's feed too, where
/// it repeats the feed's).
pub fn entry(site: &Site, urls: &Urls, index: usize) -> String {
    let article = &site.articles[index];
    let url = urls.of(&urls::article_dir(&article.slug));
    let mut xml = String::with_capacity(article.html.len() * 5 / 4 + 1024);
    if article.language == site.config.language {
        xml.push_str("  <entry>\n");
    } else {
        let _ = writeln!(xml, "  <entry xml:lang=\"{}\">", escape_xml(&article.language));
    }
    let _ = writeln!(xml, "    <title type=\"text\">{}</title>", escape_xml(&article.title));
    let _ = writeln!(xml, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape_xml(&url));
    let _ = writeln!(xml, "    <id>{}</id>", escape_xml(&entry_id(site, index)));
    let _ = writeln!(xml, "    <published>{}</published>", article.date.to_rfc3339());
    let _ = writeln!(xml, "    <updated>{}</updated>", article.modified().to_rfc3339());
    // The entry is also in the feed of each of its bylines: bounded, as the categories are.
    for author in article.authors.iter().take(crate::model::limits::TERMS_PER_ENTRY) {
        let _ = writeln!(xml, "    <author><name>{}</name></author>", escape_xml(author));
    }
    // An entry is repeated in the feed of each of its tags: a bounded number of categories
    // keeps the feeds' size linear in the number of tags.
    for &tag in article.tags.iter().take(crate::model::limits::TERMS_PER_ENTRY) {
        let tag = &site.tags[tag];
        let _ = writeln!(xml, "    <category term=\"{}\" label=\"{}\"/>", escape_xml(&tag.slug), escape_xml(&tag.name));
    }
    if !article.summary.is_empty() {
        let _ = writeln!(xml, "    <summary type=\"text\">{}</summary>", escape_xml(&article.summary));
    }
    xml.push_str("    <content type=\"html\">");
    push_escaped_xml(&mut xml, &article.html);
    xml.push_str("</content>\n");
    xml.push_str("  </entry>\n");
    xml
}

/// One `<url>` of the sitemap.
#[derive(Debug, Clone)]
pub struct SitemapEntry {
    pub url: String,
    pub lastmod: Option<String>,
    /// The page's language versions, (hreflang, URL), as its `<link rel="alternate">`s.
    pub alternates: Vec<(String, String)>,
}

const XHTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";

pub fn sitemap(entries: &[SitemapEntry]) -> String {
    let mut xml = String::with_capacity(entries.len() * 96 + 128);
    xml.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    // The xhtml namespace only where a page has language versions, so that a sitemap of one
    // language stays plain sitemaps.org XML.
    if entries.iter().any(|e| !e.alternates.is_empty()) {
        let _ = write!(xml, " xmlns:xhtml=\"{XHTML_NAMESPACE}\"");
    }
    xml.push_str(">\n");
    for entry in entries {
        let _ = write!(xml, "  <url><loc>{}</loc>", escape_xml(&entry.url));
        if let Some(lastmod) = &entry.lastmod {
            let _ = write!(xml, "<lastmod>{lastmod}</lastmod>");
        }
        for (hreflang, url) in &entry.alternates {
            let _ = write!(
                xml,
                "\n    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                escape_xml(hreflang),
                escape_xml(url)
            );
        }
        if !entry.alternates.is_empty() {
            xml.push_str("\n  ");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The index of a sitemap split into parts, for sites with more than `SITEMAP_LIMIT` pages.
pub fn sitemap_index(part_urls: &[String]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in part_urls {
        let _ = writeln!(xml, "  <sitemap><loc>{}</loc></sitemap>", escape_xml(url));
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

pub fn robots(urls: &Urls) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        urls.of("sitemap.xml"),
        urls.of(&urls::news_sitemap_file(0))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping() {
        assert_eq!(
            escape_xml("<script>alert(1)</script> & \"q\""),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape_xml("a\u{1}b"), "ab");
        assert_eq!(escape_xml("a\u{FFFE}b\u{FFFF}c\u{FFFD}，"), "abc\u{FFFD}，");
        assert_eq!(escape_xml("辽宁 & 'Orix'"), "辽宁 &amp; &apos;Orix&apos;");
    }

    #[test]
    fn host_is_taken_from_base_url() {
        assert_eq!(host_of("https://invest.example.com/sub/"), "invest.example.com");
        assert_eq!(host_of("http://localhost:1111/"), "localhost");
    }
}
