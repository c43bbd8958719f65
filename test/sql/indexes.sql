-- UNIQUE constraints and secondary indexes: CREATE [UNIQUE] INDEX, DROP INDEX, UNIQUE in CREATE
-- TABLE, unique violations (NULLs distinct), ON CONFLICT against a unique index, and lookups the
-- planner turns into index scans. Scratch tables and their indexes are named indexes_*.

-- @cluster-refuses 0A000
-- statement
CREATE TABLE indexes_u (id int PRIMARY KEY, email text UNIQUE, a int, b text, UNIQUE (a, b))

-- statement
INSERT INTO indexes_u VALUES (1, 'a@b', 1, 'x'), (2, 'c@d', 1, 'y'), (3, NULL, NULL, 'x'), (4, NULL, NULL, 'x')

-- error 23505
INSERT INTO indexes_u VALUES (5, 'a@b', 9, 'z')

-- error 23505
INSERT INTO indexes_u VALUES (5, 'e@f', 1, 'x')

-- NULLs are distinct: more rows with a NULL in a unique column are fine.
-- statement
INSERT INTO indexes_u VALUES (5, NULL, 1, NULL), (6, NULL, 1, NULL)

-- A violation inside a multi-row INSERT leaves nothing behind.
-- error 23505
INSERT INTO indexes_u VALUES (7, 'g@h', 7, 'g'), (8, 'g@h', 8, 'g')

-- query
SELECT id, email, a, b FROM indexes_u ORDER BY id

-- UPDATE onto a taken value fails; onto its own value or a free one works.
-- error 23505
UPDATE indexes_u SET email = 'c@d' WHERE id = 1

-- statement
UPDATE indexes_u SET email = email WHERE id = 1

-- statement
UPDATE indexes_u SET email = 'z@z' WHERE id = 1

-- After a delete the value is free again.
-- statement
DELETE FROM indexes_u WHERE id = 2

-- statement
INSERT INTO indexes_u VALUES (2, 'c@d', 1, 'y')

-- statement
INSERT INTO indexes_u VALUES (9, 'a@b', 2, 'q')

-- query
SELECT id, email FROM indexes_u WHERE email = 'a@b'

-- query
SELECT id, email FROM indexes_u WHERE email = 'z@z'

-- query
SELECT id FROM indexes_u WHERE email = 'nobody'

-- ON CONFLICT against the unique column.
-- statement
INSERT INTO indexes_u VALUES (10, 'a@b', 3, 'r') ON CONFLICT (email) DO NOTHING

-- statement
INSERT INTO indexes_u VALUES (10, 'a@b', 3, 'r') ON CONFLICT (email) DO UPDATE SET b = excluded.b

-- query
SELECT id, email, a, b FROM indexes_u WHERE email = 'a@b'

-- statement
INSERT INTO indexes_u VALUES (11, 'new@x', 3, 's') ON CONFLICT (email) DO UPDATE SET b = excluded.b

-- statement
INSERT INTO indexes_u VALUES (12, 'c@d', 4, 't'), (13, 'n@n', 5, 't') ON CONFLICT DO NOTHING

-- statement
INSERT INTO indexes_u VALUES (12, 'c@d', 4, 't') ON CONFLICT ON CONSTRAINT indexes_u_email_key DO UPDATE SET a = 40

-- statement
INSERT INTO indexes_u VALUES (14, 'w@w', 1, 'y') ON CONFLICT (b, a) DO UPDATE SET email = 'ab@ab'

-- query
SELECT id, email, a, b FROM indexes_u ORDER BY id

-- The arbiter is the email: a primary-key conflict is still an error.
-- error 23505
INSERT INTO indexes_u VALUES (1, 'fresh@x', 50, 'f') ON CONFLICT (email) DO NOTHING

-- error 42P10
INSERT INTO indexes_u VALUES (20, 'q@q', 1, 'q') ON CONFLICT (a) DO NOTHING

-- error 42704
INSERT INTO indexes_u VALUES (20, 'q@q', 1, 'q') ON CONFLICT ON CONSTRAINT indexes_nope DO NOTHING

-- error 21000
INSERT INTO indexes_u VALUES (30, 'dup@x', 1, 'd'), (31, 'dup@x', 2, 'd') ON CONFLICT (email) DO UPDATE SET b = 'again'

-- DO UPDATE that would duplicate another unique value fails.
-- error 23505
INSERT INTO indexes_u VALUES (32, 'a@b', 1, 'x') ON CONFLICT (email) DO UPDATE SET email = 'c@d'

-- statement
CREATE TABLE indexes_n (id int PRIMARY KEY, k int, g text, v numeric(10,2))

-- statement
INSERT INTO indexes_n SELECT id, id % 50, grp, price FROM t_items

-- @cluster-refuses 0A000
-- statement
CREATE INDEX indexes_n_k ON indexes_n (k)

-- @cluster-refuses 0A000
-- statement
CREATE INDEX ON indexes_n (g, k)

-- @cluster-refuses 0A000
-- statement
CREATE INDEX IF NOT EXISTS indexes_n_k ON indexes_n (g)

-- @cluster-refuses 0A000
-- error 42P07
CREATE INDEX indexes_n_k ON indexes_n (g)

-- error 42P07
CREATE INDEX indexes_n ON indexes_n (g)

-- error 42703
CREATE INDEX indexes_bad ON indexes_n (nope)

-- error 42P01
CREATE INDEX indexes_bad ON indexes_missing (a)

-- query
SELECT id, k, g, v FROM indexes_n WHERE k = 7 ORDER BY id

-- query
SELECT count(*) AS n FROM indexes_n WHERE k = 7 AND g = 'a'

-- query
SELECT id, k FROM indexes_n WHERE g = 'b' AND k = 3 ORDER BY id

-- query
SELECT id FROM indexes_n WHERE g IS NULL AND k = 3 ORDER BY id

-- query
SELECT id FROM indexes_n WHERE k = -1

-- Ranges on the column after the fixed ones, both ends, NULLs never in a range; a range over
-- most of the table scans instead (same answers either way).
-- query
SELECT id, k FROM indexes_n WHERE k < 2 ORDER BY id

-- query
SELECT count(*) AS n FROM indexes_n WHERE k > 3

-- query
SELECT id, k FROM indexes_n WHERE k >= 48 AND k <= 49 AND id < 400 ORDER BY id

-- query
SELECT id, k FROM indexes_n WHERE k BETWEEN 10 AND 11 AND id > 1900 ORDER BY id

-- query
SELECT id, k FROM indexes_n WHERE 2 > k AND k > 0 ORDER BY id

-- query
SELECT id, g, k FROM indexes_n WHERE g = 'b' AND k > 45 ORDER BY id

-- query
SELECT id, g, k FROM indexes_n WHERE g > 'f' ORDER BY id

-- query
SELECT count(*) AS n FROM indexes_n WHERE g >= 'b' AND g < 'd'

-- query
SELECT count(*) AS n FROM indexes_n WHERE g < 'a'

-- query
SELECT count(*) AS n FROM indexes_n WHERE k > 10 AND k < 5

-- @cluster-refuses 0A000
-- statement
CREATE INDEX indexes_n_v ON indexes_n (v)

-- query
SELECT id, v FROM indexes_n WHERE v > 50.5 AND v <= 52 ORDER BY id

-- query
SELECT id, v FROM indexes_n WHERE v = 51.00 ORDER BY id

-- query
SELECT count(*) AS n FROM indexes_n WHERE v < 0

-- statement
DROP INDEX indexes_n_v

-- Index maintenance through UPDATE, DELETE and INSERT.
-- statement
UPDATE indexes_n SET k = 1000 WHERE id % 50 = 7 AND id < 500

-- statement
DELETE FROM indexes_n WHERE k = 7 AND id > 1500

-- statement
INSERT INTO indexes_n VALUES (5000, 7, 'new', 1.5)

-- query
SELECT id, k FROM indexes_n WHERE k = 7 ORDER BY id

-- query
SELECT count(*) AS n FROM indexes_n WHERE k = 1000

-- query
SELECT id FROM indexes_n WHERE k = 1000 AND id < 300 ORDER BY id

-- A unique index over existing duplicates fails and creates nothing.
-- @cluster-refuses 0A000
-- error 23505
CREATE UNIQUE INDEX indexes_n_k_u ON indexes_n (k)

-- @cluster-refuses 0A000
-- statement
CREATE INDEX indexes_n_k_u ON indexes_n (v)

-- statement
DROP INDEX indexes_n_k_u

-- @cluster-refuses 0A000
-- statement
CREATE UNIQUE INDEX indexes_n_id_u ON indexes_n (id, k)

-- error 23505
INSERT INTO indexes_n SELECT 6000, k, g, v FROM indexes_n WHERE id = 1 UNION ALL SELECT 6000, k, g, v FROM indexes_n WHERE id = 1

-- statement
DROP INDEX indexes_n_k, indexes_n_g_k_idx

-- error 42704
DROP INDEX indexes_n_k

-- statement
DROP INDEX IF EXISTS indexes_n_k

-- error 2BP01
DROP INDEX indexes_u_email_key

-- error 2BP01
DROP INDEX indexes_u_pkey

-- error 42809
DROP INDEX indexes_n

-- query
SELECT count(*) AS n FROM indexes_n WHERE k = 7

-- A table without a primary key, a unique index and its conflicts.
-- statement
CREATE TABLE indexes_h (a int, b text)

-- @cluster-refuses 0A000
-- statement
INSERT INTO indexes_h SELECT a, b FROM t_nopk WHERE a IS NOT NULL AND b IS NOT NULL

-- @cluster-refuses 0A000
-- error 23505
CREATE UNIQUE INDEX indexes_h_a ON indexes_h (a)

-- statement
DELETE FROM indexes_h

-- @cluster-refuses 0A000
-- statement
CREATE UNIQUE INDEX indexes_h_a ON indexes_h (a)

-- @cluster-refuses 0A000
-- statement
INSERT INTO indexes_h VALUES (1, 'one'), (2, 'two'), (NULL, 'n'), (NULL, 'n')

-- @cluster-refuses 0A000
-- error 23505
INSERT INTO indexes_h VALUES (1, 'uno')

-- statement
INSERT INTO indexes_h VALUES (1, 'uno') ON CONFLICT (a) DO UPDATE SET b = excluded.b

-- @cluster-refuses 0A000
-- statement
INSERT INTO indexes_h VALUES (2, 'dos') ON CONFLICT DO NOTHING

-- query
SELECT a, b FROM indexes_h ORDER BY a, b

-- query
SELECT a, b FROM indexes_h WHERE a = 1

-- TRUNCATE empties the index with the table.
-- @cluster-refuses 0A000
-- statement
TRUNCATE indexes_h

-- @cluster-refuses 0A000
-- statement
INSERT INTO indexes_h VALUES (1, 'again')

-- query
SELECT a, b FROM indexes_h WHERE a = 1

-- UNIQUE constraint names, numbered on a clash, and one beside the primary key.
-- @cluster-refuses 0A000
-- statement
CREATE TABLE indexes_c (id int PRIMARY KEY UNIQUE, x int UNIQUE, y int, CONSTRAINT indexes_c_named UNIQUE (y), UNIQUE (x, y))

-- query
SELECT c.relname::text AS name, i.indisunique AS u, i.indisprimary AS p FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'indexes_c'::regclass ORDER BY 1

-- query
SELECT conname::text AS conname, contype::text AS contype FROM pg_constraint WHERE conrelid = 'indexes_c'::regclass ORDER BY 1

-- query
SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'indexes_c'::regclass ORDER BY c.relname

-- query
SELECT indexname::text AS indexname, indexdef FROM pg_indexes WHERE tablename = 'indexes_c' ORDER BY 1

-- query
SELECT constraint_name::text AS name, constraint_type::text AS type FROM information_schema.table_constraints WHERE table_name = 'indexes_c' AND constraint_type <> 'CHECK' ORDER BY 1

-- query
SELECT constraint_name::text AS name, column_name::text AS col, ordinal_position AS pos FROM information_schema.key_column_usage WHERE table_name = 'indexes_c' ORDER BY 1, 3

-- error 42701
CREATE TABLE indexes_bad (a int, UNIQUE (a, a))

-- error 42703
CREATE TABLE indexes_bad (a int, UNIQUE (b))

-- Transaction blocks see unique violations at the statement.
-- statement
BEGIN

-- statement
INSERT INTO indexes_c VALUES (1, 1, 1)

-- error 23505
INSERT INTO indexes_c VALUES (2, 1, 2)

-- statement
ROLLBACK

-- statement
BEGIN

-- statement
INSERT INTO indexes_c VALUES (1, 1, 1)

-- statement
DELETE FROM indexes_c WHERE id = 1

-- statement
INSERT INTO indexes_c VALUES (2, 1, 1)

-- statement
COMMIT

-- query
SELECT id, x, y FROM indexes_c ORDER BY id

-- statement
INSERT INTO indexes_c VALUES (3, 3, 3) ON CONFLICT (x) DO UPDATE SET y = 30

-- statement
INSERT INTO indexes_c VALUES (4, 1, 4) ON CONFLICT (x) DO UPDATE SET y = 10

-- query
SELECT id, x, y FROM indexes_c ORDER BY id

-- statement
DROP TABLE indexes_c

-- The names are free once the table is gone.
-- @cluster-refuses 0A000
-- statement
CREATE TABLE indexes_c (id int, x int UNIQUE)

-- statement
DROP TABLE indexes_c

-- statement
DROP TABLE indexes_u

-- statement
DROP TABLE indexes_n

-- statement
DROP TABLE indexes_h

-- An index name is a relation name: no table may take it.
-- statement
CREATE TABLE indexes_x (a int)

-- @cluster-refuses 0A000
-- statement
CREATE INDEX indexes_x_i ON indexes_x (a)

-- error 42P07
CREATE TABLE indexes_x_i (b int)

-- statement
DROP TABLE indexes_x
