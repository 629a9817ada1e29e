//! LRS credentials: HTTP Basic `key:secret` pairs (xAPI-Communication 4.1 "Security"), each
//! opening one environment's LRS with a list of scopes (Communication 4.2).

use crate::ids::{LrsCredentialId, random_base62};
use crate::scope::Scope;
use sha2::{Digest as _, Sha256};
use std::fmt;

/// Characters of a generated key (the Basic user): public, but unguessable.
const KEY_LEN: usize = 24;
/// Characters of a generated secret (the Basic password): about 238 bits.
const SECRET_LEN: usize = 40;

/// A credential's secret. `Debug` hides it, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct LrsSecret(String);

impl LrsSecret {
    /// A fresh random secret.
    pub fn generate() -> Self {
        Self(random_base62(SECRET_LEN))
    }

    /// A presented secret (any text: a wrong one simply matches nothing).
    pub fn presented(raw: &str) -> Self {
        Self(raw.to_owned())
    }

    /// The secret itself: to show once, at creation.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LrsSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LrsSecret(…)")
    }
}

/// A fresh random key (the Basic user).
pub(crate) fn generate_key() -> String {
    random_base62(KEY_LEN)
}

/// What is stored and looked up: SHA-256 of `key:secret`, hex. Both are long random strings,
/// so a plain hash suffices (nothing to guess from a dictionary).
pub(crate) fn pair_hash(key: &str, secret: &LrsSecret) -> String {
    hex::encode(Sha256::digest(format!("{key}:{}", secret.0).as_bytes()))
}

/// A stored credential (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LrsCredential {
    /// `lrsk_…`.
    pub id: LrsCredentialId,
    /// The LRS (environment) it opens.
    pub scope: Scope,
    /// A human name.
    pub name: String,
    /// The HTTP Basic user.
    pub key: String,
    /// Space-separated xAPI scopes, e.g. `statements/write statements/read/mine`.
    pub scopes: String,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds of revocation; a revoked credential opens nothing.
    pub revoked: Option<i64>,
}

/// A credential just created: the only moment its secret exists outside the client.
#[derive(Debug, Clone)]
pub struct CreatedLrsCredential {
    /// The stored credential.
    pub credential: LrsCredential,
    /// The secret, to show once.
    pub secret: LrsSecret,
}
