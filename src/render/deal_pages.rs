//! `/deals/` and its facet pages (through `deals.html`), and the deal parts of entity pages.
//!
//! The rows come from `deal_views::rows`, made once per build; a page only picks its slice.

use tera::Value;

use super::views::{self, map};
use super::{Renderer, deal_views};
use crate::diagnostics::Diagnostic;
use crate::model::places::{DealList, Facet, FacetKind};
use crate::plan::{Output, page_count};
use crate::urls;

/// The row of one deal in a deal table.
const DEAL_ROW: &str = "partials/deal-row.html";

impl Renderer<'_> {
    /// A page of `/deals/` (`facet` `None`) or of one facet value.
    pub(super) fn render_deals(
        &self,
        output: &Output,
        facet: Option<usize>,
        page: usize,
    ) -> Result<String, Diagnostic> {
        let site = self.site;
        let facet = facet.map(|f| &site.deals.facets[f]);
        let (list, dir_of): (DealList, Box<dyn Fn(usize) -> String>) = match facet {
            Some(facet) => (facet.list.clone(), Box::new(move |n| deal_views::facet_dir(facet.kind, &facet.slug, n))),
            None => (DealList { deals: Vec::new(), totals: site.deals.totals.clone() }, Box::new(urls::deals_dir)),
        };
        let count = if facet.is_some() { list.deals.len() } else { site.deals.all.len() };
        let per_page = site.config.paginate_by;
        let total_pages = page_count(count, per_page);
        let start = ((page - 1) * per_page).min(count);
        let end = (start + per_page).min(count);
        let ids: Vec<usize> = match facet {
            Some(_) => list.deals[start..end].to_vec(),
            None => (start..end).collect(),
        };
        let items = ids.iter().map(|&d| self.listed_deal(d)).collect();
        let paginator = views::paginator(items, page, total_pages, count, |n| self.urls.of(&dir_of(n)));
        let chart = match (page, facet) {
            (1, Some(facet)) => deal_views::chart_value(site, &facet.list, "deals-chart"),
            (1, None) => {
                let all = DealList { deals: (0..site.deals.all.len()).collect(), totals: Vec::new() };
                deal_views::chart_value(site, &all, "deals-chart")
            }
            _ => Value::from(Vec::<Value>::new()),
        };
        let deals = map([
            ("title", Value::from(facet.map_or_else(|| "Deals".to_string(), facet_title))),
            ("facet", facet.map_or_else(Value::none, |f| self.facet_value(f))),
            ("count", Value::from(count)),
            ("totals", deal_views::totals(&list.totals)),
            ("chart", chart),
            ("all_url", Value::from(self.urls.of(&urls::deals_dir(1)))),
            ("feed_url", Value::from(self.urls.of(&format!("{}{}", urls::DEALS_DIR, urls::FEED_FILE)))),
            ("csv_url", Value::from(self.urls.of(urls::DEALS_CSV))),
            ("json_url", Value::from(self.urls.of(urls::DEALS_JSON))),
            (
                "facets",
                if facet.is_none() && page == 1 { self.facet_groups() } else { Value::from(Vec::<Value>::new()) },
            ),
        ]);
        self.render_template("deals.html", output, vec![("deals", deals), ("paginator", paginator)])
    }

    /// A deal's row for a listing (with the date and the article), with its `<tr>` as `html`:
    /// rendered once through `partials/deal-row.html`, then copied by every listing.
    fn listed_deal(&self, id: usize) -> Value {
        let row = self.deal_rows[id].clone();
        let html = self.deal_html[id].get_or_init(|| {
            let mut context = tera::Context::new();
            context.insert_value("site", self.site_value.clone());
            context.insert_value("deal", row.clone());
            context.insert("show_article", &true);
            self.templates.tera.render(DEAL_ROW, &context).ok()
        });
        let (Some(html), Some(mut fields)) = (html, row.as_map().cloned()) else { return row };
        fields.insert("html".into(), Value::safe_string(html));
        Value::from(fields)
    }

    fn facet_value(&self, facet: &Facet) -> Value {
        let entity = facet
            .entity
            .map_or_else(Value::none, |id| views::value(&views::entity_link(&self.site.entities[id], &self.urls)));
        map([
            ("kind", Value::from(facet.kind.as_str())),
            ("name", Value::from(facet.name.as_str())),
            ("slug", Value::from(facet.slug.as_str())),
            ("url", Value::from(self.urls.of(&deal_views::facet_dir(facet.kind, &facet.slug, 1)))),
            ("count", Value::from(facet.list.deals.len())),
            ("entity", entity),
        ])
    }

    /// `[{kind, label, values: [facet]}]`: every facet value, for the links of `/deals/`.
    fn facet_groups(&self) -> Value {
        let facets = &self.site.deals.facets;
        let groups: Vec<Value> = FacetKind::ALL
            .iter()
            .filter_map(|&kind| {
                let values: Vec<Value> =
                    facets.iter().filter(|f| f.kind == kind).map(|f| self.facet_value(f)).collect();
                (!values.is_empty()).then(|| {
                    map([
                        ("kind", Value::from(kind.as_str())),
                        ("label", Value::from(kind.label())),
                        ("values", Value::from(values)),
                    ])
                })
            })
            .collect();
        Value::from(groups)
    }

    /// What an entity page adds about deals: the newest of its deals (a place's located deals,
    /// anyone else's investments, each rolled up), their count, totals and chart, and the page
    /// with all of them. Empty values without roll-ups.
    pub(super) fn entity_deal_values(&self, entity: usize) -> Vec<(&'static str, Value)> {
        let site = self.site;
        let Some(rollup) = site.deals.of_entity(entity) else {
            return vec![("deals", Value::from(Vec::<Value>::new())), ("deal_count", Value::from(0))];
        };
        let kind = site.entities[entity].kind;
        let list = rollup.shown(kind);
        let shown: Vec<Value> = list.deals.iter().take(site.config.paginate_by).map(|&d| self.listed_deal(d)).collect();
        let facet =
            if kind == crate::load::frontmatter::EntityKind::Place { FacetKind::Place } else { FacetKind::Investor };
        let url = (!list.deals.is_empty())
            .then(|| self.urls.of(&deal_views::facet_dir(facet, &site.entities[entity].slug, 1)));
        vec![
            ("deals", Value::from(shown)),
            ("deal_count", Value::from(list.deals.len())),
            ("deal_totals", deal_views::totals(&list.totals)),
            ("deal_chart", deal_views::chart_value(site, list, "entity-chart")),
            ("deals_url", url.map_or_else(Value::none, Value::from)),
        ]
    }

    /// `below` of an entity page: page `page` of the articles about what lies below it.
    pub(super) fn below_value(&self, entity: usize, page: usize) -> Value {
        let below = self.site.deals.of_entity(entity).map_or(&[][..], |r| r.below.as_slice());
        let per_page = self.site.config.paginate_by;
        let start = ((page - 1) * per_page).min(below.len());
        let end = (start + per_page).min(below.len());
        let items: Vec<Value> = below[start..end].iter().map(|&i| self.cards[i].clone()).collect();
        map([("items", Value::from(items)), ("total_items", Value::from(below.len()))])
    }
}

fn facet_title(facet: &Facet) -> String {
    match facet.kind {
        FacetKind::Year => format!("Deals of {}", facet.name),
        FacetKind::Place => format!("Deals in {}", facet.name),
        FacetKind::Sector => format!("Deals in {}", facet.name),
        FacetKind::Stage => format!("Deals at stage: {}", facet.name),
        FacetKind::Investor => format!("Deals of {}", facet.name),
    }
}
