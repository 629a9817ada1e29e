//! Stable warning and error codes of the SCORM manifest parser. Each is documented, with what
//! Larch did about it, in the `## SCORM manifests` section of `docs/package-warnings.md`.

// Rejections: the package cannot be played.
/// The manifest is not well-formed XML (or is not text in any encoding Larch knows).
pub const MANIFEST_NOT_XML: &str = "manifest_not_xml";
/// The manifest declares a DTD; DTDs are refused so that no entity is ever expanded or loaded.
pub const MANIFEST_DTD_REFUSED: &str = "manifest_dtd_refused";
/// The manifest nests elements absurdly deep (more than 256 levels); it is refused before
/// parsing so that it cannot exhaust the parser's stack.
pub const MANIFEST_TOO_DEEP: &str = "manifest_too_deep";
/// The root element of `imsmanifest.xml` is not `<manifest>`.
pub const MANIFEST_ROOT_INVALID: &str = "manifest_root_invalid";
/// No item of the course can be launched (no resource with a launch file present).
pub const NO_LAUNCHABLE_CONTENT: &str = "no_launchable_content";

// Encoding and XML syntax, fixed.
/// The manifest started with a byte-order mark, which was skipped (same code as the
/// container layer uses for other descriptors).
pub const BOM_REMOVED: &str = "bom_removed";
/// The manifest was not UTF-8 and was converted from its declared encoding.
pub const MANIFEST_ENCODING_CONVERTED: &str = "manifest_encoding_converted";
/// A namespace prefix (`adlcp:`, `imsss:`…) was used without being declared; the usual
/// namespace was assumed.
pub const NAMESPACE_UNDECLARED: &str = "namespace_undeclared";

/// A bare `&` (not `&amp;`) made the manifest ill-formed; it was read as a plain `&`.
pub const AMPERSAND_ESCAPED: &str = "ampersand_escaped";

// Version and edition.
/// `<schemaversion>` is missing; the version was inferred from the namespaces.
pub const SCHEMA_VERSION_MISSING: &str = "schema_version_missing";
/// `<schemaversion>` holds an unknown value; the version was inferred from the namespaces.
pub const SCHEMA_VERSION_UNKNOWN: &str = "schema_version_unknown";
/// `<schemaversion>` contradicts the elements the manifest uses.
pub const SCHEMA_VERSION_CONTRADICTED: &str = "schema_version_contradicted";

// Structure.
/// An element of a SCORM namespace appears where the schema does not allow it; ignored.
pub const UNKNOWN_ELEMENT: &str = "unknown_element";
/// Two elements share an identifier.
pub const DUPLICATE_IDENTIFIER: &str = "duplicate_identifier";
/// An organization, item or resource has no identifier; one was generated.
pub const IDENTIFIER_MISSING: &str = "identifier_missing";
/// An organization or item has no title; a fallback was used.
pub const TITLE_MISSING: &str = "title_missing";
/// `<organizations default>` names no organization; the first one was used.
pub const DEFAULT_ORGANIZATION_MISSING: &str = "default_organization_missing";
/// The manifest has no organization; a flat course was built from its resources.
pub const ORGANIZATION_MISSING: &str = "organization_missing";
/// An item references a resource or sub-manifest that does not exist; the item was left out.
pub const ITEM_RESOURCE_MISSING: &str = "item_resource_missing";
/// An item's `identifierref` matches a resource only when letter case is ignored; used.
pub const REFERENCE_CASE_MISMATCH: &str = "reference_case_mismatch";
/// A leaf item references nothing; it was left out.
pub const ITEM_WITHOUT_RESOURCE: &str = "item_without_resource";
/// Items or sub-manifests are nested deeper than Larch follows; the deeper ones were left out.
pub const NESTING_TOO_DEEP: &str = "nesting_too_deep";
/// A SCORM 2004 item with children also references a resource; the reference was ignored.
pub const CLUSTER_RESOURCE_IGNORED: &str = "cluster_resource_ignored";
/// An item references a resource with no `href`; the item was left out.
pub const RESOURCE_HREF_MISSING: &str = "resource_href_missing";
/// A resource has no `adlcp:scormType`; it was treated as an asset.
pub const SCORM_TYPE_MISSING: &str = "scorm_type_missing";
/// A `<dependency>` references a resource that does not exist; ignored.
pub const DEPENDENCY_MISSING: &str = "dependency_missing";

// Files.
/// The launch file of a resource is not in the package.
pub const LAUNCH_FILE_MISSING: &str = "launch_file_missing";
/// A `<file href>` names a file that is not in the package.
pub const FILE_MISSING: &str = "file_missing";
/// An href matched a file only when letter case was ignored; the stored name was used.
pub const HREF_CASE_MISMATCH: &str = "href_case_mismatch";
/// An href matched a file only once URL-decoded (`%20`…); the stored name was used.
pub const HREF_URL_ENCODED: &str = "href_url_encoded";
/// An href leaves the package (`../` above its root); it was ignored.
pub const HREF_OUTSIDE_PACKAGE: &str = "href_outside_package";

// Values.
/// An attribute or element holds a value outside its vocabulary or range; the default (or
/// nothing) was used instead, as the message says.
pub const INVALID_VALUE: &str = "invalid_value";

// Metadata.
/// An external metadata file (`adlcp:location`) is missing or unreadable; ignored.
pub const METADATA_UNREADABLE: &str = "metadata_unreadable";

// Sequencing.
/// `<imsss:sequencing IDRef>` names no `<imsss:sequencing ID>` of the `sequencingCollection`.
pub const SEQUENCING_REFERENCE_MISSING: &str = "sequencing_reference_missing";
/// A sequencing or rollup rule lacks conditions or an action legal for its kind; dropped.
pub const RULE_INVALID: &str = "rule_invalid";
/// An objective other than the primary one has no `objectiveID`; dropped.
pub const OBJECTIVE_ID_MISSING: &str = "objective_id_missing";
/// A rule condition references an objective the activity does not define.
pub const RULE_OBJECTIVE_UNKNOWN: &str = "rule_objective_unknown";
/// An `<adlseq:objective>` names no objective of the activity; its maps were ignored.
pub const ADLSEQ_OBJECTIVE_UNMATCHED: &str = "adlseq_objective_unmatched";
/// A `<mapInfo>` or `<adlcp:map>` has no target id; it was ignored.
pub const MAP_TARGET_MISSING: &str = "map_target_missing";

/// Every code above, for documentation checks and tooling.
pub const ALL: &[&str] = &[
    MANIFEST_NOT_XML,
    MANIFEST_DTD_REFUSED,
    MANIFEST_TOO_DEEP,
    MANIFEST_ROOT_INVALID,
    NO_LAUNCHABLE_CONTENT,
    BOM_REMOVED,
    MANIFEST_ENCODING_CONVERTED,
    NAMESPACE_UNDECLARED,
    AMPERSAND_ESCAPED,
    SCHEMA_VERSION_MISSING,
    SCHEMA_VERSION_UNKNOWN,
    SCHEMA_VERSION_CONTRADICTED,
    UNKNOWN_ELEMENT,
    DUPLICATE_IDENTIFIER,
    IDENTIFIER_MISSING,
    TITLE_MISSING,
    DEFAULT_ORGANIZATION_MISSING,
    ORGANIZATION_MISSING,
    ITEM_RESOURCE_MISSING,
    REFERENCE_CASE_MISMATCH,
    ITEM_WITHOUT_RESOURCE,
    NESTING_TOO_DEEP,
    CLUSTER_RESOURCE_IGNORED,
    RESOURCE_HREF_MISSING,
    SCORM_TYPE_MISSING,
    DEPENDENCY_MISSING,
    LAUNCH_FILE_MISSING,
    FILE_MISSING,
    HREF_CASE_MISMATCH,
    HREF_URL_ENCODED,
    HREF_OUTSIDE_PACKAGE,
    INVALID_VALUE,
    METADATA_UNREADABLE,
    SEQUENCING_REFERENCE_MISSING,
    RULE_INVALID,
    OBJECTIVE_ID_MISSING,
    RULE_OBJECTIVE_UNKNOWN,
    ADLSEQ_OBJECTIVE_UNMATCHED,
    MAP_TARGET_MISSING,
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_code_is_documented_in_the_scorm_section() {
        let doc = include_str!("../../../../docs/package-warnings.md");
        let section = doc
            .split("## SCORM manifests")
            .nth(1)
            .expect("a SCORM section");
        let section = section.split("\n## ").next().unwrap_or(section);
        for code in super::ALL {
            assert!(
                section.contains(&format!("| `{code}` |")),
                "{code} is not documented"
            );
        }
    }
}
