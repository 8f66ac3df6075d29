//! Routing and the queue against the real edge on local workerd: over raw
//! sockets, round robin taking turns, least busy preferring the idle
//! operator, an operator who leaves the rotation, the manual queue with its
//! places, a full queue refusing new conversations, taking, transferring
//! with a note, putting back, answering as taking, and the supervision
//! figures; then, in headless Chromium, the visitor's dot going from empty
//! to filled when an operator takes the conversation from the console's
//! queue, with axe-core on the queue and the supervision view.
//!
//! The suite starts one edge and gives every scenario a channel of its own.

use charla_shared::api::{
    ConversationCreated, CreateConversation, Duty, OperatorForm, PasswordChange, StaffRole,
    Supervision, Transfer,
};
use charla_shared::channel::{ChannelSettings, ChannelTexts, Language};
use charla_shared::identity::Visitor;
use charla_shared::ids::{ChannelId, ClientMsgId, ConversationId, OperatorId, Seq};
use charla_shared::protocol::{
    Attending, ClientFrame, ErrorCode, InboxFrame, InboxRequest, Message, Role, ServerFrame,
};
use charla_shared::routes;
use charla_shared::routing::{Routing, Strategy};
use charla_tests::browser::{eventually, script, serious_accessibility_violations, Chromedriver};
use charla_tests::client::{Api, Socket};
use charla_tests::edge::{test_edge, LocalEdge};
use charla_tests::seed::{
    DEMO_CHANNEL, DEMO_EMAIL, DEMO_PASSWORD, OPERATOR_EMAIL, OUTSIDER_EMAIL, TEST_PASSWORD,
};
use charla_tests::ui::{
    click, in_widget, open_widget, send_from_widget, sign_in_as, type_into_widget, widget_texts,
};
use charla_tests::HarnessResult;
use fantoccini::{Client, Locator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_wait_in_the_queue_until_an_operator_takes_them() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let api = Api::new(&edge);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    strategies_assign_in_turn_or_to_the_least_busy(&edge, &api, &ana, &luis).await;
    the_manual_queue_takes_transfers_and_fills_up(&edge, &api, &ana, &luis).await;
    an_inactive_operator_leaves_the_rotation_until_they_come_back(&edge, &api, &ana, &luis).await;
    the_dot_fills_when_an_operator_takes_the_conversation(&edge, &api).await
}

/// Round robin alternates, an operator who leaves gets nothing, least busy
/// prefers whoever holds fewer; the supervision view counts it all.
async fn strategies_assign_in_turn_or_to_the_least_busy(
    edge: &LocalEdge,
    api: &Api,
    ana: &str,
    luis: &str,
) {
    let channel = "turns";
    let _inboxes = both_online(edge, api, (ana, luis), channel, Strategy::RoundRobin, 0).await;

    // Both on duty and idle: turns, starting with the operator who never
    // had one (by id on a tie), and each greets in the visitor's language.
    let mut first = visitor_writes(edge, api, channel, Language::Es).await;
    assert_eq!(first.1.next_attending().await, online("Ana"));
    let greeting = operator_message(&mut first.1).await;
    assert_eq!(
        (greeting.author.name.as_str(), greeting.text.as_str()),
        (
            "Ana",
            ChannelTexts::built_in(Language::Es).agent_message.as_str()
        )
    );
    let mut holders = Vec::new();
    for _ in 0..2 {
        let (_, mut visitor) = visitor_writes(edge, api, channel, Language::En).await;
        holders.push(visitor.next_attending().await);
    }
    assert_eq!(holders, [online("Luis"), online("Ana")]);

    // Luis leaves the rotation: everything goes to Ana.
    set_duty(api, luis, channel, false);
    let (_, mut visitor) = visitor_writes(edge, api, channel, Language::En).await;
    assert_eq!(visitor.next_attending().await, online("Ana"));
    set_duty(api, luis, channel, true);

    // Least busy: Ana holds 3, Luis 1, so Luis until they are even; then
    // whoever waited longest for one.
    api.configure(ana, channel, |s| {
        s.options.routing.strategy = Strategy::LeastBusy
    });
    let mut holders = Vec::new();
    for _ in 0..3 {
        let (_, mut visitor) = visitor_writes(edge, api, channel, Language::En).await;
        holders.push(visitor.next_attending().await);
    }
    assert_eq!(holders, [online("Luis"), online("Luis"), online("Ana")]);

    // Ending a conversation frees its operator.
    first.1.send(&ClientFrame::End).await;
    let supervision = eventually_supervision(api, ana, channel, |s| s.in_progress == 6).await;
    assert_eq!(supervision.waiting, 0);
    let loads: Vec<(String, u32, bool)> = supervision
        .operators
        .iter()
        .map(|o| (o.name.clone(), o.load, o.available))
        .collect();
    assert_eq!(
        loads,
        [("Ana".to_owned(), 3, true), ("Luis".to_owned(), 3, true)]
    );
    assert_eq!(
        supervision.figures.service_level_percent,
        Some(100),
        "every conversation was taken at once"
    );
}

/// Manual routing: conversations wait with their place, a full queue turns
/// visitors away, an operator takes one (greeted in the visitor's
/// language), hands it on with a note, and answering takes one too.
async fn the_manual_queue_takes_transfers_and_fills_up(
    edge: &LocalEdge,
    api: &Api,
    ana: &str,
    luis: &str,
) {
    let channel = "manual";
    let _inboxes = both_online(edge, api, (ana, luis), channel, Strategy::Manual, 2).await;

    let (first, mut first_visitor) = visitor_writes(edge, api, channel, Language::Pt).await;
    assert_eq!(first_visitor.next_attending().await, waiting(1));
    let (second, mut second_visitor) = visitor_writes(edge, api, channel, Language::En).await;
    assert_eq!(second_visitor.next_attending().await, waiting(2));

    // Two wait, the limit: the next visitor is told, and nothing is made.
    let refused = api.post(
        routes::CONVERSATIONS,
        &new_conversation(channel, Language::En),
        None,
    );
    assert_eq!(
        (refused.status, refused.problem().code),
        (409, ErrorCode::Busy),
        "{}",
        refused.body
    );

    // Only the channel's operators may take one.
    let marta = api.sign_in(OUTSIDER_EMAIL, TEST_PASSWORD);
    assert_eq!(take(api, &marta, &first.conversation).status, 403);
    assert_eq!(take(api, luis, &first.conversation).status, 200);
    assert_eq!(first_visitor.next_attending().await, online("Luis"));
    let greeting = operator_message(&mut first_visitor).await;
    assert_eq!(
        greeting.text,
        ChannelTexts::built_in(Language::Pt).agent_message,
        "greeted in the visitor's language"
    );
    assert_eq!(
        second_visitor.next_attending().await,
        waiting(1),
        "moved up"
    );

    // Transfers go to someone online on the channel, with a note only
    // operators read; only the holder (or an admin) passes it on.
    let transfer = |to: &str| Transfer {
        to: OperatorId::parse(to).unwrap(),
        note: "Quer um reembolso".into(),
    };
    let elsewhere = api.post(
        &routes::transfer(&first.conversation),
        &transfer("marta"),
        Some(luis),
    );
    assert_eq!(
        (elsewhere.status, elsewhere.problem().code),
        (409, ErrorCode::Conflict)
    );
    let handed = api.post(
        &routes::transfer(&first.conversation),
        &transfer("demo-admin"),
        Some(luis),
    );
    assert_eq!(handed.status, 200, "{}", handed.body);
    assert_eq!(first_visitor.next_attending().await, online("Ana"));
    let mut ana_socket = Socket::operator(edge, &first.conversation, ana, Seq(0))
        .await
        .unwrap();
    let (_, history) = ana_socket.joined().await;
    assert!(
        history.iter().any(|m| m.text == "Olá! Tudo bem?"),
        "the transcript comes along"
    );
    let notes = &ana_socket.staff().unwrap().0;
    assert!(
        notes
            .iter()
            .any(|n| n.text == "Transferred to Ana: Quer um reembolso"),
        "{notes:?}"
    );
    let not_theirs = api.post(&routes::release(&first.conversation), &(), Some(luis));
    assert_eq!(not_theirs.status, 403, "{}", not_theirs.body);

    // Put back, it waits again before the later one.
    assert_eq!(
        api.post(&routes::release(&first.conversation), &(), Some(ana))
            .status,
        200
    );
    assert_eq!(first_visitor.next_attending().await, waiting(1));
    assert_eq!(second_visitor.next_attending().await, waiting(2));

    // An operator who simply answers takes it, without the greeting.
    let mut luis_socket = Socket::operator(edge, &second.conversation, luis, Seq(0))
        .await
        .unwrap();
    luis_socket.joined().await;
    luis_socket
        .send(&ClientFrame::Send {
            id: ClientMsgId::parse("l1").unwrap(),
            text: "Hi, I'm on it.".into(),
        })
        .await;
    assert_eq!(
        operator_message(&mut second_visitor).await.text,
        "Hi, I'm on it."
    );
    assert_eq!(second_visitor.next_attending().await, online("Luis"));
    let supervision = eventually_supervision(api, ana, channel, |s| s.waiting == 1).await;
    assert_eq!(supervision.in_progress, 1);

    // The visitor who waits gives up: the queue is empty.
    first_visitor.send(&ClientFrame::End).await;
    eventually_supervision(api, ana, channel, |s| s.waiting == 0).await;

    // An account removed while it holds a conversation: the conversation
    // waits again.
    let nina = new_operator(api, ana, "nina", channel);
    let (third, mut third_visitor) = visitor_writes(edge, api, channel, Language::En).await;
    assert_eq!(third_visitor.next_attending().await, waiting(1));
    assert_eq!(take(api, &nina, &third.conversation).status, 200);
    assert_eq!(third_visitor.next_attending().await, online("Nina"));
    let removed = api.delete(&routes::operator(&OperatorId::parse("nina").unwrap()), ana);
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert_eq!(third_visitor.next_attending().await, waiting(1));
    third_visitor.send(&ClientFrame::End).await;
    eventually_supervision(api, ana, channel, |s| s.waiting == 0).await;
}

/// A new operator account on `channel`, past its first password; returns
/// its session cookie.
fn new_operator(api: &Api, admin: &str, id: &str, channel: &str) -> String {
    let email = format!("{id}@charla.test");
    let form = OperatorForm {
        id: OperatorId::parse(id).unwrap(),
        name: format!("{}{}", id[..1].to_uppercase(), &id[1..]),
        email: email.clone(),
        role: StaffRole::Operator,
        chat_name: String::new(),
        avatar_color: String::new(),
        password: Some("given-by-an-admin".into()),
    };
    let created = api.post(routes::OPERATORS, &form, Some(admin));
    assert_eq!(created.status, 201, "{}", created.body);
    api.configure(admin, channel, |s| s.operators.push(form.id.clone()));
    let cookie = api.sign_in(&email, "given-by-an-admin");
    let change = PasswordChange {
        current: "given-by-an-admin".into(),
        new: "chosen-by-its-owner".into(),
    };
    let changed = api.request(
        "PUT",
        routes::PASSWORD,
        Some(&serde_json::to_string(&change).unwrap()),
        &[("cookie", &cookie)],
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    cookie
}

/// Past the channel's inactivity limit (the test clock moves) an operator
/// whose console reported no activity gets nothing more; their next
/// activity puts them back.
async fn an_inactive_operator_leaves_the_rotation_until_they_come_back(
    edge: &LocalEdge,
    api: &Api,
    ana: &str,
    luis: &str,
) {
    let channel = "idle";
    let (mut ana_inbox, mut luis_inbox) =
        both_online(edge, api, (ana, luis), channel, Strategy::RoundRobin, 0).await;
    let minutes = i64::from(Routing::default().inactivity_minutes) + 1;
    api.advance_clock(minutes * 60_000, ana);

    // Ana's console reports activity; Luis's is silent.
    ana_inbox.send_raw(&InboxRequest::Active.encode()).await;
    presence_until(&mut ana_inbox, &["luis"]).await;
    let mut holders = Vec::new();
    for _ in 0..2 {
        let (_, mut visitor) = visitor_writes(edge, api, channel, Language::En).await;
        holders.push(visitor.next_attending().await);
    }
    assert_eq!(holders, [online("Ana"), online("Ana")]);

    // Luis moves the mouse: he is back, and it is his turn. (His console
    // heard he was away when Ana came back.)
    presence_until(&mut luis_inbox, &["luis"]).await;
    luis_inbox.send_raw(&InboxRequest::Active.encode()).await;
    presence_until(&mut luis_inbox, &[]).await;
    let (_, mut visitor) = visitor_writes(edge, api, channel, Language::En).await;
    assert_eq!(visitor.next_attending().await, online("Luis"));
}

/// Reads inbox frames until who is away is exactly `away`.
async fn presence_until(inbox: &mut Socket, away: &[&str]) {
    let away: Vec<OperatorId> = away
        .iter()
        .map(|id| OperatorId::parse(*id).unwrap())
        .collect();
    loop {
        if let InboxFrame::Presence { away: now, .. } = inbox.next_inbox_frame().await {
            if now == away {
                return;
            }
        }
    }
}

/// In the browser: the visitor's dot is empty while waiting, and fills with
/// the operator's name once Luis takes the conversation from the console's
/// queue.
async fn the_dot_fills_when_an_operator_takes_the_conversation(
    edge: &LocalEdge,
    api: &Api,
) -> HarnessResult<()> {
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    // Luis picks an avatar colour: visitors see his initials on it.
    let luis_account = OperatorForm {
        id: OperatorId::parse("luis").unwrap(),
        name: "Luis".into(),
        email: OPERATOR_EMAIL.into(),
        role: StaffRole::Operator,
        chat_name: String::new(),
        avatar_color: "rgb(10, 48, 105)".into(),
        password: None,
    };
    let reply = api.request(
        "PUT",
        &routes::operator(&luis_account.id),
        Some(&serde_json::to_string(&luis_account).unwrap()),
        &[("cookie", &ana)],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    api.configure(&ana, DEMO_CHANNEL, |s| {
        s.options.routing = Routing {
            max_waiting: 1,
            ..Routing::default()
        };
        s.options.offline_messages = true;
    });
    let driver = Chromedriver::start()?;
    let operator = driver.session().await?;
    sign_in_as(&operator, edge, OPERATOR_EMAIL, TEST_PASSWORD).await?;

    let visitor = driver.session().await?;
    visitor.goto(&edge.url()).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "Is anyone there?").await?;
    let dot = "const p = root.querySelector('.charla-attending');
               const dot = p.querySelector('.charla-dot');
               return dot && [p.textContent, dot.classList.contains('charla-dot-on')]";
    eventually("an empty dot and the place in line", || async {
        (in_widget(&visitor, dot).await
            == serde_json::json!(["Waiting for an operator. You are number 1 in line.", false]))
        .then_some(())
    })
    .await?;

    // One waits, the limit: the next visitor reads the unavailable message
    // above the offline form, and their message waits in the window.
    let turned_away = driver.session().await?;
    turned_away.goto(&edge.url()).await?;
    open_widget(&turned_away).await?;
    type_into_widget(&turned_away, "Hello?").await?;
    let unavailable = ChannelTexts::built_in(Language::En).unavailable_message;
    let busy = "return [root.querySelector('.charla-closed-message').textContent,
                        root.querySelector('.charla-closed').hidden,
                        root.querySelector('.charla-offline').hidden]";
    eventually("the unavailable message and the form", || async {
        (in_widget(&turned_away, busy).await == serde_json::json!([unavailable, false, false]))
            .then_some(())
    })
    .await?;
    turned_away.close().await?;

    // The console counts it and lists it under "Waiting"; Luis takes it.
    let queued = "const item = document.querySelector('[data-list=waiting] .conversation');
                  const count = document.querySelector('.queue-count');
                  return item && [count.textContent, count.dataset.waiting]";
    eventually("the queue in the console", || async {
        (script(&operator, queued).await == serde_json::json!(["1 conversation is waiting.", "1"]))
            .then_some(())
    })
    .await?;
    let top = "const badge = document.querySelector('.topbar-waiting');
               return [badge.textContent, badge.hidden]";
    assert_eq!(
        script(&operator, top).await,
        serde_json::json!(["1 waiting", false])
    );
    let violations = serious_accessibility_violations(&operator).await?;
    assert!(violations.is_empty(), "{violations:#?}");
    click(&operator, "[data-list=waiting] .conversation button").await?;
    let take = eventually("the take button", || async {
        operator.find(Locator::Css(".pane .hold .take")).await.ok()
    })
    .await?;
    take.click().await?;

    eventually("a filled dot with Luis's name", || async {
        (in_widget(&visitor, dot).await == serde_json::json!(["LLuis · online", true]))
            .then_some(())
    })
    .await?;
    let avatar = "const a = root.querySelector('.charla-attending .charla-avatar');
                  return a && [a.textContent, getComputedStyle(a).backgroundColor]";
    assert_eq!(
        in_widget(&visitor, avatar).await,
        serde_json::json!(["L", "rgb(10, 48, 105)"])
    );
    let greeting = ChannelTexts::built_in(Language::En).agent_message;
    eventually("the agent's greeting", || async {
        widget_texts(&visitor)
            .await
            .filter(|texts| texts.last() == Some(&greeting))
    })
    .await?;
    eventually("the conversation under Mine", || async {
        operator
            .find(Locator::Css("[data-list=mine] .conversation"))
            .await
            .ok()
    })
    .await?;

    // The supervision view shows Luis holding one, live.
    supervise_in_console(&operator).await?;
    let violations = serious_accessibility_violations(&operator).await?;
    assert!(violations.is_empty(), "{violations:#?}");
    visitor.close().await?;
    operator.close().await?;
    Ok(())
}

async fn supervise_in_console(operator: &Client) -> HarnessResult<()> {
    operator
        .find(Locator::XPath("//button[normalize-space()='Supervision']"))
        .await?
        .click()
        .await?;
    let pick = format!(
        "const select = document.getElementById('supervision-channel');
         if (!select) return false;
         select.value = '{DEMO_CHANNEL}';
         select.dispatchEvent(new Event('change', {{ bubbles: true }}));
         return true;"
    );
    eventually("the channel picked", || async {
        (script(operator, &pick).await == serde_json::json!(true)).then_some(())
    })
    .await?;
    let shown = "const row = document.querySelector('.operators-load tr[data-operator=luis]');
                 const card = document.querySelector('[data-figure=in-progress] dd');
                 return row && [card.textContent, row.lastElementChild.textContent]";
    eventually("Luis's load in the supervision view", || async {
        (script(operator, shown).await == serde_json::json!(["1", "1"])).then_some(())
    })
    .await?;
    Ok(())
}

/// A channel answered by the demo admin (Ana) and Luis, routed so, with
/// both of them online (their inbox sockets, Ana's first).
async fn both_online(
    edge: &LocalEdge,
    api: &Api,
    (ana, luis): (&str, &str),
    id: &str,
    strategy: Strategy,
    max_waiting: u32,
) -> (Socket, Socket) {
    api.create_channel(ana, id, |settings: &mut ChannelSettings| {
        settings.operators = vec![OperatorId::parse("luis").unwrap()];
        settings.options.routing = Routing {
            strategy,
            max_waiting,
            ..Routing::default()
        };
    });
    (
        Socket::inbox(edge, id, ana).await.unwrap(),
        Socket::inbox(edge, id, luis).await.unwrap(),
    )
}

fn new_conversation(channel: &str, language: Language) -> CreateConversation {
    CreateConversation {
        channel: ChannelId::parse(channel).unwrap(),
        visitor: Visitor::default(),
        chatbot: None,
        language: Some(language),
        visitor_key: None,
    }
}

/// A new conversation whose visitor, speaking `language`, has written
/// their first message ("Olá! Tudo bem?").
async fn visitor_writes(
    edge: &LocalEdge,
    api: &Api,
    channel: &str,
    language: Language,
) -> (ConversationCreated, Socket) {
    let reply = api.post(
        routes::CONVERSATIONS,
        &new_conversation(channel, language),
        None,
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: ConversationCreated = serde_json::from_str(&reply.body).unwrap();
    let mut visitor = Socket::visitor(edge, &created.conversation, &created.token, Seq(0))
        .await
        .unwrap();
    visitor.joined().await;
    visitor
        .send(&ClientFrame::Send {
            id: ClientMsgId::parse("v1").unwrap(),
            text: "Olá! Tudo bem?".into(),
        })
        .await;
    (created, visitor)
}

/// The next message an operator wrote.
async fn operator_message(socket: &mut Socket) -> Message {
    loop {
        if let ServerFrame::Message { message } = socket.next().await {
            if message.author.role == Role::Operator {
                return message;
            }
        }
    }
}

fn take(api: &Api, cookie: &str, id: &ConversationId) -> charla_tests::client::Reply {
    api.post(&routes::take(id), &(), Some(cookie))
}

fn set_duty(api: &Api, cookie: &str, channel: &str, on: bool) {
    let path = routes::duty(&ChannelId::parse(channel).unwrap());
    let reply = api.request(
        "PUT",
        &path,
        Some(&serde_json::to_string(&Duty { on }).unwrap()),
        &[("cookie", cookie)],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// The channel's supervision figures once they pass `wanted`.
async fn eventually_supervision(
    api: &Api,
    cookie: &str,
    channel: &str,
    wanted: impl Fn(&Supervision) -> bool,
) -> Supervision {
    let path = routes::supervision(&ChannelId::parse(channel).unwrap());
    eventually("the supervision figures", || async {
        let reply = api.get(&path, Some(cookie));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let supervision: Supervision = serde_json::from_str(&reply.body).unwrap();
        wanted(&supervision).then_some(supervision)
    })
    .await
    .unwrap()
}

fn online(name: &str) -> Attending {
    Attending::Online {
        operator: name.into(),
        color: String::new(),
    }
}

fn waiting(place: u32) -> Attending {
    Attending::Waiting { place }
}
