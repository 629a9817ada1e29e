//! Signed, expiring tokens the content origin checks without a database lookup: the asset
//! path prefix (`/a/{token}/…`) and the AICC session id (`aicc_sid`).
//!
//! A token is `base64url(payload) "." base64url(HMAC-SHA256(secret, payload)[..16])`. The
//! secret is shared by every node through the store (`server_secrets`), so a token made by one
//! node is accepted by all.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac as _};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sha2::Sha256;

/// Bytes of the MAC kept: 128 bits is far beyond guessing within a token's life.
const MAC_LEN: usize = 16;

/// Signs and checks tokens with one server-wide secret.
#[derive(Clone)]
pub(crate) struct Signer {
    /// The HMAC key (32 random bytes, hex in the store).
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

impl Signer {
    /// A signer with `key`.
    pub(crate) fn new(key: Vec<u8>) -> Self {
        Self { key }
    }

    fn mac(&self, purpose: &str, payload: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        // The purpose is part of the MAC, so an asset token never passes as an AICC session.
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(payload);
        mac.finalize().into_bytes()[..MAC_LEN].to_vec()
    }

    /// A token carrying `claims` for `purpose`.
    pub(crate) fn sign<T: Serialize>(&self, purpose: &str, claims: &T) -> String {
        let payload = serde_json::to_vec(claims).expect("claims serialize");
        let mac = self.mac(purpose, &payload);
        format!("{}.{}", B64.encode(&payload), B64.encode(mac))
    }

    /// The claims of a token for `purpose`, when its MAC is right.
    pub(crate) fn verify<T: DeserializeOwned>(&self, purpose: &str, token: &str) -> Option<T> {
        let (payload, mac) = token.split_once('.')?;
        let payload = B64.decode(payload).ok()?;
        let mac = B64.decode(mac).ok()?;
        if mac.len() != MAC_LEN {
            return None;
        }
        let mut check = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        check.update(purpose.as_bytes());
        check.update(b"\0");
        check.update(&payload);
        // Constant-time comparison of the truncated MAC.
        check.verify_truncated_left(&mac).ok()?;
        serde_json::from_slice(&payload).ok()
    }
}

/// What an asset token grants: the files of one course version until `exp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AssetClaims {
    /// Tenant, application, environment.
    pub(crate) t: i64,
    /// Application.
    pub(crate) a: i64,
    /// `test` or `live`.
    pub(crate) e: String,
    /// Course id.
    pub(crate) c: String,
    /// Course version.
    pub(crate) v: i64,
    /// Unix seconds after which the token is refused.
    pub(crate) exp: i64,
}

/// What an AICC session id names: a player session's run-time session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AiccClaims {
    /// Tenant of the registration.
    pub(crate) t: i64,
    /// Application.
    pub(crate) a: i64,
    /// `test` or `live`.
    pub(crate) e: String,
    /// Unix seconds after which the sid is refused (the player session's expiry).
    pub(crate) exp: i64,
    /// The player session's public id.
    pub(crate) ps: String,
    /// The run-time session (the AU's delivery).
    pub(crate) s: u64,
    /// The AU's activity id.
    pub(crate) au: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_with_its_key_and_purpose() {
        let signer = Signer::new(vec![7; 32]);
        let claims = AiccClaims {
            t: 1,
            a: 1,
            e: "test".into(),
            exp: 0,
            ps: "ps_1".into(),
            s: 3,
            au: "A1".into(),
        };
        let token = signer.sign("aicc", &claims);
        assert_eq!(signer.verify::<AiccClaims>("aicc", &token), Some(claims));
        assert_eq!(signer.verify::<AiccClaims>("asset", &token), None);
        assert_eq!(
            Signer::new(vec![8; 32]).verify::<AiccClaims>("aicc", &token),
            None
        );
        let (payload, mac) = token.split_once('.').unwrap();
        let forged = format!("{payload}x.{mac}");
        assert_eq!(signer.verify::<AiccClaims>("aicc", &forged), None);
        assert_eq!(signer.verify::<AiccClaims>("aicc", payload), None);
    }
}
