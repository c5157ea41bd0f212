//! Related articles: up to five per article, by shared entities, then shared tags, then
//! recency (a lower index is newer; articles are sorted newest first, then by slug, so ties
//! are broken the same way in every build).
//!
//! In: the articles and the entity → articles and tag → articles indexes of the model. Out:
//! each article's related articles, best first. Candidates come from those indexes, never
//! from comparing all pairs: the entity lists are walked shortest first, and the walk stops
//! as soon as the articles already seen can no longer be overtaken by one not yet seen (a
//! threshold algorithm), so a popular place that half the site names costs nothing for an
//! article that shares rarer entities with five others.

use rayon::prelude::*;

use super::{Article, Entity, Tag};

/// How many related articles an article page lists.
pub const RELATED_LIMIT: usize = 5;

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
    (0..articles.len())
        .into_par_iter()
        .with_min_len(64)
        .map_init(|| Seen::new(articles.len()), |seen, index| related_of(articles, tags, entities, index, seen))
        .collect()
}

/// Marks which articles one walk has seen, cleared in O(1) between walks.
struct Seen {
    stamp: Vec<u32>,
    current: u32,
}

impl Seen {
    fn new(len: usize) -> Self {
        Seen { stamp: vec![0; len], current: 0 }
    }

    fn start(&mut self) {
        self.current = self.current.wrapping_add(1);
        if self.current == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.current = 1;
        }
    }

    /// True the first time `index` is offered in this walk.
    fn first(&mut self, index: usize) -> bool {
        let fresh = self.stamp[index] != self.current;
        self.stamp[index] = self.current;
        fresh
    }
}

fn related_of(articles: &[Article], tags: &[Tag], entities: &[Entity], index: usize, seen: &mut Seen) -> Vec<usize> {
    let article = &articles[index];
    seen.start();
    seen.first(index);
    let entity_lists = lists_shortest_first(article.entities.iter().map(|&e| entities[e].tagged.as_slice()));
    let mut candidates = walk(&entity_lists, seen, RELATED_LIMIT);
    for candidate in &mut candidates {
        candidate.entities = candidate.tags;
        candidate.tags = 0;
    }
    if candidates.len() < RELATED_LIMIT {
        // Too few share an entity: the rest may come from shared tags alone.
        let tag_lists = lists_shortest_first(article.tags.iter().map(|&t| tags[t].articles.as_slice()));
        let mut by_tags = walk(&tag_lists, seen, RELATED_LIMIT - candidates.len());
        by_tags.sort_by_key(Candidate::key);
        by_tags.truncate(RELATED_LIMIT - candidates.len());
        candidates.extend(by_tags);
    }
    rank(articles, article, &mut candidates);
    candidates.into_iter().map(|c| c.index).collect()
}

/// Index lists, each once, shortest first.
fn lists_shortest_first<'a>(lists: impl Iterator<Item = &'a [usize]>) -> Vec<&'a [usize]> {
    let mut lists: Vec<&[usize]> = lists.collect();
    lists.sort_by_key(|l| (l.len(), l.as_ptr() as usize));
    lists.dedup_by_key(|l| l.as_ptr() as usize);
    lists
}

/// Walks `lists` (sorted index lists, shortest first) and returns every candidate that can
/// be among the best `wanted` by how many of the lists hold it (counted in `tags` here), then
/// by index. A candidate first met in list `j` cannot be in an earlier one, so its count is
/// exact once the later lists are searched; the walk stops before list `j` when `wanted`
/// candidates already count more than the `len - j` lists left could give an unseen one.
fn walk(lists: &[&[usize]], seen: &mut Seen, wanted: usize) -> Vec<Candidate> {
    let mut found: Vec<Candidate> = Vec::new();
    let mut with_count = vec![0usize; lists.len() + 2];
    for (j, list) in lists.iter().enumerate() {
        let unseen_best = lists.len() - j;
        let beating: usize = with_count[unseen_best + 1..].iter().sum();
        if beating >= wanted {
            break;
        }
        for &other in list.iter() {
            if !seen.first(other) {
                continue;
            }
            let count = 1 + lists[j + 1..].iter().filter(|l| l.binary_search(&other).is_ok()).count();
            with_count[count] += 1;
            found.push(Candidate { entities: 0, tags: count, index: other });
        }
    }
    found
}

/// Keeps the best `RELATED_LIMIT` candidates in order. Shared tags are counted only for the
/// candidates whose shared-entity count can still place them.
fn rank(articles: &[Article], article: &Article, candidates: &mut Vec<Candidate>) {
    candidates.sort_by_key(|c| (std::cmp::Reverse(c.entities), c.index));
    let Some(cut) = candidates.get(RELATED_LIMIT.min(candidates.len()).saturating_sub(1)).map(|c| c.entities) else {
        return;
    };
    let best_tags = article.tags.len();
    let above_cut = candidates.iter().take_while(|c| c.entities > cut).count();
    let places_at_cut = RELATED_LIMIT.saturating_sub(above_cut);
    let mut kept: Vec<Candidate> = Vec::with_capacity(RELATED_LIMIT * 2);
    let mut full_at_cut = 0;
    for candidate in candidates.iter() {
        if candidate.entities < cut {
            break;
        }
        if candidate.entities == 0 {
            kept.push(*candidate);
            continue;
        }
        if candidate.entities == cut && full_at_cut >= places_at_cut {
            // Newer ones at the cut that share every tag are kept: no later one beats them.
            break;
        }
        let shared = articles[candidate.index].tags.iter().filter(|t| article.tags.contains(t)).count();
        if candidate.entities == cut && shared == best_tags {
            full_at_cut += 1;
        }
        kept.push(Candidate { tags: shared, ..*candidate });
    }
    kept.sort_by_key(Candidate::key);
    kept.truncate(RELATED_LIMIT);
    *candidates = kept;
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
        let mut state = seed;
        let mut next = move |below: usize| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = (state >> 33) as usize % below;
            // Skewed: small ids are popular.
            r * r / below.max(1)
        };
        (0..n)
            .map(|_| {
                let mut entities: Vec<usize> = (0..1 + next(6)).map(|_| next(40)).collect();
                let mut tags: Vec<usize> = (0..next(5)).map(|_| next(15)).collect();
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
}
