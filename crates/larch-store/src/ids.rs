//! Identifiers of stored objects: validated once, at the edge, then trusted.

use rand::Rng as _;
use std::fmt;

/// Why a raw string is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ids are 1 to 255 characters of letters, digits, `.`, `_`, `:` and `-`")]
pub struct InvalidId;

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `len` random base62 characters from the operating system's generator.
///
/// 24 characters carry about 143 bits: enough for ids that must never collide, and for secrets.
pub fn random_base62(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

fn is_valid(raw: &str) -> bool {
    (1..=255).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

macro_rules! object_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The prefix of generated ids of this kind.
            pub const PREFIX: &'static str = $prefix;

            /// Validates an id chosen by the integrator (or read back from storage).
            pub fn parse(raw: &str) -> Result<Self, InvalidId> {
                if is_valid(raw) { Ok(Self(raw.to_owned())) } else { Err(InvalidId) }
            }

            /// A fresh random id: the prefix and 24 base62 characters.
            pub fn generate() -> Self {
                Self(format!("{}{}", Self::PREFIX, random_base62(24)))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

object_id!(
    /// A learner id: client-supplied, or generated as `lrn_…`.
    LearnerId,
    "lrn_"
);
object_id!(
    /// An import job id (`imp_…`).
    ImportJobId,
    "imp_"
);
object_id!(
    /// An API key id (`key_…`; not the secret).
    ApiKeyId,
    "key_"
);
object_id!(
    /// A registration id: client-supplied, or generated as `reg_…`.
    RegistrationId,
    "reg_"
);
object_id!(
    /// A course id: client-supplied, or generated as `crs_…`.
    CourseId,
    "crs_"
);
object_id!(
    /// An LRS credential id (`lrsk_…`; neither its key nor its secret).
    LrsCredentialId,
    "lrsk_"
);

object_id!(
    /// An LRS statement forwarding rule id (`lrsf_…`).
    LrsForwardingRuleId,
    "lrsf_"
);
object_id!(
    /// A launch-scoped LRS token id (`lrst_…`; the HTTP Basic user of the token, not its secret).
    LrsLaunchTokenId,
    "lrst_"
);
object_id!(
    /// An outbox message id (`msg_…`).
    OutboxMessageId,
    "msg_"
);
object_id!(
    /// One delivery attempt of an outbox message (`dlv_…`).
    OutboxDeliveryId,
    "dlv_"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_integrator_alphabet_and_reject_the_rest() {
        assert!(LearnerId::parse("emp-42:a_b.c").is_ok());
        assert_eq!(LearnerId::parse(""), Err(InvalidId));
        assert_eq!(LearnerId::parse("a b"), Err(InvalidId));
        assert_eq!(LearnerId::parse("é"), Err(InvalidId));
        assert_eq!(LearnerId::parse(&"x".repeat(256)), Err(InvalidId));
        assert!(LearnerId::parse(&"x".repeat(255)).is_ok());
    }

    #[test]
    fn generated_ids_are_prefixed_valid_and_distinct() {
        let a = LearnerId::generate();
        assert!(a.as_str().starts_with("lrn_") && a.as_str().len() == 28);
        assert!(LearnerId::parse(a.as_str()).is_ok());
        assert_ne!(a, LearnerId::generate());
    }
}
