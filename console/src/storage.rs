//! What the console remembers across page loads in this browser: each
//! conversation's unacknowledged replies and whether the chime is on. (How
//! far the operator has read is kept by the edge.)

use charla_client::storage::{load, save};
use charla_shared::chat::Outgoing;
use charla_shared::ids::ConversationId;

/// Whether the chime for new visitor messages is on (it is until the
/// operator turns it off).
pub fn load_sound() -> bool {
    load("charla.console.sound").unwrap_or(true)
}

/// Remembers the operator's choice of chime.
pub fn save_sound(on: bool) {
    save("charla.console.sound", &on);
}

/// The unacknowledged replies in a conversation.
pub fn load_outbox(conversation: &ConversationId) -> Vec<Outgoing> {
    load(&format!("charla.console.outbox.{conversation}")).unwrap_or_default()
}

/// Remembers the unacknowledged replies in a conversation.
pub fn save_outbox(conversation: &ConversationId, outbox: &[Outgoing]) {
    save(&format!("charla.console.outbox.{conversation}"), outbox);
}
