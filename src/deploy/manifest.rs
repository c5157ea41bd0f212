//! The manifest: what the last complete deploy left under the prefix, as one JSON object
//! (`.gazette-deploy.json`) beside the site's files, so that the next deploy reads one object
//! instead of listing thousands.
//!
//! In: the object's bytes and the target. Out: the objects it vouches for, or why it cannot be
//! trusted (missing, marked pending, unreadable, another format version, another bucket or
//! prefix), in which case the deploy lists the bucket. A deploy that is about to change the
//! bucket first overwrites the manifest with a pending one; only a deploy that completed
//! writes a complete one, last. So a deploy killed at any moment leaves either the old
//! complete manifest (nothing was changed yet) or a pending one (the next deploy lists).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::config::DeployTarget;

/// The manifest's path below the prefix. A site may not have a file of this name.
pub const MANIFEST_PATH: &str = ".gazette-deploy.json";
/// `format` of every manifest, whatever its version.
const FORMAT: &str = "gazette-deploy-manifest";
/// The version this gazette reads and writes; any other makes the deploy list the bucket.
pub const VERSION: u32 = 1;
/// The manifest's own Cache-Control: a CDN in front of the bucket must not keep it.
pub const CACHE_CONTROL: &str = "no-store";

/// One object as the deploy that uploaded it (or found it unchanged) left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Lowercase hex MD5 of the bytes.
    pub md5: String,
    pub size: u64,
    /// `Content-Type`.
    #[serde(rename = "type")]
    pub content_type: String,
    /// `Cache-Control`, when a rule set one.
    #[serde(rename = "cache", default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum State {
    /// Written last by a deploy that completed: the objects are exactly what is there.
    Complete,
    /// Written first by a deploy about to change the bucket: trust nothing.
    Pending,
}

/// What every version has: read first, so that another version is told apart from a
/// damaged manifest.
#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

#[derive(Serialize, Deserialize)]
struct Document {
    format: String,
    version: u32,
    bucket: String,
    prefix: String,
    state: State,
    /// The gazette that wrote it (for people; not checked).
    #[serde(default)]
    gazette: String,
    #[serde(default)]
    objects: BTreeMap<String, Entry>,
}

/// Why the bucket is listed rather than compared with its manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Untrusted {
    /// `--full-scan`.
    Asked,
    Missing,
    Pending,
    Unreadable(String),
    OtherVersion(u32),
    OtherPlace {
        bucket: String,
        prefix: String,
    },
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Untrusted::Asked => write!(f, "--full-scan"),
            Untrusted::Missing => write!(f, "the bucket has no {MANIFEST_PATH} under the prefix (a first deploy)"),
            Untrusted::Pending => write!(f, "the last deploy did not complete ({MANIFEST_PATH} is marked pending)"),
            Untrusted::Unreadable(error) => write!(f, "{MANIFEST_PATH} cannot be read ({error})"),
            Untrusted::OtherVersion(version) => {
                write!(f, "{MANIFEST_PATH} is of format version {version}; this gazette reads version {VERSION}")
            }
            Untrusted::OtherPlace { bucket, prefix } => {
                write!(f, "{MANIFEST_PATH} describes s3://{bucket}/{prefix}, not this target (copied from there?)")
            }
        }
    }
}

/// The objects a complete manifest of this target vouches for, by path.
pub fn parse(body: &str, target: &DeployTarget) -> Result<HashMap<String, Entry>, Untrusted> {
    let unreadable = |error: serde_json::Error| Untrusted::Unreadable(error.to_string());
    let header: Header = serde_json::from_str(body).map_err(unreadable)?;
    if header.format != FORMAT {
        return Err(Untrusted::Unreadable(format!("its format is `{}`, not `{FORMAT}`", header.format)));
    }
    if header.version != VERSION {
        return Err(Untrusted::OtherVersion(header.version));
    }
    let document: Document = serde_json::from_str(body).map_err(unreadable)?;
    if document.bucket != target.bucket || document.prefix != target.prefix {
        return Err(Untrusted::OtherPlace { bucket: document.bucket, prefix: document.prefix });
    }
    if document.state == State::Pending {
        return Err(Untrusted::Pending);
    }
    Ok(document.objects.into_iter().collect())
}

/// The manifest a deploy writes before its first change: it vouches for nothing.
pub fn pending(target: &DeployTarget) -> String {
    write(target, State::Pending, BTreeMap::new())
}

/// The manifest a deploy writes last, once the bucket holds exactly `objects`.
pub fn complete(target: &DeployTarget, objects: BTreeMap<String, Entry>) -> String {
    write(target, State::Complete, objects)
}

fn write(target: &DeployTarget, state: State, objects: BTreeMap<String, Entry>) -> String {
    let document = Document {
        format: FORMAT.into(),
        version: VERSION,
        bucket: target.bucket.clone(),
        prefix: target.prefix.clone(),
        state,
        gazette: env!("CARGO_PKG_VERSION").into(),
        objects,
    };
    // A map of strings and numbers always serializes.
    serde_json::to_string(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(bucket: &str, prefix: &str) -> DeployTarget {
        DeployTarget {
            name: "ci".into(),
            bucket: bucket.into(),
            endpoint: None,
            region: "us-east-1".into(),
            prefix: prefix.into(),
            profile: None,
            max_deletes: 256,
            virtual_host: false,
            cache_control: Vec::new(),
        }
    }

    fn objects() -> BTreeMap<String, Entry> {
        let page = Entry {
            md5: "d41d8cd98f00b204e9800998ecf8427e".into(),
            size: 0,
            content_type: "text/html; charset=utf-8".into(),
            cache_control: Some("public, max-age=300".into()),
        };
        let css = Entry {
            md5: "0cc175b9c0f1b6a831c399e269772661".into(),
            size: 1,
            content_type: "text/css".into(),
            cache_control: None,
        };
        [("index.html".to_string(), page), ("style.css".to_string(), css)].into_iter().collect()
    }

    #[test]
    fn a_complete_manifest_reads_back_as_the_objects_it_was_written_with() {
        let www = target("site", "www/");
        let body = complete(&www, objects());
        let read = parse(&body, &www).unwrap();
        assert_eq!(read.into_iter().collect::<BTreeMap<_, _>>(), objects());
        assert!(body.contains(r#""state":"complete""#) && body.contains(r#""cache":"public, max-age=300""#), "{body}");
        assert!(!body.contains("null"), "no rule, no `cache` key: {body}");
    }

    #[test]
    fn a_pending_manifest_vouches_for_nothing() {
        let www = target("site", "www/");
        assert_eq!(parse(&pending(&www), &www), Err(Untrusted::Pending));
    }

    #[test]
    fn a_manifest_of_another_bucket_or_prefix_is_not_trusted() {
        let body = complete(&target("site", "staging/"), objects());
        let other = Untrusted::OtherPlace { bucket: "site".into(), prefix: "staging/".into() };
        assert_eq!(parse(&body, &target("site", "www/")), Err(other));
        assert!(matches!(parse(&body, &target("other", "staging/")), Err(Untrusted::OtherPlace { .. })));
    }

    #[test]
    fn another_version_is_told_apart_from_a_damaged_manifest() {
        let www = target("site", "www/");
        let newer = complete(&www, objects()).replace(r#""version":1"#, r#""version":2"#);
        assert_eq!(parse(&newer, &www), Err(Untrusted::OtherVersion(2)));
        let future = r#"{"format":"gazette-deploy-manifest","version":7,"objects":[1,2,3]}"#;
        assert_eq!(parse(future, &www), Err(Untrusted::OtherVersion(7)), "a later layout is not read as damage");
        for damaged in
            ["", "not json", "{\"format\":\"gazette-deploy-manifest\"}", "[]", r#"{"format":"other","version":1}"#]
        {
            assert!(matches!(parse(damaged, &www), Err(Untrusted::Unreadable(_))), "{damaged:?}");
        }
        let truncated = &complete(&www, objects())[..60];
        assert!(matches!(parse(truncated, &www), Err(Untrusted::Unreadable(_))));
        let wrong_field = complete(&www, objects()).replace(r#""size":1"#, r#""size":"one""#);
        assert!(matches!(parse(&wrong_field, &www), Err(Untrusted::Unreadable(_))));
    }
}
