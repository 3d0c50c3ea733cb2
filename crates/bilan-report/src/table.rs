//! A plain table in Markdown pipe style, deterministic whatever the terminal.

use comfy_table::presets;

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
        self.0
            .set_header(cells.into_iter().map(|c| c.to_string()).collect::<Vec<_>>());
    }

    /// Adds a row.
    pub fn add_row<S: ToString>(&mut self, cells: Vec<S>) {
        self.0
            .add_row(cells.into_iter().map(|c| c.to_string()).collect::<Vec<_>>());
    }

    /// The table as text.
    pub fn render(&self) -> String {
        self.0.to_string()
    }
}
