//! End to end: real headless Chromium sessions — visitors on the demo site,
//! an operator in the console — against the real edge on local workerd.

use std::time::Duration;

use charla_shared::api::Transcript;
use charla_shared::ids::{ClientMsgId, Seq};
use charla_shared::protocol::{ClientFrame, ServerFrame};
use charla_shared::routes;
use charla_tests::browser::{eventually, script, set_offline, Chromedriver};
use charla_tests::chaos::CutProxy;
use charla_tests::client::{Api, Socket};
use charla_tests::edge::{test_edge, LocalEdge};
use charla_tests::seed::{
    DEMO_CHANNEL, DEMO_EMAIL, DEMO_PASSWORD, HOSTILE_CHANNEL, HOSTILE_EMAIL, TEST_PASSWORD, XSS,
};
use charla_tests::site::ForeignSite;
use charla_tests::ui::{
    click, click_nth, in_widget, open_widget, pane_texts, remembered_conversation,
    send_from_widget, sign_in_as, type_into_widget, widget_element, widget_texts, widget_texts_of,
};
use charla_tests::HarnessResult;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;

/// The demo channel's welcome message (the default channel options).
const WELCOME: &str = "Hello! How may we help you?";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_and_an_operator_chat_live_and_nothing_is_lost() -> HarnessResult<()> {
    let (mut edge, _state) = test_edge(&[])?;
    let driver = Chromedriver::start()?;
    let operator = driver.session().await?;
    let visitor = driver.session().await?;

    sign_in(&operator, &edge).await?;

    // The visitor opens the chat on the demo site and writes.
    visitor.goto(&edge.url()).await?;
    listen_to_messages(&visitor).await;
    open_widget(&visitor).await?;
    eventually("the welcome message", || async {
        widget_texts(&visitor).await.filter(|t| t == &[WELCOME])
    })
    .await?;
    let question = "Hello, my order never arrived";
    send_from_widget(&visitor, question).await?;

    // It appears in the operator's list without a reload, marked unread.
    let row = eventually("the conversation in the console list", || async {
        let rows = script(
            &operator,
            "return [...document.querySelectorAll('.conversation')]\
               .map(li => ({unread: li.classList.contains('unread'), text: li.textContent}))",
        )
        .await;
        rows.as_array()
            .and_then(|rows| rows.first().cloned())
            .filter(|row| row["text"].as_str().is_some_and(|t| t.contains(question)))
    })
    .await?;
    assert_eq!(
        row["unread"],
        Value::Bool(true),
        "a new message is marked unread"
    );

    // The operator opens it, reads the transcript and replies.
    click(&operator, ".conversation button").await?;
    eventually("the transcript in the pane", || async {
        pane_texts(&operator).await.filter(|t| t == &[question])
    })
    .await?;
    eventually("the unread mark cleared", || async {
        let unread = script(
            &operator,
            "return document.querySelectorAll('.conversation.unread').length",
        )
        .await;
        (unread == 0).then_some(())
    })
    .await?;
    let answer = "Sorry to hear that! Let me check your order.";
    operator
        .find(Locator::Css(".pane textarea"))
        .await?
        .send_keys(&format!("{answer}{}", char::from(Key::Enter)))
        .await?;

    // The visitor sees the reply live, and the host page heard every message.
    let everything = [WELCOME, question, answer];
    eventually("the reply in the widget", || async {
        widget_texts(&visitor).await.filter(|t| t == &everything)
    })
    .await?;
    let heard = eventually("the host page's message events", || async {
        let heard = script(&visitor, "return window.heard").await;
        heard.as_array().filter(|h| h.len() == 2).cloned()
    })
    .await?;
    assert_eq!(heard[0]["author"], "visitor");
    assert_eq!(heard[0]["seq"], 1);
    assert_eq!(heard[1]["author"], "operator");
    assert_eq!(heard[1]["name"], "Ana");
    assert_eq!(heard[1]["text"], answer);
    assert_eq!(heard[1]["seq"], 2);

    // A reload and a navigation keep the conversation.
    visitor.refresh().await?;
    open_widget(&visitor).await?;
    eventually("the history after a reload", || async {
        widget_texts(&visitor).await.filter(|t| t == &everything)
    })
    .await?;
    visitor
        .goto(&format!("{}/pricing.html", edge.url()))
        .await?;
    open_widget(&visitor).await?;
    eventually("the history on another page", || async {
        widget_texts(&visitor).await.filter(|t| t == &everything)
    })
    .await?;

    // The edge stops and starts again: the transcript is still there.
    edge.restart()?;
    visitor.refresh().await?;
    open_widget(&visitor).await?;
    eventually("the history after the edge restarted", || async {
        widget_texts(&visitor).await.filter(|t| t == &everything)
    })
    .await?;
    // The console reconnects by itself and the chat goes on.
    let again = "Are you still there?";
    type_into_widget(&visitor, again).await?;
    eventually("the message after the restart in the open pane", || async {
        pane_texts(&operator)
            .await
            .filter(|t| t.last().map(String::as_str) == Some(again))
    })
    .await?;
    let api = Api::new(&edge);
    let cookie = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let id = eventually("the conversation id", || async {
        script(
            &operator,
            "return document.querySelector('.pane')?.dataset.conversation",
        )
        .await
        .as_str()
        .map(str::to_owned)
    })
    .await?;
    let reply = api.get(
        &format!("/api/conversations/{id}/transcript"),
        Some(&cookie),
    );
    let transcript: Transcript = serde_json::from_str(&reply.body).expect("a transcript");
    let texts: Vec<&str> = transcript
        .messages
        .iter()
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(texts, [question, answer, again]);

    visitor.close().await?;
    operator.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_answers_several_conversations_at_once() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let driver = Chromedriver::start()?;
    let operator = driver.session().await?;
    sign_in(&operator, &edge).await?;

    // Two visitors, over raw sockets, write while the console is open.
    let api = Api::new(&edge);
    let mut visitors = Vec::new();
    for name in ["first", "second"] {
        let created = api.create_conversation(DEMO_CHANNEL);
        let mut socket = Socket::visitor(&edge, &created.conversation, &created.token, Seq(0))
            .await
            .expect("visitor socket");
        socket.joined().await;
        socket
            .send(&ClientFrame::Send {
                id: ClientMsgId::parse(format!("{name}-1")).unwrap(),
                text: format!("Question from the {name} visitor"),
            })
            .await;
        visitors.push((created, socket));
    }
    eventually("both conversations listed, unread", || async {
        let unread = script(
            &operator,
            "return document.querySelectorAll('.conversation.unread').length",
        )
        .await;
        (unread == 2).then_some(())
    })
    .await?;
    assert_eq!(
        script(&operator, "return document.title").await,
        Value::from("(2) Charla console")
    );

    // Open both, side by side, and answer each in its own pane.
    let rows = operator
        .find_all(Locator::Css(".conversation button"))
        .await?
        .len();
    for row in 0..rows {
        click_nth(&operator, ".conversation button", row).await?;
    }
    let panes = eventually("two panes", || async {
        let panes = operator.find_all(Locator::Css(".pane")).await.ok()?;
        (panes.len() == 2).then_some(panes)
    })
    .await?;
    for pane in &panes {
        let id = pane.attr("data-conversation").await?.unwrap_or_default();
        pane.find(Locator::Css("textarea"))
            .await?
            .send_keys(&format!("Answer for {id}{}", char::from(Key::Enter)))
            .await?;
    }
    for (created, socket) in &mut visitors {
        let expected = format!("Answer for {}", created.conversation);
        let reply = loop {
            if let charla_shared::protocol::ServerFrame::Message { message } = socket.next().await {
                if message.author.name == "Ana" {
                    break message;
                }
            }
        };
        assert_eq!(reply.text, expected, "each answer reaches its own visitor");
    }
    eventually("nothing left unread", || async {
        let title = script(&operator, "return document.title").await;
        (title == "Charla console").then_some(())
    })
    .await?;

    // Signing out everywhere from another browser ends this console at
    // once: both show the sign-in form.
    let elsewhere = driver.session().await?;
    sign_in(&elsewhere, &edge).await?;
    elsewhere
        .find(Locator::XPath(
            "//button[normalize-space()='Sign out everywhere']",
        ))
        .await?
        .click()
        .await?;
    for console in [&operator, &elsewhere] {
        eventually("the sign-in form", || async {
            console.find(Locator::Css("#email")).await.ok()
        })
        .await?;
    }
    operator.close().await?;
    elsewhere.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_made_before_the_widget_loads_are_not_lost() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;

    // host-api.js queues `on`, `open` and `send` before the widget has loaded.
    visitor
        .goto(&format!("{}/host-api.html?auto", edge.url()))
        .await?;
    let events = eventually("the queued calls replayed", || async {
        let events = script(&visitor, "return window.hostEvents").await;
        events.as_array().filter(|e| e.len() == 2).cloned()
    })
    .await?;
    assert_eq!(events[0]["event"], "open");
    assert_eq!(events[1]["event"], "message");
    assert_eq!(events[1]["text"], "Hello from the host page");
    assert_eq!(events[1]["author"], "visitor");
    let hidden = widget_element(&visitor, ".charla-window")
        .await?
        .attr("hidden")
        .await?;
    assert_eq!(hidden, None, "the window is open");

    // The message is on the edge.
    let api = Api::new(&edge);
    let cookie = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let id = remembered_conversation(&visitor).await?;
    let reply = api.get(&routes::transcript(&id), Some(&cookie));
    let transcript: Transcript = serde_json::from_str(&reply.body).expect("a transcript");
    assert_eq!(transcript.messages.len(), 1);
    assert_eq!(transcript.messages[0].text, "Hello from the host page");
    visitor.close().await?;
    Ok(())
}

async fn sign_in(operator: &Client, edge: &LocalEdge) -> HarnessResult<()> {
    sign_in_as(operator, edge, DEMO_EMAIL, DEMO_PASSWORD).await
}

/// Records every `message` event the widget reports to the host page.
async fn listen_to_messages(visitor: &Client) {
    script(
        visitor,
        "window.heard = []; \
         (window.Charla = window.Charla || []).push(['on', 'message', m => window.heard.push(m)]); \
         return true",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_over_the_rate_limit_are_sent_later_not_lost() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[("VISITOR_BURST", "2"), ("VISITOR_PER_MINUTE", "60")])?;
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    visitor.goto(&edge.url()).await?;
    open_widget(&visitor).await?;
    script(
        &visitor,
        "for (let i = 0; i < 4; i++) Charla.push(['send', 'burst ' + i]); return true",
    )
    .await;
    let expected = [WELCOME, "burst 0", "burst 1", "burst 2", "burst 3"];
    eventually("all four delivered, in order", || async {
        let pending = widget_texts_of(&visitor, ".charla-pending").await?;
        let done = widget_texts(&visitor).await?;
        (pending.is_empty() && done == expected).then_some(())
    })
    .await?;
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_anyone_writes_runs_as_code() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let driver = Chromedriver::start()?;
    let operator = driver.session().await?;
    let visitor = driver.session().await?;
    sign_in_as(&operator, &edge, HOSTILE_EMAIL, TEST_PASSWORD).await?;

    // The channel's name and texts, the visitor's name and every message
    // are injection attempts.
    visitor
        .goto(&format!(
            "{}/embed.html?channel={HOSTILE_CHANNEL}",
            edge.url()
        ))
        .await?;
    let identify = format!(
        "(window.Charla = window.Charla || []).push(['identify', {{name: {}}}]); return true",
        serde_json::to_string(XSS[4]).unwrap()
    );
    script(&visitor, &identify).await;
    open_widget(&visitor).await?;
    eventually("the hostile channel's texts, as text", || async {
        let title = widget_element(&visitor, ".charla-title")
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        let intro = widget_texts(&visitor).await?;
        (title == XSS[3] && intro == [XSS[1]]).then_some(())
    })
    .await?;
    let placeholder = widget_element(&visitor, "#charla-input")
        .await?
        .attr("placeholder")
        .await?;
    assert_eq!(placeholder.as_deref(), Some(XSS[2]));
    for payload in XSS {
        script(
            &visitor,
            &format!(
                "Charla.push(['send', {}]); return true",
                serde_json::to_string(payload).unwrap()
            ),
        )
        .await;
    }
    let mut sent = vec![XSS[1]];
    sent.extend(XSS);
    eventually("the visitor's payloads stored", || async {
        widget_texts(&visitor).await.filter(|t| t == &sent)
    })
    .await?;

    // The operator sees them as text, and answers with more.
    let visitor_name = eventually("the conversation in the list", || async {
        let name = script(
            &operator,
            "return document.querySelector('.conversation .visitor')?.textContent",
        )
        .await;
        name.as_str()
            .filter(|n| n.starts_with(XSS[4]))
            .map(str::to_owned)
    })
    .await?;
    assert!(visitor_name.starts_with(XSS[4]));
    click(&operator, ".conversation button").await?;
    eventually("the payloads in the pane", || async {
        pane_texts(&operator).await.filter(|t| t == &XSS)
    })
    .await?;
    for payload in [XSS[0], XSS[5]] {
        operator
            .find(Locator::Css(".pane textarea"))
            .await?
            .send_keys(&format!("{payload}{}", char::from(Key::Enter)))
            .await?;
    }
    eventually("the operator's answers in the widget", || async {
        let texts = widget_texts(&visitor).await?;
        texts
            .ends_with(&[XSS[0].to_owned(), XSS[5].to_owned()])
            .then_some(())
    })
    .await?;
    let signed = widget_texts_of(&visitor, ".charla-msg:not(.charla-own) .charla-who").await;
    assert!(
        signed
            .as_ref()
            .is_some_and(|names| names.iter().any(|n| n == XSS[0])),
        "{signed:?}"
    );

    // Nothing ran and nothing was made of the payloads, on either side.
    for (page, root) in [
        (
            &visitor,
            "document.querySelector('#charla-widget').shadowRoot",
        ),
        (&operator, "document"),
    ] {
        let report = script(
            page,
            &format!(
                "const root = {root}; return {{ran: window.__xss ?? null, \
                 made: root.querySelectorAll('.charla-log img, .charla-log script, .charla-log svg, \
                 .charla-log iframe, .charla-log a, .conversation img, .conversation iframe, .topbar img').length}}"
            ),
        )
        .await;
        assert_eq!(report["ran"], Value::Null, "a payload ran: {report}");
        assert_eq!(report["made"], 0, "a payload made elements: {report}");
    }
    let me = script(
        &operator,
        "return document.querySelector('.topbar .me').textContent",
    )
    .await;
    assert_eq!(me, XSS[0], "the operator's own name is text too");
    visitor.close().await?;
    operator.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_works_under_a_strict_content_security_policy() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let api = Api::new(&edge);
    let page = api.get("/csp", None);
    let policy = page
        .header("content-security-policy")
        .unwrap_or_default()
        .to_owned();
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval'")
            && policy.contains("style-src 'self'"),
        "the page is served with the strict policy: {policy:?}"
    );
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    visitor.goto(&format!("{}/csp", edge.url())).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "Hello under CSP").await?;
    let id = remembered_conversation(&visitor).await?;
    let cookie = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let mut operator = Socket::operator(&edge, &id, &cookie, Seq(0))
        .await
        .expect("operator socket");
    operator.joined().await;
    operator
        .send(&ClientFrame::Send {
            id: ClientMsgId::parse("csp-reply").unwrap(),
            text: "Answered".into(),
        })
        .await;
    eventually("the answer in the widget", || async {
        widget_texts(&visitor)
            .await
            .filter(|t| t == &[WELCOME, "Hello under CSP", "Answered"])
    })
    .await?;
    let violations = script(&visitor, "return window.cspViolations").await;
    assert_eq!(violations, serde_json::json!([]), "no CSP violations");

    // A shop on another site embeds it with the snippet and the policy the
    // README documents: the widget's modules, its stylesheet, its API and
    // its socket all come from the edge's origin, and so does the emoji
    // picker's module, loaded when the visitor first opens it.
    let origin = edge.url();
    let socket = origin.replacen("http", "ws", 1);
    let shop = ForeignSite::serve(
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>A shop</title><script src=\"{origin}/csp.js\"></script>\
             <script async src=\"{origin}/widget.js\" data-channel=\"demo\"></script>\
             </head><body><h1>A shop on another site</h1></body></html>"
        ),
        format!(
            "default-src 'none'; script-src {origin} 'wasm-unsafe-eval'; \
             style-src {origin}; connect-src {origin} {socket}; img-src {origin}"
        ),
    )?;
    assert_ne!(shop.url(), origin);
    visitor.goto(shop.url()).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "Hello from another site").await?;
    widget_element(&visitor, ".charla-emoji-button")
        .await?
        .click()
        .await?;
    eventually("the emoji picker, from the edge's origin", || async {
        in_widget(
            &visitor,
            "return root.querySelectorAll('.charla-emoji-picker:not([hidden]) button').length",
        )
        .await
        .as_u64()
        .filter(|shown| *shown > 0)
    })
    .await?;
    let violations = script(&visitor, "return window.cspViolations").await;
    assert_eq!(
        violations,
        serde_json::json!([]),
        "no CSP violations on the shop's page"
    );
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_typed_while_the_network_is_down_arrive_once_in_order() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let network = CutProxy::start(edge.addr())
        .await
        .expect("the proxy starts");
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    // The visitor reaches the edge only through the proxy.
    visitor.goto(&network.url()).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "Before the cut").await?;
    let id = remembered_conversation(&visitor).await?;
    let api = Api::new(&edge);
    let cookie = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let mut operator = Socket::operator(&edge, &id, &cookie, Seq(0))
        .await
        .expect("operator socket");
    let (_, history) = operator.joined().await;
    assert_eq!(history.len(), 1);

    network.cut();
    eventually("the widget notices", || async {
        let status = widget_element(&visitor, ".charla-status")
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        status.contains("Reconnecting").then_some(())
    })
    .await?;
    let typed = ["One", "Two", "Three"];
    for text in typed {
        type_into_widget(&visitor, text).await?;
    }
    eventually("three messages waiting, shown as sending", || async {
        let pending = widget_texts_of(&visitor, ".charla-pending .charla-text").await?;
        (pending == typed).then_some(())
    })
    .await?;
    assert!(
        operator.is_quiet_for(Duration::from_millis(500)).await,
        "nothing got through"
    );

    network.restore();
    let mut arrived = Vec::new();
    while arrived.len() < 3 {
        if let ServerFrame::Message { message } = operator.next().await {
            arrived.push(message.text);
        }
    }
    assert_eq!(arrived, typed, "all three, once, in order");
    eventually("the widget shows them sent", || async {
        let pending = widget_texts_of(&visitor, ".charla-pending").await?;
        let done = widget_texts(&visitor).await?;
        (pending.is_empty() && done == [WELCOME, "Before the cut", "One", "Two", "Three"])
            .then_some(())
    })
    .await?;
    let reply = api.get(&routes::transcript(&id), Some(&cookie));
    let transcript: Transcript = serde_json::from_str(&reply.body).expect("a transcript");
    let stored: Vec<&str> = transcript
        .messages
        .iter()
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(stored, ["Before the cut", "One", "Two", "Three"]);

    // The browser goes offline and comes back while the socket survives:
    // the notice shows, then clears, and messages flow. (A frame that
    // arrives while the browser says it is offline shows the socket alive
    // and may clear the notice at once, so what is checked is that it
    // showed.)
    watch_status_line(&visitor).await;
    set_offline(&visitor, true).await?;
    status_line_showed(&visitor, "offline").await?;
    set_offline(&visitor, false).await?;
    status_line(&visitor, str::is_empty).await?;
    send_from_widget(&visitor, "After the blink").await?;
    // Offline again, and this time the connection dies with the network:
    // the widget reconnects when the browser is back, and the notice clears.
    watch_status_line(&visitor).await;
    set_offline(&visitor, true).await?;
    status_line_showed(&visitor, "offline").await?;
    network.cut();
    network.restore();
    set_offline(&visitor, false).await?;
    status_line(&visitor, str::is_empty).await?;
    send_from_widget(&visitor, "After the outage").await?;
    visitor.close().await?;
    Ok(())
}

/// Starts (or starts again) recording every text the widget's status line
/// shows, however briefly.
async fn watch_status_line(visitor: &Client) {
    in_widget(
        visitor,
        "const line = root.querySelector('.charla-status');
         window.__statuses = [];
         if (!window.__statusWatch) {
           window.__statusWatch = new MutationObserver(() => window.__statuses.push(line.textContent));
           window.__statusWatch.observe(line, { childList: true, characterData: true, subtree: true });
         }
         return true",
    )
    .await;
}

/// Waits until the status line has shown a text with `needle` since it was
/// last watched (see [`watch_status_line`]).
async fn status_line_showed(visitor: &Client, needle: &str) -> HarnessResult<()> {
    eventually(&format!("{needle:?} in the status line"), || async {
        let shown = in_widget(
            visitor,
            "return window.__statuses.concat([root.querySelector('.charla-status').textContent])",
        )
        .await;
        shown
            .as_array()?
            .iter()
            .any(|s| s.as_str().is_some_and(|s| s.contains(needle)))
            .then_some(())
    })
    .await
}

/// Waits until the widget's status line passes `wanted`.
async fn status_line(visitor: &Client, wanted: impl Fn(&str) -> bool) -> HarnessResult<()> {
    eventually("the status line", || async {
        let status = in_widget(
            visitor,
            "return root.querySelector('.charla-status').textContent",
        )
        .await;
        status.as_str().filter(|s| wanted(s)).map(|_| ())
    })
    .await
}

/// On a 390 × 844 phone the open window is the whole screen, the page behind
/// holds still, the input's text is large enough that the browser does not
/// zoom, the keyboard waits for a tap (focus goes to the close button), and
/// the button's name follows its state. Addresses in messages are links that
/// open in a new tab and tell the site nothing; other schemes stay text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_window_fills_the_screen_and_links_open_apart() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    charla_tests::browser::emulate_phone(&visitor).await?;
    visitor
        .goto(&format!("{}/embed.html?channel={DEMO_CHANNEL}", edge.url()))
        .await?;
    let label = "return root.querySelector('.charla-bubble').getAttribute('aria-label')";
    eventually("the button", || async {
        in_widget(&visitor, label)
            .await
            .as_str()
            .filter(|l| *l == "Open chat")
            .map(str::to_owned)
    })
    .await?;
    open_widget(&visitor).await?;
    let layout = eventually("focus on the close button", || async {
        let layout = in_widget(
            &visitor,
            "const box = root.querySelector('.charla-window').getBoundingClientRect();
         const input = root.querySelector('#charla-input');
         return {
           full: box.left === 0 && box.top === 0
             && box.width === innerWidth && box.height === innerHeight,
           font: parseFloat(getComputedStyle(input).fontSize),
           overflow: getComputedStyle(document.documentElement).overflow,
           focus: root.activeElement?.className ?? '',
           label: root.querySelector('.charla-bubble').getAttribute('aria-label'),
         }",
        )
        .await;
        (layout["focus"] == "charla-close").then_some(layout)
    })
    .await?;
    assert_eq!(layout["full"], Value::Bool(true), "{layout}");
    assert!(layout["font"].as_f64().unwrap_or(0.0) >= 16.0, "{layout}");
    assert_eq!(layout["overflow"], "hidden", "{layout}");
    assert_eq!(layout["focus"], "charla-close", "{layout}");
    assert_eq!(layout["label"], "Close chat", "{layout}");
    let violations = charla_tests::browser::serious_accessibility_violations(&visitor).await?;
    assert!(violations.is_empty(), "{violations:#?}");

    send_from_widget(
        &visitor,
        "Manual: https://example.com/help?a=1. Not this: javascript:alert(1)",
    )
    .await?;
    let anchors = in_widget(
        &visitor,
        "return [...root.querySelectorAll('.charla-msg:not(.charla-pending) .charla-text a')]
           .map(a => [a.getAttribute('href'), a.target, a.rel, a.textContent])",
    )
    .await;
    assert_eq!(
        anchors,
        serde_json::json!([[
            "https://example.com/help?a=1",
            "_blank",
            "noopener noreferrer nofollow",
            "https://example.com/help?a=1"
        ]])
    );

    // Emoji: the picker is a module of its own, loaded only when it first
    // opens, never with the widget. Escape closes it (not the window) and
    // gives focus back to its button; a message of emoji alone shows large.
    let fetched = "return performance.getEntriesByType('resource')
                     .some(e => e.name.includes('/widget/emoji/'))";
    assert_eq!(script(&visitor, fetched).await, Value::Bool(false));
    let emoji_button = widget_element(&visitor, ".charla-emoji-button").await?;
    let picker_state = "const picker = root.querySelector('.charla-emoji-picker');
                        return [picker ? !picker.hidden : false,
                                root.querySelector('.charla-emoji-button').getAttribute('aria-expanded'),
                                root.activeElement?.closest('.charla-emoji-picker, .charla-emoji-button')?.className ?? null,
                                !!root.querySelector('.charla-window:not([hidden])')]";
    let open_picker = || async {
        emoji_button.click().await?;
        eventually("the emoji picker, focus on its first emoji", || async {
            (in_widget(&visitor, picker_state).await
                == serde_json::json!([true, "true", "charla-emoji-picker", true]))
            .then_some(())
        })
        .await
    };
    open_picker().await?;
    assert_eq!(script(&visitor, fetched).await, Value::Bool(true));
    let first = widget_element(&visitor, ".charla-emoji-picker button").await?;
    first
        .send_keys(&char::from(Key::Escape).to_string())
        .await?;
    eventually("Escape closes the picker only", || async {
        (in_widget(&visitor, picker_state).await
            == serde_json::json!([false, "false", "charla-emoji-button", true]))
        .then_some(())
    })
    .await?;
    open_picker().await?;
    let emoji = first.text().await?;
    first.click().await?;
    type_into_widget(&visitor, "").await?;
    eventually("the emoji shown large", || async {
        in_widget(
            &visitor,
            "return [...root.querySelectorAll('.charla-msg.charla-emoji .charla-text')]
               .map(t => t.textContent)",
        )
        .await
        .as_array()
        .filter(|shown| shown.iter().any(|t| t.as_str() == Some(emoji.as_str())))
        .map(|_| ())
    })
    .await?;

    // Closing gives the page its scroll back.
    widget_element(&visitor, ".charla-close")
        .await?
        .click()
        .await?;
    eventually("the page scrolls again", || async {
        script(
            &visitor,
            "return getComputedStyle(document.documentElement).overflow",
        )
        .await
        .as_str()
        .filter(|o| *o != "hidden")
        .map(str::to_owned)
    })
    .await?;
    assert_eq!(in_widget(&visitor, label).await, "Open chat");
    visitor.close().await?;
    Ok(())
}
