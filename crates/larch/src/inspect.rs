//! `larch inspect` (being built; see the open issue).

use std::process::ExitCode;

/// Arguments of `larch inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `larch inspect`.
pub fn run(_args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`larch inspect` is not built yet")
}
