//! The tokenizer under the compact tree builder (`parse`): the HTML
//! Standard's tokenizer (§13.2.5) for the states whose outcome the tree
//! builder reads, fast paths by `memchr` for the rest.
//!
//! What it implements: the data state with start tags (name, attributes,
//! self-closing flag), end tags (their attributes read and dropped, so that
//! a `>` in a quoted value does not end them), comments (ended by `-->` or
//! `--!>`, `<!-->` and `<!--->` empty), bogus comments, doctypes and `</>`
//! skipped to their `>`; RCDATA, RAWTEXT and PLAINTEXT contents; script
//! data with its escaped and double-escaped states (`<!-- <script> …
//! </script> -->` inside a script does not end it). Character references
//! are decoded by `entities` when the sink takes the text.
//!
//! What it leaves out, because the tree builder does not need it: parse
//! errors, doctype names and identifiers, comment data, NUL replacement
//! (the builder drops NULs), CDATA sections (only in foreign content,
//! which the builder drops). `tests/html5lib_tokenizer.rs` runs the
//! html5lib tokenizer tests through [`html5lib_tokens`], with the list of
//! tests skipped for these reasons.

use markup5ever::LocalName;
use memchr::{memchr, memchr2, memmem};

use super::entities;

/// One attribute kept from a start tag.
#[derive(Debug)]
pub(crate) struct Attr<'a> {
    /// Its name as the sink keeps it (the builder: lower-cased).
    pub name: &'a str,
    /// Its value, character references decoded.
    pub value: std::borrow::Cow<'a, str>,
    /// A junk test of the rules reads this attribute.
    pub junk_tested: bool,
}

/// What the tokenizer does with the content of a raw-text element.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Raw {
    /// Not raw text: keep tokenizing.
    No,
    /// Skip it (scripts, styles, SVG, frames).
    Skip,
    /// The page title.
    Title,
    /// A JSON-LD block.
    JsonLd,
    /// `<textarea>` (RCDATA): text, but never article text.
    Text,
    /// `<xmp>` (RAWTEXT): text as written, references not decoded.
    Verbatim,
    /// `<plaintext>`: everything after it is text.
    Rest,
}

/// Where the tokens go: the tree builder, or the html5lib test harness.
pub(crate) trait Sink<'a> {
    /// The attribute `name=value` of a start tag as kept (its name and
    /// whether a junk test reads it), `None` to drop it.
    fn keep_attr(&self, name: &'a [u8], value: &'a str) -> Option<(&'a str, bool)>;
    /// A start tag; returns how to read the element's content.
    fn start_tag(&mut self, name: LocalName, attrs: &[Attr<'a>], self_closing: bool) -> Raw;
    /// An end tag.
    fn end_tag(&mut self, name: LocalName);
    /// Text of the data state, character references not yet decoded.
    fn text(&mut self, raw: &'a str);
    /// The content of a raw-text element that `start_tag` asked for.
    fn raw_text(&mut self, kind: Raw, content: &'a str);
}

/// Lower-cased element name as an atom (names are short; longer ones are
/// custom elements, interned all the same).
pub(crate) fn atom(raw: &[u8]) -> LocalName {
    let mut buf = [0u8; 24];
    if let Some(slot) = buf.get_mut(..raw.len()) {
        for (d, s) in slot.iter_mut().zip(raw) {
            *d = s.to_ascii_lowercase();
        }
        if let Ok(s) = std::str::from_utf8(slot) {
            return LocalName::from(s);
        }
    }
    LocalName::from(String::from_utf8_lossy(raw).to_ascii_lowercase())
}

/// Reads `html` from `i` in the data state and drives `sink` until the end
/// or until `halt` (asked before each token) says stop.
pub(crate) fn tokenize<'a, S: Sink<'a>>(
    html: &'a str,
    mut i: usize,
    sink: &mut S,
    mut halt: impl FnMut(&S) -> bool,
) {
    let bytes = html.as_bytes();
    let mut attrs: Vec<Attr<'a>> = Vec::new();
    while i < bytes.len() {
        if halt(sink) {
            return;
        }
        let Some(off) = memchr(b'<', bytes.get(i..).unwrap_or_default()) else {
            sink.text(html.get(i..).unwrap_or_default());
            break;
        };
        let lt = i + off;
        if off > 0 {
            sink.text(html.get(i..lt).unwrap_or_default());
        }
        match bytes.get(lt + 1).copied() {
            Some(c) if c.is_ascii_alphabetic() => {
                attrs.clear();
                let keep = |name, value: &'a str, attrs: &mut Vec<Attr<'a>>| {
                    if let Some((kept, junk_tested)) = sink.keep_attr(name, value)
                        && !attrs.iter().any(|a| a.name.eq_ignore_ascii_case(kept))
                    {
                        // The first of duplicate attributes wins, as in the
                        // tokenizer.
                        attrs.push(Attr {
                            name: kept,
                            value: entities::decode(value, true),
                            junk_tested,
                        });
                    }
                };
                let Some(tag) = read_tag(html, lt + 1, |n, v| keep(n, v, &mut attrs)) else {
                    // EOF inside a tag: the tokenizer drops it.
                    break;
                };
                let raw = sink.start_tag(atom(tag.name), &attrs, tag.self_closing);
                i = tag.end;
                if raw != Raw::No {
                    let script = tag.name.eq_ignore_ascii_case(b"script");
                    i = raw_text(html, i, raw, tag.name, script, sink);
                }
            }
            Some(b'/') if bytes.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) => {
                // End tags have attributes too (read, then dropped).
                let Some(tag) = read_tag(html, lt + 2, |_, _| {}) else {
                    break;
                };
                sink.end_tag(atom(tag.name));
                i = tag.end;
            }
            Some(b'!') if bytes.get(lt..lt + 4) == Some(b"<!--") => {
                i = comment_end(bytes, lt);
            }
            None | Some(b'/') if bytes.len() <= lt + 2 => {
                // `<` or `</` at the end of input is text.
                sink.text(html.get(lt..).unwrap_or_default());
                break;
            }
            Some(b'/' | b'!' | b'?') => {
                // Doctypes, bogus comments, `</>`: nothing to keep.
                i = memchr(b'>', bytes.get(lt + 2..).unwrap_or_default())
                    .map_or(bytes.len(), |e| lt + 2 + e + 1);
            }
            _ => {
                sink.text("<");
                i = lt + 1;
            }
        }
    }
}

/// Hands the content of a raw-text element (`name`, starting at `i`) to
/// the sink; returns where the data state resumes (at its end tag).
pub(crate) fn raw_text<'a, S: Sink<'a>>(
    html: &'a str,
    i: usize,
    raw: Raw,
    name: &[u8],
    script: bool,
    sink: &mut S,
) -> usize {
    let bytes = html.as_bytes();
    let end = match raw {
        Raw::Rest => None,
        _ if script => script_end(bytes, i, name),
        _ => find_end_tag(bytes, i, name),
    }
    .unwrap_or(bytes.len());
    sink.raw_text(raw, html.get(i..end).unwrap_or_default());
    end
}

/// Just past the comment opened by the `<!--` at `lt` (or the end of
/// input): at the first `-->` or `--!>`, where `<!-->` and `<!--->` are
/// complete, empty comments (the comment start, start dash, end and end
/// bang states of the Standard).
fn comment_end(b: &[u8], lt: usize) -> usize {
    let mut from = lt + 4;
    while let Some(off) = memchr(b'>', b.get(from..).unwrap_or_default()) {
        let gt = from + off;
        let ends = |s: usize, what: &[u8]| s >= lt + 2 && b.get(s..gt) == Some(what);
        // `--` may be the opener's own dashes (`<!-->`, `<!--->`); before
        // `!>` they must follow it (`<!--!>` is not an end).
        if ends(gt.saturating_sub(2), b"--") || gt >= lt + 7 && ends(gt.saturating_sub(3), b"--!") {
            return gt + 1;
        }
        from = gt + 1;
    }
    b.len()
}

/// A start or end tag read by [`read_tag`].
pub(crate) struct Tag<'a> {
    pub name: &'a [u8],
    pub self_closing: bool,
    /// Just past its `>`.
    pub end: usize,
}

/// Reads the tag whose name starts at `name_start` (after `<` or `</`),
/// handing each attribute to `keep`. `None` at end of input inside the tag.
pub(crate) fn read_tag<'a>(
    html: &'a str,
    name_start: usize,
    mut keep: impl FnMut(&'a [u8], &'a str),
) -> Option<Tag<'a>> {
    // Every cut below is at an ASCII delimiter, so `html.get` never splits
    // a character.
    let b = html.as_bytes();
    let mut j = name_start;
    while let Some(&c) = b.get(j) {
        if c.is_ascii_whitespace() || c == b'/' || c == b'>' {
            break;
        }
        j += 1;
    }
    let name = b.get(name_start..j).unwrap_or_default();
    let mut self_closing = false;
    loop {
        while let Some(&c) = b.get(j) {
            if c.is_ascii_whitespace() || c == b'/' {
                self_closing = c == b'/';
                j += 1;
            } else {
                break;
            }
        }
        if *b.get(j)? == b'>' {
            j += 1;
            break;
        }
        self_closing = false;
        let attr_start = j;
        // The first character may be `=` (a parse error the tokenizer
        // accepts as part of the name).
        j += 1;
        while let Some(&c) = b.get(j) {
            if c.is_ascii_whitespace() || c == b'/' || c == b'>' || c == b'=' {
                break;
            }
            j += 1;
        }
        let attr_name = b.get(attr_start..j).unwrap_or_default();
        let mut k = j;
        while b.get(k).is_some_and(u8::is_ascii_whitespace) {
            k += 1;
        }
        let mut value = "";
        if b.get(k) == Some(&b'=') {
            k += 1;
            while b.get(k).is_some_and(u8::is_ascii_whitespace) {
                k += 1;
            }
            match b.get(k)? {
                &q @ (b'"' | b'\'') => {
                    let e = memchr(q, b.get(k + 1..).unwrap_or_default())?;
                    value = html.get(k + 1..k + 1 + e).unwrap_or_default();
                    k = k + 1 + e + 1;
                }
                _ => {
                    let v0 = k;
                    while let Some(&c) = b.get(k) {
                        if c.is_ascii_whitespace() || c == b'>' {
                            break;
                        }
                        k += 1;
                    }
                    value = html.get(v0..k).unwrap_or_default();
                }
            }
            j = k;
        }
        keep(attr_name, value);
    }
    Some(Tag {
        name,
        self_closing,
        end: j,
    })
}

/// Whether `b[at..]` is `</name` followed by a name end (whitespace, `/`
/// or `>`): an appropriate end tag. At the end of input it is not one (the
/// Standard emits `</name` as text).
fn is_end_tag_at(b: &[u8], at: usize, name: &[u8]) -> bool {
    let after = at + 2 + name.len();
    // No name (an html5lib test with no last start tag) matches nothing.
    !name.is_empty()
        && b.get(at..at + 2) == Some(b"</")
        && b.get(at + 2..after)
            .is_some_and(|t| t.eq_ignore_ascii_case(name))
        && b.get(after)
            .is_some_and(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
}

/// Position of the first appropriate end tag `</name` at or after `from`
/// (RCDATA and RAWTEXT states).
pub(crate) fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let hay = b.get(from..)?;
    memmem::find_iter(hay, b"</")
        .map(|at| at + from)
        .find(|&at| is_end_tag_at(b, at, name))
}

/// Where a script's content starting at `from` ends: at `</name` (the
/// element's own name, `script` but for the tests) in the
/// script data or script data escaped state, not in the double-escaped
/// state (`<!-- document.write("<script></script>") -->`), per §13.2.5.4
/// and .15–.27 of the Standard.
pub(crate) fn script_end(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    loop {
        // Script data state: its end tag, or `<!--` before it.
        let end = find_end_tag(b, i, name);
        let upto = end.unwrap_or(b.len());
        let Some(esc) = memmem::find(b.get(i..upto).unwrap_or_default(), b"<!--") else {
            return end;
        };
        match escaped(b, i + esc + 4, name) {
            Esc::Data(at) => i = at,
            Esc::End(at) => return Some(at),
            Esc::Eof => return None,
        }
    }
}

/// How an escaped part of a script ends.
enum Esc {
    /// `-->`: script data again from here.
    Data(usize),
    /// An appropriate `</script` end tag here.
    End(usize),
    /// The end of input.
    Eof,
}

/// The states of escaped (and, `double`, double-escaped) script data.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EscState {
    Plain,
    Dash,
    DashDash,
}

/// What the two escaped states share: from `j` in state `st`, passes over
/// text and dashes (counting them into `st`) to the next byte either state
/// handles itself. Returns how the run ends where `-->` closes it or the
/// input ends.
fn escaped_step(b: &[u8], j: &mut usize, st: &mut EscState) -> Option<Esc> {
    loop {
        if *st == EscState::Plain {
            match memchr2(b'-', b'<', b.get(*j..).unwrap_or_default()) {
                Some(off) => *j += off,
                None => return Some(Esc::Eof),
            }
        }
        match b.get(*j) {
            None => return Some(Esc::Eof),
            Some(b'-') => {
                *st = if *st == EscState::Plain {
                    EscState::Dash
                } else {
                    EscState::DashDash
                };
                *j += 1;
            }
            Some(b'>') if *st == EscState::DashDash => return Some(Esc::Data(*j + 1)),
            Some(_) => return None,
        }
    }
}

/// Script data escaped state from `at`, entered by `<!--` (so in its "dash
/// dash" state).
fn escaped(b: &[u8], at: usize, name: &[u8]) -> Esc {
    let mut st = EscState::DashDash;
    let mut j = at;
    loop {
        if let Some(end) = escaped_step(b, &mut j, &mut st) {
            return end;
        }
        match b.get(j).copied().unwrap_or_default() {
            b'<' if b.get(j + 1) == Some(&b'/') => {
                if is_end_tag_at(b, j, name) {
                    return Esc::End(j);
                }
                j += 2;
            }
            b'<' => {
                // Escaped less-than sign, then double escape start.
                let name_end = alpha_run(b, j + 1);
                if is_script_then_delim(b, j + 1, name_end) {
                    match double_escaped(b, name_end + 1) {
                        Esc::End(resume) => j = resume,
                        other => return other,
                    }
                } else {
                    j = name_end.max(j + 1);
                }
            }
            _ => j += 1,
        }
        st = EscState::Plain;
    }
}

/// Script data double escaped state from `at`; `Esc::End(at)` here means
/// back to the escaped state at `at` (after `</script` and a delimiter).
fn double_escaped(b: &[u8], at: usize) -> Esc {
    let mut st = EscState::Plain;
    let mut j = at;
    loop {
        if let Some(end) = escaped_step(b, &mut j, &mut st) {
            return end;
        }
        match b.get(j).copied().unwrap_or_default() {
            b'<' if b.get(j + 1) == Some(&b'/') => {
                // Double escape end state.
                let name_end = alpha_run(b, j + 2);
                if is_script_then_delim(b, j + 2, name_end) {
                    return Esc::End(name_end + 1);
                }
                j = name_end.max(j + 2);
            }
            _ => j += 1,
        }
        st = EscState::Plain;
    }
}

/// End of the run of ASCII letters from `at`.
fn alpha_run(b: &[u8], at: usize) -> usize {
    let mut e = at;
    while b.get(e).is_some_and(u8::is_ascii_alphabetic) {
        e += 1;
    }
    e
}

/// Whether `b[start..end]` is `script` (any case) followed by whitespace,
/// `/` or `>`.
fn is_script_then_delim(b: &[u8], start: usize, end: usize) -> bool {
    b.get(start..end)
        .is_some_and(|n| n.eq_ignore_ascii_case(b"script"))
        && b.get(end)
            .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
}

/// The tokenizer's output in the html5lib tests' format
/// (`["StartTag", name, {attrs}, true?]`, `["EndTag", name]`,
/// `["Character", data]`), adjacent characters merged; comments and
/// doctypes are not emitted. `state` is the test's initial state
/// (`Data state`, `RCDATA state`, `RAWTEXT state`, `Script data state`,
/// `PLAINTEXT state`); start tags do not switch states, as in the tests.
/// For `tests/html5lib_tokenizer.rs` only.
#[doc(hidden)]
pub fn html5lib_tokens(
    input: &str,
    state: &str,
    last_start_tag: Option<&str>,
) -> Option<Vec<serde_json::Value>> {
    let mut sink = TestSink::default();
    let last = last_start_tag.unwrap_or_default();
    let raw = match state {
        "Data state" => Raw::No,
        "RCDATA state" => Raw::Title,
        "RAWTEXT state" | "Script data state" => Raw::Skip,
        "PLAINTEXT state" => Raw::Rest,
        _ => return None,
    };
    sink.decode_raw = raw == Raw::Title;
    let mut i = 0;
    if raw != Raw::No {
        let script = state == "Script data state";
        i = raw_text(input, 0, raw, last.as_bytes(), script, &mut sink);
    }
    tokenize(input, i, &mut sink, |_| false);
    sink.flush();
    Some(sink.out)
}

/// `s` with CR LF and CR as LF, as the Standard preprocesses input.
fn newlines(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        s.into()
    }
}

/// Collects tokens for [`html5lib_tokens`].
#[derive(Default)]
struct TestSink {
    out: Vec<serde_json::Value>,
    chars: String,
    decode_raw: bool,
}

impl TestSink {
    fn flush(&mut self) {
        if !self.chars.is_empty() {
            let text = std::mem::take(&mut self.chars);
            self.out.push(serde_json::json!(["Character", text]));
        }
    }
}

impl<'a> Sink<'a> for TestSink {
    fn keep_attr(&self, name: &'a [u8], _value: &'a str) -> Option<(&'a str, bool)> {
        std::str::from_utf8(name).ok().map(|n| (n, false))
    }

    fn start_tag(&mut self, name: LocalName, attrs: &[Attr<'a>], self_closing: bool) -> Raw {
        self.flush();
        let map: serde_json::Map<String, serde_json::Value> = attrs
            .iter()
            .map(|a| {
                (
                    a.name.to_ascii_lowercase(),
                    newlines(&a.value).into_owned().into(),
                )
            })
            .collect();
        let mut tok = serde_json::json!(["StartTag", name.to_string(), map]);
        if self_closing && let Some(t) = tok.as_array_mut() {
            t.push(true.into());
        }
        self.out.push(tok);
        Raw::No
    }

    fn end_tag(&mut self, name: LocalName) {
        self.flush();
        self.out
            .push(serde_json::json!(["EndTag", name.to_string()]));
    }

    fn text(&mut self, raw: &'a str) {
        // The input stream's CR and CR LF are LF (before any decoding).
        entities::decode_into(&newlines(raw), false, &mut self.chars);
    }

    fn raw_text(&mut self, _kind: Raw, content: &'a str) {
        let content = newlines(content);
        if self.decode_raw {
            entities::decode_into(&content, false, &mut self.chars);
        } else {
            self.chars.push_str(&content);
        }
    }
}
