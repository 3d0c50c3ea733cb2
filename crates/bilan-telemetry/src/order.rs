//! The second check of each row, on the thread that aggregates: a device's rows follow one
//! another in time, none repeated or overlapping. The rows that pass go to the aggregates.

use crate::aggregate::Aggregates;
use crate::problems::Problems;
use crate::rows::{Checked, clip};

/// A device's last interval: start and end (ms) and row (0: none yet).
#[derive(Clone, Copy)]
struct Last {
    start: i64,
    end: i64,
    row: u64,
}

impl Last {
    const NONE: Last = Last {
        start: 0,
        end: 0,
        row: 0,
    };
}

#[derive(Default)]
pub(crate) struct Order {
    /// Per device (by the index the first check gave it), its last row.
    last: Vec<Last>,
    /// Per device, its name.
    names: Vec<std::sync::Arc<str>>,
    pub(crate) problems: Problems,
}

impl Order {
    /// Checks the rows of a batch that passed the first check and adds those that pass to
    /// `acc`, in their order.
    pub(crate) fn take(&mut self, checked: &mut Checked, acc: &mut Aggregates<'_>) {
        self.names.append(&mut checked.devices);
        let capturing = acc.capturing();
        for r in &checked.rows {
            let (device, gap) = match r.device {
                Some(k) => match self.check(k, r.span, r.row) {
                    // The name is read only for `explain --rows`.
                    Some(gap) => (Some((k, if capturing { self.name(k) } else { "" })), gap),
                    None => continue,
                },
                None => (None, false),
            };
            acc.add(r.fleet, r.span, r.kwh, r.row, device, gap);
        }
    }

    fn name(&self, k: u32) -> &str {
        self.names.get(k as usize).map_or("", |n| n)
    }

    /// Checks device `k`'s interval `[start, end)` against its previous one: whether a gap
    /// precedes it; `None` (with the problem recorded) when the row repeats, overlaps or
    /// precedes it.
    #[inline]
    fn check(&mut self, k: u32, (start, end): (i64, i64), row: u64) -> Option<bool> {
        let slot = k as usize;
        if slot >= self.last.len() {
            self.last.resize(slot + 1, Last::NONE);
        }
        let before = self.last[slot];
        // An interval lasts a millisecond at least, so one that starts at or after the
        // previous one's end starts after its start too.
        if before.row != 0 && start < before.end {
            self.refuse(k, before, start, row);
            return None;
        }
        self.last[slot] = Last { start, end, row };
        Some(before.row != 0 && start > before.end)
    }

    /// Records why device `k`'s row at `start` cannot follow its previous one, `before`.
    #[cold]
    fn refuse(&mut self, k: u32, before: Last, start: i64, row: u64) {
        let name = clip(self.name(k));
        let problem = if start == before.start {
            format!("device `{name}`: duplicate of row {}", before.row)
        } else if start < before.start {
            format!(
                "device `{name}`: starts before its row {}: a device's rows must be in time order",
                before.row
            )
        } else {
            format!(
                "device `{name}`: overlaps its row {}, whose interval lasts until {}",
                before.row,
                jiff::Timestamp::from_millisecond(before.end)
                    .map_or_else(|_| before.end.to_string(), |t| t.to_string())
            )
        };
        self.problems.at(row, problem);
    }
}
