//! The canonical units results and inputs are converted to, parsed once.

use std::sync::LazyLock;

pub use bilan_units::{Dimension, Quantity, Unit, UnitError};

macro_rules! canonical {
    ($($name:ident = $symbol:literal;)*) => {$(
        #[doc = concat!("The unit `", $symbol, "`.")]
        pub static $name: LazyLock<Unit> = LazyLock::new(|| {
            Unit::parse($symbol).expect(concat!("`", $symbol, "` is in the unit table"))
        });
    )*};
}

canonical! {
    KWH = "kWh";
    KG = "kg";
    M3 = "m3";
    MJ = "MJ";
    HOUR = "h";
    DEVICE_HOUR = "GPU·h";
    WATT = "W";
    KG_PER_KWH = "kg/kWh";
    M3_PER_KWH = "m3/kWh";
    MJ_PER_KWH = "MJ/kWh";
    KWH_PER_KWH = "kWh/kWh";
    KG_PER_DEVICE = "kg/device";
    M3_PER_DEVICE = "m3/device";
    MJ_PER_DEVICE = "MJ/device";
    KWH_PER_DEVICE = "kWh/device";
    L_PER_KWH = "L/kWh";
}

/// Converts `q` to `unit`; the caller has validated the dimension.
pub fn value_in(q: &Quantity, unit: &LazyLock<Unit>) -> Result<f64, UnitError> {
    q.to(unit)
}
