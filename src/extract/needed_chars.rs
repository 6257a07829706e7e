//! The characters a pattern cannot match without, read off its syntax
//! tree, and a cheap summary of the characters a text holds: a pattern
//! none of whose needed characters can be in the text is not run on it.
//!
//! The time phrases are some thirty patterns, each scanning the whole
//! text; on a page with few Chinese characters most of them cannot match
//! at all (every one needs 年, 月, 日, a time word or a digit), and this
//! tells so in one pass over the text instead of thirty.

use regex_syntax::hir::{Class, Hir, HirKind};

pub use crate::text::chars::CharMask;

/// Largest character class kept as a requirement; a wider one (`.`, a
/// negated class) requires nothing worth checking.
const MAX_CLASS: usize = 64;

/// Characters of which every match of `pattern` holds at least one, or
/// `None` where no such set is known (the pattern may match the empty
/// string, or only wide classes are required).
pub fn of_pattern(pattern: &str) -> Option<Vec<char>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut set = needed(&hir)?;
    set.sort_unstable();
    set.dedup();
    Some(set)
}

fn needed(h: &Hir) -> Option<Vec<char>> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => None,
        // Every character of a literal is in each match; one is enough,
        // and one outside ASCII (`国` of `民国1`) tells most on a page of
        // another script.
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0).ok()?;
            text.chars()
                .rfind(|c| !c.is_ascii())
                .or_else(|| text.chars().last())
                .map(|c| vec![c])
        }
        HirKind::Class(Class::Unicode(cls)) => {
            let mut out = Vec::new();
            for r in cls.ranges() {
                let width = (u32::from(r.end()) - u32::from(r.start()) + 1) as usize;
                if out.len() + width > MAX_CLASS {
                    return None;
                }
                out.extend(r.start()..=r.end());
            }
            Some(out)
        }
        HirKind::Class(Class::Bytes(_)) => None,
        HirKind::Repetition(rep) if rep.min == 0 => None,
        HirKind::Repetition(rep) => needed(&rep.sub),
        HirKind::Capture(cap) => needed(&cap.sub),
        // Each part that needs something is in every match: the smallest
        // such set is the sharpest test.
        HirKind::Concat(parts) => parts.iter().filter_map(needed).min_by_key(Vec::len),
        // A match is a match of one branch: the union, if every branch
        // needs something.
        HirKind::Alternation(branches) => {
            let mut out = Vec::new();
            for b in branches {
                out.extend(needed(b)?);
            }
            Some(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_of_simple_shapes() {
        assert_eq!(of_pattern("截至(?:今年)?"), Some(vec!['至']));
        assert_eq!(of_pattern("(?:以来|至今)"), Some(vec!['今', '来']));
        assert_eq!(of_pattern("[0-9]{1,2}/[0-9]{1,2}"), Some(vec!['/']));
        assert_eq!(of_pattern("民国1[0-9]{2}年"), Some(vec!['国']));
        assert_eq!(of_pattern("(?:年)?"), None);
        assert_eq!(of_pattern(".+"), None);
    }

    proptest::proptest! {
        /// Checked against the regex engine itself: whenever a pattern
        /// matches a string, the string holds one of its needed
        /// characters, for each built-in period pattern, on strings of the
        /// characters time phrases are made of.
        #[test]
        fn a_match_always_holds_a_needed_character(
            s in "[0-9０-９年月日号今去前本上下同当至到起以来期间初底末中旬季度半首第全截止自从由近过一二三十两〇为止后开展始/—~-]{0,12}"
        ) {
            for re in built_in_patterns() {
                if let Some(m) = re.0.find(&s) {
                    if m.as_str().is_empty() {
                        continue;
                    }
                    if let Some(set) = &re.1 {
                        proptest::prop_assert!(
                            m.as_str().chars().any(|c| set.contains(&c)),
                            "{:?} matched {:?} holding none of {:?}", re.0.as_str(), m.as_str(), set
                        );
                        let mask = CharMask::of(set.iter().copied());
                        proptest::prop_assert!(CharMask::of(s.chars()).meets(&mask));
                    }
                }
            }
        }
    }

    fn built_in_patterns() -> &'static [(regex::Regex, Option<Vec<char>>)] {
        static P: std::sync::OnceLock<Vec<(regex::Regex, Option<Vec<char>>)>> =
            std::sync::OnceLock::new();
        P.get_or_init(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            let gaz =
                crate::extract::gazetteer::Gazetteer::from_file(&root.join("config/gazetteer.tsv"))
                    .expect("gazetteer loads");
            let lex = crate::extract::lexicon::Lexicon::from_file(
                &root.join("config/lexicon.toml"),
                &gaz,
            )
            .expect("lexicon loads");
            lex.periods
                .period_regex
                .iter()
                .map(|re| (re.clone(), of_pattern(re.as_str())))
                .collect()
        })
    }
}
