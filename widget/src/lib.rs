//! The Charla widget: the chat button and window a visitor sees on a
//! customer's site.
//!
//! `boot` runs when the loader has instantiated the WebAssembly. It mounts the
//! widget inside a shadow root (so the host page's CSS and the widget's CSS
//! cannot reach each other), starts the controller and hands the host page
//! its `window.Charla` API.

pub mod controller;
pub mod host;
pub mod rules;
pub mod state;
pub mod storage;
pub mod texts;

mod app;
mod emoji;
mod offline;

use charla_shared::channel::Language;
use charla_shared::ids::ChannelId;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

pub use app::App;

use charla_client::net::Edge;
use controller::{Controller, Layout};

/// The id of the element that hosts the widget's shadow root.
pub const HOST_ELEMENT_ID: &str = "charla-widget";

/// The performance mark set when the widget shows (styled) on the page.
pub const READY_MARK: &str = "charla:ready";

/// Starts the widget on the current page.
pub fn boot() {
    console_error_panic_hook::set_once();
    let Some(api) = host::api() else { return };
    let Some(config) = host::loader_config(&api) else {
        leptos::logging::error!("Charla: load the widget with its snippet (widget.js).");
        return;
    };
    let channel = match ChannelId::parse(config.channel) {
        Ok(channel) => channel,
        Err(e) => {
            leptos::logging::error!("Charla: data-channel is wrong: {e}.");
            return;
        }
    };
    let Some(root) = mount_point(&config.origin, config.mode.as_deref() == Some("page")) else {
        leptos::logging::error!("Charla: the page has no body to put the widget in.");
        return;
    };
    let layout = match config.mode.as_deref() {
        Some("page") => Layout::Page,
        _ => Layout::Bubble,
    };
    // The page's `data-lang` first, then the first of the visitor's
    // preferred languages that Charla speaks.
    let language = config
        .lang
        .as_deref()
        .and_then(Language::from_tag)
        .or_else(browser_language);
    let controller = Controller::new(Edge::new(config.origin), channel, layout, language);
    if config.preview {
        controller.preview();
    }
    let app_controller = controller.clone();
    leptos::mount::mount_to(root, move || {
        leptos::view! { <App controller=app_controller /> }
    })
    .forget();
    host::install(&api, controller);
}

/// The first language in the browser's preferences that Charla speaks.
fn browser_language() -> Option<Language> {
    let navigator = web_sys::window()?.navigator();
    navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .chain(navigator.language())
        .find_map(|tag| Language::from_tag(&tag))
}

/// Creates `<div id="charla-widget">` at the end of the body with an open
/// shadow root holding the widget's stylesheet and an element to mount in.
/// The host element stays invisible until the stylesheet has loaded, so the
/// page never shows the widget unstyled.
fn mount_point(origin: &str, page: bool) -> Option<HtmlElement> {
    let document = web_sys::window()?.document()?;
    let host: HtmlElement = document.create_element("div").ok()?.dyn_into().ok()?;
    host.set_id(HOST_ELEMENT_ID);
    if page {
        host.set_attribute("data-layout", "page").ok()?;
    }
    let style = host.style();
    style.set_property("visibility", "hidden").ok()?;
    let shadow = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .ok()?;
    let link: web_sys::HtmlLinkElement = document.create_element("link").ok()?.dyn_into().ok()?;
    link.set_rel("stylesheet");
    link.set_href(&format!("{origin}/widget/widget.css"));
    let reveal = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = style.remove_property("visibility");
        // Lets pages (and `cargo xtask bench`) see when the chat button
        // became visible.
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark(READY_MARK);
        }
    });
    link.set_onload(Some(reveal.unchecked_ref()));
    shadow.append_child(&link).ok()?;
    let root: HtmlElement = document.create_element("div").ok()?.dyn_into().ok()?;
    shadow.append_child(&root).ok()?;
    document.body()?.append_child(&host).ok()?;
    Some(root)
}
