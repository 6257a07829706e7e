//! A byte-level pass before parsing that removes what can never be article
//! text or metadata: the content of `<script>`, `<style>`, `<svg>`,
//! `<noscript>` and `<iframe>`, comments, and attributes the extractor does
//! not read (`href`, `src`, `srcset`, `data-*`, event handlers …).
//!
//! On typical pages more than half of the bytes are scripts and style
//! sheets and most of the rest is attribute values; skipping them with
//! `memchr` is several times cheaper than letting the HTML tokenizer and
//! tree builder allocate and walk through them. The scanner follows the
//! tokenizer's rules for tags, attribute quoting, comments and raw-text
//! elements, so the parsed tree keeps the same shape. JSON-LD scripts are
//! kept whole (they carry metadata) and RCDATA elements (`<title>`,
//! `<textarea>` …) are copied unchanged, so a `<script` inside them is not
//! taken for a tag.

use memchr::{memchr, memmem};

use super::rules::AttrTest;

/// What to do with the content of an element that the tokenizer reads as
/// raw text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Raw {
    /// Not a raw-text element: keep tokenizing.
    No,
    /// Drop the content (the end tag is kept).
    Skip,
    /// Copy the content unchanged up to the end tag.
    Copy,
    /// `<plaintext>`: everything after it is text.
    Rest,
}

/// Scanner configuration: which attributes survive.
#[derive(Debug, Clone)]
pub(crate) struct Prescan {
    keep_attrs: Vec<Vec<u8>>,
    /// Attributes kept only when a junk test on them passes (`style` is
    /// read only for `display:none`).
    tested: Vec<AttrTest>,
}

impl Prescan {
    /// `keep_attrs`: lower-case names of the attributes to keep;
    /// `tested`: tests of further attributes, kept only when they pass.
    pub fn new(keep_attrs: &[&str], tested: Vec<AttrTest>) -> Self {
        let mut keep: Vec<Vec<u8>> = keep_attrs
            .iter()
            .map(|a| a.to_ascii_lowercase().into_bytes())
            .collect();
        keep.sort();
        keep.dedup();
        let tested = tested
            .into_iter()
            .filter(|t| !keep.iter().any(|k| k.as_slice() == t.name.as_bytes()))
            .collect();
        Self {
            keep_attrs: keep,
            tested,
        }
    }

    fn keeps(&self, name: &[u8], value: &str) -> bool {
        self.keep_attrs
            .iter()
            .any(|k| k.as_slice().eq_ignore_ascii_case(name))
            || self
                .tested
                .iter()
                .any(|t| t.name.as_bytes().eq_ignore_ascii_case(name) && t.matches(value))
    }

    /// The reduced page.
    pub fn strip(&self, html: &str) -> String {
        let b = html.as_bytes();
        let mut out = String::with_capacity(b.len() / 2);
        let mut i = 0;
        // html5ever walks the stack of open elements for every tag, so
        // nesting 100 000 deep costs minutes. Tags past MAX_DEPTH are dropped
        // (their text stays), as browsers also flatten absurd nesting.
        let mut depth = 0usize;
        let mut dropped = 0usize;
        while i < b.len() {
            let Some(off) = memchr(b'<', b.get(i..).unwrap_or_default()) else {
                out.push_str(html.get(i..).unwrap_or_default());
                break;
            };
            let lt = i + off;
            out.push_str(html.get(i..lt).unwrap_or_default());
            let next = b.get(lt + 1).copied();
            match next {
                Some(c) if c.is_ascii_alphabetic() => {
                    let counted = nests(b.get(lt + 1..).unwrap_or_default());
                    if counted && depth >= MAX_DEPTH {
                        dropped += 1;
                        i = memchr(b'>', b.get(lt..).unwrap_or_default())
                            .map_or(b.len(), |e| lt + e + 1);
                        continue;
                    }
                    let before = out.len();
                    i = self.start_tag(html, lt, &mut out);
                    if counted && !out.get(before..).unwrap_or_default().ends_with("/>") {
                        depth += 1;
                    }
                }
                Some(b'/')
                    if b.get(lt + 2).is_some_and(u8::is_ascii_alphabetic)
                        && nests(b.get(lt + 2..).unwrap_or_default()) =>
                {
                    let end = memchr(b'>', b.get(lt..).unwrap_or_default())
                        .map_or(b.len(), |e| lt + e + 1);
                    if dropped > 0 {
                        dropped -= 1;
                    } else {
                        depth = depth.saturating_sub(1);
                        out.push_str(html.get(lt..end).unwrap_or_default());
                    }
                    i = end;
                }
                Some(b'!') if b.get(lt..lt + 4) == Some(b"<!--") => {
                    // `<!-->` and `<!--->` are complete (empty) comments.
                    i = memmem::find(b.get(lt + 2..).unwrap_or_default(), b"-->")
                        .map_or(b.len(), |e| lt + 2 + e + 3);
                }
                Some(b'/' | b'!' | b'?') => {
                    // End tags, doctypes and bogus comments: copied as they are.
                    let end = memchr(b'>', b.get(lt..).unwrap_or_default())
                        .map_or(b.len(), |e| lt + e + 1);
                    out.push_str(html.get(lt..end).unwrap_or_default());
                    i = end;
                }
                _ => {
                    out.push('<');
                    i = lt + 1;
                }
            }
        }
        out
    }

    /// Copies the start tag at `lt` with the kept attributes, then handles
    /// a raw-text element's content. Returns where scanning resumes.
    fn start_tag(&self, html: &str, lt: usize, out: &mut String) -> usize {
        // Every cut below is at an ASCII delimiter, so `html.get` never
        // splits a character.
        let b = html.as_bytes();
        let name_start = lt + 1;
        let mut j = name_start;
        while let Some(&c) = b.get(j) {
            if c.is_ascii_whitespace() || c == b'/' || c == b'>' {
                break;
            }
            j += 1;
        }
        let name = b.get(name_start..j).unwrap_or_default();
        let mut tag = String::with_capacity(64);
        tag.push('<');
        tag.push_str(html.get(name_start..j).unwrap_or_default());
        let mut json_ld = false;
        let mut self_closing = false;
        loop {
            // Between attributes.
            while let Some(&c) = b.get(j) {
                if c.is_ascii_whitespace() || c == b'/' {
                    self_closing = c == b'/';
                    j += 1;
                } else {
                    break;
                }
            }
            match b.get(j) {
                None => return b.len(), // EOF inside a tag: the tokenizer drops it.
                Some(b'>') => {
                    j += 1;
                    break;
                }
                Some(_) => {}
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
            let mut value: &[u8] = &[];
            let mut value_str = "";
            if b.get(k) == Some(&b'=') {
                k += 1;
                while b.get(k).is_some_and(u8::is_ascii_whitespace) {
                    k += 1;
                }
                match b.get(k) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let Some(e) = memchr(q, b.get(k + 1..).unwrap_or_default()) else {
                            return b.len();
                        };
                        value = b.get(k + 1..k + 1 + e).unwrap_or_default();
                        value_str = html.get(k + 1..k + 1 + e).unwrap_or_default();
                        k = k + 1 + e + 1;
                    }
                    Some(_) => {
                        let v0 = k;
                        while let Some(&c) = b.get(k) {
                            if c.is_ascii_whitespace() || c == b'>' {
                                break;
                            }
                            k += 1;
                        }
                        value = b.get(v0..k).unwrap_or_default();
                        value_str = html.get(v0..k).unwrap_or_default();
                    }
                    None => return b.len(),
                }
                j = k;
            }
            if self.keeps(attr_name, value_str) {
                tag.push(' ');
                tag.push_str(html.get(attr_start..j).unwrap_or_default());
                if attr_name.eq_ignore_ascii_case(b"type")
                    && value
                        .to_ascii_lowercase()
                        .windows(7)
                        .any(|w| w == b"ld+json")
                {
                    json_ld = true;
                }
            }
        }
        if self_closing {
            tag.push('/');
        }
        tag.push('>');
        out.push_str(&tag);
        let raw = match name.to_ascii_lowercase().as_slice() {
            b"script" if json_ld => Raw::Copy,
            b"script" | b"style" | b"noscript" | b"iframe" | b"noembed" | b"noframes" => Raw::Skip,
            b"svg" if !self_closing => Raw::Skip,
            b"title" | b"textarea" | b"xmp" => Raw::Copy,
            b"plaintext" => Raw::Rest,
            _ => Raw::No,
        };
        match raw {
            Raw::No => j,
            Raw::Rest => {
                out.push_str(html.get(j..).unwrap_or_default());
                b.len()
            }
            Raw::Skip | Raw::Copy => {
                let end = find_end_tag(b, j, name).unwrap_or(b.len());
                if raw == Raw::Copy {
                    out.push_str(html.get(j..end).unwrap_or_default());
                }
                end
            }
        }
    }
}

/// Open elements kept at most; deeper start tags (and as many end tags)
/// are dropped before parsing.
const MAX_DEPTH: usize = 512;

/// Whether the tag whose name starts `b` counts towards nesting depth:
/// void elements never nest, and elements that old pages leave unclosed
/// (`<p>`, `<li>`, table cells) are closed implicitly by the parser, so
/// counting them would make ordinary sloppy pages look deep.
fn nests(b: &[u8]) -> bool {
    let end = b
        .iter()
        .position(|c| !c.is_ascii_alphanumeric())
        .unwrap_or(b.len());
    let name = b.get(..end).unwrap_or_default().to_ascii_lowercase();
    !matches!(
        name.as_slice(),
        b"br"
            | b"img"
            | b"meta"
            | b"link"
            | b"input"
            | b"hr"
            | b"wbr"
            | b"source"
            | b"area"
            | b"base"
            | b"col"
            | b"embed"
            | b"param"
            | b"track"
            | b"p"
            | b"li"
            | b"dt"
            | b"dd"
            | b"tr"
            | b"td"
            | b"th"
            | b"option"
            | b"tbody"
            | b"thead"
            | b"tfoot"
            | b"html"
            | b"head"
            | b"body"
            | b"script"
            | b"style"
            | b"title"
            | b"textarea"
            | b"noscript"
            | b"iframe"
            | b"svg"
            | b"xmp"
            | b"plaintext"
            | b"noembed"
            | b"noframes"
    )
}

/// Position of `</name` (ASCII case-insensitive, followed by a name end)
/// at or after `from`.
fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let hay = b.get(from..)?;
    memmem::find_iter(hay, b"</")
        .find(|&at| {
            let after = at + 2 + name.len();
            hay.get(at + 2..after)
                .is_some_and(|t| t.eq_ignore_ascii_case(name))
                && hay
                    .get(after)
                    .is_none_or(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
        })
        .map(|at| at + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let hidden = vec![crate::clean::html::rules::AttrTest::parse(
            "style~display:none",
        )];
        Prescan::new(&["class", "id", "type"], hidden).strip(s)
    }

    #[test]
    fn empties_scripts_styles_and_comments() {
        assert_eq!(
            strip(
                "<p>a</p><SCRIPT type=x>var a='<p>';</script ><style>p{}</style><!-- c --><p>b</p>"
            ),
            "<p>a</p><SCRIPT type=x></script ><style></style><p>b</p>"
        );
    }

    #[test]
    fn keeps_listed_attributes_only() {
        assert_eq!(
            strip(
                r#"<div class="a b" data-x='1 > 2' id=main onclick="f()"><a href="/x">y</a></div>"#
            ),
            r#"<div class="a b" id=main><a>y</a></div>"#
        );
        assert_eq!(strip("<br/><img src=x />"), "<br/><img/>");
        assert_eq!(
            strip(r#"<p style="color:red">a</p><p style="display: none">b</p>"#),
            r#"<p>a</p><p style="display: none">b</p>"#
        );
    }

    #[test]
    fn keeps_json_ld_and_rcdata() {
        let s =
            r#"<script type="application/ld+json">{"a":"<b>"}</script><title>x <script> y</title>"#;
        assert_eq!(strip(s), s);
    }

    #[test]
    fn absurd_nesting_is_flattened_but_its_text_kept() {
        let deep = format!(
            "{}破获案件8163起{}",
            "<div>".repeat(5000),
            "</div>".repeat(5000)
        );
        let out = strip(&deep);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains("破获案件8163起"));
        let shallow = "<div><p>a<p>b<br><span>c</span></div>";
        assert_eq!(strip(shallow), shallow);
    }

    #[test]
    fn text_with_angle_brackets_is_kept() {
        assert_eq!(strip("<p>a < b, 1<2</p>"), "<p>a < b, 1<2</p>");
    }

    #[test]
    fn survives_truncated_input() {
        assert_eq!(strip("<p>a<script>never closed"), "<p>a<script>");
        assert_eq!(strip("<p>a<!-- open"), "<p>a");
        assert_eq!(strip("<p>a<script"), "<p>a");
        assert_eq!(strip("<p class=\"x"), "");
        assert_eq!(strip("<scripts>x</scripts>"), "<scripts>x</scripts>");
        assert_eq!(strip("<p>中文<b>字</b>"), "<p>中文<b>字</b>");
    }
}
