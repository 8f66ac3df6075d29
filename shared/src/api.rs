//! The HTTP side of the edge: paths, request bodies and response bodies.
//! Errors travel as a [`Problem`](crate::protocol::Problem) body with the
//! status of its code.
//!
//! Architecture Invariant: clients build edge URLs only with [`routes`].

use serde::{Deserialize, Serialize};

use crate::identity::Visitor;
use crate::ids::{ChannelId, ConversationId, OperatorId, VisitorToken};
use crate::protocol::{Contact, Message};
use crate::Millis;

/// Paths and query parameters of the edge.
pub mod routes {
    use crate::ids::{ChannelId, ConversationId, Seq};
    use crate::protocol::PROTOCOL_VERSION;

    /// `POST` creates a conversation ([`CreateConversation`](super::CreateConversation)).
    pub const CONVERSATIONS: &str = "/api/conversations";
    /// `POST` signs in, `GET` tells who is signed in, `DELETE` signs out.
    pub const SESSION: &str = "/api/session";
    /// `GET` answers `ok` when the edge is up.
    pub const HEALTH: &str = "/api/health";
    /// The cookie that carries an operator's session token.
    pub const SESSION_COOKIE: &str = "charla_session";

    /// `GET` upgrades to a conversation socket. Visitors add `token`;
    /// operators bring their session cookie. `after` asks for the history
    /// after that sequence number.
    pub fn conversation_socket(id: &ConversationId, after: Seq) -> String {
        format!("/api/conversations/{id}/socket?v={PROTOCOL_VERSION}&after={after}")
    }

    /// `GET`: the whole transcript, for operators.
    pub fn transcript(id: &ConversationId) -> String {
        format!("/api/conversations/{id}/transcript")
    }

    /// `GET`: the public widget configuration of a channel.
    pub fn widget_config(channel: &ChannelId) -> String {
        format!("/api/channels/{channel}/widget")
    }

    /// `GET` and `PUT` (admins): who may embed the channel, whether visitors
    /// must be signed in; the answer includes the signing secret.
    pub fn channel_security(channel: &ChannelId) -> String {
        format!("/api/channels/{channel}/security")
    }

    /// `POST` (admins): replaces the channel's signing secret.
    pub fn channel_secret(channel: &ChannelId) -> String {
        format!("/api/channels/{channel}/security/secret")
    }

    /// `POST` (operators of its channel): the visitor's token stops working
    /// and the visitor is disconnected.
    pub fn revoke(id: &ConversationId) -> String {
        format!("/api/conversations/{id}/revoke")
    }

    /// `DELETE` ends every session of the signed-in operator.
    pub const SESSIONS: &str = "/api/sessions";

    /// `GET` upgrades to the live inbox of a channel, for operators.
    pub fn inbox_socket(channel: &ChannelId) -> String {
        format!("/api/channels/{channel}/inbox?v={PROTOCOL_VERSION}")
    }
}

/// Body of `POST /api/conversations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateConversation {
    /// The channel the widget belongs to.
    pub channel: ChannelId,
    /// What the host page said about the visitor, if anything.
    #[serde(default)]
    pub visitor: Visitor,
}

/// Answer to `POST /api/conversations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationCreated {
    /// The new conversation.
    pub conversation: ConversationId,
    /// The token that opens it, and only it. Shown once; the edge keeps a digest.
    pub token: VisitorToken,
}

/// Body of `POST /api/session`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The operator's e-mail address.
    pub email: String,
    /// The password, checked against a PBKDF2 digest.
    pub password: String,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("email", &self.email)
            .field("password", &"…")
            .finish()
    }
}

/// Who is signed in; the answer to `POST` and `GET /api/session`. The
/// session token itself travels only in an `HttpOnly` cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The operator.
    pub operator: OperatorProfile,
    /// The channels the operator answers.
    pub channels: Vec<ChannelSummary>,
    /// When the session ends.
    pub expires_at: Millis,
}

/// An operator as the console shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorProfile {
    /// Account id.
    pub id: OperatorId,
    /// The name visitors see.
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// What the account may do.
    pub role: StaffRole,
}

/// What a console account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Answers conversations and changes channel settings.
    Admin,
    /// Answers conversations.
    Operator,
}

/// A channel in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSummary {
    /// Its id.
    pub id: ChannelId,
    /// Its name.
    pub name: String,
}

/// What the widget needs to render a channel: public, nothing private.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetConfig {
    /// The channel.
    pub channel: ChannelId,
    /// Its name, shown in the window header.
    pub name: String,
    /// Its look and texts.
    pub options: ChannelOptions,
}

/// The look and texts of a channel's widget, as marketers set them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChannelOptions {
    /// Text of the chat button's notification bubble.
    pub button_text: String,
    /// The first message a visitor sees, shown as if an operator wrote it.
    pub welcome_message: String,
    /// Placeholder of the text input.
    pub input_placeholder: String,
    /// Background of the chat button, a CSS colour.
    pub button_color: String,
    /// Background of the window header, a CSS colour.
    pub header_color: String,
}

impl Default for ChannelOptions {
    fn default() -> Self {
        ChannelOptions {
            button_text: "Have a question? Chat with us.".into(),
            welcome_message: "Hello! How may we help you?".into(),
            input_placeholder: "Ask something…".into(),
            button_color: "#1f6f5c".into(),
            header_color: "#1f6f5c".into(),
        }
    }
}

/// Answer to `GET /api/conversations/{id}/transcript`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    /// The conversation.
    pub conversation: ConversationId,
    /// Its channel.
    pub channel: ChannelId,
    /// The visitor's display name.
    pub visitor: String,
    /// Who the visitor is, as far as it is known.
    #[serde(flatten)]
    pub contact: Contact,
    /// When it started.
    pub created_at: Millis,
    /// Every message in sequence order.
    pub messages: Vec<Message>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Seq;

    #[test]
    fn routes_carry_the_protocol_version() {
        let id = ConversationId::from_random([1; 16]);
        assert_eq!(
            routes::conversation_socket(&id, Seq(4)),
            format!("/api/conversations/{id}/socket?v=1&after=4")
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let body = r#"{"channel":"demo","admin":true}"#;
        assert!(serde_json::from_str::<CreateConversation>(body).is_err());
        let body = r#"{"channel":"demo"}"#;
        let parsed: CreateConversation = serde_json::from_str(body).unwrap();
        assert_eq!(parsed.visitor, Visitor::default());
    }

    #[test]
    fn passwords_do_not_print() {
        let sign_in = SignIn {
            email: "a@b.c".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{sign_in:?}").contains("hunter2"));
    }

    #[test]
    fn missing_options_take_defaults() {
        let options: ChannelOptions = serde_json::from_str(r##"{"button_color":"#000"}"##).unwrap();
        assert_eq!(options.button_color, "#000");
        assert_eq!(
            options.welcome_message,
            ChannelOptions::default().welcome_message
        );
    }
}
