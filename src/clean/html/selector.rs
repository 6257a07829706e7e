//! The CSS selectors of `selectors.junk` in `config/html.toml`: the subset
//! that names chrome on a site, matched while the tree is built.
//!
//! Supported: type (`div`), universal (`*`), class (`.x`), id (`#x`),
//! attribute (`[a]`, `[a=v]`, `[a~=v]`, `[a^=v]`, `[a$=v]`, `[a*=v]`,
//! values quoted or not), compounds of these (`div.box-x1[role=note]`),
//! the descendant (` `) and child (`>`) combinators, and lists (`a, b`).
//! Sibling combinators and pseudo-classes need elements that come later in
//! the page and are refused when the rules load. Attribute names and
//! values compare ASCII case-insensitively for names, exactly for values,
//! as in HTML documents.

use markup5ever::LocalName;

use super::dom::Ix;

/// What a selector can test of one element (class, id and the attributes
/// the parser keeps).
#[derive(Debug, Default, Clone)]
pub(crate) struct Element {
    name: LocalName,
    attrs: Vec<(String, String)>,
    /// Parent index; the root and text nodes are their own parent.
    parent: Ix,
}

impl Element {
    /// An element named `name` with `attrs`, under node `parent`.
    pub fn new<'a>(
        name: &LocalName,
        attrs: impl Iterator<Item = (&'a str, &'a str)>,
        parent: Ix,
    ) -> Self {
        Self {
            name: name.clone(),
            attrs: attrs.map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            parent,
        }
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A parsed selector list.
#[derive(Debug, Clone)]
pub(crate) struct Selector {
    /// Alternatives; each is compounds right to left, each with the
    /// combinator that links it to the next one (its left neighbour).
    alternatives: Vec<Vec<(Compound, Combinator)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Combinator {
    /// The rightmost compound (links to nothing).
    None,
    Descendant,
    Child,
}

#[derive(Debug, Clone, Default)]
struct Compound {
    tag: Option<LocalName>,
    tests: Vec<Test>,
}

#[derive(Debug, Clone)]
enum Test {
    Class(String),
    Id(String),
    Attr(String, AttrMatch),
}

#[derive(Debug, Clone)]
enum AttrMatch {
    Present,
    Equals(String),
    Word(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
}

impl Selector {
    /// Parses a selector list, or says what is not supported.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut alternatives = Vec::new();
        for alt in text.split(',') {
            let alt = alt.trim();
            if alt.is_empty() {
                return Err("empty selector".into());
            }
            alternatives.push(parse_complex(alt)?);
        }
        Ok(Self { alternatives })
    }

    /// Whether element `ix` of `elements` (its ancestors before it) matches.
    pub fn matches(&self, ix: Ix, elements: &[Element]) -> bool {
        self.alternatives
            .iter()
            .any(|alt| matches_from(alt, 0, ix, elements))
    }
}

fn matches_from(parts: &[(Compound, Combinator)], at: usize, ix: Ix, els: &[Element]) -> bool {
    let Some((compound, link)) = parts.get(at) else {
        return true;
    };
    let Some(el) = els.get(ix) else { return false };
    if !compound_matches(compound, el) {
        return false;
    }
    if parts.get(at + 1).is_none() {
        return true;
    }
    let parent = |i: Ix| els.get(i).map(|e| e.parent).filter(|&p| p != i);
    match link {
        Combinator::Child => parent(ix).is_some_and(|p| matches_from(parts, at + 1, p, els)),
        Combinator::Descendant => {
            let mut cur = parent(ix);
            while let Some(p) = cur {
                if matches_from(parts, at + 1, p, els) {
                    return true;
                }
                cur = parent(p);
            }
            false
        }
        Combinator::None => true,
    }
}

fn compound_matches(c: &Compound, el: &Element) -> bool {
    if c.tag.as_ref().is_some_and(|t| *t != el.name) {
        return false;
    }
    c.tests.iter().all(|t| match t {
        Test::Class(cls) => el
            .attr("class")
            .is_some_and(|v| v.split_ascii_whitespace().any(|w| w == cls)),
        Test::Id(id) => el.attr("id").is_some_and(|v| v == id),
        Test::Attr(name, m) => el.attr(name).is_some_and(|v| match m {
            AttrMatch::Present => true,
            AttrMatch::Equals(x) => v == x,
            AttrMatch::Word(x) => v.split_ascii_whitespace().any(|w| w == x),
            AttrMatch::Prefix(x) => !x.is_empty() && v.starts_with(x.as_str()),
            AttrMatch::Suffix(x) => !x.is_empty() && v.ends_with(x.as_str()),
            AttrMatch::Contains(x) => !x.is_empty() && v.contains(x.as_str()),
        }),
    })
}

/// `div.a > ul li`: compounds right to left with their combinators.
fn parse_complex(s: &str) -> Result<Vec<(Compound, Combinator)>, String> {
    // Tokens: compounds and `>`; whitespace alone is the descendant one.
    let spaced = s.replace('>', " > ");
    let mut parts: Vec<(Compound, Combinator)> = Vec::new();
    let mut pending = Combinator::None;
    let mut tokens = Vec::new();
    for tok in spaced.split_whitespace() {
        tokens.push(tok);
    }
    for tok in tokens.iter().rev() {
        if *tok == ">" {
            if parts.is_empty() || pending == Combinator::Child {
                return Err(format!("misplaced `>` in `{s}`"));
            }
            pending = Combinator::Child;
            continue;
        }
        if matches!(tok.chars().next(), Some('+' | '~')) || tok.contains(['+', ':']) {
            return Err(format!(
                "`{tok}`: only type, class, id and attribute selectors with ` ` and `>` are supported"
            ));
        }
        let link = if parts.is_empty() {
            Combinator::None
        } else if pending == Combinator::Child {
            Combinator::Child
        } else {
            Combinator::Descendant
        };
        if let Some(last) = parts.last_mut() {
            last.1 = link;
        }
        parts.push((parse_compound(tok)?, Combinator::None));
        pending = Combinator::None;
    }
    if parts.is_empty() || pending == Combinator::Child {
        return Err(format!("incomplete selector `{s}`"));
    }
    Ok(parts)
}

fn parse_compound(tok: &str) -> Result<Compound, String> {
    let mut c = Compound::default();
    let ident_end = |s: &str| s.find(['.', '#', '[']).unwrap_or(s.len());
    let head_len = ident_end(tok);
    let head = tok.get(..head_len).unwrap_or_default();
    if !head.is_empty() && head != "*" {
        c.tag = Some(LocalName::from(head.to_ascii_lowercase()));
    }
    let mut rest = tok.get(head_len..).unwrap_or_default();
    while let Some(first) = rest.chars().next() {
        let body = rest.get(1..).unwrap_or_default();
        match first {
            '.' | '#' => {
                let end = ident_end(body);
                let name = body.get(..end).unwrap_or_default();
                if name.is_empty() {
                    return Err(format!("empty name in `{tok}`"));
                }
                c.tests.push(if first == '.' {
                    Test::Class(name.to_string())
                } else {
                    Test::Id(name.to_string())
                });
                rest = body.get(end..).unwrap_or_default();
            }
            '[' => {
                let close = body
                    .find(']')
                    .ok_or_else(|| format!("unclosed `[` in `{tok}`"))?;
                c.tests
                    .push(parse_attr(body.get(..close).unwrap_or_default())?);
                rest = body.get(close + 1..).unwrap_or_default();
            }
            _ => return Err(format!("unexpected `{first}` in `{tok}`")),
        }
    }
    Ok(c)
}

fn parse_attr(inner: &str) -> Result<Test, String> {
    let Some(eq) = inner.find('=') else {
        let name = inner.trim();
        if name.is_empty() {
            return Err("empty attribute selector".into());
        }
        return Ok(Test::Attr(name.to_ascii_lowercase(), AttrMatch::Present));
    };
    let (lhs, rhs) = (
        inner.get(..eq).unwrap_or_default(),
        inner.get(eq + 1..).unwrap_or_default(),
    );
    let value = rhs
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string();
    let (name, op) = match lhs.trim_end().chars().last() {
        Some(op @ ('~' | '^' | '$' | '*')) => (lhs.trim_end().trim_end_matches(op), Some(op)),
        Some('|') => return Err(format!("`|=` is not supported in `[{inner}]`")),
        _ => (lhs, None),
    };
    let m = match op {
        None => AttrMatch::Equals(value),
        Some('~') => AttrMatch::Word(value),
        Some('^') => AttrMatch::Prefix(value),
        Some('$') => AttrMatch::Suffix(value),
        _ => AttrMatch::Contains(value),
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("empty attribute name in `[{inner}]`"));
    }
    Ok(Test::Attr(name.to_ascii_lowercase(), m))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// html > body(0) > div.a#m(1) > ul(2) > li.x(3); p[role=note](4) under div.
    fn tree() -> Vec<Element> {
        let el = |n: &str, attrs: &[(&'static str, &'static str)], parent| {
            Element::new(&LocalName::from(n), attrs.iter().copied(), parent)
        };
        vec![
            el("body", &[], 0),
            el("div", &[("class", "a b"), ("id", "m")], 0),
            el("ul", &[], 1),
            el("li", &[("class", "x")], 2),
            el("p", &[("role", "note")], 1),
        ]
    }

    fn hits(sel: &str) -> Vec<Ix> {
        let s = Selector::parse(sel).unwrap_or_else(|e| panic!("{sel}: {e}"));
        let t = tree();
        (0..t.len()).filter(|&i| s.matches(i, &t)).collect()
    }

    #[test]
    fn compounds_and_combinators() {
        assert_eq!(hits("div.a"), [1]);
        assert_eq!(hits("#m"), [1]);
        assert_eq!(hits(".b#m"), [1]);
        assert_eq!(hits("div.c"), Vec::<Ix>::new());
        assert_eq!(hits("div > ul"), [2]);
        assert_eq!(hits("div>li"), Vec::<Ix>::new());
        assert_eq!(hits("div li"), [3]);
        assert_eq!(hits("div.a li.x, p"), [3, 4]);
        assert_eq!(hits("[role=note]"), [4]);
        assert_eq!(hits("[class~=b]"), [1]);
        assert_eq!(hits("[class^=a]"), [1]);
        assert_eq!(hits("* > [role]"), [4]);
    }

    #[test]
    fn unsupported_selectors_are_refused() {
        for bad in [
            "a + b",
            "a ~ b",
            "p:first-child",
            "",
            "> p",
            "p >",
            "[",
            ".",
            "a,",
        ] {
            assert!(Selector::parse(bad).is_err(), "{bad}");
        }
    }
}
