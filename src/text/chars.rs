//! What kind of character this is: the one notion of "CJK" the program
//! uses. Cleaning, ruby repair, typography, region and metric rules all
//! ask here, so that a character added to a Unicode block is added once.

/// A Han ideograph, in any of the CJK Unified Ideographs blocks (the basic
/// block, extension A, the compatibility block, the supplementary planes)
/// or `〇`, which Chinese writes as the digit zero.
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}')
}

/// A character of a script written without spaces between words: Han,
/// Japanese kana or Korean Hangul. Text length is counted in these
/// characters, where Latin text is counted in words.
pub fn is_unspaced_script(c: char) -> bool {
    is_han(c) || matches!(c, '\u{3040}'..='\u{30FF}' | '\u{AC00}'..='\u{D7AF}')
}

/// A format character that shows nothing and means nothing in running
/// text: zero-width space, non-joiner and joiner, word joiner, the
/// byte-order mark used as a zero-width no-break space, and the soft
/// hyphen. Editors and anti-copy scripts scatter them inside numbers
/// (`2\u{200b}5人`) and through lines that look empty.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Which characters a text may hold: ASCII exactly, others by a hash bit
/// (a bit set by another character only makes a pattern run needlessly).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CharMask {
    ascii: u128,
    other: u128,
}

impl CharMask {
    /// The mask of every character of `chars`.
    pub fn of(chars: impl IntoIterator<Item = char>) -> Self {
        let mut m = Self::default();
        for c in chars {
            m.add(c);
        }
        m
    }

    /// Sets the bit of `c`.
    pub fn add(&mut self, c: char) {
        let (ascii, other) = Self::bit(c);
        self.ascii |= ascii;
        self.other |= other;
    }

    /// Whether `c` may be one of the characters: certainly not when its
    /// bit is clear.
    pub fn may_hold(&self, c: char) -> bool {
        let (ascii, other) = Self::bit(c);
        self.ascii & ascii != 0 || self.other & other != 0
    }

    /// The one bit of `c`: exact for ASCII, hashed for the rest.
    fn bit(c: char) -> (u128, u128) {
        let n = u32::from(c);
        if n < 128 {
            (1u128 << n, 0)
        } else {
            // Fibonacci hashing: nearby code points (one script's block)
            // land on different bits.
            (0, 1u128 << (n.wrapping_mul(0x9E37_79B9) >> 25))
        }
    }

    /// Whether the two masks may share a character.
    pub fn meets(&self, other: &Self) -> bool {
        self.ascii & other.ascii != 0 || self.other & other.other != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_covers_the_blocks_and_ling() {
        for c in ['中', '〇', '㐀', '豈', '𠀀', '鿿'] {
            assert!(is_han(c), "{c}");
        }
        for c in ['a', '1', '，', 'あ', '한', ' '] {
            assert!(!is_han(c), "{c}");
        }
        assert!(is_unspaced_script('あ') && is_unspaced_script('한'));
    }

    #[test]
    fn invisible_is_the_format_characters_only() {
        for c in [
            '\u{AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}',
        ] {
            assert!(is_invisible(c), "{c:?}");
        }
        for c in [' ', '\u{3000}', '\u{A0}', 'a', '中', '\n'] {
            assert!(!is_invisible(c), "{c:?}");
        }
    }
}
