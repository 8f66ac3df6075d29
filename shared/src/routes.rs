//! Every HTTP route of the edge in one table: its method, its path pattern
//! and who may call it. The edge's router matches requests against
//! [`TABLE`] and checks access once, before any handler runs; the widget,
//! the console and the tests build their URLs with the functions below,
//! which fill the same patterns; and tests walk the table to prove that
//! every route refuses whom it must.
//!
//! Architecture Invariant: a route exists only as a row of [`TABLE`];
//! nobody matches or builds an edge path by hand.

use crate::channel::Language;
use crate::ids::{ArticleSlug, ChannelId, ConversationId, OperatorId, Seq, VisitorToken};
use crate::protocol::{ErrorCode, Problem, PROTOCOL_VERSION};
use crate::rating::RatingFilter;
use crate::Millis;

/// An HTTP method the edge serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Read.
    Get,
    /// Create or act.
    Post,
    /// Replace.
    Put,
    /// Remove.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Reads a method name exactly as HTTP spells it (case-sensitive);
    /// `None` for any method the edge does not serve.
    pub fn parse(name: &str) -> Option<Method> {
        [Method::Get, Method::Post, Method::Put, Method::Delete]
            .into_iter()
            .find(|m| m.as_str() == name)
    }
}

/// Who may call a route. The edge checks it before the handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Anyone, from any site (answered with CORS headers).
    Public,
    /// The conversation's visitor (its token in the query) or an operator
    /// of its channel (the session cookie): the conversation socket.
    Participant,
    /// Any signed-in operator.
    SignedIn,
    /// An operator of the channel named in the path (admins answer all).
    ChannelOperator,
    /// An operator of the channel of the conversation named in the path.
    ConversationOperator,
    /// An admin.
    Admin,
}

/// The name of a route, which the edge dispatches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteName {
    /// Whether the edge is up.
    Health,
    /// Sign in.
    SignIn,
    /// Who is signed in.
    WhoAmI,
    /// Sign out this session.
    SignOut,
    /// Sign out every session of the operator.
    SignOutEverywhere,
    /// Start a conversation.
    CreateConversation,
    /// Join a conversation over a WebSocket.
    ConversationSocket,
    /// A conversation's whole transcript.
    Transcript,
    /// Stop honouring the visitor's token.
    Revoke,
    /// A channel's public widget configuration.
    WidgetConfig,
    /// A channel's live inbox over a WebSocket.
    InboxSocket,
    /// A channel's security settings and signing secret.
    Security,
    /// Change a channel's security settings.
    SetSecurity,
    /// Replace a channel's signing secret.
    RotateSecret,
    /// Create a channel.
    CreateChannel,
    /// A channel's settings.
    Settings,
    /// Change a channel's settings.
    SaveSettings,
    /// Every operator account.
    Operators,
    /// An admin creates an account.
    CreateOperator,
    /// An admin changes an account.
    UpdateOperator,
    /// An admin removes an account.
    DeleteOperator,
    /// An operator changes their own password.
    ChangePassword,
    /// What the edge knows of the requester (their country).
    Visitor,
    /// The full-page chat of a channel.
    ChatPage,
    /// Every chatbot.
    Chatbots,
    /// A chatbot and its script.
    Chatbot,
    /// Create or replace a chatbot.
    SaveChatbot,
    /// Remove a chatbot.
    DeleteChatbot,
    /// A channel's leads.
    Leads,
    /// One lead.
    Lead,
    /// A channel's tickets.
    Tickets,
    /// One ticket.
    Ticket,
    /// A conversation as plain text, for its visitor or its operators.
    TranscriptText,
    /// A channel's ratings.
    Ratings,
    /// A channel's ratings as CSV.
    RatingsCsv,
    /// Show or hide a rating on the public page.
    RatingVisibility,
    /// A visitor leaves a message outside office hours.
    LeaveOfflineMessage,
    /// A channel's messages left outside office hours.
    OfflineMessages,
    /// Mark one of them read or unread.
    MarkOfflineMessage,
    /// A channel's figures per day, for the dashboard.
    Stats,
    /// A channel's published ratings page.
    PublicStats,
    /// A channel's canned responses and the global ones.
    CannedResponses,
    /// Replace a channel's canned responses.
    SaveCannedResponses,
    /// Replace the canned responses of every channel.
    SaveGlobalCanned,
    /// The visitor's earlier conversations on the conversation's channel.
    PreviousConversations,
    /// The operators who share a channel with the signed-in one.
    Team,
    /// Open (or find) the direct conversation with another operator.
    StartDirect,
    /// Delete a channel with its conversations, ratings, leads and tickets.
    DeleteChannel,
    /// Search a channel's conversations.
    SearchConversations,
    /// Delete one conversation (a test, a mistake) for good.
    DeleteConversation,
    /// Store a file to attach to a conversation.
    UploadFile,
    /// A file of a conversation.
    File,
    /// An operator takes a waiting conversation.
    TakeConversation,
    /// The operator who holds a conversation puts it back in the queue.
    ReleaseConversation,
    /// The operator who holds a conversation hands it to another.
    TransferConversation,
    /// An operator joins or leaves a channel's rotation.
    SetDuty,
    /// A channel's queue, operators and service level now.
    Supervision,
    /// Move a test build's clock forward (refused by every other build).
    TestClock,
    /// A channel's knowledge base, every article in every language.
    Knowledge,
    /// Save articles into a channel's knowledge base (an import).
    ImportKnowledge,
    /// Remove an article (one language, or all).
    DeleteArticle,
    /// A channel's own language model (without its key).
    ChannelModel,
    /// Set or remove a channel's own language model.
    SetChannelModel,
    /// Search a channel's published articles (the widget's knowledge
    /// search).
    SearchKnowledge,
    /// One published article, for the widget to show.
    KnowledgeArticle,
    /// A channel's public help page: its published articles.
    HelpPage,
    /// One article on the public help page.
    HelpArticle,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// What the edge dispatches on.
    pub name: RouteName,
    /// The method it answers.
    pub method: Method,
    /// The path, with `{conversation}`, `{channel}`, `{bot}` and
    /// `{record}` standing for ids.
    pub pattern: &'static str,
    /// Who may call it.
    pub access: Access,
    /// Whether it upgrades to a WebSocket.
    pub upgrade: bool,
}

/// `/api/health`.
pub const HEALTH: &str = "/api/health";
/// `/api/session`: sign in (`POST`), who is signed in (`GET`), sign out
/// (`DELETE`).
pub const SESSION: &str = "/api/session";
/// `/api/sessions`: `DELETE` ends every session of the signed-in operator.
pub const SESSIONS: &str = "/api/sessions";
/// `/api/conversations`: `POST` starts one ([`CreateConversation`](crate::api::CreateConversation)).
pub const CONVERSATIONS: &str = "/api/conversations";
/// `/api/channels`: `POST` (admins) creates one ([`NewChannel`](crate::channel::NewChannel)).
pub const CHANNELS: &str = "/api/channels";
/// `/api/operators`: `GET` (admins) lists every operator account; `POST`
/// (admins) creates one ([`OperatorForm`](crate::api::OperatorForm)).
pub const OPERATORS: &str = "/api/operators";
/// `/api/session/password`: `PUT` (signed in) a
/// [`PasswordChange`](crate::api::PasswordChange).
pub const PASSWORD: &str = "/api/session/password";
/// `/api/visitor`: `GET` the requester's country, for rules that depend on
/// it. The query parameter `country` overrides it where the edge allows
/// (local development and tests).
pub const VISITOR: &str = "/api/visitor";
/// `/api/chatbots`: `GET` (admins) lists every chatbot.
pub const CHATBOTS: &str = "/api/chatbots";
/// The cookie that carries an operator's session token.
pub const SESSION_COOKIE: &str = "charla_session";

const CONVERSATION_SOCKET: &str = "/api/conversations/{conversation}/socket";
const TRANSCRIPT: &str = "/api/conversations/{conversation}/transcript";
const REVOKE: &str = "/api/conversations/{conversation}/revoke";
const WIDGET_CONFIG: &str = "/api/channels/{channel}/widget";
const INBOX_SOCKET: &str = "/api/channels/{channel}/inbox";
const SECURITY: &str = "/api/channels/{channel}/security";
const SECRET: &str = "/api/channels/{channel}/security/secret";
const SETTINGS: &str = "/api/channels/{channel}/settings";
const CHANNEL: &str = "/api/channels/{channel}";
const SEARCH: &str = "/api/channels/{channel}/search";
const CONVERSATION: &str = "/api/conversations/{conversation}";
const CHAT_PAGE: &str = "/chat/{channel}";
const CHATBOT: &str = "/api/chatbots/{bot}";
const LEADS: &str = "/api/channels/{channel}/leads";
const LEAD: &str = "/api/channels/{channel}/leads/{record}";
const TICKETS: &str = "/api/channels/{channel}/tickets";
const TICKET: &str = "/api/channels/{channel}/tickets/{record}";
const TRANSCRIPT_TEXT: &str = "/api/conversations/{conversation}/transcript.txt";
const RATINGS: &str = "/api/channels/{channel}/ratings";
const RATINGS_CSV: &str = "/api/channels/{channel}/ratings.csv";
const RATING_VISIBILITY: &str = "/api/channels/{channel}/ratings/{record}/visibility";
const STATS: &str = "/api/channels/{channel}/stats";
const OFFLINE: &str = "/api/channels/{channel}/offline";
const OPERATOR: &str = "/api/operators/{operator}";
const OFFLINE_MESSAGE: &str = "/api/channels/{channel}/offline/{record}";
const PUBLIC_STATS: &str = "/stats/{channel}";
const CANNED: &str = "/api/channels/{channel}/canned";
const PREVIOUS: &str = "/api/conversations/{conversation}/previous";
const FILES: &str = "/api/conversations/{conversation}/files";
const FILE: &str = "/api/conversations/{conversation}/files/{record}";
const TAKE: &str = "/api/conversations/{conversation}/take";
const RELEASE: &str = "/api/conversations/{conversation}/release";
const TRANSFER: &str = "/api/conversations/{conversation}/transfer";
const DUTY: &str = "/api/channels/{channel}/duty";
const SUPERVISION: &str = "/api/channels/{channel}/supervision";
const KNOWLEDGE: &str = "/api/channels/{channel}/knowledge";
const ARTICLE: &str = "/api/channels/{channel}/knowledge/{article}";
const CHANNEL_MODEL: &str = "/api/channels/{channel}/model";
const SEARCH_KNOWLEDGE: &str = "/api/channels/{channel}/help";
const KNOWLEDGE_ARTICLE: &str = "/api/channels/{channel}/help/{article}";
const HELP_PAGE: &str = "/help/{channel}";
const HELP_ARTICLE: &str = "/help/{channel}/{article}";
/// `PUT` (admins): the canned responses of every channel.
pub const GLOBAL_CANNED: &str = "/api/canned";
/// `GET` (signed in): the operators who share a channel with the caller
/// ([`Teammate`](crate::api::Teammate)), by name.
pub const TEAM: &str = "/api/team";
/// `PUT` (admins) a [`ClockAdvance`](crate::api::ClockAdvance): moves the
/// clock of an edge built for tests forward; any other edge answers `404`.
pub const TEST_CLOCK: &str = "/api/test/clock";
/// `POST` (signed in): the direct conversation with another operator
/// ([`StartDirect`](crate::api::StartDirect)), created the first time.
pub const DIRECT: &str = "/api/direct";

/// Every route of the edge.
pub const TABLE: &[Route] = &[
    route(RouteName::Health, Method::Get, HEALTH, Access::Public),
    route(RouteName::SignIn, Method::Post, SESSION, Access::Public),
    route(RouteName::WhoAmI, Method::Get, SESSION, Access::SignedIn),
    route(
        RouteName::SignOut,
        Method::Delete,
        SESSION,
        Access::SignedIn,
    ),
    route(
        RouteName::SignOutEverywhere,
        Method::Delete,
        SESSIONS,
        Access::SignedIn,
    ),
    route(
        RouteName::CreateConversation,
        Method::Post,
        CONVERSATIONS,
        Access::Public,
    ),
    socket(
        RouteName::ConversationSocket,
        CONVERSATION_SOCKET,
        Access::Participant,
    ),
    route(
        RouteName::Transcript,
        Method::Get,
        TRANSCRIPT,
        Access::ConversationOperator,
    ),
    route(
        RouteName::Revoke,
        Method::Post,
        REVOKE,
        Access::ConversationOperator,
    ),
    route(
        RouteName::WidgetConfig,
        Method::Get,
        WIDGET_CONFIG,
        Access::Public,
    ),
    socket(
        RouteName::InboxSocket,
        INBOX_SOCKET,
        Access::ChannelOperator,
    ),
    route(RouteName::Security, Method::Get, SECURITY, Access::Admin),
    route(RouteName::SetSecurity, Method::Put, SECURITY, Access::Admin),
    route(RouteName::RotateSecret, Method::Post, SECRET, Access::Admin),
    route(
        RouteName::CreateChannel,
        Method::Post,
        CHANNELS,
        Access::Admin,
    ),
    route(RouteName::Settings, Method::Get, SETTINGS, Access::Admin),
    route(
        RouteName::SaveSettings,
        Method::Put,
        SETTINGS,
        Access::Admin,
    ),
    route(RouteName::Operators, Method::Get, OPERATORS, Access::Admin),
    route(
        RouteName::CreateOperator,
        Method::Post,
        OPERATORS,
        Access::Admin,
    ),
    route(
        RouteName::UpdateOperator,
        Method::Put,
        OPERATOR,
        Access::Admin,
    ),
    route(
        RouteName::DeleteOperator,
        Method::Delete,
        OPERATOR,
        Access::Admin,
    ),
    route(
        RouteName::ChangePassword,
        Method::Put,
        PASSWORD,
        Access::SignedIn,
    ),
    route(RouteName::Visitor, Method::Get, VISITOR, Access::Public),
    route(RouteName::ChatPage, Method::Get, CHAT_PAGE, Access::Public),
    route(RouteName::Chatbots, Method::Get, CHATBOTS, Access::Admin),
    route(RouteName::Chatbot, Method::Get, CHATBOT, Access::Admin),
    route(RouteName::SaveChatbot, Method::Put, CHATBOT, Access::Admin),
    route(
        RouteName::DeleteChatbot,
        Method::Delete,
        CHATBOT,
        Access::Admin,
    ),
    route(
        RouteName::Leads,
        Method::Get,
        LEADS,
        Access::ChannelOperator,
    ),
    route(RouteName::Lead, Method::Get, LEAD, Access::ChannelOperator),
    route(
        RouteName::Tickets,
        Method::Get,
        TICKETS,
        Access::ChannelOperator,
    ),
    route(
        RouteName::Ticket,
        Method::Get,
        TICKET,
        Access::ChannelOperator,
    ),
    route(
        RouteName::TranscriptText,
        Method::Get,
        TRANSCRIPT_TEXT,
        Access::Participant,
    ),
    route(
        RouteName::Ratings,
        Method::Get,
        RATINGS,
        Access::ChannelOperator,
    ),
    route(
        RouteName::RatingsCsv,
        Method::Get,
        RATINGS_CSV,
        Access::ChannelOperator,
    ),
    route(
        RouteName::RatingVisibility,
        Method::Put,
        RATING_VISIBILITY,
        Access::Admin,
    ),
    route(
        RouteName::LeaveOfflineMessage,
        Method::Post,
        OFFLINE,
        Access::Public,
    ),
    route(
        RouteName::OfflineMessages,
        Method::Get,
        OFFLINE,
        Access::ChannelOperator,
    ),
    route(
        RouteName::MarkOfflineMessage,
        Method::Put,
        OFFLINE_MESSAGE,
        Access::ChannelOperator,
    ),
    route(
        RouteName::Stats,
        Method::Get,
        STATS,
        Access::ChannelOperator,
    ),
    route(
        RouteName::PublicStats,
        Method::Get,
        PUBLIC_STATS,
        Access::Public,
    ),
    route(
        RouteName::CannedResponses,
        Method::Get,
        CANNED,
        Access::ChannelOperator,
    ),
    route(
        RouteName::SaveCannedResponses,
        Method::Put,
        CANNED,
        Access::Admin,
    ),
    route(
        RouteName::SaveGlobalCanned,
        Method::Put,
        GLOBAL_CANNED,
        Access::Admin,
    ),
    route(
        RouteName::PreviousConversations,
        Method::Get,
        PREVIOUS,
        Access::ConversationOperator,
    ),
    route(RouteName::Team, Method::Get, TEAM, Access::SignedIn),
    route(
        RouteName::StartDirect,
        Method::Post,
        DIRECT,
        Access::SignedIn,
    ),
    route(
        RouteName::DeleteChannel,
        Method::Delete,
        CHANNEL,
        Access::Admin,
    ),
    route(
        RouteName::SearchConversations,
        Method::Get,
        SEARCH,
        Access::ChannelOperator,
    ),
    route(
        RouteName::DeleteConversation,
        Method::Delete,
        CONVERSATION,
        Access::Admin,
    ),
    route(
        RouteName::UploadFile,
        Method::Post,
        FILES,
        Access::Participant,
    ),
    route(RouteName::File, Method::Get, FILE, Access::Participant),
    route(
        RouteName::TakeConversation,
        Method::Post,
        TAKE,
        Access::ConversationOperator,
    ),
    route(
        RouteName::ReleaseConversation,
        Method::Post,
        RELEASE,
        Access::ConversationOperator,
    ),
    route(
        RouteName::TransferConversation,
        Method::Post,
        TRANSFER,
        Access::ConversationOperator,
    ),
    route(
        RouteName::SetDuty,
        Method::Put,
        DUTY,
        Access::ChannelOperator,
    ),
    route(
        RouteName::Supervision,
        Method::Get,
        SUPERVISION,
        Access::ChannelOperator,
    ),
    route(RouteName::TestClock, Method::Put, TEST_CLOCK, Access::Admin),
    route(
        RouteName::Knowledge,
        Method::Get,
        KNOWLEDGE,
        Access::ChannelOperator,
    ),
    route(
        RouteName::ImportKnowledge,
        Method::Put,
        KNOWLEDGE,
        Access::Admin,
    ),
    route(
        RouteName::DeleteArticle,
        Method::Delete,
        ARTICLE,
        Access::Admin,
    ),
    route(
        RouteName::ChannelModel,
        Method::Get,
        CHANNEL_MODEL,
        Access::Admin,
    ),
    route(
        RouteName::SetChannelModel,
        Method::Put,
        CHANNEL_MODEL,
        Access::Admin,
    ),
    route(
        RouteName::SearchKnowledge,
        Method::Get,
        SEARCH_KNOWLEDGE,
        Access::Public,
    ),
    route(
        RouteName::KnowledgeArticle,
        Method::Get,
        KNOWLEDGE_ARTICLE,
        Access::Public,
    ),
    route(RouteName::HelpPage, Method::Get, HELP_PAGE, Access::Public),
    route(
        RouteName::HelpArticle,
        Method::Get,
        HELP_ARTICLE,
        Access::Public,
    ),
];

/// A request matched to its route, with the ids its path carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// The route.
    pub route: &'static Route,
    /// The conversation in the path, if the pattern has one.
    pub conversation: Option<ConversationId>,
    /// The channel in the path, if the pattern has one.
    pub channel: Option<ChannelId>,
    /// The chatbot in the path, if the pattern has one.
    pub bot: Option<ChannelId>,
    /// The lead's or ticket's number in the path, if the pattern has one.
    pub record: Option<u64>,
    /// The operator account in the path, if the pattern has one.
    pub operator: Option<OperatorId>,
    /// The knowledge base article in the path, if the pattern has one.
    pub article: Option<ArticleSlug>,
}

/// Why a request matches no route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmatched {
    /// No pattern has this path.
    NotFound,
    /// Patterns have it, but not with this method; these are allowed.
    MethodNotAllowed(Vec<Method>),
    /// The path has the shape of a route, but an id in it is malformed.
    BadPath(Problem),
}

impl Unmatched {
    /// The refusal a client gets.
    pub fn problem(&self, method: &str, path: &str) -> Problem {
        match self {
            Unmatched::NotFound => {
                Problem::new(ErrorCode::NotFound, format!("Nothing is served at {path}."))
            }
            Unmatched::MethodNotAllowed(allowed) => Problem::new(
                ErrorCode::MethodNotAllowed,
                format!(
                    "{method} is not allowed on {path}; use {}.",
                    allow_header(allowed)
                ),
            ),
            Unmatched::BadPath(problem) => problem.clone(),
        }
    }
}

/// The value of an `Allow` header listing these methods.
pub fn allow_header(methods: &[Method]) -> String {
    methods
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finds the route for a method (as the request spells it) and a path.
pub fn find(method: &str, path: &str) -> Result<Matched, Unmatched> {
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    let mut allowed = Vec::new();
    let mut bad_path = None;
    for route in TABLE {
        match bind(route.pattern, path) {
            Binding::NoMatch => {}
            Binding::Bad(problem) => bad_path = Some(problem),
            Binding::Ids(ids) => {
                if Method::parse(method) == Some(route.method) {
                    return Ok(Matched {
                        route,
                        conversation: ids.conversation,
                        channel: ids.channel,
                        bot: ids.bot,
                        record: ids.record,
                        operator: ids.operator,
                        article: ids.article,
                    });
                }
                if !allowed.contains(&route.method) {
                    allowed.push(route.method);
                }
            }
        }
    }
    if !allowed.is_empty() {
        return Err(Unmatched::MethodNotAllowed(allowed));
    }
    Err(bad_path.map_or(Unmatched::NotFound, Unmatched::BadPath))
}

/// The methods a path is served with (for CORS preflights and `Allow`).
pub fn methods_of(path: &str) -> Vec<Method> {
    match find("", path) {
        Err(Unmatched::MethodNotAllowed(allowed)) => allowed,
        _ => Vec::new(),
    }
}

/// `GET` upgrades to a conversation socket. Visitors pass their `token`;
/// operators bring their session cookie. `after` asks for the history
/// after that sequence number.
pub fn conversation_socket(
    id: &ConversationId,
    after: Seq,
    token: Option<&VisitorToken>,
) -> String {
    let mut url = format!(
        "{}?v={PROTOCOL_VERSION}&after={after}",
        fill(CONVERSATION_SOCKET, &[id.as_str()])
    );
    if let Some(token) = token {
        url.push_str("&token=");
        url.push_str(token.as_str());
    }
    url
}

/// `GET`: the whole transcript, for operators.
pub fn transcript(id: &ConversationId) -> String {
    fill(TRANSCRIPT, &[id.as_str()])
}

/// `POST` (operators of its channel): the visitor's token stops working
/// and the visitor is disconnected.
pub fn revoke(id: &ConversationId) -> String {
    fill(REVOKE, &[id.as_str()])
}

/// `GET`: the public widget configuration of a channel.
pub fn widget_config(channel: &ChannelId) -> String {
    fill(WIDGET_CONFIG, &[channel.as_str()])
}

/// `GET` upgrades to the live inbox of a channel, for its operators.
pub fn inbox_socket(channel: &ChannelId) -> String {
    format!(
        "{}?v={PROTOCOL_VERSION}",
        fill(INBOX_SOCKET, &[channel.as_str()])
    )
}

/// `GET` and `PUT` (admins): who may embed the channel, whether visitors
/// must be signed in; the answer includes the signing secret.
pub fn channel_security(channel: &ChannelId) -> String {
    fill(SECURITY, &[channel.as_str()])
}

/// `POST` (admins): replaces the channel's signing secret.
pub fn channel_secret(channel: &ChannelId) -> String {
    fill(SECRET, &[channel.as_str()])
}

/// `GET` and `PUT` (admins): a channel's name, look, texts, rules and
/// operators ([`ChannelSettings`](crate::channel::ChannelSettings)).
pub fn channel_settings(channel: &ChannelId) -> String {
    fill(SETTINGS, &[channel.as_str()])
}

/// `DELETE` (admins): removes a channel with its conversations (their
/// transcripts too), ratings, leads, tickets and canned responses.
pub fn channel(channel: &ChannelId) -> String {
    fill(CHANNEL, &[channel.as_str()])
}

/// The full-page chat of a channel, to send by e-mail.
pub fn chat_page(channel: &ChannelId) -> String {
    fill(CHAT_PAGE, &[channel.as_str()])
}

/// `GET`, `PUT` and `DELETE` (admins): a chatbot and its script.
pub fn chatbot(bot: &str) -> String {
    fill(CHATBOT, &[bot])
}

/// `GET` (its operators): a channel's leads, newest first, searched by
/// number, name or e-mail address with `q`.
pub fn leads(channel: &ChannelId, search: Option<&str>) -> String {
    with_search(fill(LEADS, &[channel.as_str()]), search)
}

/// `GET` (its operators): one lead of a channel.
pub fn lead(channel: &ChannelId, number: u64) -> String {
    fill(LEAD, &[channel.as_str(), &number.to_string()])
}

/// `DELETE` (admins): removes a conversation for good: its transcript,
/// notes, rating and place in the list.
pub fn conversation(id: &ConversationId) -> String {
    fill(CONVERSATION, &[id.as_str()])
}

/// `GET` (its operators): the channel's conversations whose visitor's name
/// or e-mail address, or any message, has the words `q`, newest first.
pub fn search(channel: &ChannelId, words: &str) -> String {
    with_search(fill(SEARCH, &[channel.as_str()]), Some(words))
}

/// `GET` (its operators): a channel's tickets, newest first, searched by
/// number, name or e-mail address with `q`.
pub fn tickets(channel: &ChannelId, search: Option<&str>) -> String {
    with_search(fill(TICKETS, &[channel.as_str()]), search)
}

/// `GET` (operators of its channel): the visitor's earlier conversations
/// on the channel, newest first.
pub fn previous_conversations(id: &ConversationId) -> String {
    fill(PREVIOUS, &[id.as_str()])
}

/// `GET` (its operators): the channel's canned responses and the global
/// ones; `PUT` (admins): replaces the channel's.
pub fn canned(channel: &ChannelId) -> String {
    fill(CANNED, &[channel.as_str()])
}

/// `GET` (its operators): one ticket of a channel.
pub fn ticket(channel: &ChannelId, number: u64) -> String {
    fill(TICKET, &[channel.as_str(), &number.to_string()])
}

/// `GET`: a conversation as plain text, downloaded as a file. The visitor
/// passes their `token`; operators bring their session cookie.
pub fn transcript_text(id: &ConversationId, token: Option<&VisitorToken>) -> String {
    with_token(fill(TRANSCRIPT_TEXT, &[id.as_str()]), token)
}

/// `POST` a file's bytes as the body: stores it with the conversation and
/// answers its [`Attachment`](crate::files::Attachment), which an
/// [`Attach`](crate::protocol::ClientFrame::Attach) frame then posts. The
/// visitor passes their `token`; operators bring their session cookie.
pub fn upload(id: &ConversationId, name: &str, token: Option<&VisitorToken>) -> String {
    let path = format!(
        "{}?name={}",
        fill(FILES, &[id.as_str()]),
        encode_query_value(name)
    );
    with_token(path, token)
}

/// `GET`: a file of a conversation, for the same people as
/// [`upload`]: pictures inline, everything else as a download.
pub fn file(id: &ConversationId, file: u64, token: Option<&VisitorToken>) -> String {
    with_token(fill(FILE, &[id.as_str(), &file.to_string()]), token)
}

fn with_token(path: String, token: Option<&VisitorToken>) -> String {
    match token {
        Some(token) if path.contains('?') => format!("{path}&token={}", token.as_str()),
        Some(token) => format!("{path}?token={}", token.as_str()),
        None => path,
    }
}

/// `GET` (its operators): a channel's ratings that pass `filter`, newest
/// first ([`RatingRecord`](crate::rating::RatingRecord)s).
pub fn ratings(channel: &ChannelId, filter: &RatingFilter) -> String {
    with_query(fill(RATINGS, &[channel.as_str()]), &filter.query())
}

/// `GET` (its operators): the same ratings as a CSV file.
pub fn ratings_csv(channel: &ChannelId, filter: &RatingFilter) -> String {
    with_query(fill(RATINGS_CSV, &[channel.as_str()]), &filter.query())
}

/// `PUT` (admins) a [`RatingVisibility`](crate::api::RatingVisibility):
/// whether a rating shows on the channel's public page.
pub fn rating_visibility(channel: &ChannelId, rating: u64) -> String {
    fill(RATING_VISIBILITY, &[channel.as_str(), &rating.to_string()])
}

/// `POST` (anyone) an [`OfflineMessage`](crate::api::OfflineMessage) to a
/// channel that takes them; `GET` (its operators) the channel's, newest
/// first ([`OfflineRecord`](crate::api::OfflineRecord)s).
pub fn offline_messages(channel: &ChannelId) -> String {
    fill(OFFLINE, &[channel.as_str()])
}

/// `POST` (the channel's operators): the caller takes a conversation that
/// waits (or that nobody holds).
pub fn take(id: &ConversationId) -> String {
    fill(TAKE, &[id.as_str()])
}

/// `POST` (the operator who holds it, or an admin): the conversation goes
/// back to the queue.
pub fn release(id: &ConversationId) -> String {
    fill(RELEASE, &[id.as_str()])
}

/// `POST` a [`Transfer`](crate::api::Transfer) (the operator who holds it,
/// or an admin): another operator online on the channel takes it.
pub fn transfer(id: &ConversationId) -> String {
    fill(TRANSFER, &[id.as_str()])
}

/// `PUT` a [`Duty`](crate::api::Duty): the caller joins or leaves the
/// channel's rotation.
pub fn duty(channel: &ChannelId) -> String {
    fill(DUTY, &[channel.as_str()])
}

/// `GET` (its operators): every article of the channel's knowledge base
/// ([`KbArticle`](crate::knowledge::KbArticle)s); `PUT` (admins) a
/// [`KbImport`](crate::knowledge::KbImport) saves articles.
pub fn knowledge(channel: &ChannelId) -> String {
    fill(KNOWLEDGE, &[channel.as_str()])
}

/// `GET` (admins): the channel's own language model as a
/// [`ModelView`](crate::knowledge::ModelView); `PUT` a
/// [`ModelSettings`](crate::knowledge::ModelSettings) sets or removes it.
pub fn channel_model(channel: &ChannelId) -> String {
    fill(CHANNEL_MODEL, &[channel.as_str()])
}

/// `DELETE` (admins): an article in `language`, or in every language.
pub fn article(channel: &ChannelId, slug: &ArticleSlug, language: Option<Language>) -> String {
    let path = fill(ARTICLE, &[channel.as_str(), slug.as_str()]);
    match language {
        Some(language) => with_query(path, &format!("lang={}", language.code())),
        None => path,
    }
}

/// `GET` (anyone): the published articles that match `words`, in
/// `language` ([`KbHit`](crate::knowledge::KbHit)s, best first).
pub fn search_knowledge(channel: &ChannelId, words: &str, language: Language) -> String {
    with_query(
        fill(SEARCH_KNOWLEDGE, &[channel.as_str()]),
        &format!("q={}&lang={}", encode_query_value(words), language.code()),
    )
}

/// `GET` (anyone): a published article as a
/// [`KbPage`](crate::knowledge::KbPage), in `language` if it has that one.
pub fn knowledge_article(channel: &ChannelId, slug: &ArticleSlug, language: Language) -> String {
    with_query(
        fill(KNOWLEDGE_ARTICLE, &[channel.as_str(), slug.as_str()]),
        &format!("lang={}", language.code()),
    )
}

/// `GET` (anyone): the channel's help page, its published articles in
/// `language`.
pub fn help_page(channel: &ChannelId, language: Language) -> String {
    with_query(
        fill(HELP_PAGE, &[channel.as_str()]),
        &format!("lang={}", language.code()),
    )
}

/// `GET` (anyone): one article on the help page.
pub fn help_article(channel: &ChannelId, slug: &ArticleSlug, language: Language) -> String {
    with_query(
        fill(HELP_ARTICLE, &[channel.as_str(), slug.as_str()]),
        &format!("lang={}", language.code()),
    )
}

/// `GET` the channel's [`Supervision`](crate::api::Supervision).
pub fn supervision(channel: &ChannelId) -> String {
    fill(SUPERVISION, &[channel.as_str()])
}

/// `PUT` (admins) an [`OperatorForm`](crate::api::OperatorForm) changes an
/// account; `DELETE` (admins) removes it.
pub fn operator(id: &OperatorId) -> String {
    fill(OPERATOR, &[id.as_str()])
}

/// `PUT` (its operators) an [`OfflineRead`](crate::api::OfflineRead).
pub fn offline_message(channel: &ChannelId, id: u64) -> String {
    fill(OFFLINE_MESSAGE, &[channel.as_str(), &id.to_string()])
}

/// `GET` (its operators): the channel's figures for the `days` days that
/// end with the one starting at `today` (the reader's midnight).
pub fn stats(channel: &ChannelId, today: Millis, days: usize) -> String {
    format!(
        "{}?today={today}&days={days}",
        fill(STATS, &[channel.as_str()])
    )
}

/// `GET`: a channel's published ratings page (absent until an admin
/// publishes it).
pub fn public_stats(channel: &ChannelId) -> String {
    fill(PUBLIC_STATS, &[channel.as_str()])
}

fn with_query(path: String, query: &str) -> String {
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

fn with_search(path: String, search: Option<&str>) -> String {
    match search.map(str::trim).filter(|s| !s.is_empty()) {
        Some(search) => format!("{path}?q={}", encode_query_value(search)),
        None => path,
    }
}

/// `GET /api/visitor`, asking the edge to pretend the visitor is in
/// `country` where it allows that (local development and tests).
pub fn visitor(country: Option<&str>) -> String {
    match country {
        Some(country) => format!("{VISITOR}?country={}", encode_query_value(country)),
        None => VISITOR.to_owned(),
    }
}

/// A path of this table with every `{…}` replaced, in order, by `ids`.
/// Tests use it to reach each route with sample ids.
pub fn fill(pattern: &str, ids: &[&str]) -> String {
    let mut ids = ids.iter();
    pattern
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                ids.next().copied().unwrap_or_default()
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

const fn route(name: RouteName, method: Method, pattern: &'static str, access: Access) -> Route {
    Route {
        name,
        method,
        pattern,
        access,
        upgrade: false,
    }
}

const fn socket(name: RouteName, pattern: &'static str, access: Access) -> Route {
    Route {
        name,
        method: Method::Get,
        pattern,
        access,
        upgrade: true,
    }
}

/// How a path fits a pattern.
enum Binding {
    NoMatch,
    /// It fits, but an id is malformed.
    Bad(Problem),
    Ids(Ids),
}

/// The ids a path carries.
#[derive(Default)]
struct Ids {
    conversation: Option<ConversationId>,
    channel: Option<ChannelId>,
    bot: Option<ChannelId>,
    record: Option<u64>,
    operator: Option<OperatorId>,
    article: Option<ArticleSlug>,
}

fn bind(pattern: &str, path: &str) -> Binding {
    let wanted: Vec<&str> = pattern.split('/').collect();
    let given: Vec<&str> = path.split('/').collect();
    if wanted.len() != given.len() {
        return Binding::NoMatch;
    }
    let mut ids = Ids::default();
    let mut bad = None;
    for (want, got) in wanted.iter().zip(&given) {
        let parsed = match *want {
            "{conversation}" => ConversationId::parse(*got)
                .map(|id| ids.conversation = Some(id))
                .map_err(|e| e.to_string()),
            "{channel}" => ChannelId::parse(*got)
                .map(|id| ids.channel = Some(id))
                .map_err(|e| e.to_string()),
            "{bot}" => ChannelId::parse(*got)
                .map(|id| ids.bot = Some(id))
                .map_err(|_| "a chatbot id must be 1 to 40 characters of a-z, 0-9 and '-'".into()),
            "{article}" => ArticleSlug::parse(*got)
                .map(|id| ids.article = Some(id))
                .map_err(|e| e.to_string()),
            "{operator}" => OperatorId::parse(*got)
                .map(|id| ids.operator = Some(id))
                .map_err(|e| e.to_string()),
            "{record}" => got
                .parse::<u64>()
                .ok()
                .filter(|n| *n <= Seq::MAX.0)
                .map(|n| ids.record = Some(n))
                .ok_or_else(|| "a number must be a whole number".into()),
            literal if literal == *got => Ok(()),
            _ => return Binding::NoMatch,
        };
        if let Err(e) = parsed {
            bad = Some(Problem::new(
                ErrorCode::Invalid,
                format!("The path is wrong: {e}."),
            ));
        }
    }
    match bad {
        Some(problem) => Binding::Bad(problem),
        None => Binding::Ids(ids),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation() -> ConversationId {
        ConversationId::from_random([1; 16])
    }

    #[test]
    fn every_built_path_finds_its_route() {
        let id = conversation();
        let ana = OperatorId::parse("ana").unwrap();
        let channel = ChannelId::parse("demo").unwrap();
        let slug = ArticleSlug::parse("returns").unwrap();
        for (method, path, name) in [
            ("GET", transcript(&id), RouteName::Transcript),
            ("POST", revoke(&id), RouteName::Revoke),
            ("GET", widget_config(&channel), RouteName::WidgetConfig),
            ("PUT", channel_security(&channel), RouteName::SetSecurity),
            ("POST", channel_secret(&channel), RouteName::RotateSecret),
            ("GET", channel_settings(&channel), RouteName::Settings),
            ("GET", chat_page(&channel), RouteName::ChatPage),
            (
                "POST",
                offline_messages(&channel),
                RouteName::LeaveOfflineMessage,
            ),
            (
                "GET",
                offline_messages(&channel),
                RouteName::OfflineMessages,
            ),
            (
                "PUT",
                offline_message(&channel, 3),
                RouteName::MarkOfflineMessage,
            ),
            ("POST", OPERATORS.to_owned(), RouteName::CreateOperator),
            ("PUT", operator(&ana), RouteName::UpdateOperator),
            ("DELETE", operator(&ana), RouteName::DeleteOperator),
            ("PUT", PASSWORD.to_owned(), RouteName::ChangePassword),
            ("DELETE", SESSIONS.to_owned(), RouteName::SignOutEverywhere),
            ("GET", transcript_text(&id, None), RouteName::TranscriptText),
            (
                "GET",
                ratings(&channel, &RatingFilter::default()),
                RouteName::Ratings,
            ),
            (
                "GET",
                ratings_csv(&channel, &RatingFilter::default()),
                RouteName::RatingsCsv,
            ),
            (
                "PUT",
                rating_visibility(&channel, 7),
                RouteName::RatingVisibility,
            ),
            ("GET", public_stats(&channel), RouteName::PublicStats),
            ("POST", take(&id), RouteName::TakeConversation),
            ("POST", release(&id), RouteName::ReleaseConversation),
            ("POST", transfer(&id), RouteName::TransferConversation),
            ("PUT", duty(&channel), RouteName::SetDuty),
            ("GET", supervision(&channel), RouteName::Supervision),
            ("GET", knowledge(&channel), RouteName::Knowledge),
            ("PUT", knowledge(&channel), RouteName::ImportKnowledge),
            ("GET", channel_model(&channel), RouteName::ChannelModel),
            ("PUT", channel_model(&channel), RouteName::SetChannelModel),
            (
                "DELETE",
                article(&channel, &slug, Some(Language::Es)),
                RouteName::DeleteArticle,
            ),
            (
                "GET",
                search_knowledge(&channel, "envío gratis", Language::Es),
                RouteName::SearchKnowledge,
            ),
            (
                "GET",
                knowledge_article(&channel, &slug, Language::Pt),
                RouteName::KnowledgeArticle,
            ),
            (
                "GET",
                help_page(&channel, Language::En),
                RouteName::HelpPage,
            ),
            (
                "GET",
                help_article(&channel, &slug, Language::En),
                RouteName::HelpArticle,
            ),
        ] {
            let path = path.split('?').next().unwrap().to_owned();
            let matched = find(method, &path).unwrap();
            assert_eq!(matched.route.name, name, "{method} {path}");
        }
        let socket = conversation_socket(&id, Seq(4), None);
        let (path, query) = socket.split_once('?').unwrap();
        assert_eq!(query, format!("v={PROTOCOL_VERSION}&after=4"));
        let matched = find("GET", path).unwrap();
        assert_eq!(matched.route.name, RouteName::ConversationSocket);
        assert_eq!(matched.conversation, Some(id));
    }

    #[test]
    fn a_token_goes_in_the_socket_query() {
        let token = VisitorToken::from_random([2; 32]);
        let url = conversation_socket(&conversation(), Seq(0), Some(&token));
        assert!(url.ends_with(&format!("&token={}", token.as_str())));
    }

    #[test]
    fn unknown_paths_methods_and_ids_are_told_apart() {
        assert_eq!(find("GET", "/api/nothing"), Err(Unmatched::NotFound));
        assert_eq!(
            find(
                "PROPFIND",
                &channel_security(&ChannelId::parse("demo").unwrap())
            ),
            Err(Unmatched::MethodNotAllowed(vec![Method::Get, Method::Put]))
        );
        assert_eq!(
            find("get", SESSION),
            Err(Unmatched::MethodNotAllowed(vec![
                Method::Post,
                Method::Get,
                Method::Delete
            ])),
            "methods are case-sensitive"
        );
        let Err(Unmatched::BadPath(problem)) = find("GET", "/api/conversations/nope/transcript")
        else {
            panic!("a malformed id is its own refusal");
        };
        assert_eq!(problem.code, ErrorCode::Invalid);
        assert_eq!(methods_of(CONVERSATIONS), [Method::Post]);
    }

    #[test]
    fn a_trailing_slash_is_the_same_path() {
        assert_eq!(
            find("GET", "/api/health/").unwrap().route.name,
            RouteName::Health
        );
    }

    #[test]
    fn each_method_and_pattern_is_one_route() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert!(
                    a.name != b.name && (a.method, a.pattern) != (b.method, b.pattern),
                    "{a:?} and {b:?}"
                );
            }
        }
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(visitor(Some("BR")), "/api/visitor?country=BR");
        assert_eq!(encode_query_value("a b&c=é"), "a%20b%26c%3D%C3%A9");
    }
}
