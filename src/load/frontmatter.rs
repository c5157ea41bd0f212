//! The front-matter schema, as the files spell it.
//!
//! These serde structs mirror the README's front-matter tables key for key and refuse unknown
//! keys, so that a typo can never silently drop data. Values that need checks beyond their
//! type (dates, slugs, entity names) keep their spans, so that the model stage can still point
//! at the line.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::value::Datetime;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ArticleFront {
    pub title: Spanned<String>,
    pub date: Spanned<Datetime>,
    #[serde(default)]
    pub updated: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub slug: Option<Spanned<String>>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<Spanned<String>>,
    #[serde(default)]
    pub entities: Vec<Spanned<String>>,
    #[serde(default)]
    pub authors: Vec<Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    /// A BCP 47 tag; without it the language is the site's, or the one the script shows.
    #[serde(default)]
    pub language: Option<Spanned<String>>,
    /// The slug of the article this one translates.
    #[serde(default)]
    pub translation_of: Option<Spanned<String>>,
    #[serde(default)]
    pub source: Option<SourceFront>,
    #[serde(default)]
    pub corrections: Vec<CorrectionFront>,
    #[serde(default)]
    pub deals: Vec<DealFront>,
    #[serde(default)]
    pub image: Option<Spanned<ImageFront>>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// A lead image, logo or portrait: `[image]`.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct ImageFront {
    /// Relative to the Markdown file, or `/`-rooted below `static/`, or a remote URL.
    pub src: Spanned<String>,
    /// Required; `None` only so that its absence is reported with the line.
    #[serde(default)]
    pub alt: Option<Spanned<String>>,
    #[serde(default)]
    pub caption: Option<String>,
    #[serde(default)]
    pub credit: Option<String>,
}

#[derive(Deserialize, Serialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct SourceFront {
    pub name: String,
    /// Checked by `model::limits::check_link_url`: http(s) only.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CorrectionFront {
    pub date: Spanned<Datetime>,
    pub text: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct DealFront {
    #[serde(default)]
    pub investors: Vec<Spanned<String>>,
    pub place: Spanned<String>,
    pub what: Spanned<String>,
    #[serde(default)]
    pub amount: Option<Spanned<u64>>,
    #[serde(default)]
    pub currency: Option<Spanned<String>>,
    #[serde(default)]
    pub sector: Option<String>,
    #[serde(default)]
    pub stage: Option<DealStage>,
}

#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum DealStage {
    Announced,
    Agreement,
    Signed,
    Completed,
    Cancelled,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct EntityFront {
    pub name: Spanned<String>,
    #[serde(default)]
    pub kind: EntityKind,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub parent: Option<Spanned<String>>,
    #[serde(default)]
    pub image: Option<Spanned<ImageFront>>,
}

#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Organization,
    Person,
    Place,
    #[default]
    Other,
}

impl DealStage {
    pub const ALL: [DealStage; 5] =
        [DealStage::Announced, DealStage::Agreement, DealStage::Signed, DealStage::Completed, DealStage::Cancelled];

    /// The value as the front matter spells it, also its URL segment.
    pub fn as_str(self) -> &'static str {
        match self {
            DealStage::Announced => "announced",
            DealStage::Agreement => "agreement",
            DealStage::Signed => "signed",
            DealStage::Completed => "completed",
            DealStage::Cancelled => "cancelled",
        }
    }

    /// For readers: "Signed".
    pub fn label(self) -> &'static str {
        match self {
            DealStage::Announced => "Announced",
            DealStage::Agreement => "Agreement",
            DealStage::Signed => "Signed",
            DealStage::Completed => "Completed",
            DealStage::Cancelled => "Cancelled",
        }
    }
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Organization => "organization",
            EntityKind::Person => "person",
            EntityKind::Place => "place",
            EntityKind::Other => "other",
        }
    }

    /// The heading of this kind's group on `/entities/`.
    pub fn plural_label(self) -> &'static str {
        match self {
            EntityKind::Organization => "Companies and organizations",
            EntityKind::Person => "People",
            EntityKind::Place => "Places",
            EntityKind::Other => "Other",
        }
    }
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    pub title: Spanned<String>,
    #[serde(default)]
    pub slug: Option<Spanned<String>>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub date: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub updated: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub extra: BTreeMap<String, toml::Value>,
}

/// An author profile, `content/authors/*.md`: its `name` is matched against bylines.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct AuthorFront {
    pub name: Spanned<String>,
    /// The byline title, e.g. "Dalian correspondent".
    #[serde(default)]
    pub title: Option<String>,
    /// A portrait, checked and published like an article's `[image]`.
    #[serde(default)]
    pub image: Option<Spanned<ImageFront>>,
}
