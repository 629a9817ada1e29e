//! Which standard a package follows, found by its descriptor file, and where its root is.
//!
//! The descriptors: `imsmanifest.xml` (SCORM, CAM 3.2), `cmi5.xml` (cmi5 section 14.1),
//! `tincan.xml` (Tin Can packaging), `.crs`/`.au`/`.des`/`.cst` (AICC CMI001 section 6).
//! Names are matched ignoring case: packages built on Windows often say `IMSManifest.xml`.

use std::collections::BTreeMap;

use crate::codes;
use crate::source::FileIndex;
use crate::{Diagnostic, PackageError, Warnings, media};

/// The descriptor kinds, in the order they win when one folder holds several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// `imsmanifest.xml`.
    Scorm,
    /// `cmi5.xml`.
    Cmi5,
    /// `tincan.xml`.
    Xapi,
    /// AICC course structure files.
    Aicc,
}

impl Kind {
    fn of(path: &str) -> Option<Self> {
        let file = path.rsplit('/').next()?.to_ascii_lowercase();
        match file.as_str() {
            "imsmanifest.xml" => Some(Self::Scorm),
            "cmi5.xml" => Some(Self::Cmi5),
            "tincan.xml" => Some(Self::Xapi),
            _ => {
                let ext = file.rsplit_once('.')?.1;
                matches!(ext, "crs" | "au" | "des" | "cst").then_some(Self::Aicc)
            }
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Scorm => "SCORM (imsmanifest.xml)",
            Self::Cmi5 => "cmi5 (cmi5.xml)",
            Self::Xapi => "xAPI (tincan.xml)",
            Self::Aicc => "AICC (.crs/.au/.des/.cst)",
        }
    }
}

/// What was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Descriptor {
    /// A SCORM manifest at this path (relative to the new root).
    Scorm(String),
    /// A cmi5 course structure.
    Cmi5(String),
    /// A Tin Can `tincan.xml`.
    Xapi(String),
    /// AICC: the course structure files of the root folder.
    Aicc(Vec<String>),
    /// A single media file.
    Media(String),
}

/// Detection result: the descriptor and the folder (ending in `/`) to use as the package root,
/// when it is not the zip's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Detection {
    pub descriptor: Descriptor,
    pub root: Option<String>,
}

const LOOKED_FOR: &str = "imsmanifest.xml (SCORM), cmi5.xml (cmi5), tincan.xml (xAPI), .crs/.au/.des/.cst files (AICC) or a single PDF, video or audio file";

/// Finds the descriptor of a multi-file package.
pub(crate) fn detect(
    files: &FileIndex,
    warnings: &mut Warnings,
) -> Result<Detection, PackageError> {
    let by_folder = descriptors_by_folder(files);
    let Some(depth) = by_folder.keys().map(|f| depth_of(f)).min() else {
        return single_media(files);
    };
    // The shallowest folder with a descriptor is the course; two such folders are two courses.
    let shallowest: Vec<&str> = by_folder
        .keys()
        .copied()
        .filter(|f| depth_of(f) == depth)
        .collect();
    if shallowest.len() > 1 {
        return Err(several_courses(&shallowest));
    }
    let folder = shallowest[0];
    let kinds = &by_folder[folder];
    let (&kind, paths) = kinds
        .iter()
        .next()
        .expect("a folder is listed only with a descriptor");
    if kinds.len() > 1 {
        warnings.push(several_standards(kind, kinds.keys().copied()));
    }
    let strip = |p: &str| p[folder.len()..].to_owned();
    let descriptor = match kind {
        Kind::Scorm => Descriptor::Scorm(strip(paths[0])),
        Kind::Cmi5 => Descriptor::Cmi5(strip(paths[0])),
        Kind::Xapi => Descriptor::Xapi(strip(paths[0])),
        Kind::Aicc => Descriptor::Aicc(paths.iter().map(|p| strip(p)).collect()),
    };
    let root = (!folder.is_empty()).then(|| folder.to_owned());
    Ok(Detection { descriptor, root })
}

/// Folder (with its trailing `/`; the root is `""`) → the descriptors in it, by kind.
fn descriptors_by_folder(files: &FileIndex) -> BTreeMap<&str, BTreeMap<Kind, Vec<&str>>> {
    let mut by_folder: BTreeMap<&str, BTreeMap<Kind, Vec<&str>>> = BTreeMap::new();
    for path in files.paths() {
        if let Some(kind) = Kind::of(path) {
            let folder = path.rfind('/').map_or("", |i| &path[..=i]);
            by_folder
                .entry(folder)
                .or_default()
                .entry(kind)
                .or_default()
                .push(path);
        }
    }
    by_folder
}

fn depth_of(folder: &str) -> usize {
    folder.matches('/').count()
}

/// Detects a package that is one file (not a zip): a descriptor by its root element, or media.
pub(crate) fn detect_single(name: &str, head: &[u8]) -> Result<Descriptor, PackageError> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".xml") {
        return match root_element(head).as_deref() {
            Some("courseStructure") => Ok(Descriptor::Cmi5(name.to_owned())),
            Some("manifest") => Ok(Descriptor::Scorm(name.to_owned())),
            Some("tincan") => Ok(Descriptor::Xapi(name.to_owned())),
            _ => Err(unsupported(
                name,
                "is an XML file but not a cmi5 course structure, a SCORM manifest or a tincan.xml",
            )),
        };
    }
    if media::content_type(name).is_some() {
        return Ok(Descriptor::Media(name.to_owned()));
    }
    if Kind::of(name) == Some(Kind::Aicc) {
        return Ok(Descriptor::Aicc(vec![name.to_owned()]));
    }
    Err(unsupported(
        name,
        "is not a zip, a cmi5.xml or a PDF, video or audio file, so it cannot be imported",
    ))
}

/// The local name of the first element, skipping a BOM, the XML declaration, comments,
/// processing instructions and a DOCTYPE.
fn root_element(head: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let mut rest = text.trim_start_matches('\u{FEFF}');
    loop {
        rest = rest.trim_start();
        let skip_to = if rest.starts_with("<?") {
            "?>"
        } else if rest.starts_with("<!--") {
            "-->"
        } else if rest.starts_with("<!") {
            ">"
        } else {
            break;
        };
        rest = &rest[rest.find(skip_to)? + skip_to.len()..];
    }
    let name: String = rest
        .strip_prefix('<')?
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    Some(name.rsplit(':').next().unwrap_or_default().to_owned())
}

fn single_media(files: &FileIndex) -> Result<Detection, PackageError> {
    let mut paths = files.paths();
    if let (Some(only), None) = (paths.next(), paths.next())
        && media::content_type(only).is_some()
    {
        return Ok(Detection {
            descriptor: Descriptor::Media(only.to_owned()),
            root: None,
        });
    }
    let zips: Vec<&str> = files
        .paths()
        .filter(|p| p.to_ascii_lowercase().ends_with(".zip"))
        .collect();
    // A course zipped once more (the export's zip inside the upload) is a frequent mistake.
    if !zips.is_empty() && zips.len() == files.len() {
        return Err(PackageError::rejected(Diagnostic::new(
            codes::NESTED_PACKAGE,
            format!(
                "The zip only contains another zip ({}); upload the course's own zip instead.",
                zips.join(", ")
            ),
        )));
    }
    Err(PackageError::rejected(Diagnostic::new(
        codes::NO_COURSE_DESCRIPTOR,
        format!("No course description file was found: Larch looked for {LOOKED_FOR}."),
    )))
}

fn several_courses(folders: &[&str]) -> PackageError {
    let list: Vec<String> = folders
        .iter()
        .map(|f| {
            if f.is_empty() {
                "/".to_owned()
            } else {
                (*f).to_owned()
            }
        })
        .collect();
    PackageError::rejected(Diagnostic::new(
        codes::MULTIPLE_COURSE_DESCRIPTORS,
        format!(
            "The zip holds several courses (in {}); upload them one at a time.",
            list.join(", ")
        ),
    ))
}

fn several_standards(chosen: Kind, all: impl Iterator<Item = Kind>) -> Diagnostic {
    let ignored: Vec<&str> = all.filter(|k| *k != chosen).map(Kind::label).collect();
    Diagnostic::new(
        codes::MULTIPLE_STANDARDS,
        format!(
            "The package describes itself in several standards; {} was used and {} ignored.",
            chosen.label(),
            ignored.join(", ")
        ),
    )
}

fn unsupported(name: &str, why: &str) -> PackageError {
    PackageError::rejected(
        Diagnostic::new(codes::UNSUPPORTED_FILE_TYPE, format!("The file {why}.")).in_file(name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(paths: &[&str]) -> FileIndex {
        let mut index = FileIndex::default();
        for path in paths {
            index.insert(*path, 1);
        }
        index
    }

    fn detected(paths: &[&str]) -> (Result<Detection, PackageError>, Vec<String>) {
        let mut warnings = Warnings::default();
        let result = detect(&index(paths), &mut warnings);
        (
            result,
            warnings.into_vec().into_iter().map(|w| w.code).collect(),
        )
    }

    #[test]
    fn descriptors_are_found_ignoring_case_and_in_a_sub_folder() {
        let (found, _) = detected(&["IMSManifest.XML", "a.html"]);
        assert_eq!(
            found.unwrap().descriptor,
            Descriptor::Scorm("IMSManifest.XML".into())
        );
        let (found, _) = detected(&["course/cmi5.xml", "course/index.html", "notes.txt"]);
        let found = found.unwrap();
        assert_eq!(
            (found.descriptor, found.root.as_deref()),
            (Descriptor::Cmi5("cmi5.xml".into()), Some("course/"))
        );
        let (found, _) = detected(&["C.CRS", "c.au", "c.des", "c.cst", "x.html"]);
        assert!(matches!(found.unwrap().descriptor, Descriptor::Aicc(files) if files.len() == 4));
    }

    #[test]
    fn several_standards_pick_one_and_warn() {
        let (found, warnings) = detected(&["tincan.xml", "imsmanifest.xml"]);
        assert_eq!(
            found.unwrap().descriptor,
            Descriptor::Scorm("imsmanifest.xml".into())
        );
        assert_eq!(warnings, ["multiple_standards"]);
    }

    #[test]
    fn lone_media_is_a_course_and_nothing_else_is() {
        let (found, _) = detected(&["talk.MP4"]);
        assert_eq!(
            found.unwrap().descriptor,
            Descriptor::Media("talk.MP4".into())
        );
        let (found, _) = detected(&["talk.mp4", "slides.pdf"]);
        let Err(PackageError::Rejected { errors, .. }) = found else {
            panic!("rejected")
        };
        assert!(
            errors[0].message.contains("imsmanifest.xml")
                && errors[0].code == codes::NO_COURSE_DESCRIPTOR
        );
    }

    #[test]
    fn a_zip_inside_the_zip_is_named() {
        let (found, _) = detected(&["Course SCORM 1.2.zip"]);
        let Err(PackageError::Rejected { errors, .. }) = found else {
            panic!("rejected")
        };
        assert_eq!(errors[0].code, codes::NESTED_PACKAGE);
        assert!(errors[0].message.contains("Course SCORM 1.2.zip"));
    }

    #[test]
    fn single_files_are_recognised_by_root_element_or_extension() {
        let xml =
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?><!-- c --><cs:courseStructure xmlns:cs=\"x\"/>";
        assert_eq!(
            detect_single("course.xml", xml).unwrap(),
            Descriptor::Cmi5("course.xml".into())
        );
        assert_eq!(
            detect_single("a.pdf", b"").unwrap(),
            Descriptor::Media("a.pdf".into())
        );
        for (name, head) in [("notes.md", &b"# x"[..]), ("other.xml", b"<html/>")] {
            let Err(PackageError::Rejected { errors, .. }) = detect_single(name, head) else {
                panic!("{name}")
            };
            assert_eq!(errors[0].code, codes::UNSUPPORTED_FILE_TYPE);
        }
    }
}
