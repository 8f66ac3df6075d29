//! Security rules against the real edge: revocable visitor tokens, sessions
//! that end everywhere, roles on every endpoint, verified identities, origin
//! allowlists, rate limits per visitor and per address, and field limits.

use charla_shared::api::{
    ConversationCreated, CreateConversation, OperatorForm, PasswordChange, Session, StaffRole,
    Transcript,
};
use charla_shared::identity::{self, ChannelSecrets, ChannelSecurity, Visitor};
use charla_shared::ids::{ChannelId, ClientMsgId, ConversationId, OperatorId, Seq, VisitorToken};
use charla_shared::limits::{
    MAX_ALLOWED_ORIGINS, MAX_NAME_CHARS, MAX_PASSWORD_BYTES, MAX_USER_ID_CHARS,
};
use charla_shared::protocol::{ClientFrame, ErrorCode, InboxFrame, ServerFrame};
use charla_shared::routes::{self, Access};
use charla_tests::client::{Api, Reply, Socket};
use charla_tests::edge::{run, test_edge, test_state, wrangler, LocalEdge, DATABASE};
use charla_tests::seed::{
    first_admin_sql, DEMO_CHANNEL, DEMO_EMAIL, DEMO_PASSWORD, OPERATOR_EMAIL, OUTSIDER_EMAIL,
    TEST_PASSWORD,
};
use tempfile::TempDir;

fn edge_with(vars: &[(&str, &str)]) -> (LocalEdge, TempDir) {
    test_edge(vars).expect("the local edge starts")
}

fn demo() -> ChannelId {
    ChannelId::parse(DEMO_CHANNEL).unwrap()
}

fn send(id: &str, text: &str) -> ClientFrame {
    ClientFrame::Send {
        id: ClientMsgId::parse(id).unwrap(),
        text: text.into(),
    }
}

/// Starts a conversation with a visitor profile and extra headers.
fn start(api: &Api, visitor: Visitor, headers: &[(&str, &str)]) -> Reply {
    let body = serde_json::to_string(&CreateConversation {
        channel: demo(),
        visitor,
        chatbot: None,
        language: None,
        visitor_key: None,
    })
    .unwrap();
    api.request("POST", routes::CONVERSATIONS, Some(&body), headers)
}

fn created(reply: &Reply) -> ConversationCreated {
    assert_eq!(reply.status, 201, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

fn secrets(api: &Api, admin: &str) -> ChannelSecrets {
    let reply = api.get(&routes::channel_security(&demo()), Some(admin));
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

fn set_security(api: &Api, admin: &str, security: &ChannelSecurity) -> Reply {
    api.request(
        "PUT",
        &routes::channel_security(&demo()),
        Some(&serde_json::to_string(security).unwrap()),
        &[("cookie", admin)],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_can_revoke_a_visitor_token() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let conversation = api.create_conversation(DEMO_CHANNEL);
    let mut visitor = Socket::visitor(
        &edge,
        &conversation.conversation,
        &conversation.token,
        Seq(0),
    )
    .await
    .unwrap();
    visitor.joined().await;
    visitor.send(&send("m1", "hello")).await;

    let revoke = routes::revoke(&conversation.conversation);
    assert_eq!(api.post_raw(&revoke, "", None).status, 401);
    let marta = api.sign_in(OUTSIDER_EMAIL, TEST_PASSWORD);
    assert_eq!(api.post_raw(&revoke, "", Some(&marta)).status, 403);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    assert_eq!(api.post_raw(&revoke, "", Some(&luis)).status, 204);

    let problem = visitor.next_error().await;
    assert_eq!(problem.code, ErrorCode::Forbidden, "the visitor is told");
    let refusal = Socket::visitor(
        &edge,
        &conversation.conversation,
        &conversation.token,
        Seq(0),
    )
    .await
    .err()
    .expect("the token opens nothing any more");
    assert_eq!(refusal.status, 403);
    let reply = api.get(&routes::transcript(&conversation.conversation), Some(&luis));
    let transcript: Transcript = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(
        transcript.messages.len(),
        1,
        "operators keep the transcript"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_manage_accounts_and_a_given_password_opens_only_its_replacement() {
    // A deployment's first admin, as `cargo xtask admin` makes them.
    let state = test_state().unwrap();
    let first = first_admin_sql("root", "root@charla.test", "Root", "given-at-deploy", 0);
    let mut insert = wrangler();
    insert
        .args(["d1", "execute", DATABASE, "--local", "--persist-to"])
        .arg(state.path())
        .args(["--command", &first]);
    run(insert).unwrap();
    let edge = LocalEdge::start_with(state.path(), &[]).unwrap();
    let api = Api::new(&edge);
    let root = api.sign_in("root@charla.test", "given-at-deploy");
    let session: Session =
        serde_json::from_str(&api.get(routes::SESSION, Some(&root)).body).unwrap();
    assert_eq!(session.operator.role, StaffRole::Admin);
    assert!(session.operator.must_change_password);
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let form = |password: Option<&str>| OperatorForm {
        id: OperatorId::parse("lucia").unwrap(),
        name: "Lucía Pérez".into(),
        email: "lucia@charla.test".into(),
        role: StaffRole::Operator,
        chat_name: "Lucía".into(),
        avatar_color: "#6639ba".into(),
        password: password.map(str::to_owned),
    };
    let initial = "given-by-ana-1";

    // Checked on the edge: a short password, a taken address.
    let reply = api.post(routes::OPERATORS, &form(Some("short")), Some(&admin));
    assert_eq!(
        (reply.status, reply.problem().code),
        (400, ErrorCode::Invalid)
    );
    let pale = OperatorForm {
        avatar_color: "#fff8c5".into(),
        ..form(Some(initial))
    };
    let reply = api.post(routes::OPERATORS, &pale, Some(&admin));
    assert_eq!(
        (reply.status, reply.problem().code),
        (400, ErrorCode::Invalid)
    );
    let taken = OperatorForm {
        email: OPERATOR_EMAIL.into(),
        ..form(Some(initial))
    };
    assert_eq!(
        api.post(routes::OPERATORS, &taken, Some(&admin)).status,
        409
    );
    assert_eq!(
        api.post(routes::OPERATORS, &form(Some(initial)), Some(&admin))
            .status,
        201
    );
    let again = api.post(routes::OPERATORS, &form(Some(initial)), Some(&admin));
    assert_eq!(
        (again.status, again.problem().code),
        (409, ErrorCode::Conflict)
    );
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let not_admin = api.post(routes::OPERATORS, &form(Some(initial)), Some(&luis));
    assert_eq!(not_admin.status, 403, "operators do not manage accounts");

    // The given password opens only its replacement.
    let lucia = api.sign_in("lucia@charla.test", initial);
    let session: Session =
        serde_json::from_str(&api.get(routes::SESSION, Some(&lucia)).body).unwrap();
    assert!(session.operator.must_change_password);
    let refused = api.get(&routes::offline_messages(&demo()), Some(&lucia));
    assert_eq!(
        (refused.status, refused.problem().code),
        (403, ErrorCode::Forbidden)
    );
    let change = |current: &str, new: &str| {
        api.request(
            "PUT",
            routes::PASSWORD,
            Some(
                &serde_json::to_string(&PasswordChange {
                    current: current.into(),
                    new: new.into(),
                })
                .unwrap(),
            ),
            &[("cookie", &lucia)],
        )
    };
    assert_eq!(change("wrong-password", "mine-and-long").status, 401);
    assert_eq!(change(initial, "too-short").status, 400);
    assert_eq!(change(initial, initial).status, 400, "the same again");
    assert_eq!(change(initial, "mine-and-long").status, 200);
    let session: Session =
        serde_json::from_str(&api.get(routes::SESSION, Some(&lucia)).body).unwrap();
    assert!(
        !session.operator.must_change_password,
        "the session goes on"
    );

    // Admins give her the demo channel; visitors see her chat name.
    api.configure(&admin, DEMO_CHANNEL, |s| {
        s.operators.push(OperatorId::parse("lucia").unwrap());
    });
    let conversation = api.create_conversation(DEMO_CHANNEL).conversation;
    let mut pane = Socket::operator(&edge, &conversation, &lucia, Seq(0))
        .await
        .unwrap();
    pane.joined().await;
    pane.send(&send("hi", "Hola")).await;
    let name = loop {
        if let ServerFrame::Message { message } = pane.next().await {
            break message.author.name;
        }
    };
    assert_eq!(name, "Lucía");

    // A new initial password ends her sessions; an admin cannot remove or
    // demote themselves; removing her ends everything.
    let reset = api.request(
        "PUT",
        &routes::operator(&OperatorId::parse("lucia").unwrap()),
        Some(&serde_json::to_string(&form(Some("reset-by-ana-2"))).unwrap()),
        &[("cookie", &admin)],
    );
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(api.get(routes::SESSION, Some(&lucia)).status, 401);
    let ana = OperatorId::parse("demo-admin").unwrap();
    assert_eq!(api.delete(&routes::operator(&ana), &admin).status, 403);
    let demoted = OperatorForm {
        id: ana.clone(),
        name: "Ana".into(),
        email: DEMO_EMAIL.into(),
        role: StaffRole::Operator,
        chat_name: String::new(),
        avatar_color: String::new(),
        password: None,
    };
    let reply = api.request(
        "PUT",
        &routes::operator(&ana),
        Some(&serde_json::to_string(&demoted).unwrap()),
        &[("cookie", &admin)],
    );
    assert_eq!(reply.status, 403);
    let lucia = api.sign_in("lucia@charla.test", "reset-by-ana-2");
    let lucia_id = OperatorId::parse("lucia").unwrap();
    assert_eq!(api.delete(&routes::operator(&lucia_id), &admin).status, 204);
    assert_eq!(api.get(routes::SESSION, Some(&lucia)).status, 401);
    assert_eq!(api.delete(&routes::operator(&lucia_id), &admin).status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_everywhere_ends_every_session_and_its_sockets() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let here = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let elsewhere = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let conversation = api.create_conversation(DEMO_CHANNEL);
    let mut inbox = Socket::inbox(&edge, DEMO_CHANNEL, &elsewhere)
        .await
        .unwrap();
    inbox.next_inbox().await;
    let mut pane = Socket::operator(&edge, &conversation.conversation, &elsewhere, Seq(0))
        .await
        .unwrap();
    pane.joined().await;

    assert_eq!(api.delete(routes::SESSIONS, &here).status, 204);
    for cookie in [&here, &elsewhere] {
        assert_eq!(api.get(routes::SESSION, Some(cookie)).status, 401);
    }
    let InboxFrame::Error { problem } = inbox.next_inbox().await else {
        panic!("the inbox is told");
    };
    assert_eq!(problem.code, ErrorCode::Unauthorized);
    pane.send(&send("late", "after sign-out")).await;
    assert_eq!(pane.next_error().await.code, ErrorCode::Unauthorized);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let reply = api.get(&routes::transcript(&conversation.conversation), Some(&ana));
    let transcript: Transcript = serde_json::from_str(&reply.body).unwrap();
    assert!(
        transcript.messages.is_empty(),
        "nothing was stored after the sign-out"
    );
    assert_eq!(
        Socket::inbox(&edge, DEMO_CHANNEL, &elsewhere)
            .await
            .err()
            .unwrap()
            .status,
        401
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_are_enforced_on_every_endpoint() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let conversation = api.create_conversation(DEMO_CHANNEL);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let marta = api.sign_in(OUTSIDER_EMAIL, TEST_PASSWORD);
    let transcript = routes::transcript(&conversation.conversation);
    let security = routes::channel_security(&demo());
    let secret = routes::channel_secret(&demo());
    let body = serde_json::to_string(&ChannelSecurity::default()).unwrap();

    // (method, path, body, [anonymous, outsider, operator, admin])
    let matrix: [(&str, &str, Option<&str>, [u16; 4]); 6] = [
        ("GET", routes::SESSION, None, [401, 200, 200, 200]),
        ("GET", &transcript, None, [401, 403, 200, 200]),
        ("GET", &security, None, [401, 403, 403, 200]),
        ("PUT", &security, Some(&body), [401, 403, 403, 200]),
        ("POST", &secret, None, [401, 403, 403, 200]),
        (
            "GET",
            "/api/channels/sales/security",
            None,
            [401, 403, 403, 200],
        ),
    ];
    for (method, path, body, expected) in matrix {
        for (who, cookie) in [None, Some(&marta), Some(&luis), Some(&ana)]
            .into_iter()
            .enumerate()
        {
            let headers: Vec<(&str, &str)> =
                cookie.map(|c| ("cookie", c.as_str())).into_iter().collect();
            let reply = api.request(method, path, body, &headers);
            assert_eq!(
                reply.status, expected[who],
                "{method} {path} as #{who}: {}",
                reply.body
            );
        }
    }
    // Sockets: the conversation and the inbox.
    let id = &conversation.conversation;
    assert_eq!(
        Socket::operator(&edge, id, &marta, Seq(0))
            .await
            .err()
            .unwrap()
            .status,
        403
    );
    assert!(Socket::operator(&edge, id, &luis, Seq(0)).await.is_ok());
    assert_eq!(
        Socket::inbox(&edge, DEMO_CHANNEL, &marta)
            .await
            .err()
            .unwrap()
            .status,
        403
    );
    // The inbox takes nothing but a console's activity.
    let mut inbox = Socket::inbox(&edge, DEMO_CHANNEL, &ana).await.unwrap();
    inbox.next_inbox().await;
    inbox.send(&send("x", "hello")).await;
    let InboxFrame::Error { problem } = inbox.next_inbox().await else {
        panic!("refused");
    };
    assert_eq!(problem.code, ErrorCode::Malformed);
    // Cookie-authenticated changes from another site are refused.
    let reply = api.request(
        "POST",
        &secret,
        None,
        &[("cookie", &ana), ("origin", "https://evil.example.com")],
    );
    assert_eq!(reply.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identities_are_verified_and_can_be_required() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let secret = secrets(&api, &ana).identity_secret;
    assert_eq!(secret.len(), 64, "a secret is generated on first read");
    assert_eq!(secrets(&api, &ana).identity_secret, secret, "and then kept");

    let signed = |user: &str, key: &str| Visitor {
        name: Some("Ana Pérez".into()),
        email: Some("ana@example.com".into()),
        user_id: Some(user.into()),
        user_hash: Some(identity::sign(key, user)),
    };
    let verified = created(&start(&api, signed("user-42", &secret), &[]));
    let reply = api.get(&routes::transcript(&verified.conversation), Some(&ana));
    let transcript: Transcript = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(transcript.contact.verified_user.as_deref(), Some("user-42"));
    assert_eq!(transcript.visitor, "Ana Pérez");

    let forged = start(&api, signed("user-42", "guessed-secret"), &[]);
    assert_eq!(forged.status, 403);
    assert!(forged.problem().message.contains("could not be verified"));

    let anonymous = created(&start(&api, Visitor::default(), &[]));
    let reply = set_security(
        &api,
        &ana,
        &ChannelSecurity {
            allowed_origins: vec![],
            require_identity: true,
        },
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let refused = start(&api, Visitor::default(), &[]);
    assert_eq!(refused.status, 403);
    assert!(refused.problem().message.contains("signed-in"));
    // An anonymous conversation from before cannot go on either.
    let refusal = Socket::visitor(&edge, &anonymous.conversation, &anonymous.token, Seq(0))
        .await
        .err()
        .expect("no anonymous message gets through");
    assert_eq!(refusal.status, 403);
    assert!(
        Socket::visitor(&edge, &verified.conversation, &verified.token, Seq(0))
            .await
            .is_ok()
    );

    // Rotating the secret invalidates hashes made with the old one.
    let rotated: ChannelSecrets = serde_json::from_str(
        &api.post_raw(&routes::channel_secret(&demo()), "", Some(&ana))
            .body,
    )
    .unwrap();
    assert_ne!(rotated.identity_secret, secret);
    assert_eq!(start(&api, signed("user-7", &secret), &[]).status, 403);
    created(&start(
        &api,
        signed("user-7", &rotated.identity_secret),
        &[],
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_allowed_origins_may_use_a_channel() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let earlier = api.create_conversation(DEMO_CHANNEL);
    let bad = set_security(
        &api,
        &ana,
        &ChannelSecurity {
            allowed_origins: vec!["shop.example.com/path".into()],
            require_identity: false,
        },
    );
    assert_eq!(bad.status, 400);
    assert!(bad.problem().message.contains("scheme and host"));
    let ok = set_security(
        &api,
        &ana,
        &ChannelSecurity {
            allowed_origins: vec!["https://Shop.Example.com".into()],
            require_identity: false,
        },
    );
    assert_eq!(ok.status, 200, "{}", ok.body);

    let shop = [("origin", "https://shop.example.com")];
    let evil = [("origin", "https://evil.example.com")];
    created(&start(&api, Visitor::default(), &shop));
    for headers in [&evil[..], &[]] {
        let reply = start(&api, Visitor::default(), headers);
        assert_eq!(reply.status, 403, "{headers:?}");
        assert_eq!(reply.problem().code, ErrorCode::Forbidden);
    }
    let config = routes::widget_config(&demo());
    assert_eq!(api.request("GET", &config, None, &evil).status, 403);
    assert_eq!(api.request("GET", &config, None, &shop).status, 200);

    // WebSockets carry the page's origin too.
    let url = format!(
        "{}{}",
        edge.ws_url(),
        routes::conversation_socket(&earlier.conversation, Seq(0), Some(&earlier.token))
    );
    assert_eq!(
        Socket::open_from(&url, "https://evil.example.com")
            .await
            .err()
            .unwrap()
            .status,
        403
    );
    assert!(Socket::open_from(&url, "https://shop.example.com")
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_slow_one_visitor_or_address_and_nobody_else() {
    let (edge, _state) = edge_with(&[
        ("VISITOR_BURST", "5"),
        ("VISITOR_PER_MINUTE", "6"),
        ("ADDRESS_BURST", "8"),
        ("ADDRESS_PER_MINUTE", "1"),
    ]);
    let api = Api::new(&edge);
    let fast = api.create_conversation(DEMO_CHANNEL);
    let calm = api.create_conversation(DEMO_CHANNEL);
    let mut flooder = Socket::visitor(&edge, &fast.conversation, &fast.token, Seq(0))
        .await
        .unwrap();
    flooder.joined().await;
    let mut other = Socket::visitor(&edge, &calm.conversation, &calm.token, Seq(0))
        .await
        .unwrap();
    other.joined().await;

    for i in 0..7 {
        flooder.send(&send(&format!("f{i}"), "spam")).await;
    }
    let (mut acked, mut limited) = (0, Vec::new());
    while acked + limited.len() < 7 {
        match flooder.next().await {
            ServerFrame::Ack { .. } => acked += 1,
            ServerFrame::Error { problem } => limited.push(problem),
            _ => {}
        }
    }
    assert_eq!(acked, 5, "the burst goes through");
    for problem in &limited {
        assert_eq!(problem.code, ErrorCode::RateLimited);
        assert!(
            problem.retry_after_ms.unwrap_or(0) > 0,
            "says when to try again"
        );
        assert!(
            problem.id.is_some(),
            "names the message, which the client keeps"
        );
    }
    other.send(&send("calm", "hello")).await;
    assert!(
        matches!(other.next().await, ServerFrame::Ack { .. }),
        "other visitors are unaffected"
    );
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let reply = api.get(&routes::transcript(&fast.conversation), Some(&ana));
    let transcript: Transcript = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(
        transcript.messages.len(),
        5,
        "nothing over the limit was stored"
    );

    // Per address: one address runs out, another does not notice.
    let from = |ip: &'static str| [("cf-connecting-ip", ip)];
    let statuses: Vec<u16> = (0..8)
        .map(|_| start(&api, Visitor::default(), &from("203.0.113.7")).status)
        .collect();
    assert_eq!(statuses, [201; 8], "the burst");
    let refused = start(&api, Visitor::default(), &from("203.0.113.7"));
    assert_eq!(refused.status, 429, "the first one over it");
    assert_eq!(refused.problem().code, ErrorCode::RateLimited);
    assert!(refused
        .header("retry-after")
        .is_some_and(|s| s.parse::<u64>().unwrap_or(0) > 0));
    assert_eq!(
        start(&api, Visitor::default(), &from("198.51.100.1")).status,
        201
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_is_limited_on_the_edge() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let long_password = "p".repeat(MAX_PASSWORD_BYTES + 1);
    let reply = api.post_raw(
        routes::SESSION,
        &format!(r#"{{"email":"{DEMO_EMAIL}","password":"{long_password}"}}"#),
        None,
    );
    assert_eq!(reply.status, 400);
    let reply = api.post_raw(
        routes::SESSION,
        &format!(r#"{{"email":"{}@x.io","password":"x"}}"#, "e".repeat(300)),
        None,
    );
    assert_eq!(reply.status, 400);
    for visitor in [
        Visitor {
            name: Some("n".repeat(MAX_NAME_CHARS + 1)),
            ..Visitor::default()
        },
        Visitor {
            email: Some(format!("{}@x.io", "e".repeat(300))),
            ..Visitor::default()
        },
        Visitor {
            user_id: Some("u".repeat(MAX_USER_ID_CHARS + 1)),
            ..Visitor::default()
        },
        Visitor {
            user_id: Some("u".into()),
            user_hash: Some("short".into()),
            ..Visitor::default()
        },
    ] {
        let reply = start(&api, visitor.clone(), &[]);
        assert_eq!(reply.status, 400, "{visitor:?}");
        assert_eq!(reply.problem().code, ErrorCode::Invalid);
    }
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let too_many = ChannelSecurity {
        allowed_origins: (0..=MAX_ALLOWED_ORIGINS)
            .map(|i| format!("https://s{i}.example.com"))
            .collect(),
        require_identity: false,
    };
    assert_eq!(set_security(&api, &ana, &too_many).status, 400);
    let unknown = ConversationId::from_random([3; 16]);
    assert_eq!(
        api.post_raw(&routes::revoke(&unknown), "", Some(&ana))
            .status,
        404
    );
}

/// A route's path with a sample id for each parameter: an existing
/// conversation of the demo channel, the demo channel, the Welcome Bot, a
/// record number, an operator, an article.
fn sample_path(pattern: &str, conversation: &ConversationId) -> String {
    let ids: Vec<&str> = pattern
        .split('/')
        .filter_map(|segment| match segment {
            "{conversation}" => Some(conversation.as_str()),
            "{channel}" => Some(DEMO_CHANNEL),
            "{bot}" => Some(charla_shared::bot::WELCOME_BOT),
            "{record}" => Some("1000"),
            "{operator}" => Some("luis"),
            "{article}" => Some("returns"),
            _ => None,
        })
        .collect();
    routes::fill(pattern, &ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_in_the_table_refuses_whom_it_must() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let conversation = api.create_conversation(DEMO_CHANNEL).conversation;
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let body = Some("{}");

    for route in routes::TABLE {
        let path = sample_path(route.pattern, &conversation);
        let method = route.method.as_str();
        if route.access != Access::Public {
            // Without credentials: refused, and the body says only that.
            let reply = api.request(method, &path, body, &[]);
            assert!(
                [401, 403].contains(&reply.status),
                "{method} {path} without credentials: {} {}",
                reply.status,
                reply.body
            );
            let problem = reply.problem();
            assert!(
                matches!(problem.code, ErrorCode::Unauthorized | ErrorCode::Forbidden),
                "{method} {path}: {problem:?}"
            );
            let fields: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&reply.body).unwrap();
            assert_eq!(
                fields.keys().collect::<Vec<_>>(),
                ["code", "message"],
                "{method} {path} leaks nothing but the refusal"
            );
        }
        if route.access == Access::Admin {
            let reply = api.request(method, &path, body, &[("cookie", &luis)]);
            assert_eq!(
                reply.status, 403,
                "{method} {path} as an operator who is not an admin: {}",
                reply.body
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn methods_outside_the_table_are_not_allowed() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let security = routes::channel_security(&demo());
    for method in ["PROPFIND", "PATCH", "OPTIONS"] {
        let reply = api.raw_request(method, &security, &[("cookie", &ana)]);
        assert_eq!(reply.status, 405, "{method}: {}", reply.body);
        assert_eq!(reply.header("allow"), Some("GET, PUT"), "{method}");
        assert_eq!(reply.problem().code, ErrorCode::MethodNotAllowed);
        assert!(!reply.body.contains("identity_secret"), "{method}");
    }
    // A CORS preflight on a public route is answered for any site.
    let preflight = api.request("OPTIONS", routes::CONVERSATIONS, None, &[]);
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequence_numbers_past_the_largest_are_a_clear_error() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let created = api.create_conversation(DEMO_CHANNEL);
    let url = format!(
        "{}{}",
        edge.ws_url(),
        routes::conversation_socket(&created.conversation, Seq(0), Some(&created.token))
    )
    .replace("after=0", "after=9223372036854775808");
    let refusal = Socket::open(&url, None).await.err().expect("refused");
    assert_eq!(refusal.status, 400);
    assert_eq!(refusal.problem.unwrap().code, ErrorCode::Invalid);

    let mut visitor = Socket::visitor(&edge, &created.conversation, &created.token, Seq(0))
        .await
        .unwrap();
    visitor.joined().await;
    visitor
        .send_raw(r#"{"type":"sync","after":18446744073709551615}"#)
        .await;
    assert_eq!(visitor.next_error().await.code, ErrorCode::Malformed);
    visitor.send(&send("still", "still works")).await;
    assert!(matches!(visitor.next().await, ServerFrame::Ack { .. }));
}

/// Reads frames until the socket is told it may not go on, and returns why.
async fn refusal_then_close(socket: &mut Socket) -> charla_shared::protocol::Problem {
    let problem = socket.next_error().await;
    assert!(
        socket.is_closed().await,
        "the socket is closed after: {problem:?}"
    );
    problem
}

/// The texts stored in a conversation.
fn stored_texts(api: &Api, admin: &str, id: &ConversationId) -> Vec<String> {
    let reply = api.get(&routes::transcript(id), Some(admin));
    let transcript: Transcript = serde_json::from_str(&reply.body).unwrap();
    transcript.messages.into_iter().map(|m| m.text).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_visitor_cannot_go_on_posting_on_an_open_socket() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let created = api.create_conversation(DEMO_CHANNEL);
    let mut visitor = Socket::visitor(&edge, &created.conversation, &created.token, Seq(0))
        .await
        .unwrap();
    visitor.joined().await;
    visitor.send(&send("before", "before the block")).await;
    assert!(matches!(visitor.next().await, ServerFrame::Ack { .. }));

    let reply = api.post_raw(&routes::revoke(&created.conversation), "", Some(&ana));
    assert_eq!(reply.status, 204);
    // A client that ignores the refusal and keeps writing.
    for i in 0..3 {
        visitor
            .try_send(&send(&format!("after-{i}"), "after the block"))
            .await;
    }
    assert_eq!(
        refusal_then_close(&mut visitor).await.code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        stored_texts(&api, &ana, &created.conversation),
        ["before the block"],
        "nothing sent after the block was stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tightened_security_closes_the_sockets_it_no_longer_admits() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let open = |created: &ConversationCreated, origin: &str| {
        let url = format!(
            "{}{}",
            edge.ws_url(),
            routes::conversation_socket(&created.conversation, Seq(0), Some(&created.token))
        );
        let origin = origin.to_owned();
        async move {
            let mut socket = Socket::open_from(&url, &origin).await.unwrap();
            socket.joined().await;
            socket
        }
    };
    let shop = "https://shop.example.com";
    let from_shop = created(&start(&api, Visitor::default(), &[("origin", shop)]));
    let from_elsewhere = created(&start(
        &api,
        Visitor::default(),
        &[("origin", "https://blog.example.com")],
    ));
    let mut kept = open(&from_shop, shop).await;
    let mut dropped = open(&from_elsewhere, "https://blog.example.com").await;

    let reply = set_security(
        &api,
        &ana,
        &ChannelSecurity {
            allowed_origins: vec![shop.into()],
            require_identity: false,
        },
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    dropped.try_send(&send("late", "after the change")).await;
    let problem = refusal_then_close(&mut dropped).await;
    assert_eq!(problem.code, ErrorCode::Forbidden);
    assert!(problem.message.contains("site"), "{}", problem.message);
    assert!(stored_texts(&api, &ana, &from_elsewhere.conversation).is_empty());

    // The allowed page goes on, until the channel requires signed-in
    // visitors.
    kept.send(&send("ok", "still allowed")).await;
    assert!(matches!(kept.next().await, ServerFrame::Ack { .. }));
    let reply = set_security(
        &api,
        &ana,
        &ChannelSecurity {
            allowed_origins: vec![shop.into()],
            require_identity: true,
        },
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    kept.try_send(&send("anonymous", "not signed in")).await;
    let problem = refusal_then_close(&mut kept).await;
    assert!(problem.message.contains("signed-in"), "{}", problem.message);
    assert_eq!(
        stored_texts(&api, &ana, &from_shop.conversation),
        ["still allowed"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_learns_nothing_about_a_conversation_under_an_allowlist() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let existing = api.create_conversation(DEMO_CHANNEL);
    let reply = set_security(
        &api,
        &ana,
        &ChannelSecurity {
            allowed_origins: vec!["https://shop.example.com".into()],
            require_identity: false,
        },
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let wrong = VisitorToken::from_random([5; 32]);
    let answer = |id: ConversationId| {
        let url = format!(
            "{}{}",
            edge.ws_url(),
            routes::conversation_socket(&id, Seq(0), Some(&wrong))
        );
        async move {
            let refusal = Socket::open_from(&url, "https://evil.example.com")
                .await
                .err()
                .expect("refused");
            (refusal.status, refusal.problem)
        }
    };
    let for_existing = answer(existing.conversation.clone()).await;
    let for_unknown = answer(ConversationId::from_random([6; 16])).await;
    assert_eq!(for_existing, for_unknown);
    assert_eq!(for_existing.0, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_has_its_own_limits_per_address_and_per_account() {
    let (edge, _state) = edge_with(&[
        ("ADDRESS_BURST", "3"),
        ("ADDRESS_PER_MINUTE", "1"),
        ("SIGN_IN_BURST", "4"),
        ("SIGN_IN_PER_MINUTE", "1"),
        ("ACCOUNT_SIGN_IN_BURST", "3"),
        ("ACCOUNT_SIGN_IN_PER_MINUTE", "1"),
    ]);
    let api = Api::new(&edge);
    let sign_in = |email: &str, password: &str, address: &str| {
        let body = serde_json::to_string(&charla_shared::api::SignIn {
            email: email.into(),
            password: password.into(),
        })
        .unwrap();
        api.request(
            "POST",
            routes::SESSION,
            Some(&body),
            &[("cf-connecting-ip", address)],
        )
        .status
    };
    // A flood of other requests from the admin's address does not lock
    // the admin out.
    let office = "192.0.2.10";
    let flood: Vec<u16> = (0..5)
        .map(|_| start(&api, Visitor::default(), &[("cf-connecting-ip", office)]).status)
        .collect();
    assert_eq!(flood, [201, 201, 201, 429, 429]);
    assert_eq!(sign_in(DEMO_EMAIL, DEMO_PASSWORD, office), 200);

    // Guessing one account's password from many addresses is slowed down
    // for that account only.
    let guesses: Vec<u16> = (0..4)
        .map(|i| sign_in(OPERATOR_EMAIL, "guess", &format!("198.51.100.{i}")))
        .collect();
    assert_eq!(guesses, [401, 401, 401, 429]);
    assert_eq!(sign_in(OPERATOR_EMAIL, TEST_PASSWORD, "198.51.100.99"), 429);
    assert_eq!(sign_in(OUTSIDER_EMAIL, TEST_PASSWORD, "198.51.100.99"), 200);

    // And one address cannot try many accounts at full speed.
    let attacker = "203.0.113.50";
    let tries: Vec<u16> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|who| sign_in(&format!("{who}@example.com"), "guess", attacker))
        .collect();
    assert_eq!(tries, [401, 401, 401, 401, 429]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_frame_is_refused_when_the_session_cannot_be_confirmed() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let created = api.create_conversation(DEMO_CHANNEL);
    let mut operator = Socket::operator(&edge, &created.conversation, &luis, Seq(0))
        .await
        .unwrap();
    operator.joined().await;

    // D1 cannot answer the session check.
    edge.sql("ALTER TABLE sessions RENAME TO sessions_elsewhere")
        .expect("the table moves");
    operator.send(&send("m1", "while D1 fails")).await;
    let problem = operator.next_error().await;
    assert_eq!(problem.code, ErrorCode::Unavailable, "{problem:?}");
    assert_eq!(problem.id, Some(ClientMsgId::parse("m1").unwrap()));
    assert!(problem.retry_after_ms.is_some(), "says when to try again");
    assert!(problem.message.contains("could not be confirmed"));

    edge.sql("ALTER TABLE sessions_elsewhere RENAME TO sessions")
        .expect("the table comes back");
    operator.send(&send("m1", "while D1 fails")).await;
    let ServerFrame::Ack { seq, .. } = operator.next().await else {
        panic!("the same message goes through once the session is confirmed");
    };
    assert_eq!(seq, Seq(1), "nothing was stored the first time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_everywhere_closes_open_conversations_at_once() {
    let (edge, _state) = edge_with(&[]);
    let api = Api::new(&edge);
    let here = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let elsewhere = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let mut panes = Vec::new();
    let mut visitors = Vec::new();
    for _ in 0..2 {
        let created = api.create_conversation(DEMO_CHANNEL);
        let mut pane = Socket::operator(&edge, &created.conversation, &here, Seq(0))
            .await
            .unwrap();
        pane.joined().await;
        panes.push(pane);
        let mut visitor = Socket::visitor(&edge, &created.conversation, &created.token, Seq(0))
            .await
            .unwrap();
        visitor.joined().await;
        visitors.push(visitor);
    }
    assert_eq!(api.delete(routes::SESSIONS, &elsewhere).status, 204);
    // The sign-out answered only after every open socket was told: the
    // next visitor message reaches no signed-out socket.
    for (pane, visitor) in panes.iter_mut().zip(&mut visitors) {
        visitor.send(&send("next", "anyone there?")).await;
        assert!(matches!(visitor.next().await, ServerFrame::Ack { .. }));
        let problem = refusal_then_close(pane).await;
        assert_eq!(problem.code, ErrorCode::Unauthorized);
    }
}
