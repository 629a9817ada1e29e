//! AICC courses (CMI001 "CMI Guidelines for Interoperability", section 6: course structure
//! files). `.crs` describes the course, `.au` its assignable units, `.des` titles, `.cst` the
//! block structure, and the optional `.pre` and `.ort` prerequisites and objectives.
//!
//! File names, section names, keys and column names are case-insensitive; columns are found by
//! the header row. Only a missing `.au` (nothing to launch) or an AU that cannot be launched
//! rejects a course; everything else is fixed with a warning.

mod csv;
mod ini;
pub mod model;
mod relations;
mod structure;
mod table;

#[cfg(test)]
mod tests;

use crate::text;
use crate::{Diagnostic, PackageError, PackageSource, Warnings, codes};
use ini::Ini;
use table::{Layout, Table};

use structure::build;

/// The AICC files of a package, read and parsed.
#[derive(Debug)]
pub(crate) struct Files {
    /// `.crs`, when present.
    pub crs: Option<(String, Ini)>,
    /// `.au` (required).
    pub au: (String, Table),
    /// `.des`, `.cst`, `.ort`, `.pre`, when present.
    pub des: Option<(String, Table)>,
    pub cst: Option<(String, Table)>,
    pub ort: Option<(String, Table)>,
    pub pre: Option<(String, Table)>,
}

/// Parses the AICC course whose files are at the package root.
pub fn parse(
    source: &mut dyn PackageSource,
    warnings: &mut Warnings,
) -> Result<crate::Course, PackageError> {
    let files = read_files(source, warnings)?;
    build(source.files(), &files, warnings)
}

fn read_files(
    source: &mut dyn PackageSource,
    warnings: &mut Warnings,
) -> Result<Files, PackageError> {
    let Some(au) = read_table(source, "au", &table::AU, warnings)? else {
        return Err(PackageError::rejected(Diagnostic::new(
            codes::AICC_NO_AUS,
            "The AICC course has no .au file, so it has no assignable unit to launch.",
        )));
    };
    let crs = match find(source, "crs", warnings) {
        Some(path) => {
            let bytes = source.read_descriptor(&path)?;
            let ini = Ini::parse(&text::decode(&bytes, &path, warnings));
            Some((path, ini))
        }
        None => None,
    };
    let files = Files {
        crs,
        au,
        des: read_table(source, "des", &table::DES, warnings)?,
        cst: read_table(source, "cst", &table::CST, warnings)?,
        ort: read_table(source, "ort", &table::ORT, warnings)?,
        pre: read_table(source, "pre", &table::PRE, warnings)?,
    };
    for (ext, present) in [
        ("crs", files.crs.is_some()),
        ("des", files.des.is_some()),
        ("cst", files.cst.is_some()),
    ] {
        if !present {
            warnings.push(Diagnostic::new(
                codes::AICC_FILE_MISSING,
                format!(
                    "The AICC course has no .{ext} file, which CMI001 requires; defaults were used."
                ),
            ));
        }
    }
    Ok(files)
}

fn read_table(
    source: &mut dyn PackageSource,
    ext: &str,
    layout: &Layout,
    warnings: &mut Warnings,
) -> Result<Option<(String, Table)>, PackageError> {
    let Some(path) = find(source, ext, warnings) else {
        return Ok(None);
    };
    let bytes = source.read_descriptor(&path)?;
    let text = text::decode(&bytes, &path, warnings);
    let table = Table::read(&text, layout, &path, warnings);
    Ok(Some((path, table)))
}

/// The root-level file with extension `ext` (any case); the first in name order if several.
fn find(source: &dyn PackageSource, ext: &str, warnings: &mut Warnings) -> Option<String> {
    let suffix = format!(".{ext}");
    let mut matches = source
        .files()
        .paths()
        .filter(|p| !p.contains('/') && p.to_ascii_lowercase().ends_with(&suffix));
    let first = matches.next()?.to_owned();
    if let Some(other) = matches.next() {
        warnings.push(
            Diagnostic::new(
                codes::AICC_DUPLICATE_FILE,
                format!(
                    "The package has several .{ext} files; {first} was used and {other} ignored."
                ),
            )
            .in_file(other),
        );
    }
    Some(first)
}
