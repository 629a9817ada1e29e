//! cmi5 course structures (`cmi5.xml`; cmi5 1.0 section 13, `CourseStructure.xsd`).
//!
//! Section 13.2 and 14: the LMS must reject a course structure that does not validate against
//! the schema, whose ids are not IRIs or not unique, whose AU URLs are invalid, relative
//! without a package, relative to files missing from the package, or already carry the launch
//! parameters the LMS adds (section 8.1). Every such reason is collected, so an author sees
//! them all at once. The ADL cmi5 LMS Test Suite import cases 201–208 are these rules.

pub(crate) mod iri;
pub mod model;
mod schema;
mod tree;

#[cfg(test)]
mod tests;

use crate::text;
use crate::{Course, Diagnostic, PackageError, PackageSource, Warnings, codes};

/// The cmi5 1.0 namespace.
pub const NAMESPACE: &str = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd";

/// Namespaces of pre-1.0 drafts (2015–2016) that real tools still write; read as 1.0.
const DRAFT_NAMESPACES: &[&str] = &[
    "http://www.adlnet.gov/cmi5/CourseStructure.xsd",
    "https://www.adlnet.gov/cmi5/CourseStructure.xsd",
    "http://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd",
];

/// Parses the course structure at `path`. `in_package` is false for a bare `cmi5.xml`
/// imported on its own, where every AU url must be absolute (section 14.2).
pub fn parse(
    source: &mut dyn PackageSource,
    path: &str,
    in_package: bool,
    warnings: &mut Warnings,
) -> Result<Course, PackageError> {
    let bytes = source.read_descriptor(path)?;
    let text = text::decode(&bytes, path, warnings);
    let doc = text::parse_xml(&text, path)?;
    let root = doc.root_element();
    let ns = check_root(root, path, warnings)?;
    let (errors, draft_warnings) = schema::validate(root, ns, ns != Some(NAMESPACE));
    for warning in draft_warnings {
        warnings.push(warning.in_file(path));
    }
    let errors: Vec<Diagnostic> = errors.into_iter().map(|e| e.in_file(path)).collect();
    if !errors.is_empty() {
        return Err(PackageError::Rejected {
            errors,
            warnings: Vec::new(),
        });
    }
    let context = tree::Context {
        files: source.files(),
        path,
        in_package,
        ns,
        text: &text,
    };
    tree::build(&context, root, warnings)
}

/// The root must be a `courseStructure` in the cmi5 namespace (a draft one is warned about).
fn check_root<'a>(
    root: roxmltree::Node<'a, '_>,
    path: &str,
    warnings: &mut Warnings,
) -> Result<Option<&'a str>, PackageError> {
    let ns = root.tag_name().namespace();
    if root.tag_name().name() != "courseStructure" {
        return Err(PackageError::rejected(
            Diagnostic::new(codes::CMI5_NOT_COURSE_STRUCTURE, "The file is not a cmi5 course structure: its root element is not <courseStructure>.")
                .in_file(path),
        ));
    }
    match ns {
        Some(NAMESPACE) => {}
        Some(draft) if DRAFT_NAMESPACES.contains(&draft) => {
            warnings.push(draft_warning(path, Some(draft)));
        }
        None => warnings.push(draft_warning(path, None)),
        Some(other) => {
            return Err(PackageError::rejected(
                Diagnostic::new(
                    codes::CMI5_NOT_COURSE_STRUCTURE,
                    format!("The course structure uses the unknown namespace \"{other}\" instead of {NAMESPACE}."),
                )
                .in_file(path),
            ));
        }
    }
    Ok(ns)
}

fn draft_warning(path: &str, ns: Option<&str>) -> Diagnostic {
    let what = ns.map_or_else(
        || "no namespace".to_owned(),
        |ns| format!("the draft namespace {ns}"),
    );
    Diagnostic::new(
        codes::CMI5_DRAFT_NAMESPACE,
        format!("The course structure uses {what}; it was read as cmi5 1.0 ({NAMESPACE})."),
    )
    .in_file(path)
}
