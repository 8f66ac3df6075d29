//! The widget's own words. Every string the widget shows that is not a
//! channel text lives here, so that translations replace one table.

/// The widget's fixed texts in one language.
#[derive(Debug)]
pub struct Texts {
    /// The chat button's accessible name when the window is closed.
    pub open_chat: &'static str,
    /// The close button's accessible name.
    pub close_chat: &'static str,
    /// The send button's accessible name.
    pub send: &'static str,
    /// Label of the text input.
    pub message_label: &'static str,
    /// Accessible name of the message list.
    pub log_label: &'static str,
    /// How the visitor's own messages are signed.
    pub you: &'static str,
    /// Shown on messages not yet acknowledged.
    pub sending: &'static str,
    /// Shown while the first connection opens.
    pub connecting: &'static str,
    /// Shown while the connection is re-established.
    pub reconnecting: &'static str,
    /// Shown while the browser has no network.
    pub offline: &'static str,
    /// Announces unread replies on the chat button.
    pub unread: &'static str,
}

/// English.
pub const EN: Texts = Texts {
    open_chat: "Open chat",
    close_chat: "Close chat",
    send: "Send",
    message_label: "Your message",
    log_label: "Conversation",
    you: "You",
    sending: "Sending…",
    connecting: "Connecting…",
    reconnecting: "Connection lost. Reconnecting… Your messages will be sent.",
    offline: "You are offline. Your messages will be sent when you are back online.",
    unread: "unread replies",
};
