//! Channels as marketers shape them, in headless Chromium against the real
//! edge: rules (button modes, timer, countries, invalid patterns), restyles
//! without a rebuild, languages, the direct chat link, isolation from the
//! host page's CSS, keyboard use and accessibility.

use charla_shared::api::{OfflineRecord, Transcript, WidgetConfig};
use charla_shared::channel::{
    ButtonMode, ChannelSettings, ChannelTexts, Language, NewChannel, Rule,
};
use charla_shared::hours::{OfficeHours, Span};
use charla_shared::ids::{ChannelId, Seq};
use charla_shared::limits::MAX_MESSAGE_CHARS;
use charla_shared::protocol::ErrorCode;
use charla_shared::routes;
use charla_tests::browser::{eventually, script, serious_accessibility_violations, Chromedriver};
use charla_tests::client::{Api, Socket};
use charla_tests::edge::test_edge;
use charla_tests::seed::{
    DEMO_CHANNEL, DEMO_EMAIL, DEMO_PASSWORD, OPERATOR_EMAIL, OUTSIDER_EMAIL, TEST_PASSWORD,
};
use charla_tests::ui::{
    in_widget, leave_offline_message, open_widget, pane_texts, remembered_conversation,
    send_from_widget, sign_in_as, submit_sign_in, texts, type_into_widget, widget_element,
    widget_texts,
};
use charla_tests::HarnessResult;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

fn demo() -> ChannelId {
    ChannelId::parse(DEMO_CHANNEL).unwrap()
}

/// Changes the demo channel's settings through the admin API.
fn configure(api: &Api, admin: &str, change: impl FnOnce(&mut ChannelSettings)) -> ChannelSettings {
    api.configure(admin, DEMO_CHANNEL, change)
}

fn rule(url_regex: &str, button: ButtonMode) -> Rule {
    Rule {
        url_regex: url_regex.into(),
        button,
        ..Rule::default()
    }
}

/// Whether the widget's chat button is shown, once the widget has applied
/// its channel's rules.
async fn button_shown(visitor: &Client) -> HarnessResult<bool> {
    eventually("the widget applied its rules", || async {
        let state = in_widget(
            visitor,
            "return root.querySelector('.charla[data-ready]')
               ? !root.querySelector('.charla-bubble').hidden : null",
        )
        .await;
        state.as_bool()
    })
    .await
}

async fn note_shown(visitor: &Client) -> bool {
    in_widget(visitor, "return !root.querySelector('.charla-note').hidden").await == true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_matching_rule_sets_the_button_mode() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let api = Api::new(&edge);
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    configure(&api, &admin, |s| {
        s.rules = vec![
            rule("/pricing", ButtonMode::Hide),
            rule("/host-api", ButtonMode::ShowWithNotification),
            Rule {
                auto_open_seconds: 2,
                ..rule("embed", ButtonMode::OpenAutomatically)
            },
            rule("/embed", ButtonMode::Hide),
        ];
    });
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    let page = |path: &str| format!("{}{path}", edge.url());

    // No rule matches the home page: the button shows, nothing else.
    visitor.goto(&page("/")).await?;
    assert!(button_shown(&visitor).await?);
    assert!(!note_shown(&visitor).await);

    // Hide.
    visitor.goto(&page("/pricing")).await?;
    assert!(!button_shown(&visitor).await?);

    // Show with notification: the channel's button text floats beside it.
    visitor.goto(&page("/host-api")).await?;
    assert!(button_shown(&visitor).await?);
    assert!(note_shown(&visitor).await);
    let note = widget_element(&visitor, ".charla-note-text").await?;
    assert_eq!(
        note.text().await?,
        ChannelTexts::built_in(Language::En).button_text
    );
    note.click().await?;
    eventually("the note opens the window", || async {
        let window = widget_element(&visitor, ".charla-window").await.ok()?;
        window.attr("hidden").await.ok()?.is_none().then_some(())
    })
    .await?;

    // Open automatically, after the rule's two seconds; the earlier match
    // wins over the later "/embed" rule.
    visitor.goto(&page("/embed.html?channel=demo")).await?;
    script(
        &visitor,
        "window.openedAt = null;
         (window.Charla = window.Charla || []).push(['on', 'open', () => window.openedAt = performance.now()]);
         return true",
    )
    .await;
    let opened_at = eventually("the window opens by itself", || async {
        script(&visitor, "return window.openedAt").await.as_f64()
    })
    .await?;
    assert!(
        opened_at >= 2_000.0,
        "not before the timer: opened at {opened_at} ms"
    );
    assert!(button_shown(&visitor).await?);
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn countries_narrow_a_rule() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let api = Api::new(&edge);
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    configure(&api, &admin, |s| {
        s.rules = vec![Rule {
            countries: vec!["BR".into(), "PT".into()],
            ..rule("", ButtonMode::Hide)
        }];
    });
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    for (country, shown) in [("BR", false), ("pt", false), ("ES", true)] {
        visitor
            .goto(&format!("{}/?charla_country={country}", edge.url()))
            .await?;
        assert_eq!(button_shown(&visitor).await?, shown, "from {country}");
    }
    // Without an override the edge does not know the country: no list matches.
    visitor.goto(&edge.url()).await?;
    assert!(button_shown(&visitor).await?);
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restyle_saved_in_the_console_shows_after_a_reload() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    let admin = driver.session().await?;
    visitor.goto(&edge.url()).await?;
    assert!(button_shown(&visitor).await?);
    let bubble_colors = "const s = getComputedStyle(root.querySelector('.charla-bubble'));
                         return [s.backgroundColor, s.color]";
    assert_eq!(
        in_widget(&visitor, bubble_colors).await,
        serde_json::json!(["rgb(31, 111, 92)", "rgb(255, 255, 255)"])
    );

    sign_in_as(&admin, &edge, DEMO_EMAIL, DEMO_PASSWORD).await?;
    click_text(&admin, "Channels").await?;
    click_text(&admin, "Northwind Coffee").await?;
    let color = eventually("the options tab", || async {
        admin.find(Locator::Css("#button-color")).await.ok()
    })
    .await?;
    color.clear().await?;
    color.send_keys("rgb(255, 235, 59)").await?;
    let welcome = admin.find(Locator::Css("#welcome")).await?;
    welcome.send_keys("Welcome to Northwind!").await?;
    // Beside the options, the real widget shows the draft as it is typed,
    // before anything is saved, and in the language being edited.
    let preview = "const frame = document.querySelector('iframe.preview');
                   const root = frame?.contentDocument?.getElementById('charla-widget')?.shadowRoot;
                   const send = root?.querySelector('.charla-send');
                   if (!send) return null;
                   return [frame.contentWindow.getComputedStyle(send).backgroundColor,
                           send.getAttribute('aria-label'),
                           root.querySelector('.charla-intro')?.textContent ?? ''];";
    eventually("the draft in the preview", || async {
        (script(&admin, preview).await
            == serde_json::json!(["rgb(255, 235, 59)", "Send", "Welcome to Northwind!"]))
        .then_some(())
    })
    .await?;
    click_text(&admin, "Español").await?;
    eventually("the preview in Spanish", || async {
        (script(&admin, preview).await
            == serde_json::json!(["rgb(255, 235, 59)", "Enviar", "Welcome to Northwind!"]))
        .then_some(())
    })
    .await?;
    click_text(&admin, "English").await?;
    // Written in English only: Spanish and Portuguese visitors would read
    // it in English, and the editor says so before anything is saved.
    eventually("the warning about borrowed texts", || async {
        texts(&admin, "document.querySelectorAll('.warnings li')")
            .await
            .filter(|w| {
                w.len() == 2
                    && w[0] == "Visitors in Español will see English for the welcome message."
            })
    })
    .await?;
    click_text(&admin, "Save").await?;
    eventually("saved", || async {
        let notice = script(
            &admin,
            "return document.querySelector('.notice')?.textContent",
        )
        .await;
        notice
            .as_str()
            .filter(|n| n.starts_with("Saved"))
            .map(str::to_owned)
    })
    .await?;

    // No rebuild, no redeploy: the visitor's next page load has it.
    visitor.refresh().await?;
    eventually("the new look", || async {
        let colors = in_widget(&visitor, bubble_colors).await;
        // Dark text on yellow keeps 4.5:1.
        (colors == serde_json::json!(["rgb(255, 235, 59)", "rgb(0, 0, 0)"])).then_some(())
    })
    .await?;
    open_widget(&visitor).await?;
    eventually("the new welcome", || async {
        widget_texts(&visitor)
            .await
            .filter(|t| t == &["Welcome to Northwind!"])
    })
    .await?;
    visitor.close().await?;

    // Deleting a channel, after a confirmation that names it, takes its
    // conversations with it: their sockets are told, and nothing of them
    // opens any more.
    let api = Api::new(&edge);
    let cookie = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    api.create_channel(&cookie, "doomed", |_| {});
    let doomed = api.create_conversation("doomed");
    let mut socket = Socket::visitor(&edge, &doomed.conversation, &doomed.token, Seq(0))
        .await
        .unwrap();
    socket.joined().await;
    admin.refresh().await?;
    click_text(&admin, "Channels").await?;
    click_text(&admin, "Channel doomed").await?;
    click_text(&admin, "Delete channel").await?;
    let question = admin.get_alert_text().await?;
    assert!(question.contains("“Channel doomed” (doomed)"), "{question}");
    admin.accept_alert().await?;
    eventually("the channel gone from the list", || async {
        let names = texts(&admin, "document.querySelectorAll('.channel-list button')").await?;
        (!names.is_empty() && !names.iter().any(|n| n.contains("doomed"))).then_some(())
    })
    .await?;
    assert_eq!(
        socket.next_error().await.message,
        "This conversation was removed."
    );
    let gone = ChannelId::parse("doomed").unwrap();
    assert_eq!(api.get(&routes::widget_config(&gone), None).status, 404);
    let transcript = routes::transcript(&doomed.conversation);
    assert_eq!(api.get(&transcript, Some(&cookie)).status, 404);
    assert!(
        Socket::visitor(&edge, &doomed.conversation, &doomed.token, Seq(0))
            .await
            .is_err()
    );
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    assert_eq!(
        api.delete(&routes::channel(&demo()), &luis).status,
        403,
        "only admins delete channels"
    );
    admin.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_patterns_are_refused_at_save_and_skipped_when_stored() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let api = Api::new(&edge);
    let admin_cookie = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let path = routes::channel_settings(&demo());
    let mut settings: ChannelSettings =
        serde_json::from_str(&api.get(&path, Some(&admin_cookie)).body).unwrap();
    settings.rules = vec![rule("/pricing(", ButtonMode::Show)];
    let reply = api.request(
        "PUT",
        &path,
        Some(&serde_json::to_string(&settings).unwrap()),
        &[("cookie", &admin_cookie)],
    );
    assert_eq!(reply.status, 400);
    let message = reply.problem().message;
    assert!(
        message.starts_with("Rule 1: the URL regex is not valid"),
        "{message}"
    );

    // The console says so before saving, and will not save.
    let driver = Chromedriver::start()?;
    let admin = driver.session().await?;
    sign_in_as(&admin, &edge, DEMO_EMAIL, DEMO_PASSWORD).await?;
    click_text(&admin, "Channels").await?;
    click_text(&admin, "Northwind Coffee").await?;
    click_text(&admin, "Channel rules").await?;
    click_text(&admin, "Add a rule").await?;
    let pages = eventually("the rule's pages", || async {
        admin.find(Locator::Css("#rule-1-pages")).await.ok()
    })
    .await?;
    // In plain words any text is fine: "/shop(" is a path, not a pattern.
    pages.select_by_value("starts").await?;
    let words = eventually("the words field", || async {
        let field = admin.find(Locator::Css("#rule-1-words")).await.ok()?;
        field.is_displayed().await.ok()?.then_some(field)
    })
    .await?;
    words.send_keys("/shop(").await?;
    let problems = "return document.querySelector('.problems').textContent";
    assert_eq!(script(&admin, problems).await, "");
    // As a regular expression, it is refused before saving.
    pages.select_by_value("regex").await?;
    let field = admin.find(Locator::Css("#rule-1-regex")).await?;
    assert_eq!(
        field.prop("value").await?.as_deref(),
        Some("^https?://[^/]+/shop\\(")
    );
    field.clear().await?;
    field.send_keys("/shop(").await?;
    eventually("the problem shown", || async {
        let shown = script(
            &admin,
            "return document.querySelector('.problems')?.textContent",
        )
        .await;
        shown
            .as_str()
            .filter(|p| p.contains("Rule 1: the URL regex is not valid"))
            .map(str::to_owned)
    })
    .await?;
    let disabled = admin
        .find(Locator::Css(".save"))
        .await?
        .prop("disabled")
        .await?;
    assert_eq!(disabled.as_deref(), Some("true"));

    // One that got into storage anyway is skipped; the next rule applies and
    // the widget works.
    let rules = serde_json::to_string(&[
        rule("/(", ButtonMode::Show),
        rule("", ButtonMode::ShowWithNotification),
    ])
    .unwrap()
    .replace('\'', "''");
    edge.sql(&format!(
        "UPDATE channels SET rules = '{rules}' WHERE id = 'demo'"
    ))?;
    let visitor = driver.session().await?;
    visitor.goto(&edge.url()).await?;
    assert!(button_shown(&visitor).await?);
    assert!(note_shown(&visitor).await, "the second rule decided");
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "Still working").await?;
    admin.close().await?;
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_speaks_the_visitors_language() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let api = Api::new(&edge);
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    // The channel writes its welcome in Spanish only, and falls back to it.
    configure(&api, &admin, |s| {
        s.options.fallback_language = Language::Es;
        s.options.texts.insert(
            Language::Es,
            ChannelTexts {
                welcome_message: "¡Bienvenido a Northwind!".into(),
                ..ChannelTexts::default()
            },
        );
    });
    let driver = Chromedriver::start()?;
    let label = "return root.querySelector('.charla-bubble').getAttribute('aria-label')";
    for (flag, expected, placeholder) in [
        (
            "--accept-lang=fr-FR,pt-BR",
            "Abrir o chat",
            "Pergunte algo…",
        ),
        ("--accept-lang=es", "Abrir el chat", "Pregunte algo…"),
        ("--accept-lang=en-US", "Open chat", "Ask something…"),
    ] {
        let visitor = driver.session_with(&[flag]).await?;
        visitor.goto(&edge.url()).await?;
        button_shown(&visitor).await?;
        assert_eq!(in_widget(&visitor, label).await, expected, "{flag}");
        open_widget(&visitor).await?;
        let texts = widget_texts(&visitor).await;
        assert_eq!(
            texts,
            Some(vec!["¡Bienvenido a Northwind!".to_owned()]),
            "{flag}: the fallback welcome"
        );
        let shown = widget_element(&visitor, "#charla-input")
            .await?
            .attr("placeholder")
            .await?;
        assert_eq!(
            shown.as_deref(),
            Some(placeholder),
            "{flag}: Charla's own wording"
        );
        visitor.close().await?;
    }

    // The page can choose, before the widget loads or at any time.
    let visitor = driver.session_with(&["--accept-lang=en"]).await?;
    visitor
        .goto(&format!("{}/host-api.html?lang=pt", edge.url()))
        .await?;
    button_shown(&visitor).await?;
    assert_eq!(in_widget(&visitor, label).await, "Abrir o chat");
    script(&visitor, "Charla.setLocale('es'); return true").await;
    eventually("Spanish", || async {
        (in_widget(&visitor, label).await == "Abrir el chat").then_some(())
    })
    .await?;
    let lang = in_widget(&visitor, "return root.querySelector('.charla').lang").await;
    assert_eq!(lang, "es", "screen readers are told the language");
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_direct_link_is_a_full_page_chat() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let api = Api::new(&edge);
    let missing = api.get("/chat/no-such-channel", None);
    assert_eq!(missing.status, 404);
    assert!(
        missing
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
            && missing.body.contains("This chat does not exist"),
        "a person following a broken link gets a page: {}",
        missing.body
    );
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    visitor
        .goto(&format!("{}{}", edge.url(), routes::chat_page(&demo())))
        .await?;
    let layout = eventually("the chat fills the page", || async {
        let layout = in_widget(
            &visitor,
            "const window = root.querySelector('.charla-window');
             if (!window || window.hidden || !root.querySelector('.charla-title').textContent) return null;
             return { bubble: !root.querySelector('.charla-bubble').hidden,
                      width: window.getBoundingClientRect().width }",
        )
        .await;
        layout.is_object().then_some(layout)
    })
    .await?;
    assert_eq!(layout["bubble"], false, "no button: the page is the chat");
    assert_eq!(visitor.title().await?, "Northwind Coffee · Chat");
    assert!(layout["width"].as_f64().unwrap_or(0.0) >= 700.0, "{layout}");
    send_from_widget(&visitor, "From the e-mail link").await?;
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_stylesheet_and_the_widget_leave_each_other_alone() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    visitor
        .goto(&format!("{}/hostile.html", edge.url()))
        .await?;
    assert!(button_shown(&visitor).await?);
    let look = in_widget(
        &visitor,
        "const bubble = root.querySelector('.charla-bubble');
         const box = bubble.getBoundingClientRect();
         const atCenter = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
         const s = getComputedStyle(bubble);
         return { display: s.display, width: box.width, onTop: atCenter === host,
                  hostDisplay: getComputedStyle(host).display, font: getComputedStyle(bubble).fontSize }",
    )
    .await;
    assert_eq!(look["display"], "grid", "{look}");
    assert_eq!(look["width"], 56, "{look}");
    assert_eq!(
        look["onTop"], true,
        "the page's top layer does not cover it: {look}"
    );
    assert_eq!(look["hostDisplay"], "block", "{look}");
    assert_eq!(look["font"], "15px", "{look}");

    widget_element(&visitor, ".charla-bubble")
        .await?
        .click()
        .await?;
    let text_size = eventually("the window, styled as everywhere", || async {
        let size = in_widget(
            &visitor,
            "const window = root.querySelector('.charla-window');
             if (window.hidden) return null;
             return getComputedStyle(root.querySelector('.charla-title')).fontSize",
        )
        .await;
        size.as_str().map(str::to_owned)
    })
    .await?;
    assert_eq!(text_size, "16px");

    // The widget's stylesheet changed nothing on the page.
    let before = script(&visitor, "return window.stylesBeforeWidget").await;
    let after = script(&visitor, "return window.pageStyles()").await;
    assert!(before.is_object(), "{before}");
    assert_eq!(before, after);
    assert_eq!(
        after["buttonDisplay"], "none",
        "the page's own rules still apply to its buttons"
    );
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_works_by_keyboard_alone() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    visitor.goto(&edge.url()).await?;
    assert!(button_shown(&visitor).await?);
    let focused = "const host = document.activeElement;
                   return host?.id === 'charla-widget' ? host.shadowRoot.activeElement?.className : host?.tagName";
    // Tab through the page until the chat button has the focus.
    let mut reached = false;
    for _ in 0..10 {
        press(&visitor, Key::Tab).await?;
        if script(&visitor, focused).await == "charla-bubble" {
            reached = true;
            break;
        }
    }
    assert!(reached, "the chat button is in the tab order");
    press(&visitor, Key::Enter).await?;
    eventually("focus moves into the window", || async {
        (script(&visitor, focused).await == "charla-input").then_some(())
    })
    .await?;
    visitor
        .active_element()
        .await?
        .send_keys(&format!("Typed without a mouse{}", char::from(Key::Enter)))
        .await?;
    eventually("sent with Enter", || async {
        widget_texts(&visitor)
            .await
            .filter(|t| t.last().map(String::as_str) == Some("Typed without a mouse"))
    })
    .await?;
    press(&visitor, Key::Escape).await?;
    eventually("Escape closes and focus returns to the button", || async {
        let closed = widget_element(&visitor, ".charla-window")
            .await
            .ok()?
            .attr("hidden")
            .await
            .ok()?
            .is_some();
        (closed && script(&visitor, focused).await == "charla-bubble").then_some(())
    })
    .await?;
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_serious_accessibility_violations() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;

    // The open widget, with a conversation in it.
    visitor.goto(&edge.url()).await?;
    open_widget(&visitor).await?;
    type_into_widget(&visitor, "Hello").await?;
    eventually("the message stored", || async {
        widget_texts(&visitor).await.filter(|t| t.len() == 2)
    })
    .await?;
    let found = serious_accessibility_violations(&visitor).await?;
    assert!(found.is_empty(), "widget: {found:#?}");

    // The direct chat page.
    visitor
        .goto(&format!("{}{}", edge.url(), routes::chat_page(&demo())))
        .await?;
    eventually("the chat page", || async {
        widget_element(&visitor, ".charla-title")
            .await
            .ok()?
            .text()
            .await
            .ok()
            .filter(|t| !t.is_empty())
    })
    .await?;
    let found = serious_accessibility_violations(&visitor).await?;
    assert!(found.is_empty(), "chat page: {found:#?}");

    // The console: the desk with a conversation open, then the channel editor.
    let admin = driver.session().await?;
    sign_in_as(&admin, &edge, DEMO_EMAIL, DEMO_PASSWORD).await?;
    let found = serious_accessibility_violations(&admin).await?;
    assert!(found.is_empty(), "sign-in and desk: {found:#?}");
    click_text(&admin, "Visitor").await?;
    eventually("the pane", || async {
        pane_texts(&admin).await.filter(|t| !t.is_empty())
    })
    .await?;
    let found = serious_accessibility_violations(&admin).await?;
    assert!(found.is_empty(), "desk with a pane: {found:#?}");
    click_text(&admin, "Channels").await?;
    for tab in [
        "Options",
        "Channel rules",
        "Operators",
        "Widget",
        "Security",
    ] {
        click_text(&admin, tab).await?;
        if tab == "Channel rules" {
            click_text(&admin, "Add a rule").await?;
        }
        let found = serious_accessibility_violations(&admin).await?;
        assert!(found.is_empty(), "channel editor, {tab}: {found:#?}");
    }
    visitor.close().await?;
    admin.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_are_created_and_configured_by_admins_only() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let api = Api::new(&edge);
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let operator = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let new = serde_json::to_string(&NewChannel {
        id: ChannelId::parse("support-pt").unwrap(),
        name: "Suporte".into(),
    })
    .unwrap();
    assert_eq!(
        api.post_raw(routes::CHANNELS, &new, Some(&operator)).status,
        403
    );
    assert_eq!(
        api.post_raw(routes::CHANNELS, &new, Some(&admin)).status,
        201
    );
    assert_eq!(
        api.post_raw(routes::CHANNELS, &new, Some(&admin)).status,
        409
    );
    let settings = routes::channel_settings(&ChannelId::parse("support-pt").unwrap());
    assert_eq!(api.get(&settings, Some(&operator)).status, 403);
    assert_eq!(api.get(routes::OPERATORS, Some(&operator)).status, 403);
    assert_eq!(api.get(routes::OPERATORS, Some(&admin)).status, 200);
    let body = serde_json::to_string(&ChannelSettings {
        name: "Suporte".into(),
        ..ChannelSettings::default()
    })
    .unwrap();
    assert_eq!(
        api.request("PUT", &settings, Some(&body), &[("cookie", &operator)])
            .status,
        403
    );
    let bad_color = body.replace("#1f6f5c", "javascript:alert(1)");
    let reply = api.request("PUT", &settings, Some(&bad_color), &[("cookie", &admin)]);
    assert_eq!(reply.status, 400);
    assert!(reply.problem().message.contains("HEX"));

    // The public config revalidates with an ETag, so a change shows at once.
    let config = routes::widget_config(&demo());
    let first = api.get(&config, None);
    let etag = first.header("etag").expect("an ETag").to_owned();
    assert_eq!(first.header("cache-control"), Some("public, no-cache"));
    assert_eq!(
        api.request("GET", &config, None, &[("if-none-match", &etag)])
            .status,
        304
    );
    let parsed: WidgetConfig = serde_json::from_str(&first.body).unwrap();
    assert!(!first.body.contains("identity_secret") && !first.body.contains("\"operators\""));
    assert_eq!(parsed.texts.len(), Language::ALL.len());
    configure(&api, &admin, |s| {
        s.options.button_color = "hsl(0, 100%, 40%)".into()
    });
    let changed = api.request("GET", &config, None, &[("if-none-match", &etag)]);
    assert_eq!(changed.status, 200);
    let parsed: WidgetConfig = serde_json::from_str(&changed.body).unwrap();
    assert_eq!(parsed.theme.button.background, "#cc0000");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rules_chatbot_applies_when_no_operator_is_available() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let api = Api::new(&edge);
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    configure(&api, &admin, |s| {
        s.rules = vec![Rule {
            chatbot: Some("welcome-bot".into()),
            chatbot_only_if_no_operator: true,
            ..rule("", ButtonMode::Show)
        }];
    });
    let driver = Chromedriver::start()?;
    let chatbot_of_new_conversation = || async {
        let visitor = driver.session().await?;
        visitor.goto(&edge.url()).await?;
        open_widget(&visitor).await?;
        type_into_widget(&visitor, "Anyone there?").await?;
        let id = remembered_conversation(&visitor).await?;
        visitor.close().await?;
        let transcript: Transcript =
            serde_json::from_str(&api.get(&routes::transcript(&id), Some(&admin)).body).unwrap();
        HarnessResult::Ok(transcript.chatbot)
    };
    assert_eq!(
        chatbot_of_new_conversation().await?,
        Some("welcome-bot".into()),
        "nobody online"
    );
    let mut online = Socket::inbox(&edge, DEMO_CHANNEL, &admin)
        .await
        .expect("an operator online");
    online.next_inbox().await;
    assert_eq!(
        chatbot_of_new_conversation().await?,
        None,
        "an operator is online"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_office_hours_visitors_leave_a_message_that_operators_read() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let api = Api::new(&edge);
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    // Closed every day of the week, whatever the clock says; messages taken.
    let closed = OfficeHours {
        time_zone: "Europe/Madrid".into(),
        week: Default::default(),
        exceptions: Vec::new(),
    };
    configure(&api, &admin, |s| {
        s.options.hours = Some(closed.clone());
        s.options.offline_messages = true;
        s.options.texts.insert(
            Language::Es,
            ChannelTexts {
                out_of_hours_message: "Volvemos el lunes a las 9.".into(),
                ..ChannelTexts::default()
            },
        );
    });
    let config: WidgetConfig =
        serde_json::from_str(&api.get(&routes::widget_config(&demo()), None).body).expect("config");
    assert!(config.closed && config.offline_messages);

    // The edge refuses new conversations, with the reason.
    let body = serde_json::json!({"channel": DEMO_CHANNEL, "visitor": {}});
    let refused = api.post(routes::CONVERSATIONS, &body, None);
    assert_eq!(
        (refused.status, refused.problem().code),
        (409, ErrorCode::Closed)
    );

    // Every field of an offline message is checked on the edge.
    let path = routes::offline_messages(&demo());
    let message = |name: &str, email: &str, text: &str| serde_json::json!({"name": name, "email": email, "text": text, "language": "es"});
    for (bad, code) in [
        (message("Ana", "not an address", "Hola"), ErrorCode::Invalid),
        (message("", "ana@example.com", "Hola"), ErrorCode::Invalid),
        (
            message("Ana", "ana@example.com", "  "),
            ErrorCode::EmptyMessage,
        ),
        (
            message("Ana", "ana@example.com", &"x".repeat(MAX_MESSAGE_CHARS + 1)),
            ErrorCode::MessageTooLong,
        ),
    ] {
        let reply = api.post(&path, &bad, None);
        assert_eq!((reply.status, reply.problem().code), (400, code), "{bad}");
    }

    // A visitor whose browser speaks Spanish reads the channel's message and
    // leaves one; the message box is not offered.
    let driver = Chromedriver::start()?;
    let visitor = driver.session_with(&["--accept-lang=es"]).await?;
    visitor.goto(&edge.url()).await?;
    open_widget(&visitor).await?;
    let closed_view = "return [root.querySelector('.charla-closed-message').textContent,
                               root.querySelector('.charla-closed').hidden,
                               root.querySelector('.charla-live').hidden,
                               root.querySelector('.charla-offline p').textContent]";
    eventually("the out of hours message", || async {
        (in_widget(&visitor, closed_view).await
            == serde_json::json!([
                "Volvemos el lunes a las 9.",
                false,
                true,
                "Déjenos un mensaje y le responderemos por correo."
            ]))
        .then_some(())
    })
    .await?;
    leave_offline_message(
        &visitor,
        "Lucía",
        "lucia@example.com",
        "¿Hacen envíos a Canarias?",
        "Gracias: le responderemos por correo.",
    )
    .await?;
    visitor.close().await?;

    // An operator of the channel finds it in the console, unread, with the
    // address to answer; marking it read sticks.
    let operator = driver.session().await?;
    sign_in_as(&operator, &edge, OPERATOR_EMAIL, TEST_PASSWORD).await?;
    click_text(&operator, "Offline messages").await?;
    let shown = "const item = document.querySelector('.offline-message');
                 return item && [item.classList.contains('unread'), item.querySelector('.text').textContent,
                                 item.querySelector('a').getAttribute('href')]";
    eventually("the message in the console", || async {
        (script(&operator, shown).await
            == serde_json::json!([
                true,
                "¿Hacen envíos a Canarias?",
                "mailto:lucia%40example.com"
            ]))
        .then_some(())
    })
    .await?;
    let violations = serious_accessibility_violations(&operator).await?;
    assert!(violations.is_empty(), "{violations:#?}");
    click_text(&operator, "Mark as read").await?;
    let operator_cookie = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    eventually("read on the edge", || async {
        let list: Vec<OfflineRecord> =
            serde_json::from_str(&api.get(&path, Some(&operator_cookie)).body).ok()?;
        (list.len() == 1 && list[0].read && list[0].message.language == Language::Es).then_some(())
    })
    .await?;
    operator.close().await?;
    let outsider = api.sign_in(OUTSIDER_EMAIL, TEST_PASSWORD);
    assert_eq!(
        api.get(&path, Some(&outsider)).status,
        403,
        "other channels' operators"
    );

    // A channel that takes no messages refuses them; open hours take
    // conversations again.
    configure(&api, &admin, |s| {
        s.options.offline_messages = false;
        s.options.hours = Some(OfficeHours {
            week: std::array::from_fn(|_| {
                vec![Span {
                    from: 0,
                    to: 24 * 60,
                }]
            }),
            ..closed
        });
    });
    let reply = api.post(&path, &message("Ana", "ana@example.com", "Hola"), None);
    assert_eq!(
        (reply.status, reply.problem().code),
        (403, ErrorCode::Forbidden)
    );
    assert_eq!(api.post(routes::CONVERSATIONS, &body, None).status, 201);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_an_operator_who_chooses_a_password_first() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[])?;
    let driver = Chromedriver::start()?;
    let admin = driver.session().await?;
    sign_in_as(&admin, &edge, DEMO_EMAIL, DEMO_PASSWORD).await?;
    click_text(&admin, "Accounts").await?;
    for (field, typed) in [
        ("#account-id", "carla"),
        ("#account-name", "Carla Souza"),
        ("#account-chat-name", "Carla"),
        ("#account-email", "carla@charla.test"),
        ("#account-password", "welcome-carla-1"),
    ] {
        let input = eventually(field, || async {
            admin.find(Locator::Css(field)).await.ok()
        })
        .await?;
        input.send_keys(typed).await?;
    }
    click_text(&admin, "Create the account").await?;
    eventually("the account in the list", || async {
        let rows = texts(
            &admin,
            "document.querySelectorAll('.account-list tbody tr')",
        )
        .await?;
        rows.iter()
            .any(|row| row.contains("Carla Souza") && row.contains("carla@charla.test"))
            .then_some(())
    })
    .await?;
    let violations = serious_accessibility_violations(&admin).await?;
    assert!(violations.is_empty(), "{violations:#?}");
    admin.close().await?;

    // Carla signs in with the given password: the console asks for her own
    // before anything else, then opens.
    let carla = driver.session().await?;
    submit_sign_in(&carla, &edge, "carla@charla.test", "welcome-carla-1").await?;
    eventually("the password form", || async {
        carla.find(Locator::Css("#new-password")).await.ok()
    })
    .await?;
    assert!(
        carla.find(Locator::Css(".inbox")).await.is_err(),
        "no console yet"
    );
    for (field, typed) in [
        ("#current-password", "welcome-carla-1"),
        ("#new-password", "carla-chose-this"),
        ("#repeat-password", "carla-chose-this"),
    ] {
        carla
            .find(Locator::Css(field))
            .await?
            .send_keys(typed)
            .await?;
    }
    click_text(&carla, "Save the password").await?;
    eventually("the console", || async {
        carla.find(Locator::Css(".inbox")).await.ok()
    })
    .await?;
    carla.close().await?;
    let api = Api::new(&edge);
    api.sign_in("carla@charla.test", "carla-chose-this");
    Ok(())
}

async fn click_text(client: &Client, text: &str) -> HarnessResult<()> {
    let xpath = format!(
        "//button[normalize-space()='{text}'] | //button[starts-with(normalize-space(), '{text}')]"
    );
    let button = eventually(&format!("the {text:?} button"), || async {
        client.find(Locator::XPath(&xpath)).await.ok()
    })
    .await?;
    Ok(button.click().await?)
}

async fn press(client: &Client, key: Key) -> HarnessResult<()> {
    let focused = client.active_element().await?;
    Ok(focused.send_keys(&char::from(key).to_string()).await?)
}
