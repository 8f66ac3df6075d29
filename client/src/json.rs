//! JSON through the browser's own `JSON.parse` and `JSON.stringify`, with
//! serde (`serde-wasm-bindgen`) mapping between the JavaScript values and
//! the wire types of `charla-shared`. The types stay the one definition of
//! the format; only the text handling is the browser's, so the WebAssembly
//! carries no JSON parser.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::JsValue;

/// Reads a value from JSON text.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|_| "it is not JSON".to_owned())?;
    from_js(value)
}

/// Reads a value from what `JSON.parse` (or `response.json()`) gave.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// A value as a plain JavaScript object (maps as objects, not `Map`s), for
/// `JSON.stringify` or for handing to the host page.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(&Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED)
}

/// A value as JSON text.
pub fn stringify<T: Serialize + ?Sized>(value: &T) -> String {
    js_sys::JSON::stringify(&to_js(value))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}
