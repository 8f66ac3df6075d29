//! A client's copy of one conversation: the messages the edge has stored,
//! kept in sequence order whatever order frames arrive in, the outbox of
//! messages sent but not yet acknowledged, how far everyone has read and
//! who is typing. The widget and the console both hold one per open
//! conversation and only render it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::bot::AnswerId;
use crate::channel::Language;
use crate::files::Attachment;
use crate::ids::{ClientMsgId, Seq};
use crate::protocol::{
    Attending, Author, ClientFrame, Message, MessageKind, Note, Notice, Problem, ReadMark, Role,
    ServerFrame, StaffFrame, StaffPart, VisitorDetails,
};
use crate::rating::Rating;

/// One conversation as a client knows it.
#[derive(Debug, Clone, Default)]
pub struct ChatLog {
    messages: BTreeMap<Seq, Message>,
    /// Every message up to and including this one is held.
    frontier: Seq,
    /// Sent but not acknowledged, oldest first.
    outbox: Vec<Outgoing>,
    you: Option<Author>,
    /// The edge's last sequence number, from the welcome.
    known_last: Seq,
    /// Set while history is still arriving, so a gap is asked about once.
    syncing: bool,
    /// How far each participant has read, one mark per reader.
    reads: Vec<ReadMark>,
    /// Who else is typing right now.
    typing: Vec<Author>,
    /// An answer being written, and who writes it.
    draft: Option<(Author, String)>,
    /// Operator-only notes, ascending by number (operators' logs only).
    notes: Vec<Note>,
    /// What operators know about the visitor (operators' logs only).
    visitor: Option<VisitorDetails>,
    /// Whether a person attends the conversation, once the edge said.
    attending: Option<Attending>,
}

/// A message the client sent and the edge has not acknowledged yet. Clients
/// keep their outbox in local storage so that it survives a reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    /// The client-chosen id.
    pub id: ClientMsgId,
    /// The text as sent (for a chatbot answer, its label).
    pub text: String,
    /// The chatbot answer it chooses, if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<AnswerId>,
    /// The rating it gives, if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rated>,
    /// The uploaded file it posts, if it is one (the text is its name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<u64>,
}

/// A rating waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rated {
    /// The rating.
    pub rating: Rating,
    /// Why, if the visitor said.
    pub reason: Option<String>,
}

impl Outgoing {
    /// The frame that sends it.
    pub fn frame(&self) -> ClientFrame {
        let id = self.id.clone();
        if let Some(file) = self.file {
            return ClientFrame::Attach { id, file };
        }
        match (&self.rating, self.answer) {
            (Some(rated), _) => ClientFrame::Rate {
                id,
                rating: rated.rating,
                reason: rated.reason.clone(),
            },
            (None, Some(answer)) => ClientFrame::Choose { id, answer },
            (None, None) => ClientFrame::Send {
                id,
                text: self.text.clone(),
            },
        }
    }
}

/// What applying one frame changed.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    /// Messages that were not held before, ascending by `seq`.
    pub new_messages: Vec<Message>,
    /// A frame to send at once to fill a gap.
    pub reply: Option<ClientFrame>,
    /// A refusal to show the user.
    pub problem: Option<Problem>,
    /// The edge asked to slow down: send the outbox again after this long.
    pub resend_after_ms: Option<u64>,
    /// Something the edge told this client only.
    pub notice: Option<Notice>,
    /// Someone started or went on typing: the indicator should stay for
    /// another [`TYPING_SHOWN_MS`](crate::limits::TYPING_SHOWN_MS).
    pub typing: bool,
}

impl ChatLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stored messages, ascending by `seq`.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.messages.values()
    }

    /// Messages waiting for their acknowledgement, oldest first.
    pub fn outbox(&self) -> &[Outgoing] {
        &self.outbox
    }

    /// The last sequence number held with nothing missing before it: what a
    /// reconnect asks to continue from.
    pub fn frontier(&self) -> Seq {
        self.frontier
    }

    /// How the edge shows this client's own messages, once welcomed.
    pub fn you(&self) -> Option<&Author> {
        self.you.as_ref()
    }

    /// Whether a stored message was written by this client: the same
    /// participant id (display names are not unique).
    pub fn is_own(&self, message: &Message) -> bool {
        self.you
            .as_ref()
            .is_some_and(|you| you.id == message.author.id)
    }

    /// The operators' notes, ascending.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// What operators know about the visitor, once the edge said.
    pub fn visitor(&self) -> Option<&VisitorDetails> {
        self.visitor.as_ref()
    }

    /// Whether a person attends the conversation, once the edge said.
    pub fn attending(&self) -> Option<&Attending> {
        self.attending.as_ref()
    }

    /// Who else is typing.
    pub fn typing(&self) -> &[Author] {
        &self.typing
    }

    /// Whether the conversation went to people while nobody was on duty
    /// and none has taken it since: the newest word from the edge or an
    /// operator is the out-of-hours notice ([`MessageKind::Offline`]), and
    /// no operator holds it. The visitor's window then offers the offline
    /// form.
    pub fn offline_offered(&self) -> bool {
        !matches!(self.attending, Some(Attending::Online { .. }))
            && self
                .messages
                .values()
                .rev()
                .find(|m| matches!(m.author.role, Role::System | Role::Operator))
                .is_some_and(|m| m.kind == MessageKind::Offline)
    }

    /// An answer being written (its author and its text so far), until
    /// the answer itself arrives.
    pub fn draft(&self) -> Option<&(Author, String)> {
        self.draft.as_ref()
    }

    /// Nobody has typed for a while: the indicator goes, and so does a
    /// draft whose answer never came (the edge stores an answer before it
    /// is quiet that long, so this only clears one that was cut off).
    pub fn clear_typing(&mut self) {
        self.typing.clear();
        self.draft = None;
    }

    /// How far each participant has read.
    pub fn reads(&self) -> &[ReadMark] {
        &self.reads
    }

    /// The frame that tells the edge this client has read everything it
    /// holds, or `None` if the edge knows already. The mark changes when the
    /// edge relays it back, so a frame lost with a connection is sent again
    /// at the next chance.
    pub fn read_frame(&self) -> Option<ClientFrame> {
        let you = self.you.as_ref()?;
        let seq = self.frontier;
        (seq > self.read_by(&you.id)).then_some(ClientFrame::Read { seq })
    }

    /// How many messages from others this client has not read: those past
    /// both its read mark and its own last message (writing answers what
    /// came before). Charla's own notices do not count.
    pub fn unread(&self) -> usize {
        let Some(you) = &self.you else {
            return 0;
        };
        let own_last = self
            .messages
            .values()
            .rev()
            .find(|m| m.author.id == you.id)
            .map_or(Seq(0), |m| m.seq);
        let read = self.read_by(&you.id).max(own_last);
        self.messages
            .range(read.next()..)
            .filter(|(_, m)| m.author.id != you.id && m.author.role != Role::System)
            .count()
    }

    /// This client's latest message that the other side has read (a visitor's
    /// read by an operator, an operator's by the visitor): where "Seen"
    /// shows.
    pub fn seen(&self) -> Option<Seq> {
        let you = self.you.as_ref()?;
        let visitor = you.role == Role::Visitor;
        let read = self
            .reads
            .iter()
            .filter(|r| (r.role == Role::Visitor) != visitor)
            .map(|r| r.seq)
            .max()?;
        self.messages
            .range(..=read)
            .rev()
            .find(|(_, m)| m.author.id == you.id)
            .map(|(seq, _)| *seq)
    }

    /// Puts a message in the outbox and returns the frame that sends it.
    pub fn compose(&mut self, id: ClientMsgId, text: String) -> ClientFrame {
        self.queue(Outgoing {
            id,
            text,
            answer: None,
            rating: None,
            file: None,
        })
    }

    /// Puts an uploaded file in the outbox (shown by its name until the
    /// edge stores it) and returns the frame that posts it.
    pub fn attach(&mut self, id: ClientMsgId, attachment: &Attachment) -> ClientFrame {
        self.queue(Outgoing {
            id,
            text: attachment.name.clone(),
            answer: None,
            rating: None,
            file: Some(attachment.file),
        })
    }

    /// Puts a chatbot answer in the outbox (shown as its label until the
    /// edge stores it) and returns the frame that sends it.
    pub fn choose(&mut self, id: ClientMsgId, answer: AnswerId, label: String) -> ClientFrame {
        self.queue(Outgoing {
            id,
            text: label,
            answer: Some(answer),
            rating: None,
            file: None,
        })
    }

    /// Puts a rating in the outbox (shown as the conversation will show
    /// it) and returns the frame that sends it.
    pub fn rate(&mut self, id: ClientMsgId, rated: Rated, language: Language) -> ClientFrame {
        self.queue(Outgoing {
            id,
            text: rated.rating.text(rated.reason.as_deref(), language),
            answer: None,
            rating: Some(rated),
            file: None,
        })
    }

    /// Puts back an outbox saved before a reload, after anything queued
    /// since; messages already queued are not queued twice.
    pub fn restore_outbox(&mut self, saved: Vec<Outgoing>) {
        for outgoing in saved {
            if !self.outbox.iter().any(|o| o.id == outgoing.id) {
                self.outbox.push(outgoing);
            }
        }
    }

    /// Frames to send after a (re)connect: every unacknowledged message again,
    /// oldest first. The edge stores each id once, so resending is safe.
    pub fn resend(&self) -> Vec<ClientFrame> {
        self.outbox.iter().map(Outgoing::frame).collect()
    }

    /// Call when the connection drops: the answer to any sync is lost with it.
    pub fn disconnected(&mut self) {
        self.syncing = false;
    }

    /// Applies a frame from the edge.
    pub fn apply<S: StaffPart>(&mut self, frame: ServerFrame<S>) -> Applied {
        let mut applied = Applied::default();
        match frame {
            ServerFrame::Welcome {
                you,
                last_seq,
                reads,
                ..
            } => {
                // The edge follows every welcome with the history the
                // connect asked for, so wait for it before looking for gaps.
                self.you = Some(you);
                for mark in reads {
                    self.merge_read(mark);
                }
                // Whoever was typing before a reconnect says so again.
                self.typing.clear();
                self.draft = None;
                self.known_last = self.known_last.max(last_seq);
                self.syncing = true;
            }
            ServerFrame::History { messages, more } => {
                for message in messages {
                    self.insert(message, &mut applied);
                }
                self.syncing = more;
            }
            ServerFrame::Message { message } => {
                self.known_last = self.known_last.max(message.seq);
                self.insert(message, &mut applied);
            }
            ServerFrame::Ack { id, seq } => {
                self.outbox.retain(|o| o.id != id);
                self.known_last = self.known_last.max(seq);
            }
            ServerFrame::Error { problem } => {
                // A message refused for what it is leaves the outbox; one
                // refused for coming too fast, or while something the edge
                // needs did not answer, stays to go again later.
                if problem.is_passing() {
                    applied.resend_after_ms = Some(problem.retry_after_ms.unwrap_or(1_000));
                } else if let Some(id) = &problem.id {
                    self.outbox.retain(|o| &o.id != id);
                }
                applied.problem = Some(problem);
            }
            ServerFrame::Notice { notice } => applied.notice = Some(notice),
            ServerFrame::Typing { author } => {
                if self.you.as_ref().is_none_or(|you| you.id != author.id) {
                    self.typing.retain(|a| a.id != author.id);
                    self.typing.push(author);
                    applied.typing = true;
                }
            }
            ServerFrame::Draft { author, text } => {
                self.typing.retain(|a| a.id != author.id);
                self.draft = Some((author, text));
                applied.typing = true;
            }
            ServerFrame::Read { mark } => self.merge_read(mark),
            ServerFrame::Attending { attending } => self.attending = Some(attending),
            ServerFrame::Staff(staff) => match staff.into_frame() {
                Some(StaffFrame::Notes { notes }) => {
                    for note in notes {
                        self.insert_note(note);
                    }
                }
                Some(StaffFrame::NoteAdded { note }) => self.insert_note(note),
                Some(StaffFrame::Visitor { details }) => self.visitor = Some(details),
                None => {}
            },
        }
        if self.known_last > self.frontier && !self.syncing && self.has_gap() {
            self.syncing = true;
            applied.reply = Some(ClientFrame::Sync {
                after: self.frontier,
            });
        }
        applied
    }

    /// Keeps a note once, in order, whichever way it arrived.
    fn insert_note(&mut self, note: Note) {
        if let Err(at) = self.notes.binary_search_by_key(&note.n, |n| n.n) {
            self.notes.insert(at, note);
        }
    }

    fn read_by(&self, reader: &crate::ids::ParticipantId) -> Seq {
        self.reads
            .iter()
            .find(|r| &r.reader == reader)
            .map_or(Seq(0), |r| r.seq)
    }

    /// Keeps the furthest mark of each reader: marks never go back, whatever
    /// order frames arrive in.
    fn merge_read(&mut self, mark: ReadMark) {
        match self.reads.iter_mut().find(|r| r.reader == mark.reader) {
            Some(old) => old.seq = old.seq.max(mark.seq),
            None => self.reads.push(mark),
        }
    }

    fn queue(&mut self, outgoing: Outgoing) -> ClientFrame {
        let frame = outgoing.frame();
        self.outbox.push(outgoing);
        frame
    }

    fn insert(&mut self, message: Message, applied: &mut Applied) {
        if self.messages.contains_key(&message.seq) {
            return;
        }
        if self.is_own(&message) {
            self.outbox.retain(|o| o.id != message.id);
        }
        // A message ends its author's typing, and their draft.
        self.typing.retain(|a| a.id != message.author.id);
        if self
            .draft
            .as_ref()
            .is_some_and(|(author, _)| author.id == message.author.id)
        {
            self.draft = None;
        }
        self.messages.insert(message.seq, message.clone());
        while self.messages.contains_key(&self.frontier.next()) {
            self.frontier = self.frontier.next();
        }
        let at = applied
            .new_messages
            .partition_point(|m| m.seq < message.seq);
        applied.new_messages.insert(at, message);
    }

    /// A message is known to exist past the frontier but is not held.
    fn has_gap(&self) -> bool {
        let held_past_frontier = self.messages.range(self.frontier.next()..).count() as u64;
        held_past_frontier < self.known_last.0 - self.frontier.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames as the edge writes them (and the console reads them).
    type Frame = ServerFrame;
    use crate::ids::{ConversationId, OperatorId, ParticipantId};
    use crate::protocol::{ErrorCode, PROTOCOL_VERSION};

    fn id(text: &str) -> ClientMsgId {
        ClientMsgId::parse(text).unwrap()
    }

    fn visitor() -> Author {
        Author {
            role: Role::Visitor,
            id: ParticipantId::visitor(),
            name: "Visitor".into(),
        }
    }

    fn operator() -> Author {
        operator_named("ana", "Ana")
    }

    fn operator_named(id: &str, name: &str) -> Author {
        Author {
            role: Role::Operator,
            id: ParticipantId::operator(&OperatorId::parse(id).unwrap()),
            name: name.into(),
        }
    }

    fn message(seq: u64, author: Author, client_id: &str) -> Message {
        Message {
            seq: Seq(seq),
            id: id(client_id),
            author,
            text: format!("message {seq}"),
            at: seq as i64,
            kind: MessageKind::Text,
        }
    }

    fn connected(last: u64) -> ChatLog {
        let mut log = ChatLog::new();
        log.apply(welcome(last));
        log
    }

    fn history(messages: Vec<Message>, more: bool) -> ServerFrame {
        ServerFrame::History { messages, more }
    }

    fn welcome(last: u64) -> ServerFrame {
        ServerFrame::Welcome {
            protocol: PROTOCOL_VERSION,
            conversation: ConversationId::from_random([0; 16]),
            you: visitor(),
            last_seq: Seq(last),
            reads: vec![],
        }
    }

    fn seqs(log: &ChatLog) -> Vec<u64> {
        log.messages().map(|m| m.seq.0).collect()
    }

    #[test]
    fn history_then_live_messages_stay_in_order() {
        let mut log = connected(2);
        let applied = log.apply(history(
            vec![message(1, visitor(), "a"), message(2, operator(), "b")],
            false,
        ));
        assert_eq!(applied.new_messages.len(), 2);
        assert_eq!(applied.reply, None);
        log.apply(Frame::Message {
            message: message(3, operator(), "c"),
        });
        assert_eq!(seqs(&log), [1, 2, 3]);
        assert_eq!(log.frontier(), Seq(3));
    }

    #[test]
    fn duplicates_are_ignored() {
        let mut log = connected(0);
        let m = message(1, operator(), "a");
        assert_eq!(
            log.apply(Frame::Message { message: m.clone() })
                .new_messages
                .len(),
            1
        );
        assert!(log
            .apply(Frame::Message { message: m })
            .new_messages
            .is_empty());
        assert_eq!(seqs(&log), [1]);
    }

    #[test]
    fn a_gap_asks_for_a_sync_once() {
        let mut log = connected(1);
        log.apply(history(vec![message(1, operator(), "a")], false));
        let applied = log.apply(Frame::Message {
            message: message(3, operator(), "c"),
        });
        assert_eq!(applied.reply, Some(ClientFrame::Sync { after: Seq(1) }));
        let again = log.apply(Frame::Message {
            message: message(4, operator(), "d"),
        });
        assert_eq!(again.reply, None, "one sync is enough");
        let filled = log.apply(history(
            vec![message(2, operator(), "b"), message(3, operator(), "c")],
            false,
        ));
        assert_eq!(filled.new_messages.len(), 1);
        assert_eq!(seqs(&log), [1, 2, 3, 4]);
        assert_eq!(log.frontier(), Seq(4));
    }

    #[test]
    fn an_ack_past_the_frontier_is_a_gap_too() {
        let mut log = connected(0);
        log.apply(history(vec![], false));
        log.compose(id("mine"), "hi".into());
        let applied = log.apply(Frame::Ack {
            id: id("mine"),
            seq: Seq(1),
        });
        assert!(log.outbox().is_empty());
        assert_eq!(applied.reply, Some(ClientFrame::Sync { after: Seq(0) }));
    }

    #[test]
    fn the_outbox_empties_on_ack_or_own_echo_and_resends_in_order() {
        let mut log = connected(0);
        log.compose(id("one"), "1".into());
        log.compose(id("two"), "2".into());
        assert_eq!(
            log.resend(),
            vec![
                ClientFrame::Send {
                    id: id("one"),
                    text: "1".into()
                },
                ClientFrame::Send {
                    id: id("two"),
                    text: "2".into()
                },
            ]
        );
        log.apply(Frame::Message {
            message: message(1, visitor(), "one"),
        });
        assert_eq!(log.outbox().len(), 1);
        log.apply(Frame::Ack {
            id: id("two"),
            seq: Seq(2),
        });
        assert!(log.outbox().is_empty());
    }

    #[test]
    fn a_refused_message_leaves_the_outbox_with_its_reason() {
        let mut log = connected(0);
        log.compose(id("long"), "x".into());
        let applied = log.apply(Frame::Error {
            problem: Problem::new(ErrorCode::MessageTooLong, "too long").for_message(id("long")),
        });
        assert!(log.outbox().is_empty());
        assert_eq!(applied.problem.unwrap().code, ErrorCode::MessageTooLong);
    }

    #[test]
    fn a_rating_waits_in_the_outbox_and_goes_again_after_a_reconnect() {
        let mut log = connected(0);
        let rated = Rated {
            rating: Rating::Neutral,
            reason: Some("slow".into()),
        };
        let frame = log.rate(id("r1"), rated.clone(), Language::En);
        assert_eq!(
            frame,
            ClientFrame::Rate {
                id: id("r1"),
                rating: Rating::Neutral,
                reason: Some("slow".into())
            }
        );
        assert_eq!(log.outbox()[0].text, "Rating: 😐 — slow");
        let saved: Vec<Outgoing> =
            serde_json::from_str(&serde_json::to_string(log.outbox()).unwrap()).unwrap();
        assert_eq!(saved[0].rating, Some(rated), "it survives a reload");
        assert_eq!(log.resend(), [frame]);
    }

    #[test]
    fn no_sync_is_asked_while_history_is_still_arriving() {
        let mut log = connected(3);
        let first = log.apply(history(vec![message(1, operator(), "a")], true));
        assert_eq!(first.reply, None);
        log.disconnected();
        assert_eq!(log.apply(welcome(3)).reply, None);
        let rest = log.apply(history(
            vec![message(2, operator(), "b"), message(3, operator(), "c")],
            false,
        ));
        assert_eq!(rest.reply, None);
        assert_eq!(log.frontier(), Seq(3));
    }

    #[test]
    fn a_history_that_ends_short_asks_again() {
        let mut log = connected(3);
        let applied = log.apply(history(vec![message(1, operator(), "a")], false));
        assert_eq!(applied.reply, Some(ClientFrame::Sync { after: Seq(1) }));
    }

    #[test]
    fn an_attached_file_waits_under_its_name_and_posts_once() {
        let mut log = connected(0);
        let attachment = Attachment {
            file: 7,
            name: "plano.pdf".into(),
            size: 2048,
            mime: "application/pdf".into(),
        };
        let frame = log.attach(id("f"), &attachment);
        assert_eq!(
            frame,
            ClientFrame::Attach {
                id: id("f"),
                file: 7
            }
        );
        assert_eq!(log.outbox()[0].text, "plano.pdf");
        let saved: Vec<Outgoing> =
            serde_json::from_str(&serde_json::to_string(log.outbox()).unwrap()).unwrap();
        assert_eq!(saved[0].frame(), frame, "it survives a reload");
    }

    #[test]
    fn a_saved_outbox_comes_back_once_and_in_order() {
        let mut log = connected(0);
        log.compose(id("b"), "2".into());
        log.restore_outbox(vec![
            Outgoing {
                id: id("a"),
                text: "1".into(),
                answer: None,
                rating: None,
                file: None,
            },
            Outgoing {
                id: id("b"),
                text: "2".into(),
                answer: None,
                rating: None,
                file: None,
            },
        ]);
        let ids: Vec<&str> = log.outbox().iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["b", "a"]);
        let saved = serde_json::to_string(log.outbox()).unwrap();
        let mut reloaded = ChatLog::new();
        reloaded.restore_outbox(serde_json::from_str(&saved).unwrap());
        assert_eq!(reloaded.outbox(), log.outbox());
    }

    #[test]
    fn a_message_the_edge_could_not_take_now_stays_to_go_again() {
        let mut log = connected(0);
        log.compose(id("later"), "x".into());
        let applied = log.apply(Frame::Error {
            problem: Problem::unavailable("Try again.", 2_000).for_message(id("later")),
        });
        assert_eq!(log.outbox().len(), 1);
        assert_eq!(applied.resend_after_ms, Some(2_000));
    }

    #[test]
    fn a_message_refused_for_speed_stays_to_go_again() {
        let mut log = connected(0);
        log.compose(id("fast"), "x".into());
        let applied = log.apply(Frame::Error {
            problem: Problem::rate_limited("Slow down.", 1_500).for_message(id("fast")),
        });
        assert_eq!(log.outbox().len(), 1);
        assert_eq!(applied.resend_after_ms, Some(1_500));
        assert_eq!(applied.problem.unwrap().code, ErrorCode::RateLimited);
    }

    #[test]
    fn own_messages_are_recognised() {
        let log = connected(0);
        assert!(log.is_own(&message(1, visitor(), "a")));
        assert!(!log.is_own(&message(2, operator(), "b")));
    }

    #[test]
    fn own_means_the_same_participant_not_the_same_name() {
        let mut log = ChatLog::new();
        log.apply(Frame::Welcome {
            protocol: PROTOCOL_VERSION,
            conversation: ConversationId::from_random([0; 16]),
            you: operator_named("ana", "Ana"),
            last_seq: Seq(0),
            reads: vec![],
        });
        assert!(log.is_own(&message(1, operator_named("ana", "Ana B."), "a")));
        assert!(!log.is_own(&message(2, operator_named("ana-2", "Ana"), "b")));
    }

    fn mark(reader: &Author, seq: u64) -> ReadMark {
        ReadMark {
            reader: reader.id.clone(),
            role: reader.role,
            seq: Seq(seq),
        }
    }

    fn system(seq: u64) -> Message {
        let author = Author {
            role: Role::System,
            id: ParticipantId::system(),
            name: "Charla".into(),
        };
        message(seq, author, &format!("s{seq}"))
    }

    #[test]
    fn the_offline_form_is_offered_after_an_out_of_hours_hand_off_until_an_operator_takes_it() {
        let mut log = connected(0);
        log.apply(history(vec![system(1)], false));
        assert!(!log.offline_offered(), "a plain notice offers nothing");
        let mut closed = system(2);
        closed.kind = MessageKind::Offline;
        log.apply(Frame::Message { message: closed });
        log.apply(Frame::Attending {
            attending: Attending::Waiting { place: 1 },
        });
        assert!(log.offline_offered());
        log.apply(Frame::Message {
            message: message(3, visitor(), "v"),
        });
        assert!(
            log.offline_offered(),
            "the visitor writing more changes nothing"
        );
        log.apply(Frame::Attending {
            attending: Attending::Online {
                operator: "Ana".into(),
                color: String::new(),
            },
        });
        assert!(!log.offline_offered(), "someone took it");
        log.apply(Frame::Attending {
            attending: Attending::Waiting { place: 1 },
        });
        log.apply(Frame::Message {
            message: message(4, operator(), "o"),
        });
        assert!(!log.offline_offered(), "an operator answered after it");
    }

    #[test]
    fn unread_counts_others_past_the_mark_and_the_own_last_message() {
        let mut log = connected(0);
        log.apply(history(
            vec![
                message(1, operator(), "a"),
                system(2),
                message(3, operator(), "b"),
            ],
            false,
        ));
        assert_eq!(log.unread(), 2, "Charla's notices are not unread");
        assert_eq!(log.read_frame(), Some(ClientFrame::Read { seq: Seq(3) }));
        log.apply(Frame::Read {
            mark: mark(&visitor(), 3),
        });
        assert_eq!(log.unread(), 0);
        assert_eq!(log.read_frame(), None, "known already");
        log.apply(Frame::Message {
            message: message(4, operator(), "c"),
        });
        assert_eq!(log.unread(), 1);
        log.apply(Frame::Message {
            message: message(5, visitor(), "d"),
        });
        assert_eq!(log.unread(), 0, "writing answers what came before");
    }

    #[test]
    fn a_mark_from_the_edge_survives_a_reload_and_never_goes_back() {
        let mut log = ChatLog::new();
        log.apply(Frame::Welcome {
            protocol: PROTOCOL_VERSION,
            conversation: ConversationId::from_random([0; 16]),
            you: visitor(),
            last_seq: Seq(3),
            reads: vec![mark(&visitor(), 2)],
        });
        log.apply(history(
            (1..=3)
                .map(|n| message(n, operator(), &n.to_string()))
                .collect(),
            false,
        ));
        assert_eq!(log.unread(), 1);
        log.apply(Frame::Read {
            mark: mark(&visitor(), 1),
        });
        assert_eq!(log.unread(), 1, "an older mark changes nothing");
        log.apply(Frame::Read {
            mark: mark(&visitor(), 3),
        });
        assert_eq!(log.unread(), 0, "read in another tab");
    }

    #[test]
    fn seen_is_the_own_latest_message_the_other_side_read() {
        let mut log = connected(0);
        log.apply(history(
            vec![
                message(1, visitor(), "a"),
                message(2, operator(), "b"),
                message(3, visitor(), "c"),
            ],
            false,
        ));
        assert_eq!(log.seen(), None);
        log.apply(Frame::Read {
            mark: mark(&visitor(), 3),
        });
        assert_eq!(log.seen(), None, "the reader's own mark says nothing");
        log.apply(Frame::Read {
            mark: mark(&operator(), 2),
        });
        assert_eq!(log.seen(), Some(Seq(1)));
        log.apply(Frame::Read {
            mark: mark(&operator_named("bo", "Bo"), 3),
        });
        assert_eq!(log.seen(), Some(Seq(3)), "any operator counts");
    }

    #[test]
    fn notes_are_kept_once_in_order() {
        let mut log = connected(0);
        let note = |n: u64| Note {
            n,
            id: id(&format!("n{n}")),
            author: operator(),
            text: format!("note {n}"),
            at: 0,
        };
        log.apply(Frame::Staff(StaffFrame::NoteAdded { note: note(2) }));
        log.apply(Frame::Staff(StaffFrame::Notes {
            notes: vec![note(1), note(2)],
        }));
        let ns: Vec<u64> = log.notes().iter().map(|n| n.n).collect();
        assert_eq!(ns, [1, 2]);
        assert_eq!(log.messages().count(), 0, "notes are not messages");
    }

    #[test]
    fn typing_shows_others_until_they_write_or_it_is_cleared() {
        let mut log = connected(0);
        let applied = log.apply(Frame::Typing { author: visitor() });
        assert!(!applied.typing, "the client's own typing is not shown");
        assert!(log.typing().is_empty());
        assert!(log.apply(Frame::Typing { author: operator() }).typing);
        log.apply(Frame::Typing { author: operator() });
        assert_eq!(log.typing(), [operator()], "once per typist");
        log.apply(Frame::Message {
            message: message(1, operator(), "a"),
        });
        assert!(log.typing().is_empty(), "the message ends it");
        log.apply(Frame::Typing { author: operator() });
        log.clear_typing();
        assert!(log.typing().is_empty());
    }

    #[test]
    fn a_draft_grows_in_place_until_its_answer_replaces_it() {
        let mut log = connected(0);
        let writer = operator_named("assistant", "Rueda");
        log.apply(Frame::Typing {
            author: writer.clone(),
        });
        let applied = log.apply(Frame::Draft {
            author: writer.clone(),
            text: "Orders".into(),
        });
        assert!(applied.typing, "a draft keeps the indicator's timer going");
        assert!(log.typing().is_empty(), "the draft shows instead of typing");
        log.apply(Frame::Draft {
            author: writer.clone(),
            text: "Orders arrive in".into(),
        });
        assert_eq!(
            log.draft(),
            Some(&(writer.clone(), "Orders arrive in".to_owned()))
        );
        assert_eq!(log.messages().count(), 0, "a draft is not a message");
        log.apply(Frame::Message {
            message: message(1, visitor(), "v1"),
        });
        assert!(log.draft().is_some(), "someone else's message leaves it");
        log.apply(Frame::Message {
            message: message(2, writer.clone(), "a1"),
        });
        assert!(log.draft().is_none(), "the answer replaces it");
        log.apply(Frame::Draft {
            author: writer,
            text: "Cut".into(),
        });
        log.clear_typing();
        assert!(log.draft().is_none(), "a draft cut off goes with time");
    }
}
