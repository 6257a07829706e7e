//! The extractor's vocabulary, loaded from `config/lexicon.toml` and its
//! sibling files `extract-periods.toml` and `extract-regions.toml`, with the
//! places of `gazetteer.tsv` ([`super::gazetteer`]).

use std::collections::BTreeMap;
use std::path::Path;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::gazetteer::{Gazetteer, Level};
use crate::error::ConfigError;
use crate::text::chars::CharMask;

/// A list of words matched on a `char` slice, longest first.
///
/// Indexed by first and last character, so that a lookup at a position
/// only compares the few words that can start (or end) there.
#[derive(Debug, Clone, Default)]
pub struct Words {
    items: Vec<Vec<char>>,
    // Looked up at nearly every character of every text: a std SipHash
    // here was a quarter of the pipeline's time on English pages.
    by_first: FxHashMap<char, Vec<usize>>,
    by_last: FxHashMap<char, Vec<usize>>,
    // Most characters of a page start no word at all: a bit per character
    // (exact for ASCII) answers those without hashing.
    firsts: CharMask,
    lasts: CharMask,
}

impl Words {
    /// Builds a list from strings; empty strings are dropped.
    pub fn new<S: AsRef<str>>(words: &[S]) -> Self {
        let mut items: Vec<Vec<char>> = words
            .iter()
            .map(|w| w.as_ref().chars().collect::<Vec<char>>())
            .filter(|w| !w.is_empty())
            .collect();
        items.sort_by_key(|w| std::cmp::Reverse(w.len()));
        items.dedup();
        let mut by_first: FxHashMap<char, Vec<usize>> = FxHashMap::default();
        let mut by_last: FxHashMap<char, Vec<usize>> = FxHashMap::default();
        let (mut firsts, mut lasts) = (CharMask::default(), CharMask::default());
        for (k, w) in items.iter().enumerate() {
            if let (Some(&f), Some(&l)) = (w.first(), w.last()) {
                by_first.entry(f).or_default().push(k);
                by_last.entry(l).or_default().push(k);
                firsts.add(f);
                lasts.add(l);
            }
        }
        Self {
            items,
            by_first,
            by_last,
            firsts,
            lasts,
        }
    }

    /// Words starting at `i`, longest first.
    fn starting(&self, s: &[char], i: usize) -> impl Iterator<Item = &Vec<char>> {
        s.get(i)
            .filter(|&&c| self.firsts.may_hold(c))
            .and_then(|c| self.by_first.get(c))
            .into_iter()
            .flatten()
            .filter_map(|&k| self.items.get(k))
            .filter(move |w| s.get(i..i + w.len()) == Some(w.as_slice()))
    }

    /// Length of the longest word starting at `i`.
    pub fn at(&self, s: &[char], i: usize) -> Option<usize> {
        self.starting(s, i).next().map(Vec::len)
    }

    /// Length of the longest word ending just before `i`.
    pub fn ending_at(&self, s: &[char], i: usize) -> Option<usize> {
        let c = s.get(i.checked_sub(1)?)?;
        if !self.lasts.may_hold(*c) {
            return None;
        }
        self.by_last
            .get(c)?
            .iter()
            .filter_map(|&k| self.items.get(k))
            .find(|w| i >= w.len() && s.get(i - w.len()..i) == Some(w.as_slice()))
            .map(Vec::len)
    }

    /// The last word wholly inside `[lo, hi)`: `(start, len)`.
    pub fn rfind(&self, s: &[char], lo: usize, hi: usize) -> Option<(usize, usize)> {
        let hi = hi.min(s.len());
        let mut i = hi;
        while i > lo {
            i -= 1;
            if let Some(w) = self.starting(s, i).find(|w| i + w.len() <= hi) {
                return Some((i, w.len()));
            }
        }
        None
    }

    /// The first word wholly inside `[lo, hi)`: `(start, len)`.
    pub fn find(&self, s: &[char], lo: usize, hi: usize) -> Option<(usize, usize)> {
        let hi = hi.min(s.len());
        (lo..hi).find_map(|i| {
            self.starting(s, i)
                .find(|w| i + w.len() <= hi)
                .map(|w| (i, w.len()))
        })
    }

    /// Whether some word starts with `c`.
    pub fn may_start(&self, c: char) -> bool {
        self.by_first.contains_key(&c)
    }

    /// Whether `s` equals one of the words.
    pub fn contains(&self, s: &[char]) -> bool {
        s.first()
            .and_then(|c| self.by_first.get(c))
            .is_some_and(|ks| {
                ks.iter()
                    .any(|&k| self.items.get(k).is_some_and(|w| w.as_slice() == s))
            })
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A word list paired with values (currency codes, multipliers).
#[derive(Debug, Clone, Default)]
pub struct WordMap<V> {
    words: Words,
    values: Vec<(Vec<char>, V)>,
}

impl<V: Clone> WordMap<V> {
    fn new(map: &BTreeMap<String, V>) -> Self {
        let keys: Vec<&String> = map.keys().collect();
        Self {
            words: Words::new(&keys),
            values: map
                .iter()
                .map(|(k, v)| (k.chars().collect(), v.clone()))
                .collect(),
        }
    }

    fn value_of(&self, w: &[char]) -> Option<V> {
        self.values
            .iter()
            .find(|(k, _)| k.as_slice() == w)
            .map(|(_, v)| v.clone())
    }

    /// The longest word starting at `i`: `(len, value)`.
    pub fn at(&self, s: &[char], i: usize) -> Option<(usize, V)> {
        let len = self.words.at(s, i)?;
        let v = self.value_of(s.get(i..i + len)?)?;
        Some((len, v))
    }

    /// The longest word ending just before `i`: `(len, value)`.
    pub fn ending_at(&self, s: &[char], i: usize) -> Option<(usize, V)> {
        let len = self.words.ending_at(s, i)?;
        let v = self.value_of(s.get(i - len..i)?)?;
        Some((len, v))
    }
}

#[derive(Debug, Deserialize)]
struct RawUnits {
    count: Vec<String>,
    count_blockers: Vec<String>,
    #[serde(default)]
    count_blocker_exceptions: Vec<String>,
    not_count: Vec<String>,
    #[serde(default)]
    issue_units: Vec<String>,
    #[serde(default)]
    money_needs_context: Vec<String>,
    money: Vec<String>,
    percent: Vec<String>,
    percent_words: Vec<String>,
    times: Vec<String>,
    cheng: Vec<String>,
    unreported: Vec<String>,
    vague: Vec<String>,
    multipliers: BTreeMap<String, f64>,
    over_suffix: Vec<String>,
    about_suffix: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawCurrency {
    prefix: BTreeMap<String, String>,
    suffix: BTreeMap<String, String>,
    context: Vec<String>,
    #[serde(default)]
    nouns_after: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawApprox {
    over_prefix: Vec<String>,
    about_prefix: Vec<String>,
    under_prefix: Vec<String>,
    over_suffix: Vec<String>,
    about_suffix: Vec<String>,
    under_suffix: Vec<String>,
    threshold: Vec<String>,
    case_nouns: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawDirection {
    up: Vec<String>,
    down: Vec<String>,
    level: Vec<String>,
    share: Vec<String>,
    change_markers: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawPer {
    day: Vec<String>,
    month: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawDistribute {
    respectively: Vec<String>,
    each: Vec<String>,
    each_count: Vec<String>,
    list_separators: Vec<String>,
    subset: Vec<String>,
    modifier_fill: Vec<String>,
    #[serde(default)]
    topic_endings: Vec<String>,
    #[serde(default)]
    framed_topic_openers: Vec<String>,
    #[serde(default)]
    framed_topic_endings: Vec<String>,
    #[serde(default)]
    passive: Vec<String>,
    #[serde(default)]
    ba: Vec<String>,
    #[serde(default)]
    beneficiary: Vec<String>,
    #[serde(default = "default_passive_reach")]
    passive_reach: usize,
}

fn default_passive_reach() -> usize {
    12
}

#[derive(Debug, Deserialize)]
struct RawNot {
    names: Vec<String>,
    chrome: Vec<String>,
    #[serde(default)]
    penalty: Vec<String>,
    #[serde(default)]
    advice: Vec<String>,
    bullet_lines: Vec<String>,
    credit_after: Vec<String>,
    ordinal_prefix: Vec<String>,
    rank_units: Vec<String>,
    #[serde(default)]
    pair_pronouns: Vec<String>,
    #[serde(default)]
    pair_before: Vec<String>,
    #[serde(default)]
    pair_after_name: Vec<String>,
    #[serde(default)]
    pair_after: Vec<String>,
    #[serde(default)]
    story_counts: Vec<String>,
    #[serde(default)]
    story_people: Vec<String>,
    #[serde(default)]
    list_units: Vec<String>,
    #[serde(default)]
    list_before: Vec<String>,
    #[serde(default)]
    list_nouns: Vec<String>,
    #[serde(default)]
    list_reach: usize,
    #[serde(default)]
    slogan_max_value: f64,
    #[serde(default)]
    slogan_reach: usize,
}

#[derive(Debug, Deserialize)]
struct RawMetric {
    id: String,
    verbs: Vec<String>,
    nouns: Vec<String>,
    kinds: Vec<String>,
    #[serde(default)]
    units: Vec<String>,
    #[serde(default)]
    after: bool,
    #[serde(default)]
    not_nouns: Vec<String>,
    #[serde(default)]
    fallback: bool,
    #[serde(default)]
    unit_noun: bool,
    #[serde(default)]
    not_after_noun: Vec<String>,
    #[serde(default)]
    fraud_scope: bool,
    #[serde(default)]
    scope_nouns: Vec<String>,
    #[serde(default)]
    subjects: Vec<String>,
}

/// `[metric_scope]`: words that tell fraud from other crime, and words of
/// intent that make a figure hypothetical.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawMetricScope {
    fraud: Vec<String>,
    other_crime: Vec<String>,
    intent: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawLexicon {
    units: RawUnits,
    currency: RawCurrency,
    approx: RawApprox,
    direction: RawDirection,
    per: RawPer,
    distribute: RawDistribute,
    not_statistics: RawNot,
    metric: Vec<RawMetric>,
    #[serde(default)]
    metric_scope: RawMetricScope,
    #[serde(default)]
    limits: RawLimits,
}

/// `[limits]`: bounds that keep hostile pages from costing unbounded time.
#[derive(Debug, Deserialize)]
#[serde(default)]
struct RawLimits {
    max_sentence_chars: usize,
}

impl Default for RawLimits {
    fn default() -> Self {
        Self {
            max_sentence_chars: 1500,
        }
    }
}

#[derive(Debug, Deserialize)]
struct RawPeriods {
    numeral: String,
    year: String,
    month: String,
    day: String,
    patterns: Vec<String>,
    open_clause_endings: Vec<String>,
    max_open_clause: usize,
    trim_lead: Vec<String>,
    comparison: Vec<String>,
    comparison_joiners: Vec<String>,
    refer_back: Vec<String>,
    list_marker: String,
    event_before: Vec<String>,
    campaign_launch: Vec<String>,
    campaign_words: Vec<String>,
    reject: Vec<String>,
    report_after: String,
    fraction_before: Vec<String>,
    fraction_after: Vec<String>,
    compare_verbs: Vec<String>,
    compare_pair_joiners: Vec<String>,
    classes: super::period_resolve::RawClasses,
}

#[derive(Debug, Deserialize)]
struct RawJurisdiction {
    currency: String,
    region: String,
    words: Vec<String>,
    strong: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawBodies {
    suffixes: Vec<String>,
    #[serde(default)]
    minor_suffixes: Vec<String>,
    admin_suffixes: Vec<String>,
    global: Vec<String>,
    scope_words: Vec<String>,
    province_scope: Vec<String>,
    except: Vec<String>,
    area_context: Vec<String>,
    area_each: Vec<String>,
    not_places: Vec<String>,
}

/// `[places]`: names the region reader matches besides the gazetteer's
/// provinces and prefectures, for what `gazetteer.tsv` cannot hold.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaces {
    extra: Vec<String>,
}

/// `extract-regions.toml`, read once: the lexicon's sections and the
/// reporting body's, whose type `B` the caller gives
/// ([`super::reporting_body`] reads it; the lexicon does not look inside).
#[derive(Debug, Deserialize)]
pub(crate) struct RawRegions<B> {
    jurisdiction: BTreeMap<String, RawJurisdiction>,
    bodies: RawBodies,
    national: BTreeMap<String, Vec<String>>,
    places: RawPlaces,
    pub(crate) reporting_body: B,
}

/// One taxonomy rule: verbs and nouns that make a figure count one metric.
#[derive(Debug, Clone)]
pub struct MetricRule {
    /// Taxonomy id.
    pub id: String,
    /// Governing verbs; empty for rules on nouns alone.
    pub verbs: Words,
    /// Nouns, one of which must name what is counted.
    pub nouns: Words,
    /// Kinds the rule applies to (`count`, `money`, `change`, `percent`).
    pub kinds: Vec<String>,
    /// Units the rule applies to; empty for any.
    pub units: Vec<String>,
    /// Whether the verb may follow the figure (`2620名…遣返回国`).
    pub after: bool,
    /// Nouns that rule the metric out (`罪案` is all crime, not fraud cases).
    pub not_nouns: Words,
    /// Whether a figure in the rule's units with no other metric takes it.
    pub fallback: bool,
    /// Whether the figure's counting word stands in for a noun (`刑拘222人`).
    pub unit_noun: bool,
    /// Words that, between the rule's noun and the figure, make the figure
    /// count something else (`骗案损失金额下降12%` is no change of cases).
    pub not_after_noun: Words,
    /// Whether the rule counts fraud only: a noun phrase naming another
    /// crime (`毒品犯罪案件`) and no fraud word rules it out.
    pub fraud_scope: bool,
    /// Words naming crime at large for this rule alone (`犯罪案件`,
    /// `罪案`): they rule it out unless a fraud word qualifies them.
    pub scope_nouns: Words,
    /// Who must act for the verb to mean this metric, named in the
    /// sentence before the verb (`警方…逮捕` is a police arrest, where a
    /// procuratorate's `逮捕` is not); empty for anyone.
    pub subjects: Words,
}

/// A jurisdiction a page may belong to.
#[derive(Debug, Clone)]
pub struct Jurisdiction {
    /// Short id (`hk`, `mo`, `tw`, `sg`, `cn`).
    pub id: String,
    /// Currency of a bare 元.
    pub currency: String,
    /// Default region.
    pub region: String,
    /// Words that point at it.
    pub words: Words,
    /// Words that point at it strongly (count three times).
    pub strong: Words,
}

/// The whole vocabulary, compiled for matching.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Sentences longer than this many characters are cut at a clause break:
    /// the per-sentence passes look at every pair of figures in a sentence, and
    /// a page of one endless run-on sentence would otherwise take minutes.
    pub(crate) max_sentence_chars: usize,
    pub(crate) count_units: Words,
    pub(crate) count_blockers: Words,
    /// Words after a counting word that a blocker would take for itself
    /// (`28次线上线下活动`: 线上 is no `1号线`).
    pub(crate) count_blocker_exceptions: Words,
    /// Money words that are money only among money context words
    /// (`宣传牌2万块` counts boards).
    pub(crate) money_needs_context: Words,
    /// A number in Chinese numerals up to this value inside a quotation is
    /// slogan wording (`“健全一套体系,完善两大平台”`).
    pub(crate) slogan_max_value: f64,
    /// How far back (characters) an opening quotation mark is looked for.
    pub(crate) slogan_reach: usize,
    pub(crate) not_count: Words,
    /// Counting words that number a journal issue right after a year
    /// (`2021年5期`) and count otherwise (`发布案例剖析50余期`).
    pub(crate) issue_units: Words,
    pub(crate) money_units: Words,
    pub(crate) percent: Words,
    pub(crate) percent_words: Words,
    pub(crate) times: Words,
    pub(crate) cheng: Words,
    pub(crate) unreported: Vec<String>,
    pub(crate) vague: Words,
    pub(crate) multipliers: WordMap<f64>,
    pub(crate) unit_over_suffix: Words,
    pub(crate) unit_about_suffix: Words,
    pub(crate) currency_prefix: WordMap<String>,
    pub(crate) currency_suffix: WordMap<String>,
    pub(crate) money_context: Words,
    pub(crate) money_nouns_after: Words,
    pub(crate) over_prefix: Words,
    pub(crate) about_prefix: Words,
    pub(crate) under_prefix: Words,
    pub(crate) over_suffix: Words,
    pub(crate) about_suffix: Words,
    pub(crate) under_suffix: Words,
    pub(crate) threshold: Words,
    pub(crate) case_nouns: Words,
    pub(crate) up: Words,
    pub(crate) down: Words,
    pub(crate) level: Words,
    pub(crate) share: Words,
    pub(crate) change_markers: Words,
    pub(crate) per_day: Words,
    pub(crate) per_month: Words,
    pub(crate) respectively: Words,
    pub(crate) each: Words,
    pub(crate) each_count: Words,
    pub(crate) list_separators: Words,
    pub(crate) subset: Words,
    pub(crate) modifier_fill: Words,
    pub(crate) topic_endings: Words,
    pub(crate) framed_topic_openers: Words,
    pub(crate) framed_topic_endings: Words,
    pub(crate) passive: Words,
    pub(crate) ba: Words,
    pub(crate) beneficiary: Words,
    pub(crate) passive_reach: usize,
    pub(crate) names: Words,
    pub(crate) chrome: Words,
    pub(crate) penalty: Words,
    pub(crate) advice: Words,
    pub(crate) bullet_lines: Words,
    pub(crate) credit_after: Words,
    pub(crate) ordinal_prefix: Words,
    pub(crate) rank_units: Words,
    pub(crate) pair_pronouns: Words,
    pub(crate) pair_before: Words,
    /// Marks of an anonymised name (`马某虎`, `冯某某`) a pair pronoun
    /// follows (`马某山、马某虎2人`).
    pub(crate) pair_after_name: Words,
    pub(crate) pair_after: Words,
    /// A pair named as characters of a story (`两名男子`): the counts.
    pub(crate) story_counts: Words,
    /// ... and the descriptions of people that follow them.
    pub(crate) story_people: Words,
    /// Counts of measures, kinds and policies (`228项便民服务措施`,
    /// `以下6种类型`): their counting words, …
    pub(crate) list_units: Words,
    /// … the words that announce a list before them, …
    pub(crate) list_before: Words,
    /// … the nouns of measures after them, within `list_reach` characters.
    pub(crate) list_nouns: Words,
    pub(crate) list_reach: usize,
    pub(crate) metrics: Vec<MetricRule>,
    pub(crate) all_verbs: Words,
    /// Words that make a crime fraud (`诈`, `骗案`).
    pub(crate) fraud_words: Words,
    /// Words naming crime other than fraud (`毒品`, `涉枪`).
    pub(crate) other_crime: Words,
    /// Words of intent before a figure (`欲将1300万元…`): no result.
    pub(crate) intent: Words,
    /// Time phrases (`extract-periods.toml`).
    pub(crate) periods: PeriodWords,
    /// Reporting bodies and places (`extract-regions.toml`).
    pub(crate) regions: RegionWords,
}

/// The words and patterns of `extract-periods.toml`: what makes a time
/// phrase and which phrase governs a figure.
#[derive(Debug, Clone)]
pub(crate) struct PeriodWords {
    pub(crate) period_regex: Vec<regex::Regex>,
    /// Per pattern, the characters it cannot match without
    /// ([`super::needed_chars`]); `None` runs it on every text.
    pub(crate) period_needs: Vec<Option<super::needed_chars::CharMask>>,
    pub(crate) open_clause_endings: Words,
    pub(crate) max_open_clause: usize,
    pub(crate) trim_lead: Words,
    pub(crate) comparison: Words,
    /// Words joining a second comparison base to a first (`及`, `和`).
    pub(crate) comparison_joiners: Words,
    pub(crate) refer_back: Words,
    pub(crate) list_marker: regex::Regex,
    pub(crate) event_before: Words,
    /// Words launching a campaign after its date (`6月8日开展…行动`).
    pub(crate) campaign_launch: Words,
    /// Words naming a campaign in a phrase (`行动期间`, `专案期间`).
    pub(crate) campaign_words: Words,
    pub(crate) period_reject: Words,
    /// What follows a report's own date (`1月5日电`, `3月2日讯`, `1月5日,…通报`).
    pub(crate) report_after: regex::Regex,
    /// Around a `1/3` that is a share, not a day (`占1/3左右`).
    pub(crate) fraction_before: Words,
    pub(crate) fraction_after: Words,
    /// `比较10月份与9月份`: the first of two compared periods is the subject.
    pub(crate) compare_verbs: Words,
    pub(crate) compare_pair_joiners: Words,
    /// Word classes picking a row of the period table.
    pub(crate) period_classes: super::period_resolve::Classes,
}

/// The words of `extract-regions.toml`: reporting bodies, jurisdictions and
/// places (the gazetteer's provinces and prefectures, and `[places] extra`).
#[derive(Debug, Clone)]
pub(crate) struct RegionWords {
    pub(crate) jurisdictions: Vec<Jurisdiction>,
    /// Every jurisdiction's words together, to find where any can start.
    pub(crate) jurisdiction_any: Words,
    pub(crate) body_suffixes: Words,
    pub(crate) minor_body_suffixes: Words,
    pub(crate) admin_suffixes: Words,
    pub(crate) national: Vec<(String, Words)>,
    pub(crate) global: Words,
    pub(crate) scope_words: Words,
    /// Short names of the gazetteer's provinces and prefectures, and the
    /// extra names of `[places]`.
    pub(crate) places: Words,
    /// Short names of the gazetteer's provinces (`四川`, `香港`).
    pub(crate) provinces: Words,
    /// The same, in the gazetteer's order.
    pub(crate) provinces_list: Vec<String>,
    pub(crate) province_scope: Words,
    pub(crate) except: Words,
    pub(crate) area_context: Words,
    pub(crate) area_each: Words,
    pub(crate) not_places: Words,
}

/// Reads and parses one TOML rule file.
pub(crate) fn read<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ConfigError> {
    let text = crate::configuration::built_in::read_rule_file(path)?;
    toml::from_str(&text).map_err(|e| ConfigError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

use crate::configuration::built_in::sibling;

impl Lexicon {
    /// Loads `lexicon.toml` and its siblings, with the places of `gaz`.
    pub fn from_file(path: &Path, gaz: &Gazetteer) -> Result<Self, ConfigError> {
        let regions: RawRegions<serde::de::IgnoredAny> =
            read(&sibling(path, "extract-regions.toml"))?;
        Self::with_regions(path, &regions, gaz)
    }

    /// Loads `lexicon.toml` and `extract-periods.toml`, with
    /// `extract-regions.toml` already read and the places of `gaz`.
    pub(crate) fn with_regions<B>(
        path: &Path,
        regions: &RawRegions<B>,
        gaz: &Gazetteer,
    ) -> Result<Self, ConfigError> {
        let raw: RawLexicon = read(path)?;
        let periods_path = sibling(path, "extract-periods.toml");
        let periods: RawPeriods = read(&periods_path)?;

        let metrics: Vec<MetricRule> = raw
            .metric
            .iter()
            .map(|m| MetricRule {
                id: m.id.clone(),
                verbs: Words::new(&m.verbs),
                nouns: Words::new(&m.nouns),
                kinds: m.kinds.clone(),
                units: m.units.clone(),
                after: m.after,
                not_nouns: Words::new(&m.not_nouns),
                fallback: m.fallback,
                unit_noun: m.unit_noun,
                not_after_noun: Words::new(&m.not_after_noun),
                fraud_scope: m.fraud_scope,
                scope_nouns: Words::new(&m.scope_nouns),
                subjects: Words::new(&m.subjects),
            })
            .collect();
        let all_verbs: Vec<String> = raw.metric.iter().flat_map(|m| m.verbs.clone()).collect();

        if raw.limits.max_sentence_chars < 100 {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                message: "limits.max_sentence_chars: at least 100".into(),
            });
        }
        // The reach bounds a look-ahead made for every figure.
        if !(1..=32).contains(&raw.distribute.passive_reach) {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                message: "distribute.passive_reach: between 1 and 32".into(),
            });
        }
        Ok(Self {
            max_sentence_chars: raw.limits.max_sentence_chars,
            count_units: Words::new(&raw.units.count),
            count_blockers: Words::new(&raw.units.count_blockers),
            count_blocker_exceptions: Words::new(&raw.units.count_blocker_exceptions),
            money_needs_context: Words::new(&raw.units.money_needs_context),
            slogan_max_value: raw.not_statistics.slogan_max_value,
            slogan_reach: raw.not_statistics.slogan_reach.min(200),
            not_count: Words::new(&raw.units.not_count),
            issue_units: Words::new(&raw.units.issue_units),
            money_units: Words::new(&raw.units.money),
            percent: Words::new(&raw.units.percent),
            percent_words: Words::new(&raw.units.percent_words),
            times: Words::new(&raw.units.times),
            cheng: Words::new(&raw.units.cheng),
            unreported: raw.units.unreported.clone(),
            vague: Words::new(&raw.units.vague),
            multipliers: WordMap::new(&raw.units.multipliers),
            unit_over_suffix: Words::new(&raw.units.over_suffix),
            unit_about_suffix: Words::new(&raw.units.about_suffix),
            currency_prefix: WordMap::new(&raw.currency.prefix),
            currency_suffix: WordMap::new(&raw.currency.suffix),
            money_context: Words::new(&raw.currency.context),
            money_nouns_after: Words::new(&raw.currency.nouns_after),
            over_prefix: Words::new(&raw.approx.over_prefix),
            about_prefix: Words::new(&raw.approx.about_prefix),
            under_prefix: Words::new(&raw.approx.under_prefix),
            over_suffix: Words::new(&raw.approx.over_suffix),
            about_suffix: Words::new(&raw.approx.about_suffix),
            under_suffix: Words::new(&raw.approx.under_suffix),
            threshold: Words::new(&raw.approx.threshold),
            case_nouns: Words::new(&raw.approx.case_nouns),
            up: Words::new(&raw.direction.up),
            down: Words::new(&raw.direction.down),
            level: Words::new(&raw.direction.level),
            share: Words::new(&raw.direction.share),
            change_markers: Words::new(&raw.direction.change_markers),
            per_day: Words::new(&raw.per.day),
            per_month: Words::new(&raw.per.month),
            respectively: Words::new(&raw.distribute.respectively),
            each: Words::new(&raw.distribute.each),
            each_count: Words::new(&raw.distribute.each_count),
            list_separators: Words::new(&raw.distribute.list_separators),
            subset: Words::new(&raw.distribute.subset),
            modifier_fill: Words::new(&raw.distribute.modifier_fill),
            topic_endings: Words::new(&raw.distribute.topic_endings),
            framed_topic_openers: Words::new(&raw.distribute.framed_topic_openers),
            framed_topic_endings: Words::new(&raw.distribute.framed_topic_endings),
            passive: Words::new(&raw.distribute.passive),
            ba: Words::new(&raw.distribute.ba),
            beneficiary: Words::new(&raw.distribute.beneficiary),
            passive_reach: raw.distribute.passive_reach,
            names: Words::new(&raw.not_statistics.names),
            chrome: Words::new(&raw.not_statistics.chrome),
            penalty: Words::new(&raw.not_statistics.penalty),
            advice: Words::new(&raw.not_statistics.advice),
            bullet_lines: Words::new(&raw.not_statistics.bullet_lines),
            credit_after: Words::new(&raw.not_statistics.credit_after),
            ordinal_prefix: Words::new(&raw.not_statistics.ordinal_prefix),
            rank_units: Words::new(&raw.not_statistics.rank_units),
            pair_pronouns: Words::new(&raw.not_statistics.pair_pronouns),
            pair_before: Words::new(&raw.not_statistics.pair_before),
            pair_after_name: Words::new(&raw.not_statistics.pair_after_name),
            story_counts: Words::new(&raw.not_statistics.story_counts),
            story_people: Words::new(&raw.not_statistics.story_people),
            list_units: Words::new(&raw.not_statistics.list_units),
            list_before: Words::new(&raw.not_statistics.list_before),
            list_nouns: Words::new(&raw.not_statistics.list_nouns),
            list_reach: raw.not_statistics.list_reach,
            pair_after: Words::new(&raw.not_statistics.pair_after),
            metrics,
            all_verbs: Words::new(&all_verbs),
            fraud_words: Words::new(&raw.metric_scope.fraud),
            other_crime: Words::new(&raw.metric_scope.other_crime),
            intent: Words::new(&raw.metric_scope.intent),
            periods: PeriodWords::new(&periods, &periods_path)?,
            regions: RegionWords::new(regions, gaz),
        })
    }
}

impl PeriodWords {
    fn new(periods: &RawPeriods, periods_path: &Path) -> Result<Self, ConfigError> {
        let period_regex = periods
            .patterns
            .iter()
            .map(|p| {
                let src = p
                    .replace("{M}", &periods.month)
                    .replace("{D}", &periods.day)
                    .replace("{N}", &periods.numeral)
                    .replace("{Y}", &periods.year);
                regex::Regex::new(&src).map_err(|e| ConfigError::Invalid {
                    path: periods_path.to_path_buf(),
                    message: format!("patterns: {e}"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;

        let period_needs = period_regex
            .iter()
            .map(|re| {
                super::needed_chars::of_pattern(re.as_str()).map(super::needed_chars::CharMask::of)
            })
            .collect();
        Ok(Self {
            period_regex,
            period_needs,
            open_clause_endings: Words::new(&periods.open_clause_endings),
            max_open_clause: periods.max_open_clause,
            trim_lead: Words::new(&periods.trim_lead),
            comparison: Words::new(&periods.comparison),
            comparison_joiners: Words::new(&periods.comparison_joiners),
            refer_back: Words::new(&periods.refer_back),
            event_before: Words::new(&periods.event_before),
            campaign_launch: Words::new(&periods.campaign_launch),
            campaign_words: Words::new(&periods.campaign_words),
            list_marker: regex::Regex::new(&periods.list_marker).map_err(|e| {
                ConfigError::Invalid {
                    path: periods_path.to_path_buf(),
                    message: format!("list_marker: {e}"),
                }
            })?,
            period_reject: Words::new(&periods.reject),
            report_after: regex::Regex::new(&periods.report_after).map_err(|e| {
                ConfigError::Invalid {
                    path: periods_path.to_path_buf(),
                    message: format!("report_after: {e}"),
                }
            })?,
            fraction_before: Words::new(&periods.fraction_before),
            fraction_after: Words::new(&periods.fraction_after),
            compare_verbs: Words::new(&periods.compare_verbs),
            compare_pair_joiners: Words::new(&periods.compare_pair_joiners),
            period_classes: super::period_resolve::Classes::new(&periods.classes),
        })
    }
}

impl RegionWords {
    fn new<B>(regions: &RawRegions<B>, gaz: &Gazetteer) -> Self {
        let jurisdiction_any = Words::new(
            &regions
                .jurisdiction
                .values()
                .flat_map(|j| j.words.iter().chain(&j.strong))
                .collect::<Vec<_>>(),
        );
        let jurisdictions = regions
            .jurisdiction
            .iter()
            .map(|(id, j)| Jurisdiction {
                id: id.clone(),
                currency: j.currency.clone(),
                region: j.region.clone(),
                words: Words::new(&j.words),
                strong: Words::new(&j.strong),
            })
            .collect();
        // China's provinces and prefectures (with Taiwan's counties and
        // cities, and Singapore) are the gazetteer's; `[places] extra` adds
        // what it cannot hold.
        let shorts = |level: Level| {
            gaz.places()
                .iter()
                .filter(move |p| p.level == level)
                .map(|p| p.short.clone())
        };
        let provinces: Vec<String> = shorts(Level::Province).collect();
        let mut places = provinces.clone();
        places.extend(shorts(Level::Prefecture));
        places.extend(regions.places.extra.iter().cloned());

        Self {
            jurisdictions,
            jurisdiction_any,
            body_suffixes: Words::new(&regions.bodies.suffixes),
            minor_body_suffixes: Words::new(&regions.bodies.minor_suffixes),
            admin_suffixes: Words::new(&regions.bodies.admin_suffixes),
            national: regions
                .national
                .iter()
                .map(|(k, v)| (k.clone(), Words::new(v)))
                .collect(),
            global: Words::new(&regions.bodies.global),
            scope_words: Words::new(&regions.bodies.scope_words),
            places: Words::new(&places),
            provinces: Words::new(&provinces),
            provinces_list: provinces,
            province_scope: Words::new(&regions.bodies.province_scope),
            except: Words::new(&regions.bodies.except),
            area_context: Words::new(&regions.bodies.area_context),
            area_each: Words::new(&regions.bodies.area_each),
            not_places: Words::new(&regions.bodies.not_places),
        }
    }
}
