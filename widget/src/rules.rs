//! Channel rules in the browser: the pure selection from `charla-shared`
//! with the browser's own `RegExp` as the pattern engine.

use charla_client::pattern::matches;
use charla_shared::api::WidgetConfig;
use charla_shared::channel::{select_rule, ButtonMode};

/// What the page's rule asks of the widget.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Behaviour {
    /// How the button shows.
    pub button: ButtonMode,
    /// For "open automatically": after how long, in milliseconds.
    pub open_after_ms: Option<u32>,
    /// The chatbot to start conversations with, if any.
    pub chatbot: Option<String>,
}

/// Decides the behaviour for a page URL and the visitor's country. A rule
/// whose pattern the browser cannot compile is skipped and logged.
pub fn behaviour(config: &WidgetConfig, url: &str, country: Option<&str>) -> Behaviour {
    let selection = select_rule(&config.rules, url, country, matches);
    for (position, why) in &selection.skipped {
        leptos::logging::warn!(
            "Charla: rule {} of channel {} is skipped: {why}",
            position + 1,
            config.channel
        );
    }
    match selection.rule {
        None => Behaviour::default(),
        Some((_, rule)) => Behaviour {
            button: rule.button,
            open_after_ms: (rule.button == ButtonMode::OpenAutomatically)
                .then(|| rule.auto_open_seconds.saturating_mul(1_000)),
            chatbot: rule.chatbot.clone(),
        },
    }
}
