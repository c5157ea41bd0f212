//! TOML in, diagnostics out.
//!
//! Deserializes a TOML fragment (site.toml or a front-matter block) into a raw serde struct and
//! turns any failure into a `Diagnostic` that points at the file's own line and column, with a
//! hint an editor can act on ("did you mean `title`?", "write the date without quotes").

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::value::{Datetime, Offset};

use crate::diagnostics::{Diagnostic, closest};

/// Where a TOML fragment sits inside its file.
pub struct Fragment<'a> {
    pub file: &'a Path,
    /// The whole file, for line numbers and source lines.
    pub file_text: &'a str,
    /// Byte offset of the fragment in `file_text`.
    pub offset: usize,
    /// The byte offset to point at when a required field is missing (the block's first line).
    pub header_offset: usize,
}

impl Fragment<'_> {
    fn text(&self, len: usize) -> &str {
        &self.file_text[self.offset..self.offset + len]
    }

    /// A diagnostic located at a span given relative to the fragment.
    pub fn error_at(&self, code: &'static str, message: impl Into<String>, span: std::ops::Range<usize>) -> Diagnostic {
        Diagnostic::error(code, message).in_file(self.file).at_span(
            self.file_text,
            self.offset + span.start,
            self.offset + span.end,
        )
    }
}

/// Deserializes `fragment_len` bytes of TOML at `fragment.offset`.
pub fn parse<T: DeserializeOwned>(fragment: &Fragment, fragment_len: usize) -> Result<T, Diagnostic> {
    let text = fragment.text(fragment_len);
    toml::from_str::<T>(text).map_err(|error| toml_error_to_diagnostic(fragment, text, &error))
}

fn toml_error_to_diagnostic(fragment: &Fragment, text: &str, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim().to_string();
    let span = error.span().unwrap_or(0..0);
    let spanned_text = text.get(span.clone()).unwrap_or("");

    if let Some(rest) = message.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("");
        let expected = expected_fields(&message);
        let hint = match closest(key, expected.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`? Known fields: {}", expected.join(", ")),
            None => format!("known fields are: {}; remove the key or move it under [extra]", expected.join(", ")),
        };
        let key_span = key_span_in(text, &span, key);
        let hint = match table_header_before(text, span.start) {
            Some(table) if TOP_LEVEL_KEYS.contains(&key) => format!(
                "`{key}` landed inside the table [{table}] above it: in TOML every key after a [table] line belongs to that table, so move `{key}` above the [{table}] line"
            ),
            _ => hint,
        };
        return fragment.error_at("E012", format!("unknown field `{key}`"), key_span).field(key).hint(hint);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or("");
        let header = fragment.header_offset;
        return Diagnostic::error("E013", format!("missing required field `{key}`"))
            .in_file(fragment.file)
            .at_span(fragment.file_text, header, header + 3)
            .field(key)
            .hint(format!("add `{key} = ...` to this block"));
    }
    let field = field_before(text, span.start);
    if message.contains("expected a TOML datetime") || message.contains("Datetime") {
        let quoted = spanned_text.trim_matches('"');
        return fragment
            .error_at("E014", "this is not a TOML date", span)
            .field(field.unwrap_or_else(|| "date".into()))
            .hint(format!(
                "write the date without quotes, e.g. `2017-12-28` or `2017-12-28T09:30:00+08:00` (found {quoted:?})"
            ));
    }
    if message.starts_with("invalid date") || message.starts_with("invalid time") || message.contains("offset") {
        return fragment
            .error_at("E014", message.replace('\n', " "), span)
            .field(field.unwrap_or_else(|| "date".into()))
            .hint("write a date that exists, e.g. `2017-02-28` or `2017-12-28T09:30:00+08:00`");
    }
    let code = if message.contains("invalid type") || message.contains("unknown variant") { "E014" } else { "E011" };
    let hint = if code == "E011" {
        "fix the TOML syntax: strings in \"quotes\", lists in [brackets], one key per line"
    } else {
        "give the field a value of the type shown"
    };
    let mut diagnostic = fragment.error_at(code, message.replace('\n', " "), span).hint(hint);
    if let Some(field) = field {
        diagnostic = diagnostic.field(field);
    }
    diagnostic
}

/// Keys of an article's top level, which editors sometimes write after a table by mistake.
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "slug",
    "summary",
    "tags",
    "entities",
    "authors",
    "draft",
    "language",
    "translation_of",
    "source",
    "corrections",
    "deals",
    "image",
    "extra",
];

/// The `[table]` or `[[table]]` header that the line at `offset` falls under, if any.
pub fn table_header_before(text: &str, offset: usize) -> Option<String> {
    text[..offset.min(text.len())]
        .lines()
        .rev()
        .map(str::trim)
        .find(|line| line.starts_with('['))
        .map(|line| line.trim_matches(|c| c == '[' || c == ']').trim().to_string())
}

/// Parses serde's "expected one of `a`, `b`" list.
fn expected_fields(message: &str) -> Vec<String> {
    let Some((_, list)) = message.split_once("expected") else { return Vec::new() };
    list.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// Narrows an error span to the key itself when the key occurs in it.
fn key_span_in(text: &str, span: &std::ops::Range<usize>, key: &str) -> std::ops::Range<usize> {
    let region = text.get(span.clone()).unwrap_or("");
    match region.find(key) {
        Some(found) => span.start + found..span.start + found + key.len(),
        None => span.clone(),
    }
}

/// The key of the `key = value` line that contains `offset`, if any.
fn field_before(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.contains(['[', '{', ' '])).then(|| key.to_string())
}

/// A TOML date or offset datetime as a chrono time that keeps the author's offset.
/// A date alone means midnight UTC; a datetime without offset is refused, since it would be
/// read differently on different machines.
pub fn to_datetime(
    fragment: &Fragment,
    value: &Spanned<Datetime>,
    field: &str,
) -> Result<DateTime<FixedOffset>, Diagnostic> {
    let datetime = value.get_ref();
    let problem = |message: &str, hint: &str| fragment.error_at("E014", message, value.span()).field(field).hint(hint);
    let Some(date) = datetime.date else {
        return Err(problem(
            "a time alone is not a date",
            "write a date, e.g. `2017-12-28` or `2017-12-28T09:30:00+08:00`",
        ));
    };
    let day = NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
        .ok_or_else(|| problem("this day does not exist", "check the month and day"))?;
    let (time, offset) = match (datetime.time, datetime.offset) {
        (None, _) => (NaiveTime::MIN, 0),
        (Some(_), None) => {
            return Err(problem(
                "a date with a time needs a UTC offset",
                "add the offset of the newsroom's time zone, e.g. `2017-12-28T09:30:00+08:00`",
            ));
        }
        (Some(time), Some(offset)) => {
            let minutes = match offset {
                Offset::Z => 0,
                Offset::Custom { minutes } => i32::from(minutes),
            };
            let time = NaiveTime::from_hms_nano_opt(
                time.hour.into(),
                time.minute.into(),
                time.second.unwrap_or(0).into(),
                time.nanosecond.unwrap_or(0),
            )
            .ok_or_else(|| problem("this time of day does not exist", "use hours 00–23 and minutes 00–59"))?;
            (time, minutes * 60)
        }
    };
    let zone = FixedOffset::east_opt(offset)
        .ok_or_else(|| problem("this UTC offset is out of range", "use an offset between -23:59 and +23:59"))?;
    zone.from_local_datetime(&day.and_time(time))
        .single()
        .ok_or_else(|| problem("this time cannot be represented", "check the date and time"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Front {
        title: String,
        date: Spanned<Datetime>,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn parse_front(file_text: &str) -> Result<Front, Diagnostic> {
        let start = file_text.find('\n').unwrap() + 1;
        let end = file_text[start..].find("+++").unwrap() + start;
        let fragment = Fragment { file: Path::new("a.md"), file_text, offset: start, header_offset: 0 };
        parse(&fragment, end - start)
    }

    #[test]
    fn unknown_key_points_at_the_key_in_the_file() {
        let error = parse_front("+++\ntitle = \"x\"\ntitel = \"y\"\ndate = 2017-12-28\n+++\n").unwrap_err();
        assert_eq!((error.code, error.line, error.column, error.width), ("E012", 3, 1, 5));
        assert_eq!(error.field.as_deref(), Some("titel"));
        assert!(error.hint.unwrap().contains("did you mean `title`?"));
    }

    #[test]
    fn missing_field_points_at_the_block() {
        let error = parse_front("+++\ndate = 2017-12-28\n+++\n").unwrap_err();
        assert_eq!((error.code, error.line), ("E013", 1));
        assert_eq!(error.field.as_deref(), Some("title"));
    }

    #[test]
    fn quoted_date_is_explained() {
        let error = parse_front("+++\ntitle = \"x\"\n\ndate = \"2017-12-28\"\n+++\n").unwrap_err();
        assert_eq!((error.code, error.line), ("E014", 4));
        assert_eq!(error.field.as_deref(), Some("date"));
        assert!(error.hint.unwrap().contains("without quotes"));
    }

    #[test]
    fn dates_keep_their_offset() {
        let text = "+++\ntitle = \"x\"\ndate = 2017-12-28T09:30:00+08:00\n+++\n";
        let front = parse_front(text).unwrap();
        let fragment = Fragment { file: Path::new("a.md"), file_text: text, offset: 4, header_offset: 0 };
        let date = to_datetime(&fragment, &front.date, "date").unwrap();
        assert_eq!(date.to_rfc3339(), "2017-12-28T09:30:00+08:00");
    }

    #[test]
    fn local_datetime_without_offset_is_refused() {
        let text = "+++\ntitle = \"x\"\ndate = 2017-12-28T09:30:00\n+++\n";
        let front = parse_front(text).unwrap();
        let fragment = Fragment { file: Path::new("a.md"), file_text: text, offset: 4, header_offset: 0 };
        let error = to_datetime(&fragment, &front.date, "date").unwrap_err();
        assert_eq!((error.line, error.field.as_deref()), (3, Some("date")));
    }
}
