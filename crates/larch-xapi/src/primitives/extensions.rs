//! Extensions (xAPI-Data 4.1): an object whose keys are IRIs and whose values are any JSON,
//! `null` included.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Path, Valid};
use crate::primitives::is_iri;

/// An `extensions` map (xAPI-Data 4.1).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(transparent)]
pub struct Extensions(pub Map<String, Value>);

impl Extensions {
    /// Validates an `extensions` object: keys must be IRIs; values are free.
    pub(crate) fn parse(value: &Value, path: &Path<'_>) -> Valid<Self> {
        let Value::Object(map) = value else {
            return Err(path.err("must be an object"));
        };
        if let Some(key) = map.keys().find(|k| !is_iri(k)) {
            return Err(path.key(key).err("extension keys must be IRIs"));
        }
        Ok(Self(map.clone()))
    }
}
