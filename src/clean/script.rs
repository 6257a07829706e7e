//! Simplified or Traditional: which script a text is written in.

use std::sync::LazyLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

use crate::model::Script;

// The converters are immutable tables; building them once saves ~0.5 ms a page.
static T2S: LazyLock<Option<OpenCC>> =
    LazyLock::new(|| OpenCC::from_config(BuiltinConfig::T2s).ok());
static S2T: LazyLock<Option<OpenCC>> =
    LazyLock::new(|| OpenCC::from_config(BuiltinConfig::S2t).ok());

/// Characters sampled from the start of a text, at most.
const SAMPLE_CHARS: usize = 4000;

/// CJK characters that end the sample early: a few hundred decide the
/// script, and each one costs two dictionary conversions.
const SAMPLE_CJK: usize = 600;

/// Counts the characters of `text` that a converter changes.
fn changed(conv: &OpenCC, text: &str) -> usize {
    let out = conv.convert(text);
    let a: Vec<char> = text.chars().collect();
    let b: Vec<char> = out.chars().collect();
    if a.len() == b.len() {
        return a.iter().zip(&b).filter(|(x, y)| x != y).count();
    }
    // Phrase tables can change the length; fall back to one character at a time.
    a.iter()
        .filter(|c| super::ruby::is_cjk(**c))
        .filter(|c| {
            let s = c.to_string();
            conv.convert(&s) != s
        })
        .count()
}

/// Decides the script by counting characters that only one script uses:
/// those Traditional-to-Simplified conversion changes against those
/// Simplified-to-Traditional conversion changes.
pub fn detect(text: &str) -> Script {
    detect_parts(&[text])
}

/// [`detect`] on the concatenation of `parts` (title and body), without
/// building it: only the sample is copied.
pub fn detect_parts(parts: &[&str]) -> Script {
    let (Some(t2s), Some(s2t)) = (T2S.as_ref(), S2T.as_ref()) else {
        return Script::Hans;
    };
    // A few hundred ideographs decide it; converting a whole book does not help.
    let mut sample = String::new();
    let (mut chars, mut cjk) = (0, 0);
    'outer: for part in parts {
        for c in part.chars() {
            if chars >= SAMPLE_CHARS || cjk >= SAMPLE_CJK {
                break 'outer;
            }
            chars += 1;
            if super::ruby::is_cjk(c) {
                cjk += 1;
            }
            sample.push(c);
        }
    }
    // The converters only change ideographs.
    if cjk == 0 {
        return Script::Hans;
    }
    let trad = changed(t2s, &sample);
    let simp = changed(s2t, &sample);
    if trad > simp {
        Script::Hant
    } else {
        Script::Hans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_both_scripts() {
        assert_eq!(detect("四川電信網絡詐騙去年發案下降22%"), Script::Hant);
        assert_eq!(detect("打击电诈 守护群众钱袋子"), Script::Hans);
        assert_eq!(detect(""), Script::Hans);
    }
}
