//! The newsroom's pages and files: author pages, the corrections log and its feed, the Google
//! News sitemap, and each page's social-card tags, JSON-LD and breadcrumbs.
//!
//! In: the model (authors, corrections and the news window are decided there) and one planned
//! output. Out: its text. The `seo` and `breadcrumbs` variables of every page come from
//! `page_meta`.

use std::fmt::Write as _;

use tera::Value;

use super::Renderer;
use super::feeds::escape_xml;
use super::structured_data::{self as sd, Crumb, OgType, PageFacts};
use super::views::{self, DateView, map, value};
use crate::diagnostics::Diagnostic;
use crate::model::corrections::anchor;
use crate::model::news::{self, NEWS_SITEMAP_LIMIT};
use crate::plan::{Content, Output};
use crate::urls;

impl Renderer<'_> {
    /// The `seo` and `breadcrumbs` variables of a page.
    pub(super) fn page_meta(&self, output: &Output, url: &str) -> (Value, Value) {
        let site = self.site;
        let config = &site.config;
        let home = (config.title.clone(), self.urls.base().to_string());
        let website = |title, description| PageFacts::website(title, description, url, &config.language);
        let (facts, crumbs, json_ld): (PageFacts, Vec<Crumb>, _) = match &output.content {
            Content::Article(i) => self.article_meta(*i, url, home),
            Content::Entity { entity, .. } => {
                let entry = &site.entities[*entity];
                let mut crumbs = vec![home, ("Who and where".into(), self.urls.of(urls::ENTITIES_DIR))];
                if let Some(parent) = entry.parent.map(|p| &site.entities[p]) {
                    crumbs.push((parent.name.clone(), self.urls.of(&urls::entity_dir(&parent.slug, 1))));
                }
                crumbs.push((entry.name.clone(), url.to_string()));
                let ld = sd::entity_ld(site, &self.urls, *entity, &crumbs);
                (PageFacts { image: entry.image.as_ref(), ..website(&entry.name, &entry.summary) }, crumbs, Some(ld))
            }
            Content::Author { author, .. } => {
                let entry = &site.authors[*author];
                let crumbs = vec![
                    home,
                    ("Authors".into(), self.urls.of(urls::AUTHORS_DIR)),
                    (entry.name.clone(), url.to_string()),
                ];
                let ld = sd::author_ld(site, &self.urls, entry, &crumbs);
                let summary = entry.profile.as_ref().map_or("", |p| p.summary.as_str());
                let image = entry.profile.as_ref().and_then(|p| p.image.as_ref());
                let facts = PageFacts { og_type: OgType::Profile, image, ..website(&entry.name, summary) };
                (facts, crumbs, Some(ld))
            }
            Content::Tag { tag, .. } => {
                let entry = &site.tags[*tag];
                let crumbs =
                    vec![home, ("Topics".into(), self.urls.of(urls::TAGS_DIR)), (entry.name.clone(), url.to_string())];
                (website(&entry.name, ""), crumbs, None)
            }
            Content::Home { page: 1 } => (website(&config.title, ""), Vec::new(), Some(sd::home_ld(site, &self.urls))),
            Content::Page(i) => (website(&site.pages[*i].title, &site.pages[*i].summary), Vec::new(), None),
            Content::Corrections { .. } => (website("Corrections", ""), Vec::new(), None),
            Content::AuthorIndex => (website("Authors", ""), Vec::new(), None),
            Content::TagIndex => (website("Topics", ""), Vec::new(), None),
            Content::EntityIndex => (website("Who and where", ""), Vec::new(), None),
            Content::Archive => (website("Archive", ""), Vec::new(), None),
            Content::Search => (website("Search", ""), Vec::new(), None),
            Content::NotFound => (website("Page not found", ""), Vec::new(), None),
            _ => (website(&config.title, ""), Vec::new(), None),
        };
        (sd::seo(site, &self.urls, &facts, json_ld), sd::breadcrumbs_value(&crumbs))
    }

    /// An article's page facts, breadcrumbs (home, its first tag, itself) and NewsArticle.
    fn article_meta<'a>(
        &'a self,
        i: usize,
        url: &'a str,
        home: Crumb,
    ) -> (PageFacts<'a>, Vec<Crumb>, Option<serde_json::Value>) {
        let site = self.site;
        let article = &site.articles[i];
        let mut crumbs = vec![home];
        if let Some(&tag) = article.tags.first() {
            let tag = &site.tags[tag];
            crumbs.push((tag.name.clone(), self.urls.of(&urls::tag_dir(&tag.slug, 1))));
        }
        crumbs.push((article.title.clone(), url.to_string()));
        let ld = sd::article_ld(site, &self.urls, i, &crumbs);
        let facts = PageFacts {
            og_type: OgType::Article,
            title: &article.title,
            description: &article.summary,
            url,
            language: &article.language,
            article: Some(article),
            image: article.image.as_ref(),
        };
        (facts, crumbs, Some(ld))
    }

    /// What `author.html` and `authors.html` show of an author.
    fn author_value(&self, author: usize) -> Value {
        let entry = &self.site.authors[author];
        let dir = urls::author_dir(&entry.slug, 1);
        let profile = entry.profile.as_ref();
        map([
            ("name", Value::from(entry.name.as_str())),
            ("slug", Value::from(entry.slug.as_str())),
            ("url", Value::from(self.urls.of(&dir))),
            ("feed_url", Value::from(self.urls.of(&format!("{dir}{}", urls::FEED_FILE)))),
            ("title", profile.and_then(|p| p.title.as_deref()).map_or_else(Value::none, Value::from)),
            ("bio", Value::safe_string(profile.map_or("", |p| p.bio_html.as_str()))),
            ("summary", Value::from(profile.map_or("", |p| p.summary.as_str()))),
            ("image", super::image_view::image_value(profile.and_then(|p| p.image.as_ref()), &self.urls)),
            ("has_profile", Value::from(profile.is_some())),
            ("count", Value::from(entry.articles.len())),
        ])
    }

    pub(super) fn render_author_index(&self, output: &Output) -> Result<String, Diagnostic> {
        let authors: Vec<Value> = (0..self.site.authors.len()).map(|a| self.author_value(a)).collect();
        self.render_template("authors.html", output, vec![("authors", Value::from(authors))])
    }

    pub(super) fn render_author(&self, output: &Output, author: usize, page: usize) -> Result<String, Diagnostic> {
        let entry = &self.site.authors[author];
        let author_value = self.author_value(author);
        self.render_list(
            "author.html",
            output,
            page,
            &entry.articles,
            |n| urls::author_dir(&entry.slug, n),
            vec![("author", author_value)],
        )
    }

    pub(super) fn author_feed(&self, author: usize) -> String {
        let entry = &self.site.authors[author];
        let title = format!("{} — {}", entry.name, self.site.config.title);
        self.feed(title, &urls::author_dir(&entry.slug, 1), &entry.articles)
    }

    /// One correction as `corrections.html` shows it.
    fn correction_value(&self, at: usize) -> Value {
        let reference = self.site.corrections[at];
        let article = &self.site.articles[reference.article];
        let correction = &article.corrections[reference.correction];
        let card = &self.cards[reference.article];
        let article_url = self.urls.of(&urls::article_dir(&article.slug));
        let anchor = anchor(reference.correction);
        map([
            ("date", value(&DateView::new(&correction.date))),
            ("text", Value::from(correction.text.as_str())),
            ("anchor", Value::from(anchor.as_str())),
            ("url", Value::from(format!("{article_url}#{anchor}"))),
            ("article", card.clone()),
        ])
    }

    pub(super) fn render_corrections(&self, output: &Output, page: usize) -> Result<String, Diagnostic> {
        let per_page = self.site.config.paginate_by;
        let total = self.site.corrections.len();
        let start = ((page - 1) * per_page).min(total);
        let items: Vec<Value> = (start..(start + per_page).min(total)).map(|i| self.correction_value(i)).collect();
        let paginator = views::paginator(items, page, crate::plan::page_count(total, per_page), total, |n| {
            self.urls.of(&urls::corrections_dir(n))
        });
        let feed_url = self.urls.of(&format!("{}{}", urls::CORRECTIONS_DIR, urls::FEED_FILE));
        self.render_template(
            "corrections.html",
            output,
            vec![("paginator", paginator), ("feed_url", Value::from(feed_url))],
        )
    }

    /// The Atom feed of the newest corrections: each links to its article's correction.
    pub(super) fn corrections_feed(&self) -> String {
        let site = self.site;
        let config = &site.config;
        let page_url = self.urls.of(urls::CORRECTIONS_DIR);
        let feed_url = format!("{page_url}{}", urls::FEED_FILE);
        let shown = &site.corrections[..site.corrections.len().min(config.feed_limit)];
        let date_of = |at: usize| {
            let r = site.corrections[at];
            site.articles[r.article].corrections[r.correction].date
        };
        let updated =
            (!shown.is_empty()).then(|| date_of(0)).or_else(|| site.articles.iter().map(|a| a.modified()).max());
        let updated = updated.map_or_else(|| "1970-01-01T00:00:00+00:00".to_string(), |d| d.to_rfc3339());
        let mut xml = String::with_capacity(1024 + shown.len() * 512);
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        let _ =
            writeln!(xml, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">", escape_xml(&config.language));
        let _ = writeln!(xml, "  <title type=\"text\">Corrections — {}</title>", escape_xml(&config.title));
        let _ =
            writeln!(xml, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>", escape_xml(&feed_url));
        let _ = writeln!(xml, "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape_xml(&page_url));
        let _ = writeln!(xml, "  <id>{}</id>", escape_xml(&feed_url));
        let _ = writeln!(xml, "  <updated>{updated}</updated>");
        let _ = writeln!(xml, "  <author><name>{}</name></author>", escape_xml(&config.title));
        xml.push_str("  <generator>gazette</generator>\n");
        for (at, reference) in shown.iter().enumerate() {
            let article = &site.articles[reference.article];
            let correction = &article.corrections[reference.correction];
            let anchor = anchor(reference.correction);
            let url = format!("{}#{anchor}", self.urls.of(&urls::article_dir(&article.slug)));
            let id = format!("{}/{anchor}", super::feeds::entry_id(site, reference.article));
            let date = date_of(at).to_rfc3339();
            xml.push_str("  <entry>\n");
            let _ = writeln!(xml, "    <title type=\"text\">Correction: {}</title>", escape_xml(&article.title));
            let _ = writeln!(xml, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape_xml(&url));
            let _ = writeln!(xml, "    <id>{}</id>", escape_xml(&id));
            let _ = writeln!(xml, "    <published>{date}</published>\n    <updated>{date}</updated>");
            let _ = writeln!(xml, "    <summary type=\"text\">{}</summary>", escape_xml(&correction.text));
            xml.push_str("  </entry>\n");
        }
        xml.push_str("</feed>\n");
        xml
    }

    /// `news-sitemap.xml` (`part` 0): the articles of the last two days, or the index of the
    /// parts when they are more than one file may list; `news-sitemap-N.xml` (`part` N).
    pub(super) fn news_sitemap(&self, part: usize) -> String {
        let site = self.site;
        let articles = news::articles(site);
        let parts = articles.len().div_ceil(NEWS_SITEMAP_LIMIT).max(1);
        if part == 0 && parts > 1 {
            let mut xml = String::from(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
            );
            for n in 1..=parts {
                let _ = writeln!(
                    xml,
                    "  <sitemap><loc>{}</loc></sitemap>",
                    escape_xml(&self.urls.of(&urls::news_sitemap_file(n)))
                );
            }
            xml.push_str("</sitemapindex>\n");
            return xml;
        }
        let start = part.saturating_sub(1) * NEWS_SITEMAP_LIMIT;
        let shown = &articles[start.min(articles.len())..(start + NEWS_SITEMAP_LIMIT).min(articles.len())];
        let name = escape_xml(&site.config.news.publication_name);
        let mut xml = String::with_capacity(256 + shown.len() * 400);
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n");
        for &index in shown {
            let article = &site.articles[index];
            let _ = writeln!(
                xml,
                "  <url><loc>{}</loc><news:news><news:publication><news:name>{name}</news:name><news:language>{}</news:language></news:publication><news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>",
                escape_xml(&self.urls.of(&urls::article_dir(&article.slug))),
                news::google_language(&article.language),
                article.date.to_rfc3339(),
                escape_xml(&article.title),
            );
        }
        xml.push_str("</urlset>\n");
        xml
    }
}
