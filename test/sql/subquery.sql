-- Subqueries (IN, NOT IN with NULLs, EXISTS, scalar, correlated, derived tables) and WITH.

-- query
SELECT count(*) AS n FROM t_items WHERE grp IN (SELECT grp FROM t_groups WHERE weight > 5)

-- query
SELECT count(*) AS n FROM t_items WHERE grp NOT IN (SELECT grp FROM t_groups)

-- query
SELECT count(*) AS n FROM t_items WHERE grp NOT IN (SELECT grp FROM t_groups WHERE weight IS NOT NULL)

-- query
SELECT count(*) AS n FROM t_orders WHERE order_id NOT IN (SELECT order_id FROM t_lines)

-- query
SELECT count(*) AS n FROM t_orders WHERE order_id NOT IN (SELECT order_id FROM t_lines WHERE order_id IS NOT NULL)

-- query
SELECT count(*) AS n FROM t_orders WHERE order_id IN (SELECT order_id FROM t_lines)

-- query
SELECT count(*) AS n FROM t_items WHERE id IN (SELECT id FROM t_empty)

-- query
SELECT count(*) AS n FROM t_items WHERE id NOT IN (SELECT id FROM t_empty)

-- query
SELECT o.order_id FROM t_orders o WHERE NOT EXISTS (SELECT 1 FROM t_lines l WHERE l.order_id = o.order_id) ORDER BY o.order_id

-- query
SELECT count(*) AS n FROM t_orders o WHERE EXISTS (SELECT 1 FROM t_lines l WHERE l.order_id = o.order_id AND l.qty = 10)

-- query
SELECT g.grp FROM t_groups g WHERE EXISTS (SELECT 1 FROM t_items i WHERE i.grp = g.grp AND i.qty > 170) ORDER BY g.grp

-- query
SELECT o.order_id, (SELECT count(*) FROM t_lines l WHERE l.order_id = o.order_id) AS n_lines, (SELECT sum(amount) FROM t_lines l WHERE l.order_id = o.order_id) AS total FROM t_orders o WHERE o.order_id <= 15 ORDER BY o.order_id

-- query
SELECT g.grp, (SELECT max(qty) FROM t_items i WHERE i.grp = g.grp) AS max_qty FROM t_groups g ORDER BY g.grp

-- query
SELECT (SELECT max(id) FROM t_items) AS mx, (SELECT min(id) FROM t_empty) AS mn, (SELECT 42) AS c

-- query
SELECT id, qty FROM t_items WHERE qty = (SELECT max(qty) FROM t_items) ORDER BY id

-- query
SELECT id, price FROM t_items i WHERE price > (SELECT avg(price) * 1.9 FROM t_items j WHERE j.grp = i.grp) ORDER BY id

-- error 21000
SELECT (SELECT id FROM t_items WHERE id < 3)

-- query
SELECT x.grp, x.n FROM (SELECT grp, count(*) AS n FROM t_items GROUP BY grp) AS x WHERE x.n > 100 ORDER BY x.grp

-- query
SELECT t.total_bucket, count(*) AS n FROM (SELECT o.order_id, CASE WHEN sum(l.amount) > 2000 THEN 'high' ELSE 'low' END AS total_bucket FROM t_orders o JOIN t_lines l USING (order_id) GROUP BY o.order_id) t GROUP BY t.total_bucket ORDER BY 1

-- query
SELECT * FROM (SELECT id, qty FROM t_items ORDER BY qty DESC NULLS LAST, id LIMIT 5) AS top ORDER BY id

-- query
SELECT * FROM (VALUES (1, 'one'), (2, 'two'), (3, NULL)) AS v(n, name) ORDER BY n

-- query
WITH big AS (SELECT id, qty FROM t_items WHERE qty > 150) SELECT count(*) AS n, min(qty) AS lo FROM big

-- query
WITH per_grp AS (SELECT grp, sum(qty) AS s FROM t_items GROUP BY grp), ranked AS (SELECT grp, s FROM per_grp WHERE s IS NOT NULL) SELECT r.grp, r.s, g.label FROM ranked r LEFT JOIN t_groups g ON g.grp = r.grp ORDER BY r.s DESC

-- query
WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a), c AS (SELECT y * 10 AS z FROM b) SELECT a.x, b.y, c.z FROM a, b, c

-- query
WITH totals AS (SELECT order_id, sum(amount) AS total FROM t_lines GROUP BY order_id) SELECT o.status, count(*) AS n, sum(t.total) AS s FROM t_orders o JOIN totals t ON t.order_id = o.order_id GROUP BY o.status ORDER BY o.status

-- query
WITH e AS (SELECT * FROM t_empty) SELECT count(*) AS n FROM e

-- query
WITH x AS (SELECT grp FROM t_groups) SELECT count(*) AS n FROM t_items WHERE grp IN (SELECT grp FROM x)

-- query
SELECT id FROM t_items WHERE id IN (SELECT order_id FROM t_orders WHERE status = 'open') AND id < 40 ORDER BY id

-- query
SELECT id, grp FROM t_items i WHERE qty > ALL (SELECT qty FROM t_items j WHERE j.grp = 'b' AND qty IS NOT NULL) ORDER BY id

-- query
SELECT count(*) AS n FROM t_items WHERE qty > ANY (SELECT weight FROM t_groups)

-- query
SELECT count(*) AS n FROM t_items WHERE EXISTS (SELECT 1 FROM t_empty)

-- query
SELECT count(*) AS n FROM t_items WHERE NOT EXISTS (SELECT 1 FROM t_empty)

-- query
SELECT customer, (SELECT count(*) FROM t_orders o2 WHERE o2.customer = o.customer) AS n FROM (SELECT DISTINCT customer FROM t_orders) o ORDER BY customer NULLS FIRST

-- query
SELECT (SELECT label FROM t_groups g WHERE g.grp = i.grp) AS label, count(*) AS n FROM t_items i GROUP BY 1 ORDER BY 1 NULLS FIRST

-- error 42703
SELECT * FROM (SELECT id FROM t_items) s WHERE s.qty > 1

-- error 42601
SELECT * FROM (SELECT 1) AS
