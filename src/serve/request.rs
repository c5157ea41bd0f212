//! What a request may ask for: its Host, its path, and files read from disk.
//!
//! In: the raw request target and headers. Out: the output path to look up in memory, or a
//! refusal with its status. The path is percent-decoded exactly once; after decoding, any
//! `.` or `..` segment, empty segment inside the path, NUL, control character or backslash
//! is refused, and so is anything that is not UTF-8 (overlong encodings such as `%c0%ae`
//! are not UTF-8). Generated pages never touch the disk; static files do, and are read only
//! when their canonical path (symbolic links resolved) lies inside the canonical site root,
//! compared component by component.

use std::path::{Path, PathBuf};

use crate::slug::encode_path_segment;

/// Longer request paths are refused before any work.
pub const MAX_PATH_BYTES: usize = 2048;

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 400: not a path this server would ever serve.
    BadPath,
    /// 404: outside the base path.
    NotFound,
    /// 414
    TooLong,
}

/// What a request path names, relative to the base path.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// An output path, e.g. `articles/x/index.html`.
    Output(String),
    /// A folder asked for without its `/`: redirect here (an absolute path, re-encoded).
    AddSlash(String),
    Events,
}

/// Decodes `%XX` once; `None` for a malformed escape or a result that is not UTF-8.
pub fn percent_decode_once(raw: &str) -> Option<String> {
    String::from_utf8(crate::urls::percent_decode(raw, true)?).ok()
}

/// Checks a raw request path (without the query) and says what it names below `base_path`
/// (which starts and ends with `/`).
pub fn target(raw_path: &str, base_path: &str) -> Result<Target, Refusal> {
    if raw_path.len() > MAX_PATH_BYTES {
        return Err(Refusal::TooLong);
    }
    if !raw_path.starts_with('/') || raw_path.contains('\\') {
        return Err(Refusal::BadPath);
    }
    let path = percent_decode_once(raw_path).ok_or(Refusal::BadPath)?;
    if path.chars().any(|c| c == '\\' || c.is_control()) {
        return Err(Refusal::BadPath);
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        if *segment == "." || *segment == ".." || (segment.is_empty() && i != last) {
            return Err(Refusal::BadPath);
        }
    }
    let base_without_slash = &base_path[..base_path.len() - 1];
    if path == base_without_slash && !base_without_slash.is_empty() {
        return Ok(Target::AddSlash(base_path.to_string()));
    }
    let relative = path.strip_prefix(base_path).ok_or(Refusal::NotFound)?;
    if relative == super::live::EVENTS_PATH {
        return Ok(Target::Events);
    }
    if relative.is_empty() || relative.ends_with('/') {
        return Ok(Target::Output(format!("{relative}index.html")));
    }
    Ok(Target::Output(relative.to_string()))
}

/// The absolute path that adds the missing `/` to `relative` (a folder), re-encoded.
pub fn with_slash(base_path: &str, relative: &str) -> String {
    let encoded: Vec<String> = relative.split('/').map(encode_path_segment).collect();
    format!("{base_path}{}/", encoded.join("/"))
}

/// Whether a `Host` header names this server: the bound address, `localhost` or
/// `127.0.0.1`, with the port (it may be left out only on port 80). Anything else may be a
/// DNS-rebinding page and is refused.
pub fn host_allowed(host: Option<&str>, allowed: &[String], port: u16) -> bool {
    let Some(host) = host else { return false };
    let host = host.trim().to_ascii_lowercase();
    allowed.iter().any(|name| host == format!("{name}:{port}") || (port == 80 && host == *name))
}

/// Whether the request says unambiguously which host it is for (RFC 9112 §3.2): exactly one
/// `Host` header, and an absolute-form target (`GET http://host/ HTTP/1.1`) only when its
/// authority is that same host. Otherwise the answer is 400: a proxy in front and this
/// server could each read a different host from one request.
pub fn host_unambiguous(hosts: &[&[u8]], target_authority: Option<&str>) -> bool {
    match hosts {
        [host] => target_authority.is_none_or(|authority| authority.as_bytes().eq_ignore_ascii_case(host.trim_ascii())),
        _ => false,
    }
}

/// Whether an `Origin` header (when there is one) is this server's own.
pub fn origin_allowed(origin: Option<&str>, allowed: &[String], port: u16) -> bool {
    match origin {
        None => true,
        Some(origin) => origin
            .strip_prefix("http://")
            .is_some_and(|host| !host.contains('/') && host_allowed(Some(host), allowed, port)),
    }
}

/// The host names a server bound to `bind` answers to.
pub fn allowed_hosts(bind: &std::net::IpAddr) -> Vec<String> {
    let bound = match bind {
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        std::net::IpAddr::V4(v4) => v4.to_string(),
    };
    let mut hosts = vec![bound, "localhost".to_string(), "127.0.0.1".to_string()];
    hosts.sort();
    hosts.dedup();
    hosts
}

/// Reads `file` when its canonical path lies inside the canonical `root` and is a regular
/// file; `None` otherwise (a symbolic link out of the root, a folder, a missing file).
pub fn read_inside(root: &Path, file: &Path) -> Option<Vec<u8>> {
    let root = std::fs::canonicalize(root).ok()?;
    let resolved: PathBuf = std::fs::canonicalize(file).ok()?;
    // `Path::starts_with` compares whole components: `/site-evil` is not inside `/site`.
    if !resolved.starts_with(&root) || !resolved.is_file() {
        return None;
    }
    std::fs::read(resolved).ok()
}

/// The media type of an output: one table for `serve` and `deploy`.
pub use crate::media_type::content_type;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_once_and_checked_after() {
        assert_eq!(target("/", "/"), Ok(Target::Output("index.html".into())));
        assert_eq!(target("/articles/x/", "/"), Ok(Target::Output("articles/x/index.html".into())));
        assert_eq!(target("/articles/%E8%BE%BD%E5%AE%81/", "/"), Ok(Target::Output("articles/辽宁/index.html".into())));
        assert_eq!(target("/%252e%252e/x", "/"), Ok(Target::Output("%2e%2e/x".into())));
        for bad in ["/../etc/passwd", "/a/%2e%2e/b", "/a/%2E/b", "/a%2f..%2fb", "/a%00b", "/a%5cb", "/a\\b", "/a//b"] {
            assert_eq!(target(bad, "/"), Err(Refusal::BadPath), "{bad}");
        }
        assert_eq!(target("/%c0%ae%c0%ae/", "/"), Err(Refusal::BadPath));
        assert_eq!(target("/%zz", "/"), Err(Refusal::BadPath));
        assert_eq!(target(&format!("/{}", "a".repeat(3000)), "/"), Err(Refusal::TooLong));
    }

    #[test]
    fn base_path_is_required() {
        assert_eq!(target("/sub/", "/sub/"), Ok(Target::Output("index.html".into())));
        assert_eq!(target("/sub", "/sub/"), Ok(Target::AddSlash("/sub/".into())));
        assert_eq!(target("/other/", "/sub/"), Err(Refusal::NotFound));
        assert_eq!(target("/sub/__gazette/events", "/sub/"), Ok(Target::Events));
    }

    #[test]
    fn hosts_and_origins() {
        let allowed = allowed_hosts(&"127.0.0.1".parse().unwrap());
        assert!(host_allowed(Some("127.0.0.1:1111"), &allowed, 1111));
        assert!(host_allowed(Some("LOCALHOST:1111"), &allowed, 1111));
        assert!(!host_allowed(Some("localhost"), &allowed, 1111));
        assert!(!host_allowed(Some("evil.example:1111"), &allowed, 1111));
        assert!(!host_allowed(Some("127.0.0.1.evil.example:1111"), &allowed, 1111));
        assert!(!host_allowed(None, &allowed, 1111));
        assert!(host_unambiguous(&[b"127.0.0.1:1111"], None));
        assert!(host_unambiguous(&[b"127.0.0.1:1111"], Some("127.0.0.1:1111")));
        assert!(!host_unambiguous(&[b"127.0.0.1:1111", b"evil.example"], None));
        assert!(!host_unambiguous(&[b"127.0.0.1:1111"], Some("evil.example")));
        assert!(origin_allowed(None, &allowed, 1111));
        assert!(origin_allowed(Some("http://localhost:1111"), &allowed, 1111));
        assert!(!origin_allowed(Some("http://evil.example:1111"), &allowed, 1111));
        assert!(!origin_allowed(Some("null"), &allowed, 1111));
    }

    #[test]
    fn files_outside_the_root_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("static/ok.txt"), "ok").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        std::fs::create_dir_all(dir.path().join("site-evil")).unwrap();
        std::fs::write(dir.path().join("site-evil/x.txt"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("static/link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("site-evil"), root.join("static/evil")).unwrap();
        assert_eq!(read_inside(&root, &root.join("static/ok.txt")).as_deref(), Some(&b"ok"[..]));
        assert_eq!(read_inside(&root, &root.join("static/link.txt")), None);
        assert_eq!(read_inside(&root, &root.join("static/evil/x.txt")), None);
        assert_eq!(read_inside(&root, &root.join("static")), None);
    }
}
