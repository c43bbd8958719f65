-- Planner statistics: ANALYZE and VACUUM ANALYZE run, and pg_stats shows PostgreSQL's figures. The
-- table is smaller than ANALYZE's sample (30,000 rows), so both engines read every row and the
-- figures are exact: null fraction, average width, n_distinct (a count, or minus a fraction of the
-- rows), the most common values in frequency order (more than 100 candidates keep the first 100),
-- and the histogram of the rest. Correlation depends on the stored order, which differs: only its
-- presence is compared. Scratch tables are named statistics_*.

-- statement
CREATE TABLE statistics_t (id int PRIMARY KEY, g text, k int, v numeric(10,2), f float8, d date, b boolean, z int)

-- statement
INSERT INTO statistics_t SELECT i, CASE WHEN i % 10 < 6 THEN 'hot' WHEN i % 10 < 9 THEN 'warm' || (i % 3) ELSE NULL END, i % 50, (i % 200) / 4.0, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1.5 END, DATE '2020-01-01' + (i % 30), i % 3 = 0, NULL::int FROM generate_series(1, 3000) AS s(i)

-- statement
CREATE TABLE statistics_empty (id int PRIMARY KEY, note text)

-- statement
ANALYZE statistics_t

-- statement
ANALYZE statistics_empty

-- query
SELECT schemaname::text AS schemaname, tablename::text AS tablename, attname::text AS attname, inherited, null_frac, avg_width, n_distinct FROM pg_stats WHERE tablename = 'statistics_t' ORDER BY attname

-- query
SELECT attname::text AS attname, most_common_vals::text AS vals, most_common_freqs::text AS freqs FROM pg_stats WHERE tablename = 'statistics_t' ORDER BY attname

-- query
SELECT attname::text AS attname, histogram_bounds::text AS bounds, correlation IS NULL AS no_correlation, most_common_elems::text AS elems, most_common_elem_freqs::text AS elem_freqs, elem_count_histogram::text AS elem_hist FROM pg_stats WHERE tablename = 'statistics_t' ORDER BY attname

-- query
SELECT count(*) AS n FROM pg_stats WHERE tablename = 'statistics_empty'

-- query
SELECT relname::text AS relname, reltuples FROM pg_class WHERE relname IN ('statistics_t', 'statistics_empty') ORDER BY relname

-- statement
DELETE FROM statistics_t WHERE id > 2000

-- statement
VACUUM ANALYZE statistics_t

-- query
SELECT attname::text AS attname, null_frac, n_distinct, most_common_freqs::text AS freqs FROM pg_stats WHERE tablename = 'statistics_t' AND attname IN ('id', 'g', 'k') ORDER BY attname

-- query
SELECT reltuples FROM pg_class WHERE relname = 'statistics_t'

-- The plans' choices are eon's; their answers must not change once the tables are analyzed.
-- query
SELECT t.g, count(*) AS n, sum(u.k) AS s FROM statistics_t t, statistics_t u, statistics_t w WHERE t.id = u.k AND u.id = w.id AND w.d >= DATE '2020-01-10' AND t.g IS NOT NULL GROUP BY t.g ORDER BY t.g

-- Other types: json has no equality (null fraction and width only); the rest are ordered.
-- statement
CREATE TABLE statistics_types (id int PRIMARY KEY, j json, jb jsonb, u uuid, iv interval, ts timestamp, tx varchar(20), big bigint)

-- statement
INSERT INTO statistics_types SELECT i, json_build_object('k', i % 4), jsonb_build_object('k', i % 6), ('00000000-0000-0000-0000-' || lpad((i % 8)::text, 12, '0'))::uuid, (i % 5) * INTERVAL '1 day', TIMESTAMP '2021-03-04 05:06:07' + (i % 9) * INTERVAL '1 hour', repeat('x', i % 4), (i % 7)::bigint * 10000000000 FROM generate_series(1, 400) AS s(i)

-- statement
ANALYZE statistics_types

-- jsonb's width is PostgreSQL's binary form there, its text here: left out.
-- query
SELECT attname::text AS attname, null_frac, CASE WHEN attname = 'jb' THEN -1 ELSE avg_width END AS avg_width, n_distinct, most_common_vals::text AS vals, most_common_freqs::text AS freqs, histogram_bounds::text AS bounds FROM pg_stats WHERE tablename = 'statistics_types' AND attname <> 'id' ORDER BY attname

-- error 42P01
ANALYZE statistics_missing

-- statement
DROP TABLE statistics_t, statistics_empty, statistics_types
