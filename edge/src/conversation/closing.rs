//! The end of a conversation: ending it, the visitor's rating, and a copy
//! of the transcript by e-mail.
//!
//! The transcript keeps each as a message everyone sees (who ended it, the
//! face and the reason), so the operator reads the rating as it arrives.
//! D1 keeps what reports and the dashboard count across conversations: the
//! moments of each conversation and one rating per conversation. A rating
//! is written to D1 before it is stored here, so a rating the reports do not
//! have is never shown as given: if D1 does not answer, the visitor's
//! widget keeps it and sends it again.

use charla_shared::bot::InputKind;
use charla_shared::ids::{ChannelId, ClientMsgId, ConversationId};
use charla_shared::limits::MAX_TRANSCRIPT_COPIES;
use charla_shared::protocol::{ErrorCode, MessageKind, Notice, Problem, Role, ServerFrame};
use charla_shared::rating::{self, Rating};
use charla_shared::transcript;
use worker::WebSocket;

use super::admission::Participant;
use super::store::Meta;
use super::{send, summary, Conversation, RETRY_MS};
use crate::error::{EdgeError, EdgeResult};
use crate::mail::{Mail, Mailer};
use crate::now;
use crate::store::{Db, Moment, NewRating};

impl Conversation {
    /// Ends the conversation, once: a system message says who ended it (the
    /// visitor's window then asks for a rating), and D1 learns when.
    pub(super) async fn end(&self, meta: &Meta, participant: &Participant) -> EdgeResult<()> {
        let at = now();
        if !self.store.mark(Moment::Ended, at)? {
            return Ok(());
        }
        let by =
            (participant.author.role != Role::Visitor).then_some(participant.author.name.as_str());
        let text = rating::closed_text(meta.language, &meta.visitor, by);
        let message = self.system_says(text, MessageKind::Closed)?;
        self.record_moment(meta, Moment::Ended, at).await;
        self.tell_inbox(summary(meta, Some(&message), self.visitor_online(None))?);
        self.left_queue(meta).await;
        Ok(())
    }

    /// The visitor rates the conversation (which ends it first if it has
    /// not ended). The rating reaches D1 first, then the transcript.
    pub(super) async fn rate(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        participant: &Participant,
        id: ClientMsgId,
        rating: Rating,
        reason: Option<String>,
    ) -> EdgeResult<()> {
        if self.acknowledge_retry(ws, &participant.author.id, &id)? {
            return Ok(());
        }
        self.take_visitor_token(participant, &id)?;
        self.end(meta, participant).await?;
        let operator = self.store.last_operator()?;
        let saved = async {
            Db::new(&self.env)?
                .save_rating(&NewRating {
                    conversation: &conversation_of(meta)?,
                    channel: &channel_of(meta)?,
                    operator: operator.as_ref().and_then(|a| a.id.operator_id()).as_ref(),
                    operator_name: operator.as_ref().map(|a| a.name.as_str()),
                    visitor: &meta.visitor,
                    rating,
                    reason: reason.as_deref(),
                    at: now(),
                })
                .await
        }
        .await;
        if let Err(error) = saved {
            worker::console_error!("saving a rating: {error}");
            return Err(EdgeError::Refused(
                Problem::unavailable(
                    "Your rating could not be saved just now. It will be sent again in a moment.",
                    RETRY_MS,
                )
                .for_message(id),
            ));
        }
        let text = rating.text(reason.as_deref(), meta.language);
        let message = self.append(
            participant.author.clone(),
            id,
            text,
            MessageKind::Rated { rating, reason },
        )?;
        self.acknowledge_and_relay(ws, &message);
        self.tell_inbox(summary(meta, Some(&message), self.visitor_online(None))?);
        Ok(())
    }

    /// Sends the visitor a copy of the transcript by e-mail, at most
    /// [`MAX_TRANSCRIPT_COPIES`] per conversation, and tells only them.
    /// The address becomes the visitor's contact if they had none.
    pub(super) async fn send_copy(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        email: String,
    ) -> EdgeResult<()> {
        let Some(mailer) = Mailer::from_env(&self.env) else {
            return Err(EdgeError::refuse(
                ErrorCode::Invalid,
                "This chat cannot send e-mail.",
            ));
        };
        if meta.copies_sent >= MAX_TRANSCRIPT_COPIES {
            return Err(EdgeError::refuse(
                ErrorCode::Invalid,
                format!("At most {MAX_TRANSCRIPT_COPIES} copies of a conversation can be sent."),
            ));
        }
        let record = self.transcript_of(meta)?;
        let channel = channel_of(meta)?;
        let sent = async {
            let name = Db::new(&self.env)?
                .channel(&channel)
                .await?
                .map_or_else(|| channel.to_string(), |c| c.name);
            mailer
                .send(&Mail {
                    from: mailer.from(),
                    to: [&email],
                    subject: &transcript::subject(&name),
                    text: &transcript::plain(&record, &name),
                    html: &transcript::html(&record, &name),
                })
                .await
        }
        .await;
        if let Err(error) = sent {
            worker::console_error!("sending a transcript: {error}");
            return Err(EdgeError::Refused(Problem::unavailable(
                "The copy could not be sent just now. Try again in a moment.",
                RETRY_MS,
            )));
        }
        self.store.count_copy()?;
        if meta.email.is_none() {
            self.store.set_contact(InputKind::Email, &email)?;
        }
        send(
            ws,
            &ServerFrame::Notice {
                notice: Notice::CopySent { email },
            },
        );
        Ok(())
    }

    /// Tells D1 when something the dashboard counts happened. A failure is
    /// only logged: the transcript has the moment, the figures miss it.
    pub(super) async fn record_moment(
        &self,
        meta: &Meta,
        moment: Moment,
        at: charla_shared::Millis,
    ) {
        let recorded = async {
            Db::new(&self.env)?
                .conversation_moment(&conversation_of(meta)?, moment, at)
                .await
        }
        .await;
        if let Err(error) = recorded {
            worker::console_error!("recording {moment:?}: {error}");
        }
    }
}

fn conversation_of(meta: &Meta) -> EdgeResult<ConversationId> {
    ConversationId::parse(meta.conversation.as_str()).map_err(|e| EdgeError::Corrupt(e.to_string()))
}

fn channel_of(meta: &Meta) -> EdgeResult<ChannelId> {
    ChannelId::parse(meta.channel.as_str()).map_err(|e| EdgeError::Corrupt(e.to_string()))
}
