//! What operators type after a slash in a conversation: `/help`, `/ticket`,
//! `/ticket_search`, `/history`, `/lead` and `/leave`. Commands and their
//! results are operator-only notes; the visitor never receives them.
//! Parsing is pure, so the console and the edge agree on what a command is.

use crate::api::RecordKind;
use crate::limits::MAX_NAME_CHARS;
use crate::protocol::{ErrorCode, Problem};

/// A command an operator typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// What can be typed.
    Help,
    /// Creates a ticket from the conversation, with its transcript.
    Ticket {
        /// The ticket's title.
        title: String,
    },
    /// Lists the channel's tickets matching words or a number.
    TicketSearch {
        /// Words or a ticket number.
        query: String,
    },
    /// The last pages the visitor viewed on the site.
    History,
    /// Creates a lead from the conversation, with its transcript.
    Lead {
        /// The lead's title.
        title: String,
    },
    /// The operator leaves the conversation; the visitor stays.
    Leave,
}

/// The team a ticket made with `/ticket` goes to (a chatbot's ticket step
/// names its own).
pub const TICKET_TEAM: &str = "Support";

/// Every command's name and what it does, as `/help` lists them.
pub const COMMANDS: [(&str, &str); 6] = [
    ("/help", "what can be typed here"),
    (
        "/ticket TITLE",
        "creates a ticket for the Support team from this conversation, with its transcript",
    ),
    (
        "/ticket_search WORDS or NUMBER",
        "lists the channel's matching tickets",
    ),
    ("/history", "the last pages the visitor viewed on the site"),
    (
        "/lead TITLE",
        "creates a lead from this conversation, with its transcript (source: live chat)",
    ),
    (
        "/leave",
        "you leave the conversation; the visitor stays and it goes back to the channel's list",
    ),
];

impl Command {
    /// The command in `text`, `Ok(None)` if it is not one (it does not
    /// start with `/`), or a refusal that lists the known commands. A
    /// command that needs a title or words and has none is refused too.
    pub fn parse(text: &str) -> Result<Option<Command>, Problem> {
        let Some(rest) = text.trim().strip_prefix('/') else {
            return Ok(None);
        };
        let (name, argument) = match rest.split_once(char::is_whitespace) {
            Some((name, argument)) => (name, argument.trim()),
            None => (rest, ""),
        };
        let needs = |what: &str| {
            Problem::new(
                ErrorCode::Invalid,
                format!("/{name} needs {what}, as in: /{name} {what}."),
            )
        };
        let title = || {
            if argument.is_empty() {
                Err(needs("a title"))
            } else {
                Ok(argument.chars().take(MAX_TITLE_CHARS).collect::<String>())
            }
        };
        Ok(Some(match name.to_ascii_lowercase().as_str() {
            "help" => Command::Help,
            "ticket" | "helpdesk" => Command::Ticket { title: title()? },
            "ticket_search" | "helpdesk_search" => {
                if argument.is_empty() {
                    return Err(needs("some words or a ticket number"));
                }
                Command::TicketSearch {
                    query: argument.chars().take(MAX_TITLE_CHARS).collect(),
                }
            }
            "history" => Command::History,
            "lead" => Command::Lead { title: title()? },
            "leave" => Command::Leave,
            _ => {
                return Err(Problem::new(
                    ErrorCode::Invalid,
                    format!("There is no command /{name}. {}", known()),
                ))
            }
        }))
    }

    /// Whether `text` starts with a known command's name: such a text is
    /// never sent to the visitor as a message, even by a client that means to.
    pub fn is_command(text: &str) -> bool {
        Command::parse(text).is_ok_and(|command| command.is_some())
    }
}

/// What `/help` answers.
pub fn help_text() -> String {
    let mut text = String::from(
        "Type a message to answer the visitor. Only operators see notes and commands.\n\
         : opens the canned responses (or type :shortcut and a space)\n\
         @name in a private note tells that operator, in your direct conversation with them\n",
    );
    for (name, what) in COMMANDS {
        text.push_str(&format!("{name} — {what}\n"));
    }
    text.pop();
    text
}

/// How Charla's answers name a lead or a ticket ("Ticket #3"); the console
/// makes each a link to it (see [`pieces`]).
pub fn reference(kind: RecordKind, number: u64) -> String {
    format!("{} #{number}", kind.label())
}

/// A part of one of Charla's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Plain text.
    Text(&'a str),
    /// A lead or a ticket it names, as [`reference`] wrote it.
    Record {
        /// Lead or ticket.
        kind: RecordKind,
        /// Its number.
        number: u64,
        /// The words that name it.
        label: &'a str,
    },
}

/// Splits one of Charla's answers into plain text and the leads and
/// tickets it names.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut found = Vec::new();
    let mut done = 0;
    let mut from = 0;
    while let Some(at) = text[from..].find(" #") {
        let hash = from + at + 1;
        from = hash + 1;
        let digits = text[from..].bytes().take_while(u8::is_ascii_digit).count();
        let before = &text[..hash - 1];
        let named = [RecordKind::Ticket, RecordKind::Lead]
            .into_iter()
            .find(|kind| before.ends_with(kind.label()));
        let (Some(kind), Ok(number)) = (named, text[from..from + digits].parse()) else {
            continue;
        };
        let start = before.len() - kind.label().len();
        if text[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let end = from + digits;
        if start > done {
            found.push(Piece::Text(&text[done..start]));
        }
        found.push(Piece::Record {
            kind,
            number,
            label: &text[start..end],
        });
        done = end;
        from = end;
    }
    if done < text.len() {
        found.push(Piece::Text(&text[done..]));
    }
    found
}

/// The longest title or search a command keeps, in characters.
const MAX_TITLE_CHARS: usize = MAX_NAME_CHARS * 2;

fn known() -> String {
    let names: Vec<&str> = COMMANDS
        .iter()
        .map(|(name, _)| name.split(' ').next().unwrap_or(name))
        .collect();
    format!("Known commands: {}.", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_not_a_command() {
        assert_eq!(Command::parse("hello /help"), Ok(None));
        assert!(!Command::is_command("hello"));
    }

    #[test]
    fn commands_take_their_arguments() {
        assert_eq!(Command::parse(" /help "), Ok(Some(Command::Help)));
        assert_eq!(
            Command::parse("/ticket  Printer on fire "),
            Ok(Some(Command::Ticket {
                title: "Printer on fire".into()
            }))
        );
        assert_eq!(
            Command::parse("/TICKET_SEARCH 1001"),
            Ok(Some(Command::TicketSearch {
                query: "1001".into()
            }))
        );
        assert_eq!(
            Command::parse("/helpdesk broken"),
            Ok(Some(Command::Ticket {
                title: "broken".into()
            })),
            "Odoo's name works too"
        );
        assert_eq!(
            Command::parse("/lead Big order"),
            Ok(Some(Command::Lead {
                title: "Big order".into()
            }))
        );
        assert_eq!(Command::parse("/leave"), Ok(Some(Command::Leave)));
        assert_eq!(Command::parse("/history"), Ok(Some(Command::History)));
        assert!(Command::is_command("/leave"));
    }

    #[test]
    fn unknown_or_incomplete_commands_say_what_works() {
        let unknown = Command::parse("/dance now").unwrap_err();
        assert!(unknown.message.contains("/dance"), "{}", unknown.message);
        assert!(
            unknown.message.contains("/ticket_search"),
            "{}",
            unknown.message
        );
        let bare = Command::parse("/ticket").unwrap_err();
        assert!(bare.message.contains("needs a title"), "{}", bare.message);
        assert!(Command::parse("/ticket_search  ").is_err());
        assert!(!Command::is_command("/dance"));
    }

    #[test]
    fn long_titles_are_cut_and_help_lists_everything() {
        let long = format!("/lead {}", "x".repeat(1_000));
        let Ok(Some(Command::Lead { title })) = Command::parse(&long) else {
            panic!("a lead");
        };
        assert_eq!(title.chars().count(), MAX_TITLE_CHARS);
        let help = help_text();
        for (name, _) in COMMANDS {
            assert!(help.contains(name), "{name}");
        }
    }

    #[test]
    fn answers_name_records_the_console_links() {
        let text = format!(
            "Tickets matching “x”:\n{} — Printer\n{} — old",
            reference(RecordKind::Ticket, 12),
            reference(RecordKind::Ticket, 3)
        );
        let records: Vec<(RecordKind, u64)> = pieces(&text)
            .into_iter()
            .filter_map(|piece| match piece {
                Piece::Record { kind, number, .. } => Some((kind, number)),
                Piece::Text(_) => None,
            })
            .collect();
        assert_eq!(records, [(RecordKind::Ticket, 12), (RecordKind::Ticket, 3)]);
        let joined: String = pieces(&text)
            .into_iter()
            .map(|piece| match piece {
                Piece::Text(text) | Piece::Record { label: text, .. } => text,
            })
            .collect();
        assert_eq!(joined, text, "nothing is lost or repeated");
        assert_eq!(
            pieces("Lead #4 created"),
            [
                Piece::Record {
                    kind: RecordKind::Lead,
                    number: 4,
                    label: "Lead #4"
                },
                Piece::Text(" created")
            ]
        );
        for plain in ["Ticket # 4", "MyTicket #4", "Ticket #", "#4", ""] {
            assert!(
                pieces(plain)
                    .iter()
                    .all(|piece| matches!(piece, Piece::Text(_))),
                "{plain}"
            );
        }
    }

    #[test]
    fn record_links_read_back() {
        let link = crate::api::RecordLink {
            kind: RecordKind::Ticket,
            channel: crate::ids::ChannelId::parse("demo").unwrap(),
            number: 3,
        };
        assert_eq!(link.fragment(), "#ticket/demo/3");
        assert_eq!(crate::api::RecordLink::parse(&link.fragment()), Some(link));
        for other in [
            "",
            "#",
            "#ticket/demo",
            "#ticket/demo/x",
            "#case/demo/3",
            "#ticket/demo/3/4",
        ] {
            assert_eq!(crate::api::RecordLink::parse(other), None, "{other}");
        }
    }
}
