-- ALTER TABLE: ADD COLUMN (defaults read by existing rows, NOT NULL, CHECK), DROP COLUMN (views
-- depending on it: 2BP01 unless CASCADE; checks reading it go with it), RENAME COLUMN / RENAME TO,
-- ALTER COLUMN SET/DROP DEFAULT and SET/DROP NOT NULL, ADD/DROP CONSTRAINT CHECK (existing rows
-- validated), several actions in one statement (all or none), and the errors PostgreSQL gives.
-- Scratch relations are named alter_table_*.

-- statement
DROP VIEW IF EXISTS alter_table_v, alter_table_v2, alter_table_vstar CASCADE

-- statement
CREATE TABLE alter_table_t (id int PRIMARY KEY, a text, b int)

-- statement
INSERT INTO alter_table_t SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'r' || g END, CASE WHEN g % 5 = 0 THEN NULL ELSE g * 3 END FROM generate_series(1, 300) AS g

-- statement
ALTER TABLE alter_table_t ADD COLUMN c int DEFAULT 42

-- query
SELECT id, a, b, c FROM alter_table_t WHERE id <= 12 ORDER BY id

-- query
SELECT count(*) AS n, count(c) AS with_c, sum(c) AS total FROM alter_table_t

-- statement
INSERT INTO alter_table_t (id, a) VALUES (1000, 'new')

-- query
SELECT * FROM alter_table_t WHERE id >= 299 ORDER BY id

-- statement
ALTER TABLE alter_table_t ADD COLUMN d text

-- query
SELECT id, c, d FROM alter_table_t WHERE id IN (1, 2, 1000) ORDER BY id

-- statement
ALTER TABLE alter_table_t ADD COLUMN IF NOT EXISTS d int

-- error 42701
ALTER TABLE alter_table_t ADD COLUMN d int

-- error 42701
ALTER TABLE alter_table_t ADD COLUMN id text

-- error 23502
ALTER TABLE alter_table_t ADD COLUMN e int NOT NULL

-- statement
ALTER TABLE alter_table_t ADD COLUMN e numeric(8,2) NOT NULL DEFAULT 1.5

-- query
SELECT id, e FROM alter_table_t WHERE id IN (3, 1000) ORDER BY id

-- error 23514
ALTER TABLE alter_table_t ADD COLUMN f int DEFAULT 0 CHECK (f > 0)

-- statement
ALTER TABLE alter_table_t ADD COLUMN f int DEFAULT 5 CHECK (f > 0)

-- error 23514
INSERT INTO alter_table_t (id, f) VALUES (2000, -1)

-- query
SELECT conname::text AS conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'alter_table_t'::regclass ORDER BY conname

-- statement
ALTER TABLE alter_table_t ADD COLUMN g timestamp DEFAULT '2024-01-02 03:04:05', ADD COLUMN h boolean DEFAULT true

-- query
SELECT id, g, h FROM alter_table_t WHERE id IN (1, 1000) ORDER BY id

-- g's default is left out: eon shows a typed literal's default without its cast
-- query
SELECT column_name::text AS column_name, data_type::text AS data_type, is_nullable::text AS is_nullable, CASE WHEN column_name = 'g' THEN NULL ELSE column_default::text END AS column_default FROM information_schema.columns WHERE table_name = 'alter_table_t' ORDER BY ordinal_position

-- statement
ALTER TABLE alter_table_t DROP COLUMN h

-- statement
ALTER TABLE alter_table_t DROP COLUMN IF EXISTS h

-- error 42703
ALTER TABLE alter_table_t DROP COLUMN h

-- statement
ALTER TABLE alter_table_t DROP COLUMN b

-- query
SELECT * FROM alter_table_t WHERE id <= 6 ORDER BY id

-- query
SELECT count(*) AS n, sum(c) AS c, sum(e) AS e, sum(f) AS f, count(a) AS a FROM alter_table_t

-- statement
UPDATE alter_table_t SET d = 'x' || id WHERE id % 2 = 0

-- query
SELECT id, a, d FROM alter_table_t WHERE id <= 6 ORDER BY id

-- statement
DELETE FROM alter_table_t WHERE id % 3 = 0

-- query
SELECT count(*) AS n FROM alter_table_t

-- statement
ALTER TABLE alter_table_t DROP COLUMN f

-- query
SELECT conname::text AS conname FROM pg_constraint WHERE conrelid = 'alter_table_t'::regclass AND contype = 'c' ORDER BY conname

-- statement
ALTER TABLE alter_table_t ALTER COLUMN c SET DEFAULT 7

-- statement
INSERT INTO alter_table_t (id) VALUES (3000)

-- query
SELECT id, c, e FROM alter_table_t WHERE id = 3000

-- statement
ALTER TABLE alter_table_t ALTER COLUMN c DROP DEFAULT

-- statement
INSERT INTO alter_table_t (id) VALUES (3001)

-- query
SELECT id, c FROM alter_table_t WHERE id = 3001

-- error 23502
ALTER TABLE alter_table_t ALTER COLUMN c SET NOT NULL

-- statement
DELETE FROM alter_table_t WHERE c IS NULL

-- statement
ALTER TABLE alter_table_t ALTER COLUMN c SET NOT NULL

-- error 23502
INSERT INTO alter_table_t (id) VALUES (3002)

-- statement
ALTER TABLE alter_table_t ALTER COLUMN c DROP NOT NULL

-- statement
INSERT INTO alter_table_t (id) VALUES (3002)

-- error 42P16
ALTER TABLE alter_table_t ALTER COLUMN id DROP NOT NULL

-- error 42703
ALTER TABLE alter_table_t ALTER COLUMN nope SET DEFAULT 1

-- error 23514
ALTER TABLE alter_table_t ADD CONSTRAINT alter_table_c_big CHECK (c > 10)

-- query
SELECT id, c FROM alter_table_t WHERE c <= 10 ORDER BY id

-- statement
ALTER TABLE alter_table_t ADD CONSTRAINT alter_table_c_big CHECK (c < 100)

-- error 23514
INSERT INTO alter_table_t (id, c) VALUES (4000, 300)

-- error 42710
ALTER TABLE alter_table_t ADD CONSTRAINT alter_table_c_big CHECK (c > 11)

-- statement
ALTER TABLE alter_table_t ADD CHECK (id > 0)

-- query
SELECT conname::text AS conname FROM pg_constraint WHERE conrelid = 'alter_table_t'::regclass AND contype = 'c' ORDER BY conname

-- statement
ALTER TABLE alter_table_t DROP CONSTRAINT alter_table_c_big

-- statement
INSERT INTO alter_table_t (id, c) VALUES (4000, 300)

-- error 42704
ALTER TABLE alter_table_t DROP CONSTRAINT alter_table_c_big

-- statement
ALTER TABLE alter_table_t DROP CONSTRAINT IF EXISTS alter_table_c_big

-- -- Several actions in one statement: all or none.

-- error 23502
ALTER TABLE alter_table_t ADD COLUMN k int DEFAULT 1, ALTER COLUMN d SET NOT NULL

-- query
SELECT column_name::text AS column_name FROM information_schema.columns WHERE table_name = 'alter_table_t' ORDER BY ordinal_position

-- statement
ALTER TABLE alter_table_t ADD COLUMN k int DEFAULT 1, ADD CONSTRAINT alter_table_k_pos CHECK (k > 0 AND c > 5), DROP COLUMN d

-- query
SELECT * FROM alter_table_t WHERE id <= 5 OR id >= 3000 ORDER BY id

-- -- Renames.

-- statement
ALTER TABLE alter_table_t RENAME COLUMN k TO kk

-- error 23514
INSERT INTO alter_table_t (id, c, kk) VALUES (5000, 20, 0)

-- error 42703
ALTER TABLE alter_table_t RENAME COLUMN nope TO x

-- error 42701
ALTER TABLE alter_table_t RENAME COLUMN kk TO a

-- statement
ALTER TABLE alter_table_t RENAME TO alter_table_u

-- error 42P01
SELECT * FROM alter_table_t

-- query
SELECT id, a, kk FROM alter_table_u WHERE id <= 4 ORDER BY id

-- statement
CREATE TABLE alter_table_t (x int)

-- error 42P07
ALTER TABLE alter_table_u RENAME TO alter_table_t

-- statement
DROP TABLE alter_table_t

-- statement
ALTER TABLE alter_table_u RENAME TO alter_table_t

-- error 42P01
ALTER TABLE alter_table_missing ADD COLUMN x int

-- statement
ALTER TABLE IF EXISTS alter_table_missing ADD COLUMN x int

-- statement
ALTER TABLE IF EXISTS alter_table_missing RENAME TO alter_table_missing2

-- -- Views: dropping a column a view reads is refused unless CASCADE.

-- statement
CREATE VIEW alter_table_v AS SELECT id, a FROM alter_table_t WHERE id < 10

-- statement
CREATE VIEW alter_table_v2 AS SELECT id, e FROM alter_table_t

-- statement
ALTER TABLE alter_table_t ADD COLUMN z int DEFAULT 9

-- query
SELECT * FROM alter_table_v ORDER BY id

-- statement
ALTER TABLE alter_table_t DROP COLUMN z

-- error 2BP01
ALTER TABLE alter_table_t DROP COLUMN a

-- query
SELECT * FROM alter_table_v ORDER BY id

-- statement
ALTER TABLE alter_table_t DROP COLUMN a CASCADE

-- query
SELECT table_name::text AS table_name FROM information_schema.views WHERE table_name LIKE 'alter_table_%' ORDER BY table_name

-- query
SELECT id, e FROM alter_table_v2 WHERE id < 5 ORDER BY id

-- -- A table without a primary key, empty tables.

-- statement
CREATE TABLE alter_table_n (a int, b text)

-- @cluster-refuses 0A000
-- statement
INSERT INTO alter_table_n VALUES (1, 'x'), (NULL, 'y'), (1, NULL), (2, 'z')

-- statement
ALTER TABLE alter_table_n ADD COLUMN c text DEFAULT 'dflt', DROP COLUMN b

-- query sorted
SELECT * FROM alter_table_n

-- @cluster-refuses 0A000
-- statement
INSERT INTO alter_table_n VALUES (3, 'w')

-- query sorted
SELECT a, c FROM alter_table_n

-- statement
CREATE TABLE alter_table_e (id int PRIMARY KEY)

-- statement
ALTER TABLE alter_table_e ADD COLUMN v int NOT NULL

-- statement
ALTER TABLE alter_table_e ADD COLUMN s serial

-- @cluster-refuses 0A000
-- statement
INSERT INTO alter_table_e (id, v) VALUES (1, 10), (2, 20)

-- query
SELECT * FROM alter_table_e ORDER BY id

-- -- Defaults checked and converted when the column is added; identifiers; re-adding a dropped name.

-- statement
CREATE TABLE alter_table_d (id int PRIMARY KEY, a int)

-- statement
INSERT INTO alter_table_d VALUES (1, 10), (2, NULL), (3, 30)

-- error 22001
ALTER TABLE alter_table_d ADD COLUMN s varchar(3) DEFAULT 'abcdef'

-- error 22P02
ALTER TABLE alter_table_d ADD COLUMN n int DEFAULT 'abc'

-- error 0A000
ALTER TABLE alter_table_d ADD COLUMN n int DEFAULT a + 1

-- error 23502
ALTER TABLE alter_table_d ADD COLUMN n int NOT NULL DEFAULT NULL

-- error 23502
ALTER TABLE alter_table_d ADD COLUMN n int, ALTER COLUMN n SET NOT NULL

-- error 23514
ALTER TABLE alter_table_d ADD COLUMN n int DEFAULT 20 CHECK (n > a)

-- error 42703
ALTER TABLE alter_table_d ADD COLUMN n int DEFAULT 1, DROP COLUMN nope

-- statement
ALTER TABLE alter_table_d ADD COLUMN "Mixed Case" varchar(5) DEFAULT 'ab', ADD COLUMN t timestamptz DEFAULT now(), ADD COLUMN big bigint DEFAULT 9007199254740993, ADD COLUMN iv interval DEFAULT '1 day 02:00'

-- query
SELECT id, a, "Mixed Case", big, iv FROM alter_table_d ORDER BY id

-- query
SELECT count(DISTINCT t) AS one_now, count(t) AS filled FROM alter_table_d

-- statement
ALTER TABLE alter_table_d DROP COLUMN a, DROP COLUMN t

-- statement
ALTER TABLE alter_table_d ADD COLUMN a text

-- query
SELECT * FROM alter_table_d ORDER BY id

-- statement
ALTER TABLE alter_table_d RENAME COLUMN "Mixed Case" TO mc

-- statement
ALTER TABLE IF EXISTS alter_table_missing RENAME COLUMN a TO b

-- error 42P01
ALTER TABLE alter_table_missing RENAME COLUMN a TO b

-- query
SELECT id, mc FROM alter_table_d ORDER BY id

-- statement
DROP TABLE alter_table_d, alter_table_e, alter_table_n, alter_table_t CASCADE
