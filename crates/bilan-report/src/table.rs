//! A plain table in Markdown pipe style, deterministic whatever the terminal.

use comfy_table::presets;

/// The most characters a table cell shows; a longer text (a megabyte of hostile input in a
/// name or a source) is cut with `…`, since laying out a long unbroken word takes time in
/// proportion to its square.
pub const CELL_CHARS: usize = 1_000;

/// `text` cut to [`CELL_CHARS`] characters.
pub fn cell_text(text: String) -> String {
    match text.char_indices().nth(CELL_CHARS) {
        None => text,
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

/// A table of strings.
#[derive(Debug)]
pub struct Table(comfy_table::Table);

impl Default for Table {
    fn default() -> Self {
        Table::new()
    }
}

impl Table {
    /// An empty table.
    pub fn new() -> Table {
        let mut t = comfy_table::Table::new();
        t.load_preset(presets::ASCII_MARKDOWN);
        Table(t)
    }

    /// Sets the header row.
    pub fn set_header<S: ToString>(&mut self, cells: Vec<S>) {
        self.0.set_header(
            cells
                .into_iter()
                .map(|c| cell_text(c.to_string()))
                .collect::<Vec<_>>(),
        );
    }

    /// Adds a row.
    pub fn add_row<S: ToString>(&mut self, cells: Vec<S>) {
        self.0.add_row(
            cells
                .into_iter()
                .map(|c| cell_text(c.to_string()))
                .collect::<Vec<_>>(),
        );
    }

    /// The table as text.
    pub fn render(&self) -> String {
        self.0.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_cell_is_cut_and_renders_at_once() {
        let mut t = Table::new();
        t.set_header(vec!["id"]);
        t.add_row(vec!["x".repeat(2_000_000)]);
        let text = t.render();
        assert!(text.len() < 4 * CELL_CHARS, "{}", text.len());
        assert!(text.contains('…'));
    }
}
