//! Paragraphs, sentences and clauses of a text, as character ranges.

/// One sentence: `[start, end)` in characters, and its paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// First character.
    pub start: usize,
    /// One past the last character (terminator included).
    pub end: usize,
    /// Index of the paragraph.
    pub para: usize,
}

/// The segmentation of one text.
#[derive(Debug, Clone, Default)]
pub struct Segments {
    /// Paragraph ranges (lines).
    pub paragraphs: Vec<(usize, usize)>,
    /// Sentence ranges in text order.
    pub sentences: Vec<Sentence>,
}

/// Characters that end a sentence.
pub fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '\n')
}

/// Characters that end a clause (sentence ends included).
pub fn is_clause_break(c: char) -> bool {
    is_sentence_end(c) || matches!(c, '，' | ',' | '；' | ';' | '：' | ':')
}

impl Segments {
    /// Splits `s` into paragraphs at newlines and into sentences at
    /// sentence-final punctuation; a sentence reaching `max_chars` is cut at
    /// its next clause break (or hard at `2 * max_chars`), which bounds the
    /// work per sentence on run-on or hostile text.
    pub fn new(s: &[char], max_chars: usize) -> Self {
        let mut seg = Self::default();
        let mut p0 = 0;
        for i in 0..=s.len() {
            if i == s.len() || s.get(i) == Some(&'\n') {
                if i > p0 {
                    seg.paragraphs.push((p0, i));
                }
                p0 = i + 1;
            }
        }
        for (pi, &(a, b)) in seg.paragraphs.iter().enumerate() {
            let mut st = a;
            let mut i = a;
            while i < b {
                let c = s.get(i).copied().unwrap_or('\n');
                // An ASCII `?` or `!` glued to Chinese on both sides is
                // usually mojibake, not punctuation.
                let glued = matches!(c, '?' | '!')
                    && s.get(i + 1)
                        .is_some_and(|n| !n.is_whitespace() && !is_clause_break(*n));
                let too_long = i + 1 - st >= max_chars
                    && (is_clause_break(c) || i + 1 - st >= max_chars.saturating_mul(2));
                if (is_sentence_end(c) && !glued) || too_long {
                    // Closing quotes and brackets stay with their sentence.
                    let mut e = i + 1;
                    while e < b && matches!(s.get(e), Some('”' | '」' | '』' | '）' | ')' | '’'))
                    {
                        e += 1;
                    }
                    seg.sentences.push(Sentence {
                        start: st,
                        end: e,
                        para: pi,
                    });
                    st = e;
                    i = e;
                    continue;
                }
                i += 1;
            }
            if st < b {
                seg.sentences.push(Sentence {
                    start: st,
                    end: b,
                    para: pi,
                });
            }
        }
        seg
    }

    /// Index of the sentence holding character `i`.
    pub fn sentence_of(&self, i: usize) -> Option<usize> {
        // Sentences are sorted and disjoint.
        let k = self.sentences.partition_point(|s| s.end <= i);
        self.sentences
            .get(k)
            .filter(|s| s.start <= i && i < s.end)
            .map(|_| k)
    }
}

/// Start of the clause holding `i`, not before `lo`.
pub fn clause_start(s: &[char], i: usize, lo: usize) -> usize {
    let mut j = i.min(s.len());
    while j > lo {
        if s.get(j - 1).is_some_and(|&c| is_clause_break(c)) {
            return j;
        }
        j -= 1;
    }
    lo
}

/// End of the clause holding `i` (before its break), not after `hi`.
pub fn clause_end(s: &[char], i: usize, hi: usize) -> usize {
    let mut j = i;
    while j < hi {
        if s.get(j).is_some_and(|&c| is_clause_break(c)) {
            return j;
        }
        j += 1;
    }
    hi
}
