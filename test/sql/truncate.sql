-- TRUNCATE: every row of one or more tables at once, its options, its errors, and inside
-- transaction blocks (rolled back with the block or a savepoint). Scratch tables are named truncate_*.

-- statement
CREATE TABLE truncate_a (id int PRIMARY KEY, v text)

-- statement
CREATE TABLE truncate_b (a int, b text)

-- statement
INSERT INTO truncate_a SELECT id, grp FROM t_items

-- @cluster-refuses 0A000
-- statement
INSERT INTO truncate_b SELECT a, b FROM t_nopk

-- query
SELECT (SELECT count(*) FROM truncate_a) AS a, (SELECT count(*) FROM truncate_b) AS b

-- @cluster-refuses 0A000
-- statement
TRUNCATE truncate_a

-- query
SELECT count(*) AS n, max(id) AS m FROM truncate_a

-- The same keys can be inserted again.
-- statement
INSERT INTO truncate_a VALUES (1, 'one'), (2, 'two')

-- query
SELECT id, v FROM truncate_a ORDER BY id

-- Rows folded into columnar segments go too.
-- statement
INSERT INTO truncate_a SELECT id, grp FROM t_items WHERE id > 2

-- Only this table's deltas (CHECKPOINT would compact every file's tables at once).
-- statement
VACUUM truncate_a

-- @cluster-refuses 0A000
-- statement
TRUNCATE TABLE truncate_a, truncate_b RESTART IDENTITY CASCADE

-- query
SELECT (SELECT count(*) FROM truncate_a) AS a, (SELECT count(*) FROM truncate_b) AS b

-- @cluster-refuses 0A000
-- statement
INSERT INTO truncate_b VALUES (1, 'x'), (1, 'x'), (NULL, NULL)

-- @cluster-refuses 0A000
-- statement
TRUNCATE ONLY truncate_b CONTINUE IDENTITY RESTRICT

-- query
SELECT count(*) AS n FROM truncate_b

-- error 42P01
TRUNCATE truncate_missing

-- Nothing is truncated when one of the tables is missing.
-- statement
INSERT INTO truncate_a VALUES (1, 'kept')

-- error 42P01
TRUNCATE truncate_a, truncate_missing

-- query
SELECT id, v FROM truncate_a

-- statement
CREATE VIEW truncate_v AS SELECT id FROM truncate_a

-- error 42809
TRUNCATE truncate_v

-- statement
DROP VIEW truncate_v

-- Inside a block: the block sees the table empty; ROLLBACK brings the rows back.
-- statement
INSERT INTO truncate_a SELECT id, grp FROM t_items WHERE id BETWEEN 2 AND 100

-- statement
BEGIN

-- statement
INSERT INTO truncate_a VALUES (5000, 'new in block')

-- statement
TRUNCATE truncate_a

-- query
SELECT count(*) AS n FROM truncate_a

-- statement
INSERT INTO truncate_a VALUES (1, 'after truncate')

-- query
SELECT id, v FROM truncate_a ORDER BY id

-- statement
ROLLBACK

-- query
SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM truncate_a

-- A committed block's TRUNCATE stays.
-- statement
BEGIN

-- statement
TRUNCATE truncate_a

-- statement
INSERT INTO truncate_a VALUES (7, 'seven')

-- statement
COMMIT

-- query
SELECT id, v FROM truncate_a ORDER BY id

-- ROLLBACK TO a savepoint undoes a TRUNCATE after it.
-- @cluster-refuses 0A000
-- statement
INSERT INTO truncate_b SELECT a, b FROM t_nopk

-- statement
BEGIN

-- statement
SAVEPOINT s1

-- statement
TRUNCATE truncate_b

-- query
SELECT count(*) AS n FROM truncate_b

-- statement
ROLLBACK TO SAVEPOINT s1

-- query
SELECT count(*) AS n FROM truncate_b

-- statement
COMMIT

-- query
SELECT count(*) AS n FROM truncate_b

-- statement
DROP TABLE truncate_a, truncate_b
