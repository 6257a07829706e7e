//! Reading the sink's views `facts` and `conflicts` (see `docs/report.md`).
//!
//! Queries are plain `sqlx::query` (no compile-time checked macros, which
//! would need a database at build time), and every column is cast to the
//! type read here, so that the views may widen a column (`int4` to `int8`,
//! `date` to `text`) without breaking the report.

use super::ReportError;
use crate::model::{Direction, Kind, Per};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::Row;
use sqlx::postgres::{PgPool, PgRow};

/// One article a fact or a candidate value was read from.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ArticleRef {
    /// The article's id (the result's id), as text.
    #[serde(default, deserialize_with = "any_as_text")]
    pub id: Option<String>,
    /// Where it was fetched from.
    #[serde(default)]
    pub url: Option<String>,
    /// Its headline, as the page gave it (untrusted text).
    #[serde(default)]
    pub title: Option<String>,
    /// Its publication date or time, as stored.
    #[serde(default, deserialize_with = "any_as_text")]
    pub published: Option<String>,
    /// The value this article gave, where the view lists it.
    #[serde(default)]
    pub value: Option<f64>,
}

/// What makes two figures the same figure: metric, unit, kind, direction,
/// currency, averaging, region and period. A fact and a conflict are both
/// about one such key.
#[derive(Debug, Clone, PartialEq)]
pub struct FactKey {
    /// Taxonomy id (`cases_solved`, …).
    pub metric: String,
    /// Counting word, `元`, `%`, … or `""`.
    pub unit: String,
    /// A count, money, a share or a change.
    pub kind: Kind,
    /// Which way a rise or fall goes.
    pub direction: Option<Direction>,
    /// ISO 4217 code for money.
    pub currency: Option<String>,
    /// The unit of time of a daily or monthly average.
    pub per: Option<Per>,
    /// Area covered (`全国`, `四川`, …).
    pub region: Option<String>,
    /// First day covered, where known.
    pub period_from: Option<NaiveDate>,
    /// Last day covered, where known.
    pub period_to: Option<NaiveDate>,
}

/// A row of the view `facts`: one figure for one metric, region and
/// period, with every article that states it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The view's id of the fact.
    pub fact_id: String,
    /// What the figure is.
    pub key: FactKey,
    /// The time phrase as written.
    pub period_text: Option<String>,
    /// The figure.
    pub value: f64,
    /// Smallest value the sources gave for it.
    pub value_min: Option<f64>,
    /// Largest value the sources gave for it.
    pub value_max: Option<f64>,
    /// How many distinct sources state it.
    pub sources: i64,
    /// Publication of the earliest article stating it.
    pub earliest_published: Option<String>,
    /// The articles stating it.
    pub articles: Vec<ArticleRef>,
}

impl Fact {
    /// Both ends of the period, when both are known.
    pub fn closed_period(&self) -> Option<(NaiveDate, NaiveDate)> {
        Some((self.key.period_from?, self.key.period_to?))
    }
}

/// One of the values given for a conflicted metric, region and period.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Candidate {
    /// The value.
    #[serde(default)]
    pub value: Option<f64>,
    /// How many sources give it.
    #[serde(default)]
    pub sources: Option<i64>,
    /// The articles giving it.
    #[serde(default)]
    pub articles: Vec<ArticleRef>,
}

/// A row of the view `conflicts`: sources disagree on one figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The figure they disagree on.
    pub key: FactKey,
    /// How many facts disagree.
    pub facts: i64,
    /// The values given, each with its sources.
    pub candidates: Vec<Candidate>,
}

/// What the report is drawn from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportData {
    /// The facts read (at most the load limit).
    pub facts: Vec<Fact>,
    /// How many rows the view `facts` has in all.
    pub facts_total: i64,
    /// The conflicts read (at most the load limit).
    pub conflicts: Vec<Conflict>,
    /// How many rows the view `conflicts` has in all.
    pub conflicts_total: i64,
    /// The statistics that are in no fact at all, by reason; `None` where
    /// the table `statistics` could not be read.
    pub unreconciled: Option<Unreconciled>,
}

/// Statistics of the table `statistics` that the view `facts` leaves out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unreconciled {
    /// Every statistic stored.
    pub statistics: i64,
    /// Metric `other`: no taxonomy id, so nothing to compare it with.
    pub other_metric: i64,
    /// A metric of the taxonomy but no region.
    pub no_region: i64,
    /// A metric and a region but neither end of the period.
    pub no_period: i64,
}

/// The error of a query, with what it was reading.
fn reading(context: &'static str) -> impl FnOnce(sqlx::Error) -> ReportError {
    move |source| ReportError::Database { context, source }
}

/// Reads at most `limit` facts and `limit` conflicts, in a stable order
/// (metric, region, period) so that two reports of one database are equal.
pub async fn load(pool: &PgPool, limit: i64) -> Result<ReportData, ReportError> {
    let facts_total: i64 = sqlx::query_scalar("SELECT count(*)::int8 FROM facts")
        .fetch_one(pool)
        .await
        .map_err(reading("counting the rows of the view facts (is this the sink's database? `fraudstat sink` creates its tables and views)"))?;
    let conflicts_total: i64 = sqlx::query_scalar("SELECT count(*)::int8 FROM conflicts")
        .fetch_one(pool)
        .await
        .map_err(reading("counting the rows of the view conflicts"))?;
    let facts = sqlx::query(
        "SELECT fact_id::text AS fact_id, metric::text AS metric, unit::text AS unit,
                kind::text AS kind, direction::text AS direction, currency::text AS currency,
                per::text AS per, region::text AS region, period_from::date AS period_from,
                period_to::date AS period_to, period_text::text AS period_text,
                value::float8 AS value, value_min::float8 AS value_min,
                value_max::float8 AS value_max, sources::int8 AS sources,
                earliest_published::text AS earliest_published, articles::jsonb AS articles
         FROM facts
         ORDER BY metric, region NULLS LAST, period_to NULLS LAST, period_from NULLS LAST,
                  value, fact_id::text
         LIMIT $1",
    )
    .bind(limit)
    .try_map(|row: PgRow| fact(&row))
    .fetch_all(pool)
    .await
    .map_err(reading("reading the view facts"))?;
    let conflicts = sqlx::query(
        "SELECT metric::text AS metric, unit::text AS unit, kind::text AS kind,
                direction::text AS direction, currency::text AS currency, per::text AS per,
                region::text AS region, period_from::date AS period_from,
                period_to::date AS period_to, facts::int8 AS facts,
                candidates::jsonb AS candidates
         FROM conflicts
         ORDER BY metric, region NULLS LAST, period_to NULLS LAST, period_from NULLS LAST
         LIMIT $1",
    )
    .bind(limit)
    .try_map(|row: PgRow| conflict(&row))
    .fetch_all(pool)
    .await
    .map_err(reading("reading the view conflicts"))?;
    let unreconciled = match unreconciled(pool).await {
        Ok(u) => Some(u),
        Err(e) => {
            // The views are what the report is about; without the table's
            // counts it is still whole, and says it lacks them.
            tracing::warn!(error = %e, "cannot count the statistics in no fact");
            None
        }
    };
    Ok(ReportData {
        facts,
        facts_total,
        conflicts,
        conflicts_total,
        unreconciled,
    })
}

/// Counts the stored statistics the view `facts` cannot hold, by the
/// view's own rule (a taxonomy metric, a region, a period end).
async fn unreconciled(pool: &PgPool) -> Result<Unreconciled, sqlx::Error> {
    let row = sqlx::query(
        "SELECT count(*)::int8 AS statistics,
                count(*) FILTER (WHERE metric = 'other')::int8 AS other_metric,
                count(*) FILTER (WHERE metric <> 'other' AND region IS NULL)::int8 AS no_region,
                count(*) FILTER (WHERE metric <> 'other' AND region IS NOT NULL
                                 AND period_from IS NULL AND period_to IS NULL)::int8 AS no_period
         FROM statistics",
    )
    .fetch_one(pool)
    .await?;
    Ok(Unreconciled {
        statistics: row.try_get("statistics")?,
        other_metric: row.try_get("other_metric")?,
        no_region: row.try_get("no_region")?,
        no_period: row.try_get("no_period")?,
    })
}

fn fact(row: &PgRow) -> Result<Fact, sqlx::Error> {
    Ok(Fact {
        fact_id: row.try_get("fact_id")?,
        key: fact_key(row)?,
        period_text: row.try_get("period_text")?,
        value: row.try_get("value")?,
        value_min: row.try_get("value_min")?,
        value_max: row.try_get("value_max")?,
        sources: row.try_get::<Option<i64>, _>("sources")?.unwrap_or(0),
        earliest_published: row.try_get("earliest_published")?,
        articles: json_list(row, "articles")?,
    })
}

fn conflict(row: &PgRow) -> Result<Conflict, sqlx::Error> {
    Ok(Conflict {
        key: fact_key(row)?,
        facts: row.try_get::<Option<i64>, _>("facts")?.unwrap_or(0),
        candidates: json_list(row, "candidates")?,
    })
}

/// The key columns both views share; the vocabularies read with the wire
/// names of [`crate::model`], so a word the sink never writes is an error.
fn fact_key(row: &PgRow) -> Result<FactKey, sqlx::Error> {
    Ok(FactKey {
        metric: row.try_get("metric")?,
        unit: row
            .try_get::<Option<String>, _>("unit")?
            .unwrap_or_default(),
        kind: vocabulary(row, "kind")?.unwrap_or(Kind::Count),
        direction: vocabulary(row, "direction")?,
        currency: row.try_get("currency")?,
        per: vocabulary(row, "per")?,
        region: row.try_get("region")?,
        period_from: row.try_get("period_from")?,
        period_to: row.try_get("period_to")?,
    })
}

/// A text column holding one of a vocabulary's wire names, or null.
fn vocabulary<T: std::str::FromStr<Err = String>>(
    row: &PgRow,
    column: &str,
) -> Result<Option<T>, sqlx::Error> {
    row.try_get::<Option<String>, _>(column)?
        .map(|v| v.parse::<T>())
        .transpose()
        .map_err(|e| sqlx::Error::ColumnDecode {
            index: column.to_string(),
            source: e.into(),
        })
}

/// A jsonb array column as a list; null is an empty list.
fn json_list<T: for<'de> Deserialize<'de>>(
    row: &PgRow,
    column: &str,
) -> Result<Vec<T>, sqlx::Error> {
    let value: Option<serde_json::Value> = row.try_get(column)?;
    match value {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(v) => serde_json::from_value(v).map_err(|e| sqlx::Error::ColumnDecode {
            index: column.to_string(),
            source: Box::new(e),
        }),
    }
}

/// A JSON string, number or other scalar as text (ids may be numbers or
/// strings, dates strings); null or absent as `None`.
fn any_as_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}
