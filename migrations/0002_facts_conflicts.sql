-- Reconciliation views: `fact_members` (each reconciled statistic with
-- its fact), `facts` (one row per fact, with its sources) and `conflicts`
-- (keys whose statistics make more than one fact). docs/dataset.md,
-- "Reconciliation", states the rule; `src/sink/interval.rs` is the same
-- rule in Rust, and tests/sink.rs checks the two agree.

-- One step of the fact grouping: statistics of one key come in order of
-- their lower bound; the state is {fact number, lower, upper bound of
-- the interval all statistics of the current fact share}. A statistic
-- whose interval starts strictly below that upper bound shares a point
-- with every statistic of the fact and joins it; otherwise it starts the
-- next fact.
CREATE FUNCTION fraudstat_fact_step(state double precision[], lo double precision, hi double precision)
RETURNS double precision[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN state IS NULL THEN ARRAY[0, lo, hi]
        WHEN lo < state[3] THEN ARRAY[state[1], greatest(state[2], lo), least(state[3], hi)]
        ELSE ARRAY[state[1] + 1, lo, hi]
    END
$$;

CREATE FUNCTION fraudstat_fact_final(state double precision[])
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT state[1]::integer $$;

-- Used as a window function ordered by (lo, hi): the fact number of each
-- statistic within its key.
CREATE AGGREGATE fraudstat_fact_group(double precision, double precision) (
    SFUNC = fraudstat_fact_step,
    STYPE = double precision[],
    FINALFUNC = fraudstat_fact_final
);

-- The statistics that are reconciled: a metric of the taxonomy (not
-- `other`), a region and a period resolved at one end at least; each with
-- its key's fact number `fact_no`.
CREATE VIEW fact_members AS
WITH s AS (
    SELECT st.article_id, st.ordinal, st.metric, st.unit, st.kind, st.direction,
           st.currency, st.per, st.region, st.period_from, st.period_to,
           st.period_text, st.value, st.approx, st.written,
           coalesce(st.value_lo, st.value - 0.5) AS lo,
           coalesce(st.value_hi, st.value + 0.5) AS hi
    FROM statistics st
    WHERE st.metric <> 'other'
      AND st.region IS NOT NULL
      AND (st.period_from IS NOT NULL OR st.period_to IS NOT NULL)
)
SELECT s.*,
       fraudstat_fact_group(s.lo, s.hi) OVER (
           PARTITION BY s.metric, s.unit, s.kind, s.direction, s.currency, s.per,
                        s.region, s.period_from, s.period_to
           ORDER BY s.lo, s.hi, s.article_id, s.ordinal
           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
       ) AS fact_no
FROM s;

CREATE VIEW facts AS
WITH g AS (
    SELECT m.metric, m.unit, m.kind, m.direction, m.currency, m.per, m.region,
           m.period_from, m.period_to, m.fact_no,
           -- The fact's value: the most precisely stated one.
           (array_agg(m.value ORDER BY m.hi - m.lo, m.value))[1] AS value,
           min(m.value) AS value_min,
           max(m.value) AS value_max,
           max(m.lo) AS value_lo,
           min(m.hi) AS value_hi,
           mode() WITHIN GROUP (ORDER BY m.period_text) AS period_text,
           count(DISTINCT m.article_id) AS sources,
           count(*) AS statistics,
           min(a.published) AS earliest_published,
           jsonb_agg(DISTINCT jsonb_build_object(
               'id', a.id, 'url', a.url, 'title', a.title,
               'published', a.published, 'value', m.value)) AS members
    FROM fact_members m
    JOIN articles a ON a.id = m.article_id
    GROUP BY m.metric, m.unit, m.kind, m.direction, m.currency, m.per, m.region,
             m.period_from, m.period_to, m.fact_no
)
SELECT md5(jsonb_build_array(g.metric, g.unit, g.kind, g.direction, g.currency,
                             g.region, g.period_from, g.period_to, g.per, g.value)::text)
           AS fact_id,
       g.metric, g.unit, g.kind, g.direction, g.currency, g.region,
       g.period_from, g.period_to, g.period_text,
       g.value, g.value_min, g.value_max,
       g.sources::integer AS sources,
       g.earliest_published,
       -- One entry per article (an article stating the figure twice, in
       -- its title and its body, is one source), earliest first.
       (SELECT jsonb_agg(e ORDER BY e->>'published' NULLS LAST, e->>'id')
        FROM (SELECT DISTINCT ON (x->>'id') x AS e
              FROM jsonb_array_elements(g.members) x
              ORDER BY x->>'id', (x->>'value')::double precision) d) AS articles,
       g.per,
       g.value_lo, g.value_hi,
       g.statistics::integer AS statistics,
       -- Its number within the key, as `fact_members.fact_no`.
       g.fact_no
FROM g;

CREATE VIEW conflicts AS
SELECT f.metric, f.unit, f.kind, f.direction, f.currency, f.region,
       f.period_from, f.period_to,
       count(*)::integer AS facts,
       jsonb_agg(jsonb_build_object(
           'fact_id', f.fact_id, 'value', f.value, 'sources', f.sources,
           'articles', f.articles)
           ORDER BY f.sources DESC, f.value) AS candidates,
       f.per
FROM facts f
GROUP BY f.metric, f.unit, f.kind, f.direction, f.currency, f.per, f.region,
         f.period_from, f.period_to
HAVING count(*) > 1;
