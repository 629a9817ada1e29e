//! The `larch inspect --json` document (format version 1, `docs/inspect-json.md`).

use larch_package::{Activity, Ingested, PackageError};
use serde_json::{Value, json};

/// Version of the document's shape; bumped only on incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

/// The document for an inspection outcome (`Io` errors never get here).
pub fn document(outcome: &Result<Ingested, PackageError>) -> Value {
    match outcome {
        Ok(ingested) => accepted(ingested),
        Err(PackageError::Rejected { errors, warnings }) => json!({
            "format_version": FORMAT_VERSION,
            "importable": false,
            "standard": null,
            "edition": null,
            "identifier": null,
            "title": null,
            "description": null,
            "launchable_count": 0,
            "activities": [],
            "details": null,
            "package": null,
            "warnings": warnings,
            "errors": errors,
        }),
        Err(PackageError::Io(e)) => {
            json!({ "format_version": FORMAT_VERSION, "io_error": e.to_string() })
        }
    }
}

fn accepted(ingested: &Ingested) -> Value {
    let course = &ingested.course;
    let bytes: u64 = ingested.files.iter().map(|f| f.size).sum();
    json!({
        "format_version": FORMAT_VERSION,
        "importable": true,
        "standard": course.standard.as_str(),
        "edition": course.edition.map(|e| e.as_str()),
        "identifier": course.identifier,
        "title": course.title,
        "description": course.description,
        "launchable_count": course.launchable_count(),
        "activities": [activity(&course.root)],
        "details": course.details,
        "package": { "file_count": ingested.files.len(), "total_bytes": bytes },
        "warnings": course.warnings,
        "errors": [],
    })
}

/// One node: the model's own fields plus `launchable`, children recursively.
fn activity(node: &Activity) -> Value {
    json!({
        "id": node.id,
        "title": node.title,
        "description": node.description,
        "visible": node.visible,
        "launchable": node.launch.is_some(),
        "launch": node.launch,
        "details": node.details,
        "children": node.children.iter().map(activity).collect::<Vec<_>>(),
    })
}
