//! What the widget remembers across page loads, in the host page's
//! `localStorage`: the conversation and the token that opens it. Browsers
//! that refuse storage (private modes, blocked cookies) still chat; the
//! conversation just does not survive a reload there.

use charla_shared::ids::{ChannelId, ConversationId, VisitorToken};
use serde::{Deserialize, Serialize};

/// The visitor's conversation on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredConversation {
    /// The conversation.
    pub conversation: ConversationId,
    /// The token that opens it.
    pub token: VisitorToken,
}

/// The remembered conversation of a channel, if any.
pub fn load(channel: &ChannelId) -> Option<StoredConversation> {
    let raw = local_storage()?.get_item(&key(channel)).ok()??;
    serde_json::from_str(&raw).ok()
}

/// Remembers the conversation of a channel.
pub fn save(channel: &ChannelId, stored: &StoredConversation) {
    if let (Some(storage), Ok(raw)) = (local_storage(), serde_json::to_string(stored)) {
        let _ = storage.set_item(&key(channel), &raw);
    }
}

/// The page's `localStorage`, if the browser allows it.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn key(channel: &ChannelId) -> String {
    format!("charla.conversation.{channel}")
}
