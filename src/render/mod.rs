//! Stage 5, render: one planned output → its bytes.
//!
//! HTML pages go through Tera (the site's templates over the built-in theme); feeds, the
//! sitemap and robots.txt are written as text; static files are copied as they are. A
//! `Renderer` is built once per build (templates compiled, article cards prepared) and is
//! then shared by all threads.

pub mod amounts;
pub mod chart;
mod deal_data;
mod deal_pages;
pub mod deal_views;
pub mod feeds;
pub mod image_view;
mod newsroom;
pub mod reads;
pub mod structured_data;
pub mod templates;
pub mod views;

use std::path::PathBuf;
use std::sync::OnceLock;

use tera::{Context, Value};

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::plan::SITEMAP_LIMIT;
use crate::plan::{Content, Output, page_count, page_range};
use crate::urls::{self, Urls};
use feeds::{FeedSpec, SitemapEntry};
pub use templates::Templates;
use views::{DateView, map, value};

/// What an output consists of.
pub enum Body {
    Bytes(Vec<u8>),
    /// Copy this file as it is.
    File(PathBuf),
    /// This file, named after a hash of its bytes (an image variant in the image cache): the
    /// writer links it, or keeps the previous output's file of the same name, without reading.
    Linked(PathBuf),
}

pub struct Renderer<'a> {
    site: &'a Site,
    templates: &'a Templates,
    urls: Urls,
    /// The `site` variable of every template.
    site_value: Value,
    /// One card per article, by index, with its HTML (`partials/card.html`) rendered once.
    cards: Vec<Value>,
    /// Each article's Atom `<entry>`, made the first time a feed needs it and shared by all.
    feed_entries: Vec<OnceLock<String>>,
    sitemap: Vec<SitemapEntry>,
    /// One row per deal, by deal id (`deal_views::rows`).
    deal_rows: Vec<Value>,
    /// Each deal's `<tr>` for listings (`partials/deal-row.html`), made the first time a
    /// listing needs it and copied by all; `None` when the partial failed (the page that
    /// includes it then reports the error).
    deal_html: Vec<OnceLock<Option<String>>>,
    /// What each entity's pages show of its deals (`entity_deal_values`), made the first time
    /// one of its pages needs it and shared by all of them.
    entity_deals: Vec<OnceLock<Vec<(&'static str, Value)>>>,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, templates: &'a Templates, outputs: &[Output]) -> Result<Self, Vec<Diagnostic>> {
        let urls = Urls::new(&site.config.base_url);
        let cards = render_cards(templates, &site_value(site, &urls), views::cards(site, &urls))?;
        Ok(Self::with_cards(site, templates, outputs, cards))
    }

    /// A renderer with the article cards already made (`render_cards`), one per article in
    /// index order: `serve` keeps the cards of the articles that did not change.
    pub fn with_cards(site: &'a Site, templates: &'a Templates, outputs: &[Output], cards: Vec<Value>) -> Self {
        let urls = Urls::new(&site.config.base_url);
        let site_value = site_value(site, &urls);
        let sitemap = sitemap_entries(site, &urls, outputs);
        let feed_entries = (0..site.articles.len()).map(|_| OnceLock::new()).collect();
        let deal_rows = deal_views::rows(site, &urls, &cards);
        let deal_html = (0..deal_rows.len()).map(|_| OnceLock::new()).collect();
        let entity_deals = (0..site.entities.len()).map(|_| OnceLock::new()).collect();
        Renderer { site, templates, urls, site_value, cards, feed_entries, sitemap, deal_rows, deal_html, entity_deals }
    }

    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// What the renderer made and owns (cards, feed entries, deal rows), to be freed where
    /// the caller does not wait for it.
    pub fn into_parts(self) -> impl Send + 'static {
        let Renderer { site_value, cards, feed_entries, sitemap, deal_rows, deal_html, entity_deals, .. } = self;
        (site_value, cards, feed_entries, sitemap, deal_rows, deal_html, entity_deals)
    }

    /// The cards, handed back for the next `with_cards`.
    pub fn into_cards(self) -> Vec<Value> {
        self.cards
    }

    pub fn render(&self, output: &Output) -> Result<Body, Diagnostic> {
        let site = self.site;
        let text = match &output.content {
            Content::Home { page } => self.render_list(
                "index.html",
                output,
                *page,
                &(0..site.articles.len()).collect::<Vec<_>>(),
                urls::home_dir,
                vec![],
            )?,
            Content::Article(index) => self.render_article(output, *index)?,
            Content::Page(index) => self.render_page(output, *index)?,
            Content::TagIndex => self.render_tag_index(output)?,
            Content::Tag { tag, page } => {
                let entry = &site.tags[*tag];
                let tag_value = self.tag_value(*tag);
                self.render_list(
                    "tag.html",
                    output,
                    *page,
                    &entry.articles,
                    |n| urls::tag_dir(&entry.slug, n),
                    vec![("tag", tag_value)],
                )?
            }
            Content::EntityIndex => self.render_entity_index(output)?,
            Content::Entity { entity, page } => self.render_entity(output, *entity, *page)?,
            Content::Archive => self.render_archive(output)?,
            Content::Deals { page } => self.render_deals(output, None, *page)?,
            Content::DealFacet { facet, page } => self.render_deals(output, Some(*facet), *page)?,
            Content::DealsFeed => deal_data::atom(site, &self.urls),
            Content::DealsCsv => deal_data::csv(site, &self.urls),
            Content::DealsJson => deal_data::json(site, &self.urls),
            Content::Language { language, page } => {
                let entry = &site.languages[*language];
                self.render_list(
                    "language.html",
                    output,
                    *page,
                    &entry.articles,
                    |n| urls::language_dir(&entry.folder, n),
                    vec![("language", views::language(entry, &self.urls))],
                )?
            }
            Content::AuthorIndex => self.render_author_index(output)?,
            Content::Author { author, page } => self.render_author(output, *author, *page)?,
            Content::AuthorFeed(author) => self.author_feed(*author),
            Content::Corrections { page } => self.render_corrections(output, *page)?,
            Content::CorrectionsFeed => self.corrections_feed(),
            Content::NewsSitemap => self.news_sitemap(0),
            Content::NewsSitemapPart(part) => self.news_sitemap(*part),
            Content::Search => self.render_search(output)?,
            Content::NotFound => self.render_template("404.html", output, vec![])?,
            _ => return Ok(self.render_text(output)),
        };
        Ok(Body::Bytes(text.into_bytes()))
    }

    /// The outputs that are not templates: feeds, sitemaps, robots.txt, theme assets, static
    /// files.
    fn render_text(&self, output: &Output) -> Body {
        let site = self.site;
        let text = match &output.content {
            Content::TagFeed(tag) => {
                let entry = &site.tags[*tag];
                self.term_feed(&entry.name, &urls::tag_dir(&entry.slug, 1), &entry.articles)
            }
            Content::EntityFeed(entity) => {
                let entry = &site.entities[*entity];
                self.term_feed(&entry.name, &urls::entity_dir(&entry.slug, 1), &entry.tagged)
            }
            Content::LanguageFeed(language) => {
                let entry = &site.languages[*language];
                let title = format!("{} — {}", crate::model::language::autonym(&entry.tag), site.config.title);
                self.feed_in(&entry.tag, title, &urls::language_dir(&entry.folder, 1), &entry.articles)
            }
            Content::SiteFeed => {
                self.feed(site.config.title.clone(), "", &(0..site.articles.len()).collect::<Vec<_>>())
            }
            Content::Sitemap => self.sitemap_text(None),
            Content::SitemapPart(part) => self.sitemap_text(Some(*part)),
            Content::Robots => feeds::robots(&self.urls),
            Content::ThemeAsset(name) => {
                let asset = crate::theme::ASSETS.iter().find(|a| a.name == *name).map_or("", |a| a.text);
                asset.to_string()
            }
            Content::Static(path) => return Body::File(site.config.root.join(crate::load::STATIC_DIR).join(path)),
            Content::Image(path) if path.starts_with(&site.config.image_cache) => return Body::Linked(path.clone()),
            Content::Image(path) => return Body::File(path.clone()),
            // Template outputs, and the feeds and data files made beside them, are rendered by
            // `render`.
            Content::Deals { .. }
            | Content::DealFacet { .. }
            | Content::DealsFeed
            | Content::DealsCsv
            | Content::DealsJson
            | Content::AuthorIndex
            | Content::Author { .. }
            | Content::AuthorFeed(_)
            | Content::Corrections { .. }
            | Content::CorrectionsFeed
            | Content::NewsSitemap
            | Content::NewsSitemapPart(_)
            | Content::Home { .. }
            | Content::Article(_)
            | Content::Page(_)
            | Content::TagIndex
            | Content::Tag { .. }
            | Content::EntityIndex
            | Content::Entity { .. }
            | Content::Archive
            | Content::Search
            | Content::Language { .. }
            | Content::NotFound => String::new(),
        };
        Body::Bytes(text.into_bytes())
    }

    fn context(&self, output: &Output) -> Context {
        let mut context = Context::new();
        context.insert_value("site", self.site_value.clone());
        let dir = output.path.strip_suffix("index.html").unwrap_or(&output.path);
        let url = self.urls.of(dir);
        let (seo, breadcrumbs) = self.page_meta(output, &url);
        context.insert("current_url", &url);
        context.insert("current_path", dir);
        context.insert_value("seo", seo);
        context.insert_value("breadcrumbs", breadcrumbs);
        context
    }

    fn render_template(
        &self,
        template: &str,
        output: &Output,
        values: Vec<(&'static str, Value)>,
    ) -> Result<String, Diagnostic> {
        let mut context = self.context(output);
        for (key, value) in values {
            context.insert_value(key, value);
        }
        self.templates
            .tera
            .render(template, &context)
            .map_err(|error| self.templates.error(template, &error).note(format!("while rendering {}", output.path)))
    }

    /// A paginated list of article cards.
    fn render_list(
        &self,
        template: &str,
        output: &Output,
        page: usize,
        articles: &[usize],
        dir_of: impl Fn(usize) -> String,
        values: Vec<(&'static str, Value)>,
    ) -> Result<String, Diagnostic> {
        let total_pages = page_count(articles.len(), self.site.config.paginate_by);
        self.render_list_of_pages(template, output, (page, total_pages), articles, dir_of, values)
    }

    /// `render_list` with the number of pages given: an entity's pages also hold the
    /// articles about what lies below it.
    fn render_list_of_pages(
        &self,
        template: &str,
        output: &Output,
        (page, total_pages): (usize, usize),
        articles: &[usize],
        dir_of: impl Fn(usize) -> String,
        mut values: Vec<(&'static str, Value)>,
    ) -> Result<String, Diagnostic> {
        let per_page = self.site.config.paginate_by;
        let items =
            articles[page_range(articles.len(), page, per_page)].iter().map(|&i| self.cards[i].clone()).collect();
        let paginator = views::paginator(items, page, total_pages, articles.len(), |n| self.urls.of(&dir_of(n)));
        values.push(("paginator", paginator));
        self.render_template(template, output, values)
    }

    fn render_article(&self, output: &Output, index: usize) -> Result<String, Diagnostic> {
        let article = &self.site.articles[index];
        // Articles are newest first: the previous (older) one comes after this one.
        let previous = self.cards.get(index + 1);
        let next = index.checked_sub(1).and_then(|i| self.cards.get(i));
        let first = self.site.deals.first_of_article.get(index).copied().unwrap_or(0);
        let deals = self.deal_rows.get(first..first + article.deals.len()).unwrap_or_default().to_vec();
        let story = views::story(self.site, &self.urls, index);
        let related: Vec<Value> = self.site.related[index].iter().map(|&i| self.cards[i].clone()).collect();
        let article_value = views::article(article, &self.cards[index], previous, next, story, deals, related);
        self.render_template("article.html", output, vec![("article", article_value)])
    }

    fn render_page(&self, output: &Output, index: usize) -> Result<String, Diagnostic> {
        let page = &self.site.pages[index];
        let page_value = map([
            ("title", Value::from(page.title.as_str())),
            ("slug", Value::from(page.slug.as_str())),
            ("url", Value::from(self.urls.of(&urls::page_dir(&page.slug)))),
            ("summary", Value::from(page.summary.as_str())),
            ("content", Value::from(page.html.as_str())),
            ("date", page.date.as_ref().map_or_else(Value::none, |d| value(&DateView::new(d)))),
            ("updated", page.updated.as_ref().map_or_else(Value::none, |d| value(&DateView::new(d)))),
            ("extra", views::toml_table(page.extra.iter())),
        ]);
        self.render_template("page.html", output, vec![("page", page_value)])
    }

    fn tag_value(&self, tag: usize) -> Value {
        let entry = &self.site.tags[tag];
        let dir = urls::tag_dir(&entry.slug, 1);
        map([
            ("name", Value::from(entry.name.as_str())),
            ("slug", Value::from(entry.slug.as_str())),
            ("url", Value::from(self.urls.of(&dir))),
            ("feed_url", Value::from(self.urls.of(&format!("{dir}{}", urls::FEED_FILE)))),
            ("count", Value::from(entry.articles.len())),
        ])
    }

    fn render_tag_index(&self, output: &Output) -> Result<String, Diagnostic> {
        let tags: Vec<Value> = (0..self.site.tags.len()).map(|t| self.tag_value(t)).collect();
        self.render_template("tags.html", output, vec![("tags", Value::from(tags))])
    }

    fn entity_value(&self, entity: usize) -> Value {
        let site = self.site;
        let entry = &site.entities[entity];
        let dir = urls::entity_dir(&entry.slug, 1);
        let link = |id: usize| value(&views::entity_link(&site.entities[id], &self.urls));
        let related: Vec<Value> = entry
            .related
            .iter()
            .map(|&(id, shared)| {
                let mut related = link(id).as_map().cloned().unwrap_or_default();
                related.insert("shared".into(), Value::from(shared));
                Value::from(related)
            })
            .collect();
        let mentions: Vec<Value> =
            entry.mentioned_only.iter().take(site.config.paginate_by).map(|&i| self.cards[i].clone()).collect();
        map([
            ("name", Value::from(entry.name.as_str())),
            ("slug", Value::from(entry.slug.as_str())),
            ("kind", Value::from(entry.kind.as_str())),
            ("aliases", Value::from(entry.aliases.clone())),
            ("url", Value::from(self.urls.of(&dir))),
            ("feed_url", Value::from(self.urls.of(&format!("{dir}{}", urls::FEED_FILE)))),
            ("profile", Value::from(entry.profile_html.as_str())),
            ("summary", Value::from(entry.summary.as_str())),
            ("has_profile", Value::from(entry.path.is_some())),
            ("image", image_view::image_value(entry.image.as_ref(), &self.urls)),
            ("parent", entry.parent.map_or_else(Value::none, link)),
            ("children", Value::from(entry.children.iter().map(|&c| link(c)).collect::<Vec<_>>())),
            ("related", Value::from(related)),
            ("mentioned_in", Value::from(mentions)),
            ("mention_count", Value::from(entry.mentioned_only.len())),
            ("count", Value::from(entry.tagged.len())),
        ])
    }

    fn render_entity(&self, output: &Output, entity: usize, page: usize) -> Result<String, Diagnostic> {
        let entry = &self.site.entities[entity];
        let mut entity_value = self.entity_value(entity);
        if let Some(fields) = entity_value.as_map() {
            let mut fields = fields.clone();
            let deals = self.entity_deals[entity].get_or_init(|| self.entity_deal_values(entity));
            for (key, value) in deals {
                fields.insert((*key).into(), value.clone());
            }
            entity_value = Value::from(fields);
        }
        let total_pages = crate::plan::entity_page_count(self.site, entity);
        self.render_list_of_pages(
            "entity.html",
            output,
            (page, total_pages),
            &entry.tagged,
            |n| urls::entity_dir(&entry.slug, n),
            vec![("entity", entity_value), ("below", self.below_value(entity, page))],
        )
    }

    fn render_entity_index(&self, output: &Output) -> Result<String, Diagnostic> {
        use crate::load::frontmatter::EntityKind;
        let site = self.site;
        let mut groups = Vec::new();
        for kind in [EntityKind::Organization, EntityKind::Person, EntityKind::Place, EntityKind::Other] {
            let mut members: Vec<&crate::model::Entity> = site.entities.iter().filter(|e| e.kind == kind).collect();
            if members.is_empty() {
                continue;
            }
            members.sort_by_cached_key(|e| e.name.to_lowercase());
            let entities: Vec<Value> = members.iter().map(|e| value(&views::entity_link(e, &self.urls))).collect();
            groups.push(map([
                ("kind", Value::from(kind.as_str())),
                ("label", Value::from(kind.plural_label())),
                ("entities", Value::from(entities)),
            ]));
        }
        self.render_template("entities.html", output, vec![("groups", Value::from(groups))])
    }

    fn render_archive(&self, output: &Output) -> Result<String, Diagnostic> {
        use chrono::Datelike;
        let mut years: Vec<Value> = Vec::new();
        let mut months: Vec<Value> = Vec::new();
        let mut month_items: Vec<Value> = Vec::new();
        let articles = &self.site.articles;
        for (index, article) in articles.iter().enumerate() {
            month_items.push(self.cards[index].clone());
            let next = articles.get(index + 1);
            let month_ends =
                next.is_none_or(|n| (n.date.year(), n.date.month()) != (article.date.year(), article.date.month()));
            let year_ends = next.is_none_or(|n| n.date.year() != article.date.year());
            if month_ends {
                months.push(map([
                    ("number", Value::from(article.date.month())),
                    ("name", Value::from(article.date.format("%B").to_string())),
                    ("articles", Value::from(std::mem::take(&mut month_items))),
                ]));
            }
            if year_ends {
                years.push(map([
                    ("year", Value::from(article.date.year())),
                    ("months", Value::from(std::mem::take(&mut months))),
                ]));
            }
        }
        self.render_template("archive.html", output, vec![("years", Value::from(years))])
    }

    /// `/search/`: where the primary search bundle is, and the languages merged into it.
    fn render_search(&self, output: &Output) -> Result<String, Diagnostic> {
        let bundles = crate::plan::search_bundles(self.site);
        let bundle_url = bundles.first().map_or_else(String::new, |b| self.urls.of(&b.dir));
        let languages: Vec<Value> = bundles.iter().skip(1).map(|b| Value::from(b.language.as_str())).collect();
        let search = map([("bundle_url", Value::from(bundle_url)), ("languages", Value::from(languages))]);
        self.render_template("search.html", output, vec![("search", search)])
    }

    /// `/sitemap.xml` (`part` None): the sitemap, or the index of its parts when the site has
    /// more pages than one sitemap may list; `sitemap-N.xml`, part N.
    fn sitemap_text(&self, part: Option<usize>) -> String {
        match part {
            None if self.sitemap.len() > SITEMAP_LIMIT => {
                let parts: Vec<String> = (1..=self.sitemap.len().div_ceil(SITEMAP_LIMIT))
                    .map(|n| self.urls.of(&format!("sitemap-{n}.xml")))
                    .collect();
                feeds::sitemap_index(&parts)
            }
            None => feeds::sitemap(&self.sitemap),
            Some(part) => {
                let start = (part - 1) * SITEMAP_LIMIT;
                feeds::sitemap(&self.sitemap[start..(start + SITEMAP_LIMIT).min(self.sitemap.len())])
            }
        }
    }

    /// A tag's or an entity's feed: titled with its name and the site's title.
    fn term_feed(&self, name: &str, page_dir: &str, articles: &[usize]) -> String {
        self.feed(format!("{name} — {}", self.site.config.title), page_dir, articles)
    }

    fn feed(&self, title: String, page_dir: &str, articles: &[usize]) -> String {
        self.feed_in(&self.site.config.language, title, page_dir, articles)
    }

    fn feed_in(&self, language: &str, title: String, page_dir: &str, articles: &[usize]) -> String {
        let spec = FeedSpec {
            title,
            feed_url: self.urls.of(&format!("{page_dir}{}", urls::FEED_FILE)),
            page_url: self.urls.of(page_dir),
            articles,
        };
        let entry =
            |index: usize| self.feed_entries[index].get_or_init(|| feeds::entry(self.site, &self.urls, index)).as_str();
        feeds::atom_in(self.site, language, &spec, entry)
    }
}

/// Renders each article's card through `partials/card.html` once, in parallel, and keeps the
/// HTML in the card as `html`, so that list pages only copy it.
pub fn render_cards(
    templates: &Templates,
    site_value: &Value,
    cards: Vec<Value>,
) -> Result<Vec<Value>, Vec<Diagnostic>> {
    use rayon::prelude::*;
    const CARD: &str = "partials/card.html";
    cards
        .into_par_iter()
        .map(|card| {
            let mut context = Context::new();
            context.insert_value("site", site_value.clone());
            context.insert_value("item", card.clone());
            let html = templates.tera.render(CARD, &context).map_err(|error| {
                vec![templates.error(CARD, &error).note("a card receives `site` and `item` (see the README)")]
            })?;
            let mut fields = card.as_map().cloned().unwrap_or_default();
            fields.insert("html".into(), Value::safe_string(&html));
            Ok(Value::from(fields))
        })
        .collect()
}

/// The `site` variable of every template.
pub fn site_value(site: &Site, urls: &Urls) -> Value {
    let config = &site.config;
    let mut stylesheets = vec![urls.of("theme.css")];
    if site.static_files.iter().any(|f| f.as_os_str() == "style.css") {
        stylesheets.push(urls.of("style.css"));
    }
    let logo = site.static_files.iter().find(|f| f.as_os_str() == "logo.svg").map(|_| urls.of("logo.svg"));
    let pages: Vec<Value> = site
        .pages
        .iter()
        .map(|p| {
            map([("title", Value::from(p.title.as_str())), ("url", Value::from(urls.of(&urls::page_dir(&p.slug))))])
        })
        .collect();
    map([
        ("title", Value::from(config.title.as_str())),
        ("base_url", Value::from(config.base_url.as_str())),
        ("language", Value::from(config.language.as_str())),
        ("description", Value::from(config.description.as_str())),
        ("paginate_by", Value::from(config.paginate_by)),
        ("feed_limit", Value::from(config.feed_limit)),
        ("feed_url", Value::from(urls.of(urls::FEED_FILE))),
        ("tags_url", Value::from(urls.of(urls::TAGS_DIR))),
        ("entities_url", Value::from(urls.of(urls::ENTITIES_DIR))),
        ("archive_url", Value::from(urls.of(urls::ARCHIVE_DIR))),
        ("deals_url", if site.config.deals { Value::from(urls.of(&urls::deals_dir(1))) } else { Value::none() }),
        ("authors_url", Value::from(urls.of(urls::AUTHORS_DIR))),
        ("corrections_url", Value::from(urls.of(urls::CORRECTIONS_DIR))),
        ("twitter_site", config.news.twitter_site.as_deref().map_or_else(Value::none, Value::from)),
        ("search_url", if site.config.search { Value::from(urls.of(urls::SEARCH_DIR)) } else { Value::none() }),
        ("stylesheets", Value::from(stylesheets)),
        ("logo_url", Value::from(logo)),
        ("pages", Value::from(pages)),
        ("article_count", Value::from(site.articles.len())),
        ("languages", Value::from(site.languages.iter().map(|l| views::language(l, urls)).collect::<Vec<_>>())),
    ])
}

/// Every HTML page but the 404 page, with the article's last change as `lastmod`.
fn sitemap_entries(site: &Site, urls: &Urls, outputs: &[Output]) -> Vec<SitemapEntry> {
    outputs
        .iter()
        .filter(|o| crate::plan::in_sitemap(o))
        .map(|o| {
            let dir = o.path.strip_suffix("index.html").unwrap_or(&o.path);
            let (lastmod, alternates) = match o.content {
                Content::Article(i) => {
                    (Some(site.articles[i].modified().to_rfc3339()), views::alternates(site, urls, i))
                }
                _ => (None, Vec::new()),
            };
            SitemapEntry { url: urls.of(dir), lastmod, alternates }
        })
        .collect()
}
