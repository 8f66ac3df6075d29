//! A channel's settings while an admin edits them: every change is a method
//! here, tested natively; the editor only renders the draft and calls them.

use charla_shared::channel::{
    AssistantOptions, ChannelSettings, ChannelTexts, ChatMode, Language, Rule, DEFAULT_COLOR,
};
use charla_shared::color::Rgb;
use charla_shared::hours::{self, OfficeHours};
use charla_shared::ids::OperatorId;
use charla_shared::routing::Routing;

use crate::channels::weekday_name;
use crate::words::trf;

/// Which colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorField {
    /// The chat button.
    Button,
    /// The window header.
    Header,
}

/// Which channel text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    /// The notification bubble.
    ButtonText,
    /// The welcome message.
    Welcome,
    /// The input placeholder.
    Placeholder,
    /// The closing comments.
    Closing,
    /// Shown outside office hours.
    OutOfHours,
    /// Above the offline form.
    OfflinePrompt,
    /// Shown when the queue is full.
    Unavailable,
    /// Sent as the operator who takes a conversation.
    AgentMessage,
}

/// Settings being edited, and the last saved version.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    settings: ChannelSettings,
    saved: ChannelSettings,
    /// Why what was typed for each weekday's spans (then the exceptions)
    /// could not be read; the hours keep what they had meanwhile.
    unread_hours: [Option<String>; 8],
}

impl Draft {
    /// A draft of saved settings.
    pub fn new(saved: ChannelSettings) -> Self {
        Draft {
            settings: saved.clone(),
            saved,
            unread_hours: Default::default(),
        }
    }

    /// The settings as edited.
    pub fn settings(&self) -> &ChannelSettings {
        &self.settings
    }

    /// Whether anything changed since the last save.
    pub fn is_dirty(&self) -> bool {
        self.settings != self.saved
    }

    /// Records what the edge saved (normalised), as the new starting point.
    pub fn saved(&mut self, settings: ChannelSettings) {
        self.settings = settings.clone();
        self.saved = settings;
    }

    /// Renames the channel.
    pub fn set_name(&mut self, name: String) {
        self.settings.name = name;
    }

    /// Sets a colour as typed (HEX, RGB or HSL); checked on save.
    pub fn set_color(&mut self, field: ColorField, value: String) {
        match field {
            ColorField::Button => self.settings.options.button_color = value,
            ColorField::Header => self.settings.options.header_color = value,
        }
    }

    /// A colour as typed.
    pub fn color(&self, field: ColorField) -> &str {
        match field {
            ColorField::Button => &self.settings.options.button_color,
            ColorField::Header => &self.settings.options.header_color,
        }
    }

    /// The colour as `#rrggbb` and the text colour that reads on it, or
    /// `None` while what is typed is not a colour.
    pub fn swatch(&self, field: ColorField) -> Option<(String, String, f64)> {
        let background = Rgb::parse(self.color(field))?;
        let text = background.readable_text();
        Some((
            background.to_hex(),
            text.to_hex(),
            background.contrast(text),
        ))
    }

    /// Puts both colours back to Charla's defaults.
    pub fn reset_colors(&mut self) {
        self.settings.options.button_color = DEFAULT_COLOR.into();
        self.settings.options.header_color = DEFAULT_COLOR.into();
    }

    /// A text in a language, as stored (empty means "fall back").
    pub fn text(&self, language: Language, field: TextField) -> String {
        let texts = self
            .settings
            .options
            .texts
            .get(&language)
            .cloned()
            .unwrap_or_default();
        match field {
            TextField::ButtonText => texts.button_text,
            TextField::Welcome => texts.welcome_message,
            TextField::Placeholder => texts.input_placeholder,
            TextField::Closing => texts.closing_message,
            TextField::OutOfHours => texts.out_of_hours_message,
            TextField::OfflinePrompt => texts.offline_prompt,
            TextField::Unavailable => texts.unavailable_message,
            TextField::AgentMessage => texts.agent_message,
        }
    }

    /// What visitors speaking `language` see for a field, fallbacks applied.
    pub fn effective_text(&self, language: Language, field: TextField) -> String {
        let texts = self.settings.options.texts_for(language);
        match field {
            TextField::ButtonText => texts.button_text,
            TextField::Welcome => texts.welcome_message,
            TextField::Placeholder => texts.input_placeholder,
            TextField::Closing => texts.closing_message,
            TextField::OutOfHours => texts.out_of_hours_message,
            TextField::OfflinePrompt => texts.offline_prompt,
            TextField::Unavailable => texts.unavailable_message,
            TextField::AgentMessage => texts.agent_message,
        }
    }

    /// Sets a text in a language.
    pub fn set_text(&mut self, language: Language, field: TextField, value: String) {
        let texts: &mut ChannelTexts = self.settings.options.texts.entry(language).or_default();
        match field {
            TextField::ButtonText => texts.button_text = value,
            TextField::Welcome => texts.welcome_message = value,
            TextField::Placeholder => texts.input_placeholder = value,
            TextField::Closing => texts.closing_message = value,
            TextField::OutOfHours => texts.out_of_hours_message = value,
            TextField::OfflinePrompt => texts.offline_prompt = value,
            TextField::Unavailable => texts.unavailable_message = value,
            TextField::AgentMessage => texts.agent_message = value,
        }
    }

    /// Sets the language used when the visitor's is missing.
    pub fn set_fallback(&mut self, language: Language) {
        self.settings.options.fallback_language = language;
    }

    /// Publishes the channel's ratings page, or takes it down.
    pub fn set_publish_ratings(&mut self, publish: bool) {
        self.settings.options.publish_ratings = publish;
    }

    /// Sets who answers the channel.
    pub fn set_mode(&mut self, mode: ChatMode) {
        self.settings.options.mode = mode;
    }

    /// Turns office hours on (Monday to Friday, 09:00-17:00 in
    /// `time_zone`, the admin's own) or off (always open).
    pub fn set_hours(&mut self, on: bool, time_zone: &str) {
        self.settings.options.hours = on.then(|| OfficeHours::office_days(time_zone));
        self.unread_hours = Default::default();
    }

    /// Sets the time zone as typed; checked on save.
    pub fn set_time_zone(&mut self, typed: String) {
        if let Some(hours) = &mut self.settings.options.hours {
            hours.time_zone = typed;
        }
    }

    /// Sets a weekday's spans (Monday is 0) as typed: `09:00-13:00,
    /// 14:00-18:00`, empty for closed.
    pub fn set_day(&mut self, day: usize, typed: &str) {
        let read = hours::parse_spans(typed);
        if let (Some(hours), Ok(spans)) = (&mut self.settings.options.hours, &read) {
            hours.week[day] = spans.clone();
        }
        self.unread_hours[day] = read
            .err()
            .map(|why| format!("{}: {why}", weekday_name(day)));
    }

    /// Sets the dated exceptions as typed, one per line.
    pub fn set_exceptions(&mut self, typed: &str) {
        let read = hours::parse_exceptions(typed);
        if let (Some(hours), Ok(exceptions)) = (&mut self.settings.options.hours, &read) {
            hours.exceptions = exceptions.clone();
        }
        self.unread_hours[7] = read.err();
    }

    /// Lets visitors leave a message outside office hours, or not.
    pub fn set_offline_messages(&mut self, on: bool) {
        self.settings.options.offline_messages = on;
    }

    /// Changes how conversations reach operators (the edge checks the
    /// numbers' ranges when it is saved).
    pub fn set_routing(&mut self, change: impl FnOnce(&mut Routing)) {
        change(&mut self.settings.options.routing);
    }

    /// Changes the AI assistant's options (the edge checks them when the
    /// channel is saved).
    pub fn set_assistant(&mut self, change: impl FnOnce(&mut AssistantOptions)) {
        change(&mut self.settings.options.assistant);
    }

    /// Adds a rule at the end that shows the button on every page.
    pub fn add_rule(&mut self) {
        self.settings.rules.push(Rule::default());
    }

    /// Removes a rule.
    pub fn remove_rule(&mut self, index: usize) {
        if index < self.settings.rules.len() {
            self.settings.rules.remove(index);
        }
    }

    /// Moves a rule one place earlier (`up`) or later; earlier rules win.
    pub fn move_rule(&mut self, index: usize, up: bool) {
        let len = self.settings.rules.len();
        let target = if up {
            index.checked_sub(1)
        } else {
            Some(index + 1)
        };
        if let Some(target) = target.filter(|&t| t < len && index < len) {
            self.settings.rules.swap(index, target);
        }
    }

    /// Changes one rule.
    pub fn update_rule(&mut self, index: usize, change: impl FnOnce(&mut Rule)) {
        if let Some(rule) = self.settings.rules.get_mut(index) {
            change(rule);
        }
    }

    /// Sets a rule's countries from a list like `ES, BR pt`.
    pub fn set_countries(&mut self, index: usize, typed: &str) {
        self.update_rule(index, |rule| {
            rule.countries = typed
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect();
        });
    }

    /// Adds or removes an operator.
    pub fn set_operator(&mut self, operator: &OperatorId, answers: bool) {
        let operators = &mut self.settings.operators;
        operators.retain(|o| o != operator);
        if answers {
            operators.push(operator.clone());
            operators.sort();
        }
    }

    /// Why the draft cannot be saved, if it cannot: the edge's own checks,
    /// plus each rule pattern compiled by `compile` (the browser's RegExp).
    pub fn problems(&self, compile: impl Fn(&str) -> Result<(), String>) -> Vec<String> {
        let mut problems: Vec<String> = self.unread_hours.iter().flatten().cloned().collect();
        if let Err(problem) = self.settings.validated() {
            problems.push(problem.message);
        }
        for (i, rule) in self.settings.rules.iter().enumerate() {
            if let Err(why) = compile(rule.url_regex.trim()) {
                problems.push(trf(
                    "Rule {}: the URL regex is not valid: {}",
                    &[&(i + 1).to_string(), &why],
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft::new(ChannelSettings {
            name: "Sales".into(),
            ..ChannelSettings::default()
        })
    }

    fn no_regex_errors(_: &str) -> Result<(), String> {
        Ok(())
    }

    #[test]
    fn edits_mark_the_draft_dirty_until_saved() {
        let mut draft = draft();
        assert!(!draft.is_dirty());
        draft.set_name("Ventas".into());
        assert!(draft.is_dirty());
        let saved = draft.settings().clone();
        draft.saved(saved);
        assert!(!draft.is_dirty());
    }

    #[test]
    fn colours_show_their_readable_text_and_reset() {
        let mut draft = draft();
        draft.set_color(ColorField::Button, "rgb(255, 235, 59)".into());
        let (background, text, ratio) = draft.swatch(ColorField::Button).unwrap();
        assert_eq!(background, "#ffeb3b");
        assert_eq!(text, "#000000");
        assert!(ratio >= 4.5);
        draft.set_color(ColorField::Header, "not a colour".into());
        assert_eq!(draft.swatch(ColorField::Header), None);
        assert_eq!(draft.problems(no_regex_errors).len(), 1);
        draft.reset_colors();
        assert_eq!(draft.color(ColorField::Header), DEFAULT_COLOR);
        assert!(draft.problems(no_regex_errors).is_empty());
    }

    #[test]
    fn texts_per_language_fall_back() {
        let mut draft = draft();
        draft.set_fallback(Language::Es);
        draft.set_text(Language::Es, TextField::Welcome, "¡Hola!".into());
        assert_eq!(draft.text(Language::Pt, TextField::Welcome), "");
        assert_eq!(
            draft.effective_text(Language::Pt, TextField::Welcome),
            "¡Hola!"
        );
    }

    #[test]
    fn rules_are_added_moved_and_removed() {
        let mut draft = draft();
        draft.add_rule();
        draft.add_rule();
        draft.update_rule(1, |r| r.url_regex = "/contactus".into());
        draft.move_rule(1, true);
        assert_eq!(draft.settings().rules[0].url_regex, "/contactus");
        draft.move_rule(0, true);
        assert_eq!(
            draft.settings().rules[0].url_regex,
            "/contactus",
            "the first stays first"
        );
        draft.set_countries(0, "es, BR  pt");
        assert_eq!(draft.settings().rules[0].countries, ["es", "BR", "pt"]);
        draft.remove_rule(0);
        assert_eq!(draft.settings().rules.len(), 1);
    }

    #[test]
    fn problems_include_patterns_the_browser_refuses() {
        let mut draft = draft();
        draft.add_rule();
        draft.update_rule(0, |r| r.url_regex = "/shop(".into());
        let problems = draft.problems(|pattern| {
            if pattern.contains('(') {
                Err("Unterminated group".into())
            } else {
                Ok(())
            }
        });
        assert_eq!(
            problems,
            ["Rule 1: the URL regex is not valid: Unterminated group"]
        );
    }

    #[test]
    fn operators_are_added_once_and_removed() {
        let mut draft = draft();
        let ana = OperatorId::parse("ana").unwrap();
        draft.set_operator(&ana, true);
        draft.set_operator(&ana, true);
        assert_eq!(draft.settings().operators, std::slice::from_ref(&ana));
        draft.set_operator(&ana, false);
        assert!(draft.settings().operators.is_empty());
    }

    #[test]
    fn office_hours_are_typed_per_day_and_what_cannot_be_read_blocks_the_save() {
        let mut draft = draft();
        assert!(draft.settings().options.hours.is_none(), "always open");
        draft.set_hours(true, "Europe/Madrid");
        let hours = draft.settings().options.hours.clone().unwrap();
        assert_eq!(hours::spans_text(&hours.week[0]), "09:00-17:00");
        assert!(hours.week[6].is_empty(), "closed on Sundays");
        draft.set_day(5, "10:00-14:00");
        draft.set_day(0, "9 to 5");
        let monday = &draft.settings().options.hours.as_ref().unwrap().week[0];
        assert_eq!(
            hours::spans_text(monday),
            "09:00-17:00",
            "kept while unreadable"
        );
        let problems = draft.problems(|_| Ok(()));
        assert!(problems[0].starts_with("Monday: "), "{problems:?}");
        draft.set_day(0, "08:00-12:00, 13:00-16:00");
        draft.set_exceptions("2026-12-25\n2026-12-31 09:00-13:00");
        draft.set_time_zone("Europe/Lisbon".into());
        assert_eq!(draft.problems(|_| Ok(())), Vec::<String>::new());
        let hours = draft.settings().options.hours.clone().unwrap();
        assert_eq!(hours.time_zone, "Europe/Lisbon");
        assert_eq!(hours::spans_text(&hours.week[5]), "10:00-14:00");
        assert_eq!(hours.exceptions.len(), 2);
        draft.set_time_zone("Lisbon".into());
        assert!(draft.problems(|_| Ok(()))[0].contains("IANA"));
        draft.set_offline_messages(true);
        draft.set_hours(false, "UTC");
        assert!(draft.settings().options.hours.is_none());
        assert!(draft.settings().options.offline_messages);
        assert_eq!(draft.problems(|_| Ok(())), Vec::<String>::new());
    }
}
