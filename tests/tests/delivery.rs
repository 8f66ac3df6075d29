//! Exactly-once delivery: a visitor and an operator each send over a
//! thousand messages through a proxy that cuts connections at random
//! points, delays and duplicates frames, while the edge itself is killed and
//! started again twice. Afterwards both hold every message once, in one
//! order, and so does the edge's transcript.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use charla_shared::api::Transcript;
use charla_shared::chat::ChatLog;
use charla_shared::ids::ClientMsgId;
use charla_shared::protocol::{Message, Role};
use charla_shared::routes;
use charla_tests::chaos::{ChaosClient, Faults, FaultyProxy};
use charla_tests::client::Api;
use charla_tests::edge::test_edge;
use charla_tests::seed::{DEMO_CHANNEL, OPERATOR_EMAIL, TEST_PASSWORD};

/// Messages each side sends.
const EACH: usize = 1_001;

/// Rate limits turned off (0 disables a limit).
const UNLIMITED: &[(&str, &str)] = &[("VISITOR_BURST", "0"), ("ADDRESS_BURST", "0")];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_lost_duplicated_or_reordered_through_faults_and_restarts() {
    // Limits off: this test is about delivery, and every reconnect through
    // the proxy would count against the one local address.
    let (mut edge, _state) = test_edge(UNLIMITED).expect("the edge starts");
    let api = Api::new(&edge);
    let created = api.create_conversation(DEMO_CHANNEL);
    let cookie = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let faults = Faults {
        drop: 0.01,
        duplicate: 0.03,
        max_delay_ms: 2,
    };
    let proxy = FaultyProxy::start(edge.ws_url(), faults, 0x00C0_FFEE)
        .await
        .expect("the proxy starts");
    let total = 2 * EACH as u64;

    let base = proxy.ws_url();
    let (id, token) = (created.conversation.clone(), created.token.clone());
    let visitor = ChaosClient::new(
        move |after| {
            format!(
                "{base}{}",
                routes::conversation_socket(&id, after, Some(&token))
            )
        },
        None,
        plan("v", "visitor"),
        total,
    );
    let base = proxy.ws_url();
    let id = created.conversation.clone();
    let operator = ChaosClient::new(
        move |after| format!("{base}{}", routes::conversation_socket(&id, after, None)),
        Some(cookie.clone()),
        plan("o", "operator"),
        total,
    );
    let visitor_progress = Arc::new(AtomicU64::new(0));
    let operator_progress = Arc::new(AtomicU64::new(0));
    let visitor = tokio::spawn(visitor.run(visitor_progress.clone()));
    let operator = tokio::spawn(operator.run(operator_progress.clone()));

    // Kill the edge and start it again while messages are in flight.
    for third in [1, 2] {
        let mark = total * third / 3;
        let started = Instant::now();
        while visitor_progress.load(Ordering::Relaxed) < mark {
            assert!(
                started.elapsed() < Duration::from_secs(240),
                "stalled before {mark}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        edge = tokio::task::spawn_blocking(move || {
            edge.restart().expect("the edge starts again");
            edge
        })
        .await
        .expect("restart task");
    }

    let (visitor, operator) = tokio::time::timeout(Duration::from_secs(300), async {
        (visitor.await, operator.await)
    })
    .await
    .expect("both sides finish");
    let visitor: ChatLog = visitor.expect("visitor task");
    let operator: ChatLog = operator.expect("operator task");

    let seen: Vec<Message> = visitor.messages().cloned().collect();
    let seqs: Vec<u64> = seen.iter().map(|m| m.seq.0).collect();
    assert_eq!(seqs, (1..=total).collect::<Vec<_>>(), "gap-free, in order");
    assert_eq!(
        operator.messages().cloned().collect::<Vec<_>>(),
        seen,
        "both sides hold the same messages in the same order"
    );
    let unique: HashSet<&ClientMsgId> = seen.iter().map(|m| &m.id).collect();
    assert_eq!(unique.len(), seen.len(), "no message is stored twice");
    for (prefix, role) in [("v", Role::Visitor), ("o", Role::Operator)] {
        let sent: Vec<String> = seen
            .iter()
            .filter(|m| m.author.role == role)
            .map(|m| m.id.to_string())
            .collect();
        let planned: Vec<String> = plan(prefix, "")
            .into_iter()
            .map(|(id, _)| id.to_string())
            .collect();
        assert_eq!(
            sent, planned,
            "each side's messages keep the order they were sent in"
        );
    }

    let reply = Api::new(&edge).get(&routes::transcript(&created.conversation), Some(&cookie));
    let transcript: Transcript = serde_json::from_str(&reply.body).expect("a transcript");
    assert_eq!(transcript.messages, seen, "the edge stored exactly this");

    let stats = proxy.stats();
    println!("proxy: {stats:?}");
    assert!(
        stats.drops.load(Ordering::Relaxed) > 0,
        "connections were cut"
    );
    assert!(
        stats.duplicates.load(Ordering::Relaxed) > 0,
        "frames were duplicated"
    );
    assert!(
        stats.connections.load(Ordering::Relaxed) > 4,
        "clients reconnected"
    );
}

fn plan(prefix: &str, who: &str) -> Vec<(ClientMsgId, String)> {
    (0..EACH)
        .map(|i| {
            (
                ClientMsgId::parse(format!("{prefix}{i}")).expect("a valid id"),
                format!("{who} message {i}"),
            )
        })
        .collect()
}
