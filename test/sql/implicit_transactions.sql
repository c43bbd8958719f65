-- A simple Query holding several statements runs them as one implicit transaction: an error
-- rolls back what the Query's statements before it did (SETs included) and the rest do not run;
-- BEGIN in the Query makes the statements so far an explicit block that stays open; COMMIT and
-- ROLLBACK end the implicit transaction where they stand; SAVEPOINT is refused (25P01) and VACUUM
-- too (25001), as in any block. Each block below is one Query (@multi-statement: also under
-- EON_DIFF_PROTOCOL=extended; on a cluster of several nodes, where eon runs such a Query
-- one statement at a time, the reference does the same and each block is compared as it answered).
-- Scratch tables are implicit_transactions_*.
-- @multi-statement

-- statement
CREATE TABLE implicit_transactions_t (id int PRIMARY KEY, v text)

-- An error undoes the INSERT before it.
-- error 22012
INSERT INTO implicit_transactions_t VALUES (1, 'a'); SELECT 1 / 0

-- query
SELECT count(*) AS n FROM implicit_transactions_t

-- The tag is the last statement's.
-- statement
INSERT INTO implicit_transactions_t VALUES (2, 'b'); INSERT INTO implicit_transactions_t VALUES (3, 'c')

-- query
SELECT id, v FROM implicit_transactions_t ORDER BY id

-- A duplicate key undoes the row inserted before it in the same Query.
-- error 23505
INSERT INTO implicit_transactions_t VALUES (4, 'd'); INSERT INTO implicit_transactions_t VALUES (2, 'dup')

-- Statements after the error do not run.
-- error 22012
INSERT INTO implicit_transactions_t VALUES (5, 'e'); SELECT 1 / 0; INSERT INTO implicit_transactions_t VALUES (6, 'f')

-- error 22012
UPDATE implicit_transactions_t SET v = 'changed'; DELETE FROM implicit_transactions_t WHERE id = 3; SELECT 1 / 0

-- query
SELECT id, v FROM implicit_transactions_t ORDER BY id

-- Later statements read the Query's own writes.
-- query
INSERT INTO implicit_transactions_t VALUES (20, 'own'); UPDATE implicit_transactions_t SET v = v || '!' WHERE id = 20; SELECT id, v FROM implicit_transactions_t WHERE id >= 20 ORDER BY id

-- query
UPDATE implicit_transactions_t SET v = 'r' WHERE id = 20 RETURNING id, v

-- BEGIN turns the Query's statements so far into an explicit block, open after the Query.
-- statement
INSERT INTO implicit_transactions_t VALUES (7, 'g'); BEGIN; INSERT INTO implicit_transactions_t VALUES (8, 'h')

-- query
SELECT id FROM implicit_transactions_t ORDER BY id

-- statement
ROLLBACK

-- query
SELECT id FROM implicit_transactions_t ORDER BY id

-- COMMIT ends the implicit transaction: what came before it stays, what follows is a new one.
-- error 22012
INSERT INTO implicit_transactions_t VALUES (9, 'i'); COMMIT; INSERT INTO implicit_transactions_t VALUES (10, 'j'); SELECT 1 / 0

-- ROLLBACK discards what came before it in the Query.
-- statement
INSERT INTO implicit_transactions_t VALUES (11, 'k'); ROLLBACK; INSERT INTO implicit_transactions_t VALUES (12, 'l')

-- query
SELECT id FROM implicit_transactions_t ORDER BY id

-- An explicit block failing inside the Query stays failed after it.
-- error 22012
BEGIN; INSERT INTO implicit_transactions_t VALUES (13, 'm'); SELECT 1 / 0; INSERT INTO implicit_transactions_t VALUES (14, 'n')

-- error 25P02
SELECT 1 AS one

-- statement
COMMIT

-- A Query may end a failed block and go on.
-- statement
BEGIN; SELECT 1 AS one

-- error 22012
SELECT 1 / 0

-- statement
ROLLBACK; INSERT INTO implicit_transactions_t VALUES (15, 'o')

-- An explicit block inside the Query commits with its COMMIT; the rest is implicit again.
-- statement
BEGIN; INSERT INTO implicit_transactions_t VALUES (16, 'p'); COMMIT; INSERT INTO implicit_transactions_t VALUES (17, 'q')

-- query
SELECT id FROM implicit_transactions_t ORDER BY id

-- A SET undone with the failed Query; SET LOCAL lasts until the Query ends.
-- error 22012
SET statement_timeout = '5s'; SELECT 1 / 0

-- query
SHOW statement_timeout

-- query
SET LOCAL statement_timeout = '7s'; SHOW statement_timeout

-- query
SHOW statement_timeout

-- statement
SET statement_timeout = '6s'; SELECT 1 AS one

-- query
SHOW statement_timeout

-- statement
RESET statement_timeout

-- SAVEPOINT needs an explicit block: 25P01 undoes the Query.
-- error 25P01
INSERT INTO implicit_transactions_t VALUES (18, 'r'); SAVEPOINT a; INSERT INTO implicit_transactions_t VALUES (19, 's')

-- error 25P01
INSERT INTO implicit_transactions_t VALUES (18, 'r'); RELEASE SAVEPOINT a

-- VACUUM cannot run in a transaction block, an implicit one included.
-- error 25001
INSERT INTO implicit_transactions_t VALUES (18, 'r'); VACUUM implicit_transactions_t

-- error 25001
VACUUM implicit_transactions_t; SELECT 1 AS one

-- statement
BEGIN

-- error 25001
VACUUM implicit_transactions_t

-- statement
ROLLBACK

-- query
SELECT id FROM implicit_transactions_t ORDER BY id

-- A cursor without HOLD lives in the implicit transaction and ends with the Query.
-- query
DECLARE implicit_transactions_c CURSOR FOR SELECT id FROM implicit_transactions_t ORDER BY id; FETCH 2 FROM implicit_transactions_c

-- error 34000
FETCH implicit_transactions_c

-- A table created in a failed Query is gone with it.
-- error 22012
CREATE TABLE implicit_transactions_u (id int PRIMARY KEY); INSERT INTO implicit_transactions_u VALUES (1); SELECT 1 / 0

-- error 42P01
SELECT id FROM implicit_transactions_u

-- query
CREATE TABLE implicit_transactions_u (id int PRIMARY KEY); INSERT INTO implicit_transactions_u VALUES (1), (2); SELECT id FROM implicit_transactions_u ORDER BY id

-- DDL eon runs only outside a block (ALTER TABLE, DROP TABLE; CREATE INDEX in the unit tests, as a
-- cluster refuses it) works among other statements.
-- statement
INSERT INTO implicit_transactions_u VALUES (3); ALTER TABLE implicit_transactions_u ADD COLUMN w int; UPDATE implicit_transactions_u SET w = id * 10

-- query
SELECT id, w FROM implicit_transactions_u ORDER BY id

-- statement
INSERT INTO implicit_transactions_t VALUES (32, 'y'); DROP TABLE implicit_transactions_u; INSERT INTO implicit_transactions_t VALUES (33, 'y')

-- query
SELECT id FROM implicit_transactions_t WHERE v = 'y' ORDER BY id

-- error 42P01
SELECT id FROM implicit_transactions_u

-- statement
DROP TABLE implicit_transactions_t
