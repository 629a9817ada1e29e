//! Walking untrusted JSON with a property path, the way xAPI-Data 2.2 asks: unknown properties,
//! `null` values and wrong types are rejected, keys are case-sensitive.

use serde_json::{Map, Value};

use crate::error::{Path, Valid};

/// A JSON object being validated, with its path.
pub(crate) struct Obj<'a, 'p> {
    pub(crate) map: &'a Map<String, Value>,
    pub(crate) path: &'p Path<'p>,
}

impl<'a, 'p> Obj<'a, 'p> {
    /// `value` must be a JSON object (xAPI-Data 2.2: wrong data types are rejected).
    pub(crate) fn new(value: &'a Value, path: &'p Path<'p>) -> Valid<Self> {
        match value {
            Value::Object(map) => Ok(Self { map, path }),
            _ => Err(path.err("must be an object")),
        }
    }

    /// xAPI-Data 2.2: reject properties not allowed here (keys are case-sensitive) and
    /// `null` values (extensions are checked by their own walker, which allows them).
    pub(crate) fn allow(&self, allowed: &[&str]) -> Valid<()> {
        for (key, value) in self.map {
            if !allowed.contains(&key.as_str()) {
                return Err(self.path.key(key).err("is not an allowed property"));
            }
            if value.is_null() {
                return Err(self.path.key(key).err("must not be null"));
            }
        }
        Ok(())
    }

    /// The value of `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    /// The value of `key`, which must be present.
    pub(crate) fn req(&self, key: &'static str) -> Valid<&'a Value> {
        self.get(key)
            .ok_or_else(|| self.path.key(key).err("is required"))
    }

    /// An optional string property.
    pub(crate) fn str(&self, key: &'static str) -> Valid<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.path.key(key).err("must be a string")),
        }
    }

    /// A required string property.
    pub(crate) fn req_str(&self, key: &'static str) -> Valid<&'a str> {
        self.str(key)?
            .ok_or_else(|| self.path.key(key).err("is required"))
    }

    /// An optional boolean property (xAPI-Data 2.2: the string "true" is not a boolean).
    pub(crate) fn bool(&self, key: &'static str) -> Valid<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.path.key(key).err("must be a boolean")),
        }
    }

    /// An optional number property (xAPI-Data 2.2: the string "1" is not a number).
    pub(crate) fn num(&self, key: &'static str) -> Valid<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .map(Some)
                .ok_or_else(|| self.path.key(key).err("must be a number")),
            Some(_) => Err(self.path.key(key).err("must be a number")),
        }
    }

    /// The `objectType` property, if present.
    pub(crate) fn object_type(&self) -> Valid<Option<&'a str>> {
        self.str("objectType")
    }
}

/// `value` must be a JSON array.
pub(crate) fn array<'a>(value: &'a Value, path: &Path<'_>) -> Valid<&'a [Value]> {
    match value {
        Value::Array(items) => Ok(items),
        _ => Err(path.err("must be an array")),
    }
}
