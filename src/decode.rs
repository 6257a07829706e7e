//! Stage 2 of the pipeline: page bytes to text.
//!
//! Follows the HTML Standard's sniffing order (BOM, HTTP header, `<meta>`
//! prescan, detection), then distrusts a declared label that decodes badly,
//! because many Chinese sites declare the wrong charset: a header saying
//! `utf-8` over a GBK body, a template's `gb2312` over UTF-8 text, or
//! `gb2312` over a Big5 page (which decodes without a single error, but as
//! nonsense).
//!
//! The free functions [`decode`] and [`sniff`] use [`DecodeConfig::default`];
//! a [`Decoder`] carries a configuration loaded elsewhere.

use crate::budget::Budget;
use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{
    BIG5, Encoding, GB18030, GBK, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252,
    X_USER_DEFINED,
};
use serde::Deserialize;

use crate::model::{CharsetSource, ContentKind, Page};

/// Tunables of the decoding stage.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DecodeConfig {
    /// How many leading bytes the `<meta>` prescan reads. The HTML Standard
    /// says 1024; Chinese portals often put kilobytes of scripts and
    /// comments before their `<meta>`, so the default reads further.
    pub prescan_bytes: usize,
    /// How many leading characters are searched for markup when deciding
    /// whether a page is HTML.
    pub kind_sniff_chars: usize,
    /// Tag names (lowercase, without `<`) whose presence near the start
    /// marks a page as HTML even when the content type does not say so.
    pub markup_tags: Vec<String>,
    /// A declared charset is second-guessed when more than this share of the
    /// non-ASCII characters it decodes are replacement characters. Zero
    /// means any replacement character triggers detection.
    pub redetect_error_ratio: f64,
    /// When a declared charset and the detected one both decode without
    /// errors, the detected one wins only if the share of plausible
    /// characters (common hanzi, CJK punctuation) it yields exceeds the
    /// declared one's by at least this much. This catches Big5 labelled
    /// `gb2312` and GBK labelled `iso-8859-1`, which decode cleanly into
    /// mojibake.
    pub mojibake_margin: f64,
    /// A declared charset that decodes without errors into at least this
    /// share of plausible characters is accepted without running detection;
    /// so is a detected one without trying `fallback_encodings`.
    pub trust_plausible_ratio: f64,
    /// WHATWG labels tried when chardetng's guess decodes into implausible
    /// text. chardetng misreads short GBK pages (a title and a line or two)
    /// as KOI8 or windows-1252; Chinese news comes in these encodings.
    pub fallback_encodings: Vec<String>,
    /// Bytes of non-ASCII text (markup runs cut short) that chardetng
    /// reads at most. A few thousand ideographs settle GBK against Big5
    /// and UTF-8; reading a whole portal page was a tenth of the
    /// pipeline's time on unlabelled Chinese pages.
    pub detection_sample_bytes: usize,
}

impl Default for DecodeConfig {
    fn default() -> Self {
        Self {
            prescan_bytes: 4096,
            kind_sniff_chars: 1024,
            markup_tags: [
                "!doctype", "html", "head", "body", "p", "div", "meta", "title",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            redetect_error_ratio: 0.0,
            mojibake_margin: 0.3,
            trust_plausible_ratio: 0.9,
            fallback_encodings: vec!["gbk".into(), "big5".into()],
            detection_sample_bytes: 8 * 1024,
        }
    }
}

/// Decodes page bytes into a [`Page`] with a fixed configuration.
#[derive(Debug, Clone)]
pub struct Decoder {
    config: DecodeConfig,
    fallbacks: Vec<&'static Encoding>,
}

impl Default for Decoder {
    fn default() -> Self {
        Self {
            config: DecodeConfig::default(),
            fallbacks: vec![GBK, BIG5],
        }
    }
}

/// A [`DecodeConfig`] names an encoding encoding_rs does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fallback_encodings: unknown encoding label {0:?}")]
pub struct UnknownEncoding(pub String);

/// Decodes a page body with the default configuration. `content_type` is the
/// raw HTTP `Content-Type` header, if any. Never fails: undecodable bytes
/// become U+FFFD.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Page {
    Decoder::default().decode(bytes, content_type)
}

/// The charset a page declares (BOM, header or `<meta>`), or the detector's
/// guess when it declares none, with the default configuration. Unlike
/// [`decode`] this does not check the label against the bytes.
pub fn sniff(bytes: &[u8], content_type: Option<&str>) -> (&'static Encoding, CharsetSource) {
    Decoder::default().sniff(bytes, content_type)
}

impl Decoder {
    /// A decoder with the given tunables; fails on an unknown label in
    /// `fallback_encodings`.
    pub fn new(config: DecodeConfig) -> Result<Self, UnknownEncoding> {
        let fallbacks = config
            .fallback_encodings
            .iter()
            .map(|label| {
                known_label(label.as_bytes()).ok_or_else(|| UnknownEncoding(label.clone()))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { config, fallbacks })
    }

    /// The tunables in use.
    pub fn config(&self) -> &DecodeConfig {
        &self.config
    }

    /// See [`sniff`].
    pub fn sniff(
        &self,
        bytes: &[u8],
        content_type: Option<&str>,
    ) -> (&'static Encoding, CharsetSource) {
        if let Some((encoding, _)) = Encoding::for_bom(bytes) {
            return (encoding, CharsetSource::Bom);
        }
        if let Some(encoding) = self.declared(bytes, content_type) {
            return encoding;
        }
        (
            detect(bytes, self.config.detection_sample_bytes),
            CharsetSource::Detected,
        )
    }

    /// Decodes a page body. `content_type` is the raw HTTP `Content-Type`
    /// header, if any. Never fails: undecodable bytes become U+FFFD.
    pub fn decode(&self, bytes: &[u8], content_type: Option<&str>) -> Page {
        self.decode_within(bytes, content_type, &Budget::unlimited())
    }

    /// [`Self::decode`] that, once `budget` is exceeded, tries no further
    /// candidate charsets: each is a full decode of the body, and an
    /// unlabelled page of noise tries them all.
    pub fn decode_within(&self, bytes: &[u8], content_type: Option<&str>, budget: &Budget) -> Page {
        let (encoding, source, text) = self.decode_text(bytes, content_type, budget);
        let kind = self.content_kind(&text, content_type);
        Page {
            text,
            charset: encoding.name().to_ascii_lowercase(),
            charset_source: source,
            kind,
        }
    }

    fn decode_text(
        &self,
        bytes: &[u8],
        content_type: Option<&str>,
        budget: &Budget,
    ) -> (&'static Encoding, CharsetSource, String) {
        // A BOM is never wrong in practice, and the HTML Standard ranks it
        // above the header.
        if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
            let body = bytes.get(bom_len..).unwrap_or_default();
            let (text, _) = encoding.decode_without_bom_handling(body);
            return (encoding, CharsetSource::Bom, text.into_owned());
        }
        let Some((declared, source)) = self.declared(bytes, content_type) else {
            if bytes.is_ascii() {
                let text = String::from_utf8_lossy(bytes).into_owned();
                return (UTF_8, CharsetSource::Detected, text);
            }
            let (detected, text, _) = self.detect(bytes, budget);
            return (detected, CharsetSource::Detected, text);
        };
        let (declared_text, had_errors) = declared.decode_without_bom_handling(bytes);
        let declared_text = declared_text.into_owned();
        // UTF-16 is the one label under which ASCII bytes are not ASCII text.
        if bytes.is_ascii() && declared.is_ascii_compatible() {
            return (declared, source, declared_text);
        }
        // Valid UTF-8 is what the quality test below would accept anyway
        // (legacy-encoded text is practically never valid UTF-8), without
        // reading every character.
        if declared == UTF_8 && !had_errors {
            return (declared, source, declared_text);
        }
        let declared_quality = Quality::of(&declared_text);
        // Detection is the expensive step (chardetng over the whole body), so
        // a clean decode that reads like Chinese goes without a second
        // opinion. Clean UTF-8 needs none either: legacy-encoded text is
        // practically never valid UTF-8.
        if declared_quality.errors == 0
            && (declared == UTF_8
                || declared_quality.plausible_ratio() >= self.config.trust_plausible_ratio)
        {
            return (declared, source, declared_text);
        }
        let (detected, detected_text, detected_quality) = self.detect(bytes, budget);
        if same_decoder(detected, declared) {
            return (declared, source, declared_text);
        }
        // Fewer errors alone is not enough: single-byte encodings never err,
        // so a GBK page with one bad byte would otherwise flip to a
        // clean-looking windows-1252 mess.
        let fewer_errors = declared_quality.error_ratio() > self.config.redetect_error_ratio
            && detected_quality.errors < declared_quality.errors
            && detected_quality.plausible >= declared_quality.plausible;
        // Valid UTF-8 with non-ASCII content essentially never happens by
        // chance in a legacy encoding, so chardetng's UTF-8 verdict (it only
        // gives one for valid input) is trusted outright.
        let utf8 = detected == UTF_8 && detected_quality.errors <= declared_quality.errors;
        let switch =
            fewer_errors || utf8 || self.clearly_better(&detected_quality, &declared_quality);
        if switch {
            (detected, CharsetSource::Detected, detected_text)
        } else {
            (declared, source, declared_text)
        }
    }

    /// chardetng's guess, unless it decodes into implausible text and one of
    /// the fallback encodings reads clearly better.
    fn detect(&self, bytes: &[u8], budget: &Budget) -> (&'static Encoding, String, Quality) {
        let guess = if bytes.is_ascii() {
            UTF_8
        } else {
            detect(bytes, self.config.detection_sample_bytes)
        };
        let text = guess.decode_without_bom_handling(bytes).0.into_owned();
        let quality = Quality::of(&text);
        let mut best = (guess, text, quality);
        if guess == UTF_8
            || (quality.errors == 0
                && quality.plausible_ratio() >= self.config.trust_plausible_ratio)
        {
            return best;
        }
        for &fallback in &self.fallbacks {
            if same_decoder(fallback, guess) {
                continue;
            }
            if budget.exceeded() {
                break;
            }
            let text = fallback.decode_without_bom_handling(bytes).0.into_owned();
            let quality = Quality::of(&text);
            // On short pages the margin is hard to reach, so a fallback that
            // reads as trustworthy also beats a guess that does not.
            let trusted = |q: &Quality| q.plausible_ratio() >= self.config.trust_plausible_ratio;
            let beats_untrusted =
                quality.errors <= best.2.errors && trusted(&quality) && !trusted(&best.2);
            if beats_untrusted || self.clearly_better(&quality, &best.2) {
                best = (fallback, text, quality);
            }
        }
        best
    }

    /// No more errors and a share of plausible characters higher by at least
    /// the mojibake margin.
    fn clearly_better(&self, a: &Quality, b: &Quality) -> bool {
        a.errors <= b.errors
            && a.plausible_ratio() >= b.plausible_ratio() + self.config.mojibake_margin
    }

    /// The header's charset if encoding_rs knows it, else the `<meta>` one.
    fn declared(
        &self,
        bytes: &[u8],
        content_type: Option<&str>,
    ) -> Option<(&'static Encoding, CharsetSource)> {
        if let Some(encoding) = content_type.and_then(header_charset) {
            return Some((encoding, CharsetSource::Http));
        }
        let head = bytes.get(..self.config.prescan_bytes).unwrap_or(bytes);
        prescan(head).map(|encoding| (encoding, CharsetSource::Meta))
    }

    /// Html when the media type says so or the text opens with markup.
    pub fn content_kind(&self, text: &str, content_type: Option<&str>) -> ContentKind {
        let says_html = content_type.is_some_and(|ct| media_type(ct).contains("html"));
        if says_html || looks_like_markup(text, &self.config) {
            ContentKind::Html
        } else {
            ContentKind::Text
        }
    }
}

/// chardetng over the whole body, without a TLD hint: a hint excludes the
/// other script's encoding, and Chinese sites serve GBK on `.tw` hosts and
/// Big5 on `.cn` ones.
fn detect(bytes: &[u8], sample_bytes: usize) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    // Not marked as the end of the stream: bodies cut by the fetcher's size
    // cap end mid-character, and at a declared end chardetng rules out
    // UTF-8 for that alone.
    detector.feed(&detection_sample(bytes, sample_bytes.max(1)), false);
    detector.guess(None, Utf8Detection::Allow)
}

/// What chardetng needs from a page: its non-ASCII text. Markup, scripts
/// and styles are long ASCII runs that cost detection time (most of the
/// 10–20 ms an unlabelled page took) and carry no evidence, so each run is
/// cut to its first few bytes. Those are kept because in GBK and Big5 the
/// byte after a lead byte may be ASCII-range, and cutting it would break
/// the pair.
fn detection_sample(bytes: &[u8], max: usize) -> std::borrow::Cow<'_, [u8]> {
    const KEEP: usize = 4;
    let mut out = Vec::with_capacity(max.min(bytes.len()));
    let mut rest = bytes;
    while out.len() < max && !rest.is_empty() {
        // An ASCII run: its first KEEP bytes and one space for the rest.
        let run = rest
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        out.extend_from_slice(rest.get(..run.min(KEEP)).unwrap_or_default());
        if run > KEEP {
            out.push(b' ');
        }
        rest = rest.get(run..).unwrap_or_default();
        // Then the non-ASCII run, whole.
        let text = rest.iter().position(u8::is_ascii).unwrap_or(rest.len());
        out.extend_from_slice(rest.get(..text).unwrap_or_default());
        rest = rest.get(text..).unwrap_or_default();
    }
    out.truncate(max);
    std::borrow::Cow::Owned(out)
}

/// encoding_rs decodes GBK with the gb18030 decoder, so the two labels give
/// the same text and a disagreement between them is no reason to switch.
fn same_decoder(a: &'static Encoding, b: &'static Encoding) -> bool {
    a == b || ((a == GBK || a == GB18030) && (b == GBK || b == GB18030))
}

/// The media type of a `Content-Type` header, lower-cased, without its
/// parameters: `text/html; charset=gbk` → `text/html`. The one reading of
/// the header's essence, shared by fetching, decoding and the result.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The `charset` parameter of a `Content-Type` header, if encoding_rs knows
/// the label. Labels that map to the replacement encoding count as unknown:
/// they name encodings nobody serves Chinese news in, so detection is a
/// better bet than decoding the whole page to U+FFFD.
pub fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        known_label(value.as_bytes())
    })
}

fn known_label(label: &[u8]) -> Option<&'static Encoding> {
    Encoding::for_label(label).filter(|&e| e != REPLACEMENT)
}

/// The HTML Standard's prescan of a byte stream to determine its encoding,
/// over the bytes given (callers pass the first kilobytes). Returns the
/// encoding of the first `<meta charset>` or `<meta http-equiv=content-type
/// content="…charset=…">` whose label encoding_rs knows.
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    while pos < bytes.len() {
        let rest = bytes.get(pos..).unwrap_or_default();
        if rest.starts_with(b"<!--") {
            // The `-->` may share its dashes with the opening `<!--`.
            pos += 2 + find(rest.get(2..).unwrap_or_default(), b"-->")? + 3;
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest.get(5).is_some_and(|&b| is_space(b) || b == b'/')
        {
            pos += 6;
            match meta_charset(bytes, &mut pos)? {
                Some(encoding) => return Some(encoding),
                None => continue,
            }
        } else if (rest.first() == Some(&b'<') && rest.get(1).is_some_and(u8::is_ascii_alphabetic))
            || (rest.starts_with(b"</") && rest.get(2).is_some_and(u8::is_ascii_alphabetic))
        {
            pos += rest.iter().position(|&b| is_space(b) || b == b'>')?;
            while get_attribute(bytes, &mut pos)?.is_some() {}
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            pos += rest.iter().position(|&b| b == b'>')? + 1;
        } else {
            pos += 1;
        }
    }
    None
}

/// Reads the attributes of one `<meta>` (after its name). The outer `None`
/// means the input ended; the inner one that this meta declares nothing
/// usable.
fn meta_charset(bytes: &[u8], pos: &mut usize) -> Option<Option<&'static Encoding>> {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    let mut need_pragma: Option<bool> = None;
    // Outer None: no charset attribute yet; Some(None): one whose label is unknown.
    let mut charset: Option<Option<&'static Encoding>> = None;
    while let Some((name, value)) = get_attribute(bytes, pos)? {
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value == b"content-type",
            b"content" => {
                if charset.is_none()
                    && let Some(label) = charset_from_content(&value)
                {
                    charset = Some(known_label(label));
                    need_pragma = Some(true);
                }
            }
            b"charset" if charset.is_none() => {
                charset = Some(known_label(&value));
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    let usable = match need_pragma {
        None => false,
        Some(true) => got_pragma,
        Some(false) => true,
    };
    if !usable {
        return Some(None);
    }
    Some(charset.flatten().map(|encoding| {
        // A byte stream being prescanned cannot be UTF-16, and
        // x-user-defined is a legacy alias the standard maps to 1252.
        if encoding == UTF_16BE || encoding == UTF_16LE {
            UTF_8
        } else if encoding == X_USER_DEFINED {
            WINDOWS_1252
        } else {
            encoding
        }
    }))
}

/// The HTML Standard's "get an attribute" step. Names and unquoted values
/// are lowercased. Outer `None`: the input ended; inner `None`: the tag ended.
fn get_attribute(bytes: &[u8], pos: &mut usize) -> Option<Option<(Vec<u8>, Vec<u8>)>> {
    let at = |p: usize| bytes.get(p).copied();
    while is_space(at(*pos)?) || at(*pos)? == b'/' {
        *pos += 1;
    }
    if at(*pos)? == b'>' {
        return Some(None);
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    loop {
        let b = at(*pos)?;
        if b == b'=' && !name.is_empty() {
            *pos += 1;
            break;
        }
        if is_space(b) {
            while is_space(at(*pos)?) {
                *pos += 1;
            }
            if at(*pos)? != b'=' {
                return Some(Some((name, value)));
            }
            *pos += 1;
            break;
        }
        if b == b'/' || b == b'>' {
            return Some(Some((name, value)));
        }
        name.push(b.to_ascii_lowercase());
        *pos += 1;
    }
    while is_space(at(*pos)?) {
        *pos += 1;
    }
    let b = at(*pos)?;
    if b == b'"' || b == b'\'' {
        loop {
            *pos += 1;
            let c = at(*pos)?;
            if c == b {
                *pos += 1;
                return Some(Some((name, value)));
            }
            value.push(c.to_ascii_lowercase());
        }
    }
    if b == b'>' {
        return Some(Some((name, value)));
    }
    loop {
        let c = at(*pos)?;
        if is_space(c) || c == b'>' {
            return Some(Some((name, value)));
        }
        value.push(c.to_ascii_lowercase());
        *pos += 1;
    }
}

/// The HTML Standard's "extract a character encoding from a meta element"
/// on a `content` value (already lowercased).
fn charset_from_content(content: &[u8]) -> Option<&[u8]> {
    let mut pos = 0;
    loop {
        pos += find(content.get(pos..)?, b"charset")? + 7;
        while content.get(pos).is_some_and(|&b| is_space(b)) {
            pos += 1;
        }
        if content.get(pos) != Some(&b'=') {
            continue;
        }
        pos += 1;
        while content.get(pos).is_some_and(|&b| is_space(b)) {
            pos += 1;
        }
        let rest = content.get(pos..)?;
        return match rest.first() {
            Some(&q) if q == b'"' || q == b'\'' => {
                let inner = rest.get(1..)?;
                inner
                    .iter()
                    .position(|&b| b == q)
                    .and_then(|end| inner.get(..end))
            }
            Some(_) => {
                let end = rest
                    .iter()
                    .position(|&b| is_space(b) || b == b';')
                    .unwrap_or(rest.len());
                rest.get(..end)
            }
            None => None,
        };
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, 0x09 | 0x0A | 0x0C | 0x0D | 0x20)
}

fn starts_with_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .get(..needle.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(needle))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// True when a known tag opens within the first characters of the text.
fn looks_like_markup(text: &str, config: &DecodeConfig) -> bool {
    let head: String = text
        .chars()
        .take(config.kind_sniff_chars)
        .collect::<String>()
        .to_ascii_lowercase();
    head.match_indices('<').any(|(i, _)| {
        let after = head.get(i + 1..).unwrap_or_default();
        config.markup_tags.iter().any(|tag| {
            after.strip_prefix(tag.as_str()).is_some_and(|rest| {
                // `<p` must not match `<pre>`-less prose such as `<pi>`;
                // `<!doctype` is followed by a space anyway.
                rest.chars()
                    .next()
                    .is_none_or(|c| c.is_ascii_whitespace() || c == '>' || c == '/')
            })
        })
    })
}

/// How clean a decode looks.
#[derive(Debug, Clone, Copy, Default)]
struct Quality {
    non_ascii: usize,
    errors: usize,
    plausible: usize,
}

impl Quality {
    fn of(text: &str) -> Self {
        let mut q = Quality {
            non_ascii: 0,
            errors: 0,
            plausible: 0,
        };
        // A body cut by the fetcher's size cap ends in half a character,
        // which says nothing about the label.
        let text = text
            .strip_suffix(char::REPLACEMENT_CHARACTER)
            .unwrap_or(text);
        // Only non-ASCII characters count, and English pages are nearly all
        // ASCII: skip ASCII bytes without decoding characters.
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(skip) = bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|b| !b.is_ascii()))
        {
            i += skip;
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            i += c.len_utf8();
            q.non_ascii += 1;
            if c == char::REPLACEMENT_CHARACTER {
                q.errors += 1;
            } else if is_plausible(c) {
                q.plausible += 1;
            }
        }
        q
    }

    fn error_ratio(&self) -> f64 {
        ratio(self.errors, self.non_ascii)
    }

    fn plausible_ratio(&self) -> f64 {
        ratio(self.plausible, self.non_ascii)
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Characters a Chinese news page is made of: the common hanzi of either
/// script, CJK and general punctuation, full-width forms and pinyin.
/// Mojibake is dominated by rare hanzi, kana, Latin-1 letters and private-use
/// code points instead.
fn is_plausible(c: char) -> bool {
    match c {
        '\u{4E00}'..='\u{9FFF}' => is_common_hanzi(c),
        '\u{3000}'..='\u{303F}'
        | '\u{FF01}'..='\u{FF5E}'
        | '\u{2010}'..='\u{206F}'
        | '\u{2100}'..='\u{21FF}'
        | '\u{2460}'..='\u{24FF}'
        | '\u{25A0}'..='\u{26FF}'
        | '\u{00A0}'
        | '\u{00A9}'
        | '\u{00AE}'
        | '\u{00B0}'
        | '\u{00B7}'
        | '\u{00D7}'
        | '\u{00F7}' => true,
        _ => "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü".contains(c),
    }
}

/// In GB2312's level-1 set (the 3755 most frequent Simplified hanzi) or in
/// Big5's frequent set (5401 Traditional hanzi).
fn is_common_hanzi(c: char) -> bool {
    let Some(offset) = (c as usize).checked_sub(CJK_START) else {
        return false;
    };
    common_hanzi()
        .get(offset / 64)
        .is_some_and(|word| word & (1 << (offset % 64)) != 0)
}

const CJK_START: usize = 0x4E00;
const CJK_END: usize = 0x9FFF;

/// A bitset over U+4E00..=U+9FFF, built once by decoding the two frequent
/// byte ranges, which keeps the character tables inside encoding_rs.
fn common_hanzi() -> &'static [u64] {
    static SET: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        let mut set = vec![0u64; (CJK_END - CJK_START) / 64 + 1];
        let mut mark = |encoding: &'static Encoding,
                        leads: std::ops::RangeInclusive<u8>,
                        trails: &[std::ops::RangeInclusive<u8>],
                        last: u16| {
            let mut bytes = Vec::new();
            for lead in leads {
                for trail in trails.iter().flat_map(|t| t.clone()) {
                    if u16::from_be_bytes([lead, trail]) <= last {
                        bytes.extend_from_slice(&[lead, trail]);
                    }
                }
            }
            let (text, _) = encoding.decode_without_bom_handling(&bytes);
            for c in text.chars() {
                if let Some(offset) = (c as usize).checked_sub(CJK_START)
                    && let Some(word) = set.get_mut(offset / 64)
                {
                    *word |= 1 << (offset % 64);
                }
            }
        };
        mark(GBK, 0xB0..=0xD7, &[0xA1..=0xFE], 0xD7F9);
        mark(BIG5, 0xA4..=0xC6, &[0x40..=0x7E, 0xA1..=0xFE], 0xC67E);
        set
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prescan_reads_meta_charset() {
        assert_eq!(prescan(b"<html><head><meta charset=\"gbk\">"), Some(GBK));
        assert_eq!(prescan(b"<meta charset=big5>"), Some(BIG5));
    }

    #[test]
    fn prescan_needs_pragma_for_content() {
        let with = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">";
        let without = b"<meta name=x content=\"text/html; charset=gb2312\">";
        assert_eq!(prescan(with), Some(GBK));
        assert_eq!(prescan(without), None);
    }

    #[test]
    fn prescan_skips_comments_and_attribute_values() {
        let html =
            b"<!-- <meta charset=big5> --><div title='<meta charset=big5>'><meta charset=utf-8>";
        assert_eq!(prescan(html), Some(UTF_8));
    }

    #[test]
    fn prescan_maps_utf16_to_utf8() {
        assert_eq!(prescan(b"<meta charset=utf-16le>"), Some(UTF_8));
    }

    #[test]
    fn prescan_survives_truncation() {
        for html in [
            &b"<meta charset=\"gb"[..],
            b"<!-- ",
            b"<meta",
            b"<a href=",
            b"<",
            b"",
        ] {
            assert_eq!(prescan(html), None);
        }
    }

    #[test]
    fn header_charset_handles_quotes_and_case() {
        assert_eq!(header_charset("text/html; Charset=\"GB2312\""), Some(GBK));
        assert_eq!(header_charset("text/html;charset=x-unknown"), None);
        assert_eq!(header_charset("text/html"), None);
    }

    #[test]
    fn common_hanzi_cover_both_scripts() {
        assert!(is_common_hanzi('国'));
        assert!(is_common_hanzi('國'));
        assert!(!is_common_hanzi('\u{9F98}'));
    }
}
