//! Hardware descriptions other tools write ("NVIDIA H100 80GB HBM3", "4 x NVIDIA
//! A100-SXM4-40GB", "AMD EPYC 7B13") mapped to catalogue ids, only when the match is
//! certain: the exact name a driver reports for one catalogued device. Anything else is
//! left unmapped, and the importer says so.

use bilan_hardware::Catalogue;

/// A description read: how many devices it names, and the name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Described {
    /// Devices counted in the description (`4 x …`), 1 when it gives no count.
    pub count: u32,
    /// The device name, trimmed.
    pub name: String,
}

/// Reads `"4 x NVIDIA A100-SXM4-40GB"`, `"NVIDIA H100 80GB HBM3"`; `None` for an empty
/// text or one naming several different devices (`"1 x A, 1 x B"`).
pub fn describe(text: &str) -> Option<Described> {
    let parts: Vec<Described> = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once(" x ") {
            Some((n, name)) if n.trim().parse::<u32>().is_ok() => Described {
                count: n.trim().parse().unwrap_or(1),
                name: name.trim().to_owned(),
            },
            _ => Described {
                count: 1,
                name: p.to_owned(),
            },
        })
        .collect();
    let first = parts.first()?.clone();
    if parts.iter().any(|p| p.name != first.name) {
        return None;
    }
    Some(Described {
        count: parts.iter().map(|p| p.count).sum(),
        name: first.name,
    })
}

/// The catalogue id of the device `text` describes, when certain.
pub fn identify(text: &str, catalogue: &Catalogue) -> Option<(String, u32)> {
    let d = describe(text)?;
    catalogue
        .identify(&d.name)
        .map(|dev| (dev.id.clone(), d.count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_certain_matches_map() {
        let c = Catalogue::embedded().expect("catalogue");
        assert_eq!(
            identify("4 x NVIDIA A100-SXM4-40GB", c),
            Some(("nvidia-a100-sxm-40gb".to_owned(), 4))
        );
        assert_eq!(
            identify("NVIDIA H100 80GB HBM3", c),
            Some(("nvidia-h100-sxm-80gb".to_owned(), 1))
        );
        assert_eq!(
            identify("1 x NVIDIA H100 80GB HBM3, 1 x NVIDIA H100 80GB HBM3", c),
            Some(("nvidia-h100-sxm-80gb".to_owned(), 2))
        );
        assert_eq!(identify("1 x NVIDIA L4, 1 x NVIDIA T4", c), None);
        assert_eq!(identify("NVIDIA H100", c), None);
        assert_eq!(identify("AMD EPYC 7B13", c), None);
        assert_eq!(identify("", c), None);
    }
}
