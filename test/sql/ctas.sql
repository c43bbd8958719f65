-- CREATE TABLE … AS and SELECT … INTO: column names and types from the query, rows filled at once,
-- command tags (SELECT n; CREATE TABLE AS for WITH NO DATA), errors, and atomicity (a failing
-- SELECT leaves no table; ROLLBACK drops one made in the block). Scratch tables are named ctas_*.

-- statement
DROP TABLE IF EXISTS ctas_into, ctas_into2

-- @cluster-refuses 0A000
-- statement
CREATE TABLE ctas_a AS SELECT id, grp, cat, qty * 2 AS q2, price, score, big, flag, d, ts FROM t_items WHERE id <= 300

-- query
SELECT count(*) AS n, sum(q2) AS s, count(grp) AS g, max(price) AS p, min(big) AS b FROM ctas_a

-- query
SELECT id, grp, cat, q2, price, score, big, flag, d, ts FROM ctas_a WHERE id % 37 = 0 ORDER BY id

-- query
SELECT column_name::text AS c, data_type::text AS t, character_maximum_length::int AS len, numeric_precision::int AS p, numeric_scale::int AS s, is_nullable::text AS nullable FROM information_schema.columns WHERE table_name = 'ctas_a' ORDER BY ordinal_position

-- No primary key: the same row may appear twice.
-- statement
INSERT INTO ctas_a SELECT id, grp, cat, qty * 2, price, score, big, flag, d, ts FROM t_items WHERE id = 1

-- query
SELECT count(*) AS n FROM ctas_a WHERE id = 1

-- @cluster-refuses 0A000
-- statement
CREATE TABLE ctas_b (g, n, total) AS SELECT grp, count(*), sum(qty) FROM t_items GROUP BY grp

-- query
SELECT g, n, total FROM ctas_b ORDER BY g NULLS FIRST

-- query
SELECT column_name::text AS c, data_type::text AS t FROM information_schema.columns WHERE table_name = 'ctas_b' ORDER BY ordinal_position

-- Fewer names than columns: the rest keep the query's names.
-- @cluster-refuses 0A000
-- statement
CREATE TABLE ctas_c (x) AS SELECT 1 AS a, 'two' AS b, 3.5 AS c, NULL::int AS d

-- query
SELECT x, b, c, d FROM ctas_c

-- query
SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid WHERE r.relname = 'ctas_c' AND a.attnum > 0 ORDER BY a.attnum

-- statement
CREATE TABLE ctas_empty AS SELECT * FROM t_empty

-- query
SELECT count(*) AS n FROM ctas_empty

-- statement
CREATE TABLE ctas_nodata AS SELECT id, grp FROM t_items WITH NO DATA

-- query
SELECT count(*) AS n FROM ctas_nodata

-- @cluster-refuses 0A000
-- statement
CREATE TABLE ctas_data AS SELECT id, grp FROM t_items WHERE id < 10 WITH DATA

-- query
SELECT id, grp FROM ctas_data ORDER BY id

-- @cluster-refuses 0A000
-- statement
CREATE TABLE IF NOT EXISTS ctas_data AS SELECT 1 AS id

-- query
SELECT count(*) AS n FROM ctas_data

-- @cluster-refuses 0A000
-- statement
CREATE TABLE ctas_join AS SELECT o.order_id, o.customer, count(l.line_id) AS lines, sum(l.amount) AS amount FROM t_orders o LEFT JOIN t_lines l ON l.order_id = o.order_id GROUP BY o.order_id, o.customer

-- query
SELECT count(*) AS n, sum(lines) AS lines, sum(amount) AS amount FROM ctas_join

-- @cluster-refuses 0A000
-- statement
CREATE TABLE ctas_setop AS SELECT a AS v FROM t_nopk UNION SELECT qty FROM t_items WHERE id < 20

-- query
SELECT v FROM ctas_setop ORDER BY v NULLS FIRST

-- SELECT … INTO
-- @cluster-refuses 0A000
-- statement
SELECT id, s INTO ctas_into FROM t_strings WHERE id < 20

-- query
SELECT id, s FROM ctas_into ORDER BY id

-- @cluster-refuses 0A000
-- statement
SELECT grp, count(*) AS n INTO TABLE ctas_into2 FROM t_items GROUP BY grp

-- query
SELECT grp, n FROM ctas_into2 ORDER BY grp NULLS FIRST

-- Errors
-- @cluster-refuses 0A000
-- error 42P07
CREATE TABLE ctas_a AS SELECT 1 AS x

-- @cluster-refuses 0A000
-- error 42P07
SELECT 1 AS x INTO ctas_a

-- error 42601
CREATE TABLE ctas_bad (a, b, c) AS SELECT 1, 2

-- error 42701
CREATE TABLE ctas_bad AS SELECT 1 AS a, 2 AS a

-- error 42P01
CREATE TABLE ctas_bad AS SELECT * FROM ctas_missing

-- A query that fails leaves no table.
-- error 22012
CREATE TABLE ctas_bad AS SELECT id, 1 / (id - 5) AS r FROM t_items

-- query
SELECT count(*) AS n FROM pg_class WHERE relname = 'ctas_bad'

-- A table made in a rolled-back block is gone.
-- statement
BEGIN

-- @cluster-refuses 0A000
-- statement
CREATE TABLE ctas_tx AS SELECT id FROM t_items WHERE id <= 5

-- query
SELECT count(*) AS n FROM ctas_tx

-- statement
ROLLBACK

-- error 42P01
SELECT * FROM ctas_tx

-- A committed one stays, with its rows.
-- statement
BEGIN

-- @cluster-refuses 0A000
-- statement
CREATE TABLE ctas_tx2 AS SELECT id FROM t_items WHERE id <= 5

-- statement
COMMIT

-- query
SELECT id FROM ctas_tx2 ORDER BY id

-- statement
DROP TABLE ctas_a, ctas_b, ctas_c, ctas_empty, ctas_nodata, ctas_data, ctas_join, ctas_setop, ctas_into, ctas_into2, ctas_tx2
