//! The AI assistant in a conversation: where a channel lets it, it answers
//! the visitor from the channel's published articles before any person,
//! says so when it is not sure, and hands the conversation to the queue
//! when the visitor asks for a person or `charla_assistant::detect` sees
//! that one is needed, with a note that tells operators why.
//!
//! It is quiet in a conversation a chatbot runs, until the script hands
//! the conversation to it (then it answers even where the channel does not
//! put it first), and once anyone has asked for a person (the conversation
//! waits in the queue or someone holds it): from then on people answer. The channel's options and its knowledge
//! base are kept in memory for a short while, so a visitor's message costs
//! no D1 query on most turns; an object that hibernated simply reads them
//! again.

use std::collections::BTreeMap;
use std::rc::Rc;

use charla_assistant::generate;
use charla_assistant::words::{handed_over_note, Words};
use charla_assistant::{detect, Answer, KnowledgeBase, Reason, Reply, Speaker, Turn};
use charla_shared::bot::{BuiltIn, RunState};
use charla_shared::channel::{AssistantMode, AssistantOptions, ChatMode, HandOffStyle, Language};
use charla_shared::hours::OfficeHours;
use charla_shared::ids::{ArticleSlug, ChannelId, ClientMsgId, ParticipantId, Seq};
use charla_shared::limits::MAX_MESSAGE_CHARS;
use charla_shared::protocol::{Author, Message, MessageKind, Role, ServerFrame, Source};
use charla_shared::{routes, Millis};

use super::store::Meta;
use super::{summary, Conversation};
use crate::error::{EdgeError, EdgeResult};
use crate::knowledge::published;
use crate::model::Model;
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
    /// When people answer, and what visitors are told outside those hours.
    hours: Option<OfficeHours>,
    closed_texts: BTreeMap<Language, String>,
    /// The articles' count and latest change; `None` while they were not
    /// read because nobody asked the assistant.
    version: Option<(u64, Millis)>,
    kb: Rc<KnowledgeBase>,
    read_at: Millis,
}

impl Conversation {
    /// The assistant's options and knowledge base if it answers this
    /// conversation now: the channel lets it or a chatbot's script handed
    /// the conversation to it, no chatbot runs it, and nobody has asked for
    /// a person yet. A failure to find out is logged and counts as no (the
    /// conversation goes to people, nothing is lost).
    pub(super) async fn assistant(
        &self,
        meta: &Meta,
    ) -> Option<(AssistantOptions, Rc<KnowledgeBase>)> {
        if meta.is_direct() || self.store.attending().ok()?.is_some() {
            return None;
        }
        let by_script = match self.store.bot().ok()? {
            Some(bot) if bot.run.state() == RunState::Assistant => true,
            Some(_) => return None,
            None => false,
        };
        match self.assistant_state(by_script).await {
            Ok(None) => None,
            Ok(Some((mut options, kb))) => {
                // A script that hands over to an assistant the channel does
                // not put first: people come after it where they come after
                // the bot.
                if options.mode == AssistantMode::Manual {
                    options.mode = match meta.mode {
                        ChatMode::Both => AssistantMode::Both,
                        _ => AssistantMode::Automatic,
                    };
                }
                Some((options, kb))
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
                let text = match self
                    .written(&options, &kb, &channel, language, &message.text, &answer)
                    .await
                {
                    Some(written) => written,
                    None => answer.passage,
                };
                let source = Source {
                    url: routes::help_article(&channel, &slug, language),
                    title: answer.title,
                };
                self.assistant_says(
                    &options,
                    text,
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

    /// The answer written by the installation's language model from the
    /// article retrieval found, where the channel asks for one: everyone in
    /// the conversation sees the assistant typing, then the text growing
    /// (in `Draft` frames, never stored). `None`, and the article's passage
    /// is given instead, when no model is set, it fails, it is too slow, or
    /// what it wrote does not stand on the article.
    async fn written(
        &self,
        options: &AssistantOptions,
        kb: &KnowledgeBase,
        channel: &ChannelId,
        language: Language,
        question: &str,
        answer: &Answer,
    ) -> Option<String> {
        if !options.write_with_model {
            return None;
        }
        let model = match Model::for_channel(&self.env, channel).await {
            Ok(model) => model?,
            Err(error) => {
                worker::console_error!("reading the channel's model: {error}");
                return None;
            }
        };
        let article = kb.article(&answer.slug, language)?;
        let author = assistant_author(options);
        self.to_everyone(&ServerFrame::Typing {
            author: author.clone(),
        });
        let request = generate::request(
            model.name(),
            language,
            question,
            &article.title,
            &article.body,
        );
        let written = model
            .write(&request, |text| {
                self.to_everyone(&ServerFrame::Draft {
                    author: author.clone(),
                    text: text.to_owned(),
                });
            })
            .await;
        match written {
            Ok(text)
                if text.chars().count() <= MAX_MESSAGE_CHARS
                    && generate::grounded(kb.analyzer(), language, &text, &article.body) =>
            {
                Some(text.trim().to_owned())
            }
            Ok(text) => {
                worker::console_log!("the model wrote what the article does not say: {text}");
                None
            }
            Err(error) => {
                worker::console_error!("the assistant's model: {error}");
                None
            }
        }
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
    /// why, the visitor is told a person is coming (outside office hours,
    /// the channel's out-of-hours message, under which the widget offers
    /// the offline form), and the channel's inbox queues it (or assigns it
    /// at once).
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
        // Outside office hours nobody is coming in a moment: the visitor
        // reads the channel's out-of-hours message, and the conversation
        // waits in the queue for the operators' return.
        let closed = self.knowledge.borrow().as_ref().and_then(|known| {
            let open = known.hours.as_ref().is_none_or(|h| h.is_open(now()));
            let text = known.closed_texts.get(&meta.language)?;
            (!open && !text.trim().is_empty()).then(|| text.clone())
        });
        let (told, kind) = match closed {
            Some(text) => (text, MessageKind::Offline),
            None => (
                BuiltIn::of(meta.language).handed_off.to_owned(),
                MessageKind::Text,
            ),
        };
        let said = self.system_says(told, kind)?;
        self.report(meta, &said)?;
        self.wait_for_person(meta).await;
        Ok(())
    }

    /// The channel's assistant options and published articles, from memory
    /// while they are fresh; `None` where the assistant does not answer
    /// (neither the channel nor a script, `by_script`, lets it).
    async fn assistant_state(
        &self,
        by_script: bool,
    ) -> EdgeResult<Option<(AssistantOptions, Rc<KnowledgeBase>)>> {
        let now = now();
        if let Some(known) = self.knowledge.borrow().as_ref() {
            let wanted = by_script || known.options.answers();
            // Articles not read because nobody wanted them then are read now.
            let read = known.version.is_some() || !wanted;
            if now - known.read_at < KNOWLEDGE_TTL_MS && read {
                return Ok(wanted.then(|| (known.options.clone(), known.kb.clone())));
            }
        }
        let meta = self.meta()?;
        let channel = parse(ChannelId::parse(meta.channel.as_str()))?;
        let db = Db::new(&self.env)?;
        let Some(found) = db.channel(&channel).await? else {
            return Ok(None);
        };
        let closed_texts = Language::ALL
            .into_iter()
            .map(|language| {
                let text = found.options.texts_for(language).out_of_hours_message;
                (language, text)
            })
            .collect();
        let hours = found.options.hours;
        let options = found.options.assistant;
        let wanted = by_script || options.answers();
        let version = if wanted {
            Some(db.knowledge_version(&channel).await?)
        } else {
            None
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
            None if wanted => Rc::new(published(&self.env, &channel).await?),
            None => Rc::new(KnowledgeBase::new(Vec::new())),
        };
        *self.knowledge.borrow_mut() = Some(Knowledge {
            options: options.clone(),
            hours,
            closed_texts,
            version,
            kb: kb.clone(),
            read_at: now,
        });
        Ok(wanted.then_some((options, kb)))
    }

    /// The conversation's recent messages as turns for hand-off detection:
    /// the visitor's and the assistant's since it has the conversation
    /// (after a chatbot's last word, where a script handed over: what the
    /// visitor told the bot is not the assistant going round in circles).
    fn turns(&self) -> EdgeResult<Vec<Turn>> {
        let last = self.store.last_seq()?;
        let from = Seq(last.0.saturating_sub(RECENT_TURNS));
        let recent = self.store.after(from, RECENT_TURNS as usize)?;
        let since = recent
            .iter()
            .rposition(|m| m.author.role == Role::Bot)
            .map_or(0, |bot| bot + 1);
        Ok(recent
            .into_iter()
            .skip(since)
            .filter_map(|m| {
                let from = match m.author.role {
                    Role::Visitor => Speaker::Visitor,
                    Role::Assistant => Speaker::Bot,
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
        self.say(assistant_author(options), text, kind)
    }

    /// Tells the channel's inbox what the conversation's last message is.
    fn report(&self, meta: &Meta, said: &Message) -> EdgeResult<()> {
        self.tell_inbox(summary(meta, Some(said), self.visitor_online(None))?);
        Ok(())
    }
}

/// The assistant as the author of its messages.
fn assistant_author(options: &AssistantOptions) -> Author {
    Author {
        role: Role::Assistant,
        id: ParticipantId::assistant(),
        name: options.name.clone(),
    }
}

fn parse<T, E: std::fmt::Display>(parsed: Result<T, E>) -> EdgeResult<T> {
    parsed.map_err(|e| EdgeError::Corrupt(e.to_string()))
}
