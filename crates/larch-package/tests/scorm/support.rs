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
