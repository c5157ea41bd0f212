//! Deals: an article's `[[deals]]` tables → checked, resolved deals.
//!
//! Two steps. `check_fields` reads the front matter alone (positive amount with an ISO 4217
//! currency, a `what`, a place name); it runs with the article's other front-matter checks.
//! `resolve_places` then needs the profiles: the place must be a profile of kind `place`
//! (E052/E053, with the closest place as hint) and an investor no profile defines gets a
//! warning (W110); it still becomes an entity of kind `other`, like any entity name.

use crate::diagnostics::{Diagnostic, closest};
use crate::load::Document;
use crate::load::frontmatter::{ArticleFront, DealFront, DealStage, EntityKind};
use crate::toml_input::Fragment;

use super::entities::EntityRegistry;

/// A deal as the front matter names it, its fields checked.
#[derive(Debug, Clone, PartialEq)]
pub struct DealHead {
    pub investors: Vec<String>,
    pub place: String,
    pub what: String,
    pub amount: Option<u64>,
    pub currency: Option<String>,
    pub sector: Option<String>,
    pub stage: Option<DealStage>,
}

/// A deal with its place and investors resolved to entity ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Deal {
    pub investors: Vec<usize>,
    pub place: usize,
    pub what: String,
    pub amount: Option<u64>,
    pub currency: Option<String>,
    /// Whitespace collapsed; `None` when blank.
    pub sector: Option<String>,
    pub stage: Option<DealStage>,
}

/// A deal whose place is resolved; its investors are resolved in the model's sequential
/// step, where unknown names become entities.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedDeal {
    pub head: DealHead,
    pub place: usize,
}

/// The active ISO 4217 codes (funds and precious metals included; `XTS` and `XXX`, which
/// mean "no currency", left out).
const CURRENCIES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD \
BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD \
FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW \
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK \
NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN \
SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU \
XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL";

/// Whether `code` is an ISO 4217 currency code.
pub fn is_currency(code: &str) -> bool {
    code.len() == 3 && CURRENCIES.split(' ').any(|c| c == code)
}

/// Runs of whitespace as one space, as names are compared.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks what the front matter alone can tell about each deal; problems go to `errors`.
pub fn check_fields(fragment: &Fragment, front: &ArticleFront, errors: &mut Vec<Diagnostic>) -> Vec<DealHead> {
    let mut deals = Vec::with_capacity(front.deals.len());
    for deal in &front.deals {
        check_money(fragment, deal, errors);
        check_names(fragment, deal, errors);
        deals.push(DealHead {
            investors: deal.investors.iter().map(|i| collapse(i.get_ref())).collect(),
            place: collapse(deal.place.get_ref()),
            what: collapse(deal.what.get_ref()),
            amount: deal.amount.as_ref().map(|a| *a.get_ref()),
            currency: deal.currency.as_ref().map(|c| c.get_ref().clone()),
            sector: deal.sector.as_deref().map(collapse).filter(|s| !s.is_empty()),
            stage: deal.stage,
        });
    }
    deals
}

/// A deal's amount and currency: an amount needs a currency, is more than 0, and the
/// currency is an ISO 4217 code.
fn check_money(fragment: &Fragment, deal: &DealFront, errors: &mut Vec<Diagnostic>) {
    if let (Some(amount), None) = (&deal.amount, &deal.currency) {
        errors.push(
            fragment
                .error_at("E016", "a deal with an amount needs a currency", amount.span())
                .field("deals.currency")
                .hint("add the ISO 4217 code of the amount, e.g. `currency = \"CNY\"`"),
        );
    }
    if let Some(amount) = deal.amount.as_ref().filter(|a| *a.get_ref() == 0) {
        errors.push(
            fragment
                .error_at("E054", "a deal's amount must be more than 0", amount.span())
                .field("deals.amount")
                .hint("write the amount in units of the currency, or remove `amount` when it is not known"),
        );
    }
    if let Some(currency) = &deal.currency {
        let code = currency.get_ref();
        if !is_currency(code) {
            let upper = code.trim().to_uppercase();
            let hint = if is_currency(&upper) {
                format!("write it in capitals: `currency = \"{upper}\"`")
            } else {
                "use an ISO 4217 code, e.g. \"CNY\", \"JPY\", \"USD\", \"EUR\"".to_string()
            };
            errors.push(
                fragment
                    .error_at("E016", format!("{code:?} is not an ISO 4217 currency code"), currency.span())
                    .field("deals.currency")
                    .hint(hint),
            );
        }
    }
}

/// A deal's place, `what` and investors are not blank.
fn check_names(fragment: &Fragment, deal: &DealFront, errors: &mut Vec<Diagnostic>) {
    if deal.place.get_ref().trim().is_empty() {
        errors.push(
            fragment
                .error_at("E013", "the deal's place is empty", deal.place.span())
                .field("deals.place")
                .hint("name the place (an entity of kind place) where the money goes"),
        );
    }
    if deal.what.get_ref().trim().is_empty() {
        errors.push(
            fragment
                .error_at("E055", "the deal's `what` is empty", deal.what.span())
                .field("deals.what")
                .hint("say what is invested in, e.g. `what = \"Wind farm, first phase\"`"),
        );
    }
    for investor in deal.investors.iter().filter(|i| i.get_ref().trim().is_empty()) {
        errors.push(
            fragment
                .error_at("E056", "an investor's name is empty", investor.span())
                .field("deals.investors")
                .hint("write the investor's name or alias, or remove the empty entry"),
        );
    }
}

/// The profiles of kind `place`, for resolving deal places and suggesting them.
pub struct PlaceNames<'a> {
    registry: &'a EntityRegistry,
    spellings: Vec<&'a str>,
}

impl<'a> PlaceNames<'a> {
    pub fn new(registry: &'a EntityRegistry) -> Self {
        let spellings = registry.entities[..registry.profile_count]
            .iter()
            .filter(|e| e.kind == EntityKind::Place)
            .flat_map(|e| std::iter::once(e.name.as_str()).chain(e.aliases.iter().map(String::as_str)))
            .collect();
        PlaceNames { registry, spellings }
    }

    fn suggestion(&self, name: &str) -> String {
        match closest(name, self.spellings.iter().copied()) {
            Some(best) => format!("did you mean {best:?}? Otherwise add a profile with `kind = \"place\"` for it"),
            None => format!(
                "add a profile content/entities/{}.md with `name = {name:?}` and `kind = \"place\"`, or name a \
                 place that has one",
                crate::slug::slugify(name)
            ),
        }
    }
}

/// Resolves each deal's place (an error unless it is a place profile) and warns about
/// investors that no profile defines. `heads` are `check_fields`' deals of `document`.
pub fn resolve_places(
    document: &Document<ArticleFront>,
    heads: &[DealHead],
    places: &PlaceNames,
) -> (Vec<PlacedDeal>, Vec<Diagnostic>) {
    let fragment = document.fragment();
    let registry = places.registry;
    let mut diagnostics = Vec::new();
    let mut placed = Vec::with_capacity(heads.len());
    for (head, front) in heads.iter().zip(&document.front.deals) {
        let span = front.place.span();
        match registry.resolve(&head.place).filter(|&id| id < registry.profile_count) {
            Some(id) if registry.entities[id].kind == EntityKind::Place => {
                placed.push(PlacedDeal { head: head.clone(), place: id });
            }
            Some(id) => {
                let entity = &registry.entities[id];
                let message =
                    format!("the deal's place {:?} is {}, of kind {}", head.place, entity.name, entity.kind.as_str());
                diagnostics.push(fragment.error_at("E053", message, span).field("deals.place").hint(format!(
                    "a deal's place must be a profile with `kind = \"place\"`; {}",
                    places.suggestion(&head.place)
                )));
            }
            None => {
                let message = format!("no place profile defines the deal's place {:?}", head.place);
                diagnostics.push(
                    fragment.error_at("E052", message, span).field("deals.place").hint(places.suggestion(&head.place)),
                );
            }
        }
        for (name, spanned) in head.investors.iter().zip(&front.investors) {
            if registry.resolve(name).is_some_and(|id| id < registry.profile_count) {
                continue;
            }
            let profiles =
                registry.entities[..registry.profile_count].iter().map(|e| e.name.as_str()).collect::<Vec<_>>();
            let hint = match closest(name, profiles) {
                Some(best) => format!("did you mean {best:?}? If not, add a profile for {name:?} to content/entities/"),
                None => format!(
                    "add a profile for {name:?} to content/entities/, or add the name to the `aliases` of its profile"
                ),
            };
            let warning =
                fragment.error_at("W110", format!("no profile defines the investor {name:?}"), spanned.span());
            diagnostics.push(
                Diagnostic { severity: crate::diagnostics::Severity::Warning, ..warning }
                    .field("deals.investors")
                    .note("it still gets a page, of kind `other`, that lists its deals")
                    .hint(hint),
            );
        }
    }
    (placed, diagnostics)
}

/// The deal with its investors resolved by `resolve` (which adds unknown names as entities).
pub fn resolve_investors(placed: PlacedDeal, mut resolve: impl FnMut(&str) -> Option<usize>) -> Deal {
    let PlacedDeal { head, place } = placed;
    let mut investors = Vec::with_capacity(head.investors.len());
    for id in head.investors.iter().filter_map(|name| resolve(name)) {
        if !investors.contains(&id) {
            investors.push(id);
        }
    }
    Deal {
        investors,
        place,
        what: head.what,
        amount: head.amount,
        currency: head.currency,
        sector: head.sector,
        stage: head.stage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_are_iso_4217_codes() {
        for code in ["CNY", "JPY", "USD", "EUR", "KRW", "HKD"] {
            assert!(is_currency(code), "{code}");
        }
        for code in ["cny", "RMB", "XXX", "US", "USDD", ""] {
            assert!(!is_currency(code), "{code}");
        }
    }
}
