//! A short-lived, in-process cache of verified LRS credentials, so that an LRS request does
//! not cost a database transaction just to learn who is calling (docs/xapi.md "Performance").
//!
//! Entries are keyed by the SHA-256 of the presented `key:secret` (the secret itself is not
//! kept), hold the credential (its scope and xAPI scopes), and live [`CREDENTIAL_CACHE_TTL`].
//! A revocation through this process's API forgets the credential at once; another process
//! sharing the database stops accepting it within the TTL.

use larch_store::LrsCredential;
use larch_store::ids::LrsCredentialId;
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a verified credential is trusted without asking the database: 10 seconds, the
/// longest a revocation made on another node can take to apply here.
pub(crate) const CREDENTIAL_CACHE_TTL: Duration = Duration::from_secs(10);

/// Entries kept at most; past it, expired ones are dropped, then all (a flood of distinct
/// credentials cannot grow memory).
const MAX_ENTRIES: usize = 10_000;

/// Verified credentials by the digest of what was presented.
#[derive(Debug)]
pub(crate) struct CredentialCache {
    ttl: Duration,
    entries: Mutex<HashMap<[u8; 32], (LrsCredential, Instant)>>,
}

impl Default for CredentialCache {
    fn default() -> Self {
        Self::new(CREDENTIAL_CACHE_TTL)
    }
}

impl CredentialCache {
    /// A cache whose entries live `ttl`.
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::default(),
        }
    }

    fn digest(key: &str, secret: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(key.as_bytes());
        hasher.update(b":");
        hasher.update(secret.as_bytes());
        hasher.finalize().into()
    }

    /// The credential verified for this `key:secret` less than the TTL ago.
    pub(crate) fn get(&self, key: &str, secret: &str) -> Option<LrsCredential> {
        let digest = Self::digest(key, secret);
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&digest)
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(credential, _)| credential.clone())
    }

    /// Remembers a credential the database just verified for this `key:secret`.
    pub(crate) fn insert(&self, key: &str, secret: &str, credential: LrsCredential) {
        let digest = Self::digest(key, secret);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, (_, at)| at.elapsed() < ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(digest, (credential, Instant::now()));
    }

    /// Forgets a credential (it was just revoked).
    pub(crate) fn forget(&self, id: &LrsCredentialId) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|_, (credential, _)| credential.id != *id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use larch_store::{AppId, Environment, Scope, TenantId};

    fn credential() -> LrsCredential {
        LrsCredential {
            id: LrsCredentialId::generate(),
            scope: Scope {
                tenant: TenantId(1),
                app: AppId(1),
                env: Environment::Test,
            },
            name: "c".into(),
            key: "key".into(),
            scopes: "all".into(),
            created: 0,
            revoked: None,
        }
    }

    #[test]
    fn a_cached_credential_needs_the_same_secret() {
        let cache = CredentialCache::default();
        cache.insert("key", "secret", credential());
        assert!(cache.get("key", "secret").is_some());
        assert!(cache.get("key", "other").is_none());
        assert!(cache.get("key2", "secret").is_none());
    }

    #[test]
    fn entries_expire_and_revocation_forgets() {
        let cache = CredentialCache::new(Duration::ZERO);
        cache.insert("key", "secret", credential());
        assert!(cache.get("key", "secret").is_none(), "expired at once");
        let cache = CredentialCache::default();
        let c = credential();
        cache.insert("key", "secret", c.clone());
        cache.forget(&c.id);
        assert!(cache.get("key", "secret").is_none());
    }
}
