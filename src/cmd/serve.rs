//! `gazette serve`: builds the site into memory, serves it, and rebuilds on every save.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::config::BuildOptions;
use crate::serve::{self, ServeOptions};

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The site folder (with site.toml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The address to listen on; keep 127.0.0.1 unless other machines must see the preview
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// The port to listen on (0: any free port)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Include articles marked draft = true
    #[arg(long)]
    pub drafts: bool,
    /// Include articles dated after now
    #[arg(long)]
    pub future: bool,
    /// Open the site in the browser once it is built
    #[arg(long)]
    pub open: bool,
    /// Preview under this URL's path, e.g. https://example.org/sub/ serves the site at /sub/
    #[arg(long)]
    pub base_url: Option<String>,
    /// Build as if now were this instant, e.g. 2018-01-01T09:00:00+08:00
    #[arg(long, value_parser = super::parse_clock)]
    pub clock: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Print the time each rebuild and its stages took
    #[arg(long)]
    pub timings: bool,
    /// Leave the search page and index out of the preview
    #[arg(long)]
    pub no_search: bool,
    /// How long to wait for a save to settle before rebuilding, in milliseconds
    #[arg(long, default_value_t = 50)]
    pub debounce: u64,
}

/// Runs the server until it is stopped; returns the process exit code.
pub fn run(args: ServeArgs) -> i32 {
    let options = ServeOptions {
        build: BuildOptions {
            root: args.root,
            drafts: args.drafts,
            future: args.future,
            clock: args.clock,
            no_search: args.no_search,
            ..BuildOptions::default()
        },
        bind: args.bind,
        port: args.port,
        base_url: args.base_url,
        open: args.open,
        timings: args.timings,
        debounce: Duration::from_millis(args.debounce),
        color: super::stderr_color(),
    };
    match serve::run(options) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("{}", error.render(super::stderr_color()));
            1
        }
    }
}
