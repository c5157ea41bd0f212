//! Search records kept between builds, so that an edit tokenizes only the articles it changed.
//!
//! Each article's `page::Record` is kept under `page::key`, a hash of everything the record is
//! made from (the article's text and names, its URL, its bundle's language). `serve` keeps the
//! records in memory from one save to the next. `load` and `store` keep them in a file, for
//! `gazette build`; the build does not use them yet, since nothing may be written outside the
//! output folder and a file inside it must be left out of deploys and of `serve`'s site first.
//!
//! The file starts with a mark and a hash of the gazette binary (`fingerprint::binary`): a file
//! written by another build of gazette is not read. It is written whole into a temporary file
//! and renamed over the old one, so a build killed while writing it leaves the old file or
//! none; a file that does not decode is ignored whole.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Arc;

use super::page::Record;
use crate::fingerprint;

/// The first bytes of the file; a new layout of `Record` takes a new number.
const MARK: &[u8] = b"gazette search cache 2\n";

/// Records by `page::key`.
#[derive(Default)]
pub struct Records {
    entries: HashMap<u64, Arc<Record>>,
    /// Whether the last `keep` changed what is kept (the file is then written again).
    changed: bool,
}

impl Records {
    pub fn get(&self, key: u64) -> Option<Arc<Record>> {
        self.entries.get(&key).cloned()
    }

    /// Keeps exactly these records: those of articles that are gone are dropped.
    pub fn keep(&mut self, records: impl Iterator<Item = (u64, Arc<Record>)>) {
        let entries: HashMap<u64, Arc<Record>> = records.collect();
        self.changed = entries.len() != self.entries.len() || entries.keys().any(|k| !self.entries.contains_key(k));
        self.entries = entries;
    }

    /// Drops every record (they are then shared with no one, and the bundle can move them).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The records in `path`, or none when it is missing, from another gazette, or damaged.
    pub fn load(path: &Path) -> Records {
        let entries = fs::read(path).ok().and_then(|bytes| decode(&bytes)).unwrap_or_default();
        Records { entries, changed: false }
    }

    /// Writes the records to `path` when they changed since `load`.
    pub fn store(&self, path: &Path) -> io::Result<()> {
        if !self.changed && path.is_file() {
            return Ok(());
        }
        let mut entries: Vec<(u64, &Record)> = self.entries.iter().map(|(&k, r)| (k, r.as_ref())).collect();
        entries.sort_unstable_by_key(|(k, _)| *k);
        let mut bytes = MARK.to_vec();
        bytes.extend(fingerprint::binary().to_le_bytes());
        // Encoding into a Vec cannot fail: it only grows.
        let _ = minicbor::encode(&entries, &mut bytes);
        let partial = path.with_extension("partial");
        fs::write(&partial, &bytes)?;
        fs::rename(&partial, path)
    }
}

fn decode(bytes: &[u8]) -> Option<HashMap<u64, Arc<Record>>> {
    let rest = bytes.strip_prefix(MARK)?;
    let (binary, cbor) = rest.split_at_checked(8)?;
    if u64::from_le_bytes(binary.try_into().ok()?) != fingerprint::binary() {
        return None;
    }
    let entries: Vec<(u64, Record)> = minicbor::decode(cbor).ok()?;
    Some(entries.into_iter().map(|(k, r)| (k, Arc::new(r))).collect())
}

#[cfg(test)]
mod tests {
    use super::super::packed::PageWords;
    use super::*;

    fn record(text: &str) -> Arc<Record> {
        let mut words = PageWords::default();
        words.push(text, None, &[1], &[-1, 0]);
        Arc::new(Record {
            fragment_json: format!("{{\"content\":\"{text}\"}}"),
            word_count: 1,
            words,
            meta_fields: vec!["title".into()],
            filters: [("tag".to_string(), vec!["a &amp; b".to_string()])].into_iter().collect(),
            sort_date: "2020-01-01".into(),
        })
    }

    #[test]
    fn records_survive_the_file_and_a_damaged_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.gazette-search-cache");
        let mut records = Records::default();
        records.keep([(1, record("one")), (2, record("two"))].into_iter());
        records.store(&path).unwrap();
        let loaded = Records::load(&path);
        assert_eq!(loaded.get(2).as_deref(), Some(record("two").as_ref()));
        assert!(loaded.get(3).is_none());

        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
        assert!(Records::load(&path).get(1).is_none(), "a half-written file is not trusted");
        fs::write(&path, b"gazette search cache 1\n").unwrap();
        assert!(Records::load(&path).get(1).is_none());
    }
}
