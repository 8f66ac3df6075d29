//! `window.Charla`, the host page's handle on the widget.
//!
//! The loader script defines `window.Charla` at once with stub methods that
//! queue their calls in `_q`. Once the widget runs, [`install`] replaces the
//! stubs with the real methods and replays the queue in order, so nothing the
//! page asked for before the WebAssembly arrived is lost. `push([name,
//! ...args])` calls a method by name, for pages that queue calls in an array
//! before the loader has run.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use charla_shared::identity::Visitor;

use charla_client::json;

use crate::controller::Controller;

/// What the loader left for the widget in `window.Charla._cfg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoaderConfig {
    /// `data-channel` of the snippet.
    pub channel: String,
    /// The origin the snippet was loaded from: where the edge is.
    pub origin: String,
    /// `data-mode`: `page` makes the whole page the chat.
    pub mode: Option<String>,
    /// `data-lang`: the language the page wants the widget in.
    pub lang: Option<String>,
    /// `data-preview`: the channel editor's preview, which shows what the
    /// console sends and sends nothing.
    pub preview: bool,
}

/// The `window.Charla` object, created if the loader did not run.
pub fn api() -> Option<Object> {
    let window = web_sys::window()?;
    match Reflect::get(&window, &"Charla".into()) {
        Ok(existing) if existing.is_object() => Some(existing.unchecked_into()),
        _ => {
            let created = Object::new();
            Reflect::set(&window, &"Charla".into(), &created).ok()?;
            Some(created)
        }
    }
}

/// Reads the loader's configuration.
pub fn loader_config(api: &Object) -> Option<LoaderConfig> {
    let config = Reflect::get(api, &"_cfg".into()).ok()?;
    let field = |name: &str| Reflect::get(&config, &name.into()).ok()?.as_string();
    Some(LoaderConfig {
        channel: field("channel")?,
        origin: field("origin")?,
        mode: field("mode"),
        lang: field("lang"),
        preview: Reflect::get(&config, &"preview".into())
            .ok()
            .and_then(|p| p.as_bool())
            .unwrap_or(false),
    })
}

/// Replaces the loader's stubs with the real methods and starts the widget.
/// Queued `identify` calls run before the start, so the widget never
/// reconnects to a conversation that belongs to someone else; the other
/// queued calls run after it, in order.
pub fn install(api: &Object, controller: Rc<Controller>) {
    let starter = controller.clone();
    let c = controller.clone();
    method(api, "open", move |_, _| c.open());
    let c = controller.clone();
    method(api, "close", move |_, _| c.close());
    let c = controller.clone();
    method(api, "toggle", move |_, _| c.toggle());
    let c = controller.clone();
    method(api, "identify", move |visitor, _| {
        let parsed = json::from_js::<Visitor>(visitor).ok();
        match parsed.map(|visitor| c.identify(visitor)) {
            Some(Ok(())) => {}
            Some(Err(problem)) => leptos::logging::warn!("Charla.identify: {problem}"),
            None => leptos::logging::warn!(
                "Charla.identify takes {{name, email, user_id, user_hash}} (all optional strings)"
            ),
        }
    });
    let c = controller.clone();
    method(api, "setLocale", move |tag, _| {
        match tag.as_string().map(|tag| c.set_locale(&tag)) {
            Some(Ok(())) => {}
            Some(Err(problem)) => leptos::logging::warn!("Charla.setLocale: {problem}"),
            None => leptos::logging::warn!("Charla.setLocale takes a language code such as \"es\""),
        }
    });
    let c = controller.clone();
    method(api, "send", move |text, _| match text.as_string() {
        Some(text) => {
            if let Err(problem) = c.send(&text) {
                leptos::logging::warn!("Charla.send: {problem}");
            }
        }
        None => leptos::logging::warn!("Charla.send takes a string"),
    });
    method(api, "on", move |event, callback| {
        match (event.as_string(), callback.dyn_into::<Function>()) {
            (Some(event), Ok(callback)) => controller.on(event, callback),
            _ => leptos::logging::warn!("Charla.on takes an event name and a function"),
        }
    });
    let target = api.clone();
    method(api, "push", move |call, _| {
        let call = Array::from(&call);
        invoke(&target, &call.get(0), &call.slice(1, call.length()));
    });
    let calls = take_queue(api);
    let (identities, others): (Vec<&Array>, Vec<&Array>) = calls
        .iter()
        .partition(|call| call.get(0).as_string().as_deref() == Some("identify"));
    for call in identities {
        invoke(api, &call.get(0), &Array::from(&call.get(1)));
    }
    starter.start();
    for call in others {
        invoke(api, &call.get(0), &Array::from(&call.get(1)));
    }
    let _ = Reflect::set(api, &"ready".into(), &JsValue::TRUE);
}

/// Asks the loader for one of the parts it imports on demand (`emoji`,
/// the picker; `help`, the knowledge search), which imports the part's
/// module the first time and hands it `args`. Without the loader (no
/// `_cfg.emoji` or `_cfg.help`) nothing happens.
pub fn on_demand(part: &str, args: &[JsValue]) {
    let load = api()
        .and_then(|api| Reflect::get(&api, &"_cfg".into()).ok())
        .and_then(|config| Reflect::get(&config, &part.into()).ok())
        .and_then(|load| load.dyn_into::<Function>().ok());
    if let Some(load) = load {
        let _ = load.apply(&JsValue::NULL, &args.iter().collect::<Array>());
    }
}

/// Takes the queued calls out of `_q`, so each runs exactly once.
fn take_queue(api: &Object) -> Vec<Array> {
    let Ok(queue) = Reflect::get(api, &"_q".into()).and_then(|q| q.dyn_into::<Array>()) else {
        return Vec::new();
    };
    let calls: Vec<Array> = queue.iter().map(|call| Array::from(&call)).collect();
    queue.set_length(0);
    calls
}

/// Calls a method of `window.Charla` by name.
fn invoke(api: &Object, name: &JsValue, args: &Array) {
    match Reflect::get(api, name).map(JsCast::dyn_into::<Function>) {
        Ok(Ok(method)) => {
            if let Err(e) = method.apply(api, args) {
                leptos::logging::warn!("Charla.{name:?} failed: {e:?}");
            }
        }
        _ => leptos::logging::warn!("Charla has no method {name:?}"),
    }
}

fn method(api: &Object, name: &str, f: impl Fn(JsValue, JsValue) + 'static) {
    // The methods live as long as the page, so the closures are leaked on
    // purpose rather than kept in a registry nobody would clear.
    let closure = Closure::<dyn Fn(JsValue, JsValue)>::new(f).into_js_value();
    let _ = Reflect::set(api, &name.into(), &closure);
}
