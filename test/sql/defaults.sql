-- Column DEFAULTs, sequences (serial, identity, CREATE SEQUENCE) and CHECK constraints.

-- statement
DROP SEQUENCE IF EXISTS defaults_s

-- statement
DROP SEQUENCE IF EXISTS defaults_down

-- statement
CREATE TABLE defaults_t (id int PRIMARY KEY, n int DEFAULT 7, s text DEFAULT 'x', m int DEFAULT 2 * 3 + 1, f float8 DEFAULT -1.5, z int)

-- statement
INSERT INTO defaults_t (id) VALUES (1)

-- statement
INSERT INTO defaults_t VALUES (2, DEFAULT, 'y', DEFAULT, DEFAULT, DEFAULT)

-- statement
INSERT INTO defaults_t (id, s) VALUES (3, NULL), (4, DEFAULT)

-- statement
INSERT INTO defaults_t (id, n) SELECT 10 + id, id FROM t_items WHERE id <= 3

-- query
SELECT id, n, s, m, f, z FROM defaults_t ORDER BY id

-- statement
UPDATE defaults_t SET n = 100, s = 'changed' WHERE id = 1

-- statement
UPDATE defaults_t SET n = DEFAULT, s = DEFAULT WHERE id = 1

-- query
SELECT id, n, s FROM defaults_t WHERE id = 1

-- statement
CREATE TABLE defaults_nokey (a int DEFAULT 5, b text DEFAULT 'b')

-- @cluster-refuses 0A000
-- statement
INSERT INTO defaults_nokey DEFAULT VALUES

-- query
SELECT a, b FROM defaults_nokey

-- statement
CREATE TABLE defaults_clock (id int PRIMARY KEY, at timestamptz DEFAULT now(), d date DEFAULT current_date, who text DEFAULT current_user)

-- statement
INSERT INTO defaults_clock (id) VALUES (1)

-- query
SELECT id, at IS NOT NULL AS has_at, d = current_date AS today, who = current_user AS me FROM defaults_clock

-- statement
INSERT INTO defaults_clock (id) SELECT id + 1 FROM t_items WHERE id <= 500

-- query
SELECT count(DISTINCT at) AS instants, count(*) AS n FROM defaults_clock WHERE id > 1

-- query
SELECT column_name::text AS c, column_default::text AS d FROM information_schema.columns WHERE table_name = 'defaults_t' AND column_name IN ('id', 'n', 'z') ORDER BY 1

-- statement
CREATE TABLE defaults_forms (id int DEFAULT (-1) PRIMARY KEY, a text DEFAULT 'a,b' NOT NULL, d date DEFAULT now()::date, e int DEFAULT NULL, k int CHECK (k > 0) NO INHERIT, l bigint DEFAULT 2 + 3 * 4 CONSTRAINT l_small CHECK (l < 100))

-- statement
INSERT INTO defaults_forms (k) VALUES (1)

-- query
SELECT id, a, d = current_date AS today, e, k, l FROM defaults_forms

-- error 23514
INSERT INTO defaults_forms (id, k) VALUES (2, 0)

-- error 23514
UPDATE defaults_forms SET l = l * 10

-- statement
DROP TABLE defaults_forms

-- error 0A000
CREATE TABLE defaults_bad (a int, b int DEFAULT a)

-- error 42601
CREATE TABLE defaults_bad (a serial DEFAULT 1)

-- statement
CREATE TABLE defaults_ser (id serial PRIMARY KEY, name text)

-- @cluster-refuses 0A000
-- query
INSERT INTO defaults_ser (name) VALUES ('a'), ('b') RETURNING id, name

-- @cluster-refuses 0A000
-- query
INSERT INTO defaults_ser (name) VALUES ('c') RETURNING id

-- query
SELECT currval('defaults_ser_id_seq') AS c, lastval() AS l

-- statement
INSERT INTO defaults_ser VALUES (100, 'explicit')

-- @cluster-refuses 0A000
-- query
INSERT INTO defaults_ser (name) VALUES ('d') RETURNING id

-- query
SELECT column_default::text AS d FROM information_schema.columns WHERE table_name = 'defaults_ser' AND column_name = 'id'

-- query
SELECT is_nullable::text AS n, data_type::text AS t FROM information_schema.columns WHERE table_name = 'defaults_ser' AND column_name = 'id'

-- statement
BEGIN

-- @cluster-refuses 0A000
-- query
INSERT INTO defaults_ser (name) VALUES ('rolled back') RETURNING id

-- statement
ROLLBACK

-- @cluster-refuses 0A000
-- query
INSERT INTO defaults_ser (name) VALUES ('after rollback') RETURNING id

-- query
SELECT id, name FROM defaults_ser ORDER BY id

-- statement
CREATE TABLE defaults_big (id bigserial, v smallserial)

-- @cluster-refuses 0A000
-- query
INSERT INTO defaults_big DEFAULT VALUES RETURNING id, v

-- @cluster-refuses 0A000
-- statement
CREATE SEQUENCE defaults_s

-- error 55000
SELECT currval('defaults_s')

-- query
SELECT nextval('defaults_s') AS a, nextval('defaults_s') AS b

-- query
SELECT currval('defaults_s') AS c

-- query
SELECT setval('defaults_s', 42) AS v

-- query
SELECT nextval('defaults_s') AS v

-- query
SELECT setval('defaults_s', 5, false) AS v

-- query
SELECT nextval('defaults_s') AS v

-- query
SELECT nextval('defaults_s'::regclass) AS v

-- error 22003
SELECT setval('defaults_s', 0)

-- error 42P01
SELECT nextval('defaults_nosuch')

-- @cluster-refuses 0A000
-- error 42P07
CREATE SEQUENCE defaults_s

-- @cluster-refuses 0A000
-- statement
CREATE SEQUENCE IF NOT EXISTS defaults_s

-- @cluster-refuses 0A000
-- statement
CREATE SEQUENCE defaults_down INCREMENT BY -2 MAXVALUE 3 MINVALUE -3 NO CYCLE

-- query
SELECT nextval('defaults_down') AS a, nextval('defaults_down') AS b, nextval('defaults_down') AS c

-- query
SELECT nextval('defaults_down') AS d

-- error 2200H
SELECT nextval('defaults_down')

-- @cluster-refuses 0A000
-- error 22023
CREATE SEQUENCE defaults_zero INCREMENT BY 0

-- @cluster-refuses 0A000
-- error 22023
CREATE SEQUENCE defaults_zero START WITH 0

-- statement
DROP SEQUENCE defaults_s, defaults_down

-- error 42P01
DROP SEQUENCE defaults_s

-- statement
DROP SEQUENCE IF EXISTS defaults_s

-- error 2BP01
DROP SEQUENCE defaults_ser_id_seq

-- statement
CREATE TABLE defaults_ident (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, b bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 5), v text)

-- @cluster-refuses 0A000
-- query
INSERT INTO defaults_ident (v) VALUES ('a'), ('b') RETURNING id, b, v

-- error 428C9
INSERT INTO defaults_ident (id, v) VALUES (50, 'x')

-- query
INSERT INTO defaults_ident OVERRIDING SYSTEM VALUE VALUES (50, 1, 'x') RETURNING id, b, v

-- @cluster-refuses 0A000
-- query
INSERT INTO defaults_ident (id, b, v) VALUES (DEFAULT, 7, 'y') RETURNING id, b, v

-- error 428C9
UPDATE defaults_ident SET id = 1 WHERE v = 'y'

-- query
SELECT column_name::text AS c, is_identity::text AS i, identity_generation::text AS g, column_default::text AS d FROM information_schema.columns WHERE table_name = 'defaults_ident' ORDER BY ordinal_position

-- statement
CREATE TABLE defaults_chk (id int PRIMARY KEY, qty int CHECK (qty > 0), price numeric CONSTRAINT positive_price CHECK (price >= 0.0), lo int, hi int, CHECK (lo < hi))

-- statement
INSERT INTO defaults_chk VALUES (1, 5, 1.5, 1, 2)

-- statement
INSERT INTO defaults_chk VALUES (2, NULL, NULL, NULL, 3)

-- error 23514
INSERT INTO defaults_chk VALUES (3, 0, 1, 1, 2)

-- error 23514
INSERT INTO defaults_chk VALUES (3, 1, -1, 1, 2)

-- error 23514
INSERT INTO defaults_chk VALUES (3, 1, 1, 5, 2)

-- error 23514
UPDATE defaults_chk SET qty = -1 WHERE id = 1

-- error 23514
INSERT INTO defaults_chk VALUES (1, 1, 1, 1, 2) ON CONFLICT (id) DO UPDATE SET lo = 10

-- statement
INSERT INTO defaults_chk VALUES (1, 1, 1, 1, 2) ON CONFLICT (id) DO UPDATE SET qty = excluded.qty + 10

-- error 23514
INSERT INTO defaults_chk (id, qty, lo, hi) SELECT id, qty, 1, 2 FROM t_items WHERE id BETWEEN 100 AND 200

-- query
SELECT id, qty, price, lo, hi FROM defaults_chk ORDER BY id

-- query
SELECT conname::text AS n, contype::text AS t, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'defaults_chk'::regclass ORDER BY conname

-- query
SELECT constraint_name::text AS n, constraint_type::text AS t FROM information_schema.table_constraints WHERE table_name = 'defaults_chk' AND constraint_name NOT LIKE '%not_null' ORDER BY 1

-- query
SELECT constraint_name::text AS n, check_clause::text AS c FROM information_schema.check_constraints WHERE constraint_name LIKE 'defaults_chk%' OR constraint_name = 'positive_price' ORDER BY 1

-- error 42804
CREATE TABLE defaults_bad (a int CHECK (a + 1))

-- error 42703
CREATE TABLE defaults_bad (a int CHECK (b > 0))

-- statement
CREATE TABLE defaults_both (id serial PRIMARY KEY, n int DEFAULT 0 CHECK (n >= 0))

-- @cluster-refuses 0A000
-- error 23514
INSERT INTO defaults_both (n) VALUES (-1)

-- @cluster-refuses 0A000
-- query
INSERT INTO defaults_both DEFAULT VALUES RETURNING id, n

-- query
SELECT relname::text AS n, relkind::text AS k FROM pg_class WHERE relname LIKE 'defaults%seq' ORDER BY 1

-- statement
DROP TABLE defaults_t, defaults_nokey, defaults_clock, defaults_ser, defaults_big, defaults_ident, defaults_chk, defaults_both

-- query
SELECT count(*) AS n FROM pg_class WHERE relname LIKE 'defaults%seq'

-- statement
CREATE TABLE defaults_utf8 (id int PRIMARY KEY, label text DEFAULT 'héllo wörld', n int DEFAULT 7 CHECK (n > 0))

-- statement
INSERT INTO defaults_utf8 (id) VALUES (1)

-- query
SELECT id, label, n FROM defaults_utf8 ORDER BY id

-- error 23514
INSERT INTO defaults_utf8 (id, n) VALUES (2, 0)

-- statement
DROP TABLE defaults_utf8
