//! The word index of one bundle: every page's words merged into one sorted list, each word
//! with the pages it is on, cut into Pagefind's chunks and encoded as CBOR.
//!
//! Nothing of a page is copied: a word's postings point at its entries in the records
//! (`PageWords`), and each chunk's CBOR (Pagefind's `WordIndex` of `PackedWord`s) is written
//! straight from them, page numbers as deltas and metadata field ids renumbered to the
//! bundle's while encoding. The merge numbers the words in a hash map keyed by the records'
//! own strings, sorts the distinct words and places each page's postings by counting, so it
//! allocates a few flat lists whatever the number of words.

use std::convert::Infallible;
use std::ops::Range;
use std::sync::Arc;

use ahash::AHashMap;
use minicbor::Encoder;
use minicbor::encode::Error;
use rayon::prelude::*;

use super::packed::Entry;
use super::page::Record;

/// A chunk of the word index is cut after this many locations (Pagefind's default).
const CHUNK_SIZE: usize = 20_000;

type Encoded = Result<(), Error<Infallible>>;

/// A word on a page: its first entry there (the word as written, or its first form).
#[derive(Debug, Clone, Copy, Default)]
struct Posting {
    page: u32,
    entry: u32,
}

/// Every word of a bundle, sorted, with its postings in page order.
pub struct Postings<'a> {
    records: &'a [Arc<Record>],
    /// Per page, its metadata field ids (`Record::meta_fields`) → the bundle's.
    field_ids: Vec<Vec<i32>>,
    words: Vec<&'a str>,
    /// Word `i`'s postings are `postings[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    postings: Vec<Posting>,
}

impl<'a> Postings<'a> {
    /// The words of `records` (in page order), with `meta_fields` the bundle's field names.
    pub fn merge(records: &'a [Arc<Record>], meta_fields: &[String]) -> Self {
        // Both lists are sorted, so renumbering keeps the order of the fields in `meta_locs`.
        let field_ids = records
            .iter()
            .map(|r| r.meta_fields.iter().map(|f| meta_fields.iter().position(|m| m == f).unwrap_or_default() as i32))
            .map(Iterator::collect)
            .collect();
        let (words, counts, occurrences) = number_words(records);
        let mut words: Vec<(&str, u32)> = words.into_iter().collect();
        words.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        // Where each word's next posting goes, by word number.
        let mut next = vec![0usize; words.len()];
        let mut starts = Vec::with_capacity(words.len() + 1);
        let mut total = 0;
        for &(_, id) in &words {
            next[id as usize] = total;
            starts.push(total);
            total += counts[id as usize] as usize;
        }
        starts.push(total);
        let mut postings = vec![Posting::default(); total];
        for (id, posting) in occurrences {
            postings[next[id as usize]] = posting;
            next[id as usize] += 1;
        }
        let words = words.into_iter().map(|(word, _)| word).collect();
        Postings { records, field_ids, words, starts, postings }
    }

    /// The words, sorted.
    pub fn words(&self) -> &[&'a str] {
        &self.words
    }

    /// The words of each chunk, cut as Pagefind cuts them: after the word that brings the
    /// chunk's locations (one per page and form, plus each page's) to `CHUNK_SIZE`.
    pub fn chunks(&self) -> Vec<Range<usize>> {
        let sizes: Vec<usize> = (0..self.words.len()).into_par_iter().map(|word| self.size(word)).collect();
        let mut chunks = Vec::new();
        let mut start = 0;
        let mut size = 0;
        for (word, word_size) in sizes.into_iter().enumerate() {
            size += word_size;
            if size >= CHUNK_SIZE {
                chunks.push(start..word + 1);
                start = word + 1;
                size = 0;
            }
        }
        if start < self.words.len() {
            chunks.push(start..self.words.len());
        }
        chunks
    }

    /// The CBOR of a chunk: Pagefind's `WordIndex { words }`.
    pub fn encode(&self, words: Range<usize>) -> Vec<u8> {
        let mut encoder = Encoder::new(Vec::new());
        let encoded: Encoded = (|| {
            encoder.array(1)?.array(words.len() as u64)?;
            words.into_iter().try_for_each(|word| self.encode_word(&mut encoder, word))
        })();
        // Encoding into a Vec cannot fail: it only grows.
        let _ = encoded;
        encoder.into_writer()
    }

    /// A `PackedWord`: the word, its pages as written, its forms with theirs (in the order
    /// they first occur).
    fn encode_word(&self, encoder: &mut Encoder<Vec<u8>>, word: usize) -> Encoded {
        let postings = &self.postings[self.starts[word]..self.starts[word + 1]];
        let mut plain = 0;
        let mut variants: Vec<(&str, Vec<(u32, Entry)>)> = Vec::new();
        for &posting in postings {
            for entry in self.entries(posting) {
                match entry.form {
                    None => plain += 1,
                    Some(form) => match variants.iter_mut().find(|(f, _)| *f == form) {
                        Some((_, pages)) => pages.push((posting.page, entry)),
                        None => variants.push((form, vec![(posting.page, entry)])),
                    },
                }
            }
        }
        encoder.array(3)?.str(self.words[word])?.array(plain)?;
        let as_written = postings.iter().map(|&p| (p.page, self.entry(p))).filter(|(_, e)| e.form.is_none());
        self.encode_pages(encoder, as_written)?;
        encoder.array(variants.len() as u64)?;
        for (form, pages) in variants {
            encoder.array(2)?.str(form)?.array(pages.len() as u64)?;
            self.encode_pages(encoder, pages.into_iter())?;
        }
        Ok(())
    }

    /// `PackedPage`s (the array's length written already): page numbers as deltas.
    fn encode_pages<'e>(
        &self,
        encoder: &mut Encoder<Vec<u8>>,
        pages: impl Iterator<Item = (u32, Entry<'e>)>,
    ) -> Encoded {
        let mut last = 0;
        for (page, entry) in pages {
            encoder.array(3)?.u32(page - last)?.array(entry.locs.len() as u64)?;
            last = page;
            for &n in entry.locs {
                encoder.i32(n)?;
            }
            let ids = &self.field_ids[page as usize];
            encoder.array(entry.meta_locs.len() as u64)?;
            for &n in entry.meta_locs {
                encoder.i32(if n < 0 { -ids.get((-n - 1) as usize).copied().unwrap_or_default() - 1 } else { n })?;
            }
        }
        Ok(())
    }

    /// Word `word`'s locations in Pagefind's count: one per page and form plus each of their
    /// locations, and one per form.
    fn size(&self, word: usize) -> usize {
        let mut forms: Vec<&str> = Vec::new();
        let mut size = 0;
        for &posting in &self.postings[self.starts[word]..self.starts[word + 1]] {
            for entry in self.entries(posting) {
                size += entry.locs.len() + entry.meta_locs.len() + 1;
                if let Some(form) = entry.form
                    && !forms.contains(&form)
                {
                    forms.push(form);
                }
            }
        }
        size + forms.len()
    }

    fn entry(&self, posting: Posting) -> Entry<'a> {
        self.records[posting.page as usize].words.get(posting.entry as usize)
    }

    /// The entries of a word on a page: as written, then its forms.
    fn entries(&self, posting: Posting) -> impl Iterator<Item = Entry<'a>> {
        let words = &self.records[posting.page as usize].words;
        let word = words.get(posting.entry as usize).word;
        (posting.entry as usize..words.len()).map(|i| words.get(i)).take_while(move |e| e.word == word)
    }
}

/// Word → number (in order of first use), each number's count of pages, and every page's
/// words as (number, posting) in page order.
#[allow(clippy::type_complexity)]
fn number_words(records: &[Arc<Record>]) -> (AHashMap<&str, u32>, Vec<u32>, Vec<(u32, Posting)>) {
    let entries: usize = records.iter().map(|r| r.words.len()).sum();
    let mut numbers: AHashMap<&str, u32> = AHashMap::with_capacity(entries / 16);
    let mut counts: Vec<u32> = Vec::new();
    let mut occurrences = Vec::with_capacity(entries);
    for (page, record) in records.iter().enumerate() {
        let mut previous = None;
        for i in 0..record.words.len() {
            let word = record.words.word(i);
            if previous == Some(word) {
                continue;
            }
            previous = Some(word);
            let id = *numbers.entry(word).or_insert_with(|| {
                counts.push(0);
                (counts.len() - 1) as u32
            });
            counts[id as usize] += 1;
            occurrences.push((id, Posting { page: page as u32, entry: i as u32 }));
        }
    }
    (numbers, counts, occurrences)
}
