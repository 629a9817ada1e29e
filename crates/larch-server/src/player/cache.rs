//! In-process caches on the commit path (docs/runtime.md, "Performance"). A commit used to
//! take three transactions: find the session by its secret, load the state, save. With these,
//! a busy session's commit is one: the save.
//!
//! Neither cache can make a write wrong. A cached state is only a guess: the save names the
//! revision it was computed from, and a stale guess loses the race and is reloaded. A cached
//! session is re-checked by the save itself, which writes nothing through a session that has
//! ended (`RuntimeSave::SessionEnded`). What a cached session can still let through, for at
//! most [`SESSION_TTL`], is a call that writes nothing (a duplicate commit) on a session
//! another node ended.

use larch_runtime::RegistrationState;
use larch_store::ids::RegistrationId;
use larch_store::{PlayerSession, Scope};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a verified player session is trusted without asking the store again.
pub(crate) const SESSION_TTL: Duration = Duration::from_secs(5);

/// Sessions kept: beyond this, expired ones go, then all. A miss only costs a query.
const MAX_SESSIONS: usize = 20_000;

/// States kept (a SCORM 2004 state with suspend data can be tens of KB): beyond this, any
/// one goes. A miss only costs a query.
const MAX_STATES: usize = 4_096;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves a map that is still consistent.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Verified player sessions by secret hash.
#[derive(Debug, Default)]
pub(crate) struct SessionCache {
    map: Mutex<HashMap<String, (Instant, Scope, PlayerSession)>>,
}

impl SessionCache {
    /// The session with this secret hash, if verified within the TTL and not expired at `now`
    /// (unix seconds).
    pub(crate) fn get(&self, hash: &str, now: i64) -> Option<(Scope, PlayerSession)> {
        let map = lock(&self.map);
        let (at, scope, session) = map.get(hash)?;
        (at.elapsed() < SESSION_TTL && session.expires_at > now).then(|| (*scope, session.clone()))
    }

    /// Remembers a session the store just verified.
    pub(crate) fn put(&self, hash: String, scope: Scope, session: PlayerSession) {
        let mut map = lock(&self.map);
        if map.len() >= MAX_SESSIONS {
            map.retain(|_, (at, ..)| at.elapsed() < SESSION_TTL);
            if map.len() >= MAX_SESSIONS {
                map.clear();
            }
        }
        map.insert(hash, (Instant::now(), scope, session));
    }

    /// Forgets a session that ended on this node.
    pub(crate) fn forget(&self, id: &str) {
        lock(&self.map).retain(|_, (_, _, s)| s.id != id);
    }

    /// Forgets every session of a registration instance (a launch here ended them).
    pub(crate) fn forget_instance(&self, registration: &RegistrationId, instance: i64) {
        lock(&self.map)
            .retain(|_, (_, _, s)| !(s.registration_id == *registration && s.instance == instance));
    }
}

/// The key of a cached state: a registration instance as driven by one player session (a
/// registration deleted and created again gets new sessions, so never an old state).
pub(crate) type StateKey = (Scope, RegistrationId, i64, String);

/// The latest state this node wrote for a registration instance, with its revision.
#[derive(Debug, Default)]
pub(crate) struct StateCache {
    map: Mutex<HashMap<StateKey, (i64, RegistrationState)>>,
}

impl StateCache {
    /// The cached state and its revision, taken out (not cloned: a state is a tree of maps,
    /// whose clone was 3.5 % of the server's CPU samples at 64 sessions). The caller puts back
    /// what it wrote; a call on the same session meanwhile finds none and reads the store.
    pub(crate) fn take(&self, key: &StateKey) -> Option<(RegistrationState, i64)> {
        let mut map = lock(&self.map);
        map.remove(key).map(|(rev, state)| (state, rev))
    }

    /// Remembers the state just written at `revision`.
    pub(crate) fn put(&self, key: StateKey, revision: i64, state: RegistrationState) {
        let mut map = lock(&self.map);
        if map.len() >= MAX_STATES && !map.contains_key(&key) {
            let any = map.keys().next().cloned();
            if let Some(any) = any {
                map.remove(&any);
            }
        }
        map.insert(key, (revision, state));
    }

    /// Drops the states of a registration instance's sessions (a launch here ended them).
    pub(crate) fn forget_instance(&self, registration: &RegistrationId, instance: i64) {
        lock(&self.map).retain(|(_, r, i, _), _| !(r == registration && *i == instance));
    }

    /// Drops a state found stale or finished with.
    pub(crate) fn forget(&self, key: &StateKey) {
        lock(&self.map).remove(key);
    }
}
