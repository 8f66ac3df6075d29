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

use crate::controller::Controller;

/// What the loader left for the widget in `window.Charla._cfg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoaderConfig {
    /// `data-channel` of the snippet.
    pub channel: String,
    /// The origin the snippet was loaded from: where the edge is.
    pub origin: String,
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
    })
}

/// Replaces the loader's stubs with the real methods, then runs the calls
/// the page queued, in order.
pub fn install(api: &Object, controller: Rc<Controller>) {
    let c = controller.clone();
    method(api, "open", move |_, _| c.open());
    let c = controller.clone();
    method(api, "close", move |_, _| c.close());
    let c = controller.clone();
    method(api, "toggle", move |_, _| c.toggle());
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
    let _ = Reflect::set(api, &"ready".into(), &JsValue::TRUE);
    replay(api);
}

fn replay(api: &Object) {
    let Ok(queue) = Reflect::get(api, &"_q".into()) else {
        return;
    };
    let Ok(queue) = queue.dyn_into::<Array>() else {
        return;
    };
    // Take the calls out before running them, so each runs exactly once.
    let calls = queue.slice(0, queue.length());
    queue.set_length(0);
    for call in calls.iter() {
        let call = Array::from(&call);
        invoke(api, &call.get(0), &Array::from(&call.get(1)));
    }
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
