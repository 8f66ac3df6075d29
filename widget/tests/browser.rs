//! Widget components in a real headless Chromium (wasm-bindgen-test). The
//! edge is absent here on purpose: these tests cover what the widget does on
//! its own; the end-to-end tests cover it against the real edge.

use std::rc::Rc;

use charla_client::chat::HasChat;
use charla_client::json;
use charla_client::net::Edge;
use charla_client::ui::{FileSource, MessageList};
use charla_shared::api::WidgetConfig;
use charla_shared::channel::Language;
use charla_shared::channel::{ChannelOptions, ChannelTexts};
use charla_shared::chat::Outgoing;
use charla_shared::files::Attachment;
use charla_shared::ids::{
    ChannelId, ClientMsgId, ConversationId, OperatorId, ParticipantId, Seq, VisitorToken,
};
use charla_shared::protocol::{Author, Message, MessageKind, Role, ServerFrame};
use charla_shared::routes;
use charla_widget::controller::{Controller, Layout};
use charla_widget::App;
use leptos::prelude::*;
use serde::de::IgnoredAny;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// An edge address where nothing listens: requests fail at once.
const NO_EDGE: &str = "http://127.0.0.1:9";

#[wasm_bindgen_test]
async fn messages_are_text_in_a_live_log() {
    let container = container();
    let payload = r#"<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>"#;
    let mut from_the_future = message(4, Role::Other, "Translator", "Hola");
    from_the_future.author.id = ParticipantId::parse("translator:x").unwrap();
    let messages = vec![
        message(1, Role::Visitor, "Ana V", payload),
        message(2, Role::Operator, "Luis", "Hello & welcome"),
        // An operator who happens to share the visitor's name is not "you".
        message(3, Role::Operator, "Ana V", "Same name"),
        from_the_future,
    ];
    let me = ParticipantId::visitor();
    let pending = vec![Outgoing {
        id: ClientMsgId::parse("p1").unwrap(),
        text: "still sending".into(),
        answer: None,
        rating: None,
        file: None,
    }];
    let _app = leptos::mount::mount_to(container.clone(), move || {
        view! {
            <MessageList
                messages=Signal::derive(move || messages.clone())
                pending=Signal::derive(move || pending.clone())
                me=Signal::derive(move || Some(me.clone()))
                intro="Welcome!".to_string()
                label="Conversation"
                you="You"
                sending="Sending…"
            />
        }
    });
    leptos::task::tick().await;

    let log = container.query_selector("[role=log]").unwrap().unwrap();
    assert!(
        log.query_selector("ol > li").unwrap().is_some(),
        "the messages are a list"
    );
    assert_eq!(log.get_attribute("role").as_deref(), Some("log"));
    assert_eq!(log.get_attribute("aria-live").as_deref(), Some("polite"));
    let texts = texts_of(&container, ".charla-msg .charla-text");
    assert_eq!(
        texts,
        [
            "Welcome!",
            payload,
            "Hello & welcome",
            "Same name",
            "Hola",
            "still sending"
        ]
    );
    assert!(
        container.query_selector("img").unwrap().is_none(),
        "no element from a message"
    );
    assert!(container.query_selector("script").unwrap().is_none());
    assert!(js_sys::Reflect::get(&window(), &"__xss".into())
        .unwrap()
        .is_undefined());
    let own = texts_of(&container, ".charla-own .charla-who");
    assert_eq!(
        own,
        ["You", "Sending…"],
        "own messages are signed as the reader's"
    );
    assert_eq!(
        texts_of(&container, ".charla-msg:not(.charla-own) .charla-who"),
        ["Luis", "Ana V", "Translator"]
    );
    assert_eq!(
        texts_of(&container, ".charla-avatar"),
        ["L", "AV", "T"],
        "others' runs start with their initials, the reader's own do not"
    );
    assert_eq!(
        texts_of(&container, ".charla-role-other .charla-text"),
        ["Hola"],
        "a role this version does not know is shown, neutrally"
    );
}

#[wasm_bindgen_test]
async fn files_are_pictures_or_links_with_their_size() {
    let container = container();
    let file = |seq, file, name: &str, mime: &str| {
        let mut m = message(seq, Role::Operator, "Luis", name);
        m.kind = MessageKind::File {
            attachment: Attachment {
                file,
                name: name.into(),
                size: 2048,
                mime: mime.into(),
            },
        };
        m
    };
    let messages = vec![
        file(1, 7, "playa.png", "image/png"),
        file(2, 8, "<b>plan</b>.pdf", "application/pdf"),
        // Not a raster image: a link, never an inline picture.
        file(3, 9, "logo.svg", "image/svg+xml"),
    ];
    let conversation = ConversationId::from_random([7; 16]);
    let token = VisitorToken::from_random([9; 32]);
    let source = FileSource {
        edge: Edge::new(NO_EDGE),
        conversation: conversation.clone(),
        token: Some(token.clone()),
    };
    let _app = leptos::mount::mount_to(container.clone(), move || {
        view! {
            <MessageList
                messages=Signal::derive(move || messages.clone())
                pending=Signal::derive(Vec::new)
                me=Signal::derive(|| None)
                label="Conversation"
                you="You"
                sending="Sending…"
                files=Signal::stored(Some(source.clone()))
            />
        }
    });
    leptos::task::tick().await;

    let images = container.query_selector_all(".charla-image img").unwrap();
    assert_eq!(images.length(), 1, "only the PNG is a picture");
    let image: Element = images.get(0).unwrap().unchecked_into();
    assert_eq!(image.get_attribute("alt").as_deref(), Some("playa.png"));
    assert_eq!(
        image.get_attribute("src"),
        Some(format!(
            "{NO_EDGE}{}",
            routes::file(&conversation, 7, Some(&token))
        ))
    );
    assert_eq!(
        image.get_attribute("crossorigin").as_deref(),
        Some("anonymous"),
        "the page's origin goes with it, as with the socket"
    );
    assert_eq!(
        texts_of(&container, "a.charla-file"),
        ["<b>plan</b>.pdf", "logo.svg"]
    );
    assert_eq!(texts_of(&container, ".charla-size"), ["2.0 KB", "2.0 KB"]);
    assert!(container.query_selector("b").unwrap().is_none());
    let button: HtmlElement = find(&container, ".charla-image").unchecked_into();
    button.click();
    leptos::task::tick().await;
    assert_eq!(
        button.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert!(button.class_list().contains("charla-enlarged"));
}

#[wasm_bindgen_test]
async fn the_button_opens_and_closes_the_window_and_moves_focus() {
    let (container, _controller) = widget();
    leptos::task::tick().await;
    let window_el = find(&container, ".charla-window");
    let bubble: HtmlElement = find(&container, ".charla-bubble").unchecked_into();
    assert!(window_el.has_attribute("hidden"));
    assert_eq!(
        bubble.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );

    bubble.click();
    leptos::task::tick().await;
    assert!(!window_el.has_attribute("hidden"));
    assert_eq!(
        bubble.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert_eq!(active_id(), "charla-input", "focus moves into the window");

    let init = KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let escape = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    find(&container, "#charla-input")
        .dispatch_event(&escape)
        .unwrap();
    leptos::task::tick().await;
    assert!(window_el.has_attribute("hidden"), "Escape closes");
    assert!(
        document()
            .active_element()
            .is_some_and(|e| e.class_list().contains("charla-bubble")),
        "focus returns to the button"
    );
}

#[wasm_bindgen_test]
async fn a_message_waits_in_the_outbox_when_the_edge_is_unreachable() {
    let (container, controller) = widget();
    controller.open();
    controller.send("  hello there  ").unwrap();
    leptos::task::tick().await;
    assert_eq!(
        texts_of(&container, ".charla-pending .charla-text"),
        ["hello there"]
    );
    // The conversation cannot be created, so the message is still pending
    // and the visitor is told.
    until_notice(&controller).await;
    leptos::task::tick().await;
    let status = find(&container, ".charla-status")
        .text_content()
        .unwrap_or_default();
    assert!(!status.is_empty(), "the failure is shown");
    assert_eq!(
        controller
            .state
            .with_untracked(|s| s.chat().log().outbox().len()),
        1
    );
    let saved = local_storage()
        .get_item("charla.outbox.demo")
        .unwrap()
        .unwrap();
    assert!(
        saved.contains("hello there"),
        "the outbox survives a reload: {saved}"
    );
}

#[wasm_bindgen_test]
async fn an_outbox_saved_before_a_reload_is_shown_and_sent_again() {
    local_storage()
        .set_item(
            "charla.outbox.reloaded",
            r#"[{"id":"before-reload","text":"typed before the reload"}]"#,
        )
        .unwrap();
    let (container, controller) = widget_on("reloaded");
    controller.start();
    controller.open();
    leptos::task::tick().await;
    assert_eq!(
        texts_of(&container, ".charla-pending .charla-text"),
        ["typed before the reload"]
    );
    // With no conversation yet, starting tries to create one to send it.
    until_notice(&controller).await;
    assert!(controller
        .state
        .with_untracked(|s| s.chat().connection().notice().is_some()));
}

#[wasm_bindgen_test]
async fn an_empty_message_is_refused_with_a_reason() {
    let (container, controller) = widget();
    controller.open();
    assert!(controller.send("   ").is_err());
    leptos::task::tick().await;
    assert!(container
        .query_selector(".charla-pending")
        .unwrap()
        .is_none());
    let status = find(&container, ".charla-status")
        .text_content()
        .unwrap_or_default();
    assert!(status.contains("needs some text"), "{status}");
}

/// Every frame the edge sends, as the edge writes it (serde_json), reads
/// the same through the widget's decoder (the browser's `JSON.parse` and
/// `charla_client::json`) as through serde_json itself.
#[wasm_bindgen_test]
fn the_edge_s_frames_read_the_same_in_the_browser() {
    let author = r#"{"role":"operator","id":"operator:lucia","name":"Lucía"}"#;
    let message = |kind: &str| {
        format!(
            r#"{{"seq":7,"id":"c-1","author":{author},"text":"Hola ✓","at":1765000000000{kind}}}"#
        )
    };
    let mut frames = vec![
        format!(
            r#"{{"welcome":{{"protocol":3,"conversation":"0123456789abcdef0123456789abcdef","you":{author},"last_seq":12,"reads":[{{"reader":"visitor","role":"visitor","seq":11}}]}}}}"#
        ),
        r#"{"welcome":{"protocol":3,"conversation":"0123456789abcdef0123456789abcdef","you":{"role":"visitor","id":"visitor","name":"Ana"},"last_seq":0}}"#.to_owned(),
        format!(r#"{{"history":{{"messages":[{},{}],"more":true}}}}"#, message(""), message(r#","kind":"ended""#)),
        r#"{"ack":{"id":"c-2","seq":8}}"#.to_owned(),
        r#"{"error":{"problem":{"code":"rate_limited","message":"Slow down.","id":"c-3","retry_after_ms":1500}}}"#.to_owned(),
        r#"{"error":{"problem":{"code":"too_large","message":"Too long."}}}"#.to_owned(),
        r#"{"notice":{"notice":{"copy_sent":{"email":"ana@example.com"}}}}"#.to_owned(),
        format!(r#"{{"typing":{{"author":{author}}}}}"#),
        format!(r#"{{"draft":{{"author":{author},"text":"Our shop opens"}}}}"#),
        r#"{"read":{"mark":{"reader":"operator:lucia","role":"operator","seq":7}}}"#.to_owned(),
        format!(r#"{{"staff":{{"notes":{{"notes":[{{"n":1,"id":"n-1","author":{author},"text":"VIP","at":5}}]}}}}}}"#),
        format!(r#"{{"staff":{{"note_added":{{"note":{{"n":2,"id":"n-2","author":{author},"text":"called","at":6}}}}}}}}"#),
        r#"{"staff":{"visitor":{"details":{"name":"Ana","contact":{"email":"ana@example.com"},"language":"pt","country":"BR","browser":"Firefox","os":"Linux","offset_min":-180,"visits":3,"started_on":{"url":"https://shop.example/","title":"Shop","at":1},"pages":[{"url":"https://shop.example/a","title":"A","at":2}]}}}}"#.to_owned(),
        r#"{"staff":{"visitor":{"details":{"name":"","contact":{},"language":"es","country":null,"browser":"","os":"","offset_min":null,"visits":1,"started_on":null,"pages":[]}}}}"#.to_owned(),
        r#"{"attending":{"attending":{"waiting":{"place":2}}}}"#.to_owned(),
        r##"{"attending":{"attending":{"online":{"operator":"Lucía","color":"#1f6f5c"}}}}"##.to_owned(),
        r#"{"attending":{"attending":{"online":{"operator":"Luis"}}}}"#.to_owned(),
    ];
    for kind in [
        r#","kind":{"question":{"choices":[{"id":1,"label":"Prices"},{"id":2,"label":"Docs","link":"https://example.com/docs"}]}}"#,
        r#","kind":{"prompt":{"input":"email"}}"#,
        r#","kind":{"answer":{"answer":1}}"#,
        r#","kind":"closed""#,
        r#","kind":{"rated":{"rating":"dissatisfied","reason":"slow"}}"#,
        r#","kind":{"rated":{"rating":"satisfied"}}"#,
        r#","kind":{"file":{"attachment":{"file":42,"name":"invoice.pdf","size":123456,"mime":"application/pdf"}}}"#,
        r#","kind":{"sourced":{"sources":[{"title":"Returns","url":"/help/demo/returns"}],"person":true}}"#,
        r#","kind":{"unsure":{"person":false}}"#,
        r#","kind":"offline""#,
    ] {
        frames.push(format!(r#"{{"message":{{"message":{}}}}}"#, message(kind)));
    }
    for frame in &frames {
        let expected = ServerFrame::decode(frame).unwrap_or_else(|e| panic!("{e}: {frame}"));
        let read = json::parse::<ServerFrame>(frame).unwrap_or_else(|e| panic!("{e}: {frame}"));
        assert_eq!(read, expected, "{frame}");
        // The widget reads the same frames, skipping what only operators
        // receive.
        let widget = json::parse::<ServerFrame<IgnoredAny>>(frame)
            .unwrap_or_else(|e| panic!("{e}: {frame}"));
        assert_eq!(
            matches!(widget, ServerFrame::Staff(IgnoredAny)),
            matches!(expected, ServerFrame::Staff(_)),
            "{frame}"
        );
    }

    // A role of a newer edge is shown neutrally, as serde_json reads it.
    let newer = r#"{"typing":{"author":{"role":"translator","id":"translator:x","name":"T"}}}"#;
    assert_eq!(
        json::parse::<ServerFrame>(newer).unwrap(),
        ServerFrame::decode(newer).unwrap()
    );
    // Fields a newer edge adds are ignored.
    let ServerFrame::Ack { seq, .. } =
        json::parse::<ServerFrame>(r#"{"ack":{"id":"c-2","seq":8,"shard":"eu"}}"#).unwrap()
    else {
        panic!("not an ack");
    };
    assert_eq!(seq, Seq(8));
    // What is not a frame is refused, not guessed at.
    for bad in [
        r#"{"ack":{"id":"c-2","seq":"8"}}"#,
        r#"{"ack":{"id":"c-2","seq":8.5}}"#,
        r#"{"ack":{"id":"c-2","seq":-1}}"#,
        r#"{"ack":{"id":"c-2"}}"#,
        r#"{"ack":{"id":"c-2","seq":8},"read":{}}"#,
        r#"{"shout":{"text":"hi"}}"#,
        r#""ack""#,
        r#"[1,2]"#,
        r#"null"#,
        r#"{"history":{"messages":{},"more":false}}"#,
        "not json",
    ] {
        assert!(json::parse::<ServerFrame>(bad).is_err(), "{bad}");
        assert!(ServerFrame::decode(bad).is_err(), "{bad}");
    }
}

/// The channel's configuration, as the edge writes it, reads back whole.
#[wasm_bindgen_test]
fn the_channel_configuration_reads_the_same_in_the_browser() {
    let mut options = ChannelOptions::default();
    options.texts.insert(
        Language::Pt,
        ChannelTexts {
            welcome_message: "Olá! 👋".into(),
            ..ChannelTexts::built_in(Language::Pt)
        },
    );
    let config = WidgetConfig::of(
        ChannelId::parse("demo").unwrap(),
        "Demo".into(),
        &options,
        vec![],
    );
    let text = serde_json::to_string(&config).unwrap();
    assert_eq!(json::parse::<WidgetConfig>(&text).unwrap(), config);
}

#[wasm_bindgen_test]
async fn calls_queued_before_start_run_in_order() {
    let (container, controller) = widget();
    let api = js_sys::Object::new();
    let queue = js_sys::Array::new();
    let seen = js_sys::Array::new();
    let listener = js_sys::Function::new_with_args("event", "this.push('opened')").bind0(&seen);
    queue.push(&call("on", &[&"open".into(), &listener]));
    queue.push(&call("open", &[]));
    queue.push(&call("close", &[]));
    queue.push(&call("toggle", &[]));
    js_sys::Reflect::set(&api, &"_q".into(), &queue).unwrap();

    charla_widget::host::install(&api, controller.clone());
    leptos::task::tick().await;

    assert_eq!(queue.length(), 0, "the queue is emptied");
    assert_eq!(
        seen.length(),
        2,
        "the listener registered first heard both opens"
    );
    assert!(controller.state.with_untracked(|s| s.is_open()));
    assert!(!find(&container, ".charla-window").has_attribute("hidden"));
    assert_eq!(
        js_sys::Reflect::get(&api, &"ready".into()).unwrap(),
        wasm_bindgen::JsValue::TRUE
    );

    // `push` calls a method by name, for pages that queue calls in an array.
    let push: js_sys::Function = js_sys::Reflect::get(&api, &"push".into())
        .unwrap()
        .unchecked_into();
    push.call1(&api, &js_sys::Array::of1(&"close".into()))
        .unwrap();
    leptos::task::tick().await;
    assert!(!controller.state.with_untracked(|s| s.is_open()));
}

/// The widget of the demo channel, mounted, with no edge behind it.
fn widget() -> (HtmlElement, Rc<Controller>) {
    widget_on("demo")
}

fn widget_on(channel: &str) -> (HtmlElement, Rc<Controller>) {
    let container = container();
    let controller = Controller::new(
        Edge::new(NO_EDGE),
        ChannelId::parse(channel).unwrap(),
        Layout::Bubble,
        Some(Language::En),
    );
    let app = controller.clone();
    leptos::mount::mount_to(container.clone(), move || view! { <App controller=app /> }).forget();
    (container, controller)
}

fn container() -> HtmlElement {
    let element: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&element).unwrap();
    element
}

fn message(seq: u64, role: Role, name: &str, text: &str) -> Message {
    Message {
        seq: Seq(seq),
        id: ClientMsgId::parse(format!("m{seq}")).unwrap(),
        author: Author {
            role,
            id: match role {
                Role::Visitor => ParticipantId::visitor(),
                _ => ParticipantId::operator(
                    &OperatorId::parse(name.to_lowercase().replace(' ', "-")).unwrap(),
                ),
            },
            name: name.into(),
        },
        text: text.into(),
        at: 0,
        kind: MessageKind::Text,
    }
}

fn call(name: &str, args: &[&wasm_bindgen::JsValue]) -> js_sys::Array {
    let list = js_sys::Array::new();
    for arg in args {
        list.push(arg);
    }
    js_sys::Array::of2(&name.into(), &list)
}

fn find(root: &HtmlElement, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

fn texts_of(root: &HtmlElement, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect()
}

fn active_id() -> String {
    document()
        .active_element()
        .map(|e| e.id())
        .unwrap_or_default()
}

/// Waits (a second at most) until the chat shows a notice.
async fn until_notice(controller: &Controller) {
    for _ in 0..50 {
        if controller
            .state
            .with_untracked(|s| s.chat().connection().notice().is_some())
        {
            return;
        }
        sleep(20).await;
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

fn local_storage() -> web_sys::Storage {
    window().local_storage().unwrap().unwrap()
}

fn document() -> web_sys::Document {
    window().document().unwrap()
}
