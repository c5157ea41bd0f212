//! Deal amounts per year as inline SVG bar charts, drawn at build time.
//!
//! One chart per currency (amounts of different currencies are never added or drawn on one
//! scale), one bar per year from the first to the last year with deals. The SVG is an image
//! with a title and a description that says every value; the template also gets the values
//! as rows, for a data table beside it. A `viewBox` a phone's width wide keeps its text
//! readable when the page scales it down.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::amounts;
use super::feeds::escape_xml;

/// One currency's amounts per year, oldest year first, with the gaps filled by zeros.
pub struct Series {
    pub currency: String,
    /// (year, amount, deals)
    pub years: Vec<(i32, u64, usize)>,
}

/// The series of a set of deals given as (year, amount, currency), by currency code.
pub fn series(deals: impl IntoIterator<Item = (i32, u64, String)>) -> Vec<Series> {
    let mut by_currency: BTreeMap<String, BTreeMap<i32, (u64, usize)>> = BTreeMap::new();
    for (year, amount, currency) in deals {
        let slot = by_currency.entry(currency).or_default().entry(year).or_default();
        slot.0 = slot.0.saturating_add(amount);
        slot.1 += 1;
    }
    let first = by_currency.values().filter_map(|years| years.keys().next()).min().copied();
    let last = by_currency.values().filter_map(|years| years.keys().last()).max().copied();
    let (Some(first), Some(last)) = (first, last) else { return Vec::new() };
    by_currency
        .into_iter()
        .map(|(currency, years)| Series {
            currency,
            years: (first..=last).map(|y| years.get(&y).map_or((y, 0, 0), |&(a, n)| (y, a, n))).collect(),
        })
        .collect()
}

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 150.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 20.0;
const SIDE: f64 = 6.0;
/// The narrowest slot that still fits a year label ("2019" at 11 units).
const LABEL_SLOT: f64 = 30.0;

/// The SVG of one series. `id` makes the title and description ids unique on the page.
pub fn svg(series: &Series, id: &str) -> String {
    let mut out = String::with_capacity(512 + series.years.len().max(1) * 160);
    write_opening(&mut out, series, id);
    write_peak(&mut out, series);
    write_baseline(&mut out);
    write_bars(&mut out, series);
    out.push_str("</svg>");
    out
}

/// The `<svg>` element's opening, with its title and its description.
fn write_opening(out: &mut String, series: &Series, id: &str) {
    let title = format!("Deal amounts in {} per year", series.currency);
    let _ = write!(
        out,
        "<svg class=\"deal-chart-svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape_xml(&title),
        escape_xml(&description(series))
    );
}

/// Every year with an amount, in words: what a screen reader says for the image.
fn description(series: &Series) -> String {
    let described: Vec<String> = series
        .years
        .iter()
        .filter(|y| y.1 > 0)
        .map(|&(year, amount, _)| format!("{year}: {}", amounts::long(amount, &series.currency)))
        .collect();
    if described.is_empty() { "No amounts.".to_string() } else { format!("{}.", described.join("; ")) }
}

/// The highest year's amount above the bars (the earliest of equal years); none without amounts.
fn write_peak(out: &mut String, series: &Series) {
    let (peak_year, peak) =
        series.years.iter().max_by_key(|y| (y.1, std::cmp::Reverse(y.0))).map_or((0, 0), |y| (y.0, y.1));
    if peak > 0 {
        let _ = write!(
            out,
            "<text x=\"{SIDE}\" y=\"13\" font-size=\"11\" fill=\"currentColor\">Highest: {} in {peak_year}</text>",
            escape_xml(&amounts::short(peak, &series.currency))
        );
    }
}

/// The axis the bars stand on.
fn write_baseline(out: &mut String) {
    let baseline = HEIGHT - BOTTOM;
    let _ = write!(
        out,
        "<line x1=\"{SIDE}\" y1=\"{baseline}\" x2=\"{}\" y2=\"{baseline}\" stroke=\"currentColor\" stroke-width=\"1\"/>",
        WIDTH - SIDE
    );
}

/// One bar per year with an amount, scaled to the highest, and the year labels below: every
/// year's when they fit, else every few years' and the last one's.
fn write_bars(out: &mut String, series: &Series) {
    let max = series.years.iter().map(|y| y.1).max().unwrap_or(0).max(1);
    let count = series.years.len().max(1);
    let slot = (WIDTH - 2.0 * SIDE) / count as f64;
    let label_every = (LABEL_SLOT / slot).ceil().max(1.0) as usize;
    let plot = HEIGHT - TOP - BOTTOM;
    let baseline = HEIGHT - BOTTOM;
    for (n, &(year, amount, _)) in series.years.iter().enumerate() {
        let x = SIDE + slot * n as f64;
        if amount > 0 {
            let height = (amount as f64 / max as f64 * plot).max(1.0);
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{height:.1}\" fill=\"#0b5394\"/>",
                x + slot * 0.15,
                baseline - height,
                slot * 0.7
            );
        }
        if n % label_every == 0 || n + 1 == count {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"currentColor\">{year}</text>",
                x + slot / 2.0,
                HEIGHT - 5.0
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_fill_gaps_and_keep_currencies_apart() {
        let all = series([
            (2018, 5, "CNY".into()),
            (2020, 7, "CNY".into()),
            (2020, 3, "USD".into()),
            (2020, 1, "CNY".into()),
        ]);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].currency, "CNY");
        assert_eq!(all[0].years, vec![(2018, 5, 1), (2019, 0, 0), (2020, 8, 2)]);
        assert_eq!(all[1].years, vec![(2018, 0, 0), (2019, 0, 0), (2020, 3, 1)]);
    }

    #[test]
    fn the_svg_describes_every_value() {
        let one = Series { currency: "CNY".into(), years: vec![(2018, 2_100_000_000, 1), (2019, 0, 0)] };
        let svg = svg(&one, "c");
        assert!(svg.contains("role=\"img\""), "{svg}");
        assert!(svg.contains("<desc id=\"c-desc\">2018: 2.1 billion yuan.</desc>"), "{svg}");
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(svg.contains(">2019</text>"));
    }
}
