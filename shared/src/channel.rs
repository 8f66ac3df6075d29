//! A channel as marketers and admins shape it: its look and texts in several
//! languages, and the rules that decide how the widget shows on each page.
//! The edge validates and stores these; the widget evaluates the rules in
//! the browser with the pure [`select_rule`] below.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::color::Rgb;
use crate::hours::OfficeHours;
use crate::ids::{ChannelId, OperatorId};
use crate::limits::{
    MAX_ASSISTANT_NAME_CHARS, MAX_CHANNEL_TEXT_CHARS, MAX_RULES, MAX_RULE_COUNTRIES,
    MAX_RULE_PATTERN_CHARS, MAX_RULE_TIMER_SECS,
};
use crate::protocol::{display_name, ErrorCode, Problem};
use crate::routing::Routing;
use crate::Millis;

/// The languages Charla speaks.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    #[default]
    En,
    /// Spanish.
    Es,
    /// Portuguese.
    Pt,
}

impl Language {
    /// Every language, in the order forms list them.
    pub const ALL: [Language; 3] = [Language::En, Language::Es, Language::Pt];

    /// The two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
            Language::Pt => "pt",
        }
    }

    /// The language's own name for itself.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Es => "Español",
            Language::Pt => "Português",
        }
    }

    /// Reads a BCP 47 tag such as `pt-BR` or `es`; `None` for languages
    /// Charla does not speak.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Language::ALL.into_iter().find(|l| l.code() == primary)
    }
}

/// The texts of a channel's widget in one language. An empty text falls
/// back to the channel's fallback language, then to Charla's own wording.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelTexts {
    /// The notification bubble next to the chat button.
    pub button_text: String,
    /// The first message a visitor sees, as if an operator wrote it.
    pub welcome_message: String,
    /// The placeholder of the message box.
    pub input_placeholder: String,
    /// The closing comments: shown to the visitor when the conversation
    /// ends, above the rating.
    pub closing_message: String,
    /// Shown instead of the message box outside office hours.
    pub out_of_hours_message: String,
    /// Above the form for a message outside office hours (when the channel
    /// takes them).
    pub offline_prompt: String,
    /// Shown instead of the message box when the queue is full.
    pub unavailable_message: String,
    /// Sent as the operator's own message when they take the conversation.
    pub agent_message: String,
}

impl ChannelTexts {
    /// Charla's own wording in a language.
    pub fn built_in(language: Language) -> ChannelTexts {
        let (button, welcome, placeholder, closing, closed, offline, busy, agent) = match language {
            Language::En => (
                "Have a question? Chat with us.",
                "Hello! How may we help you?",
                "Ask something…",
                "Thank you for chatting with us.",
                "We are outside our office hours right now.",
                "Leave us a message and we will answer by e-mail.",
                "All our operators are busy right now. Please try again in a few minutes.",
                "Hello, thank you for waiting. I am reading your messages now.",
            ),
            Language::Es => (
                "¿Tiene alguna pregunta? Escríbanos.",
                "¡Hola! ¿En qué podemos ayudarle?",
                "Pregunte algo…",
                "Gracias por conversar con nosotros.",
                "Ahora estamos fuera de nuestro horario de atención.",
                "Déjenos un mensaje y le responderemos por correo.",
                "Todos nuestros operadores están ocupados ahora. Inténtelo de nuevo en unos minutos.",
                "Hola, gracias por esperar. Ya estoy leyendo sus mensajes.",
            ),
            Language::Pt => (
                "Tem alguma dúvida? Fale conosco.",
                "Olá! Como podemos ajudar?",
                "Pergunte algo…",
                "Obrigado por conversar conosco.",
                "No momento estamos fora do nosso horário de atendimento.",
                "Deixe uma mensagem e responderemos por e-mail.",
                "Todos os nossos atendentes estão ocupados agora. Tente novamente em alguns minutos.",
                "Olá, obrigado por aguardar. Já estou lendo suas mensagens.",
            ),
        };
        ChannelTexts {
            button_text: button.into(),
            welcome_message: welcome.into(),
            input_placeholder: placeholder.into(),
            closing_message: closing.into(),
            out_of_hours_message: closed.into(),
            offline_prompt: offline.into(),
            unavailable_message: busy.into(),
            agent_message: agent.into(),
        }
    }

    /// Each field from `self`, else from `fallback` when not empty.
    /// Each text with what the editor calls it.
    fn fields(&self) -> [(&'static str, &String); 8] {
        [
            ("welcome message", &self.welcome_message),
            ("placeholder", &self.input_placeholder),
            ("button text", &self.button_text),
            ("closing comments", &self.closing_message),
            ("out of hours message", &self.out_of_hours_message),
            ("offline message prompt", &self.offline_prompt),
            ("unavailable message", &self.unavailable_message),
            ("agent automatic message", &self.agent_message),
        ]
    }

    fn or(&self, fallback: &ChannelTexts) -> ChannelTexts {
        let pick = |mine: &String, theirs: &String| {
            if mine.trim().is_empty() {
                theirs.clone()
            } else {
                mine.clone()
            }
        };
        ChannelTexts {
            button_text: pick(&self.button_text, &fallback.button_text),
            welcome_message: pick(&self.welcome_message, &fallback.welcome_message),
            input_placeholder: pick(&self.input_placeholder, &fallback.input_placeholder),
            closing_message: pick(&self.closing_message, &fallback.closing_message),
            out_of_hours_message: pick(&self.out_of_hours_message, &fallback.out_of_hours_message),
            offline_prompt: pick(&self.offline_prompt, &fallback.offline_prompt),
            unavailable_message: pick(&self.unavailable_message, &fallback.unavailable_message),
            agent_message: pick(&self.agent_message, &fallback.agent_message),
        }
    }

    fn validated(&self, language: Language) -> Result<ChannelTexts, Problem> {
        let field = |value: &str, what: &str| {
            let value = value.trim();
            let too_long = value.chars().count() > MAX_CHANNEL_TEXT_CHARS;
            let control = value.chars().any(|c| c.is_control() && c != '\n');
            if too_long || control {
                Err(invalid(format!(
                    "The {what} ({}) may have at most {MAX_CHANNEL_TEXT_CHARS} characters and no control characters.",
                    language.native_name()
                )))
            } else {
                Ok(value.to_owned())
            }
        };
        Ok(ChannelTexts {
            button_text: field(&self.button_text, "button text")?,
            welcome_message: field(&self.welcome_message, "welcome message")?,
            input_placeholder: field(&self.input_placeholder, "input placeholder")?,
            closing_message: field(&self.closing_message, "closing message")?,
            out_of_hours_message: field(&self.out_of_hours_message, "out of hours message")?,
            offline_prompt: field(&self.offline_prompt, "offline message prompt")?,
            unavailable_message: field(&self.unavailable_message, "unavailable message")?,
            agent_message: field(&self.agent_message, "agent automatic message")?,
        })
    }
}

/// Who answers a channel's visitors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatMode {
    /// Operators only: chatbots named by rules do not run.
    Operators,
    /// A chatbot only: its forward steps never reach a person.
    Bot,
    /// A chatbot first, a person when the script forwards or the visitor
    /// asks for one.
    #[default]
    Both,
}

/// The look and texts of a channel's widget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelOptions {
    /// The chat button's colour, stored as `#rrggbb`.
    pub button_color: String,
    /// The window header's colour, stored as `#rrggbb`.
    pub header_color: String,
    /// The language used when the visitor's is missing or a text is empty.
    pub fallback_language: Language,
    /// Texts per language.
    pub texts: BTreeMap<Language, ChannelTexts>,
    /// Who answers.
    pub mode: ChatMode,
    /// Whether the channel's ratings page is public.
    pub publish_ratings: bool,
    /// When people answer; none: always.
    pub hours: Option<OfficeHours>,
    /// Whether visitors can leave a message (with their e-mail) outside
    /// office hours.
    pub offline_messages: bool,
    /// How conversations reach operators.
    pub routing: Routing,
    /// Whether the AI assistant answers from the knowledge base, and how it
    /// hands off.
    pub assistant: AssistantOptions,
}

/// Who answers before a person: nobody, the assistant alone, or the
/// assistant first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssistantMode {
    /// Operators only: the assistant does not answer.
    #[default]
    Manual,
    /// The assistant only: it never hands off.
    Automatic,
    /// The assistant first, a person when the visitor asks or the
    /// assistant sees that one is needed.
    Both,
}

/// When the assistant sees that a person is needed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandOffStyle {
    /// It offers a person and the visitor decides (an explicit request is
    /// always handed off at once).
    #[default]
    Offer,
    /// It hands the conversation off at once.
    AtOnce,
}

/// The AI assistant of a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssistantOptions {
    pub mode: AssistantMode,
    /// The name its messages carry.
    pub name: String,
    pub hand_off: HandOffStyle,
    /// Whether it writes its answers with the installation's language
    /// model (where one is set), from the article it found; otherwise, and
    /// whenever the model fails, it quotes the article's passage.
    pub write_with_model: bool,
}

impl Default for AssistantOptions {
    fn default() -> Self {
        AssistantOptions {
            mode: AssistantMode::Manual,
            name: "Assistant".into(),
            hand_off: HandOffStyle::Offer,
            write_with_model: false,
        }
    }
}

impl AssistantOptions {
    /// Whether the assistant answers at all.
    pub fn answers(&self) -> bool {
        self.mode != AssistantMode::Manual
    }

    fn validated(&self) -> Result<AssistantOptions, Problem> {
        let name = self.name.trim();
        if name.chars().count() > MAX_ASSISTANT_NAME_CHARS {
            return Err(invalid(format!(
                "The assistant's name may have at most {MAX_ASSISTANT_NAME_CHARS} characters."
            )));
        }
        Ok(AssistantOptions {
            mode: self.mode,
            name: if name.is_empty() {
                AssistantOptions::default().name
            } else {
                name.to_owned()
            },
            hand_off: self.hand_off,
            write_with_model: self.write_with_model,
        })
    }
}

/// The colours a channel uses when none are set.
pub const DEFAULT_COLOR: &str = "#1f6f5c";

impl Default for ChannelOptions {
    fn default() -> Self {
        ChannelOptions {
            button_color: DEFAULT_COLOR.into(),
            header_color: DEFAULT_COLOR.into(),
            fallback_language: Language::En,
            texts: BTreeMap::new(),
            mode: ChatMode::Both,
            publish_ratings: false,
            hours: None,
            offline_messages: false,
            routing: Routing::default(),
            assistant: AssistantOptions::default(),
        }
    }
}

impl ChannelOptions {
    /// Checks the options and normalises them: colours to `#rrggbb`, texts
    /// trimmed.
    pub fn validated(&self) -> Result<ChannelOptions, Problem> {
        let color = |value: &str, what: &str| {
            Rgb::parse(value).map(Rgb::to_hex).ok_or_else(|| {
                invalid(format!(
                    "The {what} must be a colour as HEX (#1f6f5c), RGB (rgb(31, 111, 92)) or HSL (hsl(165, 56%, 28%)); {value:?} is not one."
                ))
            })
        };
        let texts = self
            .texts
            .iter()
            .map(|(language, texts)| Ok((*language, texts.validated(*language)?)))
            .collect::<Result<_, Problem>>()?;
        Ok(ChannelOptions {
            button_color: color(&self.button_color, "button colour")?,
            header_color: color(&self.header_color, "header colour")?,
            fallback_language: self.fallback_language,
            texts,
            mode: self.mode,
            publish_ratings: self.publish_ratings,
            hours: self
                .hours
                .as_ref()
                .map(OfficeHours::validated)
                .transpose()?,
            offline_messages: self.offline_messages,
            routing: self.routing.validated()?,
            assistant: self.assistant.validated()?,
        })
    }

    /// Whether people take new conversations at `now`: always without
    /// office hours, and always on a channel a chatbot alone answers.
    pub fn answering(&self, now: Millis) -> bool {
        self.mode == ChatMode::Bot || self.hours.as_ref().is_none_or(|h| h.is_open(now))
    }

    /// The texts a visitor speaking `language` sees: the channel's, then the
    /// fallback language's, then Charla's own.
    pub fn texts_for(&self, language: Language) -> ChannelTexts {
        let empty = ChannelTexts::default();
        let own = self.texts.get(&language).unwrap_or(&empty);
        let fallback = self.texts.get(&self.fallback_language).unwrap_or(&empty);
        own.or(fallback).or(&ChannelTexts::built_in(language))
    }

    /// Where visitors would read the fallback language instead of their
    /// own: for each other language, the texts the channel wrote in the
    /// fallback language but not in that one (a Spanish welcome above an
    /// English placeholder reads as a mistake).
    pub fn borrowed_texts(&self) -> Vec<(Language, Vec<&'static str>)> {
        let empty = ChannelTexts::default();
        let fallback = self.texts.get(&self.fallback_language).unwrap_or(&empty);
        Language::ALL
            .into_iter()
            .filter(|language| *language != self.fallback_language)
            .filter_map(|language| {
                let own = self.texts.get(&language).unwrap_or(&empty);
                let borrowed: Vec<&'static str> = own
                    .fields()
                    .into_iter()
                    .zip(fallback.fields())
                    .filter(|((_, mine), (_, theirs))| {
                        mine.trim().is_empty() && !theirs.trim().is_empty()
                    })
                    .map(|((name, _), _)| name)
                    .collect();
                (!borrowed.is_empty()).then_some((language, borrowed))
            })
            .collect()
    }

    /// The colours with the text colour that keeps each readable.
    pub fn theme(&self) -> Theme {
        let swatch = |color: &str| {
            let background = Rgb::parse(color)
                .or_else(|| Rgb::parse(DEFAULT_COLOR))
                .unwrap_or(crate::color::BLACK);
            Swatch {
                background: background.to_hex(),
                text: background.readable_text().to_hex(),
            }
        };
        Theme {
            button: swatch(&self.button_color),
            header: swatch(&self.header_color),
        }
    }
}

/// The widget's colours, ready for CSS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// The chat button.
    pub button: Swatch,
    /// The window header.
    pub header: Swatch,
}

/// A background with the text colour that reads on it (4.5:1 at least).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swatch {
    /// `#rrggbb`.
    pub background: String,
    /// `#ffffff` or `#000000`.
    pub text: String,
}

/// How the chat button behaves on a page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonMode {
    /// The button alone.
    #[default]
    Show,
    /// The button and a floating text bubble beside it.
    ShowWithNotification,
    /// The button, and the window opens by itself after the rule's timer.
    OpenAutomatically,
    /// Nothing (the page can still open the window with `Charla.open()`).
    Hide,
}

/// One channel rule: where it applies and what the button does there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rule {
    /// A JavaScript regular expression tested against the page's full URL;
    /// empty matches every page.
    pub url_regex: String,
    /// ISO 3166 country codes; empty means everywhere.
    pub countries: Vec<String>,
    /// What the button does.
    pub button: ButtonMode,
    /// For [`ButtonMode::OpenAutomatically`]: seconds before the window opens.
    pub auto_open_seconds: u32,
    /// The chatbot that answers first on these pages, if any.
    pub chatbot: Option<String>,
    /// Run the chatbot only when no operator is available.
    pub chatbot_only_if_no_operator: bool,
}

impl Rule {
    /// Checks everything but the regular expression's syntax, which only a
    /// JavaScript engine can judge (the edge and the widget both have one).
    pub fn validated(&self, position: usize) -> Result<Rule, Problem> {
        let at = |message: String| invalid(format!("Rule {}: {message}", position + 1));
        let url_regex = self.url_regex.trim().to_owned();
        if url_regex.chars().count() > MAX_RULE_PATTERN_CHARS {
            return Err(at(format!(
                "the URL regex may have at most {MAX_RULE_PATTERN_CHARS} characters."
            )));
        }
        if self.countries.len() > MAX_RULE_COUNTRIES {
            return Err(at(format!("at most {MAX_RULE_COUNTRIES} countries.")));
        }
        let countries = self
            .countries
            .iter()
            .map(|c| {
                let code = c.trim().to_ascii_uppercase();
                if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
                    Ok(code)
                } else {
                    Err(at(format!(
                        "{c:?} is not a two-letter country code (ES, BR, US…)."
                    )))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        if self.auto_open_seconds > MAX_RULE_TIMER_SECS {
            return Err(at(format!(
                "the timer may be at most {MAX_RULE_TIMER_SECS} seconds."
            )));
        }
        let chatbot = match self.chatbot.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(bot) if ChannelId::parse(bot).is_ok() => Some(bot.to_owned()),
            Some(bot) => {
                return Err(at(format!(
                    "{bot:?} is not a chatbot id (a-z, 0-9 and '-', up to 40)."
                )))
            }
        };
        Ok(Rule {
            url_regex,
            countries,
            button: self.button,
            auto_open_seconds: self.auto_open_seconds,
            chatbot,
            chatbot_only_if_no_operator: self.chatbot_only_if_no_operator,
        })
    }

    /// Whether the rule's country list admits a visitor from `country`.
    pub fn admits(&self, country: Option<&str>) -> bool {
        self.countries.is_empty()
            || country.is_some_and(|c| self.countries.iter().any(|r| r.eq_ignore_ascii_case(c)))
    }
}

/// Flags the edge and the widget give `RegExp` for rule patterns: none, as
/// in JavaScript's default (case-sensitive, no `u` strictness).
pub const URL_REGEX_FLAGS: &str = "";

/// Which rule decides for a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection<'a> {
    /// The deciding rule and its position, or `None` (the button shows).
    pub rule: Option<(usize, &'a Rule)>,
    /// Rules skipped because their regular expression could not be used,
    /// with why (the widget logs them).
    pub skipped: Vec<(usize, String)>,
}

impl Selection<'_> {
    /// The button mode that applies.
    pub fn button(&self) -> ButtonMode {
        self.rule.map_or(ButtonMode::Show, |(_, rule)| rule.button)
    }
}

/// Picks the first rule whose URL regex matches `url` and whose countries
/// admit `country`. `matches(pattern, url)` runs the regular expression
/// (the widget passes the browser's RegExp); a pattern it cannot compile
/// skips that rule instead of breaking the widget.
pub fn select_rule<'a>(
    rules: &'a [Rule],
    url: &str,
    country: Option<&str>,
    matches: impl Fn(&str, &str) -> Result<bool, String>,
) -> Selection<'a> {
    let mut skipped = Vec::new();
    for (position, rule) in rules.iter().enumerate() {
        let url_matches = rule.url_regex.is_empty() || {
            match matches(&rule.url_regex, url) {
                Ok(found) => found,
                Err(why) => {
                    skipped.push((position, why));
                    continue;
                }
            }
        };
        if url_matches && rule.admits(country) {
            return Selection {
                rule: Some((position, rule)),
                skipped,
            };
        }
    }
    Selection {
        rule: None,
        skipped,
    }
}

/// What admins edit about a channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSettings {
    /// The name visitors see in the window header.
    pub name: String,
    /// Look and texts.
    #[serde(default)]
    pub options: ChannelOptions,
    /// Rules, first match decides.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// The operators who answer it.
    #[serde(default)]
    pub operators: Vec<OperatorId>,
}

impl ChannelSettings {
    /// Checks and normalises everything but regex syntax.
    pub fn validated(&self) -> Result<ChannelSettings, Problem> {
        if self.rules.len() > MAX_RULES {
            return Err(invalid(format!(
                "A channel may have at most {MAX_RULES} rules."
            )));
        }
        let mut operators = self.operators.clone();
        operators.sort();
        operators.dedup();
        Ok(ChannelSettings {
            name: display_name(&self.name, "The channel name")?,
            options: self.options.validated()?,
            rules: self
                .rules
                .iter()
                .enumerate()
                .map(|(i, rule)| rule.validated(i))
                .collect::<Result<_, _>>()?,
            operators,
        })
    }
}

/// Body of `POST /api/channels`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewChannel {
    /// The id, used in snippets and links.
    pub id: ChannelId,
    /// The name.
    pub name: String,
}

fn invalid(message: String) -> Problem {
    Problem::new(ErrorCode::Invalid, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Substring matching stands in for RegExp here; the widget's real
    /// engine is tested in the browser.
    fn contains(pattern: &str, url: &str) -> Result<bool, String> {
        if pattern.contains('(') && !pattern.contains(')') {
            return Err(format!("unterminated group in {pattern}"));
        }
        Ok(url.contains(pattern))
    }

    fn rule(url_regex: &str, countries: &[&str], button: ButtonMode) -> Rule {
        Rule {
            url_regex: url_regex.into(),
            countries: countries.iter().map(|c| (*c).into()).collect(),
            button,
            ..Rule::default()
        }
    }

    #[test]
    fn the_first_matching_rule_decides() {
        let rules = [
            rule("/contactus", &[], ButtonMode::OpenAutomatically),
            rule("/contact", &[], ButtonMode::Hide),
            rule("", &[], ButtonMode::ShowWithNotification),
        ];
        let pick = |url| {
            select_rule(&rules, url, None, contains)
                .rule
                .map(|(i, _)| i)
        };
        assert_eq!(pick("https://shop.test/contactus"), Some(0));
        assert_eq!(pick("https://shop.test/contact"), Some(1));
        assert_eq!(
            pick("https://shop.test/"),
            Some(2),
            "an empty regex matches all"
        );
    }

    #[test]
    fn no_rule_or_no_match_shows_the_button() {
        assert_eq!(
            select_rule(&[], "https://x/", None, contains).button(),
            ButtonMode::Show
        );
        let rules = [rule("/pricing", &[], ButtonMode::Hide)];
        assert_eq!(
            select_rule(&rules, "https://x/", None, contains).button(),
            ButtonMode::Show
        );
    }

    #[test]
    fn countries_narrow_a_rule() {
        let rules = [
            rule("", &["BR", "PT"], ButtonMode::OpenAutomatically),
            rule("", &[], ButtonMode::Show),
        ];
        let pick = |country| {
            select_rule(&rules, "https://x/", country, contains)
                .rule
                .map(|(i, _)| i)
        };
        assert_eq!(pick(Some("br")), Some(0));
        assert_eq!(pick(Some("ES")), Some(1));
        assert_eq!(pick(None), Some(1), "an unknown country matches no list");
    }

    #[test]
    fn a_broken_pattern_is_skipped_not_fatal() {
        let rules = [
            rule("/shop(", &[], ButtonMode::Hide),
            rule("/shop", &[], ButtonMode::Show),
        ];
        let selection = select_rule(&rules, "https://x/shop", None, contains);
        assert_eq!(selection.rule.map(|(i, _)| i), Some(1));
        assert_eq!(selection.skipped.len(), 1);
        assert_eq!(selection.skipped[0].0, 0);
    }

    #[test]
    fn rules_are_checked_and_normalised() {
        let ok = Rule {
            url_regex: " /contactus ".into(),
            countries: vec!["br".into()],
            chatbot: Some(" ".into()),
            ..Rule::default()
        }
        .validated(0)
        .unwrap();
        assert_eq!(ok.url_regex, "/contactus");
        assert_eq!(ok.countries, ["BR"]);
        assert_eq!(ok.chatbot, None);
        for bad in [
            Rule {
                countries: vec!["Brazil".into()],
                ..Rule::default()
            },
            Rule {
                auto_open_seconds: MAX_RULE_TIMER_SECS + 1,
                ..Rule::default()
            },
            Rule {
                chatbot: Some("Welcome Bot".into()),
                ..Rule::default()
            },
            Rule {
                url_regex: "x".repeat(MAX_RULE_PATTERN_CHARS + 1),
                ..Rule::default()
            },
        ] {
            let problem = bad.validated(2).unwrap_err();
            assert!(
                problem.message.starts_with("Rule 3:"),
                "{}",
                problem.message
            );
        }
    }

    #[test]
    fn texts_fall_back_by_field() {
        let mut options = ChannelOptions {
            fallback_language: Language::Es,
            ..ChannelOptions::default()
        };
        options.texts.insert(
            Language::Es,
            ChannelTexts {
                welcome_message: "¡Bienvenido!".into(),
                ..ChannelTexts::default()
            },
        );
        options.texts.insert(
            Language::Pt,
            ChannelTexts {
                input_placeholder: "Escreva aqui".into(),
                ..ChannelTexts::default()
            },
        );
        let pt = options.texts_for(Language::Pt);
        assert_eq!(pt.input_placeholder, "Escreva aqui");
        assert_eq!(
            pt.welcome_message, "¡Bienvenido!",
            "from the fallback language"
        );
        assert_eq!(
            pt.button_text,
            ChannelTexts::built_in(Language::Pt).button_text
        );
        assert_eq!(
            options.texts_for(Language::En).welcome_message,
            "¡Bienvenido!"
        );
    }

    #[test]
    fn colours_are_normalised_and_themes_stay_readable() {
        let options = ChannelOptions {
            button_color: "rgb(255, 235, 59)".into(),
            header_color: "hsl(240, 100%, 25%)".into(),
            ..ChannelOptions::default()
        }
        .validated()
        .unwrap();
        assert_eq!(options.button_color, "#ffeb3b");
        let theme = options.theme();
        assert_eq!(theme.button.text, "#000000", "dark text on yellow");
        assert_eq!(theme.header.text, "#ffffff", "white text on navy");
        let bad = ChannelOptions {
            button_color: "javascript:alert(1)".into(),
            ..ChannelOptions::default()
        };
        assert!(bad.validated().unwrap_err().message.contains("HEX"));
    }

    #[test]
    fn languages_come_from_tags() {
        assert_eq!(Language::from_tag("pt-BR"), Some(Language::Pt));
        assert_eq!(Language::from_tag("ES"), Some(Language::Es));
        assert_eq!(Language::from_tag("fr-FR"), None);
        let json = serde_json::to_string(&Language::Pt).unwrap();
        assert_eq!(json, "\"pt\"");
    }

    #[test]
    fn settings_are_checked() {
        let settings = ChannelSettings {
            name: "  Ventas ".into(),
            operators: vec![
                OperatorId::parse("b").unwrap(),
                OperatorId::parse("a").unwrap(),
                OperatorId::parse("b").unwrap(),
            ],
            ..ChannelSettings::default()
        }
        .validated()
        .unwrap();
        assert_eq!(settings.name, "Ventas");
        assert_eq!(settings.operators.len(), 2);
        let too_many = ChannelSettings {
            name: "x".into(),
            rules: vec![Rule::default(); MAX_RULES + 1],
            ..ChannelSettings::default()
        };
        assert!(too_many.validated().is_err());
    }

    #[test]
    fn texts_written_only_in_the_fallback_language_are_flagged() {
        let mut options = ChannelOptions::default();
        options.texts.insert(
            Language::En,
            ChannelTexts {
                welcome_message: "Hi".into(),
                input_placeholder: "Ask".into(),
                ..ChannelTexts::default()
            },
        );
        options.texts.insert(
            Language::Es,
            ChannelTexts {
                input_placeholder: "Pregunte".into(),
                ..ChannelTexts::default()
            },
        );
        assert_eq!(
            options.borrowed_texts(),
            [
                (Language::Es, vec!["welcome message"]),
                (Language::Pt, vec!["welcome message", "placeholder"]),
            ]
        );
        options.texts.clear();
        assert!(
            options.borrowed_texts().is_empty(),
            "Charla's own texts are translated"
        );
    }
}
