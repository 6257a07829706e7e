//! The page's reporting jurisdiction: the police body (or court,
//! procuratorate, anti-fraud centre) that publishes the figures, read from
//! the text, the source line, the site's host and, failing all of those, the
//! crawler's region hint.
//!
//! The figures of a release belong to the body that reports them, at the
//! level the page names (`袁州区公安分局` → `袁州`, not its prefecture), not to
//! the place a crime happened (`缅甸妙瓦底`) nor to a national body named in
//! passing (`下载国家反诈中心APP`). Rules and weights are in the
//! `[reporting_body]` section of `config/extract-regions.toml`; places come
//! from `config/gazetteer.tsv` ([`super::gazetteer`]).

use std::collections::BTreeMap;
use std::path::Path;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::gazetteer::{Gazetteer, Level};
use super::lexicon::Words;
use crate::error::ConfigError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    text: f64,
    title: f64,
    lead: f64,
    lead_chars: usize,
    national: f64,
    source_body: f64,
    source_place: f64,
    host: f64,
    min_score: f64,
    county_share: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHosts {
    gov_suffixes: Vec<String>,
    skip_labels: Vec<String>,
    labels: BTreeMap<String, String>,
    suffixes: BTreeMap<String, String>,
}

/// The `[reporting_body]` section of `extract-regions.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRules {
    body_words: Vec<String>,
    connectors: Vec<String>,
    kept_connectors: Vec<String>,
    body_prefixes: Vec<String>,
    named: BTreeMap<String, String>,
    in_passing_after: Vec<String>,
    directing_after: Vec<String>,
    dateline_marks: Vec<String>,
    outlet_words: Vec<String>,
    partner_after: Vec<String>,
    partner_before: Vec<String>,
    city_scope: Vec<String>,
    county_scope: Vec<String>,
    min_scope: usize,
    word_names: Vec<String>,
    handed_to_before: Vec<String>,
    clause_leads: Vec<String>,
    clause_heads: Vec<String>,
    weights: RawWeights,
    hosts: RawHosts,
}

/// Where a region came from, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// The crawler's region hint.
    Hint,
    /// A place in the outlet's name (`四川日报`), no body.
    SourcePlace,
    /// The host of the site.
    Host,
    /// A body named in the title or text, or in the source line.
    Page,
}

/// The reporting jurisdiction found for a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Region as reported (`成都`, `洋县`, `全国`, `香港`).
    pub region: String,
    /// Summed weight of the evidence for it.
    pub score: f64,
    /// The strongest kind of evidence behind it.
    pub evidence: Evidence,
}

/// A page's text and what is known of it besides: source lines and hints.
#[derive(Debug, Clone, Copy)]
pub struct PageFacts<'a> {
    /// The title, Simplified.
    pub title: &'a [char],
    /// The body, Simplified.
    pub body: &'a [char],
    /// Source lines (`Article.source`, `Hints.source`), Simplified.
    pub sources: &'a [Vec<char>],
    /// Host of the page's URL (`Hints.host`).
    pub host: Option<&'a str>,
    /// The crawler's region (`Hints.region`), Simplified.
    pub region_hint: Option<&'a str>,
}

/// Reads reporting bodies; built once at start-up.
#[derive(Debug, Clone)]
pub struct Resolver {
    gaz: Gazetteer,
    body_words: Words,
    connectors: Words,
    kept_connectors: Words,
    body_prefixes: Words,
    named: Vec<(Vec<char>, String)>,
    named_words: Words,
    in_passing_after: Words,
    directing_after: Words,
    dateline_marks: Words,
    /// Words after a place that make it an outlet's name (`神农架新闻网`).
    outlet_words: Words,
    /// Words after a foreign body that make it China's partner, not the
    /// reporting body (`缅甸警方向中方移交…`).
    partner_after: Words,
    /// ... or before it (`中国与缅甸警方…联合行动`).
    partner_before: Words,
    city_scope: Words,
    county_scope: Words,
    min_scope: usize,
    word_names: Vec<String>,
    handed_to_before: Words,
    clause_leads: Words,
    clause_heads: Words,
    w: RawWeights,
    gov_suffixes: Vec<String>,
    skip_labels: Vec<String>,
    host_labels: FxHashMap<String, String>,
    host_suffixes: Vec<(String, String)>,
}

/// A body found in a text: its region and `char` span.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Region as reported (`成都`, `全国`).
    pub region: String,
    /// First character.
    pub start: usize,
    /// One past the body word.
    pub end: usize,
    /// Whether a national body named it (`公安部`).
    pub national: bool,
}

fn invalid(path: &Path, message: String) -> ConfigError {
    ConfigError::Invalid {
        path: path.to_path_buf(),
        message,
    }
}

impl Resolver {
    /// Loads the `[reporting_body]` section of `regions` (the whole file is
    /// checked, as the extractor reads it) and the gazetteer.
    pub fn from_files(regions: &Path, gazetteer: &Path) -> Result<Self, ConfigError> {
        let raw: super::lexicon::RawRegions<RawRules> = super::lexicon::read(regions)?;
        let gaz = Gazetteer::from_file(gazetteer)?;
        Self::new(raw.reporting_body, gaz, regions)
    }

    /// Loads from the rule directory holding `extract-regions.toml` and
    /// `gazetteer.tsv`.
    pub fn from_dir(dir: &Path) -> Result<Self, ConfigError> {
        Self::from_files(
            &dir.join("extract-regions.toml"),
            &dir.join("gazetteer.tsv"),
        )
    }

    /// Builds the resolver from the `[reporting_body]` section read from
    /// `path` and the gazetteer.
    pub(crate) fn new(r: RawRules, gaz: Gazetteer, path: &Path) -> Result<Self, ConfigError> {
        if r.body_words.is_empty() {
            return Err(invalid(path, "reporting_body.body_words: empty".into()));
        }
        let w = &r.weights;
        let weights = [
            w.text,
            w.title,
            w.lead,
            w.national,
            w.source_body,
            w.source_place,
            w.host,
            w.min_score,
            w.county_share,
        ];
        if weights.iter().any(|x| !x.is_finite() || *x < 0.0) {
            return Err(invalid(
                path,
                "reporting_body.weights: finite, not negative".into(),
            ));
        }
        let named_keys: Vec<&String> = r.named.keys().collect();
        Ok(Self {
            gaz,
            body_words: Words::new(&r.body_words),
            connectors: Words::new(&r.connectors),
            kept_connectors: Words::new(&r.kept_connectors),
            body_prefixes: Words::new(&r.body_prefixes),
            named_words: Words::new(&named_keys),
            named: r
                .named
                .iter()
                .map(|(k, v)| (k.chars().collect(), v.clone()))
                .collect(),
            in_passing_after: Words::new(&r.in_passing_after),
            directing_after: Words::new(&r.directing_after),
            dateline_marks: Words::new(&r.dateline_marks),
            outlet_words: Words::new(&r.outlet_words),
            partner_after: Words::new(&r.partner_after),
            partner_before: Words::new(&r.partner_before),
            city_scope: Words::new(&r.city_scope),
            county_scope: Words::new(&r.county_scope),
            min_scope: r.min_scope,
            word_names: r.word_names,
            handed_to_before: Words::new(&r.handed_to_before),
            clause_leads: Words::new(&r.clause_leads),
            clause_heads: Words::new(&r.clause_heads),
            w: r.weights,
            gov_suffixes: r.hosts.gov_suffixes,
            skip_labels: r.hosts.skip_labels,
            host_labels: r.hosts.labels.into_iter().collect(),
            host_suffixes: r.hosts.suffixes.into_iter().collect(),
        })
    }

    /// The gazetteer the resolver reads places from.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gaz
    }

    /// Whether `region` is a foreign country (`柬埔寨`), listed only to
    /// read its own bodies (`柬埔寨警方`): the gazetteer holds it as a
    /// county of itself.
    pub fn is_foreign(&self, region: &str) -> bool {
        self.gaz.lookup(region).is_some_and(|p| {
            p.level == Level::County && p.parent.is_empty() && p.province == p.short
        })
    }

    /// Whether `region` is a place or body region the resolver knows.
    pub fn knows(&self, region: &str) -> bool {
        self.gaz.lookup(region).is_some() || self.named.iter().any(|(_, r)| r == region)
    }

    /// Whether `outer` is a province holding `inner` (and not `inner`).
    pub fn contains(&self, outer: &str, inner: &str) -> bool {
        outer != inner
            && self
                .gaz
                .lookup(outer)
                .is_some_and(|o| o.level == super::gazetteer::Level::Province)
            && self.gaz.lookup(inner).is_some_and(|i| i.province == outer)
    }

    /// A place and the body word after it (through connectors such as
    /// `政府`, `人民`), ending at `end`.
    fn body_after(&self, s: &[char], place_end: usize) -> Option<(usize, String)> {
        // `上街(高新区)公安分局`: a bracketed aside between a place and its
        // body word names the same body.
        let mut e = bracket_end(s, place_end).unwrap_or(place_end);
        let mut kept = String::new();
        for _ in 0..2 {
            if let Some(l) = self.kept_connectors.at(s, e) {
                kept.extend(s.get(e..e + l).into_iter().flatten());
                e += l;
            } else if let Some(l) = self.connectors.at(s, e) {
                e += l;
            }
        }
        let l = self.body_words.at(s, e)?;
        Some((e + l, kept))
    }

    /// Whether the body starting at `start` is one a case or suspect is
    /// handed to (`其中3人转交东莞公安局`), not the one reporting.
    fn handed_to(&self, s: &[char], start: usize) -> bool {
        self.handed_to_before.ending_at(s, start).is_some()
    }

    /// Whether some place called `inner` lies inside `outer` (a province
    /// or prefecture); `全国` holds every mainland place.
    pub fn within(&self, outer: &str, inner: &str) -> bool {
        if outer == inner {
            return false;
        }
        if outer == "全国" {
            return self.gaz.lookup(inner).is_some_and(|p| {
                !matches!(p.province.as_str(), "台湾" | "香港" | "澳门" | "新加坡")
            });
        }
        self.gaz
            .places()
            .iter()
            .any(|p| p.short == inner && (p.province == outer || p.parent == outer))
    }

    /// The bodies named in `s`, left to right (see [`Self::bodies`]).
    pub fn bodies_in(&self, s: &[char]) -> Vec<Body> {
        self.bodies(s)
    }

    /// Whether a word that may lead a clause before the area heading it
    /// (`行动中郑州共抓获`) ends at `i`.
    pub fn clause_lead_ending_at(&self, s: &[char], i: usize) -> bool {
        self.clause_leads.ending_at(s, i).is_some()
    }

    /// Whether a word after an area at `i` makes the area the clause's
    /// subject (`郑州共抓获`, `高雄查扣`).
    pub fn clause_head_at(&self, s: &[char], i: usize) -> bool {
        self.clause_heads.at(s, i).is_some()
    }

    /// Whether the body ending at `end` directs another rather than reports
    /// (`根据公安部统一部署`, `在汉中市公安局的指挥下`).
    fn directs(&self, s: &[char], end: usize) -> bool {
        let e = if s.get(end) == Some(&'的') {
            end + 1
        } else {
            end
        };
        self.directing_after.at(s, e).is_some()
    }

    /// Whether the level written after a short name that is also a common
    /// word fits the place (`会同县公安局`, not `省公安厅会同市公安局`,
    /// where 会同 means "together with").
    fn level_fits(&self, s: &[char], end: usize, short: &str, bare: bool) -> bool {
        match s.get(end) {
            Some(&c) if !bare && matches!(c, '市' | '县' | '区') => {
                self.gaz.lookup(&format!("{short}{c}")).is_some()
            }
            _ => true,
        }
    }

    /// Bodies named in `s`, left to right, without overlap; of a compound
    /// body (`宜春市公安局袁州分局`) only the inner one reports, and a body
    /// directing another is left out.
    fn bodies(&self, s: &[char]) -> Vec<Body> {
        let mut found: Vec<Body> = Vec::new();
        for m in self.gaz.mentions(s) {
            // `公安` of `公安分局` (公安县), `会同` of `人民银行会同公安部`
            // ("together with"): a county's short name that is also a word
            // names the county only with its level written (`会同县`).
            let word = !m.named.full
                && (self.body_words.at(s, m.start).is_some()
                    || self.word_names.contains(&m.named.short));
            if word || self.handed_to(s, m.start) {
                continue;
            }
            if let Some((end, kept)) = self.body_after(s, m.end)
                && !self.directs(s, end)
                && self.partner_after.at(s, end).is_none()
                && self.partner_before.ending_at(s, m.start).is_none()
                && self.level_fits(s, m.end, &m.named.short, m.named.bare)
            {
                found.push(Body {
                    region: format!("{}{kept}", m.named.short),
                    start: m.start,
                    end,
                    national: false,
                });
            } else if let Some(l) = self.body_prefixes.ending_at(s, m.start) {
                // A police account named for its place (`平安成都`).
                found.push(Body {
                    region: m.named.short.clone(),
                    start: m.start.saturating_sub(l),
                    end: m.end,
                    national: false,
                });
            }
        }
        for i in 0..s.len() {
            if !s.get(i).is_some_and(|&c| self.named_words.may_start(c)) {
                continue;
            }
            let Some(len) = self.named_words.at(s, i) else {
                continue;
            };
            let word = s.get(i..i + len).unwrap_or(&[]);
            let Some((_, region)) = self.named.iter().find(|(k, _)| k.as_slice() == word) else {
                continue;
            };
            // `“国家反诈中心”APP`: the app's name in quotes is no body.
            let closing = s
                .get(i + len)
                .is_some_and(|c| matches!(c, '”' | '"' | '」' | '』' | '》'));
            if self
                .in_passing_after
                .at(s, i + len + usize::from(closing))
                .is_some()
                || self.directs(s, i + len)
                || self.handed_to(s, i)
            {
                continue;
            }
            found.push(Body {
                region: region.clone(),
                start: i,
                end: i + len,
                national: region == "全国",
            });
        }
        found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut kept: Vec<Body> = Vec::new();
        for b in found {
            if kept.last().is_some_and(|k| b.start < k.end) {
                continue;
            }
            // Of a compound body only the inner one reports, when it lies
            // inside the outer one's area: `大安分局` of `台北市政府警察局`
            // is a Taipei district, not the 大安 of Jilin, and reports as
            // Taipei.
            if let Some(k) = kept.last()
                && k.end == b.start
                && !k.national
            {
                if !self.within(&k.region, &b.region) {
                    continue;
                }
                kept.pop();
            }
            kept.push(b);
        }
        kept
    }

    /// The region a host names: a known suffix (`gov.hk`), else a label
    /// under a government suffix spelled as a place (`gaj.chengdu.gov.cn`)
    /// or listed as an abbreviation (`gat.sc.gov.cn`).
    pub fn host_region(&self, host: &str) -> Option<String> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let gov = self
            .gov_suffixes
            .iter()
            .find(|suf| host.ends_with(&format!(".{suf}")))?;
        let labels: Vec<&str> = host
            .strip_suffix(&format!(".{gov}"))?
            .split('.')
            .filter(|l| !self.skip_labels.iter().any(|s| s == l))
            .collect();
        // The most specific label first: `xx.chengdu` is a district site
        // of Chengdu when `xx` names nothing.
        for label in labels.iter() {
            if let Some(r) = self.host_labels.get(*label) {
                return Some(r.clone());
            }
            if let Some(p) = self.gaz.by_pinyin(label) {
                return Some(p.short.clone());
            }
        }
        self.host_suffixes
            .iter()
            .find(|(suf, _)| *suf == *gov)
            .map(|(_, r)| r.clone())
    }

    /// The province every prefecture the text names lies in, when it names
    /// at least `min` of them (full names, `拉萨市…日喀则市…`) and no other
    /// province's: a province-wide bulletin broken down by its cities.
    pub fn common_province(&self, s: &[char], min: usize) -> Option<String> {
        self.common_area(s, min, |m| {
            let place = self.gaz.lookup(&m.named.short)?;
            (m.named.full && m.named.level == Level::Prefecture).then_some(place.province.as_str())
        })
    }

    /// The city whose counties and districts the text names, when it names
    /// at least `min` of one city's (`揭西河婆镇…普宁流沙西街道…榕城`) and
    /// none of another's: a city's bulletin that says only `我市`.
    pub fn common_city(&self, s: &[char], min: usize) -> Option<String> {
        self.common_area(s, min, |m| {
            // `公安` (公安县) of `公安机关`: a name that is a word here.
            let word = !m.named.full
                && (self.body_words.at(s, m.start).is_some()
                    || self.word_names.contains(&m.named.short));
            let place = self.gaz.lookup(&m.named.short)?;
            (m.named.level == Level::County
                && !word
                && !place.parent.is_empty()
                && !self.is_foreign(&place.short))
            .then_some(place.parent.as_str())
        })
    }

    /// The one area above every place of `s` that `above` reads (`None`:
    /// a mention that does not count), when at least `min` distinct places
    /// lie in it and none lies elsewhere.
    fn common_area<'g>(
        &'g self,
        s: &[char],
        min: usize,
        above: impl Fn(&super::gazetteer::Mention<'g>) -> Option<&'g str>,
    ) -> Option<String> {
        let mut area: Option<&str> = None;
        let mut places: Vec<&str> = Vec::new();
        for m in self.gaz.mentions(s) {
            let Some(up) = above(&m) else { continue };
            match area {
                None => area = Some(up),
                Some(a) if a != up => return None,
                Some(_) => {}
            }
            if !places.contains(&m.named.short.as_str()) {
                places.push(m.named.short.as_str());
            }
        }
        (places.len() >= min)
            .then(|| area.map(str::to_string))
            .flatten()
    }

    /// Whether `s` speaks as a city's or county's body (`市公安局`,
    /// `我县`, `市反诈骗中心`), whether or not it names the place.
    pub fn speaks_locally(&self, s: &[char]) -> bool {
        [&self.city_scope, &self.county_scope]
            .iter()
            .any(|w| w.find(s, 0, s.len()).is_some())
    }

    /// Whether `s` speaks as a city's or county's body throughout: at least
    /// `min_scope` of its words (`我市…全市…副市长`).
    pub fn speaks_locally_throughout(&self, s: &[char]) -> bool {
        let (city, county) = self.scope_counts(s);
        city.max(county) >= self.min_scope
    }

    /// How many city and county scope words `s` holds, without overlap.
    fn scope_counts(&self, s: &[char]) -> (usize, usize) {
        let count = |w: &Words| {
            let mut n = 0;
            let mut i = 0;
            while i < s.len() {
                match w.at(s, i) {
                    Some(l) => {
                        n += 1;
                        i += l;
                    }
                    None => i += 1,
                }
            }
            n
        };
        (count(&self.city_scope), count(&self.county_scope))
    }

    /// The area of a local release that never names its own body with a
    /// place (`我市…全市…市公安局`, `我县…县公安局`): the level its scope
    /// words speak for, and the place of that level the text names most
    /// (a county counts for its prefecture in a city's release:
    /// `独山子区` → 克拉玛依), the first named of equals. None where the
    /// scope words are too few or no place of that level is named.
    pub fn local_scope(&self, s: &[char]) -> Option<String> {
        let (city, county) = self.scope_counts(s);
        if city.max(county) < self.min_scope {
            return None;
        }
        let want = if county > city {
            super::gazetteer::Level::County
        } else {
            super::gazetteer::Level::Prefecture
        };
        let mut mentions = self.gaz.mentions(s);
        // By start, longest first: one sweep sees whether an earlier name
        // covers a later one.
        mentions.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut tally: Vec<(String, usize)> = Vec::new();
        let mut reach = 0;
        for m in &mentions {
            // `独山` inside `独山子区`, `公安` of `市公安局`: a name inside a
            // longer name or a body word is no mention of its own.
            let inside = m.end <= reach;
            reach = reach.max(m.end);
            if inside || (!m.named.full && self.body_words.at(s, m.start).is_some()) {
                continue;
            }
            // A county's short name is often a word (`资源`, `永福`): only
            // its full name, or the name before a body word, says the place.
            if !m.named.full && !m.named.bare && self.body_after(s, m.end).is_none() {
                continue;
            }
            let Some(place) = self.place_of(s, m) else {
                continue;
            };
            let region = match (want, place.level) {
                (w, l) if w == l => place.short.clone(),
                // Beijing, Tianjin, Shanghai and Chongqing are provinces
                // that speak of themselves as `全市`.
                (super::gazetteer::Level::Prefecture, super::gazetteer::Level::Province)
                    if self.is_municipality(&place.short) =>
                {
                    place.short.clone()
                }
                // A county-level city (`建德市`) speaks of itself as `全市`
                // too: named in full, it is the city that speaks.
                (super::gazetteer::Level::Prefecture, super::gazetteer::Level::County)
                    if m.named.full && place.name.ends_with('市') =>
                {
                    place.short.clone()
                }
                (super::gazetteer::Level::Prefecture, super::gazetteer::Level::County)
                    if !place.parent.is_empty() =>
                {
                    place.parent.clone()
                }
                _ => continue,
            };
            // A full name (`嘉鱼县`) is surer than a short one.
            let w = if m.named.full { 2 } else { 1 };
            match tally.iter_mut().find(|t| t.0 == region) {
                Some(t) => t.1 += w,
                None => tally.push((region, w)),
            }
        }
        // The most named; of equals, the first named (the outlet or
        // dateline opening the page).
        tally
            .into_iter()
            .fold(None::<(String, usize)>, |best, t| match best {
                Some(b) if b.1 >= t.1 => Some(b),
                _ => Some(t),
            })
            .map(|t| t.0)
    }

    /// Whether a finding rests on one mention of a national body out of
    /// the lead (`…经公安部批准…` in a province's release): a body the
    /// page names in passing, not its author.
    pub fn national_in_passing(&self, found: &Finding) -> bool {
        found.region == "全国" && found.evidence == Evidence::Page && found.score <= self.w.national
    }

    /// Whether a province-level place is a municipality: its counties
    /// have no prefecture between them and it (an empty parent).
    fn is_municipality(&self, province: &str) -> bool {
        self.gaz.places().iter().any(|p| {
            p.level == super::gazetteer::Level::County
                && p.province == province
                && p.parent.is_empty()
        })
    }

    /// The one province a page's headline, source lines and lead name
    /// (`陕西日报`, `前4月湖北省破…`, `本报乌鲁木齐6月29日讯`), directly or
    /// through a city of it; `None` where they name none or several.
    pub fn province_named(&self, texts: &[&[char]]) -> Option<String> {
        let mut found: Option<String> = None;
        for s in texts {
            for m in self.gaz.mentions(s) {
                if !(m.named.full || m.named.bare) {
                    continue;
                }
                let province = match m.named.level {
                    super::gazetteer::Level::Province => m.named.short.clone(),
                    super::gazetteer::Level::Prefecture => {
                        self.gaz.lookup(&m.named.short)?.province.clone()
                    }
                    super::gazetteer::Level::County => continue,
                };
                match &found {
                    None => found = Some(province),
                    Some(p) if *p != province => return None,
                    Some(_) => {}
                }
            }
        }
        found
    }

    /// The city a release speaks for (`全市…`, `市公安局…`) where the body
    /// found is one district branch of it named once, out of the lead
    /// (`红岗公安分局刑侦大队抓获…` in a 大庆 release): a case the city's
    /// release quotes. A county-level city (`新密市`) speaks of itself as
    /// `全市`, so only districts (`…区`) give way.
    pub fn city_over_quoted_district(&self, found: &Finding, s: &[char]) -> Option<String> {
        if found.evidence != Evidence::Page || found.score > self.w.text {
            return None;
        }
        let district = self
            .gaz
            .places()
            .iter()
            .find(|p| p.short == found.region && p.level == super::gazetteer::Level::County)?;
        if !district.name.ends_with('区') || district.parent.is_empty() {
            return None;
        }
        let city = self.local_scope(s)?;
        (city == district.parent).then_some(city)
    }

    /// The place a mention stands for: a full county name (`朝阳区`) is
    /// that county where only one carries it, and none where several do
    /// (Beijing's and Changchun's); a short name, its highest-level place.
    fn place_of(
        &self,
        s: &[char],
        m: &super::gazetteer::Mention<'_>,
    ) -> Option<&super::gazetteer::Place> {
        if !(m.named.full && m.named.level == super::gazetteer::Level::County) {
            return self.gaz.lookup(&m.named.short);
        }
        let name: String = s.get(m.start..m.end)?.iter().collect();
        let mut same = self.gaz.places().iter().filter(|p| p.name == name);
        let first = same.next()?;
        same.all(|p| p.parent == first.parent).then_some(first)
    }

    /// A county body directed by its prefecture's (`在汉中市公安局指挥下，
    /// 镇巴县公安局…`) reports at the level the page names: named about as
    /// often as the prefecture, it takes the prefecture's weight. A county
    /// case quoted in a city's release (`惠州市公安局…博罗县公安局接到举报`)
    /// stays the city's.
    fn counties_over_prefectures(&self, tally: &mut [(String, f64, Evidence)]) {
        let parents: Vec<Option<usize>> = tally
            .iter()
            .map(|t| {
                let place = self.gaz.lookup(&t.0)?;
                if place.level != super::gazetteer::Level::County || place.parent.is_empty() {
                    return None;
                }
                tally.iter().position(|u| u.0 == place.parent)
            })
            .collect();
        for (k, parent) in parents.iter().enumerate() {
            if let Some(p) = *parent
                && let Some(w) = tally.get(p).map(|u| u.1)
                && let Some(t) = tally.get_mut(k)
                && t.1 >= w * self.w.county_share
            {
                t.1 += w;
            }
        }
    }

    /// The page's reporting jurisdiction from its own evidence (text,
    /// source line, host), else the crawler's region hint.
    pub fn resolve(&self, page: &PageFacts<'_>) -> Option<Finding> {
        let mut tally: Vec<(String, f64, Evidence)> = Vec::new();
        let mut add = |region: String, w: f64, ev: Evidence| {
            if w <= 0.0 {
                return;
            }
            match tally.iter_mut().find(|t| t.0 == region) {
                Some(t) => {
                    t.1 += w;
                    t.2 = t.2.max(ev);
                }
                None => tally.push((region, w, ev)),
            }
        };
        let title_bodies = self.bodies(page.title);
        let national_in_title = title_bodies.iter().any(|b| b.national);
        for b in title_bodies {
            let w = if b.national {
                self.w.national
            } else {
                self.w.title
            };
            add(b.region, w, Evidence::Page);
        }
        // The body a release opens with is its author (`…日，XX县公安局通报`).
        // The lead paragraph: the first line, at most `lead_chars` long.
        let lead_end = page
            .body
            .iter()
            .position(|&c| c == '\n')
            .unwrap_or(page.body.len())
            .min(self.w.lead_chars);
        let mut lead_author: Option<String> = None;
        let mut national_in_lead = false;
        for (k, b) in self.bodies(page.body).into_iter().enumerate() {
            national_in_lead |= b.national && b.start < lead_end;
            let mut w = if b.national {
                self.w.national
            } else {
                self.w.text
            };
            if k == 0 && b.start < self.w.lead_chars {
                w += self.w.lead;
                if !b.national && b.start < lead_end {
                    lead_author = Some(b.region.clone());
                }
            }
            add(b.region, w, Evidence::Page);
        }
        for s in page.sources {
            let bodies = self.bodies(s);
            if let Some(b) = bodies.into_iter().next() {
                add(b.region, self.w.source_body, Evidence::Page);
            } else if self.dateline_marks.find(s, 0, s.len()).is_none()
                && let Some(m) = self
                    .gaz
                    .mentions(s)
                    .into_iter()
                    // A county's outlet names its county (`神农架新闻网`,
                    // `甘州融媒`), though its short name is never bare.
                    .filter(|m| m.named.bare || self.outlet_words.at(s, m.end).is_some())
                    .min_by_key(|m| (m.start, usize::MAX - m.end))
            {
                add(
                    m.named.short.clone(),
                    self.w.source_place,
                    Evidence::SourcePlace,
                );
            }
        }
        if let Some(r) = page.host.and_then(|h| self.host_region(h)) {
            add(r, self.w.host, Evidence::Host);
        }
        // A lead speaking as a local body without its place (`林区公安局…`,
        // `县公安局通报`) is by the place its outlet names.
        let lead = page.body.get(..lead_end).unwrap_or(page.body);
        if lead_author.is_none() && self.speaks_locally(lead) {
            lead_author = tally
                .iter()
                .find(|t| t.2 == Evidence::SourcePlace)
                .map(|t| t.0.clone());
        }
        self.counties_over_prefectures(&mut tally);
        tracing::trace!(?tally, "reporting-body evidence");
        let author =
            lead_author.and_then(|a| tally.iter().find(|t| t.0 == a).map(|t| (a, t.1, t.2)));
        // Earliest evidence wins a tie: entries keep their first-seen order.
        let best = tally
            .into_iter()
            .fold(None::<(String, f64, Evidence)>, |best, t| match best {
                Some(b) if b.1 >= t.1 => Some(b),
                _ => Some(t),
            });
        // A release opening with its own body (`四川公安…破获…`) that names
        // national bodies and words only further on (`参与公安部…行动`,
        // `被最高人民检察院写入全国“两会”报告`) speaks for that body: the
        // national ones are partners or praise, not its author.
        let best = match (best, author) {
            (Some(b), Some(a)) if b.0 == "全国" && !national_in_lead && !national_in_title => {
                Some(a)
            }
            (best, _) => best,
        };
        if let Some((region, score, evidence)) = best
            && score >= self.w.min_score
        {
            return Some(Finding {
                region,
                score,
                evidence,
            });
        }
        let hint = page.region_hint?.trim();
        let region = self
            .gaz
            .lookup(hint)
            .map(|p| p.short.clone())
            .unwrap_or_else(|| hint.to_string());
        Some(Finding {
            region,
            score: 0.0,
            evidence: Evidence::Hint,
        })
    }
}

/// One past a bracketed aside opening at `i` (`(高新区)`, nested brackets
/// included), if it closes within a few characters.
fn bracket_end(s: &[char], i: usize) -> Option<usize> {
    if !s.get(i).is_some_and(|c| matches!(c, '(' | '（')) {
        return None;
    }
    let mut depth = 0usize;
    for (k, c) in s.iter().enumerate().skip(i).take(16) {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(k + 1);
                }
            }
            _ => {}
        }
    }
    None
}
