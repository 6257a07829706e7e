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

/// Characters sampled from the start of a text.
const SAMPLE_CHARS: usize = 4000;

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
    let (Some(t2s), Some(s2t)) = (T2S.as_ref(), S2T.as_ref()) else {
        return Script::Hans;
    };
    // A few thousand characters decide it; converting a whole book does not help.
    let text: String = text.chars().take(SAMPLE_CHARS).collect();
    let text = text.as_str();
    let trad = changed(t2s, text);
    let simp = changed(s2t, text);
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
