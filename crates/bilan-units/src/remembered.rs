//! Values already parsed, by their text, up to a bound (so hostile input cannot grow it).
//! Units use it per thread: an inventory writes the same few units a million times, and a
//! known one costs a lookup and a copy instead of a parse. Errors are not remembered: they
//! name their context. The map hashes with `rustc-hash`: the texts are short and a lookup
//! is on the path of every quantity read, where SipHash cost more than the lookup itself; the map is bounded, so a
//! hostile file cannot flood it.

use rustc_hash::FxHashMap;

/// Up to `max` values, by the text they were parsed from.
pub(crate) struct Remembered<T> {
    parsed: FxHashMap<Box<str>, T>,
    max: usize,
}

impl<T: Clone> Remembered<T> {
    /// Empty, remembering at most `max` values.
    pub(crate) fn new(max: usize) -> Remembered<T> {
        Remembered {
            parsed: FxHashMap::default(),
            max,
        }
    }

    /// The value of `text`, if remembered.
    pub(crate) fn get(&self, text: &str) -> Option<T> {
        self.parsed.get(text).cloned()
    }

    /// Remembers `value` as the value of `text`, while there is room.
    pub(crate) fn keep(&mut self, text: &str, value: &T) {
        if self.parsed.len() < self.max {
            self.parsed.insert(text.into(), value.clone());
        }
    }
}
