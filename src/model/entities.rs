//! Entity profiles and the names that resolve to them.
//!
//! Every profile's name and aliases resolve, case-insensitively, to that profile; a name that
//! no profile defines becomes an entity of kind `other` with a page of its own. `parent`
//! links profiles into a tree, which must have no cycles and no unknown parents.

use crate::model::images::ImageUse;
use std::collections::HashMap;
use std::path::PathBuf;

use super::Term;
use crate::diagnostics::Diagnostic;
use crate::load::Document;
use crate::load::frontmatter::{EntityFront, EntityKind};
use crate::model::limits;
use crate::slug::{collapse_whitespace, slugify};

#[derive(Debug, Clone)]
pub struct Entity {
    pub name: String,
    pub slug: String,
    pub kind: EntityKind,
    pub aliases: Vec<String>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// The profile's Markdown, rendered; empty for entities without a profile.
    pub profile_html: String,
    /// The profile's `[image]`: a logo or portrait.
    pub image: Option<ImageUse>,
    /// The profile's first paragraph as plain text: the entity page's meta description.
    pub summary: String,
    /// The profile file; `None` for an entity that only articles name.
    pub path: Option<PathBuf>,
    /// Articles that list the entity in `entities`, newest first.
    pub tagged: Vec<usize>,
    /// Articles that mention it in the text without listing it, newest first.
    pub mentioned_only: Vec<usize>,
    /// Entities that share articles with this one: (entity, shared articles), most first.
    pub related: Vec<(usize, usize)>,
}

impl Entity {
    fn new(name: String, slug: String, kind: EntityKind, path: Option<PathBuf>) -> Self {
        Entity {
            name,
            slug,
            kind,
            aliases: Vec::new(),
            parent: None,
            children: Vec::new(),
            profile_html: String::new(),
            image: None,
            summary: String::new(),
            path,
            tagged: Vec::new(),
            mentioned_only: Vec::new(),
            related: Vec::new(),
        }
    }
}

#[cfg(test)]
impl Entity {
    pub fn for_test(name: &str) -> Self {
        Entity::new(name.into(), slugify(name), EntityKind::Other, None)
    }
}

/// All entities, with lookup by name, alias and slug.
#[derive(Debug, Default, Clone)]
pub struct EntityRegistry {
    pub entities: Vec<Entity>,
    by_name: HashMap<String, usize>,
    by_slug: HashMap<String, usize>,
    /// How many of `entities` come from profiles (they come first).
    pub profile_count: usize,
}

/// Lookup key: names match case-insensitively, in Unicode NFC, and ignoring runs of spaces.
pub(crate) fn name_key(name: &str) -> String {
    collapse_whitespace(&limits::nfc(name)).to_lowercase()
}

impl EntityRegistry {
    /// Registers every profile; the documents keep their order (sorted by path).
    pub fn from_profiles(profiles: &[Document<EntityFront>]) -> (Self, Vec<Diagnostic>) {
        let mut registry = EntityRegistry::default();
        let mut diagnostics = Vec::new();
        for document in profiles {
            let front = &document.front;
            let fragment = document.fragment();
            let (name, warning) = limits::normalize_name(&fragment, &front.name, "name");
            diagnostics.extend(warning);
            let name = name.trim().to_string();
            let slug = slugify(&name);
            if let Err(error) = limits::check_file_name(&fragment, front.name.span(), &slug, "name", "the entity name")
            {
                diagnostics.push(error);
                continue;
            }
            if slug.is_empty() {
                diagnostics.push(
                    fragment
                        .error_at(
                            "E031",
                            format!("the entity name {name:?} has no letters or digits, so it has no URL"),
                            front.name.span(),
                        )
                        .field("name")
                        .hint("give the entity a name with letters or digits"),
                );
                continue;
            }
            if let Some(&other) = registry.by_slug.get(&slug) {
                let other_path = registry.entities[other].path.clone().unwrap_or_default();
                diagnostics.push(
                    fragment
                        .error_at("E040", format!("two profiles would both write /entities/{slug}/"), front.name.span())
                        .field("name")
                        .note(format!("the other profile is {}", other_path.display()))
                        .hint("merge the two profiles, or rename one of them"),
                );
                continue;
            }
            registry.register(document, name, slug, &mut diagnostics);
        }
        registry.profile_count = registry.entities.len();
        registry.link_parents(profiles, &mut diagnostics);
        (registry, diagnostics)
    }

    /// Registers one profile under its checked name and slug, with its aliases.
    fn register(
        &mut self,
        document: &Document<EntityFront>,
        name: String,
        slug: String,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let fragment = document.fragment();
        let id = self.entities.len();
        let mut entity = Entity::new(name.clone(), slug.clone(), document.front.kind, Some(document.path.clone()));
        self.by_slug.insert(slug, id);
        self.claim(&name, id, diagnostics, || fragment.error_at("W105", "", document.front.name.span()).field("name"));
        for alias in &document.front.aliases {
            let (alias_text, warning) = limits::normalize_name(&fragment, alias, "aliases");
            diagnostics.extend(warning);
            let alias_text = alias_text.trim().to_string();
            if alias_text.is_empty() {
                continue;
            }
            self.claim(&alias_text, id, diagnostics, || fragment.error_at("W105", "", alias.span()).field("aliases"));
            entity.aliases.push(alias_text);
        }
        self.entities.push(entity);
    }

    /// Makes `name` resolve to `id`, warning when another profile has it already.
    fn claim(
        &mut self,
        name: &str,
        id: usize,
        diagnostics: &mut Vec<Diagnostic>,
        located: impl FnOnce() -> Diagnostic,
    ) {
        let key = name_key(name);
        match self.by_name.get(&key) {
            Some(&other) if other != id => {
                let mut warning = located();
                warning.severity = crate::diagnostics::Severity::Warning;
                warning.message = format!("{name:?} already names the profile of {}", self.entities[other].name);
                diagnostics.push(
                    warning
                        .note(format!(
                            "it stays with {}",
                            self.entities[other].path.as_deref().unwrap_or(std::path::Path::new("")).display()
                        ))
                        .hint("an alias must belong to one profile only: remove it from one of the two"),
                );
            }
            Some(_) => {}
            None => {
                self.by_name.insert(key, id);
            }
        }
    }

    fn link_parents(&mut self, profiles: &[Document<EntityFront>], diagnostics: &mut Vec<Diagnostic>) {
        let by_path: HashMap<PathBuf, usize> =
            self.entities.iter().enumerate().filter_map(|(id, e)| e.path.clone().map(|p| (p, id))).collect();
        for document in profiles {
            let (Some(parent), Some(&id)) = (&document.front.parent, by_path.get(&document.path)) else { continue };
            match self.resolve(parent.get_ref()) {
                Some(parent_id) if parent_id == id => diagnostics.push(
                    document
                        .fragment()
                        .error_at("E051", format!("{} is its own parent", self.entities[id].name), parent.span())
                        .field("parent")
                        .hint("remove `parent`, or name the place or company this one belongs to"),
                ),
                Some(parent_id) => self.entities[id].parent = Some(parent_id),
                None => diagnostics.push(
                    document
                        .fragment()
                        .error_at(
                            "E050",
                            format!("the parent {:?} of {} has no profile", parent.get_ref(), self.entities[id].name),
                            parent.span(),
                        )
                        .field("parent")
                        .hint("write the name or an alias of a profile in content/entities/, or add a profile for it"),
                ),
            }
        }
        self.break_cycles(profiles, diagnostics);
        for id in 0..self.entities.len() {
            if let Some(parent) = self.entities[id].parent {
                self.entities[parent].children.push(id);
            }
        }
    }

    /// Reports each parent cycle once, naming its profiles, and cuts it so that later stages
    /// can walk the tree safely.
    fn break_cycles(&mut self, profiles: &[Document<EntityFront>], diagnostics: &mut Vec<Diagnostic>) {
        for start in 0..self.entities.len() {
            let mut seen = vec![start];
            let mut current = self.entities[start].parent;
            while let Some(next) = current {
                if next == start {
                    let names: Vec<&str> = seen.iter().map(|&id| self.entities[id].name.as_str()).collect();
                    let document = profiles.iter().find(|d| Some(&d.path) == self.entities[start].path.as_ref());
                    let mut error = Diagnostic::error(
                        "E051",
                        format!("the parents form a cycle: {} → {}", names.join(" → "), names[0]),
                    )
                    .field("parent")
                    .hint("a place or company cannot be inside itself: remove `parent` from one of these profiles");
                    if let Some(document) = document
                        && let Some(parent) = &document.front.parent
                    {
                        error = document
                            .fragment()
                            .error_at("E051", error.message.clone(), parent.span())
                            .field("parent")
                            .hint(error.hint.unwrap_or_default());
                    }
                    for &id in &seen[1..] {
                        error = error.note(format!(
                            "{} is in {}",
                            self.entities[id].name,
                            self.entities[id].path.as_deref().unwrap_or(std::path::Path::new("")).display()
                        ));
                    }
                    diagnostics.push(error);
                    self.entities[start].parent = None;
                    break;
                }
                if seen.contains(&next) {
                    break;
                }
                seen.push(next);
                current = self.entities[next].parent;
            }
        }
    }

    /// The entity a name or alias refers to, case-insensitively; a name with the same slug
    /// as an entity refers to it too (it would share its page).
    pub fn resolve(&self, name: &str) -> Option<usize> {
        self.by_name.get(&name_key(name)).or_else(|| self.by_slug.get(&slugify(name))).copied()
    }

    /// Resolves `name`, adding an entity of kind `other` when nothing matches.
    /// `None` when the name has no letters or digits.
    pub fn resolve_or_add(&mut self, name: &str) -> Option<usize> {
        let term = Term { text: collapse_whitespace(name), slug: slugify(name), key: name_key(name) };
        self.resolve_or_add_term(&term)
    }

    /// `resolve_or_add` of a name whose key and slug are known already.
    pub(crate) fn resolve_or_add_term(&mut self, term: &Term) -> Option<usize> {
        if let Some(&id) = self.by_name.get(&term.key).or_else(|| self.by_slug.get(&term.slug)) {
            return Some(id);
        }
        if term.slug.is_empty() {
            return None;
        }
        let id = self.entities.len();
        self.by_name.insert(term.key.clone(), id);
        self.by_slug.insert(term.slug.clone(), id);
        self.entities.push(Entity::new(term.text.clone(), term.slug.clone(), EntityKind::Other, None));
        Some(id)
    }

    /// Every registered name and alias, for mention finding.
    pub fn profile_names(&self) -> Vec<(usize, String)> {
        self.entities[..self.profile_count]
            .iter()
            .enumerate()
            .flat_map(|(id, e)| {
                std::iter::once((id, e.name.clone())).chain(e.aliases.iter().map(move |a| (id, a.clone())))
            })
            .collect()
    }
}
