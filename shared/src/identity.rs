//! Who a visitor is, as far as Charla can trust it, and who may embed a
//! channel.
//!
//! A customer's site that signs its users in can vouch for them: its server
//! computes `user_hash = HMAC-SHA256(channel secret, user_id)` (hex) and the
//! page passes both to `Charla.identify`. The edge recomputes the hash and
//! compares in constant time; a channel can require it, and then refuses
//! visitors without a valid one.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::hex;
use crate::limits::{MAX_ALLOWED_ORIGINS, MAX_EMAIL_CHARS, MAX_USER_ID_CHARS};
use crate::password::constant_time_eq;
use crate::protocol::{display_name, ErrorCode, Problem};

/// What the host page says about the visitor (`Charla.identify`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Visitor {
    /// The name operators see.
    pub name: Option<String>,
    /// An address to reach the visitor (not verified).
    pub email: Option<String>,
    /// The customer's own id for a signed-in user.
    pub user_id: Option<String>,
    /// `HMAC-SHA256(channel secret, user_id)` in lowercase hex.
    pub user_hash: Option<String>,
}

impl Visitor {
    /// Checks every field against the limits and returns them trimmed.
    pub fn validated(&self) -> Result<Visitor, Problem> {
        let name = self
            .name
            .as_deref()
            .map(|n| display_name(n, "The visitor's name"))
            .transpose()?;
        let email = self.email.as_deref().map(email).transpose()?;
        let user_id = self
            .user_id
            .as_deref()
            .map(|id| {
                let id = id.trim();
                if id.is_empty() || id.chars().count() > MAX_USER_ID_CHARS || id.chars().any(char::is_control) {
                    Err(invalid(&format!(
                        "user_id must have 1 to {MAX_USER_ID_CHARS} characters and no control characters."
                    )))
                } else {
                    Ok(id.to_owned())
                }
            })
            .transpose()?;
        let user_hash = match (&user_id, &self.user_hash) {
            (_, None) => None,
            (None, Some(_)) => return Err(invalid("user_hash needs the user_id it signs.")),
            (Some(_), Some(hash)) => {
                let hash = hash.trim().to_ascii_lowercase();
                if hash.len() != 64 || !hex::is_lower_hex(&hash) {
                    return Err(invalid("user_hash must be 64 hex digits (HMAC-SHA256)."));
                }
                Some(hash)
            }
        };
        Ok(Visitor {
            name,
            email,
            user_id,
            user_hash,
        })
    }
}

/// `HMAC-SHA256(secret, user_id)` in lowercase hex: what a customer's server
/// computes for `Charla.identify`.
pub fn sign(secret: &str, user_id: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(user_id.as_bytes());
    hex::encode(&mac.finalize().into_bytes())
}

/// Whether `user_hash` signs `user_id` with `secret`, compared in constant
/// time. An empty secret verifies nothing.
pub fn verify(secret: &str, user_id: &str, user_hash: &str) -> bool {
    !secret.is_empty() && constant_time_eq(sign(secret, user_id).as_bytes(), user_hash.as_bytes())
}

/// Who may embed a channel and whether its visitors must be signed in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSecurity {
    /// Origins (`https://shop.example.com`) whose pages may use the channel;
    /// empty means any.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Refuse visitors without a valid `user_hash`.
    #[serde(default)]
    pub require_identity: bool,
}

impl ChannelSecurity {
    /// Checks and normalises the origins (lowercase, no trailing slash).
    pub fn validated(&self) -> Result<ChannelSecurity, Problem> {
        if self.allowed_origins.len() > MAX_ALLOWED_ORIGINS {
            return Err(invalid(&format!(
                "A channel may list at most {MAX_ALLOWED_ORIGINS} origins."
            )));
        }
        let allowed_origins = self
            .allowed_origins
            .iter()
            .map(|o| normalize_origin(o).ok_or_else(|| invalid(&format!(
                "{o:?} is not an origin: write the scheme and host only, like https://shop.example.com"
            ))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ChannelSecurity {
            allowed_origins,
            require_identity: self.require_identity,
        })
    }

    /// Whether a request with this `Origin` header may use the channel.
    /// When origins are listed, a request without one is refused.
    pub fn allows(&self, origin: Option<&str>) -> bool {
        self.allowed_origins.is_empty()
            || origin
                .and_then(normalize_origin)
                .is_some_and(|o| self.allowed_origins.contains(&o))
    }
}

/// A channel's security settings with its signing secret, for admins only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSecrets {
    /// The settings.
    pub security: ChannelSecurity,
    /// The key customers sign `user_id`s with.
    pub identity_secret: String,
}

fn normalize_origin(origin: &str) -> Option<String> {
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, host) = origin.split_once("://")?;
    let valid_host = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    (matches!(scheme, "http" | "https") && valid_host).then_some(origin)
}

/// Checks that an address is a well-formed e-mail address (one `@`, a
/// local part, a domain of dot-separated labels ending in a name of two or
/// more letters, nothing blank or invisible) and returns it trimmed.
pub fn email(address: &str) -> Result<String, Problem> {
    let address = address.trim();
    let well_formed = address.chars().count() <= MAX_EMAIL_CHARS
        && !address.chars().any(|c| c.is_whitespace() || c.is_control())
        && match address.split_once('@') {
            Some((local, domain)) => {
                let labels: Vec<&str> = domain.split('.').collect();
                !local.is_empty()
                    && !local.starts_with('.')
                    && !local.ends_with('.')
                    && !local.contains("..")
                    && !domain.contains('@')
                    && labels.len() >= 2
                    && labels.iter().all(|l| {
                        !l.is_empty()
                            && !l.starts_with('-')
                            && !l.ends_with('-')
                            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
                    })
                    && labels.last().is_some_and(|tld| {
                        tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic)
                    })
            }
            None => false,
        };
    if well_formed {
        Ok(address.to_owned())
    } else {
        Err(invalid("The e-mail address is not valid."))
    }
}

fn invalid(message: &str) -> Problem {
    Problem::new(ErrorCode::Invalid, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_addresses_are_e_mail_addresses() {
        for good in [
            "ana@example.com",
            " ana.perez+chat@correo.example.es ",
            "j@x.io",
            "ü@bücher.de",
        ] {
            assert!(email(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana@@example.com",
            "ana@exa mple.com",
            "ana@example..com",
            "ana@.example.com",
            "ana.@example.com",
            "ana@example.c",
            "ana@example.123",
            "ana@-example.com",
            "not an email",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn signatures_verify_only_with_the_right_secret_and_id() {
        let hash = sign("s3cret", "user-42");
        assert_eq!(hash.len(), 64);
        assert!(verify("s3cret", "user-42", &hash));
        assert!(!verify("other", "user-42", &hash));
        assert!(!verify("s3cret", "user-43", &hash));
        assert!(
            !verify("", "user-42", &sign("", "user-42")),
            "no secret, no trust"
        );
        let mut tampered = hash.into_bytes();
        tampered[63] = if tampered[63] == b'0' { b'1' } else { b'0' };
        assert!(!verify(
            "s3cret",
            "user-42",
            std::str::from_utf8(&tampered).unwrap()
        ));
    }

    #[test]
    fn the_signature_is_standard_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            sign("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn visitors_are_checked() {
        let ok = Visitor {
            name: Some(" Ana ".into()),
            email: Some("ana@example.com".into()),
            user_id: Some("42".into()),
            user_hash: Some("AB".repeat(32)),
        }
        .validated()
        .unwrap();
        assert_eq!(ok.name.as_deref(), Some("Ana"));
        assert_eq!(ok.user_hash, Some("ab".repeat(32)));
        for bad in [
            Visitor {
                email: Some("not an address".into()),
                ..Visitor::default()
            },
            Visitor {
                user_hash: Some("ab".repeat(32)),
                ..Visitor::default()
            },
            Visitor {
                user_id: Some("42".into()),
                user_hash: Some("xyz".into()),
                ..Visitor::default()
            },
            Visitor {
                user_id: Some(" ".into()),
                ..Visitor::default()
            },
            Visitor {
                name: Some("a\u{7}".into()),
                ..Visitor::default()
            },
        ] {
            assert_eq!(
                bad.validated().unwrap_err().code,
                ErrorCode::Invalid,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn origins_are_normalised_and_matched() {
        let security = ChannelSecurity {
            allowed_origins: vec![
                "https://Shop.Example.com/".into(),
                "http://localhost:8080".into(),
            ],
            require_identity: false,
        }
        .validated()
        .unwrap();
        assert_eq!(security.allowed_origins[0], "https://shop.example.com");
        assert!(security.allows(Some("https://shop.example.com")));
        assert!(security.allows(Some("http://localhost:8080")));
        assert!(!security.allows(Some("https://evil.example.com")));
        assert!(
            !security.allows(None),
            "listed origins refuse requests without one"
        );
        assert!(
            ChannelSecurity::default().allows(None),
            "no list, no restriction"
        );
        for bad in [
            "shop.example.com",
            "ftp://x",
            "https://x/path",
            "javascript:alert(1)",
        ] {
            let security = ChannelSecurity {
                allowed_origins: vec![bad.into()],
                require_identity: false,
            };
            assert!(security.validated().is_err(), "{bad}");
        }
    }
}
