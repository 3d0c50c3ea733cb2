//! The JSON writer of reports: the text serde_json writes with [`SafeFormatter`], byte for
//! byte (tests hold it), faster where a report of the full audit trail spends its time.
//!
//! That report is mostly short keys and strings on indented lines: 6 million strings for
//! 10,000 workloads. serde_json reads every byte of every string (and key) against its table
//! of escapes, then hands the runs to the formatter, which checks them again: about 200
//! instructions a string. Here a string with nothing to escape (printable ASCII without a
//! quote or backslash, found eight bytes at a time, or other text without a character to
//! escape) is written at once, and a key with its colon; every other string, and every
//! number, `null` and boolean, is written by serde_json itself, with the same formatter.
//! What is written by hand is only the layout: brackets, commas, line breaks and
//! indentation, as serde_json's `PrettyFormatter` writes them, into a buffer made for pieces
//! of a few bytes ([`Out`]).

use std::io::Write;

use serde::ser::{self, Serialize};
use serde_json::Error;

use super::out::Out;
use super::{SafeFormatter, plain, plain_text};

/// Writes values as pretty JSON to `W`, at the depth of the value being written, through a
/// buffer ([`Out`]): [`Pretty::finish`] hands the rest of the text to `W`.
pub(crate) struct Pretty<W: Write> {
    out: Out<W>,
    depth: usize,
    /// The field and variant names found plain, by address and length
    /// ([`Pretty::known_plain`]).
    fields: [(usize, usize); FIELD_SLOTS],
}

/// How many field names [`Pretty`] knows by address: a report's structs name a few hundred
/// fields, and a trail repeats the twenty of a contribution a million times.
const FIELD_SLOTS: usize = 256;

impl<W: Write> Pretty<W> {
    pub(crate) fn new(w: W) -> Pretty<W> {
        Pretty {
            out: Out::new(w),
            depth: 0,
            fields: [(0, 0); FIELD_SLOTS],
        }
    }

    /// Writes `bytes` as they are, between values (a final line break).
    pub(crate) fn write_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.put(bytes)
    }

    /// Hands the rest of the text to `W` and flushes it; returns the bytes written.
    pub(crate) fn finish(mut self) -> std::io::Result<usize> {
        self.out.finish()?;
        Ok(self.out.bytes())
    }

    /// serde_json's serializer on the same buffer: for the strings and numbers written as
    /// serde_json writes them, none of which reads the depth (bytes, a list, are laid out
    /// here).
    fn json(&mut self) -> serde_json::Serializer<&mut Out<W>, SafeFormatter> {
        serde_json::Serializer::with_formatter(&mut self.out, SafeFormatter::default())
    }

    fn string(&mut self, s: &str) -> Result<(), Error> {
        if plain(s.as_bytes()) || plain_text(s) {
            self.plain_quoted(s, b"\"")
        } else {
            ser::Serializer::serialize_str(&mut self.json(), s)
        }
    }

    #[inline]
    fn raw(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.out.put(bytes).map_err(Error::io)
    }

    /// The line break (after a comma unless `first`) and indentation before an element.
    #[inline]
    fn line(&mut self, first: bool) -> Result<(), Error> {
        self.out.line(first, self.depth).map_err(Error::io)
    }

    /// Opens a list or an object with `bracket`.
    fn open(&mut self, bracket: &[u8]) -> Result<Compound<'_, W>, Error> {
        self.raw(bracket)?;
        self.depth += 1;
        Ok(Compound {
            ser: self,
            first: true,
        })
    }

    /// `{` and a key, for a variant written as an object of one key.
    fn variant(&mut self, variant: &'static str) -> Result<(), Error> {
        self.raw(b"{")?;
        self.depth += 1;
        self.line(true)?;
        self.key(variant)
    }

    /// The end of [`Pretty::variant`]'s object.
    fn end_variant(&mut self) -> Result<(), Error> {
        self.depth -= 1;
        self.line(true)?;
        self.raw(b"}")
    }

    /// A struct's field name, with its colon: as [`Pretty::key`], but a name is `'static`
    /// text the program holds (its bytes never change), so once found plain it is known by
    /// its address and length, and not read again for every contribution of the trail.
    fn field(&mut self, name: &'static str) -> Result<(), Error> {
        if !self.known_plain(name) {
            return self.key(name);
        }
        self.plain_quoted(name, b"\": ")
    }

    /// An enum variant's name as a string value (an indicator, a stage): `'static` too, and
    /// known by its address as [`Pretty::field`] knows field names.
    fn variant_name(&mut self, name: &'static str) -> Result<(), Error> {
        if !self.known_plain(name) {
            return self.string(name);
        }
        self.plain_quoted(name, b"\"")
    }

    /// `"`, `name` (plain: nothing to escape), and `close` (the closing quote, with a key's
    /// colon).
    fn plain_quoted(&mut self, name: &str, close: &[u8]) -> Result<(), Error> {
        self.raw(b"\"")?;
        self.raw(name.as_bytes())?;
        self.raw(close)
    }

    /// Whether `name` is plain ([`plain`]): read once, then known by its address and
    /// length (a `'static` text's bytes never change).
    fn known_plain(&mut self, name: &'static str) -> bool {
        let id = (name.as_ptr() as usize, name.len());
        let slot = (id.0 >> 3 ^ id.1.rotate_left(7)) % FIELD_SLOTS;
        if self.fields[slot] == id {
            return true;
        }
        let plain = plain(name.as_bytes());
        if plain {
            self.fields[slot] = id;
        }
        plain
    }

    /// A key and its colon.
    fn key(&mut self, key: &str) -> Result<(), Error> {
        if plain(key.as_bytes()) {
            self.plain_quoted(key, b"\": ")
        } else {
            self.string(key)?;
            self.raw(b": ")
        }
    }
}

/// A list or an object being written.
pub(crate) struct Compound<'a, W: Write> {
    ser: &'a mut Pretty<W>,
    /// No element written yet.
    first: bool,
}

impl<'a, W: Write> Compound<'a, W> {
    /// The line an element (or a key) starts.
    fn next(&mut self) -> Result<(), Error> {
        self.ser.line(self.first)?;
        self.first = false;
        Ok(())
    }

    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.next()?;
        value.serialize(&mut *self.ser)
    }

    /// Closes the list or object with `bracket`; the writer, for a variant's to close next.
    fn close(self, bracket: &[u8]) -> Result<&'a mut Pretty<W>, Error> {
        self.ser.depth -= 1;
        if !self.first {
            self.ser.line(true)?;
        }
        self.ser.raw(bracket)?;
        Ok(self.ser)
    }
}

macro_rules! as_serde_json {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $method(self, $($arg: $ty),*) -> Result<(), Error> {
            ser::Serializer::$method(&mut self.json(), $($arg),*)
        })*
    };
}

impl<'a, W: Write> ser::Serializer for &'a mut Pretty<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    as_serde_json! {
        serialize_bool(v: bool);
        serialize_i8(v: i8);
        serialize_i16(v: i16);
        serialize_i32(v: i32);
        serialize_i64(v: i64);
        serialize_i128(v: i128);
        serialize_u8(v: u8);
        serialize_u16(v: u16);
        serialize_u32(v: u32);
        serialize_u64(v: u64);
        serialize_u128(v: u128);
        serialize_f32(v: f32);
        serialize_f64(v: f64);
        serialize_char(v: char);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(name: &'static str);
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v)
    }

    /// A list of numbers, as serde_json writes bytes, laid out here like any list.
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut list = self.open(b"[")?;
        for b in v {
            list.element(b)?;
        }
        list.close(b"]").map(drop)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.variant_name(variant)
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.variant(variant)?;
        value.serialize(&mut *self)?;
        self.end_variant()
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.open(b"[")
    }

    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a, W>, Error> {
        self.open(b"[")
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.open(b"[")
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.variant(variant)?;
        self.open(b"[")
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.open(b"{")
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a, W>, Error> {
        self.open(b"{")
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.variant(variant)?;
        self.open(b"{")
    }
}

/// The lists: their elements, then `]`; a tuple variant's, then its object's `}`.
macro_rules! lists {
    ($($list:ident::$element:ident => $end:expr;)*) => {
        $(impl<W: Write> ser::$list for Compound<'_, W> {
            type Ok = ();
            type Error = Error;

            fn $element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }

            fn end(self) -> Result<(), Error> {
                let end: fn(&mut Pretty<W>) -> Result<(), Error> = $end;
                end(self.close(b"]")?)
            }
        })*
    };
}

lists! {
    SerializeSeq::serialize_element => |_| Ok(());
    SerializeTuple::serialize_element => |_| Ok(());
    SerializeTupleStruct::serialize_field => |_| Ok(());
    SerializeTupleVariant::serialize_field => Pretty::end_variant;
}

impl<W: Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        self.next()?;
        key.serialize(MapKey(&mut *self.ser))
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.ser.raw(b": ")?;
        value.serialize(&mut *self.ser)
    }

    fn end(self) -> Result<(), Error> {
        self.close(b"}").map(drop)
    }
}

impl<W: Write> ser::SerializeStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.next()?;
        self.ser.field(key)?;
        value.serialize(&mut *self.ser)
    }

    fn end(self) -> Result<(), Error> {
        self.close(b"}").map(drop)
    }
}

impl<W: Write> ser::SerializeStructVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }

    fn end(self) -> Result<(), Error> {
        self.close(b"}")?.end_variant()
    }
}

/// A map's key, written as serde_json writes keys: a string as a string, a number or a
/// boolean in quotes, anything else refused.
struct MapKey<'a, W: Write>(&'a mut Pretty<W>);

impl<W: Write> MapKey<'_, W> {
    /// `write`'s text in quotes.
    fn quoted(self, write: impl FnOnce(&mut Pretty<W>) -> Result<(), Error>) -> Result<(), Error> {
        self.0.raw(b"\"")?;
        write(&mut *self.0)?;
        self.0.raw(b"\"")
    }
}

fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

macro_rules! quoted_key {
    ($($method:ident($ty:ty);)*) => {
        $(fn $method(self, v: $ty) -> Result<(), Error> {
            self.quoted(|p| ser::Serializer::$method(&mut p.json(), v))
        })*
    };
}

macro_rules! refused_key {
    ($($method:ident($($arg:ident: $ty:ty),*) -> $ok:ty;)*) => {
        $(fn $method(self, $(_: $ty),*) -> Result<$ok, Error> {
            Err(key_must_be_a_string())
        })*
    };
}

impl<W: Write> ser::Serializer for MapKey<'_, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    quoted_key! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_i128(i128);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_u128(u128);
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        if !v.is_finite() {
            return Err(ser::Error::custom(
                "float key must be finite (got NaN or +/-inf)",
            ));
        }
        self.quoted(|p| ser::Serializer::serialize_f64(&mut p.json(), v))
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.string(v)
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.0.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.string(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _value: &T) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    refused_key! {
        serialize_bytes(v: &[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(name: &'static str) -> ();
        serialize_seq(len: Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(len: usize) -> Self::SerializeTuple;
        serialize_tuple_struct(name: &'static str, len: usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeTupleVariant;
        serialize_map(len: Option<usize>) -> Self::SerializeMap;
        serialize_struct(name: &'static str, len: usize) -> Self::SerializeStruct;
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeStructVariant;
    }
}

#[cfg(test)]
mod tests;
