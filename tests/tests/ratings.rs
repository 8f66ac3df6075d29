//! Ratings, transcripts and reports against the real edge on local workerd,
//! with a local mail receiver standing in for the mail service: over raw
//! sockets, what visitors and operators may do at the end of a
//! conversation and what the edge refuses; then, in headless Chromium, a
//! visitor rating with each face, the operator reading the reason, the copy
//! by e-mail, the report, its CSV and the "internal only" mark, the public
//! page and the live dashboard, each checked with axe-core.
//!
//! The suite starts one edge and gives every scenario a channel of its own.

use std::time::Duration;

use charla_shared::api::{RatingVisibility, WidgetConfig};
use charla_shared::channel::ChannelSettings;
use charla_shared::ids::{ChannelId, ClientMsgId, OperatorId};
use charla_shared::limits::MAX_REASON_CHARS;
use charla_shared::protocol::{
    ClientFrame, ErrorCode, Message, MessageKind, Notice, Role, ServerFrame,
};
use charla_shared::rating::{ChannelStats, Rating, RatingFilter, RatingRecord};
use charla_shared::routes;
use charla_tests::browser::{eventually, script, serious_accessibility_violations, Chromedriver};
use charla_tests::client::{Api, Socket};
use charla_tests::edge::{now_millis, test_edge, LocalEdge};
use charla_tests::mail::MailReceiver;
use charla_tests::seed::{DEMO_EMAIL, DEMO_PASSWORD, OPERATOR_EMAIL, TEST_PASSWORD};
use charla_tests::ui::{
    click_containing, in_widget, open_widget, pane_texts, send_from_widget, sign_in_as,
    widget_element, widget_texts,
};
use charla_tests::HarnessResult;
use fantoccini::{Client, Locator};

const REASON: &str = "Still waiting for an answer!";

fn id(text: &str) -> ClientMsgId {
    ClientMsgId::parse(text).unwrap()
}

fn channel(id: &str) -> ChannelId {
    ChannelId::parse(id).unwrap()
}

/// An edge that sends mail to a local receiver.
fn edge_with_mail() -> HarnessResult<(LocalEdge, tempfile::TempDir, MailReceiver)> {
    let mail = MailReceiver::start()?;
    let vars = mail.vars();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (edge, state) = test_edge(&vars)?;
    Ok((edge, state, mail))
}

/// A channel answered by the demo admin (Ana) and Luis, published or not.
fn rated_channel(api: &Api, admin: &str, id: &str, publish: bool) {
    api.create_channel(admin, id, |settings: &mut ChannelSettings| {
        settings.operators = vec![OperatorId::parse("luis").unwrap()];
        settings.options.publish_ratings = publish;
    });
}

/// Reads frames until a stored message passes `wanted`.
async fn message_where(socket: &mut Socket, wanted: impl Fn(&Message) -> bool) -> Message {
    loop {
        if let ServerFrame::Message { message } = socket.next().await {
            if wanted(&message) {
                return message;
            }
        }
    }
}

fn ratings(api: &Api, cookie: &str, id: &str, filter: &RatingFilter) -> Vec<RatingRecord> {
    let reply = api.get(&routes::ratings(&channel(id), filter), Some(cookie));
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// A conversation with one visitor message and an answer from the operator
/// signed in with `cookie`; returns both sockets.
async fn answered(
    edge: &LocalEdge,
    api: &Api,
    channel: &str,
    cookie: &str,
    text: &str,
) -> (charla_shared::api::ConversationCreated, Socket, Socket) {
    let (created, mut visitor, mut operator) = Socket::pair(edge, api, channel, cookie).await;
    visitor
        .send(&ClientFrame::Send {
            id: id("v1"),
            text: text.into(),
        })
        .await;
    message_where(&mut operator, |m| m.text == text).await;
    operator
        .send(&ClientFrame::Send {
            id: id("o1"),
            text: "Hello, how can I help?".into(),
        })
        .await;
    message_where(&mut visitor, |m| m.author.role == Role::Operator).await;
    (created, visitor, operator)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ratings_transcripts_and_reports() -> HarnessResult<()> {
    let (edge, _state, mail) = edge_with_mail()?;
    let api = Api::new(&edge);
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    the_end_of_a_conversation_over_the_wire(&edge, &api, &admin, &luis, &mail).await;
    published_ratings_and_their_report(&edge, &api, &admin, &luis).await;
    rating_in_the_widget_and_reports_in_the_console(&edge, &api, &admin, &mail).await
}

/// Over raw sockets: rating, ending, the copy by e-mail, the plain-text
/// transcript, and the dashboard's figures.
async fn the_end_of_a_conversation_over_the_wire(
    edge: &LocalEdge,
    api: &Api,
    admin: &str,
    luis: &str,
    mail: &MailReceiver,
) {
    rated_channel(api, admin, "wire", false);
    let config: WidgetConfig =
        serde_json::from_str(&api.get(&routes::widget_config(&channel("wire")), None).body)
            .unwrap();
    assert!(config.transcript_by_mail, "a mail service is configured");

    // The visitor rates: the conversation ends, and the operator reads the
    // face and the reason as they arrive.
    let (created, mut visitor, mut operator) = answered(
        edge,
        api,
        "wire",
        luis,
        "<script>alert('x')</script> my order?",
    )
    .await;
    let rate = ClientFrame::Rate {
        id: id("r1"),
        rating: Rating::Dissatisfied,
        reason: Some(REASON.into()),
    };
    visitor.send(&rate).await;
    let closed = message_where(&mut operator, |m| m.kind == MessageKind::Closed).await;
    assert_eq!(closed.author.role, Role::System);
    assert!(
        closed.text.ends_with("has left the conversation."),
        "{}",
        closed.text
    );
    let rated = message_where(&mut operator, |m| m.author.role == Role::Visitor).await;
    assert_eq!(rated.text, format!("Rating: 😞 — {REASON}"));
    assert_eq!(
        rated.kind,
        MessageKind::Rated {
            rating: Rating::Dissatisfied,
            reason: Some(REASON.into())
        }
    );
    // A retry of the same rating is stored once.
    visitor.send(&rate).await;
    let ack = loop {
        if let ServerFrame::Ack { id, seq } = visitor.next().await {
            if id.as_str() == "r1" {
                break seq;
            }
        }
    };
    assert_eq!(ack, rated.seq);
    // Operators do not rate; reasons have a limit; nothing is stored.
    operator
        .send(&ClientFrame::Rate {
            id: id("o-rate"),
            rating: Rating::Satisfied,
            reason: None,
        })
        .await;
    assert_eq!(operator.next_error().await.code, ErrorCode::Forbidden);
    visitor
        .send_raw(
            &ClientFrame::Rate {
                id: id("long"),
                rating: Rating::Neutral,
                reason: Some("x".repeat(MAX_REASON_CHARS + 1)),
            }
            .encode(),
        )
        .await;
    let problem = visitor.next_error().await;
    assert_eq!(problem.code, ErrorCode::Invalid);
    assert_eq!(problem.id, Some(id("long")));

    // The report has the rating with the operator who answered; the
    // operator filter and the rating filter narrow it.
    let all = ratings(api, admin, "wire", &RatingFilter::default());
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].operator_name.as_deref(), Some("Luis"));
    assert_eq!(all[0].reason.as_deref(), Some(REASON));
    let by_ana = RatingFilter {
        operator: Some(OperatorId::parse("demo-admin").unwrap()),
        ..RatingFilter::default()
    };
    assert!(ratings(api, admin, "wire", &by_ana).is_empty());

    // The copy by e-mail has the whole conversation, escaped in HTML.
    visitor
        .send(&ClientFrame::SendCopy {
            email: "mia@example.com".into(),
        })
        .await;
    loop {
        if let ServerFrame::Notice {
            notice: Notice::CopySent { email },
        } = visitor.next().await
        {
            assert_eq!(email, "mia@example.com");
            break;
        }
    }
    let sent = mail.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, ["mia@example.com"]);
    assert_eq!(sent[0].subject, "Your conversation with Channel wire");
    for said in [
        "<script>alert('x')</script> my order?",
        "Hello, how can I help?",
        REASON,
    ] {
        assert!(sent[0].text.contains(said), "{said} in {}", sent[0].text);
    }
    assert!(!sent[0].html.contains("<script>"), "{}", sent[0].html);
    assert!(sent[0]
        .html
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    visitor
        .send(&ClientFrame::SendCopy {
            email: "not an address".into(),
        })
        .await;
    assert_eq!(visitor.next_error().await.code, ErrorCode::Invalid);

    // The plain-text transcript opens with the visitor's token, from any
    // page (no credentials cross-site), and not with a wrong one.
    let text = api.get(
        &routes::transcript_text(&created.conversation, Some(&created.token)),
        None,
    );
    assert_eq!(text.status, 200, "{}", text.body);
    assert_eq!(text.header("access-control-allow-origin"), Some("*"));
    assert!(text
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment"));
    assert!(text.body.contains("Hello, how can I help?"));
    let other = api.create_conversation("wire");
    let wrong = api.get(
        &routes::transcript_text(&created.conversation, Some(&other.token)),
        None,
    );
    assert_eq!(wrong.status, 403);
    assert!(!wrong.body.contains("Hello"));

    // An operator ends a conversation once; the visitor is told who.
    let (_, mut visitor, mut operator) = answered(edge, api, "wire", admin, "Hi").await;
    operator.send(&ClientFrame::End).await;
    let ended = message_where(&mut visitor, |m| m.kind == MessageKind::Closed).await;
    assert_eq!(ended.text, "Ana ended the conversation.");
    operator.send(&ClientFrame::End).await;
    assert!(
        visitor.is_quiet_for(Duration::from_millis(800)).await,
        "ending twice says nothing more"
    );

    // The dashboard's figures: three conversations today, two answered
    // (one ended), one waiting for nobody, one rating.
    let stats = api.get(&routes::stats(&channel("wire"), today(), 30), Some(admin));
    assert_eq!(stats.status, 200, "{}", stats.body);
    let stats: ChannelStats = serde_json::from_str(&stats.body).unwrap();
    let day = stats.today();
    assert_eq!(stats.days.len(), 30);
    assert_eq!(day.conversations, 3);
    assert_eq!(stats.waiting(), 0, "nobody wrote without an answer");
    assert!(day.first_response_ms.is_some());
    assert!(day.duration_ms.is_some());
    assert_eq!(day.ratings.counts, [0, 0, 1]);
    let too_long = api.get(&routes::stats(&channel("wire"), today(), 91), Some(admin));
    assert_eq!(too_long.status, 400, "{}", too_long.body);
    let outsider = api.get(&routes::stats(&channel("wire"), today(), 30), None);
    assert_eq!(outsider.status, 401);
}

/// The public page: absent until published, then percentages without
/// reasons; hiding a rating changes it and not the internal report.
async fn published_ratings_and_their_report(edge: &LocalEdge, api: &Api, admin: &str, luis: &str) {
    rated_channel(api, admin, "shop", false);
    for (n, rating, reason) in [
        (1, Rating::Satisfied, None),
        (2, Rating::Satisfied, None),
        (3, Rating::Neutral, Some("A bit slow")),
        (4, Rating::Dissatisfied, Some(REASON)),
    ] {
        let (_, mut visitor, _) = answered(edge, api, "shop", luis, "Question").await;
        visitor
            .send(&ClientFrame::Rate {
                id: id(&format!("r{n}")),
                rating,
                reason: reason.map(str::to_owned),
            })
            .await;
        message_where(&mut visitor, |m| {
            matches!(m.kind, MessageKind::Rated { .. })
        })
        .await;
    }
    let page = routes::public_stats(&channel("shop"));
    assert_eq!(api.get(&page, None).status, 404, "not published yet");
    api.configure(admin, "shop", |s| s.options.publish_ratings = true);
    let shown = api.get(&page, None);
    assert_eq!(shown.status, 200);
    assert!(
        shown.body.contains("Satisfied <strong>50.0%</strong>"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Neutral <strong>25.0%</strong>"));
    assert!(
        !shown.body.contains(REASON) && !shown.body.contains("A bit slow"),
        "no reasons"
    );
    assert!(shown.body.contains("The 4 last feedbacks"));

    // Marking the sad one internal only: the page drops it, the report not.
    let sad = ratings(
        api,
        admin,
        "shop",
        &RatingFilter {
            rating: Some(Rating::Dissatisfied),
            ..RatingFilter::default()
        },
    );
    let hide = routes::rating_visibility(&channel("shop"), sad[0].id);
    let body = serde_json::to_string(&RatingVisibility { hidden: true }).unwrap();
    let refused = api.request("PUT", &hide, Some(&body), &[("cookie", luis)]);
    assert_eq!(refused.status, 403, "only admins hide ratings");
    let done = api.request("PUT", &hide, Some(&body), &[("cookie", admin)]);
    assert_eq!(done.status, 200, "{}", done.body);
    let shown = api.get(&page, None);
    assert!(
        shown.body.contains("Satisfied <strong>66.7%</strong>"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Dissatisfied <strong>0.0%</strong>"));
    assert!(shown.body.contains("The 3 last feedbacks"));
    let internal = ratings(api, admin, "shop", &RatingFilter::default());
    assert_eq!(internal.len(), 4, "the report keeps it");
    assert!(internal.iter().any(|r| r.hidden));

    // The CSV has a header and a row per rating, reasons quoted.
    let csv = api.get(
        &routes::ratings_csv(&channel("shop"), &RatingFilter::default()),
        Some(luis),
    );
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 5, "{}", csv.body);
    assert!(lines.iter().any(|l| l.contains(&format!("\"{REASON}\""))));
    assert_eq!(
        api.get(
            &routes::ratings_csv(&channel("shop"), &RatingFilter::default()),
            None
        )
        .status,
        401
    );
}

/// In the browser: the visitor rates with each face, the operator reads the
/// reason, a copy goes by e-mail; the report, its CSV, the "internal only"
/// mark, the public page and the live dashboard in the console.
async fn rating_in_the_widget_and_reports_in_the_console(
    edge: &LocalEdge,
    api: &Api,
    admin: &str,
    mail: &MailReceiver,
) -> HarnessResult<()> {
    rated_channel(api, admin, "web", true);
    let driver = Chromedriver::start()?;
    let operator = driver.session().await?;
    sign_in_as(&operator, edge, DEMO_EMAIL, DEMO_PASSWORD).await?;

    let visitor = driver.session().await?;
    visitor
        .goto(&format!("{}/embed.html?channel=web", edge.url()))
        .await?;
    for rating in Rating::ALL {
        rate_in_the_widget(&visitor, &operator, mail, rating).await?;
    }
    visitor.close().await?;

    report_in_the_console(edge, &operator).await?;
    public_page(edge, &driver).await?;
    live_dashboard(api, &operator).await?;
    operator.close().await?;
    Ok(())
}

/// One conversation from the widget, answered in the console, ended and
/// rated with `rating`.
async fn rate_in_the_widget(
    visitor: &Client,
    operator: &Client,
    mail: &MailReceiver,
    rating: Rating,
) -> HarnessResult<()> {
    let question = format!("Question before a {} rating", rating.as_str());
    open_widget(visitor).await?;
    send_from_widget(visitor, &question).await?;
    // The operator answers from the console, so the rating has an operator.
    click_containing(operator, ".conversation button", &question).await?;
    let reply = eventually("the reply box", || async {
        operator.find(Locator::Css(".pane textarea")).await.ok()
    })
    .await?;
    reply.send_keys("Here is the answer.\u{E007}").await?;
    eventually("the answer in the widget", || async {
        widget_texts(visitor)
            .await
            .filter(|t| t.last().map(String::as_str) == Some("Here is the answer."))
    })
    .await?;

    widget_element(visitor, ".charla-end")
        .await?
        .click()
        .await?;
    let names = eventually("the three faces", || async {
        let names = in_widget(
            visitor,
            "const faces = [...root.querySelectorAll('.charla-face')];
             if (faces.some(f => f.closest('[hidden]'))) return null;
             return faces.map(f => f.getAttribute('aria-label'))",
        )
        .await;
        serde_json::from_value::<Vec<String>>(names).ok()
    })
    .await?;
    assert_eq!(names, ["Satisfied", "Neutral", "Dissatisfied"]);
    if rating == Rating::Satisfied {
        let violations = serious_accessibility_violations(visitor).await?;
        assert!(violations.is_empty(), "the rating view: {violations:#?}");
        // The copy by e-mail, before rating.
        widget_element(visitor, "#charla-copy")
            .await?
            .send_keys("mia@example.com\u{E007}")
            .await?;
        eventually("the copy is on its way", || async {
            let said = in_widget(
                visitor,
                "return root.querySelector('.charla-copy [role=status]').textContent",
            )
            .await;
            said.as_str()?.contains("mia@example.com").then_some(())
        })
        .await?;
        let sent = mail.sent();
        let last = sent.last().expect("a mail");
        assert!(last.text.contains(&question), "{}", last.text);
        // The download: catch the file the widget hands the browser.
        script(
            visitor,
            "window.downloaded = null; HTMLAnchorElement.prototype.click = function () {
               fetch(this.href).then(r => r.text()).then(t => { window.downloaded = [this.download, t]; });
             }; return true",
        )
        .await;
        widget_element(visitor, ".charla-download")
            .await?
            .click()
            .await?;
        let (name, text) = eventually("the downloaded transcript", || async {
            serde_json::from_value::<(String, String)>(
                script(visitor, "return window.downloaded").await,
            )
            .ok()
        })
        .await?;
        assert_eq!(name, "conversation.txt");
        assert!(
            text.contains(&question) && text.contains("Here is the answer."),
            "{text}"
        );
    }
    let face = format!(".charla-face.charla-{}", rating.as_str());
    widget_element(visitor, &face).await?.click().await?;
    if rating != Rating::Satisfied {
        let reason = widget_element(visitor, "#charla-reason").await?;
        reason.send_keys(REASON).await?;
        widget_element(visitor, ".charla-reason button")
            .await?
            .click()
            .await?;
    }
    eventually("the thanks", || async {
        let shown = in_widget(
            visitor,
            "return !root.querySelector('.charla-thanks').hidden && root.querySelector('.charla-thanks').textContent",
        )
        .await;
        (shown.as_str()? == "Thank you for your feedback").then_some(())
    })
    .await?;
    // The operator reads the rating (and the reason) as it arrives.
    let expected = match rating {
        Rating::Satisfied => "Rating: 😊".to_owned(),
        Rating::Neutral => format!("Rating: 😐 — {REASON}"),
        Rating::Dissatisfied => format!("Rating: 😞 — {REASON}"),
    };
    eventually("the rating in the operator's pane", || async {
        pane_texts(operator).await.filter(|t| t.contains(&expected))
    })
    .await?;
    // Closing the conversation forgets it: the next message starts anew.
    widget_element(visitor, ".charla-finish")
        .await?
        .click()
        .await?;
    eventually("the conversation is forgotten", || async {
        let stored = script(
            visitor,
            "return localStorage.getItem('charla.conversation.web')",
        )
        .await;
        stored.is_null().then_some(())
    })
    .await?;
    for pane in operator.find_all(Locator::Css(".pane .close")).await? {
        pane.click().await?;
    }
    Ok(())
}

/// The ratings report: cards, pivot, the reason in the list, the CSV
/// export, and the "internal only" mark.
async fn report_in_the_console(edge: &LocalEdge, operator: &Client) -> HarnessResult<()> {
    operator
        .find(Locator::XPath("//nav//button[normalize-space()='Ratings']"))
        .await?
        .click()
        .await?;
    let picker = eventually("the channel picker", || async {
        operator.find(Locator::Css("#ratings-channel")).await.ok()
    })
    .await?;
    picker.select_by_value("web").await?;
    eventually("three ratings in the list", || async {
        let rows = operator
            .find_all(Locator::Css(".rating-list tbody tr"))
            .await
            .ok()?;
        (rows.len() == 3).then_some(())
    })
    .await?;
    let cards = operator.find(Locator::Css(".cards")).await?.text().await?;
    assert!(cards.contains("Satisfied: 33.4%"), "{cards}");
    let pivot = operator.find(Locator::Css(".pivot")).await?.text().await?;
    assert!(pivot.contains("Ana"), "{pivot}");
    let list = operator
        .find(Locator::Css(".rating-list"))
        .await?
        .text()
        .await?;
    assert!(list.contains(REASON), "{list}");

    let csv = script(
        operator,
        "return fetch(document.querySelector('a.export').href).then(r => r.text())",
    )
    .await;
    let csv = csv.as_str().unwrap_or_default().to_owned();
    assert_eq!(csv.trim_end().split("\r\n").count(), 4, "{csv}");
    assert!(csv.starts_with("id,at,channel,conversation,operator,visitor,rating,reason,hidden"));

    // Mark the dissatisfied one internal only.
    let row = operator
        .find(Locator::XPath(
            "//table[contains(@class,'rating-list')]//tr[contains(., 'Dissatisfied')]//input[@type='checkbox']",
        ))
        .await?;
    row.click().await?;
    let page = format!("{}{}", edge.url(), routes::public_stats(&channel("web")));
    eventually("the public page without the hidden rating", || async {
        let body = ureq::get(&page)
            .call()
            .ok()?
            .into_body()
            .read_to_string()
            .ok()?;
        body.contains("Dissatisfied <strong>0.0%</strong>")
            .then_some(())
    })
    .await?;
    let list = operator
        .find(Locator::Css(".rating-list"))
        .await?
        .text()
        .await?;
    assert!(list.contains("Dissatisfied"), "the report keeps it");
    Ok(())
}

/// The published page reads well and passes axe-core.
async fn public_page(edge: &LocalEdge, driver: &Chromedriver) -> HarnessResult<()> {
    let reader = driver.session().await?;
    reader
        .goto(&format!(
            "{}{}",
            edge.url(),
            routes::public_stats(&channel("web"))
        ))
        .await?;
    let text = reader.find(Locator::Css("main")).await?.text().await?;
    assert!(text.contains("Satisfied 50.0%"), "{text}");
    assert!(!text.contains(REASON));
    let violations = serious_accessibility_violations(&reader).await?;
    assert!(violations.is_empty(), "the public page: {violations:#?}");
    reader.close().await?;
    Ok(())
}

/// The dashboard counts a new conversation without a reload.
async fn live_dashboard(api: &Api, operator: &Client) -> HarnessResult<()> {
    operator
        .find(Locator::XPath(
            "//nav//button[normalize-space()='Dashboard']",
        ))
        .await?
        .click()
        .await?;
    eventually("the channel picker", || async {
        operator.find(Locator::Css("#dashboard-channel")).await.ok()
    })
    .await?
    .select_by_value("web")
    .await?;
    let count = || async {
        let text = operator
            .find(Locator::Css("[data-figure=conversations] dd"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        text.parse::<u64>().ok()
    };
    let before = eventually("today's count", || async {
        count().await.filter(|n| *n == 3)
    })
    .await?;
    let violations = serious_accessibility_violations(operator).await?;
    assert!(violations.is_empty(), "the dashboard: {violations:#?}");
    let table = operator.find(Locator::Css(".chart table")).await?;
    assert!(table.html(false).await?.contains("<th scope=\"row\">"));
    api.create_conversation("web");
    eventually("the new conversation counted", || async {
        count().await.filter(|n| *n == before + 1)
    })
    .await?;
    Ok(())
}

/// The test machine's last midnight (UTC: the dashboard's reader picks
/// their own).
fn today() -> i64 {
    let now = now_millis();
    now - now.rem_euclid(86_400_000)
}
