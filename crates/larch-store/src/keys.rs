//! API key secrets: generated, parsed, hashed. The secret itself is never stored.

use crate::ids::{ApiKeyId, random_base62};
use crate::scope::{Environment, Scope};
use sha2::{Digest as _, Sha256};
use std::fmt;

/// Characters after the prefix in a generated key: about 238 bits of entropy.
const GENERATED_LEN: usize = 40;
/// The fewest characters after the prefix that we accept (also for `LARCH_BOOTSTRAP_API_KEY`).
pub const MIN_SECRET_LEN: usize = 32;

/// A presented or generated API key secret, `sk_test_…` or `sk_live_…`.
///
/// `Debug` and `Display` show only the hint, so a secret cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKeySecret {
    env: Environment,
    raw: String,
}

/// Why a string is not an API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidApiKey {
    /// Neither `sk_test_` nor `sk_live_`.
    #[error("API keys start with `sk_test_` or `sk_live_`")]
    Prefix,
    /// Too short or outside `[A-Za-z0-9]` after the prefix.
    #[error("API keys have at least 32 letters and digits after the prefix")]
    Body,
}

impl ApiKeySecret {
    /// A fresh high-entropy key for `env`.
    pub fn generate(env: Environment) -> Self {
        Self {
            env,
            raw: format!("{}{}", env.key_prefix(), random_base62(GENERATED_LEN)),
        }
    }

    /// Parses a presented key; says nothing about whether it exists.
    pub fn parse(raw: &str) -> Result<Self, InvalidApiKey> {
        let (env, body) = if let Some(body) = raw.strip_prefix(Environment::Test.key_prefix()) {
            (Environment::Test, body)
        } else if let Some(body) = raw.strip_prefix(Environment::Live.key_prefix()) {
            (Environment::Live, body)
        } else {
            return Err(InvalidApiKey::Prefix);
        };
        if body.len() < MIN_SECRET_LEN
            || body.len() > 200
            || !body.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(InvalidApiKey::Body);
        }
        Ok(Self {
            env,
            raw: raw.to_owned(),
        })
    }

    /// The environment the prefix names.
    pub fn env(&self) -> Environment {
        self.env
    }

    /// The secret itself: to show once, at creation, and to send as a client.
    pub fn expose(&self) -> &str {
        &self.raw
    }

    /// SHA-256 of the key, hex: what is stored and looked up.
    ///
    /// A plain hash is enough here (no salt, no slow KDF) because the keys are long random
    /// strings, not passwords: there is no dictionary to try.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.raw.as_bytes()))
    }

    /// The displayable hint: prefix and last four characters, `sk_test_…a1B2`.
    pub fn hint(&self) -> String {
        let tail = &self.raw[self.raw.len() - 4..];
        format!("{}…{tail}", self.env.key_prefix())
    }
}

impl fmt::Debug for ApiKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKeySecret({})", self.hint())
    }
}

/// A stored API key (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// `key_…`.
    pub id: ApiKeyId,
    /// The scope the key opens.
    pub scope: Scope,
    /// A human name, e.g. "CI".
    pub name: String,
    /// Prefix and last four characters.
    pub hint: String,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds of the last authenticated request, to the minute; `None` if never used.
    pub last_used: Option<i64>,
    /// Unix seconds of revocation; a revoked key authenticates nothing.
    pub revoked: Option<i64>,
}

/// A key just created: the only moment its secret exists outside the client.
#[derive(Debug, Clone)]
pub struct CreatedApiKey {
    /// The stored key.
    pub key: ApiKey,
    /// The secret, to show once.
    pub secret: ApiKeySecret,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_parse_back_and_hash_stably() {
        let key = ApiKeySecret::generate(Environment::Live);
        assert!(key.expose().starts_with("sk_live_"));
        let parsed = ApiKeySecret::parse(key.expose()).unwrap();
        assert_eq!(parsed.env(), Environment::Live);
        assert_eq!(parsed.hash(), key.hash());
        assert_eq!(key.hash().len(), 64);
    }

    #[test]
    fn short_or_foreign_keys_are_rejected() {
        assert_eq!(
            ApiKeySecret::parse("pk_test_abc"),
            Err(InvalidApiKey::Prefix)
        );
        assert_eq!(
            ApiKeySecret::parse(&format!("sk_test_{}", "a".repeat(31))),
            Err(InvalidApiKey::Body)
        );
        assert_eq!(
            ApiKeySecret::parse(&format!("sk_test_{}!", "a".repeat(32))),
            Err(InvalidApiKey::Body)
        );
        assert!(ApiKeySecret::parse(&format!("sk_test_{}", "a".repeat(32))).is_ok());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let key = ApiKeySecret::generate(Environment::Test);
        assert!(!format!("{key:?}").contains(&key.expose()[8..20]));
    }
}
