//! The `[deploy]` part of `site.toml`: named targets in object storage.
//!
//! In: the raw `[deploy.NAME]` tables. Out: `DeployTarget`s with a parsed endpoint, compiled
//! cache-control globs and a deletion limit. Credentials never live here: a key that looks
//! like one is an error (E083) that says where they go instead.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::toml_input::Fragment;

/// Keys that would put a secret into a file that is usually committed.
const CREDENTIAL_KEYS: &[&str] = &[
    "access_key",
    "access_key_id",
    "aws_access_key_id",
    "secret",
    "secret_key",
    "secret_access_key",
    "aws_secret_access_key",
    "session_token",
    "aws_session_token",
    "token",
    "password",
    "credentials",
];

const DEFAULT_MAX_DELETES: usize = 256;

#[derive(Deserialize, Default)]
#[serde(transparent)]
pub(super) struct RawDeploy(BTreeMap<String, Spanned<RawTarget>>);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    bucket: Option<Spanned<String>>,
    endpoint: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    prefix: Option<Spanned<String>>,
    /// A profile of the shared credentials file (`~/.aws/credentials`); `AWS_PROFILE` or
    /// `default` when absent.
    profile: Option<String>,
    max_deletes: Option<usize>,
    #[serde(default)]
    cache_control: Vec<Spanned<RawCacheRule>>,
    /// Virtual-host style URLs (`bucket.endpoint/key`) instead of path style
    /// (`endpoint/bucket/key`); the default is path style with an endpoint, virtual host
    /// without (AWS).
    virtual_host: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCacheRule {
    glob: Spanned<String>,
    value: String,
}

/// One place the site can be published to.
#[derive(Debug, Clone)]
pub struct DeployTarget {
    pub name: String,
    pub bucket: String,
    /// `None` for AWS S3, whose endpoint follows from the region.
    pub endpoint: Option<String>,
    pub region: String,
    /// Empty, or ends with `/`: keys are `prefix + output path`.
    pub prefix: String,
    pub profile: Option<String>,
    pub max_deletes: usize,
    pub virtual_host: bool,
    pub cache_control: Vec<CacheRule>,
}

/// `Cache-Control: value` for the output paths matching `glob`; the first matching rule wins.
#[derive(Debug, Clone)]
pub struct CacheRule {
    pub glob: String,
    pub matcher: globset::GlobMatcher,
    pub value: String,
}

impl DeployTarget {
    /// The Cache-Control header of an output path, if a rule matches it.
    pub fn cache_control(&self, path: &str) -> Option<&str> {
        self.cache_control.iter().find(|rule| rule.matcher.is_match(path)).map(|rule| rule.value.as_str())
    }
}

impl RawDeploy {
    /// Checks every target; the first problem is returned, pointing at its line.
    pub(super) fn resolve(self, fragment: &Fragment) -> Result<Vec<DeployTarget>, Diagnostic> {
        self.0.into_iter().map(|(name, raw)| resolve_target(fragment, name, raw)).collect()
    }
}

fn resolve_target(fragment: &Fragment, name: String, raw: Spanned<RawTarget>) -> Result<DeployTarget, Diagnostic> {
    let table = raw.span();
    let raw = raw.into_inner();
    let Some(bucket) = raw.bucket.filter(|b| !b.get_ref().trim().is_empty()) else {
        return Err(fragment
            .error_at("E082", format!("deploy target `{name}` has no bucket"), table)
            .field(format!("deploy.{name}.bucket"))
            .hint("add `bucket = \"my-site\"`: the name of the bucket the site is published to"));
    };
    let endpoint = raw.endpoint.map(|e| check_endpoint(fragment, &name, e)).transpose()?;
    let region = match raw.region {
        Some(region) => region.into_inner(),
        None if endpoint.is_none() => {
            return Err(fragment
                .error_at("E082", format!("deploy target `{name}` is on AWS S3 but names no region"), table)
                .field(format!("deploy.{name}.region"))
                .hint("add `region = \"eu-central-1\"` (the bucket's region), or an `endpoint` for another provider"));
        }
        None => "us-east-1".into(),
    };
    let prefix = raw.prefix.map(|p| check_prefix(fragment, &name, p)).transpose()?.unwrap_or_default();
    let cache_control =
        raw.cache_control.into_iter().map(|rule| compile_rule(fragment, &name, rule)).collect::<Result<_, _>>()?;
    Ok(DeployTarget {
        virtual_host: raw.virtual_host.unwrap_or(endpoint.is_none()),
        name,
        bucket: bucket.into_inner(),
        endpoint,
        region,
        prefix,
        profile: raw.profile,
        max_deletes: raw.max_deletes.unwrap_or(DEFAULT_MAX_DELETES),
        cache_control,
    })
}

/// A credential written into `[deploy.NAME]`, found before the typed parse so that the error
/// says where credentials go instead of listing the known fields.
pub(super) fn credential_in_file(fragment: &Fragment) -> Result<(), Diagnostic> {
    let Ok(root) = toml::de::DeTable::parse(fragment.file_text) else { return Ok(()) };
    let Some(deploy) = root.get_ref().get("deploy") else { return Ok(()) };
    let toml::de::DeValue::Table(targets) = deploy.get_ref() else { return Ok(()) };
    for (name, target) in targets {
        let toml::de::DeValue::Table(keys) = target.get_ref() else { continue };
        if let Some(key) =
            keys.keys().find(|key| CREDENTIAL_KEYS.contains(&key.get_ref().to_ascii_lowercase().as_str()))
        {
            return Err(fragment
                .error_at("E083", format!("`{}` is a credential: it must not be in site.toml", key.get_ref()), key.span())
                .field(format!("deploy.{}.{}", name.get_ref(), key.get_ref()))
                .hint("remove it (and rotate the key if this file was ever committed); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or put them in ~/.aws/credentials and name the profile with `profile = \"...\"`"));
        }
    }
    Ok(())
}

fn check_endpoint(fragment: &Fragment, name: &str, endpoint: Spanned<String>) -> Result<String, Diagnostic> {
    let span = endpoint.span();
    let text = endpoint.into_inner().trim().trim_end_matches('/').to_string();
    let valid = (text.starts_with("https://") || text.starts_with("http://"))
        && text.split_once("://").is_some_and(|(_, host)| !host.is_empty() && !host.contains(['/', '?', '#', ' ']));
    if valid {
        return Ok(text);
    }
    Err(fragment
        .error_at("E082", format!("`{text}` is not an endpoint URL"), span)
        .field(format!("deploy.{name}.endpoint"))
        .hint("write the scheme and host only, e.g. `https://<account>.r2.cloudflarestorage.com`, or leave `endpoint` out for AWS S3"))
}

fn check_prefix(fragment: &Fragment, name: &str, prefix: Spanned<String>) -> Result<String, Diagnostic> {
    let span = prefix.span();
    let text = prefix.into_inner().trim_matches('/').to_string();
    if text.split('/').any(|segment| segment == "." || segment == "..") || text.contains("//") || text.contains('\\') {
        return Err(fragment
            .error_at("E082", format!("`{text}` is not a key prefix"), span)
            .field(format!("deploy.{name}.prefix"))
            .hint("write folder names separated by `/`, e.g. `prefix = \"www\"`, or leave it out to publish at the bucket's root"));
    }
    Ok(if text.is_empty() { text } else { format!("{text}/") })
}

fn compile_rule(fragment: &Fragment, name: &str, rule: Spanned<RawCacheRule>) -> Result<CacheRule, Diagnostic> {
    let rule = rule.into_inner();
    let span = rule.glob.span();
    let glob = rule.glob.into_inner();
    let compiled = globset::GlobBuilder::new(&glob).literal_separator(true).build().map_err(|error| {
        fragment
            .error_at("E082", format!("`{glob}` is not a glob: {}", error.kind()), span)
            .field(format!("deploy.{name}.cache_control.glob"))
            .hint("`*` matches within a folder, `**` across folders, e.g. `pagefind/**` or `**/*.html`")
    })?;
    Ok(CacheRule { glob, matcher: compiled.compile_matcher(), value: rule.value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(text: &str) -> Result<Vec<DeployTarget>, Diagnostic> {
        #[derive(Deserialize)]
        struct File {
            deploy: RawDeploy,
        }
        let fragment =
            Fragment { file: std::path::Path::new("site.toml"), file_text: text, offset: 0, header_offset: 0 };
        credential_in_file(&fragment)?;
        let file: File = crate::toml_input::parse(&fragment, text.len())?;
        file.deploy.resolve(&fragment)
    }

    #[test]
    fn the_readme_cache_rules_give_hashed_search_files_a_year_and_everything_else_minutes() {
        let text = r#"
[deploy.production]
bucket = "news-site"
region = "eu-central-1"
[[deploy.production.cache_control]]
glob = "pagefind/{fragment/*,index/*,filter/*,*.pf_meta}"
value = "forever"
[[deploy.production.cache_control]]
glob = "**/*.{html,xml,json,js,css,txt}"
value = "minutes"
"#;
        let targets = target(text).unwrap();
        let production = &targets[0];
        for path in [
            "pagefind/fragment/en_1a2b.pf_fragment",
            "pagefind/index/en_3c.pf_index",
            "pagefind/pagefind.en_9f.pf_meta",
        ] {
            assert_eq!(production.cache_control(path), Some("forever"), "{path}");
        }
        for path in [
            "index.html",
            "articles/a/index.html",
            "atom.xml",
            "pagefind/pagefind-entry.json",
            "pagefind/pagefind.js",
            "style.css",
        ] {
            assert_eq!(production.cache_control(path), Some("minutes"), "{path}");
        }
        assert_eq!(production.cache_control("images/port.jpg"), None);
        assert!(production.virtual_host, "AWS (no endpoint) uses virtual-host URLs");
        assert_eq!((production.max_deletes, production.prefix.as_str()), (256, ""));
    }

    #[test]
    fn prefixes_end_with_a_slash_and_endpoints_lose_theirs() {
        let text = "[deploy.r2]\nbucket = \"b\"\nendpoint = \"https://acc.r2.cloudflarestorage.com/\"\nregion = \"auto\"\nprefix = \"/www/\"\n";
        let r2 = &target(text).unwrap()[0];
        assert_eq!(
            (r2.prefix.as_str(), r2.endpoint.as_deref(), r2.virtual_host),
            ("www/", Some("https://acc.r2.cloudflarestorage.com"), false)
        );
        let bad = target("[deploy.x]\nbucket = \"b\"\nregion = \"r\"\nprefix = \"../up\"\n").unwrap_err();
        assert_eq!((bad.code, bad.line), ("E082", 4));
        let bad = target("[deploy.x]\nbucket = \"b\"\nendpoint = \"s3.example.com\"\n").unwrap_err();
        assert_eq!((bad.code, bad.line), ("E082", 3));
    }

    #[test]
    fn a_credential_key_is_refused_whatever_its_case() {
        let error = target("[deploy.x]\nbucket = \"b\"\nregion = \"r\"\nAWS_Secret_Access_Key = \"k\"\n").unwrap_err();
        assert_eq!((error.code, error.line), ("E083", 4));
    }
}
