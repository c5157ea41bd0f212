//! Publishing a built site to S3-compatible object storage.
//!
//! local (hash the output) + remote (the manifest of the last deploy, or a listing of the
//! bucket when it cannot be trusted) → plan (uploads in a safe order, deletions) → check
//! (`max_deletes`) → execute (the manifest marked pending, then phase by phase, concurrently,
//! deletions, and the complete manifest last). Every upload is a whole object, so a deploy
//! stopped at any moment leaves the bucket serving the old site plus complete new files, and
//! a pending manifest; running it again lists the bucket and uploads only the rest.

mod credentials;
mod execute;
mod local;
mod manifest;
mod plan;
mod s3;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

pub use self::execute::Executed;
use self::manifest::{Entry, MANIFEST_PATH, Untrusted};
pub use self::plan::{Change, Kind};
use self::plan::{Headers, Plan, Remote};
use self::s3::{Failure, Store};
use crate::config::DeployTarget;
use crate::diagnostics::{Diagnostic, thousands};

/// Objects larger than this go up in parts of `PART_SIZE`.
pub const MULTIPART_THRESHOLD: u64 = 16 << 20;
const PART_SIZE: usize = 8 << 20;
/// Objects per listing range (one page of S3's listing), listed in parallel with the others.
const LIST_RANGE: usize = 1_000;

/// How a deploy was asked for.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// Uploads in flight at once.
    pub jobs: usize,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

/// The site compared with the bucket, ready to run.
pub struct Prepared<'a> {
    target: &'a DeployTarget,
    output: &'a Path,
    store: Store,
    plan: Plan,
    /// Why the bucket was listed, or `None` when its manifest was trusted.
    listed: Option<Untrusted>,
    /// What the complete manifest will say once the plan has run.
    objects: BTreeMap<String, Entry>,
    warnings: Vec<Diagnostic>,
    timings: Timings,
}

/// One line of a dry run's plan.
pub struct PlannedUpload<'a> {
    pub path: &'a str,
    pub size: u64,
    pub change: Change,
    pub kind: Kind,
}

impl Prepared<'_> {
    pub fn uploads(&self) -> impl Iterator<Item = PlannedUpload<'_>> {
        self.plan.uploads.iter().map(|u| PlannedUpload {
            path: &u.file.path,
            size: u.file.size,
            change: u.change,
            kind: u.kind,
        })
    }

    pub fn deletions(&self) -> &[String] {
        &self.plan.deletions
    }

    pub fn unchanged(&self) -> usize {
        self.plan.unchanged
    }

    pub fn upload_bytes(&self) -> u64 {
        self.plan.upload_bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.plan.is_empty()
    }

    /// How long hashing, listing and planning took.
    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// What looks wrong in the target's settings, found while planning.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        self.warnings.clone()
    }

    /// Refuses more deletions than the target allows, unless forced.
    pub fn check_deletions(&self, force: bool) -> Result<(), Diagnostic> {
        let (count, limit) = (self.plan.deletions.len(), self.target.max_deletes);
        if count <= limit || force {
            return Ok(());
        }
        let sample: Vec<&str> = self.plan.deletions.iter().take(5).map(String::as_str).collect();
        Err(Diagnostic::error(
            "E088",
            format!("this deploy would delete {} objects from {}, more than max_deletes = {limit}", thousands(count), describe(self.target)),
        )
        .field(format!("deploy.{}.max_deletes", self.target.name))
        .note(format!("first of them: {}", sample.join(", ")))
        .hint("nothing was changed. Check with --dry-run that the right site is being deployed (the right prefix, a complete build), then run again with --force, or raise max_deletes"))
    }

    /// Why the bucket was listed instead of compared with its manifest, if it was.
    pub fn listed_because(&self) -> Option<String> {
        self.listed.as_ref().map(Untrusted::to_string)
    }

    /// Uploads and deletes as planned, between the pending manifest and the complete one.
    /// A plan with nothing to do changes nothing, but a listed bucket gets its manifest.
    pub fn execute(self, options: &DeployOptions) -> Result<Executed, (Executed, Diagnostic)> {
        let target = self.target;
        let fail = |done: Executed| move |failure| (done, failure_diagnostic(target, failure, done));
        let changes = !self.plan.is_empty();
        if changes {
            put_manifest(&self.store, manifest::pending(target)).map_err(fail(Executed::default()))?;
        }
        let done = execute::run(&self.store, self.target, self.output, &self.plan, options)
            .map_err(|(done, failure)| fail(done)(failure))?;
        if changes || self.listed.is_some() {
            put_manifest(&self.store, manifest::complete(target, self.objects)).map_err(fail(done))?;
        }
        Ok(done)
    }
}

fn put_manifest(store: &Store, body: String) -> Result<(), Failure> {
    let md5_hex = local::md5_hex(body.as_bytes());
    let headers = s3::ObjectHeaders {
        content_type: crate::media_type::content_type(MANIFEST_PATH),
        cache_control: Some(manifest::CACHE_CONTROL),
        md5_base64: &local::md5_base64_of_hex(&md5_hex),
        md5_hex: &md5_hex,
    };
    store.put(MANIFEST_PATH, body.as_bytes(), &headers)
}

/// `s3://bucket/prefix` at its endpoint, for messages.
pub fn describe(target: &DeployTarget) -> String {
    let at = target.endpoint.as_deref().map(|e| format!(" at {e}")).unwrap_or_default();
    format!("s3://{}/{}{at}", target.bucket, target.prefix)
}

/// Hashes the site, reads the bucket's manifest (or lists the bucket, always with
/// `full_scan`) and plans the deploy; changes nothing. The bucket is read while the files are
/// hashed: a listing only needs the paths, cut into ranges.
pub fn prepare<'a>(
    target: &'a DeployTarget,
    output: &'a Path,
    jobs: usize,
    full_scan: bool,
) -> Result<Prepared<'a>, Diagnostic> {
    let store = connect(target, jobs)?;
    let unreadable = |reason| {
        Diagnostic::error("E089", format!("cannot read the built site: {reason}"))
            .hint("run `gazette build` and check the output folder")
    };
    let mut timings = Timings::default();
    let found = local::walk(output).map_err(unreadable)?;
    if found.iter().any(|file| file.path == MANIFEST_PATH) {
        return Err(Diagnostic::error(
            "E091",
            format!("the site has a file {MANIFEST_PATH}, the name of gazette deploy's manifest"),
        )
        .hint(format!(
            "rename or remove static/{MANIFEST_PATH}: the deploy keeps its record of the bucket under that name"
        )));
    }
    // Cut the listing where the site's own sorted paths make ranges of one listing page each.
    let splits: Vec<String> = found.iter().skip(LIST_RANGE - 1).step_by(LIST_RANGE).map(|f| f.path.clone()).collect();
    let ((known, read_time), (local, hash_time)) = std::thread::scope(|scope| {
        let reading = scope.spawn(|| timed(|| read_bucket(&store, target, &splits, jobs, full_scan)));
        let hashed = timed(|| local::hash(found));
        let known = reading.join().unwrap_or_else(|_| {
            (Err(Failure::Unreachable { reason: "the listing thread panicked".into() }), Duration::ZERO)
        });
        (known, hashed)
    });
    let local = local.map_err(unreadable)?;
    let failed = |failure| failure_diagnostic(target, failure, Executed::default());
    let known = known.map_err(failed)?;
    timings.push("hash", hash_time);
    timings.push(if matches!(known, Known::Manifest(_)) { "manifest" } else { "list" }, read_time);
    let started = Instant::now();
    let (remote, listed) = match known {
        Known::Manifest(entries) => (from_manifest(entries), None),
        Known::Listed(objects, why) => (remote_md5s(&store, &local, objects).map_err(failed)?, Some(why)),
    };
    let warnings = setting_warnings(target, &local);
    let headers_of = |path: &str| headers(target, path);
    let objects = local.iter().map(|file| (file.path.clone(), entry(file, headers_of(&file.path)))).collect();
    let plan = plan::plan(local, &remote, headers_of);
    timings.push("plan", started.elapsed());
    Ok(Prepared { target, output, store, plan, listed, objects, warnings, timings })
}

/// The store of a target, with the credentials of the environment.
fn connect(target: &DeployTarget, jobs: usize) -> Result<Store, Diagnostic> {
    let credentials = credentials::find(target.profile.as_deref()).map_err(|reason| {
        Diagnostic::error("E085", format!("no credentials for deploy target `{}`: {reason}", target.name))
            .hint("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (a CI secret), or add the keys to ~/.aws/credentials; they never go in site.toml")
    })?;
    Store::new(target, credentials, jobs).map_err(|reason| {
        Diagnostic::error("E082", format!("deploy target `{}`: {reason}", target.name))
            .field(format!("deploy.{}", target.name))
            .hint("check `endpoint` and `bucket`")
    })
}

/// What the bucket holds, as the deploy learnt it.
enum Known {
    /// From the manifest of the last complete deploy.
    Manifest(HashMap<String, Entry>),
    /// From a listing, because the manifest could not be trusted.
    Listed(Vec<s3::RemoteObject>, Untrusted),
}

/// The manifest when it can be trusted, else the listing (one GET, then the listing's pages).
fn read_bucket(
    store: &Store,
    target: &DeployTarget,
    splits: &[String],
    jobs: usize,
    full_scan: bool,
) -> Result<Known, Failure> {
    let why = if full_scan {
        Untrusted::Asked
    } else {
        match store.get(MANIFEST_PATH)? {
            None => Untrusted::Missing,
            Some(body) => match manifest::parse(&body, target) {
                Ok(entries) => return Ok(Known::Manifest(entries)),
                Err(why) => why,
            },
        }
    };
    Ok(Known::Listed(store.list(splits, jobs)?, why))
}

fn from_manifest(entries: HashMap<String, Entry>) -> HashMap<String, Remote> {
    entries
        .into_iter()
        .map(|(path, entry)| {
            (path, Remote { md5: Some(entry.md5), headers: Some((entry.content_type, entry.cache_control)) })
        })
        .collect()
}

/// The headers a file gets under the target's settings.
fn headers(target: &DeployTarget, path: &str) -> Headers {
    (crate::media_type::content_type(path).to_string(), target.cache_control(path).map(str::to_string))
}

fn entry(file: &local::LocalFile, (content_type, cache_control): Headers) -> Entry {
    Entry { md5: file.md5.clone(), size: file.size, content_type, cache_control }
}

/// How long each stage of a deploy took (hashing and listing overlap).
#[derive(Debug, Default, Clone)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    pub fn push(&mut self, stage: &'static str, time: Duration) {
        self.0.push((stage, time));
    }
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let result = work();
    (result, started.elapsed())
}

/// Cache-control rules that match no file (a misspelt glob), and an endpoint in clear text.
fn setting_warnings(target: &DeployTarget, local: &[local::LocalFile]) -> Vec<Diagnostic> {
    let mut warnings: Vec<Diagnostic> = target
        .cache_control
        .iter()
        .filter(|rule| !local.iter().any(|file| rule.matcher.is_match(&file.path)))
        .map(|rule| {
            Diagnostic::warning("W135", format!("the cache_control glob `{}` matches no file of the site", rule.glob))
                .in_file(crate::config::CONFIG_FILE)
                .field(format!("deploy.{}.cache_control", target.name))
                .hint("globs match output paths such as `index.html`, `articles/a/index.html` or `pagefind/pagefind.js`; `**/` spans folders")
        })
        .collect();
    let endpoint = target.endpoint.as_deref().unwrap_or("");
    let host = endpoint.strip_prefix("http://").map(|rest| rest.split(':').next().unwrap_or(rest));
    if host.is_some_and(|host| !matches!(host, "localhost" | "127.0.0.1" | "[::1]")) {
        warnings.push(
            Diagnostic::warning(
                "W136",
                format!("the endpoint `{endpoint}` is plain http: the site goes over the network unencrypted"),
            )
            .in_file(crate::config::CONFIG_FILE)
            .field(format!("deploy.{}.endpoint", target.name))
            .hint("use https:// unless the server is on this machine or a private network"),
        );
    }
    warnings
}

/// Each listed object's MD5: its ETag when that is one, else (multipart objects) the MD5
/// gazette stored in its metadata, fetched only for paths the site still has. The manifest
/// is not one of the site's objects.
fn remote_md5s(
    store: &Store,
    local: &[local::LocalFile],
    listed: Vec<s3::RemoteObject>,
) -> Result<HashMap<String, Remote>, Failure> {
    let sizes: HashMap<&str, u64> = local.iter().map(|f| (f.path.as_str(), f.size)).collect();
    let is_md5 = |etag: &str| etag.len() == 32 && etag.bytes().all(|b| b.is_ascii_hexdigit());
    listed
        .into_par_iter()
        .filter(|object| !object.path.is_empty() && !object.path.ends_with('/') && object.path != MANIFEST_PATH)
        .map(|object| {
            let md5 = if is_md5(&object.etag) {
                Some(object.etag.to_ascii_lowercase())
            } else if sizes.get(object.path.as_str()) == Some(&object.size) {
                store.stored_md5(&object.path)?
            } else {
                None
            };
            Ok((object.path, Remote { md5, headers: None }))
        })
        .collect()
}

/// A failed request as the user should read it: what happened, and what the bucket holds now.
fn failure_diagnostic(target: &DeployTarget, failure: Failure, done: Executed) -> Diagnostic {
    let state = if done.uploaded == 0 && done.deleted == 0 {
        "nothing was changed in the bucket".to_string()
    } else {
        format!(
            "{} files were uploaded and {} deleted before it stopped; the bucket still serves a working site (nothing it links to was deleted)",
            thousands(done.uploaded),
            thousands(done.deleted)
        )
    };
    let place = describe(target);
    match failure {
        Failure::Denied { status, code, message } => Diagnostic::error(
            "E087",
            format!("{place} refused the credentials (HTTP {status} {code}: {message})"),
        )
        .hint(format!("{state}. Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the profile in ~/.aws/credentials), and that the key may list, put and delete objects in bucket `{}`", target.bucket)),
        Failure::NoBucket { message } => Diagnostic::error("E086", format!("bucket `{}` does not exist at {place}: {message}", target.bucket))
            .field(format!("deploy.{}.bucket", target.name))
            .hint(format!("{state}. Create the bucket first, or fix `bucket`, `endpoint` and `region`")),
        Failure::Unreachable { reason } => Diagnostic::error("E089", format!("deploy to {place} failed: {reason}"))
            .hint(format!("{state}. Run `gazette deploy` again when the server answers: it uploads only what is still missing")),
        Failure::Refused { status, code, message } => {
            Diagnostic::error("E089", format!("deploy to {place} failed: HTTP {status} {code}: {message}"))
                .hint(format!("{state}. Run `gazette deploy` again; if this repeats, check the target's settings"))
        }
    }
}
