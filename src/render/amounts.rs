//! Money for readers: `2_100_000_000 CNY` → "2.1 billion yuan" and "¥2.1 bn".
//!
//! Three significant digits at most, in millions, billions or trillions; amounts below a
//! million are written out with thousands separators. Each amount keeps its own currency:
//! nothing here adds amounts of different currencies.

/// (code, name in running text, symbol in tables).
const CURRENCY_WORDS: [(&str, &str, &str); 13] = [
    ("CNY", "yuan", "¥"),
    ("USD", "US dollars", "US$"),
    ("JPY", "yen", "JP¥"),
    ("EUR", "euros", "€"),
    ("GBP", "pounds", "£"),
    ("KRW", "won", "₩"),
    ("HKD", "Hong Kong dollars", "HK$"),
    ("TWD", "New Taiwan dollars", "NT$"),
    ("SGD", "Singapore dollars", "S$"),
    ("AUD", "Australian dollars", "A$"),
    ("CAD", "Canadian dollars", "C$"),
    ("CHF", "Swiss francs", "CHF "),
    ("RUB", "roubles", "₽"),
];

const SCALES: [(u64, &str, &str); 3] =
    [(1_000_000_000_000, "trillion", "tn"), (1_000_000_000, "billion", "bn"), (1_000_000, "million", "m")];

/// "2.1 billion yuan"
pub fn long(amount: u64, currency: &str) -> String {
    let name = CURRENCY_WORDS.iter().find(|c| c.0 == currency).map_or(currency, |c| c.1);
    match scaled(amount) {
        Some((number, word, _)) => format!("{number} {word} {name}"),
        None => format!("{} {name}", crate::diagnostics::thousands(amount as usize)),
    }
}

/// "¥2.1 bn"; a currency without a symbol here keeps its code: "SEK 2.1 bn".
pub fn short(amount: u64, currency: &str) -> String {
    let symbol = CURRENCY_WORDS.iter().find(|c| c.0 == currency).map_or_else(|| format!("{currency} "), |c| c.2.into());
    match scaled(amount) {
        Some((number, _, abbreviation)) => format!("{symbol}{number} {abbreviation}"),
        None => format!("{symbol}{}", crate::diagnostics::thousands(amount as usize)),
    }
}

/// The number in its scale, with at most three significant digits, and the scale's words.
fn scaled(amount: u64) -> Option<(String, &'static str, &'static str)> {
    let at = SCALES.iter().position(|&(unit, _, _)| amount >= unit)?;
    let (unit, word, abbreviation) = SCALES[at];
    let value = amount as f64 / unit as f64;
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    let factor = 10f64.powi(decimals);
    let rounded = (value * factor).round() / factor;
    if rounded >= 1000.0 && at > 0 {
        // 999,999,999 is "1 billion", not "1000 million".
        let (_, word, abbreviation) = SCALES[at - 1];
        return Some(("1".into(), word, abbreviation));
    }
    let text = format!("{rounded:.*}", decimals as usize);
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
    Some((text, word, abbreviation))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_like_a_newspaper() {
        assert_eq!(long(2_100_000_000, "CNY"), "2.1 billion yuan");
        assert_eq!(short(2_100_000_000, "CNY"), "¥2.1 bn");
        assert_eq!(long(2_000_000_000, "CNY"), "2 billion yuan");
        assert_eq!(long(1_234_567_890, "USD"), "1.23 billion US dollars");
        assert_eq!(short(12_345_000_000, "JPY"), "JP¥12.3 bn");
        assert_eq!(long(800_000_000, "CNY"), "800 million yuan");
        assert_eq!(short(30_000_000, "EUR"), "€30 m");
        assert_eq!(long(999_999_999, "CNY"), "1 billion yuan");
        assert_eq!(long(3_000_000_000_000, "KRW"), "3 trillion won");
        assert_eq!(long(500_000, "CNY"), "500,000 yuan");
        assert_eq!(short(2_500_000_000, "SEK"), "SEK 2.5 bn");
        assert_eq!(long(2_500_000_000, "SEK"), "2.5 billion SEK");
    }
}
