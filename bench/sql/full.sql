-- A quarter's whole computation as one hand-written SQL statement, with the same results as the
-- product's (the bench checks every row against evaluations_quarterlyresult): group averages with
-- the optional drop of the extremes, weighted score in exact integer hundredths (half-up),
-- deductions for missing logs (closed working days, leave, records_from) and a missing summary,
-- the final score and competition ranks in unit, rank level and unit category.
-- One set of settings for every unit category (the generated organization has no per-category
-- rows). Variables (psql -v):
--   period, snapshot                 the period and its membership snapshot
--   start, end                       the quarter ('YYYY-MM-DD')
--   closed                           the working days whose backfill window has closed, as a
--                                    PostgreSQL date array '{2026-07-01,2026-07-02,…}'
--   wl, wp, wo                       group weights in hundredths (400, 300, 300)
--   drop_on, drop_min                drop the extremes (0/1) from this many scores on (7)
--   log_rate, summary_rate           deductions in hundredths (10 = 0.1 point)
--   summary_due                      1 when the quarter's summary window has closed
--   year, quarter
-- The result lands in a temporary table, as the product writes its results to a table.
CREATE TEMPORARY TABLE full_result AS
WITH closed AS (SELECT unnest(:'closed'::date[]) AS day),
mem AS (
    SELECT m.cadre_id, m.unit_id, m.unit_category, m.role, m.rank_id, c.records_from AS rf
    FROM cadres_snapshotmember m JOIN cadres_cadre c ON c.id = m.cadre_id
    WHERE m.snapshot_id = :snapshot
),
grp AS (
    -- Sums as bigint: integer division below, exactly as the product's integer hundredths.
    SELECT r.ratee_id AS cadre_id, r.rater_group, COUNT(*) AS n,
           CASE WHEN :drop_on = 1 AND COUNT(*) >= :drop_min THEN COUNT(*) - 2 ELSE COUNT(*) END AS used_n,
           CASE WHEN :drop_on = 1 AND COUNT(*) >= :drop_min THEN SUM(s.score) - MIN(s.score) - MAX(s.score)
                ELSE SUM(s.score) END AS used_s
    FROM evaluations_rateescores r CROSS JOIN LATERAL unnest(r.scores) AS s(score)
    WHERE r.period_id = :period
    GROUP BY r.ratee_id, r.rater_group
),
g AS (
    SELECT cadre_id,
           (SUM(used_n) FILTER (WHERE rater_group = 'leader'))::bigint AS n_lead,
           (SUM(used_s) FILTER (WHERE rater_group = 'leader'))::bigint AS s_lead,
           (SUM(used_n) FILTER (WHERE rater_group = 'peer'))::bigint AS n_peer,
           (SUM(used_s) FILTER (WHERE rater_group = 'peer'))::bigint AS s_peer,
           (SUM(used_n) FILTER (WHERE rater_group = 'other'))::bigint AS n_oth,
           (SUM(used_s) FILTER (WHERE rater_group = 'other'))::bigint AS s_oth,
           SUM(n)::bigint AS raters
    FROM grp GROUP BY cadre_id
),
required AS (
    SELECT x.rf, COUNT(closed.day) AS n
    FROM (SELECT DISTINCT rf FROM mem) x LEFT JOIN closed ON closed.day >= x.rf GROUP BY x.rf
),
logged AS (
    SELECT l.author_id, COUNT(*) AS n
    FROM achievements_dailylog l JOIN closed ON closed.day = l.day JOIN mem ON mem.cadre_id = l.author_id
    WHERE l.day BETWEEN :'start' AND :'end' AND l.day >= mem.rf
    GROUP BY l.author_id
),
leave_days AS (
    SELECT DISTINCT lp.cadre_id, closed.day
    FROM achievements_leaveperiod lp JOIN mem ON mem.cadre_id = lp.cadre_id
    JOIN closed ON closed.day BETWEEN lp.start AND lp."end" AND closed.day >= mem.rf
    WHERE lp.start <= :'end' AND lp."end" >= :'start'
),
on_leave AS (
    SELECT ld.cadre_id, COUNT(*) AS n, COUNT(l.id) AS logged
    FROM leave_days ld LEFT JOIN achievements_dailylog l ON l.author_id = ld.cadre_id AND l.day = ld.day
    GROUP BY ld.cadre_id
),
t AS (
    SELECT mem.*, COALESCE(g.raters, 0) AS raters,
           required.n - COALESCE(on_leave.n, 0) - (COALESCE(logged.n, 0) - COALESCE(on_leave.logged, 0)) AS missing,
           CASE WHEN :summary_due = 1 AND mem.rf <= :'end' AND NOT EXISTS (
                    SELECT 1 FROM achievements_summary su
                    WHERE su.author_id = mem.cadre_id AND su.kind = 'quarterly' AND su.year = :year
                      AND su.quarter = :quarter) THEN 1 ELSE 0 END AS no_summary,
           COALESCE(g.s_lead, 0) AS s_lead, COALESCE(g.s_peer, 0) AS s_peer, COALESCE(g.s_oth, 0) AS s_oth,
           CASE WHEN g.n_lead > 0 THEN :wl ELSE 0 END AS el,
           CASE WHEN g.n_peer > 0 THEN :wp ELSE 0 END AS ep,
           CASE WHEN g.n_oth > 0 THEN :wo ELSE 0 END AS eo,
           CASE WHEN g.n_lead > 0 THEN g.n_lead ELSE 1 END AS ml,
           CASE WHEN g.n_peer > 0 THEN g.n_peer ELSE 1 END AS mp,
           CASE WHEN g.n_oth > 0 THEN g.n_oth ELSE 1 END AS mo
    FROM mem
    JOIN required ON required.rf = mem.rf
    LEFT JOIN g ON g.cadre_id = mem.cadre_id
    LEFT JOIN logged ON logged.author_id = mem.cadre_id
    LEFT JOIN on_leave ON on_leave.cadre_id = mem.cadre_id
),
f AS (
    SELECT t.*, missing * :log_rate + no_summary * :summary_rate AS ded,
           el::bigint * s_lead * mp * mo + ep::bigint * s_peer * ml * mo + eo::bigint * s_oth * ml * mp AS num,
           (el + ep + eo)::bigint * ml * mp * mo AS den
    FROM t
),
s AS (
    SELECT f.*, CASE WHEN den > 0 THEN (200 * num + den) / (2 * den) END AS hundredths FROM f
),
r AS (SELECT s.*, hundredths - ded AS final FROM s)
SELECT cadre_id, unit_id, raters AS rater_count, hundredths / 100.0 AS weighted_score,
       missing AS missing_log_days, no_summary = 1 AS missing_summary, ded / 100.0 AS deduction,
       final / 100.0 AS score,
       CASE WHEN final IS NOT NULL THEN RANK() OVER (PARTITION BY unit_id, final IS NULL ORDER BY final DESC) END
           AS rank_in_unit,
       CASE WHEN final IS NOT NULL THEN COUNT(final) OVER (PARTITION BY unit_id) END AS unit_size,
       CASE WHEN final IS NOT NULL THEN RANK() OVER (PARTITION BY rank_id, final IS NULL ORDER BY final DESC) END
           AS rank_in_rank_level,
       CASE WHEN final IS NOT NULL THEN COUNT(final) OVER (PARTITION BY rank_id) END AS rank_level_size,
       CASE WHEN final IS NOT NULL
            THEN RANK() OVER (PARTITION BY unit_category, final IS NULL ORDER BY final DESC) END AS rank_in_category,
       CASE WHEN final IS NOT NULL THEN COUNT(final) OVER (PARTITION BY unit_category) END AS category_size
FROM r;
