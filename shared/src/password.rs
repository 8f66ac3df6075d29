//! The stored form of operator passwords and the comparison that checks
//! them. The digest itself is computed by whoever has a PBKDF2 (the edge
//! through WebCrypto, the local seeding through a Rust implementation); this
//! module fixes the format both read and write.
//!
//! Format: `pbkdf2-sha256$<iterations>$<salt hex>$<digest hex>`.

use crate::hex;

/// The algorithm tag at the start of every stored hash.
pub const SCHEME: &str = "pbkdf2-sha256";

/// Bytes of random salt per password.
pub const SALT_BYTES: usize = 16;

/// Bytes of derived key stored.
pub const DIGEST_BYTES: usize = 32;

/// A parsed stored password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash {
    /// PBKDF2 iteration count.
    pub iterations: u32,
    /// The random salt.
    pub salt: Vec<u8>,
    /// The derived key.
    pub digest: Vec<u8>,
}

/// A stored hash that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stored password hash is not in the {SCHEME} format: {0}")]
pub struct HashFormatError(&'static str);

impl PasswordHash {
    /// Reads the stored form.
    pub fn parse(stored: &str) -> Result<Self, HashFormatError> {
        let mut parts = stored.split('$');
        if parts.next() != Some(SCHEME) {
            return Err(HashFormatError("unknown scheme"));
        }
        let iterations = parts
            .next()
            .and_then(|i| i.parse().ok())
            .filter(|&i| i > 0)
            .ok_or(HashFormatError("bad iteration count"))?;
        let salt = parts
            .next()
            .and_then(hex::decode)
            .filter(|s| !s.is_empty())
            .ok_or(HashFormatError("bad salt"))?;
        let digest = parts
            .next()
            .and_then(hex::decode)
            .filter(|d| d.len() == DIGEST_BYTES)
            .ok_or(HashFormatError("bad digest"))?;
        if parts.next().is_some() {
            return Err(HashFormatError("trailing fields"));
        }
        Ok(PasswordHash {
            iterations,
            salt,
            digest,
        })
    }

    /// The stored form.
    pub fn encode(&self) -> String {
        format!(
            "{SCHEME}${}${}${}",
            self.iterations,
            hex::encode(&self.salt),
            hex::encode(&self.digest)
        )
    }

    /// Whether a freshly derived key equals the stored one, in time that does
    /// not depend on where they differ.
    pub fn matches(&self, derived: &[u8]) -> bool {
        constant_time_eq(&self.digest, derived)
    }
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let hash = PasswordHash {
            iterations: 100_000,
            salt: vec![1; SALT_BYTES],
            digest: vec![2; DIGEST_BYTES],
        };
        let stored = hash.encode();
        assert!(stored.starts_with("pbkdf2-sha256$100000$0101"));
        assert_eq!(PasswordHash::parse(&stored).unwrap(), hash);
    }

    #[test]
    fn refuses_other_formats() {
        for stored in [
            "",
            "plain-text-password",
            "md5$1$00$00",
            "pbkdf2-sha256$0$00$00",
            "pbkdf2-sha256$10$$00",
            "pbkdf2-sha256$10$00$00",
            &format!("pbkdf2-sha256$10$00${}$x", "00".repeat(DIGEST_BYTES)),
        ] {
            assert!(PasswordHash::parse(stored).is_err(), "{stored}");
        }
    }

    #[test]
    fn compares_whole_values() {
        let hash = PasswordHash {
            iterations: 1,
            salt: vec![0],
            digest: vec![9; DIGEST_BYTES],
        };
        assert!(hash.matches(&[9; DIGEST_BYTES]));
        let mut last_differs = [9; DIGEST_BYTES];
        last_differs[DIGEST_BYTES - 1] = 8;
        assert!(!hash.matches(&last_differs));
        assert!(!hash.matches(&[9; DIGEST_BYTES - 1]));
        assert!(constant_time_eq(b"", b""));
    }
}
