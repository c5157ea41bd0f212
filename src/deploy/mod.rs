//! Publishing a built site to S3-compatible object storage.
//!
//! local (hash the output) + remote (list the bucket) → plan (uploads in a safe order,
//! deletions) → check (`max_deletes`) → execute (phase by phase, concurrently, deletions
//! last). Every upload is a whole object, so a deploy stopped at any moment leaves the bucket
//! serving the old site plus complete new files; running it again uploads only the rest.

mod credentials;
mod execute;
mod local;
mod plan;
mod s3;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

pub use self::execute::Executed;
use self::plan::Plan;
pub use self::plan::{Change, Kind};
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

    /// Uploads and deletes as planned.
    pub fn execute(self, options: &DeployOptions) -> Result<Executed, (Executed, Diagnostic)> {
        execute::run(&self.store, self.target, self.output, &self.plan, options)
            .map_err(|(done, failure)| (done, failure_diagnostic(self.target, failure, done)))
    }
}

/// `s3://bucket/prefix` at its endpoint, for messages.
pub fn describe(target: &DeployTarget) -> String {
    let at = target.endpoint.as_deref().map(|e| format!(" at {e}")).unwrap_or_default();
    format!("s3://{}/{}{at}", target.bucket, target.prefix)
}

/// Hashes the site, lists the bucket and plans the deploy; changes nothing. The listing and
/// the hashing run at once: the listing only needs the paths, cut into ranges.
pub fn prepare<'a>(target: &'a DeployTarget, output: &'a Path, jobs: usize) -> Result<Prepared<'a>, Diagnostic> {
    let credentials = credentials::find(target.profile.as_deref()).map_err(|reason| {
        Diagnostic::error("E085", format!("no credentials for deploy target `{}`: {reason}", target.name))
            .hint("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (a CI secret), or add the keys to ~/.aws/credentials; they never go in site.toml")
    })?;
    let store = Store::new(target, credentials, jobs).map_err(|reason| {
        Diagnostic::error("E082", format!("deploy target `{}`: {reason}", target.name))
            .field(format!("deploy.{}", target.name))
            .hint("check `endpoint` and `bucket`")
    })?;
    let unreadable = |reason| {
        Diagnostic::error("E089", format!("cannot read the built site: {reason}"))
            .hint("run `gazette build` and check the output folder")
    };
    let mut timings = Timings::default();
    let found = local::walk(output).map_err(unreadable)?;
    // Cut the listing where the site's own sorted paths make ranges of one listing page each.
    let splits: Vec<String> = found.iter().skip(LIST_RANGE - 1).step_by(LIST_RANGE).map(|f| f.path.clone()).collect();
    let (listed, local) = std::thread::scope(|scope| {
        let listing = scope.spawn(|| timed(|| store.list(&splits, jobs)));
        let hashed = timed(|| local::hash(found));
        let listed = listing.join().unwrap_or_else(|_| {
            (Err(Failure::Unreachable { reason: "the listing thread panicked".into() }), Duration::ZERO)
        });
        (listed, hashed)
    });
    timings.push("hash", local.1);
    timings.push("list", listed.1);
    let local = local.0.map_err(unreadable)?;
    let listed = listed.0.map_err(|failure| failure_diagnostic(target, failure, Executed::default()))?;
    let started = Instant::now();
    let remote = remote_md5s(&store, &local, listed)
        .map_err(|failure| failure_diagnostic(target, failure, Executed::default()))?;
    let warnings = setting_warnings(target, &local);
    let plan = plan::plan(local, &remote);
    timings.push("plan", started.elapsed());
    Ok(Prepared { target, output, store, plan, warnings, timings })
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

/// Each object's MD5: its ETag when that is one, else (multipart objects) the MD5 gazette
/// stored in its metadata, fetched only for paths the site still has.
fn remote_md5s(
    store: &Store,
    local: &[local::LocalFile],
    listed: Vec<s3::RemoteObject>,
) -> Result<HashMap<String, Option<String>>, Failure> {
    let sizes: HashMap<&str, u64> = local.iter().map(|f| (f.path.as_str(), f.size)).collect();
    let is_md5 = |etag: &str| etag.len() == 32 && etag.bytes().all(|b| b.is_ascii_hexdigit());
    listed
        .into_par_iter()
        .filter(|object| !object.path.is_empty() && !object.path.ends_with('/'))
        .map(|object| {
            let md5 = if is_md5(&object.etag) {
                Some(object.etag.to_ascii_lowercase())
            } else if sizes.get(object.path.as_str()) == Some(&object.size) {
                store.stored_md5(&object.path)?
            } else {
                None
            };
            Ok((object.path, md5))
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
