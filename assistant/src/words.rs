//! What the assistant says in each language besides quoting articles, and
//! how operators are told why a conversation came to them.

use charla_shared::channel::Language;

use crate::handoff::Reason;

/// The assistant's own sentences in one language.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    /// Not sure, where a person can be asked.
    pub not_sure_person: &'static str,
    /// Not sure, where only the assistant answers.
    pub not_sure: &'static str,
    /// A person would help better (the hand-off is offered, not done).
    pub offer: &'static str,
}

impl Words {
    pub fn of(language: Language) -> Words {
        match language {
            Language::En => Words {
                not_sure_person: "I'm not sure I can answer that. You can ask it another way, or talk to a person.",
                not_sure: "I'm not sure I can answer that. Could you ask it another way?",
                offer: "I think a person can help you better with this. Shall I bring one in?",
            },
            Language::Es => Words {
                not_sure_person: "No estoy seguro de poder responder a eso. Puede preguntarlo de otra forma, o hablar con una persona.",
                not_sure: "No estoy seguro de poder responder a eso. ¿Puede preguntarlo de otra forma?",
                offer: "Creo que una persona le puede ayudar mejor con esto. ¿Le paso con alguien?",
            },
            Language::Pt => Words {
                not_sure_person: "Não tenho certeza de que posso responder a isso. Pode perguntar de outra forma, ou falar com uma pessoa.",
                not_sure: "Não tenho certeza de que posso responder a isso. Pode perguntar de outra forma?",
                offer: "Acho que uma pessoa pode ajudar melhor com isso. Quer que eu chame alguém?",
            },
        }
    }
}

/// The note operators read on a conversation the assistant handed over.
pub fn handed_over_note(reason: Reason) -> String {
    let why = match reason {
        Reason::Asked => "the visitor asked for a person",
        Reason::Upset => "the visitor is upset",
        Reason::Sensitive => {
            "the visitor raised something sensitive (legal, a charge, account security or safety)"
        }
        Reason::Stalled => "the assistant could not help (fallbacks, or the same question again)",
    };
    format!("The assistant handed this conversation over: {why}.")
}
