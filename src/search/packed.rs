//! One page's words with their locations, packed into three buffers.
//!
//! A page has a few hundred distinct words, and the bundle holds every page's at once: a
//! `String` and two `Vec`s per word were most of the index stage's memory and of its time
//! (the kernel zeroing fresh pages for millions of small allocations). `PageWords` keeps the
//! same content in one string, one list of numbers and one list of ends per entry. An entry
//! is one word as written, or one of its forms with diacritics (`form`), with the locations
//! as Pagefind packs them (`locs`, and `meta_locs` with this page's metadata field ids);
//! entries are sorted by word, the one as written before its forms.

use minicbor::{Decode, Encode};

/// Where one entry ends in each buffer; it starts where the entry before it ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Encode, Decode)]
struct Ends {
    /// The word, in `text`.
    #[n(0)]
    word: u32,
    /// The form after the word, in `text` (equal to `word`: the word as written).
    #[n(1)]
    form: u32,
    /// The locations, in `numbers`.
    #[n(2)]
    locs: u32,
    /// The metadata locations after them, in `numbers`.
    #[n(3)]
    meta_locs: u32,
}

/// A page's words (see the module).
#[derive(Debug, Clone, Default, PartialEq, Encode, Decode)]
pub struct PageWords {
    #[n(0)]
    text: String,
    #[n(1)]
    numbers: Vec<i32>,
    #[n(2)]
    ends: Vec<Ends>,
}

/// One entry of `PageWords`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry<'a> {
    pub word: &'a str,
    /// The form with diacritics, or `None` for the word as written.
    pub form: Option<&'a str>,
    pub locs: &'a [i32],
    pub meta_locs: &'a [i32],
}

impl PageWords {
    /// The number of entries.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Entry `i` (below `len`).
    pub fn get(&self, i: usize) -> Entry<'_> {
        let start = if i == 0 { Ends::default() } else { self.ends[i - 1] };
        let ends = self.ends[i];
        let form = &self.text[ends.word as usize..ends.form as usize];
        Entry {
            word: &self.text[start.form as usize..ends.word as usize],
            form: (ends.form != ends.word).then_some(form),
            locs: &self.numbers[start.meta_locs as usize..ends.locs as usize],
            meta_locs: &self.numbers[ends.locs as usize..ends.meta_locs as usize],
        }
    }

    /// Entry `i`'s word (below `len`).
    pub fn word(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1].form };
        &self.text[start as usize..self.ends[i].word as usize]
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = Entry<'_>> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Appends an entry; entries come sorted by word, the word as written before its forms,
    /// and a form is never empty.
    pub fn push(&mut self, word: &str, form: Option<&str>, locs: &[i32], meta_locs: &[i32]) {
        self.text.push_str(word);
        let word_end = offset(self.text.len());
        self.text.push_str(form.unwrap_or_default());
        self.numbers.extend_from_slice(locs);
        let locs_end = offset(self.numbers.len());
        self.numbers.extend_from_slice(meta_locs);
        let ends = Ends {
            word: word_end,
            form: offset(self.text.len()),
            locs: locs_end,
            meta_locs: offset(self.numbers.len()),
        };
        self.ends.push(ends);
    }

    /// Frees the spare capacity left by building.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.numbers.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// A length as an end: one page's words and locations stay far below 4 GiB.
fn offset(length: usize) -> u32 {
    u32::try_from(length).unwrap_or_else(|_| unreachable!("one page's words are far below 4 GiB"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_come_back_as_pushed() {
        let mut words = PageWords::default();
        words.push("cafe", None, &[3], &[]);
        words.push("cafe", Some("café"), &[-25, 7], &[-1, 0]);
        words.push("tea", None, &[], &[-2, 1]);
        let entries: Vec<Entry> = words.iter().collect();
        assert_eq!(
            entries,
            [
                Entry { word: "cafe", form: None, locs: &[3], meta_locs: &[] },
                Entry { word: "cafe", form: Some("café"), locs: &[-25, 7], meta_locs: &[-1, 0] },
                Entry { word: "tea", form: None, locs: &[], meta_locs: &[-2, 1] },
            ]
        );
    }
}
