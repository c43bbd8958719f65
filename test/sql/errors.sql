-- Errors both engines must report with the same SQLSTATE; each leaves the connection usable.

-- error 42601
SELEC 1

-- error 42601
SELECT FROM WHERE

-- error 42601
SELECT (1

-- error 42601
SELECT 'unterminated

-- error 42601
SELECT * FROM t_items WHERE

-- error 42P01
SELECT * FROM no_such_table

-- error 42P01
INSERT INTO no_such_table VALUES (1)

-- error 42P01
UPDATE no_such_table SET x = 1

-- error 42P01
DELETE FROM no_such_table

-- error 42703
SELECT no_such_column FROM t_items

-- error 42703
SELECT id FROM t_items WHERE nope = 1

-- error 42703
SELECT t_items.nope FROM t_items

-- error 42703
UPDATE t_items SET nope = 1 WHERE id = -1

-- error 42883
SELECT no_such_function(1)

-- error 42883
SELECT 'a'::text + 1

-- error 42883
SELECT true + 1

-- error 42883
SELECT DATE '2024-01-01' * 2

-- error 22012
SELECT 10 / 0

-- error 22012
SELECT sum(qty) / 0 FROM t_items

-- error 22012
SELECT 1.0 % 0

-- error 22P02
SELECT 'x1'::int

-- error 22P02
SELECT count(*) FROM t_items WHERE id = 'abc'

-- error 22P02
SELECT '1e'::float8

-- error 22P02
SELECT ''::int

-- error 22003
SELECT 2147483647 * 2

-- error 22003
SELECT '99999999999999999999'::bigint

-- error 22003
SELECT '1e400'::float8

-- error 42804
SELECT id FROM t_items WHERE qty

-- error 42804
SELECT CASE WHEN true THEN 1 ELSE 'x'::text END

-- error 42803
SELECT id, count(*) FROM t_items

-- error 42P01
SELECT x.id FROM t_items

-- error 42712
SELECT * FROM t_items a, t_orders a

-- error 42702
SELECT order_id FROM t_orders, t_lines

-- query
SELECT 1 AS still_usable
