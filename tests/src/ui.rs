//! What the browser tests do again and again: find things inside the
//! widget's shadow root, open it, type, read the message lists, sign in to
//! the console.

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use charla_shared::ids::ConversationId;

use crate::browser::{eventually, script};
use crate::edge::LocalEdge;
use crate::HarnessResult;

pub async fn open_widget(visitor: &Client) -> HarnessResult<()> {
    // Shown, not just there: the widget stays invisible until its
    // stylesheet has loaded, which a busy machine makes take a while.
    shown_widget_element(visitor, ".charla-bubble")
        .await?
        .click()
        .await?;
    eventually("the widget window", || async {
        let window = widget_element(visitor, ".charla-window").await.ok()?;
        window.attr("hidden").await.ok()?.is_none().then_some(())
    })
    .await
}

/// An element inside the widget's shadow root, once the widget is there.
pub async fn widget_element(visitor: &Client, css: &str) -> HarnessResult<Element> {
    eventually(&format!("{css} in the widget"), || async {
        let host = visitor.find(Locator::Css(&format!("#{HOST}"))).await.ok()?;
        let root = host.shadow_root().await.ok()?;
        root.find(Locator::Css(css)).await.ok()
    })
    .await
}

/// An element inside the widget's shadow root once it is shown, for typing
/// into or clicking: a field that exists but is hidden is not interactable.
pub async fn shown_widget_element(visitor: &Client, css: &str) -> HarnessResult<Element> {
    eventually(&format!("{css} shown in the widget"), || async {
        let host = visitor.find(Locator::Css(&format!("#{HOST}"))).await.ok()?;
        let root = host.shadow_root().await.ok()?;
        let element = root.find(Locator::Css(css)).await.ok()?;
        element.is_displayed().await.ok()?.then_some(element)
    })
    .await
}

/// Runs a script inside the widget: `host` is its element and `root` its
/// shadow root. `null` while the widget is not there yet.
pub async fn in_widget(client: &Client, body: &str) -> serde_json::Value {
    script(
        client,
        &format!(
            "const host = document.querySelector('#{HOST}'); const root = host?.shadowRoot;
             if (!root) return null;
             {body}"
        ),
    )
    .await
}

/// The id of the element that hosts the widget's shadow root.
const HOST: &str = "charla-widget";

/// The texts in the widget's message list that the edge has stored (not the
/// ones still being sent), in order; `None` before the widget is there.
pub async fn widget_texts(visitor: &Client) -> Option<Vec<String>> {
    widget_texts_of(visitor, ".charla-msg:not(.charla-pending) .charla-text").await
}

/// The texts of the elements matching `css` inside the widget, in order;
/// `None` before the widget is there.
pub async fn widget_texts_of(visitor: &Client, css: &str) -> Option<Vec<String>> {
    texts(
        visitor,
        &format!("document.querySelector('#{HOST}')?.shadowRoot?.querySelectorAll({css:?})"),
    )
    .await
}

/// Clicks the first element `css` finds. The console's lists re-render as
/// conversations move between them, so an element found a moment ago may be
/// gone by the time it is clicked; finding and clicking together, again until
/// it works, is what a person's click does.
pub async fn click(client: &Client, css: &str) -> HarnessResult<()> {
    click_nth(client, css, 0).await
}

/// Clicks the `n`th (from 0) element `css` finds, as [`click`] does.
pub async fn click_nth(client: &Client, css: &str, n: usize) -> HarnessResult<()> {
    eventually(&format!("a click on {css} number {n}"), || async {
        let all = client.find_all(Locator::Css(css)).await.ok()?;
        all.get(n)?.click().await.ok()
    })
    .await
}

/// Clicks the first element `css` finds whose text contains `text`, as
/// [`click`] does.
pub async fn click_containing(client: &Client, css: &str, text: &str) -> HarnessResult<()> {
    eventually(&format!("a click on {css} with {text:?}"), || async {
        for element in client.find_all(Locator::Css(css)).await.ok()? {
            if element.text().await.ok()?.contains(text) {
                return element.click().await.ok();
            }
        }
        None
    })
    .await
}

/// The texts of the first open pane in the console.
pub async fn pane_texts(operator: &Client) -> Option<Vec<String>> {
    texts(
        operator,
        "document.querySelector('.pane')?.querySelectorAll('.charla-msg:not(.charla-pending) .charla-text')",
    )
    .await
}

pub async fn texts(client: &Client, nodes: &str) -> Option<Vec<String>> {
    let value = script(
        client,
        &format!("const nodes = {nodes}; return nodes ? [...nodes].map(n => n.textContent) : null"),
    )
    .await;
    serde_json::from_value(value).ok()
}

pub async fn type_into_widget(visitor: &Client, text: &str) -> HarnessResult<()> {
    Ok(shown_widget_element(visitor, "#charla-input")
        .await?
        .send_keys(&format!("{text}{}", char::from(Key::Enter)))
        .await?)
}

/// Fills in the widget's offline form (name, e-mail, message), sends it,
/// and waits for `thanks` with the form hidden.
pub async fn leave_offline_message(
    visitor: &Client,
    name: &str,
    email: &str,
    text: &str,
    thanks: &str,
) -> HarnessResult<()> {
    for (field, typed) in [
        ("#charla-offline-name", name),
        ("#charla-offline-email", email),
        ("#charla-offline-text", text),
    ] {
        widget_element(visitor, field)
            .await?
            .send_keys(typed)
            .await?;
    }
    widget_element(visitor, ".charla-offline button")
        .await?
        .click()
        .await?;
    eventually("the thanks", || async {
        (in_widget(
            visitor,
            "return [root.querySelector('.charla-offline-status').textContent,
                     root.querySelector('.charla-offline').hidden]",
        )
        .await
            == serde_json::json!([thanks, true]))
        .then_some(())
    })
    .await
}

pub async fn sign_in_as(
    operator: &Client,
    edge: &LocalEdge,
    email: &str,
    password: &str,
) -> HarnessResult<()> {
    submit_sign_in(operator, edge, email, password).await?;
    eventually("the operator's desk", || async {
        operator.find(Locator::Css(".inbox")).await.ok()
    })
    .await?;
    Ok(())
}

/// Opens the console and submits its sign-in form, without waiting for
/// what comes next (the desk, or the form that asks for a new password).
pub async fn submit_sign_in(
    client: &Client,
    edge: &LocalEdge,
    email: &str,
    password: &str,
) -> HarnessResult<()> {
    client.goto(&format!("{}/console/", edge.url())).await?;
    let field = eventually("the sign-in form", || async {
        client.find(Locator::Css("#email")).await.ok()
    })
    .await?;
    field.send_keys(email).await?;
    client
        .find(Locator::Css("#password"))
        .await?
        .send_keys(&format!("{password}{}", char::from(Key::Enter)))
        .await?;
    Ok(())
}

/// Types a message into the widget and waits until the edge has stored it
/// (it shows as the last message, no longer pending).
pub async fn send_from_widget(visitor: &Client, text: &str) -> HarnessResult<()> {
    type_into_widget(visitor, text).await?;
    eventually(&format!("{text:?} stored"), || async {
        widget_texts(visitor)
            .await
            .filter(|t| t.last().map(String::as_str) == Some(text))
    })
    .await?;
    Ok(())
}

/// The demo channel's conversation the widget keeps in `localStorage`.
pub async fn remembered_conversation(visitor: &Client) -> HarnessResult<ConversationId> {
    eventually("the conversation is remembered", || async {
        script(
            visitor,
            "return JSON.parse(localStorage.getItem('charla.conversation.demo') || 'null')?.conversation",
        )
        .await
        .as_str()
        .and_then(|id| ConversationId::parse(id).ok())
    })
    .await
}
