//! The top-level entry points: open an input, detect the standard, parse, stream the files.
//!
//! Parsing comes before streaming: a package that will be rejected costs no blob writes. The
//! sink still sees the limits enforced on every byte, so a bomb is refused while streaming
//! even when its descriptor parsed.

use std::io::{Read, Seek};
use std::path::Path;

use crate::container::sink::{BlobSink, NullSink, StoredFile};
use crate::container::{Container, ReadSeek};
use crate::detect::{self, Descriptor};
use crate::rerooted::Rerooted;
use crate::{
    Course, Diagnostic, Limits, MemorySource, PackageError, PackageSource, Warnings, codes,
};
use crate::{aicc, cmi5, media, scorm, xapi};

/// An ingested package: the parsed course and every file as stored through the sink.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// The course, with every warning.
    pub course: Course,
    /// The files in package order, paths relative to the (possibly re-rooted) package root.
    pub files: Vec<StoredFile>,
}

/// Reads a package from a path (a zip, an unpacked folder, or a single file) without storing
/// it: every file is still decompressed, metered and hashed, so whatever [`ingest_path`]
/// would reject is rejected here too.
pub fn inspect_path(path: &Path, limits: &Limits) -> Result<Course, PackageError> {
    ingest_path(path, &mut NullSink, limits).map(|ingested| ingested.course)
}

/// Ingests a package from a path, streaming its files to `sink`.
pub fn ingest_path(
    path: &Path,
    sink: &mut dyn BlobSink,
    limits: &Limits,
) -> Result<Ingested, PackageError> {
    let mut warnings = Warnings::default();
    if path.is_dir() {
        let container = Container::folder(path, limits, &mut warnings)
            .map_err(|e| e.with_warnings(warnings.clone()))?;
        return run(container, false, sink, warnings);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = std::fs::File::open(path)?;
    ingest(std::io::BufReader::new(file), &name, sink, limits)
}

/// Ingests a package read from `reader`; `file_name` is the upload's name (it tells a bare
/// `cmi5.xml` or a PDF from a zip when the content does not).
pub fn ingest<R: Read + Seek + 'static>(
    mut reader: R,
    file_name: &str,
    sink: &mut dyn BlobSink,
    limits: &Limits,
) -> Result<Ingested, PackageError> {
    let mut warnings = Warnings::default();
    let zip =
        file_name.to_ascii_lowercase().ends_with(".zip") || starts_with_zip_magic(&mut reader)?;
    let boxed: Box<dyn ReadSeek> = Box::new(reader);
    let container = if zip {
        Container::zip(boxed, limits, &mut warnings)
    } else {
        Container::single(boxed, file_name, limits)
    };
    let container = container.map_err(|e| e.with_warnings(warnings.clone()))?;
    run(container, !zip, sink, warnings)
}

fn starts_with_zip_magic(reader: &mut dyn ReadSeek) -> std::io::Result<bool> {
    let mut magic = [0u8; 4];
    let n = reader.read(&mut magic)?;
    reader.rewind()?;
    Ok(n == 4 && &magic[..2] == b"PK" && matches!(magic[2..], [3, 4] | [5, 6] | [7, 8]))
}

fn run(
    mut container: Container,
    single: bool,
    sink: &mut dyn BlobSink,
    mut warnings: Warnings,
) -> Result<Ingested, PackageError> {
    let parsed = parse_with(&mut container, single, &mut warnings);
    let (mut course, root) = parsed.map_err(|e| e.with_warnings(warnings.clone()))?;
    if let Some(root) = root {
        container.reroot(&root);
    }
    let files = container
        .stream_to(sink)
        .map_err(|e| e.with_warnings(warnings.clone()))?;
    course.warnings = merge(warnings, std::mem::take(&mut course.warnings));
    Ok(Ingested { course, files })
}

/// Parses a multi-file package from any source (used by the fuzz targets and the server's
/// re-parse of stored packages). Finds the descriptor, re-roots if it is in a sub-folder.
pub fn parse_package(source: &mut dyn PackageSource) -> Result<Course, PackageError> {
    let mut warnings = Warnings::default();
    let (mut course, _) =
        parse_with(source, false, &mut warnings).map_err(|e| e.with_warnings(warnings.clone()))?;
    course.warnings = merge(warnings, std::mem::take(&mut course.warnings));
    Ok(course)
}

/// Parses a package that is one file (a bare `cmi5.xml`, a manifest, a media file).
pub fn parse_single_file(name: &str, content: &[u8]) -> Result<Course, PackageError> {
    let mut source = MemorySource::new([(name.to_owned(), content.to_vec())]);
    let mut warnings = Warnings::default();
    let (mut course, _) = parse_with(&mut source, true, &mut warnings)
        .map_err(|e| e.with_warnings(warnings.clone()))?;
    course.warnings = merge(warnings, std::mem::take(&mut course.warnings));
    Ok(course)
}

/// Detects and parses; returns the course and the folder used as root, if not the top.
fn parse_with(
    source: &mut dyn PackageSource,
    single: bool,
    warnings: &mut Warnings,
) -> Result<(Course, Option<String>), PackageError> {
    if single {
        let name = source.files().paths().next().unwrap_or_default().to_owned();
        let head = if name.to_ascii_lowercase().ends_with(".xml") {
            source.read_descriptor(&name)?
        } else {
            Vec::new()
        };
        let descriptor = detect::detect_single(&name, &head)?;
        return Ok((dispatch(source, &descriptor, false, warnings)?, None));
    }
    let detection = detect::detect(source.files(), warnings)?;
    let course = match &detection.root {
        Some(root) => {
            note_reroot(source, root, warnings);
            dispatch(
                &mut Rerooted::new(source, root),
                &detection.descriptor,
                true,
                warnings,
            )?
        }
        None => dispatch(source, &detection.descriptor, true, warnings)?,
    };
    Ok((course, detection.root))
}

fn note_reroot(source: &dyn PackageSource, root: &str, warnings: &mut Warnings) {
    warnings.push(Diagnostic::new(
        codes::PACKAGE_REROOTED,
        format!("The course files are inside the folder \"{root}\" instead of at the top of the zip; that folder was used as the package root."),
    ));
    let outside = source
        .files()
        .paths()
        .filter(|p| !p.starts_with(root))
        .count();
    if outside > 0 {
        warnings.push(Diagnostic::new(
            codes::FILES_OUTSIDE_ROOT,
            format!(
                "{outside} file(s) outside \"{root}\" are not part of the course and were left out."
            ),
        ));
    }
}

fn dispatch(
    source: &mut dyn PackageSource,
    descriptor: &Descriptor,
    in_package: bool,
    warnings: &mut Warnings,
) -> Result<Course, PackageError> {
    match descriptor {
        Descriptor::Scorm(manifest) => scorm::parse(source, manifest, warnings),
        Descriptor::Cmi5(path) => cmi5::parse(source, path, in_package, warnings),
        Descriptor::Xapi(path) => xapi::parse(source, path, warnings),
        Descriptor::Aicc(_) => aicc::parse(source, warnings),
        Descriptor::Media(path) => Ok(media::course(path)),
    }
}

/// The container's and parser's warnings, then any the parser put in the course itself.
fn merge(warnings: Warnings, from_course: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut all = warnings.into_vec();
    for warning in from_course {
        if !all.contains(&warning) {
            all.push(warning);
        }
    }
    all
}
