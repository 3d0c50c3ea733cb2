//! Places as people write them in other tools' files ("Stockholm, Sweden", "Brooklyn, NY,
//! USA", "france", "FRA") read as a bilan region only when the reading is certain, and
//! regions written back as names ("Quebec, Canada").
//!
//! A country is an ISO 3166 name (case ignored, with or without its parenthesised
//! qualifier when that leaves one country: "Iran", "Netherlands"), an alpha-3 code, a few
//! common English names ("USA", "United States", "UK", "Russia", "South Korea"…), or an
//! alpha-2 code when it is the whole text: in "San Francisco, CA" the `CA` is California,
//! not Canada, so a two-letter part of a longer text is never read as a country. Parts
//! before the country are matched against its ISO 3166-2 subdivisions, by name or code
//! ("Quebec" or "QC", "NY"); a name two subdivisions share is not used.

use bilan_core::region::Region;
use rust_iso3166::CountryCode;
use rust_iso3166::iso3166_2::Subdivision;

/// English names that are not ISO 3166 short names, with the alpha-2 code they name.
const ALIASES: [(&str, &str); 17] = [
    ("united states", "US"),
    ("united states of america", "US"),
    ("united kingdom", "GB"),
    ("uk", "GB"),
    ("great britain", "GB"),
    ("russia", "RU"),
    ("south korea", "KR"),
    ("republic of korea", "KR"),
    ("north korea", "KP"),
    ("vietnam", "VN"),
    ("czech republic", "CZ"),
    ("turkey", "TR"),
    ("the netherlands", "NL"),
    ("holland", "NL"),
    ("taiwan", "TW"),
    ("iran", "IR"),
    ("bolivia", "BO"),
];

/// The region `text` names, when certain: a country, or one of its subdivisions when a part
/// before the country names one. `None` when no country can be read for certain.
pub fn region(text: &str) -> Option<Region> {
    let parts: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let (last, before) = parts.split_last()?;
    if before.is_empty() {
        if last.eq_ignore_ascii_case("world") || last.eq_ignore_ascii_case("global") {
            return Some(Region::world());
        }
        let c = country(last, true)?;
        return Region::parse(c.alpha2).ok();
    }
    let c = country(last, false)?;
    for part in before.iter().rev() {
        if let Some(sub) = subdivision(&c, part)
            && let Ok(r) = Region::parse(sub.code)
        {
            return Some(r);
        }
    }
    Region::parse(c.alpha2).ok()
}

/// The country `text` names: an ISO name, an alias, an alpha-3 code, or (when `alpha2` is
/// allowed, i.e. the code is the whole text) an alpha-2 code.
pub fn country(text: &str, alpha2: bool) -> Option<CountryCode> {
    let t = text.trim();
    let lower = t.to_lowercase();
    if alpha2 && t.len() == 2 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        return rust_iso3166::from_alpha2(&t.to_ascii_uppercase());
    }
    if t.len() == 3
        && t.chars().all(|c| c.is_ascii_alphabetic())
        && let Some(c) = rust_iso3166::from_alpha3(&t.to_ascii_uppercase())
    {
        return Some(c);
    }
    if let Some(c) = rust_iso3166::ALL
        .iter()
        .find(|c| c.name.to_lowercase() == lower)
    {
        return Some(*c);
    }
    if let Some((_, code)) = ALIASES.iter().find(|(name, _)| *name == lower) {
        return rust_iso3166::from_alpha2(code);
    }
    // "Netherlands" for "Netherlands (Kingdom of the)", when no other name shares the stem.
    let mut stems = rust_iso3166::ALL
        .iter()
        .filter(|c| c.name.split(" (").next().map(str::to_lowercase) == Some(lower.clone()));
    match (stems.next(), stems.next()) {
        (Some(c), None) => Some(*c),
        _ => None,
    }
}

/// The subdivision of `country` that `part` names, by name or code, when one only does.
fn subdivision(country: &CountryCode, part: &str) -> Option<Subdivision> {
    let subs = country.subdivisions()?;
    let lower = part.trim().to_lowercase();
    let mut found = subs.iter().filter(|s| {
        s.name.to_lowercase() == lower
            || (part.len() >= 2 && s.region_code.eq_ignore_ascii_case(part.trim()))
    });
    match (found.next(), found.next()) {
        (Some(s), None) => Some(*s),
        _ => None,
    }
}

/// The subdivision of the country `region` that `part` names ("virginia", "QC"), when one
/// only does.
pub fn within(region: &Region, part: &str) -> Option<Region> {
    let country = rust_iso3166::from_alpha2(region.code())?;
    subdivision(&country, part).and_then(|s| Region::parse(s.code).ok())
}

/// The name of a region as a place: "France", "Quebec, Canada"; `None` for the world.
pub fn name(region: &Region) -> Option<String> {
    let code = region.code();
    if region.is_world() {
        return None;
    }
    if let Some(sub) = rust_iso3166::iso3166_2::from_code(code) {
        let country = rust_iso3166::from_alpha2(sub.country_code)?;
        return Some(format!("{}, {}", sub.name, country.name));
    }
    rust_iso3166::from_alpha2(code).map(|c| c.name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Option<String> {
        region(text).map(|r| r.code().to_owned())
    }

    #[test]
    fn countries_and_subdivisions_are_read_only_when_certain() {
        assert_eq!(code("France").as_deref(), Some("FR"));
        assert_eq!(code("france").as_deref(), Some("FR"));
        assert_eq!(code("FRA").as_deref(), Some("FR"));
        assert_eq!(code("FR").as_deref(), Some("FR"));
        assert_eq!(code("Stockholm, Sweden").as_deref(), Some("SE"));
        assert_eq!(code("Quebec, Canada").as_deref(), Some("CA-QC"));
        assert_eq!(code("Brooklyn, NY, USA").as_deref(), Some("US-NY"));
        assert_eq!(code("Netherlands").as_deref(), Some("NL"));
        assert_eq!(code("United States").as_deref(), Some("US"));
        assert_eq!(code("World").as_deref(), Some("WORLD"));
        // California, not Canada: a two-letter part of a longer text is not a country.
        assert_eq!(code("San Francisco, CA"), None);
        assert_eq!(code("us-east-1"), None);
        assert_eq!(
            code("Korea (Democratic People's Republic of)").as_deref(),
            Some("KP")
        );
        assert_eq!(code(""), None);
        assert_eq!(code("somewhere"), None);
    }

    #[test]
    fn regions_are_written_back_as_names_that_read_the_same() {
        for c in ["FR", "SE", "CA-QC", "US-NY", "US-VA", "KR", "GB"] {
            let r = Region::parse(c).expect("region");
            let n = name(&r).expect("a name");
            assert_eq!(code(&n).as_deref(), Some(c), "{n}");
        }
        assert_eq!(name(&Region::world()), None);
    }
}
