//! SCORM 1.2 and SCORM 2004 (2nd, 3rd, 4th Edition) packages: `imsmanifest.xml` into the
//! normalized course model, with the full sequencing definition of every 2004 activity.
//!
//! [`parse`] reads a manifest; [`sequencing_tree`] gives the sequencing engine its tree.
//! Every warning and rejection code is a constant of [`codes`].
//!
//! ```
//! use larch_package::{MemorySource, Standard, Warnings, scorm};
//!
//! let manifest = r#"<manifest identifier="golf" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
//!     xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
//!   <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
//!   <organizations default="org"><organization identifier="org"><title>Golf</title>
//!     <item identifier="i1" identifierref="r1" parameters="?page=2"><title>Rules</title></item>
//!   </organization></organizations>
//!   <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="Rules.html"/></resources>
//! </manifest>"#;
//! let mut package = MemorySource::new([("imsmanifest.xml", manifest), ("rules.html", "")]);
//! let mut warnings = Warnings::default();
//! let course = scorm::parse(&mut package, "imsmanifest.xml", &mut warnings)?;
//! assert_eq!(course.standard, Standard::Scorm12);
//! assert_eq!(course.root.children[0].launch.as_ref().unwrap().url, "rules.html?page=2");
//! assert_eq!(warnings.as_slice()[0].code, scorm::codes::HREF_CASE_MISMATCH);
//! assert!(scorm::sequencing_tree(&course).is_none(), "SCORM 1.2 has no sequencing");
//! # Ok::<(), larch_package::PackageError>(())
//! ```

pub mod codes;
mod decode;
mod details;
mod edition;
mod items;
mod manifest;
mod metadata;
pub mod model;
mod paths;
mod resources;
mod scopes;
mod sequencing;
mod tree;
mod values;
mod xml;

pub use manifest::parse;
pub use tree::sequencing_tree;
