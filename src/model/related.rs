//! Related articles: up to five per article, by shared entities, then shared tags, then
//! recency (a lower index is newer; articles are sorted newest first, then by slug, so ties
//! are broken the same way in every build).
//!
//! In: the articles and the entity → articles and tag → articles indexes of the model. Out:
//! each article's related articles, best first. Nothing compares all pairs of articles. A news
//! site's vocabulary grows far slower than its archive, so a province, a sector or a bank
//! names thousands of articles: nothing walks a crowded list one candidate at a time either.
//!
//! Usually an article's rarer entities (those on at most 1/16 of the site) settle its list:
//! the articles on those lists are counted an entry at a time and scored exactly, most shared
//! rare entities first, until the fifth best shares more entities than an article not yet
//! scored can (`by_rare_entities`). That costs the length of the rare lists.
//!
//! Otherwise (no rare entity, or a list decided by crowded names and tags), the article's
//! entity lists and tag lists are added up as counters over all articles at once, 64 articles
//! to a machine word (bit-sliced: plane `i` holds bit `i` of every count; a crowded list is
//! added as a bitset a word at a time, a short one entry by entry). The newest articles give
//! five candidates; then one comparison of the counters with the fifth best so far (more
//! shared entities, or as many and more shared tags), a run of words at a time, marks every
//! article that beats it, and the bar rises as they come (`by_counters`). That is quadratic in
//! the archive, at about 1/64 of the constant: see BENCHMARKS.md.
//!
//! `update` keeps the last lists after an edit of a few articles in place (`Model::update`):
//! only the articles that share an entity or a tag with the old or new version of an edited
//! one can change, and most of those only by where the edited article stands in their list.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Article, Entity, Site, Tag};

/// How many related articles an article page lists.
pub const RELATED_LIMIT: usize = 5;

/// How many words (of 64 articles) one comparison pass covers before the fifth best is
/// looked at again: long enough for vector code, short enough that the bar rises early.
const WORDS_PER_RUN: usize = 8;

/// Above this many edited articles, `update` computes every list again.
const EDITS_PATCHED: usize = 64;

/// One candidate: shared entities, shared tags, index.
#[derive(Clone, Copy)]
struct Candidate {
    entities: usize,
    tags: usize,
    index: usize,
}

impl Candidate {
    /// Sort key: most shared entities, then most shared tags, then the newest.
    fn key(&self) -> (std::cmp::Reverse<usize>, std::cmp::Reverse<usize>, usize) {
        (std::cmp::Reverse(self.entities), std::cmp::Reverse(self.tags), self.index)
    }
}

/// The related articles of every article, by article index.
pub fn related(articles: &[Article], tags: &[Tag], entities: &[Entity]) -> Vec<Vec<usize>> {
    let index = Index::new(articles, tags, entities);
    (0..articles.len())
        .into_par_iter()
        .with_min_len(64)
        .map_init(|| Scratch::new(&index), |scratch, article| index.related_of(article, scratch))
        .collect()
}

/// Every article's entity and tag ids in one flat list (entities first, tag ids after
/// `entity_count`), so that scoring a candidate reads one short run of memory; and the
/// crowded terms' article lists as bitsets.
struct Index<'a> {
    /// Article `a`'s terms are `terms[starts[a]..starts[a + 1]]`.
    starts: Vec<usize>,
    terms: Vec<usize>,
    entity_count: usize,
    tags: &'a [Tag],
    entities: &'a [Entity],
    /// Words in a bitset over the articles.
    words: usize,
    /// Term `t`'s bitset is `bitsets[at * words..][..words]` for `Some(at) = bitset_of[t]`:
    /// only for terms of at least `words` articles, where a word at a time beats an entry at
    /// a time (so they take at most as much memory as the lists themselves).
    bitset_of: Vec<Option<usize>>,
    bitsets: Vec<u64>,
}

impl<'a> Index<'a> {
    fn new(articles: &[Article], tags: &'a [Tag], entities: &'a [Entity]) -> Self {
        let entity_count = entities.len();
        let mut starts = Vec::with_capacity(articles.len() + 1);
        let mut terms = Vec::new();
        for article in articles {
            starts.push(terms.len());
            terms.extend(article.entities.iter().copied());
            terms.extend(article.tags.iter().map(|t| t + entity_count));
        }
        starts.push(terms.len());
        let mut index = Index {
            starts,
            terms,
            entity_count,
            tags,
            entities,
            words: articles.len().div_ceil(64),
            bitset_of: Vec::new(),
            bitsets: Vec::new(),
        };
        for term in 0..entity_count + tags.len() {
            let list = index.list(term);
            if index.words == 0 || list.len() < index.words {
                index.bitset_of.push(None);
                continue;
            }
            let at = index.bitsets.len();
            index.bitset_of.push(Some(at / index.words));
            index.bitsets.resize(at + index.words, 0);
            list.iter().for_each(|&article| index.bitsets[at + article / 64] |= 1 << (article % 64));
        }
        index
    }

    fn articles(&self) -> usize {
        self.starts.len() - 1
    }

    fn terms_of(&self, article: usize) -> &[usize] {
        &self.terms[self.starts[article]..self.starts[article + 1]]
    }

    /// The articles of one term, newest first.
    fn list(&self, term: usize) -> &'a [usize] {
        match term.checked_sub(self.entity_count) {
            None => &self.entities[term].tagged,
            Some(tag) => &self.tags[tag].articles,
        }
    }

    /// A crowded term's articles as a bitset, or `None` for a short list.
    fn bitset(&self, term: usize) -> Option<&[u64]> {
        self.bitset_of[term].map(|at| &self.bitsets[at * self.words..][..self.words])
    }

    /// What `other` shares with the article whose terms `scratch` marks.
    fn score(&self, other: usize, scratch: &Scratch) -> Candidate {
        let mut candidate = Candidate { entities: 0, tags: 0, index: other };
        for &term in self.terms_of(other) {
            if scratch.marked[term] == scratch.stamp {
                if term < self.entity_count {
                    candidate.entities += 1;
                } else {
                    candidate.tags += 1;
                }
            }
        }
        candidate
    }

    /// One article's related articles: from its rarer entities when they settle the list
    /// (the usual case), else by counting all its lists.
    fn related_of(&self, article: usize, scratch: &mut Scratch) -> Vec<usize> {
        match self.by_rare_entities(article, scratch) {
            Some(list) => list,
            None => self.by_counters(article, scratch),
        }
    }

    /// The related articles when the article's rarer entities settle them, else `None`.
    /// The articles on the rarer entity lists (those of at most 1/16 of the site) are counted
    /// one entry at a time and scored exactly, most shared rare entities first. An article
    /// not scored yet shares at most the current count less one rare entity, plus every
    /// crowded one; once the fifth best shares more entities than that, nothing unseen can
    /// beat it. The work is the length of the rare lists, not the size of the site.
    fn by_rare_entities(&self, article: usize, scratch: &mut Scratch) -> Option<Vec<usize>> {
        let terms = self.terms_of(article);
        let (entities, tags) = terms.split_at(terms.partition_point(|&t| t < self.entity_count));
        // The counts are bytes (a small working set); an article naming more is counted the other way.
        if entities.len() > usize::from(u8::MAX) || tags.len() > usize::from(u8::MAX) {
            return None;
        }
        let rare = self.articles() / 16;
        let (rare_entities, crowded_entities): (Vec<usize>, Vec<usize>) =
            entities.iter().partition(|&&entity| self.list(entity).len() <= rare);
        scratch.rare.count(self, &rare_entities);
        let top = scratch.rare.bucket();
        // Tags are scored from their bitsets where they have one, else counted the same way.
        let (short_tags, crowded_tags): (Vec<usize>, Vec<usize>) =
            tags.iter().partition(|&&tag| self.bitset(tag).is_none());
        scratch.tags_short.count(self, &short_tags);
        // Every crowded entity has a bitset: more than 1/16 of the articles is at least one per word.
        let crowded_entity_sets: Vec<&[u64]> = crowded_entities.iter().filter_map(|&e| self.bitset(e)).collect();
        let tag_sets: Vec<&[u64]> = crowded_tags.iter().filter_map(|&t| self.bitset(t)).collect();
        let shared = |bitsets: &[&[u64]], other: usize| {
            let (w, shift) = (other / 64, other % 64);
            bitsets.iter().map(|bitset| (bitset[w] >> shift) as usize & 1).sum::<usize>()
        };
        let mut best = Best::default();
        let offer = |other: usize, count: usize, best: &mut Best| {
            let entities = count + shared(&crowded_entity_sets, other);
            if other == article || best.kept.get(RELATED_LIMIT - 1).is_some_and(|fifth| entities < fifth.entities) {
                return;
            }
            let tags = usize::from(scratch.tags_short.counts[other]) + shared(&tag_sets, other);
            best.offer(Candidate { entities, tags, index: other });
        };
        let settled_above = |unseen_at_most: usize, best: &Best| {
            best.kept.get(RELATED_LIMIT - 1).is_some_and(|fifth| fifth.entities > unseen_at_most)
        };
        let mut settled = false;
        for count in (2..=top).rev() {
            scratch.rare.buckets[count].iter().for_each(|&other| offer(other, count, &mut best));
            settled = settled_above(count - 1 + crowded_entities.len(), &best);
            if settled {
                break;
            }
        }
        if !settled {
            scratch.rare.once(self, &rare_entities).for_each(|other| offer(other, 1, &mut best));
            settled = settled_above(crowded_entities.len(), &best);
        }
        scratch.rare.clear(self, &rare_entities);
        scratch.tags_short.clear(self, &short_tags);
        settled.then(|| best.indexes())
    }

    /// One article's related articles by counting all its lists. Its entity and tag lists are
    /// counted over all articles; the first words (the newest articles) give five candidates,
    /// and then, a run of words at a time, every article that beats the fifth best so far is
    /// offered, so the bar rises as they come.
    fn by_counters(&self, article: usize, scratch: &mut Scratch) -> Vec<usize> {
        let terms = self.terms_of(article);
        let (entities, tags) = terms.split_at(terms.partition_point(|&t| t < self.entity_count));
        scratch.entities.count(self, entities);
        scratch.tags.count(self, tags);
        let others = Others { article, articles: self.articles() };
        let mut best = Best::default();
        let mut w = 0;
        while w < self.words && best.kept.len() < RELATED_LIMIT {
            let shares = scratch.entities.nonzero(w) | scratch.tags.nonzero(w);
            scratch.offer_word(w, shares & others.mask(w), &mut best);
            w += 1;
        }
        while let Some(&fifth) = best.kept.get(RELATED_LIMIT - 1).filter(|_| w < self.words) {
            let run = w..(w + WORDS_PER_RUN).min(self.words);
            scratch.beating(fifth, run.clone());
            for (w, &bits) in run.clone().zip(&scratch.masks[0]).filter(|(_, bits)| **bits != 0) {
                scratch.offer_word(w, bits & others.mask(w), &mut best);
            }
            w = run.end;
        }
        best.indexes()
    }
}

/// The articles an article may list: every article but itself (bit positions past the last
/// article, in the last word, are none).
struct Others {
    article: usize,
    articles: usize,
}

impl Others {
    /// Word `w`'s positions that are articles other than this one.
    fn mask(&self, w: usize) -> u64 {
        let mut mask = !0u64;
        if (w + 1) * 64 > self.articles {
            mask = (1u64 << (self.articles - w * 64)) - 1;
        }
        if w == self.article / 64 {
            mask &= !(1u64 << (self.article % 64));
        }
        mask
    }
}

/// For every article, how many of some lists hold it: bit-sliced, plane `i` (of `depth`)
/// holding bit `i` of every count, 64 articles to a word.
#[derive(Default)]
struct Counter {
    planes: Vec<u64>,
    depth: usize,
    words: usize,
    /// What a bitset being added carries into the next plane.
    carry: Vec<u64>,
}

impl Counter {
    /// Counts, for every article, the lists of `terms` that hold it.
    fn count(&mut self, index: &Index, terms: &[usize]) {
        self.words = index.words;
        // Enough planes that no count carries out of the top one.
        self.depth = (usize::BITS - terms.len().leading_zeros()) as usize;
        self.planes.clear();
        self.planes.resize(self.depth * self.words, 0);
        for &term in terms {
            match index.bitset(term) {
                Some(bitset) => self.add_bitset(bitset),
                None => index.list(term).iter().for_each(|&article| self.add_one(article)),
            }
        }
    }

    /// Adds one to the count of every article in `bitset`, a word (64 articles) at a time:
    /// plane by plane, each a straight pass that the compiler turns into vector code.
    fn add_bitset(&mut self, bitset: &[u64]) {
        self.carry.clear();
        self.carry.extend_from_slice(bitset);
        for plane in self.planes.chunks_exact_mut(self.words) {
            let mut left = 0;
            for (word, carry) in plane.iter_mut().zip(self.carry.iter_mut()) {
                let next = *word & *carry;
                *word ^= *carry;
                *carry = next;
                left |= next;
            }
            if left == 0 {
                break;
            }
        }
    }

    /// Adds one to the count of `article`.
    fn add_one(&mut self, article: usize) {
        let bit = 1u64 << (article % 64);
        let mut at = article / 64;
        while at < self.planes.len() {
            self.planes[at] ^= bit;
            if self.planes[at] & bit != 0 {
                break;
            }
            at += self.words;
        }
    }

    /// The count of `article`.
    fn value(&self, article: usize) -> usize {
        let (w, shift) = (article / 64, article % 64);
        (0..self.depth).map(|i| ((self.planes[i * self.words + w] >> shift) as usize & 1) << i).sum()
    }

    /// Of word `w`'s 64 articles, those in any of the lists.
    fn nonzero(&self, w: usize) -> u64 {
        (0..self.depth).fold(0, |any, i| any | self.planes[i * self.words + w])
    }

    /// For the words `run`, a word at a time: the articles whose count is above `k` into
    /// `above`, those whose count is `k` into `equal`. Plane by plane, from the top bit down,
    /// each a straight pass over the words (vector code).
    fn compare(&self, k: usize, run: Range<usize>, above: &mut Vec<u64>, equal: &mut Vec<u64>) {
        let words = run.len();
        above.clear();
        above.resize(words, 0);
        equal.clear();
        equal.resize(words, if k >> self.depth == 0 { !0 } else { 0 });
        for i in (0..self.depth).rev() {
            let plane = &self.planes[i * self.words..][run.clone()];
            if (k >> i) & 1 == 1 {
                equal.iter_mut().zip(plane).for_each(|(equal, plane)| *equal &= plane);
            } else {
                for ((above, equal), plane) in above.iter_mut().zip(equal.iter_mut()).zip(plane) {
                    *above |= *equal & plane;
                    *equal &= !plane;
                }
            }
        }
    }
}

/// The best candidates so far, best first, at most `RELATED_LIMIT`.
#[derive(Default)]
struct Best {
    kept: Vec<Candidate>,
}

impl Best {
    fn offer(&mut self, candidate: Candidate) {
        let key = candidate.key();
        if self.kept.len() == RELATED_LIMIT && self.kept.last().is_some_and(|worst| worst.key() <= key) {
            return;
        }
        let at = self.kept.partition_point(|kept| kept.key() < key);
        self.kept.insert(at, candidate);
        self.kept.truncate(RELATED_LIMIT);
    }

    fn indexes(&self) -> Vec<usize> {
        self.kept.iter().map(|c| c.index).collect()
    }
}

/// One thread's working memory: which terms the article has (for exact scores, cleared in
/// O(1) between articles), the rare entities' counts, and the entity and tag counters.
struct Scratch {
    marked: Vec<u32>,
    stamp: u32,
    /// Per article, how many of the article's rare entity lists hold it, and of its tag lists
    /// too short for a bitset.
    rare: EntryCounts,
    tags_short: EntryCounts,
    entities: Counter,
    tags: Counter,
    /// Word masks of one comparison: entities above and at a count, tags above and at one.
    masks: [Vec<u64>; 4],
}

impl Scratch {
    fn new(index: &Index) -> Self {
        Scratch {
            marked: vec![0; index.entity_count + index.tags.len()],
            stamp: 0,
            rare: EntryCounts::new(index.articles()),
            tags_short: EntryCounts::new(index.articles()),
            entities: Counter::default(),
            tags: Counter::default(),
            masks: Default::default(),
        }
    }

    /// Offers the articles of word `w` that `bits` marks, with their counts.
    fn offer_word(&self, w: usize, mut bits: u64, best: &mut Best) {
        while bits != 0 {
            let index = w * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            best.offer(Candidate { entities: self.entities.value(index), tags: self.tags.value(index), index });
        }
    }

    /// In the words `run`, the articles that share more than `fifth` does: more entities, or
    /// as many and more tags (a later article loses a tie). Left in `masks[0]`, word by word.
    fn beating(&mut self, fifth: Candidate, run: Range<usize>) {
        let [beating, entities_equal, tags_above, tags_equal] = &mut self.masks;
        self.entities.compare(fifth.entities, run.clone(), beating, entities_equal);
        self.tags.compare(fifth.tags, run, tags_above, tags_equal);
        for ((beating, equal), tags) in beating.iter_mut().zip(entities_equal.iter()).zip(tags_above.iter()) {
            *beating |= *equal & tags;
        }
    }

    /// Starts on the article with `terms`.
    fn start(&mut self, terms: &[usize]) {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.marked.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
        for &term in terms {
            self.marked[term] = self.stamp;
        }
    }
}

/// For every article, how many of some short lists hold it, counted an entry at a time: the
/// work is the lists' length. `clear` with the same lists makes every count zero again.
struct EntryCounts {
    /// At most 255 lists are counted (`by_rare_entities` checks).
    counts: Vec<u8>,
    /// The articles counted more than once, each once.
    multiple: Vec<usize>,
    /// After `bucket`: the articles counted more than once by count.
    buckets: Vec<Vec<usize>>,
}

impl EntryCounts {
    fn new(articles: usize) -> Self {
        EntryCounts { counts: vec![0; articles], multiple: Vec::new(), buckets: Vec::new() }
    }

    /// Adds the lists of `terms`.
    fn count(&mut self, index: &Index, terms: &[usize]) {
        for &term in terms {
            for &other in index.list(term) {
                let count = self.counts[other];
                if count == 1 {
                    self.multiple.push(other);
                }
                self.counts[other] = count + 1;
            }
        }
    }

    /// Puts the articles counted more than once into `buckets` by count; the highest count.
    fn bucket(&mut self) -> usize {
        let top = self.multiple.iter().map(|&other| self.counts[other]).max().map_or(1, usize::from);
        self.buckets.iter_mut().for_each(Vec::clear);
        self.buckets.resize_with(self.buckets.len().max(top + 1), Vec::new);
        for &other in &self.multiple {
            self.buckets[usize::from(self.counts[other])].push(other);
        }
        top
    }

    /// The articles counted exactly once (each is on one of the lists).
    fn once<'s>(&'s self, index: &'s Index, terms: &'s [usize]) -> impl Iterator<Item = usize> + 's {
        terms.iter().flat_map(|&term| index.list(term)).copied().filter(|&other| self.counts[other] == 1)
    }

    /// Every count back to zero, by the lists of `terms` as counted.
    fn clear(&mut self, index: &Index, terms: &[usize]) {
        for &term in terms {
            index.list(term).iter().for_each(|&other| self.counts[other] = 0);
        }
        self.multiple.clear();
    }
}

/// The last model's related lists and what an in-place edit changed, taken before the
/// edited articles replace the old ones (`Model::update`).
pub struct Previous {
    related: Vec<Vec<usize>>,
    /// The last site's article paths by index, when an edit changed a date (and so maybe
    /// the order).
    order: Option<Vec<PathBuf>>,
    /// Each edited article: its path and the entity and tag slugs of its last version.
    edits: Vec<(PathBuf, Vec<String>, Vec<String>)>,
}

impl Previous {
    /// What `updated` needs of the last site, before `drafted` replace their articles.
    pub fn of(site: &mut Site, drafted: &[Article]) -> Previous {
        let related = std::mem::take(&mut site.related);
        let mut moved = false;
        let mut edits = Vec::new();
        for article in drafted {
            let Some(old) = site.articles.iter().find(|old| old.path == article.path) else { continue };
            moved |= old.date != article.date;
            let entities = old.entities.iter().map(|&e| site.entities[e].slug.clone()).collect();
            let tags = old.tags.iter().map(|&t| site.tags[t].slug.clone()).collect();
            edits.push((old.path.clone(), entities, tags));
        }
        let order = moved.then(|| site.articles.iter().map(|a| a.path.clone()).collect());
        Previous { related, order, edits }
    }
}

/// An edited article in the new site: its index and the terms its last version had.
struct Edit {
    index: usize,
    old_terms: Vec<usize>,
}

/// The related lists after an in-place edit of a few articles: the last lists, renumbered
/// into the new order, and computed again only where they can change. For an article that
/// shares nothing with an edited one, before or after, nothing changed; for one that does,
/// only the edited articles' places changed, so its new list is the best of its last list
/// and the edited articles, unless its list was full and held an edited article (which may
/// have lost ground, letting the sixth best rise: the list is walked again).
pub fn updated(site: &Site, previous: Previous) -> Vec<Vec<usize>> {
    let fresh = || related(&site.articles, &site.tags, &site.entities);
    if previous.related.len() != site.articles.len() || previous.edits.len() > EDITS_PATCHED {
        return fresh();
    }
    let new_index: HashMap<&Path, usize> =
        site.articles.iter().enumerate().map(|(at, article)| (article.path.as_path(), at)).collect();
    let Some(lists) = renumbered(previous.related, previous.order.as_deref(), &new_index) else { return fresh() };
    let index = Index::new(&site.articles, &site.tags, &site.entities);
    let edits: Option<Vec<Edit>> = previous
        .edits
        .iter()
        .map(|(path, entities, tags)| {
            let index = *new_index.get(path.as_path())?;
            Some(Edit { index, old_terms: old_terms(site, entities, tags) })
        })
        .collect();
    match edits {
        Some(edits) => patch(&index, lists, &edits),
        None => fresh(),
    }
}

/// The last lists in the new article order (`order`: the last site's paths by index, when
/// an article may have moved); `None` when an article is missing.
fn renumbered(
    lists: Vec<Vec<usize>>,
    order: Option<&[PathBuf]>,
    new_index: &HashMap<&Path, usize>,
) -> Option<Vec<Vec<usize>>> {
    let Some(order) = order else { return Some(lists) };
    let moved: Vec<usize> = order.iter().map(|path| new_index.get(path.as_path()).copied()).collect::<Option<_>>()?;
    let mut renumbered = vec![Vec::new(); lists.len()];
    for (old, list) in lists.into_iter().enumerate() {
        renumbered[moved[old]] = list.into_iter().map(|i| moved[i]).collect();
    }
    Some(renumbered)
}

/// The terms (`Index` ids) of the new site that an article's last version had, by slug.
fn old_terms(site: &Site, entities: &[String], tags: &[String]) -> Vec<usize> {
    let entity_ids = entities.iter().filter_map(|slug| site.entities.binary_search_by(|e| e.slug.cmp(slug)).ok());
    let tag_ids = tags.iter().filter_map(|slug| site.tags.binary_search_by(|t| t.slug.cmp(slug)).ok());
    entity_ids.chain(tag_ids.map(|t| t + site.entities.len())).collect()
}

/// `lists` with the lists that an edit can reach computed again (see `updated`).
fn patch(index: &Index, lists: Vec<Vec<usize>>, edits: &[Edit]) -> Vec<Vec<usize>> {
    let mut edited = vec![false; index.articles()];
    let mut reached = vec![false; index.articles()];
    for edit in edits {
        edited[edit.index] = true;
        reached[edit.index] = true;
        for &term in edit.old_terms.iter().chain(index.terms_of(edit.index)) {
            index.list(term).iter().for_each(|&other| reached[other] = true);
        }
    }
    lists
        .into_par_iter()
        .enumerate()
        .with_min_len(64)
        .map_init(
            || Scratch::new(index),
            |scratch, (article, list)| {
                if !reached[article] {
                    return list;
                }
                let full_with_edited = list.len() == RELATED_LIMIT && list.iter().any(|&other| edited[other]);
                if edited[article] || full_with_edited {
                    index.related_of(article, scratch)
                } else {
                    index.with_edits(article, &list, edits, &edited, scratch)
                }
            },
        )
        .collect()
}

impl Index<'_> {
    /// The best of `list` (an unedited article's last related list, no edited article in
    /// it if it is full) and the edited articles.
    fn with_edits(
        &self,
        article: usize,
        list: &[usize],
        edits: &[Edit],
        edited: &[bool],
        scratch: &mut Scratch,
    ) -> Vec<usize> {
        scratch.start(self.terms_of(article));
        let mut best = Best::default();
        for &other in list.iter().filter(|&&other| !edited[other]) {
            best.offer(self.score(other, scratch));
        }
        for edit in edits {
            let candidate = self.score(edit.index, scratch);
            if candidate.entities + candidate.tags > 0 {
                best.offer(candidate);
            }
        }
        best.indexes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, by comparing all pairs: what the index must reproduce.
    fn by_all_pairs(articles: &[(Vec<usize>, Vec<usize>)]) -> Vec<Vec<usize>> {
        (0..articles.len())
            .map(|a| {
                let mut scored: Vec<Candidate> = (0..articles.len())
                    .filter(|&b| b != a)
                    .map(|b| Candidate {
                        entities: articles[b].0.iter().filter(|e| articles[a].0.contains(e)).count(),
                        tags: articles[b].1.iter().filter(|t| articles[a].1.contains(t)).count(),
                        index: b,
                    })
                    .filter(|c| c.entities + c.tags > 0)
                    .collect();
                scored.sort_by_key(Candidate::key);
                scored.into_iter().take(RELATED_LIMIT).map(|c| c.index).collect()
            })
            .collect()
    }

    fn model(spec: &[(Vec<usize>, Vec<usize>)]) -> (Vec<Article>, Vec<Tag>, Vec<Entity>) {
        let articles: Vec<Article> = spec.iter().map(|(e, t)| Article::for_test(e.clone(), t.clone())).collect();
        let tag_count = spec.iter().flat_map(|s| s.1.iter()).max().map_or(0, |m| m + 1);
        let entity_count = spec.iter().flat_map(|s| s.0.iter()).max().map_or(0, |m| m + 1);
        let tags = (0..tag_count)
            .map(|t| Tag {
                name: t.to_string(),
                slug: t.to_string(),
                articles: (0..spec.len()).filter(|&a| spec[a].1.contains(&t)).collect(),
            })
            .collect();
        let entities = (0..entity_count)
            .map(|e| {
                let mut entity = Entity::for_test(&e.to_string());
                entity.tagged = (0..spec.len()).filter(|&a| spec[a].0.contains(&e)).collect();
                entity
            })
            .collect();
        (articles, tags, entities)
    }

    /// A small deterministic generator: popular and rare entities and tags, as on a news site.
    fn corpus(n: usize, seed: u64) -> Vec<(Vec<usize>, Vec<usize>)> {
        generated(n, seed, true, (1, 6, 40), (5, 15))
    }

    /// `n` articles from a seeded generator: each names `min + r(spread)` of `ids` entities
    /// and `r(spread)` of `ids` tags, with r uniform or skewed to small (popular) ids.
    fn generated(
        n: usize,
        seed: u64,
        skewed: bool,
        (entity_min, entity_spread, entity_ids): (usize, usize, usize),
        (tag_spread, tag_ids): (usize, usize),
    ) -> Vec<(Vec<usize>, Vec<usize>)> {
        let mut state = seed;
        let mut next = move |below: usize| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = (state >> 33) as usize % below;
            if skewed { r * r / below.max(1) } else { r }
        };
        (0..n)
            .map(|_| {
                let mut entities: Vec<usize> =
                    (0..entity_min + next(entity_spread)).map(|_| next(entity_ids)).collect();
                let mut tags: Vec<usize> = (0..next(tag_spread)).map(|_| next(tag_ids)).collect();
                entities.sort_unstable();
                entities.dedup();
                tags.sort_unstable();
                tags.dedup();
                (entities, tags)
            })
            .collect()
    }

    #[test]
    fn the_index_gives_what_comparing_all_pairs_gives() {
        for seed in 0..30 {
            let spec = corpus(120, seed);
            let (articles, tags, entities) = model(&spec);
            assert_eq!(related(&articles, &tags, &entities), by_all_pairs(&spec), "seed {seed}");
        }
    }

    /// A counter of `lists` over `articles`: each list added a word at a time or an entry at a
    /// time as `as_bitset` says.
    fn counted(articles: usize, lists: &[Vec<usize>], as_bitset: impl Fn(usize) -> bool) -> Counter {
        let words = articles.div_ceil(64);
        let depth = (usize::BITS - lists.len().leading_zeros()) as usize;
        let mut counter = Counter { planes: vec![0; depth * words], depth, words, carry: Vec::new() };
        for (at, list) in lists.iter().enumerate() {
            if as_bitset(at) {
                let mut bitset = vec![0u64; words];
                list.iter().for_each(|&a| bitset[a / 64] |= 1 << (a % 64));
                counter.add_bitset(&bitset);
            } else {
                list.iter().for_each(|&a| counter.add_one(a));
            }
        }
        counter
    }

    #[test]
    fn counts_added_a_word_or_an_entry_at_a_time_are_the_counts() {
        for seed in 0..20u64 {
            let articles = 64 * (seed as usize % 3) + 1 + seed as usize * 7;
            let spec = generated(articles, seed, seed % 2 == 0, (0, 9, 40), (1, 1));
            let lists: Vec<Vec<usize>> =
                (0..40).map(|e| (0..articles).filter(|&a| spec[a].0.contains(&e)).collect()).collect();
            let counter = counted(articles, &lists, |at| (at + seed as usize).is_multiple_of(3));
            for article in 0..articles {
                let expected = lists.iter().filter(|list| list.contains(&article)).count();
                assert_eq!(counter.value(article), expected, "seed {seed}, article {article}");
            }
            let (mut above, mut equal) = (Vec::new(), Vec::new());
            for k in 0..4 {
                let from = seed as usize % counter.words;
                counter.compare(k, from..counter.words, &mut above, &mut equal);
                for article in from * 64..articles {
                    let expected = lists.iter().filter(|list| list.contains(&article)).count();
                    let (w, bit) = (article / 64 - from, 1u64 << (article % 64));
                    assert_eq!(above[w] & bit != 0, expected > k, "seed {seed}, article {article}, above {k}");
                    assert_eq!(equal[w] & bit != 0, expected == k, "seed {seed}, article {article}, equal {k}");
                }
            }
        }
    }

    #[test]
    fn shared_entities_outrank_shared_tags_and_ties_go_to_the_newest() {
        let spec = vec![
            (vec![0, 1], vec![0]),
            (vec![], vec![0]),    // a tag only
            (vec![0], vec![]),    // one entity
            (vec![0, 1], vec![]), // two entities
            (vec![0], vec![0]),   // one entity and the tag
            (vec![0], vec![]),    // one entity, older than 2
            (vec![2], vec![]),    // nothing shared
        ];
        let (articles, tags, entities) = model(&spec);
        assert_eq!(related(&articles, &tags, &entities)[0], vec![3, 4, 2, 5, 1]);
    }

    /// The shapes that made the walk slow: a place that half the site names and a tag on
    /// every article (each article shares something with every other one).
    fn crowded(n: usize, seed: u64) -> Vec<(Vec<usize>, Vec<usize>)> {
        let mut spec = corpus(n, seed);
        for (at, (entities, tags)) in spec.iter_mut().enumerate() {
            if at % 2 == (seed as usize) % 2 {
                entities.push(40);
            }
            tags.push(15);
        }
        spec
    }

    #[test]
    fn a_place_on_half_the_articles_and_a_tag_on_all_rank_as_all_pairs_do() {
        for seed in 0..30 {
            let spec = crowded(150, seed);
            let (articles, tags, entities) = model(&spec);
            assert_eq!(related(&articles, &tags, &entities), by_all_pairs(&spec), "seed {seed}");
        }
    }

    /// More articles than one run of words holds (the bar rises between runs), with the
    /// crowded names.
    #[test]
    fn a_site_of_many_runs_of_words_ranks_as_all_pairs_does() {
        for seed in 0..3 {
            let spec = crowded(64 * WORDS_PER_RUN * 2 + 77, seed);
            let (articles, tags, entities) = model(&spec);
            assert_eq!(related(&articles, &tags, &entities), by_all_pairs(&spec), "seed {seed}");
        }
    }

    /// Few, crowded entities and many tags: the fifth best mostly ties on entities and is
    /// decided by tags.
    #[test]
    fn few_crowded_entities_and_many_tags_rank_as_all_pairs_do() {
        for seed in 0..40 {
            let spec = generated(200, seed * 7919 + 1, false, (0, 3, 5), (7, 8));
            let (articles, tags, entities) = model(&spec);
            assert_eq!(related(&articles, &tags, &entities), by_all_pairs(&spec), "seed {seed}");
        }
    }

    #[test]
    fn an_article_that_shares_only_the_crowded_names_gets_the_newest_with_most_tags() {
        let mut spec = vec![(vec![0], vec![0, 1])];
        spec.extend((0..40).map(|at| (vec![0], if at % 7 == 3 { vec![0, 1] } else { vec![0] })));
        let (articles, tags, entities) = model(&spec);
        assert_eq!(related(&articles, &tags, &entities)[0], vec![4, 11, 18, 25, 32]);
    }

    /// Rare entities alone would give the five articles that share entity 1; but article 6
    /// shares as many entities (the crowded 0) and a tag more, so it must come first.
    #[test]
    fn a_crowded_entity_keeps_the_rare_entities_from_settling_the_list_too_soon() {
        let mut spec = vec![(vec![0, 1], vec![0])];
        spec.extend((1..=5).map(|_| (vec![1], vec![])));
        spec.push((vec![0], vec![0]));
        spec.extend((7..100).map(|_| (vec![0], vec![1])));
        let (articles, tags, entities) = model(&spec);
        let related = related(&articles, &tags, &entities);
        assert_eq!(related, by_all_pairs(&spec));
        assert_eq!(related[0], vec![6, 1, 2, 3, 4]);
    }

    /// The terms (`Index` ids) of `spec`'s article in a site of `entities` and `tags`.
    fn terms_in(spec: &(Vec<usize>, Vec<usize>), entities: usize, tags: usize) -> Vec<usize> {
        let entity_ids = spec.0.iter().copied().filter(|&e| e < entities);
        entity_ids.chain(spec.1.iter().filter(|&&t| t < tags).map(|t| t + entities)).collect()
    }

    #[test]
    fn lists_patched_after_an_edit_are_the_lists_computed_afresh() {
        for seed in 0..40 {
            let old = if seed % 2 == 0 { corpus(120, seed) } else { crowded(120, seed) };
            let replacements = corpus(3, seed + 1000);
            let mut new = old.clone();
            let edited: Vec<usize> =
                (0..1 + seed as usize % 3).map(|k| (seed as usize * 37 + k * 53) % old.len()).collect();
            for (k, &at) in edited.iter().enumerate() {
                new[at] = replacements[k].clone();
            }
            let (old_articles, old_tags, old_entities) = model(&old);
            let last = related(&old_articles, &old_tags, &old_entities);
            let (articles, tags, entities) = model(&new);
            let index = Index::new(&articles, &tags, &entities);
            let edits: Vec<Edit> = edited
                .iter()
                .map(|&at| Edit { index: at, old_terms: terms_in(&old[at], entities.len(), tags.len()) })
                .collect();
            assert_eq!(patch(&index, last, &edits), related(&articles, &tags, &entities), "seed {seed}");
        }
    }
}
