//! A chatbot while an admin edits it, and the test run that shows it as a
//! visitor would see it. Every change is a method here, tested natively;
//! the editor only renders these and calls them.

use charla_shared::bot::{
    self, Answer, AnswerId, Chatbot, Engine, InputKind, Issue, Output, Run, Step, StepId, StepKind,
    Texts,
};
use charla_shared::channel::Language;
use charla_shared::ids::{ClientMsgId, ParticipantId, Seq};
use charla_shared::protocol::{Author, Message, MessageKind, Role};

use crate::words::{tr, trf};

/// The kinds of step, as the editor offers them: each one's form value
/// and its name in the console's language.
pub fn kinds() -> [(&'static str, &'static str); 10] {
    [
        ("text", tr("Text")),
        ("question", tr("Question")),
        ("email", tr("E-mail")),
        ("phone", tr("Phone")),
        ("free_input", tr("Free input")),
        ("free_input_multiline", tr("Free input (multi-line)")),
        ("forward_to_operator", tr("Forward to operator")),
        ("create_lead", tr("Create lead")),
        ("create_ticket", tr("Create ticket")),
        ("assistant", tr("Hand to the AI assistant")),
    ]
}

/// A chatbot being edited, and the last saved version.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptDraft {
    bot: Chatbot,
    saved: Chatbot,
}

impl ScriptDraft {
    /// A draft of a saved chatbot.
    pub fn new(saved: Chatbot) -> Self {
        ScriptDraft {
            bot: saved.clone(),
            saved,
        }
    }

    /// The chatbot as edited.
    pub fn bot(&self) -> &Chatbot {
        &self.bot
    }

    /// Whether anything changed since the last save.
    pub fn is_dirty(&self) -> bool {
        self.bot != self.saved
    }

    /// Records what the edge saved, as the new starting point.
    pub fn saved(&mut self, bot: Chatbot) {
        self.bot = bot.clone();
        self.saved = bot;
    }

    /// Every problem of the script as it stands, errors first.
    pub fn issues(&self) -> Vec<Issue> {
        bot::validate(&self.bot)
    }

    /// The problems of one step.
    pub fn issues_of(&self, step: StepId) -> Vec<Issue> {
        self.issues()
            .into_iter()
            .filter(|i| i.step == Some(step))
            .collect()
    }

    /// Renames the chatbot.
    pub fn set_name(&mut self, name: String) {
        self.bot.name = name;
    }

    /// Adds a step at the end, of the given kind.
    pub fn add_step(&mut self, kind: &str) {
        let id = self.bot.steps.iter().map(|s| s.id + 1).max().unwrap_or(1);
        let kind = self.kind_named(kind);
        self.bot.steps.push(Step {
            id,
            kind,
            message: Texts::default(),
            only_if: Vec::new(),
        });
    }

    /// Removes a step; "only if" entries naming its answers go with it.
    pub fn remove_step(&mut self, index: usize) {
        if index >= self.bot.steps.len() {
            return;
        }
        let removed = self.bot.steps.remove(index);
        let gone = answer_ids(&removed.kind);
        for step in &mut self.bot.steps {
            step.only_if.retain(|a| !gone.contains(a));
        }
    }

    /// Moves a step one place up or down.
    pub fn move_step(&mut self, index: usize, up: bool) {
        let other = if up {
            index.checked_sub(1)
        } else {
            Some(index + 1)
        };
        if let Some(other) = other.filter(|o| *o < self.bot.steps.len()) {
            if index < self.bot.steps.len() {
                self.bot.steps.swap(index, other);
            }
        }
    }

    /// Changes a step's kind (a question keeps its answers while it is one).
    pub fn set_kind(&mut self, index: usize, kind: &str) {
        let kind = self.kind_named(kind);
        if let Some(step) = self.bot.steps.get_mut(index) {
            if std::mem::discriminant(&step.kind) != std::mem::discriminant(&kind) {
                step.kind = kind;
            }
        }
    }

    /// Sets what a step says in a language.
    pub fn set_message(&mut self, index: usize, language: Language, text: String) {
        if let Some(step) = self.bot.steps.get_mut(index) {
            step.message.0.insert(language, text);
        }
    }

    /// Sets the team of a ticket step.
    pub fn set_team(&mut self, index: usize, name: String) {
        if let Some(Step {
            kind: StepKind::CreateTicket { team },
            ..
        }) = self.bot.steps.get_mut(index)
        {
            *team = name;
        }
    }

    /// Adds an answer to a question step.
    pub fn add_answer(&mut self, index: usize) {
        let id = self.next_answer_id();
        if let Some(Step {
            kind: StepKind::Question { answers },
            ..
        }) = self.bot.steps.get_mut(index)
        {
            answers.push(Answer {
                id,
                label: Texts::default(),
                link: None,
            });
        }
    }

    /// Removes an answer; "only if" entries naming it go with it.
    pub fn remove_answer(&mut self, index: usize, answer: AnswerId) {
        if let Some(Step {
            kind: StepKind::Question { answers },
            ..
        }) = self.bot.steps.get_mut(index)
        {
            answers.retain(|a| a.id != answer);
        }
        for step in &mut self.bot.steps {
            step.only_if.retain(|a| *a != answer);
        }
    }

    /// Sets an answer's label in a language.
    pub fn set_answer_label(
        &mut self,
        index: usize,
        answer: AnswerId,
        language: Language,
        label: String,
    ) {
        if let Some(found) = self.answer_mut(index, answer) {
            found.label.0.insert(language, label);
        }
    }

    /// Sets (or, empty, removes) the page an answer opens.
    pub fn set_answer_link(&mut self, index: usize, answer: AnswerId, link: String) {
        if let Some(found) = self.answer_mut(index, answer) {
            let link = link.trim().to_owned();
            found.link = (!link.is_empty()).then_some(link);
        }
    }

    /// Adds or removes an answer from a step's "only if".
    pub fn toggle_only_if(&mut self, index: usize, answer: AnswerId, on: bool) {
        if let Some(step) = self.bot.steps.get_mut(index) {
            step.only_if.retain(|a| *a != answer);
            if on {
                step.only_if.push(answer);
            }
        }
    }

    /// The answers a step's "only if" may name: those of the questions
    /// before it, with the question's number and the answer's label.
    pub fn earlier_answers(&self, index: usize, language: Language) -> Vec<(AnswerId, String)> {
        self.bot
            .steps
            .iter()
            .enumerate()
            .take(index)
            .flat_map(|(n, step)| match &step.kind {
                StepKind::Question { answers } => answers
                    .iter()
                    .map(|a| {
                        let label = a.label.get(language, self.bot.fallback_language);
                        (a.id, format!("{}. {label}", n + 1))
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    fn answer_mut(&mut self, index: usize, answer: AnswerId) -> Option<&mut Answer> {
        match self.bot.steps.get_mut(index) {
            Some(Step {
                kind: StepKind::Question { answers },
                ..
            }) => answers.iter_mut().find(|a| a.id == answer),
            _ => None,
        }
    }

    fn next_answer_id(&self) -> AnswerId {
        self.bot
            .steps
            .iter()
            .flat_map(|s| answer_ids(&s.kind))
            .max()
            .map_or(1, |id| id + 1)
    }

    fn kind_named(&self, name: &str) -> StepKind {
        match name {
            "question" => StepKind::Question {
                answers: vec![Answer {
                    id: self.next_answer_id(),
                    label: Texts::default(),
                    link: None,
                }],
            },
            "email" => StepKind::Email,
            "phone" => StepKind::Phone,
            "free_input" => StepKind::FreeInput,
            "free_input_multiline" => StepKind::FreeInputMultiline,
            "forward_to_operator" => StepKind::ForwardToOperator,
            "create_lead" => StepKind::CreateLead,
            "create_ticket" => StepKind::CreateTicket {
                team: String::new(),
            },
            "assistant" => StepKind::Assistant,
            _ => StepKind::Text,
        }
    }
}

/// The editor's name for a step's kind (one of [`KINDS`]).
pub fn kind_name(kind: &StepKind) -> &'static str {
    match kind {
        StepKind::Text => "text",
        StepKind::Question { .. } => "question",
        StepKind::Email => "email",
        StepKind::Phone => "phone",
        StepKind::FreeInput => "free_input",
        StepKind::FreeInputMultiline => "free_input_multiline",
        StepKind::ForwardToOperator => "forward_to_operator",
        StepKind::CreateLead => "create_lead",
        StepKind::CreateTicket { .. } => "create_ticket",
        StepKind::Assistant => "assistant",
    }
}

/// A test run of a script, exactly as a visitor would see it, kept in the
/// console: nothing reaches the edge, so nothing is stored as a lead or a
/// ticket. Forwarding finds no operator, so the test goes on as it would
/// when none is available.
#[derive(Debug, Clone)]
pub struct TestRun {
    bot: Chatbot,
    language: Language,
    run: Run,
    messages: Vec<Message>,
}

impl TestRun {
    /// Starts a test of a chatbot in a language.
    pub fn start(bot: Chatbot, language: Language) -> Self {
        let (run, outputs) = Engine::new(&bot, language).start();
        let mut test = TestRun {
            bot,
            language,
            run,
            messages: Vec::new(),
        };
        test.carry_out(outputs);
        test
    }

    /// The conversation so far.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The tester chose an answer.
    pub fn choose(&mut self, answer: AnswerId, label: &str) {
        let engine = Engine::new(&self.bot, self.language);
        let Ok(outputs) = engine.choose(&mut self.run, answer) else {
            return;
        };
        self.push(visitor(), label.to_owned(), MessageKind::Answer { answer });
        self.carry_out(outputs);
    }

    /// The tester typed something.
    pub fn typed(&mut self, text: &str) -> bool {
        let text = text.trim();
        if text.is_empty() {
            return false;
        }
        self.push(visitor(), text.to_owned(), MessageKind::Text);
        let engine = Engine::new(&self.bot, self.language);
        let outputs = engine
            .typed(&mut self.run, text)
            .unwrap_or_else(|_| engine.repeat(&self.run));
        self.carry_out(outputs);
        true
    }

    /// Starts the script again from the first step (once it has ended, as
    /// for a visitor; before that, as a fresh test).
    pub fn restart(&mut self) {
        *self = TestRun::start(self.bot.clone(), self.language);
    }

    fn carry_out(&mut self, outputs: Vec<Output>) {
        let mut queue: std::collections::VecDeque<Output> = outputs.into();
        while let Some(output) = queue.pop_front() {
            match output {
                Output::Say { text, .. } => self.push(self.author(), text, MessageKind::Text),
                Output::Ask { text, choices, .. } => {
                    self.push(self.author(), text, MessageKind::Question { choices })
                }
                Output::Prompt { text, input, .. } => {
                    self.push(self.author(), text, MessageKind::Prompt { input })
                }
                Output::Captured { .. } => {}
                Output::Forward => {
                    self.note(tr(
                        "Test: no operator is asked; the script goes on as when none is available.",
                    ));
                    let engine = Engine::new(&self.bot, self.language);
                    queue.extend(engine.forwarded(&mut self.run, false).unwrap_or_default());
                }
                Output::CreateLead => {
                    self.note(tr(
                        "Test: a lead would be recorded here (nothing is stored).",
                    ));
                    let engine = Engine::new(&self.bot, self.language);
                    queue.extend(engine.recorded(&mut self.run, None).unwrap_or_default());
                }
                Output::CreateTicket { team } => {
                    self.note(&trf(
                        "Test: a ticket for {} would be recorded here (nothing is stored).",
                        &[&team],
                    ));
                    let engine = Engine::new(&self.bot, self.language);
                    queue.extend(engine.recorded(&mut self.run, Some(0)).unwrap_or_default());
                }
                Output::HandedOff => {}
                Output::Assistant => self.note(tr(
                    "Test: the AI assistant answers from here on, from the channel's knowledge base.",
                )),
                Output::Ended => {
                    let text = bot::BuiltIn::of(self.language).ended.to_owned();
                    self.push(self.author(), text, MessageKind::Ended);
                }
            }
        }
    }

    fn note(&mut self, text: &str) {
        let author = Author {
            role: Role::System,
            id: ParticipantId::system(),
            name: "Charla".into(),
        };
        self.push(author, text.to_owned(), MessageKind::Text);
    }

    fn author(&self) -> Author {
        Author {
            role: Role::Bot,
            id: ParticipantId::bot("test"),
            name: self.bot.name.clone(),
        }
    }

    fn push(&mut self, author: Author, text: String, kind: MessageKind) {
        let seq = Seq(self.messages.len() as u64 + 1);
        let id = ClientMsgId::parse(format!("test-{}", seq.0))
            .unwrap_or_else(|_| unreachable!("test ids are valid"));
        self.messages.push(Message {
            seq,
            id,
            author,
            text,
            at: 0,
            kind,
        });
    }
}

/// What the tester types into, while the bot asks for typed text.
pub fn expects(messages: &[Message]) -> Option<InputKind> {
    match bot::pending(messages) {
        bot::Pending::Type(kind) => Some(kind),
        _ => None,
    }
}

fn visitor() -> Author {
    Author {
        role: Role::Visitor,
        id: ParticipantId::visitor(),
        name: "Visitor".into(),
    }
}

fn answer_ids(kind: &StepKind) -> Vec<AnswerId> {
    match kind {
        StepKind::Question { answers } => answers.iter().map(|a| a.id).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charla_shared::bot::{welcome_bot, Severity};

    #[test]
    fn steps_are_added_edited_moved_and_removed() {
        let mut draft = ScriptDraft::new(Chatbot {
            name: "Helper".into(),
            ..Chatbot::default()
        });
        draft.add_step("text");
        draft.set_message(0, Language::En, "Hi".into());
        draft.add_step("question");
        draft.set_message(1, Language::En, "Which?".into());
        let first = draft.earlier_answers(2, Language::En)[0].0;
        draft.set_answer_label(1, first, Language::En, "This one".into());
        draft.add_answer(1);
        draft.add_step("create_ticket");
        draft.set_team(2, "Support".into());
        draft.toggle_only_if(2, first, true);
        assert!(draft.is_dirty());
        assert_eq!(draft.earlier_answers(2, Language::En).len(), 2);
        let errors: Vec<_> = draft
            .issues()
            .into_iter()
            .filter(|i| i.severity == Severity::Error)
            .collect();
        assert_eq!(
            errors.len(),
            1,
            "the second answer has no label: {errors:?}"
        );
        draft.move_step(2, true);
        assert_eq!(kind_name(&draft.bot().steps[1].kind), "create_ticket");
        assert!(
            !draft.issues_of(draft.bot().steps[1].id).is_empty(),
            "it needs a later answer now"
        );
        draft.move_step(1, false);
        draft.remove_step(1);
        assert!(
            draft.bot().steps[1].only_if.is_empty(),
            "its answers left the only-if too"
        );
    }

    #[test]
    fn a_test_run_shows_what_a_visitor_sees_and_stores_nothing() {
        let mut test = TestRun::start(welcome_bot(), Language::En);
        assert_eq!(test.messages().len(), 2);
        let bot::Pending::Choose(choices) = bot::pending(test.messages()) else {
            panic!("the question's answers");
        };
        let pricing = choices[0].clone();
        test.choose(pricing.id, &pricing.label);
        assert_eq!(expects(test.messages()), Some(InputKind::Email));
        assert!(test.typed("nope"));
        assert_eq!(
            expects(test.messages()),
            Some(InputKind::Email),
            "asked again"
        );
        test.typed("ana@example.com");
        let texts: Vec<&str> = test.messages().iter().map(|m| m.text.as_str()).collect();
        assert!(texts.iter().any(|t| t.contains("a lead would be recorded")));
        assert_eq!(bot::pending(test.messages()), bot::Pending::Restart);
        test.restart();
        assert_eq!(test.messages().len(), 2);
    }
}
