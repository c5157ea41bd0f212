//! What search engines and social networks read of a page: schema.org JSON-LD, Open Graph and
//! Twitter (X) card tags, and breadcrumbs.
//!
//! In: the model and one page's facts. Out: the `seo` template variable (`seo.meta`, a list
//! of `{property | name, content}`, and `seo.json_ld`, the script's text) and `breadcrumbs`.
//! JSON-LD is made with serde_json and then escaped so that no string can end the script
//! element or break a parser: `<`, `>`, `&`, U+2028 and U+2029 become `\uXXXX` escapes.

use serde_json::{Value as Json, json};
use tera::Value;

use super::views::map;
use crate::load::frontmatter::EntityKind;
use crate::model::authors::Author;
use crate::model::images::{ImageUse, Variant};
use crate::model::{Article, Entity, Site};
use crate::slug::slugify;
use crate::urls::{self, Urls};

/// `og:type`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum OgType {
    Website,
    Article,
    Profile,
}

/// One page as social cards describe it.
pub struct PageFacts<'a> {
    pub og_type: OgType,
    pub title: &'a str,
    pub description: &'a str,
    pub url: &'a str,
    pub language: &'a str,
    /// The article whose times, authors and tags the card carries.
    pub article: Option<&'a Article>,
    /// The page's own image (lead image, logo, portrait): its share JPEG is the `og:image`.
    pub image: Option<&'a ImageUse>,
}

impl<'a> PageFacts<'a> {
    pub fn website(title: &'a str, description: &'a str, url: &'a str, language: &'a str) -> Self {
        PageFacts { og_type: OgType::Website, title, description, url, language, article: None, image: None }
    }
}

/// A link in a breadcrumb trail: (name, absolute URL).
pub type Crumb = (String, String);

/// JSON as the text of a `<script type="application/ld+json">` element.
pub fn script_text(value: &Json) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        // These only occur inside JSON strings, where a \u escape means the same character.
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(ch),
        }
    }
    out
}

/// The `seo` variable: card tags, and the JSON-LD script text (`none` when there is none).
pub fn seo(site: &Site, urls: &Urls, facts: &PageFacts, json_ld: Option<Json>) -> Value {
    let meta = card_tags(site, urls, facts);
    let tags: Vec<Value> = meta
        .into_iter()
        .map(|(attribute, key, content)| map([(attribute, Value::from(key)), ("content", Value::from(content))]))
        .collect();
    let script = json_ld.map_or_else(Value::none, |ld| Value::safe_string(&script_text(&ld)));
    map([("meta", Value::from(tags)), ("json_ld", script)])
}

/// The `breadcrumbs` variable: `[{name, url}]`, from the home page to this page.
pub fn breadcrumbs_value(crumbs: &[Crumb]) -> Value {
    Value::from(
        crumbs
            .iter()
            .map(|(name, url)| map([("name", Value::from(name.as_str())), ("url", Value::from(url.as_str()))]))
            .collect::<Vec<_>>(),
    )
}

/// `en` → `en_US`, `zh-Hans` → `zh_CN`: the `language_TERRITORY` form Open Graph wants.
pub fn og_locale(language: &str) -> String {
    let mut parts = language.split('-');
    let primary = parts.next().unwrap_or("en").to_ascii_lowercase();
    let rest: Vec<String> = parts.map(|p| p.to_ascii_lowercase()).collect();
    let region = rest.iter().find(|p| p.len() == 2).map(|r| r.to_ascii_uppercase());
    let region = region.unwrap_or_else(|| {
        let traditional = rest.iter().any(|p| p == "hant");
        match primary.as_str() {
            "en" => "US",
            "zh" if traditional => "TW",
            "zh" => "CN",
            "ja" => "JP",
            "ko" => "KR",
            other => return other.to_ascii_uppercase(),
        }
        .to_string()
    });
    format!("{primary}_{region}")
}

/// The Open Graph locales of an article's other versions (`og:locale:alternate`), in story
/// order, each once, without the page's own locale (that of `language`).
fn alternate_locales(site: &Site, article: &Article, language: &str) -> Vec<String> {
    let locale = og_locale(language);
    let mut locales: Vec<String> = Vec::new();
    for &version in &article.translations {
        let alternate = og_locale(&site.articles[version].language);
        if alternate != locale && !locales.contains(&alternate) {
            locales.push(alternate);
        }
    }
    locales
}

/// The author page of a byline.
pub fn author_url(urls: &Urls, byline: &str) -> String {
    urls.of(&urls::author_dir(&slugify(byline), 1))
}

/// An asset setting (a path below the output root, or an absolute URL) as a URL.
fn asset_url(urls: &Urls, src: &str) -> String {
    if src.contains("://") { src.to_string() } else { urls.of(src) }
}

/// (attribute, key, content) of every card tag of a page.
fn card_tags(site: &Site, urls: &Urls, facts: &PageFacts) -> Vec<(&'static str, String, String)> {
    let news = &site.config.news;
    let mut tags: Vec<(&'static str, String, String)> = Vec::with_capacity(16);
    let mut og = |key: &str, content: String| tags.push(("property", key.to_string(), content));
    og(
        "og:type",
        match facts.og_type {
            OgType::Website => "website",
            OgType::Article => "article",
            OgType::Profile => "profile",
        }
        .to_string(),
    );
    og("og:title", facts.title.to_string());
    let description = if facts.description.is_empty() { &site.config.description } else { facts.description };
    if !description.is_empty() {
        og("og:description", description.to_string());
    }
    og("og:url", facts.url.to_string());
    og("og:site_name", site.config.title.clone());
    og("og:locale", og_locale(facts.language));
    if let Some(article) = facts.article {
        for alternate in alternate_locales(site, article, facts.language) {
            og("og:locale:alternate", alternate);
        }
        og("article:published_time", article.date.to_rfc3339());
        og("article:modified_time", article.modified().to_rfc3339());
        for byline in &article.authors {
            og("article:author", author_url(urls, byline));
        }
        for &tag in &article.tags {
            og("article:tag", site.tags[tag].name.clone());
        }
    }
    let image = share_image(site, urls, facts.image);
    if let Some(image) = &image {
        og("og:image", image.url.clone());
        if let Some((width, height)) = image.size {
            og("og:image:width", width.to_string());
            og("og:image:height", height.to_string());
        }
        og("og:image:alt", image.alt.clone());
    }
    let card = if image.is_some() { "summary_large_image" } else { "summary" };
    tags.push(("name", "twitter:card".into(), card.into()));
    if let Some(handle) = &news.twitter_site {
        tags.push(("name", "twitter:site".into(), handle.clone()));
    }
    tags
}

/// The image a social card shows.
struct ShareImage {
    url: String,
    size: Option<(u32, u32)>,
    alt: String,
}

/// The page's own image as its 1200-px share JPEG (a remote image as it is), else the site's
/// `share_image`. An SVG or GIF has no share JPEG: the site's image stands in.
fn share_image(site: &Site, urls: &Urls, own: Option<&ImageUse>) -> Option<ShareImage> {
    let own = own.and_then(|image| match &image.asset {
        None => Some(ShareImage { url: image.src.clone(), size: None, alt: image.alt.clone() }),
        Some(asset) => asset.share.as_ref().map(|share| ShareImage {
            url: urls.of(&share.path()),
            size: Some((share.width, share.height)),
            alt: image.alt.clone(),
        }),
    });
    own.or_else(|| {
        site.config.news.share_image.as_ref().map(|image| ShareImage {
            url: asset_url(urls, &image.src),
            size: image.width.zip(image.height),
            alt: image.alt.clone(),
        })
    })
}

/// `ImageObject`s of an image in the sizes the build publishes: the share JPEG first, then
/// the original-format variants, widest first (a remote image: its URL).
fn image_objects(image: &ImageUse, urls: &Urls) -> Json {
    let Some(asset) = &image.asset else { return json!([image.src]) };
    let object = |variant: &Variant| {
        json!({
            "@type": "ImageObject",
            "url": urls.of(&variant.path()),
            "contentUrl": urls.of(&variant.path()),
            "width": variant.width,
            "height": variant.height,
            "encodingFormat": variant.format.mime(),
            "caption": image.caption.as_deref().unwrap_or(&image.alt),
        })
    };
    let mut objects: Vec<Json> = asset.share.iter().map(object).collect();
    let shared = asset.share.as_ref().map(|s| s.file.as_str());
    objects.extend(asset.fallback.iter().rev().filter(|v| Some(v.file.as_str()) != shared).map(object));
    Json::Array(objects)
}

/// The publisher: the site, with its logo when the settings name one.
fn publisher(site: &Site, urls: &Urls) -> Json {
    let mut publisher = json!({
        "@type": "NewsMediaOrganization",
        "name": site.config.news.publication_name,
        "url": urls.base(),
    });
    if let Some(logo) = &site.config.news.publisher_logo {
        publisher["logo"] = json!({ "@type": "ImageObject", "url": asset_url(urls, logo) });
    }
    publisher
}

fn schema_type(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Organization => "Organization",
        EntityKind::Person => "Person",
        EntityKind::Place => "Place",
        EntityKind::Other => "Thing",
    }
}

fn entity_ref(entity: &Entity, urls: &Urls) -> Json {
    json!({
        "@type": schema_type(entity.kind),
        "name": entity.name,
        "url": urls.of(&urls::entity_dir(&entity.slug, 1)),
    })
}

fn breadcrumb_list(crumbs: &[Crumb]) -> Json {
    let items: Vec<Json> = crumbs
        .iter()
        .enumerate()
        .map(|(i, (name, url))| json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": url }))
        .collect();
    json!({ "@type": "BreadcrumbList", "itemListElement": items })
}

fn graph(items: Vec<Json>) -> Json {
    json!({ "@context": "https://schema.org", "@graph": items })
}

/// An article page: `NewsArticle` and its breadcrumbs.
pub fn article_ld(site: &Site, urls: &Urls, index: usize, crumbs: &[Crumb]) -> Json {
    let article = &site.articles[index];
    let url = urls.of(&urls::article_dir(&article.slug));
    let authors: Vec<Json> = article
        .authors
        .iter()
        .map(|byline| json!({ "@type": "Person", "name": byline, "url": author_url(urls, byline) }))
        .collect();
    let about: Vec<Json> = article.entities.iter().map(|&e| entity_ref(&site.entities[e], urls)).collect();
    let mut news_article = json!({
        "@type": "NewsArticle",
        "@id": format!("{url}#article"),
        "headline": article.title,
        "url": url,
        "mainEntityOfPage": { "@type": "WebPage", "@id": url },
        "datePublished": article.date.to_rfc3339(),
        "dateModified": article.modified().to_rfc3339(),
        "inLanguage": article.language,
        "author": authors,
        "publisher": publisher(site, urls),
        "about": about,
        "keywords": article.tags.iter().map(|&t| site.tags[t].name.as_str()).collect::<Vec<_>>(),
        "isAccessibleForFree": true,
    });
    if !article.summary.is_empty() {
        news_article["description"] = json!(article.summary);
    }
    if let Some(image) = &article.image {
        news_article["image"] = image_objects(image, urls);
    } else if let Some(image) = &site.config.news.share_image {
        news_article["image"] = json!([asset_url(urls, &image.src)]);
    }
    graph(vec![news_article, breadcrumb_list(crumbs)])
}

/// An entity page: the entity itself, typed by its kind, and its breadcrumbs.
pub fn entity_ld(site: &Site, urls: &Urls, index: usize, crumbs: &[Crumb]) -> Json {
    let entity = &site.entities[index];
    let mut thing = entity_ref(entity, urls);
    thing["@id"] = json!(format!("{}#entity", urls.of(&urls::entity_dir(&entity.slug, 1))));
    if !entity.aliases.is_empty() {
        thing["alternateName"] = json!(entity.aliases);
    }
    if !entity.summary.is_empty() {
        thing["description"] = json!(entity.summary);
    }
    if let Some(image) = &entity.image {
        let key = if entity.kind == EntityKind::Organization { "logo" } else { "image" };
        thing[key] = image_objects(image, urls);
    }
    if let Some(parent) = entity.parent.map(|p| &site.entities[p]) {
        let key = match (entity.kind, parent.kind) {
            (EntityKind::Place, _) => "containedInPlace",
            (EntityKind::Organization, EntityKind::Organization) => "parentOrganization",
            (EntityKind::Person, _) => "affiliation",
            _ => "subjectOf",
        };
        thing[key] = entity_ref(parent, urls);
    }
    graph(vec![thing, breadcrumb_list(crumbs)])
}

/// An author page: a `ProfilePage` about the `Person`.
pub fn author_ld(site: &Site, urls: &Urls, author: &Author, crumbs: &[Crumb]) -> Json {
    let url = urls.of(&urls::author_dir(&author.slug, 1));
    let mut person = json!({ "@type": "Person", "name": author.name, "url": url });
    if let Some(profile) = &author.profile {
        if let Some(title) = &profile.title {
            person["jobTitle"] = json!(title);
        }
        if !profile.summary.is_empty() {
            person["description"] = json!(profile.summary);
        }
        if let Some(image) = &profile.image {
            person["image"] = image_objects(image, urls);
        }
    }
    person["worksFor"] = publisher(site, urls);
    let page = json!({ "@type": "ProfilePage", "url": url, "mainEntity": person });
    graph(vec![page, breadcrumb_list(crumbs)])
}

/// The home page: the `WebSite`, with a `SearchAction` when the site has `/search/`.
pub fn home_ld(site: &Site, urls: &Urls) -> Json {
    let mut website = json!({
        "@type": "WebSite",
        "name": site.config.title,
        "url": urls.base(),
        "inLanguage": site.config.language,
        "publisher": publisher(site, urls),
    });
    if !site.config.description.is_empty() {
        website["description"] = json!(site.config.description);
    }
    if site.config.search {
        website["potentialAction"] = json!({
            "@type": "SearchAction",
            "target": { "@type": "EntryPoint", "urlTemplate": format!("{}?q={{search_term_string}}", urls.of(urls::SEARCH_DIR)) },
            "query-input": "required name=search_term_string",
        });
    }
    graph(vec![website])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_text_cannot_end_the_script_or_break_the_json() {
        let value = json!({ "headline": "</script><script>alert(1)</script> \"q\" & \u{2028}\u{2029}" });
        let text = script_text(&value);
        assert!(!text.contains('<') && !text.contains('\u{2028}') && !text.contains('\u{2029}'), "{text}");
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn locales_take_the_open_graph_form() {
        assert_eq!(og_locale("en"), "en_US");
        assert_eq!(og_locale("en-GB"), "en_GB");
        assert_eq!(og_locale("zh-Hans"), "zh_CN");
        assert_eq!(og_locale("zh-Hant"), "zh_TW");
        assert_eq!(og_locale("ja"), "ja_JP");
        assert_eq!(og_locale("de"), "de_DE");
    }
}
