//! Which time phrase governs each figure, and what the passage around each
//! phrase states (its year, an open period's start, the period `同期`
//! refers to), so that [`period_resolve`] can turn phrases into dates.
//!
//! A figure takes, in this order: the phrase before it in its sentence (an
//! event date such as `8月15日，…抓获…10名` included); the base of a
//! comparison it follows (`与去年同期受理2738件、财损15亿元比较`); the latest
//! phrase earlier in its paragraph (the paragraph's opening carried
//! forward); for a list item, the period of the paragraph introducing the
//! list; for a sentence that opens with an explicit back reference
//! (`同期`, `此间`), the previous figure's period. The title's period covers
//! the body when the title is a report for that period, and so does the
//! period a bulletin's text opens with ([`lead_period`]). Everything is one
//! pass over the phrases and one over the figures.

use chrono::{Datelike, NaiveDate};

use super::candidate::Figure;
use super::lexicon::Lexicon;
use super::period::Phrase;
use super::period_resolve::{self, Context, Kind, Span};
use super::sentence::Segments;
use super::view::View;
use crate::budget::Meter;
use crate::model::Kind as FigKind;
use crate::model::Period;

/// The dates of every phrase, resolved in text order with what the passage
/// stated before it.
pub fn resolve_all(
    lex: &Lexicon,
    view: &View,
    seg: &Segments,
    phrases: &[Phrase],
    published: Option<NaiveDate>,
) -> Vec<Span> {
    let cls = &lex.periods.period_classes;
    let mut out = Vec::with_capacity(phrases.len());
    let mut para = None;
    let mut year: Option<i32> = None;
    let mut doc_year: Option<i32> = None;
    let mut start: Option<NaiveDate> = None;
    let mut latest: Option<NaiveDate> = None;
    let mut reference: Option<Span> = None;
    let mut last_day: Option<NaiveDate> = None;
    // `上周(7月20日至26日)…上周前三大…`: a relative word the page has given
    // dates for stands for them again further on.
    let mut defined: Vec<(String, Span)> = Vec::new();
    // The date the page launched a campaign on (`自6月8日开展…行动以来`):
    // the start of the campaign's later phrases with no dates of their own.
    let mut campaign: Option<(NaiveDate, Option<NaiveDate>)> = None;
    for p in phrases {
        let here = seg
            .sentence_of(p.start)
            .and_then(|i| seg.sentences.get(i))
            .map(|s| s.para);
        if here != para {
            // A passage is a paragraph: what it stated ends with it.
            para = here;
            year = None;
            start = None;
            latest = None;
        }
        let text = view.simp_slice(p.start, p.end);
        let kind = period_resolve::classify(&text, cls);
        let ctx = Context {
            published,
            // `全年` is about the year stated before it, in its paragraph or
            // earlier; so is a year-less date on a page with no publication
            // date, alone or ending or starting a period (`截止12月11日`,
            // `自8月21日以来`), the nearest stated year being all there is
            // to go on.
            passage_year: if kind == Kind::FullYear
                || (published.is_none()
                    && matches!(kind, Kind::Yearless | Kind::UpTo | Kind::OpenEnded))
            {
                year.or(doc_year)
            } else {
                year
            },
            passage_start: start,
            reference,
            passage_latest: latest,
            last_day,
        };
        let span = match period_resolve::explicit(&text) {
            Some((head, _)) => {
                let span = period_resolve::resolve(&text, &ctx, cls);
                defined.push((head.to_string(), span));
                span
            }
            None => defined
                .iter()
                .rev()
                .find(|(head, _)| *head == text)
                .map_or_else(|| period_resolve::resolve(&text, &ctx, cls), |d| d.1),
        };
        // A holiday (`国庆长假期间`) is no campaign of the page's.
        let names_campaign = lex
            .periods
            .campaign_words
            .find(&view.simp, p.start, p.end)
            .is_some()
            || lex
                .periods
                .campaign_launch
                .find(&view.simp, p.start, p.end)
                .is_some();
        let undated_campaign = span == (None, None)
            && matches!(kind, Kind::Campaign | Kind::OpenEnded | Kind::LookBack)
            && names_campaign;
        // A campaign's later mention runs over its stated dates
        // (`专案期间`), or from its start when it says "since" (`…以来`).
        let span = match campaign {
            Some((start, end)) if undated_campaign => {
                (Some(start), end.filter(|_| kind == Kind::Campaign))
            }
            _ => span,
        };
        // A campaign dated as a range counts when both ends are days
        // (`8月26日至9月6日`); `从6月底至9月30日` says no first day.
        let ranged = text.contains(['至', '到', '—', '-', '~', '～']);
        let day_range = ranged
            && text
                .split(['至', '到', '—', '-', '~', '～'])
                .next()
                .is_some_and(|a| a.ends_with(['日', '号']))
            && span.1.is_some();
        if let Some(from) = span.0
            && !undated_campaign
            && (!ranged || day_range)
            && launches(lex, view, seg, p)
        {
            campaign = Some((from, span.1.filter(|_| day_range)));
        }
        out.push(span);
        // `6月1日…当日上午`: the day `当日` names; `早前…于当日` names none.
        match span {
            (Some(f), Some(t)) if f == t => last_day = Some(f),
            _ if kind == Kind::LookBack => last_day = None,
            _ => {}
        }
        // A comparison base is not what the passage is about.
        if p.comparison || matches!(kind, Kind::SamePeriod) {
            continue;
        }
        // Only a year written out is a stated year: `去年4月以来，截至7月`
        // ends this July, not last year's.
        if kind == Kind::Dated
            && let Some(d) = span.1.or(span.0)
        {
            year = Some(d.year());
            doc_year = year;
            latest = latest.max(Some(d));
        }
        if kind == Kind::OpenEnded && span.0.is_some() {
            start = span.0;
        }
        // What `同期` refers to: a closed period, or one running on from
        // its start (`2025年以来`).
        if span.0.is_some() && (span.1.is_some() || matches!(kind, Kind::OpenEnded | Kind::Current))
        {
            reference = Some(span);
        }
    }
    out
}

/// Whether a campaign-launching word follows the phrase in its clause
/// run (`6月8日开展…`, `2023年3月，率先…运行…`): within its sentence and a
/// short reach, so that a date in a long sentence does not launch
/// whatever is named at its end.
fn launches(lex: &Lexicon, view: &View, seg: &Segments, p: &Phrase) -> bool {
    const REACH: usize = 24;
    let end = seg
        .sentence_of(p.start)
        .and_then(|i| seg.sentences.get(i))
        .map_or(p.end, |s| s.end);
    // From the phrase's own start: the launch may sit inside it
    // (`自5月10日开展…行动以来`).
    lex.periods
        .campaign_launch
        .find(&view.simp, p.start, end.min(p.end + REACH))
        .is_some()
}

/// A phrase and its dates as the figure's [`Period`].
fn period_of(view: &View, p: &Phrase, span: Span) -> Period {
    Period {
        text: Some(view.phrase_slice(p.start, p.end)),
        from: span.0.map(|d| d.to_string()),
        to: span.1.map(|d| d.to_string()),
    }
}

/// Chooses, for each figure, the time phrase that governs it, and resolves
/// it. Figures come in text order.
#[allow(clippy::too_many_arguments)]
pub fn assign(
    lex: &Lexicon,
    view: &View,
    seg: &Segments,
    figs: &[Figure],
    phrases: &[Phrase],
    published: Option<NaiveDate>,
    meter: &mut Meter<'_>,
) -> Vec<Period> {
    let spans = resolve_all(lex, view, seg, phrases, published);
    let mut t = Tracker {
        lex,
        s: &view.simp,
        seg,
        phrases,
        intro_memo: None,
        chosen: Vec::with_capacity(figs.len()),
        bare_full_year: phrases
            .iter()
            .map(|p| {
                let text = view.simp_slice(p.start, p.end);
                period_resolve::classify(&text, &lex.periods.period_classes) == Kind::FullYear
                    && !text.replace("全年", "").contains('年')
            })
            .collect(),
        look_back: Vec::new(),
        vague: Vec::new(),
    };
    (t.look_back, t.vague) = phrases
        .iter()
        .map(|p| {
            let text = view.simp_slice(p.start, p.end);
            let kind = period_resolve::classify(&text, &lex.periods.period_classes);
            let undated_campaign = kind == Kind::Campaign
                && !text
                    .chars()
                    .any(|c| c.is_ascii_digit() || "年月日".contains(c));
            (
                kind == Kind::LookBack,
                kind == Kind::LookBack || undated_campaign,
            )
        })
        .unzip();
    for (i, f) in figs.iter().enumerate() {
        if meter.add(64) {
            break;
        }
        let pick = t.governing(figs, i, f);
        t.chosen.push(pick);
    }
    let mut out: Vec<Period> = t
        .chosen
        .iter()
        .map(|c| {
            c.and_then(|k| phrases.get(k).zip(spans.get(k)))
                .map(|(p, span)| period_of(view, p, *span))
                .unwrap_or_default()
        })
        .collect();
    per_year_lists(lex, view, seg, figs, phrases, &spans, &t.chosen, &mut out);
    out
}

/// `2019年至2021年，…分别起诉3.9万人、5万人、4万人`: a span of whole years
/// followed by `分别` and exactly one figure per year gives each figure its
/// own year, in order. Any other count leaves the span as it is.
#[allow(clippy::too_many_arguments)]
fn per_year_lists(
    lex: &Lexicon,
    view: &View,
    seg: &Segments,
    figs: &[Figure],
    phrases: &[Phrase],
    spans: &[Span],
    chosen: &[Option<usize>],
    out: &mut [Period],
) {
    let mut i = 0;
    while i < figs.len() {
        let Some(k) = chosen.get(i).copied().flatten() else {
            i += 1;
            continue;
        };
        // The run of figures in one sentence taking the same phrase.
        let sent = |j: usize| figs.get(j).and_then(|f| seg.sentence_of(f.num_start));
        let mut j = i + 1;
        while j < figs.len() && chosen.get(j) == Some(&Some(k)) && sent(j) == sent(i) {
            j += 1;
        }
        let years = spans.get(k).and_then(|&(a, b)| whole_years(a?, b?));
        let respectively = phrases.get(k).zip(figs.get(i)).is_some_and(|(p, f)| {
            p.end <= f.start && lex.respectively.find(&view.simp, p.end, f.start).is_some()
        });
        if let Some((y0, n)) = years
            && respectively
            && n == j - i
        {
            for (idx, period) in out.iter_mut().enumerate().take(j).skip(i) {
                let y = y0 + (idx - i) as i32;
                period.from = NaiveDate::from_ymd_opt(y, 1, 1).map(|d| d.to_string());
                period.to = NaiveDate::from_ymd_opt(y, 12, 31).map(|d| d.to_string());
            }
        }
        i = j;
    }
}

/// The first year and the number of years of a span that is whole years,
/// more than one.
fn whole_years(a: NaiveDate, b: NaiveDate) -> Option<(i32, usize)> {
    let whole = (a.month(), a.day(), b.month(), b.day()) == (1, 1, 12, 31);
    let n = b.year() - a.year() + 1;
    (whole && (2..=12).contains(&n)).then_some((a.year(), n as usize))
}

/// The state of the walk over the figures.
struct Tracker<'a> {
    lex: &'a Lexicon,
    s: &'a [char],
    seg: &'a Segments,
    phrases: &'a [Phrase],
    /// The paragraph introducing the list an item paragraph belongs to,
    /// remembered for the last item asked about: a list's items are met in
    /// order, and walking back over all earlier items for each of their
    /// figures was quadratic in the length of a list.
    intro_memo: Option<(usize, usize)>,
    /// The phrase chosen for each figure so far.
    chosen: Vec<Option<usize>>,
    /// Whether each phrase is `全年` with no year of its own.
    bare_full_year: Vec<bool>,
    /// Whether each phrase is a look-back (`一年来`).
    look_back: Vec<bool>,
    /// Whether each phrase is a look-back or a campaign named without a
    /// date of its own (`近期`, `行动中`): what a dated phrase earlier in
    /// its sentence outranks.
    vague: Vec<bool>,
}

impl Tracker<'_> {
    /// Phrases starting in `[lo, hi)`: phrases are sorted by start.
    fn starting_in(&self, lo: usize, hi: usize) -> std::ops::Range<usize> {
        let a = self.phrases.partition_point(|p| p.start < lo);
        let b = self.phrases.partition_point(|p| p.start < hi).max(a);
        a..b
    }

    fn phrase(&self, k: usize) -> Option<&Phrase> {
        self.phrases.get(k)
    }

    fn governing(&mut self, figs: &[Figure], i: usize, f: &Figure) -> Option<usize> {
        let sent = self
            .seg
            .sentence_of(f.num_start)
            .and_then(|si| self.seg.sentences.get(si))?;
        let (s_start, s_para) = (sent.start, sent.para);
        // In the sentence, before the figure (a phrase is never empty, so
        // one ending by the figure starts before it).
        let before = self.starting_in(s_start, f.start);
        let last = before
            .clone()
            .rev()
            .find(|&k| self.phrase(k).is_some_and(|p| p.end <= f.start));
        if let Some(k) = last
            && self.compared(figs, i, f, k)
        {
            return Some(k);
        }
        let in_sentence = before.rev().find(|&k| {
            self.phrase(k).is_some_and(|p| {
                p.end <= f.start && !p.comparison && !self.closed_aside(p, f.start)
            })
        });
        // `2月27日，…将近期破案追回的58万元…返还`, `5月24日凌晨，在…收网
        // 行动中，…抓获103名`: a vague word or an undated campaign inside
        // the sentence qualifies a noun; the date the sentence gave earlier
        // is when the figure's event took place.
        let in_sentence = match in_sentence {
            Some(k) if self.vague.get(k) == Some(&true) => {
                let k_start = self.phrase(k).map_or(s_start, |p| p.start);
                self.starting_in(s_start, k_start)
                    .rev()
                    .find(|&o| {
                        self.vague.get(o) == Some(&false)
                            && self.phrase(o).is_some_and(|p| {
                                !p.comparison && p.end <= f.start && !self.closed_aside(p, f.start)
                            })
                    })
                    .or(Some(k))
            }
            other => other,
        };
        // `同期，…`: the sentence's own phrase is the back reference.
        if let Some(k) = in_sentence
            && self.phrase(k).is_some_and(|p| p.start == s_start)
            && let Some(back) = self.referred_back(figs, i, s_start)
        {
            return Some(back);
        }
        // `全年` in a list item restates the period the list was introduced
        // with (`去年…：(一)…全年发出…`).
        if let Some(k) = in_sentence
            && self.bare_full_year.get(k) == Some(&true)
            && let Some(intro) = self.list_intro(s_para)
        {
            return Some(intro);
        }
        in_sentence
            .or_else(|| self.paragraph_opening(s_para, s_start))
            .or_else(|| self.list_intro(s_para))
            .or_else(|| self.referred_back(figs, i, s_start))
    }

    /// A base value right after its comparison phrase (`较去年9月601件`,
    /// `与去年同期受理2738件、财损15亿元比较`).
    fn compared(&self, figs: &[Figure], i: usize, f: &Figure, k: usize) -> bool {
        let lex = self.lex;
        let Some(p) = self.phrase(k).filter(|p| p.comparison) else {
            return false;
        };
        let no_dir = |a: usize, b: usize| {
            lex.up.find(self.s, a, b).is_none() && lex.down.find(self.s, a, b).is_none()
        };
        // Figures are in text order: one between the phrase and this figure
        // would be the one just before it.
        let prev = i.checked_sub(1).and_then(|j| figs.get(j));
        let no_fig_between = prev.is_none_or(|g| g.start < p.end || g.end > f.start);
        // The figure before took the same base and only a list separator
        // and a noun stand between them (`2738件、财损15亿`).
        let linked = prev
            .zip(i.checked_sub(1).and_then(|j| self.chosen.get(j)))
            .is_some_and(|(g, c)| {
                *c == Some(k)
                    && g.end <= f.start
                    && f.start - g.end <= 8
                    && self.s.get(g.end..f.start).is_some_and(|w| {
                        w.first()
                            .is_some_and(|c| lex.list_separators.contains(&[*c]))
                            && !w.iter().any(|c| "，,。；;".contains(*c))
                    })
            });
        // `较前两年的逾40%`: a change right after its base is the base's.
        let adjacent = self
            .s
            .get(p.end..f.start)
            .is_some_and(|w| w.iter().all(|c| matches!(c, '的' | '之' | ' ')));
        (no_fig_between || linked)
            && no_dir(p.end, f.start)
            && (adjacent || (f.direction.is_none() && f.kind != FigKind::Change))
    }

    /// The latest period named earlier in the paragraph carries on
    /// (`据悉,2023年1月至今年5月…。…4.9万名…`).
    ///
    /// A look-back inside the paragraph (`2019年，…。一年来，…拦截…。…还处置
    /// 警情1.5万起`) governs its own sentence; the sentences after it go
    /// back to the dated phrase the paragraph opened with.
    fn paragraph_opening(&self, para: usize, s_start: usize) -> Option<usize> {
        let &(pa, _) = self.seg.paragraphs.get(para)?;
        let mut carried = self.starting_in(pa, s_start).rev().filter(|&k| {
            self.phrase(k).is_some_and(|p| {
                p.end <= s_start && !p.comparison && !self.closed_aside(p, s_start)
            })
        });
        let latest = carried.next()?;
        if self.look_back.get(latest) != Some(&true) {
            return Some(latest);
        }
        let opening = carried.next_back().filter(|&k| {
            self.look_back.get(k) == Some(&false)
                && self
                    .phrase(k)
                    .is_some_and(|p| self.seg.sentence_of(p.start) == self.seg.sentence_of(pa))
        });
        Some(opening.unwrap_or(latest))
    }

    /// Whether `p` sits in a bracketed aside that closes before `at`
    /// (`…22476起(去年同期28625起)。…8160万元`): the aside's period is its
    /// own, not the one the passage goes on with. Scans are bounded, so
    /// this stays linear.
    fn closed_aside(&self, p: &Phrase, at: usize) -> bool {
        const REACH: usize = 48;
        let opened = (p.start.saturating_sub(REACH)..p.start)
            .rev()
            .map_while(|j| self.s.get(j))
            .find(|c| matches!(c, '(' | '（' | ')' | '）' | '。' | '\n'))
            .is_some_and(|c| matches!(c, '(' | '（'));
        opened
            && self
                .s
                .get(p.end..at.min(p.end + REACH))
                .is_some_and(|w| w.iter().any(|c| matches!(c, ')' | '）')))
    }

    /// A list item goes on with the period of the paragraph that introduced
    /// the list.
    fn list_intro(&mut self, para: usize) -> Option<usize> {
        let &(pa, _) = self.seg.paragraphs.get(para)?;
        if !self.is_item(para) {
            return None;
        }
        // Back over the earlier items to the paragraph introducing them.
        let mut intro = para;
        while intro > 0 && self.is_item(intro) {
            // An item already walked back from leads to the same intro.
            if let Some((item, its_intro)) = self.intro_memo
                && item == intro
            {
                intro = its_intro;
                break;
            }
            intro -= 1;
        }
        self.intro_memo = Some((para, intro));
        let lo = self
            .seg
            .paragraphs
            .get(intro.saturating_sub(2))
            .map(|p| p.0)
            .unwrap_or(0);
        // Up to the end of the introducing paragraph: an earlier item's own
        // period (`(一)…全年…`) is not the list's.
        let hi = self
            .seg
            .paragraphs
            .get(intro)
            .filter(|_| !self.is_item(intro))
            .map_or(pa, |p| p.1.min(pa));
        self.starting_in(lo, hi)
            .rev()
            .find(|&k| self.phrase(k).is_some_and(|p| p.end <= hi && !p.comparison))
    }

    fn is_item(&self, k: usize) -> bool {
        self.seg.paragraphs.get(k).is_some_and(|&(x, y)| {
            let h: String = self
                .s
                .get(x..y.min(x + 8))
                .map(|w| w.iter().collect())
                .unwrap_or_default();
            self.lex.periods.list_marker.is_match(h.trim_start())
        })
    }

    /// A sentence opening with an explicit back reference (`同期`, `此间`)
    /// takes the previous figure's period.
    fn referred_back(&self, figs: &[Figure], i: usize, s_start: usize) -> Option<usize> {
        self.lex.periods.refer_back.at(self.s, s_start)?;
        // Figures are in text order: this walks back over the sentence's
        // own figures only.
        let j = (0..i)
            .rev()
            .find(|&j| figs.get(j).is_some_and(|g| g.end <= s_start))?;
        self.chosen.get(j).copied().flatten()
    }
}

/// The title's time phrase, when the body names the same period. It
/// covers the body's figures with no period of their own where the title
/// is a report for that period (`袁州区2024年1月反诈预警地图`, no figure of
/// its own), else only the body's headings (`港去年逾九萬罪案增三成` over
/// `詐騙案錄近四萬宗`): the caller decides which.
pub fn title_period(
    lex: &Lexicon,
    title: (&View, &Segments, &[Phrase]),
    body: (&View, &Segments, &[Phrase]),
    published: Option<NaiveDate>,
) -> Option<Period> {
    let (tv, _, tp) = title;
    let (bv, bseg, bp) = body;
    let first = tp.first()?;
    let text = tv.simp_slice(first.start, first.end);
    let k = bp
        .iter()
        .position(|p| bv.simp_slice(p.start, p.end) == text)?;
    let spans = resolve_all(lex, bv, bseg, bp, published);
    let p = bp.get(k)?;
    Some(period_of(
        bv,
        p,
        spans.get(k).copied().unwrap_or((None, None)),
    ))
}

/// How far into its paragraph the phrase that opens a bulletin may stand
/// (`报告指出，2023年，…`).
const LEAD_PHRASE_REACH: usize = 12;

/// The period a bulletin opens with (`2025年6月份，袁州区共发26起…`,
/// `报告指出，2023年，…审结…`, a heading `2022年10月我市…盘点分析`): the
/// first time phrase, opening its paragraph before any figure, when it
/// resolves to a span of days. Like a title's
/// period, it covers the figures of later paragraphs that name no time of
/// their own (the breakdowns of a monthly report, the chapters of a work
/// report); the caller decides which.
pub fn lead_period(
    lex: &Lexicon,
    body: (&View, &Segments, &[Phrase], &[Figure]),
    published: Option<NaiveDate>,
) -> Option<Period> {
    let (view, seg, phrases, figs) = body;
    let first = figs.first()?;
    let (k, p) = phrases.iter().enumerate().find(|(_, p)| !p.comparison)?;
    // The phrase opens its paragraph (a heading `2022年10月我市…盘点分析`
    // or the report's first words) before any figure.
    let para = seg
        .sentence_of(p.start)
        .and_then(|k| seg.sentences.get(k))
        .map(|x| x.para)?;
    let &(pa, _) = seg.paragraphs.get(para)?;
    if p.start < pa || p.start > pa + LEAD_PHRASE_REACH || p.end > first.start {
        return None;
    }
    // A report names its year (`2019年`, `2025年6月份`); a month alone
    // opening a paragraph is as often a turn of phrase (`四月春风…`).
    if !view.simp_slice(p.start, p.end).contains('年') {
        return None;
    }
    // Phrases resolve in text order from what came before them: the ones
    // up to this one are all its dates depend on.
    let spans = resolve_all(lex, view, seg, phrases.get(..=k)?, published);
    let span = spans.get(k).copied()?;
    match span {
        (Some(from), Some(to)) if from < to => Some(period_of(view, p, span)),
        _ => None,
    }
}
