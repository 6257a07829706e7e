//! Which kind of span a closed period is: a calendar year, a quarter, a
//! month, or anything else (year to date, half years, a week, several
//! years). Figures of different spans are not comparable (a quarter's cases
//! are not a year's), so the report never draws them on one line.

use chrono::{Datelike, NaiveDate};

/// The span class of a period with both ends known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpanClass {
    /// 1 January to 31 December of one year.
    Annual,
    /// The first day of January, April, July or October to the last day of
    /// the second month after it.
    Quarterly,
    /// The first to the last day of one month.
    Monthly,
    /// Any other closed span (`1至9月`, `上半年`, a week, several years).
    Other,
}

impl SpanClass {
    /// Every class, in the order the report shows them.
    pub const ALL: [SpanClass; 4] = [
        SpanClass::Annual,
        SpanClass::Quarterly,
        SpanClass::Monthly,
        SpanClass::Other,
    ];

    /// Classifies `from..=to`; `None` when `to` is before `from` (a period
    /// the report cannot place on a time axis).
    pub fn of(from: NaiveDate, to: NaiveDate) -> Option<SpanClass> {
        if to < from {
            return None;
        }
        let starts_month = from.day() == 1;
        let ends_month = is_last_day_of_month(to);
        let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
        Some(match (starts_month && ends_month, months) {
            (true, 11) if from.month() == 1 => SpanClass::Annual,
            (true, 2) if matches!(from.month(), 1 | 4 | 7 | 10) => SpanClass::Quarterly,
            (true, 0) => SpanClass::Monthly,
            _ => SpanClass::Other,
        })
    }

    /// Stable id, used in HTML ids and `data-` attributes.
    pub fn id(self) -> &'static str {
        match self {
            SpanClass::Annual => "annual",
            SpanClass::Quarterly => "quarterly",
            SpanClass::Monthly => "monthly",
            SpanClass::Other => "other",
        }
    }

    /// Heading in the report (Chinese first: the readers read the sources).
    pub fn label(self) -> &'static str {
        match self {
            SpanClass::Annual => "年度 (annual)",
            SpanClass::Quarterly => "季度 (quarterly)",
            SpanClass::Monthly => "月度 (monthly)",
            SpanClass::Other => "其他时段 (other spans)",
        }
    }

    /// How a point's period is written under it: `2023`, `2023 Q1`,
    /// `2023-04`, or both ends for other spans.
    pub fn period_label(self, from: NaiveDate, to: NaiveDate) -> String {
        match self {
            SpanClass::Annual => format!("{}", from.year()),
            SpanClass::Quarterly => format!("{} Q{}", from.year(), (from.month() - 1) / 3 + 1),
            SpanClass::Monthly => format!("{}-{:02}", from.year(), from.month()),
            SpanClass::Other => format!("{from}/{to}"),
        }
    }
}

fn is_last_day_of_month(d: NaiveDate) -> bool {
    d.succ_opt().is_none_or(|next| next.month() != d.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn class(from: &str, to: &str) -> Option<SpanClass> {
        SpanClass::of(d(from), d(to))
    }

    #[test]
    fn calendar_years_quarters_and_months_are_told_apart() {
        assert_eq!(class("2023-01-01", "2023-12-31"), Some(SpanClass::Annual));
        assert_eq!(
            class("2024-04-01", "2024-06-30"),
            Some(SpanClass::Quarterly)
        );
        assert_eq!(
            class("2024-10-01", "2024-12-31"),
            Some(SpanClass::Quarterly)
        );
        assert_eq!(class("2024-02-01", "2024-02-29"), Some(SpanClass::Monthly));
        assert_eq!(class("2023-02-01", "2023-02-28"), Some(SpanClass::Monthly));
        assert_eq!(class("2023-12-01", "2023-12-31"), Some(SpanClass::Monthly));
    }

    #[test]
    fn everything_else_is_other() {
        // 今年1至9月: year to date, not a quarter nor a year.
        assert_eq!(class("2021-01-01", "2021-09-30"), Some(SpanClass::Other));
        // 上半年
        assert_eq!(class("2023-01-01", "2023-06-30"), Some(SpanClass::Other));
        // Three months not starting a quarter.
        assert_eq!(class("2023-02-01", "2023-04-30"), Some(SpanClass::Other));
        // Twelve months across a year's end.
        assert_eq!(class("2022-07-01", "2023-06-30"), Some(SpanClass::Other));
        // A month not ending on its last day (2023-02-28 is; 2024-02-28 is not).
        assert_eq!(class("2024-02-01", "2024-02-28"), Some(SpanClass::Other));
        // Several years; a single day; part of a month.
        assert_eq!(class("2021-01-01", "2023-12-31"), Some(SpanClass::Other));
        assert_eq!(class("2024-01-05", "2024-01-05"), Some(SpanClass::Other));
        assert_eq!(class("2024-01-10", "2024-01-31"), Some(SpanClass::Other));
    }

    #[test]
    fn a_period_ending_before_it_starts_has_no_class() {
        assert_eq!(class("2024-02-01", "2024-01-31"), None);
    }

    #[test]
    fn labels_name_the_period() {
        let l = |from, to| {
            let c = class(from, to).unwrap();
            c.period_label(d(from), d(to))
        };
        assert_eq!(l("2023-01-01", "2023-12-31"), "2023");
        assert_eq!(l("2023-07-01", "2023-09-30"), "2023 Q3");
        assert_eq!(l("2023-07-01", "2023-07-31"), "2023-07");
        assert_eq!(l("2023-01-01", "2023-09-30"), "2023-01-01/2023-09-30");
    }
}
