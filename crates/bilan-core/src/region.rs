//! Region codes: `WORLD`, ISO 3166-1 alpha-2 countries (`FR`) and ISO 3166-2 subdivisions
//! (`US-VA`), with the fallback chain used by factor lookup (`US-VA` → `US` → `WORLD`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A validated region code.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
#[schemars(
    description = "`WORLD`, an ISO 3166-1 alpha-2 country code (`FR`) or an ISO 3166-2 subdivision (`US-VA`)"
)]
pub struct Region(String);

/// Why a region code was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown region `{code}`: expected `WORLD`, an ISO 3166-1 alpha-2 country code (e.g. `FR`) or an ISO 3166-2 subdivision (e.g. `US-VA`){hint}"
)]
pub struct RegionError {
    /// The code as written.
    pub code: String,
    hint: String,
}

impl Region {
    /// The world as a whole, the last step of every fallback chain.
    pub const WORLD_CODE: &'static str = "WORLD";

    /// The world region.
    pub fn world() -> Region {
        Region(Self::WORLD_CODE.to_owned())
    }

    /// Parses and validates a region code (case-sensitive, as ISO writes them).
    pub fn parse(code: &str) -> Result<Region, RegionError> {
        let refuse = |hint: String| RegionError {
            code: code.to_owned(),
            hint,
        };
        if code == Self::WORLD_CODE {
            return Ok(Region::world());
        }
        if code.len() == 2 {
            return match rust_iso3166::from_alpha2(code) {
                Some(_) => Ok(Region(code.to_owned())),
                None => match rust_iso3166::from_alpha2(&code.to_ascii_uppercase()) {
                    Some(_) => Err(refuse(format!(
                        "; did you mean `{}`?",
                        code.to_ascii_uppercase()
                    ))),
                    None => Err(refuse(String::new())),
                },
            };
        }
        if code.len() == 3
            && let Some(c) = rust_iso3166::from_alpha3(&code.to_ascii_uppercase())
        {
            return Err(refuse(format!(
                "; `{code}` looks like an alpha-3 code, write `{}`",
                c.alpha2
            )));
        }
        if code.contains('-') {
            return match rust_iso3166::iso3166_2::from_code(code) {
                Some(_) => Ok(Region(code.to_owned())),
                None => Err(refuse(String::new())),
            };
        }
        Err(refuse(String::new()))
    }

    /// Maps an ISO 3166-1 alpha-3 code (as in the bundled datasets) to a region; `WOR` is the world.
    pub fn from_alpha3(code: &str) -> Option<Region> {
        if code == "WOR" || code == "WORLD" {
            return Some(Region::world());
        }
        rust_iso3166::from_alpha3(code).map(|c| Region(c.alpha2.to_owned()))
    }

    /// The code as written in files.
    pub fn code(&self) -> &str {
        &self.0
    }

    /// Whether this is the world region.
    pub fn is_world(&self) -> bool {
        self.0 == Self::WORLD_CODE
    }

    /// The enclosing region: a subdivision's country, a country's world; `None` for the world.
    pub fn parent(&self) -> Option<Region> {
        if self.is_world() {
            None
        } else if let Some((country, _)) = self.0.split_once('-') {
            Some(Region(country.to_owned()))
        } else {
            Some(Region::world())
        }
    }

    /// This region followed by its ancestors: `US-VA`, `US`, `WORLD`.
    pub fn fallback_chain(&self) -> Vec<Region> {
        let mut chain = vec![self.clone()];
        while let Some(parent) = chain.last().and_then(Region::parent) {
            chain.push(parent);
        }
        chain
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Region {
    type Err = RegionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::parse(s)
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Region::parse(&code).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_countries_subdivisions_and_world() {
        assert_eq!(
            Region::parse("FR").map(|r| r.code().to_owned()),
            Ok("FR".to_owned())
        );
        assert_eq!(
            Region::parse("US-VA").map(|r| r.code().to_owned()),
            Ok("US-VA".to_owned())
        );
        assert!(Region::parse("WORLD").is_ok_and(|r| r.is_world()));
    }

    #[test]
    fn refuses_unknown_codes_with_hints() {
        let err = Region::parse("FRA").unwrap_err().to_string();
        assert!(err.contains("write `FR`"), "{err}");
        let err = Region::parse("fr").unwrap_err().to_string();
        assert!(err.contains("did you mean `FR`"), "{err}");
        assert!(Region::parse("US-ZZ").is_err());
        assert!(Region::parse("XX").is_err());
    }

    #[test]
    fn fallback_chain_goes_to_the_world() {
        let chain: Vec<String> = Region::parse("US-VA")
            .map(|r| {
                r.fallback_chain()
                    .iter()
                    .map(|r| r.code().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(chain, ["US-VA", "US", "WORLD"]);
        assert_eq!(
            Region::from_alpha3("FRA").map(|r| r.code().to_owned()),
            Some("FR".to_owned())
        );
        assert!(Region::from_alpha3("WOR").is_some_and(|r| r.is_world()));
    }
}
