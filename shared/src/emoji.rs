//! Messages made only of emoji, which the widget and the console show
//! larger, as chat apps do. Recognised by code point ranges, with no table,
//! so it costs the widget next to nothing.

/// At most this many emoji make a message "emoji only".
pub const MAX_BIG_EMOJI: usize = 6;

/// Whether a text is one to [`MAX_BIG_EMOJI`] emoji (with the joiners,
/// variation selectors, skin tones and spaces that go with them) and
/// nothing else.
pub fn only_emoji(text: &str) -> bool {
    let mut pictures = 0;
    for c in text.chars() {
        match u32::from(c) {
            // Pictographs, emoticons, transport, symbols, flags' letters.
            0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF => pictures += 1,
            // Joiners, variation selectors, keycaps, tags: part of the
            // emoji before them.
            0x200D | 0xFE0E | 0xFE0F | 0x20E3 | 0xE0020..=0xE007F => {}
            _ if c.is_whitespace() => {}
            _ => return false,
        }
    }
    (1..=MAX_BIG_EMOJI * 2).contains(&pictures) && emoji_count(text) <= MAX_BIG_EMOJI
}

/// How many emoji a text shows, counting a joined sequence, a skin tone or
/// a flag's two letters as one.
fn emoji_count(text: &str) -> usize {
    let mut count = 0;
    let mut joined = false;
    let mut flag_half = false;
    for c in text.chars() {
        let code = u32::from(c);
        match code {
            0x200D => joined = true,
            0x1F3FB..=0x1F3FF => {}
            0x1F1E6..=0x1F1FF => {
                if !flag_half {
                    count += 1;
                }
                flag_half = !flag_half;
            }
            0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF => {
                if !joined {
                    count += 1;
                }
                joined = false;
            }
            _ => {}
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_emoji_alone_are_big() {
        for text in ["👍", "🎉🎉", " ❤️ ", "👩‍💻", "👋🏽", "🇪🇸", "🔥🔥🔥🔥🔥🔥"]
        {
            assert!(only_emoji(text), "{text}");
        }
    }

    #[test]
    fn words_numbers_or_too_many_emoji_are_not() {
        for text in ["ok 👍", "👍!", "", "   ", "1", "#", "🔥🔥🔥🔥🔥🔥🔥", "©"]
        {
            assert!(!only_emoji(text), "{text}");
        }
    }
}
