//! Text primitives shared by cleaning and extraction: typography
//! normalisation and dates. `clean` and `extract` both import from here;
//! nothing here imports from them.

pub mod chars;
pub mod date;
pub mod numeral;
pub mod typography;
