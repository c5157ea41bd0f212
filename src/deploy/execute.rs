//! Running a plan: each phase of uploads on a pool of threads that share one connection
//! pool, the next phase only when the previous one is complete, deletions last.
//!
//! The first request that fails for good stops every worker before its next file, so that a
//! deploy whose server went away ends in seconds with a clear error instead of retrying
//! every remaining file.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use super::local::md5_base64_of_hex;
use super::plan::{Plan, Upload};
use super::s3::{Failure, ObjectHeaders, Store};
use super::{DeployOptions, MULTIPART_THRESHOLD, PART_SIZE};
use crate::config::DeployTarget;

/// Deletions per request: S3's limit.
const DELETE_BATCH: usize = 1000;

/// What a deploy did, complete or not.
#[derive(Debug, Default, Clone, Copy)]
pub struct Executed {
    pub uploaded: usize,
    pub uploaded_bytes: u64,
    pub deleted: usize,
}

struct Shared<'a> {
    store: &'a Store,
    target: &'a DeployTarget,
    output: &'a Path,
    uploaded: AtomicUsize,
    bytes: AtomicU64,
    stop: AtomicBool,
    failure: Mutex<Option<Failure>>,
    bar: Option<ProgressBar>,
}

pub(super) fn run(
    store: &Store,
    target: &DeployTarget,
    output: &Path,
    plan: &Plan,
    options: &DeployOptions,
) -> Result<Executed, (Executed, Failure)> {
    let shared = Shared {
        store,
        target,
        output,
        uploaded: AtomicUsize::new(0),
        bytes: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        failure: Mutex::new(None),
        bar: options.progress.then(|| progress_bar(plan.uploads.len() + plan.deletions.len())),
    };
    for phase in plan.phases() {
        upload_phase(&shared, phase, options.jobs.max(1));
        if let Some(failure) = shared.failure.lock().ok().and_then(|mut f| f.take()) {
            finish_bar(&shared);
            return Err((executed(&shared, 0), failure));
        }
    }
    let mut deleted = 0;
    for batch in plan.deletions.chunks(DELETE_BATCH) {
        if let Err(failure) = store.delete(batch) {
            finish_bar(&shared);
            return Err((executed(&shared, deleted), failure));
        }
        deleted += batch.len();
        if let Some(bar) = &shared.bar {
            bar.inc(batch.len() as u64);
        }
    }
    finish_bar(&shared);
    Ok(executed(&shared, deleted))
}

fn executed(shared: &Shared, deleted: usize) -> Executed {
    Executed {
        uploaded: shared.uploaded.load(Ordering::Relaxed),
        uploaded_bytes: shared.bytes.load(Ordering::Relaxed),
        deleted,
    }
}

/// Uploads one phase with `jobs` threads pulling the next file from a shared counter.
fn upload_phase(shared: &Shared, phase: &[Upload], jobs: usize) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(phase.len()) {
            scope.spawn(|| {
                while !shared.stop.load(Ordering::Relaxed) {
                    let Some(upload) = phase.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
                    match upload_one(shared, upload) {
                        Ok(()) => {
                            shared.uploaded.fetch_add(1, Ordering::Relaxed);
                            shared.bytes.fetch_add(upload.file.size, Ordering::Relaxed);
                            if let Some(bar) = &shared.bar {
                                bar.inc(1);
                            }
                        }
                        Err(failure) => {
                            shared.stop.store(true, Ordering::Relaxed);
                            if let Ok(mut slot) = shared.failure.lock() {
                                slot.get_or_insert(failure);
                            }
                        }
                    }
                }
            });
        }
    });
}

fn upload_one(shared: &Shared, upload: &Upload) -> Result<(), Failure> {
    let path = &upload.file.path;
    let body = std::fs::read(shared.output.join(path)).map_err(|error| Failure::Unreachable {
        reason: format!("cannot read {path} from the output folder: {error}"),
    })?;
    let md5_base64 = md5_base64_of_hex(&upload.file.md5);
    let headers = ObjectHeaders {
        content_type: crate::media_type::content_type(path),
        cache_control: shared.target.cache_control(path),
        md5_hex: &upload.file.md5,
        md5_base64: &md5_base64,
    };
    if body.len() as u64 > MULTIPART_THRESHOLD {
        shared.store.put_multipart(path, &body, &headers, PART_SIZE)
    } else {
        shared.store.put(path, &body, &headers)
    }
}

fn progress_bar(total: usize) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} objects {elapsed}") {
        bar.set_style(style);
    }
    bar
}

fn finish_bar(shared: &Shared) {
    if let Some(bar) = &shared.bar {
        bar.finish_and_clear();
    }
}
