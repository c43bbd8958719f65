-- Primary-key prefix and range reads: SELECT, UPDATE and DELETE whose WHERE fixes the leading key
-- columns and/or bounds the next one (every operator, BETWEEN, empty ranges), over composite keys
-- of int/text/numeric/date with NULLs in non-key columns, rows spread over segments (VACUUM) and
-- the delta, and inside a transaction block with its own uncommitted writes in range.
-- Scratch tables are named key_range_*.

-- statement
CREATE TABLE key_range_li (o int8, l int4, v text, q numeric(8,2), d date, PRIMARY KEY (o, l))

-- statement
INSERT INTO key_range_li SELECT i / 5, i % 5, CASE WHEN i % 7 = 0 THEN NULL ELSE 'v' || i END, CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 97) * 1.25 END, CASE WHEN i % 13 = 0 THEN NULL ELSE DATE '2024-01-01' + i % 400 END FROM generate_series(0, 1999) AS s(i)

-- Rows in segments, then more in the delta beside them.
-- statement
VACUUM key_range_li

-- statement
INSERT INTO key_range_li SELECT 1000 + i / 3, i % 3, 'late' || i, NULL::numeric, NULL::date FROM generate_series(0, 299) AS s(i)

-- statement
INSERT INTO key_range_li VALUES (7, 10, 'delta', 1.5, NULL), (7, -1, NULL, NULL, DATE '2020-02-29')

-- query
SELECT o, l, v, q, d FROM key_range_li WHERE o = 7 ORDER BY l

-- query
SELECT o, l, v FROM key_range_li WHERE o = 7 AND l > 1 ORDER BY l

-- query
SELECT o, l, v FROM key_range_li WHERE o = 7 AND l >= 1 ORDER BY l

-- query
SELECT o, l, v FROM key_range_li WHERE o = 7 AND l < 2 ORDER BY l

-- query
SELECT o, l, v FROM key_range_li WHERE o = 7 AND l <= 2 ORDER BY l

-- query
SELECT o, l, v FROM key_range_li WHERE o = 7 AND 3 > l AND l > 0 ORDER BY l

-- query
SELECT o, l FROM key_range_li WHERE o = 7 AND l BETWEEN 1 AND 3 ORDER BY l DESC

-- query
SELECT o, l FROM key_range_li WHERE o BETWEEN 995 AND 1002 ORDER BY o, l

-- query
SELECT o, l, v FROM key_range_li WHERE o < 2 ORDER BY o DESC, l DESC

-- query
SELECT count(*) AS n, sum(q) AS s FROM key_range_li WHERE o >= 1090

-- query
SELECT count(*) AS n FROM key_range_li WHERE o > 10 AND o < 20 AND v IS NULL

-- Empty ranges: no such prefix, crossed bounds, NULL bounds.
-- query
SELECT o, l FROM key_range_li WHERE o = 5000

-- query
SELECT o, l FROM key_range_li WHERE o BETWEEN 20 AND 10

-- query
SELECT o, l FROM key_range_li WHERE o = 7 AND l > 3 AND l < 4

-- query
SELECT o, l FROM key_range_li WHERE o = NULL

-- query
SELECT o, l FROM key_range_li WHERE o = 7 AND l > NULL

-- The rest of the WHERE filters the rows found.
-- query
SELECT o, l, v, q FROM key_range_li WHERE o = 12 AND q > 10 ORDER BY l

-- query
SELECT o, l, d FROM key_range_li WHERE o = 12 AND (d IS NULL OR d > DATE '2024-01-01') ORDER BY l

-- UPDATE of a non-key column by prefix and by range.
-- statement
UPDATE key_range_li SET v = 'upd', q = NULL WHERE o = 7

-- query sorted
UPDATE key_range_li SET q = coalesce(q, 0) + 1 WHERE o = 8 AND l >= 3 RETURNING o, l, q

-- query
SELECT o, l, v, q FROM key_range_li WHERE o BETWEEN 7 AND 8 ORDER BY o, l

-- UPDATE of a key column in range: the rows move within it.
-- statement
UPDATE key_range_li SET l = l + 10 WHERE o = 9

-- query
SELECT o, l, v FROM key_range_li WHERE o = 9 ORDER BY l

-- statement
UPDATE key_range_li SET o = o + 10000 WHERE o BETWEEN 20 AND 22

-- query
SELECT o, l, v FROM key_range_li WHERE o >= 10000 ORDER BY o, l

-- error 23505
UPDATE key_range_li SET l = 0 WHERE o = 30 AND l > 2

-- DELETE by range, RETURNING.
-- query sorted
DELETE FROM key_range_li WHERE o BETWEEN 40 AND 41 RETURNING o, l, v, q, d

-- query sorted
DELETE FROM key_range_li WHERE o = 50 AND l < 2 RETURNING o, l

-- statement
DELETE FROM key_range_li WHERE o > 1095

-- query
SELECT count(*) AS n, min(o) AS lo, max(o) AS hi FROM key_range_li

-- query
SELECT o, l FROM key_range_li WHERE o BETWEEN 39 AND 51 ORDER BY o, l

-- A transaction block with uncommitted writes in range.
-- statement
BEGIN

-- statement
INSERT INTO key_range_li VALUES (60, 7, 'blk', NULL, NULL), (61, 8, 'new', NULL, NULL)

-- error 23505
INSERT INTO key_range_li VALUES (60, 1, 'dup', NULL, NULL)

-- statement
ROLLBACK

-- statement
BEGIN

-- statement
INSERT INTO key_range_li VALUES (60, 7, 'blk', NULL, NULL), (60, 9, 'blk9', 2.5, NULL)

-- statement
DELETE FROM key_range_li WHERE o = 60 AND l = 0

-- statement
UPDATE key_range_li SET v = 'in block' WHERE o = 60 AND l BETWEEN 2 AND 7

-- query
SELECT o, l, v, q FROM key_range_li WHERE o = 60 ORDER BY l

-- query
SELECT o, l, v FROM key_range_li WHERE o = 60 AND l > 3 ORDER BY l

-- query sorted
DELETE FROM key_range_li WHERE o = 60 AND l >= 4 RETURNING o, l, v

-- statement
UPDATE key_range_li SET l = l + 100 WHERE o = 60

-- query
SELECT o, l, v FROM key_range_li WHERE o BETWEEN 59 AND 61 ORDER BY o, l

-- statement
COMMIT

-- query
SELECT o, l, v FROM key_range_li WHERE o BETWEEN 59 AND 61 ORDER BY o, l

-- A composite key of text, numeric and date, declared in another order than the columns.
-- statement
CREATE TABLE key_range_c (i int, d date, n numeric, t text, x text, PRIMARY KEY (t, n, d))

-- statement
INSERT INTO key_range_c SELECT i, DATE '2024-02-27' + i % 4, (i % 6) * 0.5 - 1, CASE i % 3 WHEN 0 THEN 'a' WHEN 1 THEN 'ab' ELSE 'b' END || (i / 12), CASE WHEN i % 5 = 0 THEN NULL ELSE 'x' || i END FROM generate_series(0, 239) AS s(i)

-- statement
VACUUM key_range_c

-- statement
INSERT INTO key_range_c VALUES (1000, DATE '2024-02-29', 0.75, 'ab0', NULL), (1001, DATE '2024-01-01', -1.0, 'a0', 'new'), (1002, DATE '2024-03-01', 1.50, 'ab', NULL)

-- query
SELECT t, n, d, i, x FROM key_range_c WHERE t = 'ab0' ORDER BY n, d

-- query
SELECT t, n, d, i FROM key_range_c WHERE t = 'ab0' AND n = 0.5 ORDER BY d

-- query
SELECT t, n, d, i FROM key_range_c WHERE t = 'ab0' AND n = 0.50 AND d >= DATE '2024-02-28' ORDER BY d

-- query
SELECT t, n, d, i FROM key_range_c WHERE t = 'a0' AND n = -1 AND d < DATE '2024-02-28' ORDER BY d

-- query
SELECT t, n, i FROM key_range_c WHERE t = 'ab0' AND n > 0 ORDER BY n, d

-- query
SELECT t, n, i FROM key_range_c WHERE t = 'ab0' AND n <= 0 AND n > -1 ORDER BY n, d

-- query
SELECT t, n, i FROM key_range_c WHERE t = 'ab0' AND n BETWEEN 0.5 AND 1.5 ORDER BY n, d

-- query
SELECT t, n, i FROM key_range_c WHERE t = 'ab0' AND n = 1.25 ORDER BY d

-- query
SELECT t, count(*) AS c FROM key_range_c WHERE t >= 'ab' AND t < 'ab5' GROUP BY t ORDER BY t

-- query
SELECT t, count(*) AS c FROM key_range_c WHERE t > 'a9' AND t <= 'b' GROUP BY t ORDER BY t

-- query
SELECT t, n, d FROM key_range_c WHERE t = 'ab' ORDER BY n

-- query sorted
UPDATE key_range_c SET x = 'u' WHERE t = 'b1' AND n >= 1 RETURNING t, n, d, x

-- query sorted
UPDATE key_range_c SET d = d + 10 WHERE t = 'a1' AND n = -1 RETURNING t, n, d

-- query sorted
DELETE FROM key_range_c WHERE t = 'ab2' AND n < 0 RETURNING t, n, d, i

-- query
SELECT t, n, d, i, x FROM key_range_c WHERE t BETWEEN 'a1' AND 'b1' ORDER BY t, n, d

-- statement
DROP TABLE key_range_li

-- statement
DROP TABLE key_range_c
