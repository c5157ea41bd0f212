//! The HTTP side: answers requests from the in-memory site and streams reload events.
//!
//! In: a bound listener and the shared `ServedSite`. Every request passes `request`'s checks
//! first (Host, method, path); generated outputs come from memory, static files from disk
//! through `request::read_inside`. HTML gets the live-reload script (`live`). Nothing here
//! unwraps request data: every failure is an answer with a 4xx status.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast;

use super::engine::{Served, ServedSite};
use super::live;
use super::request::{self, Refusal, Target};
use crate::diagnostics::Diagnostic;

/// An event for the pages that are open: its name and data (`live`).
#[derive(Debug, Clone)]
pub struct LiveEvent {
    pub name: &'static str,
    pub data: String,
}

pub struct App {
    pub served: Arc<RwLock<ServedSite>>,
    /// The site root: static files are read only from inside it.
    pub root: PathBuf,
    /// The path of the base URL, starting and ending with `/`.
    pub base_path: String,
    pub allowed_hosts: Vec<String>,
    pub port: u16,
    pub events: broadcast::Sender<LiveEvent>,
}

/// Serves `app` on `listener` until the process ends; returns only on a server error.
pub fn run(listener: std::net::TcpListener, app: Arc<App>) -> Result<(), Diagnostic> {
    let cannot_start = |e: std::io::Error| super::server_error(format!("cannot start the server: {e}"));
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_io().enable_time().build().map_err(cannot_start)?;
    runtime.block_on(async move {
        listener.set_nonblocking(true).map_err(cannot_start)?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(cannot_start)?;
        let router = Router::new().fallback(respond).with_state(app);
        axum::serve(listener, router).await.map_err(|e| super::server_error(format!("the server stopped: {e}")))
    })
}

async fn respond(State(app): State<Arc<App>>, method: Method, headers: HeaderMap, uri: Uri) -> Response {
    let header_text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let hosts: Vec<&[u8]> = headers.get_all(header::HOST).iter().map(HeaderValue::as_bytes).collect();
    if !hosts.is_empty() && !request::host_unambiguous(&hosts, uri.authority().map(|a| a.as_str())) {
        return text(
            StatusCode::BAD_REQUEST,
            "a request names one host: one Host header, and no other host in its target",
        );
    }
    if !request::host_allowed(header_text(header::HOST), &app.allowed_hosts, app.port) {
        return text(StatusCode::FORBIDDEN, "this preview server answers only to its own address (Host refused)");
    }
    if method != Method::GET && method != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    match request::target(uri.path(), &app.base_path) {
        Err(Refusal::BadPath) => text(StatusCode::BAD_REQUEST, "bad request path"),
        Err(Refusal::TooLong) => text(StatusCode::URI_TOO_LONG, "request path too long"),
        Err(Refusal::NotFound) => not_found(&app),
        Ok(Target::AddSlash(location)) => redirect(&location),
        Ok(Target::Events) => {
            if !request::origin_allowed(header_text(header::ORIGIN), &app.allowed_hosts, app.port) {
                return text(
                    StatusCode::FORBIDDEN,
                    "the reload stream is for this server's own pages (Origin refused)",
                );
            }
            events(&app).into_response()
        }
        Ok(Target::Output(path)) => output(&app, &path),
    }
}

fn output(app: &App, path: &str) -> Response {
    let (body, generation, is_folder) = {
        let served = app.served.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let body = served.files.get(path).map(|(_, body)| body.clone());
        let is_folder = body.is_none() && served.files.contains_key(&format!("{path}/index.html"));
        (body, served.generation, is_folder)
    };
    let bytes = match body {
        Some(Served::Bytes(bytes)) => bytes,
        Some(Served::File(file)) => match request::read_inside(&app.root, &file) {
            Some(bytes) => Bytes::from(bytes),
            None => return not_found(app),
        },
        None if is_folder => return redirect(&request::with_slash(&app.base_path, path)),
        None => return not_found(app),
    };
    page(StatusCode::OK, path, bytes, &app.base_path, generation, false)
}

/// The site's 404 page with status 404, or a plain one when the site has none (yet).
fn not_found(app: &App) -> Response {
    let (body, generation) = {
        let served = app.served.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        (served.files.get("404.html").map(|(_, body)| body.clone()), served.generation)
    };
    let bytes = match body {
        Some(Served::Bytes(bytes)) => bytes,
        _ => Bytes::from_static(
            b"<!doctype html><html><head><meta charset=\"utf-8\"><title>Not found</title></head>\
              <body><h1>Not found</h1><p>No page has this address (yet).</p></body></html>",
        ),
    };
    page(StatusCode::NOT_FOUND, "404.html", bytes, &app.base_path, generation, true)
}

fn page(status: StatusCode, path: &str, bytes: Bytes, base_path: &str, generation: u64, not_found: bool) -> Response {
    let content_type = request::content_type(path);
    let body = if content_type.starts_with("text/html") {
        Bytes::from(live::inject(&bytes, &live::script(base_path, generation, not_found)))
    } else {
        bytes
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

fn text(status: StatusCode, message: &'static str) -> Response {
    let mut response = Response::new(Body::from(format!("{message}\n")));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = text(StatusCode::PERMANENT_REDIRECT, "moved");
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => text(StatusCode::BAD_REQUEST, "bad request path"),
    }
}

/// The reload stream: the current state first, then every event as it happens.
fn events(app: &App) -> Sse<impl Stream<Item = Result<Event, std::convert::Infallible>> + use<>> {
    let receiver = app.events.subscribe();
    let first = {
        let served = app.served.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        live::state_data(served.generation, &served.errors)
    };
    let first = stream::once(async move { Ok(Event::default().event("state").data(first)) });
    let rest = stream::unfold(receiver, |mut receiver| async move {
        let event = match receiver.recv().await {
            Ok(event) => Event::default().event(event.name).data(event.data),
            // Events were missed: reload, rather than go on showing a stale page.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Event::default().event("reload").data(r#"{"generation":0,"all":true,"changed":[]}"#)
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(event), receiver))
    });
    Sse::new(futures_util::StreamExt::chain(first, rest)).keep_alive(KeepAlive::default())
}
