//! Related articles: up to five per article, by shared entities, then shared tags, then
//! recency (a lower index is newer; articles are sorted newest first, then by slug, so ties
//! are broken the same way in every build).
//!
//! In: the articles and the entity → articles and tag → articles indexes of the model. Out:
//! each article's related articles, best first. Candidates come from those indexes, never
//! from comparing all pairs. An article's lists are walked rare entities first, then the
//! tags; each article met is scored exactly from its own (short) entity and tag ids, and the
//! walk stops as soon as an article in none of the lists walked so far can no longer beat
//! the fifth best (it shares at most one entity per entity list left, one tag per tag list
//! left). A place that half the site names is then never walked for an article that shares
//! two entities with five others: see docs/architecture.md.
//!
//! `update` keeps the last lists after an edit of a few articles in place (`Model::update`):
//! only the articles that share an entity or a tag with the old or new version of an edited
//! one can change, and most of those only by where the edited article stands in their list.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Article, Entity, Site, Tag};

/// How many related articles an article page lists.
pub const RELATED_LIMIT: usize = 5;

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
/// `entity_count`), so that scoring a candidate reads one short run of memory.
struct Index<'a> {
    /// Article `a`'s terms are `terms[starts[a]..starts[a + 1]]`.
    starts: Vec<usize>,
    terms: Vec<usize>,
    entity_count: usize,
    tags: &'a [Tag],
    entities: &'a [Entity],
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
        Index { starts, terms, entity_count, tags, entities }
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

    /// One article's related articles: its lists are walked entities first, each kind
    /// shortest first, until no article left unseen can beat the fifth best.
    fn related_of(&self, article: usize, scratch: &mut Scratch) -> Vec<usize> {
        scratch.start(self.terms_of(article));
        scratch.first(article);
        let mut lists: Vec<(bool, &[usize])> =
            self.terms_of(article).iter().map(|&t| (t < self.entity_count, self.list(t))).collect();
        lists.sort_by_key(|(entity, list)| (!entity, list.len()));
        let mut left = Left {
            entities: lists.iter().filter(|(entity, _)| *entity).count(),
            tags: lists.iter().filter(|(entity, _)| !entity).count(),
        };
        let mut best = Best::default();
        'lists: for (entity, list) in lists {
            for &other in list {
                match best.admits(&left, other) {
                    Admits::Yes => {}
                    Admits::NotInThisList => break,
                    Admits::None => break 'lists,
                }
                if scratch.first(other) {
                    best.offer(self.score(other, scratch));
                }
            }
            if entity {
                left.entities -= 1;
            } else {
                left.tags -= 1;
            }
        }
        best.indexes()
    }
}

/// How many entity and tag lists of the article are not walked yet: an article in none of
/// the lists walked shares at most that many.
struct Left {
    entities: usize,
    tags: usize,
}

/// Whether an unseen article met now can still place.
enum Admits {
    Yes,
    /// Only if it were newer than the fifth best: the rest of this (sorted) list is older.
    NotInThisList,
    /// Not even sharing every list left: the walk is over.
    None,
}

/// The best candidates so far, best first, at most `RELATED_LIMIT`.
#[derive(Default)]
struct Best {
    kept: Vec<Candidate>,
}

impl Best {
    fn admits(&self, left: &Left, index: usize) -> Admits {
        let Some(worst) = self.kept.get(RELATED_LIMIT - 1) else { return Admits::Yes };
        match (left.entities, left.tags).cmp(&(worst.entities, worst.tags)) {
            Ordering::Greater => Admits::Yes,
            Ordering::Less => Admits::None,
            Ordering::Equal if index < worst.index => Admits::Yes,
            Ordering::Equal => Admits::NotInThisList,
        }
    }

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

/// Marks which articles one walk has seen and which terms the article has; both cleared in
/// O(1) between walks.
struct Scratch {
    seen: Vec<u32>,
    marked: Vec<u32>,
    stamp: u32,
}

impl Scratch {
    fn new(index: &Index) -> Self {
        Scratch { seen: vec![0; index.articles()], marked: vec![0; index.entity_count + index.tags.len()], stamp: 0 }
    }

    /// Starts a walk for the article with `terms`.
    fn start(&mut self, terms: &[usize]) {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.marked.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
        for &term in terms {
            self.marked[term] = self.stamp;
        }
    }

    /// True the first time `article` is offered in this walk.
    fn first(&mut self, article: usize) -> bool {
        let fresh = self.seen[article] != self.stamp;
        self.seen[article] = self.stamp;
        fresh
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
