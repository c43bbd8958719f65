-- Window functions (may be unsupported in the first engine version; the lead marks the file).

-- query
SELECT id, grp, row_number() OVER (PARTITION BY grp ORDER BY id) AS rn FROM t_items WHERE id <= 30 ORDER BY id

-- query
SELECT id, qty, rank() OVER (ORDER BY qty DESC NULLS LAST) AS r, dense_rank() OVER (ORDER BY qty DESC NULLS LAST) AS dr FROM t_items WHERE id <= 30 ORDER BY r, id

-- query
SELECT id, qty, sum(qty) OVER (ORDER BY id) AS running FROM t_items WHERE id <= 30 ORDER BY id

-- query
SELECT id, grp, qty, sum(qty) OVER (PARTITION BY grp) AS grp_total, count(*) OVER (PARTITION BY grp) AS grp_n FROM t_items WHERE id <= 30 ORDER BY id

-- query
SELECT id, qty, lag(qty) OVER (ORDER BY id) AS prev, lead(qty, 2) OVER (ORDER BY id) AS next2 FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT id, qty, avg(qty) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT id, first_value(id) OVER (PARTITION BY grp ORDER BY id) AS first_id, last_value(id) OVER (PARTITION BY grp ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_id FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT id, ntile(4) OVER (ORDER BY id) AS q FROM t_items WHERE id <= 10 ORDER BY id

-- query
SELECT grp, n, rank() OVER (ORDER BY n DESC) AS r FROM (SELECT grp, count(*) AS n FROM t_items GROUP BY grp) g ORDER BY r, grp NULLS FIRST

-- query
SELECT o.order_id, l.line_id, row_number() OVER (PARTITION BY o.order_id ORDER BY l.amount DESC, l.line_id) AS rn FROM t_orders o JOIN t_lines l USING (order_id) WHERE o.order_id <= 5 ORDER BY o.order_id, rn

-- query
SELECT id, percent_rank() OVER (ORDER BY id) AS pr, cume_dist() OVER (ORDER BY id) AS cd FROM t_items WHERE id <= 8 ORDER BY id

-- error 42P20
SELECT id FROM t_items WHERE row_number() OVER (ORDER BY id) = 1
