//! Numbers as Chinese pages write them: Arabic, full-width and Chinese numerals.

/// Parses a string that is wholly one numeral (`1.8萬`, `一千二百`, `廿三點五億`).
pub fn parse(s: &str) -> Option<f64> {
    let _ = s;
    None
}
