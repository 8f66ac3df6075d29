//! One conversation: a Durable Object that owns its transcript and relays
//! messages between the visitor and any number of operators.
//!
//! The object uses the WebSocket hibernation API: the runtime keeps the
//! sockets open while the object is evicted from memory, and wakes it (by
//! constructing it again) when a frame arrives. So nothing that routes or
//! authorises a message lives only in memory: who is behind each socket is
//! serialised into the socket's attachment ([`admission`]), and everything
//! else is read from the object's SQLite storage ([`store`]).
//!
//! Failures are handled one way everywhere: when something the object
//! needs cannot be confirmed (storage, the operator's session in D1), the
//! frame is refused with a clear error and nothing is stored; the detail
//! goes to the log. Nothing fails open.

mod admission;
mod assistant;
mod attending;
mod bot;
mod closing;
mod notes;
mod reports;
mod store;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use charla_shared::identity::ChannelSecurity;
use charla_shared::ids::{ChannelId, ClientMsgId, ConversationId, ParticipantId, Seq};
use charla_shared::limits::{HISTORY_PAGE, SESSION_RECHECK_MS, TYPING_EVERY_MS, VISIT_EVERY_MS};
use charla_shared::logs::CONVERSATION_STARTED;
use charla_shared::protocol::{
    Author, ClientFrame, Contact, ConversationSummary, ErrorCode, Message, MessageKind, Preview,
    Problem, ReadMark, Role, Seen, ServerFrame, StaffFrame, CLOSE_REFUSED, CLOSE_SIGNED_OUT,
    PROTOCOL_VERSION,
};
use charla_shared::rate::Rate;
use charla_shared::Millis;
use worker::{
    durable_object, wasm_bindgen, Delay, DurableObject, Env, Request, Response, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

use self::admission::{Participant, Pass};
use self::reports::Reports;
use self::store::{Meta, Store};
use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, query};
use crate::internal::{
    self, paths, Call, NewConversation, OperatorRead, Relayed, Report, SignedOut, StaffSession,
};
use crate::store::{Db, Moment};
use crate::{files, now, settings};

/// How long a client waits before sending again a frame that could not be
/// checked just now.
const RETRY_MS: u64 = 2_000;

/// Most sockets whose participants a conversation keeps in memory; past
/// it the list starts again (it is only a copy of the attachments).
const PARTICIPANTS_KEPT: usize = 64;

/// A conversation's Durable Object.
#[durable_object]
pub struct Conversation {
    state: State,
    env: Env,
    /// Shared with the inbox reports, which go out after the event.
    store: Rc<Store>,
    /// Reports to the channel's inbox, at most one in flight.
    reports: Rc<RefCell<Reports<ConversationSummary>>>,
    /// The last message whose text went to the inbox's search index. Only
    /// in memory: after a wake-up the next report sends recent texts again,
    /// and the inbox keeps each once.
    indexed: Rc<Cell<Seq>>,
    /// When the operators' sessions were last checked.
    rechecked: Cell<Millis>,
    /// When each participant's typing was last relayed. Only in memory: an
    /// object that hibernated has relayed nothing for a while anyway.
    typing: RefCell<HashMap<ParticipantId, Millis>>,
    /// When the visitor's last visit report was kept (in memory, like
    /// `typing`).
    visit_at: Cell<Millis>,
    /// The assistant's options and articles, read a short while ago.
    knowledge: RefCell<Option<assistant::Knowledge>>,
    /// The visitor's message rate, read from the settings once per start
    /// rather than for every message.
    visitor_rate: Rate,
    /// Who is behind each socket, as its attachment says: read once per
    /// socket and start, since reading an attachment crosses into
    /// JavaScript field by field (it cost more than the message's insert).
    /// The attachment stays the truth: it is written first.
    participants: RefCell<Vec<(WebSocket, Participant)>>,
}

impl DurableObject for Conversation {
    fn new(state: State, env: Env) -> Self {
        // Nothing is read or written here: an object woken for an id that
        // was never created (a guess, a typo) must not write anything.
        let store = Rc::new(Store::new(state.storage().sql()));
        internal::answer_heartbeats(&state);
        // One line per start, first use or wake-up from hibernation, so the
        // logs show how often objects are woken (a test counts them too).
        worker::console_log!("{CONVERSATION_STARTED}");
        Conversation {
            state,
            store,
            reports: Rc::default(),
            indexed: Rc::default(),
            rechecked: Cell::new(0),
            typing: RefCell::default(),
            visit_at: Cell::new(Millis::MIN),
            knowledge: RefCell::default(),
            visitor_rate: settings::visitor_rate(&env),
            participants: RefCell::default(),
            env,
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        internal::respond(match req.path().as_str() {
            paths::INIT => async { self.init(&internal::body(&mut req).await?).await }.await,
            paths::CONNECT => self.accept(&req).await,
            paths::TRANSCRIPT => self.transcript(&req),
            paths::REVOKE => self.revoke().await,
            paths::READMIT => async { self.readmit(&internal::body(&mut req).await?).await }.await,
            paths::SIGN_OUT => async { self.sign_out(&internal::body(&mut req).await?) }.await,
            paths::RELAY => async { self.relayed(&internal::body(&mut req).await?) }.await,
            paths::ERASE => self.erase().await,
            paths::ADMIT => self.admit(&req),
            paths::ASSIGN => async { self.assign(&internal::body(&mut req).await?).await }.await,
            other => Err(EdgeError::Corrupt(format!("no internal path {other}"))),
        })
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        if let Err(error) = self.on_frame(&ws, message).await {
            send(
                &ws,
                &ServerFrame::Error {
                    problem: error.to_problem(),
                },
            );
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        _code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        internal::finish_close(&ws)?;
        self.forget_participant(&ws);
        if self
            .state
            .get_tags(&ws)
            .iter()
            .any(|t| t == Role::Visitor.as_str())
        {
            self.log_presence(self.visitor_online(Some(&ws))).await;
        }
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, error: worker::Error) -> worker::Result<()> {
        self.forget_participant(&ws);
        internal::close_failed("conversation", &ws, &error)
    }
}

impl Conversation {
    /// Stores the record of a new conversation and lists it in the inbox.
    async fn init(&self, new: &NewConversation) -> EdgeResult<Response> {
        // Two operators' conversation is asked for again each time either
        // opens it; the first request created it.
        if !new.members.is_empty() && self.store.meta()?.is_some() {
            return Ok(Response::empty()?.with_status(201));
        }
        let meta = self.store.create(new)?;
        self.tell_inbox(summary(&meta, None, false)?);
        if let Some((id, chatbot)) = &new.bot {
            self.start_bot(id.clone(), chatbot.clone(), new.language)
                .await?;
        }
        Ok(Response::empty()?.with_status(201))
    }

    /// Accepts a WebSocket for someone the worker let through, once the
    /// object agrees (see [`admission`]), then sends the welcome and the
    /// history the client asked for.
    async fn accept(&self, req: &Request) -> EdgeResult<Response> {
        let admission = internal::admission(req)?;
        // A visitor's connection brings the channel's security settings as
        // they are now; the object keeps them to check every frame.
        let meta = match (&admission, self.store.meta()?) {
            (internal::Admission::Visitor { security, .. }, Some(_)) => {
                Some(self.store.set_security(security)?)
            }
            (_, meta) => meta,
        };
        let participant = admission::admit(admission, meta.as_ref(), now())?;
        let meta = meta.ok_or_else(|| EdgeError::Corrupt("admitted without a record".into()))?;
        let after = query(&req.url()?, "after")
            .and_then(|a| Seq::parse(&a).ok())
            .unwrap_or_default();

        if participant.author.role == Role::Visitor {
            // The inbox must know before the visitor can send anything, so
            // that a change of the channel's security settings reaches this
            // socket; if it cannot be told, the connection is refused.
            self.report_presence(true).await.map_err(|error| {
                worker::console_error!("presence report: {error}");
                EdgeError::Refused(Problem::unavailable(
                    "The chat could not start just now. It will try again in a moment.",
                    RETRY_MS,
                ))
            })?;
        }
        let pair = WebSocketPair::new()?;
        let server = pair.server;
        // Accepting through the state (not `server.accept()`) is what lets
        // the runtime hibernate the object while the socket stays open.
        let tags = participant.tags();
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        self.state.accept_websocket_with_tags(&server, &tags);
        self.keep_participant(&server, &participant)?;
        send(
            &server,
            &ServerFrame::Welcome {
                protocol: PROTOCOL_VERSION,
                conversation: parse_stored(ConversationId::parse(meta.conversation.as_str()))?,
                you: participant.author.clone(),
                last_seq: self.store.last_seq()?,
                reads: self.store.reads()?,
            },
        );
        self.send_history(&server, after)?;
        if participant.author.role != Role::Visitor && !meta.is_direct() {
            self.send_notes(&server)?;
            send(
                &server,
                &ServerFrame::Staff(StaffFrame::Visitor {
                    details: self.store.visitor_details(&meta)?,
                }),
            );
        }
        self.send_attending(&server)?;
        Ok(Response::from_websocket(pair.client)?)
    }

    /// The whole transcript. A request that brings an admission (the plain
    /// text download, which visitors use too) is admitted exactly as a
    /// socket would be; one without comes from a route only operators of
    /// the channel reach.
    fn transcript(&self, req: &Request) -> EdgeResult<Response> {
        let meta = self.store.meta()?;
        if let Some(admission) = internal::admission_if_any(req)? {
            admission::admit(admission, meta.as_ref(), now())?;
        }
        let meta = meta.ok_or_else(|| {
            EdgeError::refuse(ErrorCode::NotFound, "This conversation does not exist.")
        })?;
        json(200, &self.transcript_of(&meta)?)
    }

    /// Whether the request's admission opens this conversation, exactly as
    /// a socket's would (its files use this); answers who it admits.
    fn admit(&self, req: &Request) -> EdgeResult<Response> {
        let participant = admission::admit(
            internal::admission(req)?,
            self.store.meta()?.as_ref(),
            now(),
        )?;
        json(200, &participant.author)
    }

    /// The whole transcript with what is known of the conversation.
    fn transcript_of(&self, meta: &Meta) -> EdgeResult<charla_shared::api::Transcript> {
        Ok(charla_shared::api::Transcript {
            conversation: parse_stored(ConversationId::parse(meta.conversation.as_str()))?,
            channel: parse_stored(ChannelId::parse(meta.channel.as_str()))?,
            visitor: meta.visitor.clone(),
            contact: Contact {
                email: meta.email.clone(),
                verified_user: meta.verified_user.clone(),
            },
            chatbot: meta.chatbot.clone(),
            created_at: meta.created_at,
            messages: self.store.after(Seq(0), usize::MAX)?,
        })
    }

    /// Forgets the visitor's token, so it opens nothing any more, and closes
    /// the visitor's sockets. Operators keep the transcript.
    async fn revoke(&self) -> EdgeResult<Response> {
        if self.store.meta()?.is_none() {
            return Err(EdgeError::refuse(
                ErrorCode::NotFound,
                "This conversation does not exist.",
            ));
        }
        self.store.revoke_token()?;
        let problem = Problem::new(
            ErrorCode::Forbidden,
            "An operator has closed this conversation.",
        );
        for socket in self.state.get_websockets_with_tag(Role::Visitor.as_str()) {
            refuse_and_close(&socket, problem.clone(), CLOSE_REFUSED);
        }
        self.log_presence(self.visitor_online(None)).await;
        Ok(Response::empty()?.with_status(204))
    }

    /// The channel's security settings changed: keep them, and close every
    /// visitor socket they no longer admit.
    async fn readmit(&self, security: &ChannelSecurity) -> EdgeResult<Response> {
        if self.store.meta()?.is_none() {
            return Ok(Response::empty()?.with_status(204));
        }
        let meta = self.store.set_security(security)?;
        for socket in self.state.get_websockets_with_tag(Role::Visitor.as_str()) {
            let refusal = match socket.deserialize_attachment::<Participant>() {
                Ok(Some(participant)) => admission::still_admitted(&participant.pass, &meta).err(),
                _ => Some(EdgeError::Corrupt(
                    "visitor socket without attachment".into(),
                )),
            };
            if let Some(refusal) = refusal {
                refuse_and_close(&socket, refusal.to_problem(), CLOSE_REFUSED);
            }
        }
        self.log_presence(self.visitor_online(None)).await;
        Ok(Response::empty()?.with_status(204))
    }

    /// A message one of this direct conversation's operators wrote
    /// elsewhere (a mention in a note): stored and relayed as if they had
    /// sent it here, once however often it is asked.
    fn relayed(&self, relayed: &Relayed) -> EdgeResult<Response> {
        let meta = self.meta()?;
        let member = relayed
            .author
            .id
            .operator_id()
            .is_some_and(|id| meta.members.iter().any(|m| m.id == id));
        if !member {
            return Err(EdgeError::Corrupt(format!(
                "a message relayed to {} from someone not in it",
                meta.conversation
            )));
        }
        if self.store.find(&relayed.author.id, &relayed.id)?.is_none() {
            let message = self.append(
                relayed.author.clone(),
                relayed.id.clone(),
                relayed.text.clone(),
                MessageKind::Text,
            )?;
            self.relay(&message);
            self.tell_inbox(summary(&meta, Some(&message), false)?);
        }
        Ok(Response::empty()?.with_status(204))
    }

    /// The conversation is being deleted (alone or with its channel):
    /// everyone is told and let go, its files are deleted, and the object
    /// forgets everything, so its id opens nothing any more.
    async fn erase(&self) -> EdgeResult<Response> {
        let problem = Problem::new(ErrorCode::NotFound, "This conversation was removed.");
        for socket in self.state.get_websockets() {
            refuse_and_close(&socket, problem.clone(), CLOSE_REFUSED);
        }
        if let Some(meta) = self.store.meta()? {
            let id = parse_stored(ConversationId::parse(meta.conversation.as_str()))?;
            files::erase(&self.env, &id).await?;
        }
        self.state.storage().delete_all().await?;
        self.store.forget();
        Ok(Response::empty()?.with_status(204))
    }

    /// An operator's session (or every session of theirs) ended: their
    /// sockets here are told and closed at once.
    fn sign_out(&self, signed_out: &SignedOut) -> EdgeResult<Response> {
        for socket in self
            .state
            .get_websockets_with_tag(&internal::signed_out_tag(signed_out))
        {
            refuse_and_close(&socket, Problem::session_ended(), CLOSE_SIGNED_OUT);
        }
        Ok(Response::empty()?.with_status(204))
    }

    /// One frame from a socket. Whoever sent it must still be admitted:
    /// a visitor's token and page against the conversation as it stands,
    /// an operator's session against D1.
    async fn on_frame(&self, ws: &WebSocket, message: WebSocketIncomingMessage) -> EdgeResult<()> {
        let participant = self.participant(ws)?;
        let meta = self
            .store
            .meta()?
            .ok_or_else(|| EdgeError::Corrupt("socket on an uncreated conversation".into()))?;
        if let Err(refusal) = admission::still_admitted(&participant.pass, &meta) {
            refuse_and_close(ws, refusal.to_problem(), CLOSE_REFUSED);
            return Ok(());
        }
        let WebSocketIncomingMessage::String(raw) = message else {
            return Err(EdgeError::refuse(
                ErrorCode::Malformed,
                "Frames are JSON text, not binary.",
            ));
        };
        let frame = ClientFrame::decode(&raw)?;
        if let Pass::Staff { session, .. } = &participant.pass {
            match self.session_is_live(session).await {
                Ok(true) => {}
                Ok(false) => {
                    refuse_and_close(ws, Problem::session_ended(), CLOSE_SIGNED_OUT);
                    return Ok(());
                }
                Err(error) => {
                    worker::console_error!("operator session check failed: {error}");
                    let problem = Problem::unavailable(
                        "Your session could not be confirmed just now, so this was not sent. It will be sent again in a moment.",
                        RETRY_MS,
                    );
                    return Err(EdgeError::Refused(match frame {
                        ClientFrame::Send { id, .. }
                        | ClientFrame::Attach { id, .. }
                        | ClientFrame::Choose { id, .. }
                        | ClientFrame::Rate { id, .. }
                        | ClientFrame::Note { id, .. } => problem.for_message(id),
                        ClientFrame::Sync { .. }
                        | ClientFrame::Restart
                        | ClientFrame::AskForPerson
                        | ClientFrame::End
                        | ClientFrame::SendCopy { .. }
                        | ClientFrame::Typing
                        | ClientFrame::Read { .. }
                        | ClientFrame::Visit { .. } => problem,
                    }));
                }
            }
        }
        let visitor = participant.author.role == Role::Visitor;
        match frame {
            ClientFrame::Send { id, text } => {
                if !visitor && !meta.is_direct() {
                    self.refuse_command_as_message(&id, &text)?;
                }
                self.post(ws, &meta, &participant, id, text, MessageKind::Text)
                    .await
            }
            ClientFrame::Attach { id, file } => {
                self.attach(ws, &meta, &participant, id, file).await
            }
            ClientFrame::Sync { after } => self.send_history(ws, after),
            ClientFrame::Choose { id, answer } if visitor => {
                self.choose(ws, &participant, id, answer).await
            }
            ClientFrame::Restart if visitor => self.restart_bot().await,
            ClientFrame::AskForPerson if visitor && self.running_bot()?.is_some() => {
                self.ask_for_person(&meta).await
            }
            ClientFrame::AskForPerson if visitor => self.assistant_asked_for_person(&meta).await,
            ClientFrame::End if meta.is_direct() => Err(EdgeError::refuse(
                ErrorCode::Invalid,
                "A conversation between operators stays open; close its pane instead.",
            )),
            ClientFrame::End => self.end(&meta, &participant).await,
            ClientFrame::Rate { id, rating, reason } if visitor => {
                self.rate(ws, &meta, &participant, id, rating, reason).await
            }
            ClientFrame::SendCopy { email } if visitor => self.send_copy(ws, &meta, email).await,
            ClientFrame::Typing => {
                self.relay_typing(ws, &participant.author);
                Ok(())
            }
            ClientFrame::Read { seq } => self.read(&meta, &participant.author, seq).await,
            ClientFrame::Note { id, .. } if meta.is_direct() => Err(EdgeError::Refused(
                Problem::new(
                    ErrorCode::Invalid,
                    "Notes and commands belong to conversations with visitors; here, just write.",
                )
                .for_message(id),
            )),
            ClientFrame::Note { id, text } if !visitor => {
                self.note(ws, &meta, &participant, id, text).await
            }
            ClientFrame::Note { id, .. } => Err(EdgeError::Refused(
                Problem::new(ErrorCode::Forbidden, "Only operators write notes.").for_message(id),
            )),
            ClientFrame::Visit {
                pages,
                visits,
                offset_min,
            } if visitor => {
                let at = now();
                if at.saturating_sub(self.visit_at.get()) < VISIT_EVERY_MS {
                    return Ok(());
                }
                self.visit_at.set(at);
                self.store.set_visit(&pages, visits, offset_min)?;
                self.tell_operators_about_the_visitor(&meta)
            }
            ClientFrame::Visit { .. } => Err(EdgeError::refuse(
                ErrorCode::Forbidden,
                "Only the visitor's widget reports page views.",
            )),
            ClientFrame::Choose { .. } | ClientFrame::Restart | ClientFrame::AskForPerson => {
                Err(EdgeError::refuse(
                    ErrorCode::Forbidden,
                    "Only the visitor talks to the chatbot.",
                ))
            }
            ClientFrame::Rate { id, .. } => Err(EdgeError::Refused(
                Problem::new(
                    ErrorCode::Forbidden,
                    "Only the visitor rates a conversation.",
                )
                .for_message(id),
            )),
            ClientFrame::SendCopy { .. } => Err(EdgeError::refuse(
                ErrorCode::Forbidden,
                "Only the visitor asks for a copy by e-mail; operators download the transcript.",
            )),
        }
    }

    /// Stores a message, acknowledges it to its sender, relays it to everyone
    /// and updates the channel's inbox, in that order; then the chatbot, if
    /// it has the conversation, hears it (a text, not a file).
    async fn post(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        participant: &Participant,
        id: ClientMsgId,
        text: String,
        kind: MessageKind,
    ) -> EdgeResult<()> {
        let heard = kind.is_text();
        let Some(message) = self.store_once(ws, participant, id, text, kind)? else {
            return Ok(());
        };
        self.acknowledge_and_relay(ws, &message);
        // The first message of each side is a moment the dashboard counts;
        // D1 hears of it before the inbox does, so a dashboard that reloads
        // its figures when the inbox changes finds it.
        let moment = match participant.author.role {
            _ if meta.is_direct() => None,
            Role::Visitor => Some(Moment::VisitorWrote),
            Role::Operator => Some(Moment::OperatorAnswered),
            _ => None,
        };
        let mut first = false;
        if let Some(moment) = moment {
            first = self.store.mark(moment, message.at)?;
            if first {
                self.record_moment(meta, moment, message.at).await;
            }
        }
        self.tell_inbox(summary(meta, Some(&message), self.visitor_online(None))?);
        let visitor = participant.author.role == Role::Visitor;
        let assistant = if visitor {
            self.assistant(meta).await
        } else {
            None
        };
        let assisted = assistant.is_some();
        match (participant.author.role, assistant) {
            (Role::Visitor, Some(assistant)) if heard => {
                self.assistant_heard(meta, assistant, &message).await?
            }
            (Role::Visitor, _) if heard => self.bot_heard(&message.text).await?,
            (Role::Visitor, _) => {}
            _ => self.operator_took_over()?,
        }
        // The visitor's first word, with no chatbot or assistant to answer
        // it, puts the conversation in the queue; an operator's answer takes
        // it.
        if first && visitor && !assisted && self.store.bot()?.is_none() {
            self.wait_for_person(meta).await;
        }
        self.answered(meta, &participant.author).await;
        self.recheck_operators().await;
        Ok(())
    }

    /// Posts a file its sender uploaded just before. What the message says
    /// of it (name, size, type) is read from the bucket, not from the
    /// frame, and only its uploader may post it.
    async fn attach(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        participant: &Participant,
        id: ClientMsgId,
        file: u64,
    ) -> EdgeResult<()> {
        if self.acknowledge_retry(ws, &participant.author.id, &id)? {
            return Ok(());
        }
        let conversation = parse_stored(ConversationId::parse(meta.conversation.as_str()))?;
        let refuse = |code, text: &str| {
            Err(EdgeError::Refused(
                Problem::new(code, text).for_message(id.clone()),
            ))
        };
        let attachment = match files::stored(&self.env, &conversation, file).await? {
            None => {
                return refuse(
                    ErrorCode::NotFound,
                    "This file is not in the conversation (it was never uploaded, or it was removed). Attach it again.",
                )
            }
            Some((_, by)) if by != participant.author.id => {
                return refuse(ErrorCode::Forbidden, "Only who uploaded a file may post it.")
            }
            Some((attachment, _)) => attachment,
        };
        let text = attachment.name.clone();
        self.post(
            ws,
            meta,
            participant,
            id,
            text,
            MessageKind::File { attachment },
        )
        .await
    }

    /// A retry of a message that is already stored (its ack was lost with a
    /// connection) is acknowledged again and stores nothing; `true` if it
    /// was one.
    fn acknowledge_retry(
        &self,
        ws: &WebSocket,
        sender: &ParticipantId,
        id: &ClientMsgId,
    ) -> EdgeResult<bool> {
        let Some(stored) = self.store.find(sender, id)? else {
            return Ok(false);
        };
        send(
            ws,
            &ServerFrame::Ack {
                id: id.clone(),
                seq: stored.seq,
            },
        );
        send(ws, &ServerFrame::Message { message: stored });
        Ok(true)
    }

    /// Applies the visitor's rate limit, kept in storage so that it holds
    /// across hibernation and reconnects; operators are not limited.
    fn take_visitor_token(&self, participant: &Participant, id: &ClientMsgId) -> EdgeResult<()> {
        if participant.author.role != Role::Visitor {
            return Ok(());
        }
        self.store
            .take(&participant.author.id, self.visitor_rate, now())?
            .map_err(|wait| rate_limited(id, wait))
    }

    /// Stores a participant's message once per client id; `None` when it
    /// was stored before (a retry), which is acknowledged again and neither
    /// stored, relayed nor charged to the visitor's rate a second time.
    /// The insert itself finds a retry (the client id is unique per sender),
    /// so the common case costs one statement rather than a lookup first;
    /// the rate is charged only once the message is in. Nothing awaits in
    /// between, so a retry arriving meanwhile is still stored once.
    fn store_once(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        id: ClientMsgId,
        text: String,
        kind: MessageKind,
    ) -> EdgeResult<Option<Message>> {
        let sender = &participant.author.id;
        let charge = match participant.author.role {
            Role::Visitor => match self.store.try_take(sender, self.visitor_rate, now())? {
                Ok(bucket) => Some(bucket),
                // Out of tokens, a retry is still acknowledged.
                Err(_) if self.acknowledge_retry(ws, sender, &id)? => return Ok(None),
                Err(wait) => return Err(rate_limited(&id, wait)),
            },
            _ => None,
        };
        let message = self.next_message(participant.author.clone(), id, text, kind)?;
        if !self.store.insert_new(&message)? {
            return match self.acknowledge_retry(ws, sender, &message.id)? {
                true => Ok(None),
                false => Err(EdgeError::Corrupt(
                    "a message neither stored nor found".into(),
                )),
            };
        }
        if let Some(bucket) = charge {
            self.store.keep_bucket(sender, bucket)?;
        }
        Ok(Some(message))
    }

    /// Stores a message under the next sequence number. The object handles
    /// one event at a time and this does not await between reading the last
    /// number and inserting, so sequence numbers have no gaps and no
    /// duplicates.
    fn append(
        &self,
        author: Author,
        id: ClientMsgId,
        text: String,
        kind: MessageKind,
    ) -> EdgeResult<Message> {
        let message = self.next_message(author, id, text, kind)?;
        self.store.insert(&message)?;
        Ok(message)
    }

    /// A message under the next sequence number, not stored yet.
    fn next_message(
        &self,
        author: Author,
        id: ClientMsgId,
        text: String,
        kind: MessageKind,
    ) -> EdgeResult<Message> {
        Ok(Message {
            seq: self.store.last_seq()?.next(),
            id,
            author,
            text,
            at: now(),
            kind,
        })
    }

    /// Acknowledges a stored message to its sender, then relays it. The
    /// runtime's output gate holds these frames until the write is durable,
    /// so nobody sees a message that a crash could lose.
    fn acknowledge_and_relay(&self, ws: &WebSocket, message: &Message) {
        send(
            ws,
            &ServerFrame::Ack {
                id: message.id.clone(),
                seq: message.seq,
            },
        );
        self.relay(message);
    }

    /// Stores and relays a message the edge itself writes.
    fn say(&self, author: Author, text: String, kind: MessageKind) -> EdgeResult<Message> {
        let next = self.store.last_seq()?.next();
        let id = ClientMsgId::parse(format!("edge-{next}"))
            .map_err(|e| EdgeError::Corrupt(e.to_string()))?;
        let message = self.append(author, id, text, kind)?;
        self.relay(&message);
        Ok(message)
    }

    /// Stores and relays a notice of Charla's own.
    fn system_says(&self, text: String, kind: MessageKind) -> EdgeResult<Message> {
        let author = Author {
            role: Role::System,
            id: ParticipantId::system(),
            name: "Charla".into(),
        };
        self.say(author, text, kind)
    }

    /// Sends a stored message to every socket of the conversation.
    fn relay(&self, message: &Message) {
        self.to_everyone(&ServerFrame::Message {
            message: message.clone(),
        });
    }

    /// Sends a frame to every socket of the conversation.
    fn to_everyone(&self, frame: &ServerFrame) {
        let frame = frame.encode();
        for socket in self.state.get_websockets() {
            // A socket that is closing cannot take frames; its client will
            // catch up with a sync when it reconnects.
            let _ = socket.send_with_str(&frame);
        }
    }

    /// Tells everyone else that someone is typing, at most once per
    /// [`TYPING_EVERY_MS`] per participant: clients repeat it while typing,
    /// and receivers let it lapse, so it is never stored.
    fn relay_typing(&self, ws: &WebSocket, author: &Author) {
        let at = now();
        let mut typing = self.typing.borrow_mut();
        let last = typing.get(&author.id).copied().unwrap_or(0);
        // Half the interval of slack, so a client's timer that fires a
        // little early is not dropped.
        if at - last < TYPING_EVERY_MS / 2 {
            return;
        }
        typing.insert(author.id.clone(), at);
        let frame = ServerFrame::Typing {
            author: author.clone(),
        }
        .encode();
        for socket in self.state.get_websockets() {
            if !js_sys::Object::is(socket.as_ref(), ws.as_ref()) {
                let _ = socket.send_with_str(&frame);
            }
        }
    }

    /// Someone read up to `seq` (at most the last message): the mark is
    /// stored and relayed, so the other side sees "Seen" and the reader's
    /// other tabs stop counting those messages. An operator's mark also goes
    /// to the channel's inbox, which counts their unread messages.
    async fn read(&self, meta: &Meta, author: &Author, seq: Seq) -> EdgeResult<()> {
        let seq = seq.min(self.store.last_seq()?);
        let mark = ReadMark {
            reader: author.id.clone(),
            role: author.role,
            seq,
        };
        if seq == Seq(0) || !self.store.mark_read(&mark, now())? {
            return Ok(());
        }
        let frame = ServerFrame::Read { mark }.encode();
        for socket in self.state.get_websockets() {
            let _ = socket.send_with_str(&frame);
        }
        let Some(operator) = author.id.operator_id() else {
            return Ok(());
        };
        let read = OperatorRead {
            operator,
            seen: Seen {
                conversation: parse_stored(ConversationId::parse(meta.conversation.as_str()))?,
                seq,
            },
        };
        let channel = parse_stored(ChannelId::parse(meta.channel.as_str()))?;
        let told = async {
            Call::post(paths::READ, &read)?
                .expect(&internal::inbox(&self.env, &channel)?, 204)
                .await
        }
        .await;
        // The mark is stored here; the inbox hears of it again with the
        // operator's next read.
        if let Err(error) = told {
            worker::console_error!("inbox read mark: {error}");
        }
        Ok(())
    }

    /// The conversation's record, which exists for every socket and every
    /// request past creation.
    fn meta(&self) -> EdgeResult<Meta> {
        self.store
            .meta()?
            .ok_or_else(|| EdgeError::Corrupt("no record for this conversation".into()))
    }

    /// Sends the messages after `after` in pages of [`HISTORY_PAGE`].
    fn send_history(&self, ws: &WebSocket, after: Seq) -> EdgeResult<()> {
        let mut after = after;
        loop {
            let mut messages = self.store.after(after, HISTORY_PAGE + 1)?;
            let more = messages.len() > HISTORY_PAGE;
            messages.truncate(HISTORY_PAGE);
            after = messages.last().map_or(after, |m| m.seq);
            send(ws, &ServerFrame::History { messages, more });
            if !more {
                return Ok(());
            }
        }
    }

    /// Whether an operator's session is live: not expired, and still in D1
    /// (signing out removes it). An error means it could not be confirmed.
    async fn session_is_live(&self, session: &StaffSession) -> EdgeResult<bool> {
        let at = now();
        Ok(session.expires_at > at
            && Db::new(&self.env)?
                .session_is_live(&session.session, at)
                .await?)
    }

    /// Operators who only read never send a frame that would be checked, so
    /// while messages flow their sessions are checked again at most once per
    /// [`SESSION_RECHECK_MS`], after the relay. (Signing out reaches their
    /// sockets at once; this catches sessions that simply expire.) A session
    /// that ended loses its socket; one that cannot be confirmed loses it
    /// too, with a code that lets the console reconnect and be checked anew.
    async fn recheck_operators(&self) {
        let at = now();
        if at - self.rechecked.get() < SESSION_RECHECK_MS {
            return;
        }
        self.rechecked.set(at);
        for socket in self.state.get_websockets_with_tag(Role::Operator.as_str()) {
            let Ok(mut participant) = self.participant(&socket) else {
                let _ = socket.close(Some(1011), Some("unreadable attachment"));
                continue;
            };
            let Pass::Staff { session, checked } = &mut participant.pass else {
                continue;
            };
            if at - *checked < SESSION_RECHECK_MS && session.expires_at > at {
                continue;
            }
            match self.session_is_live(session).await {
                Ok(true) => {
                    *checked = at;
                    if let Err(error) = self.keep_participant(&socket, &participant) {
                        worker::console_error!("operator attachment: {error}");
                    }
                }
                Ok(false) => refuse_and_close(&socket, Problem::session_ended(), CLOSE_SIGNED_OUT),
                Err(error) => {
                    worker::console_error!("operator session recheck failed: {error}");
                    let _ = socket.close(Some(1011), Some("session not confirmed"));
                }
            }
        }
    }

    /// Tells the inbox at once whether the visitor is here now (the inbox
    /// passes a change of the channel's security settings on to exactly
    /// these conversations).
    async fn report_presence(&self, online: bool) -> EdgeResult<()> {
        let Some(meta) = self.store.meta()? else {
            return Ok(());
        };
        let last = self.store.latest()?;
        let mut summary = summary(&meta, last.as_ref(), online)?;
        summary.visitor_seqs = self.store.visitor_seqs()?;
        Call::post(paths::PRESENCE, &summary)?
            .expect(&internal::inbox(&self.env, &summary.channel)?, 204)
            .await?;
        Ok(())
    }

    /// Reports presence where nothing can be refused any more (the visitor
    /// left, or was sent away): a failure is logged; the inbox then counts
    /// the visitor as connected, which costs a needless check later.
    async fn log_presence(&self, online: bool) {
        if let Err(error) = self.report_presence(online).await {
            worker::console_error!("presence report: {error}");
        }
    }

    /// Whether a visitor socket other than `closing` is open.
    fn visitor_online(&self, closing: Option<&WebSocket>) -> bool {
        self.state
            .get_websockets_with_tag(Role::Visitor.as_str())
            .iter()
            .any(|socket| {
                closing.is_none_or(|closing| !js_sys::Object::is(socket.as_ref(), closing.as_ref()))
            })
    }

    /// Who is behind a socket (see `participants`).
    fn participant(&self, ws: &WebSocket) -> EdgeResult<Participant> {
        let known = self
            .participants
            .borrow()
            .iter()
            .find(|(socket, _)| js_sys::Object::is(socket.as_ref(), ws.as_ref()))
            .map(|(_, participant)| participant.clone());
        if let Some(participant) = known {
            return Ok(participant);
        }
        let participant: Participant = ws
            .deserialize_attachment()?
            .ok_or_else(|| EdgeError::Corrupt("socket without attachment".into()))?;
        self.remember_participant(ws, &participant);
        Ok(participant)
    }

    /// Writes who is behind a socket to its attachment, then to memory.
    fn keep_participant(&self, ws: &WebSocket, participant: &Participant) -> EdgeResult<()> {
        ws.serialize_attachment(participant)?;
        self.forget_participant(ws);
        self.remember_participant(ws, participant);
        Ok(())
    }

    fn remember_participant(&self, ws: &WebSocket, participant: &Participant) {
        let mut known = self.participants.borrow_mut();
        // Sockets that closed without an event would otherwise stay listed.
        if known.len() >= PARTICIPANTS_KEPT {
            known.clear();
        }
        known.push((ws.clone(), participant.clone()));
    }

    fn forget_participant(&self, ws: &WebSocket) {
        self.participants
            .borrow_mut()
            .retain(|(socket, _)| !js_sys::Object::is(socket.as_ref(), ws.as_ref()));
    }

    /// Sends a summary to the channel's inbox, spaced as [`Reports`] says,
    /// without holding up whatever reported it (a connection waits for
    /// nothing but its welcome).
    fn tell_inbox(&self, summary: ConversationSummary) {
        if let Some(first) = self.reports.borrow_mut().offer(summary) {
            wasm_bindgen_futures::spawn_local(send_reports(
                self.env.clone(),
                self.store.clone(),
                self.reports.clone(),
                self.indexed.clone(),
                first,
            ));
        }
    }
}

/// Sends reports until none is waiting. A failure is only logged: the
/// message is stored and relayed already, and the next report brings the
/// inbox up to date. The visitor's latest sequence numbers and the new
/// messages' texts (for search) are read as a report goes out, not for
/// every message, since most reports are skipped.
async fn send_reports(
    env: Env,
    store: Rc<Store>,
    reports: Rc<RefCell<Reports<ConversationSummary>>>,
    indexed: Rc<Cell<Seq>>,
    first: ConversationSummary,
) {
    let mut next = first;
    loop {
        let wait = reports.borrow().wait_ms(now());
        if wait > 0 {
            Delay::from(Duration::from_millis(wait.unsigned_abs())).await;
            next = reports.borrow_mut().newest(next);
        }
        let at = now();
        let sent = async {
            next.visitor_seqs = store.visitor_seqs()?;
            let sql = store.sql();
            for member in &mut next.direct {
                member.seqs = store::seqs_of(&sql, &ParticipantId::operator(&member.id))?;
            }
            let report = Report {
                texts: store::texts_after(&sql, indexed.get())?,
                summary: next.clone(),
            };
            let last = report.texts.last().map(|(seq, _)| *seq);
            Call::post(paths::UPSERT, &report)?
                .expect(&internal::inbox(&env, &next.channel)?, 204)
                .await?;
            if let Some(last) = last {
                indexed.set(last);
            }
            Ok::<(), EdgeError>(())
        }
        .await;
        if let Err(error) = sent {
            worker::console_error!("inbox update failed: {error}");
        }
        let newer = reports.borrow_mut().sent(at);
        match newer {
            Some(newer) => next = newer,
            None => return,
        }
    }
}

/// The visitor's message `id` refused for their rate, with when to retry.
fn rate_limited(id: &ClientMsgId, wait: u64) -> EdgeError {
    EdgeError::Refused(
        Problem::rate_limited(
            "You are sending messages faster than this chat accepts. They will go out in a moment.",
            wait,
        )
        .for_message(id.clone()),
    )
}

/// Sends a frame; a socket that is already closing drops it.
fn send(ws: &WebSocket, frame: &ServerFrame) {
    let _ = ws.send_with_str(frame.encode());
}

/// Tells a socket why it may not go on, and closes it with `code`.
fn refuse_and_close(ws: &WebSocket, problem: Problem, code: u16) {
    send(ws, &ServerFrame::Error { problem });
    let _ = ws.close(Some(code), Some("refused"));
}

fn parse_stored<T>(parsed: Result<T, charla_shared::ids::IdError>) -> EdgeResult<T> {
    parsed.map_err(|e| EdgeError::Corrupt(e.to_string()))
}

/// What the inbox shows of a conversation.
fn summary(
    meta: &Meta,
    last: Option<&Message>,
    visitor_online: bool,
) -> EdgeResult<ConversationSummary> {
    Ok(ConversationSummary {
        id: parse_stored(ConversationId::parse(meta.conversation.as_str()))?,
        channel: parse_stored(ChannelId::parse(meta.channel.as_str()))?,
        visitor: meta.visitor.clone(),
        contact: Contact {
            email: meta.email.clone(),
            verified_user: meta.verified_user.clone(),
        },
        created_at: meta.created_at,
        last_seq: last.map_or(Seq(0), |m| m.seq),
        last: last.map(Preview::of),
        visitor_online,
        visitor_seqs: Vec::new(),
        direct: meta.members.clone(),
        waiting_since: None,
        holder: None,
    })
}
