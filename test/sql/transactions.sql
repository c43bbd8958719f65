-- Transaction blocks on one connection (each block below is one query text; a transaction spans blocks):
-- ROLLBACK, COMMIT, own writes, failed blocks and savepoints. Scratch tables are named transactions_*.

-- statement
CREATE TABLE transactions_t (id int PRIMARY KEY, v int NOT NULL)

-- statement
INSERT INTO transactions_t VALUES (1, 10), (2, 20)

-- statement
BEGIN

-- statement
INSERT INTO transactions_t VALUES (3, 30)

-- statement
UPDATE transactions_t SET v = v + 1 WHERE id = 1

-- statement
DELETE FROM transactions_t WHERE id = 2

-- query
SELECT id, v FROM transactions_t ORDER BY id

-- query
SELECT count(*), sum(v) FROM transactions_t

-- statement
ROLLBACK

-- query
SELECT id, v FROM transactions_t ORDER BY id

-- statement
BEGIN

-- statement
INSERT INTO transactions_t VALUES (4, 40)

-- query
UPDATE transactions_t SET v = 0 WHERE id = 1 RETURNING id, v

-- statement
COMMIT

-- query
SELECT id, v FROM transactions_t ORDER BY id

-- statement
BEGIN

-- statement
INSERT INTO transactions_t VALUES (5, 50)

-- error 23505
INSERT INTO transactions_t VALUES (1, 1)

-- error 25P02
SELECT 1

-- query
COMMIT

-- query
SELECT id FROM transactions_t ORDER BY id

-- statement
BEGIN

-- statement
INSERT INTO transactions_t VALUES (6, 60)

-- statement
SAVEPOINT sp1

-- statement
INSERT INTO transactions_t VALUES (7, 70)

-- error 23505
INSERT INTO transactions_t VALUES (6, 1)

-- statement
ROLLBACK TO SAVEPOINT sp1

-- query
SELECT id FROM transactions_t WHERE id >= 6 ORDER BY id

-- statement
SAVEPOINT sp2

-- statement
UPDATE transactions_t SET v = 61 WHERE id = 6

-- statement
RELEASE SAVEPOINT sp2

-- error 3B001
ROLLBACK TO SAVEPOINT sp2

-- statement
ROLLBACK

-- error 25P01
SAVEPOINT outside_a_block

-- statement
BEGIN

-- statement
INSERT INTO transactions_t VALUES (8, 80)

-- statement
SAVEPOINT a

-- statement
DELETE FROM transactions_t WHERE id = 8

-- statement
ROLLBACK TO a

-- statement
COMMIT

-- query
SELECT id, v FROM transactions_t WHERE id >= 6 ORDER BY id
