//! `larch inspect <path> [--json]`: parse a course package and print what Larch makes of it.
//!
//! Exit status: 0 importable (with or without warnings), 2 rejected, 1 usage or I/O problem.
//! The `--json` document is specified in `docs/inspect-json.md`.

mod json;
mod text;

use std::path::PathBuf;
use std::process::ExitCode;

use larch_package::{Limits, NullSink, PackageError};

/// Arguments of `larch inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The package: a zip, an unpacked folder, a bare cmi5.xml, or a PDF/video/audio file.
    pub path: PathBuf,
    /// Print the stable JSON document (docs/inspect-json.md) instead of a summary.
    #[arg(long)]
    pub json: bool,
}

/// Runs `larch inspect`.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if !args.path.exists() {
        anyhow::bail!("{}: no such file or folder", args.path.display());
    }
    let outcome = larch_package::ingest_path(&args.path, &mut NullSink, &Limits::default());
    let rejected = match &outcome {
        Ok(_) => false,
        Err(PackageError::Rejected { .. }) => true,
        Err(PackageError::Io(e)) => anyhow::bail!("{}: {e}", args.path.display()),
    };
    let output = if args.json {
        serde_json::to_string_pretty(&json::document(&outcome))? + "\n"
    } else {
        text::summary(&outcome)
    };
    print!("{output}");
    Ok(if rejected {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
