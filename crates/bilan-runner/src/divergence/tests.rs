//! The substitution skips the groups that are exactly 1: it must give, bit for bit, what
//! multiplying every group in order gives.

use proptest::prelude::*;

use super::{GROUPS, product, substitute};

/// Sequential substitution as the decomposition defines it: every group multiplied, in order.
fn plain(ga: &[f64; GROUPS], gb: &[f64; GROUPS]) -> (Vec<(usize, u64)>, u64) {
    let all = |g: &[f64; GROUPS]| g.iter().product::<f64>();
    let mut current = *ga;
    let mut previous = all(&current);
    let mut steps = Vec::new();
    for i in 0..GROUPS {
        if current[i] != gb[i] {
            current[i] = gb[i];
            let next = all(&current);
            steps.push((i, (next - previous).to_bits()));
            previous = next;
        }
    }
    (steps, previous.to_bits())
}

/// A group: mostly exactly 1, as in a contribution, else a value of any size or sign.
fn group() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => Just(1.0),
        1 => Just(0.0),
        1 => Just(-0.0),
        4 => -1e6f64..1e6,
        1 => 1e-300f64..1e300,
    ]
}

proptest! {
    #[test]
    fn skipping_the_groups_of_one_changes_no_bit(
        ga in prop::array::uniform::<_, GROUPS>(group()),
        gb in prop::array::uniform::<_, GROUPS>(group()),
    ) {
        let mut steps = Vec::new();
        let last = substitute(&ga, &gb, |i, amount| steps.push((i, amount.to_bits())));
        prop_assert_eq!((steps, last.to_bits()), plain(&ga, &gb));
        prop_assert_eq!(product(&ga).to_bits(), ga.iter().product::<f64>().to_bits());
    }
}
