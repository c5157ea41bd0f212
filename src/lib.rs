//! gazette: a static-site generator for news portals about regional investment.
//!
//! The build is a pipeline, and the modules are its stages:
//! `config` → `load` → `model` → `plan` → `render` → `write`, then `search` (the index of the
//! rendered articles, with the cargo feature `search`), run in order by `build`.
//! `check` runs the same stages without writing, plus `lint` (editorial warnings) after the
//! model. `cmd` holds the command-line commands; `diagnostics` the errors and warnings they print.

// Errors are rich `Diagnostic` values on the cold path; boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod check;
pub mod cmd;
pub mod config;
#[cfg(feature = "deploy")]
pub mod deploy;
pub mod diagnostics;
pub mod fingerprint;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod media_type;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod progress;
pub mod render;
pub mod search;
pub mod serve;
pub mod slug;
pub mod theme;
pub mod toml_input;
pub mod urls;
pub mod write;
