-- Views: CREATE [OR REPLACE] VIEW, use in FROM (joins, aggregates, subqueries, views over views,
-- column aliases), DROP VIEW and the dependencies PostgreSQL enforces (2BP01 without CASCADE),
-- OR REPLACE rules (42P16), writes into a view (0A000 for a view PostgreSQL cannot update either),
-- and the catalogs (pg_class, pg_views, information_schema). Scratch relations are named views_*.

-- statement
DROP VIEW IF EXISTS views_tx, views_null, views_top, views_by_grp, views_nested, views_alias, views_cte, views_lit, views_multi CASCADE

-- statement
CREATE TABLE views_t (id int PRIMARY KEY, grp text, qty int, price numeric(10,2))

-- statement
INSERT INTO views_t VALUES (1, 'a', 5, 1.50), (2, 'a', NULL, 2.25), (3, 'b', 7, NULL), (4, NULL, 1, 9.99), (5, 'b', 3, 0.10), (6, 'c', 0, 4.00)

-- statement
CREATE TABLE views_u (grp text PRIMARY KEY, label text)

-- statement
INSERT INTO views_u VALUES ('a', 'alpha'), ('b', 'beta'), ('z', 'zeta')

-- statement
CREATE VIEW views_by_grp AS SELECT grp, count(*) AS n, sum(qty) AS total_qty, max(price) AS top_price FROM views_t GROUP BY grp

-- query sorted
SELECT * FROM views_by_grp

-- query
SELECT grp, n, total_qty FROM views_by_grp WHERE n > 1 ORDER BY grp

-- query
SELECT v.grp, v.n, u.label FROM views_by_grp v JOIN views_u u ON u.grp = v.grp ORDER BY v.grp

-- query
SELECT u.grp, v.n FROM views_u u LEFT JOIN views_by_grp v ON v.grp = u.grp ORDER BY u.grp

-- query
SELECT grp FROM views_u WHERE grp IN (SELECT grp FROM views_by_grp WHERE total_qty > 5) ORDER BY grp

-- query
SELECT (SELECT max(n) FROM views_by_grp) AS most, (SELECT count(*) FROM views_by_grp) AS groups

-- statement
CREATE VIEW views_alias (g, cnt) AS SELECT grp, count(*) FROM views_t GROUP BY grp

-- query sorted
SELECT g, cnt FROM views_alias

-- query sorted
SELECT x.a, x.b FROM views_alias AS x (a, b)

-- query sorted
SELECT x.a, x.cnt FROM views_alias AS x (a)

-- error 42703
SELECT grp FROM views_alias

-- error 42P10
SELECT * FROM views_alias AS x (a, b, c)

-- statement
CREATE VIEW views_nested AS SELECT g, cnt * 10 AS cnt10 FROM views_alias WHERE g IS NOT NULL

-- query
SELECT g, cnt10 FROM views_nested ORDER BY g

-- query
SELECT n.g, n.cnt10, b.top_price FROM views_nested n, views_by_grp b WHERE b.grp = n.g ORDER BY n.g

-- A CTE of the referencing statement does not capture the view's table name.
-- query
WITH views_t AS (SELECT 1 AS id) SELECT g, cnt FROM views_alias ORDER BY g NULLS FIRST

-- statement
CREATE VIEW views_cte AS WITH big AS (SELECT id, qty FROM views_t WHERE qty > 2) SELECT id, qty FROM big

-- query
SELECT id, qty FROM views_cte ORDER BY id

-- statement
CREATE VIEW views_lit AS SELECT 'x' AS s, 1 AS one, 2.5 AS dec

-- query
SELECT s, one, dec FROM views_lit

-- query
SELECT a.attname::text AS attname, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = 'views_lit' ORDER BY a.attnum

-- statement
CREATE VIEW views_null AS SELECT NULL AS x, 'a' AS y, NULL::int AS z

-- query
SELECT x, y, z FROM views_null

-- query
SELECT v.x, t.id FROM views_null v JOIN views_t t ON t.id = 1

-- statement
DROP VIEW views_null

-- statement
CREATE VIEW views_top AS SELECT id, qty FROM views_t ORDER BY qty DESC NULLS LAST, id LIMIT 3

-- query
SELECT id, qty FROM views_top

-- Already exists, as a view or as a table.
-- error 42P07
CREATE VIEW views_top AS SELECT 1 AS id

-- error 42P07
CREATE VIEW views_t AS SELECT 1 AS id

-- error 42809
CREATE OR REPLACE VIEW views_t AS SELECT 1 AS id

-- error 42P01
CREATE VIEW views_bad AS SELECT * FROM views_missing

-- error 42703
CREATE VIEW views_bad AS SELECT nope FROM views_t

-- error 42601
CREATE VIEW views_bad (a, b, c) AS SELECT id, qty FROM views_t

-- error 42701
CREATE VIEW views_bad AS SELECT id, qty AS id FROM views_t

-- OR REPLACE: new columns only at the end; names and types stay.
-- statement
CREATE OR REPLACE VIEW views_top AS SELECT id, qty, price FROM views_t ORDER BY qty DESC NULLS LAST, id LIMIT 2

-- query
SELECT id, qty, price FROM views_top

-- error 42P16
CREATE OR REPLACE VIEW views_top AS SELECT id FROM views_t

-- error 42P16
CREATE OR REPLACE VIEW views_top AS SELECT id, qty AS quantity, price FROM views_t

-- error 42P16
CREATE OR REPLACE VIEW views_top AS SELECT id, qty::bigint AS qty, price FROM views_t

-- statement
CREATE OR REPLACE VIEW views_multi AS SELECT id FROM views_t WHERE id < 3

-- query
SELECT id FROM views_multi ORDER BY id

-- Views see later changes of their tables.
-- statement
INSERT INTO views_t VALUES (7, 'c', 11, 1.00)

-- query
SELECT grp, n, total_qty FROM views_by_grp WHERE grp = 'c'

-- Writes into a view PostgreSQL cannot update either (aggregates, joins, LIMIT) fail as there, with 55000.
-- error 55000
INSERT INTO views_by_grp VALUES ('q', 1, 1, 1)

-- error 55000
UPDATE views_by_grp SET n = 0

-- error 55000
DELETE FROM views_by_grp

-- error 55000
DELETE FROM views_top

-- In a transaction block, view DDL is rolled back with the block (or to a savepoint).
-- statement
BEGIN

-- statement
CREATE VIEW views_tx AS SELECT id FROM views_t WHERE id < 3

-- query
SELECT id FROM views_tx ORDER BY id

-- statement
DROP VIEW views_multi

-- statement
ROLLBACK

-- error 42P01
SELECT * FROM views_tx

-- query
SELECT id FROM views_multi ORDER BY id

-- statement
BEGIN

-- statement
SAVEPOINT s1

-- statement
CREATE OR REPLACE VIEW views_multi AS SELECT id, grp FROM views_t WHERE id < 5

-- query
SELECT id, grp FROM views_multi ORDER BY id

-- statement
ROLLBACK TO SAVEPOINT s1

-- query
SELECT * FROM views_multi ORDER BY id

-- statement
CREATE VIEW views_tx AS SELECT count(*) AS n FROM views_multi

-- statement
COMMIT

-- query
SELECT n FROM views_tx

-- statement
DROP VIEW views_tx

-- Catalogs.
-- query
SELECT relname::text AS relname, relkind::text AS relkind FROM pg_class WHERE relname LIKE 'views\_%' ORDER BY relname

-- query
SELECT viewname::text AS viewname FROM pg_views WHERE schemaname = 'public' AND viewname LIKE 'views\_%' ORDER BY viewname

-- query
SELECT table_name::text AS table_name, table_type::text AS table_type FROM information_schema.tables WHERE table_name LIKE 'views\_%' ORDER BY table_name

-- query
SELECT table_name::text AS table_name, is_updatable::text AS is_updatable FROM information_schema.views WHERE table_name IN ('views_by_grp', 'views_alias', 'views_nested') ORDER BY table_name

-- query
SELECT column_name::text AS column_name, data_type::text AS data_type, ordinal_position::int AS ordinal_position FROM information_schema.columns WHERE table_name = 'views_by_grp' ORDER BY ordinal_position

-- Dependencies: a table or view a view reads cannot be dropped without CASCADE.
-- error 2BP01
DROP TABLE views_t

-- error 2BP01
DROP VIEW views_alias

-- error 42809
DROP TABLE views_by_grp

-- error 42809
DROP VIEW views_u

-- error 42P01
DROP VIEW views_missing

-- statement
DROP VIEW IF EXISTS views_missing

-- Both the view and the one reading it: no CASCADE needed.
-- statement
DROP VIEW views_nested, views_alias

-- query
SELECT viewname::text AS viewname FROM pg_views WHERE viewname LIKE 'views\_%' ORDER BY viewname

-- statement
DROP VIEW views_top RESTRICT

-- CASCADE drops the views that read the table (views_by_grp, views_cte, views_multi).
-- statement
DROP TABLE views_t CASCADE

-- query
SELECT viewname::text AS viewname FROM pg_views WHERE viewname LIKE 'views\_%' ORDER BY viewname

-- error 42P01
SELECT * FROM views_by_grp

-- statement
DROP VIEW views_lit

-- statement
DROP TABLE views_u
