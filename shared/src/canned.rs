//! Canned responses: a shortcut an operator types (`:price`) and the text
//! it stands for. Admins keep one list for every channel and one per
//! channel (a channel's entry wins over a global one with the same
//! shortcut). In the console, `:` (or `!` alone, as in Odoo) opens a
//! filterable list, and `:shortcut` followed by a space expands in place.
//! Everything here is pure: checking a list, merging, filtering, and
//! finding what to expand in a reply being typed.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::limits::{MAX_CANNED_RESPONSES, MAX_MESSAGE_CHARS, MAX_SHORTCUT_CHARS};
use crate::protocol::{ErrorCode, Problem};

/// A shortcut and the text it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Canned {
    /// What follows the `:`: letters, digits, `-` and `_`.
    pub shortcut: String,
    /// The text it is replaced with.
    pub text: String,
}

/// A channel's canned responses and those for every channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedLists {
    /// The channel's own.
    pub channel: Vec<Canned>,
    /// Those for every channel.
    pub global: Vec<Canned>,
}

impl CannedLists {
    /// What operators of the channel can use, by shortcut: the channel's
    /// own first, then the global ones it does not override.
    pub fn merged(&self) -> Vec<Canned> {
        let own: HashSet<&str> = self.channel.iter().map(|c| c.shortcut.as_str()).collect();
        let mut all = self.channel.clone();
        all.extend(
            self.global
                .iter()
                .filter(|c| !own.contains(c.shortcut.as_str()))
                .cloned(),
        );
        all.sort_by(|a, b| a.shortcut.cmp(&b.shortcut));
        all
    }
}

/// Checks a list before it is saved: every problem at once. Shortcuts are
/// kept in lower case and texts trimmed.
pub fn validate(list: Vec<Canned>) -> Result<Vec<Canned>, Problem> {
    let mut problems = Vec::new();
    if list.len() > MAX_CANNED_RESPONSES {
        problems.push(format!(
            "A list holds at most {MAX_CANNED_RESPONSES} canned responses; this one has {}.",
            list.len()
        ));
    }
    let mut seen = HashSet::new();
    let mut checked = Vec::with_capacity(list.len());
    for canned in list {
        let shortcut = canned.shortcut.trim().to_lowercase();
        let text = canned.text.trim().to_owned();
        let well_formed = !shortcut.is_empty()
            && shortcut.chars().count() <= MAX_SHORTCUT_CHARS
            && shortcut
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !well_formed {
            problems.push(format!(
                "The shortcut {shortcut:?} must have 1 to {MAX_SHORTCUT_CHARS} letters, digits, - or _."
            ));
        } else if !seen.insert(shortcut.clone()) {
            problems.push(format!("The shortcut :{shortcut} is listed twice."));
        }
        if text.is_empty() {
            problems.push(format!("The shortcut :{shortcut} needs a text."));
        } else if text.chars().count() > MAX_MESSAGE_CHARS {
            problems.push(format!(
                "The text of :{shortcut} is longer than a message may be ({MAX_MESSAGE_CHARS} characters)."
            ));
        }
        checked.push(Canned { shortcut, text });
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(Problem::new(
            ErrorCode::Invalid,
            format!(
                "The canned responses were not saved:\n- {}",
                problems.join("\n- ")
            ),
        ))
    }
}

/// What the list shows while a reply is typed: `Some(filter)` when the
/// word being typed (at the end of `before_cursor`) starts with `:`, or the
/// whole reply is `!`; `None` when the list stays closed.
pub fn query(before_cursor: &str) -> Option<&str> {
    if before_cursor == "!" {
        return Some("");
    }
    let word = before_cursor.rsplit(char::is_whitespace).next()?;
    word.strip_prefix(':')
}

/// The responses whose shortcut starts with the filter, then those whose
/// shortcut or text contains it, case-insensitively.
pub fn matching<'a>(list: &'a [Canned], filter: &str) -> Vec<&'a Canned> {
    let filter = filter.to_lowercase();
    let mut starts: Vec<&Canned> = Vec::new();
    let mut contains: Vec<&Canned> = Vec::new();
    for canned in list {
        if canned.shortcut.starts_with(&filter) {
            starts.push(canned);
        } else if canned.shortcut.contains(&filter) || canned.text.to_lowercase().contains(&filter)
        {
            contains.push(canned);
        }
    }
    starts.extend(contains);
    starts
}

/// The reply with the `:shortcut` (or `!`) being typed at the end of
/// `before_cursor` replaced by the response's text.
pub fn insert(before_cursor: &str, canned: &Canned) -> String {
    let cut = if before_cursor == "!" {
        0
    } else {
        before_cursor
            .rfind(|c: char| c.is_whitespace())
            .map_or(0, |at| {
                at + before_cursor[at..].chars().next().map_or(1, char::len_utf8)
            })
    };
    format!("{}{}", &before_cursor[..cut], canned.text)
}

/// When `before_cursor` ends with a known `:shortcut` followed by a space,
/// the text with it expanded (and the space kept); `None` otherwise.
pub fn expand(before_cursor: &str, list: &[Canned]) -> Option<String> {
    let typed = before_cursor.strip_suffix(' ')?;
    let word = typed.rsplit(char::is_whitespace).next()?;
    let shortcut = word.strip_prefix(':')?.to_lowercase();
    let canned = list.iter().find(|c| c.shortcut == shortcut)?;
    Some(format!("{} ", insert(typed, canned)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canned(shortcut: &str, text: &str) -> Canned {
        Canned {
            shortcut: shortcut.into(),
            text: text.into(),
        }
    }

    fn list() -> Vec<Canned> {
        vec![
            canned("hello", "Hello! How can I help you today?"),
            canned("price", "Our plans start at 9 € a month."),
            canned("bye", "Thank you for writing. Have a good day!"),
        ]
    }

    #[test]
    fn the_list_opens_on_a_colon_word_or_a_lone_bang() {
        assert_eq!(query(":"), Some(""));
        assert_eq!(query("Sure :pr"), Some("pr"));
        assert_eq!(query("!"), Some(""));
        assert_eq!(query("Wow!"), None);
        assert_eq!(query("a: b"), None);
        assert_eq!(query("12:30"), None, "a time is not a shortcut");
        assert_eq!(query("done "), None);
    }

    #[test]
    fn matching_puts_prefixes_first_and_reads_texts_too() {
        let list = list();
        let shortcuts = |filter| -> Vec<&str> {
            matching(&list, filter)
                .iter()
                .map(|c| c.shortcut.as_str())
                .collect()
        };
        assert_eq!(
            shortcuts("p"),
            ["price", "hello"],
            "'help' is in hello's text"
        );
        assert_eq!(shortcuts("BY"), ["bye"]);
        assert_eq!(shortcuts(""), ["hello", "price", "bye"]);
        assert!(shortcuts("zzz").is_empty());
    }

    #[test]
    fn a_known_shortcut_and_a_space_expand_in_place() {
        let list = list();
        assert_eq!(
            expand("Sure. :price ", &list).as_deref(),
            Some("Sure. Our plans start at 9 € a month. ")
        );
        assert_eq!(
            expand(":HELLO ", &list).as_deref(),
            Some("Hello! How can I help you today? ")
        );
        assert_eq!(expand(":nope ", &list), None);
        assert_eq!(
            expand(":price", &list),
            None,
            "only once the space is typed"
        );
        assert_eq!(insert("!", &list[2]), list[2].text);
        assert_eq!(
            insert("¡Hola! :b", &list[2]),
            format!("¡Hola! {}", list[2].text)
        );
    }

    #[test]
    fn a_channel_overrides_the_global_list() {
        let lists = CannedLists {
            channel: vec![canned("price", "Ask sales.")],
            global: list(),
        };
        let merged = lists.merged();
        assert_eq!(merged.len(), 3);
        assert_eq!(
            merged.iter().find(|c| c.shortcut == "price").unwrap().text,
            "Ask sales."
        );
    }

    #[test]
    fn validation_reports_every_problem_at_once() {
        let problem = validate(vec![
            canned("ok", "fine"),
            canned("OK", "twice"),
            canned("two words", "x"),
            canned("empty", "  "),
        ])
        .unwrap_err();
        assert!(
            problem.message.contains("listed twice"),
            "{}",
            problem.message
        );
        assert!(
            problem.message.contains("\"two words\""),
            "{}",
            problem.message
        );
        assert!(
            problem.message.contains(":empty needs a text"),
            "{}",
            problem.message
        );
        let saved = validate(vec![canned(" Hi ", " Hello ")]).unwrap();
        assert_eq!(saved, [canned("hi", "Hello")]);
        let too_many = vec![canned("a", "b"); MAX_CANNED_RESPONSES + 1];
        assert!(validate(too_many).is_err());
    }
}
