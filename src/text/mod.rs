//! Text primitives shared by cleaning and extraction: which characters
//! are CJK, punctuation or invisible ([`chars`]), typography normalisation
//! with its offset map ([`typography`]), the one numeral reader
//! ([`numeral`]), the one date reader ([`date`]) and the Simplified /
//! Traditional script with its OpenCC converters ([`script`]). `clean` and
//! `extract` both import from here; nothing here imports from them.

pub mod chars;
pub mod date;
pub mod numeral;
pub mod script;
pub mod typography;
