//! Template values of deals: one row per deal, made once per build and shared by the article
//! page, `/deals/` and its facets, and entity pages; totals per currency; the chart.

use chrono::Datelike;
use tera::Value;

use super::views::{DateView, map, value};
use super::{amounts, chart};
use crate::model::places::{DealList, FacetKind, Total, chain};
use crate::model::{Deal, Site};
use crate::slug::slugify;
use crate::urls::{self, Urls};

/// `/deals/<facet>/<slug>/`, or page `page` of it.
pub fn facet_dir(kind: FacetKind, slug: &str, page: usize) -> String {
    urls::deal_facet_dir(kind.as_str(), slug, page)
}

/// The anchor of an article's `n`-th deal (from 0) on its page.
pub fn anchor(n: usize) -> String {
    format!("deal-{}", n + 1)
}

fn link(name: &str, url: String) -> Value {
    map([("name", Value::from(name)), ("url", Value::from(url))])
}

/// Every deal's row, by deal id. Facet links are only set when the facet pages exist.
pub fn rows(site: &Site, urls: &Urls, cards: &[Value]) -> Vec<Value> {
    use rayon::prelude::*;
    let entity_links: Vec<Value> =
        site.entities.iter().map(|e| link(&e.name, urls.of(&urls::entity_dir(&e.slug, 1)))).collect();
    let facets = site.deals.rolled_up;
    site.deals
        .all
        .par_iter()
        .map(|at| {
            let article = &site.articles[at.article];
            let deal = &article.deals[at.index];
            let article_url = urls.of(&urls::article_dir(&article.slug));
            let chain_links: Vec<Value> =
                chain(&site.entities, deal.place).map(|id| entity_links[id].clone()).collect();
            let chain_text: Vec<&str> =
                chain(&site.entities, deal.place).map(|id| site.entities[id].name.as_str()).collect();
            let sector = deal.sector.as_deref().map_or_else(Value::none, |sector| {
                let slug = slugify(sector);
                let url = if facets && !slug.is_empty() {
                    Value::from(urls.of(&facet_dir(FacetKind::Sector, &slug, 1)))
                } else {
                    Value::none()
                };
                map([("name", Value::from(sector)), ("url", url)])
            });
            let stage = deal.stage.map_or_else(Value::none, |stage| {
                let url = if facets {
                    Value::from(urls.of(&facet_dir(FacetKind::Stage, stage.as_str(), 1)))
                } else {
                    Value::none()
                };
                map([("name", Value::from(stage.as_str())), ("label", Value::from(stage.label())), ("url", url)])
            });
            let (display, short) = amount_texts(deal);
            map([
                ("anchor", Value::from(anchor(at.index))),
                ("url", Value::from(format!("{article_url}#{}", anchor(at.index)))),
                ("article", cards[at.article].clone()),
                ("date", value(&DateView::new(&article.date))),
                ("investors", Value::from(deal.investors.iter().map(|&i| entity_links[i].clone()).collect::<Vec<_>>())),
                ("place", entity_links[deal.place].clone()),
                ("place_chain", Value::from(chain_links)),
                ("place_chain_text", Value::from(chain_text.join(" · "))),
                ("what", Value::from(deal.what.as_str())),
                ("amount", deal.amount.map_or_else(Value::none, Value::from)),
                ("currency", deal.currency.as_deref().map_or_else(Value::none, Value::from)),
                ("amount_display", display),
                ("amount_short", short),
                ("sector", sector),
                ("stage", stage),
                // Set by the listings, which render the row once (`partials/deal-row.html`).
                ("html", Value::none()),
            ])
        })
        .collect()
}

fn amount_texts(deal: &Deal) -> (Value, Value) {
    match (deal.amount, deal.currency.as_deref()) {
        (Some(amount), Some(currency)) => {
            (Value::from(amounts::long(amount, currency)), Value::from(amounts::short(amount, currency)))
        }
        _ => (Value::none(), Value::none()),
    }
}

/// `[{currency, amount, deals, display, short}]`, by currency code.
pub fn totals(totals: &[Total]) -> Value {
    let values: Vec<Value> = totals
        .iter()
        .map(|t| {
            map([
                ("currency", Value::from(t.currency.as_str())),
                ("amount", Value::from(t.amount)),
                ("deals", Value::from(t.deals)),
                ("display", Value::from(amounts::long(t.amount, &t.currency))),
                ("short", Value::from(amounts::short(t.amount, &t.currency))),
            ])
        })
        .collect();
    Value::from(values)
}

/// The chart of a list of deals: `[{currency, svg, years: [{year, amount, display, deals}]}]`,
/// empty when no deal has an amount. `id` prefixes the SVG ids.
pub fn chart_value(site: &Site, list: &DealList, id: &str) -> Value {
    let amounts = list.deals.iter().filter_map(|&d| {
        let at = site.deals.all[d];
        let deal = &site.articles[at.article].deals[at.index];
        let year = site.articles[at.article].date.year();
        Some((year, deal.amount?, deal.currency.clone()?))
    });
    let series: Vec<Value> = chart::series(amounts)
        .iter()
        .map(|s| {
            let years: Vec<Value> = s
                .years
                .iter()
                .map(|&(year, amount, deals)| {
                    map([
                        ("year", Value::from(year)),
                        ("amount", Value::from(amount)),
                        ("deals", Value::from(deals)),
                        ("display", Value::from(amounts::short(amount, &s.currency))),
                    ])
                })
                .collect();
            let svg_id = format!("{id}-{}", s.currency.to_lowercase());
            map([
                ("currency", Value::from(s.currency.as_str())),
                ("svg", Value::safe_string(&chart::svg(s, &svg_id))),
                ("years", Value::from(years)),
            ])
        })
        .collect();
    Value::from(series)
}
