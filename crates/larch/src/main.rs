//! `larch`: the e-learning standards engine — server and command-line interface.
//!
//! A thin binary over the library crates: each subcommand lives in its own module.

mod bench;
mod client;
mod inspect;
mod serve;

use clap::{Parser, Subcommand};

/// mimalloc rather than the system allocator: the run-time commit path spent about a fifth of
/// its instructions in glibc's `malloc` and `free` (docs/runtime.md, "Performance").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Create and list learners through the API.
    Learners(client::LearnersArgs),
    /// List courses through the API.
    Courses(client::CoursesArgs),
    /// Register learners on courses through the API.
    Registrations(client::RegistrationsArgs),
    /// Print a single-use launch URL for a registration.
    Launch(client::LaunchArgs),
    /// Benchmark an xAPI LRS (Larch's or any other), or Larch's run-time commits, over HTTP.
    Bench(bench::Args),
}

fn main() -> std::process::ExitCode {
    // Usage errors exit 1, not clap's 2: `larch inspect` uses 2 for "package rejected".
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return std::process::ExitCode::from(u8::from(error.use_stderr()));
        }
    };
    // One plain line on failure (with its causes), never a backtrace: this is a CLI.
    run(cli.command).unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        std::process::ExitCode::from(1)
    })
}

fn run(command: Command) -> anyhow::Result<std::process::ExitCode> {
    match command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Learners(args) => client::learners(&args),
        Command::Courses(args) => client::courses(&args),
        Command::Registrations(args) => client::registrations(&args),
        Command::Launch(args) => client::launch(&args),
        Command::Bench(args) => bench::run(&args),
    }
}
