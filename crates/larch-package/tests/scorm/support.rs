//! Shared helpers of the SCORM manifest tests: fixture zips read at test time into a
//! `MemorySource` (never copied into the repository).

use std::io::Read;

use larch_package::{Course, MemorySource, PackageError, Warnings};

/// The shared fixtures folder.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");

/// Reads a fixture zip (path relative to the fixtures folder) into memory, skipping folders.
pub fn load(relative: &str) -> MemorySource {
    let path = format!("{FIXTURES}/{relative}");
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut archive = zip::ZipArchive::new(file).expect("a zip");
    let mut files = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("an entry");
        if entry.is_dir() {
            continue;
        }
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("readable");
        files.push((entry.name().to_owned(), content));
    }
    MemorySource::new(files)
}

/// The shallowest `imsmanifest.xml` of a package.
pub fn manifest_path(source: &MemorySource) -> String {
    use larch_package::PackageSource;
    source
        .files()
        .paths()
        .filter(|p| {
            p.rsplit('/')
                .next()
                .is_some_and(|n| n.eq_ignore_ascii_case("imsmanifest.xml"))
        })
        .min_by_key(|p| p.matches('/').count())
        .expect("a manifest")
        .to_owned()
}

/// Parses a fixture: the course or the rejection, and the warnings.
pub fn parse_fixture(relative: &str) -> (Result<Course, PackageError>, Warnings) {
    let mut source = load(relative);
    let manifest = manifest_path(&source);
    let mut warnings = Warnings::default();
    let result = larch_package::scorm::parse(&mut source, &manifest, &mut warnings);
    (result, warnings)
}

/// The distinct warning codes, sorted.
pub fn codes(warnings: &Warnings) -> Vec<String> {
    let mut codes: Vec<String> = warnings.as_slice().iter().map(|w| w.code.clone()).collect();
    codes.sort();
    codes.dedup();
    codes
}

/// The error codes of a rejection.
pub fn error_codes(error: &PackageError) -> Vec<String> {
    match error {
        PackageError::Rejected { errors, .. } => errors.iter().map(|e| e.code.clone()).collect(),
        PackageError::Io(e) => vec![format!("io: {e}")],
    }
}

/// Namespace declarations of a SCORM 2004 manifest.
pub const NS_2004: &str = r#"xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss""#;

/// Namespace declarations of a SCORM 1.2 manifest.
pub const NS_12: &str = r#"xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2""#;

/// A SCORM 2004 4th Edition manifest with these organizations and resources.
pub fn manifest_2004(organizations: &str, resources: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<manifest identifier="m" {NS_2004}>
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  {organizations}
  <resources>{resources}</resources>
</manifest>"#
    )
}

/// A SCORM 1.2 manifest with these organizations and resources.
pub fn manifest_12(organizations: &str, resources: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<manifest identifier="m" {NS_12}>
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  {organizations}
  <resources>{resources}</resources>
</manifest>"#
    )
}

/// One organization `org` titled "Course" holding `items`.
pub fn org(items: &str) -> String {
    format!(
        r#"<organizations default="org"><organization identifier="org"><title>Course</title>{items}</organization></organizations>"#
    )
}

/// A SCO resource `id` launching `href`.
pub fn sco(id: &str, href: &str) -> String {
    format!(
        r#"<resource identifier="{id}" type="webcontent" adlcp:scormType="sco" href="{href}"/>"#
    )
}

/// Parses `manifest` stored at `manifest_path` in a package that also holds `files` (empty).
pub fn run_at(
    manifest_path: &str,
    manifest: &[u8],
    files: &[&str],
) -> (Result<Course, PackageError>, Warnings) {
    let mut entries: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| ((*f).to_owned(), Vec::new()))
        .collect();
    entries.push((manifest_path.to_owned(), manifest.to_vec()));
    let mut source = MemorySource::new(entries);
    let mut warnings = Warnings::default();
    let result = larch_package::scorm::parse(&mut source, manifest_path, &mut warnings);
    (result, warnings)
}

/// Parses `manifest` at the package root with `files` present.
pub fn run(manifest: &str, files: &[&str]) -> (Course, Warnings) {
    let (result, warnings) = run_at("imsmanifest.xml", manifest.as_bytes(), files);
    let course =
        result.unwrap_or_else(|e| panic!("rejected: {e:?}\nwarnings: {:?}", warnings.as_slice()));
    (course, warnings)
}

/// The rejection code of `manifest` with `files` present.
pub fn rejection(manifest: &[u8], files: &[&str]) -> String {
    let (result, _) = run_at("imsmanifest.xml", manifest, files);
    let error = result.expect_err("rejected");
    error_codes(&error).join(",")
}

/// The activity `id` of a course.
pub fn find<'c>(course: &'c Course, id: &str) -> &'c larch_package::Activity {
    course
        .root
        .walk()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("no activity {id}"))
}

/// The SCORM details of activity `id`.
pub fn details<'c>(course: &'c Course, id: &str) -> &'c larch_package::scorm::model::ScormActivity {
    match &find(course, id).details {
        larch_package::ActivityDetails::Scorm(d) => d,
        other => panic!("not SCORM: {other:?}"),
    }
}

/// The sequencing definition of activity `id`.
pub fn sequencing<'c>(
    course: &'c Course,
    id: &str,
) -> &'c larch_sequencing::definition::SequencingDefinition {
    details(course, id)
        .sequencing
        .as_ref()
        .expect("a sequencing definition")
}
