//! The run-time view of course versions, built once per process and version: a version never
//! changes after import, so every node may cache it without coordination.

use crate::error::ApiError;
use larch_cmi::{RuntimeConfig, Strictness};
use larch_runtime::{CourseError, RuntimeCourse};
use larch_store::ids::CourseId;
use larch_store::{Scope, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Versions kept; past this the cache starts over (cheap to rebuild, rare to reach).
const CAPACITY: usize = 512;

/// Cache key: the scope, the course version and whether it validates strictly.
type Key = (Scope, CourseId, i64, bool);

/// Built run-time courses by version.
#[derive(Debug, Default)]
pub(crate) struct CourseCache {
    /// Invariant: each value was built from the stored structure of its key's version.
    built: Mutex<HashMap<Key, Arc<RuntimeCourse>>>,
}

/// Why a course version cannot be played by the SCORM/AICC player.
#[derive(Debug)]
pub(crate) enum NotPlayable {
    /// cmi5, xAPI or media: another runtime, or none yet.
    Standard(CourseError),
    /// The stored course model cannot be read (written by an older or foreign importer).
    Unreadable(String),
}

impl std::fmt::Display for NotPlayable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Standard(err) => err.fmt(f),
            Self::Unreadable(err) => write!(f, "the stored course model cannot be read: {err}"),
        }
    }
}

impl CourseCache {
    /// The run-time course of `course` version `version`, validating with `strictness`.
    pub(crate) async fn get(
        &self,
        store: &Store,
        scope: Scope,
        course: &CourseId,
        (version, strictness): (i64, Strictness),
    ) -> Result<Result<Arc<RuntimeCourse>, NotPlayable>, ApiError> {
        let strict = strictness == Strictness::Strict;
        let key = (scope, course.clone(), version, strict);
        if let Some(hit) = self.lock().get(&key) {
            return Ok(Ok(hit.clone()));
        }
        let structure = store
            .courses()
            .version_structure(scope, course, version)
            .await?
            .ok_or(ApiError::NotFound {
                what: "course version",
                id: Some(format!("{course}@{version}")),
            })?;
        let parsed: larch_package::Course = match serde_json::from_value(structure) {
            Ok(parsed) => parsed,
            Err(e) => {
                tracing::error!(course.id = %course, version, error = %e, "stored course model unreadable");
                return Ok(Err(NotPlayable::Unreadable(e.to_string())));
            }
        };
        let built = match RuntimeCourse::from_course(&parsed) {
            Ok(mut built) => {
                if strict {
                    built.config = RuntimeConfig::strict();
                }
                Arc::new(built)
            }
            Err(err) => return Ok(Err(NotPlayable::Standard(err))),
        };
        let mut cache = self.lock();
        if cache.len() >= CAPACITY {
            cache.clear();
        }
        cache.insert(key, built.clone());
        Ok(Ok(built))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<RuntimeCourse>>> {
        // A panic while holding the lock cannot leave a half-built entry: recover the map.
        self.built
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
