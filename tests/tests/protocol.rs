//! The wire protocol against the real edge on local workerd, over a raw
//! WebSocket client: ordering and sequence numbers, retries, and every kind
//! of bad input getting a clear refusal that stores nothing and leaves the
//! conversation working.

use std::collections::BTreeSet;
use std::time::Duration;

use charla_shared::api::{ConversationCreated, Transcript, WidgetConfig};
use charla_shared::ids::{ClientMsgId, ConversationId, Seq, VisitorToken};
use charla_shared::limits::{MAX_BODY_BYTES, MAX_FRAME_BYTES, MAX_MESSAGE_CHARS};
use charla_shared::logs::CONVERSATION_STARTED;
use charla_shared::protocol::{
    ClientFrame, ErrorCode, InboxFrame, Message, Role, ServerFrame, PING, PONG,
};
use charla_shared::routes;
use charla_tests::client::{Api, Socket};
use charla_tests::edge::{test_edge, LocalEdge};
use charla_tests::seed::{
    DEMO_CHANNEL, DEMO_EMAIL, DEMO_PASSWORD, OPERATOR_EMAIL, OTHER_CHANNEL, OUTSIDER_EMAIL,
    TEST_PASSWORD,
};
use tempfile::TempDir;

/// A fresh edge with the test seed. The state directory must outlive it.
fn edge() -> (LocalEdge, TempDir) {
    test_edge(&[]).expect("the local edge starts")
}

/// Joins a conversation as its visitor and reads the welcome and history.
async fn join(edge: &LocalEdge, created: &ConversationCreated, after: Seq) -> Socket {
    let mut socket = Socket::visitor(edge, &created.conversation, &created.token, after)
        .await
        .expect("the visitor is admitted");
    socket.joined().await;
    socket
}

fn send(id: &str, text: &str) -> ClientFrame {
    ClientFrame::Send {
        id: ClientMsgId::parse(id).unwrap(),
        text: text.into(),
    }
}

fn transcript(api: &Api, id: &ConversationId, cookie: &str) -> Transcript {
    let reply = api.get(&routes::transcript(id), Some(cookie));
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// Reads frames until `count` messages have arrived; returns them in arrival
/// order, with the acks seen on the way.
async fn collect(socket: &mut Socket, count: usize) -> (Vec<Message>, Vec<(ClientMsgId, Seq)>) {
    let mut messages = Vec::new();
    let mut acks = Vec::new();
    while messages.len() < count {
        match socket.next().await {
            ServerFrame::Message { message } => messages.push(message),
            ServerFrame::Ack { id, seq } => acks.push((id, seq)),
            other => panic!("unexpected frame {other:?}"),
        }
    }
    (messages, acks)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_participants_see_one_gap_free_order() {
    let (edge, _state) = edge();
    let api = Api::new(&edge);
    let created = api.create_conversation(DEMO_CHANNEL);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);

    let mut visitor = Socket::visitor(&edge, &created.conversation, &created.token, Seq(0))
        .await
        .unwrap();
    let mut op1 = Socket::operator(&edge, &created.conversation, &ana, Seq(0))
        .await
        .unwrap();
    let mut op2 = Socket::operator(&edge, &created.conversation, &luis, Seq(0))
        .await
        .unwrap();
    let (you, history) = visitor.joined().await;
    assert_eq!(you.role, Role::Visitor);
    assert!(history.is_empty());
    assert_eq!(op1.joined().await.0.name, "Ana");
    assert_eq!(op2.joined().await.0.name, "Luis");

    // All three write at once.
    const EACH: usize = 15;
    for i in 0..EACH {
        visitor
            .send(&send(&format!("v{i}"), &format!("visitor {i}")))
            .await;
        op1.send(&send(&format!("a{i}"), &format!("ana {i}"))).await;
        op2.send(&send(&format!("l{i}"), &format!("luis {i}")))
            .await;
    }
    let total = 3 * EACH;
    let (seen_by_visitor, visitor_acks) = collect(&mut visitor, total).await;
    let (seen_by_ana, _) = collect(&mut op1, total).await;
    let (seen_by_luis, _) = collect(&mut op2, total).await;

    let seqs: Vec<u64> = seen_by_visitor.iter().map(|m| m.seq.0).collect();
    assert_eq!(
        seqs,
        (1..=total as u64).collect::<Vec<_>>(),
        "gap-free, in order"
    );
    assert_eq!(seen_by_visitor, seen_by_ana, "everyone sees the same order");
    assert_eq!(seen_by_visitor, seen_by_luis);
    // Each sender's messages keep the order it sent them in.
    for prefix in ["v", "a", "l"] {
        let order: Vec<String> = seen_by_visitor
            .iter()
            .filter(|m| m.id.as_str().starts_with(prefix))
            .map(|m| m.id.to_string())
            .collect();
        let expected: Vec<String> = (0..EACH).map(|i| format!("{prefix}{i}")).collect();
        assert_eq!(order, expected);
    }
    // The visitor's acks name the sequence numbers its messages got.
    for (id, seq) in visitor_acks {
        let stored = seen_by_visitor.iter().find(|m| m.id == id).unwrap();
        assert_eq!(stored.seq, seq);
        assert_eq!(stored.author.role, Role::Visitor);
    }
    let authors: BTreeSet<String> = seen_by_visitor
        .iter()
        .map(|m| m.author.name.clone())
        .collect();
    assert!(authors.contains("Ana") && authors.contains("Luis"));

    // The stored transcript is the same, and a newcomer gets it on connect.
    assert_eq!(
        transcript(&api, &created.conversation, &ana).messages,
        seen_by_visitor
    );
    let mut late = Socket::visitor(&edge, &created.conversation, &created.token, Seq(40))
        .await
        .unwrap();
    let (_, tail) = late.joined().await;
    assert_eq!(
        tail,
        seen_by_visitor[40..].to_vec(),
        "history after a given seq"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_with_the_same_id_is_stored_once() {
    let (edge, _state) = edge();
    let api = Api::new(&edge);
    let created = api.create_conversation(DEMO_CHANNEL);
    let mut visitor = join(&edge, &created, Seq(0)).await;
    visitor.send(&send("once", "hello")).await;
    let (first, _) = collect(&mut visitor, 1).await;
    // The same id again, on a new connection as after a drop.
    let mut again = join(&edge, &created, Seq(1)).await;
    again.send(&send("once", "hello")).await;
    assert_eq!(
        again.next().await,
        ServerFrame::Ack {
            id: ClientMsgId::parse("once").unwrap(),
            seq: Seq(1)
        }
    );
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    assert_eq!(
        transcript(&api, &created.conversation, &ana).messages,
        first
    );
    assert!(
        visitor.is_quiet_for(Duration::from_millis(300)).await,
        "not relayed twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_frames_get_clear_errors_store_nothing_and_break_nothing() {
    let (edge, _state) = edge();
    let api = Api::new(&edge);
    let created = api.create_conversation(DEMO_CHANNEL);
    let mut visitor = join(&edge, &created, Seq(0)).await;

    for raw in [
        "not json",
        r#"{"type":"shout","text":"hi"}"#,
        r#"{"type":"send","text":"no id"}"#,
        r#"{"type":"send","id":"has space","text":"x"}"#,
        r#"{"type":"send","id":"m","text":"x","role":"operator"}"#,
    ] {
        visitor.send_raw(raw).await;
        let problem = visitor.next_error().await;
        assert_eq!(problem.code, ErrorCode::Malformed, "{raw}");
        assert!(
            problem.message.len() > 20,
            "a sentence, not a code: {}",
            problem.message
        );
    }
    visitor.send_binary(b"\x00\x01").await;
    assert_eq!(visitor.next_error().await.code, ErrorCode::Malformed);

    let long = "ñ".repeat(MAX_MESSAGE_CHARS + 1);
    visitor.send(&send("long", &long)).await;
    let problem = visitor.next_error().await;
    assert_eq!(problem.code, ErrorCode::MessageTooLong);
    assert_eq!(problem.id, Some(ClientMsgId::parse("long").unwrap()));
    assert!(problem.message.contains(&MAX_MESSAGE_CHARS.to_string()));

    visitor.send_raw(&"x".repeat(MAX_FRAME_BYTES + 1)).await;
    assert_eq!(visitor.next_error().await.code, ErrorCode::TooLarge);

    visitor.send(&send("blank", " \n ")).await;
    assert_eq!(visitor.next_error().await.code, ErrorCode::EmptyMessage);

    // Exactly at the limit is fine, and the object still works.
    let at_limit = "a".repeat(MAX_MESSAGE_CHARS);
    visitor.send(&send("fine", &at_limit)).await;
    let (stored, _) = collect(&mut visitor, 1).await;
    assert_eq!(stored[0].seq, Seq(1), "nothing before it was stored");
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let all = transcript(&api, &created.conversation, &ana).messages;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].text, at_limit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_missing_or_foreign_tokens_and_unknown_conversations_are_refused() {
    let (edge, _state) = edge();
    let api = Api::new(&edge);
    let mine = api.create_conversation(DEMO_CHANNEL);
    let other = api.create_conversation(DEMO_CHANNEL);
    let unknown = ConversationId::from_random([7; 16]);
    let wrong = VisitorToken::from_random([9; 32]);

    let refusals = [
        Socket::visitor(&edge, &mine.conversation, &wrong, Seq(0)).await,
        Socket::visitor(&edge, &other.conversation, &mine.token, Seq(0)).await,
        Socket::visitor(&edge, &unknown, &mine.token, Seq(0)).await,
        Socket::open(
            &format!(
                "{}{}",
                edge.ws_url(),
                routes::conversation_socket(&mine.conversation, Seq(0), None)
            ),
            None,
        )
        .await,
    ];
    for refusal in refusals {
        let refusal = refusal.err().expect("refused");
        assert_eq!(refusal.status, 403);
        assert_eq!(refusal.problem.unwrap().code, ErrorCode::Forbidden);
    }
    // The same answer for an existing and a missing conversation: a token
    // holder learns nothing about other ids.
    let foreign = Socket::visitor(&edge, &other.conversation, &mine.token, Seq(0))
        .await
        .err()
        .unwrap();
    let missing = Socket::visitor(&edge, &unknown, &mine.token, Seq(0))
        .await
        .err()
        .unwrap();
    assert_eq!(foreign.problem, missing.problem);

    // Operators learn that it does not exist.
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let refusal = Socket::operator(&edge, &unknown, &ana, Seq(0))
        .await
        .err()
        .unwrap();
    assert_eq!(refusal.status, 404);
    assert_eq!(
        api.get(&routes::transcript(&unknown), Some(&ana)).status,
        404
    );

    // A malformed id or a protocol this edge does not speak.
    let reply = api.get("/api/conversations/not-an-id/transcript", Some(&ana));
    assert_eq!(reply.status, 400);
    assert_eq!(reply.problem().code, ErrorCode::Invalid);
    let old = format!(
        "{}/api/conversations/{}/socket?v=0&token={}",
        edge.ws_url(),
        mine.conversation,
        mine.token.as_str()
    );
    let refusal = Socket::open(&old, None).await.err().unwrap();
    assert_eq!(refusal.status, 400);
    assert_eq!(
        refusal.problem.unwrap().code,
        ErrorCode::UnsupportedProtocol
    );

    // None of it stored anything, and the conversation still works.
    assert!(transcript(&api, &mine.conversation, &ana)
        .messages
        .is_empty());
    let mut visitor = join(&edge, &mine, Seq(0)).await;
    visitor.send(&send("ok", "still here")).await;
    assert_eq!(collect(&mut visitor, 1).await.0[0].seq, Seq(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_need_a_session_and_their_channel() {
    let (edge, _state) = edge();
    let api = Api::new(&edge);
    let created = api.create_conversation(DEMO_CHANNEL);

    let reply = api.get(&routes::transcript(&created.conversation), None);
    assert_eq!(reply.status, 401);
    assert_eq!(reply.problem().code, ErrorCode::Unauthorized);

    let bad = api.post_raw(
        routes::SESSION,
        &format!(r#"{{"email":"{DEMO_EMAIL}","password":"wrong"}}"#),
        None,
    );
    assert_eq!(bad.status, 401);
    assert!(bad.set_cookie.is_none());
    let nobody = api.post_raw(
        routes::SESSION,
        r#"{"email":"nobody@charla.test","password":"wrong"}"#,
        None,
    );
    assert_eq!(
        nobody.problem(),
        bad.problem(),
        "unknown accounts look like wrong passwords"
    );

    // Marta answers another channel only.
    let marta = api.sign_in(OUTSIDER_EMAIL, TEST_PASSWORD);
    assert_eq!(
        api.get(&routes::transcript(&created.conversation), Some(&marta))
            .status,
        403
    );
    let refusal = Socket::operator(&edge, &created.conversation, &marta, Seq(0))
        .await
        .err()
        .unwrap();
    assert_eq!(refusal.status, 403);
    assert_eq!(
        Socket::inbox(&edge, DEMO_CHANNEL, &marta)
            .await
            .err()
            .unwrap()
            .status,
        403
    );
    assert!(Socket::inbox(&edge, OTHER_CHANNEL, &marta).await.is_ok());

    // The session cookie is HttpOnly and SameSite=Strict, and sign-out ends it.
    let reply = api.post_raw(
        routes::SESSION,
        &format!(r#"{{"email":"{OPERATOR_EMAIL}","password":"{TEST_PASSWORD}"}}"#),
        None,
    );
    let set_cookie = reply.set_cookie.unwrap();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    assert!(!reply.body.contains(
        set_cookie
            .split(';')
            .next()
            .unwrap()
            .split('=')
            .nth(1)
            .unwrap()
    ));
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    assert_eq!(api.get(routes::SESSION, Some(&cookie)).status, 200);
    assert_eq!(api.delete(routes::SESSION, &cookie).status, 204);
    assert_eq!(api.get(routes::SESSION, Some(&cookie)).status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_lists_conversations_live() {
    let (edge, _state) = edge();
    let api = Api::new(&edge);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let mut inbox = Socket::inbox(&edge, DEMO_CHANNEL, &luis).await.unwrap();
    let InboxFrame::Snapshot { conversations, .. } = inbox.next_inbox().await else {
        panic!("the inbox starts with a snapshot");
    };
    assert!(conversations.is_empty());

    let created: ConversationCreated = api.create_conversation(DEMO_CHANNEL);
    let InboxFrame::Upsert { conversation } = inbox.next_inbox().await else {
        panic!("a new conversation is announced");
    };
    assert_eq!(conversation.id, created.conversation);
    assert_eq!(conversation.last_seq, Seq(0));

    assert!(!conversation.visitor_online);

    // The visitor's arrival shows, then their message.
    let mut visitor = join(&edge, &created, Seq(0)).await;
    let InboxFrame::Upsert { conversation } = inbox.next_inbox().await else {
        panic!("the visitor's presence updates the conversation");
    };
    assert!(conversation.visitor_online);
    visitor.send(&send("m1", "Where is my order?")).await;
    // The message updates the conversation; so does its place in the
    // queue, in either order.
    let conversation = loop {
        let InboxFrame::Upsert { conversation } = inbox.next_inbox().await else {
            panic!("a message updates the conversation");
        };
        if conversation.last_seq == Seq(1) {
            break conversation;
        }
        assert!(conversation.waiting_since.is_some(), "{conversation:?}");
    };
    let last = conversation.last.unwrap();
    assert_eq!(last.text, "Where is my order?");
    assert_eq!(last.role, Role::Visitor);

    // A burst is reported less often than it is sent, but the newest
    // state always arrives.
    for n in 2..=4 {
        visitor
            .send(&send(&format!("m{n}"), &format!("burst {n}")))
            .await;
    }
    loop {
        let InboxFrame::Upsert { conversation } = inbox.next_inbox().await else {
            panic!("messages update the conversation");
        };
        assert!(conversation.last_seq > Seq(1), "never older than before");
        if conversation.last_seq == Seq(4) {
            assert_eq!(conversation.last.unwrap().text, "burst 4");
            break;
        }
    }

    // A new subscriber gets it in the snapshot.
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let mut other = Socket::inbox(&edge, DEMO_CHANNEL, &ana).await.unwrap();
    let InboxFrame::Snapshot { conversations, .. } = other.next_inbox().await else {
        panic!("snapshot");
    };
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0].last_seq, Seq(4));

    // When the visitor leaves, the list says so.
    drop(visitor);
    loop {
        let InboxFrame::Upsert { conversation } = other.next_inbox().await else {
            panic!("the visitor's departure updates the conversation");
        };
        if !conversation.visitor_online {
            assert_eq!(conversation.last_seq, Seq(4), "with the last message kept");
            break;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_input_is_checked() {
    let (edge, _state) = edge();
    let api = Api::new(&edge);

    let reply = api.post_raw(routes::CONVERSATIONS, "{not json", None);
    assert_eq!(reply.status, 400);
    assert_eq!(reply.problem().code, ErrorCode::Malformed);

    let reply = api.post_raw(routes::CONVERSATIONS, r#"{"channel":"nope"}"#, None);
    assert_eq!(reply.status, 404);

    let huge = format!(
        r#"{{"channel":"demo","visitor":{{"name":"{}"}}}}"#,
        "x".repeat(MAX_BODY_BYTES)
    );
    let reply = api.post_raw(routes::CONVERSATIONS, &huge, None);
    assert_eq!(reply.status, 413);
    assert_eq!(reply.problem().code, ErrorCode::TooLarge);

    let reply = api.post_raw(
        routes::CONVERSATIONS,
        r#"{"channel":"demo","visitor":{"name":"   "}}"#,
        None,
    );
    assert_eq!(reply.status, 400);
    assert_eq!(reply.problem().code, ErrorCode::Invalid);

    // The public widget config is cacheable (revalidated by ETag), open to
    // any site, and has nothing private in it.
    let channel = charla_shared::ids::ChannelId::parse(DEMO_CHANNEL).unwrap();
    let reply = api.get(&routes::widget_config(&channel), None);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(reply.header("cache-control"), Some("public, no-cache"));
    assert!(reply.header("etag").is_some());
    let config: WidgetConfig = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(config.channel, channel);
    assert!(!reply.body.contains("@charla.test"));
    assert!(
        !config.transcript_by_mail,
        "without a mail service the copy by e-mail is not offered"
    );

    assert_eq!(api.get("/api/nothing-here", None).status, 404);
    assert_eq!(api.get(routes::CONVERSATIONS, None).status, 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_goes_on_after_its_object_hibernates() {
    let (edge, _state) = edge();
    let api = Api::new(&edge);
    let created = api.create_conversation(DEMO_CHANNEL);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let mut visitor = join(&edge, &created, Seq(0)).await;
    let mut operator = Socket::operator(&edge, &created.conversation, &luis, Seq(0))
        .await
        .unwrap();
    operator.joined().await;
    visitor.send(&send("before", "before the nap")).await;
    collect(&mut visitor, 1).await;
    collect(&mut operator, 1).await;
    let starts = || edge.log().matches(CONVERSATION_STARTED).count();
    let before = starts();

    // workerd evicts a hibernatable object after ten seconds without an
    // event. That is a constant in workerd (cloudflare/workerd#1138), and
    // neither wrangler nor workerd's configuration offers a setting to
    // shorten it, so this test has to wait past it: 25 s, in steps that
    // prove the heartbeats in between are answered without waking it.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_secs(5)).await;
        visitor.send_raw(PING).await;
        // The first message put the conversation in the queue, which the
        // visitor may hear of before the answer.
        let mut answer = visitor.next_text().await;
        if matches!(
            ServerFrame::decode(&answer),
            Ok(ServerFrame::Attending { .. })
        ) {
            answer = visitor.next_text().await;
        }
        assert_eq!(answer, PONG);
    }
    assert_eq!(starts(), before, "heartbeats did not wake the object");

    operator.send(&send("after", "after the nap")).await;
    let (seen, _) = collect(&mut visitor, 1).await;
    assert_eq!(seen[0].seq, Seq(2));
    assert_eq!(
        seen[0].author.name, "Luis",
        "who is behind each socket survived"
    );
    assert_eq!(seen[0].author.role, Role::Operator);
    let (echo, _) = collect(&mut operator, 1).await;
    assert_eq!(echo, seen);
    assert_eq!(
        starts(),
        before + 1,
        "the object was evicted and woke for the message"
    );
}
