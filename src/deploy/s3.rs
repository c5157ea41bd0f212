//! The S3 protocol, as little of it as a deploy needs: list, head, get, put (single or
//! multipart) and delete many, over one pooled HTTP agent, each request retried with backoff on
//! timeouts, dropped connections, 5xx and 429.
//!
//! In: a `DeployTarget` and credentials. Out: listings and `Failure`s that say whether the
//! server refused us (credentials, bucket) or could not be reached.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rusty_s3::actions::{CreateMultipartUpload, ListObjectsV2, ObjectIdentifier};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use crate::config::DeployTarget;

/// How long a presigned request stays valid: far longer than any single request takes.
const SIGNATURE_LIFETIME: Duration = Duration::from_secs(3600);
/// Attempts per request, and the pause before the second (doubled each time).
const ATTEMPTS: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// The metadata key that holds a multipart object's MD5 (its ETag is not one).
pub(crate) const MD5_METADATA: &str = "x-amz-meta-gazette-md5";

/// Why a request failed for good.
#[derive(Debug)]
pub(crate) enum Failure {
    /// 401/403: wrong or missing credentials, or no permission on the bucket.
    Denied { status: u16, code: String, message: String },
    /// 404 on the bucket itself.
    NoBucket { message: String },
    /// Still failing after every retry: connection refused or reset, timeouts, 5xx.
    Unreachable { reason: String },
    /// Any other answer the server should not have given.
    Refused { status: u16, code: String, message: String },
}

/// An object under the target's prefix.
#[derive(Debug, Clone)]
pub(crate) struct RemoteObject {
    /// The key without the prefix: the output path it was uploaded from.
    pub path: String,
    pub size: u64,
    /// The ETag without quotes. For single-part uploads S3 makes it the MD5 of the bytes;
    /// multipart ETags end with `-N`.
    pub etag: String,
}

/// The headers an upload sets on its object.
pub(crate) struct ObjectHeaders<'a> {
    pub content_type: &'a str,
    pub cache_control: Option<&'a str>,
    /// Hex MD5 of the whole body.
    pub md5_hex: &'a str,
    /// Base64 MD5, so that the server checks the bytes it received.
    pub md5_base64: &'a str,
}

pub(crate) struct Store {
    agent: ureq::Agent,
    bucket: Bucket,
    credentials: Credentials,
    prefix: String,
}

enum Attempt {
    Retry(String),
    Fail(Failure),
}

impl Store {
    pub fn new(target: &DeployTarget, credentials: Credentials, connections: usize) -> Result<Store, String> {
        let endpoint = target.endpoint.clone().unwrap_or_else(|| format!("https://s3.{}.amazonaws.com", target.region));
        let url = endpoint.parse().map_err(|error| format!("endpoint `{endpoint}`: {error}"))?;
        let style = if target.virtual_host { UrlStyle::VirtualHost } else { UrlStyle::Path };
        let bucket = Bucket::new(url, style, target.bucket.clone(), target.region.clone())
            .map_err(|error| format!("bucket `{}` at `{endpoint}`: {error}", target.bucket))?;
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_idle_connections(connections)
            .max_idle_connections_per_host(connections)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(Duration::from_secs(60)))
            .timeout_send_body(Some(Duration::from_secs(120)))
            .timeout_recv_body(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        Ok(Store { agent, bucket, credentials, prefix: target.prefix.clone() })
    }

    fn key(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    /// Every object under the prefix, 1,000 per request. The key space is cut at `splits`
    /// (paths, sorted) and the ranges are listed at once, `workers` at a time: a listing is a
    /// chain of requests, each waiting for the previous one's continuation token, so one
    /// chain of 30 pages is 30 round trips in a row.
    pub fn list(&self, splits: &[String], workers: usize) -> Result<Vec<RemoteObject>, Failure> {
        let keys: Vec<String> = splits.iter().map(|path| self.key(path)).collect();
        let starts = std::iter::once(None).chain(keys.iter().map(|k| Some(k.as_str())));
        let ends = keys.iter().map(|k| Some(k.as_str())).chain(std::iter::once(None));
        let ranges: Vec<(Option<&str>, Option<&str>)> = starts.zip(ends).collect();
        let next = AtomicUsize::new(0);
        let work = || {
            let mut listed = Vec::new();
            while let Some(&(after, until)) = ranges.get(next.fetch_add(1, Ordering::Relaxed)) {
                listed.push(self.list_range(after, until));
            }
            listed
        };
        let listed: Vec<Result<Vec<RemoteObject>, Failure>> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..workers.clamp(1, ranges.len())).map(|_| scope.spawn(work)).collect();
            threads
                .into_iter()
                .flat_map(|thread| {
                    thread.join().unwrap_or_else(|_| {
                        vec![Err(Failure::Unreachable { reason: "a listing thread panicked".into() })]
                    })
                })
                .collect()
        });
        let mut objects = Vec::new();
        for range in listed {
            objects.extend(range?);
        }
        Ok(objects)
    }

    /// The objects with keys after `after` (or from the start) up to and including `until`.
    fn list_range(&self, after: Option<&str>, until: Option<&str>) -> Result<Vec<RemoteObject>, Failure> {
        let mut objects = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut action = self.bucket.list_objects_v2(Some(&self.credentials));
            action.with_max_keys(1000);
            if !self.prefix.is_empty() {
                action.with_prefix(self.prefix.as_str());
            }
            match (&token, after) {
                (Some(token), _) => action.with_continuation_token(token.as_str()),
                (None, Some(after)) => action.with_start_after(after),
                (None, None) => {}
            }
            let url = action.sign(SIGNATURE_LIFETIME);
            let body = self.send(|| self.agent.get(url.as_str()).call())?;
            let page = ListObjectsV2::parse_response(&body).map_err(|error| Failure::Refused {
                status: 200,
                code: "MalformedListing".into(),
                message: format!("the bucket listing is not S3 XML: {error}"),
            })?;
            // Done once a key reaches `until`: a range that is exactly one page then needs no
            // second request to find out.
            let mut past_end = false;
            for object in page.contents {
                let key = object.key.as_str();
                if until.is_some_and(|until| past_range_end(key, until)) {
                    past_end = true;
                    break;
                }
                past_end = until == Some(key);
                if let Some(path) = key.strip_prefix(self.prefix.as_str()) {
                    let etag = object.etag.unwrap_or_default().trim_matches('"').to_string();
                    objects.push(RemoteObject { path: path.to_string(), size: object.size.unwrap_or(0), etag });
                }
                if past_end {
                    break;
                }
            }
            match page.next_continuation_token {
                Some(next) if !past_end => token = Some(next),
                _ => return Ok(objects),
            }
        }
    }

    /// The MD5 that gazette stored on a multipart object, if any.
    pub fn stored_md5(&self, path: &str) -> Result<Option<String>, Failure> {
        let key = self.key(path);
        let url = self.bucket.head_object(Some(&self.credentials), &key).sign(SIGNATURE_LIFETIME);
        let mut found = None;
        self.send_with(
            || self.agent.head(url.as_str()).call(),
            |response| found = response.headers().get(MD5_METADATA).and_then(|v| v.to_str().ok()).map(str::to_string),
        )?;
        Ok(found)
    }

    /// The bytes of an object, or `None` when there is no such object.
    pub fn get(&self, path: &str) -> Result<Option<String>, Failure> {
        let url = self.bucket.get_object(Some(&self.credentials), &self.key(path)).sign(SIGNATURE_LIFETIME);
        match self.send(|| self.agent.get(url.as_str()).call()) {
            Ok(body) => Ok(Some(body)),
            Err(Failure::Refused { status: 404, .. }) => Ok(None),
            Err(failure) => Err(failure),
        }
    }

    /// Uploads `body` as one object.
    pub fn put(&self, path: &str, body: &[u8], headers: &ObjectHeaders) -> Result<(), Failure> {
        let key = self.key(path);
        let mut action = self.bucket.put_object(Some(&self.credentials), &key);
        sign_headers(action.headers_mut(), headers);
        let url = action.sign(SIGNATURE_LIFETIME);
        self.send(|| {
            let request = self.agent.put(url.as_str()).header("content-md5", headers.md5_base64);
            with_headers(request, headers).send(body)
        })
        .map(drop)
    }

    /// Uploads `body` in parts of `part_size` bytes; the object appears only when the last
    /// part is in, so a reader sees the old object or the new one, never a part.
    pub fn put_multipart(
        &self,
        path: &str,
        body: &[u8],
        headers: &ObjectHeaders,
        part_size: usize,
    ) -> Result<(), Failure> {
        let key = self.key(path);
        let mut create = self.bucket.create_multipart_upload(Some(&self.credentials), &key);
        sign_headers(create.headers_mut(), headers);
        create.headers_mut().insert(MD5_METADATA, headers.md5_hex.to_string());
        let url = create.sign(SIGNATURE_LIFETIME);
        let created = self.send(|| {
            with_headers(self.agent.post(url.as_str()), headers).header(MD5_METADATA, headers.md5_hex).send_empty()
        })?;
        let upload = CreateMultipartUpload::parse_response(&created).map_err(|error| Failure::Refused {
            status: 200,
            code: "MalformedResponse".into(),
            message: format!("CreateMultipartUpload: {error}"),
        })?;
        let id = upload.upload_id().to_string();
        let result = self.upload_parts(&key, &id, body, part_size);
        if result.is_err() {
            // Parts of an unfinished upload cost storage until aborted; failing to abort only
            // leaves them to the bucket's lifecycle rules.
            let url = self.bucket.abort_multipart_upload(Some(&self.credentials), &key, &id).sign(SIGNATURE_LIFETIME);
            let _ = self.agent.delete(url.as_str()).call();
        }
        result
    }

    fn upload_parts(&self, key: &str, id: &str, body: &[u8], part_size: usize) -> Result<(), Failure> {
        let mut etags = Vec::new();
        for (index, part) in body.chunks(part_size).enumerate() {
            let number = u16::try_from(index + 1).map_err(|_| Failure::Refused {
                status: 0,
                code: "TooManyParts".into(),
                message: format!("{key} needs more than {} parts", u16::MAX),
            })?;
            let url = self.bucket.upload_part(Some(&self.credentials), key, number, id).sign(SIGNATURE_LIFETIME);
            let mut etag = String::new();
            self.send_with(
                || self.agent.put(url.as_str()).send(part),
                |response| {
                    etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
                },
            )?;
            etags.push(etag);
        }
        let complete =
            self.bucket.complete_multipart_upload(Some(&self.credentials), key, id, etags.iter().map(String::as_str));
        let url = complete.sign(SIGNATURE_LIFETIME);
        let body = complete.body();
        let answer = self.send(|| self.agent.post(url.as_str()).send(body.as_bytes()))?;
        // S3 may answer 200 with an <Error> body when completing fails late.
        if answer.contains("<Error>") {
            return Err(Failure::Refused { status: 200, code: error_code(&answer), message: error_message(&answer) });
        }
        Ok(())
    }

    /// Deletes up to 1,000 objects in one request.
    pub fn delete(&self, paths: &[String]) -> Result<(), Failure> {
        let objects: Vec<ObjectIdentifier> = paths.iter().map(|p| ObjectIdentifier::new(self.key(p))).collect();
        let mut action = self.bucket.delete_objects(Some(&self.credentials), objects.iter());
        action.set_quiet(true);
        let url = action.sign(SIGNATURE_LIFETIME);
        let (body, md5) = action.body_with_md5();
        let answer =
            self.send(|| self.agent.post(url.as_str()).header("content-md5", md5.as_str()).send(body.as_bytes()))?;
        if answer.contains("<Error>") {
            return Err(Failure::Refused { status: 200, code: error_code(&answer), message: error_message(&answer) });
        }
        Ok(())
    }

    fn send(
        &self,
        request: impl FnMut() -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<String, Failure> {
        self.send_with(request, |_| {})
    }

    /// Runs `request` until it succeeds or fails for good; `inspect` sees the successful
    /// response's headers; returns its body.
    fn send_with(
        &self,
        mut request: impl FnMut() -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        mut inspect: impl FnMut(&ureq::http::Response<ureq::Body>),
    ) -> Result<String, Failure> {
        let mut pause = FIRST_BACKOFF;
        for attempt in 1..=ATTEMPTS {
            match answer(request(), &mut inspect) {
                Ok(body) => return Ok(body),
                Err(Attempt::Fail(failure)) => return Err(failure),
                Err(Attempt::Retry(reason)) if attempt == ATTEMPTS => {
                    return Err(Failure::Unreachable { reason: format!("{reason} (tried {ATTEMPTS} times)") });
                }
                Err(Attempt::Retry(_)) => {
                    std::thread::sleep(pause);
                    pause *= 2;
                }
            }
        }
        Err(Failure::Unreachable { reason: "no attempt was made".into() })
    }
}

/// Whether a listing that has reached `key` is past a range that ends at `until`. S3 lists in
/// byte order; SeaweedFS (and other servers that keep objects in folders) lists folder by
/// folder, where `a/x` comes before `a-b/x` although `-` sorts before `/`. A range ends at the
/// first key past its end in both orders, so that it misses nothing in either; the few keys
/// that two ranges then both list are the same objects.
fn past_range_end(key: &str, until: &str) -> bool {
    key > until && key.split('/').cmp(until.split('/')).is_gt()
}

/// Sorts a response into success, a failure worth retrying, and a final one.
fn answer(
    result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    inspect: &mut impl FnMut(&ureq::http::Response<ureq::Body>),
) -> Result<String, Attempt> {
    let mut response = result.map_err(|error| Attempt::Retry(error.to_string()))?;
    let status = response.status().as_u16();
    let body = response.body_mut().with_config().limit(64 << 20).read_to_string();
    if (200..300).contains(&status) {
        inspect(&response);
        return body.map_err(|error| Attempt::Retry(format!("reading the answer: {error}")));
    }
    let body = body.unwrap_or_default();
    let (code, message) = (error_code(&body), error_message(&body));
    match status {
        429 | 500..=599 => Err(Attempt::Retry(format!("HTTP {status} {code} {message}"))),
        401 | 403 => Err(Attempt::Fail(Failure::Denied { status, code, message })),
        404 if code == "NoSuchBucket" => Err(Attempt::Fail(Failure::NoBucket { message })),
        _ => Err(Attempt::Fail(Failure::Refused { status, code, message })),
    }
}

fn sign_headers<'a>(signed: &mut rusty_s3::Map<'a>, headers: &ObjectHeaders) {
    signed.insert("content-type", headers.content_type.to_string());
    if let Some(value) = headers.cache_control {
        signed.insert("cache-control", value.to_string());
    }
}

fn with_headers<B>(request: ureq::RequestBuilder<B>, headers: &ObjectHeaders) -> ureq::RequestBuilder<B> {
    let request = request.header("content-type", headers.content_type);
    match headers.cache_control {
        Some(value) => request.header("cache-control", value),
        None => request,
    }
}

/// `<Code>...</Code>` of an S3 error body.
fn error_code(body: &str) -> String {
    element(body, "Code")
}

fn error_message(body: &str) -> String {
    element(body, "Message")
}

fn element(body: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    body.split_once(&open)
        .and_then(|(_, rest)| rest.split_once(&close))
        .map(|(text, _)| text.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::past_range_end;

    #[test]
    fn a_range_ends_past_its_last_key_in_byte_order_and_in_folder_order() {
        // In byte order `a-b/x` < `a/x`; listed folder by folder `a/x` comes first.
        assert!(!past_range_end("a/x", "a-b/x"), "a folder-order server lists a/x before a-b/x: keep listing");
        assert!(!past_range_end("a-b/x", "a/x"), "a byte-order server lists a-b/x before a/x: keep listing");
        assert!(!past_range_end("a/x", "a/y"));
        assert!(past_range_end("a/z", "a/y"));
        assert!(past_range_end("b", "a-b/x"));
        assert!(!past_range_end("a/y", "a/y"));
    }
}
