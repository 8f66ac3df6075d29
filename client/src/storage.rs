//! What a UI remembers across page loads, as JSON in `localStorage`.
//! Browsers that refuse storage (private modes, blocked cookies) still
//! work; what would have been remembered is simply not.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::json;

/// A value stored as JSON under `key`, if there is one and it reads.
pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let raw = local_storage()?.get_item(key).ok()??;
    json::parse(&raw).ok()
}

/// Stores a value as JSON under `key`; does nothing where storage is refused.
pub fn save<T: Serialize + ?Sized>(key: &str, value: &T) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, &json::stringify(value));
    }
}

/// Forgets what is stored under `key`.
pub fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
