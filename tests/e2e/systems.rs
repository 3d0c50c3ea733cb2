//! `bilan compare A B C…`: systems side by side (league table).
