//! Log lines of the edge that tools and tests read, so they are defined once.

/// Logged by a conversation's Durable Object each time it starts: on first
/// use and on every wake-up from hibernation.
pub const CONVERSATION_STARTED: &str = "conversation object started";
