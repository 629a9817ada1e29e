//! SCORM 2004 GetValue/SetValue rules (RTE 3.1.3.4–3.1.3.5 for the API
//! behaviour, RTE 4.2–4.4 for the elements).

pub(crate) mod eval;
mod set;

pub(crate) use set::set_value;

use crate::errors::{CmiError, ErrorCode, err};
use crate::nav::{NavigationOracle, parse_query};
use crate::path::{ElementPath, Keyword};
use crate::schema::{Access, Schema};
use crate::state::CmiState;

const NAV_VALID: &str = "adl.nav.request_valid.";

/// GetValue (RTE 3.1.3.4) on a running instance.
pub(crate) fn get_value(
    state: &CmiState,
    element: &str,
    oracle: &dyn NavigationOracle,
) -> Result<String, CmiError> {
    if element.is_empty() {
        return Err(err(
            ErrorCode::GET_FAILURE,
            "GetValue requires a data model element name",
        ));
    }
    if let Some(rest) = element.strip_prefix(NAV_VALID) {
        let query = parse_query(rest, state.version).ok_or_else(|| {
            err(
                ErrorCode::UNDEFINED_ELEMENT,
                format!("{element} is not a defined navigation query"),
            )
        })?;
        return Ok(oracle.request_valid(query).as_str().to_owned());
    }
    let schema = Schema::for_version(state.version);
    let path = ElementPath::parse(element);
    if let Some((kw, prefix)) = path.keyword() {
        return keyword(state, &schema, &path, kw, prefix);
    }
    // Containers (`cmi.score`) are not elements: 401, as the ADL CTS expects.
    let def = schema.element(&path.pattern).ok_or_else(|| {
        err(
            ErrorCode::UNDEFINED_ELEMENT,
            format!("{element} is not a data model element"),
        )
    })?;
    if def.access == Access::WriteOnly {
        return Err(err(
            ErrorCode::WRITE_ONLY,
            format!("{element} is write-only"),
        ));
    }
    check_indices(state, &path)?;
    read_leaf(state, &path)
}

/// The value of an existing, readable leaf: evaluated statuses (RTE
/// 4.2.4.1, 4.2.22.1), shared data read rights, stored values, defaults; 403
/// for a value never set.
fn read_leaf(state: &CmiState, path: &ElementPath<'_>) -> Result<String, CmiError> {
    if let Some(v) = eval::evaluated(state, &path.canonical) {
        return Ok(v);
    }
    if path.pattern == "adl.data.n.store" {
        check_shared_read(state, path)?;
    }
    match state.get(&path.canonical) {
        Some(v) => Ok(v.to_owned()),
        None => default_value(&path.pattern)
            .map(str::to_owned)
            .ok_or_else(|| {
                err(
                    ErrorCode::NOT_INITIALIZED_VALUE,
                    format!("{} has not been set", path.raw),
                )
            }),
    }
}

/// Values an existing record has before the SCO sets them (RTE 4.2.17.3,
/// 4.2.17.4: an objective's statuses start as `unknown`).
fn default_value(pattern: &str) -> Option<&'static str> {
    match pattern {
        "cmi.objectives.n.success_status" | "cmi.objectives.n.completion_status" => Some("unknown"),
        _ => None,
    }
}

/// Every index must name an existing record: reading beyond `_count` is a
/// general get failure (301).
fn check_indices(state: &CmiState, path: &ElementPath<'_>) -> Result<(), CmiError> {
    for (collection, index) in &path.indices {
        let count = state.count(collection);
        if *index >= count {
            return Err(err(
                ErrorCode::GET_FAILURE,
                format!(
                    "{}: index {index} is beyond {collection}._count ({count})",
                    path.raw
                ),
            ));
        }
    }
    Ok(())
}

/// CAM 4th Ed `adlcp:map@readSharedData`: a store the SCO may not read is
/// write-only to it (405).
fn check_shared_read(state: &CmiState, path: &ElementPath<'_>) -> Result<(), CmiError> {
    let index = path.indices.first().map_or(0, |(_, i)| *i);
    match state.shared_data.get(index) {
        Some(access) if !access.readable => Err(err(
            ErrorCode::WRITE_ONLY,
            format!(
                "{}: shared data store {} is not readable by this SCO",
                path.raw, access.id
            ),
        )),
        _ => Ok(()),
    }
}

/// `_version`, `_children`, `_count` (RTE 4.1.2). On an element that exists
/// but has no such keyword the answer is 301; on an unknown name, 401.
fn keyword(
    state: &CmiState,
    schema: &Schema,
    path: &ElementPath<'_>,
    kw: Keyword,
    prefix: &str,
) -> Result<String, CmiError> {
    let not_here = |what: &str| {
        if schema.is_known_prefix(prefix) {
            err(
                ErrorCode::GET_FAILURE,
                format!("{}: {prefix} has no {what}", path.raw),
            )
        } else {
            err(
                ErrorCode::UNDEFINED_ELEMENT,
                format!("{} is not defined in this data model", path.raw),
            )
        }
    };
    let container = schema.container(prefix);
    match kw {
        Keyword::Version if prefix == "cmi" => Ok(state.version.cmi_version().to_owned()),
        Keyword::Version => Err(not_here("_version")),
        Keyword::Children => container
            .and_then(|c| c.children)
            .map(str::to_owned)
            .ok_or_else(|| not_here("_children")),
        Keyword::Count => {
            if !container.is_some_and(|c| c.collection) {
                return Err(not_here("_count"));
            }
            check_indices(state, path)?;
            Ok(state.count(path.parent()).to_string())
        }
    }
}
