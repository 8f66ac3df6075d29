//! Which pages a rule applies to, in plain words: every page, or those
//! whose address contains, starts with or is exactly some text (a text
//! starting with `/` is a path on the site, anything else the whole
//! address). Each becomes the one regular expression a rule stores and the
//! widget runs, and is read back from it; any other expression is the
//! advanced form, shown as it is.

/// How a rule's pages are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// Every page.
    Every,
    /// Addresses containing the words.
    Contains,
    /// Addresses (or paths) starting with the words.
    StartsWith,
    /// The address (or path) is exactly the words, whatever query or
    /// fragment follows.
    Exactly,
    /// A regular expression (advanced).
    Pattern,
}

impl MatchKind {
    /// Every kind, in the order the editor offers them.
    pub const ALL: [MatchKind; 5] = [
        MatchKind::Every,
        MatchKind::Contains,
        MatchKind::StartsWith,
        MatchKind::Exactly,
        MatchKind::Pattern,
    ];

    /// A short stable name, for form values.
    pub fn code(self) -> &'static str {
        match self {
            MatchKind::Every => "every",
            MatchKind::Contains => "contains",
            MatchKind::StartsWith => "starts",
            MatchKind::Exactly => "exactly",
            MatchKind::Pattern => "regex",
        }
    }

    /// Reads [`MatchKind::code`].
    pub fn from_code(code: &str) -> Option<MatchKind> {
        MatchKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// The expression for these words: what the rule stores.
    pub fn regex(self, words: &str) -> String {
        let site = |words: &str| {
            if words.starts_with('/') {
                format!("{SITE}{}", escape(words))
            } else {
                format!("^{}", escape(words))
            }
        };
        match self {
            MatchKind::Pattern => words.to_owned(),
            _ if words.is_empty() => String::new(),
            MatchKind::Every => String::new(),
            MatchKind::Contains => escape(words),
            MatchKind::StartsWith => site(words),
            MatchKind::Exactly => format!("{}{END}", site(words)),
        }
    }

    /// The kind and words a stored expression was made from; anything
    /// [`MatchKind::regex`] does not make is a [`MatchKind::Pattern`].
    pub fn read(regex: &str) -> (MatchKind, String) {
        if regex.is_empty() {
            return (MatchKind::Every, String::new());
        }
        let (kind, rest) = match regex.strip_suffix(END) {
            Some(rest) => (MatchKind::Exactly, rest),
            None => (MatchKind::StartsWith, regex),
        };
        let anchored = rest
            .strip_prefix(SITE)
            .and_then(unescape)
            .filter(|path| path.starts_with('/'))
            .or_else(|| {
                rest.strip_prefix('^')
                    .and_then(unescape)
                    .filter(|words| !words.starts_with('/'))
            })
            .filter(|words| !words.is_empty());
        match (anchored, kind) {
            (Some(words), kind) => (kind, words),
            (None, MatchKind::StartsWith) => match unescape(regex).filter(|w| !w.is_empty()) {
                Some(words) => (MatchKind::Contains, words),
                None => (MatchKind::Pattern, regex.to_owned()),
            },
            (None, _) => (MatchKind::Pattern, regex.to_owned()),
        }
    }
}

/// The scheme and host, before a path.
const SITE: &str = "^https?://[^/]+";
/// The end of an exact address: a query, a fragment or nothing.
const END: &str = "(?:[?#]|$)";
/// The characters a regular expression gives a meaning to.
const SPECIAL: &str = "\\^$.|?*+()[]{}";

fn escape(words: &str) -> String {
    let mut escaped = String::with_capacity(words.len());
    for c in words.chars() {
        if SPECIAL.contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The literal text an escaped expression stands for; `None` if it has
/// any unescaped special character.
fn unescape(regex: &str) -> Option<String> {
    let mut words = String::with_capacity(regex.len());
    let mut chars = regex.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => words.push(chars.next().filter(|next| SPECIAL.contains(*next))?),
            c if SPECIAL.contains(c) => return None,
            c => words.push(c),
        }
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_round_trip_through_the_stored_expression() {
        for kind in [
            MatchKind::Contains,
            MatchKind::StartsWith,
            MatchKind::Exactly,
        ] {
            for words in [
                "/pricing",
                "/shop?(1)",
                "https://shop.example/a.b",
                "sale",
                "ñandú",
            ] {
                let regex = kind.regex(words);
                assert_eq!(MatchKind::read(&regex), (kind, words.to_owned()), "{regex}");
            }
        }
        assert_eq!(MatchKind::read(""), (MatchKind::Every, String::new()));
        assert_eq!(MatchKind::StartsWith.regex(""), "", "no words: every page");
    }

    #[test]
    fn the_expressions_say_what_the_words_say() {
        assert_eq!(MatchKind::Contains.regex("/a.b"), "/a\\.b");
        assert_eq!(MatchKind::StartsWith.regex("/blog"), "^https?://[^/]+/blog");
        assert_eq!(
            MatchKind::Exactly.regex("/pricing"),
            "^https?://[^/]+/pricing(?:[?#]|$)"
        );
        assert_eq!(
            MatchKind::Exactly.regex("https://x.example/"),
            "^https://x\\.example/(?:[?#]|$)"
        );
    }

    #[test]
    fn any_other_expression_is_the_advanced_form() {
        for regex in ["/(shop|store)", "^/x", "a.*b", "\\d+", "(?:[?#]|$)"] {
            assert_eq!(
                MatchKind::read(regex),
                (MatchKind::Pattern, regex.to_owned())
            );
        }
        assert_eq!(
            MatchKind::read("/contactus"),
            (MatchKind::Contains, "/contactus".into())
        );
        for kind in MatchKind::ALL {
            assert_eq!(MatchKind::from_code(kind.code()), Some(kind));
        }
    }
}
