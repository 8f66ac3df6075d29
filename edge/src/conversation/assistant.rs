//! The AI assistant in a conversation: where a channel lets it, it answers
//! the visitor from the channel's published articles before any person,
//! says so when it is not sure, and hands the conversation to the queue
//! when the visitor asks for a person or `charla_assistant::detect` sees
//! that one is needed, with a note that tells operators why.
//!
//! It is quiet in a conversation a chatbot runs and once anyone has asked
//! for a person (the conversation waits in the queue or someone holds it):
//! from then on people answer. The channel's options and its knowledge
//! base are kept in memory for a short while, so a visitor's message costs
//! no D1 query on most turns; an object that hibernated simply reads them
//! again.

use std::rc::Rc;

use charla_assistant::words::{handed_over_note, Words};
use charla_assistant::{detect, KnowledgeBase, Reason, Reply, Speaker, Turn};
use charla_shared::bot::BuiltIn;
use charla_shared::channel::{AssistantMode, AssistantOptions, HandOffStyle};
use charla_shared::ids::{ArticleSlug, ChannelId, ClientMsgId, ParticipantId, Seq};
use charla_shared::protocol::{Author, Message, MessageKind, Role, Source};
use charla_shared::{routes, Millis};

use super::store::Meta;
use super::{summary, Conversation};
use crate::error::{EdgeError, EdgeResult};
use crate::knowledge::published;
use crate::now;
use crate::store::Db;

/// How long the channel's options and articles are trusted before they
/// are read again.
const KNOWLEDGE_TTL_MS: Millis = 30_000;

/// How many recent messages hand-off detection reads.
const RECENT_TURNS: u64 = 20;

/// What the assistant knows of its channel, kept in memory.
pub(super) struct Knowledge {
    options: AssistantOptions,
    version: (u64, Millis),
    kb: Rc<KnowledgeBase>,
    read_at: Millis,
}

impl Conversation {
    /// The assistant's options and knowledge base if it answers this
    /// conversation now: the channel lets it, no chatbot runs it, and
    /// nobody has asked for a person yet. A failure to find out is logged
    /// and counts as no (the conversation goes to people, nothing is lost).
    pub(super) async fn assistant(
        &self,
        meta: &Meta,
    ) -> Option<(AssistantOptions, Rc<KnowledgeBase>)> {
        if meta.is_direct() {
            return None;
        }
        match self.assistant_state().await {
            Ok(None) => None,
            Ok(Some(found)) => {
                let quiet =
                    self.store.bot().ok()?.is_some() || self.store.attending().ok()?.is_some();
                (!quiet).then_some(found)
            }
            Err(error) => {
                worker::console_error!("reading the assistant's knowledge: {error}");
                None
            }
        }
    }

    /// The visitor wrote `message`: the assistant answers it, offers a
    /// person, or hands the conversation over.
    pub(super) async fn assistant_heard(
        &self,
        meta: &Meta,
        (options, kb): (AssistantOptions, Rc<KnowledgeBase>),
        message: &Message,
    ) -> EdgeResult<()> {
        let language = meta.language;
        let person = options.mode == AssistantMode::Both;
        if person {
            if let Some(reason) = detect(&kb, language, &self.turns()?) {
                if reason == Reason::Asked || options.hand_off == HandOffStyle::AtOnce {
                    return self.hand_over(meta, reason).await;
                }
                let said = self.assistant_says(
                    &options,
                    Words::of(language).offer.to_owned(),
                    MessageKind::Unsure { person },
                )?;
                return self.report(meta, &said);
            }
        }
        // "Thanks!", "ok", "hola": nothing to look up, and "I'm not sure"
        // would be an odd answer to them.
        if kb.analyzer().terms(language, &message.text).is_empty() {
            return Ok(());
        }
        let said = match kb.answer(language, &message.text) {
            Reply::Answer(answer) => {
                let channel = parse(ChannelId::parse(meta.channel.as_str()))?;
                let slug = parse(ArticleSlug::parse(answer.slug.as_str()))?;
                let source = Source {
                    url: routes::help_article(&channel, &slug, language),
                    title: answer.title,
                };
                self.assistant_says(
                    &options,
                    answer.passage,
                    MessageKind::Sourced {
                        sources: vec![source],
                        person,
                    },
                )?
            }
            Reply::NotSure { .. } => {
                let words = Words::of(language);
                let text = if person {
                    words.not_sure_person
                } else {
                    words.not_sure
                };
                self.assistant_says(&options, text.to_owned(), MessageKind::Unsure { person })?
            }
        };
        self.report(meta, &said)?;
        // A second fallback in a row means the assistant is going nowhere;
        // where the channel hands off at once, a person takes over now.
        if person
            && options.hand_off == HandOffStyle::AtOnce
            && detect(&kb, language, &self.turns()?) == Some(Reason::Stalled)
        {
            return self.hand_over(meta, Reason::Stalled).await;
        }
        Ok(())
    }

    /// The visitor pressed "Talk to a person" under one of the assistant's
    /// messages. Where people answer after the assistant, it hands over.
    pub(super) async fn assistant_asked_for_person(&self, meta: &Meta) -> EdgeResult<()> {
        match self.assistant(meta).await {
            Some((options, _)) if options.mode == AssistantMode::Both => {
                self.hand_over(meta, Reason::Asked).await
            }
            _ => Ok(()),
        }
    }

    /// Hands the conversation to the queue: operators get a note that says
    /// why, the visitor is told a person is coming, and the channel's inbox
    /// queues it (or assigns it at once).
    async fn hand_over(&self, meta: &Meta, reason: Reason) -> EdgeResult<()> {
        let charla = Author {
            role: Role::System,
            id: ParticipantId::system(),
            name: "Charla".into(),
        };
        let id = ClientMsgId::parse(format!("handover-{}", self.store.last_seq()?))
            .map_err(|e| EdgeError::Corrupt(e.to_string()))?;
        let (note, new) = self
            .store
            .insert_note(&charla, &id, &handed_over_note(reason), now())?;
        if new {
            self.relay_note(note);
        }
        let said = self.system_says(
            BuiltIn::of(meta.language).handed_off.to_owned(),
            MessageKind::Text,
        )?;
        self.report(meta, &said)?;
        self.wait_for_person(meta).await;
        Ok(())
    }

    /// The channel's assistant options and published articles, from memory
    /// while they are fresh; `None` where the assistant does not answer.
    async fn assistant_state(&self) -> EdgeResult<Option<(AssistantOptions, Rc<KnowledgeBase>)>> {
        let now = now();
        if let Some(known) = self.knowledge.borrow().as_ref() {
            if now - known.read_at < KNOWLEDGE_TTL_MS {
                return Ok(known
                    .options
                    .answers()
                    .then(|| (known.options.clone(), known.kb.clone())));
            }
        }
        let meta = self.meta()?;
        let channel = parse(ChannelId::parse(meta.channel.as_str()))?;
        let db = Db::new(&self.env)?;
        let Some(found) = db.channel(&channel).await? else {
            return Ok(None);
        };
        let options = found.options.assistant;
        let version = if options.answers() {
            db.knowledge_version(&channel).await?
        } else {
            (0, 0)
        };
        // The articles are read and indexed again only when they changed.
        let same = self
            .knowledge
            .borrow()
            .as_ref()
            .filter(|known| known.version == version)
            .map(|known| known.kb.clone());
        let kb = match same {
            Some(kb) => kb,
            None if options.answers() => Rc::new(published(&self.env, &channel).await?),
            None => Rc::new(KnowledgeBase::new(Vec::new())),
        };
        *self.knowledge.borrow_mut() = Some(Knowledge {
            options: options.clone(),
            version,
            kb: kb.clone(),
            read_at: now,
        });
        Ok(options.answers().then_some((options, kb)))
    }

    /// The conversation's recent messages as turns for hand-off detection:
    /// the visitor's, and the bot's and the assistant's.
    fn turns(&self) -> EdgeResult<Vec<Turn>> {
        let last = self.store.last_seq()?;
        let from = Seq(last.0.saturating_sub(RECENT_TURNS));
        Ok(self
            .store
            .after(from, RECENT_TURNS as usize)?
            .into_iter()
            .filter_map(|m| {
                let from = match m.author.role {
                    Role::Visitor => Speaker::Visitor,
                    Role::Bot | Role::Assistant => Speaker::Bot,
                    _ => return None,
                };
                Some(Turn { from, text: m.text })
            })
            .collect())
    }

    fn assistant_says(
        &self,
        options: &AssistantOptions,
        text: String,
        kind: MessageKind,
    ) -> EdgeResult<Message> {
        let author = Author {
            role: Role::Assistant,
            id: ParticipantId::assistant(),
            name: options.name.clone(),
        };
        self.say(author, text, kind)
    }

    /// Tells the channel's inbox what the conversation's last message is.
    fn report(&self, meta: &Meta, said: &Message) -> EdgeResult<()> {
        self.tell_inbox(summary(meta, Some(said), self.visitor_online(None))?);
        Ok(())
    }
}

fn parse<T, E: std::fmt::Display>(parsed: Result<T, E>) -> EdgeResult<T> {
    parsed.map_err(|e| EdgeError::Corrupt(e.to_string()))
}
