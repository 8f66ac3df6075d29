//! The HTTP side of the edge: paths, request bodies and response bodies.
//! Errors travel as a [`Problem`](crate::protocol::Problem) body with the
//! status of its code.
//!
//! Paths and who may call them are in [`crate::routes`].

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::bot::{Chatbot, Issue};
use crate::channel::{ChannelOptions, ChannelTexts, ChatMode, Language, Rule, Theme};
use crate::color::{Rgb, MIN_TEXT_CONTRAST};
use crate::identity::{self, Visitor};
use crate::ids::{ChannelId, ConversationId, OperatorId, VisitorKey, VisitorToken};
use crate::limits::{MAX_PASSWORD_BYTES, MAX_URL_CHARS, MIN_PASSWORD_CHARS};
use crate::protocol::{display_name, message_text, Contact, ErrorCode, Message, Problem};
use crate::routing::ServiceFigures;
use crate::Millis;

/// Body of `POST /api/conversations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateConversation {
    /// The channel the widget belongs to.
    pub channel: ChannelId,
    /// What the host page said about the visitor, if anything.
    #[serde(default)]
    pub visitor: Visitor,
    /// The chatbot the page's rule names, if any. The edge checks that a rule
    /// of the channel names it and whether operators are available.
    #[serde(default)]
    pub chatbot: Option<String>,
    /// The language the widget speaks, for what the chatbot says.
    #[serde(default)]
    pub language: Option<Language>,
    /// A random key the widget keeps for this browser, so operators see the
    /// visitor's previous conversations on the channel (32 hex digits).
    #[serde(default)]
    pub visitor_key: Option<VisitorKey>,
}

/// One of the visitor's earlier conversations on the channel, newest first
/// (`GET /api/conversations/{id}/previous`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousConversation {
    /// The conversation.
    pub conversation: ConversationId,
    /// When it started.
    pub created_at: Millis,
}

/// Answer to `POST /api/conversations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationCreated {
    /// The new conversation.
    pub conversation: ConversationId,
    /// The token that opens it, and only it. Shown once; the edge keeps a digest.
    pub token: VisitorToken,
}

/// An operator who shares a channel with the caller (`GET /api/team`);
/// whether they are online comes live on the inbox sockets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Teammate {
    /// Their account.
    pub id: OperatorId,
    /// Their name.
    pub name: String,
}

/// Body of `POST /api/direct`: the operator to write to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartDirect {
    /// Who.
    pub operator: OperatorId,
}

/// Answer to `POST /api/direct`: the one conversation the two operators
/// share, the same every time they ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectStarted {
    /// The conversation; its socket and transcript routes are the usual
    /// ones, and only the two of them are admitted.
    pub conversation: ConversationId,
}

/// Body of `POST /api/session`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The operator's e-mail address.
    pub email: String,
    /// The password, checked against a PBKDF2 digest.
    pub password: String,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("email", &self.email)
            .field("password", &"…")
            .finish()
    }
}

/// Who is signed in; the answer to `POST` and `GET /api/session`. The
/// session token itself travels only in an `HttpOnly` cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The operator.
    pub operator: OperatorProfile,
    /// The channels the operator answers.
    pub channels: Vec<ChannelSummary>,
    /// When the session ends.
    pub expires_at: Millis,
}

/// An operator as the console shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorProfile {
    /// Account id.
    pub id: OperatorId,
    /// The account's name.
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// What the account may do.
    pub role: StaffRole,
    /// The name visitors see in conversations; empty: [`name`](Self::name).
    #[serde(default)]
    pub chat_name: String,
    /// The colour of their avatar (`#rrggbb`), which visitors see with
    /// their initials; empty: the widget's own.
    #[serde(default)]
    pub avatar_color: String,
    /// The account still has the password an admin gave it: the console
    /// asks for a new one before anything else.
    #[serde(default)]
    pub must_change_password: bool,
}

impl OperatorProfile {
    /// The name visitors see.
    pub fn shown_name(&self) -> &str {
        if self.chat_name.is_empty() {
            &self.name
        } else {
            &self.chat_name
        }
    }
}

/// An account as an admin creates it (`POST` to
/// [`OPERATORS`](crate::routes::OPERATORS)) or changes it (`PUT` to
/// [`operator`](crate::routes::operator)). A password given here is an
/// initial one: its owner must change it at their next sign-in. Changing an
/// account without one keeps its password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorForm {
    /// The account id (`a-z`, `0-9`, `-`); fixed once created.
    pub id: OperatorId,
    /// The account's name.
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// What the account may do.
    pub role: StaffRole,
    /// The name visitors see; empty: the account's name.
    #[serde(default)]
    pub chat_name: String,
    /// The avatar's colour (HEX, RGB or HSL); empty: none.
    #[serde(default)]
    pub avatar_color: String,
    /// An initial password.
    #[serde(default)]
    pub password: Option<String>,
}

impl OperatorForm {
    /// Checks every field and trims them; `creating` requires a password.
    pub fn validated(&self, creating: bool) -> Result<OperatorForm, Problem> {
        let chat_name = self.chat_name.trim();
        let password = match (&self.password, creating) {
            (Some(password), _) if !password.is_empty() => Some(new_password(password)?),
            (_, true) => {
                return Err(Problem::new(
                    ErrorCode::Invalid,
                    "A new account needs an initial password.",
                ))
            }
            (_, false) => None,
        };
        Ok(OperatorForm {
            id: self.id.clone(),
            name: display_name(&self.name, "The name")?,
            email: identity::email(&self.email)?,
            role: self.role,
            chat_name: if chat_name.is_empty() {
                String::new()
            } else {
                display_name(chat_name, "The chat name")?
            },
            avatar_color: avatar_color(self.avatar_color.trim())?,
            password,
        })
    }
}

/// An avatar colour as stored (`#rrggbb`, or empty for none): white
/// initials must be readable on it.
fn avatar_color(color: &str) -> Result<String, Problem> {
    if color.is_empty() {
        return Ok(String::new());
    }
    let Some(rgb) = Rgb::parse(color) else {
        return Err(Problem::new(
            ErrorCode::Invalid,
            format!("The avatar colour must be a colour such as #1f6f5c; {color:?} is not one."),
        ));
    };
    let white = Rgb {
        r: 255,
        g: 255,
        b: 255,
    };
    if rgb.contrast(white) < MIN_TEXT_CONTRAST {
        return Err(Problem::new(
            ErrorCode::Invalid,
            format!(
                "The avatar colour {color} is too light for white initials; pick a darker one."
            ),
        ));
    }
    Ok(rgb.to_hex())
}

/// An operator changing their own password (`PUT` to
/// [`PASSWORD`](crate::routes::PASSWORD)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password they signed in with.
    pub current: String,
    /// The one they choose.
    pub new: String,
}

/// Checks a password an operator or an admin chooses: at least
/// [`MIN_PASSWORD_CHARS`] characters, at most [`MAX_PASSWORD_BYTES`] bytes.
pub fn new_password(password: &str) -> Result<String, Problem> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(Problem::new(
            ErrorCode::Invalid,
            format!(
                "A password needs at least {MIN_PASSWORD_CHARS} characters (and at most {MAX_PASSWORD_BYTES} bytes)."
            ),
        ));
    }
    Ok(password.to_owned())
}

/// What a console account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Answers conversations and changes channel settings.
    Admin,
    /// Answers conversations.
    Operator,
}

/// A channel in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSummary {
    /// Its id.
    pub id: ChannelId,
    /// Its name.
    pub name: String,
}

/// What the widget needs to render a channel: public, nothing private.
/// Served with an `ETag` and revalidated on every page load, so a restyle
/// reaches visitors on their next page with no rebuild.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetConfig {
    /// The channel.
    pub channel: ChannelId,
    /// Its name, shown in the window header.
    pub name: String,
    /// Colours, with readable text colours worked out.
    pub theme: Theme,
    /// The language for visitors whose own the channel lacks.
    pub fallback_language: Language,
    /// The texts in every language, fallbacks already applied.
    pub texts: BTreeMap<Language, ChannelTexts>,
    /// Where and how the button shows; the widget evaluates them.
    pub rules: Vec<Rule>,
    /// Who answers: operators, a chatbot, or a chatbot first.
    #[serde(default)]
    pub mode: ChatMode,
    /// Whether the edge can send visitors a copy of their conversation by
    /// e-mail (a mail service is configured).
    #[serde(default)]
    pub transcript_by_mail: bool,
    /// Whether nobody takes new conversations now (outside office hours);
    /// the edge works it out on every request.
    #[serde(default)]
    pub closed: bool,
    /// Whether visitors can leave a message outside office hours.
    #[serde(default)]
    pub offline_messages: bool,
    /// Whether the channel has published help articles, which the widget
    /// then offers to search; the edge works it out on every request.
    #[serde(default)]
    pub help: bool,
}

/// What the console's channel editor sends the widget in its preview
/// (`postMessage`, as JSON text): the draft's look and texts, before they
/// are saved, and the language being edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetPreview {
    /// The channel as it would look.
    pub config: WidgetConfig,
    /// The language to show.
    pub language: Language,
}

/// What the widget in the editor's preview tells its parent page once it
/// listens, so the console sends the draft then.
pub const PREVIEW_READY: &str = "charla:preview-ready";

impl WidgetConfig {
    /// The public view of a channel.
    pub fn of(
        channel: ChannelId,
        name: String,
        options: &ChannelOptions,
        rules: Vec<Rule>,
    ) -> Self {
        WidgetConfig {
            channel,
            name,
            theme: options.theme(),
            fallback_language: options.fallback_language,
            texts: Language::ALL
                .into_iter()
                .map(|language| (language, options.texts_for(language)))
                .collect(),
            rules,
            mode: options.mode,
            transcript_by_mail: false,
            closed: false,
            offline_messages: options.offline_messages,
            help: false,
        }
    }

    /// The texts for a visitor's language (the fallback language's when the
    /// channel has none for it).
    pub fn texts(&self, language: Language) -> ChannelTexts {
        self.texts
            .get(&language)
            .or_else(|| self.texts.get(&self.fallback_language))
            .cloned()
            .unwrap_or_else(|| ChannelTexts::built_in(language))
    }

    /// Whether any rule depends on the visitor's country.
    pub fn uses_country(&self) -> bool {
        self.rules.iter().any(|r| !r.countries.is_empty())
    }
}

/// Answer to `GET /api/visitor`: what the edge knows of the requester.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorInfo {
    /// ISO 3166 country code, when known.
    pub country: Option<String>,
}

/// Answer to `GET /api/conversations/{id}/transcript`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    /// The conversation.
    pub conversation: ConversationId,
    /// Its channel.
    pub channel: ChannelId,
    /// The visitor's display name.
    pub visitor: String,
    /// Who the visitor is, as far as it is known.
    #[serde(flatten)]
    pub contact: Contact,
    /// The chatbot that answers first, if the page's rule chose one and it
    /// applied when the conversation started.
    #[serde(default)]
    pub chatbot: Option<String>,
    /// When it started.
    pub created_at: Millis,
    /// Every message in sequence order.
    pub messages: Vec<Message>,
}

/// Body of `PUT /api/channels/{channel}/ratings/{id}/visibility`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingVisibility {
    /// `true` keeps the rating off the public page (it stays in reports).
    pub hidden: bool,
}

/// A chatbot in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatbotSummary {
    /// Its id, which channel rules name.
    pub id: String,
    /// Its name.
    pub name: String,
    /// How many steps its script has.
    pub steps: usize,
}

/// Answer to reading or saving a chatbot: the chatbot, and the warnings
/// its script has (a script with errors is not saved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedChatbot {
    /// The chatbot as stored.
    pub chatbot: Chatbot,
    /// What could strand visitors.
    pub issues: Vec<Issue>,
}

/// What a chatbot recorded: a lead for sales, or a ticket for a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A lead.
    Lead,
    /// A ticket.
    Ticket,
}

impl RecordKind {
    /// Its name in sentences and links ("Ticket", "Lead").
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Lead => "Lead",
            RecordKind::Ticket => "Ticket",
        }
    }
}

/// Where the console shows a lead or a ticket: the fragment of the
/// console's address (`#ticket/demo/3`), so a link opens it, in this tab or
/// another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLink {
    /// Lead or ticket.
    pub kind: RecordKind,
    /// Its channel.
    pub channel: ChannelId,
    /// Its number.
    pub number: u64,
}

impl RecordLink {
    /// The fragment, with its `#`.
    pub fn fragment(&self) -> String {
        format!(
            "#{}/{}/{}",
            self.kind.label().to_lowercase(),
            self.channel,
            self.number
        )
    }

    /// Reads a fragment (with or without its `#`); `None` for anything else.
    pub fn parse(fragment: &str) -> Option<RecordLink> {
        let mut parts = fragment.trim_start_matches('#').split('/');
        let kind = match parts.next()? {
            "lead" => RecordKind::Lead,
            "ticket" => RecordKind::Ticket,
            _ => return None,
        };
        let channel = ChannelId::parse(parts.next()?).ok()?;
        let number = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(RecordLink {
            kind,
            channel,
            number,
        })
    }
}

/// A lead or a ticket, with the transcript up to when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Lead or ticket.
    pub kind: RecordKind,
    /// Its number (a ticket's is what the visitor was told).
    pub number: u64,
    /// The channel it came from.
    pub channel: ChannelId,
    /// The conversation it came from.
    pub conversation: ConversationId,
    /// A short title.
    pub title: String,
    /// The visitor's name.
    pub name: String,
    /// The visitor's e-mail address, if they gave one.
    pub email: Option<String>,
    /// The visitor's phone number, if they gave one.
    pub phone: Option<String>,
    /// The team a ticket goes to.
    pub team: Option<String>,
    /// Where it came from ("live chat").
    pub source: String,
    /// When it was made.
    pub created_at: Millis,
    /// The conversation up to then.
    pub transcript: Vec<Message>,
}

/// A lead or ticket in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSummary {
    /// Its number.
    pub number: u64,
    /// A short title.
    pub title: String,
    /// The visitor's name.
    pub name: String,
    /// The visitor's e-mail address.
    pub email: Option<String>,
    /// The team a ticket goes to.
    pub team: Option<String>,
    /// When it was made.
    pub created_at: Millis,
}

/// A message a visitor leaves outside office hours (`POST` to
/// [`offline_messages`](crate::routes::offline_messages)), for operators to
/// answer by e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineMessage {
    /// Who they are.
    pub name: String,
    /// Where to answer.
    pub email: String,
    /// What they wrote.
    pub text: String,
    /// The language their widget showed.
    #[serde(default)]
    pub language: Language,
    /// The page they wrote from.
    #[serde(default)]
    pub page: Option<String>,
}

impl OfflineMessage {
    /// Checks every field (the name, the address, the text's length, the
    /// page's) and trims them.
    pub fn validated(&self) -> Result<OfflineMessage, Problem> {
        let page = self
            .page
            .as_deref()
            .map(str::trim)
            .filter(|page| !page.is_empty());
        if page.is_some_and(|page| page.chars().count() > MAX_URL_CHARS) {
            return Err(Problem::new(
                ErrorCode::Invalid,
                format!("The page address may have at most {MAX_URL_CHARS} characters."),
            ));
        }
        Ok(OfflineMessage {
            name: display_name(&self.name, "Your name")?,
            email: identity::email(&self.email)?,
            text: message_text(&self.text)?,
            language: self.language,
            page: page.map(str::to_owned),
        })
    }
}

/// A message left outside office hours, as its channel's operators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineRecord {
    /// Its number.
    pub id: u64,
    /// What the visitor left.
    pub message: OfflineMessage,
    /// When.
    pub created_at: Millis,
    /// Whether an operator marked it read.
    pub read: bool,
}

/// Marks an offline message read or unread (`PUT` to
/// [`offline_message`](crate::routes::offline_message)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineRead {
    /// Read or not.
    pub read: bool,
}

/// Moves a test build's clock forward (`PUT`
/// [`TEST_CLOCK`](crate::routes::TEST_CLOCK)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockAdvance {
    /// By how many milliseconds: at least 1, at most a week.
    pub by_ms: i64,
}

impl ClockAdvance {
    /// The milliseconds to move by, once checked.
    pub fn validated(&self) -> Result<i64, Problem> {
        const WEEK_MS: i64 = 7 * 24 * 3_600_000;
        if (1..=WEEK_MS).contains(&self.by_ms) {
            Ok(self.by_ms)
        } else {
            Err(Problem::new(
                ErrorCode::Invalid,
                format!("The clock moves forward by 1 ms to a week ({WEEK_MS} ms) at a time."),
            ))
        }
    }
}

/// An operator joins or leaves a channel's rotation (`PUT`
/// [`duty`](crate::routes::duty)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Duty {
    /// Joined (conversations may be assigned to them) or not.
    pub on: bool,
}

/// An operator hands a conversation they hold to another (`POST`
/// [`transfer`](crate::routes::transfer)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Who takes it: an operator online on the channel.
    pub to: OperatorId,
    /// What the next operator should know, kept as a private note.
    #[serde(default)]
    pub note: String,
}

/// A channel as its supervisor sees it now (`GET`
/// [`supervision`](crate::routes::supervision)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supervision {
    /// Conversations waiting for a person.
    pub waiting: u32,
    /// Conversations an operator holds.
    pub in_progress: u32,
    /// The channel's operators online now.
    pub operators: Vec<OperatorLoad>,
    /// Today's waits.
    #[serde(flatten)]
    pub figures: ServiceFigures,
    /// The service level the figures are measured against, in seconds.
    pub service_level_secs: u32,
}

/// One operator online on a channel, for the supervision view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorLoad {
    /// Their account.
    pub id: OperatorId,
    /// Their chat name.
    pub name: String,
    /// Whether conversations may be assigned to them (joined and active).
    pub available: bool,
    /// Conversations they hold.
    pub load: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_refused() {
        let body = r#"{"channel":"demo","admin":true}"#;
        assert!(serde_json::from_str::<CreateConversation>(body).is_err());
        let body = r#"{"channel":"demo"}"#;
        let parsed: CreateConversation = serde_json::from_str(body).unwrap();
        assert_eq!(parsed.visitor, Visitor::default());
    }

    #[test]
    fn passwords_do_not_print() {
        let sign_in = SignIn {
            email: "a@b.c".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{sign_in:?}").contains("hunter2"));
    }

    #[test]
    fn the_public_config_resolves_every_language() {
        let config = WidgetConfig::of(
            ChannelId::parse("demo").unwrap(),
            "Demo".into(),
            &ChannelOptions::default(),
            vec![],
        );
        assert_eq!(config.texts.len(), Language::ALL.len());
        assert_eq!(
            config.texts(Language::Es).welcome_message,
            ChannelTexts::built_in(Language::Es).welcome_message
        );
        assert!(!config.uses_country());
        assert_eq!(config.theme.button.text, "#ffffff");
    }

    #[test]
    fn accounts_need_a_real_name_address_and_a_long_enough_initial_password() {
        let form = OperatorForm {
            id: OperatorId::parse("lucia").unwrap(),
            name: "  Lucía Pérez ".into(),
            email: " lucia@example.com ".into(),
            role: StaffRole::Operator,
            chat_name: " ".into(),
            avatar_color: " rgb(31, 111, 92) ".into(),
            password: Some("correct horse".into()),
        };
        let checked = form.validated(true).unwrap();
        assert_eq!(
            (
                checked.name.as_str(),
                checked.email.as_str(),
                checked.chat_name.as_str()
            ),
            ("Lucía Pérez", "lucia@example.com", "")
        );
        assert_eq!(checked.avatar_color, "#1f6f5c", "kept as HEX");
        let bad_color = OperatorForm {
            avatar_color: "teal-ish".into(),
            ..form.clone()
        };
        assert!(bad_color
            .validated(true)
            .unwrap_err()
            .message
            .contains("avatar colour"));
        let pale = OperatorForm {
            avatar_color: "#fafad2".into(),
            ..form.clone()
        };
        assert!(pale
            .validated(true)
            .unwrap_err()
            .message
            .contains("too light"));
        let no_password = OperatorForm {
            password: None,
            ..form.clone()
        };
        assert!(
            no_password.validated(true).is_err(),
            "a new account needs one"
        );
        assert!(no_password.validated(false).is_ok(), "a change keeps it");
        let short = OperatorForm {
            password: Some("short".into()),
            ..form.clone()
        };
        assert!(short
            .validated(false)
            .unwrap_err()
            .message
            .contains("at least 10"));
        let bad_address = OperatorForm {
            email: "lucia".into(),
            ..form.clone()
        };
        assert!(bad_address.validated(true).is_err());
        let profile = OperatorProfile {
            id: form.id.clone(),
            name: "Lucía Pérez".into(),
            email: "lucia@example.com".into(),
            role: StaffRole::Operator,
            chat_name: String::new(),
            avatar_color: String::new(),
            must_change_password: true,
        };
        assert_eq!(profile.shown_name(), "Lucía Pérez");
        let chatty = OperatorProfile {
            chat_name: "Lucía".into(),
            ..profile
        };
        assert_eq!(chatty.shown_name(), "Lucía");
    }
}
