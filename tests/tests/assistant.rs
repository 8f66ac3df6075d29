//! The AI assistant against the real edge on local workerd: a knowledge base
//! imported from our development set's folder through the admin endpoint
//! (its limits enforced there), the public search, article and help page;
//! over raw sockets, a question answered with its source, one it cannot
//! answer getting the fallback, "quiero hablar con una persona" and the
//! "talk to a person" button handing the conversation to the queue with
//! the reason in a note for operators, and the assistant quiet from then
//! on; then, in headless Chromium, a cited answer in the widget, with
//! axe-core on it, the hand-off from its button, and after hours the
//! offline form under the out-of-hours message.
//!
//! The suite starts one edge; each scenario has a conversation of its own.

use std::path::Path;

use charla_shared::bot::{Answer, Chatbot, Step, StepKind, Texts};
use charla_shared::channel::{AssistantMode, ChannelSettings, HandOffStyle, Language, Rule};
use charla_shared::hours::OfficeHours;
use charla_shared::ids::{ArticleSlug, ChannelId, ClientMsgId, ConversationId, OperatorId, Seq};
use charla_shared::knowledge::{
    KbArticle, KbHit, KbImport, KbImported, KbPage, ModelSettings, ModelView,
};
use charla_shared::limits::{MAX_ARTICLE_CHARS, MAX_KNOWLEDGE_BODY_BYTES};
use charla_shared::protocol::{
    Attending, ClientFrame, ErrorCode, Message, MessageKind, Problem, Role, ServerFrame, Source,
};
use charla_shared::routes;
use charla_tests::browser::{eventually, serious_accessibility_violations, Chromedriver};
use charla_tests::client::{Api, Socket};
use charla_tests::edge::{test_edge, LocalEdge};
use charla_tests::model::{Behaviour, FakeModel};
use charla_tests::seed::{DEMO_EMAIL, DEMO_PASSWORD, OPERATOR_EMAIL, TEST_PASSWORD};
use charla_tests::ui::{
    click, click_containing, in_widget, leave_offline_message, open_widget, shown_widget_element,
    sign_in_as, type_into_widget, widget_texts, widget_texts_of,
};
use charla_tests::HarnessResult;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

/// The channel the suite creates, with the bike shop's articles.
const SHOP: &str = "shop";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assistant_answers_from_the_knowledge_base_and_hands_off() -> HarnessResult<()> {
    let model = FakeModel::start()?;
    let vars = model.vars();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (edge, _state) = test_edge(&vars)?;
    let api = Api::new(&edge);
    let ana = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    api.create_channel(&ana, SHOP, |settings: &mut ChannelSettings| {
        settings.operators = vec![OperatorId::parse("luis").unwrap()];
        settings.options.assistant.mode = AssistantMode::Both;
        settings.options.assistant.name = "Rueda".into();
    });
    articles_are_imported_within_their_limits(&api, &ana, &luis);
    anyone_searches_and_reads_the_published_articles(&api, &ana);
    a_question_gets_a_cited_answer_and_an_unknown_one_the_fallback(&edge, &api).await;
    asking_for_a_person_hands_the_conversation_over(&edge, &api, &luis).await;
    the_button_hands_over_and_a_channel_without_people_never_does(&edge, &api, &ana).await;
    a_script_hands_the_conversation_to_the_assistant(&edge, &api, &ana).await;
    outside_office_hours_nobody_is_promised(&edge, &api, &ana).await;
    the_model_writes_answers_that_stream_and_fall_back(&edge, &api, &ana, &model).await;
    the_widget_shows_the_source_and_offers_a_person(&edge, &api, &ana).await
}

/// The folder's 72 files go in through the admin endpoint; operators may
/// read them but not write; every limit is the edge's.
fn articles_are_imported_within_their_limits(api: &Api, ana: &str, luis: &str) {
    let import = KbImport {
        articles: development_articles(),
        replace: true,
    };
    let path = routes::knowledge(&shop());
    let reply = put(api, &path, &import, ana);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let done: KbImported = serde_json::from_str(&reply.body).unwrap();
    assert_eq!((done.saved, done.removed), (72, 0));
    let listed: Vec<KbArticle> = serde_json::from_str(&api.get(&path, Some(luis)).body).unwrap();
    assert_eq!(listed.len(), 72);

    // An operator reads but does not write.
    assert_eq!(put(api, &path, &import, luis).status, 403);

    // Too long an article, twice the same one, too big a body: refused
    // with what is wrong, and nothing of them stored.
    let mut long = import.articles[0].clone();
    long.body = "x".repeat(MAX_ARTICLE_CHARS + 1);
    let refused = problem(&put(
        api,
        &path,
        &KbImport {
            articles: vec![long],
            replace: false,
        },
        ana,
    ));
    assert_eq!(refused.code, ErrorCode::Invalid);
    assert!(
        refused.message.contains("assembly (en)"),
        "{}",
        refused.message
    );
    let twice = KbImport {
        articles: vec![import.articles[1].clone(), import.articles[1].clone()],
        replace: false,
    };
    assert!(problem(&put(api, &path, &twice, ana))
        .message
        .contains("comes twice"));
    let huge = "y".repeat(MAX_KNOWLEDGE_BODY_BYTES + 1);
    let reply = api.request("PUT", &path, Some(&huge), &[("cookie", ana)]);
    assert_eq!(reply.status, 413, "{}", reply.body);
    let listed: Vec<KbArticle> = serde_json::from_str(&api.get(&path, Some(ana)).body).unwrap();
    assert_eq!(listed.len(), 72, "a refused import stores nothing");

    // An article with markup in it, to show it stays text; an unpublished
    // one, which nobody outside sees.
    let mut hostile = import.articles[0].clone();
    hostile.slug = ArticleSlug::parse("markup").unwrap();
    hostile.title = "<img src=x onerror=alert(1)> Markup".into();
    hostile.body =
        "<script>alert(1)</script> [click](javascript:alert) [ok](https://ok.test)".into();
    let mut draft = import.articles[0].clone();
    draft.slug = ArticleSlug::parse("draft").unwrap();
    draft.published = false;
    let reply = put(
        api,
        &path,
        &KbImport {
            articles: vec![hostile, draft],
            replace: false,
        },
        ana,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// The widget's search and article routes and the help page are public;
/// they show published articles only, and markup as text.
fn anyone_searches_and_reads_the_published_articles(api: &Api, ana: &str) {
    let shop = shop();
    let hits: Vec<KbHit> = serde_json::from_str(
        &api.get(
            &routes::search_knowledge(&shop, "devolución de un producto", Language::Es),
            None,
        )
        .body,
    )
    .unwrap();
    assert_eq!(hits[0].slug.as_str(), "returns", "{hits:?}");
    assert_eq!(hits[0].title, "Devolver un producto");
    let returns = ArticleSlug::parse("returns").unwrap();
    let page: KbPage = serde_json::from_str(
        &api.get(
            &routes::knowledge_article(&shop, &returns, Language::Pt),
            None,
        )
        .body,
    )
    .unwrap();
    assert_eq!(page.title, "Devolver um produto");
    assert_eq!(
        page.url,
        routes::help_article(&shop, &returns, Language::Pt)
    );

    let draft = ArticleSlug::parse("draft").unwrap();
    let reply = api.get(
        &routes::knowledge_article(&shop, &draft, Language::En),
        None,
    );
    assert_eq!(reply.status, 404, "an unpublished article is not public");

    let list = api.get(&routes::help_page(&shop, Language::Es), None);
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Devolver un producto"));
    assert!(!list.body.contains("<img"), "titles are text");
    let markup = ArticleSlug::parse("markup").unwrap();
    let article = api.get(&routes::help_article(&shop, &markup, Language::En), None);
    assert!(article
        .body
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!article.body.contains("<script>"));
    assert!(!article.body.contains("javascript:"));
    assert!(article
        .body
        .contains("<a href=\"https://ok.test\" rel=\"noopener nofollow\">ok</a>"));
    assert!(article
        .header("content-security-policy")
        .is_some_and(|csp| csp.contains("default-src 'none'")));

    // Deleting one language of an article, then all of it.
    let path = routes::article(&shop, &markup, Some(Language::En));
    assert_eq!(api.delete(&path, ana).status, 204);
    assert_eq!(api.delete(&path, ana).status, 404);
}

/// A question the articles answer gets their passage, signed by the
/// assistant, with the article as its source; one they do not answer gets
/// the fallback, which offers a person; a thanks gets nothing; none of it
/// queues the conversation.
async fn a_question_gets_a_cited_answer_and_an_unknown_one_the_fallback(
    edge: &LocalEdge,
    api: &Api,
) {
    let (_, mut visitor) = start(edge, api, Language::Es).await;
    say(&mut visitor, "q1", "¿Cuánto tarda en llegar el pedido?").await;
    let answer = assistant_message(&mut visitor).await;
    assert_eq!(answer.author.name, "Rueda");
    assert!(answer.text.contains("días laborables"), "{}", answer.text);
    let shipping = ArticleSlug::parse("shipping-times").unwrap();
    assert_eq!(
        answer.kind,
        MessageKind::Sourced {
            sources: vec![Source {
                title: "Plazos y costes de entrega".into(),
                url: routes::help_article(&shop(), &shipping, Language::Es),
            }],
            person: true,
        }
    );
    say(&mut visitor, "q2", "¿vendéis patinetes eléctricos?").await;
    let unsure = assistant_message(&mut visitor).await;
    assert_eq!(unsure.kind, MessageKind::Unsure { person: true });
    assert!(unsure.text.contains("No estoy seguro"), "{}", unsure.text);
    say(&mut visitor, "q3", "¡vale, gracias!").await;
    message_from(&mut visitor, Role::Visitor).await;
    assert!(
        visitor
            .is_quiet_for(std::time::Duration::from_millis(500))
            .await,
        "a thanks gets nothing: no fallback, no greeting, no queue"
    );
}

/// "quiero hablar con una persona" goes to the queue at once: the visitor
/// is told, the operators' note says why, and the assistant answers no
/// more.
async fn asking_for_a_person_hands_the_conversation_over(edge: &LocalEdge, api: &Api, luis: &str) {
    let (created, mut visitor) = start(edge, api, Language::Es).await;
    say(&mut visitor, "q1", "quiero hablar con una persona").await;
    let told = message_from(&mut visitor, Role::System).await;
    assert_eq!(told.text, "Una persona le responderá aquí en un momento.");
    assert_eq!(
        visitor.next_attending().await,
        Attending::Waiting { place: 1 }
    );
    let note = handover_note(edge, &created.conversation, luis).await;
    assert_eq!(
        note,
        "The assistant handed this conversation over: the visitor asked for a person."
    );
    say(&mut visitor, "q2", "¿Cuánto tarda en llegar el pedido?").await;
    message_from(&mut visitor, Role::Visitor).await;
    assert!(
        visitor
            .is_quiet_for(std::time::Duration::from_millis(800))
            .await,
        "the assistant is quiet once a person is asked for"
    );
}

/// The "talk to a person" button under an answer hands over; where the
/// assistant alone answers, its messages offer no person and the button
/// does nothing.
async fn the_button_hands_over_and_a_channel_without_people_never_does(
    edge: &LocalEdge,
    api: &Api,
    ana: &str,
) {
    let (created, mut visitor) = start(edge, api, Language::En).await;
    say(&mut visitor, "q1", "how do I reset my password").await;
    let answer = assistant_message(&mut visitor).await;
    assert!(matches!(
        answer.kind,
        MessageKind::Sourced { person: true, .. }
    ));
    visitor.send(&ClientFrame::AskForPerson).await;
    let told = message_from(&mut visitor, Role::System).await;
    assert_eq!(told.text, "A person will answer you here in a moment.");
    let note = handover_note(edge, &created.conversation, ana).await;
    assert!(note.ends_with("the visitor asked for a person."), "{note}");

    api.configure(ana, SHOP, |s| {
        s.options.assistant.mode = AssistantMode::Automatic;
        s.options.assistant.hand_off = HandOffStyle::AtOnce;
    });
    // The channel's options are read again after a short while; a new
    // conversation reads them now.
    let (_, mut visitor) = start(edge, api, Language::En).await;
    say(&mut visitor, "q1", "do you repair motorcycles?").await;
    let unsure = assistant_message(&mut visitor).await;
    assert_eq!(unsure.kind, MessageKind::Unsure { person: false });
    say(&mut visitor, "q2", "I want to talk to a human").await;
    let again = assistant_message(&mut visitor).await;
    assert!(matches!(again.kind, MessageKind::Unsure { person: false }));
    visitor.send(&ClientFrame::AskForPerson).await;
    assert!(
        visitor
            .is_quiet_for(std::time::Duration::from_millis(800))
            .await,
        "nobody to hand over to"
    );
    api.configure(ana, SHOP, |s| {
        s.options.assistant.mode = AssistantMode::Both
    });
}

/// A chatbot's "hand to the AI assistant" step: the bot asks, and once the
/// visitor's answer reaches the step, the assistant answers what they write
/// next, with its source, even where the channel does not put the
/// assistant first; people still come after it, as they come after the bot.
async fn a_script_hands_the_conversation_to_the_assistant(edge: &LocalEdge, api: &Api, ana: &str) {
    let bot = Chatbot {
        name: "Recepción".into(),
        fallback_language: Language::Es,
        steps: vec![
            Step {
                id: 1,
                kind: StepKind::Question {
                    answers: vec![Answer {
                        id: 1,
                        label: Texts::one(Language::Es, "Tengo una pregunta"),
                        link: None,
                    }],
                },
                message: Texts::one(Language::Es, "¿En qué podemos ayudarle?"),
                only_if: vec![],
            },
            Step {
                id: 2,
                kind: StepKind::Assistant,
                message: Texts::one(Language::Es, "Pregúnteme lo que quiera."),
                only_if: vec![],
            },
            Step {
                id: 3,
                kind: StepKind::Text,
                message: Texts::one(Language::Es, "Esto no se dice nunca."),
                only_if: vec![],
            },
        ],
    };
    let reply = put(api, &routes::chatbot("recepcion"), &bot, ana);
    assert_eq!(reply.status, 200, "{}", reply.body);
    api.configure(ana, SHOP, |s| {
        s.options.assistant.mode = AssistantMode::Manual;
        s.rules = vec![Rule {
            chatbot: Some("recepcion".into()),
            ..Rule::default()
        }];
    });
    let reply = api.post(
        routes::CONVERSATIONS,
        &charla_shared::api::CreateConversation {
            channel: shop(),
            visitor: charla_shared::identity::Visitor::default(),
            chatbot: Some("recepcion".into()),
            language: Some(Language::Es),
            visitor_key: None,
        },
        None,
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: charla_shared::api::ConversationCreated =
        serde_json::from_str(&reply.body).unwrap();
    let mut visitor = Socket::visitor(edge, &created.conversation, &created.token, Seq(0))
        .await
        .unwrap();
    let (_, history) = visitor.joined().await;
    assert_eq!(
        history.last().map(|m| m.text.as_str()),
        Some("¿En qué podemos ayudarle?")
    );
    // Before the step, the bot has the conversation: a question typed now
    // only makes it ask again.
    say(&mut visitor, "early", "¿Cuánto tarda en llegar el pedido?").await;
    let asked = message_from(&mut visitor, Role::Bot).await;
    assert_eq!(asked.text, "¿En qué podemos ayudarle?");
    visitor
        .send(&ClientFrame::Choose {
            id: ClientMsgId::parse("c1").unwrap(),
            answer: 1,
        })
        .await;
    let handed = message_from(&mut visitor, Role::Bot).await;
    assert_eq!(handed.text, "Pregúnteme lo que quiera.");
    say(&mut visitor, "q1", "¿Cuánto tarda en llegar el pedido?").await;
    let answer = assistant_message(&mut visitor).await;
    assert!(answer.text.contains("días laborables"), "{}", answer.text);
    assert!(
        matches!(&answer.kind, MessageKind::Sourced { sources, person: true } if sources.len() == 1),
        "{:?}",
        answer.kind
    );
    visitor.send(&ClientFrame::AskForPerson).await;
    let told = message_from(&mut visitor, Role::System).await;
    assert_eq!(told.text, "Una persona le responderá aquí en un momento.");
    api.configure(ana, SHOP, |s| {
        s.options.assistant.mode = AssistantMode::Both;
        s.rules = Vec::new();
    });
}

/// A conversation that began in office hours and asks for a person after
/// closing time is not told that someone comes in a moment: it reads the
/// channel's out-of-hours message, and waits in the queue for the morning.
async fn outside_office_hours_nobody_is_promised(edge: &LocalEdge, api: &Api, ana: &str) {
    let (_, mut visitor) = start(edge, api, Language::Es).await;
    close_the_shop(api, ana);
    say(&mut visitor, "q1", "quiero hablar con una persona").await;
    let told = message_from(&mut visitor, Role::System).await;
    let closed = charla_shared::channel::ChannelOptions::default()
        .texts_for(Language::Es)
        .out_of_hours_message;
    assert_eq!(told.text, closed);
    assert_eq!(
        told.kind,
        MessageKind::Offline,
        "the widget offers its form"
    );
    assert!(matches!(
        visitor.next_attending().await,
        Attending::Waiting { .. }
    ));
    api.configure(ana, SHOP, |s| s.options.hours = None);
}

/// With a language model (the local stand-in, speaking real server-sent
/// events): the visitor sees the assistant typing, then its answer growing
/// in frames that are never stored, then the answer stored once, with its
/// source. A model that makes things up, fails or goes silent costs the
/// visitor nothing: they get the article's passage.
async fn the_model_writes_answers_that_stream_and_fall_back(
    edge: &LocalEdge,
    api: &Api,
    ana: &str,
    model: &FakeModel,
) {
    api.configure(ana, SHOP, |s| s.options.assistant.write_with_model = true);
    let question = "how long does delivery take?";
    let (created, mut visitor) = start(edge, api, Language::En).await;
    say(&mut visitor, "q1", question).await;
    let (typing, drafts, answer) = until_answer(&mut visitor).await;
    assert!(typing, "the assistant types first");
    assert!(drafts.len() >= 3, "{drafts:?}");
    for pair in drafts.windows(2) {
        assert!(
            pair[1].starts_with(&pair[0]) && pair[1].len() > pair[0].len(),
            "{pair:?}"
        );
    }
    assert_eq!(
        answer.text,
        "We send orders from our warehouse in Valencia every weekday."
    );
    assert_eq!(drafts.last(), Some(&answer.text));
    let MessageKind::Sourced { sources, .. } = &answer.kind else {
        panic!("a cited answer: {:?}", answer.kind);
    };
    assert_eq!(sources[0].title, "Delivery times and costs");
    let asked = model.requests().pop().unwrap_or_default();
    assert_eq!(asked["model"], charla_tests::model::MODEL);
    let prompt = asked["messages"][1]["content"].as_str().unwrap_or_default();
    assert!(
        prompt.starts_with("Article: Delivery times and costs\n\n"),
        "{prompt}"
    );
    assert!(
        prompt.ends_with(&format!("Question: {question}")),
        "{prompt}"
    );
    // Stored once, complete; the drafts are nowhere in the transcript.
    let mut again = Socket::visitor(edge, &created.conversation, &created.token, Seq(0))
        .await
        .unwrap();
    let (_, history) = again.joined().await;
    let written: Vec<&str> = history
        .iter()
        .filter(|m| m.author.role == Role::Assistant)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(written, [answer.text.as_str()]);
    a_channel_sets_its_own_model(edge, api, ana, model).await;

    for (behaviour, what) in [
        (Behaviour::MadeUp, "an answer the article does not hold"),
        (Behaviour::Failing, "a failing model"),
        (Behaviour::Silent, "a silent model"),
    ] {
        model.behave(behaviour);
        let (_, mut visitor) = start(edge, api, Language::En).await;
        say(&mut visitor, "q1", question).await;
        let (_, _, answer) = until_answer(&mut visitor).await;
        assert!(
            answer.text.contains("working days") && !answer.text.contains("unicorn"),
            "{what}: {}",
            answer.text
        );
        assert!(matches!(answer.kind, MessageKind::Sourced { .. }), "{what}");
    }
    model.behave(Behaviour::Grounded);
    api.configure(ana, SHOP, |s| s.options.assistant.write_with_model = false);
}

/// An admin gives the channel a model of its own, which replaces the
/// installation's; its key is never sent back; a wrong address is refused
/// with a reason; empty settings remove it.
async fn a_channel_sets_its_own_model(edge: &LocalEdge, api: &Api, ana: &str, model: &FakeModel) {
    let path = routes::channel_model(&shop());
    let wrong = ModelSettings {
        base_url: "api.example.com".into(),
        model: "m".into(),
        api_key: None,
    };
    let refused = put(api, &path, &wrong, ana);
    assert!(
        problem(&refused).message.contains("http(s) address"),
        "{}",
        refused.body
    );
    let own = ModelSettings {
        base_url: model.url().to_owned(),
        model: "shop-model".into(),
        api_key: Some(charla_tests::model::KEY.into()),
    };
    let saved = put(api, &path, &own, ana);
    assert_eq!(saved.status, 200, "{}", saved.body);
    let read = api.get(&path, Some(ana));
    assert!(
        !read.body.contains(charla_tests::model::KEY),
        "{}",
        read.body
    );
    let view: ModelView = serde_json::from_str(&read.body).unwrap();
    assert_eq!(
        view,
        ModelView {
            base_url: model.url().to_owned(),
            model: "shop-model".into(),
            has_key: true
        }
    );
    let (_, mut visitor) = start(edge, api, Language::En).await;
    say(&mut visitor, "q1", "how long does delivery take?").await;
    until_answer(&mut visitor).await;
    let asked = model.requests().pop().unwrap_or_default();
    assert_eq!(asked["model"], "shop-model");
    let removed = ModelSettings {
        base_url: String::new(),
        model: String::new(),
        api_key: None,
    };
    assert_eq!(put(api, &path, &removed, ana).status, 200);
    let view: ModelView = serde_json::from_str(&api.get(&path, Some(ana)).body).unwrap();
    assert_eq!(view, ModelView::default());
}

/// Reads frames until the assistant's answer: whether it typed first, the
/// drafts on the way, and the answer.
async fn until_answer(socket: &mut Socket) -> (bool, Vec<String>, Message) {
    let (mut typing, mut drafts) = (false, Vec::new());
    loop {
        match socket.next().await {
            ServerFrame::Typing { author } => typing |= author.role == Role::Assistant,
            ServerFrame::Draft { text, .. } => drafts.push(text),
            ServerFrame::Message { message } if message.author.role == Role::Assistant => {
                return (typing, drafts, message)
            }
            _ => {}
        }
    }
}

/// In the widget: the answer names its article as a link to the help page,
/// "Talk to a person" shows under it, axe-core finds nothing serious, and
/// the button brings a person.
async fn the_widget_shows_the_source_and_offers_a_person(
    edge: &LocalEdge,
    api: &Api,
    ana: &str,
) -> HarnessResult<()> {
    api.configure(ana, SHOP, |s| s.options.assistant.write_with_model = true);
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    visitor
        .goto(&format!("{}/embed.html?channel={SHOP}", edge.url()))
        .await?;
    open_widget(&visitor).await?;
    the_widget_searches_and_opens_help_articles(&visitor, edge).await?;
    // Every text the draft shows, sampled far more often than the model
    // writes.
    in_widget(
        &visitor,
        "window.drafts = [];
         setInterval(() => {
           const d = root.querySelector('.charla-draft');
           if (d && d.textContent && d.textContent !== window.drafts.at(-1))
             window.drafts.push(d.textContent + (d.getAttribute('aria-hidden') === 'true' ? '' : ' (announced)'));
         }, 10);
         return true;",
    )
    .await;
    type_into_widget(&visitor, "how long does delivery take?").await?;
    let source = eventually("the answer's source", || async {
        let found = in_widget(
            &visitor,
            "const a = root.querySelector('.charla-role-assistant .charla-source');
             return a && { text: a.textContent, href: a.getAttribute('href'), rel: a.rel, target: a.target };",
        )
        .await;
        (!found.is_null()).then_some(found)
    })
    .await?;
    assert_eq!(source["text"], "Delivery times and costs");
    let written = "We send orders from our warehouse in Valencia every weekday.";
    eventually("the answer in the log and the draft gone", || async {
        let state = in_widget(
            &visitor,
            "const text = root.querySelector('.charla-role-assistant .charla-text');
             return [text?.firstChild?.textContent, root.querySelector('.charla-draft').textContent];",
        )
        .await;
        (state == serde_json::json!([written, ""])).then_some(())
    })
    .await?;
    let drafts = in_widget(&visitor, "return window.drafts;").await;
    let drafts: Vec<String> = serde_json::from_value(drafts).unwrap_or_default();
    assert!(drafts.len() >= 2, "the text grew in place: {drafts:?}");
    assert!(
        drafts.iter().all(|d| written.starts_with(d.as_str())),
        "hidden from screen readers, growing towards the answer: {drafts:?}"
    );
    let href = source["href"].as_str().unwrap_or_default().to_owned();
    assert!(
        href.starts_with(&edge.url()) && href.ends_with("/help/shop/shipping-times?lang=en"),
        "{href}"
    );
    assert_eq!(source["target"], "_blank");
    assert!(source["rel"]
        .as_str()
        .unwrap_or_default()
        .contains("noopener"));
    let person = eventually("the person button", || async {
        let shown = in_widget(
            &visitor,
            "const b = root.querySelector('.charla-person'); return b && !b.hidden;",
        )
        .await;
        (shown == serde_json::Value::Bool(true)).then_some(())
    })
    .await;
    person?;
    let violations = serious_accessibility_violations(&visitor).await?;
    assert!(violations.is_empty(), "{violations:#?}");
    // "Did this answer your question? Yes" thanks the assistant in the
    // visitor's words, which it does not answer, and the question goes.
    let asked = in_widget(
        &visitor,
        "const p = root.querySelector('.charla-helped');
         if (!p || p.hidden) return null;
         const text = p.textContent; p.querySelector('button').click(); return text;",
    )
    .await;
    assert_eq!(asked, "Did this answer your question? Yes");
    eventually("the visitor's thanks", || async {
        widget_texts(&visitor)
            .await
            .filter(|t| t.last().is_some_and(|t| t == "Yes, thanks!"))
    })
    .await?;
    let hidden = in_widget(
        &visitor,
        "return root.querySelector('.charla-helped').hidden && root.querySelector('.charla-person').hidden;",
    )
    .await;
    assert_eq!(hidden, serde_json::Value::Bool(true));
    type_into_widget(&visitor, "how do I reset my password?").await?;
    eventually("a second answer", || async {
        let count = in_widget(
            &visitor,
            "return root.querySelectorAll('.charla-role-assistant .charla-source').length;",
        )
        .await;
        (count == serde_json::json!(2)).then_some(())
    })
    .await?;
    in_widget(
        &visitor,
        "root.querySelector('.charla-person').click(); return true;",
    )
    .await;
    eventually("a person is coming", || async {
        widget_texts(&visitor).await.filter(|t| {
            t.iter()
                .any(|t| t == "A person will answer you here in a moment.")
        })
    })
    .await?;
    visitor.close().await?;
    after_hours_the_widget_offers_the_offline_form(&driver, edge, api, ana).await?;
    admins_write_articles_in_the_console(&driver, edge, api, ana).await
}

/// A conversation that began in office hours asks for a person after
/// closing time: under the channel's out-of-hours message, in the log, the
/// widget offers the offline form, and the message left there reaches the
/// channel's operators. The message box stays: the conversation waits in
/// the queue for the morning.
async fn after_hours_the_widget_offers_the_offline_form(
    driver: &Chromedriver,
    edge: &LocalEdge,
    api: &Api,
    ana: &str,
) -> HarnessResult<()> {
    // The channel takes offline messages when the page loads, and is open.
    api.configure(ana, SHOP, |s| s.options.offline_messages = true);
    let visitor = driver.session().await?;
    visitor
        .goto(&format!("{}/embed.html?channel={SHOP}", edge.url()))
        .await?;
    open_widget(&visitor).await?;
    type_into_widget(&visitor, "how do I reset my password?").await?;
    eventually("the assistant's answer", || async {
        let answered = in_widget(
            &visitor,
            "return root.querySelectorAll('.charla-role-assistant').length > 0;",
        )
        .await;
        (answered == serde_json::Value::Bool(true)).then_some(())
    })
    .await?;
    let form = "return [root.querySelector('.charla-closed').hidden,
                        root.querySelector('.charla-closed-message').hidden,
                        root.querySelector('.charla-offline').hidden,
                        root.querySelector('.charla-live').hidden];";
    assert_eq!(
        in_widget(&visitor, form).await,
        serde_json::json!([true, true, false, false]),
        "no form while the channel is open"
    );
    close_the_shop(api, ana);
    type_into_widget(&visitor, "I want to talk to a person").await?;
    let closed = charla_shared::channel::ChannelOptions::default()
        .texts_for(Language::En)
        .out_of_hours_message;
    eventually(
        "the out-of-hours message with the form under it",
        || async {
            let shown = widget_texts(&visitor)
                .await
                .is_some_and(|t| t.contains(&closed));
            (shown
                && in_widget(&visitor, form).await
                    == serde_json::json!([false, true, false, false]))
            .then_some(())
        },
    )
    .await?;
    let violations = serious_accessibility_violations(&visitor).await?;
    assert!(violations.is_empty(), "{violations:#?}");
    let left = "Please call me back tomorrow morning.";
    leave_offline_message(
        &visitor,
        "Jo",
        "jo@example.com",
        left,
        "Thank you: we will answer by e-mail.",
    )
    .await?;
    let listed = api.get(&routes::offline_messages(&shop()), Some(ana));
    assert!(listed.body.contains(left), "{}", listed.body);
    api.configure(ana, SHOP, |s| {
        s.options.hours = None;
        s.options.offline_messages = false;
    });
    visitor.close().await?;
    Ok(())
}

/// In the console, an admin edits an article of the channel's knowledge
/// base, writes a new one and deletes it; the edge has each change at
/// once, and axe-core finds nothing serious in the form.
async fn admins_write_articles_in_the_console(
    driver: &Chromedriver,
    edge: &LocalEdge,
    api: &Api,
    ana: &str,
) -> HarnessResult<()> {
    let admin = driver.session().await?;
    sign_in_as(&admin, edge, DEMO_EMAIL, DEMO_PASSWORD).await?;
    click_containing(&admin, "button", "Channels").await?;
    click_containing(&admin, "button", "Channel shop").await?;
    click(&admin, "#tab-Assistant").await?;
    click(
        &admin,
        "button.edit-article[aria-label='Edit Gift cards (en)']",
    )
    .await?;
    let title = eventually("the article's form", || async {
        let field = admin.find(Locator::Css("#article-title")).await.ok()?;
        (field.prop("value").await.ok()?? == "Gift cards").then_some(field)
    })
    .await?;
    let violations = serious_accessibility_violations(&admin).await?;
    assert!(violations.is_empty(), "{violations:#?}");
    title.clear().await?;
    title.send_keys("Gift cards and vouchers").await?;
    click(&admin, ".article-form button[type=submit]").await?;
    let stored = |slug: &'static str| async move {
        let reply = api.get(&routes::knowledge(&shop()), Some(ana));
        let all: Vec<KbArticle> = serde_json::from_str(&reply.body).unwrap_or_default();
        all.into_iter()
            .find(|a| a.slug.as_str() == slug && a.language == Language::En)
    };
    eventually("the new title on the edge", || async {
        stored("gift-cards")
            .await
            .filter(|a| a.title == "Gift cards and vouchers" && a.body.contains("20 to 500 euros"))
    })
    .await?;

    click(&admin, "button.new-article").await?;
    for (field, text) in [
        ("#article-slug", "opening-hours"),
        ("#article-title", "Opening hours"),
        (
            "#article-body",
            "Both shops open from 10 am to 8 pm, Monday to Saturday.",
        ),
        ("#article-tags", "hours, shops"),
    ] {
        admin
            .find(Locator::Css(field))
            .await?
            .send_keys(text)
            .await?;
    }
    click(&admin, ".article-form button[type=submit]").await?;
    let added = eventually("the new article on the edge", || async {
        stored("opening-hours").await
    })
    .await?;
    assert_eq!(added.tags, ["hours", "shops"]);
    assert!(added.published);
    click(
        &admin,
        "button.edit-article[aria-label='Edit Opening hours (en)']",
    )
    .await?;
    click(&admin, "button.delete-article").await?;
    eventually("the article gone from the edge", || async {
        stored("opening-hours").await.is_none().then_some(())
    })
    .await?;
    admin.close().await?;
    Ok(())
}

/// The knowledge search in the widget: the help button (shown because the
/// channel has published articles) loads the search, words typed list the
/// matching titles, one opens inside the window with a link to the help
/// page, and Escape goes back to the results and then to the chat, focus
/// following each step.
async fn the_widget_searches_and_opens_help_articles(
    visitor: &Client,
    edge: &LocalEdge,
) -> HarnessResult<()> {
    shown_widget_element(visitor, ".charla-help-button")
        .await?
        .click()
        .await?;
    let search = shown_widget_element(visitor, ".charla-help-input").await?;
    eventually("the chat hidden behind the help", || async {
        let state = in_widget(
            visitor,
            "return [root.activeElement?.className, getComputedStyle(root.querySelector('.charla-live')).display,
                     root.querySelector('.charla-help-button').getAttribute('aria-expanded')];",
        )
        .await;
        (state == serde_json::json!(["charla-help-input", "none", "true"])).then_some(())
    })
    .await?;
    search.send_keys("gift card to pay part").await?;
    let hits = eventually("the matching titles", || async {
        widget_texts_of(visitor, ".charla-help-hit")
            .await
            .filter(|hits| !hits.is_empty())
    })
    .await?;
    assert_eq!(hits[0], "Gift cards", "{hits:?}");
    shown_widget_element(visitor, ".charla-help-hit")
        .await?
        .click()
        .await?;
    let article = eventually("the article inside the window", || async {
        let shown = in_widget(
            visitor,
            "const a = root.querySelector('.charla-help-article');
             if (!a || a.hidden) return null;
             const link = a.querySelector('.charla-help-page');
             return { title: a.querySelector('h3').textContent, focused: root.activeElement === a.querySelector('h3'),
                      paragraphs: a.querySelectorAll('.charla-help-body p').length,
                      href: link.href, target: link.target, rel: link.rel };",
        )
        .await;
        (!shown.is_null()).then_some(shown)
    })
    .await?;
    assert_eq!(article["title"], "Gift cards");
    assert_eq!(article["focused"], true);
    assert!(
        article["paragraphs"].as_u64().unwrap_or(0) >= 2,
        "{article}"
    );
    assert_eq!(
        article["href"],
        format!("{}/help/shop/gift-cards?lang=en", edge.url())
    );
    assert_eq!(article["target"], "_blank");
    assert_eq!(article["rel"], "noopener nofollow");
    let violations = serious_accessibility_violations(visitor).await?;
    assert!(violations.is_empty(), "{violations:#?}");

    let escape = char::from(Key::Escape).to_string();
    visitor.active_element().await?.send_keys(&escape).await?;
    eventually("back to the results", || async {
        let state = in_widget(
            visitor,
            "return [root.querySelector('.charla-help-article').hidden, root.activeElement?.textContent];",
        )
        .await;
        (state == serde_json::json!([true, "Gift cards"])).then_some(())
    })
    .await?;
    visitor.active_element().await?.send_keys(&escape).await?;
    eventually("back to the chat", || async {
        let state = in_widget(
            visitor,
            "return [root.querySelector('.charla-help').hidden, root.querySelector('.charla-window').hidden,
                     root.activeElement?.className, getComputedStyle(root.querySelector('.charla-live')).display];",
        )
        .await;
        (state[0] == true && state[1] == false && state[2] == "charla-help-button" && state[3] != "none")
            .then_some(())
    })
    .await?;
    Ok(())
}

fn shop() -> ChannelId {
    ChannelId::parse(SHOP).unwrap()
}

/// The development set's articles, read as `cargo xtask kb import` reads
/// them.
fn development_articles() -> Vec<KbArticle> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/assistant/kb");
    let mut articles: Vec<KbArticle> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            KbArticle::from_file(&name, &std::fs::read_to_string(&path).unwrap()).unwrap()
        })
        .collect();
    articles.sort_by_key(KbArticle::file_name);
    articles
}

fn put<B: serde::Serialize>(
    api: &Api,
    path: &str,
    body: &B,
    cookie: &str,
) -> charla_tests::client::Reply {
    api.request(
        "PUT",
        path,
        Some(&serde_json::to_string(body).unwrap()),
        &[("cookie", cookie)],
    )
}

fn problem(reply: &charla_tests::client::Reply) -> Problem {
    assert_eq!(reply.status, 400, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// A new conversation on the shop's channel, its visitor connected.
async fn start(
    edge: &LocalEdge,
    api: &Api,
    language: Language,
) -> (charla_shared::api::ConversationCreated, Socket) {
    let reply = api.post(
        routes::CONVERSATIONS,
        &charla_shared::api::CreateConversation {
            channel: shop(),
            visitor: charla_shared::identity::Visitor::default(),
            chatbot: None,
            language: Some(language),
            visitor_key: None,
        },
        None,
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: charla_shared::api::ConversationCreated =
        serde_json::from_str(&reply.body).unwrap();
    let mut socket = Socket::visitor(edge, &created.conversation, &created.token, Seq(0))
        .await
        .unwrap();
    socket.joined().await;
    (created, socket)
}

async fn say(socket: &mut Socket, id: &str, text: &str) {
    socket
        .send(&ClientFrame::Send {
            id: ClientMsgId::parse(id).unwrap(),
            text: text.into(),
        })
        .await;
}

async fn assistant_message(socket: &mut Socket) -> Message {
    message_from(socket, Role::Assistant).await
}

/// The next message written by someone in `role`.
async fn message_from(socket: &mut Socket, role: Role) -> Message {
    loop {
        if let ServerFrame::Message { message } = socket.next().await {
            if message.author.role == role {
                return message;
            }
        }
    }
}

/// The assistant's note on a conversation, as an operator sees it on
/// joining.
async fn handover_note(edge: &LocalEdge, conversation: &ConversationId, cookie: &str) -> String {
    let mut operator = Socket::operator(edge, conversation, cookie, Seq(0))
        .await
        .unwrap();
    operator.joined().await;
    let (notes, _) = operator.staff().cloned().unwrap();
    notes
        .into_iter()
        .map(|n| n.text)
        .find(|t| t.starts_with("The assistant handed"))
        .unwrap_or_default()
}

/// Gives the shop office hours with no open time at all, and moves the
/// test clock past the conversation objects' cache of the channel's
/// options, so that they read the closed hours at once.
fn close_the_shop(api: &Api, ana: &str) {
    api.configure(ana, SHOP, |s| {
        s.options.hours = Some(OfficeHours {
            time_zone: "Europe/Madrid".into(),
            week: Default::default(),
            exceptions: Vec::new(),
        });
    });
    api.advance_clock(31_000, ana);
}
