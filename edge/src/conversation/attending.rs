//! Who attends the conversation: it waits in its channel's queue for a
//! person, or an operator holds it. The channel's inbox decides (it sees
//! every conversation and every operator of the channel); this object
//! keeps what it was told, greets the visitor as the operator who took
//! it, and tells every socket.

use charla_shared::channel::ChatMode;
use charla_shared::ids::{ChannelId, ClientMsgId, ConversationId, ParticipantId};
use charla_shared::protocol::{Author, Holder, MessageKind, Role, ServerFrame};
use serde::Serialize;
use worker::{Response, WebSocket};

use super::store::Meta;
use super::{send, summary, Conversation};
use crate::error::{EdgeError, EdgeResult};
use crate::internal::{self, paths, Assignment, Call, Enqueue, Hold, HoldAction};
use crate::now;
use crate::store::Db;

impl Conversation {
    /// The inbox says who attends the conversation now. A new holder
    /// stops the chatbot and, unless they took it by writing, greets the
    /// visitor with the channel's agent message in the visitor's language;
    /// a transfer's note goes to the operators.
    pub(super) async fn assign(&self, assignment: &Assignment) -> EdgeResult<Response> {
        let meta = self.meta()?;
        let before = self.store.holder()?;
        self.store
            .set_attending(&assignment.attending, assignment.holder.as_ref())?;
        if let Some((by, text)) = &assignment.note {
            let author = Author {
                role: Role::Operator,
                id: ParticipantId::operator(&by.id),
                name: by.name.clone(),
            };
            let id = ClientMsgId::parse(format!("transfer-{}", now()))
                .map_err(|e| EdgeError::Corrupt(e.to_string()))?;
            let (note, _) = self.store.insert_note(&author, &id, text, now())?;
            self.relay_note(note);
        }
        let frame = ServerFrame::Attending {
            attending: assignment.attending.clone(),
        };
        for socket in self.state.get_websockets() {
            send(&socket, &frame);
        }
        let holder = assignment.holder.as_ref();
        let new_holder = holder.filter(|h| before.as_ref().is_none_or(|b| b.id != h.id));
        if let Some(holder) = new_holder {
            self.operator_took_over()?;
            if assignment.greet && meta.ended_at.is_none() {
                let channel = ChannelId::parse(meta.channel.as_str())
                    .map_err(|e| EdgeError::Corrupt(e.to_string()))?;
                let text = Db::new(&self.env)?
                    .channel(&channel)
                    .await?
                    .map(|c| c.options.texts_for(meta.language).agent_message)
                    .unwrap_or_default();
                if !text.trim().is_empty() {
                    let author = Author {
                        role: Role::Operator,
                        id: ParticipantId::operator(&holder.id),
                        name: holder.name.clone(),
                    };
                    let message = self.say(author, text, MessageKind::Text)?;
                    self.tell_inbox(summary(&meta, Some(&message), self.visitor_online(None))?);
                }
            }
        }
        Ok(Response::empty()?.with_status(204))
    }

    /// Tells a socket who attends the conversation, if anyone was ever
    /// asked (after its history, on every connection).
    pub(super) fn send_attending(&self, ws: &WebSocket) -> EdgeResult<()> {
        if let Some(attending) = self.store.attending()? {
            send(ws, &ServerFrame::Attending { attending });
        }
        Ok(())
    }

    /// The conversation now waits for a person: the channel's inbox queues
    /// it (once) and may assign it at once. A failure is logged: the
    /// operators still see the conversation in their list and can take it.
    pub(super) async fn wait_for_person(&self, meta: &Meta) {
        if meta.is_direct() || meta.mode == ChatMode::Bot {
            return;
        }
        if let Err(error) = self.call_inbox(meta, paths::ENQUEUE, |this| this).await {
            worker::console_error!("queueing the conversation: {error}");
        }
    }

    /// An operator wrote in a conversation nobody holds: it is theirs now
    /// (without the greeting, since they have said something already).
    /// Someone else holding it is no error here: they wrote alongside.
    pub(super) async fn answered(&self, meta: &Meta, author: &Author) {
        if meta.is_direct() || author.role != Role::Operator {
            return;
        }
        let Ok(None) = self.store.holder() else {
            return;
        };
        let Some(id) = author.id.operator_id() else {
            return;
        };
        let hold = |conversation| Hold {
            conversation,
            by: Holder {
                id,
                name: author.name.clone(),
                // The inbox knows the rest from the operator's session.
                color: String::new(),
            },
            admin: false,
            action: HoldAction::Answered,
        };
        if let Err(error) = self.call_inbox(meta, paths::HOLD, hold).await {
            worker::console_error!("taking the conversation by answering: {error}");
        }
    }

    /// The conversation ended: whoever held it is free of it.
    pub(super) async fn left_queue(&self, meta: &Meta) {
        if meta.is_direct() {
            return;
        }
        if let Err(error) = self.call_inbox(meta, paths::ENDED, |this| this).await {
            worker::console_error!("freeing the conversation's operator: {error}");
        }
    }

    /// Sends the channel's inbox what `body` makes of this conversation.
    /// A refusal (someone else holds it) is no failure.
    async fn call_inbox<T: Serialize>(
        &self,
        meta: &Meta,
        path: &str,
        body: impl FnOnce(Enqueue) -> T,
    ) -> EdgeResult<()> {
        let conversation = Enqueue {
            conversation: ConversationId::parse(meta.conversation.as_str())
                .map_err(|e| EdgeError::Corrupt(e.to_string()))?,
            channel: ChannelId::parse(meta.channel.as_str())
                .map_err(|e| EdgeError::Corrupt(e.to_string()))?,
        };
        let inbox = internal::inbox(&self.env, &conversation.channel)?;
        let response = Call::post(path, &body(conversation))?.send(&inbox).await?;
        match response.status_code() {
            200 | 204 | 409 => Ok(()),
            status => Err(EdgeError::Corrupt(format!(
                "inbox answered {status} to {path}"
            ))),
        }
    }
}
