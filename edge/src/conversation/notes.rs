//! What only operators see: private notes, commands, and what is known
//! about the visitor (the side panel). A note is stored apart from the
//! messages (its own numbering, so the visitor's sequence has no holes) and
//! sent only to sockets tagged as operators; a command is stored as the
//! note its operator typed, followed by Charla's answer as another note.
//! Nothing here ever reaches a visitor's socket, transcript or copy, except
//! the line `/leave` adds to the conversation, which says an operator left.

use charla_shared::api::RecordKind;
use charla_shared::command::{help_text, reference, Command, TICKET_TEAM};
use charla_shared::ids::{ChannelId, ClientMsgId, ParticipantId};
use charla_shared::limits::MAX_PAGE_VIEWS;
use charla_shared::mention::{mentioned, notice};
use charla_shared::protocol::{
    Author, ErrorCode, MessageKind, Note, Problem, Role, ServerFrame, StaffFrame,
};
use charla_shared::transcript::utc;
use worker::WebSocket;

use super::admission::{Participant, Pass};
use super::store::Meta;
use super::{send, Conversation};
use crate::direct;
use crate::error::{EdgeError, EdgeResult};
use crate::internal::{self, paths, Call, Relayed};
use crate::now;
use crate::store::Db;

/// How many tickets `/ticket_search` lists.
const SEARCH_RESULTS: usize = 10;

impl Conversation {
    /// Sends every note to an operator's new socket, after its history.
    pub(super) fn send_notes(&self, ws: &WebSocket) -> EdgeResult<()> {
        send(
            ws,
            &ServerFrame::Staff(StaffFrame::Notes {
                notes: self.store.notes()?,
            }),
        );
        Ok(())
    }

    /// An operator's note or command. A command that is not known, or lacks
    /// what it needs, is refused with the list of commands and stores
    /// nothing.
    pub(super) async fn note(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        participant: &Participant,
        id: ClientMsgId,
        text: String,
    ) -> EdgeResult<()> {
        let command =
            Command::parse(&text).map_err(|p| EdgeError::Refused(p.for_message(id.clone())))?;
        let (note, new) = self
            .store
            .insert_note(&participant.author, &id, &text, now())?;
        if !new {
            // A retry: its sender lost the first answer with a connection.
            send(ws, &ServerFrame::Staff(StaffFrame::NoteAdded { note }));
            return Ok(());
        }
        self.relay_note(note.clone());
        let Some(command) = command else {
            self.tell_mentioned(meta, participant, &note).await;
            return Ok(());
        };
        let answer = self.run(meta, &participant.author, command).await?;
        let charla = Author {
            role: Role::System,
            id: ParticipantId::system(),
            name: "Charla".into(),
        };
        let answer_id = ClientMsgId::parse(format!("answer-{}", id.as_str()))
            .map_err(|e| EdgeError::Corrupt(e.to_string()))?;
        let (answer, _) = self
            .store
            .insert_note(&charla, &answer_id, &answer, now())?;
        self.relay_note(answer);
        Ok(())
    }

    /// Tells each operator a note mentions (`@luis`), in their direct
    /// conversation with its writer, where it counts as unread and chimes.
    /// A failure is logged only: the note is stored already.
    async fn tell_mentioned(&self, meta: &Meta, participant: &Participant, note: &Note) {
        let Pass::Staff { session, .. } = &participant.pass else {
            return;
        };
        if !note.text.contains('@') {
            return;
        }
        let told = async {
            let team = Db::new(&self.env)?.team(&session.id).await?;
            for mate in mentioned(&note.text, &team) {
                let direct =
                    direct::open(&self.env, &session.id, &session.name, mate.id.clone()).await?;
                let relayed = Relayed {
                    author: participant.author.clone(),
                    id: ClientMsgId::parse(format!("mention-{}-{}", meta.conversation, note.n))
                        .map_err(|e| EdgeError::Corrupt(e.to_string()))?,
                    text: notice(&meta.visitor, &note.text),
                };
                Call::post(paths::RELAY, &relayed)?
                    .expect(&internal::conversation(&self.env, &direct)?, 204)
                    .await?;
            }
            Ok::<(), EdgeError>(())
        }
        .await;
        if let Err(error) = told {
            worker::console_error!("telling whom a note mentions: {error}");
        }
    }

    /// Refuses a message that is a command: a command never goes to the
    /// visitor, even from a client that sends it as a message.
    pub(super) fn refuse_command_as_message(&self, id: &ClientMsgId, text: &str) -> EdgeResult<()> {
        if Command::is_command(text) {
            return Err(EdgeError::Refused(
                Problem::new(
                    ErrorCode::Invalid,
                    "Commands are typed as notes; they never go to the visitor.",
                )
                .for_message(id.clone()),
            ));
        }
        Ok(())
    }

    /// Does what a command asks; returns what Charla answers.
    async fn run(&self, meta: &Meta, author: &Author, command: Command) -> EdgeResult<String> {
        Ok(match command {
            Command::Help => help_text(),
            Command::Ticket { title } => self.recorded(RecordKind::Ticket, &title).await,
            Command::Lead { title } => self.recorded(RecordKind::Lead, &title).await,
            Command::TicketSearch { query } => {
                let channel = ChannelId::parse(meta.channel.as_str())
                    .map_err(|e| EdgeError::Corrupt(e.to_string()))?;
                let found = Db::new(&self.env)?
                    .records(RecordKind::Ticket, &channel, Some(&query))
                    .await?;
                if found.is_empty() {
                    format!("No ticket matches “{query}”.")
                } else {
                    let mut lines = vec![format!("Tickets matching “{query}”:")];
                    lines.extend(found.iter().take(SEARCH_RESULTS).map(|record| {
                        format!(
                            "{} — {} ({})",
                            reference(RecordKind::Ticket, record.number),
                            record.title,
                            record.name
                        )
                    }));
                    lines.join("\n")
                }
            }
            Command::History => {
                let pages = self.store.pages()?;
                if pages.is_empty() {
                    "The visitor's page views are not known yet.".to_owned()
                } else {
                    let mut lines = vec![format!(
                        "The visitor's last {} pages (at most {MAX_PAGE_VIEWS}), newest last:",
                        pages.len()
                    )];
                    lines.extend(
                        pages.iter().map(|page| {
                            format!("{} — {} — {}", utc(page.at), page.title, page.url)
                        }),
                    );
                    lines.join("\n")
                }
            }
            Command::Leave => {
                // The visitor sees that the operator left; the conversation
                // stays in the channel's list for the others.
                self.system_says(
                    format!("{} left the conversation.", author.name),
                    MessageKind::Text,
                )?;
                "You left the conversation. It stays in the channel's list for the other operators."
                    .to_owned()
            }
        })
    }

    /// Records a lead or a ticket with the transcript; Charla's answer.
    async fn recorded(&self, kind: RecordKind, title: &str) -> String {
        let team = (kind == RecordKind::Ticket).then_some(TICKET_TEAM);
        match self.record(kind, team, Some(title)).await {
            Some(number) => format!(
                "{} created: “{title}”, with this conversation's transcript. It is listed under Leads and tickets.",
                reference(kind, number)
            ),
            None => format!(
                "The {} could not be created just now. Try again in a moment.",
                kind.label().to_lowercase()
            ),
        }
    }

    /// Sends what is known about the visitor to every operator socket.
    pub(super) fn tell_operators_about_the_visitor(&self, meta: &Meta) -> EdgeResult<()> {
        self.to_operators(&ServerFrame::Staff(StaffFrame::Visitor {
            details: self.store.visitor_details(meta)?,
        }));
        Ok(())
    }

    pub(super) fn relay_note(&self, note: Note) {
        self.to_operators(&ServerFrame::Staff(StaffFrame::NoteAdded { note }));
    }

    /// Sends a frame to every operator socket of the conversation, and to
    /// no other.
    fn to_operators(&self, frame: &ServerFrame) {
        let frame = frame.encode();
        for socket in self.state.get_websockets_with_tag(Role::Operator.as_str()) {
            let _ = socket.send_with_str(&frame);
        }
    }
}
