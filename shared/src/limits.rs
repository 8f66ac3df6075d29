//! Every limit Charla enforces. The edge enforces all of them; clients use
//! them only to tell the user early.
//!
//! Architecture Invariant: no other file defines a size, length, rate or
//! lifetime limit; they all import it from here.

use crate::rate::Rate;

/// Longest message text, in Unicode scalar values (what a user calls
/// characters), after trimming surrounding whitespace.
pub const MAX_MESSAGE_CHARS: usize = 4_000;

/// Largest WebSocket frame the edge reads, in bytes. JSON escaping can make a
/// message of [`MAX_MESSAGE_CHARS`] up to six times longer (`\u0001`), so the
/// frame limit leaves room for that and for the envelope.
pub const MAX_FRAME_BYTES: usize = 32 * 1024;

/// Largest JSON body the edge reads from an HTTP request, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The largest request body a knowledge base import may have: a channel's
/// whole folder of articles at once.
pub const MAX_KNOWLEDGE_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The most articles (counting each language apart) a channel's knowledge
/// base may hold.
pub const MAX_ARTICLES: usize = 600;

/// The longest article body, in characters.
pub const MAX_ARTICLE_CHARS: usize = 20_000;

/// The longest article title, in characters.
pub const MAX_ARTICLE_TITLE_CHARS: usize = 160;

/// The most tags an article may have, and the longest tag.
pub const MAX_ARTICLE_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;

/// The longest name the assistant signs its messages with.
pub const MAX_ASSISTANT_NAME_CHARS: usize = 40;

/// Longest display name (visitor, operator, channel), in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Longest e-mail address (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Longest `user_id` a customer's site may pass for a signed-in visitor.
pub const MAX_USER_ID_CHARS: usize = 128;

/// Most origins a channel's allowlist may hold.
pub const MAX_ALLOWED_ORIGINS: usize = 50;

/// Shortest password an operator or an admin may choose, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Longest password accepted at sign-in, in bytes; longer input is refused
/// before any hashing work is done.
pub const MAX_PASSWORD_BYTES: usize = 512;

/// Longest channel text option (welcome message, placeholder, button text).
pub const MAX_CHANNEL_TEXT_CHARS: usize = 500;

/// Most opening spans one day of a channel's office hours may have.
pub const MAX_SPANS_PER_DAY: usize = 4;

/// Most dated exceptions (holidays) a channel's office hours may list.
pub const MAX_HOURS_EXCEPTIONS: usize = 60;

/// Most rules a channel may have.
pub const MAX_RULES: usize = 50;

/// Longest URL regular expression of a rule.
pub const MAX_RULE_PATTERN_CHARS: usize = 500;

/// Most countries one rule may list.
pub const MAX_RULE_COUNTRIES: usize = 250;

/// Longest "open automatically" timer, in seconds.
pub const MAX_RULE_TIMER_SECS: u32 = 3_600;

/// Longest client-generated message id.
pub const MAX_CLIENT_ID_CHARS: usize = 64;

/// Most messages the edge puts into one history frame; longer transcripts
/// arrive as several frames.
pub const HISTORY_PAGE: usize = 200;

/// Most conversations an inbox snapshot lists (and a search finds).
pub const INBOX_SNAPSHOT: usize = 200;

/// The longest search of conversations, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// The most words a search of conversations takes; more are ignored.
pub const MAX_SEARCH_WORDS: usize = 8;

/// Largest file a visitor or an operator may attach, in bytes (10 MiB:
/// photos from a phone and ordinary documents, not videos). The edge
/// refuses a larger upload from its declared length, before reading it.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Most files one conversation may hold; past it the edge refuses uploads.
pub const MAX_FILES_PER_CONVERSATION: usize = 20;

/// What one file request (an upload, a download, a picture shown) takes
/// from its address's request budget, where opening a conversation takes
/// one: a conversation with many pictures reloads without running out.
pub const FILE_REQUEST_COST: f64 = 0.1;

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 120;

/// Most message texts one report carries to the inbox's search index; a
/// longer backlog goes with the next reports.
pub const INDEX_BATCH: usize = 200;

/// Characters of the last message the inbox shows as a preview.
pub const PREVIEW_CHARS: usize = 120;

/// How long an operator session lasts after sign-in, in seconds.
pub const SESSION_TTL_SECS: i64 = 12 * 60 * 60;

/// PBKDF2-HMAC-SHA256 iterations for operator passwords. 100 000 is the most
/// the Workers runtime's WebCrypto accepts.
pub const PASSWORD_ITERATIONS: u32 = 100_000;

/// Messages one visitor may send: a burst, then a steady rate
/// (`[vars]` `VISITOR_BURST`, `VISITOR_PER_MINUTE` override it).
pub const VISITOR_RATE: Rate = Rate {
    burst: 20.0,
    per_minute: 60.0,
};

/// Costly requests one network address may make: starting conversations
/// and visitor connections (`ADDRESS_BURST`, `ADDRESS_PER_MINUTE`).
pub const ADDRESS_RATE: Rate = Rate {
    burst: 30.0,
    per_minute: 60.0,
};

/// Sign-in attempts from one network address, counted apart from every
/// other request so that a flood of those cannot lock an admin out
/// (`SIGN_IN_BURST`, `SIGN_IN_PER_MINUTE`).
pub const SIGN_IN_ADDRESS_RATE: Rate = Rate {
    burst: 10.0,
    per_minute: 10.0,
};

/// Sign-in attempts for one account, from anywhere: guessing one password
/// from many addresses is slowed too (`ACCOUNT_SIGN_IN_BURST`,
/// `ACCOUNT_SIGN_IN_PER_MINUTE`).
pub const SIGN_IN_ACCOUNT_RATE: Rate = Rate {
    burst: 10.0,
    per_minute: 5.0,
};

/// How often, at most, a conversation checks again that the operators
/// watching it are still signed in while messages flow, in milliseconds.
/// (Signing out reaches their sockets at once; this catches sessions that
/// simply expire.)
pub const SESSION_RECHECK_MS: i64 = 60_000;

/// The least time between two reports of one conversation to its
/// channel's inbox, in milliseconds. Every conversation of a channel reports
/// to the one inbox object, so a report per message would make it the
/// channel's bottleneck; the list may lag a busy conversation by this much,
/// the conversation itself never does.
pub const INBOX_REPORT_INTERVAL_MS: i64 = 1_000;

/// Most conversations an operator has open side by side in the console;
/// opening another closes the oldest.
pub const MAX_PANES: usize = 4;

/// Most steps a chatbot's script may have.
pub const MAX_BOT_STEPS: usize = 100;

/// Most answers one question of a script may offer.
pub const MAX_BOT_ANSWERS: usize = 12;

/// Longest text of a script step or answer, in characters.
pub const MAX_BOT_TEXT_CHARS: usize = 1_000;

/// Longest link an answer may open.
pub const MAX_URL_CHARS: usize = 2_000;

/// Longest team name a ticket step may name.
pub const MAX_TEAM_CHARS: usize = 80;

/// Most leads or tickets one list shows.
pub const RECORD_LIST: usize = 200;

/// Longest reason a visitor may give with a rating, in characters.
pub const MAX_REASON_CHARS: usize = 1_000;

/// How many of the last ratings a channel's public page shows as faces.
pub const PUBLIC_LAST_RATINGS: usize = 20;

/// Most ratings one report lists (the newest; its figures count only these).
pub const RATING_REPORT_ROWS: usize = 5_000;

/// Most days of history the dashboard asks for.
pub const MAX_STATS_DAYS: usize = 90;

/// Most conversations the dashboard's figures are computed from (the newest
/// of the period).
pub const STATS_CONVERSATIONS: usize = 20_000;

/// Most copies of its transcript one conversation may send by e-mail.
pub const MAX_TRANSCRIPT_COPIES: u32 = 5;

/// While someone types, their client says so at most this often, in
/// milliseconds; the edge drops typing frames that come faster.
pub const TYPING_EVERY_MS: i64 = 3_000;

/// How often, at most, a console tells its inboxes that the operator is
/// active (so they stay in the rotation).
pub const ACTIVE_EVERY_MS: u64 = 60_000;

/// A visitor's browser reports its visit once per connection; the edge
/// keeps at most one report per this many milliseconds per conversation
/// and drops the rest, so a flood of reports costs no writes.
pub const VISIT_EVERY_MS: i64 = 1_000;

/// How long "… is typing" shows after the last typing frame, in
/// milliseconds: the indicator stops by itself if the typist goes away.
pub const TYPING_SHOWN_MS: u32 = 7_000;

/// How many of the visitor's latest messages a conversation's summary
/// lists, so the console can count unread ones (a count beyond shows as
/// "50+").
pub const UNREAD_TAIL: usize = 50;

/// Most canned responses in one list (a channel's, or the global one).
pub const MAX_CANNED_RESPONSES: usize = 200;

/// The longest canned-response shortcut, in characters.
pub const MAX_SHORTCUT_CHARS: usize = 32;

/// How many of the visitor's latest page views a conversation keeps (what
/// `/history` lists).
pub const MAX_PAGE_VIEWS: usize = 15;

/// The longest page title kept, in characters (longer ones are cut).
pub const MAX_PAGE_TITLE_CHARS: usize = 200;

/// How long a chatbot "types" before each of its messages shows in the
/// widget, in milliseconds.
pub const BOT_TYPING_MS: u32 = 700;

/// The longest language model name a channel may set, in characters.
pub const MAX_MODEL_NAME_CHARS: usize = 100;

/// The longest language model API key a channel may set, in characters.
pub const MAX_MODEL_KEY_CHARS: usize = 500;

/// How long the assistant waits for a language model's first words, in
/// milliseconds, before it gives the answer from the articles instead: a
/// visitor never waits on a dead call.
pub const MODEL_FIRST_WORDS_MS: u64 = 4_000;

/// How long a language model may take to write a whole answer, in
/// milliseconds; one still writing then is cut off and the answer from the
/// articles is given instead.
pub const MODEL_ANSWER_MS: u64 = 20_000;
