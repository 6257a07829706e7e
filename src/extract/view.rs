//! The view of a text the scanners read: typography normalised
//! ([`crate::text::typography`]) and converted to Simplified, with an
//! offset map so that matches on the view map back to the page.

use std::ops::Range;

use ferrous_opencc::OpenCC;

use crate::text::typography::{self, Normalized, OffsetMap};

/// The page text and its normalised Simplified twin.
#[derive(Debug, Clone)]
pub struct View {
    /// The text as the page writes it.
    pub orig: Vec<char>,
    /// The normalised text converted to Simplified one character at a
    /// time: offsets into it are view offsets, mapped back to `orig` by
    /// [`View::orig_range`].
    pub simp: Vec<char>,
    /// From view offsets to `orig` offsets.
    map: OffsetMap,
}

impl View {
    /// Normalises and converts `text`; characters whose conversion is not
    /// exactly one character keep their original form, so view offsets
    /// stay aligned with the normalised text.
    pub fn new(text: &str, t2s: Option<&OpenCC>) -> Self {
        let orig: Vec<char> = text.chars().collect();
        let Normalized { chars: base, map } = typography::normalize_chars(&orig);
        let normal: String = base.iter().collect();
        let text = normal.as_str();
        // Text with no Traditional form (English pages, most mainland
        // pages) is its own Simplified view, and the dictionary walk is the
        // costly part of the extractor.
        let simp = match t2s {
            Some(cc) if crate::text::script::may_have_traditional(text) => {
                // Converting the whole text lets phrase tables pick the right
                // character; it is used only when it keeps every length.
                let whole: Vec<char> = cc.convert(text).chars().collect();
                if whole.len() == base.len() {
                    whole
                } else {
                    base.iter()
                        .map(|&c| {
                            if (c as u32) < 0x2E80 {
                                return c;
                            }
                            let mut it = cc.convert(&c.to_string()).chars().collect::<Vec<_>>();
                            if it.len() == 1 {
                                it.pop().unwrap_or(c)
                            } else {
                                c
                            }
                        })
                        .collect()
                }
            }
            _ => base,
        };
        let simp = simp.into_iter().map(normalize_char).collect();
        Self { orig, simp, map }
    }

    /// Character range in the original text of the view range `[a, b)`.
    pub fn orig_range(&self, a: usize, b: usize) -> Range<usize> {
        self.map.orig_range(a, b)
    }

    /// Original text of the view range `[a, b)`.
    pub fn orig_slice(&self, a: usize, b: usize) -> String {
        self.orig
            .get(self.orig_range(a, b))
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }

    /// The page's wording of the view range `[a, b)` in the page's script,
    /// with typography normalised (`2024 年 **1** 月` reads `2024年1月`): for
    /// quoted phrases that analysts compare, such as a period's text.
    pub fn phrase_slice(&self, a: usize, b: usize) -> String {
        (a..b.min(self.simp.len()))
            .filter_map(|i| self.map.orig_index(i))
            .filter_map(|k| self.orig.get(k).copied())
            .map(typography::fold)
            .collect()
    }

    /// Simplified text of `[a, b)`.
    pub fn simp_slice(&self, a: usize, b: usize) -> String {
        self.simp
            .get(a..b.min(self.simp.len()))
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }

    /// Number of characters.
    pub fn len(&self) -> usize {
        self.simp.len()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.simp.is_empty()
    }
}

/// One-to-one folds on the matching view only (offsets must not move):
/// a carriage return or an ideographic space is just a space there.
fn normalize_char(c: char) -> char {
    match c {
        '\r' | '\u{3000}' | '\u{a0}' => ' ',
        c => c,
    }
}
