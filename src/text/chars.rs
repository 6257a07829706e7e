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
