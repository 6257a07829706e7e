//! Writing results to PostgreSQL: one transaction per batch, an upsert of
//! the articles in which the newest `fetched_at` wins, and the statistics
//! of every article written replaced in the same transaction.
//!
//! Several sinks may write at once. The upsert takes each article's row
//! lock, and a batch locks its articles in order of id, so two sinks
//! writing the same ids wait for each other instead of deadlocking; the
//! statistics are deleted and inserted under that lock, so readers see an
//! article's old statistics or its new ones, never a mix or both.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::model::ExtractionResult;

use super::interval;

/// A result that cannot be stored as it is: sent to the failure queue with
/// this reason, never retried.
#[derive(Debug, thiserror::Error)]
pub enum Unstorable {
    /// The message is not a result (not JSON, or a field missing or of the
    /// wrong type).
    #[error("not a result: {0}")]
    Malformed(String),
    /// A field holds a value the schema cannot take (a date that is not
    /// one, an empty id, a number out of range).
    #[error("invalid result: {0}")]
    Invalid(String),
    /// The database refused the result itself (a constraint, a byte it
    /// cannot hold); other results of its batch were stored.
    #[error("the database refused it: {0}")]
    Refused(String),
}

impl Unstorable {
    /// Short name of the kind, for headers, metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Unstorable::Malformed(_) => "malformed",
            Unstorable::Invalid(_) => "invalid",
            Unstorable::Refused(_) => "refused",
        }
    }
}

/// Why a batch was not stored. [`StoreError::is_transient`] says whether
/// trying the same batch again later may work.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database is unreachable, restarting, overloaded, or aborted the
    /// transaction for a conflict with another (serialization failure,
    /// deadlock): the same batch may be stored later.
    #[error("database unavailable: {0}")]
    Transient(#[source] sqlx::Error),
    /// The database refused the data (a constraint, a value it cannot
    /// hold): the same batch will fail again. Stored one by one, the
    /// results at fault are found and the others stored.
    #[error("database refused the batch: {0}")]
    Rejected(#[source] sqlx::Error),
}

impl StoreError {
    /// Whether a retry of the same batch may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Transient(_))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if is_transient(&e) {
            StoreError::Transient(e)
        } else {
            StoreError::Rejected(e)
        }
    }
}

/// Whether an error is about the database's state rather than the data:
/// SQLSTATE classes 22 (data exception), 23 (integrity constraint) and 54
/// (program limit, such as a row too large) are the data's fault; every
/// other database error, and every connection or pool error, is worth a
/// retry. Schema errors (class 42) count as transient on purpose: the
/// migrations ran at start, so they mean a database changed under the
/// sink, and the results must not be sent away for it.
pub fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code();
            let class = code.as_deref().map_or("", |c| c.get(..2).unwrap_or(""));
            !matches!(class, "22" | "23" | "54")
        }
        sqlx::Error::Encode(_) | sqlx::Error::InvalidArgument(_) => false,
        _ => true,
    }
}

/// One result, checked and turned into rows.
#[derive(Debug, Clone)]
pub struct Prepared {
    article: ArticleRow,
    statistics: Vec<StatisticRow>,
}

impl Prepared {
    /// The result's id.
    pub fn id(&self) -> &str {
        &self.article.id
    }

    /// When the page was fetched.
    pub fn fetched_at(&self) -> DateTime<Utc> {
        self.article.fetched_at
    }

    /// Statistics it holds.
    pub fn statistics(&self) -> usize {
        self.statistics.len()
    }
}

#[derive(Debug, Clone)]
struct ArticleRow {
    id: String,
    url: String,
    final_url: String,
    title: Option<String>,
    published: Option<NaiveDate>,
    published_at: Option<DateTime<Utc>>,
    source: Option<String>,
    author: Option<String>,
    script: String,
    fetched_at: DateTime<Utc>,
    http_status: i32,
    content_type: Option<String>,
    charset: String,
    bytes: i64,
    text: String,
    meta: Option<serde_json::Value>,
    attempts: i32,
    worker_version: String,
    limits: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
struct StatisticRow {
    ordinal: i32,
    metric: String,
    value: f64,
    unit: String,
    kind: String,
    currency: Option<String>,
    approx: Option<String>,
    direction: Option<String>,
    per: Option<String>,
    subject: String,
    sentence: String,
    span_start: i32,
    span_end: i32,
    in_title: bool,
    period_text: Option<String>,
    period_from: Option<NaiveDate>,
    period_to: Option<NaiveDate>,
    region: Option<String>,
    written: Option<String>,
    value_step: f64,
    value_lo: f64,
    value_hi: f64,
}

/// Parses a message body as a result and checks it.
pub fn parse(body: &[u8]) -> Result<Prepared, Unstorable> {
    let result: ExtractionResult =
        serde_json::from_slice(body).map_err(|e| Unstorable::Malformed(e.to_string()))?;
    prepare(&result)
}

fn invalid(what: impl std::fmt::Display) -> Unstorable {
    Unstorable::Invalid(what.to_string())
}

fn date(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, Unstorable> {
    value
        .map(|v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|e| invalid(format!("{field} {v:?} is not an ISO date: {e}")))
        })
        .transpose()
}

/// `article.published`: RFC 3339 (its day in its own offset, and the
/// instant) or an ISO date. A form neither (no worker writes one) is kept
/// as no date rather than refusing the result over it.
fn published(value: Option<&str>) -> (Option<NaiveDate>, Option<DateTime<Utc>>) {
    let Some(v) = value else {
        return (None, None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return (Some(t.date_naive()), Some(t.with_timezone(&Utc)));
    }
    (NaiveDate::parse_from_str(v, "%Y-%m-%d").ok(), None)
}

fn int<T: TryInto<i32> + Copy + std::fmt::Display>(field: &str, v: T) -> Result<i32, Unstorable> {
    v.try_into()
        .map_err(|_| invalid(format!("{field} {v} is out of range")))
}

/// The characters `[start, end)` of `text`, if it has them.
fn chars_at(text: &str, start: usize, end: usize) -> Option<String> {
    if end <= start {
        return None;
    }
    let s: String = text.chars().skip(start).take(end - start).collect();
    (s.chars().count() == end - start).then_some(s)
}

/// Checks a result and turns it into rows, with each statistic's written
/// form and interval (`interval`).
pub fn prepare(r: &ExtractionResult) -> Result<Prepared, Unstorable> {
    if r.id.trim().is_empty() {
        return Err(invalid("empty id"));
    }
    let fetched_at = DateTime::parse_from_rfc3339(&r.fetched_at)
        .map_err(|e| invalid(format!("fetched_at {:?}: {e}", r.fetched_at)))?
        .with_timezone(&Utc);
    let (published, published_at) = published(r.article.published.as_deref());
    let script = serde_json::to_value(r.article.script)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let limits = if r.limits.is_empty() {
        None
    } else {
        serde_json::to_value(&r.limits).ok()
    };
    let article = ArticleRow {
        id: r.id.clone(),
        url: r.url.clone(),
        final_url: r.final_url.clone(),
        title: r.article.title.clone(),
        published,
        published_at,
        source: r.article.source.clone(),
        author: r.article.author.clone(),
        script,
        fetched_at,
        http_status: i32::from(r.http.status),
        content_type: r.http.content_type.clone(),
        charset: r.http.charset.clone(),
        bytes: i64::try_from(r.http.bytes).map_err(|_| invalid("http.bytes out of range"))?,
        text: r.article.text.clone(),
        meta: (!r.meta.is_null()).then(|| r.meta.clone()),
        attempts: int("attempts", r.attempts)?,
        worker_version: r.worker.version.clone(),
        limits,
    };
    let mut statistics = Vec::with_capacity(r.statistics.len());
    for (i, s) in r.statistics.iter().enumerate() {
        if !s.value.is_finite() {
            return Err(invalid(format!("statistic {i}: value is not a number")));
        }
        let source = if s.in_title {
            r.article.title.as_deref().unwrap_or("")
        } else {
            &r.article.text
        };
        let written = chars_at(source, s.span[0], s.span[1]);
        let step = interval::step(
            s.value,
            written.as_deref(),
            s.approx.map(crate::model::Approx::as_str),
        );
        let iv = interval::interval(s.value, step, s.approx.map(crate::model::Approx::as_str));
        statistics.push(StatisticRow {
            ordinal: int("statistic ordinal", i)?,
            metric: s.metric.clone(),
            value: s.value,
            unit: s.unit.clone(),
            kind: s.kind.to_string(),
            currency: s.currency.clone(),
            approx: s.approx.map(|a| a.to_string()),
            direction: s.direction.map(|d| d.to_string()),
            per: s.per.map(|p| p.to_string()),
            subject: s.subject.clone(),
            sentence: s.sentence.clone(),
            span_start: int("span start", s.span[0])?,
            span_end: int("span end", s.span[1])?,
            in_title: s.in_title,
            period_text: s.period.text.clone(),
            period_from: date("period.from", s.period.from.as_deref())?,
            period_to: date("period.to", s.period.to.as_deref())?,
            region: s.region.clone(),
            written,
            value_step: step,
            value_lo: iv.lo,
            value_hi: iv.hi,
        });
    }
    Ok(Prepared {
        article,
        statistics,
    })
}

/// What a stored batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stored {
    /// Articles inserted or replaced (with their statistics).
    pub written: usize,
    /// Results older than (or duplicates within the batch of) what the
    /// database holds: nothing changed for them.
    pub stale: usize,
    /// Statistics inserted.
    pub statistics: usize,
}

/// Stores a batch in one transaction: each article is inserted, or
/// replaces the stored one when its `fetched_at` is at least as new (a
/// redelivery rewrites the same rows; an older fetch changes nothing), and
/// a written article's statistics are replaced.
pub async fn store(pool: &PgPool, batch: &[Prepared]) -> Result<Stored, StoreError> {
    // The newest of each id; ids in order, so that concurrent sinks lock
    // shared rows in the same order.
    let mut newest: std::collections::BTreeMap<&str, &Prepared> = Default::default();
    for p in batch {
        let slot = newest.entry(p.id()).or_insert(p);
        if p.fetched_at() >= slot.fetched_at() {
            *slot = p;
        }
    }
    let items: Vec<&Prepared> = newest.into_values().collect();
    let duplicates = batch.len() - items.len();

    let mut tx = pool.begin().await?;
    let written_ids = upsert_articles(&mut tx, &items).await?;
    let written: std::collections::HashSet<&str> = written_ids.iter().map(String::as_str).collect();
    sqlx::query("DELETE FROM statistics WHERE article_id = ANY($1)")
        .bind(&written_ids)
        .execute(&mut *tx)
        .await?;
    let fresh: Vec<&Prepared> = items
        .iter()
        .copied()
        .filter(|p| written.contains(p.id()))
        .collect();
    let statistics = insert_statistics(&mut tx, &fresh).await?;
    tx.commit().await?;
    Ok(Stored {
        written: written_ids.len(),
        stale: items.len() - written_ids.len() + duplicates,
        statistics,
    })
}

/// One column of a batch, for binding as an array.
fn column<T, U>(rows: &[T], f: impl Fn(&T) -> U) -> Vec<U> {
    rows.iter().map(f).collect()
}

async fn upsert_articles(
    tx: &mut sqlx::PgConnection,
    items: &[&Prepared],
) -> Result<Vec<String>, sqlx::Error> {
    let ids: Vec<String> = column(items, |p| p.article.id.clone());
    let urls: Vec<String> = column(items, |p| p.article.url.clone());
    let final_urls: Vec<String> = column(items, |p| p.article.final_url.clone());
    let titles: Vec<Option<String>> = column(items, |p| p.article.title.clone());
    let published: Vec<Option<NaiveDate>> = column(items, |p| p.article.published);
    let published_at: Vec<Option<DateTime<Utc>>> = column(items, |p| p.article.published_at);
    let sources: Vec<Option<String>> = column(items, |p| p.article.source.clone());
    let authors: Vec<Option<String>> = column(items, |p| p.article.author.clone());
    let scripts: Vec<String> = column(items, |p| p.article.script.clone());
    let fetched_at: Vec<DateTime<Utc>> = column(items, |p| p.article.fetched_at);
    let statuses: Vec<i32> = column(items, |p| p.article.http_status);
    let content_types: Vec<Option<String>> = column(items, |p| p.article.content_type.clone());
    let charsets: Vec<String> = column(items, |p| p.article.charset.clone());
    let bytes: Vec<i64> = column(items, |p| p.article.bytes);
    let texts: Vec<String> = column(items, |p| p.article.text.clone());
    let metas: Vec<Option<serde_json::Value>> = column(items, |p| p.article.meta.clone());
    let attempts: Vec<i32> = column(items, |p| p.article.attempts);
    let versions: Vec<String> = column(items, |p| p.article.worker_version.clone());
    let limits: Vec<Option<serde_json::Value>> = column(items, |p| p.article.limits.clone());
    sqlx::query_scalar(
        "INSERT INTO articles (id, url, final_url, title, published, published_at, source, \
             author, script, fetched_at, http_status, content_type, charset, bytes, text, meta, \
             attempts, worker_version, limits) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], \
             $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], \
             $11::int4[], $12::text[], $13::text[], $14::int8[], $15::text[], $16::jsonb[], \
             $17::int4[], $18::text[], $19::jsonb[]) \
         ORDER BY 1 \
         ON CONFLICT (id) DO UPDATE SET url = excluded.url, final_url = excluded.final_url, \
             title = excluded.title, published = excluded.published, \
             published_at = excluded.published_at, source = excluded.source, \
             author = excluded.author, script = excluded.script, \
             fetched_at = excluded.fetched_at, http_status = excluded.http_status, \
             content_type = excluded.content_type, charset = excluded.charset, \
             bytes = excluded.bytes, text = excluded.text, meta = excluded.meta, \
             attempts = excluded.attempts, worker_version = excluded.worker_version, \
             limits = excluded.limits, stored_at = now() \
         WHERE excluded.fetched_at >= articles.fetched_at \
         RETURNING id",
    )
    .bind(ids)
    .bind(urls)
    .bind(final_urls)
    .bind(titles)
    .bind(published)
    .bind(published_at)
    .bind(sources)
    .bind(authors)
    .bind(scripts)
    .bind(fetched_at)
    .bind(statuses)
    .bind(content_types)
    .bind(charsets)
    .bind(bytes)
    .bind(texts)
    .bind(metas)
    .bind(attempts)
    .bind(versions)
    .bind(limits)
    .fetch_all(&mut *tx)
    .await
}

async fn insert_statistics(
    tx: &mut sqlx::PgConnection,
    items: &[&Prepared],
) -> Result<usize, sqlx::Error> {
    let rows: Vec<(&str, &StatisticRow)> = items
        .iter()
        .flat_map(|p| p.statistics.iter().map(move |s| (p.id(), s)))
        .collect();
    if rows.is_empty() {
        return Ok(0);
    }
    let article_ids: Vec<String> = rows.iter().map(|(id, _)| (*id).to_string()).collect();
    let ordinals: Vec<i32> = column(&rows, |(_, s)| s.ordinal);
    let metrics: Vec<String> = column(&rows, |(_, s)| s.metric.clone());
    let values: Vec<f64> = column(&rows, |(_, s)| s.value);
    let units: Vec<String> = column(&rows, |(_, s)| s.unit.clone());
    let kinds: Vec<String> = column(&rows, |(_, s)| s.kind.clone());
    let currencies: Vec<Option<String>> = column(&rows, |(_, s)| s.currency.clone());
    let approxes: Vec<Option<String>> = column(&rows, |(_, s)| s.approx.clone());
    let directions: Vec<Option<String>> = column(&rows, |(_, s)| s.direction.clone());
    let pers: Vec<Option<String>> = column(&rows, |(_, s)| s.per.clone());
    let subjects: Vec<String> = column(&rows, |(_, s)| s.subject.clone());
    let sentences: Vec<String> = column(&rows, |(_, s)| s.sentence.clone());
    let span_starts: Vec<i32> = column(&rows, |(_, s)| s.span_start);
    let span_ends: Vec<i32> = column(&rows, |(_, s)| s.span_end);
    let in_titles: Vec<bool> = column(&rows, |(_, s)| s.in_title);
    let period_texts: Vec<Option<String>> = column(&rows, |(_, s)| s.period_text.clone());
    let period_froms: Vec<Option<NaiveDate>> = column(&rows, |(_, s)| s.period_from);
    let period_tos: Vec<Option<NaiveDate>> = column(&rows, |(_, s)| s.period_to);
    let regions: Vec<Option<String>> = column(&rows, |(_, s)| s.region.clone());
    let writtens: Vec<Option<String>> = column(&rows, |(_, s)| s.written.clone());
    let steps: Vec<f64> = column(&rows, |(_, s)| s.value_step);
    let los: Vec<f64> = column(&rows, |(_, s)| s.value_lo);
    let his: Vec<f64> = column(&rows, |(_, s)| s.value_hi);
    let done = sqlx::query(
        "INSERT INTO statistics (article_id, ordinal, metric, value, unit, kind, currency, \
             approx, direction, per, subject, sentence, span_start, span_end, in_title, \
             period_text, period_from, period_to, region, written, value_step, value_lo, value_hi) \
         SELECT * FROM UNNEST($1::text[], $2::int4[], $3::text[], $4::float8[], $5::text[], \
             $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], \
             $12::text[], $13::int4[], $14::int4[], $15::bool[], $16::text[], $17::date[], \
             $18::date[], $19::text[], $20::text[], $21::float8[], $22::float8[], $23::float8[])",
    )
    .bind(article_ids)
    .bind(ordinals)
    .bind(metrics)
    .bind(values)
    .bind(units)
    .bind(kinds)
    .bind(currencies)
    .bind(approxes)
    .bind(directions)
    .bind(pers)
    .bind(subjects)
    .bind(sentences)
    .bind(span_starts)
    .bind(span_ends)
    .bind(in_titles)
    .bind(period_texts)
    .bind(period_froms)
    .bind(period_tos)
    .bind(regions)
    .bind(writtens)
    .bind(steps)
    .bind(los)
    .bind(his)
    .execute(&mut *tx)
    .await?;
    Ok(usize::try_from(done.rows_affected()).unwrap_or(usize::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_forms_come_from_the_span_in_characters() {
        assert_eq!(
            chars_at("抓获5.3万余名嫌疑人", 2, 8).as_deref(),
            Some("5.3万余名")
        );
        assert_eq!(chars_at("短", 0, 5), None);
        assert_eq!(chars_at("短", 1, 1), None);
    }

    #[test]
    fn published_keeps_the_pages_own_day() {
        let (day, at) = published(Some("2024-01-09T01:30:00+08:00"));
        assert_eq!(day, NaiveDate::from_ymd_opt(2024, 1, 9));
        assert_eq!(
            at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2024-01-08T17:30:00+00:00")
        );
        assert_eq!(
            published(Some("2024-01-09")).0,
            NaiveDate::from_ymd_opt(2024, 1, 9)
        );
        assert_eq!(published(Some("soon")), (None, None));
    }

    #[test]
    fn malformed_and_invalid_results_say_so() {
        assert_eq!(parse(b"not json").unwrap_err().kind(), "malformed");
        assert_eq!(parse(b"{\"id\": 1}").unwrap_err().kind(), "malformed");
    }
}
