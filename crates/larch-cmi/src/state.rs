//! The run-time data of one activity attempt, serializable.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ScormVersion;

/// Access to one `adl.data` shared data store from this SCO (CAM 4th Ed
/// `adlcp:map`, RTE 4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedDataAccess {
    /// `targetID` of the store.
    pub id: String,
    /// `readSharedData`: by default, true.
    pub readable: bool,
    /// `writeSharedData`: by default, true.
    pub writable: bool,
}

/// The run-time data of one activity attempt: every element value, keyed by
/// its full dotted name as the SCO would name it (`cmi.location`,
/// `cmi.interactions.0.id`). Values are stored exactly as set, so GetValue
/// returns what SetValue accepted. LMS-supplied values (`cmi.learner_id`,
/// `cmi.credit`, …) are stored the same way at initialization.
///
/// This flat shape makes the state trivially serializable, diffable
/// ([`crate::diff`]) and storable as rows; typed views are in
/// [`crate::RuntimeOutcome`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CmiState {
    /// The data model this state belongs to.
    pub version: ScormVersion,
    /// Element values.
    pub values: BTreeMap<String, String>,
    /// Record counts of collections, keyed by collection name
    /// (`cmi.interactions`, `cmi.interactions.0.objectives`). Derived from the
    /// keys of `values`; kept so `_count` is O(log n).
    #[serde(default)]
    pub counts: BTreeMap<String, usize>,
    /// Shared data stores mapped to this SCO (4th Ed `adl.data`), in order.
    #[serde(default)]
    pub shared_data: Vec<SharedDataAccess>,
}

impl CmiState {
    /// An empty state (no values) for `version`.
    pub fn empty(version: ScormVersion) -> Self {
        Self {
            version,
            values: BTreeMap::new(),
            counts: BTreeMap::new(),
            shared_data: Vec::new(),
        }
    }

    /// The stored value of `element`.
    pub fn get(&self, element: &str) -> Option<&str> {
        self.values.get(element).map(String::as_str)
    }

    /// Number of records in `collection` (by full name).
    pub fn count(&self, collection: &str) -> usize {
        self.counts.get(collection).copied().unwrap_or(0)
    }

    /// Stores a value with no validation, growing the counts of the
    /// collections the name indexes, and returns the previous value. Used by
    /// the API after validation, and by loaders of trusted data
    /// (initialization, resume, diffs).
    pub fn set_raw(&mut self, element: &str, value: impl Into<String>) -> Option<String> {
        for (collection, index) in collection_indices(element) {
            match self.counts.get_mut(collection) {
                Some(count) => *count = (*count).max(index + 1),
                None => {
                    self.counts.insert(collection.to_owned(), index + 1);
                }
            }
        }
        self.values.insert(element.to_owned(), value.into())
    }

    /// Removes a value and recomputes the counts.
    pub fn remove_raw(&mut self, element: &str) -> Option<String> {
        let old = self.values.remove(element);
        if old.is_some() && element.bytes().any(|b| b.is_ascii_digit()) {
            self.recount();
        }
        old
    }

    /// Recomputes `counts` from the keys of `values` (after deserializing
    /// data from an untrusted or older source).
    pub fn recount(&mut self) {
        let mut counts = BTreeMap::new();
        for key in self.values.keys() {
            for (collection, index) in collection_indices(key) {
                let count: &mut usize = counts.entry(collection.to_owned()).or_insert(0);
                *count = (*count).max(index + 1);
            }
        }
        self.counts = counts;
    }
}

/// The `(collection, index)` pairs a full element name passes through.
pub(crate) fn collection_indices(element: &str) -> impl Iterator<Item = (&str, usize)> {
    let mut offset = 0;
    element.split('.').filter_map(move |token| {
        let start = offset;
        offset += token.len() + 1;
        let idx = (start > 0 && !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()))
            .then(|| token.parse::<usize>().ok())
            .flatten()?;
        Some((&element[..start - 1], idx))
    })
}
