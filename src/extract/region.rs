//! The page's jurisdiction (which decides the currency of a bare 元) and
//! the region each figure covers.

use super::candidate::Figure;
use super::lexicon::{Jurisdiction, Lexicon};
use super::sentence::{Segments, clause_start};

fn count_hits(words: &super::lexicon::Words, s: &[char]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < s.len() {
        if let Some(len) = words.at(s, i) {
            n += 1;
            i += len;
        } else {
            i += 1;
        }
    }
    n
}

/// The jurisdiction whose signals dominate the text.
pub fn jurisdiction<'a>(lex: &'a Lexicon, s: &[char]) -> Option<&'a Jurisdiction> {
    let mut best: Option<(&Jurisdiction, usize)> = None;
    for j in &lex.jurisdictions {
        let score = count_hits(&j.words, s) + 3 * count_hits(&j.strong, s);
        let better = match best {
            None => score > 0,
            Some((b, bs)) => score > bs || (score == bs && j.id == "cn" && b.id != "cn"),
        };
        if better {
            best = Some((j, score));
        }
    }
    best.map(|(j, _)| j)
}

fn strip_admin(lex: &Lexicon, place: &[char]) -> String {
    if let Some(len) = lex.admin_suffixes.ending_at(place, place.len())
        && place.len() >= len + 2
    {
        return place
            .get(..place.len() - len)
            .map(|w| w.iter().collect())
            .unwrap_or_default();
    }
    place.iter().collect()
}

/// A reporting body at `i`: a place followed by a body word (`四川省公安厅`).
/// Returns the place without its administrative suffix.
fn body_at(lex: &Lexicon, s: &[char], i: usize) -> Option<(String, usize)> {
    let len = lex.places.at(s, i)?;
    let mut e = i + len;
    if let Some(al) = lex.admin_suffixes.at(s, e) {
        e += al;
    }
    let bl = lex
        .body_suffixes
        .at(s, e)
        .or_else(|| lex.scope_words.at(s, e))?;
    let place = s.get(i..i + len)?;
    Some((strip_admin(lex, place), e + bl))
}

/// A county-level body not in the gazetteer: two characters and a county
/// or district suffix before a body word (`袁州区公安`, `泾源县公安局`).
fn local_body_before(lex: &Lexicon, s: &[char], body_start: usize) -> Option<String> {
    let suffix = s.get(body_start.checked_sub(1)?)?;
    if !matches!(suffix, '县' | '区' | '市' | '縣' | '镇') {
        return None;
    }
    let name = s.get(body_start.checked_sub(3)?..body_start - 1)?;
    if name.iter().all(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        && !name
            .iter()
            .any(|c| "全本我该各从在向据的和与及了是".contains(*c))
    {
        return Some(strip_admin(lex, s.get(body_start - 3..body_start)?));
    }
    let _ = lex;
    None
}

/// The region of the page: the first reporting body, national words, or
/// the jurisdiction's default.
pub fn page_region(lex: &Lexicon, s: &[char], juris: Option<&Jurisdiction>) -> Option<String> {
    let mut i = 0;
    while i < s.len() {
        if let Some((place, e)) = body_at(lex, s, i) {
            return Some(place);
        }
        if let Some(len) = lex.body_suffixes.at(s, i) {
            if let Some(p) = local_body_before(lex, s, i) {
                return Some(p);
            }
            i += len;
            continue;
        }
        if lex.national.at(s, i).is_some() && juris.is_none_or(|j| j.id == "cn" || j.id == "tw") {
            let region = juris
                .map(|j| j.region.clone())
                .unwrap_or_else(|| "全国".into());
            return Some(region);
        }
        i += 1;
    }
    juris.map(|j| j.region.clone())
}

/// Sets each figure's region: world figures, sub-areas named right before
/// it, else the page's region.
pub fn assign(
    lex: &Lexicon,
    s: &[char],
    seg: &Segments,
    figs: &[Figure],
    page: Option<&String>,
) -> Vec<Option<String>> {
    figs.iter()
        .map(|f| {
            let sent_start = seg
                .sentence_of(f.num_start)
                .and_then(|k| seg.sentences.get(k))
                .map(|x| x.start)
                .unwrap_or(0);
            let clo = clause_start(s, f.start, sent_start);
            if lex.global.rfind(s, clo, f.start).is_some() {
                return Some("全球".to_string());
            }
            // A body of another area in the same sentence (`北京市公安局…`).
            let mut i = sent_start;
            while i < f.start {
                if let Some((place, e)) = body_at(lex, s, i) {
                    if page.is_none_or(|p| *p != place) {
                        return Some(place);
                    }
                    i = e;
                    continue;
                }
                i += 1;
            }
            // `除酒泉同比下降4.34%外`: a place opening the clause.
            let mut a = clo;
            if s.get(a) == Some(&'除') {
                a += 1;
            }
            if let Some(len) = lex.places.at(s, a) {
                let place: String = s
                    .get(a..a + len)
                    .map(|w| w.iter().collect())
                    .unwrap_or_default();
                if page.is_none_or(|p| *p != place) && lex.global.at(s, a).is_none() {
                    let after = s.get(a + len).copied();
                    if clo != a
                        || after.is_some_and(|c| c.is_ascii_digit() || "同共各立发".contains(c))
                    {
                        return Some(place);
                    }
                }
            }
            page.cloned()
        })
        .collect()
}
