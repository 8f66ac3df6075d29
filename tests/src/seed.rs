//! Accounts and channels put into a local D1 database: the demo setup of
//! `cargo xtask dev` and the fixtures of the tests. Passwords are stored as
//! PBKDF2 digests in the format the edge reads (shared/src/password.rs),
//! never in plain text.

use charla_shared::bot::WELCOME_BOT;
use charla_shared::channel::{ChannelOptions, ChannelTexts, Language, Rule};
use charla_shared::limits::PASSWORD_ITERATIONS;
use charla_shared::password::{PasswordHash, DIGEST_BYTES, SALT_BYTES};
use charla_shared::Millis;
use sha2::Sha256;

/// The demo channel the demo site embeds.
pub const DEMO_CHANNEL: &str = "demo";
/// The demo admin's sign-in address. Local development only.
pub const DEMO_EMAIL: &str = "admin@charla.test";
/// The demo admin's password. Local development only.
pub const DEMO_PASSWORD: &str = "charla-demo";
/// The demo admin's name, as visitors see it.
pub const DEMO_NAME: &str = "Ana";

/// A second operator of the demo channel, for tests.
pub const OPERATOR_EMAIL: &str = "luis@charla.test";
/// A channel the demo operators do not answer, for tests.
pub const OTHER_CHANNEL: &str = "sales";
/// The only operator of the other channel, for tests.
pub const OUTSIDER_EMAIL: &str = "marta@charla.test";
/// The password of every test account.
pub const TEST_PASSWORD: &str = "test-password";
/// A channel whose name and texts are script injection attempts, for tests.
pub const HOSTILE_CHANNEL: &str = "hostile";
/// The operator of the hostile channel, whose name is an injection attempt.
pub const HOSTILE_EMAIL: &str = "mallory@charla.test";

/// Strings that would run script if any UI rendered them as HTML. Each sets
/// `window.__xss` if it ever executes.
pub const XSS: [&str; 6] = [
    r#"<img src=x onerror="window.__xss=1">"#,
    "<script>window.__xss=2</script>",
    r#""><svg onload=window.__xss=3>"#,
    r#"<a href="javascript:window.__xss=4">link</a>"#,
    r#"<iframe srcdoc="<script>parent.__xss=5</script>">"#,
    "{{constructor.constructor('window.__xss=6')()}}",
];

/// A channel to create.
#[derive(Debug, Clone)]
pub struct SeedChannel {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its look and texts.
    pub options: ChannelOptions,
    /// Its rules.
    pub rules: Vec<Rule>,
}

/// An operator account to create.
#[derive(Debug, Clone)]
pub struct SeedOperator {
    /// Account id.
    pub id: String,
    /// Sign-in address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// `admin` or `operator`.
    pub role: &'static str,
    /// The password to hash.
    pub password: String,
    /// Channels the operator answers.
    pub channels: Vec<String>,
}

/// What to put into a fresh database.
#[derive(Debug, Clone, Default)]
pub struct Seed {
    channels: Vec<SeedChannel>,
    operators: Vec<SeedOperator>,
}

impl Seed {
    /// The demo setup: one channel and one admin who answers it; when no
    /// operator is online, the Welcome Bot answers first, so a newcomer
    /// who opens the demo site sees it at once.
    pub fn demo() -> Self {
        let mut seed = Seed::base();
        seed.channels[0].rules = vec![Rule {
            chatbot: Some(WELCOME_BOT.into()),
            chatbot_only_if_no_operator: true,
            ..Rule::default()
        }];
        seed
    }

    /// The demo channel (with no rule) and its admin.
    fn base() -> Self {
        Seed::default()
            .channel(DEMO_CHANNEL, "Northwind Coffee")
            .operator(SeedOperator {
                id: "demo-admin".into(),
                email: DEMO_EMAIL.into(),
                name: DEMO_NAME.into(),
                role: "admin",
                password: DEMO_PASSWORD.into(),
                channels: vec![DEMO_CHANNEL.into()],
            })
    }

    /// The demo channel (without the demo's chatbot rule: tests add the
    /// rules they need) plus a second operator of the demo channel and a
    /// second channel with an operator of its own: what the tests use.
    pub fn for_tests() -> Self {
        Seed::base()
            .channel(OTHER_CHANNEL, "Sales")
            .operator(SeedOperator {
                id: "luis".into(),
                email: OPERATOR_EMAIL.into(),
                name: "Luis".into(),
                role: "operator",
                password: TEST_PASSWORD.into(),
                channels: vec![DEMO_CHANNEL.into()],
            })
            .operator(SeedOperator {
                id: "marta".into(),
                email: OUTSIDER_EMAIL.into(),
                name: "Marta".into(),
                role: "operator",
                password: TEST_PASSWORD.into(),
                channels: vec![OTHER_CHANNEL.into()],
            })
            .hostile()
    }

    /// The test seed plus a channel and an operator made of injection
    /// attempts.
    fn hostile(self) -> Self {
        let texts = ChannelTexts {
            button_text: XSS[0].into(),
            welcome_message: XSS[1].into(),
            input_placeholder: XSS[2].into(),
            closing_message: XSS[1].into(),
            out_of_hours_message: XSS[2].into(),
            offline_prompt: XSS[0].into(),
            unavailable_message: XSS[1].into(),
            agent_message: XSS[2].into(),
        };
        let options = ChannelOptions {
            texts: Language::ALL
                .into_iter()
                .map(|l| (l, texts.clone()))
                .collect(),
            ..ChannelOptions::default()
        };
        self.channel_with(HOSTILE_CHANNEL, XSS[3], options)
            .operator(SeedOperator {
                id: "mallory".into(),
                email: HOSTILE_EMAIL.into(),
                name: XSS[0].into(),
                role: "operator",
                password: TEST_PASSWORD.into(),
                channels: vec![HOSTILE_CHANNEL.into()],
            })
    }

    /// Adds a channel.
    pub fn channel(self, id: &str, name: &str) -> Self {
        self.channel_with(id, name, ChannelOptions::default())
    }

    /// Adds a channel with its own look and texts.
    pub fn channel_with(mut self, id: &str, name: &str, options: ChannelOptions) -> Self {
        self.channels.push(SeedChannel {
            id: id.into(),
            name: name.into(),
            options,
            rules: Vec::new(),
        });
        self
    }

    /// Adds an operator.
    pub fn operator(mut self, operator: SeedOperator) -> Self {
        self.operators.push(operator);
        self
    }

    /// The SQL that creates it all. Re-running it changes nothing: every
    /// insert is `OR IGNORE`, so an existing password stays as it was.
    pub fn to_sql(&self, now: Millis) -> String {
        let mut sql = String::new();
        for channel in &self.channels {
            sql += &format!(
                "INSERT OR IGNORE INTO channels (id, name, options, rules, created_at) VALUES ({}, {}, {}, {}, {now});\n",
                quote(&channel.id),
                quote(&channel.name),
                quote(&serde_json::to_string(&channel.options).expect("options encode")),
                quote(&serde_json::to_string(&channel.rules).expect("rules encode"))
            );
        }
        for operator in &self.operators {
            sql += &format!(
                "INSERT OR IGNORE INTO operators (id, email, name, role, password_hash, created_at) \
                 VALUES ({}, {}, {}, {}, {}, {now});\n",
                quote(&operator.id),
                quote(&operator.email),
                quote(&operator.name),
                quote(operator.role),
                quote(&hash_password(&operator.password))
            );
            for channel in &operator.channels {
                sql += &format!(
                    "INSERT OR IGNORE INTO channel_operators (channel_id, operator_id) VALUES ({}, {});\n",
                    quote(channel),
                    quote(&operator.id)
                );
            }
        }
        sql
    }
}

/// The SQL that creates a deployment's first admin (`cargo xtask admin`),
/// whose `password` is an initial one: they replace it at their first
/// sign-in.
pub fn first_admin_sql(id: &str, email: &str, name: &str, password: &str, now: Millis) -> String {
    format!(
        "INSERT INTO operators (id, email, name, role, password_hash, must_change_password, created_at) \
         VALUES ({}, {}, {}, 'admin', {}, 1, {now});",
        quote(id),
        quote(email),
        quote(name),
        quote(&hash_password(password))
    )
}

/// A random initial password: 20 characters of `a-z` and `2-9`.
pub fn initial_password() -> String {
    const LETTERS: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the OS has a random number generator");
    bytes
        .iter()
        .map(|b| char::from(LETTERS[usize::from(*b) % LETTERS.len()]))
        .collect()
}

/// A password's stored form, with a fresh random salt.
pub fn hash_password(password: &str) -> String {
    let mut salt = vec![0u8; SALT_BYTES];
    getrandom::fill(&mut salt).expect("the OS has a random number generator");
    let mut digest = vec![0u8; DIGEST_BYTES];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, PASSWORD_ITERATIONS, &mut digest);
    PasswordHash {
        iterations: PASSWORD_ITERATIONS,
        salt,
        digest,
    }
    .encode()
}

/// An SQL string literal.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_stored_as_digests_the_edge_can_read() {
        let stored = hash_password("s3cret");
        assert!(!stored.contains("s3cret"));
        let parsed = PasswordHash::parse(&stored).unwrap();
        let mut again = vec![0u8; DIGEST_BYTES];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"s3cret", &parsed.salt, parsed.iterations, &mut again);
        assert!(parsed.matches(&again));
        assert_ne!(
            hash_password("s3cret"),
            stored,
            "each hash has its own salt"
        );
    }

    #[test]
    fn the_demo_seed_never_holds_the_password() {
        let sql = Seed::demo().to_sql(0);
        assert!(sql.contains(DEMO_EMAIL));
        assert!(!sql.contains(DEMO_PASSWORD));
    }

    #[test]
    fn quotes_are_escaped() {
        assert_eq!(quote("O'Brien"), "'O''Brien'");
    }
}
