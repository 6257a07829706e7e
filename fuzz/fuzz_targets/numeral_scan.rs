//! `numeral::scan` and `numeral::parse` on arbitrary text: no panic, and the
//! invariants callers rely on (spans in bounds, ordered, non-overlapping, on
//! char boundaries, finite non-negative values, `parse` agreeing with `scan`).
#![no_main]

use fraudstat::text::numeral::{bare_units, parse, scan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let found = scan(&text);
    let mut last_end = 0;
    for m in &found {
        assert!(m.start < m.end && m.end <= text.len(), "span {m:?}");
        assert!(m.start >= last_end, "overlap or disorder: {found:?}");
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        assert!(m.value.is_finite() && m.value >= 0.0, "value {m:?}");
        let span = &text[m.start..m.end];
        assert_eq!(
            parse(span),
            Some(m.value),
            "parse({span:?}) disagrees with scan"
        );
        last_end = m.end;
    }
    for b in bare_units(&text) {
        assert!(text.is_char_boundary(b.start) && text.is_char_boundary(b.end));
        let overlaps = found.iter().any(|m| b.start < m.end && m.start < b.end);
        assert!(!overlaps, "bare unit {b:?} overlaps {found:?}");
    }
    let _ = parse(&text);
});
