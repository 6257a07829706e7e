//! What a stated figure lets the true value be, and when two statements
//! agree: the reconciliation rule of `docs/dataset.md`.
//!
//! A page writes `5.3万余名`, another `53,000余名`, a third `5.8万名`. Each
//! statement gets an interval from its value, the place of its last
//! written digit (its *step*: 1000 for `5.3万`) and its approximator:
//!
//! | approx | interval |
//! |---|---|
//! | none | `[v − step/2, v + step/2]` (rounded to its last digit) |
//! | `over` | `[v, v + step]` (`5.3万余`: 53,000 to 54,000) |
//! | `under` | `[v − step, v]` |
//! | `about` | `[v − step, v + step]` |
//!
//! Two statements agree when their intervals share more than an edge. The
//! migration `0002_facts_conflicts.sql` groups the statistics of one key
//! with the same rule (statistics taken in order of their lower bound join
//! the current fact while they share a point with all of it);
//! [`fact_numbers`] is that grouping in Rust, which the tests compare with
//! the view.
//!
//! The step comes from the written form because the value alone cannot
//! tell `5.3万` (rounded to thousands) from `53000` (a count). For an
//! Arabic integer without a multiplier, trailing zeros are significant
//! when the figure is exact (`1200起` is 1200) but not when it is
//! approximate (`1200余起` is twelve hundred and some, step 100; `40余次`
//! forty-some, step 10).

/// The interval a statement allows, `lo < hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Least value the statement allows.
    pub lo: f64,
    /// Greatest value the statement allows.
    pub hi: f64,
}

impl Interval {
    /// Whether two statements agree: their intervals share more than an
    /// edge (`5.3万` and `5.4万` touch at 53,500 and do not agree).
    pub fn agrees_with(&self, other: &Interval) -> bool {
        self.lo < other.hi && other.lo < self.hi
    }
}

/// The interval of a value stated with `step` and `approx` (`over`,
/// `about`, `under` or none).
pub fn interval(value: f64, step: f64, approx: Option<&str>) -> Interval {
    let (lo, hi) = match approx {
        Some("over") => (value, value + step),
        Some("under") => (value - step, value),
        Some("about") => (value - step, value + step),
        _ => (value - step / 2.0, value + step / 2.0),
    };
    Interval { lo, hi }
}

/// The step of a statement: from its written form when that reads as a
/// number consistent with `value`, else from the value (1 for a whole
/// number, the last decimal place otherwise).
pub fn step(value: f64, written: Option<&str>, approx: Option<&str>) -> f64 {
    let approximate = approx.is_some();
    written
        .and_then(|w| written_step(w, approximate))
        .filter(|&s| consistent(value, s))
        .unwrap_or_else(|| value_step(value))
}

/// Whether `value` is a whole number of `step`s: a step read from a span
/// that does not hold the value (an extraction slip) is not trusted.
fn consistent(value: f64, step: f64) -> bool {
    if !(step.is_finite() && step > 0.0) {
        return false;
    }
    let n = value / step;
    (n - n.round()).abs() < 1e-6
}

/// 1 for a whole number; otherwise the place of the last decimal (up to
/// six places).
fn value_step(value: f64) -> f64 {
    let mut step = 1.0;
    for _ in 0..6 {
        let n = value / step;
        if (n - n.round()).abs() < 1e-9 {
            return step;
        }
        step /= 10.0;
    }
    step
}

/// The value of a Chinese multiplier character, if it is one. `成` is a
/// tenth as a share, written in percent: ten.
fn unit_value(c: char) -> Option<f64> {
    Some(match c {
        '十' | '拾' => 10.0,
        '百' | '佰' => 100.0,
        '千' | '仟' => 1000.0,
        '万' | '萬' => 1e4,
        '亿' | '億' => 1e8,
        '成' => 10.0,
        _ => return None,
    })
}

fn is_chinese_digit(c: char) -> bool {
    "〇零一二两兩三四五六七八九壹贰貳叁參肆伍陆陸柒捌玖廿卅卌".contains(c)
}

fn is_arabic_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_point(c: char) -> bool {
    matches!(c, '.' | '．' | '点' | '點')
}

/// Characters that may sit inside a written number without ending it:
/// thousands separators and approximators between mantissa and multiplier
/// (`40余万`).
fn is_transparent(c: char) -> bool {
    matches!(c, ',' | '，' | '余' | '餘' | '多')
}

/// The place of the last written digit of the number in `written` (the
/// text at a statistic's span: `5.3万余名`, `26.2万起`, `百分之卅二`), or
/// `None` when it holds no number.
pub fn written_step(written: &str, approximate: bool) -> Option<f64> {
    let text = written
        .split_once("百分之")
        .map_or(written, |(_, rest)| rest);
    let chars: Vec<char> = text.chars().collect();
    let start = chars
        .iter()
        .position(|&c| is_arabic_digit(c) || is_chinese_digit(c) || unit_value(c).is_some())?;
    let mut run: Vec<char> = Vec::new();
    for &c in &chars[start..] {
        let numeral = is_arabic_digit(c)
            || is_chinese_digit(c)
            || unit_value(c).is_some()
            || is_point(c)
            || is_transparent(c);
        if !numeral {
            break;
        }
        if !is_transparent(c) {
            run.push(c);
        }
    }
    // A trailing `成` is a unit only after a digit (`三成`), and `点`
    // only between digits.
    while run.last().is_some_and(|&c| is_point(c)) {
        run.pop();
    }
    // The multipliers after the last digit: `5.3万` → 万, `5百萬` → 百萬.
    let digits_end = run
        .iter()
        .rposition(|&c| is_arabic_digit(c) || is_chinese_digit(c));
    let (mantissa, tail) = match digits_end {
        Some(i) => run.split_at(i + 1),
        None => (&run[..0], &run[..]),
    };
    let multiplier: f64 = tail.iter().filter_map(|&c| unit_value(c)).product();
    let last_place = mantissa_step(mantissa, approximate, !tail.is_empty());
    Some(last_place * multiplier)
}

/// The place of the last digit of a mantissa (the number before its
/// trailing multipliers).
fn mantissa_step(mantissa: &[char], approximate: bool, multiplied: bool) -> f64 {
    let Some(&last) = mantissa.last() else {
        // Multipliers alone: `十万` is ten thousand times ten.
        return 1.0;
    };
    if is_arabic_digit(last) {
        // The Arabic digits at the end, and whether a point precedes them.
        let tail_start = mantissa
            .iter()
            .rposition(|&c| !is_arabic_digit(c))
            .map_or(0, |i| i + 1);
        let digits = &mantissa[tail_start..];
        let after_point = tail_start > 0 && is_point(mantissa[tail_start - 1]);
        if after_point {
            return 10f64.powi(-i32::try_from(digits.len()).unwrap_or(0));
        }
        if approximate && tail_start == 0 {
            let zeros = digits
                .iter()
                .rev()
                .take_while(|&&c| c == '0' || c == '０')
                .count()
                .min(digits.len().saturating_sub(1));
            return 10f64.powi(i32::try_from(zeros).unwrap_or(0));
        }
        return 1.0;
    }
    // A Chinese digit after a multiplier is the next place down, spoken
    // short: `三千五` is 3500 (step 100), `一万二` 12000 (step 1000);
    // after 十 it is the units (`二十五`). Before multipliers
    // (`三千五百万`) it is a digit of the mantissa.
    if multiplied {
        return 1.0;
    }
    match mantissa.len().checked_sub(2).map(|i| mantissa[i]) {
        Some(prev) => match unit_value(prev) {
            Some(u) if prev != '成' => (u / 10.0).max(1.0),
            _ => 1.0,
        },
        None => 1.0,
    }
}

/// The fact number of each statement of one key, as the `facts` view
/// numbers them: statements sorted by `(lo, hi)` join the current fact
/// while they start strictly below the least upper bound of its members
/// (so every member shares a point with every other); otherwise they
/// start the next. Returns the numbers in the order of `intervals`.
pub fn fact_numbers(intervals: &[Interval]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..intervals.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (intervals[a], intervals[b]);
        x.lo.total_cmp(&y.lo).then(x.hi.total_cmp(&y.hi))
    });
    let mut numbers = vec![0; intervals.len()];
    let mut current: Option<(usize, f64)> = None;
    for i in order {
        let Interval { lo, hi } = intervals[i];
        current = Some(match current {
            Some((n, upper)) if lo < upper => (n, upper.min(hi)),
            Some((n, _)) => (n + 1, hi),
            None => (0, hi),
        });
        numbers[i] = current.map_or(0, |(n, _)| n);
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(value: f64, written: &str, approx: Option<&str>) -> Interval {
        interval(value, step(value, Some(written), approx), approx)
    }

    #[test]
    fn steps_are_the_place_of_the_last_written_digit() {
        for (written, approximate, want) in [
            ("5.3万余名", true, 1000.0),
            ("5.3萬余名", true, 1000.0),
            ("26.2万起", false, 1000.0),
            ("2770亿元", false, 1e8),
            ("47.55億元", false, 1e6),
            ("53,000名", false, 1.0),
            ("53,000余名", true, 1000.0),
            ("1200余起", true, 100.0),
            ("40余次", true, 10.0),
            ("590余个", true, 10.0),
            ("8163起", false, 1.0),
            ("1512起", false, 1.0),
            ("22%", false, 1.0),
            ("22.5%", false, 0.1),
            ("三亿余元", true, 1e8),
            ("三千五百万", false, 1e6),
            ("三千五", false, 100.0),
            ("一万二", false, 1000.0),
            ("二十五起", false, 1.0),
            ("一千零五", false, 1.0),
            ("十万", false, 1e5),
            ("2億3千5百萬", false, 1e6),
            ("8,404萬0,124", false, 1.0),
            ("八萬四二一六", false, 1.0),
            ("百分之卅二", false, 1.0),
            ("三成", false, 10.0),
            ("40余万", true, 1e5),
        ] {
            assert_eq!(written_step(written, approximate), Some(want), "{written}");
        }
        assert_eq!(written_step("无", false), None);
    }

    #[test]
    fn a_step_that_does_not_fit_the_value_is_not_trusted() {
        // The span says 5.3万 but the value is 53,482: the value decides.
        assert_eq!(step(53_482.0, Some("5.3万"), None), 1.0);
        assert_eq!(step(2.5, None, None), 0.1);
        assert_eq!(step(262_000.0, Some("26.2万起"), None), 1000.0);
    }

    #[test]
    fn rounded_and_approximate_statements_agree_within_what_they_state() {
        let over_wan = of(53_000.0, "5.3万余名", Some("over"));
        assert_eq!(
            over_wan,
            Interval {
                lo: 53_000.0,
                hi: 54_000.0
            }
        );
        // The examples.
        assert!(over_wan.agrees_with(&of(53_000.0, "53,000余名", Some("over"))));
        assert!(!of(53_000.0, "5.3万", None).agrees_with(&of(58_000.0, "5.8万", None)));
        // A rounded figure and the count it rounds.
        assert!(of(53_000.0, "5.3万", None).agrees_with(&of(53_482.0, "53482", None)));
        assert!(over_wan.agrees_with(&of(53_482.0, "53482", None)));
        // 26.2万 and 26万余 (a coarser rounding with an approximator).
        assert!(of(262_000.0, "26.2万", None).agrees_with(&of(260_000.0, "26万余", Some("over"))));
        // Neighbours at one step do not: they only touch.
        assert!(!of(53_000.0, "5.3万", None).agrees_with(&of(54_000.0, "5.4万", None)));
        // Exact counts agree only with themselves.
        assert!(of(8163.0, "8163起", None).agrees_with(&of(8163.0, "8163起", None)));
        assert!(!of(8163.0, "8163起", None).agrees_with(&of(8164.0, "8164起", None)));
        assert!(!of(100.0, "100起", None).agrees_with(&of(120.0, "120起", None)));
        // Under and about.
        assert!(of(10_000.0, "不足1万", Some("under")).agrees_with(&of(9_800.0, "9800", None)));
        assert!(!of(10_000.0, "不足1万", Some("under")).agrees_with(&of(10_200.0, "10200", None)));
        assert!(of(10_000.0, "约1万", Some("about")).agrees_with(&of(10_200.0, "10200", None)));
    }

    #[test]
    fn facts_are_runs_that_share_a_point() {
        let i = |lo, hi| Interval { lo, hi };
        // 5.3万余, 53,000 over, 53482 exact: one fact; 5.8万: another.
        let got = fact_numbers(&[
            i(57_500.0, 58_500.0),
            i(53_000.0, 54_000.0),
            i(53_481.5, 53_482.5),
            i(53_000.0, 54_000.0),
        ]);
        assert_eq!(got, vec![1, 0, 0, 0]);
        // A wide statement overlapping two that disagree joins the first
        // only: [0,100] and [10,20] share a point; [30,40] does not share
        // one with [10,20].
        assert_eq!(
            fact_numbers(&[i(0.0, 100.0), i(10.0, 20.0), i(30.0, 40.0)]),
            vec![0, 0, 1]
        );
        assert!(fact_numbers(&[]).is_empty());
    }
}
