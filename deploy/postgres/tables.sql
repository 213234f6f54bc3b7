-- Autovacuum settings for the big tables of a 50,000-cadre installation (PostgreSQL).
-- Run after every `manage.py migrate` (docker-compose.yml's `migrate` service does):
--   python manage.py dbshell < deploy/postgres/tables.sql
-- Safe to run again. tests/test_deployment_files.py applies it to the test database.
-- The global settings are in deploy/postgres/cadreperf.conf.

-- Daily logs: about 10 M rows a year, mostly inserted. Vacuum after 1 % instead of 5 %, so the
-- visibility map stays current and the quarter's log count stays an index-only scan.
ALTER TABLE achievements_dailylog SET (
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_insert_scale_factor = 0.01,
    autovacuum_analyze_scale_factor = 0.005
);
-- The audit trail: insert-only and ever growing.
ALTER TABLE auditlog_logentry SET (
    autovacuum_vacuum_insert_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.01
);
-- Ballot sheets: 56 k inserted at each opening (their lines are derived from the snapshot, not
-- stored), read by the completion pages and each rater's list right after.
ALTER TABLE evaluations_sheetassignment SET (
    autovacuum_vacuum_insert_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.01
);
-- Results: replaced as a whole by each computation.
ALTER TABLE evaluations_quarterlyresult SET (
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.01
);
-- Queue-like tables, small but rewritten all day: vacuum by row count, not by share.
ALTER TABLE ops_outboxtask SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
ALTER TABLE messaging_delivery SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 5000);
ALTER TABLE cadres_notification SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01);
ALTER TABLE django_session SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
ALTER TABLE integrations_tokenuse SET (autovacuum_vacuum_insert_scale_factor = 0.02);
