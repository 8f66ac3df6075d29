//! Scripted chatbots: the script an admin writes, its validation, and the
//! engine that runs it for one conversation. Pure and deterministic: the
//! edge runs it in the conversation's Durable Object (so a reload resumes
//! where the visitor was, and a channel without a browser can run it too),
//! and the console's test mode runs the very same code.
//!
//! A script is an ordered list of steps. The engine goes through them in
//! order; a step whose "only if" answers were not all chosen is passed
//! over. A question waits for one of its answers, an input step for the
//! visitor's text; forwarding to an operator and creating a lead or a
//! ticket wait for the edge to say how it went. When no step is left, the
//! conversation has ended and can be restarted.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::channel::Language;
use crate::identity::email;
use crate::limits::{
    MAX_BOT_ANSWERS, MAX_BOT_STEPS, MAX_BOT_TEXT_CHARS, MAX_NAME_CHARS, MAX_TEAM_CHARS,
    MAX_URL_CHARS,
};
use crate::protocol::{Message, MessageKind, Role};

/// A script step's id, unique in its script.
pub type StepId = u32;

/// An answer's id, unique in its script (so "only if" can name it).
pub type AnswerId = u32;

/// A text in each language a script is written in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Texts(pub BTreeMap<Language, String>);

impl Texts {
    /// The same text in one language.
    pub fn one(language: Language, text: &str) -> Texts {
        Texts(BTreeMap::from([(language, text.to_owned())]))
    }

    /// The text for a visitor: their language's, else the fallback
    /// language's, else any there is.
    pub fn get(&self, language: Language, fallback: Language) -> &str {
        [language, fallback]
            .iter()
            .find_map(|l| self.0.get(l).filter(|t| !t.trim().is_empty()))
            .or_else(|| self.0.values().find(|t| !t.trim().is_empty()))
            .map_or("", String::as_str)
    }

    /// Whether no language has any text.
    pub fn is_empty(&self) -> bool {
        self.0.values().all(|t| t.trim().is_empty())
    }

    /// Whether there is a text in this language.
    pub fn has(&self, language: Language) -> bool {
        self.0.get(&language).is_some_and(|t| !t.trim().is_empty())
    }
}

/// A chatbot: its name and its script.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chatbot {
    /// The name visitors see on its messages.
    pub name: String,
    /// The language for visitors whose own the script lacks.
    #[serde(default)]
    pub fallback_language: Language,
    /// The steps, in order.
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// One step of a script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unique in the script.
    pub id: StepId,
    /// What it does.
    pub kind: StepKind,
    /// What the bot says.
    #[serde(default)]
    pub message: Texts,
    /// Answers of earlier questions that must all have been chosen for this
    /// step to run; empty means always.
    #[serde(default)]
    pub only_if: Vec<AnswerId>,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Says something; no answer expected.
    Text,
    /// Asks, with answers to pick from.
    Question {
        /// The answers offered.
        answers: Vec<Answer>,
    },
    /// Asks for an e-mail address; only a well-formed one is taken.
    Email,
    /// Asks for a phone number, taken as given (formats vary too much).
    Phone,
    /// Asks for a free answer on one line.
    FreeInput,
    /// Asks for a free answer on several lines.
    FreeInputMultiline,
    /// Hands the conversation to an operator if one is available; else the
    /// script goes on.
    ForwardToOperator,
    /// Records a lead with what the visitor said.
    CreateLead,
    /// Records a ticket for a team; the visitor is told its number.
    CreateTicket {
        /// The team it goes to.
        team: String,
    },
    /// Hands the conversation to the channel's AI assistant, which answers
    /// what the visitor writes from then on from the knowledge base (and
    /// hands it to a person where people answer after the bot). The steps
    /// after it do not run.
    Assistant,
}

/// An answer to a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// Unique in the script.
    pub id: AnswerId,
    /// What the button says.
    pub label: Texts,
    /// A page to open when it is chosen (`http` or `https`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// What kind of typed answer a step waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// Free text, one line.
    Text,
    /// Free text, several lines.
    Multiline,
}

/// A choice as a visitor sees it: the answer's id and its label in their
/// language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// The answer.
    pub id: AnswerId,
    /// Its label.
    pub label: String,
    /// A page it opens, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// What running a script produces, for the edge to store and act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// The bot says this.
    Say {
        /// The step that says it.
        step: StepId,
        /// The text, in the visitor's language.
        text: String,
    },
    /// The bot asks and offers answers.
    Ask {
        /// The question's step.
        step: StepId,
        /// The question.
        text: String,
        /// The answers.
        choices: Vec<Choice>,
    },
    /// The bot asks for typed text.
    Prompt {
        /// The step.
        step: StepId,
        /// The question.
        text: String,
        /// What is expected.
        input: InputKind,
    },
    /// The visitor gave this, for the conversation's record.
    Captured {
        /// What kind of input it was.
        input: InputKind,
        /// What they wrote.
        value: String,
    },
    /// Hand the conversation to an operator if one is available, then call
    /// [`Run::forwarded`].
    Forward,
    /// Record a lead, then call [`Run::recorded`].
    CreateLead,
    /// Record a ticket for `team`, then call [`Run::recorded`] with its number.
    CreateTicket {
        /// The team.
        team: String,
    },
    /// An operator took the conversation; the bot is done.
    HandedOff,
    /// The assistant has the conversation from now on; the bot is done.
    Assistant,
    /// No step is left; the visitor may restart.
    Ended,
}

/// Why the engine did not take an input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The script is not waiting for an answer to a question.
    #[error("The bot is not asking a question now.")]
    NotAsking,
    /// The answer is not one the current question offers.
    #[error("That is not one of the answers offered.")]
    NotOffered,
    /// The script is not waiting for typed text.
    #[error("The bot is not waiting for a typed answer now.")]
    NotWaitingForText,
    /// The script has not ended, so it cannot restart.
    #[error("The conversation with the bot has not ended.")]
    NotEnded,
    /// The engine was not waiting for this result.
    #[error("The bot was not waiting for that.")]
    Unexpected,
}

/// One conversation's run of a script. Plain data, stored with the
/// conversation, so a reload (or a wake-up) resumes where it was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// Index of the next step to consider.
    next: usize,
    /// Answers chosen so far.
    chosen: BTreeSet<AnswerId>,
    /// What the run waits for, if anything.
    waiting: Option<Waiting>,
    /// Where it is.
    state: RunState,
}

/// What a run waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Waiting {
    /// An answer to the question at this index.
    Answer(usize),
    /// Typed text for the step at this index.
    Text(usize),
    /// Whether an operator took the conversation.
    Forward,
    /// A lead or ticket to be recorded, for the step at this index.
    Record(usize),
}

/// Where a run is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// Going through the script.
    #[default]
    Running,
    /// No step is left.
    Ended,
    /// An operator took over.
    HandedOff,
    /// The assistant took over.
    Assistant,
}

/// What the visitor reads in their language, beyond the script's texts.
#[derive(Debug, Clone, Copy)]
pub struct BuiltIn {
    /// When a typed e-mail address is not one.
    pub not_an_email: &'static str,
    /// The visitor is told their ticket number (`{number}` stands for it)
    /// when the step has no message of its own.
    pub ticket_number: &'static str,
    /// When no step is left.
    pub ended: &'static str,
    /// When a person takes the conversation from the bot.
    pub handed_off: &'static str,
    /// When the visitor asks for a person and nobody is available.
    pub nobody_available: &'static str,
}

impl BuiltIn {
    /// Charla's own wording in a language.
    pub fn of(language: Language) -> BuiltIn {
        match language {
            Language::En => BuiltIn {
                not_an_email: "That doesn't look like an e-mail address. Could you check it?",
                ticket_number: "Your ticket number is {number}.",
                ended: "This conversation has ended.",
                handed_off: "A person will answer you here in a moment.",
                nobody_available: "No one is available right now. Let's carry on; a person will read this conversation.",
            },
            Language::Es => BuiltIn {
                not_an_email: "Eso no parece una dirección de correo electrónico. ¿Puede revisarla?",
                ticket_number: "Su número de ticket es {number}.",
                ended: "Esta conversación ha terminado.",
                handed_off: "Una persona le responderá aquí en un momento.",
                nobody_available: "Ahora no hay nadie disponible. Sigamos; una persona leerá esta conversación.",
            },
            Language::Pt => BuiltIn {
                not_an_email: "Isso não parece um endereço de e-mail. Pode verificar?",
                ticket_number: "O número do seu ticket é {number}.",
                ended: "Esta conversa terminou.",
                handed_off: "Uma pessoa vai responder aqui em instantes.",
                nobody_available: "Ninguém está disponível agora. Vamos continuar; uma pessoa vai ler esta conversa.",
            },
        }
    }
}

/// A script run in one language.
#[derive(Debug, Clone, Copy)]
pub struct Engine<'a> {
    bot: &'a Chatbot,
    language: Language,
}

impl<'a> Engine<'a> {
    /// The engine for a bot, speaking to a visitor in `language`.
    pub fn new(bot: &'a Chatbot, language: Language) -> Self {
        Engine { bot, language }
    }

    /// Starts a run: everything the bot says up to its first wait.
    pub fn start(&self) -> (Run, Vec<Output>) {
        let mut run = Run::default();
        let outputs = self.advance(&mut run);
        (run, outputs)
    }

    /// The visitor chose an answer of the question being asked.
    pub fn choose(&self, run: &mut Run, answer: AnswerId) -> Result<Vec<Output>, Refusal> {
        let Some(Waiting::Answer(index)) = run.waiting else {
            return Err(Refusal::NotAsking);
        };
        let offered = match &self.step(index).kind {
            StepKind::Question { answers } => answers.iter().any(|a| a.id == answer),
            _ => false,
        };
        if !offered {
            return Err(Refusal::NotOffered);
        }
        run.chosen.insert(answer);
        run.waiting = None;
        Ok(self.advance(run))
    }

    /// The label of an answer of the question being asked, in the visitor's
    /// language (what their message says when they choose it).
    pub fn label(&self, run: &Run, answer: AnswerId) -> Option<String> {
        let Some(Waiting::Answer(index)) = run.waiting else {
            return None;
        };
        match &self.step(index).kind {
            StepKind::Question { answers } => answers
                .iter()
                .find(|a| a.id == answer)
                .map(|a| self.text(&a.label)),
            _ => None,
        }
    }

    /// The visitor typed an answer to the step being asked. An e-mail
    /// address that is not one is refused by the bot itself, which asks
    /// again.
    pub fn typed(&self, run: &mut Run, text: &str) -> Result<Vec<Output>, Refusal> {
        let Some(Waiting::Text(index)) = run.waiting else {
            return Err(Refusal::NotWaitingForText);
        };
        let step = self.step(index);
        let input = input_kind(&step.kind).ok_or(Refusal::NotWaitingForText)?;
        let value = text.trim().to_owned();
        if input == InputKind::Email && email(&value).is_err() {
            return Ok(vec![
                Output::Say {
                    step: step.id,
                    text: BuiltIn::of(self.language).not_an_email.to_owned(),
                },
                self.prompt(step, input),
            ]);
        }
        run.waiting = None;
        let mut outputs = vec![Output::Captured { input, value }];
        outputs.extend(self.advance(run));
        Ok(outputs)
    }

    /// What the run waits for, said again: the question with its answers,
    /// or the request for typed text (after something else was said in
    /// between). Nothing when it waits for neither.
    pub fn repeat(&self, run: &Run) -> Vec<Output> {
        match run.waiting {
            Some(Waiting::Answer(index)) => vec![self.ask(self.step(index))],
            Some(Waiting::Text(index)) => {
                let step = self.step(index);
                input_kind(&step.kind)
                    .map(|input| self.prompt(step, input))
                    .into_iter()
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// Whether the run waits for typed text, and of what kind.
    pub fn expects_text(&self, run: &Run) -> Option<InputKind> {
        match run.waiting {
            Some(Waiting::Text(index)) => input_kind(&self.step(index).kind),
            _ => None,
        }
    }

    /// The edge says whether an operator took the conversation.
    pub fn forwarded(&self, run: &mut Run, taken: bool) -> Result<Vec<Output>, Refusal> {
        if run.waiting != Some(Waiting::Forward) {
            return Err(Refusal::Unexpected);
        }
        run.waiting = None;
        if taken {
            run.state = RunState::HandedOff;
            return Ok(vec![Output::HandedOff]);
        }
        Ok(self.advance(run))
    }

    /// The edge recorded the lead or ticket (a ticket with its number).
    pub fn recorded(&self, run: &mut Run, ticket: Option<u64>) -> Result<Vec<Output>, Refusal> {
        let Some(Waiting::Record(index)) = run.waiting else {
            return Err(Refusal::Unexpected);
        };
        run.waiting = None;
        let step = self.step(index);
        let mut outputs = Vec::new();
        if let (Some(number), StepKind::CreateTicket { .. }) = (ticket, &step.kind) {
            let template = if step.message.is_empty() {
                BuiltIn::of(self.language).ticket_number.to_owned()
            } else {
                self.text(&step.message)
            };
            outputs.push(Output::Say {
                step: step.id,
                text: template.replace("{number}", &number.to_string()),
            });
        } else if !step.message.is_empty() {
            outputs.push(Output::Say {
                step: step.id,
                text: self.text(&step.message),
            });
        }
        outputs.extend(self.advance(run));
        Ok(outputs)
    }

    /// An operator took the conversation over: the bot stops.
    pub fn hand_off(&self, run: &mut Run) {
        run.waiting = None;
        run.state = RunState::HandedOff;
    }

    /// Starts again from the first step, once the run has ended.
    pub fn restart(&self, run: &mut Run) -> Result<Vec<Output>, Refusal> {
        if run.state != RunState::Ended {
            return Err(Refusal::NotEnded);
        }
        *run = Run::default();
        Ok(self.advance(run))
    }

    /// Goes through the steps from where the run is, saying what they say,
    /// until one waits or none is left.
    fn advance(&self, run: &mut Run) -> Vec<Output> {
        let mut outputs = Vec::new();
        if run.state != RunState::Running || run.waiting.is_some() {
            return outputs;
        }
        while let Some(step) = self.bot.steps.get(run.next) {
            let index = run.next;
            run.next += 1;
            if !step.only_if.iter().all(|a| run.chosen.contains(a)) {
                continue;
            }
            let text = self.text(&step.message);
            match &step.kind {
                StepKind::Text => {
                    if !text.is_empty() {
                        outputs.push(Output::Say {
                            step: step.id,
                            text,
                        });
                    }
                }
                StepKind::Question { .. } => {
                    outputs.push(self.ask(step));
                    run.waiting = Some(Waiting::Answer(index));
                    return outputs;
                }
                StepKind::Email
                | StepKind::Phone
                | StepKind::FreeInput
                | StepKind::FreeInputMultiline => {
                    if let Some(input) = input_kind(&step.kind) {
                        outputs.push(self.prompt(step, input));
                    }
                    run.waiting = Some(Waiting::Text(index));
                    return outputs;
                }
                StepKind::ForwardToOperator => {
                    if !text.is_empty() {
                        outputs.push(Output::Say {
                            step: step.id,
                            text,
                        });
                    }
                    outputs.push(Output::Forward);
                    run.waiting = Some(Waiting::Forward);
                    return outputs;
                }
                StepKind::CreateLead => {
                    outputs.push(Output::CreateLead);
                    run.waiting = Some(Waiting::Record(index));
                    return outputs;
                }
                StepKind::CreateTicket { team } => {
                    outputs.push(Output::CreateTicket { team: team.clone() });
                    run.waiting = Some(Waiting::Record(index));
                    return outputs;
                }
                StepKind::Assistant => {
                    if !text.is_empty() {
                        outputs.push(Output::Say {
                            step: step.id,
                            text,
                        });
                    }
                    run.state = RunState::Assistant;
                    outputs.push(Output::Assistant);
                    return outputs;
                }
            }
        }
        run.state = RunState::Ended;
        outputs.push(Output::Ended);
        outputs
    }

    fn ask(&self, step: &Step) -> Output {
        let answers = match &step.kind {
            StepKind::Question { answers } => answers.as_slice(),
            _ => &[],
        };
        Output::Ask {
            step: step.id,
            text: self.text(&step.message),
            choices: answers
                .iter()
                .map(|a| Choice {
                    id: a.id,
                    label: self.text(&a.label),
                    link: a.link.clone(),
                })
                .collect(),
        }
    }

    fn prompt(&self, step: &Step, input: InputKind) -> Output {
        Output::Prompt {
            step: step.id,
            text: self.text(&step.message),
            input,
        }
    }

    fn step(&self, index: usize) -> &Step {
        // Indices come from the run, which only holds indices of this
        // script's steps; a script edited under a stored run is replaced
        // as a whole (see `Run::fits`).
        &self.bot.steps[index.min(self.bot.steps.len().saturating_sub(1))]
    }

    fn text(&self, texts: &Texts) -> String {
        texts
            .get(self.language, self.bot.fallback_language)
            .to_owned()
    }
}

impl Run {
    /// Where the run is.
    pub fn state(&self) -> RunState {
        self.state
    }

    /// Whether the run's indices belong to this script (a stored run is
    /// only resumed with the script it started with).
    pub fn fits(&self, bot: &Chatbot) -> bool {
        let index = match self.waiting {
            Some(Waiting::Answer(i) | Waiting::Text(i) | Waiting::Record(i)) => Some(i),
            _ => None,
        };
        self.next <= bot.steps.len() && index.is_none_or(|i| i < bot.steps.len())
    }
}

/// How serious a problem with a script is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The script cannot be saved with it.
    Error,
    /// The script can be saved, but visitors may be stranded.
    Warning,
}

/// One problem with a script, tied to a step when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// How serious.
    pub severity: Severity,
    /// The step it concerns (its id), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<StepId>,
    /// What is wrong, and what to do.
    pub message: String,
}

/// The id of the chatbot every new installation starts with.
pub const WELCOME_BOT: &str = "welcome-bot";

/// The Welcome Bot, after Odoo's example: it greets, asks what the visitor
/// is looking for, and for a pricing question looks for an operator and,
/// when none is available, asks for an e-mail address and records a lead.
pub fn welcome_bot() -> Chatbot {
    let texts = |en: &str, es: &str, pt: &str| {
        Texts(BTreeMap::from([
            (Language::En, en.to_owned()),
            (Language::Es, es.to_owned()),
            (Language::Pt, pt.to_owned()),
        ]))
    };
    let step = |id: StepId, kind: StepKind, message: Texts, only_if: &[AnswerId]| Step {
        id,
        kind,
        message,
        only_if: only_if.to_vec(),
    };
    let answer = |id: AnswerId, label: Texts| Answer {
        id,
        label,
        link: None,
    };
    const PRICING: AnswerId = 1;
    const DOCUMENTATION: AnswerId = 2;
    const LOOKING: AnswerId = 3;
    Chatbot {
        name: "Welcome Bot".into(),
        fallback_language: Language::En,
        steps: vec![
            step(
                1,
                StepKind::Text,
                texts(
                    "Welcome to CompanyName! 🌟",
                    "¡Bienvenido a CompanyName! 🌟",
                    "Bem-vindo à CompanyName! 🌟",
                ),
                &[],
            ),
            step(
                2,
                StepKind::Question {
                    answers: vec![
                        answer(
                            PRICING,
                            texts(
                                "I have a pricing question",
                                "Tengo una pregunta sobre los precios",
                                "Tenho uma pergunta sobre preços",
                            ),
                        ),
                        answer(
                            DOCUMENTATION,
                            texts(
                                "I am looking for your documentation",
                                "Estoy buscando su documentación",
                                "Estou procurando a documentação de vocês",
                            ),
                        ),
                        answer(
                            LOOKING,
                            texts(
                                "I am just looking around",
                                "Solo estoy echando un vistazo",
                                "Só estou dando uma olhada",
                            ),
                        ),
                    ],
                },
                texts(
                    "What are you looking for?",
                    "¿Qué está buscando?",
                    "O que você está procurando?",
                ),
                &[],
            ),
            step(
                3,
                StepKind::Text,
                texts(
                    "Hmmm, let me check if I can find someone that could help you with that...",
                    "Mmmm, déjeme revisar si puedo encontrar a alguien que pueda ayudarle con eso...",
                    "Hmmm, deixe-me ver se encontro alguém que possa ajudar você com isso...",
                ),
                &[PRICING],
            ),
            step(4, StepKind::ForwardToOperator, Texts::default(), &[PRICING]),
            step(
                5,
                StepKind::Text,
                texts(
                    "Hu-ho, it looks like none of our operators are available 😞",
                    "Oh, oh, parece que ninguno de nuestros operadores está disponible 😞",
                    "Ih, parece que nenhum dos nossos operadores está disponível 😞",
                ),
                &[PRICING],
            ),
            step(
                6,
                StepKind::Email,
                texts(
                    "Would you mind leaving your email address so that we can reach you back?",
                    "¿Le importaría dejarnos su dirección de correo electrónico para que podamos contactarle?",
                    "Você se importaria de deixar seu endereço de e-mail para que possamos entrar em contato?",
                ),
                &[PRICING],
            ),
            step(7, StepKind::CreateLead, Texts::default(), &[PRICING]),
            step(
                8,
                StepKind::Text,
                texts(
                    "And tadaaaa here you go! 🌟",
                    "¡Y taraaán, aquí tiene! 🌟",
                    "E tcharam, aqui está! 🌟",
                ),
                &[DOCUMENTATION],
            ),
            step(
                9,
                StepKind::Text,
                texts(
                    "If you need anything else, feel free to get back in touch",
                    "Si necesita algo más, no dude en volver a contactarnos",
                    "Se precisar de mais alguma coisa, fique à vontade para nos contatar",
                ),
                &[DOCUMENTATION],
            ),
            step(
                10,
                StepKind::Text,
                texts(
                    "Please do! If there is anything we can help with, let us know",
                    "¡Adelante! Si hay algo en lo que podamos ayudarle, háganoslo saber",
                    "Fique à vontade! Se pudermos ajudar em algo, é só avisar",
                ),
                &[LOOKING],
            ),
        ],
    }
}

/// What a visitor can do about the chatbot now, read from the transcript
/// (so a reload shows the same): answer its question, type what it asks
/// for, restart it, or nothing (the bot is busy, done, or a person took
/// over).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending<'a> {
    /// Nothing to do about the bot.
    Nothing,
    /// Pick one of these answers.
    Choose(&'a [Choice]),
    /// Type an answer of this kind.
    Type(InputKind),
    /// The script ended; it may be restarted.
    Restart,
}

/// Reads [`Pending`] from a transcript: what the last message says, when a
/// chatbot wrote it.
pub fn pending(messages: &[Message]) -> Pending<'_> {
    match messages.last() {
        Some(last) if last.author.role == Role::Bot => match &last.kind {
            MessageKind::Question { choices } => Pending::Choose(choices),
            MessageKind::Prompt { input } => Pending::Type(*input),
            MessageKind::Ended => Pending::Restart,
            MessageKind::Text
            | MessageKind::Answer { .. }
            | MessageKind::Closed
            | MessageKind::Rated { .. }
            | MessageKind::File { .. }
            | MessageKind::Sourced { .. }
            | MessageKind::Unsure { .. }
            | MessageKind::Offline => Pending::Nothing,
        },
        _ => Pending::Nothing,
    }
}

/// Whether the assistant's last word offers the visitor a person: its
/// answer or its "not sure" is the newest message, where people answer.
pub fn assistant_offers_person(messages: &[Message]) -> bool {
    messages.last().is_some_and(|last| {
        last.author.role == Role::Assistant
            && matches!(
                last.kind,
                MessageKind::Sourced { person: true, .. } | MessageKind::Unsure { person: true }
            )
    })
}

/// Whether the newest message is an answer of the assistant's, under which
/// the visitor is asked if it answered their question.
pub fn assistant_answered(messages: &[Message]) -> bool {
    messages.last().is_some_and(|last| {
        last.author.role == Role::Assistant && matches!(last.kind, MessageKind::Sourced { .. })
    })
}

/// Whether a chatbot still has the conversation: a bot wrote, and neither
/// an operator, a hand-off nor the assistant came after it.
pub fn bot_active(messages: &[Message]) -> bool {
    messages
        .iter()
        .rev()
        .find(|m| {
            matches!(
                m.author.role,
                Role::Bot | Role::Operator | Role::System | Role::Assistant
            )
        })
        .is_some_and(|m| m.author.role == Role::Bot)
}

/// Checks a chatbot and returns every problem at once, errors first.
pub fn validate(bot: &Chatbot) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut error = |step: Option<StepId>, message: String| {
        issues.push(Issue {
            severity: Severity::Error,
            step,
            message,
        });
    };
    let name_chars = bot.name.trim().chars().count();
    if name_chars == 0 || name_chars > MAX_NAME_CHARS {
        error(
            None,
            format!("The chatbot needs a name of 1 to {MAX_NAME_CHARS} characters."),
        );
    }
    if bot.steps.is_empty() {
        error(None, "The script needs at least one step.".into());
    }
    if bot.steps.len() > MAX_BOT_STEPS {
        error(
            None,
            format!("A script may have at most {MAX_BOT_STEPS} steps."),
        );
    }
    // Which question each answer belongs to, and where that question is.
    let mut owner: BTreeMap<AnswerId, usize> = BTreeMap::new();
    let mut step_ids = BTreeSet::new();
    for (index, step) in bot.steps.iter().enumerate() {
        let n = index + 1;
        if !step_ids.insert(step.id) {
            error(
                Some(step.id),
                format!("Step {n}: another step has the same id."),
            );
        }
        let texts = std::iter::once(&step.message).chain(match &step.kind {
            StepKind::Question { answers } => answers.iter().map(|a| &a.label).collect(),
            _ => Vec::new(),
        });
        for texts in texts {
            if texts
                .0
                .values()
                .any(|t| t.chars().count() > MAX_BOT_TEXT_CHARS)
            {
                error(
                    Some(step.id),
                    format!("Step {n}: a text may have at most {MAX_BOT_TEXT_CHARS} characters."),
                );
            }
        }
        let needs_message = !matches!(
            step.kind,
            StepKind::ForwardToOperator
                | StepKind::CreateLead
                | StepKind::CreateTicket { .. }
                | StepKind::Assistant
        );
        if needs_message && !step.message.has(bot.fallback_language) {
            error(
                Some(step.id),
                format!(
                    "Step {n}: write what the bot says, at least in {} (the fallback language).",
                    bot.fallback_language.native_name()
                ),
            );
        }
        match &step.kind {
            StepKind::Question { answers } => {
                if answers.is_empty() {
                    error(
                        Some(step.id),
                        format!("Step {n}: a question needs answers."),
                    );
                }
                if answers.len() > MAX_BOT_ANSWERS {
                    error(
                        Some(step.id),
                        format!("Step {n}: a question may have at most {MAX_BOT_ANSWERS} answers."),
                    );
                }
                for answer in answers {
                    if owner.insert(answer.id, index).is_some() {
                        error(
                            Some(step.id),
                            format!("Step {n}: another answer has the same id."),
                        );
                    }
                    if !answer.label.has(bot.fallback_language) {
                        error(
                            Some(step.id),
                            format!(
                                "Step {n}: every answer needs a label, at least in {} (the fallback language).",
                                bot.fallback_language.native_name()
                            ),
                        );
                    }
                    if let Some(link) = &answer.link {
                        let web = link.starts_with("https://") || link.starts_with("http://");
                        if !web || link.chars().count() > MAX_URL_CHARS {
                            error(
                                Some(step.id),
                                format!("Step {n}: an answer's link must be an http(s) address of at most {MAX_URL_CHARS} characters."),
                            );
                        }
                    }
                }
            }
            StepKind::CreateTicket { team }
                if team.trim().is_empty() || team.chars().count() > MAX_TEAM_CHARS =>
            {
                error(
                    Some(step.id),
                    format!("Step {n}: say which team gets the ticket (at most {MAX_TEAM_CHARS} characters)."),
                );
            }
            _ => {}
        }
    }
    let runnable: Vec<bool> = bot
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| can_run(bot, &owner, index, step, &mut issues))
        .collect();
    for (index, step) in bot.steps.iter().enumerate() {
        let StepKind::Question { answers } = &step.kind else {
            continue;
        };
        if !runnable[index] {
            continue;
        }
        for answer in answers {
            let leads_somewhere =
                bot.steps[index + 1..]
                    .iter()
                    .enumerate()
                    .any(|(offset, later)| {
                        runnable[index + 1 + offset]
                            && later.only_if.iter().all(|a| {
                                *a == answer.id || owner.get(a).is_none_or(|q| *q != index)
                            })
                    });
            if !leads_somewhere {
                issues.push(Issue {
                    severity: Severity::Warning,
                    step: Some(step.id),
                    message: format!(
                        "Step {}: after the answer «{}» no step follows, so the conversation ends there.",
                        index + 1,
                        answer.label.get(bot.fallback_language, bot.fallback_language)
                    ),
                });
            }
        }
    }
    issues.sort_by_key(|i| (i.severity == Severity::Warning, i.step));
    issues
}

/// Whether the errors in a validation forbid saving.
pub fn has_errors(issues: &[Issue]) -> bool {
    issues.iter().any(|i| i.severity == Severity::Error)
}

/// Whether a step can ever run: every answer it needs, and every answer the
/// questions of those answers need in turn, exists, belongs to a question
/// that comes earlier, and no two of them belong to the same question
/// (one question gets one answer). Records an error when it cannot.
fn can_run(
    bot: &Chatbot,
    owner: &BTreeMap<AnswerId, usize>,
    index: usize,
    step: &Step,
    issues: &mut Vec<Issue>,
) -> bool {
    let n = index + 1;
    let mut needed: BTreeMap<usize, AnswerId> = BTreeMap::new();
    let mut pending: Vec<(AnswerId, usize)> = step.only_if.iter().map(|a| (*a, index)).collect();
    let mut seen = BTreeSet::new();
    let mut problem = None;
    while let Some((answer, before)) = pending.pop() {
        if !seen.insert(answer) {
            continue;
        }
        let Some(&question) = owner.get(&answer) else {
            problem = Some(format!(
                "Step {n}: \"only if\" names an answer that does not exist ({answer})."
            ));
            break;
        };
        if question >= before {
            problem = Some(format!(
                "Step {n} can never run: it needs an answer to step {}, which comes later.",
                question + 1
            ));
            break;
        }
        if let Some(other) = needed.insert(question, answer) {
            if other != answer {
                problem = Some(format!(
                    "Step {n} can never run: it needs two answers to the same question (step {}).",
                    question + 1
                ));
                break;
            }
        }
        pending.extend(bot.steps[question].only_if.iter().map(|a| (*a, question)));
    }
    match problem {
        Some(message) => {
            issues.push(Issue {
                severity: Severity::Error,
                step: Some(step.id),
                message,
            });
            false
        }
        None => true,
    }
}

fn input_kind(kind: &StepKind) -> Option<InputKind> {
    match kind {
        StepKind::Email => Some(InputKind::Email),
        StepKind::Phone => Some(InputKind::Phone),
        StepKind::FreeInput => Some(InputKind::Text),
        StepKind::FreeInputMultiline => Some(InputKind::Multiline),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(outputs: &[Output]) -> Vec<String> {
        outputs
            .iter()
            .filter_map(|o| match o {
                Output::Say { text, .. }
                | Output::Ask { text, .. }
                | Output::Prompt { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_welcome_bot_greets_and_asks() {
        let bot = welcome_bot();
        let engine = Engine::new(&bot, Language::En);
        let (run, outputs) = engine.start();
        assert_eq!(
            said(&outputs),
            ["Welcome to CompanyName! 🌟", "What are you looking for?"]
        );
        let Some(Output::Ask { choices, .. }) = outputs.last() else {
            panic!("a question");
        };
        assert_eq!(choices.len(), 3);
        assert_eq!(choices[0].label, "I have a pricing question");
        assert_eq!(run.state(), RunState::Running);
        assert!(validate(&bot).is_empty(), "{:?}", validate(&bot));
    }

    #[test]
    fn the_pricing_path_forwards_then_asks_for_an_email_and_records_a_lead() {
        let bot = welcome_bot();
        let engine = Engine::new(&bot, Language::En);
        let (mut run, _) = engine.start();
        let outputs = engine.choose(&mut run, 1).unwrap();
        assert_eq!(outputs.last(), Some(&Output::Forward), "{outputs:?}");
        let outputs = engine.forwarded(&mut run, false).unwrap();
        assert_eq!(
            said(&outputs),
            [
                "Hu-ho, it looks like none of our operators are available 😞",
                "Would you mind leaving your email address so that we can reach you back?"
            ]
        );
        assert_eq!(engine.expects_text(&run), Some(InputKind::Email));
        let refused = engine.typed(&mut run, "ana at example").unwrap();
        assert_eq!(
            said(&refused)[0],
            "That doesn't look like an e-mail address. Could you check it?"
        );
        assert_eq!(
            engine.expects_text(&run),
            Some(InputKind::Email),
            "asked again"
        );
        let outputs = engine.typed(&mut run, " ana@example.com ").unwrap();
        assert_eq!(
            outputs,
            [
                Output::Captured {
                    input: InputKind::Email,
                    value: "ana@example.com".into()
                },
                Output::CreateLead
            ]
        );
        let outputs = engine.recorded(&mut run, None).unwrap();
        assert_eq!(outputs, [Output::Ended]);
        assert_eq!(run.state(), RunState::Ended);
    }

    #[test]
    fn an_available_operator_takes_over_and_the_bot_stops() {
        let bot = welcome_bot();
        let engine = Engine::new(&bot, Language::Es);
        let (mut run, _) = engine.start();
        engine.choose(&mut run, 1).unwrap();
        assert_eq!(
            engine.forwarded(&mut run, true).unwrap(),
            [Output::HandedOff]
        );
        assert_eq!(run.state(), RunState::HandedOff);
        assert_eq!(engine.choose(&mut run, 2), Err(Refusal::NotAsking));
        assert_eq!(engine.restart(&mut run), Err(Refusal::NotEnded));
    }

    #[test]
    fn an_assistant_step_hands_the_conversation_over_and_the_bot_stops() {
        let mut bot = welcome_bot();
        // "I am looking for your documentation" goes to the assistant
        // before the steps that would end the script.
        bot.steps.insert(
            7,
            Step {
                id: 20,
                kind: StepKind::Assistant,
                message: Texts::one(Language::En, "Ask me anything about the product."),
                only_if: vec![2],
            },
        );
        assert!(validate(&bot).is_empty(), "{:?}", validate(&bot));
        let engine = Engine::new(&bot, Language::En);
        let (mut run, _) = engine.start();
        let outputs = engine.choose(&mut run, 2).unwrap();
        assert_eq!(
            outputs,
            [
                Output::Say {
                    step: 20,
                    text: "Ask me anything about the product.".into()
                },
                Output::Assistant
            ]
        );
        assert_eq!(run.state(), RunState::Assistant);
        assert_eq!(
            engine.typed(&mut run, "how do I install it?"),
            Err(Refusal::NotWaitingForText)
        );
        assert!(engine.repeat(&run).is_empty());
        assert_eq!(engine.restart(&mut run), Err(Refusal::NotEnded));
        // Without a message of its own, the step says nothing.
        bot.steps[7].message = Texts::default();
        let engine = Engine::new(&bot, Language::En);
        let (mut run, _) = engine.start();
        assert_eq!(engine.choose(&mut run, 2).unwrap(), [Output::Assistant]);
    }

    #[test]
    fn other_answers_follow_their_own_steps_and_end() {
        let bot = welcome_bot();
        let engine = Engine::new(&bot, Language::Pt);
        let (mut run, _) = engine.start();
        let outputs = engine.choose(&mut run, 2).unwrap();
        assert_eq!(
            said(&outputs),
            [
                "E tcharam, aqui está! 🌟",
                "Se precisar de mais alguma coisa, fique à vontade para nos contatar"
            ]
        );
        assert_eq!(outputs.last(), Some(&Output::Ended));
        let again = engine.restart(&mut run).unwrap();
        assert_eq!(said(&again)[0], "Bem-vindo à CompanyName! 🌟");
    }

    #[test]
    fn only_offered_answers_at_the_question_asked_are_taken() {
        let bot = welcome_bot();
        let engine = Engine::new(&bot, Language::En);
        let (mut run, _) = engine.start();
        assert_eq!(engine.choose(&mut run, 99), Err(Refusal::NotOffered));
        assert_eq!(
            engine.typed(&mut run, "ana@example.com"),
            Err(Refusal::NotWaitingForText),
            "a question is answered by its buttons"
        );
        assert_eq!(engine.forwarded(&mut run, false), Err(Refusal::Unexpected));
        assert_eq!(
            engine.label(&run, 3).as_deref(),
            Some("I am just looking around")
        );
    }

    #[test]
    fn a_ticket_number_is_told() {
        let bot = Chatbot {
            name: "Helpdesk".into(),
            fallback_language: Language::Es,
            steps: vec![
                Step {
                    id: 1,
                    kind: StepKind::FreeInputMultiline,
                    message: Texts::one(Language::Es, "Cuéntenos qué pasó"),
                    only_if: vec![],
                },
                Step {
                    id: 2,
                    kind: StepKind::CreateTicket {
                        team: "Soporte".into(),
                    },
                    message: Texts::default(),
                    only_if: vec![],
                },
            ],
        };
        let engine = Engine::new(&bot, Language::En);
        let (mut run, outputs) = engine.start();
        assert_eq!(
            said(&outputs),
            ["Cuéntenos qué pasó"],
            "the fallback language"
        );
        let outputs = engine.typed(&mut run, "It broke\nagain").unwrap();
        assert_eq!(
            outputs.last(),
            Some(&Output::CreateTicket {
                team: "Soporte".into()
            })
        );
        let outputs = engine.recorded(&mut run, Some(1042)).unwrap();
        assert_eq!(said(&outputs), ["Your ticket number is 1042."]);
    }

    #[test]
    fn validation_lists_every_problem_at_once() {
        let mut bot = welcome_bot();
        bot.name = String::new();
        // An "only if" naming an answer that does not exist.
        bot.steps[2].only_if = vec![42];
        // A step that needs two answers to the same question.
        bot.steps[7].only_if = vec![1, 2];
        // A step that needs an answer of a later question.
        bot.steps.insert(
            0,
            Step {
                id: 50,
                kind: StepKind::Text,
                message: Texts::one(Language::En, "Too early"),
                only_if: vec![3],
            },
        );
        // An answer that leads nowhere.
        if let StepKind::Question { answers } = &mut bot.steps[2].kind {
            answers.push(Answer {
                id: 9,
                label: Texts::one(Language::En, "Something else"),
                link: Some("javascript:alert(1)".into()),
            });
        }
        let issues = validate(&bot);
        let errors: Vec<&str> = issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| i.message.as_str())
            .collect();
        assert!(
            errors.iter().any(|e| e.contains("needs a name")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|e| e.contains("does not exist")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|e| e.contains("same question")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|e| e.contains("comes later")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.contains("http(s)")), "{errors:?}");
        assert!(issues
            .iter()
            .any(|i| i.severity == Severity::Warning && i.message.contains("Something else")));
        assert!(has_errors(&issues));
        assert_eq!(issues[0].severity, Severity::Error, "errors first");
    }

    #[test]
    fn the_migration_installs_this_welcome_bot() {
        let migration = include_str!("../../edge/migrations/0005_chatbots_leads_tickets.sql");
        let row = migration
            .lines()
            .find(|l| l.contains("'welcome-bot'"))
            .expect("the migration inserts the Welcome Bot");
        let json = row
            .split("'Welcome Bot', '")
            .nth(1)
            .and_then(|rest| rest.rsplit_once("', 0)"))
            .map(|(json, _)| json.replace("''", "'"))
            .expect("the script is the row's third value");
        let installed: Chatbot = serde_json::from_str(&json).unwrap();
        assert_eq!(installed, welcome_bot());
    }

    #[test]
    fn texts_fall_back_by_language() {
        let texts = Texts(BTreeMap::from([(Language::Es, "Hola".to_owned())]));
        assert_eq!(texts.get(Language::Pt, Language::Es), "Hola");
        assert_eq!(
            texts.get(Language::En, Language::En),
            "Hola",
            "any there is"
        );
        assert!(Texts::default().is_empty());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn texts() -> impl Strategy<Value = Texts> {
            prop_oneof![
                Just(Texts::default()),
                "[a-z ]{1,8}".prop_map(|t| Texts::one(Language::En, &t))
            ]
        }

        fn kind() -> impl Strategy<Value = StepKind> {
            prop_oneof![
                Just(StepKind::Text),
                prop::collection::vec((0u32..12, texts()), 0..4).prop_map(|answers| {
                    StepKind::Question {
                        answers: answers
                            .into_iter()
                            .map(|(id, label)| Answer {
                                id,
                                label,
                                link: None,
                            })
                            .collect(),
                    }
                }),
                Just(StepKind::Email),
                Just(StepKind::Phone),
                Just(StepKind::FreeInput),
                Just(StepKind::FreeInputMultiline),
                Just(StepKind::ForwardToOperator),
                Just(StepKind::CreateLead),
                Just(StepKind::CreateTicket { team: "t".into() }),
                Just(StepKind::Assistant),
            ]
        }

        fn bot() -> impl Strategy<Value = Chatbot> {
            prop::collection::vec(
                (kind(), texts(), prop::collection::vec(0u32..12, 0..3)),
                0..12,
            )
            .prop_map(|steps| Chatbot {
                name: "Bot".into(),
                fallback_language: Language::En,
                steps: steps
                    .into_iter()
                    .enumerate()
                    .map(|(i, (kind, message, only_if))| Step {
                        id: i as u32,
                        kind,
                        message,
                        only_if,
                    })
                    .collect(),
            })
        }

        /// What a visitor (or the edge) might do next.
        #[derive(Debug, Clone)]
        enum Act {
            Choose(u32),
            Type(String),
            Forwarded(bool),
            Recorded(Option<u64>),
            Restart,
            HandOff,
        }

        fn act() -> impl Strategy<Value = Act> {
            prop_oneof![
                (0u32..14).prop_map(Act::Choose),
                prop_oneof![Just("a@b.co".to_owned()), "[a-z@. ]{0,12}"].prop_map(Act::Type),
                any::<bool>().prop_map(Act::Forwarded),
                proptest::option::of(0u64..5000).prop_map(Act::Recorded),
                Just(Act::Restart),
                Just(Act::HandOff),
            ]
        }

        /// The steps an output says it comes from.
        fn shown_steps(outputs: &[Output]) -> Vec<StepId> {
            outputs
                .iter()
                .filter_map(|o| match o {
                    Output::Say { step, .. }
                    | Output::Ask { step, .. }
                    | Output::Prompt { step, .. } => Some(*step),
                    _ => None,
                })
                .collect()
        }

        proptest! {
            #[test]
            fn the_engine_never_panics_always_stops_and_honours_only_if(
                bot in bot(),
                acts in prop::collection::vec(act(), 0..30),
            ) {
                let _ = validate(&bot);
                let engine = Engine::new(&bot, Language::Es);
                let (mut run, outputs) = engine.start();
                let mut all = vec![outputs];
                for act in acts {
                    let result = match act {
                        Act::Choose(a) => engine.choose(&mut run, a),
                        Act::Type(t) => engine.typed(&mut run, &t),
                        Act::Forwarded(t) => engine.forwarded(&mut run, t),
                        Act::Recorded(n) => engine.recorded(&mut run, n),
                        Act::Restart => engine.restart(&mut run),
                        Act::HandOff => { engine.hand_off(&mut run); Ok(vec![]) }
                    };
                    if let Ok(outputs) = result {
                        // Every step shown had all its "only if" answers chosen.
                        for step in shown_steps(&outputs) {
                            let step = bot.steps.iter().find(|s| s.id == step).unwrap();
                            prop_assert!(step.only_if.iter().all(|a| run.chosen.contains(a)));
                        }
                        prop_assert!(outputs.len() <= 2 * bot.steps.len() + 3, "it stops");
                        all.push(outputs);
                    }
                    prop_assert!(run.fits(&bot));
                }
            }
        }
    }
}
