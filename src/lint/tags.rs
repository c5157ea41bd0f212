//! Tag lints: a tag that only one article uses (W104), and different tags that share one
//! page because their slugs are the same (W106), such as "C++" and "C".

use std::collections::BTreeMap;

use super::{Published, warning_at};
use crate::diagnostics::{Diagnostic, closest};
use crate::load::Document;
use crate::load::frontmatter::ArticleFront;
use crate::model::Site;
// The tag as the model merges it: runs of spaces as one.
use crate::slug::{collapse_whitespace as normalized, slugify};

/// W104: a tag with a page that lists one article.
pub fn single_use_tags(site: &Site, published: &[Published]) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for tag in site.tags.iter().filter(|t| t.articles.len() == 1) {
        let Some(entry) = published.iter().find(|p| p.index == tag.articles[0]) else { continue };
        let Some(written) = entry.document.front.tags.iter().find(|t| slugify(&normalized(t.get_ref())) == tag.slug)
        else {
            continue;
        };
        let others = site.tags.iter().filter(|t| t.slug != tag.slug).map(|t| t.name.as_str());
        let why = "a tag groups articles, and this one leads readers to a page with a single story";
        let hint = match closest(&tag.name, others) {
            Some(other) => format!("did you mean the tag {other:?}? {why}"),
            None => format!("{why}: use one of the site's tags, or keep it if more articles on it will follow"),
        };
        warnings.push(
            warning_at(
                entry.document,
                "W104",
                format!("the tag {:?} is used by this article only", tag.name),
                written.span(),
            )
            .field("tags")
            .hint(hint),
        );
    }
    warnings
}

/// One spelling of a tag: where it is first used and by how many articles.
struct Spelling<'a> {
    written: String,
    first: (&'a Document<ArticleFront>, std::ops::Range<usize>),
    articles: usize,
}

/// W106: two spellings, different beyond case and spacing, that give the same slug.
pub fn colliding_tag_spellings<'a>(site: &Site, published: &[Published<'a>]) -> Vec<Diagnostic> {
    // slug → lowercased spelling → spelling; sorted, so that warnings come in a stable order.
    let mut by_slug: BTreeMap<String, BTreeMap<String, Spelling<'a>>> = BTreeMap::new();
    let mut in_path_order: Vec<&Published<'a>> = published.iter().collect();
    in_path_order.sort_by(|a, b| a.document.path.cmp(&b.document.path));
    for entry in in_path_order {
        for tag in &entry.document.front.tags {
            let written = normalized(tag.get_ref());
            let slug = slugify(&written);
            if slug.is_empty() {
                continue;
            }
            by_slug
                .entry(slug)
                .or_default()
                .entry(written.to_lowercase())
                .or_insert_with(|| Spelling { written, first: (entry.document, tag.span()), articles: 0 })
                .articles += 1;
        }
    }
    let mut warnings = Vec::new();
    for (slug, spellings) in by_slug.iter().filter(|(_, spellings)| spellings.len() > 1) {
        let Some(tag) = site.tags.iter().find(|t| &t.slug == slug) else { continue };
        let main_key = tag.name.to_lowercase();
        let Some(main) = spellings.get(&main_key) else { continue };
        for spelling in spellings.iter().filter(|(key, _)| **key != main_key).map(|(_, s)| s) {
            let (document, span) = &spelling.first;
            let message =
                format!("the tags {:?} and {:?} share one page, /tags/{slug}/", spelling.written, main.written);
            warnings.push(
                warning_at(document, "W106", message, span.clone())
                    .field("tags")
                    .note(format!(
                        "{:?} is used by {}, {:?} by {}",
                        spelling.written,
                        articles(spelling.articles),
                        main.written,
                        articles(main.articles)
                    ))
                    .hint(
                        "a tag's URL keeps only its letters and digits: if both mean the same, use one spelling \
                         everywhere; if not, rename one so that their letters or digits differ",
                    ),
            );
        }
    }
    warnings
}

fn articles(count: usize) -> String {
    if count == 1 { "1 article".into() } else { format!("{count} articles") }
}
