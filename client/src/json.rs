//! JSON through the browser's own `JSON.parse` and `JSON.stringify`, with
//! serde mapping between the JavaScript values and the wire types of
//! `charla-shared`. The types stay the one definition of the format; only
//! the text handling is the browser's, so the WebAssembly carries no JSON
//! parser.
//!
//! Values are written with `serde-wasm-bindgen`'s serializer and read with
//! this module's own deserializer, whose errors carry no text in release
//! builds: serde builds every error message ("invalid type: floating point
//! `1.5`, expected a string") from the `Display` of what it found and what
//! it wanted, which linked float formatting and a description of every
//! visitor into the widget (about 11 KB of its gzip download). A visitor
//! cannot act on that text; a developer gets it in debug builds.

use js_sys::{Array, Object, Reflect};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, SeqAccess, Visitor};
use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::{JsCast, JsValue};

/// Reads a value from JSON text.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|_| "it is not JSON".to_owned())?;
    from_js(value)
}

/// Reads a value from what `JSON.parse` (or `response.json()`) gave, or
/// from a plain object the host page handed over. A property that is
/// `undefined` counts as absent; properties the type does not name are
/// ignored, so a newer edge's extra fields do not break an older widget.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    T::deserialize(Value(value)).map_err(|e| e.0)
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

/// Why a value could not be read: serde's message in debug builds, a fixed
/// sentence in release builds (see the module's comment).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Invalid(String);

impl de::Error for Invalid {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        // `cfg!` is a constant: in release builds the formatting is dead
        // code, and with it every `Display` the message would have used.
        Invalid(if cfg!(debug_assertions) {
            message.to_string()
        } else {
            "the data is not what was expected".to_owned()
        })
    }
}

/// Deserializer methods that read as another method of the same shape.
macro_rules! read_as {
    ($($method:ident => $target:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
                self.$target(visitor)
            }
        )*
    };
}

/// A JavaScript value being read.
struct Value(JsValue);

/// The largest integer a JavaScript number holds exactly (2^53 − 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl<'de> de::Deserializer<'de> for Value {
    type Error = Invalid;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        let value = self.0;
        if value.is_null() || value.is_undefined() {
            visitor.visit_unit()
        } else if let Some(flag) = value.as_bool() {
            visitor.visit_bool(flag)
        } else if let Some(number) = value.as_f64() {
            // JSON has one kind of number: a whole one within the exact
            // range is read as an integer, so that integer fields take it
            // (this is how a field of a flattened struct is buffered).
            match whole(&value) {
                Some(whole) if whole >= 0.0 => visitor.visit_u64(whole as u64),
                Some(whole) => visitor.visit_i64(whole as i64),
                None => visitor.visit_f64(number),
            }
        } else if let Some(text) = value.as_string() {
            visitor.visit_string(text)
        } else if Array::is_array(&value) {
            Value(value).deserialize_seq(visitor)
        } else {
            Value(value).deserialize_map(visitor)
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        visitor.visit_newtype_struct(self)
    }

    /// A struct reads only the properties it names, in its own order.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        if !self.0.is_object() || Array::is_array(&self.0) {
            return Err(mismatch());
        }
        visitor.visit_map(Fields {
            object: self.0,
            fields: fields.iter().enumerate(),
            value: None,
        })
    }

    /// A variant without data is its name as a string; one with data is an
    /// object with the name as its only key (serde's external tagging).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        let (name, data) = tag_and_data(self.0)?;
        visitor.visit_enum(Variant {
            index: position(variants, &name),
            data,
        })
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        match self.0.as_bool() {
            Some(flag) => visitor.visit_bool(flag),
            None => Err(mismatch()),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        match whole(&self.0) {
            Some(number) => visitor.visit_i64(number as i64),
            None => Err(mismatch()),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        match whole(&self.0) {
            Some(number) if number >= 0.0 => visitor.visit_u64(number as u64),
            _ => Err(mismatch()),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        match self.0.as_f64() {
            Some(number) => visitor.visit_f64(number),
            None => Err(mismatch()),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        match self.0.as_string() {
            Some(text) => visitor.visit_string(text),
            None => Err(mismatch()),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_unit()
        } else {
            Err(mismatch())
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        if Array::is_array(&self.0) {
            visitor.visit_seq(Items::new(self.0.unchecked_into()))
        } else {
            Err(mismatch())
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        if self.0.is_object() && !Array::is_array(&self.0) {
            visitor.visit_map(Entries::new(Object::entries(
                self.0.unchecked_ref::<Object>(),
            )))
        } else {
            Err(mismatch())
        }
    }

    /// What the type does not take is skipped, whatever it is.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        visitor.visit_unit()
    }

    // Narrower numbers read as the widest (serde checks the range), and
    // every kind of text as a string.
    read_as! {
        deserialize_i8 => deserialize_i64,
        deserialize_i16 => deserialize_i64,
        deserialize_i32 => deserialize_i64,
        deserialize_u8 => deserialize_u64,
        deserialize_u16 => deserialize_u64,
        deserialize_u32 => deserialize_u64,
        deserialize_f32 => deserialize_f64,
        deserialize_char => deserialize_string,
        deserialize_str => deserialize_string,
        deserialize_identifier => deserialize_string,
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        self.deserialize_seq(visitor)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 bytes byte_buf
    }
}

/// An externally tagged variant's name and data (`null` for none).
fn tag_and_data(value: JsValue) -> Result<(String, JsValue), Invalid> {
    if let Some(name) = value.as_string() {
        return Ok((name, JsValue::NULL));
    }
    if !value.is_object() {
        return Err(mismatch());
    }
    let keys = Object::keys(value.unchecked_ref::<Object>());
    match keys.get(0).as_string() {
        Some(name) if keys.length() == 1 => {
            let data = Reflect::get(&value, &keys.get(0)).unwrap_or(JsValue::NULL);
            Ok((name, data))
        }
        _ => Err(de::Error::custom("a variant's object has exactly one key")),
    }
}

/// Where a name is in a list of names; past its end if it is not there.
///
/// Structs' fields and enums' variants are handed to serde's generated code
/// by their place in its list, not by name: its code matching a place is a
/// jump table, where matching names compares every name of every type in
/// the widget's download. A name not in the list gets a place past the end,
/// which the generated code refuses, or reads as the `#[serde(other)]`
/// variant where there is one.
fn position(names: &[&str], name: &str) -> u64 {
    names
        .iter()
        .position(|known| *known == name)
        .unwrap_or(names.len()) as u64
}

/// A number that is whole and within the range JavaScript holds exactly.
fn whole(value: &JsValue) -> Option<f64> {
    value
        .as_f64()
        .filter(|number| number.trunc() == *number && number.abs() <= MAX_SAFE_INTEGER)
}

/// The error for a value of another type than the one wanted.
#[cold]
fn mismatch() -> Invalid {
    de::Error::custom("a value of another type than the one wanted")
}

/// An array's elements.
struct Items {
    array: Array,
    next: u32,
}

impl Items {
    fn new(array: Array) -> Items {
        Items { array, next: 0 }
    }
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Invalid;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Invalid> {
        if self.next >= self.array.length() {
            return Ok(None);
        }
        let item = self.array.get(self.next);
        self.next += 1;
        seed.deserialize(Value(item)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.array.length() - self.next) as usize)
    }
}

/// An object's own properties as a map's keys and values (`Object.entries`).
struct Entries {
    items: Items,
    value: Option<JsValue>,
}

impl Entries {
    fn new(entries: Array) -> Entries {
        Entries {
            items: Items::new(entries),
            value: None,
        }
    }
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Invalid;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Invalid> {
        if self.items.next >= self.items.array.length() {
            return Ok(None);
        }
        let entry: Array = self.items.array.get(self.items.next).unchecked_into();
        self.items.next += 1;
        self.value = Some(entry.get(1));
        seed.deserialize(Value(entry.get(0))).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Invalid> {
        seed.deserialize(Value(self.value.take().unwrap_or(JsValue::NULL)))
    }

    fn size_hint(&self) -> Option<usize> {
        self.items.size_hint()
    }
}

/// The properties a struct names, those the object has.
struct Fields {
    object: JsValue,
    fields: std::iter::Enumerate<std::slice::Iter<'static, &'static str>>,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = Invalid;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Invalid> {
        // The field is handed over by its place, as `position` explains.
        for (index, field) in self.fields.by_ref() {
            let value =
                Reflect::get(&self.object, &JsValue::from_str(field)).unwrap_or(JsValue::UNDEFINED);
            if !value.is_undefined() {
                self.value = Some(value);
                return seed
                    .deserialize((index as u64).into_deserializer())
                    .map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Invalid> {
        seed.deserialize(Value(self.value.take().unwrap_or(JsValue::NULL)))
    }
}

/// An enum's variant: its place in the enum's list (see `position`) and
/// its data (`null` for none).
struct Variant {
    index: u64,
    data: JsValue,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Invalid;
    type Variant = Value;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Value), Invalid> {
        let index = seed.deserialize(self.index.into_deserializer())?;
        Ok((index, Value(self.data)))
    }
}

impl<'de> de::VariantAccess<'de> for Value {
    type Error = Invalid;

    fn unit_variant(self) -> Result<(), Invalid> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Invalid> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Invalid> {
        de::Deserializer::deserialize_any(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}
