-- How long partitioning a register by province takes, and what a province's query then reads:
-- the 1.999.792 longevity gifts of the ten-million bench database, in one transaction that is
-- rolled back (README, "Past one machine"). Not part of the product: the partitioning is a plan.
--
--     psql -h 127.0.0.1 -U postgres bkxh_bench_10m -f bench/partition_timing.sql
--
-- The key is computed while copying; filling it on the old table by UPDATE first took 112 s,
-- writing a new version of every row and of its index entries (and after a rollback leaves
-- that many dead rows until VACUUM).
\timing on
SELECT id AS bac_kan FROM areas_adminunit WHERE level = 'province' AND code = '06' \gset
SELECT id AS old_thai_nguyen FROM areas_adminunit WHERE level = 'province' AND code = '19' AND valid_from IS NULL \gset
SELECT id AS thai_nguyen FROM areas_adminunit WHERE level = 'province' AND code = '19' AND valid_from IS NOT NULL \gset
-- Bắc Kạn's communes, as the report passes them (commune IN (…)).
SELECT string_agg(c.id::text, ',') AS communes FROM areas_adminunit c JOIN areas_adminunit d ON d.id = c.parent_id
  WHERE c.level = 'commune' AND d.parent_id = :bac_kan \gset
BEGIN;
-- One process a query, so that the pages read are all counted.
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TABLE gifts_by_province (LIKE beneficiaries_longevitygift INCLUDING DEFAULTS, province_id bigint NOT NULL)
  PARTITION BY LIST (province_id);
CREATE TABLE gifts_06 PARTITION OF gifts_by_province FOR VALUES IN (:bac_kan);
CREATE TABLE gifts_19_old PARTITION OF gifts_by_province FOR VALUES IN (:old_thai_nguyen);
CREATE TABLE gifts_19 PARTITION OF gifts_by_province FOR VALUES IN (:thai_nguyen);
CREATE TABLE gifts_other PARTITION OF gifts_by_province DEFAULT;
-- The province above the commune: its parent (a commune since 01/07/2025) or its district's.
INSERT INTO gifts_by_province
  SELECT g.*, CASE p.level WHEN 'province' THEN p.id ELSE p.parent_id END
  FROM beneficiaries_longevitygift g
  JOIN areas_adminunit c ON c.id = g.commune_id
  JOIN areas_adminunit p ON p.id = c.parent_id;
-- Keys and indexes once the rows are in; each takes the partition key.
ALTER TABLE gifts_by_province ADD PRIMARY KEY (province_id, id);
CREATE INDEX ON gifts_by_province (year, commune_id);
CREATE UNIQUE INDEX ON gifts_by_province (province_id, person_id, milestone) WHERE milestone <> 101;
ANALYZE gifts_by_province;
SELECT tableoid::regclass AS partition, count(*) FROM gifts_by_province GROUP BY 1 ORDER BY 1;
-- Bắc Kạn's gifts of 2024: from its partition, then from the whole table.
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT milestone, count(*) FROM gifts_by_province
  WHERE province_id = :bac_kan AND year = 2024 AND commune_id IN (:communes) GROUP BY 1;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT milestone, count(*) FROM beneficiaries_longevitygift
  WHERE year = 2024 AND commune_id IN (:communes) GROUP BY 1;
ROLLBACK;
