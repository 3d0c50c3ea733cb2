//! `bilan assess -m harmonised-ai -f disclosure`: the document a vendor publishes.
