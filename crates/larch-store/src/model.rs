//! The stored objects of the aggregates, as the store traits take and return them.

use crate::ids::LearnerId;
use crate::scope::{AppId, Scope, TenantId};

/// The most items one page may hold.
pub const MAX_PAGE_LIMIT: u32 = 100;

/// Which page of a list to read: newest first, `limit` items after `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1 to [`MAX_PAGE_LIMIT`]; larger values are clamped.
    pub limit: u32,
    /// The cursor of the previous page's last item, or `None` for the first page.
    pub after: Option<Cursor>,
}

impl Default for PageRequest {
    /// The first page of 10, as the API defaults to.
    fn default() -> Self {
        Self {
            limit: 10,
            after: None,
        }
    }
}

/// A position in a list: the internal insertion sequence of the last item seen.
///
/// Stable under inserts and deletes (unlike offsets). The API shows it opaque.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(pub i64);

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, newest first.
    pub items: Vec<T>,
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows, each with its sequence: the extra row, if
    /// present, only says that there is more.
    pub fn from_rows(mut rows: Vec<(i64, T)>, page: PageRequest) -> Self {
        let limit = page.limit.clamp(1, MAX_PAGE_LIMIT);
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = if more {
            rows.last().map(|(seq, _)| Cursor(*seq))
        } else {
            None
        };
        Self {
            items: rows.into_iter().map(|(_, item)| item).collect(),
            next,
        }
    }
}

/// The `LIMIT` to ask the database for: one more than the page, to learn whether more exist.
pub(crate) fn fetch_limit(page: PageRequest) -> i64 {
    i64::from(page.limit.clamp(1, MAX_PAGE_LIMIT)) + 1
}

/// The sequence to read below: the cursor, or everything for the first page.
pub(crate) fn cursor_bound(page: PageRequest) -> i64 {
    page.after.map_or(i64::MAX, |c| c.0)
}

/// A learner: a person who takes courses, identified by the integrator's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learner {
    /// Client-supplied or `lrn_…`.
    pub id: LearnerId,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Contact address, when known.
    pub email: Option<String>,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds of the last change.
    pub updated: i64,
}

/// The fields of a new learner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLearner {
    /// The id to use (the caller generates one when the integrator gave none).
    pub id: LearnerId,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Contact address.
    pub email: Option<String>,
}

/// A partial update of a learner: `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LearnerPatch {
    /// New given name.
    pub first_name: Option<String>,
    /// New family name.
    pub last_name: Option<String>,
    /// New address; `Some(None)` clears it.
    pub email: Option<Option<String>>,
}

/// A tenant created by bootstrap or administration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// Internal id.
    pub id: TenantId,
    /// Display name, e.g. `default`.
    pub name: String,
}

/// An application of a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Internal id.
    pub id: AppId,
    /// Its tenant.
    pub tenant: TenantId,
    /// Display name, e.g. `default`.
    pub name: String,
}

/// What happens to a request that carries an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First time this key is seen: the request runs, then its response is recorded.
    Claimed,
    /// The key was used for the same request: answer with the recorded response.
    Replay {
        /// HTTP status recorded.
        status: u16,
        /// Response body recorded.
        body: String,
    },
    /// The key was used for a different request (method, path or body).
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

/// The scope and environment of a freshly bootstrapped installation.
#[derive(Debug, Clone)]
pub struct Bootstrapped {
    /// The `test` environment of the `default` application of the `default` tenant.
    pub scope: Scope,
    /// The key created (generated, or the one configured): shown once.
    pub key: crate::keys::CreatedApiKey,
}
