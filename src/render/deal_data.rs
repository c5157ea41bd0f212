//! The deals as open data and as a feed: `/deals/deals.csv` (RFC 4180: CRLF line ends, fields
//! quoted when they hold a comma, quote or line break, a header row), `/deals/deals.json` and
//! `/deals/atom.xml`. One row or entry per deal, newest first, with what the pages show.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::amounts;
use super::deal_views::anchor;
use super::feeds::{entry_id, escape_xml};
use crate::model::Site;
use crate::model::places::{DealRef, chain};
use crate::urls::{self, Urls};

#[derive(Serialize)]
struct EntityRecord<'a> {
    name: &'a str,
    url: String,
}

/// One deal as the data files give it.
#[derive(Serialize)]
struct DealRecord<'a> {
    article_url: String,
    article_title: &'a str,
    date: String,
    investors: Vec<EntityRecord<'a>>,
    place: EntityRecord<'a>,
    /// Nearest first: the city of a district, then its province.
    place_ancestors: Vec<EntityRecord<'a>>,
    what: &'a str,
    amount: Option<u64>,
    currency: Option<&'a str>,
    amount_display: Option<String>,
    sector: Option<&'a str>,
    stage: Option<&'static str>,
}

fn record<'a>(site: &'a Site, urls: &Urls, at: DealRef) -> DealRecord<'a> {
    let article = &site.articles[at.article];
    let deal = &article.deals[at.index];
    let entity = |id: usize| {
        let e = &site.entities[id];
        EntityRecord { name: &e.name, url: urls.of(&urls::entity_dir(&e.slug, 1)) }
    };
    DealRecord {
        article_url: format!("{}#{}", urls.of(&urls::article_dir(&article.slug)), anchor(at.index)),
        article_title: &article.title,
        date: article.date.format("%Y-%m-%d").to_string(),
        investors: deal.investors.iter().map(|&i| entity(i)).collect(),
        place: entity(deal.place),
        place_ancestors: chain(&site.entities, deal.place).skip(1).map(entity).collect(),
        what: &deal.what,
        amount: deal.amount,
        currency: deal.currency.as_deref(),
        amount_display: deal.amount.zip(deal.currency.as_deref()).map(|(a, c)| amounts::long(a, c)),
        sector: deal.sector.as_deref(),
        stage: deal.stage.map(|s| s.as_str()),
    }
}

/// Appends one CSV field, quoted when RFC 4180 requires it.
fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

const CSV_HEADER: [&str; 12] = [
    "article_url",
    "article_title",
    "date",
    "investors",
    "place",
    "place_ancestors",
    "what",
    "amount",
    "currency",
    "sector",
    "stage",
    "amount_display",
];

/// `/deals/deals.csv`; several investors or ancestors are joined by "; ".
pub fn csv(site: &Site, urls: &Urls) -> String {
    let mut out = String::with_capacity(256 + site.deals.all.len() * 320);
    let mut push_row = |fields: &[&str]| {
        for (n, field) in fields.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            push_field(&mut out, field);
        }
        out.push_str("\r\n");
    };
    push_row(&CSV_HEADER);
    for &at in &site.deals.all {
        let r = record(site, urls, at);
        let names = |list: &[EntityRecord]| list.iter().map(|e| e.name).collect::<Vec<_>>().join("; ");
        let amount = r.amount.map(|a| a.to_string()).unwrap_or_default();
        push_row(&[
            &r.article_url,
            r.article_title,
            &r.date,
            &names(&r.investors),
            r.place.name,
            &names(&r.place_ancestors),
            r.what,
            &amount,
            r.currency.unwrap_or(""),
            r.sector.unwrap_or(""),
            r.stage.unwrap_or(""),
            r.amount_display.as_deref().unwrap_or(""),
        ]);
    }
    out
}

#[derive(Serialize)]
struct TotalRecord<'a> {
    currency: &'a str,
    amount: u64,
    deals: usize,
}

/// `/deals/deals.json`: `{"deals": [...], "totals": [...]}`.
pub fn json(site: &Site, urls: &Urls) -> String {
    #[derive(Serialize)]
    struct Data<'a> {
        site: &'a str,
        deals: Vec<DealRecord<'a>>,
        totals: Vec<TotalRecord<'a>>,
    }
    let data = Data {
        site: &site.config.base_url,
        deals: site.deals.all.iter().map(|&at| record(site, urls, at)).collect(),
        totals: site
            .deals
            .totals
            .iter()
            .map(|t| TotalRecord { currency: &t.currency, amount: t.amount, deals: t.deals })
            .collect(),
    };
    // Serializing plain strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(&data).unwrap_or_default();
    text.push('\n');
    text
}

/// `/deals/atom.xml`: the newest `feed_limit` deals, each linking to its row on its article.
pub fn atom(site: &Site, urls: &Urls) -> String {
    let shown: Vec<DealRef> = site.deals.all.iter().copied().take(site.config.feed_limit).collect();
    let mut xml = String::with_capacity(1024 + shown.len() * 800);
    write_feed_head(&mut xml, site, urls, &shown);
    for at in &shown {
        write_entry(&mut xml, site, urls, *at);
    }
    xml.push_str("</feed>\n");
    xml
}

/// When a deal last changed: its article's update, else its article's date.
fn changed(site: &Site, at: &DealRef) -> DateTime<FixedOffset> {
    let article = &site.articles[at.article];
    article.updated.unwrap_or(article.date)
}

/// The feed's own elements, up to its first entry. It was updated when its newest shown deal
/// changed; with no deals, when any article last did.
fn write_feed_head(xml: &mut String, site: &Site, urls: &Urls, shown: &[DealRef]) {
    let config = &site.config;
    let feed_url = urls.of(&format!("{}{}", urls::DEALS_DIR, urls::FEED_FILE));
    let updated = shown
        .iter()
        .map(|at| changed(site, at))
        .max()
        .or_else(|| site.articles.iter().map(|a| a.updated.unwrap_or(a.date)).max())
        .map_or_else(|| "1970-01-01T00:00:00+00:00".to_string(), |d| d.to_rfc3339());
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(xml, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">", escape_xml(&config.language));
    let _ = writeln!(xml, "  <title type=\"text\">Deals — {}</title>", escape_xml(&config.title));
    let _ = writeln!(xml, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>", escape_xml(&feed_url));
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape_xml(&urls.of(&urls::deals_dir(1)))
    );
    let _ = writeln!(xml, "  <id>{}</id>", escape_xml(&feed_url));
    let _ = writeln!(xml, "  <updated>{updated}</updated>");
    let _ = writeln!(xml, "  <author><name>{}</name></author>", escape_xml(&config.title));
    xml.push_str("  <generator>gazette</generator>\n");
}

/// One deal's `<entry>`, its id the article's entry id with the deal's anchor.
fn write_entry(xml: &mut String, site: &Site, urls: &Urls, at: DealRef) {
    let r = record(site, urls, at);
    let article = &site.articles[at.article];
    xml.push_str("  <entry>\n");
    let _ = writeln!(xml, "    <title type=\"text\">{}</title>", escape_xml(&entry_title(&r)));
    let _ = writeln!(xml, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape_xml(&r.article_url));
    let _ = writeln!(xml, "    <id>{}/{}</id>", escape_xml(&entry_id(site, at.article)), anchor(at.index));
    let _ = writeln!(xml, "    <published>{}</published>", article.date.to_rfc3339());
    let _ = writeln!(xml, "    <updated>{}</updated>", changed(site, &at).to_rfc3339());
    if let Some(sector) = r.sector {
        let _ = writeln!(xml, "    <category term=\"{}\"/>", escape_xml(sector));
    }
    let _ = writeln!(xml, "    <summary type=\"text\">{}</summary>", escape_xml(&entry_summary(&r)));
    xml.push_str("  </entry>\n");
}

/// "Place: what (amount)".
fn entry_title(r: &DealRecord) -> String {
    let mut title = format!("{}: {}", r.place.name, r.what);
    if let Some(amount) = &r.amount_display {
        let _ = write!(title, " ({amount})");
    }
    title
}

/// The investors, the place with the places above it, the stage and the article, in words.
fn entry_summary(r: &DealRecord) -> String {
    let investors = r.investors.iter().map(|e| e.name).collect::<Vec<_>>().join(", ");
    let mut summary = String::new();
    if !investors.is_empty() {
        let _ = write!(summary, "Investors: {investors}. ");
    }
    let places: Vec<&str> = std::iter::once(r.place.name).chain(r.place_ancestors.iter().map(|e| e.name)).collect();
    let _ = write!(summary, "Place: {}.", places.join(" · "));
    if let Some(stage) = r.stage {
        let _ = write!(summary, " Stage: {stage}.");
    }
    let _ = write!(summary, " Reported in “{}”.", r.article_title);
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_as_rfc_4180_says() {
        let mut out = String::new();
        for field in ["plain", "a, b", "say \"hi\"", "two\nlines"] {
            push_field(&mut out, field);
            out.push('|');
        }
        assert_eq!(out, "plain|\"a, b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|");
    }
}
