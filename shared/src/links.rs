//! Links in what people write: `http`, `https` and `mailto` addresses (and
//! `www.` ones, taken as `https`) are found in a message's text so that the
//! widget and the console can show them as anchors, built as DOM nodes,
//! never as HTML. Any other scheme (`javascript:`, `data:`) stays text.

/// A part of a message's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span<'a> {
    /// Plain text.
    Text(&'a str),
    /// An address, as written, and where it leads.
    Link {
        /// The words shown.
        text: &'a str,
        /// The address opened (`https://` added to `www.` ones).
        href: String,
    },
}

/// Splits a text into plain text and links; joined again, the spans'
/// texts are the text.
pub fn spans(text: &str) -> Vec<Span<'_>> {
    let mut found = Vec::new();
    let mut done = 0;
    let mut at = 0;
    while at < text.len() {
        let starts_word = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '@' && c != '/');
        let rest = &text[at..];
        let scheme = starts_word
            .then(|| {
                ["https://", "http://", "mailto:", "www."]
                    .into_iter()
                    .find(|s| {
                        rest.get(..s.len())
                            .is_some_and(|p| p.eq_ignore_ascii_case(s))
                    })
            })
            .flatten();
        let Some(scheme) = scheme else {
            at += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let end = at + link_length(rest);
        if end <= at + scheme.len() {
            at += scheme.len();
            continue;
        }
        if at > done {
            found.push(Span::Text(&text[done..at]));
        }
        let shown = &text[at..end];
        let href = if scheme == "www." {
            format!("https://{shown}")
        } else {
            shown.to_owned()
        };
        found.push(Span::Link { text: shown, href });
        done = end;
        at = end;
    }
    if done < text.len() {
        found.push(Span::Text(&text[done..]));
    }
    found
}

/// How long the address at the start of `rest` is: up to a space or a
/// character that cannot be in one, less the punctuation that ends a
/// sentence, and less a closing bracket it did not open.
fn link_length(rest: &str) -> usize {
    let mut end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
        .unwrap_or(rest.len());
    loop {
        let Some(last) = rest[..end].chars().next_back() else {
            return 0;
        };
        let unopened = |open: char, close: char| {
            last == close && rest[..end].matches(open).count() < rest[..end].matches(close).count()
        };
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*')
            || unopened('(', ')')
            || unopened('[', ']')
        {
            end -= last.len_utf8();
        } else {
            return end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(text: &str) -> Vec<String> {
        spans(text)
            .into_iter()
            .filter_map(|span| match span {
                Span::Link { href, .. } => Some(href),
                Span::Text(_) => None,
            })
            .collect()
    }

    #[test]
    fn addresses_become_links_and_sentences_keep_their_punctuation() {
        assert_eq!(
            links("See https://shop.example/a?b=1#c, or (http://x.example/y)."),
            ["https://shop.example/a?b=1#c", "http://x.example/y"]
        );
        assert_eq!(
            links("Wiki: https://en.example/Rust_(language)!"),
            ["https://en.example/Rust_(language)"]
        );
        assert_eq!(
            links("www.example.com/help."),
            ["https://www.example.com/help"]
        );
        assert_eq!(
            links("Write to mailto:help@example.com"),
            ["mailto:help@example.com"]
        );
        assert_eq!(links("HTTPS://LOUD.EXAMPLE"), ["HTTPS://LOUD.EXAMPLE"]);
    }

    #[test]
    fn other_schemes_and_half_addresses_stay_text() {
        for text in [
            "javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "https://",
            "xhttps://example.com",
            "see www.",
            "",
        ] {
            assert!(links(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn nothing_is_lost_or_repeated() {
        for text in [
            "a https://x.example b www.y.example. c",
            "émoji 🎉 https://x.example/ñ 🎉",
            "<img src=x onerror=alert(1)> https://x.example/\"><script>",
        ] {
            let joined: String = spans(text)
                .into_iter()
                .map(|span| match span {
                    Span::Text(text) | Span::Link { text, .. } => text,
                })
                .collect();
            assert_eq!(joined, text);
        }
    }
}
