-- fraudstat sink: one row per result (articles) and one per statistic
-- (statistics). docs/dataset.md describes every column. The sink replaces
-- an article's rows when a newer fetch of the same id arrives; nothing
-- else writes here.

CREATE TABLE articles (
    -- The result's id: stable for a URL (or the crawler's own id).
    id             text PRIMARY KEY,
    url            text        NOT NULL,
    final_url      text        NOT NULL,
    title          text,
    -- The publication day as the page states it (in the page's own offset),
    -- and the instant when the page also gives a time of day.
    published      date,
    published_at   timestamptz,
    source         text,
    author         text,
    script         text        NOT NULL,
    -- When the worker fetched the page; the newest fetch of an id wins.
    fetched_at     timestamptz NOT NULL,
    http_status    integer     NOT NULL,
    content_type   text,
    charset        text        NOT NULL,
    bytes          bigint      NOT NULL,
    -- The cleaned body text the statistics' spans index.
    text           text        NOT NULL,
    meta           jsonb,
    attempts       integer     NOT NULL,
    worker_version text        NOT NULL,
    -- Per-page bounds the page reached (the result's `limits`), or null.
    limits         jsonb,
    -- When the sink last wrote this row.
    stored_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX articles_published ON articles (published);

CREATE TABLE statistics (
    article_id  text    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- Position of the statistic in the result's list, from 0.
    ordinal     integer NOT NULL,
    metric      text    NOT NULL,
    value       double precision NOT NULL,
    unit        text    NOT NULL,
    kind        text    NOT NULL,
    currency    text,
    approx      text,
    direction   text,
    per         text,
    subject     text    NOT NULL,
    sentence    text    NOT NULL,
    span_start  integer NOT NULL,
    span_end    integer NOT NULL,
    in_title    boolean NOT NULL DEFAULT false,
    period_text text,
    period_from date,
    period_to   date,
    region      text,
    -- The quantity as the page writes it (the text at the span:
    -- `5.3万余名`), and what it lets the value be: `value_step` is the
    -- place of its last written digit (1000 for 5.3万), and
    -- [value_lo, value_hi] the interval the stated value and its approx
    -- allow (docs/dataset.md, "Reconciliation"). Written by the sink; a
    -- row inserted by other means without them counts as exact (±0.5).
    written     text,
    value_step  double precision,
    value_lo    double precision,
    value_hi    double precision,
    PRIMARY KEY (article_id, ordinal),
    CHECK (span_start >= 0 AND span_end >= span_start),
    CHECK (value_lo IS NULL OR value_hi IS NULL OR value_lo < value_hi)
);

-- The facts view partitions by this key; a query on one metric (and
-- region) reads only its rows.
CREATE INDEX statistics_fact_key ON statistics (metric, region, period_from, period_to)
    WHERE metric <> 'other';
