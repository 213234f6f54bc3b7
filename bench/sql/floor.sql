-- The floor of a quarter's computation: the least any computation must read.
-- One statement reads the period's scores grouped by ratee and rater group, one counts each
-- cadre's logs in the quarter. Each writes its rows to a temporary table, as the computation
-- writes its results. Variables (psql -v): period, start, end ('YYYY-MM-DD').
--   psql -v period=1 -v start=2026-07-01 -v end=2026-09-30 -f bench/sql/floor.sql DBNAME
CREATE TEMPORARY TABLE floor_groups AS
SELECT ratee_id, rater_group, COUNT(*) AS n, SUM(score) AS total, MIN(score) AS low, MAX(score) AS high
FROM evaluations_rateescores CROSS JOIN LATERAL unnest(scores) AS s(score)
WHERE period_id = :period
GROUP BY ratee_id, rater_group;

CREATE TEMPORARY TABLE floor_logs AS
SELECT author_id, COUNT(*) AS n
FROM achievements_dailylog
WHERE day BETWEEN :'start' AND :'end'
GROUP BY author_id;
