//! A text column read without materialising its strings: plain (`Utf8`) or
//! dictionary-encoded (`Dictionary(Int32, Utf8)`, as Parquet files of categories hold
//! device and unit names), so that what is derived from a name (a device's index, a unit's
//! factor) is derived once per dictionary value, not once per row.

use arrow_array::cast::AsArray as _;
use arrow_array::types::Int32Type;
use arrow_array::{Array, ArrayRef, Int32Array, RecordBatch, StringArray};
use arrow_schema::DataType;

use crate::Problem;

/// The column `name` of `batch`, as plain or dictionary text; `None` when it has none.
pub(crate) fn column(batch: &RecordBatch, name: &str) -> Result<Option<ArrayRef>, Vec<Problem>> {
    let Some(column) = batch.column_by_name(name) else {
        return Ok(None);
    };
    let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let target = match column.data_type() {
        DataType::Utf8 => return Ok(Some(column.clone())),
        DataType::Dictionary(k, v) if **k == DataType::Int32 && **v == DataType::Utf8 => {
            return Ok(Some(column.clone()));
        }
        DataType::Dictionary(..) => dict,
        _ => DataType::Utf8,
    };
    arrow_cast::cast(column, &target)
        .map(Some)
        .map_err(|e| vec![Problem::file(format!("column `{name}` is not text: {e}"))])
}

/// A text column with what is derived from each of its values (a device's index, a unit's
/// factor): for dictionary text, derived once per dictionary value, up front; for plain
/// text, once per run of equal values (rows of the same unit or device follow one another).
pub(crate) enum Resolved<'a, T> {
    Plain {
        array: &'a StringArray,
        last: Option<(&'a str, T)>,
    },
    Dict {
        keys: &'a Int32Array,
        values: &'a StringArray,
        derived: Vec<T>,
    },
}

impl<'a, T: Clone> Resolved<'a, T> {
    /// The column as [`column`] returned it; for dictionary text, `derive` runs on each value.
    pub(crate) fn of(array: &'a ArrayRef, mut derive: impl FnMut(&str) -> T) -> Resolved<'a, T> {
        match array.as_dictionary_opt::<Int32Type>() {
            Some(d) => {
                let values = d.values().as_string::<i32>();
                let derived = (0..values.len()).map(|k| derive(values.value(k))).collect();
                Resolved::Dict {
                    keys: d.keys(),
                    values,
                    derived,
                }
            }
            None => Resolved::Plain {
                array: array.as_string::<i32>(),
                last: None,
            },
        }
    }

    /// Row `i`'s derived value; `None` when null. Called for every row of a batch.
    #[inline(always)]
    pub(crate) fn get(&mut self, i: usize, derive: impl FnOnce(&str) -> T) -> Option<T> {
        match self {
            Resolved::Plain { array, last } => {
                if array.null_count() > 0 && array.is_null(i) {
                    return None;
                }
                let text: &'a str = array.value(i);
                if let Some((seen, value)) = last
                    && *seen == text
                {
                    return Some(value.clone());
                }
                let value = derive(text);
                *last = Some((text, value.clone()));
                Some(value)
            }
            Resolved::Dict {
                keys,
                values,
                derived,
            } => {
                if keys.null_count() > 0 && keys.is_null(i) {
                    return None;
                }
                let k = usize::try_from(keys.values()[i]).ok()?;
                let value = derived.get(k)?;
                (values.null_count() == 0 || !values.is_null(k)).then(|| value.clone())
            }
        }
    }

    /// Row `i`'s text, for a message.
    pub(crate) fn text(&self, i: usize) -> &'a str {
        match self {
            Resolved::Plain { array, .. } => array.value(i),
            Resolved::Dict { keys, values, .. } => usize::try_from(keys.value(i))
                .ok()
                .filter(|&k| k < values.len())
                .map_or("", |k| values.value(k)),
        }
    }
}
