//! What a deploy will do: the uploads, in a safe order, and the deletions.
//!
//! In: the local files and the bucket's listing (with each object's MD5 where known). Out: a
//! `Plan`. The order is what keeps the site whole while it is half uploaded: first the files
//! the bucket does not have yet (nothing links to them until a changed page does), then the
//! changed ones; within each group assets (CSS, images, the search index) before feeds and
//! sitemaps, and those before HTML pages; deletions come last, once no uploaded page links
//! to what they remove.

use std::collections::HashMap;

use super::local::LocalFile;

/// Whether the bucket has the object already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    New,
    Changed,
}

/// What kind of output a file is, in upload order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Asset,
    /// Feeds, sitemaps and robots.txt: they list pages.
    Feed,
    Page,
}

#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub file: LocalFile,
    pub change: Change,
    pub kind: Kind,
}

#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// In upload order.
    pub uploads: Vec<Upload>,
    /// Paths in the bucket that the site no longer has, sorted.
    pub deletions: Vec<String>,
    pub unchanged: usize,
}

impl Plan {
    pub fn upload_bytes(&self) -> u64 {
        self.uploads.iter().map(|u| u.file.size).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.uploads.is_empty() && self.deletions.is_empty()
    }

    /// The uploads in groups that must finish one after the other.
    pub fn phases(&self) -> Vec<&[Upload]> {
        self.uploads.chunk_by(|a, b| (a.change, a.kind) == (b.change, b.kind)).collect()
    }
}

pub(crate) fn kind_of(path: &str) -> Kind {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.ends_with(".html") || name.ends_with(".htm") {
        Kind::Page
    } else if name.ends_with(".xml") || name == "robots.txt" {
        Kind::Feed
    } else {
        Kind::Asset
    }
}

/// Compares the site with the bucket; `remote` maps each object's path to its MD5 (`None`
/// when the bucket does not say, which makes it an upload).
pub(crate) fn plan(local: Vec<LocalFile>, remote: &HashMap<String, Option<String>>) -> Plan {
    let mut plan = Plan::default();
    let mut present = std::collections::HashSet::with_capacity(local.len());
    for file in local {
        present.insert(file.path.clone());
        let change = match remote.get(&file.path) {
            None => Change::New,
            Some(Some(md5)) if *md5 == file.md5 => {
                plan.unchanged += 1;
                continue;
            }
            Some(_) => Change::Changed,
        };
        plan.uploads.push(Upload { kind: kind_of(&file.path), file, change });
    }
    plan.uploads.sort_by(|a, b| (a.change, a.kind, &a.file.path).cmp(&(b.change, b.kind, &b.file.path)));
    // The build's caches are never part of the site: never deleted (nor uploaded, see `walk`).
    let cache = format!("{}/", crate::write::CACHE_DIR);
    plan.deletions =
        remote.keys().filter(|path| !present.contains(*path) && !path.starts_with(&cache)).cloned().collect();
    plan.deletions.sort();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, md5: &str) -> LocalFile {
        LocalFile { path: path.into(), size: 1, md5: md5.into() }
    }

    #[test]
    fn new_files_go_first_assets_before_feeds_before_pages_and_unchanged_ones_not_at_all() {
        let local = vec![
            file("index.html", "changed"),
            file("articles/new/index.html", "a"),
            file("atom.xml", "changed"),
            file("style.css", "same"),
            file("pagefind/fragment/new.pf_fragment", "b"),
            file("pagefind/pagefind-entry.json", "changed"),
        ];
        let remote: HashMap<String, Option<String>> = [
            ("index.html", Some("old")),
            ("atom.xml", Some("old")),
            ("style.css", Some("same")),
            ("pagefind/pagefind-entry.json", None),
            ("articles/gone/index.html", Some("x")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
        .collect();
        let plan = plan(local, &remote);
        let order: Vec<&str> = plan.uploads.iter().map(|u| u.file.path.as_str()).collect();
        assert_eq!(
            order,
            [
                "pagefind/fragment/new.pf_fragment",
                "articles/new/index.html",
                "pagefind/pagefind-entry.json",
                "atom.xml",
                "index.html"
            ]
        );
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.deletions, ["articles/gone/index.html"]);
        assert_eq!(plan.phases().len(), 5);
    }

    #[test]
    fn the_build_s_caches_in_the_bucket_are_never_deleted() {
        let remote: HashMap<String, Option<String>> =
            [("index.html", Some("a")), (".gazette-cache/images/x.webp", Some("b")), ("gone.html", Some("c"))]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
                .collect();
        let plan = plan(vec![file("index.html", "a")], &remote);
        assert_eq!(plan.deletions, ["gone.html"]);
    }
}
