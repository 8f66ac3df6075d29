//! Ids and secret tokens. Each is a validated newtype: a value that exists
//! has the right shape, and serde refuses malformed ones while decoding.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::hex;
use crate::limits::MAX_CLIENT_ID_CHARS;

/// Why a string is not a valid id or token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} must be {rule}")]
pub struct IdError {
    /// Which kind of id was being parsed.
    pub what: &'static str,
    /// The shape it must have.
    pub rule: &'static str,
}

// The macro comes first because macro_rules! items must precede their use.
/// Generates a validated string newtype. `secret` ones never print their value.
macro_rules! string_id {
    (secret $(#[$doc:meta])* $name:ident, $what:literal, $rule:literal, $check:expr) => {
        string_id!(@type $(#[$doc])* $name, $what, $rule, $check);
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(…)"))
            }
        }
    };
    ($(#[$doc:meta])* $name:ident, $what:literal, $rule:literal, $check:expr) => {
        string_id!(@type $(#[$doc])* $name, $what, $rule, $check);
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
    (@type $(#[$doc:meta])* $name:ident, $what:literal, $rule:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses and validates.
            pub fn parse(text: impl Into<String>) -> Result<Self, IdError> {
                let text = text.into();
                let check: fn(&str) -> bool = $check;
                if check(&text) {
                    Ok(Self(text))
                } else {
                    Err(IdError { what: $what, rule: $rule })
                }
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(text: String) -> Result<Self, IdError> {
                Self::parse(text)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

string_id!(
    /// A conversation: 128 random bits as 32 lowercase hex digits.
    ConversationId,
    "a conversation id",
    "32 lowercase hex digits",
    |s: &str| s.len() == 32 && hex::is_lower_hex(s)
);

string_id!(
    /// A browser, as the widget remembers it: 128 random bits as 32
    /// lowercase hex digits. It links a visitor's conversations on a
    /// channel and says nothing else about them.
    VisitorKey,
    "a visitor key",
    "32 lowercase hex digits",
    |s: &str| s.len() == 32 && hex::is_lower_hex(s)
);

string_id!(
    /// A channel: a short slug such as `demo` or `support-es`.
    ChannelId,
    "a channel id",
    "1 to 40 characters of a-z, 0-9 and '-'",
    is_slug
);

string_id!(
    /// A knowledge base article, shared by its versions in each language:
    /// a slug such as `returns` or `reset-password`.
    ArticleSlug,
    "an article slug",
    "1 to 80 characters of a-z, 0-9 and '-'",
    |s: &str| {
        (1..=80).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }
);

string_id!(
    /// An operator account, a slug like a channel id.
    OperatorId,
    "an operator id",
    "1 to 40 characters of a-z, 0-9 and '-'",
    is_slug
);

string_id!(
    /// The id a client gives a message before sending it, so that a retry is
    /// recognised and stored once.
    ClientMsgId,
    "a message id",
    "1 to 64 characters of A-Z, a-z, 0-9, '-' and '_'",
    |s: &str| {
        (1..=MAX_CLIENT_ID_CHARS).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }
);

string_id!(
    /// Who wrote a message or holds a socket, stable for the whole
    /// conversation: `visitor`, `operator:<operator id>`, `bot:<bot id>`,
    /// `assistant` or `system`. Clients compare these, never display names,
    /// to tell their own messages and who read what. Kinds this version does
    /// not know are accepted, so a newer edge does not break older clients.
    ParticipantId,
    "a participant id",
    "1 to 80 characters of a-z, 0-9, '-', '_' and ':'",
    |s: &str| {
        (1..=80).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b':'))
    }
);

string_id!(
    secret
    /// The visitor's bearer token: 256 random bits that open exactly one
    /// conversation. The edge stores only its SHA-256 digest.
    VisitorToken,
    "a visitor token",
    "64 lowercase hex digits",
    is_token
);

string_id!(
    secret
    /// An operator's session token: 256 random bits. The edge stores only its
    /// SHA-256 digest.
    SessionToken,
    "a session token",
    "64 lowercase hex digits",
    is_token
);

impl ParticipantId {
    /// The conversation's visitor.
    pub fn visitor() -> Self {
        Self("visitor".into())
    }

    /// An operator.
    pub fn operator(id: &OperatorId) -> Self {
        Self(format!("operator:{id}"))
    }

    /// Charla itself: notices in the conversation.
    pub fn system() -> Self {
        Self("system".into())
    }

    /// The AI assistant.
    pub fn assistant() -> Self {
        Self("assistant".into())
    }

    /// A chatbot (its id is a slug).
    pub fn bot(id: &str) -> Self {
        Self(format!("bot:{id}"))
    }

    /// The operator this id names, if it names one.
    pub fn operator_id(&self) -> Option<OperatorId> {
        OperatorId::parse(self.0.strip_prefix("operator:")?).ok()
    }
}

impl ConversationId {
    /// Builds an id from 16 random bytes.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Self(hex::encode(&bytes))
    }
}

impl VisitorToken {
    /// Builds a token from 32 random bytes.
    pub fn from_random(bytes: [u8; 32]) -> Self {
        Self(hex::encode(&bytes))
    }
}

impl SessionToken {
    /// Builds a token from 32 random bytes.
    pub fn from_random(bytes: [u8; 32]) -> Self {
        Self(hex::encode(&bytes))
    }
}

/// The edge-assigned position of a message in its conversation: 1, 2, 3, …
/// with no gaps. Zero means "before the first message". Storage keeps it as
/// a signed 64-bit integer, so [`Seq::MAX`] is the largest there is, and
/// anything larger is refused while decoding.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "u64", into = "u64")]
pub struct Seq(pub u64);

impl Seq {
    /// The largest sequence number (SQLite's largest integer).
    pub const MAX: Seq = Seq(i64::MAX as u64);

    /// The sequence number after this one.
    pub fn next(self) -> Self {
        Seq(self.0 + 1)
    }

    /// Reads a sequence number from text, such as a query parameter.
    pub fn parse(text: &str) -> Result<Seq, IdError> {
        text.parse::<u64>()
            .ok()
            .and_then(|n| Seq::try_from(n).ok())
            .ok_or(SEQ_ERROR)
    }

    /// The number as SQLite stores it.
    pub fn to_i64(self) -> i64 {
        // Every Seq is at most i64::MAX, so this never saturates.
        i64::try_from(self.0).unwrap_or(i64::MAX)
    }
}

const SEQ_ERROR: IdError = IdError {
    what: "a sequence number",
    rule: "a whole number from 0 to 9223372036854775807",
};

impl TryFrom<u64> for Seq {
    type Error = IdError;
    fn try_from(n: u64) -> Result<Seq, IdError> {
        if n <= Seq::MAX.0 {
            Ok(Seq(n))
        } else {
            Err(SEQ_ERROR)
        }
    }
}

impl From<Seq> for u64 {
    fn from(seq: Seq) -> u64 {
        seq.0
    }
}

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Lowercase hex of a byte string: how digests of tokens are stored.
pub fn hex_digest(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

fn is_slug(s: &str) -> bool {
    (1..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && hex::is_lower_hex(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversation_ids_are_32_hex_digits() {
        let id = ConversationId::from_random([0xab; 16]);
        assert_eq!(id.as_str(), "ab".repeat(16));
        assert!(ConversationId::parse("ab".repeat(16)).is_ok());
        assert!(ConversationId::parse("AB".repeat(16)).is_err());
        assert!(ConversationId::parse("ab".repeat(15)).is_err());
        assert!(ConversationId::parse("../../etc/passwd").is_err());
    }

    #[test]
    fn slugs_are_short_and_plain() {
        assert!(ChannelId::parse("demo").is_ok());
        assert!(ChannelId::parse("support-es-2").is_ok());
        assert!(ChannelId::parse("").is_err());
        assert!(ChannelId::parse("Demo").is_err());
        assert!(ChannelId::parse("a".repeat(41)).is_err());
        assert!(OperatorId::parse("<script>").is_err());
    }

    #[test]
    fn client_ids_allow_uuids() {
        assert!(ClientMsgId::parse("0b6c6f1e-6a3f-4a8e-9a61-0f2b1c1d2e3f").is_ok());
        assert!(ClientMsgId::parse("").is_err());
        assert!(ClientMsgId::parse("a b").is_err());
        assert!(ClientMsgId::parse("x".repeat(65)).is_err());
    }

    #[test]
    fn serde_refuses_malformed_ids() {
        let ok: Result<ChannelId, _> = serde_json::from_str("\"demo\"");
        assert!(ok.is_ok());
        let bad: Result<ChannelId, _> = serde_json::from_str("\"Not A Slug\"");
        let message = bad.unwrap_err().to_string();
        assert!(message.contains("a channel id must be"), "{message}");
    }

    #[test]
    fn participants_have_stable_ids() {
        let ana = OperatorId::parse("ana").unwrap();
        assert_eq!(ParticipantId::operator(&ana).as_str(), "operator:ana");
        assert_eq!(ParticipantId::operator(&ana).operator_id(), Some(ana));
        assert_eq!(ParticipantId::visitor().operator_id(), None);
        assert!(ParticipantId::parse("bot:welcome-bot").is_ok());
        assert!(ParticipantId::parse("Operator:Ana").is_err());
        assert!(ParticipantId::parse("").is_err());
    }

    #[test]
    fn sequence_numbers_fit_storage() {
        assert_eq!(Seq::parse("42"), Ok(Seq(42)));
        assert!(Seq::parse("9223372036854775807").is_ok());
        assert!(Seq::parse("9223372036854775808").is_err());
        assert!(Seq::parse("-1").is_err());
        let too_big: Result<Seq, _> = serde_json::from_str("18446744073709551615");
        assert!(too_big.is_err());
        assert_eq!(serde_json::to_string(&Seq(7)).unwrap(), "7");
        assert_eq!(Seq::MAX.to_i64(), i64::MAX);
    }

    #[test]
    fn secrets_do_not_print() {
        let token = VisitorToken::from_random([7; 32]);
        assert_eq!(format!("{token:?}"), "VisitorToken(…)");
        assert_eq!(token.as_str().len(), 64);
    }
}
