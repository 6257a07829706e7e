//! Character references (`&amp;`, `&#21457;`, `&#x53D1;`, `&nbsp`) as the
//! HTML tokenizer reads them, with the standard's table of named
//! references (from `markup5ever`, the table html5ever uses).

use markup5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

/// The longest named reference in the standard's table is 32 bytes
/// (`&CounterClockwiseContourIntegral;`).
const MAX_NAME: usize = 32;

/// Appends `raw` to `out` with its character references decoded.
///
/// `in_attribute` applies the attribute-value rule: a legacy reference
/// without `;` followed by an alphanumeric or `=` stays as written
/// (`?a=1&copy=2` is a query string, not `©=2`).
pub(crate) fn decode_into(raw: &str, in_attribute: bool, out: &mut String) {
    let mut rest = raw;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        match reference(after, in_attribute) {
            Some((decoded, used)) => {
                out.push_str(&decoded);
                rest = after.get(used..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// `raw` with its character references decoded (borrowed when it has none).
pub(crate) fn decode(raw: &str, in_attribute: bool) -> std::borrow::Cow<'_, str> {
    if !raw.contains('&') {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    decode_into(raw, in_attribute, &mut out);
    std::borrow::Cow::Owned(out)
}

/// The reference at the start of `s` (just after its `&`): the text it
/// stands for and how many bytes of `s` it used.
fn reference(s: &str, in_attribute: bool) -> Option<(String, usize)> {
    let b = s.as_bytes();
    if b.first() == Some(&b'#') {
        return numeric(s);
    }
    let name_len = b
        .iter()
        .take(MAX_NAME)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if name_len == 0 {
        return None;
    }
    if b.get(name_len) == Some(&b';') {
        let key = s.get(..=name_len)?;
        // The table also holds every prefix of a name, with the value 0.
        if let Some(&(a, c)) = NAMED_ENTITIES.get(key)
            && a != 0
        {
            return Some((chars(a, c), name_len + 1));
        }
    }
    // Legacy references (`&nbsp`, `&copy`) stand without `;`: the longest
    // prefix of the name that is one of them.
    for len in (2..=name_len).rev() {
        let key = s.get(..len)?;
        if let Some(&(a, c)) = NAMED_ENTITIES.get(key)
            && a != 0
        {
            let next = b.get(len).copied();
            if in_attribute && next.is_some_and(|n| n.is_ascii_alphanumeric() || n == b'=') {
                return None;
            }
            return Some((chars(a, c), len));
        }
    }
    None
}

fn chars(a: u32, c: u32) -> String {
    let mut out = String::new();
    out.extend(char::from_u32(a));
    if c != 0 {
        out.extend(char::from_u32(c));
    }
    out
}

/// `#123;` or `#x7B;` (the `;` may be missing): the character, with the
/// standard's replacements for NUL, surrogates, out-of-range values and
/// the C1 controls that Windows-1252 pages meant as punctuation.
fn numeric(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let hex = matches!(b.get(1), Some(b'x' | b'X'));
    let start = if hex { 2 } else { 1 };
    let digits = b
        .get(start..)?
        .iter()
        .take_while(|c| {
            if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            }
        })
        .count();
    if digits == 0 {
        return None;
    }
    let text = s.get(start..start + digits)?;
    let radix = if hex { 16 } else { 10 };
    // Overlong values saturate, and everything past U+10FFFF is U+FFFD.
    let value = u32::from_str_radix(text, radix).unwrap_or(u32::MAX);
    let mut used = start + digits;
    if b.get(used) == Some(&b';') {
        used += 1;
    }
    let c = match value {
        0x80..=0x9F => C1_REPLACEMENTS
            .get((value - 0x80) as usize)
            .copied()
            .flatten()
            .or_else(|| char::from_u32(value)),
        0 => None,
        v => char::from_u32(v),
    }
    .unwrap_or('\u{FFFD}');
    Some((c.to_string(), used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> String {
        decode(s, false).into_owned()
    }

    #[test]
    fn named_numeric_and_legacy_references() {
        assert_eq!(d("a&amp;b &lt;p&gt; &quot;x&quot;"), "a&b <p> \"x\"");
        assert_eq!(d("&#21457;&#x5E03;&#X4F1A;"), "发布会");
        assert_eq!(d("1&nbsp;2&nbsp3"), "1\u{a0}2\u{a0}3");
        assert_eq!(d("&copy 2024"), "© 2024");
        assert_eq!(
            d("&#128;&#0;&#x110000;&#55296;"),
            "€\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(d("&#12345678901234567890;"), "\u{FFFD}");
    }

    #[test]
    fn what_is_not_a_reference_stays() {
        assert_eq!(
            d("AT&T & co &; &#; &#x; &unknown; &"),
            "AT&T & co &; &#; &#x; &unknown; &"
        );
        assert_eq!(decode("?a=1&copy=2", true), "?a=1&copy=2");
        assert_eq!(decode("?a=1&copy;=2", true), "?a=1©=2");
        // Prefixes of names (in the table with the value 0) are no
        // references: they once decoded to NUL, which the builder dropped.
        assert_eq!(
            d("?a=1&re=2 &no &rrrraannddom;"),
            "?a=1&re=2 &no &rrrraannddom;"
        );
        assert_eq!(d("&notit &noti;"), "¬it ¬i;");
    }
}
