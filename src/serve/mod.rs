//! `gazette serve`: a live preview, built into memory and kept exact after every save.
//!
//! `engine` holds the site in memory and rebuilds it after a change, re-rendering only the
//! outputs whose fingerprint (`render::reads`) changed, and then the search index, once no
//! other change is waiting. `watch` turns file-system events into batches of changed paths;
//! `server` answers HTTP requests from the in-memory site, after `request` has checked them;
//! `live` is the reload script and error overlay injected into every page. `run` wires them
//! together.

pub mod engine;
pub mod live;
pub mod request;
pub mod server;
pub mod watch;

use std::net::{IpAddr, TcpListener};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::config::{BuildOptions, normalize_base_url};
use crate::diagnostics::{self, Diagnostic};
use engine::{Engine, Rebuild, RebuildKind};
use server::{App, LiveEvent};

/// How `gazette serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `root`, `drafts`, `future` and `clock` are used; the base URL is the server's own.
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Only its path is used: the site is previewed under that path on this server.
    pub base_url: Option<String>,
    pub open: bool,
    pub timings: bool,
    pub debounce: Duration,
    pub color: bool,
}

enum Message {
    Changes(watch::Batch),
    ServerStopped(Diagnostic),
}

/// The preview server could not start or stopped (E073).
fn server_error(message: String) -> Diagnostic {
    Diagnostic::error("E073", message)
        .hint("pick another port with --port (0 picks a free one) or another address with --bind, and start again")
}

/// The listening socket, its port and the preview's URL.
fn listen(options: &ServeOptions, base_path: &str) -> Result<(TcpListener, u16, String), Diagnostic> {
    let listener = TcpListener::bind((options.bind, options.port))
        .map_err(|e| server_error(format!("cannot listen on {}:{}: {e}", options.bind, options.port)))?;
    let port = listener.local_addr().map_err(|e| server_error(format!("cannot listen: {e}")))?.port();
    let host = match options.bind {
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    };
    Ok((listener, port, format!("http://{host}:{port}{base_path}")))
}

/// Builds, serves and rebuilds until the server stops (it returns only on an error).
pub fn run(options: ServeOptions) -> Result<(), Diagnostic> {
    let base_path = match &options.base_url {
        Some(url) => normalize_base_url(url).map(|(_, path)| path).map_err(|e| {
            Diagnostic::error("E015", format!("--base-url: {e}"))
                .hint("pass an absolute URL such as http://localhost/sub/")
        })?,
        None => "/".to_string(),
    };
    let (listener, port, site_url) = listen(&options, &base_path)?;
    let mut engine =
        Engine::new(BuildOptions { base_url: Some(site_url.clone()), output: None, ..options.build.clone() });

    let first = engine.rebuild_all_pages();
    report(&first, None, &options);
    let (events, _) = tokio::sync::broadcast::channel(64);
    let app = Arc::new(App {
        served: engine.served(),
        root: std::fs::canonicalize(&options.build.root).unwrap_or_else(|_| options.build.root.clone()),
        base_path,
        allowed_hosts: request::allowed_hosts(&options.bind),
        port,
        events: events.clone(),
    });
    let (send, receive) = mpsc::channel();
    let server_send = send.clone();
    std::thread::spawn(move || {
        let error = server::run(listener, app).err().unwrap_or_else(|| server_error("the server stopped".into()));
        let _ = server_send.send(Message::ServerStopped(error));
    });
    let root = std::fs::canonicalize(&options.build.root).map_err(|e| {
        Diagnostic::error("E001", format!("cannot read the site folder: {e}"))
            .in_file(&options.build.root)
            .hint("pass the site's folder with --root DIR")
    })?;
    let mut watcher = watch::start(&root, options.debounce, move |batch| {
        let _ = send.send(Message::Changes(batch));
    })?;
    eprintln!("serving {site_url} (watching {}; Ctrl-C to stop)", options.build.root.display());
    if options.open {
        open_browser(&site_url);
    }
    rebuild_on_changes(&mut engine, &receive, &mut watcher, &events, &options)
}

/// Rebuilds after each batch of changes until the server or the watcher stops. The search
/// index is made again only when no change is waiting: saves in a row render their pages at
/// once, and the index catches up after the last of them.
fn rebuild_on_changes(
    engine: &mut Engine,
    receive: &mpsc::Receiver<Message>,
    watcher: &mut watch::Watcher,
    events: &tokio::sync::broadcast::Sender<LiveEvent>,
    options: &ServeOptions,
) -> Result<(), Diagnostic> {
    let mut first_event = None;
    loop {
        let message = match receive.try_recv() {
            Ok(message) => message,
            Err(mpsc::TryRecvError::Empty) => {
                index_after(engine, first_event.take(), events, options);
                match receive.recv() {
                    Ok(message) => message,
                    Err(_) => break,
                }
            }
            Err(mpsc::TryRecvError::Disconnected) => break,
        };
        match message {
            Message::Changes(batch) => {
                rebuild_after(engine, &batch, events, options);
                first_event.get_or_insert(batch.first_event);
            }
            Message::ServerStopped(error) => return Err(error),
        }
        watcher.watch_new_folders();
    }
    Err(Diagnostic::error("E074", "file watching stopped").hint("start gazette serve again"))
}

/// Brings the served site up to date after a batch of changes and tells the open pages.
fn rebuild_after(
    engine: &mut Engine,
    batch: &watch::Batch,
    events: &tokio::sync::broadcast::Sender<LiveEvent>,
    options: &ServeOptions,
) {
    let started = Instant::now();
    // A bug must not take the preview down: the last good site stays served, and the next
    // change rebuilds everything.
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match batch.rescan {
        true => engine.rebuild_all_pages(),
        false => engine.apply_pages(&batch.paths),
    }));
    let Ok(rebuild) = attempt else {
        engine.forget();
        eprintln!("error: the rebuild failed inside gazette (a bug); still serving the last good build");
        return;
    };
    if rebuild.kind == RebuildKind::Nothing {
        return;
    }
    let event = match rebuild.succeeded() {
        true => {
            let generation = engine.served().read().map(|s| s.generation).unwrap_or(0);
            LiveEvent { name: "reload", data: live::reload_data(generation, &rebuild.changed) }
        }
        false => {
            let errors: Vec<Diagnostic> = rebuild.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
            LiveEvent { name: "errors", data: live::errors_data(&errors) }
        }
    };
    let _ = events.send(event);
    report(&rebuild, Some((batch.first_event, started)), options);
}

/// Brings the search index up to date after the pages, when they changed, and tells the open
/// pages (only those that search reload for it). `first_event` is the first file event the
/// pages were rebuilt for since the index was last made.
fn index_after(
    engine: &mut Engine,
    first_event: Option<Instant>,
    events: &tokio::sync::broadcast::Sender<LiveEvent>,
    options: &ServeOptions,
) {
    let started = Instant::now();
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.index()));
    let Ok(indexed) = attempt else {
        engine.forget();
        eprintln!("error: the search index failed inside gazette (a bug); still serving the last one");
        return;
    };
    let Some(rebuild) = indexed else { return };
    if !rebuild.changed.is_empty() {
        let generation = engine.served().read().map(|s| s.generation).unwrap_or(0);
        let _ = events.send(LiveEvent { name: "reload", data: live::reload_data(generation, &rebuild.changed) });
    }
    report(&rebuild, Some((first_event.unwrap_or(started), started)), options);
}

/// Prints a rebuild's diagnostics and one line about it; with `--timings`, its stages.
fn report(rebuild: &Rebuild, times: Option<(Instant, Instant)>, options: &ServeOptions) {
    let mut diagnostics = rebuild.diagnostics.clone();
    diagnostics::sort(&mut diagnostics);
    for diagnostic in &diagnostics {
        eprintln!("{}", diagnostic.render(options.color));
    }
    let total = rebuild.total().as_secs_f64() * 1000.0;
    let kind = match rebuild.kind {
        RebuildKind::Full => "full",
        RebuildKind::OneArticle => "one article",
        RebuildKind::Nothing => "nothing",
        RebuildKind::Index => "search index",
    };
    if !rebuild.succeeded() {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        eprintln!(
            "rebuild failed with {errors} error{}: still serving the last good build",
            if errors == 1 { "" } else { "s" }
        );
    } else {
        eprintln!("rebuilt ({kind}) in {total:.0} ms: {} changed", count(rebuild.changed.len(), "file"));
    }
    if options.timings {
        let stages: Vec<String> =
            rebuild.timings.iter().map(|(stage, t)| format!("{stage} {:.1}", t.as_secs_f64() * 1000.0)).collect();
        let (since_event, since_batch) = times.map_or((total, total), |(event, batch)| {
            (event.elapsed().as_secs_f64() * 1000.0, batch.elapsed().as_secs_f64() * 1000.0)
        });
        eprintln!(
            "timings: kind={} rebuild_ms={since_batch:.1} since_event_ms={since_event:.1} rendered={} outputs={} [{}]",
            kind.replace(' ', "-"),
            rebuild.rendered,
            rebuild.outputs,
            stages.join(", ")
        );
    }
}

fn count(n: usize, noun: &str) -> String {
    format!("{} {noun}{}", diagnostics::thousands(n), if n == 1 { "" } else { "s" })
}

/// Opens `url` in the desktop's browser; a failure is only a message.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    if let Err(error) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("could not open a browser ({opener}: {error}); open {url} yourself");
    }
}
