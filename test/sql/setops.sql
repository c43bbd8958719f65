-- UNION, UNION ALL, INTERSECT, EXCEPT (set and bag semantics, NULLs as equal, type unification).

-- query
SELECT grp FROM t_items UNION SELECT grp FROM t_groups ORDER BY 1 NULLS FIRST

-- query sorted
SELECT grp FROM t_groups UNION ALL SELECT grp FROM t_groups

-- query
SELECT grp FROM t_items INTERSECT SELECT grp FROM t_groups ORDER BY 1

-- query
SELECT grp FROM t_items EXCEPT SELECT grp FROM t_groups ORDER BY 1 NULLS FIRST

-- query
SELECT grp FROM t_groups EXCEPT SELECT grp FROM t_items ORDER BY 1

-- query sorted
SELECT a, b FROM t_nopk UNION SELECT a, b FROM t_nopk

-- query
SELECT count(*) AS n FROM (SELECT a, b FROM t_nopk UNION ALL SELECT a, b FROM t_nopk) u

-- query sorted
SELECT a, b FROM t_nopk INTERSECT ALL SELECT a, b FROM t_nopk WHERE a = 1

-- query sorted
SELECT a FROM t_nopk EXCEPT ALL SELECT a FROM t_nopk WHERE b = 'x'

-- query
SELECT 1 AS n UNION SELECT 2 UNION SELECT 1 ORDER BY n

-- query
SELECT 1 AS x UNION ALL SELECT 2.5 UNION ALL SELECT NULL ORDER BY x NULLS FIRST

-- query
SELECT 'a' AS s UNION SELECT 'b' ORDER BY s DESC

-- query
SELECT id FROM t_items WHERE id < 5 UNION ALL SELECT order_id FROM t_orders WHERE order_id < 3 ORDER BY id

-- query
(SELECT id FROM t_items ORDER BY id LIMIT 3) UNION ALL (SELECT id FROM t_items ORDER BY id DESC LIMIT 3) ORDER BY 1

-- query
SELECT id FROM t_items WHERE id <= 10 EXCEPT SELECT id FROM t_items WHERE id % 2 = 0 ORDER BY id

-- query
SELECT count(*) AS n FROM (SELECT id FROM t_items INTERSECT SELECT order_id FROM t_orders) x

-- query
SELECT id FROM t_empty UNION SELECT id FROM t_empty

-- query
SELECT product FROM t_lines UNION SELECT customer FROM t_orders ORDER BY 1 NULLS LAST

-- error 42601
SELECT 1, 2 UNION SELECT 1

-- error 42804
SELECT 1 UNION SELECT 'x'::text
