//! Who may hold a socket on a conversation, and whether they still may. The
//! worker checks what it can before it asks the object (the operator's
//! session and channel, the visitor's rate limit); the object has the last
//! word, because only it knows the token's digest. The same check runs
//! again on every frame a visitor sends, so a revoked token or a tightened
//! channel setting stops a socket that was already open.

use charla_shared::ids::ParticipantId;
use charla_shared::password::constant_time_eq;
use charla_shared::protocol::{Author, ErrorCode, Role};
use charla_shared::Millis;
use serde::{Deserialize, Serialize};

use super::store::Meta;
use crate::error::{EdgeError, EdgeResult};
use crate::internal::{self, Admission, StaffSession};

/// Who is behind a socket. It travels in the socket's attachment, so that
/// it survives hibernation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Participant {
    /// How their messages are shown; `author.id` also scopes their client
    /// message ids, so a retry is recognised per participant.
    pub author: Author,
    /// What let them in, checked again while the socket lives.
    pub pass: Pass,
}

/// What let a participant in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum Pass {
    /// The visitor's token, and the page they came from.
    Visitor {
        /// SHA-256 of the token they presented.
        token_digest: String,
        /// The page's `Origin`, if the browser sent one.
        origin: Option<String>,
    },
    /// An operator's session, and when it was last found live.
    Staff {
        /// The session.
        session: StaffSession,
        /// When it was last confirmed in D1.
        checked: Millis,
    },
}

impl Participant {
    /// The tags a socket gets: its role, and for operators their account and
    /// session, so that signing out finds their sockets.
    pub fn tags(&self) -> Vec<String> {
        let mut tags = vec![self.author.role.as_str().to_owned()];
        if let Pass::Staff { session, .. } = &self.pass {
            tags.extend(internal::staff_tags(session));
        }
        tags
    }
}

/// Decides who a socket is for. A visitor's token is compared before
/// anything else, so someone without the right token gets the same answer
/// whether or not the conversation exists; only a token holder learns that
/// their page's origin or their anonymity is refused.
pub fn admit(admission: Admission, meta: Option<&Meta>, now: Millis) -> EdgeResult<Participant> {
    match admission {
        Admission::Visitor {
            token_digest,
            origin,
            ..
        } => {
            let meta = meta.ok_or_else(internal::token_refused)?;
            let pass = Pass::Visitor {
                token_digest,
                origin,
            };
            still_admitted(&pass, meta)?;
            Ok(Participant {
                author: Author {
                    role: Role::Visitor,
                    id: ParticipantId::visitor(),
                    name: meta.visitor.clone(),
                },
                pass,
            })
        }
        Admission::Operator(session) => {
            let Some(meta) = meta else {
                return Err(EdgeError::refuse(
                    ErrorCode::NotFound,
                    "This conversation does not exist.",
                ));
            };
            if meta.is_direct() && !meta.members.iter().any(|m| m.id == session.id) {
                return Err(EdgeError::refuse(
                    ErrorCode::Forbidden,
                    "This conversation is between two other operators.",
                ));
            }
            Ok(Participant {
                author: Author {
                    role: Role::Operator,
                    id: ParticipantId::operator(&session.id),
                    name: session.name.clone(),
                },
                pass: Pass::Staff {
                    session,
                    checked: now,
                },
            })
        }
    }
}

/// Whether a visitor's pass still opens the conversation as it stands: the
/// token not revoked, the page's origin allowed, the visitor verified if the
/// channel requires it. Operators' passes are checked against D1 instead.
pub fn still_admitted(pass: &Pass, meta: &Meta) -> EdgeResult<()> {
    let Pass::Visitor {
        token_digest,
        origin,
    } = pass
    else {
        return Ok(());
    };
    let token_ok = !meta.token_digest.is_empty()
        && constant_time_eq(token_digest.as_bytes(), meta.token_digest.as_bytes());
    if !token_ok {
        return Err(internal::token_refused());
    }
    if !meta.security.allows(origin.as_deref()) {
        return Err(internal::origin_refused());
    }
    if meta.security.require_identity && meta.verified_user.is_none() {
        return Err(internal::identity_required());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use charla_shared::channel::ChatMode;
    use charla_shared::identity::ChannelSecurity;
    use charla_shared::ids::OperatorId;

    fn meta() -> Meta {
        Meta {
            conversation: "c".into(),
            channel: "demo".into(),
            token_digest: "right".into(),
            visitor: "Visitor".into(),
            created_at: 0,
            email: None,
            verified_user: None,
            chatbot: None,
            security: ChannelSecurity::default(),
            mode: ChatMode::Both,
            phone: None,
            language: charla_shared::channel::Language::En,
            first_visitor_at: None,
            first_response_at: None,
            ended_at: None,
            copies_sent: 0,
            members: Vec::new(),
        }
    }

    fn visitor(token: &str, origin: Option<&str>) -> Admission {
        Admission::Visitor {
            token_digest: token.into(),
            origin: origin.map(str::to_owned),
            security: ChannelSecurity::default(),
        }
    }

    fn refusal(result: EdgeResult<Participant>) -> String {
        match result {
            Err(EdgeError::Refused(problem)) => problem.message,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_wrong_token_is_told_the_same_whether_the_conversation_exists() {
        let mut strict = meta();
        strict.security.allowed_origins = vec!["https://shop.example".into()];
        let exists = refusal(admit(
            visitor("wrong", Some("https://evil.example")),
            Some(&strict),
            0,
        ));
        let missing = refusal(admit(
            visitor("wrong", Some("https://evil.example")),
            None,
            0,
        ));
        assert_eq!(exists, missing);
    }

    #[test]
    fn only_a_token_holder_learns_of_origin_and_identity_rules() {
        let mut strict = meta();
        strict.security.allowed_origins = vec!["https://shop.example".into()];
        assert!(refusal(admit(
            visitor("right", Some("https://evil.example")),
            Some(&strict),
            0
        ))
        .contains("site"));
        let admitted = admit(
            visitor("right", Some("https://shop.example")),
            Some(&strict),
            0,
        )
        .unwrap();
        assert_eq!(admitted.author.id, ParticipantId::visitor());
        strict.security.require_identity = true;
        assert!(refusal(admit(
            visitor("right", Some("https://shop.example")),
            Some(&strict),
            0
        ))
        .contains("signed-in"));
    }

    #[test]
    fn a_revoked_token_stops_an_open_socket() {
        let mut record = meta();
        let pass = admit(visitor("right", None), Some(&record), 0)
            .unwrap()
            .pass;
        assert!(still_admitted(&pass, &record).is_ok());
        record.token_digest = String::new();
        assert!(still_admitted(&pass, &record).is_err());
    }

    #[test]
    fn operators_are_known_by_their_account() {
        let session = StaffSession {
            id: OperatorId::parse("ana").unwrap(),
            name: "Ana".into(),
            color: String::new(),
            session: "digest".into(),
            expires_at: 10,
        };
        let participant = admit(Admission::Operator(session.clone()), Some(&meta()), 5).unwrap();
        assert_eq!(participant.author.id.as_str(), "operator:ana");
        assert_eq!(
            participant.tags(),
            ["operator", "operator:ana", "session:digest"]
        );
        assert!(admit(Admission::Operator(session), None, 5).is_err());
    }

    #[test]
    fn only_its_two_operators_enter_a_direct_conversation() {
        let session = |id: &str| StaffSession {
            id: OperatorId::parse(id).unwrap(),
            name: id.into(),
            color: String::new(),
            session: format!("digest-{id}"),
            expires_at: 10,
        };
        let mut direct = meta();
        direct.token_digest = String::new();
        direct.members = ["ana", "bo"]
            .map(|id| charla_shared::protocol::Member {
                id: OperatorId::parse(id).unwrap(),
                name: id.into(),
                seqs: Vec::new(),
            })
            .to_vec();
        assert!(admit(Admission::Operator(session("bo")), Some(&direct), 5).is_ok());
        assert!(
            refusal(admit(Admission::Operator(session("cy")), Some(&direct), 5))
                .contains("two other operators")
        );
        assert!(
            admit(visitor("", None), Some(&direct), 5).is_err(),
            "no token opens it"
        );
    }
}
