//! SCORM 2004 SetValue (RTE 3.1.3.5) with the element rules of RTE 4.2–4.4.

use crate::config::RuntimeConfig;
use crate::errors::{CmiError, ErrorCode, err};
use crate::path::ElementPath;
use crate::schema::{Access, ElementDef, Schema};
use crate::state::CmiState;
use crate::transcript::Stored;
use crate::types::interaction::InteractionType;
use crate::validate::{ValueCtx, check};

/// SetValue on a running instance. On success the value is stored under the
/// canonical name; on failure nothing changes.
pub(crate) fn set_value(
    state: &mut CmiState,
    config: &RuntimeConfig,
    element: &str,
    value: &str,
) -> Result<Stored, CmiError> {
    let (path, def) = writable_element(state, element)?;
    check_indices(state, &path)?;
    check_dependencies(state, &path)?;
    if path.pattern == "cmi.interactions.n.correct_responses.n.pattern" {
        pattern_slot(state, &path)?;
    }
    let itype = interaction_type(state, &path);
    let ctx = ValueCtx {
        version: state.version,
        config,
        element,
        interaction_type: itype.as_deref(),
    };
    let checked = check(def, value, &ctx)?;
    check_record_rules(state, &path, &checked.value)?;
    if path.pattern == "adl.data.n.store" && checked.value.is_empty() {
        // An empty store is an unwritten store (ADL CTS DMI: GetValue then
        // answers 403), so the value is removed rather than stored as "".
        let old = state.values.remove(&path.canonical);
        return Ok(Stored {
            key: path.canonical,
            old,
            new: None,
            warnings: checked.warnings,
        });
    }
    let old = state.set_raw(&path.canonical, checked.value.clone());
    Ok(Stored {
        key: path.canonical,
        old,
        new: Some(checked.value),
        warnings: checked.warnings,
    })
}

/// Resolves `element` to a writable element (RTE 3.1.3.5): "" is 351,
/// keywords and read-only elements 404, unknown names 401.
fn writable_element<'a>(
    state: &CmiState,
    element: &'a str,
) -> Result<(ElementPath<'a>, &'static ElementDef), CmiError> {
    if element.is_empty() {
        return Err(err(
            ErrorCode::SET_FAILURE,
            "SetValue requires a data model element name",
        ));
    }
    if element.starts_with("adl.nav.request_valid.") {
        return Err(err(ErrorCode::READ_ONLY, format!("{element} is read-only")));
    }
    let schema = Schema::for_version(state.version);
    let path = ElementPath::parse(element);
    if let Some((_, prefix)) = path.keyword() {
        let code = if schema.is_known_prefix(prefix) {
            ErrorCode::READ_ONLY
        } else {
            ErrorCode::UNDEFINED_ELEMENT
        };
        return Err(err(
            code,
            format!("{element} is a keyword and cannot be set"),
        ));
    }
    let def = schema.element(&path.pattern).ok_or_else(|| {
        err(
            ErrorCode::UNDEFINED_ELEMENT,
            format!("{element} is not a data model element"),
        )
    })?;
    if def.access == Access::ReadOnly {
        return Err(err(ErrorCode::READ_ONLY, format!("{element} is read-only")));
    }
    Ok((path, def))
}

/// RTE 4.1 (collections, the `n` index and `_count`): a SetValue may address an existing record or
/// append exactly one new record at index `_count`; skipping ahead is a
/// general set failure (351). Addressing a child of a record that does not
/// exist yet means the record's `id` has not been set: 408. `adl.data`
/// records exist only as mapped in the manifest.
fn check_indices(state: &CmiState, path: &ElementPath<'_>) -> Result<(), CmiError> {
    let last = path.indices.len().saturating_sub(1);
    for (i, (collection, index)) in path.indices.iter().enumerate() {
        let (count, index) = (state.count(collection), *index);
        let fixed = collection == "adl.data";
        if index > count || (fixed && index == count) {
            return Err(err(
                ErrorCode::SET_FAILURE,
                format!(
                    "{}: index {index} is out of order ({collection}._count is {count})",
                    path.raw
                ),
            ));
        }
        if index == count && i != last {
            return Err(err(
                ErrorCode::DEPENDENCY,
                format!("{}: {collection}.{index}.id must be set first", path.raw),
            ));
        }
    }
    Ok(())
}

/// RTE 4.2.9 and 4.2.17: a record's `id` must be set before any other of its
/// elements (408). Patterns and responses additionally need the interaction
/// `type`, checked with the value.
fn check_dependencies(state: &CmiState, path: &ElementPath<'_>) -> Result<(), CmiError> {
    let record = match path.pattern.as_str() {
        "cmi.objectives.n.id" | "cmi.interactions.n.id" => return Ok(()),
        p if p.starts_with("cmi.objectives.n.") || p.starts_with("cmi.interactions.n.") => {
            path.indices.first().map(|(c, i)| format!("{c}.{i}"))
        }
        _ => None,
    };
    match record {
        Some(r) if state.get(&format!("{r}.id")).is_none() => Err(err(
            ErrorCode::DEPENDENCY,
            format!("{}: {r}.id must be set first", path.raw),
        )),
        _ => Ok(()),
    }
}

fn interaction_type(state: &CmiState, path: &ElementPath<'_>) -> Option<String> {
    let (c, i) = path.indices.first()?;
    (c == "cmi.interactions")
        .then(|| state.get(&format!("{c}.{i}.type")).map(str::to_owned))
        .flatten()
}

/// Rules that involve other records of the same collection (351).
fn check_record_rules(
    state: &CmiState,
    path: &ElementPath<'_>,
    value: &str,
) -> Result<(), CmiError> {
    match path.pattern.as_str() {
        "cmi.objectives.n.id" => objective_id(state, path, value),
        "cmi.interactions.n.objectives.n.id" => unique_in(state, path, value, "id"),
        "cmi.interactions.n.correct_responses.n.pattern" if choice(state, path) => {
            unique_in(state, path, value, "pattern")
        }
        "adl.data.n.store" => shared_write(state, path),
        _ => Ok(()),
    }
}

fn choice(state: &CmiState, path: &ElementPath<'_>) -> bool {
    interaction_type(state, path).as_deref() == Some("choice")
}

/// RTE 4.2.17.1: objective ids are unique within `cmi.objectives`, and once
/// set an id cannot change (the LMS maps objectives by id).
fn objective_id(state: &CmiState, path: &ElementPath<'_>, value: &str) -> Result<(), CmiError> {
    if let Some(old) = state.get(&path.canonical) {
        if old != value {
            return Err(err(
                ErrorCode::SET_FAILURE,
                format!("{}: an objective id cannot be changed once set", path.raw),
            ));
        }
        return Ok(());
    }
    unique_in(state, path, value, "id")
}

/// RTE 4.2.9.1: interaction objective ids, and the correct response
/// patterns of a choice interaction, are unique within their collection.
fn unique_in(
    state: &CmiState,
    path: &ElementPath<'_>,
    value: &str,
    field: &str,
) -> Result<(), CmiError> {
    let Some((collection, index)) = path.indices.last() else {
        return Ok(());
    };
    let clash = (0..state.count(collection))
        .filter(|j| j != index)
        .any(|j| state.get(&format!("{collection}.{j}.{field}")) == Some(value));
    if clash {
        return Err(err(
            ErrorCode::SET_FAILURE,
            format!("{}: {value:?} is already used in {collection}", path.raw),
        ));
    }
    Ok(())
}

/// RTE 4.2.9.1: true-false, likert, numeric and other interactions have a
/// single correct response pattern.
fn pattern_slot(state: &CmiState, path: &ElementPath<'_>) -> Result<(), CmiError> {
    let ty = interaction_type(state, path).and_then(|t| InteractionType::parse(&t));
    let index = path.indices.last().map_or(0, |(_, i)| *i);
    match ty.and_then(InteractionType::max_patterns) {
        Some(max) if index >= max => Err(err(
            ErrorCode::SET_FAILURE,
            format!(
                "{}: a {ty:?} interaction has at most {max} correct response pattern",
                path.raw
            ),
        )),
        _ => Ok(()),
    }
}

/// CAM 4th Ed `adlcp:map@writeSharedData` (RTE 4.3): a store the SCO may not
/// write is read-only to it.
fn shared_write(state: &CmiState, path: &ElementPath<'_>) -> Result<(), CmiError> {
    let index = path.indices.first().map_or(0, |(_, i)| *i);
    match state.shared_data.get(index) {
        Some(a) if !a.writable => Err(err(
            ErrorCode::READ_ONLY,
            format!("{}: store {} is read-only for this SCO", path.raw, a.id),
        )),
        _ => Ok(()),
    }
}
