//! What the widget remembers across page loads, in the host page's
//! `localStorage`: the conversation, the token that opens it, and the
//! messages not yet acknowledged. Browsers that refuse storage (private
//! modes, blocked cookies) still chat; the conversation just does not
//! survive a reload there.

use charla_client::storage::{load, remove, save};
use charla_shared::chat::Outgoing;
use charla_shared::ids::{ChannelId, ClientMsgId, ConversationId, VisitorKey, VisitorToken};
use charla_shared::limits::{MAX_PAGE_VIEWS, MAX_URL_CHARS};
use charla_shared::protocol::PageView;
use serde::{Deserialize, Serialize};

/// The visitor's conversation on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredConversation {
    /// The conversation.
    pub conversation: ConversationId,
    /// The token that opens it.
    pub token: VisitorToken,
    /// The signed-in user it was started for, if any.
    #[serde(default)]
    pub user: Option<String>,
}

/// The remembered conversation of a channel, if any.
pub fn load_conversation(channel: &ChannelId) -> Option<StoredConversation> {
    load(&format!("charla.conversation.{channel}"))
}

/// Remembers the conversation of a channel.
pub fn save_conversation(channel: &ChannelId, stored: &StoredConversation) {
    save(&format!("charla.conversation.{channel}"), stored);
}

/// Forgets a channel's conversation and its unsent messages.
pub fn forget(channel: &ChannelId) {
    remove(&format!("charla.conversation.{channel}"));
    remove(&format!("charla.outbox.{channel}"));
}

/// Adds the page being viewed to the last [`MAX_PAGE_VIEWS`] the widget
/// remembers (for all channels of the site), and returns them, newest last.
/// Only web pages with addresses the edge takes are kept.
pub fn record_page_view(url: String, title: String, at: i64) -> Vec<PageView> {
    let mut pages: Vec<PageView> = load("charla.pages").unwrap_or_default();
    let web = url.starts_with("https://") || url.starts_with("http://");
    if web && url.chars().count() <= MAX_URL_CHARS {
        pages.push(PageView { url, title, at });
    }
    let extra = pages.len().saturating_sub(MAX_PAGE_VIEWS);
    pages.drain(..extra);
    save("charla.pages", &pages);
    pages
}

/// This browser's visitor key, made once from `random` and kept: it links
/// the visitor's conversations on a channel for its operators.
pub fn visitor_key(random: impl Fn() -> ClientMsgId) -> VisitorKey {
    if let Some(key) = load::<VisitorKey>("charla.visitor") {
        return key;
    }
    let key = VisitorKey::parse(random().as_str().to_owned())
        .expect("a random message id is 32 lowercase hex digits");
    save("charla.visitor", &key);
    key
}

/// Counts a visit when the last page view was more than
/// [`NEW_VISIT_AFTER_MS`] ago; returns the visits counted so far.
pub fn count_visit(now: i64) -> u32 {
    let (mut visits, last): (u32, i64) = load("charla.visits").unwrap_or((0, i64::MIN));
    if now.saturating_sub(last) > NEW_VISIT_AFTER_MS {
        visits = visits.saturating_add(1);
    }
    save("charla.visits", &(visits, now));
    visits
}

/// A page view this long after the previous one starts a new visit (the
/// usual half hour of analytics tools).
const NEW_VISIT_AFTER_MS: i64 = 30 * 60 * 1000;

/// Whether the visitor turned the new-message chime on (it is off until
/// they do).
pub fn load_sound() -> bool {
    load("charla.sound").unwrap_or(false)
}

/// Remembers the visitor's choice of chime.
pub fn save_sound(on: bool) {
    save("charla.sound", &on);
}

/// The unacknowledged messages of a channel's conversation.
pub fn load_outbox(channel: &ChannelId) -> Vec<Outgoing> {
    load(&format!("charla.outbox.{channel}")).unwrap_or_default()
}

/// Remembers the unacknowledged messages of a channel's conversation.
pub fn save_outbox(channel: &ChannelId, outbox: &[Outgoing]) {
    save(&format!("charla.outbox.{channel}"), &outbox);
}
