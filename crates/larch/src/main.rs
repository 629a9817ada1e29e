//! `larch`: the e-learning standards engine — server and command-line interface.
//!
//! A thin binary over the library crates: each subcommand lives in its own module.

mod inspect;
mod serve;

use clap::{Parser, Subcommand};

/// Larch command line.
#[derive(Debug, Parser)]
#[command(
    name = "larch",
    version,
    about = "API-first e-learning standards engine"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse a course package and print what Larch makes of it.
    Inspect(inspect::Args),
    /// Run the Larch server (API origin and content origin).
    Serve(Box<serve::Args>),
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    match Cli::parse().command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Serve(args) => serve::run(&args),
    }
}
