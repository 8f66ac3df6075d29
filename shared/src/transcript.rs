//! A conversation written out for people: the plain text a visitor
//! downloads, and the e-mail (plain text and HTML) a copy is sent as. The
//! edge renders both from the stored transcript; every text people wrote is
//! escaped in the HTML.

use crate::api::Transcript;
use crate::protocol::{Message, MessageKind};
use crate::Millis;

/// The subject of a transcript e-mail.
pub fn subject(channel_name: &str) -> String {
    format!("Your conversation with {channel_name}")
}

/// The transcript as plain text: a heading, then one paragraph per message
/// (`[2026-12-01 18:05 UTC] Ana: Hello`), with the answers a chatbot
/// offered listed under its question.
pub fn plain(transcript: &Transcript, channel_name: &str) -> String {
    let mut out = format!(
        "Conversation with {channel_name}\nStarted {}\n\n",
        utc(transcript.created_at)
    );
    for message in &transcript.messages {
        out += &format!(
            "[{}] {}: {}\n",
            utc(message.at),
            message.author.name,
            message.text
        );
        for choice in choices(message) {
            out += &format!("  - {choice}\n");
        }
        out.push('\n');
    }
    out
}

/// The transcript as an HTML e-mail body: the same content as [`plain`],
/// every text escaped.
pub fn html(transcript: &Transcript, channel_name: &str) -> String {
    let channel = escape_html(channel_name);
    let mut out = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif;color:#1b1b1b\">\
         <h1 style=\"font-size:1.2em\">Conversation with {channel}</h1>\
         <p>Started {}</p>",
        escape_html(&subject(channel_name)),
        utc(transcript.created_at)
    );
    for message in &transcript.messages {
        out += &format!(
            "<p><strong>{}</strong> <small>{}</small><br>{}</p>",
            escape_html(&message.author.name),
            utc(message.at),
            escape_html(&message.text).replace('\n', "<br>")
        );
        let offered: Vec<String> = choices(message)
            .map(|c| format!("<li>{}</li>", escape_html(c)))
            .collect();
        if !offered.is_empty() {
            out += &format!("<ul>{}</ul>", offered.concat());
        }
    }
    out + "</body></html>"
}

/// A file name for the downloaded transcript.
pub fn file_name(transcript: &Transcript) -> String {
    format!("conversation-{}.txt", &utc(transcript.created_at)[..10])
}

/// Text made safe to place in HTML, between tags or in a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A moment as `YYYY-MM-DD HH:MM UTC`.
pub fn utc(at: Millis) -> String {
    let seconds = at.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = crate::clock::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        of_day / 3600,
        of_day % 3600 / 60
    )
}

fn choices(message: &Message) -> impl Iterator<Item = &str> {
    let offered = match &message.kind {
        MessageKind::Question { choices } => choices.as_slice(),
        _ => &[],
    };
    offered.iter().map(|c| c.label.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::Choice;
    use crate::ids::{ChannelId, ClientMsgId, ConversationId, ParticipantId, Seq};
    use crate::protocol::{Author, Contact, Role};

    fn transcript() -> Transcript {
        let author = |role, name: &str| Author {
            role,
            id: ParticipantId::visitor(),
            name: name.into(),
        };
        Transcript {
            conversation: ConversationId::from_random([1; 16]),
            channel: ChannelId::parse("demo").unwrap(),
            visitor: "Mia".into(),
            contact: Contact::default(),
            chatbot: None,
            created_at: 1_764_612_300_000,
            messages: vec![
                Message {
                    seq: Seq(1),
                    id: ClientMsgId::parse("a").unwrap(),
                    author: author(Role::Visitor, "Mia"),
                    text: "<script>alert(1)</script> & \"more\"".into(),
                    at: 1_764_612_360_000,
                    kind: MessageKind::Text,
                },
                Message {
                    seq: Seq(2),
                    id: ClientMsgId::parse("b").unwrap(),
                    author: author(Role::Bot, "Bot"),
                    text: "Which one?".into(),
                    at: 1_764_612_420_000,
                    kind: MessageKind::Question {
                        choices: vec![Choice {
                            id: 1,
                            label: "<b>This</b>".into(),
                            link: None,
                        }],
                    },
                },
            ],
        }
    }

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_764_612_300_000), "2025-12-01 18:05 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59 UTC");
    }

    #[test]
    fn plain_text_has_every_message_as_written() {
        let text = plain(&transcript(), "Acme");
        assert!(text.starts_with("Conversation with Acme\nStarted 2025-12-01 18:05 UTC"));
        assert!(text.contains("[2025-12-01 18:06 UTC] Mia: <script>alert(1)</script> & \"more\"\n"));
        assert!(text.contains("Bot: Which one?\n  - <b>This</b>\n"));
        assert_eq!(file_name(&transcript()), "conversation-2025-12-01.txt");
    }

    #[test]
    fn html_escapes_everything_people_wrote() {
        let html = html(&transcript(), "A&B <Shop>");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;"));
        assert!(html.contains("<li>&lt;b&gt;This&lt;/b&gt;</li>"));
        assert!(html.contains("Conversation with A&amp;B &lt;Shop&gt;"));
    }
}
