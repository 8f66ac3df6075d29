//! Channel rule patterns run with the browser's own `RegExp`, so the
//! WebAssembly carries no regex engine and the widget runs exactly what the
//! edge checked when an admin saved it.

use charla_shared::channel::URL_REGEX_FLAGS;
use js_sys::{Array, Function, Reflect, RegExp};
use wasm_bindgen::JsCast;

/// Runs a pattern against a text; a pattern the browser refuses is an
/// error with the browser's reason, not a panic.
pub fn matches(pattern: &str, text: &str) -> Result<bool, String> {
    let constructor: Function = Reflect::get(&js_sys::global(), &"RegExp".into())
        .map_err(|_| "RegExp is missing".to_owned())?
        .unchecked_into();
    let args = Array::of2(&pattern.into(), &URL_REGEX_FLAGS.into());
    let regex: RegExp = Reflect::construct(&constructor, &args)
        .map_err(|e| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "invalid pattern".to_owned())
        })?
        .unchecked_into();
    Ok(regex.test(text))
}
