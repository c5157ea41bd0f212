//! The `parent` tree rolled up: who holds which deals and articles, and the deal facets.
//!
//! In: the sorted articles (their resolved deals) and the entities with their parents. Out:
//! a `DealIndex`, with every deal newest first, each entity's roll-up (the deals located in it
//! or anything below it, the deals it or a subsidiary invests in, the articles about what lies
//! below it) and the facets of `/deals/` (year, place, sector, stage, investor).
//!
//! Everything is made in one pass over the deals and one over the articles, each walking up
//! the tree from the entities involved: linear in (deals + tagged entities) × tree depth. No
//! page ever walks the tree itself. `build` and `serve` both call `index`.

use std::collections::BTreeMap;

use chrono::Datelike;

use super::deals::Deal;
use super::{Article, Entity};
use crate::load::frontmatter::DealStage;
use crate::slug::slugify;

/// Which deal: the article (by index) and the deal's position in its `deals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DealRef {
    pub article: usize,
    pub index: usize,
}

/// The sum of the amounts of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Total {
    pub currency: String,
    pub amount: u64,
    /// Deals that have an amount in this currency.
    pub deals: usize,
}

/// Deals (ids into `DealIndex::all`, newest first) and their totals, one per currency, by code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DealList {
    pub deals: Vec<usize>,
    pub totals: Vec<Total>,
}

impl DealList {
    /// Adds deal `id` unless it is the last one added (a deal reaches an ancestor once per
    /// path, and all paths of one deal are walked one after the other).
    fn add(&mut self, id: usize, deal: &Deal) {
        if self.deals.last() == Some(&id) {
            return;
        }
        self.deals.push(id);
        let (Some(amount), Some(currency)) = (deal.amount, &deal.currency) else { return };
        match self.totals.iter_mut().find(|t| &t.currency == currency) {
            Some(total) => {
                total.amount = total.amount.saturating_add(amount);
                total.deals += 1;
            }
            None => self.totals.push(Total { currency: currency.clone(), amount, deals: 1 }),
        }
    }

    fn finish(&mut self) {
        self.totals.sort_by(|a, b| a.currency.cmp(&b.currency));
    }
}

/// One entity's share of the tree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct EntityRollup {
    /// Deals placed in the entity or in a place below it.
    pub located: DealList,
    /// Deals that it or one of its subsidiaries invests in.
    pub invested: DealList,
    /// Articles (newest first) about entities below it that do not list it themselves.
    pub below: Vec<usize>,
}

impl EntityRollup {
    /// The deals its page shows: a place's located deals, anyone else's investments.
    pub fn shown(&self, kind: crate::load::frontmatter::EntityKind) -> &DealList {
        if kind == crate::load::frontmatter::EntityKind::Place { &self.located } else { &self.invested }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FacetKind {
    Year,
    Place,
    Sector,
    Stage,
    Investor,
}

impl FacetKind {
    pub const ALL: [FacetKind; 5] =
        [FacetKind::Year, FacetKind::Place, FacetKind::Sector, FacetKind::Stage, FacetKind::Investor];

    /// Its URL segment: `/deals/<segment>/<value>/`.
    pub fn as_str(self) -> &'static str {
        match self {
            FacetKind::Year => "year",
            FacetKind::Place => "place",
            FacetKind::Sector => "sector",
            FacetKind::Stage => "stage",
            FacetKind::Investor => "investor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FacetKind::Year => "By year",
            FacetKind::Place => "By place",
            FacetKind::Sector => "By sector",
            FacetKind::Stage => "By stage",
            FacetKind::Investor => "By investor",
        }
    }
}

/// One value of a facet, with its own page of deals.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Facet {
    pub kind: FacetKind,
    pub name: String,
    pub slug: String,
    /// The place or investor, for facets of those kinds.
    pub entity: Option<usize>,
    pub list: DealList,
}

/// Every deal of the site and what the tree makes of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DealIndex {
    /// Newest first: articles in the site's order, deals in the article's order.
    pub all: Vec<DealRef>,
    /// The id of each article's first deal (its deals are consecutive).
    pub first_of_article: Vec<usize>,
    pub totals: Vec<Total>,
    /// Whether the roll-ups and facets were made (not with `--no-deals`).
    pub rolled_up: bool,
    /// By entity id; empty unless `rolled_up`.
    pub entities: Vec<EntityRollup>,
    /// By kind, then year (newest first) or slug.
    pub facets: Vec<Facet>,
}

impl DealIndex {
    pub fn deal<'a>(&self, articles: &'a [Article], id: usize) -> &'a Deal {
        let at = self.all[id];
        &articles[at.article].deals[at.index]
    }

    /// The roll-up of an entity (an empty one when nothing was rolled up).
    pub fn of_entity(&self, entity: usize) -> Option<&EntityRollup> {
        self.entities.get(entity)
    }
}

/// The entity and each of its ancestors, nearest first. The model cut every parent cycle.
pub fn chain(entities: &[Entity], entity: usize) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(Some(entity), |&id| entities[id].parent).take(entities.len())
}

/// Builds the index; `roll_up` false leaves out the roll-ups and facets (`--no-deals`).
pub fn index(articles: &[Article], entities: &[Entity], roll_up: bool) -> DealIndex {
    let mut index = DealIndex { rolled_up: roll_up, ..DealIndex::default() };
    let mut all_list = DealList::default();
    for (article, entry) in articles.iter().enumerate() {
        index.first_of_article.push(index.all.len());
        for (n, deal) in entry.deals.iter().enumerate() {
            all_list.add(index.all.len(), deal);
            index.all.push(DealRef { article, index: n });
        }
    }
    all_list.finish();
    index.totals = all_list.totals;
    if !roll_up {
        return index;
    }
    index.entities = roll_up_entities(articles, entities, &index.all);
    index.facets = facets(articles, entities, &index);
    index
}

fn roll_up_entities(articles: &[Article], entities: &[Entity], all: &[DealRef]) -> Vec<EntityRollup> {
    let mut rollups = vec![EntityRollup::default(); entities.len()];
    for (id, at) in all.iter().enumerate() {
        let deal = &articles[at.article].deals[at.index];
        for holder in chain(entities, deal.place) {
            rollups[holder].located.add(id, deal);
        }
        for &investor in &deal.investors {
            for holder in chain(entities, investor) {
                rollups[holder].invested.add(id, deal);
            }
        }
    }
    for (index, article) in articles.iter().enumerate() {
        for &tagged in &article.entities {
            for above in chain(entities, tagged).skip(1) {
                let below = &mut rollups[above].below;
                if below.last() != Some(&index) && !article.entities.contains(&above) {
                    below.push(index);
                }
            }
        }
    }
    for rollup in &mut rollups {
        rollup.located.finish();
        rollup.invested.finish();
    }
    rollups
}

fn facets(articles: &[Article], entities: &[Entity], index: &DealIndex) -> Vec<Facet> {
    let mut years: BTreeMap<std::cmp::Reverse<i32>, DealList> = BTreeMap::new();
    let mut sectors: BTreeMap<String, (String, DealList)> = BTreeMap::new();
    let mut stages: BTreeMap<DealStage, DealList> = BTreeMap::new();
    for (id, at) in index.all.iter().enumerate() {
        let article = &articles[at.article];
        let deal = &article.deals[at.index];
        years.entry(std::cmp::Reverse(article.date.year())).or_default().add(id, deal);
        if let Some(sector) = &deal.sector {
            let slug = slugify(sector);
            if !slug.is_empty() {
                sectors.entry(slug).or_insert_with(|| (sector.clone(), DealList::default())).1.add(id, deal);
            }
        }
        if let Some(stage) = deal.stage {
            stages.entry(stage).or_default().add(id, deal);
        }
    }
    let mut facets = Vec::new();
    let mut push = |kind, name: String, slug: String, entity, mut list: DealList| {
        list.finish();
        facets.push(Facet { kind, name, slug, entity, list });
    };
    for (year, list) in years {
        push(FacetKind::Year, year.0.to_string(), year.0.to_string(), None, list);
    }
    // Entities are sorted by slug, so these facets are too.
    for (id, rollup) in index.entities.iter().enumerate().filter(|(_, r)| !r.located.deals.is_empty()) {
        let entity = &entities[id];
        push(FacetKind::Place, entity.name.clone(), entity.slug.clone(), Some(id), rollup.located.clone());
    }
    for (slug, (name, list)) in sectors {
        push(FacetKind::Sector, name, slug, None, list);
    }
    for (stage, list) in stages {
        push(FacetKind::Stage, stage.label().to_string(), stage.as_str().to_string(), None, list);
    }
    for (id, rollup) in index.entities.iter().enumerate().filter(|(_, r)| !r.invested.deals.is_empty()) {
        let entity = &entities[id];
        push(FacetKind::Investor, entity.name.clone(), entity.slug.clone(), Some(id), rollup.invested.clone());
    }
    facets
}
