//! Several systems side by side under each method (`bilan compare A B C…`): the league
//! table in every format.
