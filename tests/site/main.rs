//! Integration tests of `gazette build`, one module per part of the contract (the README).
//!
//! Each test copies a fixture site from `tests/fixtures/` into a temporary folder, builds it
//! (through `gazette::build::build`, or the binary where exit codes and messages matter) and
//! checks what a reader of the site would see: which pages exist, where links lead, the text
//! on the page and in the feeds. `support` holds the helpers they share.

mod bad_input;
mod deals;
#[cfg(feature = "deploy")]
mod deploy;
mod escaping;
mod feeds;
mod front_matter;
mod hardening;
mod images;
mod languages;
mod links;
mod lists;
mod markdown;
mod newsroom;
mod output;
mod pages;
mod publishing;
mod support;
mod taxonomy;
