//! The conversation's chatbot, run by the object so that a reload resumes
//! where the visitor was, an operator who takes over sees everything, and
//! a visitor cannot make it skip a step: only the answers the current
//! question offers are taken, and leads and tickets are made only when the
//! script reaches their step.
//!
//! The engine (`charla_shared::bot`) decides; this file stores what it
//! says as messages of the transcript, with the bot as their author, and
//! does what it asks (look for an operator, record a lead or a ticket). The
//! run is stored after every decision, before anything is awaited, so an
//! event that arrives in between sees where the run really is.

use std::collections::VecDeque;

use charla_shared::api::RecordKind;
use charla_shared::bot::{BuiltIn, Chatbot, Engine, Output, RunState};
use charla_shared::channel::{ChatMode, Language};
use charla_shared::ids::{ChannelId, ClientMsgId, ConversationId, ParticipantId, Seq};
use charla_shared::protocol::{Author, ErrorCode, Message, MessageKind, Problem, Role};
use worker::WebSocket;

use super::admission::Participant;
use super::store::{BotState, Meta};
use super::{summary, Conversation};
use crate::conversations::operators_available;
use crate::error::{EdgeError, EdgeResult};
use crate::now;
use crate::store::{Db, NewRecord};

impl Conversation {
    /// Starts the chatbot of a new conversation: it says what it says up to
    /// its first question.
    pub(super) async fn start_bot(
        &self,
        id: String,
        chatbot: Chatbot,
        language: Language,
    ) -> EdgeResult<()> {
        let engine = Engine::new(&chatbot, language);
        let (run, outputs) = engine.start();
        self.store.set_bot(&BotState {
            id,
            chatbot: chatbot.clone(),
            run,
            language,
        })?;
        self.carry_out(outputs).await
    }

    /// The visitor wrote while the chatbot runs: an answer to what it
    /// asked, or, while it waits for a choice, a sign to ask again.
    pub(super) async fn bot_heard(&self, text: &str) -> EdgeResult<()> {
        let Some(mut state) = self.running_bot()? else {
            return Ok(());
        };
        let engine = Engine::new(&state.chatbot, state.language);
        let outputs = match engine.typed(&mut state.run, text) {
            Ok(outputs) => outputs,
            Err(_) => engine.repeat(&state.run),
        };
        self.store.set_bot(&state)?;
        self.carry_out(outputs).await
    }

    /// The visitor chose an answer. Only an answer the current question
    /// offers is taken; it is stored as the visitor's message (its label),
    /// once per client id, and the script goes on from it.
    pub(super) async fn choose(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        id: ClientMsgId,
        answer: u32,
    ) -> EdgeResult<()> {
        if self.acknowledge_retry(ws, &participant.author.id, &id)? {
            return Ok(());
        }
        let refused = |message: &str, id: ClientMsgId| {
            EdgeError::Refused(Problem::new(ErrorCode::Invalid, message).for_message(id))
        };
        let Some(mut state) = self.running_bot()? else {
            return Err(refused("The bot is not asking a question now.", id));
        };
        let engine = Engine::new(&state.chatbot, state.language);
        let Some(label) = engine.label(&state.run, answer) else {
            return Err(refused("That is not one of the answers offered.", id));
        };
        self.take_visitor_token(participant, &id)?;
        let message = self.append(
            participant.author.clone(),
            id,
            label,
            MessageKind::Answer { answer },
        )?;
        self.acknowledge_and_relay(ws, &message);
        let outputs = engine
            .choose(&mut state.run, answer)
            .map_err(|e| refused(&e.to_string(), message.id.clone()))?;
        self.store.set_bot(&state)?;
        self.carry_out(outputs).await
    }

    /// The visitor restarts a script that has ended.
    pub(super) async fn restart_bot(&self) -> EdgeResult<()> {
        let Some(mut state) = self.store.bot()? else {
            return Err(not_ended());
        };
        let engine = Engine::new(&state.chatbot, state.language);
        let outputs = engine.restart(&mut state.run).map_err(|_| not_ended())?;
        self.store.set_bot(&state)?;
        self.carry_out(outputs).await
    }

    /// The visitor asks for a person. In a channel where people answer
    /// after the bot, one who is available takes over; otherwise the bot
    /// says so and asks again what it was asking.
    pub(super) async fn ask_for_person(&self, meta: &Meta) -> EdgeResult<()> {
        if self.running_bot()?.is_none() {
            return Ok(());
        }
        let available = self.operator_available(meta).await;
        // The run may have moved on while availability was asked.
        let Some(mut state) = self.running_bot()? else {
            return Ok(());
        };
        let engine = Engine::new(&state.chatbot, state.language);
        if available {
            engine.hand_off(&mut state.run);
            self.store.set_bot(&state)?;
            return self.carry_out(vec![Output::HandedOff]).await;
        }
        let mut outputs = vec![Output::Say {
            step: 0,
            text: BuiltIn::of(state.language).nobody_available.to_owned(),
        }];
        outputs.extend(engine.repeat(&state.run));
        self.carry_out(outputs).await
    }

    /// An operator wrote: the bot stops, the person has the conversation.
    pub(super) fn operator_took_over(&self) -> EdgeResult<()> {
        if let Some(mut state) = self.running_bot()? {
            Engine::new(&state.chatbot, state.language).hand_off(&mut state.run);
            self.store.set_bot(&state)?;
        }
        Ok(())
    }

    /// Says and does what the engine asks, in order, and tells the inbox.
    async fn carry_out(&self, outputs: Vec<Output>) -> EdgeResult<()> {
        let mut queue: VecDeque<Output> = outputs.into();
        let mut last = None;
        while let Some(output) = queue.pop_front() {
            let Some(state) = self.store.bot()? else {
                return Ok(());
            };
            let says = |text: String, kind: MessageKind| -> EdgeResult<Option<Message>> {
                self.bot_says(&state, text, kind).map(Some)
            };
            let said = match output {
                Output::Say { text, .. } => says(text, MessageKind::Text)?,
                Output::Ask { text, choices, .. } => says(text, MessageKind::Question { choices })?,
                Output::Prompt { text, input, .. } => says(text, MessageKind::Prompt { input })?,
                Output::Captured { input, value } => {
                    self.store.set_contact(input, &value)?;
                    None
                }
                Output::Forward => {
                    let meta = self.meta()?;
                    let taken = self.operator_available(&meta).await;
                    queue.extend(self.continue_run(|engine, run| engine.forwarded(run, taken))?);
                    None
                }
                Output::CreateLead => {
                    self.record(RecordKind::Lead, None, None).await;
                    queue.extend(self.continue_run(|engine, run| engine.recorded(run, None))?);
                    None
                }
                Output::CreateTicket { team } => {
                    let number = self.record(RecordKind::Ticket, Some(&team), None).await;
                    queue.extend(self.continue_run(|engine, run| engine.recorded(run, number))?);
                    None
                }
                Output::HandedOff => {
                    let text = BuiltIn::of(state.language).handed_off.to_owned();
                    let said = self.system_says(text, MessageKind::Text)?;
                    self.wait_for_person(&self.meta()?).await;
                    Some(said)
                }
                // The run is stored as the assistant's: from now on the
                // visitor's messages go to it (see `assistant.rs`).
                Output::Assistant => None,
                Output::Ended => {
                    let text = BuiltIn::of(state.language).ended.to_owned();
                    says(text, MessageKind::Ended)?
                }
            };
            last = said.or(last);
        }
        if let Some(last) = last {
            let meta = self.meta()?;
            self.tell_inbox(summary(&meta, Some(&last), self.visitor_online(None))?);
        }
        Ok(())
    }

    /// Runs one more engine decision on the stored run (it may have changed
    /// while something was awaited) and stores it.
    fn continue_run(
        &self,
        decide: impl FnOnce(
            &Engine<'_>,
            &mut charla_shared::bot::Run,
        ) -> Result<Vec<Output>, charla_shared::bot::Refusal>,
    ) -> EdgeResult<Vec<Output>> {
        let Some(mut state) = self.store.bot()? else {
            return Ok(Vec::new());
        };
        let engine = Engine::new(&state.chatbot, state.language);
        // A run that moved on meanwhile (an operator took over) has nothing
        // more to say.
        let outputs = decide(&engine, &mut state.run).unwrap_or_default();
        self.store.set_bot(&state)?;
        Ok(outputs)
    }

    /// The bot, if it still has the conversation.
    pub(super) fn running_bot(&self) -> EdgeResult<Option<BotState>> {
        Ok(self
            .store
            .bot()?
            .filter(|state| state.run.state() == RunState::Running))
    }

    /// Whether an operator can take the conversation: only where people
    /// answer after the bot, only if one is on duty, and only while the
    /// channel's queue has room. A failure to find out counts as nobody
    /// (the bot goes on, nobody is lost).
    async fn operator_available(&self, meta: &Meta) -> bool {
        if meta.mode != ChatMode::Both {
            return false;
        }
        let Ok(channel) = ChannelId::parse(meta.channel.as_str()) else {
            return false;
        };
        match operators_available(&self.env, &channel).await {
            Ok(available) => available,
            Err(error) => {
                worker::console_error!("operator availability: {error}");
                false
            }
        }
    }

    /// Records a lead or a ticket with the transcript so far, titled after
    /// the visitor unless an operator gave a title; its number, or `None`
    /// when it could not be recorded (logged: the transcript keeps
    /// everything the visitor said).
    pub(super) async fn record(
        &self,
        kind: RecordKind,
        team: Option<&str>,
        title: Option<&str>,
    ) -> Option<u64> {
        let recorded = async {
            let meta = self.meta()?;
            let transcript = self.store.after(Seq(0), usize::MAX)?;
            let channel = ChannelId::parse(meta.channel.as_str())
                .map_err(|e| EdgeError::Corrupt(e.to_string()))?;
            let conversation = ConversationId::parse(meta.conversation.as_str())
                .map_err(|e| EdgeError::Corrupt(e.to_string()))?;
            let title =
                title.map_or_else(|| format!("{} (live chat)", meta.visitor), str::to_owned);
            Db::new(&self.env)?
                .insert_record(&NewRecord {
                    kind,
                    channel: &channel,
                    conversation: &conversation,
                    team,
                    title: &title,
                    name: &meta.visitor,
                    email: meta.email.as_deref(),
                    phone: meta.phone.as_deref(),
                    transcript: &transcript,
                    created_at: now(),
                })
                .await
        }
        .await;
        match recorded {
            Ok(number) => Some(number),
            Err(error) => {
                worker::console_error!("recording a {kind:?}: {error}");
                None
            }
        }
    }

    fn bot_says(&self, state: &BotState, text: String, kind: MessageKind) -> EdgeResult<Message> {
        let author = Author {
            role: Role::Bot,
            id: ParticipantId::bot(&state.id),
            name: state.chatbot.name.clone(),
        };
        self.say(author, text, kind)
    }
}

fn not_ended() -> EdgeError {
    EdgeError::refuse(
        ErrorCode::Invalid,
        "The conversation with the bot has not ended, so it cannot restart.",
    )
}
