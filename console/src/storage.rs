//! What the console remembers across page loads: which messages each
//! operator has seen, so read conversations stay read after a reload, and
//! each conversation's unacknowledged replies.

use charla_client::storage::{load, save};
use charla_shared::chat::Outgoing;
use charla_shared::ids::{ConversationId, OperatorId, Seq};

/// The seen marks remembered for an operator.
pub fn load_seen(operator: &OperatorId) -> Vec<(ConversationId, Seq)> {
    load(&format!("charla.console.seen.{operator}")).unwrap_or_default()
}

/// Remembers an operator's seen marks.
pub fn save_seen(operator: &OperatorId, marks: &[(ConversationId, Seq)]) {
    save(&format!("charla.console.seen.{operator}"), marks);
}

/// The unacknowledged replies in a conversation.
pub fn load_outbox(conversation: &ConversationId) -> Vec<Outgoing> {
    load(&format!("charla.console.outbox.{conversation}")).unwrap_or_default()
}

/// Remembers the unacknowledged replies in a conversation.
pub fn save_outbox(conversation: &ConversationId, outbox: &[Outgoing]) {
    save(&format!("charla.console.outbox.{conversation}"), outbox);
}
