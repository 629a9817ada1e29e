//! UUIDs (xAPI-Data 2.4.1 and 4.0: RFC 4122 variant 2 UUIDs in the standard string form).

use std::fmt;

use serde::{Serialize, Serializer};

/// A UUID in the 8-4-4-4-12 hex form; stored as 16 bytes, rendered lowercase.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid([u8; 16]);

impl Uuid {
    /// Parses the standard string form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex digits in
    /// either case). Braced, URN and unhyphenated forms are rejected (xAPI-Data 2.4.1).
    pub fn parse(raw: &str) -> Option<Self> {
        let bytes = raw.as_bytes();
        if bytes.len() != 36 {
            return None;
        }
        let mut out = [0u8; 16];
        let mut nibbles = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if b != b'-' {
                    return None;
                }
                continue;
            }
            let v = char::from(b).to_digit(16)?;
            let v = u8::try_from(v).ok()?;
            out[nibbles / 2] |= if nibbles % 2 == 0 { v << 4 } else { v };
            nibbles += 1;
        }
        Some(Self(out))
    }

    /// A UUID from raw bytes (e.g. random bytes the caller drew), with the RFC 4122 version 4
    /// and variant bits set, for ids the LRS assigns.
    pub fn new_v4(mut bytes: [u8; 16]) -> Self {
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Self(bytes)
    }

    /// The 16 bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for Uuid {
    /// The lowercase hyphenated form, built in a buffer and written once (every stored
    /// statement formats a few: one `write!` per byte was 4 % of a POST's instructions).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [b'-'; 36];
        let mut at = 0;
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                at += 1;
            }
            text[at] = HEX[usize::from(b >> 4)];
            text[at + 1] = HEX[usize::from(b & 0xf)];
            at += 2;
        }
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Uuid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_table() {
        let cases = [
            ("fd41c918-b88b-4b20-a0a5-a4c32391aaa0", true),
            ("FD41C918-B88B-4B20-A0A5-A4C32391AAA0", true),
            ("AA97B177-9383-4934-8543-0F91A7A028368", false),
            ("MA97B177-9383-4934-8543-0F91A7A02836", false),
            ("fd41c918b88b4b20a0a5a4c32391aaa0", false),
            ("{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}", false),
            ("urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0", false),
            ("fd41c918-b88b-4b20-a0a5_a4c32391aaa0", false),
            ("", false),
        ];
        for (raw, ok) in cases {
            assert_eq!(Uuid::parse(raw).is_some(), ok, "{raw:?}");
        }
    }

    #[test]
    fn renders_lowercase_and_v4_bits() {
        let id = Uuid::parse("FD41C918-B88B-4B20-A0A5-A4C32391AAA0").expect("valid");
        assert_eq!(id.to_string(), "fd41c918-b88b-4b20-a0a5-a4c32391aaa0");
        let assigned = Uuid::new_v4([0xff; 16]).to_string();
        assert_eq!(&assigned[14..15], "4");
        assert_eq!(&assigned[19..20], "b");
    }
}
