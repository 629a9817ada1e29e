//! Stable warning and error codes of the container layer, detection and the AICC, cmi5, xAPI
//! and media parsers. Each is documented in `docs/package-warnings.md` (a test checks it).

// Container: the input itself.
/// The input is not a zip file although a zip was expected.
pub const NOT_A_ZIP: &str = "not_a_zip";
/// The zip (or folder) holds no file at all.
pub const EMPTY_PACKAGE: &str = "empty_package";
/// A single file of a type Larch cannot import.
pub const UNSUPPORTED_FILE_TYPE: &str = "unsupported_file_type";
/// The zip's structure is damaged (bad central directory, bad CRC…).
pub const CORRUPT_ZIP: &str = "corrupt_zip";

// Container: safety.
/// An entry path climbs out of the package (`..`), is absolute or names a drive.
pub const PATH_TRAVERSAL: &str = "path_traversal";
/// An entry is a symbolic link.
pub const SYMLINK_ENTRY: &str = "symlink_entry";
/// An entry is encrypted (password-protected).
pub const ENCRYPTED_ENTRY: &str = "encrypted_entry";
/// The zip lists more entries than allowed.
pub const TOO_MANY_ENTRIES: &str = "too_many_entries";
/// One file decompresses to more than allowed.
pub const ENTRY_TOO_LARGE: &str = "entry_too_large";
/// All files together decompress to more than allowed.
pub const PACKAGE_TOO_LARGE: &str = "package_too_large";
/// An entry's compression ratio is that of a zip bomb.
pub const COMPRESSION_RATIO_EXCEEDED: &str = "compression_ratio_exceeded";
/// A descriptor file is larger than allowed.
pub const DESCRIPTOR_TOO_LARGE: &str = "descriptor_too_large";
/// An entry name is unusable (empty, control characters, NUL).
pub const INVALID_ENTRY_NAME: &str = "invalid_entry_name";
/// Two entries have the same path.
pub const DUPLICATE_ENTRY: &str = "duplicate_entry";

// Container: forgiven.
/// Operating-system junk (`__MACOSX/`, `.DS_Store`, `Thumbs.db`, `desktop.ini`) was dropped.
pub const JUNK_FILES_REMOVED: &str = "junk_files_removed";
/// File names were stored in a legacy code page and were decoded by guessing it.
pub const LEGACY_FILENAME_ENCODING: &str = "legacy_filename_encoding";
/// File names in decomposed Unicode (macOS) were composed (NFC) so that links match them.
pub const FILENAMES_COMPOSED: &str = "filenames_composed";
/// Backslashes in entry names were read as folder separators.
pub const BACKSLASH_PATHS: &str = "backslash_paths";
/// The descriptor was in a sub-folder; that folder was used as the package root.
pub const PACKAGE_REROOTED: &str = "package_rerooted";
/// Files outside the folder used as the package root were left out.
pub const FILES_OUTSIDE_ROOT: &str = "files_outside_root";

// Detection.
/// No descriptor of any supported standard was found.
pub const NO_COURSE_DESCRIPTOR: &str = "no_course_descriptor";
/// The zip holds only other zips: a course zipped twice.
pub const NESTED_PACKAGE: &str = "nested_package";
/// Several course descriptors at the same depth: the zip holds several courses.
pub const MULTIPLE_COURSE_DESCRIPTORS: &str = "multiple_course_descriptors";
/// Descriptors of several standards: one was chosen, the others ignored.
pub const MULTIPLE_STANDARDS: &str = "multiple_standards";

// XML descriptors (cmi5, xAPI).
/// A descriptor is not well-formed XML (or uses a DTD, which is refused).
pub const MALFORMED_XML: &str = "malformed_xml";
/// A descriptor is not valid UTF-8 and declares no other encoding; it was read as Windows-1252.
pub const DESCRIPTOR_NOT_UTF8: &str = "descriptor_not_utf8";

// Shared by the AICC, cmi5 and xAPI parsers.
/// A launch URL points to a file that is not in the package (an error for cmi5, section
/// 14.2; a warning for AICC and xAPI while something else can be launched).
pub const LAUNCH_FILE_MISSING: &str = "launch_file_missing";
/// No launch URL of the course points to a file that exists: nothing can be played.
pub const NO_LAUNCHABLE_CONTENT: &str = "no_launchable_content";
/// A launch URL matched a file only after fixing letter case or backslashes.
pub const HREF_FIXED: &str = "href_fixed";
/// A title was missing; a fallback was used.
pub const TITLE_MISSING: &str = "title_missing";

// xAPI (tincan.xml).
/// `tincan.xml` has no activity with a `<launch>`.
pub const XAPI_NO_LAUNCHABLE_ACTIVITY: &str = "xapi_no_launchable_activity";
/// An activity id in `tincan.xml` is not an absolute IRI.
pub const XAPI_INVALID_ACTIVITY_ID: &str = "xapi_invalid_activity_id";
/// The root element of `tincan.xml` is not `<tincan>`.
pub const XAPI_NOT_TINCAN: &str = "xapi_not_tincan";

// cmi5 (cmi5.xml, cmi5 spec section 13 and CourseStructure.xsd).
/// The root element is not a cmi5 `courseStructure`.
pub const CMI5_NOT_COURSE_STRUCTURE: &str = "cmi5_not_course_structure";
/// The course structure uses a pre-1.0 draft namespace (or none); read as cmi5 1.0.
pub const CMI5_DRAFT_NAMESPACE: &str = "cmi5_draft_namespace";
/// An attribute of the pre-1.0 drafts (e.g. `passIsFinal`) in a draft-namespace structure.
pub const CMI5_DRAFT_ATTRIBUTE_IGNORED: &str = "cmi5_draft_attribute_ignored";
/// The course structure does not validate against `CourseStructure.xsd` (section 13.2).
pub const CMI5_SCHEMA_VIOLATION: &str = "cmi5_schema_violation";
/// A course, block, AU or objective id is not an IRI (section 3.0, 13.1).
pub const CMI5_INVALID_ID: &str = "cmi5_invalid_id";
/// Two blocks, AUs or objectives (or the course) share an id (section 13.1.2, 13.1.4).
pub const CMI5_DUPLICATE_ID: &str = "cmi5_duplicate_id";
/// An AU url is not a valid URL (section 13.1.4).
pub const CMI5_INVALID_URL: &str = "cmi5_invalid_url";
/// An AU url is relative but the course structure was imported without a package (section 14.2).
pub const CMI5_RELATIVE_URL_WITHOUT_PACKAGE: &str = "cmi5_relative_url_without_package";
/// An AU url's query already has a parameter the LMS must add at launch (section 8.1).
pub const CMI5_RESERVED_LAUNCH_PARAMETER: &str = "cmi5_reserved_launch_parameter";
/// A block or AU references an objective the course does not define.
pub const CMI5_UNKNOWN_OBJECTIVE: &str = "cmi5_unknown_objective";

// AICC (CMI001 course structure files).
/// The AICC course has no `.au` file, or it lists no assignable unit.
pub const AICC_NO_AUS: &str = "aicc_no_aus";
/// A course structure file CMI001 requires (`.crs`, `.des`, `.cst`) is missing.
pub const AICC_FILE_MISSING: &str = "aicc_file_missing";
/// Several files of the same kind (e.g. two `.au` files); the first was used.
pub const AICC_DUPLICATE_FILE: &str = "aicc_duplicate_file";
/// An assignable unit has neither a `File_Name` nor a `Command_Line` to launch.
pub const AICC_NO_LAUNCH: &str = "aicc_no_launch";
/// A file has no header row naming its columns; the CMI001 column order was assumed.
pub const AICC_MISSING_HEADER: &str = "aicc_missing_header";
/// A column Larch does not know was ignored.
pub const AICC_UNKNOWN_COLUMN: &str = "aicc_unknown_column";
/// A value is not of the expected type (e.g. a non-numeric `Mastery_Score`) and was ignored.
pub const AICC_INVALID_VALUE: &str = "aicc_invalid_value";
/// An assignable unit is not placed in the `.cst` structure; it was added at the top level.
pub const AICC_AU_NOT_IN_STRUCTURE: &str = "aicc_au_not_in_structure";
/// A `.cst`, `.pre` or `.ort` row names an element that is neither an AU nor a block.
pub const AICC_UNKNOWN_ELEMENT: &str = "aicc_unknown_element";
/// An element is placed in the structure twice (or in a loop); only the first place was kept.
pub const AICC_DUPLICATE_MEMBER: &str = "aicc_duplicate_member";
