//! Chatbots against the real edge on local workerd: what a visitor can and
//! cannot make a bot do over a raw socket, scripts checked before they are
//! saved, leads and tickets; then, in headless Chromium, the Welcome Bot's
//! paths with and without an operator, a ticket's number, a reload in the
//! middle, Restart, the editor refusing a broken script, and accessibility.
//!
//! Each test starts one edge and gives every scenario a channel of its own,
//! so the scenarios share the edge without touching each other.

use charla_shared::api::{
    ConversationCreated, CreateConversation, Record, RecordSummary, SavedChatbot, Transcript,
};
use charla_shared::bot::{Chatbot, Step, StepKind, Texts, WELCOME_BOT};
use charla_shared::channel::{ChannelSettings, Language, Rule};
use charla_shared::identity::Visitor;
use charla_shared::ids::{ChannelId, ClientMsgId, ConversationId, Seq};
use charla_shared::protocol::{
    ClientFrame, ConversationSummary, ErrorCode, InboxFrame, Message, MessageKind, Role,
    ServerFrame,
};
use charla_shared::routes;
use charla_tests::browser::{eventually, script, serious_accessibility_violations, Chromedriver};
use charla_tests::client::{Api, Socket};
use charla_tests::edge::{test_edge, LocalEdge};
use charla_tests::seed::{DEMO_EMAIL, DEMO_PASSWORD, OPERATOR_EMAIL, TEST_PASSWORD};
use charla_tests::ui::{
    click_containing, in_widget, open_widget, pane_texts, shown_widget_element, sign_in_as,
    type_into_widget, widget_texts,
};
use charla_tests::HarnessResult;
use fantoccini::{Client, Locator};

const PRICING: &str = "I have a pricing question";
const EMAIL_PROMPT: &str =
    "Would you mind leaving your email address so that we can reach you back?";
/// The field the bot's e-mail step asks in: the composer's one-line input.
const BOT_EMAIL_FIELD: &str = ".charla-live input[type=email]";
const NOT_AN_EMAIL: &str = "That doesn't look like an e-mail address. Could you check it?";

/// A channel whose every page runs a chatbot first; with
/// `only_if_no_operator`, only while no operator is online.
fn bot_channel(api: &Api, admin: &str, id: &str, bot: &str, only_if_no_operator: bool) {
    api.create_channel(admin, id, |settings: &mut ChannelSettings| {
        settings.rules = vec![Rule {
            chatbot: Some(bot.into()),
            chatbot_only_if_no_operator: only_if_no_operator,
            ..Rule::default()
        }];
    });
}

/// Starts a conversation with a chatbot as a widget would.
fn start_with_bot(api: &Api, channel: &str, bot: &str, language: Language) -> ConversationCreated {
    let reply = api.post(
        routes::CONVERSATIONS,
        &CreateConversation {
            channel: ChannelId::parse(channel).unwrap(),
            visitor: Visitor {
                name: Some("Ana Visitante".into()),
                ..Visitor::default()
            },
            chatbot: Some(bot.into()),
            language: Some(language),
            visitor_key: None,
        },
        None,
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

fn id(text: &str) -> ClientMsgId {
    ClientMsgId::parse(text).unwrap()
}

/// Reads frames until the chatbot waits (a question, a prompt or the end)
/// or an error arrives; returns the messages and the error, if any.
async fn until_bot_waits(socket: &mut Socket) -> (Vec<Message>, Option<ErrorCode>) {
    let mut messages = Vec::new();
    loop {
        match socket.next().await {
            ServerFrame::Message { message } => {
                let waits = message.author.role == Role::Bot
                    && matches!(
                        message.kind,
                        MessageKind::Question { .. }
                            | MessageKind::Prompt { .. }
                            | MessageKind::Ended
                    );
                let handed_off = message.author.role == Role::System;
                messages.push(message);
                if waits || handed_off {
                    return (messages, None);
                }
            }
            ServerFrame::Error { problem } => return (messages, Some(problem.code)),
            _ => {}
        }
    }
}

fn records(api: &Api, admin: &str, channel: &str, tickets: bool) -> Vec<RecordSummary> {
    let channel = ChannelId::parse(channel).unwrap();
    let path = if tickets {
        routes::tickets(&channel, None)
    } else {
        routes::leads(&channel, None)
    };
    let reply = api.get(&path, Some(admin));
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

fn texts(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.text.as_str()).collect()
}

/// A bot that asks for a description and records a ticket for a team.
fn helpdesk_bot() -> Chatbot {
    Chatbot {
        name: "Helpdesk".into(),
        fallback_language: Language::En,
        steps: vec![
            Step {
                id: 1,
                kind: StepKind::FreeInputMultiline,
                message: Texts::one(Language::En, "Tell us what happened."),
                only_if: vec![],
            },
            Step {
                id: 2,
                kind: StepKind::CreateTicket {
                    team: "Support".into(),
                },
                message: Texts::default(),
                only_if: vec![],
            },
        ],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_cannot_make_a_bot_skip_steps_or_record_anything_by_hand() {
    let (edge, _state) = test_edge(&[]).expect("the local edge starts");
    let api = Api::new(&edge);
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    bot_channel(&api, &admin, "bots", WELCOME_BOT, true);
    let created = start_with_bot(&api, "bots", WELCOME_BOT, Language::En);
    let mut visitor = Socket::visitor(&edge, &created.conversation, &created.token, Seq(0))
        .await
        .unwrap();
    let (_, history) = visitor.joined().await;
    assert_eq!(
        texts(&history),
        ["Welcome to CompanyName! 🌟", "What are you looking for?"]
    );
    assert_eq!(history[0].author.role, Role::Bot);
    assert_eq!(history[0].author.id.as_str(), "bot:welcome-bot");
    assert_eq!(history[0].author.name, "Welcome Bot");
    let MessageKind::Question { choices } = &history[1].kind else {
        panic!("a question with its answers");
    };
    assert_eq!(choices.len(), 3);

    // An answer the question does not offer, frames that are not a bot's
    // to take, and a restart before the end are refused; nothing is stored.
    visitor
        .send(&ClientFrame::Choose {
            id: id("c0"),
            answer: 99,
        })
        .await;
    let problem = visitor.next_error().await;
    assert_eq!(problem.code, ErrorCode::Invalid);
    assert_eq!(problem.id, Some(id("c0")));
    for raw in [
        r#"{"type":"create_lead"}"#,
        r#"{"type":"choose","id":"c1","answer":1,"step":7}"#,
        r#"{"type":"forwarded","taken":false}"#,
    ] {
        visitor.send_raw(raw).await;
        assert_eq!(
            visitor.next_error().await.code,
            ErrorCode::Malformed,
            "{raw}"
        );
    }
    visitor.send(&ClientFrame::Restart).await;
    assert_eq!(visitor.next_error().await.code, ErrorCode::Invalid);

    // Typing an address while a question waits skips nothing: the bot asks
    // its question again, and no lead is made.
    visitor
        .send(&ClientFrame::Send {
            id: id("t1"),
            text: "ana@example.com".into(),
        })
        .await;
    let (said, _) = until_bot_waits(&mut visitor).await;
    assert!(matches!(
        said.last().map(|m| &m.kind),
        Some(MessageKind::Question { .. })
    ));
    assert!(records(&api, &admin, "bots", false).is_empty());

    // The pricing answer: no operator is online, so the bot goes on to ask
    // for an e-mail address.
    visitor
        .send(&ClientFrame::Choose {
            id: id("c2"),
            answer: 1,
        })
        .await;
    let (said, error) = until_bot_waits(&mut visitor).await;
    assert_eq!(error, None);
    assert_eq!(
        said[0].text, PRICING,
        "the visitor's answer is stored as its label"
    );
    assert_eq!(said[0].author.role, Role::Visitor);
    assert_eq!(said.last().unwrap().text, EMAIL_PROMPT);
    // The question is no longer asked: its answers are refused now.
    visitor
        .send(&ClientFrame::Choose {
            id: id("c3"),
            answer: 2,
        })
        .await;
    assert_eq!(visitor.next_error().await.code, ErrorCode::Invalid);

    visitor
        .send(&ClientFrame::Send {
            id: id("t2"),
            text: "ana at example".into(),
        })
        .await;
    let (said, _) = until_bot_waits(&mut visitor).await;
    assert!(texts(&said).contains(&NOT_AN_EMAIL));
    assert!(records(&api, &admin, "bots", false).is_empty());
    visitor
        .send(&ClientFrame::Send {
            id: id("t3"),
            text: "ana@example.com".into(),
        })
        .await;
    let (said, _) = until_bot_waits(&mut visitor).await;
    assert_eq!(said.last().unwrap().kind, MessageKind::Ended);

    let leads = records(&api, &admin, "bots", false);
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].email.as_deref(), Some("ana@example.com"));
    assert_eq!(leads[0].name, "Ana Visitante");
    let reply = api.get(
        &routes::lead(&ChannelId::parse("bots").unwrap(), leads[0].number),
        Some(&admin),
    );
    let lead: Record = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(lead.source, "live chat");
    assert!(texts(&lead.transcript).contains(&PRICING));
    let transcript: Transcript = serde_json::from_str(
        &api.get(&routes::transcript(&created.conversation), Some(&admin))
            .body,
    )
    .unwrap();
    assert_eq!(transcript.contact.email.as_deref(), Some("ana@example.com"));

    // An operator does not answer for the visitor.
    let mut operator = Socket::operator(&edge, &created.conversation, &admin, Seq(0))
        .await
        .unwrap();
    operator.joined().await;
    operator
        .send(&ClientFrame::Choose {
            id: id("o1"),
            answer: 1,
        })
        .await;
    assert_eq!(operator.next_error().await.code, ErrorCode::Forbidden);

    // Restart, once ended, starts the script again.
    visitor.send(&ClientFrame::Restart).await;
    let (said, _) = until_bot_waits(&mut visitor).await;
    assert_eq!(
        texts(&said),
        ["Welcome to CompanyName! 🌟", "What are you looking for?"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_are_checked_forward_steps_reach_operators_and_tickets_get_numbers() {
    let (edge, _state) = test_edge(&[]).expect("the local edge starts");
    let api = Api::new(&edge);
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);

    // A broken script is refused with every problem at once.
    let mut broken = charla_shared::bot::welcome_bot();
    broken.name = String::new();
    broken.steps[2].only_if = vec![42];
    broken.steps[7].only_if = vec![1, 2];
    let body = serde_json::to_string(&broken).unwrap();
    let reply = api.request(
        "PUT",
        &routes::chatbot("broken"),
        Some(&body),
        &[("cookie", &admin)],
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    let problem = reply.problem();
    assert_eq!(problem.code, ErrorCode::Invalid);
    for expected in [
        "needs a name",
        "does not exist",
        "same question",
        "3 problems",
    ] {
        assert!(
            problem.message.contains(expected),
            "{expected}: {}",
            problem.message
        );
    }
    assert_eq!(
        api.get(&routes::chatbot("broken"), Some(&admin)).status,
        404,
        "nothing was saved"
    );
    // Operators do not edit chatbots.
    let reply = api.request(
        "PUT",
        &routes::chatbot("helpdesk"),
        Some(&body),
        &[("cookie", &luis)],
    );
    assert_eq!(reply.status, 403);

    // A rule cannot name a chatbot that does not exist.
    let reply = api.post(
        routes::CHANNELS,
        &charla_shared::channel::NewChannel {
            id: ChannelId::parse("nobot").unwrap(),
            name: "No bot".into(),
        },
        Some(&admin),
    );
    assert_eq!(reply.status, 201);
    let mut settings: ChannelSettings = serde_json::from_str(&reply.body).unwrap();
    settings.rules = vec![Rule {
        chatbot: Some("ghost".into()),
        ..Rule::default()
    }];
    let reply = api.request(
        "PUT",
        &routes::channel_settings(&ChannelId::parse("nobot").unwrap()),
        Some(&serde_json::to_string(&settings).unwrap()),
        &[("cookie", &admin)],
    );
    assert_eq!(reply.status, 400);
    assert!(reply.problem().message.contains("no chatbot ghost"));

    // A ticket step records a ticket and tells its number.
    let reply = api.request(
        "PUT",
        &routes::chatbot("helpdesk"),
        Some(&serde_json::to_string(&helpdesk_bot()).unwrap()),
        &[("cookie", &admin)],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let saved: SavedChatbot = serde_json::from_str(&reply.body).unwrap();
    assert!(saved.issues.is_empty(), "{:?}", saved.issues);
    bot_channel(&api, &admin, "desk", "helpdesk", false);
    let created = start_with_bot(&api, "desk", "helpdesk", Language::En);
    let mut visitor = Socket::visitor(&edge, &created.conversation, &created.token, Seq(0))
        .await
        .unwrap();
    visitor.joined().await;
    visitor
        .send(&ClientFrame::Send {
            id: id("d1"),
            text: "The coffee machine\nis broken".into(),
        })
        .await;
    let (said, _) = until_bot_waits(&mut visitor).await;
    let tickets = records(&api, &admin, "desk", true);
    assert_eq!(tickets.len(), 1);
    assert!(tickets[0].number >= 1000, "tickets count from 1000");
    assert_eq!(tickets[0].team.as_deref(), Some("Support"));
    assert!(
        texts(&said).contains(&format!("Your ticket number is {}.", tickets[0].number).as_str()),
        "{said:?}"
    );
    let found = api.get(
        &routes::tickets(
            &ChannelId::parse("desk").unwrap(),
            Some(&tickets[0].number.to_string()),
        ),
        Some(&admin),
    );
    let found: Vec<RecordSummary> = serde_json::from_str(&found.body).unwrap();
    assert_eq!(found.len(), 1, "searchable by number");
    // The console's search finds its conversation by the ticket's number
    // (with or without "#") and by the start of the conversation's id.
    let desk = ChannelId::parse("desk").unwrap();
    let number = format!("#{}", tickets[0].number);
    let prefix = &created.conversation.as_str()[..10];
    for words in [number.as_str(), prefix] {
        let reply = api.get(&routes::search(&desk, words), Some(&admin));
        let found: Vec<ConversationSummary> = serde_json::from_str(&reply.body).unwrap();
        let ids: Vec<&ConversationId> = found.iter().map(|c| &c.id).collect();
        assert_eq!(ids, [&created.conversation], "{words}");
    }

    // With an operator online, the forward step hands the conversation
    // over with its transcript, and the bot stops.
    bot_channel(&api, &admin, "sales-bot", WELCOME_BOT, false);
    let mut inbox = Socket::inbox(&edge, "sales-bot", &admin).await.unwrap();
    inbox.next_inbox().await;
    let created = start_with_bot(&api, "sales-bot", WELCOME_BOT, Language::Es);
    let mut visitor = Socket::visitor(&edge, &created.conversation, &created.token, Seq(0))
        .await
        .unwrap();
    let (_, history) = visitor.joined().await;
    assert_eq!(
        history[0].text, "¡Bienvenido a CompanyName! 🌟",
        "in the visitor's language"
    );
    visitor
        .send(&ClientFrame::Choose {
            id: id("s1"),
            answer: 1,
        })
        .await;
    let (said, _) = until_bot_waits(&mut visitor).await;
    let last = said.last().unwrap();
    assert_eq!(last.author.role, Role::System);
    assert_eq!(last.text, "Una persona le responderá aquí en un momento.");
    let reply_to = loop {
        if let InboxFrame::Upsert { conversation } = inbox.next_inbox().await {
            if conversation.id == created.conversation && conversation.last_seq >= last.seq {
                break conversation;
            }
        }
    };
    assert_eq!(reply_to.id, created.conversation);
    let mut operator = Socket::operator(&edge, &created.conversation, &admin, Seq(0))
        .await
        .unwrap();
    let (_, whole) = operator.joined().await;
    assert!(texts(&whole).contains(&"Tengo una pregunta sobre los precios"));
    operator
        .send(&ClientFrame::Send {
            id: id("o1"),
            text: "Hola, soy Ana. ¿Qué plan le interesa?".into(),
        })
        .await;
    loop {
        if let ServerFrame::Message { message } = visitor.next().await {
            assert_ne!(message.author.role, Role::Bot, "the bot has stopped");
            if message.author.role == Role::Operator {
                break;
            }
        }
    }
    // The visitor writes, then the operator: had the bot answered the
    // visitor, its message would come between the two.
    visitor
        .send(&ClientFrame::Send {
            id: id("s2"),
            text: "El plan anual".into(),
        })
        .await;
    assert!(matches!(visitor.next().await, ServerFrame::Ack { .. }));
    operator
        .send(&ClientFrame::Send {
            id: id("o2"),
            text: "Perfecto.".into(),
        })
        .await;
    loop {
        if let ServerFrame::Message { message } = visitor.next().await {
            assert_ne!(message.author.role, Role::Bot, "the bot has stopped");
            if message.text == "Perfecto." {
                break;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_welcome_bot_in_the_widget_and_the_console() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let api = Api::new(&edge);
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    bot_channel(&api, &admin, "web", WELCOME_BOT, true);
    bot_channel(&api, &admin, "web-live", WELCOME_BOT, false);
    api.request(
        "PUT",
        &routes::chatbot("helpdesk"),
        Some(&serde_json::to_string(&helpdesk_bot()).unwrap()),
        &[("cookie", &admin)],
    );
    bot_channel(&api, &admin, "web-desk", "helpdesk", false);
    let driver = Chromedriver::start()?;

    pricing_path_without_operators(&edge, &driver).await?;
    pricing_path_with_an_operator(&edge, &driver).await?;
    ticket_path(&edge, &driver).await?;
    broken_script_in_the_editor(&edge, &driver).await?;
    Ok(())
}

/// The Welcome Bot's pricing path with nobody online: a wrong address is
/// refused, a good one taken, a reload resumes, Restart starts again, the
/// lead shows in the console, and the question step is accessible.
async fn pricing_path_without_operators(
    edge: &LocalEdge,
    driver: &Chromedriver,
) -> HarnessResult<()> {
    let visitor = driver.session().await?;
    visitor
        .goto(&format!("{}/embed.html?channel=web", edge.url()))
        .await?;
    open_widget(&visitor).await?;
    let first = choice(&visitor, PRICING).await?;
    let violations = serious_accessibility_violations(&visitor).await?;
    assert!(violations.is_empty(), "{violations:#?}");
    first.click().await?;
    // The bot's field is the composer's line; the closing panel has an
    // e-mail field of its own, hidden until the conversation ends.
    shown_widget_element(&visitor, BOT_EMAIL_FIELD).await?;
    eventually("the prompt", || async {
        widget_texts(&visitor)
            .await
            .filter(|t| t.last().map(String::as_str) == Some(EMAIL_PROMPT))
    })
    .await?;
    // A reload in the middle resumes where the visitor was.
    visitor.refresh().await?;
    open_widget(&visitor).await?;
    eventually("the prompt after a reload", || async {
        let shown = widget_texts(&visitor).await?;
        let field = in_widget(
            &visitor,
            "return !root.querySelector('.charla-live input[type=email]')?.hidden",
        )
        .await;
        (shown.last().map(String::as_str) == Some(EMAIL_PROMPT) && field == true).then_some(())
    })
    .await?;
    shown_widget_element(&visitor, BOT_EMAIL_FIELD)
        .await?
        .send_keys("not an address\u{E007}")
        .await?;
    eventually("the bot refuses the address", || async {
        widget_texts(&visitor)
            .await
            .filter(|t| t.iter().any(|m| m == NOT_AN_EMAIL))
    })
    .await?;
    // The step is asked again after the refusal; until then the field is
    // hidden, so wait for it to show.
    shown_widget_element(&visitor, BOT_EMAIL_FIELD)
        .await?
        .send_keys("ana@example.com\u{E007}")
        .await?;
    choice(&visitor, "Restart").await?.click().await?;
    choice(&visitor, PRICING).await?;
    let shown = widget_texts(&visitor).await.unwrap_or_default();
    assert!(
        shown
            .iter()
            .filter(|t| t.as_str() == "Welcome to CompanyName! 🌟")
            .count()
            >= 2,
        "the script started again: {shown:?}"
    );
    visitor.close().await?;

    // The lead is in the console.
    let operator = driver.session().await?;
    sign_in_as(&operator, edge, DEMO_EMAIL, DEMO_PASSWORD).await?;
    operator
        .find(Locator::XPath(
            "//button[normalize-space()='Leads and tickets']",
        ))
        .await?
        .click()
        .await?;
    let channel = eventually("the channel picker", || async {
        operator.find(Locator::Css("#records-channel")).await.ok()
    })
    .await?;
    channel.select_by_value("web").await?;
    let lead = eventually("the lead in the list", || async {
        let row = operator.find(Locator::Css(".record button")).await.ok()?;
        row.text()
            .await
            .ok()?
            .contains("ana@example.com")
            .then_some(row)
    })
    .await?;
    lead.click().await?;
    eventually("the lead's transcript", || async {
        let texts = charla_tests::ui::texts(
            &operator,
            "document.querySelector('.record-detail')?.querySelectorAll('.charla-text')",
        )
        .await?;
        texts.iter().any(|t| t == PRICING).then_some(())
    })
    .await?;
    operator.close().await?;
    Ok(())
}

/// With an operator online, the pricing answer hands the conversation to
/// them with the bot's whole transcript, and they answer.
async fn pricing_path_with_an_operator(
    edge: &LocalEdge,
    driver: &Chromedriver,
) -> HarnessResult<()> {
    let operator = driver.session().await?;
    sign_in_as(&operator, edge, DEMO_EMAIL, DEMO_PASSWORD).await?;
    let visitor = driver.session().await?;
    visitor
        .goto(&format!("{}/embed.html?channel=web-live", edge.url()))
        .await?;
    open_widget(&visitor).await?;
    choice(&visitor, PRICING).await?.click().await?;
    eventually("the hand-off", || async {
        widget_texts(&visitor).await.filter(|t| {
            t.last().map(String::as_str) == Some("A person will answer you here in a moment.")
        })
    })
    .await?;
    click_containing(&operator, ".conversation button", "A person will answer").await?;
    eventually("the bot's transcript in the pane", || async {
        pane_texts(&operator).await.filter(|t| {
            t.iter().any(|m| m == PRICING) && t.iter().any(|m| m == "What are you looking for?")
        })
    })
    .await?;
    operator
        .find(Locator::Css(".pane textarea"))
        .await?
        .send_keys("Hi, Ana here. Which plan?\u{E007}")
        .await?;
    eventually("the operator's answer in the widget", || async {
        widget_texts(&visitor)
            .await
            .filter(|t| t.last().map(String::as_str) == Some("Hi, Ana here. Which plan?"))
    })
    .await?;
    visitor.close().await?;
    operator.close().await?;
    Ok(())
}

/// A ticket step tells the visitor the ticket's number.
async fn ticket_path(edge: &LocalEdge, driver: &Chromedriver) -> HarnessResult<()> {
    let visitor = driver.session().await?;
    visitor
        .goto(&format!("{}/embed.html?channel=web-desk", edge.url()))
        .await?;
    open_widget(&visitor).await?;
    eventually("the bot asks", || async {
        widget_texts(&visitor)
            .await
            .filter(|t| t.last().map(String::as_str) == Some("Tell us what happened."))
    })
    .await?;
    type_into_widget(&visitor, "My order is late").await?;
    eventually("the ticket's number", || async {
        widget_texts(&visitor)
            .await
            .filter(|t| t.iter().any(|m| m.starts_with("Your ticket number is 10")))
    })
    .await?;
    visitor.close().await?;
    Ok(())
}

/// The editor shows every problem of a broken script beside its step and
/// does not save it.
async fn broken_script_in_the_editor(edge: &LocalEdge, driver: &Chromedriver) -> HarnessResult<()> {
    let admin = driver.session().await?;
    sign_in_as(&admin, edge, DEMO_EMAIL, DEMO_PASSWORD).await?;
    admin
        .find(Locator::XPath("//button[normalize-space()='Chatbots']"))
        .await?
        .click()
        .await?;
    let name = eventually("the chatbot editor", || async {
        admin.find(Locator::Css("#bot-name")).await.ok()
    })
    .await?;
    admin
        .find(Locator::XPath(
            "//nav//button[normalize-space()='Welcome Bot']",
        ))
        .await?
        .click()
        .await?;
    // Make the Welcome Bot's first step say nothing and its question lose
    // an answer's label: two errors, each beside its step.
    eventually("the steps", || async {
        admin.find(Locator::Css("#step-2-answer-1")).await.ok()
    })
    .await?;
    script(
        &admin,
        "for (const id of ['step-1-message', 'step-2-answer-1']) { \
           const field = document.getElementById(id); field.value = ''; \
           field.dispatchEvent(new Event('input', { bubbles: true })); } return true",
    )
    .await;
    let problems = eventually("the problems beside their steps", || async {
        let shown = script(
            &admin,
            "return [...document.querySelectorAll('.step .problems li.error')].map(li => li.textContent)",
        )
        .await;
        let shown: Vec<String> = serde_json::from_value(shown).ok()?;
        (shown.len() >= 2).then_some(shown)
    })
    .await?;
    assert!(
        problems.iter().any(|p| p.starts_with("Step 1")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("Step 2")),
        "{problems:?}"
    );
    let save = admin.find(Locator::Css(".editor-head .save")).await?;
    assert_eq!(save.attr("disabled").await?, Some("true".into()));
    drop(name);
    admin.close().await?;
    Ok(())
}

/// The widget's shown button with this label, once the bot offers it.
async fn choice(visitor: &Client, label: &str) -> HarnessResult<fantoccini::elements::Element> {
    eventually(&format!("the button {label:?}"), || async {
        let host = visitor.find(Locator::Css("#charla-widget")).await.ok()?;
        let root = host.shadow_root().await.ok()?;
        for button in root.find_all(Locator::Css(".charla-choice")).await.ok()? {
            let shown = button.is_displayed().await.ok()?;
            if shown && button.text().await.ok()?.trim() == label {
                return Some(button);
            }
        }
        None
    })
    .await
}
