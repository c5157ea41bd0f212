//! A progress bar for long builds, on stderr, only when asked (a terminal is watching).
//!
//! Short builds finish before a bar would be readable, so the bar appears only for builds with
//! more than `MIN_OUTPUTS` files to write.

use indicatif::{ProgressBar, ProgressStyle};

const MIN_OUTPUTS: usize = 2_000;

/// Counts written files; does nothing when disabled.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    pub fn new(enabled: bool, outputs: usize) -> Self {
        if !enabled || outputs < MIN_OUTPUTS {
            return Progress(None);
        }
        let bar = ProgressBar::new(outputs as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}") {
            bar.set_style(style);
        }
        Progress(Some(bar))
    }

    /// One more file written; safe to call from any thread.
    pub fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}
