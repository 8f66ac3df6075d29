//! The browser and operating system named by a `User-Agent` header, in
//! words an operator understands ("Firefox", "Android"). Coarse on
//! purpose: the visitor panel shows these two names and nothing more is
//! kept of the header.

/// The browser's and the operating system's names; "Unknown" for what is
/// not recognised.
pub fn browser_and_os(user_agent: &str) -> (&'static str, &'static str) {
    (browser(user_agent), os(user_agent))
}

fn browser(agent: &str) -> &'static str {
    // Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari".
    const BROWSERS: [(&str, &str); 8] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    BROWSERS
        .iter()
        .find(|(marker, _)| agent.contains(marker))
        .map_or("Unknown", |(_, name)| name)
}

fn os(agent: &str) -> &'static str {
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    SYSTEMS
        .iter()
        .find(|(marker, _)| agent.contains(marker))
        .map_or("Unknown", |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_agents_are_named() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                ("Edge", "Windows"),
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/148.0.0.0 Safari/537.36",
                ("Chrome", "Linux"),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                ("Safari", "iOS"),
            ),
            (
                "Mozilla/5.0 (Android 15; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
                ("Firefox", "Android"),
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                ("Safari", "macOS"),
            ),
            ("curl/8.5.0", ("Unknown", "Unknown")),
        ];
        for (agent, expected) in cases {
            assert_eq!(browser_and_os(agent), expected, "{agent}");
        }
    }
}
