//! Changes and shares: whether a percentage is a rise or fall, its
//! direction, daily or monthly averages, and the lists that hand one
//! change to several figures (`分别`, `均`, `各`).

use super::candidate::Figure;
use super::lexicon::Lexicon;
use super::sentence::{Segments, clause_start};
use crate::budget::Meter;
use crate::model::{Direction, Kind, Per};

/// Sets kind (change vs share), direction and per on every figure, in
/// order until the meter runs out; returns how many figures were done.
pub fn assign(
    lex: &Lexicon,
    s: &[char],
    seg: &Segments,
    figs: &mut [Figure],
    meter: &mut Meter<'_>,
) -> usize {
    for i in 0..figs.len() {
        // A figure costs up to a sentence of look-back.
        if meter.add(64) {
            return i;
        }
        let Some(f) = figs.get(i) else { continue };
        let Some(si) = seg.sentence_of(f.num_start) else {
            continue;
        };
        let Some(sent) = seg.sentences.get(si) else {
            continue;
        };
        let clo = clause_start(s, f.start, sent.start);
        let prev_end = i
            .checked_sub(1)
            .and_then(|j| figs.get(j))
            .filter(|g| g.end <= f.start && g.end >= clo)
            .map(|g| g.end);
        let wlo = prev_end.unwrap_or(clo);
        // The direction of the figure just before, for `增加122宗及493宗`
        // and `增加了52.7%或3422起` (figures are handled in order, so an
        // earlier count already carries its own).
        let prev_change_dir = i
            .checked_sub(1)
            .and_then(|j| figs.get(j))
            .filter(|g| g.end >= clo)
            .and_then(|g| g.direction);

        let up = lex.up.rfind(s, clo, f.start);
        let down = lex.down.rfind(s, clo, f.start);
        let dir = match (up, down) {
            (Some(u), Some(d)) => Some(if u.0 > d.0 {
                (Direction::Up, u)
            } else {
                (Direction::Down, d)
            }),
            (Some(u), None) => Some((Direction::Up, u)),
            (None, Some(d)) => Some((Direction::Down, d)),
            (None, None) => None,
        };
        // `下降至38个` names a level.
        let dir = dir.filter(|(_, (p, l))| lex.level.at(s, p + l).is_none());
        let share = lex.share.rfind(s, clo, f.start);
        let marker = lex.change_markers.rfind(s, clo, f.start);

        let (kind, direction) = match f.kind {
            Kind::Percent => match dir {
                // `上升比率达41.4%`: a rate right after the direction word is
                // the rate of the change.
                Some((d, (p, _)))
                    if share.is_none_or(|(sp, _)| sp < p || rate_of_change(lex, s, sp)) =>
                {
                    (Kind::Change, Some(d))
                }
                None if marker.is_some() && share.is_none() => (Kind::Change, None),
                _ => (Kind::Percent, None),
            },
            Kind::Change => (Kind::Change, dir.map(|(d, _)| d)),
            k => {
                // An absolute rise or fall: the direction word sits right before.
                let d = dir.and_then(|(d, (p, l))| {
                    let gap = f.start.saturating_sub(p + l);
                    (p >= wlo && gap <= 3).then_some(d)
                });
                let d = d.or_else(|| {
                    // `增加了52.7%或3422起`
                    let between: String = s
                        .get(wlo..f.start)
                        .map(|w| w.iter().collect())
                        .unwrap_or_default();
                    let listed = between == "或"
                        || lex
                            .list_separators
                            .contains(&between.chars().collect::<Vec<_>>());
                    listed.then_some(prev_change_dir).flatten()
                });
                (k, d)
            }
        };
        // An average word governs the figures after it in its list, not a
        // figure after another one with its own wording (`月均700余个…下降至38个`).
        let per = if lex.per_day.rfind(s, wlo, f.start).is_some() {
            Some(Per::Day)
        } else if lex.per_month.rfind(s, wlo, f.start).is_some() {
            Some(Per::Month)
        } else {
            let listed = matches!(s.get(wlo), Some('、' | '及' | '和')) && prev_end.is_some();
            // `平均每日受理…470件，较去年9月601件`: a comparison base shares
            // the average of the figure it is compared with.
            let compared = lex.periods.comparison.at(s, clo).is_some() && prev_end.is_none();
            if listed {
                i.checked_sub(1)
                    .and_then(|j| figs.get(j))
                    .and_then(|g| g.per)
            } else if compared {
                figs.iter()
                    .take(i)
                    .rev()
                    .find(|g| g.end <= clo && g.start >= sent.start)
                    .and_then(|g| g.per)
            } else {
                None
            }
        };
        // A written sign is the direction, and makes a percentage a change.
        let (kind, direction) = match (f.sign, kind) {
            (Some(d), Kind::Percent | Kind::Change) => (Kind::Change, Some(d)),
            (Some(d), k) => (k, Some(d)),
            (None, k) => (k, direction),
        };
        if let Some(f) = figs.get_mut(i) {
            f.kind = kind;
            f.direction = direction;
            f.per = per;
        }
    }
    figs.len()
}

/// Whether the share word at `sp` names the rate of a change, right after
/// its direction word (`增长率`, `上升比率`), not a share of something.
pub fn rate_of_change(lex: &Lexicon, s: &[char], sp: usize) -> bool {
    let dir_ends = |i: usize| {
        lex.up
            .ending_at(s, i)
            .or(lex.down.ending_at(s, i))
            .is_some()
    };
    dir_ends(sp) || (sp > 0 && s.get(sp - 1) == Some(&'比') && dir_ends(sp - 1))
}

/// Splits `s[a..b]` into list items at separators.
pub fn split_list(lex: &Lexicon, s: &[char], a: usize, b: usize) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut st = a;
    let mut i = a;
    while i < b {
        if let Some(len) = lex.list_separators.at(s, i).filter(|l| i + l <= b) {
            if i > st {
                parts.push((st, i));
            }
            i += len;
            st = i;
        } else {
            i += 1;
        }
    }
    if b > st {
        parts.push((st, b));
    }
    parts
}
