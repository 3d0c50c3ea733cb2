//! Serialising uncertain quantities in the forms people write and [`super::de`] reads
//! back: the quantity alone when certain, else a table (`{ value, gsd }`, `{ mean, sd }`,
//! `{ min, mode, max }`, `{ min, max }`).

use serde::ser::SerializeMap as _;

use super::{Distribution, UncertainQuantity};
use crate::quantity::Quantity;

impl serde::Serialize for UncertainQuantity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(distribution) = self.distribution else {
            return self.quantity.serialize(serializer);
        };
        let same = |v: f64| Quantity::new(v, self.quantity.unit().clone());
        let member = |v: f64| same(v).map_err(serde::ser::Error::custom);
        let mut map = serializer.serialize_map(None)?;
        match distribution {
            Distribution::Lognormal { gsd } => {
                map.serialize_entry("value", &self.quantity)?;
                map.serialize_entry("gsd", &gsd)?;
            }
            Distribution::Normal { sd } => {
                map.serialize_entry("mean", &self.quantity)?;
                map.serialize_entry("sd", &member(sd)?)?;
            }
            Distribution::Triangular { min, max } => {
                map.serialize_entry("min", &member(min)?)?;
                map.serialize_entry("mode", &self.quantity)?;
                map.serialize_entry("max", &member(max)?)?;
            }
            Distribution::Uniform { min, max } => {
                map.serialize_entry("min", &member(min)?)?;
                map.serialize_entry("max", &member(max)?)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_reads_back_as_written() {
        for text in [
            "\"700 W\"",
            "0.4",
            "{ value = \"0.41 kg/kWh\", gsd = 1.2 }",
            "\"700 W ± 10 %\"",
            "{ min = \"600 W\", mode = \"700 W\", max = \"750 W\" }",
            "{ min = 0.3, max = 0.5 }",
            "{ min = 0.3, mode = 0.4, max = 0.55 }",
        ] {
            let doc = format!("q = {text}");
            #[derive(serde::Deserialize, serde::Serialize)]
            struct Doc {
                q: UncertainQuantity,
            }
            let read: Doc = toml::from_str(&doc).expect("reads");
            let json = serde_json::to_string(&read).expect("writes");
            let again: Doc = serde_json::from_str(&json).expect("reads back");
            assert_eq!(again.q, read.q, "{text} → {json}");
        }
    }
}
