-- SELECT DISTINCT and count/sum/avg(DISTINCT x) planned as hash aggregates (optimizer rules
-- distinct_aggregate and distinct_argument_aggregate): NULLs, -0 and 0, NaN, numerics of
-- different scales, text, empty tables, skew; distinct_aggregate_big (24,000 rows, above
-- FRAGMENT_ROWS_MIN) runs its inner aggregates in eon's data engines, distinct_aggregate_s on
-- the coordinator. Where PostgreSQL may show either of two equal values (0 or -0, 1.0 or 1.00),
-- the block reads the DISTINCT's output through an expression that makes them one.

-- statement
CREATE TABLE distinct_aggregate_s (id int PRIMARY KEY, g int, t text, f float8, n numeric, m numeric(8,2), b boolean, c varchar(3), d date)

-- statement
INSERT INTO distinct_aggregate_s VALUES (1, 1, 'a', 0, 1.0, 1.00, true, 'a', DATE '2024-01-01'), (2, 1, 'a', '-0', 1.00, 1.00, true, 'a  ', DATE '2024-01-01'), (3, 1, 'A', 'NaN', 1, 2.50, false, 'b', DATE '2024-01-02'), (4, 1, 'a ', 'NaN', 2.5, 2.50, NULL, 'b ', NULL), (5, 2, NULL, 1.5, 2.50, NULL, true, NULL, DATE '2024-01-02'), (6, 2, '', 1.5, NULL, 3.25, false, '', DATE '2024-01-03'), (7, 2, 'é', NULL, 0.125, 3.25, false, 'é', DATE '2024-01-03'), (8, NULL, 'a', -2, 0.1250, 0.10, NULL, 'a', NULL), (9, NULL, NULL, -2, -7, -0.10, true, NULL, DATE '2024-01-01'), (10, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL), (11, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL), (12, 4, 'z', 1e15, 99999999999999999999.5, 999999.99, true, 'zz', DATE '2024-12-31'), (13, 4, 'z', 1e15, 99999999999999999999.50, 999999.99, true, 'zz ', DATE '2024-12-31'), (14, 4, 'y', -1e15, -3, -999999.99, false, 'y', DATE '2023-12-31')

-- statement
CREATE TABLE distinct_aggregate_empty (id int PRIMARY KEY, g int, t text, f float8, m numeric(8,2))

-- 24,000 rows: g skewed (a third 0), k of 997 values (NULL every 13th), t of 50 (NULL every
-- 17th), f with a NaN and a -0 per 1,000 rows, m a fixed-scale numeric, n the same values at
-- scales 1 and 2 plus values only scale 3 holds (so a sum's scale does not depend on which of
-- 3.0 and 3.00 is kept).
-- statement
CREATE TABLE distinct_aggregate_big (id int PRIMARY KEY, g int, k int, t text, f float8, m numeric(10,2), n numeric, b boolean, d date)

-- statement
INSERT INTO distinct_aggregate_big SELECT i, CASE WHEN i % 3 = 0 THEN 0 WHEN i % 29 = 0 THEN NULL ELSE i % 9 END, CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 7919) % 997 END, CASE WHEN i % 17 = 0 THEN NULL ELSE 'w' || (i % 50) END, CASE WHEN i % 1000 = 1 THEN 'NaN'::float8 WHEN i % 1000 = 2 THEN '-0'::float8 WHEN i % 1000 = 3 THEN 0::float8 ELSE (i % 40) / 8.0 END, (i % 300) / 4.0, CASE i % 3 WHEN 0 THEN round((i % 20)::numeric, 1) WHEN 1 THEN round((i % 20)::numeric, 2) ELSE round((i % 40)::numeric / 8, 3) END, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END, DATE '2024-01-01' + i % 90 FROM (SELECT a * 8000 + b AS i FROM generate_series(0, 2) AS a, generate_series(1, 8000) AS b) AS s

-- Plain DISTINCT.
-- query
SELECT DISTINCT g FROM distinct_aggregate_s ORDER BY g NULLS FIRST

-- query
SELECT DISTINCT t FROM distinct_aggregate_s ORDER BY t NULLS FIRST

-- query sorted
SELECT DISTINCT g, t FROM distinct_aggregate_s

-- query sorted
SELECT DISTINCT b, d FROM distinct_aggregate_s

-- varchar keeps trailing blanks: 'a' and 'a  ' are two values.
-- query
SELECT count(*) AS n FROM (SELECT DISTINCT c FROM distinct_aggregate_s) AS x

-- query
SELECT rtrim(c) AS c FROM (SELECT DISTINCT c FROM distinct_aggregate_s) AS x ORDER BY 1 NULLS FIRST

-- -0 and 0 are one value, the NaNs another.
-- query
SELECT abs(f) AS f FROM (SELECT DISTINCT f FROM distinct_aggregate_s) AS x ORDER BY 1 NULLS FIRST

-- 1, 1.0 and 1.00 are one value.
-- query
SELECT n + 0.0000 AS n FROM (SELECT DISTINCT n FROM distinct_aggregate_s) AS x ORDER BY 1 NULLS FIRST

-- query
SELECT DISTINCT m FROM distinct_aggregate_s ORDER BY m NULLS FIRST

-- query sorted
SELECT DISTINCT * FROM distinct_aggregate_s

-- query sorted
SELECT DISTINCT g % 2 AS r, lower(t) AS lt FROM distinct_aggregate_s

-- query
SELECT DISTINCT g FROM distinct_aggregate_empty

-- query
SELECT count(*) AS n FROM (SELECT DISTINCT g, t FROM distinct_aggregate_empty) AS x

-- DISTINCT aggregates, global and grouped.
-- query
SELECT count(DISTINCT g) AS cg, sum(DISTINCT g) AS sg, avg(DISTINCT g) AS ag, min(DISTINCT g) AS lo, max(g) AS hi FROM distinct_aggregate_s

-- query
SELECT count(DISTINCT t) AS ct, min(t) AS lo, max(DISTINCT t) AS hi FROM distinct_aggregate_s

-- query
SELECT count(DISTINCT f) AS cf, sum(DISTINCT f) AS sf, avg(DISTINCT f) AS af FROM distinct_aggregate_s

-- query
SELECT count(DISTINCT f) AS cf, sum(DISTINCT f) AS sf FROM distinct_aggregate_s WHERE abs(f) < 1e10

-- query
SELECT count(DISTINCT n) AS cn, sum(DISTINCT n) AS sn, avg(DISTINCT n) AS an FROM distinct_aggregate_s

-- query
SELECT count(DISTINCT m) AS cm, sum(DISTINCT m) AS sm, avg(DISTINCT m) AS am FROM distinct_aggregate_s

-- query
SELECT g, count(DISTINCT m) AS cm, sum(DISTINCT m) AS sm, avg(DISTINCT m) AS am, max(DISTINCT m) AS hi FROM distinct_aggregate_s GROUP BY g ORDER BY g NULLS FIRST

-- query
SELECT g, count(DISTINCT c) AS cc FROM distinct_aggregate_s GROUP BY g ORDER BY g NULLS FIRST

-- query
SELECT g % 2 AS r, count(DISTINCT t) AS ct FROM distinct_aggregate_s GROUP BY g % 2 ORDER BY r NULLS FIRST

-- query
SELECT b, d, count(DISTINCT g) AS cg, sum(DISTINCT g) AS sg FROM distinct_aggregate_s GROUP BY b, d ORDER BY b NULLS FIRST, d NULLS FIRST

-- query
SELECT count(DISTINCT g) AS cg, sum(DISTINCT g) AS sg, avg(DISTINCT m) AS am FROM distinct_aggregate_s WHERE id < 0

-- query
SELECT count(DISTINCT g) AS cg, sum(DISTINCT g) AS sg, avg(DISTINCT g) AS ag, min(DISTINCT g) AS lo FROM distinct_aggregate_empty

-- query
SELECT t, count(DISTINCT g) AS cg, sum(DISTINCT g) AS sg FROM distinct_aggregate_empty GROUP BY t

-- query
SELECT count(DISTINCT m) AS cm, sum(DISTINCT m) AS sm FROM distinct_aggregate_empty HAVING count(DISTINCT m) = 0

-- Shapes the rule leaves alone: mixed calls, several arguments, FILTER, ordered and other aggregates.
-- query
SELECT count(DISTINCT g) AS cg, count(*) AS n, count(DISTINCT t) AS ct, sum(g) AS sg FROM distinct_aggregate_s

-- query
SELECT g, count(DISTINCT t) FILTER (WHERE b) AS ct, string_agg(DISTINCT t, ',' ORDER BY t) AS ts, array_agg(DISTINCT id % 3 ORDER BY id % 3)::text AS ds FROM distinct_aggregate_s GROUP BY g ORDER BY g NULLS FIRST

-- query
SELECT count(DISTINCT g ORDER BY g) AS cg, sum(DISTINCT g + 1) AS s1, count(DISTINCT g + 1) AS c1 FROM distinct_aggregate_s

-- DISTINCT with ORDER BY and LIMIT, in subqueries, under UNION.
-- query
SELECT DISTINCT t FROM distinct_aggregate_s ORDER BY t DESC NULLS LAST LIMIT 3 OFFSET 1

-- query
SELECT id, t FROM distinct_aggregate_s WHERE t IN (SELECT DISTINCT t FROM distinct_aggregate_s WHERE g = 1) ORDER BY id

-- query
SELECT id FROM distinct_aggregate_s s WHERE EXISTS (SELECT DISTINCT g FROM distinct_aggregate_s x WHERE x.g = s.g AND x.id <> s.id) ORDER BY id

-- query
SELECT id, (SELECT count(DISTINCT x.t) FROM distinct_aggregate_s x WHERE x.g = s.g) AS ct, (SELECT sum(DISTINCT x.m) FROM distinct_aggregate_s x WHERE x.g = s.g) AS sm FROM distinct_aggregate_s s ORDER BY id

-- query
SELECT g FROM distinct_aggregate_s UNION SELECT DISTINCT g FROM distinct_aggregate_empty ORDER BY g NULLS FIRST

-- query
SELECT DISTINCT g FROM distinct_aggregate_s UNION ALL SELECT DISTINCT g + 10 FROM distinct_aggregate_s ORDER BY 1 NULLS FIRST

-- query
SELECT g, count(*) AS n FROM (SELECT DISTINCT g, t FROM distinct_aggregate_s) AS x GROUP BY g ORDER BY g NULLS FIRST

-- query
SELECT DISTINCT ON (g) g, id, t FROM distinct_aggregate_s ORDER BY g NULLS FIRST, id DESC

-- The large table: inner aggregates in the data engines.
-- query
SELECT DISTINCT g FROM distinct_aggregate_big ORDER BY g NULLS FIRST

-- query
SELECT DISTINCT t FROM distinct_aggregate_big ORDER BY t NULLS FIRST LIMIT 7

-- query
SELECT count(*) AS n FROM (SELECT DISTINCT g, t FROM distinct_aggregate_big) AS x

-- query sorted
SELECT DISTINCT b, g FROM distinct_aggregate_big

-- query
SELECT DISTINCT d FROM distinct_aggregate_big WHERE d > DATE '2024-03-25' ORDER BY d

-- query
SELECT abs(f) AS f FROM (SELECT DISTINCT f FROM distinct_aggregate_big) AS x ORDER BY 1 NULLS FIRST

-- query
SELECT DISTINCT m FROM distinct_aggregate_big WHERE m > 70 ORDER BY m

-- query
SELECT n + 0.000 AS n FROM (SELECT DISTINCT n FROM distinct_aggregate_big) AS x ORDER BY 1

-- query
SELECT count(DISTINCT k) AS ck, sum(DISTINCT k) AS sk, avg(DISTINCT k) AS ak, min(DISTINCT k) AS lo, max(k) AS hi FROM distinct_aggregate_big

-- query
SELECT count(DISTINCT id) AS ci, sum(DISTINCT id) AS si FROM distinct_aggregate_big

-- query
SELECT g, count(DISTINCT k) AS ck, sum(DISTINCT k) AS sk, avg(DISTINCT k) AS ak FROM distinct_aggregate_big GROUP BY g ORDER BY g NULLS FIRST

-- query
SELECT t, count(DISTINCT g) AS cg, sum(DISTINCT g) AS sg FROM distinct_aggregate_big GROUP BY t ORDER BY t NULLS FIRST

-- query
SELECT g, count(DISTINCT k) AS ck FROM distinct_aggregate_big GROUP BY g HAVING count(DISTINCT k) > 820 ORDER BY g NULLS FIRST

-- query
SELECT t, sum(DISTINCT m) AS sm FROM distinct_aggregate_big GROUP BY t HAVING sum(DISTINCT m) > 200 ORDER BY t NULLS FIRST

-- query
SELECT count(DISTINCT t) AS ct, count(DISTINCT f) AS cf, count(DISTINCT b) AS cb, count(DISTINCT d) AS cd FROM distinct_aggregate_big

-- query approx
SELECT g, count(DISTINCT f) AS cf, sum(DISTINCT f) AS sf, avg(DISTINCT f) AS af FROM distinct_aggregate_big WHERE f < 100 GROUP BY g ORDER BY g NULLS FIRST

-- query
SELECT g, sum(DISTINCT f) AS sf FROM distinct_aggregate_big WHERE g = 1 GROUP BY g

-- query
SELECT count(DISTINCT m) AS cm, sum(DISTINCT m) AS sm, avg(DISTINCT m) AS am, max(DISTINCT m) AS hi FROM distinct_aggregate_big

-- query
SELECT b, count(DISTINCT n) AS cn, sum(DISTINCT n) AS sn, avg(DISTINCT n) AS an FROM distinct_aggregate_big GROUP BY b ORDER BY b NULLS FIRST

-- query
SELECT g % 3 AS r, count(DISTINCT k % 10) AS ck FROM distinct_aggregate_big GROUP BY g % 3 ORDER BY r NULLS FIRST

-- query
SELECT t, count(DISTINCT k) AS ck, sum(DISTINCT k) AS sk FROM distinct_aggregate_big WHERE k IS NULL GROUP BY t ORDER BY t NULLS FIRST LIMIT 5

-- query
SELECT count(DISTINCT k) AS ck, sum(DISTINCT k) AS sk, avg(DISTINCT k) AS ak FROM distinct_aggregate_big WHERE id < 0

-- query
SELECT count(*) AS n FROM distinct_aggregate_s s WHERE s.g IN (SELECT DISTINCT g FROM distinct_aggregate_big)

-- query
SELECT DISTINCT g FROM distinct_aggregate_big UNION SELECT DISTINCT g FROM distinct_aggregate_s ORDER BY g NULLS FIRST

-- query
SELECT g, ck FROM (SELECT g, count(DISTINCT k) AS ck FROM distinct_aggregate_big GROUP BY g) AS x WHERE ck > 0 ORDER BY ck DESC, g NULLS FIRST LIMIT 3

-- Grouping sets, windows, CTEs and INSERT … SELECT DISTINCT.
-- query
SELECT g, count(DISTINCT k) AS ck, sum(DISTINCT k) AS sk FROM distinct_aggregate_big GROUP BY ROLLUP (g) ORDER BY g NULLS FIRST

-- query
SELECT b, g % 2 AS r, count(DISTINCT t) AS ct FROM distinct_aggregate_big GROUP BY GROUPING SETS ((b), (g % 2), ()) ORDER BY b NULLS FIRST, r NULLS FIRST

-- query
SELECT DISTINCT g, count(*) OVER (PARTITION BY g) AS n FROM distinct_aggregate_s ORDER BY g NULLS FIRST

-- query
SELECT g, count(DISTINCT t) AS ct, rank() OVER (ORDER BY count(DISTINCT t) DESC, g) AS r FROM distinct_aggregate_big GROUP BY g ORDER BY g NULLS FIRST

-- query
WITH d AS (SELECT DISTINCT g, b FROM distinct_aggregate_big) SELECT g, count(*) AS n FROM d GROUP BY g ORDER BY g NULLS FIRST

-- statement
INSERT INTO distinct_aggregate_empty (id, g, t) SELECT DISTINCT k, g, NULL FROM distinct_aggregate_big WHERE g = 1 AND k IS NOT NULL AND k < 100

-- query
SELECT count(*) AS n, count(DISTINCT g) AS cg, sum(DISTINCT id) AS si FROM distinct_aggregate_empty

-- statement
DROP TABLE distinct_aggregate_big

-- statement
DROP TABLE distinct_aggregate_empty

-- statement
DROP TABLE distinct_aggregate_s
