//! Entity lints: a name in `entities` that no profile defines (W102), and a registered
//! entity that an article keeps mentioning in its text without listing it in `entities` (W103).

use std::collections::HashSet;

use super::{Published, front_key_line, name_key, warning_at};
use crate::diagnostics::{Diagnostic, closest};
use crate::load::ENTITIES_DIR;
use crate::model::Site;
use crate::model::mentions::{MentionFinder, is_whole_word};
use crate::slug::slugify;

/// W102: every `entities` entry of a published article that resolves to no profile.
pub fn unknown_entities(site: &Site, published: &[Published]) -> Vec<Diagnostic> {
    let profiles: Vec<(&str, &[String])> =
        site.entities.iter().filter(|e| e.path.is_some()).map(|e| (e.name.as_str(), e.aliases.as_slice())).collect();
    let known_names: HashSet<String> = profiles
        .iter()
        .flat_map(|(name, aliases)| std::iter::once(*name).chain(aliases.iter().map(String::as_str)))
        .map(name_key)
        .collect();
    let known_slugs: HashSet<&str> =
        site.entities.iter().filter(|e| e.path.is_some()).map(|e| e.slug.as_str()).collect();
    let mut warnings = Vec::new();
    for entry in published {
        for name in &entry.document.front.entities {
            let written = name.get_ref().trim();
            let slug = slugify(written);
            if slug.is_empty() || known_names.contains(&name_key(written)) || known_slugs.contains(slug.as_str()) {
                continue;
            }
            let hint = unknown_entity_hint(written, profiles.iter().copied());
            warnings.push(
                warning_at(entry.document, "W102", format!("no profile defines the entity {written:?}"), name.span())
                    .field("entities")
                    .note("without a profile it still gets a page, of kind `other`, with no description")
                    .hint(hint),
            );
        }
    }
    warnings
}

/// The help for an entity name that no profile defines: the profile it likely means, and how
/// to add a profile. `profiles` are (name, aliases) pairs.
pub fn unknown_entity_hint<'a>(name: &str, profiles: impl IntoIterator<Item = (&'a str, &'a [String])>) -> String {
    let create = format!("add a profile {ENTITIES_DIR}/{}.md with `name = {name:?}`", slugify(name));
    match suggest_profile(name, profiles) {
        Some(profile) => format!("did you mean {profile:?}? If not, {create}"),
        None => format!("{create}, or add the name to the `aliases` of the profile it stands for"),
    }
}

/// The profile a mistyped or shortened entity name most likely means, by its profile name.
/// `profiles` are (name, aliases) pairs.
pub fn suggest_profile<'a>(name: &str, profiles: impl IntoIterator<Item = (&'a str, &'a [String])>) -> Option<&'a str> {
    let profiles: Vec<(&str, &[String])> = profiles.into_iter().collect();
    let spellings = || {
        profiles.iter().flat_map(|&(profile, aliases)| {
            std::iter::once((profile, profile)).chain(aliases.iter().map(move |a| (profile, a.as_str())))
        })
    };
    if let Some(best) = closest(name, spellings().map(|(_, spelling)| spelling)) {
        return spellings().find(|&(_, spelling)| spelling == best).map(|(profile, _)| profile);
    }
    // A shortened form, such as "Liaoning" for "Liaoning Province".
    let key = name_key(name);
    spellings()
        .find(|&(_, spelling)| {
            let spelling = name_key(spelling);
            spelling.match_indices(&key).any(|(at, _)| is_whole_word(&spelling, at, at + key.len()))
        })
        .map(|(profile, _)| profile)
}

/// An entity mentioned fewer times than this is taken as a passing mention, not a subject.
pub const MENTIONS_TO_SUGGEST: usize = 2;

/// W103: a registered entity that the text mentions at least `MENTIONS_TO_SUGGEST` times but
/// `entities` does not list. An entity that contains a listed one (the province of a listed
/// city, the group of a listed subsidiary) is left out: the roll-up lists the article on its
/// page already, under the articles about what lies below it (`model::places`). With
/// `--no-deals` there is no roll-up, and so no exception.
pub fn untagged_mentions(site: &Site, published: &[Published]) -> Vec<Diagnostic> {
    let names: Vec<(usize, String)> = site
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.path.is_some())
        .flat_map(|(id, e)| std::iter::once((id, e.name.clone())).chain(e.aliases.iter().map(move |a| (id, a.clone()))))
        .collect();
    let finder = MentionFinder::new(&names);
    let mut warnings = Vec::new();
    for entry in published {
        let (article, document) = (entry.article, entry.document);
        for &(id, count) in &article.mentions {
            let listed_below = site.deals.of_entity(id).is_some_and(|r| r.below.binary_search(&entry.index).is_ok());
            if count < MENTIONS_TO_SUGGEST || article.entities.contains(&id) || listed_below {
                continue;
            }
            let entity = &site.entities[id];
            let times = if count == 2 { "twice".to_string() } else { format!("{count} times") };
            let message = format!("this article mentions {} {times}; add it to entities?", entity.name);
            let entities_line = front_key_line(document, "entities");
            let mut warning = Diagnostic::warning("W103", message).in_file(&document.path);
            warning = match (finder.first_in_source(document.body(), id), entities_line) {
                (Some(found), _) => {
                    let at = document.body_offset;
                    warning.at_span(&document.text, at + found.start, at + found.end)
                }
                (None, Some(line)) => warning.at_line(&document.text, line),
                (None, None) => warning.at_line(&document.text, 1),
            };
            let hint = match entities_line {
                Some(line) => format!(
                    "if the article is about {}, add {:?} to `entities` (line {line}): its page then lists the \
                     article among its own, with its feed and related stories",
                    entity.name, entity.name
                ),
                None => format!("if the article is about it, add `entities = [{:?}]` to the front matter", entity.name),
            };
            warnings.push(warning.field("entities").hint(hint));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_typos_aliases_and_short_forms() {
        let orix = vec!["Orix".to_string()];
        let profiles = [("Orix Corporation", orix.as_slice()), ("Liaoning Province", &[][..])];
        assert_eq!(suggest_profile("Orix Corporaton", profiles), Some("Orix Corporation"));
        assert_eq!(suggest_profile("Orixx", profiles), Some("Orix Corporation"));
        assert_eq!(suggest_profile("liaoning", profiles), Some("Liaoning Province"));
        assert_eq!(suggest_profile("Liaoning Port Group", profiles), None);
    }
}
