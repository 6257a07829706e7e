//! Simplified or Traditional: which script a text is written in.

use std::sync::LazyLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

use crate::model::Script;

// The converters are immutable tables; built once, on first use.
static T2S: LazyLock<Option<OpenCC>> =
    LazyLock::new(|| OpenCC::from_config(BuiltinConfig::T2s).ok());
static S2T: LazyLock<Option<OpenCC>> =
    LazyLock::new(|| OpenCC::from_config(BuiltinConfig::S2t).ok());

/// Characters sampled from the start of a text, at most.
const SAMPLE_CHARS: usize = 4000;

/// CJK characters that end the sample early: a few hundred decide the
/// script.
const SAMPLE_CJK: usize = 600;

/// Which characters each OpenCC converter changes on its own, for every
/// character of the Basic Multilingual Plane from the CJK radicals up.
///
/// OpenCC walks its dictionaries at some two thousand instructions a
/// character; script detection and the extractor's Simplified view asked
/// it about every page, which was a tenth of the pipeline's time on
/// Chinese pages. Asking once per character at start-up turns both into a
/// bit test.
struct Tables {
    /// Changed by Traditional-to-Simplified: a Traditional form.
    traditional: Bits,
    /// Changed by Simplified-to-Traditional: a Simplified form.
    simplified: Bits,
}

/// First character the tables cover; below it no converter changes anything.
const FIRST: u32 = 0x2E80;

/// One bit per character in `FIRST..=0xFFFF`.
struct Bits(Vec<u64>);

impl Bits {
    fn get(&self, c: char) -> Option<bool> {
        let k = (c as u32).checked_sub(FIRST)? as usize;
        let word = self.0.get(k / 64)?;
        Some(word & (1 << (k % 64)) != 0)
    }

    /// The converter's answer for each covered character.
    fn of(conv: &OpenCC) -> Bits {
        // Yi, Hangul and the private-use area have no Chinese variants;
        // leaving them out halves the start-up cost.
        let chars: Vec<char> = (FIRST..=0xFFFF)
            .filter(|c| !(0xA000..0xF900).contains(c))
            .filter_map(char::from_u32)
            .collect();
        let mut bits = vec![0u64; (0x1_0000 - FIRST as usize).div_ceil(64)];
        // Converted in chunks, one character a line: phrase tables never
        // match across a line break, so each line is that character alone.
        for chunk in chars.chunks(4096) {
            let input: String = chunk.iter().flat_map(|&c| [c, '\n']).collect();
            let output = conv.convert(&input);
            let lines: Vec<&str> = output.split('\n').collect();
            for (k, &c) in chunk.iter().enumerate() {
                let changed = if lines.len() == chunk.len() + 1 {
                    lines
                        .get(k)
                        .is_some_and(|l| l.chars().ne(std::iter::once(c)))
                } else {
                    let s = c.to_string();
                    conv.convert(&s) != s
                };
                if changed {
                    let i = (c as u32 - FIRST) as usize;
                    if let Some(w) = bits.get_mut(i / 64) {
                        *w |= 1 << (i % 64);
                    }
                }
            }
        }
        Bits(bits)
    }
}

static TABLES: LazyLock<Option<Tables>> = LazyLock::new(|| {
    Some(Tables {
        traditional: Bits::of(T2S.as_ref()?),
        simplified: Bits::of(S2T.as_ref()?),
    })
});

/// The Traditional-to-Simplified converter shared by the whole pipeline,
/// or why OpenCC's built-in tables would not load.
pub fn t2s() -> Result<&'static OpenCC, crate::error::ConfigError> {
    T2S.as_ref().ok_or_else(opencc_missing)
}

/// Loads the converters and the tables built from them, so that a build
/// whose OpenCC tables do not load stops at start-up instead of detecting
/// every page as Simplified.
pub fn ensure_loaded() -> Result<(), crate::error::ConfigError> {
    t2s()?;
    TABLES.as_ref().map(|_| ()).ok_or_else(opencc_missing)
}

fn opencc_missing() -> crate::error::ConfigError {
    crate::error::ConfigError::Invalid {
        path: crate::configuration::built_in::path("opencc"),
        message: "OpenCC's built-in conversion tables did not load".into(),
    }
}

/// Whether Traditional-to-Simplified conversion may change `text`: it has a
/// Traditional form, or a character beyond the tables (supplementary
/// planes), where only a conversion can tell.
pub fn may_have_traditional(text: &str) -> bool {
    let Some(t) = TABLES.as_ref() else {
        return true;
    };
    text.chars()
        .any(|c| (c as u32) >= FIRST && t.traditional.get(c).unwrap_or(true))
}

/// Decides the script by counting characters that only one script uses:
/// those Traditional-to-Simplified conversion changes against those
/// Simplified-to-Traditional conversion changes.
pub fn detect(text: &str) -> Script {
    detect_parts(&[text])
}

/// [`detect`] on the concatenation of `parts` (title and body), reading at
/// most a sample from their start: a few hundred ideographs decide it.
pub fn detect_parts(parts: &[&str]) -> Script {
    let Some(t) = TABLES.as_ref() else {
        return Script::Hans;
    };
    let (mut chars, mut cjk) = (0, 0);
    let (mut trad, mut simp) = (0usize, 0usize);
    'outer: for part in parts {
        for c in part.chars() {
            if chars >= SAMPLE_CHARS || cjk >= SAMPLE_CJK {
                break 'outer;
            }
            chars += 1;
            if super::chars::is_han(c) {
                cjk += 1;
            }
            trad += usize::from(t.traditional.get(c) == Some(true));
            simp += usize::from(t.simplified.get(c) == Some(true));
        }
    }
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
    fn the_tables_agree_with_the_converters() {
        for (text, trad) in [("網絡詐騙", true), ("网络诈骗", false), ("公安", false)] {
            assert_eq!(may_have_traditional(text), trad, "{text}");
        }
        assert!(!may_have_traditional("plain ASCII, 123"));
        // Beyond the tables only a conversion can tell.
        assert!(may_have_traditional("\u{20000}"));
    }

    #[test]
    fn detects_both_scripts() {
        assert_eq!(detect("四川電信網絡詐騙去年發案下降22%"), Script::Hant);
        assert_eq!(detect("打击电诈 守护群众钱袋子"), Script::Hans);
        assert_eq!(detect(""), Script::Hans);
    }
}
