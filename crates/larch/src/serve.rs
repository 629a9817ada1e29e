//! `larch serve` (being built; see the open issue).

use std::process::ExitCode;

/// Arguments of `larch serve`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `larch serve`.
pub fn run(_args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`larch serve` is not built yet")
}
