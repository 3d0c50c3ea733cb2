//! The disclosure a vendor publishes (`bilan assess -m METHOD -f disclosure`): JSON, Markdown
//! and a one-page HTML document.
