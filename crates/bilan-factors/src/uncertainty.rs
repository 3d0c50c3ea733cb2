//! The uncertainty assumed for a factor whose source publishes none: a data-quality pedigree
//! chosen by what the factor is and how it was obtained, turned into a lognormal by the
//! ecoinvent v3 pedigree variances with a basic GSD of 1.05 (`docs/uncertainty.md`). Every
//! use of such a default is listed as an assumption in the report.

use bilan_core::factor::{Basis, Factor, Quality};
use bilan_units::{DEFAULT_BASIC_GSD, Distribution, Pedigree};

/// The pedigree assumed for `f` (reliability, completeness, temporal, geographical,
/// technological) and why.
pub fn assumed_pedigree(f: &Factor) -> ([u8; 5], &'static str) {
    let (mut scores, why) = match (f.subject.split('/').next().unwrap_or(""), f.basis) {
        ("electricity", _) => (
            [2, 2, 1, 1, 2],
            "a national annual average of a published dataset",
        ),
        ("hardware", Basis::VendorPcfIso14067) => (
            [2, 3, 2, 3, 3],
            "a vendor's product carbon footprint for one product, allocated per device",
        ),
        ("hardware", Basis::TeardownLca) => (
            [2, 3, 2, 3, 3],
            "a teardown LCA of one sample of the product",
        ),
        ("hardware", _) => (
            [3, 3, 2, 3, 4],
            "a parametric model of the product, not a measurement of it",
        ),
        ("datacentre", _) => (
            [2, 3, 2, 3, 3],
            "a fleet or industry average, applied to one site",
        ),
        _ => ([3, 3, 3, 3, 3], "no uncertainty published"),
    };
    // What the database itself doubts is less reliable.
    scores[0] = match f.quality {
        Quality::Ok => scores[0],
        Quality::Unverified => scores[0].max(3),
        Quality::Suspect => scores[0].max(4),
    };
    (scores, why)
}

/// The distribution of `f`: the one its source gives, else the assumed pedigree's lognormal
/// with the reason (`Some`) it was assumed.
pub fn distribution(f: &Factor) -> (Distribution, Option<String>) {
    if let Some(d) = f.distribution {
        return (d, None);
    }
    let (scores, why) = assumed_pedigree(f);
    let gsd = Pedigree::parse(&scores.map(i64::from))
        .map(|p| p.gsd(DEFAULT_BASIC_GSD))
        .unwrap_or(DEFAULT_BASIC_GSD);
    let [r, c, t, g, tech] = scores;
    (
        Distribution::Lognormal { gsd },
        Some(format!(
            "no uncertainty published: pedigree ({r},{c},{t},{g},{tech}) assumed for {why} (docs/uncertainty.md)"
        )),
    )
}
