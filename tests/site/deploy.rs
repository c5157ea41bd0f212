//! `gazette deploy` (DESIGN.md, "Commands"): the `[deploy]` settings, and publishing to a real
//! S3 server.
//!
//! The settings tests always run. The server tests need one: `.ci/run` starts SeaweedFS with
//! `tests/deploy/seaweedfs.sh` and sets `GAZETTE_TEST_S3_ENDPOINT`, `_BUCKET`, `_KEY` and
//! `_SECRET`; without them each server test prints that it was skipped and passes. Each test
//! deploys under its own prefix, so they run in parallel against one bucket.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use md5::{Digest, Md5};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use crate::support::{Fixture, all_files, fixture};

/// The object in which a deploy records what it left under the prefix.
const MANIFEST: &str = ".gazette-deploy.json";

/// The server `.ci/run` started, if any.
struct Server {
    endpoint: String,
    bucket: String,
    key: String,
    secret: String,
}

fn server(test: &str) -> Option<Server> {
    let var = |name: &str| std::env::var(format!("GAZETTE_TEST_S3_{name}")).ok().filter(|v| !v.is_empty());
    let server = (|| {
        Some(Server { endpoint: var("ENDPOINT")?, bucket: var("BUCKET")?, key: var("KEY")?, secret: var("SECRET")? })
    })();
    if server.is_none() {
        eprintln!("skipped {test}: no S3 server (GAZETTE_TEST_S3_ENDPOINT is not set; .ci/run sets it)");
    }
    server
}

/// The fixture site with a `[deploy.ci]` target at `endpoint`, under a prefix of its own.
fn site_for(server: &Server, endpoint: &str, prefix: &str, extra: &str) -> Fixture {
    let site = fixture("good");
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    let target = format!(
        "\n[deploy.ci]\nbucket = \"{}\"\nendpoint = \"{endpoint}\"\nregion = \"us-east-1\"\nprefix = \"{prefix}\"\n{extra}\n\
         [[deploy.ci.cache_control]]\nglob = \"pagefind/**\"\nvalue = \"public, max-age=31536000, immutable\"\n\
         [[deploy.ci.cache_control]]\nglob = \"**/*.html\"\nvalue = \"public, max-age=300\"\n",
        server.bucket
    );
    site.write("site.toml", config + &target);
    site
}

/// A prefix no other test (or earlier run) uses.
fn unique_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{test}-{}-{nanos}", std::process::id())
}

struct Deployed {
    code: i32,
    stdout: String,
    stderr: String,
}

fn deploy(site: &Fixture, server: &Server, secret: &str, args: &[&str]) -> Deployed {
    let output = assert_cmd::cargo::cargo_bin_cmd!("gazette")
        .arg("deploy")
        .arg("--root")
        .arg(&site.root)
        .args(args)
        .env("NO_COLOR", "1")
        .env("AWS_ACCESS_KEY_ID", &server.key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap();
    Deployed {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn deploy_ok(site: &Fixture, server: &Server, args: &[&str]) -> Deployed {
    let run = deploy(site, server, &server.secret, args);
    assert_eq!(run.code, 0, "deploy failed:\n{}", run.stderr);
    run
}

/// The number in "N uploaded" of the summary line.
fn uploaded(run: &Deployed) -> usize {
    if run.stderr.contains("is up to date") {
        return 0;
    }
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("deployed to"))
        .unwrap_or_else(|| panic!("no summary:\n{}", run.stderr));
    let (_, rest) = line.split_once(": ").unwrap();
    rest.split(' ').next().unwrap().replace(',', "").parse().unwrap()
}

/// The bucket as a test reads it, with its own requests.
struct Reader<'a> {
    server: &'a Server,
    bucket: Bucket,
    credentials: Credentials,
    agent: ureq::Agent,
}

impl<'a> Reader<'a> {
    fn new(server: &'a Server) -> Self {
        let bucket =
            Bucket::new(server.endpoint.parse().unwrap(), UrlStyle::Path, server.bucket.clone(), "us-east-1").unwrap();
        let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
        Reader { server, bucket, credentials: Credentials::new(&server.key, &server.secret), agent }
    }

    /// path below `prefix` → ETag, for every object there.
    fn list(&self, prefix: &str) -> BTreeMap<String, String> {
        let mut objects = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let mut action = self.bucket.list_objects_v2(Some(&self.credentials));
            action.with_prefix(format!("{prefix}/"));
            if let Some(token) = &token {
                action.with_continuation_token(token.clone());
            }
            let url = action.sign(Duration::from_secs(600));
            let body = self.agent.get(url.as_str()).call().unwrap().body_mut().read_to_string().unwrap();
            let page = rusty_s3::actions::ListObjectsV2::parse_response(&body).unwrap();
            for object in page.contents {
                let path = object.key.strip_prefix(&format!("{prefix}/")).unwrap().to_string();
                objects.insert(path, object.etag.unwrap_or_default().trim_matches('"').to_string());
            }
            match page.next_continuation_token {
                Some(next) => token = Some(next),
                None => return objects,
            }
        }
    }

    /// The objects of the site below `prefix`: all but the deploy's manifest.
    fn site_objects(&self, prefix: &str) -> BTreeMap<String, String> {
        let mut objects = self.list(prefix);
        objects.remove(MANIFEST);
        objects
    }

    /// The body of an object, or `None` if there is none.
    fn get(&self, key: &str) -> Option<String> {
        let url = self.bucket.get_object(Some(&self.credentials), key).sign(Duration::from_secs(600));
        let mut response = self.agent.get(url.as_str()).call().unwrap();
        match response.status().as_u16() {
            404 => None,
            200 => Some(response.body_mut().read_to_string().unwrap()),
            status => panic!("GET {key}: HTTP {status}"),
        }
    }

    /// The deploy's manifest under `prefix`, parsed.
    fn manifest(&self, prefix: &str) -> serde_json::Value {
        let body = self.get(&format!("{prefix}/{MANIFEST}")).expect("the bucket has a manifest");
        serde_json::from_str(&body).unwrap()
    }

    /// Writes an object, as someone other than gazette would.
    fn put(&self, key: &str, body: &[u8]) {
        let url = self.bucket.put_object(Some(&self.credentials), key).sign(Duration::from_secs(600));
        let status = self.agent.put(url.as_str()).send(body).unwrap().status().as_u16();
        assert_eq!(status, 200, "PUT {key}");
    }

    /// Deletes an object, as someone other than gazette would.
    fn delete(&self, key: &str) {
        let url = self.bucket.delete_object(Some(&self.credentials), key).sign(Duration::from_secs(600));
        let status = self.agent.delete(url.as_str()).call().unwrap().status().as_u16();
        assert_eq!(status, 204, "DELETE {key}");
    }

    /// The headers of an object.
    fn head(&self, key: &str) -> BTreeMap<String, String> {
        let url = self.bucket.head_object(Some(&self.credentials), key).sign(Duration::from_secs(600));
        let response = self.agent.head(url.as_str()).call().unwrap();
        assert_eq!(response.status().as_u16(), 200, "HEAD {key} at {}", self.server.endpoint);
        response.headers().iter().map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())).collect()
    }
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The files of the built site that a deploy publishes: all but the build's mark and caches.
fn site_files(site: &Fixture) -> Vec<String> {
    let cache = format!("{}/", gazette::write::CACHE_DIR);
    all_files(&site.out())
        .into_iter()
        .filter(|path| path != gazette::write::guard::MARK_FILE && !path.starts_with(&cache))
        .collect()
}

/// path → MD5 of every file of the built site.
fn local_md5s(site: &Fixture) -> BTreeMap<String, String> {
    let out = site.out();
    site_files(site).into_iter().map(|path| (path.clone(), md5_hex(&std::fs::read(out.join(&path)).unwrap()))).collect()
}

/// The bucket holds exactly the built site, byte for byte (single-part ETags are MD5s), and
/// the manifest of a complete deploy that says so.
fn assert_bucket_is_the_site(reader: &Reader, prefix: &str, site: &Fixture) {
    let local = local_md5s(site);
    let remote = reader.site_objects(prefix);
    assert_eq!(
        remote.keys().collect::<Vec<_>>(),
        local.keys().collect::<Vec<_>>(),
        "the bucket's keys are the site's files"
    );
    for (path, md5) in &local {
        assert_eq!(&remote[path], md5, "{path} in the bucket has the site's bytes");
    }
    let manifest = reader.manifest(prefix);
    assert_eq!(manifest["state"], "complete", "{manifest}");
    let recorded: BTreeMap<String, String> = manifest["objects"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, entry)| (path.clone(), entry["md5"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(recorded, local, "the manifest records the site's files and their MD5s");
}

/// Whether the deploy listed the bucket (it says why) rather than trusting its manifest.
fn listed(run: &Deployed) -> bool {
    run.stderr.lines().any(|line| line.starts_with("listed s3://"))
}

#[test]
fn the_first_deploy_uploads_every_file_with_its_content_type_and_cache_control() {
    let Some(server) = server("first deploy") else { return };
    let prefix = unique_prefix("first");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    let run = deploy_ok(&site, &server, &[]);
    let reader = Reader::new(&server);
    assert_bucket_is_the_site(&reader, &prefix, &site);
    assert_eq!(uploaded(&run), site_files(&site).len(), "{}", run.stderr);
    assert!(site.out().join(gazette::write::guard::MARK_FILE).is_file());
    assert!(!reader.list(&prefix).contains_key(gazette::write::guard::MARK_FILE), "the build's mark stays local");
    assert!(
        !reader.list(&prefix).keys().any(|k| k.starts_with(".gazette-cache/")),
        "the build's image cache stays local"
    );

    let page = reader.head(&format!("{prefix}/articles/dalian-port/index.html"));
    assert_eq!(page["content-type"], "text/html; charset=utf-8");
    assert_eq!(page["cache-control"], "public, max-age=300");
    let index = reader.head(&format!("{prefix}/index.html"));
    assert_eq!(index["cache-control"], "public, max-age=300", "`**/*.html` matches the root's pages too");
    let feed = reader.head(&format!("{prefix}/atom.xml"));
    assert_eq!(feed["content-type"], "application/xml; charset=utf-8");
    assert!(!feed.contains_key("cache-control"), "no rule matches atom.xml: {feed:?}");
    if site.out().join("pagefind/pagefind.js").is_file() {
        let script = reader.head(&format!("{prefix}/pagefind/pagefind.js"));
        assert_eq!(script["content-type"], "text/javascript; charset=utf-8");
        assert_eq!(script["cache-control"], "public, max-age=31536000, immutable");
    }
    let css = site_files(&site).into_iter().find(|p| p.ends_with(".css")).expect("the fixture has a stylesheet");
    assert_eq!(reader.head(&format!("{prefix}/{css}"))["content-type"], "text/css; charset=utf-8");
}

#[test]
fn a_second_deploy_with_nothing_changed_uploads_nothing() {
    let Some(server) = server("second deploy") else { return };
    let prefix = unique_prefix("second");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    deploy_ok(&site, &server, &[]);
    let reader = Reader::new(&server);
    let before = reader.list(&prefix);
    let run = deploy_ok(&site, &server, &[]);
    assert!(run.stderr.contains("is up to date"), "{}", run.stderr);
    assert_eq!(uploaded(&run), 0);
    assert_eq!(reader.list(&prefix), before);
}

#[test]
fn a_deploy_with_nothing_changed_reads_the_manifest_instead_of_listing_the_bucket() {
    let Some(server) = server("manifest") else { return };
    let prefix = unique_prefix("manifest");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    let first = deploy_ok(&site, &server, &[]);
    assert!(listed(&first) && first.stderr.contains("has no .gazette-deploy.json"), "{}", first.stderr);
    let reader = Reader::new(&server);
    assert_bucket_is_the_site(&reader, &prefix, &site);
    let manifest = reader.manifest(&prefix);
    let page = &manifest["objects"]["articles/dalian-port/index.html"];
    assert_eq!(
        (page["type"].as_str(), page["cache"].as_str()),
        (Some("text/html; charset=utf-8"), Some("public, max-age=300"))
    );
    assert_eq!(manifest["objects"]["atom.xml"].get("cache"), None, "no rule matches atom.xml");
    let head = reader.head(&format!("{prefix}/{MANIFEST}"));
    assert_eq!((head["content-type"].as_str(), head["cache-control"].as_str()), ("application/json", "no-store"));

    let before = reader.list(&prefix);
    let again = deploy_ok(&site, &server, &["--timings"]);
    assert!(!listed(&again) && again.stderr.contains("is up to date"), "{}", again.stderr);
    assert!(again.stderr.contains("manifest:") && !again.stderr.contains("list:"), "{}", again.stderr);
    assert_eq!(reader.list(&prefix), before, "nothing uploaded, the manifest not rewritten");
}

#[test]
fn an_object_changed_or_deleted_behind_gazettes_back_is_restored_by_a_full_scan() {
    let Some(server) = server("full scan") else { return };
    let prefix = unique_prefix("fullscan");
    // The manifest is never one of the deletions, so even max_deletes = 0 lets it be.
    let site = site_for(&server, &server.endpoint, &prefix, "max_deletes = 0");
    deploy_ok(&site, &server, &[]);
    let reader = Reader::new(&server);
    reader.delete(&format!("{prefix}/articles/dalian-port/index.html"));
    reader.put(&format!("{prefix}/atom.xml"), b"<feed>edited by hand</feed>");
    let trusting = deploy_ok(&site, &server, &[]);
    assert!(
        !listed(&trusting) && trusting.stderr.contains("is up to date"),
        "the manifest is trusted: {}",
        trusting.stderr
    );

    let scan = deploy_ok(&site, &server, &["--full-scan"]);
    assert!(scan.stderr.contains("listed s3://") && scan.stderr.contains(": --full-scan"), "{}", scan.stderr);
    assert_eq!(uploaded(&scan), 2, "the deleted page and the edited feed: {}", scan.stderr);
    assert!(scan.stderr.contains(" 0 deleted"), "{}", scan.stderr);
    assert_bucket_is_the_site(&reader, &prefix, &site);
    let after = deploy_ok(&site, &server, &[]);
    assert!(!listed(&after) && after.stderr.contains("is up to date"), "{}", after.stderr);
}

#[test]
fn a_missing_damaged_or_copied_manifest_makes_the_deploy_list_the_bucket() {
    let Some(server) = server("untrusted manifest") else { return };
    let prefix = unique_prefix("untrusted");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    deploy_ok(&site, &server, &[]);
    let reader = Reader::new(&server);
    let key = format!("{prefix}/{MANIFEST}");
    let good = reader.get(&key).unwrap();
    let copied = good.replace(&format!("\"prefix\":\"{prefix}/\""), "\"prefix\":\"staging/\"");
    assert_ne!(copied, good);
    let cases: [(&str, Option<&str>, &str); 4] = [
        ("damaged", Some("{\"format\":\"gazette-deploy-manifest\",\"version\":1,\"objects\":"), "cannot be read"),
        ("another version", Some("{\"format\":\"gazette-deploy-manifest\",\"version\":99}"), "format version 99"),
        ("copied from another prefix", Some(copied.as_str()), "describes s3://"),
        ("missing", None, "has no .gazette-deploy.json"),
    ];
    for (case, manifest, says) in cases {
        match manifest {
            Some(body) => reader.put(&key, body.as_bytes()),
            None => reader.delete(&key),
        }
        reader.delete(&format!("{prefix}/index.html"));
        let run = deploy_ok(&site, &server, &[]);
        assert!(listed(&run) && run.stderr.contains(says), "{case}: {}", run.stderr);
        assert_eq!(uploaded(&run), 1, "{case}: the listing finds the missing page: {}", run.stderr);
        assert_bucket_is_the_site(&reader, &prefix, &site);
    }
}

#[test]
fn a_deploy_that_fails_mid_way_leaves_the_manifest_pending_and_the_next_one_lists_and_completes() {
    let Some(server) = server("pending manifest") else { return };
    let prefix = unique_prefix("pending");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    deploy_ok(&site, &server, &[]);
    let reader = Reader::new(&server);
    // Enough new bytes that the proxy stops half-way through them.
    for n in 0..40 {
        let noise: String = (0..20_000u32).map(|i| char::from(b'a' + ((i * 7 + n * 13) % 26) as u8)).collect();
        site.write(&format!("static/files/{n:02}.txt"), noise);
    }
    site.remove("content/articles/2019/05/dalian-port.md");
    let proxy = proxy(&server.endpoint, 300_000);
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    let through_proxy = config.replace(&server.endpoint, &format!("http://127.0.0.1:{}", proxy.port));
    site.write("site.toml", &through_proxy);
    let failed = deploy(&site, &server, &server.secret, &[]);
    assert!(proxy.stopped.load(Ordering::SeqCst), "the proxy stopped mid-deploy");
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    assert!(failed.stderr.contains("error[E089]"), "{}", failed.stderr);
    assert_eq!(reader.manifest(&prefix)["state"], "pending", "the manifest no longer vouches for the bucket");
    let partial = reader.site_objects(&prefix);
    let sent = (0..40).filter(|n| partial.contains_key(&format!("files/{n:02}.txt"))).count();
    assert!(sent < 40, "the deploy stopped before the last new file ({sent} of 40 went up)");
    assert!(partial.contains_key("articles/dalian-port/index.html"), "nothing is deleted before every upload is in");

    site.write("site.toml", &config);
    let rerun = deploy_ok(&site, &server, &[]);
    assert!(listed(&rerun) && rerun.stderr.contains("the last deploy did not complete"), "{}", rerun.stderr);
    assert!(!rerun.stderr.contains(" 0 deleted"), "the removed article's pages are deleted: {}", rerun.stderr);
    assert_bucket_is_the_site(&reader, &prefix, &site);
    let after = deploy_ok(&site, &server, &[]);
    assert!(!listed(&after) && after.stderr.contains("is up to date"), "{}", after.stderr);
}

#[test]
fn a_changed_cache_control_rule_sends_the_files_it_matches_again() {
    let Some(server) = server("cache rule") else { return };
    let prefix = unique_prefix("rule");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    deploy_ok(&site, &server, &[]);
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", config.replace("\"public, max-age=300\"", "\"public, max-age=60\""));
    let run = deploy_ok(&site, &server, &[]);
    let pages = site_files(&site).iter().filter(|path| path.ends_with(".html")).count();
    assert_eq!(uploaded(&run), pages, "every page, and nothing else: {}", run.stderr);
    let reader = Reader::new(&server);
    assert_eq!(
        reader.head(&format!("{prefix}/articles/dalian-port/index.html"))["cache-control"],
        "public, max-age=60"
    );
    assert_bucket_is_the_site(&reader, &prefix, &site);
}

/// SeaweedFS lists folder by folder (`d/x` before `d-e/x`, although `-` sorts before `/`): a
/// listing range cut inside `d-e/` used to end at the first `d/` key and miss the rest, which
/// every deploy then uploaded again as new (and could never delete).
#[test]
fn a_site_of_more_than_one_listing_page_cut_inside_a_folder_deploys_again_with_nothing_to_upload() {
    let Some(server) = server("listing ranges") else { return };
    let prefix = unique_prefix("ranges");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    // More than one listing range (`LIST_RANGE`, 1,000 keys), the first cut inside `d-e/`.
    for n in 0..100 {
        site.write(&format!("static/d/{n:04}.txt"), format!("d {n}\n"));
    }
    for n in 0..1200 {
        site.write(&format!("static/d-e/{n:04}.txt"), format!("d-e {n}\n"));
    }
    let first = deploy_ok(&site, &server, &[]);
    assert_eq!(uploaded(&first), site_files(&site).len(), "{}", first.stderr);

    // --full-scan: the manifest would answer without listing.
    let again = deploy_ok(&site, &server, &["--full-scan"]);
    assert!(listed(&again) && again.stderr.contains("is up to date"), "{}", again.stderr);
    site.remove("static/d/0050.txt");
    site.remove("static/d-e/0500.txt");
    let removed = deploy_ok(&site, &server, &["--full-scan"]);
    assert_eq!(uploaded(&removed), 0, "{}", removed.stderr);
    assert!(removed.stderr.contains(" 2 deleted"), "{}", removed.stderr);
    assert_bucket_is_the_site(&Reader::new(&server), &prefix, &site);
}

#[test]
fn one_edited_article_uploads_exactly_the_files_whose_bytes_changed() {
    let Some(server) = server("one edit") else { return };
    let prefix = unique_prefix("edit");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    deploy_ok(&site, &server, &[]);
    let before = local_md5s(&site);
    let article = site.root.join("content/articles/2019/05/dalian-port.md");
    let text = std::fs::read_to_string(&article).unwrap();
    site.write("content/articles/2019/05/dalian-port.md", text + "\nA paragraph added after publication.\n");

    let run = deploy_ok(&site, &server, &[]);
    let after = local_md5s(&site);
    let changed: Vec<&String> =
        after.iter().filter(|(path, md5)| before.get(*path) != Some(md5)).map(|(p, _)| p).collect();
    assert!(changed.iter().any(|p| p.as_str() == "articles/dalian-port/index.html"), "{changed:?}");
    assert!(changed.len() < after.len() / 2, "an edit changes a few files, not the site: {changed:?}");
    assert_eq!(uploaded(&run), changed.len(), "uploaded exactly {changed:?}\n{}", run.stderr);
    assert_bucket_is_the_site(&Reader::new(&server), &prefix, &site);
}

#[test]
fn a_removed_article_is_deleted_from_the_bucket() {
    let Some(server) = server("removed article") else { return };
    let prefix = unique_prefix("removed");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    deploy_ok(&site, &server, &[]);
    let reader = Reader::new(&server);
    assert!(reader.list(&prefix).contains_key("articles/dalian-port/index.html"));
    site.remove("content/articles/2019/05/dalian-port.md");
    let run = deploy_ok(&site, &server, &[]);
    assert!(!reader.list(&prefix).contains_key("articles/dalian-port/index.html"), "{}", run.stderr);
    assert_bucket_is_the_site(&reader, &prefix, &site);
}

#[test]
fn a_dry_run_prints_the_plan_and_changes_nothing() {
    let Some(server) = server("dry run") else { return };
    let prefix = unique_prefix("dry");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    let run = deploy_ok(&site, &server, &["--dry-run"]);
    let files = site_files(&site);
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("upload  new")).count(), files.len(), "{}", run.stdout);
    assert!(run.stdout.contains("articles/dalian-port/index.html"));
    assert!(
        run.stderr.contains(&format!("dry run, nothing changed: would upload {} files", files.len())),
        "{}",
        run.stderr
    );
    let reader = Reader::new(&server);
    assert!(reader.list(&prefix).is_empty(), "a dry run uploads nothing, not even a manifest");

    deploy_ok(&site, &server, &[]);
    let (before, manifest) = (reader.list(&prefix), reader.get(&format!("{prefix}/{MANIFEST}")));
    site.remove("content/articles/2019/05/dalian-port.md");
    let run = deploy_ok(&site, &server, &["--dry-run"]);
    assert!(run.stdout.contains("delete  articles/dalian-port/index.html"), "{}", run.stdout);
    assert!(!run.stdout.contains(MANIFEST), "the manifest is not in the plan: {}", run.stdout);
    assert_eq!(reader.list(&prefix), before);
    assert_eq!(reader.get(&format!("{prefix}/{MANIFEST}")), manifest, "a dry run leaves the manifest as it was");
}

#[test]
fn wrong_credentials_fail_clearly_and_change_nothing() {
    let Some(server) = server("wrong credentials") else { return };
    let prefix = unique_prefix("denied");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    deploy_ok(&site, &server, &[]);
    let reader = Reader::new(&server);
    let before = reader.list(&prefix);
    site.remove("content/articles/2019/05/dalian-port.md");
    let run = deploy(&site, &server, "not-the-secret", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[E087]") && run.stderr.contains("refused the credentials"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was changed in the bucket"), "{}", run.stderr);
    assert_eq!(reader.list(&prefix), before);
}

#[test]
fn more_deletions_than_max_deletes_are_refused_without_force() {
    let Some(server) = server("max_deletes") else { return };
    let prefix = unique_prefix("maxdel");
    let site = site_for(&server, &server.endpoint, &prefix, "max_deletes = 1");
    deploy_ok(&site, &server, &[]);
    let reader = Reader::new(&server);
    let before = reader.list(&prefix);
    site.remove("content/articles/2019/05/dalian-port.md");
    let run = deploy(&site, &server, &server.secret, &[]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("error[E088]") && run.stderr.contains("more than max_deletes = 1"), "{}", run.stderr);
    assert_eq!(reader.list(&prefix), before, "a refused deploy changes nothing");
    deploy_ok(&site, &server, &["--force"]);
    assert_bucket_is_the_site(&reader, &prefix, &site);
}

#[test]
fn a_large_file_goes_up_in_parts_and_is_not_uploaded_again() {
    let Some(server) = server("multipart") else { return };
    let prefix = unique_prefix("multipart");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    let big: Vec<u8> = (0..20_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    site.write("static/video/briefing.mp4", &big);
    deploy_ok(&site, &server, &[]);
    let reader = Reader::new(&server);
    let etag = &reader.list(&prefix)["video/briefing.mp4"];
    assert!(etag.ends_with("-3"), "20 MB in 8 MiB parts is a three-part object: {etag}");
    let head = reader.head(&format!("{prefix}/video/briefing.mp4"));
    assert_eq!(head["content-length"], "20000000");
    assert_eq!(head["x-amz-meta-gazette-md5"], md5_hex(&big));
    let run = deploy_ok(&site, &server, &["--full-scan"]);
    assert!(listed(&run), "{}", run.stderr);
    assert_eq!(uploaded(&run), 0, "the stored MD5 matches, so nothing is uploaded: {}", run.stderr);
}

/// A TCP proxy in front of the server that stops, like a server that was killed, once it has
/// passed `limit` bytes from the client: it closes every connection and refuses new ones.
struct Proxy {
    port: u16,
    stopped: Arc<AtomicBool>,
}

fn proxy(upstream: &str, limit: usize) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let upstream = upstream.trim_start_matches("http://").to_string();
    let stopped = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
    let flag = stopped.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            if flag.load(Ordering::SeqCst) {
                break;
            }
            let Ok(server) = TcpStream::connect(&upstream) else { continue };
            open.lock().unwrap().extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
            let (flag, sent, open) = (flag.clone(), sent.clone(), open.clone());
            let (client_read, server_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || pump(client_read, server_write, Some((sent, limit, flag, open))));
            std::thread::spawn(move || pump(server, client, None));
        }
    });
    Proxy { port, stopped }
}

type Meter = (Arc<AtomicUsize>, usize, Arc<AtomicBool>, Arc<Mutex<Vec<TcpStream>>>);

fn pump(mut from: TcpStream, mut to: TcpStream, meter: Option<Meter>) {
    let mut buffer = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buffer) {
        if n == 0 || to.write_all(&buffer[..n]).is_err() {
            break;
        }
        if let Some((sent, limit, stopped, open)) = &meter
            && sent.fetch_add(n, Ordering::SeqCst) + n > *limit
            && !stopped.swap(true, Ordering::SeqCst)
        {
            for stream in open.lock().unwrap().iter() {
                let _ = stream.shutdown(Shutdown::Both);
            }
            // Wake the accept loop so that it sees the flag and closes the listener.
            let _ = TcpStream::connect(from.local_addr().unwrap());
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

#[test]
fn the_server_stopping_mid_deploy_fails_clearly_and_a_rerun_completes() {
    let Some(server) = server("server stopped") else { return };
    let prefix = unique_prefix("stopped");
    let proxy = proxy(&server.endpoint, 300_000);
    let site = site_for(&server, &format!("http://127.0.0.1:{}", proxy.port), &prefix, "");
    let run = deploy(&site, &server, &server.secret, &[]);
    assert!(proxy.stopped.load(Ordering::SeqCst), "the proxy stopped mid-deploy");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[E089]") && run.stderr.contains("Run `gazette deploy` again"), "{}", run.stderr);
    let reader = Reader::new(&server);
    let partial = reader.site_objects(&prefix);
    let files = site_files(&site);
    assert!(!partial.is_empty() && partial.len() < files.len(), "{} of {} files went up", partial.len(), files.len());
    let local = local_md5s(&site);
    for (path, etag) in &partial {
        assert_eq!(&local[path], etag, "{path}: an interrupted upload leaves a whole object or none");
    }
    assert!(
        partial.keys().all(|p| !p.ends_with(".html"))
            || files.iter().filter(|p| !p.ends_with(".html")).all(|p| partial.contains_key(p)),
        "pages go up only after every asset and feed they link to"
    );

    // The server is back: point the target at it directly.
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", config.replace(&format!("http://127.0.0.1:{}", proxy.port), &server.endpoint));
    let rerun = deploy_ok(&site, &server, &[]);
    assert_eq!(
        uploaded(&rerun),
        files.len() - partial.len(),
        "the rerun uploads only what is missing: {}",
        rerun.stderr
    );
    assert_bucket_is_the_site(&reader, &prefix, &site);
}

fn settings_error(extra: &str) -> String {
    let site = fixture("good");
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", config + extra);
    let output = site.gazette_build().output().unwrap();
    assert!(!output.status.success(), "the build should refuse {extra}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_credential_in_site_toml_is_an_error_that_names_the_line() {
    let stderr =
        settings_error("\n[deploy.production]\nbucket = \"b\"\nregion = \"eu-west-1\"\nsecret_access_key = \"abc\"\n");
    assert!(stderr.contains("error[E083]: `secret_access_key` is a credential"), "{stderr}");
    assert!(stderr.contains("site.toml:11:1"), "{stderr}");
    assert!(stderr.contains("AWS_SECRET_ACCESS_KEY"), "{stderr}");
}

#[test]
fn an_unknown_deploy_key_is_an_error_with_a_suggestion() {
    let stderr = settings_error("\n[deploy.production]\nbucket = \"b\"\nregoin = \"eu-west-1\"\n");
    assert!(stderr.contains("error[E012]: unknown field `regoin`"), "{stderr}");
    assert!(stderr.contains("did you mean `region`?"), "{stderr}");
}

#[test]
fn a_target_without_a_bucket_or_with_a_bad_glob_is_an_error() {
    let stderr = settings_error("\n[deploy.production]\nendpoint = \"https://s3.example.com\"\n");
    assert!(stderr.contains("error[E082]: deploy target `production` has no bucket"), "{stderr}");
    let stderr = settings_error("\n[deploy.production]\nbucket = \"b\"\n");
    assert!(stderr.contains("error[E082]") && stderr.contains("names no region"), "{stderr}");
    let stderr = settings_error(
        "\n[deploy.production]\nbucket = \"b\"\nregion = \"r\"\n[[deploy.production.cache_control]]\nglob = \"a[\"\nvalue = \"x\"\n",
    );
    assert!(stderr.contains("error[E082]: `a[` is not a glob"), "{stderr}");
}

#[test]
fn deploy_without_a_target_says_how_to_add_one_and_sends_nothing() {
    let site = fixture("good");
    let output =
        assert_cmd::cargo::cargo_bin_cmd!("gazette").arg("deploy").arg("--root").arg(&site.root).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[E084]: site.toml has no [deploy.NAME] target"), "{stderr}");
    assert!(!site.out().exists(), "nothing is built when there is nowhere to deploy");
}

#[test]
fn deploy_refuses_to_publish_a_site_whose_build_fails() {
    let Some(server) = server("failed build") else { return };
    let prefix = unique_prefix("failed");
    let site = site_for(&server, &server.endpoint, &prefix, "");
    site.write("content/articles/broken.md", "+++\ntitle = \"No date\"\n+++\nBody.\n");
    let run = deploy(&site, &server, &server.secret, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the build failed, so nothing was published"), "{}", run.stderr);
    assert!(Reader::new(&server).list(&prefix).is_empty());
}
