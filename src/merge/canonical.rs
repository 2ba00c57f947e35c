//! The canonical form that fingerprints hash: JSON with object keys sorted
//! by their UTF-8 bytes (as RFC 8785 sorts them for ASCII keys), no
//! insignificant whitespace, strings escaped the JSON way, and no binary
//! floating point at all.
//!
//! It is a serde `Serializer` of its own rather than `serde_json` so that
//! the form is fixed by this file alone: the order in which a struct
//! declares its fields, or a feature of `serde_json` (`preserve_order`),
//! cannot change a fingerprint. It reports itself as not human-readable,
//! which is how exact types choose their exact form: `Amount` and
//! `Quantity` write their decimal as a string (`"536055.5"`), never as an
//! `f64`. A float reaching it is an error, not a silent approximation.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde::ser::{self, Serialize};

/// Why a value has no canonical form.
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// The canonical JSON text of a value.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    value.serialize(Canonical)
}

/// A JSON string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The serializer: every method returns the canonical text of its value.
struct Canonical;

impl ser::Serializer for Canonical {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Variant<Seq>;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Variant<Map>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<String, Error> {
        Err(Error(format!("a binary float ({v}) has no canonical form")))
    }
    fn serialize_f64(self, v: f64) -> Result<String, Error> {
        Err(Error(format!("a binary float ({v}) has no canonical form")))
    }
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(string(&v.to_string()))
    }
    /// Strings are texts as their readers see them ([`normalize_text`]):
    /// a TOML multi-line string checked out with CRLF is the same value.
    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(string(&super::normalize_text(v)))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<String, Error> {
        Ok(string(
            &v.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        ))
    }
    fn serialize_none(self) -> Result<String, Error> {
        Ok("null".into())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Ok("null".into())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Error> {
        Ok("null".into())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(string(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        Ok(format!(
            "{{{}:{}}}",
            string(variant),
            value.serialize(self)?
        ))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq, Error> {
        Ok(Seq(Vec::new()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Seq, Error> {
        Ok(Seq(Vec::new()))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Seq, Error> {
        Ok(Seq(Vec::new()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Variant<Seq>, Error> {
        Ok(Variant(variant, Seq(Vec::new())))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map, Error> {
        Ok(Map::default())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Map, Error> {
        Ok(Map::default())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Variant<Map>, Error> {
        Ok(Variant(variant, Map::default()))
    }
}

struct Seq(Vec<String>);

impl Seq {
    fn finish(self) -> String {
        format!("[{}]", self.0.join(","))
    }
}

impl ser::SerializeSeq for Seq {
    type Ok = String;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.0.push(value.serialize(Canonical)?);
        Ok(())
    }
    fn end(self) -> Result<String, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = String;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<String, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = String;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<String, Error> {
        Ok(self.finish())
    }
}

/// Object members by key: written sorted, whatever order they came in.
#[derive(Default)]
struct Map {
    members: BTreeMap<String, String>,
    key: Option<String>,
}

impl Map {
    fn finish(self) -> String {
        let body: Vec<String> = self
            .members
            .into_iter()
            .map(|(k, v)| format!("{}:{v}", string(&k)))
            .collect();
        format!("{{{}}}", body.join(","))
    }
}

impl ser::SerializeMap for Map {
    type Ok = String;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error("a map value without a key".into()))?;
        self.members.insert(key, value.serialize(Canonical)?);
        Ok(())
    }
    fn end(self) -> Result<String, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for Map {
    type Ok = String;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.members
            .insert(key.to_string(), value.serialize(Canonical)?);
        Ok(())
    }
    fn skip_field(&mut self, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn end(self) -> Result<String, Error> {
        Ok(self.finish())
    }
}

/// An enum variant with content: `{"variant": content}`.
struct Variant<T>(&'static str, T);

impl ser::SerializeTupleVariant for Variant<Seq> {
    type Ok = String;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(&mut self.1, value)
    }
    fn end(self) -> Result<String, Error> {
        Ok(format!("{{{}:{}}}", string(self.0), self.1.finish()))
    }
}

impl ser::SerializeStructVariant for Variant<Map> {
    type Ok = String;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(&mut self.1, key, value)
    }
    fn end(self) -> Result<String, Error> {
        Ok(format!("{{{}:{}}}", string(self.0), self.1.finish()))
    }
}

/// Map keys: strings, and numbers written as their decimal text (years,
/// accounts), as JSON requires.
struct KeySerializer;

macro_rules! key_as_text {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<String, Error> { Ok(v.to_string()) })*
    };
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = ser::Impossible<String, Error>;
    type SerializeTuple = ser::Impossible<String, Error>;
    type SerializeTupleStruct = ser::Impossible<String, Error>;
    type SerializeTupleVariant = ser::Impossible<String, Error>;
    type SerializeMap = ser::Impossible<String, Error>;
    type SerializeStruct = ser::Impossible<String, Error>;
    type SerializeStructVariant = ser::Impossible<String, Error>;

    fn is_human_readable(&self) -> bool {
        false
    }

    key_as_text!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_char: char);

    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_f32(self, _: f32) -> Result<String, Error> {
        Err(Error("a float map key".into()))
    }
    fn serialize_f64(self, _: f64) -> Result<String, Error> {
        Err(Error("a float map key".into()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Error> {
        Err(Error("a bytes map key".into()))
    }
    fn serialize_none(self) -> Result<String, Error> {
        Err(Error("a null map key".into()))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Err(Error("a unit map key".into()))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Error> {
        Err(Error("a unit map key".into()))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Error> {
        Err(Error("an enum map key".into()))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(Error("a sequence map key".into()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(Error("a tuple map key".into()))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(Error("a tuple map key".into()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error("a tuple map key".into()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(Error("a map map key".into()))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(Error("a struct map key".into()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error("a struct map key".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Amount;
    use serde::Serialize;

    #[derive(Serialize)]
    struct A {
        zeta: u8,
        alpha: Option<Amount>,
        name: &'static str,
    }

    #[derive(Serialize)]
    struct B {
        // The same fields, declared in another order.
        name: &'static str,
        alpha: Option<Amount>,
        zeta: u8,
    }

    #[test]
    fn keys_sorted_whatever_the_declaration_order_and_decimals_exact() {
        let amount = Some(Amount("536055.50".parse().unwrap()));
        let a = to_string(&A {
            zeta: 1,
            alpha: amount,
            name: "l'« été »\n",
        })
        .unwrap();
        let b = to_string(&B {
            name: "l'« été »\n",
            alpha: amount,
            zeta: 1,
        })
        .unwrap();
        assert_eq!(a, b);
        // Strings are normalized texts: the trailing line end goes.
        assert_eq!(a, r#"{"alpha":"536055.5","name":"l'« été »","zeta":1}"#);
        assert!(to_string(&1.5f64).is_err());
        let mut m = BTreeMap::new();
        m.insert(2023, 1);
        m.insert(2022, 2);
        assert_eq!(to_string(&m).unwrap(), r#"{"2022":2,"2023":1}"#);
    }
}
