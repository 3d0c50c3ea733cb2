//! Whether a value read with serde had a key its type does not know, noted without saying
//! where.
//!
//! A piece of a large inventory is read strictly: any unknown key makes the reader give up
//! and read the whole document, whose reading names every unknown key with its path
//! (`serde_ignored`). On the pieces only the yes or no is needed, and `serde_ignored`'s
//! paths cost one string per key read: 8 % of the instructions of `bilan validate` on a JSON
//! inventory of 100,000 workloads. [`Strict`] is the same wrapper without the path: a serde
//! derive skips an unknown key by asking for [`serde::de::IgnoredAny`], which reaches
//! [`Deserializer::deserialize_ignored_any`]; the wrapper notes it, at every depth (through
//! options, lists, maps, enums), exactly where `serde_ignored` calls its callback.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

/// `T` read from `de`, and whether a key was ignored on the way.
pub(super) fn read<'de, T, D>(de: D) -> Result<(T, bool), D::Error>
where
    T: de::Deserialize<'de>,
    D: Deserializer<'de>,
{
    let ignored = Cell::new(false);
    let value = T::deserialize(Strict {
        inner: de,
        ignored: &ignored,
    })?;
    Ok((value, ignored.get()))
}

/// A deserializer, visitor, seed or access that passes everything to `inner`, wrapping what
/// it hands on, and notes in `ignored` a value skipped as unknown.
struct Strict<'f, X> {
    inner: X,
    ignored: &'f Cell<bool>,
}

impl<'f, X> Strict<'f, X> {
    fn wrap<Y>(&self, inner: Y) -> Strict<'f, Y> {
        Strict {
            inner,
            ignored: self.ignored,
        }
    }
}

/// Forwards `deserialize_*` methods, wrapping the visitor.
macro_rules! forward_deserialize {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $name<V: Visitor<'de>>(self $(, $arg: $ty)*, visitor: V) -> Result<V::Value, D::Error> {
            let visitor = self.wrap(visitor);
            self.inner.$name($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<'_, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.ignored.set(true);
        self.inner.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Forwards `visit_*` methods of plain values, which hold nothing to wrap.
macro_rules! forward_visit {
    ($($name:ident($($ty:ty)?);)*) => {$(
        fn $name<E: de::Error>(self $(, v: $ty)?) -> Result<Self::Value, E> {
            self.inner.$name($(forward_visit!(@arg v $ty))?)
        }
    )*};
    (@arg $v:ident $ty:ty) => { $v };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Strict<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
        visit_unit();
        visit_none();
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let d = self.wrap(d);
        self.inner.visit_some(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let d = self.wrap(d);
        self.inner.visit_newtype_struct(d)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let seq = self.wrap(seq);
        self.inner.visit_seq(seq)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let map = self.wrap(map);
        self.inner.visit_map(map)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let data = self.wrap(data);
        self.inner.visit_enum(data)
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Strict<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        let d = self.wrap(d);
        self.inner.deserialize(d)
    }
}

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for Strict<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let seed = self.wrap(seed);
        self.inner.next_element_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Strict<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        // A key is an identifier or a string: nothing in it can be ignored.
        self.inner.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        let seed = self.wrap(seed);
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'f, 'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for Strict<'f, A> {
    type Error = A::Error;
    type Variant = Strict<'f, A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let ignored = self.ignored;
        let (value, variant) = self.inner.variant_seed(seed)?;
        Ok((
            value,
            Strict {
                inner: variant,
                ignored,
            },
        ))
    }
}

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for Strict<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        let seed = self.wrap(seed);
        self.inner.newtype_variant_seed(seed)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        let visitor = self.wrap(visitor);
        self.inner.tuple_variant(len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let visitor = self.wrap(visitor);
        self.inner.struct_variant(fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use bilan_core::inventory::Inventory;
    use serde_json::Value;

    /// What `serde_ignored` says of `value` read as an inventory: whether a key was ignored.
    fn by_serde_ignored(value: &Value) -> Result<bool, String> {
        let mut ignored = false;
        let mut record = |_: serde_ignored::Path<'_>| ignored = true;
        let read: Result<Inventory, _> =
            serde::Deserialize::deserialize(serde_ignored::Deserializer::new(value, &mut record));
        read.map(|_| ignored).map_err(|e| e.to_string())
    }

    fn by_strict(value: &Value) -> Result<bool, String> {
        super::read::<Inventory, _>(value)
            .map(|(_, ignored)| ignored)
            .map_err(|e| e.to_string())
    }

    /// Every object in `value`, by its JSON pointer.
    fn objects(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    objects(
                        v,
                        format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
                out.push(at);
            }
            Value::Array(list) => {
                for (i, v) in list.iter().enumerate() {
                    objects(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn an_unknown_key_is_noted_wherever_serde_ignored_finds_one() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut noted = 0;
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).expect("the bundled examples") {
            let path = entry.expect("an example").path();
            let file = crate::SourceFile::read(&path).expect("a readable example");
            let inventory: Inventory = crate::parse(&file).expect("a valid example");
            let value = serde_json::to_value(&inventory).expect("an inventory as JSON");
            assert_eq!(by_strict(&value), Ok(false), "{}", path.display());
            assert_eq!(by_serde_ignored(&value), Ok(false), "{}", path.display());
            let mut at = Vec::new();
            objects(&value, String::new(), &mut at);
            for pointer in at {
                let mut changed = value.clone();
                let Some(Value::Object(map)) = changed.pointer_mut(&pointer) else {
                    unreachable!("{pointer} is an object");
                };
                map.insert(
                    "zz-unknown".to_owned(),
                    serde_json::json!({"a": [1, {"b": 2}]}),
                );
                let expected = by_serde_ignored(&changed);
                assert_eq!(
                    by_strict(&changed),
                    expected,
                    "{} at {pointer:?}",
                    path.display()
                );
                checked += 1;
                noted += usize::from(expected == Ok(true));
            }
        }
        // Most objects of an inventory are structs: the unknown key must have been seen.
        assert!(noted > 100 && noted * 2 > checked, "{noted} of {checked}");
    }
}
