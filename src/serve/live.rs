//! Live reload and the error overlay: the script injected into every served page, and the
//! events the server sends it.
//!
//! The script opens an event stream at `BASE__gazette/events` (under the site's base path,
//! so a `/sub/` site works as it will be deployed). The server sends `state` when it
//! connects (the current generation and errors), `reload` after a rebuild that changed
//! something (the changed output paths), and `errors` after a rebuild that failed. A page
//! reloads itself when its own output changed or a file it loaded did (a stylesheet, an
//! image, a script: the browser's resource timing lists them), and a page that loaded
//! anything from the search index's folder (the search page, whose index files Pagefind
//! fetches in a worker, out of the page's sight) when any file there changed; not for the
//! feeds, the sitemap or an index it never read, which change with most saves. On errors it
//! shows an overlay above the last good page, and the next good rebuild removes it. The
//! overlay's HTML is made here, every value escaped.

use crate::diagnostics::{Diagnostic, display_path};

/// The events endpoint, below the base path.
pub const EVENTS_PATH: &str = "__gazette/events";

/// Above this many changed paths a reload event says "everything" instead of listing them.
const MAX_LISTED: usize = 500;

/// `text` escaped for HTML text and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// A JSON string that is also safe inside a `<script>` element.
fn script_string(text: &str) -> String {
    serde_json::Value::from(text).to_string().replace("</", "<\\/").replace("<!--", "<\\!--")
}

/// The script tag for a page served at generation `generation` under `base_path`;
/// `not_found` for the 404 page served in place of a missing one.
pub fn script(base_path: &str, generation: u64, not_found: bool) -> String {
    let script = SCRIPT
        .replace("__BASE__", &script_string(base_path))
        .replace("__GENERATION__", &generation.to_string())
        .replace("__INDEX__", &script_string(crate::plan::BUNDLE_DIR))
        .replace("__NOT_FOUND__", if not_found { "true" } else { "false" });
    format!("<script>/* gazette serve: live reload */\n{script}</script>\n")
}

/// Puts the script before the last `</body>`, or at the end of a page without one.
pub fn inject(html: &[u8], script: &str) -> Vec<u8> {
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The data of a `reload` event.
pub fn reload_data(generation: u64, changed: &[String]) -> String {
    let listed: Vec<&str> =
        if changed.len() > MAX_LISTED { Vec::new() } else { changed.iter().map(String::as_str).collect() };
    serde_json::json!({ "generation": generation, "all": changed.len() > MAX_LISTED, "changed": listed }).to_string()
}

/// The data of a `state` event: the generation, and the overlay when the last rebuild failed.
pub fn state_data(generation: u64, errors: &[Diagnostic]) -> String {
    let overlay = (!errors.is_empty()).then(|| overlay(errors));
    serde_json::json!({ "generation": generation, "overlay": overlay }).to_string()
}

/// The data of an `errors` event.
pub fn errors_data(errors: &[Diagnostic]) -> String {
    serde_json::json!({ "overlay": overlay(errors) }).to_string()
}

/// The overlay: each error's file, line, field, message, source line and hint, escaped.
pub fn overlay(errors: &[Diagnostic]) -> String {
    let mut html = String::from(OVERLAY_STYLE);
    let count = errors.len();
    html.push_str(&format!(
        "<div class=\"panel\" role=\"alert\"><p class=\"title\">gazette: the last save has {count} error{} — \
         the page below is the last good build</p>",
        if count == 1 { "" } else { "s" }
    ));
    for error in errors {
        let location = match (&error.file, error.line) {
            (Some(file), 0) => display_path(file),
            (Some(file), line) => format!("{}:{line}:{}", display_path(file), error.column.max(1)),
            (None, _) => String::from("(no file)"),
        };
        html.push_str("<section class=\"error\">");
        html.push_str(&format!(
            "<p class=\"where\"><span class=\"code\">{}</span> <span class=\"file\">{}</span>",
            escape_html(error.code),
            escape_html(&location)
        ));
        if let Some(field) = &error.field {
            html.push_str(&format!(" field <code class=\"field\">{}</code>", escape_html(field)));
        }
        html.push_str("</p>");
        html.push_str(&format!("<pre class=\"message\">{}</pre>", escape_html(&error.message)));
        if let Some(line) = &error.source_line {
            html.push_str(&format!("<pre class=\"source\">{} | {}</pre>", error.line, escape_html(line)));
        }
        for note in &error.notes {
            html.push_str(&format!("<p class=\"note\">note: {}</p>", escape_html(note)));
        }
        if let Some(hint) = &error.hint {
            html.push_str(&format!("<p class=\"hint\">help: {}</p>", escape_html(hint)));
        }
        html.push_str("</section>");
    }
    html.push_str("<p class=\"foot\">Fix the file and save: this message goes away by itself.</p></div>");
    html
}

const OVERLAY_STYLE: &str = "<style>\
:host{all:initial}\
.panel{position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;margin:0;\
padding:1rem 1.25rem;background:#1d1f21;color:#f0f0f0;font:14px/1.45 system-ui,sans-serif;\
border-top:4px solid #e5484d;box-shadow:0 -4px 24px rgba(0,0,0,.4)}\
.title{font-weight:600;margin:0 0 .75rem}.error{margin:0 0 1rem}\
.where{margin:0 0 .25rem}.code{color:#ff8a8a;font-weight:600}.file{font-family:ui-monospace,monospace}\
pre{white-space:pre-wrap;margin:.25rem 0;font:13px/1.4 ui-monospace,monospace}\
.source{color:#ffd479}.hint{color:#8ee08e;margin:.25rem 0}.note{color:#aaa;margin:.25rem 0}\
.foot{color:#aaa;margin:0}</style>";

/// The injected script. `__BASE__`, `__GENERATION__` and `__NOT_FOUND__` are filled in per
/// page, `__INDEX__` with the search index's folder.
const SCRIPT: &str = r#"(() => {
  const base = __BASE__;
  let generation = __GENERATION__;
  const notFound = __NOT_FOUND__;
  const index = __INDEX__;
  // Enough room to list every file a long page loads (the default is 250).
  if (performance.setResourceTimingBufferSize) performance.setResourceTimingBufferSize(5000);
  const loaded = () => {
    const paths = new Set();
    for (const entry of performance.getEntriesByType("resource")) {
      const url = new URL(entry.name, location.href);
      if (url.origin !== location.origin) continue;
      let p = url.pathname;
      try { p = decodeURIComponent(p); } catch (e) {}
      if (p.startsWith(base)) paths.add(p.slice(base.length));
    }
    return paths;
  };
  let path = location.pathname;
  try { path = decodeURIComponent(path); } catch (e) {}
  let page = path.startsWith(base) ? path.slice(base.length) : path;
  if (page === "" || page.endsWith("/")) page += "index.html";
  let host = null;
  const show = (html) => {
    if (!host) {
      host = document.createElement("gazette-overlay");
      host.attachShadow({ mode: "open" });
      document.documentElement.appendChild(host);
    }
    host.shadowRoot.innerHTML = html;
  };
  const hide = () => { if (host) { host.remove(); host = null; } };
  const events = new EventSource(base + "__gazette/events");
  events.addEventListener("state", (e) => {
    const state = JSON.parse(e.data);
    if (state.generation !== generation) { location.reload(); return; }
    if (state.overlay) show(state.overlay); else hide();
  });
  events.addEventListener("errors", (e) => show(JSON.parse(e.data).overlay));
  events.addEventListener("reload", (e) => {
    const change = JSON.parse(e.data);
    const files = loaded();
    const searches = Array.from(files).some((p) => p.startsWith(index));
    const read = (p) => files.has(p) || (searches && p.startsWith(index));
    const mine = change.all || change.changed.some((p) => p === page || read(p))
      || (notFound && change.changed.includes("404.html"));
    generation = change.generation;
    if (mine) location.reload(); else hide();
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_escapes_everything_it_shows() {
        let error = Diagnostic::error("E012", "unknown key `<script>alert(1)</script>`")
            .in_file("content/articles/<b>.md")
            .field("ti\"tle")
            .hint("write `title = \"...\"` & save");
        let html = overlay(&[error]);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("content/articles/&lt;b&gt;.md"));
        assert!(html.contains("ti&quot;tle"));
        assert!(html.contains("&amp; save"));
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let page = inject(b"<html><body><p>x</p></BODY></html>", "<script></script>");
        assert_eq!(page, b"<html><body><p>x</p><script></script></BODY></html>");
        assert_eq!(inject(b"plain", "S"), b"plainS");
    }

    #[test]
    fn base_path_cannot_close_the_script() {
        let tag = script("/a</script><b>/", 3, false);
        assert_eq!(tag.matches("</script>").count(), 1, "{tag}");
    }
}
