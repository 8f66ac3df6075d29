//! Live signals and operator tools against the real edge on local workerd:
//! over raw sockets, typing that is relayed but never stored and never
//! faster than allowed, read marks that only move forward, reach the other
//! side and the operator's inbox, and survive reconnecting, and private
//! notes and commands that reach operators only; then, in headless
//! Chromium, the typing indicator both ways, "Seen" after the visitor opens
//! the window, unread counts on the widget's button, the page's title and
//! the console's list that survive reloads, the day separators and times,
//! and commands typed in the console.
//!
//! The suite starts one edge; each scenario has a conversation of its own.

use charla_shared::api::{
    ConversationCreated, CreateConversation, DirectStarted, PreviousConversation, StartDirect,
    Teammate, Transcript,
};
use charla_shared::canned::{Canned, CannedLists};
use charla_shared::identity::Visitor;
use charla_shared::ids::{
    ChannelId, ClientMsgId, ConversationId, OperatorId, ParticipantId, Seq, VisitorKey,
};
use charla_shared::inbox::Inbox;
use charla_shared::protocol::{
    ClientFrame, ConversationSummary, ErrorCode, PageView, ReadMark, Role, ServerFrame, StaffFrame,
};
use charla_shared::routes;
use charla_tests::browser::{eventually, script, serious_accessibility_violations, Chromedriver};
use charla_tests::client::{Api, Socket};
use charla_tests::edge::{test_edge, LocalEdge};
use charla_tests::seed::{
    DEMO_CHANNEL, DEMO_EMAIL, DEMO_PASSWORD, OPERATOR_EMAIL, OUTSIDER_EMAIL, TEST_PASSWORD,
};
use charla_tests::ui::{
    click, click_nth, in_widget, open_widget, pane_texts, remembered_conversation,
    send_from_widget, sign_in_as, texts, widget_element, widget_texts_of,
};
use charla_tests::HarnessResult;
use fantoccini::{Client, Locator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_read_marks_and_unread_counts() -> HarnessResult<()> {
    // Every scenario signs its operators in afresh, more often than one
    // address may by default (the security suite tests that limit).
    let (edge, _state) = test_edge(&[("SIGN_IN_BURST", "40")])?;
    let api = Api::new(&edge);
    over_the_wire(&edge, &api).await;
    notes_and_commands_over_the_wire(&edge, &api).await;
    canned_responses_over_http(&api);
    earlier_conversations_over_http(&api);
    operators_write_to_each_other(&edge, &api).await;
    searching_conversations(&edge, &api).await?;
    an_admin_removes_a_conversation(&edge, &api).await;
    in_the_browsers(&edge, &api).await
}

/// The ids of the conversations a search of `channel` finds for `cookie`.
fn found(api: &Api, cookie: &str, channel: &str, words: &str) -> Vec<ConversationId> {
    let channel = ChannelId::parse(channel).unwrap();
    let reply = api.get(&routes::search(&channel, words), Some(cookie));
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str::<Vec<ConversationSummary>>(&reply.body)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect()
}

/// Search finds a conversation by the start of words written in it,
/// accents aside, or by the visitor's name; a long search is refused.
async fn searching_conversations(edge: &LocalEdge, api: &Api) -> HarnessResult<()> {
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let (created, mut visitor, _operator) = Socket::pair(edge, api, DEMO_CHANNEL, &luis).await;
    visitor
        .send(&send("s1", "Do you sell Café de Colombia?"))
        .await;
    frame_where(
        &mut visitor,
        is_message("Do you sell Café de Colombia?"),
        |_| false,
    )
    .await;
    eventually("found by its words", || async {
        found(api, &luis, DEMO_CHANNEL, "cafe colom")
            .contains(&created.conversation)
            .then_some(())
    })
    .await?;
    assert!(!found(api, &luis, DEMO_CHANNEL, "cafe tea").contains(&created.conversation));
    // Texts written in a burst reach the index together, each found.
    for (id, text) in [("s2", "And yerba mate?"), ("s3", "Or rooibos tea?")] {
        visitor.send(&send(id, text)).await;
    }
    frame_where(&mut visitor, is_message("Or rooibos tea?"), |_| false).await;
    eventually("found by words of a burst", || async {
        let both = ["yerba", "rooibos"]
            .iter()
            .all(|words| found(api, &luis, DEMO_CHANNEL, words).contains(&created.conversation));
        both.then_some(())
    })
    .await?;
    let transcript: Transcript = serde_json::from_str(
        &api.get(&routes::transcript(&created.conversation), Some(&luis))
            .body,
    )
    .unwrap();
    let name = transcript.visitor.to_lowercase();
    assert!(found(api, &luis, DEMO_CHANNEL, &name).contains(&created.conversation));
    let long = "word ".repeat(60);
    let demo = ChannelId::parse(DEMO_CHANNEL).unwrap();
    assert_eq!(
        api.get(&routes::search(&demo, &long), Some(&luis)).status,
        413
    );
    Ok(())
}

/// An admin deletes a conversation: its sockets are told, it leaves the
/// operators' lists, and nothing of it opens any more.
async fn an_admin_removes_a_conversation(edge: &LocalEdge, api: &Api) {
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let mut luis_inbox = Socket::inbox(edge, DEMO_CHANNEL, &luis).await.unwrap();
    let mut list = Inbox::new(operator_id("luis"));
    list.apply(luis_inbox.next_inbox().await);
    let (created, mut visitor, _operator) = Socket::pair(edge, api, DEMO_CHANNEL, &luis).await;
    let id = created.conversation;
    inbox_until(&mut luis_inbox, &mut list, |l| l.get(&id).is_some()).await;
    let path = routes::conversation(&id);
    assert_eq!(api.delete(&path, &luis).status, 403, "admins only");
    let deleted = api.delete(&path, &ana);
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    inbox_until(&mut luis_inbox, &mut list, |l| l.get(&id).is_none()).await;
    assert_eq!(
        visitor.next_error().await.message,
        "This conversation was removed."
    );
    assert_eq!(api.get(&routes::transcript(&id), Some(&ana)).status, 404);
    assert_eq!(api.delete(&path, &ana).status, 404);
}

/// The demo admin's account id.
const ANA: &str = "demo-admin";

fn operator_id(id: &str) -> OperatorId {
    OperatorId::parse(id).unwrap()
}

/// `POST /api/direct` as the operator signed in with `cookie`.
fn start_direct(api: &Api, cookie: &str, with: &str) -> charla_tests::client::Reply {
    api.post(
        routes::DIRECT,
        &StartDirect {
            operator: operator_id(with),
        },
        Some(cookie),
    )
}

/// The direct conversation of the caller with `with`.
fn direct_with(api: &Api, cookie: &str, with: &str) -> ConversationId {
    let reply = start_direct(api, cookie, with);
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str::<DirectStarted>(&reply.body)
        .unwrap()
        .conversation
}

/// Reads frames until `socket`'s welcome and history have passed.
async fn past_history(socket: &mut Socket) {
    assert!(matches!(socket.next().await, ServerFrame::Welcome { .. }));
    socket.history().await;
}

/// Operators who share a channel write to each other: one conversation per
/// pair, delivered live and exactly once, its summary and unread count in
/// their inboxes only, and nobody else (another operator of the channel,
/// an admin, a visitor's token) able to open it or read it.
async fn operators_write_to_each_other(edge: &LocalEdge, api: &Api) {
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let marta = api.sign_in(OUTSIDER_EMAIL, TEST_PASSWORD);
    let team = |cookie: &str| -> Vec<String> {
        let reply = api.get(routes::TEAM, Some(cookie));
        assert_eq!(reply.status, 200, "{}", reply.body);
        serde_json::from_str::<Vec<Teammate>>(&reply.body)
            .unwrap()
            .into_iter()
            .map(|mate| mate.id.to_string())
            .collect()
    };
    // Luis and Marta share no channel: neither may write to the other.
    assert_eq!(team(&luis), [ANA]);
    let refused = start_direct(api, &luis, "marta");
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert!(refused.problem().message.contains("shares a channel"));
    assert_eq!(start_direct(api, &luis, "luis").status, 400);

    // Once a channel has both, they may; the admin answers it too.
    api.create_channel(&ana, "crew", |settings| {
        settings.operators = vec![operator_id("luis"), operator_id("marta")];
    });
    assert_eq!(team(&luis), [ANA, "marta"]);
    let mut ana_inbox = Socket::inbox(edge, "crew", &ana).await.unwrap();
    let mut ana_list = Inbox::new(operator_id(ANA));
    ana_list.apply(ana_inbox.next_inbox().await);
    let mut marta_inbox = Socket::inbox(edge, "crew", &marta).await.unwrap();
    let mut marta_list = Inbox::new(operator_id("marta"));
    marta_list.apply(marta_inbox.next_inbox().await);

    // The presence of whoever has the channel's inbox open reaches the
    // others, coming and going.
    let luis_inbox = Socket::inbox(edge, "crew", &luis).await.unwrap();
    inbox_until(&mut ana_inbox, &mut ana_list, |list| {
        list.is_online(&operator_id("luis")) && list.is_online(&operator_id("marta"))
    })
    .await;
    luis_inbox.close().await;
    inbox_until(&mut ana_inbox, &mut ana_list, |list| {
        !list.is_online(&operator_id("luis"))
    })
    .await;

    // Either of them asking finds the same conversation.
    let direct = direct_with(api, &luis, "marta");
    assert_eq!(direct_with(api, &marta, "luis"), direct);
    inbox_until(&mut marta_inbox, &mut marta_list, |list| {
        list.get(&direct).is_some()
    })
    .await;
    assert_eq!(
        marta_list
            .get(&direct)
            .unwrap()
            .title_for(&operator_id("marta")),
        "Luis"
    );

    // Delivered live, acknowledged once, stored once.
    let mut from = Socket::operator(edge, &direct, &luis, Seq(0))
        .await
        .unwrap();
    past_history(&mut from).await;
    let mut to = Socket::operator(edge, &direct, &marta, Seq(0))
        .await
        .unwrap();
    past_history(&mut to).await;
    from.send(&send("d1", "Can you take the Acme chat?")).await;
    from.send(&send("d1", "Can you take the Acme chat?")).await;
    frame_where(&mut to, is_message("Can you take the Acme chat?"), |_| {
        false
    })
    .await;
    let acks: Vec<Seq> = {
        let mut acks = Vec::new();
        while acks.len() < 2 {
            if let ServerFrame::Ack { seq, .. } = from.next().await {
                acks.push(seq);
            }
        }
        acks
    };
    assert_eq!(acks, [Seq(1), Seq(1)], "the retry is the same message");
    let transcript: Transcript =
        serde_json::from_str(&api.get(&routes::transcript(&direct), Some(&marta)).body).unwrap();
    assert_eq!(transcript.messages.len(), 1);

    // Marta's unread count is what Luis wrote, until she reads it.
    inbox_until(&mut marta_inbox, &mut marta_list, |list| {
        list.unread(&direct) == 1
    })
    .await;
    to.send(&ClientFrame::Read { seq: Seq(1) }).await;
    inbox_until(&mut marta_inbox, &mut marta_list, |list| {
        list.unread(&direct) == 0
    })
    .await;

    // A note that mentions Marta, on a conversation she cannot open, tells
    // her here, from Luis, once however often the note is retried.
    let (_created, _visitor, mut on_demo) = Socket::pair(edge, api, DEMO_CHANNEL, &luis).await;
    on_demo
        .send(&write_note("m1", "Ask @Marta, she knows the crew."))
        .await;
    on_demo
        .send(&write_note("m1", "Ask @Marta, she knows the crew."))
        .await;
    let mentioned = |frame: &ServerFrame| matches!(frame, ServerFrame::Message { message } if message.text.contains("Ask @Marta"));
    let ServerFrame::Message { message } = frame_where(&mut to, mentioned, |_| false).await else {
        unreachable!("frame_where returns a message");
    };
    assert_eq!(
        message.author.id,
        ParticipantId::operator(&operator_id("luis"))
    );
    assert!(message
        .text
        .starts_with("Mentioned you in a note on the conversation with Visitor"));
    let transcript: Transcript =
        serde_json::from_str(&api.get(&routes::transcript(&direct), Some(&marta)).body).unwrap();
    assert_eq!(
        transcript.messages.len(),
        2,
        "the retried note told her once"
    );

    // Search finds it for its members only.
    eventually("the direct conversation found by Marta", || async {
        found(api, &marta, "crew", "acme")
            .contains(&direct)
            .then_some(())
    })
    .await
    .unwrap();
    assert!(!found(api, &ana, "crew", "acme").contains(&direct));

    // No notes, no commands, no ending: it is not a visitor's conversation.
    from.send(&write_note("dn", "/help")).await;
    assert_eq!(from.next_error().await.code, ErrorCode::Invalid);
    from.send(&ClientFrame::End).await;
    assert_eq!(from.next_error().await.code, ErrorCode::Invalid);

    // Nobody else gets in: not the admin, not a visitor's token.
    let ana_socket = Socket::operator(edge, &direct, &ana, Seq(0)).await;
    assert_eq!(ana_socket.err().map(|r| r.status), Some(403));
    for path in [
        routes::transcript(&direct),
        routes::transcript_text(&direct, None),
    ] {
        assert_eq!(api.get(&path, Some(&ana)).status, 403, "{path}");
    }
    let other = api.create_conversation(DEMO_CHANNEL);
    let with_token = routes::transcript_text(&direct, Some(&other.token));
    assert_eq!(api.get(&with_token, None).status, 403);
    assert!(Socket::visitor(edge, &direct, &other.token, Seq(0))
        .await
        .is_err());
    // And the admin's inbox never heard of it.
    assert!(ana_list.get(&direct).is_none());
    while let Ok(frame) = tokio::time::timeout(
        std::time::Duration::from_millis(300),
        ana_inbox.next_inbox(),
    )
    .await
    {
        ana_list.apply(frame);
    }
    assert!(ana_list.get(&direct).is_none());
    let mut ana_again = Socket::inbox(edge, "crew", &ana).await.unwrap();
    let mut fresh = Inbox::new(operator_id(ANA));
    fresh.apply(ana_again.next_inbox().await);
    assert!(fresh.get(&direct).is_none(), "nor does her next snapshot");
}

fn send(id: &str, text: &str) -> ClientFrame {
    ClientFrame::Send {
        id: ClientMsgId::parse(id).unwrap(),
        text: text.into(),
    }
}

/// Reads frames until one passes `wanted`, failing on any frame `refused`
/// names on the way.
async fn frame_where(
    socket: &mut Socket,
    wanted: impl Fn(&ServerFrame) -> bool,
    refused: impl Fn(&ServerFrame) -> bool,
) -> ServerFrame {
    loop {
        let frame = socket.next().await;
        assert!(!refused(&frame), "unexpected {frame:?}");
        if wanted(&frame) {
            return frame;
        }
    }
}

fn is_typing(frame: &ServerFrame) -> bool {
    matches!(frame, ServerFrame::Typing { .. })
}

fn is_read(frame: &ServerFrame) -> bool {
    matches!(frame, ServerFrame::Read { .. })
}

fn is_message(text: &str) -> impl Fn(&ServerFrame) -> bool + '_ {
    move |frame| matches!(frame, ServerFrame::Message { message } if message.text == text)
}

/// Reads inbox frames until the operator's list passes `wanted`.
async fn inbox_until(socket: &mut Socket, inbox: &mut Inbox, wanted: impl Fn(&Inbox) -> bool) {
    while !wanted(inbox) {
        inbox.apply(socket.next_inbox_frame().await);
    }
}

async fn over_the_wire(edge: &LocalEdge, api: &Api) {
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let mut luis_inbox = Socket::inbox(edge, DEMO_CHANNEL, &luis).await.unwrap();
    let mut luis_list = Inbox::new(operator_id("luis"));
    luis_list.apply(luis_inbox.next_inbox().await);

    let (created, mut visitor, mut operator) = Socket::pair(edge, api, DEMO_CHANNEL, &luis).await;
    let luis_id = ParticipantId::operator(&OperatorId::parse("luis").unwrap());

    // Typing reaches the others, never the typist, and a second frame
    // within the interval is dropped: the next thing the operator hears
    // after the first is the message.
    visitor.send(&ClientFrame::Typing).await;
    let ServerFrame::Typing { author } = frame_where(&mut operator, is_typing, |_| false).await
    else {
        unreachable!("frame_where returns a typing frame");
    };
    assert_eq!(author.role, Role::Visitor);
    assert_eq!(author.id, ParticipantId::visitor());
    visitor.send(&ClientFrame::Typing).await;
    for n in 1..=3 {
        visitor
            .send(&send(&format!("v{n}"), &format!("question {n}")))
            .await;
    }
    frame_where(&mut operator, is_message("question 3"), is_typing).await;
    frame_where(&mut visitor, is_message("question 3"), is_typing).await;

    // Nothing of it was stored.
    let transcript: Transcript = {
        let reply = api.get(&routes::transcript(&created.conversation), Some(&luis));
        assert_eq!(reply.status, 200, "{}", reply.body);
        serde_json::from_str(&reply.body).unwrap()
    };
    assert_eq!(transcript.messages.len(), 3, "typing is never stored");

    // The inbox counts the visitor's messages as unread for Luis.
    inbox_until(&mut luis_inbox, &mut luis_list, |list| {
        list.unread(&created.conversation) == 3
    })
    .await;

    // A mark past the end is taken as the end; the visitor hears of it, and
    // so do Luis's consoles.
    operator.send(&ClientFrame::Read { seq: Seq(99) }).await;
    let ServerFrame::Read { mark } = frame_where(&mut visitor, is_read, |_| false).await else {
        unreachable!("frame_where returns a read frame");
    };
    assert_eq!(
        mark,
        ReadMark {
            reader: luis_id.clone(),
            role: Role::Operator,
            seq: Seq(3),
        }
    );
    inbox_until(&mut luis_inbox, &mut luis_list, |list| {
        list.unread(&created.conversation) == 0
    })
    .await;

    // A mark never goes back: an older one relays nothing, so the next
    // frame the visitor gets is the operator's answer.
    operator.send(&ClientFrame::Read { seq: Seq(1) }).await;
    operator.send(&send("o1", "Let me check.")).await;
    frame_where(&mut visitor, is_message("Let me check."), is_read).await;

    // The visitor reads the answer; the mark reaches the operator (after
    // the operator's own, which every socket of the conversation gets).
    visitor.send(&ClientFrame::Read { seq: Seq(4) }).await;
    let visitor_read = |frame: &ServerFrame| matches!(frame, ServerFrame::Read { mark } if mark.role == Role::Visitor);
    let ServerFrame::Read { mark } = frame_where(&mut operator, visitor_read, |_| false).await
    else {
        unreachable!("frame_where returns a read frame");
    };
    assert_eq!(mark.seq, Seq(4));

    // Marks come back with every welcome, so counts survive a reload.
    let mut again = Socket::visitor(edge, &created.conversation, &created.token, Seq(4))
        .await
        .unwrap();
    let ServerFrame::Welcome { reads, .. } = again.next().await else {
        panic!("the first frame is a welcome");
    };
    assert!(reads.contains(&ReadMark {
        reader: luis_id.clone(),
        role: Role::Operator,
        seq: Seq(3),
    }));
    assert!(reads
        .iter()
        .any(|r| r.role == Role::Visitor && r.seq == Seq(4)));

    // Luis's next console starts with his mark; Ana has read nothing.
    let mut luis_again = Socket::inbox(edge, DEMO_CHANNEL, &luis).await.unwrap();
    let mut list = Inbox::new(operator_id("luis"));
    list.apply(luis_again.next_inbox().await);
    assert_eq!(list.unread(&created.conversation), 0);
    let mut ana_inbox = Socket::inbox(edge, DEMO_CHANNEL, &ana).await.unwrap();
    let mut ana_list = Inbox::new(operator_id(ANA));
    ana_list.apply(ana_inbox.next_inbox().await);
    assert_eq!(ana_list.unread(&created.conversation), 3);
    assert_eq!(ana_list.unread_total(), 3);
}

fn write_note(id: &str, text: &str) -> ClientFrame {
    ClientFrame::Note {
        id: ClientMsgId::parse(id).unwrap(),
        text: text.into(),
    }
}

/// Reads an operator's frames until a note from Charla arrives; its text.
async fn answer(operator: &mut Socket) -> String {
    loop {
        if let ServerFrame::Staff(StaffFrame::NoteAdded { note }) = operator.next().await {
            if note.author.role == Role::System {
                return note.text;
            }
        }
    }
}

async fn notes_and_commands_over_the_wire(edge: &LocalEdge, api: &Api) {
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let (created, mut visitor, mut operator) = Socket::pair(edge, api, DEMO_CHANNEL, &luis).await;
    let mut colleague = Socket::operator(edge, &created.conversation, &ana, Seq(0))
        .await
        .unwrap();
    colleague.joined().await;
    // Operators' sockets get the notes after their history (none yet), then
    // what is known about the visitor.
    for socket in [&operator, &colleague] {
        let (notes, details) = socket.staff().expect("an operator's socket");
        assert!(notes.is_empty());
        assert_eq!(details.pages, []);
    }

    // The visitor's visit arrives with the connection; a bad page or time
    // zone is refused, and operators see the rest as it comes.
    let page = |url: &str, title: &str| PageView {
        url: url.into(),
        title: title.into(),
        at: 1_000,
    };
    let visit = |pages, offset_min| ClientFrame::Visit {
        pages,
        visits: 3,
        offset_min,
    };
    visitor
        .send(&visit(vec![page("javascript:alert(1)", "x")], 60))
        .await;
    assert_eq!(visitor.next_error().await.code, ErrorCode::Invalid);
    visitor
        .send(&visit(vec![page("https://shop.example/", "Home")], 15 * 60))
        .await;
    assert_eq!(visitor.next_error().await.code, ErrorCode::Invalid);
    let pages = vec![
        page("https://shop.example/", "Home"),
        page("https://shop.example/pricing", "Pricing"),
    ];
    visitor.send(&visit(pages.clone(), 60)).await;
    // A flood of reports is dropped: operators hear of the first only (the
    // next frame they get is the note below).
    for _ in 0..5 {
        visitor
            .send(&visit(vec![page("https://x.example/", "X")], 0))
            .await;
    }
    for socket in [&mut operator, &mut colleague] {
        let ServerFrame::Staff(StaffFrame::Visitor { details }) = socket.next().await else {
            panic!("operators hear of the visit");
        };
        assert_eq!(details.pages, pages);
        assert_eq!(details.started_on.as_ref(), pages.last());
        assert_eq!((details.visits, details.offset_min), (3, Some(60)));
    }

    // A note reaches both operators, not the visitor; a retry stores it once.
    operator
        .send(&write_note("n1", "The customer seems upset"))
        .await;
    for socket in [&mut operator, &mut colleague] {
        let ServerFrame::Staff(StaffFrame::NoteAdded { note }) = socket.next().await else {
            panic!("the note reaches operators");
        };
        assert_eq!(
            (note.n, note.text.as_str()),
            (1, "The customer seems upset")
        );
    }
    operator
        .send(&write_note("n1", "The customer seems upset"))
        .await;
    let ServerFrame::Staff(StaffFrame::NoteAdded { note }) = operator.next().await else {
        panic!("the retry is answered");
    };
    assert_eq!(note.n, 1, "stored once");

    // Commands: their answers are notes from Charla.
    operator.send(&write_note("n2", "/help")).await;
    assert!(answer(&mut operator).await.contains("/ticket_search"));
    operator.send(&write_note("n3", "/history")).await;
    let history = answer(&mut operator).await;
    assert!(
        history.contains("Home — https://shop.example/")
            && history.contains("Pricing — https://shop.example/pricing"),
        "{history}"
    );
    operator
        .send(&write_note("n4", "/ticket Printer on fire"))
        .await;
    let created_ticket = answer(&mut operator).await;
    assert!(created_ticket.starts_with("Ticket #"), "{created_ticket}");
    let number: String = created_ticket
        .trim_start_matches("Ticket #")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    operator
        .send(&write_note("n5", "/ticket_search printer"))
        .await;
    let found = answer(&mut operator).await;
    assert!(
        found.contains(&format!("Ticket #{number} — Printer on fire")),
        "{found}"
    );
    operator
        .send(&write_note("n6", &format!("/ticket_search {number}")))
        .await;
    assert!(answer(&mut operator).await.contains("Printer on fire"));
    operator.send(&write_note("n7", "/lead Big order")).await;
    assert!(answer(&mut operator).await.starts_with("Lead #"));

    // Unknown commands, commands sent as messages and visitors' notes are
    // refused, and store nothing.
    operator.send(&write_note("n8", "/dance")).await;
    let unknown = operator.next_error().await;
    assert!(
        unknown.message.contains("/ticket_search"),
        "{}",
        unknown.message
    );
    operator.send(&send("m1", "/ticket Sneaky")).await;
    assert_eq!(operator.next_error().await.code, ErrorCode::Invalid);
    visitor.send(&write_note("v1", "I am an operator")).await;
    assert_eq!(visitor.next_error().await.code, ErrorCode::Forbidden);

    // A new operator socket gets every note; the visitor's transcript and
    // socket have none of it, only the message /leave adds.
    let mut later = Socket::operator(edge, &created.conversation, &ana, Seq(0))
        .await
        .unwrap();
    later.joined().await;
    let (notes, details) = later.staff().expect("an operator's socket");
    assert_eq!(notes.len(), 13, "{notes:#?}");
    assert_eq!(details.pages.last(), pages.last());
    operator.send(&write_note("n9", "/leave")).await;
    assert!(answer(&mut operator).await.starts_with("You left"));
    let ServerFrame::Message { message } = visitor.next().await else {
        panic!("the visitor's next frame is the operator leaving");
    };
    assert_eq!(message.text, "Luis left the conversation.");
    let text = api.get(
        &routes::transcript_text(&created.conversation, Some(&created.token)),
        None,
    );
    assert_eq!(text.status, 200, "{}", text.body);
    for secret in ["upset", "/help", "Printer", "Big order", "shop.example"] {
        assert!(!text.body.contains(secret), "{secret} in {}", text.body);
    }
}

/// Conversations started by the same browser (its visitor key) are listed
/// as the visitor's earlier ones, on the same channel, to its operators.
fn earlier_conversations_over_http(api: &Api) {
    let start = |key: &str| -> ConversationCreated {
        let reply = api.post(
            routes::CONVERSATIONS,
            &CreateConversation {
                channel: ChannelId::parse(DEMO_CHANNEL).unwrap(),
                visitor: Visitor::default(),
                chatbot: None,
                language: None,
                visitor_key: Some(VisitorKey::parse(key).unwrap()),
            },
            None,
        );
        assert_eq!(reply.status, 201, "{}", reply.body);
        serde_json::from_str(&reply.body).unwrap()
    };
    let key = "0123456789abcdef0123456789abcdef";
    let first = start(key);
    let second = start(key);
    let stranger = start("fedcba9876543210fedcba9876543210");
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let previous = |created: &ConversationCreated, cookie: &str| {
        api.get(
            &routes::previous_conversations(&created.conversation),
            Some(cookie),
        )
    };
    let reply = previous(&second, &luis);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let listed: Vec<PreviousConversation> = serde_json::from_str(&reply.body).unwrap();
    let ids: Vec<_> = listed.iter().map(|p| p.conversation.clone()).collect();
    assert_eq!(ids, [first.conversation]);
    let reply = previous(&stranger, &luis);
    assert_eq!(reply.body, "[]");
    let marta = api.sign_in(OUTSIDER_EMAIL, TEST_PASSWORD);
    assert_eq!(previous(&second, &marta).status, 403);
}

const CHANNEL_PRICE: &str = "Our plans start at 9 € a month.";
const HELLO: &str = "Hello! How can I help you today?";

/// Admins keep a channel's list and the global one; operators of the
/// channel read both, the channel's winning; bad lists are refused whole.
fn canned_responses_over_http(api: &Api) {
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let demo = ChannelId::parse(DEMO_CHANNEL).unwrap();
    let put = |path: &str, cookie: &str, list: &[(&str, &str)]| {
        let list: Vec<Canned> = list
            .iter()
            .map(|(shortcut, text)| Canned {
                shortcut: (*shortcut).into(),
                text: (*text).into(),
            })
            .collect();
        let body = serde_json::to_string(&list).unwrap();
        api.request("PUT", path, Some(&body), &[("cookie", cookie)])
    };
    let own = [("hello", HELLO), ("price", CHANNEL_PRICE)];
    let reply = put(&routes::canned(&demo), &ana, &own);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let global = [
        ("price", "Ask sales for prices."),
        ("bye", "Have a good day!"),
    ];
    let reply = put(routes::GLOBAL_CANNED, &ana, &global);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = put(&routes::canned(&demo), &luis, &own);
    assert_eq!(reply.status, 403, "only admins edit them");
    let reply = put(
        &routes::canned(&demo),
        &ana,
        &[("dup", "a"), ("DUP", "b"), ("two words", "c")],
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    let problem = reply.problem();
    assert!(
        problem.message.contains("listed twice") && problem.message.contains("two words"),
        "{}",
        problem.message
    );

    let reply = api.get(&routes::canned(&demo), Some(&luis));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let lists: CannedLists = serde_json::from_str(&reply.body).unwrap();
    let merged: Vec<(String, String)> = lists
        .merged()
        .into_iter()
        .map(|c| (c.shortcut, c.text))
        .collect();
    assert_eq!(
        merged,
        [
            ("bye".to_owned(), "Have a good day!".to_owned()),
            ("hello".to_owned(), HELLO.to_owned()),
            ("price".to_owned(), CHANNEL_PRICE.to_owned()),
        ],
        "the bad list changed nothing, and the channel's price wins"
    );
}

async fn in_the_browsers(edge: &LocalEdge, api: &Api) -> HarnessResult<()> {
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    visitor
        .goto(&format!("{}/embed.html?channel={DEMO_CHANNEL}", edge.url()))
        .await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "Hello, anyone there?").await?;
    let conversation = remembered_conversation(&visitor).await?;
    let row = format!(".conversation[data-conversation='{conversation}']");

    let operator = driver.session().await?;
    sign_in_as(&operator, edge, DEMO_EMAIL, DEMO_PASSWORD).await?;
    open_conversation(&operator, &row).await?;
    eventually("the visitor's message in the pane", || async {
        pane_texts(&operator)
            .await
            .filter(|t| t.iter().any(|m| m == "Hello, anyone there?"))
    })
    .await?;

    // Search finds it by a word in it; emptied, the list is back.
    let search = operator.find(Locator::Css("#conversation-search")).await?;
    search.send_keys("anyone").await?;
    let listed = "return [...document.querySelectorAll('.conversation-list .conversation')]
                    .map(c => c.dataset.conversation)";
    eventually("only the conversation found", || async {
        script(&operator, listed)
            .await
            .as_array()
            .filter(|ids| ids.len() == 1 && ids[0] == conversation.as_str())
            .map(|_| ())
    })
    .await?;
    search.send_keys("\u{E009}a\u{E003}").await?;
    eventually("the whole list again", || async {
        script(&operator, listed)
            .await
            .as_array()
            .filter(|ids| ids.len() > 1)
            .map(|_| ())
    })
    .await?;

    // The operator types: the widget says so, then stops by itself.
    operator
        .find(Locator::Css(".pane textarea"))
        .await?
        .send_keys("Let me")
        .await?;
    eventually("the operator typing in the widget", || async {
        in_widget(
            &visitor,
            "return root.querySelector('.charla-typing').textContent",
        )
        .await
        .as_str()
        .filter(|t| t.ends_with("is typing…") && t.starts_with("Ana"))
        .map(str::to_owned)
    })
    .await?;
    eventually("the indicator lapses", || async {
        in_widget(
            &visitor,
            "return root.querySelector('.charla-typing').textContent",
        )
        .await
        .as_str()
        .filter(|t| t.is_empty())
        .map(str::to_owned)
    })
    .await?;
    // The visitor types: the pane says so.
    widget_element(&visitor, "#charla-input")
        .await?
        .send_keys("One more")
        .await?;
    let input = widget_element(&visitor, "#charla-input").await?;
    eventually("the visitor typing in the pane", || async {
        script(
            &operator,
            "return document.querySelector('.pane .charla-typing')?.textContent",
        )
        .await
        .as_str()
        .filter(|t| t.ends_with("is typing…"))
        .map(str::to_owned)
    })
    .await?;
    input.clear().await?;
    let violations = serious_accessibility_violations(&operator).await?;
    assert!(violations.is_empty(), "{violations:#?}");

    // Times and the day's separator show, in the visitor's language.
    let stamps = widget_texts_of(&visitor, ".charla-msg .charla-time")
        .await
        .unwrap_or_default();
    assert!(
        stamps
            .iter()
            .all(|s| s == "just now" || s.ends_with("min ago")),
        "{stamps:?}"
    );
    let days = widget_texts_of(&visitor, ".charla-day")
        .await
        .unwrap_or_default();
    assert_eq!(days, ["Today"]);

    // Replies to a closed window are counted on the button and in the
    // page's title, and the count survives a reload; the operator sees no
    // "Seen" until the visitor opens the window.
    widget_element(&visitor, ".charla-close")
        .await?
        .click()
        .await?;
    let title = visitor.title().await?;
    let reply = operator.find(Locator::Css(".pane textarea")).await?;
    reply.clear().await?;
    reply.send_keys("First answer\u{E007}").await?;
    operator
        .find(Locator::Css(".pane textarea"))
        .await?
        .send_keys("Second answer\u{E007}")
        .await?;
    unread_on_the_button(&visitor, "2").await?;
    assert_eq!(visitor.title().await?, format!("(2) {title}"));
    visitor.refresh().await?;
    unread_on_the_button(&visitor, "2").await?;
    assert!(seen_in_pane(&operator).await.is_none());
    open_widget(&visitor).await?;
    eventually("Seen under the operator's last answer", || async {
        seen_in_pane(&operator)
            .await
            .filter(|text| text == "Second answer")
    })
    .await?;
    eventually("the title without the count", || async {
        visitor.title().await.ok().filter(|t| *t == title)
    })
    .await?;

    // The visitor writes while the operator's pane is closed: the list
    // counts it, and the count survives the console's reload.
    operator
        .find(Locator::Css(".pane .close"))
        .await?
        .click()
        .await?;
    send_from_widget(&visitor, "Are you still there?").await?;
    send_from_widget(&visitor, "Hello?").await?;
    unread_in_the_list(&operator, &row, "2 unread").await?;
    operator.refresh().await?;
    unread_in_the_list(&operator, &row, "2 unread").await?;
    eventually("the count in the console's title", || async {
        operator.title().await.ok().filter(|t| t.starts_with('('))
    })
    .await?;
    open_conversation(&operator, &row).await?;
    unread_in_the_list(&operator, &row, "").await?;
    // The visitor sees that the operator read them.
    eventually("Seen under the visitor's message", || async {
        in_widget(
            &visitor,
            "const seen = [...root.querySelectorAll('.charla-seen')].find(s => !s.hidden);
             return seen?.parentElement.querySelector('.charla-text').textContent",
        )
        .await
        .as_str()
        .filter(|t| *t == "Hello?")
        .map(str::to_owned)
    })
    .await?;

    // Commands and notes typed in the console show to operators only.
    let reply = operator.find(Locator::Css(".pane textarea")).await?;
    reply.send_keys("/help\u{E007}").await?;
    note_in_pane(&operator, "/ticket_search").await?;
    reply.send_keys("/ticket Broken widget\u{E007}").await?;
    note_in_pane(&operator, "Ticket #").await?;
    // The answer links to the ticket, which shows under Leads and tickets.
    operator
        .find(Locator::Css(".pane .note-text a"))
        .await?
        .click()
        .await?;
    eventually("the linked ticket", || async {
        texts(&operator, "document.querySelectorAll('.record-detail h3')")
            .await?
            .iter()
            .any(|t| t.starts_with("Ticket #") && t.ends_with(": Broken widget"))
            .then_some(())
    })
    .await?;
    operator
        .find(Locator::Css(".views button"))
        .await?
        .click()
        .await?;
    let reply = eventually("the pane again", || async {
        operator.find(Locator::Css(".pane textarea")).await.ok()
    })
    .await?;
    reply.send_keys("/ticket_search broken\u{E007}").await?;
    note_in_pane(&operator, "Tickets matching").await?;
    reply.send_keys("/history\u{E007}").await?;
    note_in_pane(&operator, "/embed").await?;
    reply
        .send_keys("/lead Coffee for the office\u{E007}")
        .await?;
    note_in_pane(&operator, "Lead #").await?;
    toggle_private_note(&operator).await?;
    reply.send_keys("A regular customer\u{E007}").await?;
    note_in_pane(&operator, "A regular customer").await?;

    // Canned responses: ":" opens the list, typing filters it, the arrows
    // and Enter pick; "!" alone opens it and Escape closes it; ":hello"
    // and a space expand in place.
    toggle_private_note(&operator).await?;
    reply.send_keys(":").await?;
    menu_options(&operator, 3).await?;
    let violations = serious_accessibility_violations(&operator).await?;
    assert!(violations.is_empty(), "{violations:#?}");
    reply.send_keys("pr").await?;
    menu_options(&operator, 1).await?;
    reply.send_keys("\u{E015}\u{E007}").await?;
    assert_eq!(reply.prop("value").await?.as_deref(), Some(CHANNEL_PRICE));
    menu_options(&operator, 0).await?;
    reply.clear().await?;
    reply.send_keys("!").await?;
    menu_options(&operator, 3).await?;
    reply.send_keys("\u{E00C}").await?;
    menu_options(&operator, 0).await?;
    reply.clear().await?;
    reply.send_keys("Hi, :hello ").await?;
    assert_eq!(
        reply.prop("value").await?.as_deref(),
        Some(format!("Hi, {HELLO} ").as_str())
    );
    reply.send_keys("\u{E007}").await?;
    eventually("the expanded reply in the widget", || async {
        widget_texts_of(&visitor, ".charla-msg:not(.charla-pending) .charla-text")
            .await?
            .contains(&format!("Hi, {HELLO}"))
            .then_some(())
    })
    .await?;

    let shown = widget_texts_of(&visitor, ".charla-text")
        .await
        .unwrap_or_default();
    for secret in [
        "/help",
        "Broken widget",
        "regular customer",
        "Ticket #",
        "Tickets matching",
        "Lead #",
        "Coffee for the office",
    ] {
        assert!(
            !shown.iter().any(|t| t.contains(secret)),
            "{secret} in {shown:?}"
        );
    }

    // The side panel: who the visitor is and where they are, live as they
    // move to another page.
    panel_shows(&operator, ".current-page", "/embed?channel=demo").await?;
    panel_shows(&operator, "dd", "Chrome on Linux").await?;
    visitor
        .goto(&format!("{}/pricing.html", edge.url()))
        .await?;
    panel_shows(&operator, ".current-page", "/pricing").await?;
    panel_shows(&operator, ".started-on", "/embed?channel=demo").await?;

    // "/leave": the pane closes, the visitor stays and is told.
    operator
        .find(Locator::Css(".pane textarea"))
        .await?
        .send_keys("/leave\u{E007}")
        .await?;
    eventually("the pane closed", || async {
        script(
            &operator,
            &format!("return document.querySelector(\".pane[data-conversation='{conversation}']\") === null"),
        )
        .await
        .as_bool()
        .filter(|gone| *gone)
    })
    .await?;
    eventually("the visitor told that Ana left", || async {
        widget_texts_of(&visitor, ".charla-text")
            .await?
            .iter()
            .any(|t| t == "Ana left the conversation.")
            .then_some(())
    })
    .await?;
    visitor.close().await?;

    // Ana writes to Luis from her console's list of operators, where he
    // shows online once his console is open; it reaches him live, and his
    // answer reaches her pane.
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let _luis_inbox = Socket::inbox(edge, DEMO_CHANNEL, &luis).await.unwrap();
    let luis_row = ".teammate[data-operator='luis']";
    eventually("Luis online in the list of operators", || async {
        script(
            &operator,
            &format!("return document.querySelector({luis_row:?}).classList.contains('online')"),
        )
        .await
        .as_bool()
        .filter(|online| *online)
    })
    .await?;
    click(&operator, &format!("{luis_row} button")).await?;
    let direct = direct_with(api, &luis, ANA);
    let pane = format!(".pane[data-conversation='{direct}']");
    let reply = eventually("the pane of the direct conversation", || async {
        operator
            .find(Locator::Css(&format!("{pane} textarea")))
            .await
            .ok()
    })
    .await?;
    let mut luis_socket = Socket::operator(edge, &direct, &luis, Seq(0))
        .await
        .unwrap();
    past_history(&mut luis_socket).await;
    reply.send_keys("Are you on the Acme chat?\u{E007}").await?;
    frame_where(
        &mut luis_socket,
        is_message("Are you on the Acme chat?"),
        |_| false,
    )
    .await;
    luis_socket.send(&send("l1", "Yes, on it.")).await;
    let in_pane = format!("document.querySelectorAll(\"{pane} .charla-text\")");
    eventually("Luis's answer in Ana's pane", || async {
        texts(&operator, &in_pane)
            .await?
            .iter()
            .any(|t| t == "Yes, on it.")
            .then_some(())
    })
    .await?;
    let row = format!(".conversation[data-conversation='{direct}'] .visitor");
    eventually("the conversation listed under Luis's name", || async {
        texts(&operator, &format!("document.querySelectorAll({row:?})"))
            .await?
            .iter()
            .any(|t| t.starts_with("Luis"))
            .then_some(())
    })
    .await?;
    assert_eq!(
        script(
            &operator,
            &format!("return document.querySelector(\"{pane} .visitor-panel\") === null")
        )
        .await
        .as_bool(),
        Some(true),
        "no visitor panel in a conversation between operators"
    );
    operator.close().await?;

    // On a phone the console shows the list, then the one conversation
    // opened (its × goes back), and nothing runs off the screen.
    let phone = driver.session().await?;
    charla_tests::browser::emulate_phone(&phone).await?;
    sign_in_as(&phone, edge, OPERATOR_EMAIL, TEST_PASSWORD).await?;
    let shown = "const seen = el => !!el && getComputedStyle(el).display !== 'none';
                 return { list: seen(document.querySelector('.inbox')),
                          pane: seen(document.querySelector('.pane')),
                          fits: document.documentElement.scrollWidth <= innerWidth }";
    eventually("the list on a phone", || async {
        phone
            .find(Locator::Css(".conversation-list .conversation button"))
            .await
            .ok()
    })
    .await?;
    assert_eq!(
        script(&phone, shown).await,
        serde_json::json!({ "list": true, "pane": false, "fits": true })
    );
    click(&phone, ".conversation-list .conversation button").await?;
    eventually("one conversation on a phone", || async {
        let now = script(&phone, shown).await;
        (now == serde_json::json!({ "list": false, "pane": true, "fits": true })).then_some(())
    })
    .await?;
    let violations = serious_accessibility_violations(&phone).await?;
    assert!(violations.is_empty(), "{violations:#?}");
    phone.close().await?;

    // On a laptop, four conversations open side by side stay on the
    // screen: the panes wrap instead of running off it.
    let laptop = driver.session().await?;
    laptop.set_window_rect(0, 0, 1280, 900).await?;
    sign_in_as(&laptop, edge, OPERATOR_EMAIL, TEST_PASSWORD).await?;
    eventually("four conversations in the list", || async {
        let rows = laptop
            .find_all(Locator::Css(".conversation-list .conversation button"))
            .await
            .ok()?;
        (rows.len() >= 4).then_some(())
    })
    .await?;
    for row in 0..4 {
        click_nth(&laptop, ".conversation-list .conversation button", row).await?;
    }
    let panes = "const panes = [...document.querySelectorAll('.pane')];
                 return [panes.length, panes.every(p => p.getBoundingClientRect().right <= innerWidth),
                         document.documentElement.scrollWidth <= innerWidth]";
    eventually("four panes on the screen", || async {
        (script(&laptop, panes).await == serde_json::json!([4, true, true])).then_some(())
    })
    .await?;

    // The operator reads the console in Spanish: it reloads in it and
    // stays in it.
    laptop
        .find(Locator::Css("select.console-language option[value=es]"))
        .await?
        .click()
        .await?;
    let words = "return [document.querySelector('#inbox-title')?.textContent,
                         document.querySelector('.sign-out')?.textContent.trim(),
                         document.querySelector('#conversation-search')?.placeholder]";
    let spanish = serde_json::json!([
        "Conversaciones",
        "Cerrar sesión",
        "Buscar por nombre, correo, palabras o número de ticket"
    ]);
    eventually("the console in Spanish", || async {
        (script(&laptop, words).await == spanish).then_some(())
    })
    .await?;
    laptop.refresh().await?;
    eventually("still in Spanish", || async {
        (script(&laptop, words).await == spanish).then_some(())
    })
    .await?;

    // The reports are in it too, down to their filters and tables.
    let reports = "const views = [...document.querySelectorAll('button.view')];
                   views[2].click();
                   return [views.map(v => v.textContent.trim()),
                           document.querySelector('main.report h2')?.textContent,
                           document.querySelector('#ratings-period option:checked')?.textContent,
                           document.querySelector('table.pivot caption')?.textContent]";
    let spanish_reports = serde_json::json!([
        [
            "Conversaciones",
            "Clientes potenciales y tickets",
            "Valoraciones",
            "Panel",
            "Mensajes fuera de horario",
            "Supervisión"
        ],
        "Valoraciones",
        "Últimos 30 días",
        "Por operador"
    ]);
    eventually("the ratings report in Spanish", || async {
        (script(&laptop, reports).await == spanish_reports).then_some(())
    })
    .await?;
    laptop.close().await?;
    Ok(())
}

/// Waits until an element of the open pane's visitor panel contains `text`.
async fn panel_shows(operator: &Client, css: &str, text: &str) -> HarnessResult<()> {
    let nodes = format!("document.querySelectorAll('.pane .visitor-panel {css}')");
    eventually(&format!("{text:?} in the visitor panel"), || async {
        texts(operator, &nodes)
            .await?
            .iter()
            .any(|t| t.contains(text))
            .then_some(())
    })
    .await
}

/// Waits until the canned responses' list shows `count` options (0: closed).
async fn menu_options(operator: &Client, count: u64) -> HarnessResult<()> {
    eventually(&format!("{count} canned responses listed"), || async {
        script(
            operator,
            "const menu = document.querySelector('.pane .canned-menu');
             return menu.hidden ? 0 : menu.querySelectorAll('[role=option]').length",
        )
        .await
        .as_u64()
        .filter(|n| *n == count)
    })
    .await?;
    Ok(())
}

/// Ticks or unticks "Private note" in the open pane.
async fn toggle_private_note(operator: &Client) -> HarnessResult<()> {
    operator
        .find(Locator::Css(".pane .private input"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Waits until a note in the open pane contains `text`.
async fn note_in_pane(operator: &Client, text: &str) -> HarnessResult<()> {
    eventually(&format!("a note with {text:?}"), || async {
        texts(operator, "document.querySelectorAll('.pane .note-text')")
            .await?
            .iter()
            .any(|t| t.contains(text))
            .then_some(())
    })
    .await
}

async fn open_conversation(operator: &Client, row: &str) -> HarnessResult<()> {
    click(operator, &format!("{row} button")).await?;
    eventually("the pane", || async {
        operator.find(Locator::Css(".pane textarea")).await.ok()
    })
    .await?;
    Ok(())
}

async fn unread_on_the_button(visitor: &Client, count: &str) -> HarnessResult<()> {
    eventually(&format!("{count} unread on the button"), || async {
        in_widget(
            visitor,
            "const mark = root.querySelector('.charla-unread');
             return mark.hidden ? '' : mark.firstChild.textContent",
        )
        .await
        .as_str()
        .filter(|t| *t == count)
        .map(str::to_owned)
    })
    .await?;
    Ok(())
}

/// Waits until the list's row shows `count` ("" once nothing is unread).
async fn unread_in_the_list(operator: &Client, row: &str, count: &str) -> HarnessResult<()> {
    eventually(&format!("{count:?} in the list"), || async {
        script(
            operator,
            &format!(
                "const mark = document.querySelector({:?});
                 return mark ? (mark.hidden ? '' : mark.textContent) : null",
                format!("{row} .unread-mark")
            ),
        )
        .await
        .as_str()
        .filter(|t| *t == count)
        .map(str::to_owned)
    })
    .await?;
    Ok(())
}

/// The text of the message "Seen" shows under in the open pane.
async fn seen_in_pane(operator: &Client) -> Option<String> {
    script(
        operator,
        "const seen = [...document.querySelectorAll('.pane .charla-seen')].find(s => !s.hidden);
         return seen?.parentElement.querySelector('.charla-text').textContent ?? null",
    )
    .await
    .as_str()
    .map(str::to_owned)
}
