//! The WebSocket protocol between browsers and the edge.
//!
//! Frames are JSON text objects. A conversation socket carries
//! [`ClientFrame`]s up and [`ServerFrame`]s down; an inbox socket carries
//! [`InboxFrame`]s down only.
//!
//! Frames going down name their kind as the object's one key
//! (`{"ack":{"id":"m1","seq":3}}`): browsers decode them, and this form is
//! read in one pass, where a `"type"` field among the others makes the
//! decoder buffer each frame into a generic value first (which cost the
//! widget kilobytes). Frames going up carry a `"type"` field: only the edge
//! decodes them, and refuses any field it does not know.
//!
//! Architecture Invariant: this module is the only definition of the frames;
//! nobody builds or picks apart frame JSON by hand.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::bot::{AnswerId, Choice, InputKind};
use crate::files::Attachment;
use crate::ids::{ChannelId, ClientMsgId, ConversationId, OperatorId, ParticipantId, Seq};
use crate::limits::{MAX_FRAME_BYTES, MAX_MESSAGE_CHARS, MAX_NAME_CHARS, PREVIEW_CHARS};
use crate::rating::{self, Rating};
use crate::Millis;

/// The protocol version this build speaks. Clients send it as the `v` query
/// parameter; the edge refuses versions it does not speak. Version 2 names
/// every author by a stable participant id; version 3 sends what only
/// operators receive under one `staff` key.
pub const PROTOCOL_VERSION: u16 = 3;

/// The heartbeat a client sends as a plain text frame (not JSON). The edge
/// answers [`PONG`] without waking the Durable Object, so a client learns
/// that its connection is alive at no cost to hibernation.
pub const PING: &str = "ping";

/// The edge's answer to [`PING`].
pub const PONG: &str = "pong";

/// How often a client sends [`PING`] while nothing else arrives.
pub const HEARTBEAT_MS: u32 = 20_000;

/// How long a client waits for any frame after a [`PING`] before it treats
/// the connection as dead and reconnects.
pub const HEARTBEAT_TIMEOUT_MS: u32 = 10_000;

/// Close code of a socket whose session or token no longer admits it: the
/// operator signed out or the visitor was blocked. Clients do not reconnect.
pub const CLOSE_REFUSED: u16 = 4403;

/// Close code of an operator socket whose session ended.
pub const CLOSE_SIGNED_OUT: u16 = 4401;

/// What a participant is in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The person on the customer's website.
    Visitor,
    /// A human operator answering from the console.
    Operator,
    /// Charla itself: notices in the conversation.
    System,
    /// A scripted chatbot.
    Bot,
    /// The AI assistant.
    Assistant,
    /// A role this version does not know (a newer edge's): shown neutrally.
    #[serde(other)]
    Other,
}

impl Role {
    /// Every role the edge stores.
    pub const KNOWN: [Role; 5] = [
        Role::Visitor,
        Role::Operator,
        Role::System,
        Role::Bot,
        Role::Assistant,
    ];

    /// The role's wire name, also used where the edge stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Visitor => "visitor",
            Role::Operator => "operator",
            Role::System => "system",
            Role::Bot => "bot",
            Role::Assistant => "assistant",
            Role::Other => "other",
        }
    }

    /// Reads a stored role back; `None` for anything else.
    pub fn parse(name: &str) -> Option<Role> {
        Role::KNOWN.into_iter().find(|r| r.as_str() == name)
    }
}

/// Who wrote a message, as everyone in the conversation sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// Visitor, operator, bot, assistant or system.
    pub role: Role,
    /// Who exactly, stable across the conversation: what clients compare.
    pub id: ParticipantId,
    /// The display name (not unique: two operators may share one).
    pub name: String,
}

/// One stored message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Position in the conversation, assigned by the edge.
    pub seq: Seq,
    /// The id its sender chose, unique per sender.
    pub id: ClientMsgId,
    /// Who wrote it.
    pub author: Author,
    /// Plain text; every client renders it as text, never as HTML.
    pub text: String,
    /// When the edge stored it.
    pub at: Millis,
    /// What kind of message it is, beyond its text.
    #[serde(default, skip_serializing_if = "MessageKind::is_text")]
    pub kind: MessageKind,
}

/// What a message is beyond its text: most are just text; a chatbot's
/// steps carry what the visitor may answer with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Text.
    #[default]
    Text,
    /// A chatbot's question, answered by one of its choices.
    Question {
        /// The answers offered, in the visitor's language.
        choices: Vec<Choice>,
    },
    /// A chatbot asks for typed text of this kind.
    Prompt {
        /// What it expects.
        input: InputKind,
    },
    /// The visitor chose this answer of the question before (the text is
    /// its label).
    Answer {
        /// The answer chosen.
        answer: AnswerId,
    },
    /// The chatbot's script ended; the visitor may restart it.
    Ended,
    /// The visitor or an operator ended the conversation (a system
    /// message): the visitor's window asks for a rating.
    Closed,
    /// The visitor rated the conversation (the text says how, for every
    /// reader; this says it for programs).
    Rated {
        /// The rating.
        rating: Rating,
        /// Why, if the visitor said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A file someone attached (the text is its name).
    File {
        /// The file, served at [`file`](crate::routes::file).
        attachment: Attachment,
    },
    /// The assistant's answer, quoted from these articles: the visitor is
    /// asked whether it answered, or offered a person.
    Sourced {
        /// The articles it quotes.
        sources: Vec<Source>,
        /// Whether the visitor can ask for a person.
        #[serde(default)]
        person: bool,
    },
    /// The assistant is not sure, or sees that a person would help: it
    /// offers a person (where people answer) or a rephrase.
    Unsure {
        /// Whether the visitor can ask for a person.
        #[serde(default)]
        person: bool,
    },
    /// The conversation went to people while nobody is on duty (outside
    /// the channel's office hours): a system message with the channel's
    /// out-of-hours text, under which the visitor's window offers the
    /// offline form until an operator takes the conversation.
    Offline,
}

/// An article an answer quotes, with its page on the channel's help site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The article's title.
    pub title: String,
    /// Its public page.
    pub url: String,
}

impl MessageKind {
    /// Whether it is plain text (and so left out of the wire format).
    pub fn is_text(&self) -> bool {
        *self == MessageKind::Text
    }
}

/// A frame a browser sends on a conversation socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// Post a message. A retry with the same `id` is stored once.
    Send {
        /// Chosen by the client before the first attempt.
        id: ClientMsgId,
        /// The text, at most [`MAX_MESSAGE_CHARS`] characters.
        text: String,
    },
    /// Post a file uploaded just before (see
    /// [`upload`](crate::routes::upload)) as a message. A retry with the
    /// same `id` is stored once; only who uploaded a file may post it.
    Attach {
        /// Chosen by the client before the first attempt.
        id: ClientMsgId,
        /// The file's number, as the upload answered it.
        file: u64,
    },
    /// Ask for every message after `after`, to fill a gap.
    Sync {
        /// The last sequence number the client holds without a gap.
        after: Seq,
    },
    /// Answer the chatbot's question with one of the choices it offered.
    /// Stored as the visitor's message (its label), once per `id`.
    Choose {
        /// Chosen by the client before the first attempt.
        id: ClientMsgId,
        /// The answer chosen.
        answer: AnswerId,
    },
    /// Start the chatbot's script again, once it has ended.
    Restart,
    /// Ask for a person instead of the chatbot.
    AskForPerson,
    /// End the conversation (the visitor or an operator). Ending twice
    /// changes nothing.
    End,
    /// The visitor rates the conversation, which ends it if it has not
    /// ended. Stored as the visitor's message, once per `id`; a later
    /// rating replaces an earlier one in reports.
    Rate {
        /// Chosen by the client before the first attempt.
        id: ClientMsgId,
        /// The rating.
        rating: Rating,
        /// Why, at most [`MAX_REASON_CHARS`](crate::limits::MAX_REASON_CHARS)
        /// characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The visitor asks for a copy of the transcript by e-mail. Answered
    /// with a [`Notice`], never stored.
    SendCopy {
        /// Where to send it.
        email: String,
    },
    /// The sender is typing. Relayed to the others, never stored; clients
    /// send it at most once per [`TYPING_EVERY_MS`](crate::limits::TYPING_EVERY_MS)
    /// while typing, and the edge drops what comes faster.
    Typing,
    /// The sender has read everything up to `seq`. Stored (a later mark
    /// replaces an earlier one; a mark never goes back) and relayed.
    Read {
        /// The last message read.
        seq: Seq,
    },
    /// An operator's private note, or a command (text starting with `/`,
    /// see [`Command`](crate::command::Command)) whose result is stored as
    /// a note too. Notes reach operators only, never the visitor; a retry
    /// with the same `id` is stored once.
    Note {
        /// Chosen by the client before the first attempt.
        id: ClientMsgId,
        /// The text, at most [`MAX_MESSAGE_CHARS`] characters.
        text: String,
    },
    /// What the visitor's browser knows of this visit, sent after each
    /// welcome: the latest page views on the site, newest last, at most
    /// [`MAX_PAGE_VIEWS`](crate::limits::MAX_PAGE_VIEWS), how many visits
    /// the browser counted, and its time zone. Replaces what the
    /// conversation knew; operators see it, nobody else.
    Visit {
        /// The page views.
        pages: Vec<PageView>,
        /// Visits to the site counted by this browser (this one included).
        #[serde(default)]
        visits: u32,
        /// Local time minus UTC, in minutes.
        #[serde(default)]
        offset_min: i32,
    },
}

/// What operators know about the visitor: the side panel of a
/// conversation. Never sent to a visitor socket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorDetails {
    /// The visitor's display name.
    pub name: String,
    /// Who the visitor is, as far as it is known (an address from
    /// `identify` or a chatbot step; the customer's verified id). Nested,
    /// not flattened: the widget decodes this frame's type too, and
    /// flattening would pull serde's buffering decoder into its download.
    pub contact: Contact,
    /// The language the widget speaks to them.
    pub language: crate::channel::Language,
    /// ISO 3166 country code, when known.
    pub country: Option<String>,
    /// Their browser's name.
    pub browser: String,
    /// Their operating system's name.
    pub os: String,
    /// Local time minus UTC, in minutes, once the widget said.
    pub offset_min: Option<i32>,
    /// Visits to the site counted by their browser.
    pub visits: u32,
    /// The page the conversation started on.
    pub started_on: Option<PageView>,
    /// Their latest page views, newest (the current page) last.
    pub pages: Vec<PageView>,
}

/// A page the visitor viewed on the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageView {
    /// Its address (`http` or `https`).
    pub url: String,
    /// Its title.
    pub title: String,
    /// When, by the visitor's clock.
    pub at: Millis,
}

/// An operator-only note in a conversation: never sent to a visitor socket,
/// never in a visitor's transcript. Notes are numbered on their own, apart
/// from messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Its number among the conversation's notes.
    pub n: u64,
    /// The id its sender chose.
    pub id: ClientMsgId,
    /// Who wrote it (Charla itself for a command's result).
    pub author: Author,
    /// Plain text.
    pub text: String,
    /// When the edge stored it.
    pub at: Millis,
}

/// A frame the edge sends on a conversation socket. `S` is how the client
/// reads the frames only operators receive (see [`StaffPart`]); the edge
/// writes and the console reads [`StaffFrame`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerFrame<S = StaffFrame> {
    /// The first frame of every connection.
    Welcome {
        /// The protocol version the edge speaks.
        protocol: u16,
        /// The conversation this socket is joined to.
        conversation: ConversationId,
        /// How the edge will show this client's messages; `you.id` is the
        /// client's own participant id.
        you: Author,
        /// The last stored sequence number.
        last_seq: Seq,
        /// How far each participant has read.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        reads: Vec<ReadMark>,
    },
    /// Stored messages in sequence order, answering a connect or a sync.
    /// Long histories come as several frames; the last has `more: false`.
    History {
        /// The messages, ascending by `seq`.
        messages: Vec<Message>,
        /// Whether another history frame follows.
        more: bool,
    },
    /// A message was stored (sent to everyone in the conversation).
    Message {
        /// The stored message.
        message: Message,
    },
    /// The sender's message with this id is durably stored as `seq`.
    Ack {
        /// The client's id.
        id: ClientMsgId,
        /// Where it was stored.
        seq: Seq,
    },
    /// Something the client sent was refused; nothing of it was stored.
    Error {
        /// What went wrong.
        problem: Problem,
    },
    /// Something happened that concerns only this socket and is not part of
    /// the transcript (it is never stored).
    Notice {
        /// What happened.
        notice: Notice,
    },
    /// Someone else in the conversation is typing. Never stored; shown for
    /// [`TYPING_SHOWN_MS`](crate::limits::TYPING_SHOWN_MS) unless repeated.
    Typing {
        /// Who.
        author: Author,
    },
    /// The assistant is writing an answer with a language model: its text
    /// so far, longer with every frame. Never stored; the complete answer
    /// follows as a [`ServerFrame::Message`] (the one from the articles, if
    /// the writing failed), which replaces it.
    Draft {
        /// Who writes.
        author: Author,
        /// The text so far.
        text: String,
    },
    /// Someone has read further.
    Read {
        /// Who, and how far.
        mark: ReadMark,
    },
    /// Whether a person attends the conversation: after each connection's
    /// history, once it waits for one, and whenever that changes. Never
    /// stored as a message.
    Attending {
        /// Where it stands.
        attending: Attending,
    },
    /// What only operators receive.
    Staff(S),
}

/// The frames the edge sends to operators only. They travel inside
/// [`ServerFrame::Staff`] so that a visitor's client can skip them unread
/// (`ServerFrame<IgnoredAny>`): the widget carries no code to decode them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffFrame {
    /// Every note of the conversation, to operators only, after the
    /// history of each connection.
    Notes {
        /// The notes, ascending.
        notes: Vec<Note>,
    },
    /// A note was stored (sent to operators only).
    NoteAdded {
        /// The note.
        note: Note,
    },
    /// What is known about the visitor, to operators only: after each
    /// connection's history and whenever the visitor's browser reports.
    Visitor {
        /// The details.
        details: VisitorDetails,
    },
}

/// How a client reads [`ServerFrame::Staff`]: the console as a
/// [`StaffFrame`], the widget not at all ([`IgnoredAny`]).
pub trait StaffPart {
    /// The staff frame, if this client reads it.
    fn into_frame(self) -> Option<StaffFrame>;
}

impl StaffPart for StaffFrame {
    fn into_frame(self) -> Option<StaffFrame> {
        Some(self)
    }
}

impl StaffPart for IgnoredAny {
    fn into_frame(self) -> Option<StaffFrame> {
        None
    }
}

/// Whether a person attends a conversation, as its visitor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attending {
    /// It waits in the channel's queue.
    Waiting {
        /// Its place in the queue, from 1.
        place: u32,
    },
    /// An operator holds it.
    Online {
        /// Their chat name.
        operator: String,
        /// Their avatar's colour (`#rrggbb`); empty: none.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        color: String,
    },
}

/// What a console sends on an inbox socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxRequest {
    /// The operator did something in the console (at most once per
    /// [`ACTIVE_EVERY_MS`](crate::limits::ACTIVE_EVERY_MS)): they stay in
    /// the rotation.
    Active,
}

impl InboxRequest {
    /// Decodes a console's frame; anything else is refused.
    pub fn decode(raw: &str) -> Result<InboxRequest, Problem> {
        if raw.len() > MAX_FRAME_BYTES {
            return Err(Problem::new(
                ErrorCode::TooLarge,
                "This frame is too large.",
            ));
        }
        serde_json::from_str(raw).map_err(|_| {
            Problem::new(
                ErrorCode::Malformed,
                "The inbox socket only takes the console's activity.",
            )
        })
    }

    /// The frame as JSON text.
    pub fn encode(&self) -> String {
        to_json(self)
    }
}

/// How far one participant has read a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadMark {
    /// Who read.
    pub reader: ParticipantId,
    /// What they are.
    pub role: Role,
    /// Everything up to this message is read.
    pub seq: Seq,
}

/// What a [`ServerFrame::Notice`] tells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// A copy of the transcript was handed to the mail service for this
    /// address.
    CopySent {
        /// The address.
        email: String,
    },
}

/// A frame the edge sends on an operator's inbox socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxFrame {
    /// Every open conversation of the channel, newest activity first. Sent
    /// first on every connection.
    Snapshot {
        /// The channel listed.
        channel: ChannelId,
        /// Its open conversations.
        conversations: Vec<ConversationSummary>,
        /// How far the operator on this socket has read each of them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        read: Vec<Seen>,
    },
    /// The operator on this socket read further in a conversation (here or
    /// in another tab).
    Read {
        /// The conversation and how far.
        seen: Seen,
    },
    /// A conversation started, received a message or changed hands.
    Upsert {
        /// Its new summary.
        conversation: Box<ConversationSummary>,
    },
    /// An admin deleted a conversation: it leaves the list.
    Removed {
        /// The conversation.
        conversation: ConversationId,
    },
    /// Who has the channel's inbox open now: sent on every connection and
    /// whenever an operator comes or goes, joins or leaves the channel.
    Presence {
        /// The channel.
        channel: ChannelId,
        /// The operators online, each once.
        online: Vec<OperatorId>,
        /// Those of them who are away: they left the channel or were
        /// inactive too long, so nothing is assigned to them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        away: Vec<OperatorId>,
    },
    /// A frame was refused.
    Error {
        /// What went wrong.
        problem: Problem,
    },
}

/// What the inbox shows about one conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    /// The conversation.
    pub id: ConversationId,
    /// Its channel.
    pub channel: ChannelId,
    /// The visitor's display name.
    pub visitor: String,
    /// Who the visitor is, as far as it is known.
    #[serde(flatten)]
    pub contact: Contact,
    /// When it started.
    pub created_at: Millis,
    /// Its last sequence number (zero before the first message).
    pub last_seq: Seq,
    /// The last message, shortened.
    pub last: Option<Preview>,
    /// Whether the visitor has the conversation open right now.
    #[serde(default)]
    pub visitor_online: bool,
    /// The sequence numbers of the visitor's latest messages, at most
    /// [`UNREAD_TAIL`](crate::limits::UNREAD_TAIL), ascending: an operator's
    /// unread count is how many lie past what they have read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visitor_seqs: Vec<Seq>,
    /// For a conversation between two operators (no visitor): the two of
    /// them. Only they receive its summary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub direct: Vec<Member>,
    /// Since when it waits in the channel's queue for a person (the inbox
    /// fills it in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<Millis>,
    /// The operator who holds it (the inbox fills it in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder>,
}

/// The operator who holds a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// Their account.
    pub id: OperatorId,
    /// Their chat name.
    pub name: String,
    /// Their avatar's colour (`#rrggbb`); empty: none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub color: String,
}

/// One of the two operators of a direct conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Their account.
    pub id: OperatorId,
    /// Their name when the conversation started.
    pub name: String,
    /// The sequence numbers of their latest messages, at most
    /// [`UNREAD_TAIL`](crate::limits::UNREAD_TAIL), ascending: what the
    /// other one counts as unread.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seqs: Vec<Seq>,
}

impl ConversationSummary {
    /// Whether only operators take part (a direct conversation).
    pub fn is_direct(&self) -> bool {
        !self.direct.is_empty()
    }

    /// Whether an operator may see this summary: anyone who answers the
    /// channel for a visitor's conversation, only its two members for a
    /// direct one.
    pub fn shown_to(&self, operator: &OperatorId) -> bool {
        !self.is_direct() || self.direct.iter().any(|m| &m.id == operator)
    }

    /// The name the list shows: the visitor's, or in a direct conversation
    /// the other operator's.
    pub fn title_for(&self, operator: &OperatorId) -> &str {
        self.direct
            .iter()
            .find(|m| &m.id != operator)
            .map_or(&self.visitor, |m| &m.name)
    }
}

/// How far an operator has read one conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// The conversation.
    pub conversation: ConversationId,
    /// The last message read.
    pub seq: Seq,
}

/// What operators know of a visitor beyond the display name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// An address the visitor gave (not verified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The customer's id for the visitor, present only when the customer's
    /// signature was verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_user: Option<String>,
}

/// A shortened last message for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// What wrote it.
    pub role: Role,
    /// Who wrote it.
    pub author: ParticipantId,
    /// At most [`PREVIEW_CHARS`] characters of it.
    pub text: String,
    /// When it was stored.
    pub at: Millis,
}

impl Preview {
    /// The preview of a stored message.
    pub fn of(message: &Message) -> Self {
        let text = if message.text.chars().count() > PREVIEW_CHARS {
            let mut cut: String = message.text.chars().take(PREVIEW_CHARS - 1).collect();
            cut.push('…');
            cut
        } else {
            message.text.clone()
        };
        Preview {
            role: message.author.role,
            author: message.author.id.clone(),
            text,
            at: message.at,
        }
    }
}

/// A refusal with a stable code for programs and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Problem {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// A sentence saying what was wrong and what is allowed.
    pub message: String,
    /// The client message id the problem concerns, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ClientMsgId>,
    /// For [`ErrorCode::RateLimited`]: when trying again will work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

/// Why something was refused. The same codes serve frames and HTTP bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not a frame or body this endpoint understands.
    Malformed,
    /// The frame or body is larger than the edge reads.
    TooLarge,
    /// The message text is longer than allowed.
    MessageTooLong,
    /// The message is empty or only whitespace.
    EmptyMessage,
    /// A field has an invalid value.
    Invalid,
    /// The client speaks another protocol version.
    UnsupportedProtocol,
    /// No valid credentials were given.
    Unauthorized,
    /// The credentials do not open this resource.
    Forbidden,
    /// No such resource (only said to clients allowed to know).
    NotFound,
    /// It exists already.
    Conflict,
    /// The method is not allowed on this path.
    MethodNotAllowed,
    /// Too many requests; try again later.
    RateLimited,
    /// Something the edge depends on did not answer; nothing was lost, and
    /// trying again shortly will work.
    Unavailable,
    /// The channel is outside its office hours: nobody takes new
    /// conversations now.
    Closed,
    /// The channel's queue is full: nobody can take a new conversation
    /// now.
    Busy,
    /// The edge failed; the detail is in its log.
    Internal,
}

impl ErrorCode {
    /// The HTTP status that carries this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Malformed
            | ErrorCode::MessageTooLong
            | ErrorCode::EmptyMessage
            | ErrorCode::Invalid
            | ErrorCode::UnsupportedProtocol => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict | ErrorCode::Closed | ErrorCode::Busy => 409,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::TooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable => 503,
        }
    }
}

impl Problem {
    /// A problem not tied to a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Problem {
            code,
            message: message.into(),
            id: None,
            retry_after_ms: None,
        }
    }

    /// A rate-limit refusal saying when to try again.
    pub fn rate_limited(message: impl Into<String>, retry_after_ms: u64) -> Self {
        Problem {
            retry_after_ms: Some(retry_after_ms),
            ..Problem::new(ErrorCode::RateLimited, message)
        }
    }

    /// A passing failure: nothing was stored, and the same request will
    /// work after `retry_after_ms`.
    pub fn unavailable(message: impl Into<String>, retry_after_ms: u64) -> Self {
        Problem {
            retry_after_ms: Some(retry_after_ms),
            ..Problem::new(ErrorCode::Unavailable, message)
        }
    }

    /// Whether the same request will work later as it is: the client keeps
    /// what it sent and tries again after `retry_after_ms`.
    pub fn is_passing(&self) -> bool {
        matches!(self.code, ErrorCode::RateLimited | ErrorCode::Unavailable)
    }

    /// What an operator whose session ended is told, on every socket.
    pub fn session_ended() -> Self {
        Problem::new(
            ErrorCode::Unauthorized,
            "Your session has ended. Sign in again.",
        )
    }

    /// Ties the problem to the client message it refuses.
    pub fn for_message(mut self, id: ClientMsgId) -> Self {
        self.id = Some(id);
        self
    }
}

impl ClientFrame {
    /// Decodes and validates a frame exactly as the edge does: size first
    /// (before any parsing work), then JSON shape, then field limits. A
    /// `Send` that passes has its text trimmed.
    pub fn decode(raw: &str) -> Result<ClientFrame, Problem> {
        if raw.len() > MAX_FRAME_BYTES {
            return Err(Problem::new(
                ErrorCode::TooLarge,
                format!(
                    "A frame may hold at most {MAX_FRAME_BYTES} bytes; this one has {}.",
                    raw.len()
                ),
            ));
        }
        let frame: ClientFrame = serde_json::from_str(raw).map_err(|e| {
            Problem::new(
                ErrorCode::Malformed,
                format!("This frame is not one Charla understands: {e}."),
            )
        })?;
        match frame {
            ClientFrame::Send { id, text } => {
                let text = message_text(&text).map_err(|p| p.for_message(id.clone()))?;
                Ok(ClientFrame::Send { id, text })
            }
            ClientFrame::Rate { id, rating, reason } => {
                let reason =
                    rating::reason(reason.as_deref()).map_err(|p| p.for_message(id.clone()))?;
                Ok(ClientFrame::Rate { id, rating, reason })
            }
            ClientFrame::SendCopy { email } => Ok(ClientFrame::SendCopy {
                email: crate::identity::email(&email)?,
            }),
            ClientFrame::Note { id, text } => {
                let text = message_text(&text).map_err(|p| p.for_message(id.clone()))?;
                Ok(ClientFrame::Note { id, text })
            }
            ClientFrame::Visit {
                pages,
                visits,
                offset_min,
            } => {
                if offset_min.abs() > 14 * 60 {
                    return Err(Problem::new(
                        ErrorCode::Invalid,
                        "A time zone is at most 14 hours from UTC.",
                    ));
                }
                Ok(ClientFrame::Visit {
                    pages: page_views(pages)?,
                    visits,
                    offset_min,
                })
            }
            other => Ok(other),
        }
    }

    /// The frame as JSON text.
    pub fn encode(&self) -> String {
        to_json(self)
    }
}

impl ServerFrame {
    /// Decodes a frame from the edge.
    pub fn decode(raw: &str) -> Result<ServerFrame, serde_json::Error> {
        serde_json::from_str(raw)
    }

    /// The frame as JSON text.
    pub fn encode(&self) -> String {
        to_json(self)
    }
}

impl InboxFrame {
    /// Decodes a frame from the edge.
    pub fn decode(raw: &str) -> Result<InboxFrame, serde_json::Error> {
        serde_json::from_str(raw)
    }

    /// The frame as JSON text.
    pub fn encode(&self) -> String {
        to_json(self)
    }
}

/// Checks page views against the limits: at most
/// [`MAX_PAGE_VIEWS`](crate::limits::MAX_PAGE_VIEWS), web addresses of at
/// most [`MAX_URL_CHARS`](crate::limits::MAX_URL_CHARS) characters; long
/// titles are cut.
pub fn page_views(pages: Vec<PageView>) -> Result<Vec<PageView>, Problem> {
    use crate::limits::{MAX_PAGE_TITLE_CHARS, MAX_PAGE_VIEWS, MAX_URL_CHARS};
    if pages.len() > MAX_PAGE_VIEWS {
        return Err(Problem::new(
            ErrorCode::Invalid,
            format!(
                "At most {MAX_PAGE_VIEWS} page views are kept; this frame has {}.",
                pages.len()
            ),
        ));
    }
    pages
        .into_iter()
        .map(|page| {
            let web = page.url.starts_with("https://") || page.url.starts_with("http://");
            if !web || page.url.chars().count() > MAX_URL_CHARS {
                return Err(Problem::new(
                    ErrorCode::Invalid,
                    format!(
                        "A page view needs an http or https address of at most {MAX_URL_CHARS} characters."
                    ),
                ));
            }
            Ok(PageView {
                title: page.title.chars().take(MAX_PAGE_TITLE_CHARS).collect(),
                ..page
            })
        })
        .collect()
}

/// Checks a message text against the limits and returns it trimmed.
pub fn message_text(text: &str) -> Result<String, Problem> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Problem::new(
            ErrorCode::EmptyMessage,
            "A message needs some text.",
        ));
    }
    let chars = trimmed.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(Problem::new(
            ErrorCode::MessageTooLong,
            format!(
                "A message may have at most {MAX_MESSAGE_CHARS} characters; this one has {chars}."
            ),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Checks a display name and returns it trimmed: 1 to [`MAX_NAME_CHARS`]
/// characters, no control characters.
pub fn display_name(name: &str, field: &str) -> Result<String, Problem> {
    let trimmed = name.trim();
    let chars = trimmed.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS || trimmed.chars().any(char::is_control) {
        return Err(Problem::new(
            ErrorCode::Invalid,
            format!(
                "{field} must have 1 to {MAX_NAME_CHARS} characters and no control characters."
            ),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Serialises a wire type. Every wire type is plain data with string keys,
/// which serde_json always encodes.
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("wire types always encode as JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> ClientMsgId {
        ClientMsgId::parse(text).unwrap()
    }

    #[test]
    fn send_frames_round_trip_and_are_trimmed() {
        let raw = r#"{"type":"send","id":"m1","text":"  hola  "}"#;
        assert_eq!(
            ClientFrame::decode(raw).unwrap(),
            ClientFrame::Send {
                id: id("m1"),
                text: "hola".into()
            }
        );
        let frame = ClientFrame::Sync { after: Seq(7) };
        assert_eq!(ClientFrame::decode(&frame.encode()).unwrap(), frame);
    }

    #[test]
    fn oversize_frames_are_refused_before_parsing() {
        let raw = "x".repeat(MAX_FRAME_BYTES + 1);
        let problem = ClientFrame::decode(&raw).unwrap_err();
        assert_eq!(problem.code, ErrorCode::TooLarge);
        assert!(problem.message.contains("32768"), "{}", problem.message);
    }

    #[test]
    fn long_messages_are_refused_with_their_id() {
        let text = "a".repeat(MAX_MESSAGE_CHARS + 1);
        let raw = ClientFrame::Send {
            id: id("long"),
            text,
        }
        .encode();
        let problem = ClientFrame::decode(&raw).unwrap_err();
        assert_eq!(problem.code, ErrorCode::MessageTooLong);
        assert_eq!(problem.id, Some(id("long")));
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        let text = "ñ".repeat(MAX_MESSAGE_CHARS);
        assert!(message_text(&text).is_ok());
    }

    #[test]
    fn blank_messages_are_refused() {
        let raw = r#"{"type":"send","id":"m1","text":" \n\t "}"#;
        assert_eq!(
            ClientFrame::decode(raw).unwrap_err().code,
            ErrorCode::EmptyMessage
        );
    }

    #[test]
    fn malformed_frames_say_why() {
        for raw in [
            "not json",
            "{}",
            r#"{"type":"shout","text":"x"}"#,
            r#"{"type":"send","id":"has space","text":"x"}"#,
            r#"{"type":"send","id":"m1","text":"x","admin":true}"#,
            r#"{"type":"sync","after":-1}"#,
        ] {
            let problem = ClientFrame::decode(raw).unwrap_err();
            assert_eq!(problem.code, ErrorCode::Malformed, "{raw}");
            assert!(!problem.message.is_empty());
        }
    }

    #[test]
    fn server_frames_are_tagged_json() {
        let frame = ServerFrame::Ack {
            id: id("m1"),
            seq: Seq(3),
        };
        assert_eq!(frame.encode(), r#"{"ack":{"id":"m1","seq":3}}"#);
        assert_eq!(ServerFrame::decode(&frame.encode()).unwrap(), frame);
    }

    #[test]
    fn previews_are_shortened() {
        let message = Message {
            seq: Seq(1),
            id: id("m"),
            author: Author {
                role: Role::Visitor,
                id: ParticipantId::visitor(),
                name: "V".into(),
            },
            text: "é".repeat(PREVIEW_CHARS + 10),
            at: 0,
            kind: MessageKind::Text,
        };
        let preview = Preview::of(&message);
        assert_eq!(preview.text.chars().count(), PREVIEW_CHARS);
        assert_eq!(preview.author, ParticipantId::visitor());
        assert!(preview.text.ends_with('…'));
    }

    #[test]
    fn role_names_match_the_wire() {
        for role in Role::KNOWN {
            assert_eq!(to_json(&role), format!("\"{}\"", role.as_str()));
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn an_unknown_role_is_read_as_other_not_refused() {
        let raw = r#"{"message":{"message":{"seq":1,"id":"m","author":{"role":"translator","id":"translator:x","name":"T"},"text":"hi","at":0}}}"#;
        let ServerFrame::Message { message } = ServerFrame::decode(raw).unwrap() else {
            panic!("a message frame");
        };
        assert_eq!(message.author.role, Role::Other);
        assert_eq!(message.author.id.as_str(), "translator:x");
    }

    #[test]
    fn sync_after_past_the_largest_sequence_number_is_malformed() {
        for raw in [
            r#"{"type":"sync","after":18446744073709551615}"#,
            r#"{"type":"sync","after":9223372036854775808}"#,
        ] {
            assert_eq!(
                ClientFrame::decode(raw).unwrap_err().code,
                ErrorCode::Malformed
            );
        }
        assert!(ClientFrame::decode(r#"{"type":"sync","after":9223372036854775807}"#).is_ok());
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(display_name("  Ana ", "Your name").unwrap(), "Ana");
        assert!(display_name("", "Your name").is_err());
        assert!(display_name("a\u{0}b", "Your name").is_err());
        assert!(display_name(&"n".repeat(MAX_NAME_CHARS + 1), "Your name").is_err());
    }

    #[test]
    fn every_code_has_its_http_status() {
        let table = [
            (ErrorCode::Malformed, 400),
            (ErrorCode::TooLarge, 413),
            (ErrorCode::MessageTooLong, 400),
            (ErrorCode::EmptyMessage, 400),
            (ErrorCode::Invalid, 400),
            (ErrorCode::UnsupportedProtocol, 400),
            (ErrorCode::Unauthorized, 401),
            (ErrorCode::Forbidden, 403),
            (ErrorCode::NotFound, 404),
            (ErrorCode::Conflict, 409),
            (ErrorCode::MethodNotAllowed, 405),
            (ErrorCode::RateLimited, 429),
            (ErrorCode::Internal, 500),
            (ErrorCode::Unavailable, 503),
            (ErrorCode::Closed, 409),
            (ErrorCode::Busy, 409),
        ];
        for (code, status) in table {
            assert_eq!(code.http_status(), status, "{code:?}");
        }
        // The table above lists every code: a new one must be added there.
        let listed = |code: ErrorCode| table.iter().any(|(c, _)| *c == code);
        match ErrorCode::Malformed {
            code @ (ErrorCode::Malformed
            | ErrorCode::TooLarge
            | ErrorCode::MessageTooLong
            | ErrorCode::EmptyMessage
            | ErrorCode::Invalid
            | ErrorCode::UnsupportedProtocol
            | ErrorCode::Unauthorized
            | ErrorCode::Forbidden
            | ErrorCode::NotFound
            | ErrorCode::Conflict
            | ErrorCode::MethodNotAllowed
            | ErrorCode::RateLimited
            | ErrorCode::Internal
            | ErrorCode::Unavailable
            | ErrorCode::Closed
            | ErrorCode::Busy) => assert!(listed(code)),
        }
    }
}
