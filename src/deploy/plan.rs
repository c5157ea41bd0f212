//! What a deploy will do: the uploads, in a safe order, and the deletions.
//!
//! In: the local files and what is known of the bucket (each object's MD5 where known, and
//! its headers when the manifest recorded them). Out: a `Plan`. The order is what keeps the
//! site whole while it is half uploaded: first the files the bucket does not have yet
//! (nothing links to them until a changed page does), then the changed ones; within each
//! group assets (CSS, images, the search index) before feeds and sitemaps, and those before
//! HTML pages; deletions come last, once no uploaded page links to what they remove.

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

/// An object of the bucket as the deploy knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Remote {
    /// `None` when the bucket does not say, which makes it an upload.
    pub md5: Option<String>,
    /// `Content-Type` and `Cache-Control`, known from the manifest only: when they are not
    /// what the target's settings give now, the file is sent again.
    pub headers: Option<Headers>,
}

/// An object's `Content-Type` and `Cache-Control`.
pub(crate) type Headers = (String, Option<String>);

/// Compares the site with the bucket; `remote` maps each object's path to what is known of
/// it, `headers` gives the headers each file gets.
pub(crate) fn plan(local: Vec<LocalFile>, remote: &HashMap<String, Remote>, headers: impl Fn(&str) -> Headers) -> Plan {
    let mut plan = Plan::default();
    let mut present = std::collections::HashSet::with_capacity(local.len());
    for file in local {
        present.insert(file.path.clone());
        let change = match remote.get(&file.path) {
            None => Change::New,
            Some(object)
                if object.md5.as_ref() == Some(&file.md5)
                    && object.headers.as_ref().is_none_or(|known| *known == headers(&file.path)) =>
            {
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

    fn no_headers(_: &str) -> Headers {
        ("text/plain".into(), None)
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
        let remote: HashMap<String, Remote> = [
            ("index.html", Some("old")),
            ("atom.xml", Some("old")),
            ("style.css", Some("same")),
            ("pagefind/pagefind-entry.json", None),
            ("articles/gone/index.html", Some("x")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Remote { md5: v.map(str::to_string), headers: None }))
        .collect();
        let plan = plan(local, &remote, no_headers);
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
    fn a_file_whose_recorded_headers_are_not_the_settings_any_more_is_sent_again() {
        let local = vec![file("a.html", "same"), file("b.html", "same"), file("c.html", "same")];
        let now = |path: &str| -> Headers {
            ("text/html; charset=utf-8".into(), (path != "c.html").then(|| "public, max-age=300".to_string()))
        };
        let recorded = |cache: Option<&str>| Remote {
            md5: Some("same".into()),
            headers: Some(("text/html; charset=utf-8".into(), cache.map(str::to_string))),
        };
        let remote: HashMap<String, Remote> = [
            ("a.html".to_string(), recorded(Some("public, max-age=300"))),
            ("b.html".to_string(), recorded(Some("public, max-age=60"))),
            ("c.html".to_string(), recorded(Some("public, max-age=300"))),
        ]
        .into_iter()
        .collect();
        let plan = plan(local, &remote, now);
        let sent: Vec<(&str, Change)> = plan.uploads.iter().map(|u| (u.file.path.as_str(), u.change)).collect();
        assert_eq!(
            sent,
            [("b.html", Change::Changed), ("c.html", Change::Changed)],
            "a matches, b's rule changed, c's was removed"
        );
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn the_build_s_caches_in_the_bucket_are_never_deleted() {
        let same = |md5: &str| Remote { md5: Some(md5.into()), headers: None };
        let remote: HashMap<String, Remote> =
            [("index.html", same("a")), (".gazette-cache/images/x.webp", same("b")), ("gone.html", same("c"))]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
        let plan = plan(vec![file("index.html", "a")], &remote, no_headers);
        assert_eq!(plan.deletions, ["gone.html"]);
    }
}
