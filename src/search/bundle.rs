//! The records of one language's articles → the files of its Pagefind 1.6.0 bundle.
//!
//! The format, as Pagefind 1.6.0's `src/index/` and `src/output/` write it and its WASM reads
//! it: `pagefind.<hash>.pf_meta` (pages, word chunks, filters, sorts, metadata fields),
//! `index/<hash>.pf_index` (word chunks), `filter/<hash>.pf_filter` and
//! `fragment/<hash>.pf_fragment` (result cards, grouped), each the gzip of `pagefind_dcd`
//! followed by CBOR or JSON; `pagefind-entry.json` names the meta file of each language.
//!
//! Every file is named after a hash of its bytes, so a build that changes nothing writes the
//! same names and bytes and the writer leaves them alone, and an edit renames only what it
//! changes. Pages are numbered oldest first and fragments are grouped oldest first, so a new
//! article adds to the end rather than renumbering every page.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use minicbor::Encode;
use rayon::prelude::*;
use sha1::{Digest, Sha1};
use std::sync::Arc;

use super::page::Record;
use super::postings::Postings;

/// Pagefind's version, written into the meta file; the JS (of the same crate) compares it with its own.
const PAGEFIND_VERSION: &str = super::client::VERSION;
/// Result cards per fragment file: a few per file keep a 10,000-article site far below a static
/// host's file limit while a query's first results still download only a few cards each.
pub const FRAGMENTS_PER_FILE: usize = 8;
/// gzip level of the index files: 6 is within 1% of 9 in size here and much faster.
const GZIP_LEVEL: u32 = 6;

/// One file of a bundle, by its path inside the bundle folder.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub path: String,
    pub contents: Vec<u8>,
    /// `contents` are to be gzipped (`gzip`) when written. Such a file is named after a hash
    /// of `contents`, so a file of the same path written before holds the same bytes and can
    /// be kept instead of compressed again.
    pub compress: bool,
}

impl File {
    pub fn new(path: String, contents: Vec<u8>) -> Self {
        File { path, contents, compress: false }
    }

    fn compressed(path: String, contents: Vec<u8>) -> Self {
        File { path, contents, compress: true }
    }

    /// The bytes as served.
    pub fn into_bytes(self) -> Vec<u8> {
        if self.compress { gzip(&self.contents) } else { self.contents }
    }
}

/// What `pagefind-entry.json` says about one language.
#[derive(Debug, Clone)]
pub struct LanguageEntry {
    pub language: String,
    pub meta_hash: String,
    pub page_count: usize,
}

#[derive(Encode)]
struct MetaIndex {
    #[n(0)]
    version: String,
    #[n(1)]
    pages: Vec<MetaPage>,
    #[n(2)]
    index_chunks: Vec<MetaChunk>,
    #[n(3)]
    filters: Vec<MetaFilter>,
    #[n(4)]
    sorts: Vec<MetaSort>,
    #[n(5)]
    meta_fields: Vec<String>,
}

#[derive(Encode)]
struct MetaPage {
    #[n(0)]
    hash: String,
    #[n(1)]
    word_count: u32,
    #[n(2)]
    group_hash: String,
}

#[derive(Encode)]
struct MetaChunk {
    #[n(0)]
    from: String,
    #[n(1)]
    to: String,
    #[n(2)]
    hash: String,
}

#[derive(Encode)]
struct MetaFilter {
    #[n(0)]
    filter: String,
    #[n(1)]
    hash: String,
}

#[derive(Encode)]
struct MetaSort {
    #[n(0)]
    sort: String,
    #[n(1)]
    pages: Vec<usize>,
}

#[derive(Encode)]
struct FilterIndex {
    #[n(0)]
    filter: String,
    #[n(1)]
    values: Vec<PackedValue>,
}

#[derive(Encode)]
struct PackedValue {
    #[n(0)]
    value: String,
    #[n(1)]
    pages: Vec<usize>,
}

/// Writes one language's bundle. `records` are in page order (oldest first).
pub fn write(records: Vec<Arc<Record>>, language: &str) -> (Vec<File>, LanguageEntry) {
    let meta_fields: Vec<String> =
        records.iter().flat_map(|r| r.meta_fields.iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
    let mut files = Vec::new();
    let (filters, filter_files) = filter_indexes(&records, language);
    files.extend(filter_files);
    let (pages, fragment_files) = fragments(&records, language);
    files.extend(fragment_files);
    let sorts = vec![date_sort(&records)];
    let page_count = records.len();
    let postings = Postings::merge(&records, &meta_fields);
    let (index_chunks, chunk_files) = word_chunks(&postings, language);
    drop(postings);
    drop(records);
    files.extend(chunk_files);
    let meta = MetaIndex { version: PAGEFIND_VERSION.into(), pages, index_chunks, filters, sorts, meta_fields };
    let cbor = cbor(&meta);
    let meta_hash = format!("{language}_{}", short_hash(&cbor, 10));
    files.push(File::compressed(format!("pagefind.{meta_hash}.pf_meta"), cbor));
    (files, LanguageEntry { language: language.into(), meta_hash, page_count })
}

/// The word chunks, encoded and named after their bytes.
fn word_chunks(postings: &Postings, language: &str) -> (Vec<MetaChunk>, Vec<File>) {
    let chunks = postings.chunks();
    let words = postings.words();
    let ranges = chunk_ranges(chunks.iter().map(|c| (words[c.start], words[c.end - 1])));
    let hashed: Vec<(String, Vec<u8>)> = chunks
        .into_par_iter()
        .map(|chunk| {
            let cbor = postings.encode(chunk);
            (format!("{language}_{}", short_hash(&cbor, 10)), cbor)
        })
        .collect();
    let mut meta = Vec::with_capacity(ranges.len());
    let mut files = Vec::with_capacity(ranges.len());
    for ((from, to), (hash, contents)) in ranges.into_iter().zip(hashed) {
        files.push(File::compressed(format!("index/{hash}.pf_index"), contents));
        meta.push(MetaChunk { from, to, hash });
    }
    (meta, files)
}

/// Each chunk's first and last word, trimmed to the prefixes that tell neighbours apart.
fn chunk_ranges<'a>(chunks: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<(String, String)> {
    let mut ranges: Vec<(String, String)> = chunks.map(|(from, to)| (from.to_string(), to.to_string())).collect();
    for i in 1..ranges.len() {
        let (to, from) = distinguishing_prefixes(&ranges[i - 1].1, &ranges[i].0);
        if to >= ranges[i - 1].0 {
            ranges[i - 1].1 = to;
        }
        ranges[i].0 = from;
    }
    ranges
}

fn distinguishing_prefixes(a: &str, b: &str) -> (String, String) {
    let common = b.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
    (a.chars().take(common + 1).collect(), b.chars().take(common + 1).collect())
}

fn filter_indexes(records: &[Arc<Record>], language: &str) -> (Vec<MetaFilter>, Vec<File>) {
    let mut filters: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for (page, record) in records.iter().enumerate() {
        for (name, values) in &record.filters {
            for value in values {
                filters.entry(name).or_default().entry(value).or_default().push(page);
            }
        }
    }
    let mut meta = Vec::new();
    let mut files = Vec::new();
    for (name, values) in filters {
        let index = FilterIndex {
            filter: name.into(),
            values: values.into_iter().map(|(value, pages)| PackedValue { value: value.into(), pages }).collect(),
        };
        let cbor = cbor(&index);
        let hash = format!("{language}_{}", short_hash(&cbor, 10));
        files.push(File::compressed(format!("filter/{hash}.pf_filter"), cbor));
        meta.push(MetaFilter { filter: name.into(), hash });
    }
    (meta, files)
}

/// The result cards, in files of `FRAGMENTS_PER_FILE` counted from the oldest page.
///
/// A page's id, the key of its card in its group, need only be unique within the bundle, so
/// it is the page number (in base 36, after the language): the meta file lists every page's
/// id, and sequential ids compress to a fraction of content hashes. A changed card still
/// changes its group's name, which is a hash of the group's bytes.
fn fragments(records: &[Arc<Record>], language: &str) -> (Vec<MetaPage>, Vec<File>) {
    let ids: Vec<String> = (0..records.len()).map(|page| format!("{language}_{}", base36(page))).collect();
    let groups: Vec<(String, Vec<u8>)> = records
        .par_chunks(FRAGMENTS_PER_FILE)
        .zip(ids.par_chunks(FRAGMENTS_PER_FILE))
        .map(|(group, ids)| {
            let mut json = String::from("{");
            for (i, (id, record)) in ids.iter().zip(group).enumerate() {
                if i > 0 {
                    json.push(',');
                }
                json.push_str(&format!("\"{id}\":{}", record.fragment_json));
            }
            json.push('}');
            let hash = format!("{language}_group_{}", short_hash(json.as_bytes(), 12));
            (hash, json.into_bytes())
        })
        .collect();
    let pages = records
        .iter()
        .zip(ids)
        .enumerate()
        .map(|(i, (record, id))| MetaPage {
            hash: id,
            word_count: record.word_count as u32,
            group_hash: groups[i / FRAGMENTS_PER_FILE].0.clone(),
        })
        .collect();
    let files = groups
        .into_iter()
        .map(|(hash, contents)| File::compressed(format!("fragment/{hash}.pf_fragment"), contents))
        .collect();
    (pages, files)
}

/// `n` in base 36, lowercase.
fn base36(mut n: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = Vec::new();
    loop {
        digits.push(DIGITS[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// Pages by date, oldest first (Pagefind's string sort, stable on ties).
fn date_sort(records: &[Arc<Record>]) -> MetaSort {
    let mut pages: Vec<usize> = (0..records.len()).collect();
    pages.sort_by(|&a, &b| records[a].sort_date.cmp(&records[b].sort_date));
    MetaSort { sort: "date".into(), pages }
}

/// `pagefind-entry.json` for a bundle's languages.
pub fn entry_json(languages: &[LanguageEntry], with_wasm: impl Fn(&str) -> bool) -> String {
    let languages: serde_json::Map<String, serde_json::Value> = languages
        .iter()
        .map(|l| {
            let wasm = if with_wasm(&l.language) {
                serde_json::Value::from(l.language.clone())
            } else {
                serde_json::Value::Null
            };
            let value = serde_json::json!({ "hash": l.meta_hash, "wasm": wasm, "page_count": l.page_count });
            (l.language.clone(), value)
        })
        .collect();
    let entry = serde_json::json!({
        "version": PAGEFIND_VERSION,
        "languages": languages,
        "include_characters": super::words::WORD_SYMBOLS,
    });
    entry.to_string()
}

fn cbor<T: Encode<()>>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    // Encoding into a Vec cannot fail: it only grows.
    let _ = minicbor::encode(value, &mut out);
    out
}

/// gzip of `pagefind_dcd` + the bytes, as Pagefind's decoder expects.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3 + 64), Compression::new(GZIP_LEVEL));
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(b"pagefind_dcd");
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

fn short_hash(bytes: &[u8], length: usize) -> String {
    let digest = Sha1::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..length].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ids_are_the_page_numbers_in_base_36() {
        let ids: Vec<String> = [0, 9, 10, 35, 36, 1295, 1296].into_iter().map(base36).collect();
        assert_eq!(ids, ["0", "9", "a", "z", "10", "zz", "100"]);
    }
}
