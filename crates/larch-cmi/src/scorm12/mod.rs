//! SCORM 1.2 LMSGetValue/LMSSetValue rules (RTE 1.2 3.3.4 and 3.4).

pub(crate) mod finish;

use crate::config::RuntimeConfig;
use crate::errors::{CmiError, ErrorCode, err};
use crate::path::{ElementPath, Keyword};
use crate::schema::{Access, ElementDef, Schema};
use crate::state::CmiState;
use crate::transcript::Stored;
use crate::validate::{ValueCtx, check};

fn invalid(element: &str, why: &str) -> CmiError {
    err(ErrorCode::ARGUMENT, format!("{element}: {why}"))
}

/// LMSGetValue on a running instance. Unset values read as "" (RTE 1.2
/// 3.3.4.3: "If the value has not been set, an empty string is returned").
pub(crate) fn get_value(state: &CmiState, element: &str) -> Result<String, CmiError> {
    if element.is_empty() {
        return Err(invalid("(empty)", "LMSGetValue requires an element name"));
    }
    let schema = Schema::for_version(state.version);
    let path = ElementPath::parse(element);
    if let Some((kw, prefix)) = path.keyword() {
        return keyword(state, &schema, &path, kw, prefix);
    }
    let def = schema
        .element(&path.pattern)
        .ok_or_else(|| invalid(element, "not a SCORM 1.2 element"))?;
    if def.access == Access::WriteOnly {
        return Err(err(
            ErrorCode::V12_WRITE_ONLY,
            format!("{element} is write-only"),
        ));
    }
    for (collection, index) in &path.indices {
        if *index >= state.count(collection) {
            return Err(invalid(
                element,
                &format!("index {index} is beyond {collection}._count"),
            ));
        }
    }
    Ok(state.get(&path.canonical).unwrap_or_default().to_owned())
}

/// `_version`, `_children` (202 where absent), `_count` (203 where absent).
fn keyword(
    state: &CmiState,
    schema: &Schema,
    path: &ElementPath<'_>,
    kw: Keyword,
    prefix: &str,
) -> Result<String, CmiError> {
    let known = schema.is_known_prefix(prefix);
    let container = schema.container(prefix);
    match kw {
        Keyword::Version if prefix == "cmi" => Ok(state.version.cmi_version().to_owned()),
        Keyword::Version => Err(invalid(path.raw, "only cmi._version is defined")),
        Keyword::Children => container
            .and_then(|c| c.children)
            .map(str::to_owned)
            .ok_or_else(|| {
                if known {
                    err(
                        ErrorCode::V12_NO_CHILDREN,
                        format!("{prefix} has no children"),
                    )
                } else {
                    invalid(path.raw, "not a SCORM 1.2 element")
                }
            }),
        Keyword::Count => {
            if !container.is_some_and(|c| c.collection) {
                return Err(if known {
                    err(ErrorCode::V12_NO_COUNT, format!("{prefix} is not an array"))
                } else {
                    invalid(path.raw, "not a SCORM 1.2 element")
                });
            }
            Ok(state.count(path.parent()).to_string())
        }
    }
}

/// LMSSetValue on a running instance (RTE 1.2 3.3.4.4).
pub(crate) fn set_value(
    state: &mut CmiState,
    config: &RuntimeConfig,
    element: &str,
    value: &str,
) -> Result<Stored, CmiError> {
    let (path, def) = writable_element(state, element)?;
    check_set_indices(state, &path)?;
    let itype = path
        .indices
        .first()
        .filter(|(c, _)| c == "cmi.interactions")
        .and_then(|(c, i)| state.get(&format!("{c}.{i}.type")))
        .map(str::to_owned);
    let ctx = ValueCtx {
        version: state.version,
        config,
        element,
        interaction_type: itype.as_deref(),
    };
    let checked = check(def, value, &ctx)?;
    let old = state.set_raw(&path.canonical, checked.value.clone());
    Ok(Stored {
        key: path.canonical,
        old,
        new: Some(checked.value),
        warnings: checked.warnings,
    })
}

/// "" and unknown names are 201, keywords 402, read-only elements 403
/// (RTE 1.2 3.3.3, Table 3.3.3a).
fn writable_element<'a>(
    state: &CmiState,
    element: &'a str,
) -> Result<(ElementPath<'a>, &'static ElementDef), CmiError> {
    if element.is_empty() {
        return Err(invalid("(empty)", "LMSSetValue requires an element name"));
    }
    let schema = Schema::for_version(state.version);
    let path = ElementPath::parse(element);
    if let Some((_, prefix)) = path.keyword() {
        return Err(if schema.is_known_prefix(prefix) {
            err(ErrorCode::V12_KEYWORD, format!("{element} is a keyword"))
        } else {
            invalid(element, "not a SCORM 1.2 element")
        });
    }
    let def = schema
        .element(&path.pattern)
        .ok_or_else(|| invalid(element, "not a SCORM 1.2 element"))?;
    if def.access == Access::ReadOnly {
        return Err(err(
            ErrorCode::V12_READ_ONLY,
            format!("{element} is read-only"),
        ));
    }
    Ok((path, def))
}

/// Records are appended in order: an index may equal `_count` only for the
/// innermost collection (201 otherwise).
fn check_set_indices(state: &CmiState, path: &ElementPath<'_>) -> Result<(), CmiError> {
    let last = path.indices.len().saturating_sub(1);
    for (i, (collection, index)) in path.indices.iter().enumerate() {
        let (count, index) = (state.count(collection), *index);
        if index > count || (index == count && i != last) {
            let why = format!("index {index} skips records ({collection}._count is {count})");
            return Err(invalid(path.raw, &why));
        }
    }
    Ok(())
}
