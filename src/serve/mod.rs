//! `gazette serve`: a live preview, built into memory and kept exact after every save.
//!
//! `engine` holds the site in memory and rebuilds it after a change, re-rendering only the
//! outputs whose inputs changed (`inputs` fingerprints them; `patch` brings one changed
//! article into the model without running the model again). `watch` turns file-system
//! events into batches of changed paths; `server` answers HTTP requests from the in-memory
//! site, after `request` has checked them; `live` is the reload script and error overlay
//! injected into every page. `run` wires them together.

pub mod engine;
pub mod inputs;
pub mod patch;
