//! What the console remembers across page loads: which messages each
//! operator has seen, so read conversations stay read after a reload.

use charla_shared::ids::{ConversationId, OperatorId, Seq};
use charla_widget::storage::local_storage;

/// The seen marks remembered for an operator.
pub fn load_seen(operator: &OperatorId) -> Vec<(ConversationId, Seq)> {
    local_storage()
        .and_then(|s| s.get_item(&key(operator)).ok().flatten())
        .and_then(|raw| serde_json::from_str(&raw).ok())
        .unwrap_or_default()
}

/// Remembers an operator's seen marks.
pub fn save_seen(operator: &OperatorId, marks: &[(ConversationId, Seq)]) {
    if let (Some(storage), Ok(raw)) = (local_storage(), serde_json::to_string(marks)) {
        let _ = storage.set_item(&key(operator), &raw);
    }
}

fn key(operator: &OperatorId) -> String {
    format!("charla.console.seen.{operator}")
}
