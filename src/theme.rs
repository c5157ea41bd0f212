//! The built-in theme, embedded in the binary: data that `plan` (its assets) and `render`
//! (its templates) read.
//!
//! A site's `templates/NAME` replaces the built-in template of the same name; any template
//! the site does not have comes from here. Theme assets (the stylesheet) are written to the
//! output root like static files.

/// A built-in template: its name and text.
pub struct ThemeFile {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! theme_files {
    ($($name:literal),* $(,)?) => {
        &[$(ThemeFile { name: $name, text: include_str!(concat!("theme/", $name)) }),*]
    };
}

/// Every template the built-in theme defines: the pages the README lists and their partials.
pub const TEMPLATES: &[ThemeFile] = theme_files![
    "base.html",
    "index.html",
    "article.html",
    "tags.html",
    "tag.html",
    "entities.html",
    "entity.html",
    "archive.html",
    "page.html",
    "search.html",
    "deals.html",
    "language.html",
    "404.html",
    "partials/card.html",
    "partials/pagination.html",
    "partials/deal-table.html",
    "partials/deal-row.html",
    "partials/deal-totals.html",
    "partials/deal-chart.html",
    "partials/entity-deals.html",
    "partials/languages.html",
    "authors.html",
    "author.html",
    "corrections.html",
    "partials/meta.html",
    "partials/breadcrumbs.html",
    "partials/byline.html",
    "partials/related.html",
];

/// Files of the theme written to the output root.
pub const ASSETS: &[ThemeFile] = theme_files!["theme.css"];
