//! The walk key by key must give every pair the divergences the walk pair by pair gives,
//! bit for bit: when the methods' orders of keys agree, when B has keys A lacks, when a side
//! has several contributions for a key, and (walked pair by pair then) when they disagree.

use bilan_core::assessment::Assessment;
use bilan_core::method::Descriptor;

use super::{decompose_groups, decompose_pairs, walk_keyed};
use crate::divergence::index::tests::assessments;
use crate::divergence::{Index, ItemIds, decompose, pairs};

/// How the assessments are changed before they are indexed.
#[derive(Clone, Copy, Debug)]
enum Change {
    None,
    /// Every third contribution of the first method dropped: B has keys A lacks.
    DropFromFirst,
    /// A contribution of the second method given again: a side with several.
    Twice,
    /// The second method's contributions in reverse: the orders disagree.
    Reversed,
}

fn changed(
    mut all: Vec<(Descriptor, Assessment)>,
    change: Change,
) -> Vec<(Descriptor, Assessment)> {
    match change {
        Change::None => {}
        Change::DropFromFirst => {
            let mut n = 0;
            all[0].1.contributions.retain(|c| {
                n += 1;
                c.memo || n % 3 != 0
            });
        }
        Change::Twice => {
            let a = &mut all[1].1;
            let at = a
                .contributions
                .iter()
                .position(|c| !c.memo)
                .expect("a counted one");
            let again = a.contributions[at].clone();
            a.contributions.push(again);
        }
        Change::Reversed => all[1].1.contributions.reverse(),
    }
    all
}

/// Divergences as text: `Debug` writes each figure so that it reads back to the same bits.
fn text(d: &[Vec<crate::divergence::Divergence>]) -> Vec<String> {
    d.iter().map(|d| format!("{d:?}")).collect()
}

#[test]
fn every_pair_gets_the_divergences_of_its_own_walk_bit_for_bit() {
    for example in [
        "llama-3.1.toml",
        "mistral-large-2-illustrative.toml",
        "olmo-2.toml",
        "gpu-cluster-purchase.toml",
    ] {
        for change in [
            Change::None,
            Change::DropFromFirst,
            Change::Twice,
            Change::Reversed,
        ] {
            let original = assessments(example);
            let all = changed(assessments(example), change);
            let ids = ItemIds::of_assessment(Some(&original[0].1));
            let indices: Vec<Index> = all.iter().map(|(d, a)| Index::new(d, a, &ids)).collect();
            let indices: Vec<&Index> = indices.iter().collect();
            let pairs = pairs(indices.len());
            let one_by_one: Vec<_> = pairs
                .iter()
                .map(|&(i, j)| decompose(indices[i], indices[j]))
                .collect();
            let what = format!("{example}, {change:?}");
            assert!(one_by_one.iter().flatten().count() > 0, "{what}");
            let keyed = walk_keyed(&indices, &pairs);
            // Only reversing a method's order makes it disagree with the others.
            assert_eq!(
                keyed.is_none(),
                matches!(change, Change::Reversed),
                "{what}"
            );
            if let Some(keyed) = keyed {
                assert_eq!(text(&keyed), text(&one_by_one), "{what}");
            }
            assert_eq!(
                text(&decompose_pairs(&indices, &pairs)),
                text(&one_by_one),
                "{what}"
            );
            assert_eq!(
                text(&decompose_groups(&indices, &pairs)),
                text(&one_by_one),
                "{what}"
            );
            // A group of some of the pairs, in another order, each walked as on its own.
            let some = [(1, 2), (0, 2)];
            let expected: Vec<_> = some
                .iter()
                .map(|&(i, j)| decompose(indices[i], indices[j]))
                .collect();
            assert_eq!(
                text(&decompose_pairs(&indices, &some)),
                text(&expected),
                "{what}"
            );
        }
    }
}

#[test]
fn no_pairs_no_divergences() {
    let all = assessments("olmo-2.toml");
    let ids = ItemIds::of_assessment(Some(&all[0].1));
    let index = Index::new(&all[0].0, &all[0].1, &ids);
    assert!(decompose_groups(&[&index], &[]).is_empty());
    assert!(decompose_pairs(&[&index], &[]).is_empty());
}
