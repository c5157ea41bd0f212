//! Stage 4, plan: the `Site` → the list of outputs, each a path and what renders it.
//!
//! This is the one place that decides which files the build writes. Two sources that would
//! write the same path are an error naming both; every path stays inside the output folder,
//! since slugs are single path segments (checked in the model stage).

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::render::feeds::SITEMAP_LIMIT;
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
}

#[derive(Debug, Clone)]
pub struct Output {
    /// Relative to the output folder, with `/`.
    pub path: String,
    pub content: Content,
}

/// How many list pages `count` items need (at least one: an empty list still has its page).
pub fn page_count(count: usize, per_page: usize) -> usize {
    count.div_ceil(per_page.max(1)).max(1)
}

pub fn plan(site: &Site) -> Result<Vec<Output>, Vec<Diagnostic>> {
    let per_page = site.config.paginate_by;
    let mut outputs = Vec::new();
    let mut push = |dir: String, content: Content| outputs.push(Output { path: format!("{dir}index.html"), content });

    for page in 1..=page_count(site.articles.len(), per_page) {
        push(urls::home_dir(page), Content::Home { page });
    }
    for (index, article) in site.articles.iter().enumerate() {
        push(urls::article_dir(&article.slug), Content::Article(index));
    }
    for (index, page) in site.pages.iter().enumerate() {
        push(urls::page_dir(&page.slug), Content::Page(index));
    }
    push(urls::TAGS_DIR.into(), Content::TagIndex);
    for (tag, entry) in site.tags.iter().enumerate() {
        for page in 1..=page_count(entry.articles.len(), per_page) {
            push(urls::tag_dir(&entry.slug, page), Content::Tag { tag, page });
        }
    }
    push(urls::ENTITIES_DIR.into(), Content::EntityIndex);
    for (entity, entry) in site.entities.iter().enumerate() {
        for page in 1..=page_count(entry.tagged.len(), per_page) {
            push(urls::entity_dir(&entry.slug, page), Content::Entity { entity, page });
        }
    }
    push(urls::ARCHIVE_DIR.into(), Content::Archive);
    push(urls::AUTHORS_DIR.into(), Content::AuthorIndex);
    for (author, entry) in site.authors.iter().enumerate() {
        for page in 1..=page_count(entry.articles.len(), per_page) {
            push(urls::author_dir(&entry.slug, page), Content::Author { author, page });
        }
    }
    for page in 1..=page_count(site.corrections.len(), per_page) {
        push(urls::corrections_dir(page), Content::Corrections { page });
    }
    if site.config.search {
        push(urls::SEARCH_DIR.into(), Content::Search);
    }

    for (tag, entry) in site.tags.iter().enumerate() {
        outputs.push(Output {
            path: format!("{}{}", urls::tag_dir(&entry.slug, 1), urls::FEED_FILE),
            content: Content::TagFeed(tag),
        });
    }
    for (entity, entry) in site.entities.iter().enumerate() {
        outputs.push(Output {
            path: format!("{}{}", urls::entity_dir(&entry.slug, 1), urls::FEED_FILE),
            content: Content::EntityFeed(entity),
        });
    }
    for (author, entry) in site.authors.iter().enumerate() {
        outputs.push(Output {
            path: format!("{}{}", urls::author_dir(&entry.slug, 1), urls::FEED_FILE),
            content: Content::AuthorFeed(author),
        });
    }
    outputs.push(Output {
        path: format!("{}{}", urls::CORRECTIONS_DIR, urls::FEED_FILE),
        content: Content::CorrectionsFeed,
    });
    outputs.push(Output { path: urls::news_sitemap_file(0), content: Content::NewsSitemap });
    let news_parts = crate::model::news::part_count(site);
    for part in (1..=news_parts).filter(|_| news_parts > 1) {
        outputs.push(Output { path: urls::news_sitemap_file(part), content: Content::NewsSitemapPart(part) });
    }
    for (path, content) in [
        (urls::FEED_FILE, Content::SiteFeed),
        ("sitemap.xml", Content::Sitemap),
        ("robots.txt", Content::Robots),
        ("404.html", Content::NotFound),
    ] {
        outputs.push(Output { path: path.into(), content });
    }
    let html_pages = outputs.iter().filter(|o| o.path.ends_with("index.html")).count();
    if html_pages > SITEMAP_LIMIT {
        for part in 1..=html_pages.div_ceil(SITEMAP_LIMIT) {
            outputs.push(Output { path: format!("sitemap-{part}.xml"), content: Content::SitemapPart(part) });
        }
    }
    for asset in crate::render::theme::ASSETS {
        outputs.push(Output { path: asset.name.into(), content: Content::ThemeAsset(asset.name) });
    }
    for file in &site.static_files {
        let path = file.to_string_lossy().replace('\\', "/");
        outputs.push(Output { path, content: Content::Static(file.clone()) });
    }
    check_collisions(site, &outputs)?;
    Ok(outputs)
}

/// Who asked for an output, in words an editor recognises.
fn source_of(site: &Site, content: &Content) -> String {
    match content {
        Content::Article(i) => site.articles[*i].path.display().to_string(),
        Content::Page(i) => site.pages[*i].path.display().to_string(),
        Content::Static(path) => format!("static/{}", path.display()),
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
        if crate::search::ENABLED && output.path.starts_with(crate::search::BUNDLE_DIR) {
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
                crate::search::BUNDLE_DIR
            ));
            if let Content::Page(i) = &output.content {
                error = error.in_file(&site.pages[*i].path);
            }
            errors.push(error);
        }
        if let Some(previous) = first_writer.insert(&output.path, &output.content) {
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
