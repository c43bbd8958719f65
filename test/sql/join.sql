-- Joins: inner, left, right, full, cross; ON with non-equi parts, USING, unmatched keys on both sides.

-- query
SELECT count(*) AS n FROM t_orders o JOIN t_lines l ON l.order_id = o.order_id

-- query
SELECT o.order_id, o.customer, l.line_id, l.product FROM t_orders o JOIN t_lines l ON l.order_id = o.order_id WHERE o.order_id <= 10 ORDER BY o.order_id, l.line_id

-- query
SELECT o.order_id, l.line_id FROM t_orders o LEFT JOIN t_lines l ON l.order_id = o.order_id WHERE l.line_id IS NULL ORDER BY o.order_id

-- query
SELECT count(*) AS n, count(l.line_id) AS matched FROM t_orders o LEFT JOIN t_lines l ON l.order_id = o.order_id

-- query
SELECT l.line_id, l.order_id, o.status FROM t_orders o RIGHT JOIN t_lines l ON l.order_id = o.order_id WHERE o.order_id IS NULL ORDER BY l.line_id

-- query
SELECT count(*) AS n, count(o.order_id) AS with_order, count(l.line_id) AS with_line FROM t_orders o FULL JOIN t_lines l ON l.order_id = o.order_id

-- query
SELECT o.order_id, l.line_id FROM t_orders o FULL OUTER JOIN t_lines l ON l.order_id = o.order_id WHERE o.order_id IS NULL OR l.line_id IS NULL ORDER BY o.order_id NULLS LAST, l.line_id

-- query
SELECT g.grp, g.label, count(i.id) AS n FROM t_groups g LEFT JOIN t_items i ON i.grp = g.grp GROUP BY g.grp, g.label ORDER BY g.grp

-- query
SELECT i.grp, count(*) AS n, max(g.label) AS label FROM t_items i LEFT JOIN t_groups g ON g.grp = i.grp GROUP BY i.grp ORDER BY i.grp NULLS FIRST

-- query sorted
SELECT i.grp AS ig, g.grp AS gg, count(*) AS n FROM t_items i FULL JOIN t_groups g ON g.grp = i.grp GROUP BY i.grp, g.grp

-- query
SELECT grp, label, count(*) AS n FROM t_items JOIN t_groups USING (grp) GROUP BY grp, label ORDER BY grp

-- query
SELECT grp, weight, id FROM t_items LEFT JOIN t_groups USING (grp) WHERE id <= 15 ORDER BY id

-- query
SELECT count(*) AS n FROM t_items i JOIN t_groups g ON i.grp = g.grp AND i.qty > g.weight

-- query
SELECT o.order_id, l.line_id, l.qty FROM t_orders o LEFT JOIN t_lines l ON l.order_id = o.order_id AND l.qty > 8 WHERE o.order_id <= 20 ORDER BY o.order_id, l.line_id

-- query
SELECT o.order_id, count(l.line_id) AS big_lines FROM t_orders o LEFT JOIN t_lines l ON l.order_id = o.order_id AND l.amount > 900 GROUP BY o.order_id ORDER BY big_lines DESC, o.order_id LIMIT 10

-- query
SELECT a.order_id AS a_id, b.order_id AS b_id FROM t_orders a JOIN t_orders b ON b.order_id BETWEEN a.order_id + 1 AND a.order_id + 2 WHERE a.order_id <= 5 ORDER BY 1, 2

-- query
SELECT count(*) AS n FROM t_groups CROSS JOIN t_orders

-- query
SELECT g.grp, o.order_id FROM t_groups g CROSS JOIN t_orders o WHERE o.order_id <= 2 ORDER BY g.grp, o.order_id

-- query
SELECT g.grp, o.order_id FROM t_groups g, t_orders o WHERE o.order_id = g.weight ORDER BY g.grp

-- query
SELECT count(*) AS n FROM t_empty e JOIN t_items i ON i.id = e.id

-- query
SELECT count(*) AS n, count(e.id) AS ne FROM t_items i LEFT JOIN t_empty e ON e.id = i.id

-- query
SELECT count(*) AS n FROM t_items i RIGHT JOIN t_empty e ON e.id = i.id

-- query sorted
SELECT x.a, y.a AS ya, x.b FROM t_nopk x JOIN t_nopk y ON x.a = y.a AND x.b = y.b WHERE x.a = 1

-- query
SELECT count(*) AS n FROM t_nopk x JOIN t_nopk y ON x.a = y.a

-- query
SELECT count(*) AS n FROM t_nopk x JOIN t_nopk y ON x.a IS NOT DISTINCT FROM y.a

-- query
SELECT o.customer, sum(l.amount) AS total, count(*) AS n FROM t_orders o JOIN t_lines l ON l.order_id = o.order_id JOIN t_orders o2 ON o2.order_id = o.order_id WHERE o.status <> 'cancelled' GROUP BY o.customer ORDER BY o.customer NULLS FIRST

-- query
SELECT i.id, g.label, o.status FROM t_items i JOIN t_groups g ON g.grp = i.grp LEFT JOIN t_orders o ON o.order_id = i.id WHERE i.id BETWEEN 290 AND 310 ORDER BY i.id

-- query
SELECT l.product, o.status, sum(l.qty) AS q FROM t_lines l INNER JOIN t_orders o ON o.order_id = l.order_id GROUP BY l.product, o.status ORDER BY l.product, o.status

-- query
SELECT i.id, j.id AS jid FROM t_items i JOIN t_items j ON j.id = i.id + 1000 WHERE i.id <= 5 ORDER BY i.id

-- query
SELECT count(*) AS n FROM t_items i JOIN t_items j ON i.big = j.big

-- query
SELECT count(*) AS n FROM t_items i JOIN t_items j ON i.price = j.price AND i.id < j.id

-- query
SELECT s1.id, s2.id AS id2 FROM t_strings s1 JOIN t_strings s2 ON lower(s1.s) = lower(s2.s) AND s1.id < s2.id ORDER BY 1, 2

-- error 42702
SELECT grp FROM t_items i JOIN t_groups g ON g.grp = i.grp

-- error 42P01
SELECT * FROM t_items JOIN no_such_table ON true

-- Hash joins: a small left side (built on), int4 keys with duplicates and NULLs, then text keys.
-- query
SELECT a.id AS a_id, b.id AS b_id, a.qty FROM t_items a JOIN t_items b ON b.qty = a.qty WHERE a.id < 12 AND b.id < 400 ORDER BY a.id, b.id

-- query
SELECT a.id AS a_id, count(b.id) AS n FROM t_items a LEFT JOIN t_items b ON b.qty = a.qty - 1 WHERE a.id < 15 GROUP BY a.id ORDER BY a.id

-- query
SELECT g.grp, g.label, i.id FROM t_groups g JOIN t_items i ON i.grp = g.grp WHERE i.id < 60 ORDER BY i.id, g.grp
