//! The problems of a telemetry file, each with its row when it has one; each stage of the
//! reader keeps its own, and they are merged in row order.

/// At most this many problems are listed; the rest are counted.
pub const MAX_PROBLEMS: usize = 20;

/// A problem of a telemetry file: its row when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based, the header not counted.
    pub row: Option<u64>,
    pub message: String,
}

impl Problem {
    /// A problem of the whole file (no row).
    pub fn file(message: impl Into<String>) -> Problem {
        Problem {
            row: None,
            message: message.into(),
        }
    }
}

/// The problems one stage of the reader found in the rows, in their order: the first
/// [`MAX_PROBLEMS`], the rest counted.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    listed: Vec<Problem>,
    more: u64,
}

impl Problems {
    /// Row `row`'s problem.
    pub(crate) fn at(&mut self, row: u64, message: String) {
        if self.listed.len() < MAX_PROBLEMS {
            self.listed.push(Problem {
                row: Some(row),
                message,
            });
        } else {
            self.more += 1;
        }
    }

    /// The problems of two stages, as one pass over the rows would list them: a row has one
    /// problem at most (the second stage sees only the rows the first passed), so the first
    /// [`MAX_PROBLEMS`] by row are among those each kept. The overflow is counted in a last
    /// one.
    pub(crate) fn merged(a: Problems, b: Problems) -> Vec<Problem> {
        let total = (a.listed.len() + b.listed.len()) as u64 + a.more + b.more;
        let mut listed: Vec<Problem> = a.listed.into_iter().chain(b.listed).collect();
        listed.sort_by_key(|p| p.row);
        listed.truncate(MAX_PROBLEMS);
        let more = total - listed.len() as u64;
        if more > 0 {
            listed.push(Problem::file(format!("… and {more} more problems")));
        }
        listed
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_PROBLEMS, Problems};

    #[test]
    fn two_stages_merge_as_one_pass_would_list() {
        let (mut a, mut b) = (Problems::default(), Problems::default());
        // The first stage refuses every even row, the second every row that is a multiple
        // of three and odd: 100 rows, 67 problems.
        let mut one = Problems::default();
        for row in 1..=100u64 {
            if row % 2 == 0 {
                a.at(row, format!("a {row}"));
                one.at(row, format!("a {row}"));
            } else if row % 3 == 0 {
                b.at(row, format!("b {row}"));
                one.at(row, format!("b {row}"));
            }
        }
        let merged = Problems::merged(a, b);
        assert_eq!(merged, Problems::merged(one, Problems::default()));
        assert_eq!(merged.len(), MAX_PROBLEMS + 1);
        assert_eq!(merged[0].message, "a 2");
        assert_eq!(merged[1].message, "b 3");
        let expected = format!("… and {} more problems", 67 - MAX_PROBLEMS);
        assert_eq!(merged.last().map(|p| p.message.as_str()), Some(&*expected));
    }
}
