//! Test support for the ADL SCORM 2004 4th Edition conformance test suite (CTS): reads the
//! per-test-case scripts (`TestCases/<id>.properties` in `_ADL_CTS_TestCases_properties.zip`)
//! and the test packages' manifests, in place, from the shared fixtures.
//!
//! A script lists, in the order the LMS must deliver them, one block per activity visit
//! (`Act{N}V{visit}`): the UI inspection questions asked at launch (`UIQ`) with the expected
//! answers (`UIA`), the API calls the content makes (`commands.k`, decoded with
//! `resources/Commands.properties`), and what the learner does next (`CUI`).
//! The grammar follows the Test Suite's `LMSParser` and `LMSTestCaseGenerator`.
#![deny(missing_docs)]

mod commands;
mod judge;
mod lms;
mod properties;
mod script;

use std::io::Read;
use std::path::{Path, PathBuf};

pub use commands::{Call, Command, CommandTable};
pub use judge::{ScormApi, Verdict, judge, resolve};
pub use lms::{KNOWN_CALLS, LmsCall, VisitCalls, lms_visits, parse_lms_call, read_lms_scripts};
pub use properties::{parse_properties, parse_properties_java};
pub use script::{TestCase, UiQuestion, Visit};

/// Reading a fixture failed.
#[derive(Debug, thiserror::Error)]
pub enum CtsError {
    /// The zip could not be opened or read.
    #[error("{path}: {source}")]
    Zip {
        /// The archive.
        path: PathBuf,
        /// The cause.
        source: zip::result::ZipError,
    },
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A script line does not follow the grammar.
    #[error("{0}")]
    Grammar(String),
}

/// The folder of the CTS fixtures, relative to a crate of this workspace.
pub fn fixtures_dir(manifest_dir: &str) -> PathBuf {
    Path::new(manifest_dir).join("../../../shared/fixtures/scorm2004-4th/adl-cts")
}

/// All entries of a zip archive as (name, bytes), in archive order.
pub fn read_zip(path: &Path) -> Result<Vec<(String, Vec<u8>)>, CtsError> {
    let zip_err = |source| CtsError::Zip {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(|source| CtsError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(file).map_err(zip_err)?;
    let mut out = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(zip_err)?;
        if entry.is_dir() {
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut bytes)
            .map_err(|source| CtsError::Io {
                path: path.to_owned(),
                source,
            })?;
        out.push((entry.name().to_owned(), bytes));
    }
    Ok(out)
}

/// The scripts of `_ADL_CTS_TestCases_properties.zip`: its command table
/// (`resources/Commands.properties`, read with `parse`) and every `TestCases/<id>.properties`
/// as `(id, text)`, in archive order.
pub(crate) fn read_scripts(
    dir: &Path,
    parse: fn(&str) -> Vec<(String, String)>,
) -> Result<(CommandTable, Vec<(String, String)>), CtsError> {
    let entries = read_zip(&dir.join("_ADL_CTS_TestCases_properties.zip"))?;
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let table = entries
        .iter()
        .find(|(name, _)| name.ends_with("resources/Commands.properties"))
        .map(|(_, bytes)| CommandTable::new(parse(&text(bytes))))
        .ok_or_else(|| CtsError::Grammar("no resources/Commands.properties".into()))?;
    let scripts = entries
        .iter()
        .filter_map(|(name, bytes)| {
            let id = name
                .strip_prefix("TestCases/")
                .and_then(|n| n.strip_suffix(".properties"))?;
            Some((id.to_owned(), text(bytes)))
        })
        .collect();
    Ok((table, scripts))
}

/// Every test case script of `_ADL_CTS_TestCases_properties.zip`, sorted by id.
pub fn read_test_cases(dir: &Path) -> Result<Vec<TestCase>, CtsError> {
    let (table, scripts) = read_scripts(dir, parse_properties)?;
    let mut cases = scripts
        .iter()
        .map(|(id, text)| TestCase::parse(id, text, &table))
        .collect::<Result<Vec<_>, _>>()?;
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(cases)
}

/// The `imsmanifest.xml` of `LMSTestPackage_<id>.zip`, if that package exists.
pub fn read_manifest(dir: &Path, package: &str) -> Result<Option<String>, CtsError> {
    let path = dir.join(format!("LMSTestPackage_{package}.zip"));
    if !path.exists() {
        return Ok(None);
    }
    let entries = read_zip(&path)?;
    Ok(entries
        .into_iter()
        .find(|(name, _)| name == "imsmanifest.xml")
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned()))
}
