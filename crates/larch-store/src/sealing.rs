//! Secrets Larch has to send to other systems (a forwarding rule's target password; later
//! webhook and LTI keys) cannot be hashed like the secrets it checks: they are sealed at rest
//! with AES-256-GCM (an AEAD, `ring`) under a key kept in `server_secrets`
//! ([`SEALING_KEY`]: 32 random bytes made on first start and shared by every node). The
//! associated data names the row the secret belongs to, so a sealed value copied into another
//! row, another tenant's above all, does not open.
//!
//! Stored form: hex of `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`; the nonce is random
//! per seal (2^-32 collision bound far beyond the number of rules a key ever seals).

use crate::StoreError;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom as _, SystemRandom};

/// The `server_secrets` name of the sealing key.
pub(crate) const SEALING_KEY: &str = "credential_sealing";

/// Seals and opens secrets with the installation's key. `Debug` shows no key.
pub(crate) struct Sealer {
    key: LessSafeKey,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// A fresh random key, hex, for `server_secrets`.
    pub(crate) fn generate_key() -> String {
        let mut key = [0u8; 32];
        SystemRandom::new()
            .fill(&mut key)
            .expect("the system random source");
        hex::encode(key)
    }

    /// The sealer of a stored key.
    pub(crate) fn from_hex(key: &str) -> Result<Self, StoreError> {
        let bytes = hex::decode(key)
            .map_err(|_| StoreError::Corrupt("the sealing key is not hex".into()))?;
        let key = UnboundKey::new(&AES_256_GCM, &bytes)
            .map_err(|_| StoreError::Corrupt("the sealing key is not 32 bytes".into()))?;
        Ok(Self {
            key: LessSafeKey::new(key),
        })
    }

    /// `secret` sealed for the row named by `context`.
    pub(crate) fn seal(&self, secret: &str, context: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .expect("the system random source");
        let mut sealed = secret.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut sealed,
            )
            .expect("AES-GCM seals any input under 64 GiB");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        hex::encode(out)
    }

    /// The secret sealed in `stored` for `context`; an error when it was sealed for another
    /// row, under another key, or altered.
    pub(crate) fn open(&self, stored: &str, context: &str) -> Result<String, StoreError> {
        let corrupt = || StoreError::Corrupt(format!("sealed secret of {context} does not open"));
        let bytes = hex::decode(stored).map_err(|_| corrupt())?;
        if bytes.len() < NONCE_LEN {
            return Err(corrupt());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| corrupt())?;
        let mut sealed = sealed.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut sealed)
            .map_err(|_| corrupt())?;
        String::from_utf8(plain.to_vec()).map_err(|_| corrupt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_for_their_row_and_key() {
        let sealer = Sealer::from_hex(&Sealer::generate_key()).unwrap();
        let sealed = sealer.seal("hunter2", "rule:1");
        assert!(!sealed.contains(&hex::encode("hunter2")));
        assert_ne!(
            sealed,
            sealer.seal("hunter2", "rule:1"),
            "a fresh nonce each time"
        );
        assert_eq!(sealer.open(&sealed, "rule:1").unwrap(), "hunter2");
        assert!(sealer.open(&sealed, "rule:2").is_err(), "another row");
        let other = Sealer::from_hex(&Sealer::generate_key()).unwrap();
        assert!(other.open(&sealed, "rule:1").is_err(), "another key");
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(sealer.open(&tampered, "rule:1").is_err(), "altered");
        assert!(Sealer::from_hex("abcd").is_err());
    }
}
