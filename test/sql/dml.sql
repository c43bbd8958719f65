-- DML on scratch tables (named dml_*): INSERT…SELECT, ON CONFLICT, UPDATE/DELETE … WHERE … RETURNING, constraints.

-- statement
CREATE TABLE dml_t (id int PRIMARY KEY, name text NOT NULL, qty int, price numeric(8,2), tag varchar(5))

-- statement
INSERT INTO dml_t VALUES (1, 'one', 10, 1.50, 'a'), (2, 'two', 20, 2.25, 'b'), (3, 'three', NULL, NULL, NULL)

-- query
SELECT id, name, qty, price, tag FROM dml_t ORDER BY id

-- statement
INSERT INTO dml_t (id, name) VALUES (4, 'four')

-- query
SELECT id, name, qty, price, tag FROM dml_t WHERE id = 4

-- query
INSERT INTO dml_t (id, name, qty, price) VALUES (5, 'five', 50, 5.555) RETURNING id, name, price

-- query
INSERT INTO dml_t (id, name, qty) VALUES (6, 'six', 60), (7, 'seven', 70) RETURNING *

-- error 23505
INSERT INTO dml_t (id, name) VALUES (1, 'dup')

-- error 23505
INSERT INTO dml_t (id, name) VALUES (100, 'x'), (100, 'y')

-- error 23502
INSERT INTO dml_t (id, name) VALUES (8, NULL)

-- error 23502
INSERT INTO dml_t (name) VALUES ('no id')

-- error 22001
INSERT INTO dml_t (id, name, tag) VALUES (9, 'nine', 'toolong')

-- error 22003
INSERT INTO dml_t (id, name, price) VALUES (9, 'nine', 1234567.00)

-- error 22P02
INSERT INTO dml_t (id, name, qty) VALUES (9, 'nine', 'many')

-- error 42703
INSERT INTO dml_t (id, nope) VALUES (9, 1)

-- error 42601
INSERT INTO dml_t (id, name) VALUES (9)

-- query
SELECT count(*) AS n FROM dml_t

-- statement
INSERT INTO dml_t (id, name, qty) VALUES (1, 'dup', 0) ON CONFLICT DO NOTHING

-- statement
INSERT INTO dml_t (id, name, qty) VALUES (1, 'dup', 0), (10, 'ten', 100) ON CONFLICT (id) DO NOTHING

-- query
SELECT id, name, qty FROM dml_t WHERE id IN (1, 10) ORDER BY id

-- statement
INSERT INTO dml_t (id, name, qty) VALUES (1, 'uno', 11) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, qty = dml_t.qty + EXCLUDED.qty

-- query
INSERT INTO dml_t (id, name, qty) VALUES (2, 'dos', 5), (11, 'eleven', 110) ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty * 2 RETURNING id, name, qty

-- query
SELECT id, name, qty FROM dml_t ORDER BY id

-- statement
UPDATE dml_t SET qty = qty + 1 WHERE qty IS NOT NULL

-- query
UPDATE dml_t SET price = 9.99, tag = 'upd' WHERE id = 3 RETURNING id, qty, price, tag

-- query
UPDATE dml_t SET name = upper(name) WHERE id > 100 RETURNING id

-- query
UPDATE dml_t SET qty = NULL WHERE name = 'four' RETURNING *

-- error 23502
UPDATE dml_t SET name = NULL WHERE id = 1

-- error 23505
UPDATE dml_t SET id = 2 WHERE id = 1

-- query
SELECT id, name, qty, price, tag FROM dml_t ORDER BY id

-- query sorted
DELETE FROM dml_t WHERE qty > 60 RETURNING id, name

-- statement
DELETE FROM dml_t WHERE id = 999

-- query
SELECT id FROM dml_t ORDER BY id

-- statement
CREATE TABLE dml_copy (id int PRIMARY KEY, grp text, qty int, price numeric(10,2))

-- statement
INSERT INTO dml_copy SELECT id, grp, qty, price FROM t_items WHERE id <= 500

-- query
SELECT count(*) AS n, sum(qty) AS sq, sum(price) AS sp FROM dml_copy

-- statement
INSERT INTO dml_copy (id, grp, qty) SELECT id + 10000, 'copy', qty * 2 FROM t_items WHERE grp = 'b'

-- query
SELECT grp, count(*) AS n, sum(qty) AS sq FROM dml_copy GROUP BY grp ORDER BY grp NULLS FIRST

-- statement
UPDATE dml_copy SET price = price * 2 WHERE grp = 'a' AND price < 100

-- query
SELECT count(*) AS n, sum(price) AS sp FROM dml_copy WHERE grp = 'a'

-- statement
DELETE FROM dml_copy WHERE grp = 'copy' OR qty IS NULL

-- query
SELECT count(*) AS n FROM dml_copy

-- statement
DELETE FROM dml_copy

-- query
SELECT count(*) AS n, sum(qty) AS sq FROM dml_copy

-- statement
INSERT INTO dml_copy (id, grp) VALUES (1, 'back')

-- query
SELECT id, grp, qty FROM dml_copy

-- statement
CREATE TABLE dml_nopk (a int, b text)

-- @cluster-refuses 0A000
-- statement
INSERT INTO dml_nopk VALUES (1, 'x'), (1, 'x'), (2, NULL), (NULL, NULL)

-- query sorted
SELECT a, b FROM dml_nopk

-- With no unique constraint, ON CONFLICT DO NOTHING has nothing to conflict with: a plain insert.
-- @cluster-refuses 0A000
-- statement
INSERT INTO dml_nopk VALUES (1, 'x') ON CONFLICT DO NOTHING

-- error 42P10
INSERT INTO dml_nopk VALUES (1, 'x') ON CONFLICT (a) DO NOTHING

-- query sorted
SELECT a, b FROM dml_nopk

-- statement
UPDATE dml_nopk SET b = 'y' WHERE a = 1

-- query sorted
DELETE FROM dml_nopk WHERE b IS NULL RETURNING a

-- query sorted
SELECT a, b FROM dml_nopk

-- statement
CREATE TABLE dml_types (id bigint PRIMARY KEY, f float8, d date, ts timestamp, b boolean, s smallint)

-- statement
INSERT INTO dml_types VALUES (9223372036854775807, 1.5e300, '2024-02-29', '2024-02-29 23:59:59.999999', true, -32768), (-9223372036854775808, -0.0, '1900-01-01', '1970-01-01 00:00:00', false, 32767)

-- query
SELECT id, f, d, ts, b, s FROM dml_types ORDER BY id

-- error 22003
INSERT INTO dml_types (id, s) VALUES (1, 32768)

-- error 22003
INSERT INTO dml_types (id, f) VALUES (2, 1e309), (3, 1)

-- error 22003
INSERT INTO dml_types (id, f) VALUES (4, 1e-400), (5, 1)

-- statement
INSERT INTO dml_types (id, f) VALUES (6, -1.5e-300), (7, 123456789.123456789), (8, -0), (9, 4.9e-324)

-- query
SELECT id, f FROM dml_types WHERE id BETWEEN 6 AND 9 ORDER BY id

-- statement
INSERT INTO dml_types VALUES (10)

-- statement
INSERT INTO dml_types VALUES (10, 2.5) ON CONFLICT (id) DO UPDATE SET f = dml_types.f + excluded.f

-- statement
INSERT INTO dml_types VALUES (11, 1.25), (10, 4) ON CONFLICT (id) DO UPDATE SET f = coalesce(dml_types.f, 0) + excluded.f

-- statement
INSERT INTO dml_types VALUES (11) ON CONFLICT DO NOTHING

-- query
SELECT id, f, d, s FROM dml_types WHERE id >= 10 ORDER BY id

-- error 42601
INSERT INTO dml_types VALUES (12, 1), (13)

-- error 42P07
CREATE TABLE dml_t (x int)

-- statement
DROP TABLE dml_t

-- error 42P01
SELECT * FROM dml_t

-- statement
DROP TABLE dml_copy

-- statement
DROP TABLE dml_nopk

-- statement
DROP TABLE dml_types

-- statement
DROP TABLE IF EXISTS dml_never_created
