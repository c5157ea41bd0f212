//! Stage 4, plan: the `Site` → the list of outputs, each a path and what renders it.
//!
//! This is the one place that decides which files the build writes. Two sources that would
//! write the same path are an error naming both; every path stays inside the output folder,
//! since slugs are single path segments (checked in the model stage).

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::urls;

/// What renders an output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Home {
        page: usize,
    },
    Article(usize),
    Page(usize),
    TagIndex,
    Tag {
        tag: usize,
        page: usize,
    },
    TagFeed(usize),
    EntityIndex,
    Entity {
        entity: usize,
        page: usize,
    },
    EntityFeed(usize),
    Archive,
    /// `/deals/`: every deal, newest first, paginated.
    Deals {
        page: usize,
    },
    /// One facet value's deals (`site.deals.facets[facet]`), paginated.
    DealFacet {
        facet: usize,
        page: usize,
    },
    /// `/deals/atom.xml`: the newest deals.
    DealsFeed,
    DealsCsv,
    DealsJson,
    /// `/<lang>/`: one language's articles, on a site with several.
    Language {
        language: usize,
        page: usize,
    },
    LanguageFeed(usize),
    /// `/authors/`: every author.
    AuthorIndex,
    Author {
        author: usize,
        page: usize,
    },
    AuthorFeed(usize),
    /// `/corrections/`, paginated, and its feed.
    Corrections {
        page: usize,
    },
    CorrectionsFeed,
    /// `news-sitemap.xml`: the Google News sitemap, or the index of its parts.
    NewsSitemap,
    /// `news-sitemap-N.xml`, when the last two days have more articles than one file may list.
    NewsSitemapPart(usize),
    /// `/search/`, with the cargo feature `search`; its index is written by the `search` stage.
    Search,
    SiteFeed,
    /// `sitemap.xml`: the sitemap, or the index of its parts on very large sites.
    Sitemap,
    /// `sitemap-N.xml`, when the site has more pages than one sitemap may list.
    SitemapPart(usize),
    Robots,
    NotFound,
    /// A file of the built-in theme, by name.
    ThemeAsset(&'static str),
    /// A file below `static/`, copied byte for byte.
    Static(PathBuf),
    /// An image variant, copied from this file (in the image cache, or the source itself).
    Image(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Output {
    /// Relative to the output folder, with `/`.
    pub path: String,
    pub content: Content,
}

/// An entity's pages: enough for its own articles and for those about what lies below it.
pub fn entity_page_count(site: &Site, entity: usize) -> usize {
    let below = site.deals.of_entity(entity).map_or(0, |r| r.below.len());
    page_count(site.entities[entity].tagged.len().max(below), site.config.paginate_by)
}

/// The folder of the search bundle, below the output root.
pub const BUNDLE_DIR: &str = "pagefind/";

/// One language's search bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub language: String,
    /// Below the output root, ending with `/`.
    pub dir: String,
    /// Indexes into `site.articles`.
    pub articles: Vec<usize>,
}

/// The bundles of a site, the primary one (at `pagefind/`) first: the site's language, or the
/// language of most articles when none is in the site's language.
pub fn search_bundles(site: &Site) -> Vec<Bundle> {
    let mut groups: Vec<Bundle> = Vec::new();
    for (index, article) in site.articles.iter().enumerate() {
        match groups.iter_mut().find(|g| g.language == article.language) {
            Some(group) => group.articles.push(index),
            None => {
                groups.push(Bundle { language: article.language.clone(), dir: String::new(), articles: vec![index] })
            }
        }
    }
    let primary = groups
        .iter()
        .position(|g| g.language == site.config.language)
        .or_else(|| (0..groups.len()).max_by_key(|&i| (groups[i].articles.len(), std::cmp::Reverse(i))));
    match primary {
        Some(i) => groups[..=i].rotate_right(1),
        None => groups.push(Bundle { language: site.config.language.clone(), dir: String::new(), articles: vec![] }),
    }
    groups[1..].sort_by(|a, b| a.language.cmp(&b.language));
    // Only the primary bundle can have the site's language, which is free text: the others are
    // detected codes (`zh`, `ja`, `ko`), plain path segments that `search.html` builds too.
    for (i, group) in groups.iter_mut().enumerate() {
        group.dir = if i == 0 { BUNDLE_DIR.to_string() } else { format!("{BUNDLE_DIR}{}/", group.language) };
    }
    groups
}

/// The most URLs one sitemap file may list (sitemaps.org); more make a sitemap index.
pub const SITEMAP_LIMIT: usize = 50_000;

/// Whether the sitemap lists an output: every HTML page but the 404 page.
pub fn in_sitemap(output: &Output) -> bool {
    output.path.ends_with("index.html")
}

/// How many list pages `count` items need (at least one: an empty list still has its page).
pub fn page_count(count: usize, per_page: usize) -> usize {
    count.div_ceil(per_page.max(1)).max(1)
}

/// Every output of the site, in a fixed order: the HTML pages first, then the feeds, sitemaps
/// and copied files. Outputs that would write one path are errors (`check_collisions`).
pub fn plan(site: &Site) -> Result<Vec<Output>, Vec<Diagnostic>> {
    let mut outputs = Vec::new();
    plan_content_pages(site, &mut outputs);
    plan_list_pages(site, &mut outputs);
    if site.config.search {
        outputs.push(html_page(urls::SEARCH_DIR.into(), Content::Search));
    }
    if site.config.deals {
        plan_deals(site, &mut outputs);
    }
    plan_files(site, &mut outputs);
    check_collisions(site, &outputs)?;
    Ok(outputs)
}

/// An HTML page: the `index.html` of its folder.
fn html_page(dir: String, content: Content) -> Output {
    Output { path: format!("{dir}index.html"), content }
}

/// A feed: the Atom file of its list's folder.
fn feed(dir: &str, content: Content) -> Output {
    Output { path: format!("{dir}{}", urls::FEED_FILE), content }
}

/// The pages of a list of `count` items: `dir(page)` and `content(page)` for each page.
fn plan_paginated(
    outputs: &mut Vec<Output>,
    count: usize,
    per_page: usize,
    dir: impl Fn(usize) -> String,
    content: impl Fn(usize) -> Content,
) {
    outputs.extend((1..=page_count(count, per_page)).map(|page| html_page(dir(page), content(page))));
}

/// The home page's pages, then every article and every page.
fn plan_content_pages(site: &Site, outputs: &mut Vec<Output>) {
    let per_page = site.config.paginate_by;
    plan_paginated(outputs, site.articles.len(), per_page, urls::home_dir, |page| Content::Home { page });
    for (index, article) in site.articles.iter().enumerate() {
        outputs.push(html_page(urls::article_dir(&article.slug), Content::Article(index)));
    }
    for (index, page) in site.pages.iter().enumerate() {
        outputs.push(html_page(urls::page_dir(&page.slug), Content::Page(index)));
    }
}

/// The lists of articles: by tag, by entity, the archive, by language, by author, and the
/// corrections; each list of names before its lists.
fn plan_list_pages(site: &Site, outputs: &mut Vec<Output>) {
    let per_page = site.config.paginate_by;
    outputs.push(html_page(urls::TAGS_DIR.into(), Content::TagIndex));
    for (tag, entry) in site.tags.iter().enumerate() {
        let dir = |page| urls::tag_dir(&entry.slug, page);
        plan_paginated(outputs, entry.articles.len(), per_page, dir, |page| Content::Tag { tag, page });
    }
    outputs.push(html_page(urls::ENTITIES_DIR.into(), Content::EntityIndex));
    for (entity, entry) in site.entities.iter().enumerate() {
        for page in 1..=entity_page_count(site, entity) {
            outputs.push(html_page(urls::entity_dir(&entry.slug, page), Content::Entity { entity, page }));
        }
    }
    outputs.push(html_page(urls::ARCHIVE_DIR.into(), Content::Archive));
    for (language, entry) in site.languages.iter().enumerate() {
        let dir = |page| urls::language_dir(&entry.folder, page);
        plan_paginated(outputs, entry.articles.len(), per_page, dir, |page| Content::Language { language, page });
    }
    outputs.push(html_page(urls::AUTHORS_DIR.into(), Content::AuthorIndex));
    for (author, entry) in site.authors.iter().enumerate() {
        let dir = |page| urls::author_dir(&entry.slug, page);
        plan_paginated(outputs, entry.articles.len(), per_page, dir, |page| Content::Author { author, page });
    }
    let corrections = |page| Content::Corrections { page };
    plan_paginated(outputs, site.corrections.len(), per_page, urls::corrections_dir, corrections);
}

/// `/deals/` and each facet's pages, then the deals' feed and data files.
fn plan_deals(site: &Site, outputs: &mut Vec<Output>) {
    let per_page = site.config.paginate_by;
    plan_paginated(outputs, site.deals.all.len(), per_page, urls::deals_dir, |page| Content::Deals { page });
    for (facet, entry) in site.deals.facets.iter().enumerate() {
        let dir = |page| urls::deal_facet_dir(entry.kind.as_str(), &entry.slug, page);
        plan_paginated(outputs, entry.list.deals.len(), per_page, dir, |page| Content::DealFacet { facet, page });
    }
    outputs.push(feed(urls::DEALS_DIR, Content::DealsFeed));
    outputs.push(Output { path: urls::DEALS_CSV.to_string(), content: Content::DealsCsv });
    outputs.push(Output { path: urls::DEALS_JSON.to_string(), content: Content::DealsJson });
}

/// The outputs that are not HTML pages: feeds, sitemaps, robots.txt, the 404 page, the
/// theme's assets and the static files.
fn plan_files(site: &Site, outputs: &mut Vec<Output>) {
    plan_list_feeds(site, outputs);
    plan_news_sitemaps(site, outputs);
    for (path, content) in [
        (urls::FEED_FILE, Content::SiteFeed),
        ("sitemap.xml", Content::Sitemap),
        ("robots.txt", Content::Robots),
        ("404.html", Content::NotFound),
    ] {
        outputs.push(Output { path: path.into(), content });
    }
    plan_sitemap_parts(outputs);
    plan_copies(site, outputs);
}

/// The feed of each tag, entity, language and author, and of the corrections.
fn plan_list_feeds(site: &Site, outputs: &mut Vec<Output>) {
    for (tag, entry) in site.tags.iter().enumerate() {
        outputs.push(feed(&urls::tag_dir(&entry.slug, 1), Content::TagFeed(tag)));
    }
    for (entity, entry) in site.entities.iter().enumerate() {
        outputs.push(feed(&urls::entity_dir(&entry.slug, 1), Content::EntityFeed(entity)));
    }
    for (language, entry) in site.languages.iter().enumerate() {
        outputs.push(feed(&urls::language_dir(&entry.folder, 1), Content::LanguageFeed(language)));
    }
    for (author, entry) in site.authors.iter().enumerate() {
        outputs.push(feed(&urls::author_dir(&entry.slug, 1), Content::AuthorFeed(author)));
    }
    outputs.push(feed(urls::CORRECTIONS_DIR, Content::CorrectionsFeed));
}

/// The news sitemap, and its parts when one file cannot list every recent article.
fn plan_news_sitemaps(site: &Site, outputs: &mut Vec<Output>) {
    outputs.push(Output { path: urls::news_sitemap_file(0), content: Content::NewsSitemap });
    let news_parts = crate::model::news::part_count(site);
    for part in (1..=news_parts).filter(|_| news_parts > 1) {
        outputs.push(Output { path: urls::news_sitemap_file(part), content: Content::NewsSitemapPart(part) });
    }
}

/// The sitemap's parts, when the HTML pages planned so far are more than one sitemap lists.
fn plan_sitemap_parts(outputs: &mut Vec<Output>) {
    let html_pages = outputs.iter().filter(|o| in_sitemap(o)).count();
    if html_pages > SITEMAP_LIMIT {
        for part in 1..=html_pages.div_ceil(SITEMAP_LIMIT) {
            outputs.push(Output { path: format!("sitemap-{part}.xml"), content: Content::SitemapPart(part) });
        }
    }
}

/// The files copied as they are: the theme's assets, the static files, the image variants.
fn plan_copies(site: &Site, outputs: &mut Vec<Output>) {
    for asset in crate::theme::ASSETS {
        outputs.push(Output { path: asset.name.into(), content: Content::ThemeAsset(asset.name) });
    }
    for file in &site.static_files {
        let path = file.to_string_lossy().replace('\\', "/");
        outputs.push(Output { path, content: Content::Static(file.clone()) });
    }
    for asset in &site.images {
        for variant in asset.variants() {
            let file = crate::model::images::variant_file(&site.config, asset, variant);
            outputs.push(Output { path: variant.path(), content: Content::Image(file) });
        }
    }
}

/// Who asked for an output, in words an editor recognises.
fn source_of(site: &Site, content: &Content) -> String {
    match content {
        Content::Article(i) => site.articles[*i].path.display().to_string(),
        Content::Page(i) => site.pages[*i].path.display().to_string(),
        Content::Static(path) => format!("static/{}", path.display()),
        Content::Image(path) => format!("the image {}", path.display()),
        Content::Tag { tag, .. } | Content::TagFeed(tag) => format!("the tag {:?}", site.tags[*tag].name),
        Content::Entity { entity, .. } | Content::EntityFeed(entity) => match &site.entities[*entity].path {
            Some(path) => path.display().to_string(),
            None => format!("the entity {:?}", site.entities[*entity].name),
        },
        Content::ThemeAsset(name) => format!("the built-in theme's {name}"),
        Content::Home { page: 1 } => "the home page".into(),
        Content::Home { page } => format!("page {page} of the home page"),
        Content::TagIndex => "the list of tags".into(),
        Content::EntityIndex => "the list of entities".into(),
        Content::Archive => "the archive".into(),
        Content::Deals { .. } | Content::DealsFeed | Content::DealsCsv | Content::DealsJson => "the deals pages".into(),
        Content::DealFacet { facet, .. } => {
            let facet = &site.deals.facets[*facet];
            format!("the deals of the {} {:?}", facet.kind.as_str(), facet.name)
        }
        Content::Language { language, .. } | Content::LanguageFeed(language) => {
            let entry = &site.languages[*language];
            format!(
                "the list of articles in `{}` (/{}/, e.g. {})",
                entry.tag,
                entry.folder,
                entry.articles.first().map_or_else(String::new, |&a| site.articles[a].path.display().to_string())
            )
        }
        Content::AuthorIndex => "the list of authors".into(),
        Content::Author { author, .. } | Content::AuthorFeed(author) => match &site.authors[*author].profile {
            Some(profile) => profile.path.display().to_string(),
            None => format!("the byline {:?}", site.authors[*author].name),
        },
        Content::Corrections { .. } | Content::CorrectionsFeed => "the corrections page".into(),
        Content::NewsSitemap | Content::NewsSitemapPart(_) => "the news sitemap".into(),
        Content::Search => "the search page".into(),
        Content::SiteFeed => "the site's Atom feed".into(),
        Content::Sitemap | Content::SitemapPart(_) => "the sitemap".into(),
        Content::Robots => "robots.txt".into(),
        Content::NotFound => "the 404 page".into(),
    }
}

fn check_collisions(site: &Site, outputs: &[Output]) -> Result<(), Vec<Diagnostic>> {
    let mut first_writer: HashMap<&str, &Content> = HashMap::with_capacity(outputs.len());
    let mut errors = Vec::new();
    for output in outputs {
        if crate::config::SEARCH_ENABLED && output.path.starts_with(BUNDLE_DIR) {
            let mut error = Diagnostic::error(
                "E040",
                format!(
                    "{} would write {}, inside the search index's folder",
                    source_of(site, &output.content),
                    output.path
                ),
            )
            .hint(format!(
                "`{}` belongs to the search index: give the page another slug, or move the file",
                BUNDLE_DIR
            ));
            if let Content::Page(i) = &output.content {
                error = error.in_file(&site.pages[*i].path);
            }
            errors.push(error);
        }
        if let Some(previous) = first_writer.insert(&output.path, &output.content) {
            if let Some(error) = language_collision(site, &output.path, previous, &output.content) {
                errors.push(error);
                continue;
            }
            let (first, second) = (source_of(site, previous), source_of(site, &output.content));
            let mut error =
                Diagnostic::error("E040", format!("two sources would write {}: {first} and {second}", output.path))
                    .hint("give one of them another slug (or file name), or remove one");
            if let Content::Article(i) | Content::Page(i) = &output.content {
                let path = match &output.content {
                    Content::Article(_) => &site.articles[*i].path,
                    _ => &site.pages[*i].path,
                };
                error = error.in_file(path);
            }
            errors.push(error.note(format!("the other source is {first}")));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// A language's folder is its tag: a page or static file there is reported with what to do.
fn language_collision(site: &Site, path: &str, first: &Content, second: &Content) -> Option<Diagnostic> {
    let is_language = |c: &Content| matches!(c, Content::Language { .. } | Content::LanguageFeed(_));
    let (language, other) = match (is_language(first), is_language(second)) {
        (true, _) => (first, second),
        (_, true) => (second, first),
        _ => return None,
    };
    let mut error = Diagnostic::error(
        "E023",
        format!("{} and {} would both write {path}", source_of(site, language), source_of(site, other)),
    )
    .hint(
        "a language's articles are listed at /<language>/ (its tag in lowercase): give the page another slug, or move the file",
    );
    match other {
        Content::Page(i) => error = error.in_file(&site.pages[*i].path).field("slug"),
        Content::Static(file) => error = error.in_file(format!("static/{}", file.display())),
        _ => {}
    }
    Some(error)
}

/// One part of the model that an output's render reads. `reads` names the parts of each
/// output; `serve` fingerprints an output by the parts it reads and re-renders it only when
/// one of them changed (see docs/architecture.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// An article's card, as lists show it.
    Card(usize),
    /// Everything of an article: its page and its feed entry.
    Article(usize),
    /// A tag's name, slug and article count.
    Tag(usize),
    /// An entity page's `entity` variable: profile, parent, children, related, counts.
    Entity(usize),
    /// What a link to an entity shows.
    EntityLink(usize),
    Page(usize),
    /// A language's tag, folder and article count.
    Language(usize),
    /// The list of HTML pages with their last change.
    Sitemap,
    /// The newest change of any article (an empty feed's `updated`).
    NewestChange,
    /// An author page's `author` variable (profile, name, count).
    Author(usize),
    /// One entry of the corrections log: the correction, its article and card.
    Correction(usize),
    /// What the news sitemap shows of an article.
    NewsEntry(usize),
    /// A number the render shows or depends on (a count, whether a neighbour exists).
    Number(usize),
    /// A deal's row (by deal id): the deal, its article's card, the names of its investors
    /// and of its place and the places above it.
    Deal(usize),
    /// A deal facet's name, slug, entity and number of deals (a link on `/deals/`).
    Facet(usize),
}

/// Where `reads` names the parts, with the shapes most outputs share: a page of a list, a
/// feed, a term's page or feed.
struct Reader<'a, 'r> {
    site: &'a Site,
    read: &'r mut dyn FnMut(Part),
}

impl Reader<'_, '_> {
    fn part(&mut self, part: Part) {
        (self.read)(part);
    }

    fn each(&mut self, parts: impl Iterator<Item = Part>) {
        parts.for_each(|part| (self.read)(part));
    }

    /// A page of a list of `len` articles, `at(n)` the n-th: its length and its cards.
    fn list(&mut self, len: usize, at: impl Fn(usize) -> usize, page: usize) {
        (self.read)(Part::Number(len));
        page_range(len, page, self.site.config.paginate_by).for_each(|n| (self.read)(Part::Card(at(n))));
    }

    /// A feed of such a list: its newest articles, or the newest change of any when it is empty.
    fn feed(&mut self, len: usize, at: impl Fn(usize) -> usize) {
        let shown = len.min(self.site.config.feed_limit);
        (0..shown).for_each(|n| (self.read)(Part::Article(at(n))));
        if shown == 0 {
            (self.read)(Part::NewestChange);
        }
    }

    /// A term's page (with `page`) or feed: the term, then its articles.
    fn term(&mut self, head: Part, items: &[usize], page: Option<usize>) {
        (self.read)(head);
        match page {
            Some(page) => self.list(items.len(), |n| items[n], page),
            None => self.feed(items.len(), |n| items[n]),
        }
    }
}

/// Names, in order, every part of the model that the render of `content` reads, besides what
/// every output reads (settings, templates, the `site` variable). A new page kind lists its
/// parts here, beside its `plan` entry; nothing else needs to know about it.
pub fn reads(site: &Site, content: &Content, read: &mut dyn FnMut(Part)) {
    let mut reader = Reader { site, read };
    let all = |n: usize| n;
    match content {
        Content::Home { page } => reader.list(site.articles.len(), all, *page),
        Content::Article(i) => article_reads(site, *i, reader.read),
        Content::Page(i) => reader.part(Part::Page(*i)),
        Content::TagIndex => reader.each((0..site.tags.len()).map(Part::Tag)),
        Content::Tag { tag, page } => reader.term(Part::Tag(*tag), &site.tags[*tag].articles, Some(*page)),
        Content::TagFeed(tag) => reader.term(Part::Tag(*tag), &site.tags[*tag].articles, None),
        Content::EntityIndex => reader.each((0..site.entities.len()).map(Part::EntityLink)),
        Content::Entity { entity, page } => entity_reads(&mut reader, *entity, *page),
        Content::EntityFeed(entity) => reader.term(Part::EntityLink(*entity), &site.entities[*entity].tagged, None),
        // The archive groups the cards by their dates; the search page names the languages.
        Content::Archive | Content::Search => reader.each((0..site.articles.len()).map(Part::Card)),
        Content::Language { language, page } => {
            reader.term(Part::Language(*language), &site.languages[*language].articles, Some(*page))
        }
        Content::LanguageFeed(language) => {
            reader.term(Part::Language(*language), &site.languages[*language].articles, None)
        }
        Content::SiteFeed => reader.feed(site.articles.len(), all),
        Content::Sitemap | Content::SitemapPart(_) => reader.part(Part::Sitemap),
        Content::AuthorIndex => reader.each((0..site.authors.len()).map(Part::Author)),
        Content::Author { author, page } => {
            reader.term(Part::Author(*author), &site.authors[*author].articles, Some(*page))
        }
        Content::AuthorFeed(author) => reader.term(Part::Author(*author), &site.authors[*author].articles, None),
        Content::Corrections { .. } | Content::CorrectionsFeed => corrections_reads(site, reader.read),
        Content::NewsSitemap | Content::NewsSitemapPart(_) => {
            reader.each(crate::model::news::articles(site).into_iter().map(Part::NewsEntry));
        }
        // Their `Content` (hashed with the path) is all they read besides the settings;
        // static files are served from disk as they are at request time.
        Content::Robots | Content::NotFound | Content::ThemeAsset(_) | Content::Static(_) | Content::Image(_) => {}
        Content::Deals { page } => deal_page_reads(site, None, *page, reader.read),
        Content::DealFacet { facet, page } => deal_page_reads(site, Some(*facet), *page, reader.read),
        Content::DealsFeed => deals_feed_reads(site, reader.read),
        Content::DealsCsv | Content::DealsJson => reader.each((0..site.deals.all.len()).map(Part::Deal)),
    }
}

/// What an article page reads: itself, its card (the JSON-LD and meta), its deals, its related
/// articles' cards, the entities it names (JSON-LD types them by kind) and its neighbours.
fn article_reads(site: &Site, i: usize, read: &mut dyn FnMut(Part)) {
    read(Part::Article(i));
    read(Part::Card(i));
    let first = site.deals.first_of_article.get(i).copied().unwrap_or(0);
    (first..first + site.articles[i].deals.len()).for_each(|d| read(Part::Deal(d)));
    read(Part::Number(site.related[i].len()));
    site.related[i].iter().for_each(|&r| read(Part::Card(r)));
    site.articles[i].entities.iter().for_each(|&e| read(Part::EntityLink(e)));
    for neighbour in [i.checked_sub(1), Some(i + 1).filter(|&n| n < site.articles.len())] {
        read(Part::Number(usize::from(neighbour.is_some())));
        neighbour.into_iter().for_each(|n| read(Part::Card(n)));
    }
}

/// What a page of an entity reads: its profile, the cards of its lists (and of the places
/// below it), its page count and, on the first page, every deal its roll-up shows.
fn entity_reads(reader: &mut Reader, entity: usize, page: usize) {
    let site = reader.site;
    let entry = &site.entities[entity];
    reader.part(Part::Entity(entity));
    reader.each(entry.mentioned_only.iter().take(site.config.paginate_by).map(|&i| Part::Card(i)));
    reader.list(entry.tagged.len(), |n| entry.tagged[n], page);
    reader.part(Part::Number(entity_page_count(site, entity)));
    if let Some(rollup) = site.deals.of_entity(entity) {
        reader.list(rollup.below.len(), |n| rollup.below[n], page);
        if page == 1 {
            // The newest rows, the totals and the chart: every deal of the list.
            let shown = rollup.shown(entry.kind);
            reader.part(Part::Number(shown.deals.len()));
            reader.each(shown.deals.iter().map(|&d| Part::Deal(d)));
        }
    }
}

/// What the corrections page and its feed read: how many corrections, each of them, and the
/// newest change of any article.
fn corrections_reads(site: &Site, read: &mut dyn FnMut(Part)) {
    read(Part::Number(site.corrections.len()));
    (0..site.corrections.len()).for_each(|c| read(Part::Correction(c)));
    read(Part::NewestChange);
}

/// What a page of `/deals/` (`facet` None) or of a facet reads: its deals; `/deals/` links
/// every facet from its first page.
fn deal_page_reads(site: &Site, facet: Option<usize>, page: usize, read: &mut dyn FnMut(Part)) {
    let per_page = site.config.paginate_by;
    match facet {
        Some(facet) => {
            read(Part::Facet(facet));
            deal_list(&site.deals.facets[facet].list.deals, page, per_page, read);
        }
        None => {
            deal_list(&(0..site.deals.all.len()).collect::<Vec<_>>(), page, per_page, read);
            if page == 1 {
                (0..site.deals.facets.len()).for_each(|f| read(Part::Facet(f)));
            }
        }
    }
}

/// What the deals feed reads: its newest deals and their articles.
fn deals_feed_reads(site: &Site, read: &mut dyn FnMut(Part)) {
    for (id, at) in site.deals.all.iter().enumerate().take(site.config.feed_limit) {
        read(Part::Deal(id));
        read(Part::Article(at.article));
    }
    if site.deals.all.is_empty() {
        read(Part::NewestChange);
    }
}

/// A page of deals: its rows; the first page shows the totals and chart of all of them.
fn deal_list(deals: &[usize], page: usize, per_page: usize, read: &mut dyn FnMut(Part)) {
    read(Part::Number(deals.len()));
    let shown = if page == 1 { 0..deals.len() } else { page_range(deals.len(), page, per_page) };
    deals[shown].iter().for_each(|&d| read(Part::Deal(d)));
}

/// The items of page `page` (from 1) of a list of `len` items, `per_page` a page.
pub fn page_range(len: usize, page: usize, per_page: usize) -> std::ops::Range<usize> {
    let start = (page.saturating_sub(1) * per_page).min(len);
    start..(start + per_page).min(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_counts() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
    }
}
