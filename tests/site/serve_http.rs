//! `gazette serve` over HTTP: hostile request paths, foreign Host and Origin headers, and
//! symbolic links out of the site are all refused with a 4xx status, nothing outside the
//! site is ever served, and the server keeps answering afterwards. Raw requests over TCP, so
//! that no client library normalizes the paths first.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::copy_tree;

/// A `gazette serve` process on a free port of 127.0.0.1, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
    root: PathBuf,
    secret: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The good fixture, with symbolic links in `static/` to `/etc`, to a secret file beside the
/// site and to a folder whose name starts like the site's.
fn start(base_url: Option<&str>) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let root: PathBuf = dir.path().join("site");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good"), &root);
    let secret = format!("TOP-SECRET-{}", std::process::id());
    std::fs::write(dir.path().join("secret.txt"), &secret).unwrap();
    std::fs::create_dir_all(dir.path().join("site-evil")).unwrap();
    std::fs::write(dir.path().join("site-evil/secret.txt"), &secret).unwrap();
    std::os::unix::fs::symlink("/etc", root.join("static/etc")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("static/secret.txt")).unwrap();
    std::os::unix::fs::symlink("../../site-evil", root.join("static/sneaky")).unwrap();

    let mut command = Command::new(env!("CARGO_BIN_EXE_gazette"));
    command.args(["serve", "--root"]).arg(&root).args(["--port", "0", "--clock", "2024-06-01T12:00:00+08:00"]);
    if let Some(url) = base_url {
        command.args(["--base-url", url]);
    }
    let mut child = command.stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
                let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let _ = send.send(port.parse::<u16>().unwrap());
            }
        }
    });
    let port = match receive.recv_timeout(Duration::from_secs(60)) {
        Ok(port) => port,
        Err(_) => {
            let _ = child.kill();
            panic!("gazette serve did not start");
        }
    };
    Server { child, port, _dir: dir, root, secret }
}

struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Server {
    /// Sends `request` (the request line and headers, without the final blank line) as it is.
    fn raw(&self, request: &str) -> Answer {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream.write_all(format!("{request}\r\n\r\n").as_bytes()).unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(response.len());
        let head = String::from_utf8_lossy(&response[..split]).into_owned();
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        Answer { status, head, body: response[split.min(response.len())..].to_vec() }
    }

    fn get(&self, target: &str) -> Answer {
        self.raw(&format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close", self.port))
    }

    /// Nothing from outside the site: no line of /etc/passwd, no secret.
    fn assert_nothing_outside(&self, what: &str, answer: &Answer) {
        let body = String::from_utf8_lossy(&answer.body);
        assert!(!body.contains("root:x:0:0") && !body.contains(&self.secret), "{what} served a file from outside");
    }
}

fn hostile_targets(port: u16) -> Vec<String> {
    let mut targets: Vec<String> = [
        "/../../etc/passwd",
        "/../../../../../../../../etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/.%2e/etc/passwd",
        "/%2e./%2e./etc/passwd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
        "/..%255c..%255cetc%255cpasswd",
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd",
        "/%e0%80%ae%e0%80%ae/etc/passwd",
        "/%c0%2e%c0%2e/etc/passwd",
        "/%ef%bc%8e%ef%bc%8e/etc/passwd",
        "/static/..%5c..%5cetc%5cpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
        "/..\\..\\etc\\passwd",
        "/etc/passwd",
        "/etc%2fpasswd",
        "/etc/shadow",
        "/etc/hostname",
        "/etc/",
        "/etc",
        "/secret.txt",
        "/sneaky/secret.txt",
        "/sneaky/",
        "/%00",
        "/index.html%00",
        "/index.html%00.png",
        "/a%00/../../etc/passwd",
        "/..%00/etc/passwd",
        "/./index.html",
        "/%2e/index.html",
        "/articles/./dalian-port/",
        "//etc/passwd",
        "///etc/passwd",
        "/articles//dalian-port/",
        "/articles/../../../../etc/passwd",
        "/articles/%2e%2e/%2e%2e/etc/passwd",
        "/tags/..%2f..%2f..%2fetc/passwd",
        "/images/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/../../etc/passwd",
        "/index.html/../../etc/passwd",
        "/__gazette/../site.toml",
        "/..;/etc/passwd",
        "/%u002e%u002e/etc/passwd",
        "/%ff%fe/etc/passwd",
        "/%",
        "/%2",
        "/%zz",
        "/proc/self/environ",
        "/proc/self/cwd/site.toml",
        "/site.toml",
        "/content/articles/2019/05/dalian-port.md",
        "/templates/404.html",
        "/public/index.html",
        "/.git/config",
        "*",
        "etc/passwd",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    targets.push(format!("/{}", "a".repeat(5000)));
    targets.push(format!("/{}etc/passwd", "../".repeat(300)));
    targets.push(format!("/{}etc/passwd", "%2e%2e/".repeat(300)));
    targets.push(format!("/{}", "x/".repeat(2000)));
    targets.push(format!("http://127.0.0.1:{port}/../../etc/passwd"));
    targets.push("file:///etc/passwd".into());
    targets
}

#[test]
fn hostile_paths_are_refused_and_the_server_lives_on() {
    let server = start(None);
    let home = server.get("/");
    assert_eq!(home.status, 200, "{}", home.head);
    let targets = hostile_targets(server.port);
    assert!(targets.len() >= 50);
    let mut failures = Vec::new();
    for target in &targets {
        let answer = server.get(target);
        server.assert_nothing_outside(target, &answer);
        if !(400..500).contains(&answer.status) {
            failures.push(format!("{target:.80} → {}", answer.head.lines().next().unwrap_or("(no answer)")));
        }
    }
    for method in ["POST / HTTP/1.1", "PUT /x HTTP/1.1", "DELETE / HTTP/1.1", "TRACE / HTTP/1.1"] {
        let answer = server.raw(&format!("{method}\r\nHost: 127.0.0.1:{}\r\nConnection: close", server.port));
        if !(400..500).contains(&answer.status) {
            failures.push(format!("{method} → {}", answer.status));
        }
    }
    assert!(failures.is_empty(), "not refused with a 4xx:\n{}", failures.join("\n"));
    assert!(std::fs::read_to_string("/etc/passwd").is_ok_and(|t| t.contains("root:")), "the test needs /etc/passwd");

    // A served static file swapped for a link out of the site: refused at request time,
    // whether or not the rebuild that drops it has happened yet.
    let pixel = server.root.join("static/images/pixel.png");
    std::fs::remove_file(&pixel).unwrap();
    std::os::unix::fs::symlink(server.root.parent().unwrap().join("secret.txt"), &pixel).unwrap();
    for _ in 0..20 {
        let answer = server.get("/images/pixel.png");
        server.assert_nothing_outside("a swapped static file", &answer);
        assert!((400..500).contains(&answer.status), "a swapped static file → {}", answer.status);
        std::thread::sleep(Duration::from_millis(10));
    }

    let alive = server.get("/articles/dalian-port/");
    assert_eq!(alive.status, 200, "the server must still answer: {}", alive.head);
    assert!(String::from_utf8_lossy(&alive.body).contains("Dalian port expands"));
    assert_eq!(server.get("/style.css").status, 200, "a static file inside the site is served");
}

#[test]
fn foreign_hosts_and_origins_are_refused() {
    let server = start(None);
    let port = server.port;
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "127.0.0.1".into(),
        "localhost".into(),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        String::new(),
    ] {
        let answer = server.raw(&format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close"));
        assert!((400..500).contains(&answer.status), "Host {host:?} → {}", answer.status);
    }
    let no_host = server.raw("GET / HTTP/1.0");
    assert!((400..500).contains(&no_host.status), "no Host → {}", no_host.status);
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("LocalHost:{port}")] {
        let answer = server.raw(&format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close"));
        assert_eq!(answer.status, 200, "Host {host:?}");
    }

    let events = |origin: &str| {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let request =
            format!("GET /__gazette/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{origin}Connection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut head = String::new();
        let mut reader = BufReader::new(stream);
        while reader.read_line(&mut head).is_ok_and(|n| n > 2) {}
        head
    };
    assert!(events("Origin: http://evil.example\r\n").starts_with("HTTP/1.1 403"));
    assert!(events(&format!("Origin: http://evil.example:{port}\r\n")).starts_with("HTTP/1.1 403"));
    assert!(events("Origin: null\r\n").starts_with("HTTP/1.1 403"));
    let own = events(&format!("Origin: http://localhost:{port}\r\n"));
    assert!(own.starts_with("HTTP/1.1 200") && own.contains("text/event-stream"), "{own}");
}

#[test]
fn duplicate_host_headers_and_absolute_targets_naming_another_host_get_400() {
    let server = start(None);
    let port = server.port;
    let twice =
        server.raw(&format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\nConnection: close"));
    assert_eq!(twice.status, 400, "two Host headers: {}", twice.head);
    let same_twice =
        server.raw(&format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: 127.0.0.1:{port}\r\nConnection: close"));
    assert_eq!(same_twice.status, 400, "two Host headers, even equal ones: {}", same_twice.head);
    let elsewhere =
        server.raw(&format!("GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close"));
    assert_eq!(elsewhere.status, 400, "absolute-form naming another host: {}", elsewhere.head);
    let own =
        server.raw(&format!("GET http://127.0.0.1:{port}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close"));
    assert_eq!(own.status, 200, "absolute-form naming this server: {}", own.head);
}

#[test]
fn a_sub_path_site_is_served_under_its_path_only() {
    let server = start(Some("https://invest.example.com/sub/"));
    let home = server.get("/sub/");
    assert_eq!(home.status, 200);
    let html = String::from_utf8_lossy(&home.body);
    let own = format!("http://127.0.0.1:{}/sub/", server.port);
    assert!(html.contains(&format!("href=\"{own}articles/")), "links point at the preview under /sub/");
    assert!(html.contains("\"/sub/\"") && html.contains("__gazette/events"), "the reload script uses the base path");
    assert_eq!(server.get("/").status, 404);
    assert_eq!(server.get("/sub").status, 308);
    assert_eq!(server.get("/sub/theme.css").status, 200);
    assert_eq!(server.get("/sub/articles/dalian-port").status, 308);
    for target in ["/sub/../etc/passwd", "/sub/%2e%2e/%2e%2e/etc/passwd", "/sub/etc/passwd", "/sub/secret.txt"] {
        let answer = server.get(target);
        server.assert_nothing_outside(target, &answer);
        assert!((400..500).contains(&answer.status), "{target} → {}", answer.status);
    }
}
