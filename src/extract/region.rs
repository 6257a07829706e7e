//! The page's jurisdiction (which decides the currency of a bare 元) and
//! the region each figure covers.

use rustc_hash::FxHashMap;

use super::candidate::Figure;
use super::gazetteer::Level;
use super::lexicon::{Jurisdiction, Lexicon};
use super::reporting_body::{Evidence, PageFacts, Resolver};
use super::sentence::{Segments, clause_start};
use crate::budget::Meter;
use crate::text::chars::is_han;

fn count_hits(words: &super::lexicon::Words, s: &[char], starts: &[usize]) -> usize {
    let mut n = 0;
    let mut free = 0;
    for &i in starts {
        if i < free {
            continue;
        }
        if let Some(len) = words.at(s, i) {
            n += 1;
            free = i + len;
        }
    }
    n
}

/// Hits of `words` in `s`, matched left to right without overlap.
fn count_in(words: &super::lexicon::Words, s: &[char]) -> usize {
    let starts: Vec<usize> = (0..s.len())
        .filter(|&i| s.get(i).is_some_and(|&c| words.may_start(c)))
        .collect();
    count_hits(words, s, &starts)
}

/// The jurisdiction whose signals dominate the text.
pub fn jurisdiction<'a>(lex: &'a Lexicon, s: &[char]) -> Option<&'a Jurisdiction> {
    jurisdiction_of(lex, &[s])
}

/// The jurisdiction whose signals dominate texts read as one, each part on
/// lines of its own (no word spans two parts).
pub fn jurisdiction_of<'a>(lex: &'a Lexicon, parts: &[&[char]]) -> Option<&'a Jurisdiction> {
    // Ten scans of a long text (two word lists for each jurisdiction) cost
    // more than the rest of the extractor on English pages; only positions
    // where some word can start are visited, which counts the same hits.
    let starts: Vec<Vec<usize>> = parts
        .iter()
        .map(|s| {
            (0..s.len())
                .filter(|&i| {
                    s.get(i)
                        .is_some_and(|&c| lex.regions.jurisdiction_any.may_start(c))
                })
                .collect()
        })
        .collect();
    let hits = |w: &super::lexicon::Words| -> usize {
        parts
            .iter()
            .zip(&starts)
            .map(|(s, st)| count_hits(w, s, st))
            .sum()
    };
    let mut best: Option<(&Jurisdiction, usize)> = None;
    for j in &lex.regions.jurisdictions {
        let score = hits(&j.words) + 3 * hits(&j.strong);
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
    if let Some(len) = lex.regions.admin_suffixes.ending_at(place, place.len())
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
    let len = lex.regions.places.at(s, i)?;
    let mut e = i + len;
    if let Some(al) = lex.regions.admin_suffixes.at(s, e) {
        e += al;
    }
    let bl = lex
        .regions
        .body_suffixes
        .at(s, e)
        .or_else(|| lex.regions.scope_words.at(s, e))?;
    let place = s.get(i..i + len)?;
    Some((strip_admin(lex, place), e + bl))
}

/// A county-level body not in the gazetteer, from the Han characters right
/// before a body word (`袁州公安分局`, `泾源县公安局`, `(洋县公安局`).
fn local_body_before(lex: &Lexicon, s: &[char], body_start: usize) -> Option<String> {
    let stop = "全本我该各从在向据的和与及了是等地当对由于为至省市县区两级警率长";
    // `银川市公安局反诈中心`: a body inside a body names no new place.
    if lex.regions.body_suffixes.ending_at(s, body_start).is_some() {
        return None;
    }
    let mut e = body_start;
    let admin = s.get(e.checked_sub(1)?).copied()?;
    let has_admin = matches!(admin, '县' | '区' | '市' | '镇');
    if has_admin {
        e -= 1;
    }
    let mut a = e;
    while a > 0 && e - a < 3 {
        let c = s.get(a - 1).copied()?;
        if !is_han(c) || stop.contains(c) {
            break;
        }
        a -= 1;
    }
    let name = s.get(a..e)?;
    match (name.len(), has_admin) {
        (0, _) => None,
        (1, true) => Some(format!("{}{}", name.iter().collect::<String>(), admin)),
        (1, false) => None,
        (_, _) => {
            let two = s.get(e - 2..e)?;
            let _ = lex;
            Some(two.iter().collect())
        }
    }
}

/// Occurrences in `s` of each of `words`, counted as [`occurrences`] does
/// (overlapping), in one pass over `s` for all of them.
fn occurrences_of<'w>(s: &[char], words: &[&'w str]) -> FxHashMap<&'w str, usize> {
    let mut counts: FxHashMap<&'w str, usize> = FxHashMap::default();
    let mut by_chars: FxHashMap<Vec<char>, &'w str> = FxHashMap::default();
    let mut lens: Vec<usize> = Vec::new();
    for &w in words {
        let cs: Vec<char> = w.chars().collect();
        if cs.is_empty() {
            continue;
        }
        if !lens.contains(&cs.len()) {
            lens.push(cs.len());
        }
        counts.insert(w, 0);
        by_chars.insert(cs, w);
    }
    for len in lens {
        for window in s.windows(len) {
            if let Some(w) = by_chars.get(window)
                && let Some(n) = counts.get_mut(w)
            {
                *n += 1;
            }
        }
    }
    counts
}

fn occurrences(s: &[char], w: &str) -> usize {
    let w: Vec<char> = w.chars().collect();
    if w.is_empty() {
        return 0;
    }
    s.windows(w.len()).filter(|x| *x == w.as_slice()).count()
}

fn national_counts(lex: &Lexicon, s: &[char]) -> Option<(String, usize)> {
    lex.regions
        .national
        .iter()
        .map(|(r, w)| (r.clone(), count_in(w, s)))
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(_, n)| *n)
}

/// Where a page names the place of its outlet: the headline, the lead of
/// the body (a dateline or credit) and the source lines.
fn province_evidence<'a>(page: &'a PageFacts<'_>) -> Vec<&'a [char]> {
    let lead = page.body.get(..LEAD_CHARS).unwrap_or(page.body);
    [page.title, lead]
        .into_iter()
        .chain(page.sources.iter().map(Vec::as_slice))
        .collect()
}

/// How [`page_region_how`] came to its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// A Hong Kong, Macau or Singapore page: the jurisdiction's region.
    Jurisdiction,
    /// The reporting body named most often.
    Body,
    /// National words outnumbering the bodies.
    National,
    /// The place the page keeps naming.
    Place,
    /// A province a release about the whole province names (`全省…`).
    Province,
    /// The jurisdiction's default.
    Default,
}

/// Distinct counties or districts of one city that make a local
/// bulletin (`我市…`) that city's.
const MIN_COUNTIES_OF_CITY: usize = 2;

/// Distinct cities of one province that make a province-wide bulletin's
/// breakdown.
const MIN_CITIES_OF_PROVINCE: usize = 3;

/// Province-wide words (`全省`, `我省`) that make a release the province's
/// own rather than one mentioning the province in passing.
const MIN_PROVINCE_SCOPE: usize = 2;

/// The lead of a body where a dateline or credit names the outlet's place.
const LEAD_CHARS: usize = 60;

/// Where a release about one police station names it: its title, or this
/// many characters of its body.
const STATION_LEAD_CHARS: usize = 300;

/// A release about one police station's work (`宁波市公安局鄞州分局百丈派出所
/// 民警…`, `据百丈派出所所长介绍，…辖区电诈发案96起`) speaks for the
/// station's own area, as the corpus labels a station's figures with its
/// area (`秀江`): the station named in the title or lead, whose chief
/// speaks or whose area is named as its own. A station a city's release
/// quotes for one case is neither.
fn lead_station(lex: &Lexicon, page: &PageFacts<'_>) -> Option<String> {
    let suffix = &lex.regions.minor_body_suffixes;
    let lead = page.body.get(..STATION_LEAD_CHARS).unwrap_or(page.body);
    let name = [page.title, lead].into_iter().find_map(|s| {
        (0..s.len()).find_map(|i| {
            suffix.at(s, i)?;
            let mut a = i;
            while a > 0
                && i - a < 4
                && s.get(a - 1).is_some_and(|&c| {
                    is_han(c) && !"局安区县市镇乡所队省州的和及与在为由".contains(c)
                })
            {
                a -= 1;
            }
            let name = s.get(a..i)?;
            // `200多家派出所`: a count of stations, no name.
            let counted = a
                .checked_sub(1)
                .and_then(|k| s.get(k))
                .is_some_and(|c| c.is_ascii_digit() || "十百千万".contains(*c))
                || name.iter().any(|c| "多家个余些几数座".contains(*c));
            (name.len() >= 2
                && !counted
                && !lex.regions.not_places.contains(name)
                && !name
                    .first()
                    .is_some_and(|c| "各该辖本我当属等全".contains(*c)))
            .then(|| name.iter().collect::<String>())
        })
    })?;
    let station = format!("{name}派出所");
    // The station speaks for its area: its chief reports, or its area is
    // named as such (`百丈派出所所长`, `百丈派出所辖区`), or the title is
    // about a station (`淮南这个派出所辖区…`); a case one station handled in
    // a city's story is neither.
    let own = ["辖区", "所长", "所辖"]
        .iter()
        .any(|w| occurrences(page.body, &format!("{station}{w}")) > 0)
        || occurrences(page.title, "派出所") > 0;
    own.then_some(name)
}

/// The page's reporting jurisdiction: the reporting body read from the
/// text, source line and host ([`reporting_body`]) where the page names
/// one, else what the text's heuristics make of it ([`page_region_how`]),
/// else the crawler's region hint.
///
/// Hong Kong, Macau and Singapore pages keep their jurisdiction's region,
/// and a release about a whole province (`全省…`) keeps its province over
/// a body inside it.
pub fn resolve_page(
    lex: &Lexicon,
    bodies: &Resolver,
    page: &PageFacts<'_>,
    juris: Option<&Jurisdiction>,
) -> Option<String> {
    // A foreign country counts only as the reporting body the resolver
    // reads (`柬埔寨警方…`), never from being named often (`缅甸`, where
    // the crimes happen).
    let known = |r: &str| {
        !bodies.is_foreign(r)
            && (bodies.knows(r) || lex.regions.places.contains(&r.chars().collect::<Vec<_>>()))
    };
    let guess = page_region_how(lex, page.body, juris, &known)
        .or_else(|| page_region_how(lex, page.title, juris, &known));
    if let Some((r, How::Jurisdiction)) = &guess {
        return Some(r.clone());
    }
    if let Some(station) = lead_station(lex, page) {
        return Some(station);
    }
    let found = bodies.resolve(page);
    // `全区公安机关…其中，拉萨市…日喀则市…山南市…`: a province-wide bulletin
    // broken down by its cities, with no body named, is the province's.
    if count_in(&lex.regions.province_scope, page.body) >= 1
        && found.as_ref().is_none_or(|f| f.evidence == Evidence::Hint)
        && guess
            .as_ref()
            .is_none_or(|(_, how)| matches!(how, How::Place | How::National | How::Default))
        && let Some(p) = bodies.common_province(page.body, MIN_CITIES_OF_PROVINCE)
    {
        return Some(p);
    }
    // A release speaking for a whole province (`我省…全省公安机关…`,
    // `自治区…全区…`) whose headline, source line or lead names its
    // province is that province's, though it mentions a national body or
    // national words in passing; a city or county body it names keeps the
    // page.
    if count_in(&lex.regions.province_scope, page.body) >= MIN_PROVINCE_SCOPE
        && let Some(p) = bodies.province_named(&province_evidence(page))
        && found.as_ref().is_none_or(|f| {
            bodies.national_in_passing(f) || f.region == p || f.evidence <= Evidence::SourcePlace
        })
    {
        return Some(p);
    }
    // A local release (`我县…县公安局`) that names no body with a place is
    // its own area's, not the country's its national words mention.
    let weak = found.as_ref().is_none_or(|f| f.evidence == Evidence::Hint);
    let vague = guess
        .as_ref()
        .is_none_or(|(_, how)| matches!(how, How::National | How::Default));
    if weak
        && vague
        && let Some(r) = bodies.local_scope(page.body)
    {
        return Some(r);
    }
    if let Some(f) = &found {
        // A page speaking for its city (`我市…全市…`) that names a national
        // body it worked with (`与公安部工作组赶赴…`) is the city's.
        if f.region == "全国"
            && let Some(r) = bodies.local_scope(page.body)
        {
            return Some(r);
        }
        if let Some(r) = bodies.city_over_quoted_district(f, page.body) {
            return Some(r);
        }
    }
    match (found, guess) {
        // A provincial outlet's name (`四川日报`) gives way to the city the
        // page keeps naming inside that province (`广元集中发还…`).
        (Some(f), Some((r, How::Place | How::Body)))
            if f.evidence == Evidence::SourcePlace && bodies.within(&f.region, &r) =>
        {
            Some(r)
        }
        // A city's release that names its province less often than itself
        // (`全省公安系统唯一获评` in passing) stays the city's.
        (Some(f), Some((r, how)))
            if f.evidence != Evidence::Hint
                && how == How::Province
                && bodies.contains(&r, &f.region)
                && occurrences(page.body, &r) >= occurrences(page.body, &f.region) =>
        {
            Some(r)
        }
        // A city's outlet (`臨汾新聞網`) on a page speaking as the city
        // throughout (`我市…全市…副市長`) is the city's, though it names a
        // national meeting in passing.
        (Some(f), Some((_, How::National)))
            if f.evidence == Evidence::SourcePlace
                && !lex
                    .regions
                    .provinces
                    .contains(&f.region.chars().collect::<Vec<_>>())
                && bodies.speaks_locally_throughout(page.body) =>
        {
            Some(f.region)
        }
        // National words outweigh the place in an outlet's name.
        (Some(f), Some((r, How::National))) if f.evidence <= Evidence::SourcePlace => Some(r),
        (Some(f), _) if f.evidence != Evidence::Hint => Some(f.region),
        // The crawler's filing says more than a jurisdiction's default.
        (Some(f), Some((_, How::Default))) => Some(f.region),
        // A local release (`上半年，全省公安机关…`, `市反诈骗中心…`) that
        // names neither its place nor a national body is some place's the
        // page does not tell: unknown, not the country's.
        // National words named only in passing (`“国家反诈中心”APP注册…`)
        // are no national body either.
        (None, Some((r, How::Default | How::National)))
            if r == "全国"
                && (count_in(&lex.regions.scope_words, page.body) > 0
                    || bodies.speaks_locally(page.body))
                && ![page.title, page.body]
                    .iter()
                    .any(|t| bodies.bodies_in(t).iter().any(|b| b.national)) =>
        {
            // Unless the districts it names are all one city's.
            bodies.common_city(page.body, MIN_COUNTIES_OF_CITY)
        }
        (_, Some((r, _))) => Some(r),
        (Some(f), None) => Some(f.region),
        (None, None) => None,
    }
}

/// The region of the page by the text's heuristics, with the way it was
/// found: the reporting body named most often, national words, the place
/// the page keeps naming, or the jurisdiction's default. A body the
/// heuristics read off the characters before a body word counts only where
/// `known` knows its name (`刑事警察局` names no place `刑事`).
pub fn page_region_how(
    lex: &Lexicon,
    s: &[char],
    juris: Option<&Jurisdiction>,
    known: &dyn Fn(&str) -> bool,
) -> Option<(String, How)> {
    let (r, how) = heuristic_region(lex, s, juris, known)?;
    let province = lex
        .regions
        .provinces
        .contains(&r.chars().collect::<Vec<_>>());
    if province
        && matches!(how, How::Body | How::Place)
        && count_in(&lex.regions.province_scope, s) >= 2
    {
        return Some((r, How::Province));
    }
    Some((r, how))
}

fn heuristic_region(
    lex: &Lexicon,
    s: &[char],
    juris: Option<&Jurisdiction>,
    known: &dyn Fn(&str) -> bool,
) -> Option<(String, How)> {
    if let Some(j) = juris
        && matches!(j.id.as_str(), "hk" | "mo" | "sg")
    {
        return Some((j.region.clone(), How::Jurisdiction));
    }
    // Reporting bodies, counted; county-level ones win ties.
    let mut bodies: Vec<(String, f64, usize)> = Vec::new();
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    let mut add = |name: String, w: f64, pos: usize| {
        if let Some(b) = index.get(&name).and_then(|&k| bodies.get_mut(k)) {
            b.1 += w;
        } else {
            index.insert(name.clone(), bodies.len());
            bodies.push((name, w, pos));
        }
    };
    // A local body counts when its name recurs in the page; the names are
    // collected first and their occurrences counted in one pass, since a
    // scan of the page per body was quadratic on a page of bodies.
    enum Seen {
        Body(String, usize),
        Local(String, f64, usize, bool),
    }
    let mut seen: Vec<Seen> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if let Some((place, e)) = body_at(lex, s, i) {
            seen.push(Seen::Body(place, i));
            i = e;
            continue;
        }
        if let Some(len) = lex.regions.body_suffixes.at(s, i) {
            // A police station (`石碶派出所`) handles a case; it is not the
            // area the figures of a release cover.
            let w = if lex.regions.minor_body_suffixes.at(s, i) == Some(len) {
                0.3
            } else {
                1.1
            };
            if let Some(p) = local_body_before(lex, s, i)
                && !lex
                    .regions
                    .not_places
                    .contains(&p.chars().collect::<Vec<_>>())
                && known(&p)
            {
                let placed = s
                    .get(i.saturating_sub(1))
                    .is_some_and(|c| matches!(c, '县' | '区'))
                    // a district after its city (`宁波市海曙警方`)
                    || p.chars().count() >= 2 && i >= 3 && s.get(i - 3) == Some(&'市');
                seen.push(Seen::Local(p, w, i, placed));
            }
            i += len;
            continue;
        }
        i += 1;
    }
    let names: Vec<&str> = seen
        .iter()
        .filter_map(|x| match x {
            Seen::Local(p, _, _, false) => Some(p.as_str()),
            _ => None,
        })
        .collect();
    let counts = occurrences_of(s, &names);
    for x in &seen {
        match x {
            Seen::Body(place, pos) => add(place.clone(), 1.0, *pos),
            Seen::Local(p, w, pos, placed) => {
                if *placed || counts.get(p.as_str()).is_some_and(|&n| n >= 2) {
                    add(p.clone(), *w, *pos);
                }
            }
        }
    }
    let best_body = bodies
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.2.cmp(&a.2)))
        .cloned();
    // A release about a whole province (`全省`, `我省`) is the province's,
    // even when a city's police is quoted.
    let province_scope = count_in(&lex.regions.province_scope, s);
    let best_body = match best_body {
        Some(b)
            if province_scope >= 2
                && !lex
                    .regions
                    .provinces
                    .contains(&b.0.chars().collect::<Vec<_>>()) =>
        {
            let top = lex
                .regions
                .provinces_list
                .iter()
                .map(|p| (p, occurrences(s, p)))
                .filter(|(_, n)| *n > 0)
                .max_by_key(|(_, n)| *n);
            match top {
                Some((p, _)) => Some((p.clone(), b.1, b.2)),
                None => Some(b),
            }
        }
        other => other,
    };
    let national = national_counts(lex, s);
    match (&best_body, &national) {
        (Some(b), Some(n)) if (n.1 as f64) > b.1 + 1.0 => {
            return Some((n.0.clone(), How::National));
        }
        (Some(b), _) => return Some((b.0.clone(), How::Body)),
        _ => {}
    }
    let top_place = top_place(lex, s);
    match (top_place, national) {
        (Some(p), Some(n)) if p.1 >= 2 && p.1 > n.1 => Some((p.0, How::Place)),
        (_, Some(n)) => Some((n.0, How::National)),
        (Some(p), None) if p.1 >= 2 => Some((p.0, How::Place)),
        _ => juris.map(|j| (j.region.clone(), How::Default)),
    }
}

/// The place the page keeps naming, with how often; in a province-wide
/// release (`全省…`), its province, counted at least twice.
fn top_place(lex: &Lexicon, s: &[char]) -> Option<(String, usize)> {
    let mut places: Vec<(String, usize)> = Vec::new();
    let mut place_index: FxHashMap<String, usize> = FxHashMap::default();
    let mut i = 0;
    while i < s.len() {
        if let Some(len) = lex.regions.places.at(s, i) {
            let p: String = s
                .get(i..i + len)
                .map(|w| w.iter().collect())
                .unwrap_or_default();
            if let Some(x) = place_index.get(&p).and_then(|&k| places.get_mut(k)) {
                x.1 += 1;
            } else {
                place_index.insert(p.clone(), places.len());
                places.push((p, 1));
            }
            i += len;
        } else {
            i += 1;
        }
    }
    if count_in(&lex.regions.province_scope, s) >= 2
        && let Some(p) = places
            .iter()
            .filter(|p| {
                lex.regions
                    .provinces
                    .contains(&p.0.chars().collect::<Vec<_>>())
            })
            .max_by_key(|p| p.1)
    {
        // A province-wide release names its province at least once.
        Some((p.0.clone(), p.1.max(2)))
    } else {
        places.iter().max_by_key(|p| p.1).cloned()
    }
}

/// `民雄乡(34件)`, `关东街(38起)`: an area with its level (`乡`, `镇`,
/// `市`, `街道`…) heading the
/// clause, its count in brackets after it, as lists of areas give them.
fn bracketed_area(s: &[char], clo: usize, start: usize) -> Option<String> {
    let open = start.checked_sub(1)?;
    if !s.get(open).is_some_and(|c| matches!(c, '(' | '（')) {
        return None;
    }
    // `其中:关东街(38起)、纸坊街(32起)`: an item of a list.
    let a = (clo..open)
        .rev()
        .find(|&k| s.get(k).is_some_and(|c| matches!(c, '、' | ':' | '：')))
        .map_or(clo, |k| k + 1);
    let name = s.get(a..open)?;
    let han = name.iter().all(|c| is_han(*c));
    let level = name.last().is_some_and(|c| "乡镇市区县村街道".contains(*c));
    (han && level && (2..=4).contains(&name.len())).then(|| name.iter().collect())
}

/// Whether the clause at `c` is headed by an area of the page's
/// (`许昌共抓获…`, `行动中郑州共抓获…`, `10月高雄查扣…`): an optional lead
/// (a date, `行动中`), a place, then a word that makes it the subject.
fn clause_head(
    lex: &Lexicon,
    bodies: &Resolver,
    s: &[char],
    c: usize,
    page: &str,
) -> Option<String> {
    // The lead ends where the place starts (`专项行动中` ends in `行动中`).
    let led = |a: usize| {
        a == c
            || bodies.clause_lead_ending_at(s, a)
            || (a >= c + 2
                && s.get(a - 1)
                    .is_some_and(|ch| matches!(ch, '月' | '日' | '年'))
                && s.get(c..a - 1)
                    .is_some_and(|d| d.iter().all(char::is_ascii_digit)))
    };
    let a = (c..=c + 6).find(|&a| lex.regions.places.at(s, a).is_some() && led(a))?;
    let len = lex.regions.places.at(s, a)?;
    let place: String = s.get(a..a + len)?.iter().collect();
    // `拉萨市立13起`, `日喀则市立案6起`: the place's own suffix first.
    let after = a + len + lex.regions.admin_suffixes.at(s, a + len).unwrap_or(0);
    let heads = s
        .get(after)
        .is_some_and(|ch| ch.is_ascii_digit() || "同共各立发".contains(*ch))
        || bodies.clause_head_at(s, after)
        || quoted_case_after(s, after);
    (heads && bodies.within(page, &place)).then_some(place)
}

/// Whether a case named in quotes starts at `i` (`“5·09”专案`, `「0312」案`):
/// the place before it is the case's, and the clause's subject
/// (`达州“5·09”专案集中抓获762人`).
fn quoted_case_after(s: &[char], i: usize) -> bool {
    if !s
        .get(i)
        .is_some_and(|c| matches!(c, '“' | '"' | '「' | '『'))
    {
        return false;
    }
    let Some(close) = (i + 1..(i + 14).min(s.len())).find(|&k| {
        s.get(k)
            .is_some_and(|c| matches!(c, '”' | '"' | '」' | '』'))
    }) else {
        return false;
    };
    s.get(close + 1) == Some(&'案') || s.get(close + 1..close + 3) == Some(&['专', '案'][..])
}

/// The sub-area of the page's that governs a figure without naming itself
/// right before it: an area heading the figure's clause after a lead, or an
/// earlier clause of its sentence (`许昌共抓获3人，拆除站点1处`); the body
/// the figure's clause says acted (`44名…被温州警方押解回国`); the last body
/// named before it in its sentence or paragraph (`会同百色市公安机关…。
/// …一举摧毁团伙35个`). A scope word (`全省`) or the page's own area in
/// between hands the figure back to the page.
#[allow(clippy::too_many_arguments)]
fn governing_area(
    lex: &Lexicon,
    bodies: &Resolver,
    s: &[char],
    named: &[super::reporting_body::Body],
    f: &Figure,
    (para_start, sent_start, sent_end): (usize, usize, usize),
    clo: usize,
    page: &str,
) -> Option<String> {
    let scope_or_page = |lo: usize, hi: usize| {
        lex.regions.scope_words.find(s, lo, hi).is_some()
            || s.get(lo..hi).is_some_and(|w| {
                let p: Vec<char> = page.chars().collect();
                !p.is_empty() && w.windows(p.len()).any(|x| x == p.as_slice())
            })
    };
    let mut c = clo;
    loop {
        if lex.regions.scope_words.at(s, c).is_some() {
            break;
        }
        if let Some(area) = clause_head(lex, bodies, s, c, page) {
            return Some(area);
        }
        if c <= sent_start {
            break;
        }
        c = clause_start(s, c - 1, sent_start);
    }
    let cl_end = super::sentence::clause_end(s, f.end, sent_end);
    if let Some(p) = (f.end..cl_end).find(|&i| s.get(i) == Some(&'被'))
        && let Some(b) = named.iter().find(|b| b.start == p + 1 && b.end <= cl_end)
        && bodies.within(page, &b.region)
    {
        return Some(b.region.clone());
    }
    let b = named
        .iter()
        .rfind(|b| b.start >= para_start && b.end <= f.start && !b.national)?;
    // `组织茂名、佛山、中山市警方…`: the last of several areas' police is
    // no one sub-area.
    let listed = b
        .start
        .checked_sub(1)
        .and_then(|k| s.get(k))
        .is_some_and(|c| "、和及与".contains(*c));
    if listed
        || b.region == page
        || !bodies.within(page, &b.region)
        || scope_or_page(b.end, f.start)
    {
        return None;
    }
    Some(b.region.clone())
}

/// Whether the clause `[clo, end)` is headed by `全国`, after at most a
/// time lead (`今年以来全国…`), as the subject of its figures: not `全国首个`,
/// `全国范围内`, `全国各地` or `全国性`, which name no national figure.
fn national_head(s: &[char], clo: usize, end: usize) -> bool {
    const LEAD: &str =
        "0123456789今去前本年月日号以来至截止底初中上下半季度第一二三四五六七八九十两";
    let mut k = clo;
    while k < end && s.get(k).is_some_and(|c| LEAD.contains(*c)) {
        k += 1;
    }
    s.get(k..k + 2) == Some(&['全', '国'])
        && k + 2 < end
        && !s
            .get(k + 2)
            .is_some_and(|c| "首第率性范各多一".contains(*c))
}

/// `…几个地区有:秀江6起`: a local area name heading its own clause in a
/// sentence that breaks figures down by area; it holds even where the
/// sentence names the reporting body (`从袁州公安分局各辖区看…`).
fn area_in_breakdown(
    lex: &Lexicon,
    s: &[char],
    f: &Figure,
    clo: usize,
    (sent_start, sent_end): (usize, usize),
    known: &dyn Fn(&[char]) -> bool,
) -> Option<String> {
    lex.regions.area_context.find(s, sent_start, sent_end)?;
    let mut b = f.start;
    if let Some(len) = lex.regions.area_each.ending_at(s, b) {
        b -= len;
    }
    let name_len = b.saturating_sub(clo);
    let name = s.get(clo..b).unwrap_or(&[]);
    // An unknown name heads a clause of a list (`有:秀江6起、湘东4起`);
    // after a comma the same shape is an adverb or verb (`先后21次`,
    // `推动38个`), unless the name is a known place.
    let listed = clo
        .checked_sub(1)
        .and_then(|k| s.get(k))
        .is_some_and(|c| ":：、；;".contains(*c));
    if (2..=3).contains(&name_len)
        && name.iter().all(|c| {
            is_han(*c) && !"有是在共了为达又还再另均各其中和及与计总率款额数量值".contains(*c)
        })
        && (listed || known(name))
    {
        return Some(strip_admin(lex, name));
    }
    // `发案较高的是曲周县9.86%`: a place written in full with its level
    // right before the figure, after words of the clause.
    (clo.max(b.saturating_sub(6))..b.saturating_sub(2))
        .map(|k| s.get(k..b).unwrap_or(&[]))
        .find(|name| {
            lex.regions
                .admin_suffixes
                .ending_at(name, name.len())
                .is_some()
                && name.iter().all(|c| is_han(*c))
                && known(name)
        })
        .map(|name| strip_admin(lex, name))
        .or_else(|| each_subject(lex, s, f))
}

/// `三阳、湛郎各5起` is split by the metric stage; its subject is the area.
fn each_subject(lex: &Lexicon, s: &[char], f: &Figure) -> Option<String> {
    if lex.regions.area_each.ending_at(s, f.start).is_some() {
        let subj: Vec<char> = f.subject.chars().collect();
        if (2..=3).contains(&subj.len()) {
            return Some(f.subject.clone());
        }
    }
    None
}

/// The areas above the page's own that a clause may speak for: its city
/// on a district's or county's page (`梳理出全市1—9月…1423个`), its
/// province on a city's or county's page (`全省…`). Worked out once a page.
struct AreasAbove {
    city: Option<String>,
    province: Option<String>,
}

impl AreasAbove {
    /// The areas above `page` in the gazetteer that `s` names: two
    /// districts share many names (`海州` of Lianyungang and of Fuxin), so
    /// only the area the page names counts. A county-level city
    /// (`建德市`) speaks of itself as `全市`.
    fn of(bodies: &Resolver, s: &[char], page: &str) -> Option<Self> {
        let place = bodies.gazetteer().lookup(page)?;
        let named = |area: &str| !area.is_empty() && occurrences(s, area) > 0;
        let city =
            (place.level == Level::County && !place.name.ends_with('市') && named(&place.parent))
                .then(|| place.parent.clone());
        let province =
            (place.level != Level::Province && place.province != page && named(&place.province))
                .then(|| place.province.clone());
        Some(Self { city, province })
    }

    /// The area a clause speaking for the whole city (`全市`, `我市`) or
    /// province (`全省`, `我省`) names.
    fn of_clause(&self, clause: &[char]) -> Option<String> {
        let has = |w: &str| occurrences(clause, w) > 0;
        if (has("全市") || has("我市"))
            && let Some(c) = &self.city
        {
            return Some(c.clone());
        }
        if has("全省") || has("我省") {
            return self.province.clone();
        }
        None
    }
}

/// Whether the body at `i` named for `place` names its own area in a
/// sentence: with its administrative level (`北京市公安局`), opening the
/// sentence, or as Hong Kong's, Macau's or Taiwan's police, who need no
/// level (`臺灣警方在同步行動中抓獲13人`).
fn names_own_area(lex: &Lexicon, s: &[char], i: usize, place: &str, sent_start: usize) -> bool {
    lex.regions
        .admin_suffixes
        .at(s, i + place.chars().count())
        .is_some()
        || i == sent_start
        || lex
            .regions
            .jurisdictions
            .iter()
            .any(|j| j.id != "cn" && j.region == place)
}

/// Sets each figure's region: world figures, sub-areas named right before
/// it, else the page's region.
pub fn assign(
    lex: &Lexicon,
    bodies: &Resolver,
    s: &[char],
    seg: &Segments,
    figs: &[Figure],
    page: Option<&String>,
    meter: &mut Meter<'_>,
) -> Vec<Option<String>> {
    // Bodies named in each paragraph, read once for its figures.
    let mut named: FxHashMap<usize, Vec<super::reporting_body::Body>> = FxHashMap::default();
    let above = page.and_then(|p| AreasAbove::of(bodies, s, p));
    figs.iter()
        .take_while(|_| !meter.add(64))
        .map(|f| {
            let sent_start = seg
                .sentence_of(f.num_start)
                .and_then(|k| seg.sentences.get(k))
                .map(|x| x.start)
                .unwrap_or(0);
            let clo = clause_start(s, f.start, sent_start);
            if lex.regions.global.rfind(s, clo, f.start).is_some() {
                return Some("全球".to_string());
            }
            // `今年8月以来，全国电信网络诈骗案件发案数同比下降24%` on a
            // city's page: a clause headed by 全国 speaks for the country.
            if page.is_some_and(|p| bodies.within("全国", p)) && national_head(s, clo, f.start) {
                return Some("全国".to_string());
            }
            if let Some(area) = bracketed_area(s, clo, f.start) {
                return Some(area);
            }
            if let Some(up) = above
                .as_ref()
                .and_then(|a| a.of_clause(s.get(clo..f.start).unwrap_or(&[])))
            {
                return Some(up);
            }
            let sent_end = seg
                .sentence_of(f.num_start)
                .and_then(|k| seg.sentences.get(k))
                .map(|x| x.end)
                .unwrap_or(s.len());
            let known = |name: &[char]| {
                lex.regions.places.contains(name) || bodies.knows(&name.iter().collect::<String>())
            };
            if let Some(area) = area_in_breakdown(lex, s, f, clo, (sent_start, sent_end), &known) {
                return Some(area);
            }
            // A body of another area in the sentence, named with its
            // administrative level (`北京市公安局…`); the page's own body
            // in the same sentence keeps the page region.
            let mut other: Option<String> = None;
            // Where the page's own area is named in the sentence, a body
            // of another area counts only after it (`全国公安机关…行动开展
            // 以来，青海省公安厅…抓获291名` is Qinghai's).
            let page_named_at = page.and_then(|p| {
                let pc: Vec<char> = p.chars().collect();
                let w = s.get(sent_start..f.start)?;
                (0..w.len())
                    .rev()
                    .find(|&k| w.get(k..k + pc.len()) == Some(pc.as_slice()))
                    .map(|k| sent_start + k + pc.len())
            });
            let mut i = page_named_at.unwrap_or(sent_start);
            while i < f.start {
                if let Some((place, e)) = body_at(lex, s, i) {
                    let admin = names_own_area(lex, s, i, &place, sent_start);
                    if page.is_some_and(|p| *p == place) {
                        return page.cloned();
                    }
                    if admin && other.is_none() {
                        other = Some(place);
                    }
                    i = e;
                    continue;
                }
                i += 1;
            }
            if other.is_some() {
                return other;
            }
            if page_named_at.is_some() {
                return page.cloned();
            }
            // `除酒泉同比下降4.34%外`: an area set apart before the figure.
            if let Some((cp, _)) = lex.regions.except.rfind(s, clo, f.start)
                && let Some(len) = lex.regions.places.at(s, cp + 1)
            {
                return s.get(cp + 1..cp + 1 + len).map(|w| w.iter().collect());
            }
            let a = clo;
            if let Some(len) = lex.regions.places.at(s, a) {
                let place: String = s
                    .get(a..a + len)
                    .map(|w| w.iter().collect())
                    .unwrap_or_default();
                if page.is_none_or(|p| *p != place) && lex.regions.global.at(s, a).is_none() {
                    let after = s.get(a + len).copied();
                    if after.is_some_and(|c| c.is_ascii_digit() || "同共各立发".contains(c)) {
                        return Some(place);
                    }
                }
            }
            if let Some(p) = page
                && let Some(sent) = seg
                    .sentence_of(f.num_start)
                    .and_then(|k| seg.sentences.get(k))
                && let Some(&(pa, pb)) = seg.paragraphs.get(sent.para)
            {
                let in_para = named.entry(sent.para).or_insert_with(|| {
                    let mut v = bodies.bodies_in(s.get(pa..pb).unwrap_or(&[]));
                    for b in &mut v {
                        b.start += pa;
                        b.end += pa;
                    }
                    v
                });
                if let Some(area) = governing_area(
                    lex,
                    bodies,
                    s,
                    in_para,
                    f,
                    (pa, sent_start, sent_end),
                    clo,
                    p,
                ) {
                    return Some(area);
                }
            }
            page.cloned()
        })
        .collect()
}
