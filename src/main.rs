//! The `gazette` command line: parses arguments and hands each command to `cmd`.

use clap::{Parser, Subcommand};

use gazette::cmd;

/// mimalloc: the build allocates many small vectors (the search index above all); measured in
/// BENCHMARKS.md (issue 16).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "gazette", version, about = "A fast static-site generator for regional-investment news portals")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/)
    Build(cmd::build::BuildArgs),
    /// Build into memory, serve on 127.0.0.1, rebuild and reload pages on every save
    Serve(cmd::serve::ServeArgs),
    /// Report every error and warning of the site; writes nothing
    Check(cmd::check::CheckArgs),
    /// Start a new article with its front matter filled in
    New(cmd::new::NewArgs),
    /// Create a new site in a folder
    Init(cmd::init::InitArgs),
    /// Build, then publish the output to S3-compatible object storage ([deploy] in site.toml)
    #[cfg(feature = "deploy")]
    Deploy(cmd::deploy::DeployArgs),
}

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Init(args) => cmd::init::run(args),
        #[cfg(feature = "deploy")]
        Command::Deploy(args) => cmd::deploy::run(args),
    };
    std::process::exit(code);
}
