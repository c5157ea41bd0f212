//! The integration tests, in one binary (one link of the library, one support module).
//!
//! Most modules test `gazette build`, one per part of the contract (the README): each copies a
//! fixture site from `tests/fixtures/` into a temporary folder, builds it (through
//! `gazette::build::build`, or the binary where exit codes and messages matter) and checks what
//! a reader of the site would see: which pages exist, where links lead, the text on the page
//! and in the feeds. Beside them: `editor` (`check`, `new`, `init` through the binary), `serve`
//! (the preview engine against fresh builds), `serve_http` (the preview server over HTTP),
//! `search` (the index gazette writes), `quality`, `imports` (the stages' one-way chain) and
//! `fuzz` (the harness of docs/fuzzing.md). `support` holds the helpers they share.

mod bad_input;
mod deals;
#[cfg(feature = "deploy")]
mod deploy;
mod editor;
mod escaping;
mod feeds;
mod front_matter;
mod fuzz;
mod hardening;
mod images;
mod imports;
mod languages;
mod links;
mod lists;
mod markdown;
mod newsroom;
mod output;
mod pages;
mod publishing;
mod quality;
mod search;
mod serve;
mod serve_http;
mod support;
mod taxonomy;
