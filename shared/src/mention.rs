//! `@mentions` in operators' private notes: `@` followed by a teammate's
//! account id or name (spaces left out, any case) tells that operator, in
//! the direct conversation the two of them share. Matching is pure, so the
//! console's help and the edge agree on what a mention is.

use crate::api::Teammate;

/// How much of a note the mentioned operator is sent, in characters.
pub const QUOTED_CHARS: usize = 500;

/// The teammates a text mentions, each once, in the team's order. A
/// mention starts with an `@` that does not follow a letter or digit (so an
/// e-mail address mentions nobody) and ends where letters, digits, `-`,
/// `_` and `.` stop: `@luis,` and `@Luis.` mention Luis, `@luisa` does not.
pub fn mentioned<'a>(text: &str, team: &'a [Teammate]) -> Vec<&'a Teammate> {
    let in_handle = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut handles = Vec::new();
    let mut before = None;
    for (at, c) in text.char_indices() {
        if c == '@' && !before.is_some_and(char::is_alphanumeric) {
            let handle: String = text[at + 1..]
                .chars()
                .take_while(|c| in_handle(*c))
                .collect();
            let handle = handle.trim_end_matches('.').to_lowercase();
            if !handle.is_empty() {
                handles.push(handle);
            }
        }
        before = Some(c);
    }
    team.iter()
        .filter(|mate| {
            let name: String = mate
                .name
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_lowercase();
            let id = mate.id.as_str().to_lowercase();
            handles.iter().any(|h| *h == id || *h == name)
        })
        .collect()
}

/// What the mentioned operator reads in the direct conversation: where the
/// note was written, and the note (its first [`QUOTED_CHARS`] characters).
pub fn notice(visitor: &str, note: &str) -> String {
    let mut quoted: String = note.chars().take(QUOTED_CHARS).collect();
    if quoted.len() < note.len() {
        quoted.push('…');
    }
    format!("Mentioned you in a note on the conversation with {visitor}: “{quoted}”")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::OperatorId;

    fn team() -> Vec<Teammate> {
        [("luis", "Luis"), ("mj", "Mary Jane"), ("demo-admin", "Ana")]
            .into_iter()
            .map(|(id, name)| Teammate {
                id: OperatorId::parse(id).unwrap(),
                name: name.into(),
            })
            .collect()
    }

    fn ids(text: &str) -> Vec<String> {
        let team = team();
        mentioned(text, &team)
            .into_iter()
            .map(|m| m.id.to_string())
            .collect()
    }

    #[test]
    fn by_id_or_by_name_without_spaces_in_any_case() {
        assert_eq!(ids("@luis can you look?"), ["luis"]);
        assert_eq!(ids("ask @MaryJane, or @ana."), ["mj", "demo-admin"]);
        assert_eq!(
            ids("@demo-admin and @LUIS and @luis"),
            ["luis", "demo-admin"]
        );
    }

    #[test]
    fn a_longer_handle_or_an_address_is_not_a_mention() {
        assert!(ids("@luisa knows").is_empty());
        assert!(ids("write to ana@luis or ana@luis.example").is_empty());
        assert!(ids("@ alone, and a trailing @").is_empty());
    }

    #[test]
    fn the_notice_quotes_a_long_note_in_part() {
        let long = "x".repeat(QUOTED_CHARS + 10);
        let text = notice("Visitor AB12", &long);
        assert!(text.starts_with("Mentioned you in a note on the conversation with Visitor AB12"));
        assert!(text.ends_with("…”"));
        assert!(text.chars().count() < QUOTED_CHARS + 100);
    }
}
