-- Aggregates with GROUP BY/HAVING, over empty tables and all-NULL groups; result types of sum/avg.

-- query
SELECT count(*) AS n, count(qty) AS nq, count(DISTINCT grp) AS ng, sum(qty) AS sq, min(qty) AS lo, max(qty) AS hi FROM t_items

-- query
SELECT sum(price) AS sp, avg(price) AS ap, min(price) AS lo, max(price) AS hi FROM t_items

-- query
SELECT avg(qty) AS aq, sum(big) AS sb, avg(big) AS ab, min(big) AS lb, max(big) AS hb FROM t_items

-- query approx
SELECT sum(score) AS ss, avg(score) AS av, min(score) AS lo, max(score) AS hi FROM t_items WHERE abs(score) < 1e10

-- query
SELECT min(d) AS d0, max(d) AS d1, min(ts) AS t0, max(ts) AS t1, min(cat) AS c0, max(cat) AS c1 FROM t_items

-- query
SELECT bool_and(flag) AS ba, bool_or(flag) AS bo, every(flag) AS ev FROM t_items

-- query
SELECT grp, count(*) AS n, count(qty) AS nq, sum(qty) AS sq, min(price) AS lo, max(price) AS hi FROM t_items GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT grp, avg(qty) AS aq, avg(price) AS ap, sum(price) AS sp FROM t_items GROUP BY grp ORDER BY grp NULLS LAST

-- query approx
SELECT grp, sum(score) AS ss, avg(score) AS av FROM t_items WHERE abs(score) < 1e10 GROUP BY grp ORDER BY grp NULLS LAST

-- query
SELECT grp, sum(qty) AS sq, avg(qty) AS aq, min(qty) AS lo, count(qty) AS nq FROM t_items WHERE grp = 'h' GROUP BY grp

-- query
SELECT count(*) AS n, count(v) AS nv, sum(k) AS sk, avg(k) AS ak, min(v) AS lo, max(n) AS hi, sum(x) AS sx FROM t_empty

-- query
SELECT k, count(*) AS n FROM t_empty GROUP BY k

-- query
SELECT count(*) AS n FROM t_empty HAVING count(*) = 0

-- query
SELECT sum(qty) AS s FROM t_items WHERE false

-- query sorted
SELECT grp, cat, count(*) AS n FROM t_items GROUP BY grp, cat

-- query
SELECT grp, count(*) AS n FROM t_items GROUP BY grp HAVING count(*) > 50 ORDER BY n DESC, grp

-- query
SELECT grp, sum(qty) AS s FROM t_items GROUP BY grp HAVING sum(qty) > 1000 OR sum(qty) IS NULL ORDER BY grp NULLS FIRST

-- query
SELECT grp, max(price) - min(price) AS spread FROM t_items WHERE grp IS NOT NULL GROUP BY grp HAVING min(qty) < 0 ORDER BY grp

-- query
SELECT flag, count(*) AS n, sum(qty) AS s FROM t_items GROUP BY flag ORDER BY flag NULLS FIRST

-- query
SELECT extract(month FROM d) AS m, grp, count(*) AS n FROM t_items WHERE grp IN ('b', 'c') GROUP BY 1, 2 ORDER BY 1, 2

-- query
SELECT count(DISTINCT cat) AS dc, count(DISTINCT qty) AS dq, count(DISTINCT flag) AS df, sum(DISTINCT qty) AS sdq FROM t_items

-- query
SELECT grp, count(DISTINCT cat) AS dc FROM t_items GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT sum(qty) / count(qty) AS a, sum(price) / count(*) AS b FROM t_items

-- query
SELECT sum(2147483647) AS a FROM t_items

-- query
SELECT sum(1::smallint) AS a, sum(1::bigint) AS b, sum(1.5) AS c, avg(1::smallint) AS d, avg(1.50) AS e, avg(1::float8) AS f FROM t_items

-- query
SELECT sum(big) AS s FROM t_items WHERE big > 0

-- query
SELECT avg(x) AS a FROM (VALUES (1), (2), (2)) AS v(x)

-- query
SELECT avg(x) AS a, sum(x) AS s FROM (VALUES (1.25), (2.5), (NULL)) AS v(x)

-- query
SELECT a, count(*) AS n, count(b) AS nb FROM t_nopk GROUP BY a ORDER BY a NULLS LAST

-- query
SELECT a, b, count(*) AS n FROM t_nopk GROUP BY a, b HAVING count(*) > 1 ORDER BY a NULLS FIRST, b NULLS FIRST

-- query
SELECT count(*) AS groups FROM (SELECT grp FROM t_items GROUP BY grp) AS g

-- query
SELECT grp, count(*) FROM t_items GROUP BY grp ORDER BY 2 DESC, 1

-- query
SELECT count(*), sum(qty), avg(qty), min(qty), max(qty) FROM t_items

-- query
SELECT o.status, count(*) AS n, sum(l.amount) AS total, avg(l.qty) AS aq FROM t_orders o JOIN t_lines l ON l.order_id = o.order_id GROUP BY o.status ORDER BY o.status

-- query
SELECT customer, count(*) AS n FROM t_orders GROUP BY customer ORDER BY count(*) DESC, customer NULLS FIRST

-- query
SELECT grp, sum(CASE WHEN flag THEN 1 ELSE 0 END) AS yes, sum(CASE WHEN NOT flag THEN 1 ELSE 0 END) AS no FROM t_items GROUP BY grp ORDER BY grp NULLS LAST

-- query
SELECT count(*) FILTER (WHERE qty > 100) AS big, count(*) FILTER (WHERE qty <= 100) AS small FROM t_items

-- query
SELECT grp, string_agg(cat, ',' ORDER BY cat) AS cats FROM t_items WHERE id <= 30 GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT 1 AS one, count(*) AS n FROM t_items WHERE id < 0

-- error 42803
SELECT grp, qty FROM t_items GROUP BY grp

-- error 42803
SELECT grp FROM t_items WHERE count(*) > 1 GROUP BY grp

-- error 22003
SELECT sum(big::int) FROM t_items WHERE big > 3000000000
