-- Grouping sets (GROUPING SETS, ROLLUP, CUBE, mixed with plain keys, GROUP BY DISTINCT) with
-- grouping(), array_agg (compared as text: eon's arrays are their text form) and the ordered-set
-- aggregates percentile_cont, percentile_disc and mode; over the shared data (NULL keys,
-- duplicates, empty tables) and over a table large enough (24,000 rows) for the data engines.

-- query
SELECT grp, flag, count(*) AS n, sum(qty) AS sq, grouping(grp, flag) AS g FROM t_items GROUP BY GROUPING SETS ((grp, flag), (grp), ()) ORDER BY g, grp NULLS FIRST, flag NULLS FIRST

-- query
SELECT grp, flag, count(*) AS n, max(price) AS mp, grouping(grp, flag) AS g, grouping(flag) AS gf, grouping(flag, grp) AS gr FROM t_items GROUP BY ROLLUP (grp, flag) ORDER BY g, grp NULLS FIRST, flag NULLS FIRST

-- query
SELECT grp, flag, count(*) AS n, avg(qty) AS aq, grouping(grp, flag) AS g FROM t_items GROUP BY CUBE (grp, flag) ORDER BY g, grp NULLS FIRST, flag NULLS FIRST

-- Plain keys times a ROLLUP: (flag, grp, q), (flag, grp), (flag).
-- query
SELECT flag, grp, qty % 3 AS q, count(*) AS n, grouping(flag, grp, qty % 3) AS g FROM t_items GROUP BY flag, ROLLUP (grp, qty % 3) ORDER BY g, flag NULLS FIRST, grp NULLS FIRST, q NULLS FIRST

-- query
SELECT a, b, count(*) AS n, grouping(a, b) AS g FROM t_nopk GROUP BY CUBE (a, b) ORDER BY g, a NULLS FIRST, b NULLS FIRST

-- Duplicate sets give duplicate rows.
-- query sorted
SELECT grp, count(*) AS n, grouping(grp) AS g FROM t_items GROUP BY GROUPING SETS (grp, grp, ())

-- query sorted
SELECT a, b, count(*) AS n FROM t_nopk GROUP BY ROLLUP (a), ROLLUP (a, b)

-- query sorted
SELECT a, b, count(*) AS n FROM t_nopk GROUP BY DISTINCT ROLLUP (a), ROLLUP (a, b)

-- Nested: GROUPING SETS holding a ROLLUP, a CUBE, a list and the empty set.
-- query sorted
SELECT grp, flag, qty > 50 AS hi, count(*) AS n, sum(price) AS sp, grouping(grp, flag, qty > 50) AS g FROM t_items GROUP BY GROUPING SETS (ROLLUP (grp, flag), CUBE (qty > 50), (grp, qty > 50), ())

-- Mixed: plain key × CUBE × GROUPING SETS.
-- query sorted
SELECT flag, grp, qty IS NULL AS nq, count(*) AS n, grouping(flag, grp, qty IS NULL) AS g FROM t_items GROUP BY flag, CUBE (grp), GROUPING SETS ((qty IS NULL), ())

-- A parenthesized list in ROLLUP is one element.
-- query
SELECT grp, flag, count(*) AS n FROM t_items GROUP BY ROLLUP ((grp, flag)) ORDER BY grouping(grp), grp NULLS FIRST, flag NULLS FIRST

-- Positions and select-list names as keys; expressions over keys see NULL in the rollup rows.
-- query
SELECT grp AS g, upper(grp) AS u, count(*) AS n, coalesce(grp, 'all') AS label FROM t_items GROUP BY ROLLUP (1) ORDER BY grouping(grp), g NULLS FIRST

-- query
SELECT grp AS g, flag, count(*) AS n FROM t_items GROUP BY GROUPING SETS ((g), (2)) ORDER BY grouping(grp, flag), g NULLS FIRST, flag NULLS FIRST

-- HAVING and ORDER BY over the sets' rows.
-- query
SELECT grp, flag, count(*) AS n FROM t_items GROUP BY ROLLUP (grp, flag) HAVING count(*) > 100 ORDER BY n DESC, grp NULLS FIRST, flag NULLS FIRST

-- query
SELECT grp, sum(qty) AS sq FROM t_items GROUP BY ROLLUP (grp) HAVING grouping(grp) = 1 OR sum(qty) > 5000 ORDER BY grouping(grp), sum(qty) DESC NULLS LAST, grp

-- query
SELECT grp, sum(qty) AS sq, rank() OVER (PARTITION BY grouping(grp) ORDER BY sum(qty) DESC NULLS LAST, grp) AS r FROM t_items GROUP BY ROLLUP (grp) ORDER BY grouping(grp), r

-- query
SELECT DISTINCT grouping(grp, flag) AS g FROM t_items GROUP BY CUBE (grp, flag) ORDER BY g

-- Over joins (the input is computed once).
-- query
SELECT o.status, l.product, count(*) AS n, sum(l.amount) AS amt, grouping(o.status, l.product) AS g FROM t_orders o JOIN t_lines l ON l.order_id = o.order_id GROUP BY ROLLUP (o.status, l.product) ORDER BY g, o.status NULLS FIRST, l.product NULLS FIRST

-- A grouping-sets query inside a subquery and with a correlated subquery over it.
-- query
SELECT count(*) AS sets_rows, sum(n) AS total FROM (SELECT grp, flag, count(*) AS n FROM t_items GROUP BY CUBE (grp, flag)) s

-- query
SELECT g.grp, (SELECT count(*) FROM t_items i WHERE i.grp = g.grp) AS n, grouping(g.grp) AS gg FROM t_groups g GROUP BY ROLLUP (g.grp) ORDER BY gg, g.grp

-- Grouping sets inside a correlated subquery (its input differs per outer row).
-- query
SELECT g.grp, (SELECT count(*) FROM t_items i WHERE i.grp = g.grp GROUP BY ROLLUP (i.flag) ORDER BY count(*) DESC LIMIT 1) AS m, (SELECT array_agg(DISTINCT i.flag)::text FROM t_items i WHERE i.grp = g.grp GROUP BY ROLLUP (i.flag) ORDER BY grouping(i.flag) DESC LIMIT 1) AS fs FROM t_groups g ORDER BY g.grp

-- A CTE as input; ORDER BY an aggregate not in the select list.
-- query
WITH c AS (SELECT grp, qty, price FROM t_items WHERE qty > 20) SELECT grp, count(*) AS n FROM c GROUP BY GROUPING SETS ((grp), ()) ORDER BY sum(price) DESC NULLS LAST, grp NULLS FIRST

-- A parenthesized key list at the top level is its keys.
-- query
SELECT grp, flag, count(*) AS n FROM t_items GROUP BY (grp, flag) ORDER BY grp NULLS FIRST, flag NULLS FIRST

-- query
SELECT grp, count(*) AS n FROM t_items GROUP BY GROUPING SETS ((grp), ()) HAVING grp IS NULL ORDER BY n

-- grouping() with a plain GROUP BY is 0.
-- query
SELECT grp, grouping(grp) AS g, count(*) AS n FROM t_items GROUP BY grp ORDER BY grp NULLS FIRST

-- Empty input: the empty set still has its row; sets with keys have none.
-- query
SELECT k, count(*) AS n, sum(x) AS sx, grouping(k) AS g FROM t_empty GROUP BY ROLLUP (k)

-- query
SELECT k, v, count(*) AS n FROM t_empty GROUP BY CUBE (k, v)

-- query
SELECT k, count(*) AS n FROM t_empty GROUP BY GROUPING SETS ((k), (v))

-- query
SELECT count(*) AS n FROM t_items WHERE false GROUP BY GROUPING SETS ((), ())

-- error 54011
SELECT count(*) AS n FROM t_items GROUP BY CUBE (id, grp, cat, qty, price, score, big, flag, d, ts, qty + 1, qty + 2, qty + 3)

-- error 54001
SELECT count(*) AS n FROM t_items GROUP BY CUBE (id, grp, cat, qty, price, score, big, flag, d, ts, qty + 1, qty + 2), CUBE (qty + 3)

-- error 42803
SELECT grouping(qty) AS g FROM t_items GROUP BY grp

-- error 42803
SELECT grouping(grp) AS g FROM t_items

-- error 42803
SELECT count(*) AS n FROM t_items WHERE grouping(grp) = 0 GROUP BY grp

-- error 42803
SELECT qty, count(*) AS n FROM t_items GROUP BY ROLLUP (grp)

-- array_agg: PostgreSQL's array text, NULL elements and quoting included.
-- query
SELECT grp, array_agg(qty ORDER BY qty NULLS FIRST, id)::text AS qs FROM t_items WHERE id < 200 GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT array_agg(cat ORDER BY id)::text AS cats FROM t_items WHERE id < 120

-- query
SELECT array_agg(s ORDER BY id)::text AS ss FROM t_strings

-- query
SELECT array_agg(price ORDER BY id)::text AS ps, array_agg(score ORDER BY id)::text AS sc, array_agg(d ORDER BY id)::text AS ds, array_agg(ts ORDER BY id)::text AS tss, array_agg(flag ORDER BY id)::text AS fs, array_agg(big ORDER BY id)::text AS bs FROM t_items WHERE id < 40

-- query
SELECT array_agg(DISTINCT grp)::text AS gs, array_agg(DISTINCT qty)::text AS qs, array_agg(DISTINCT flag)::text AS fs FROM t_items WHERE id < 300

-- query
SELECT array_agg(DISTINCT grp ORDER BY grp DESC)::text AS gs, array_agg(DISTINCT cat ORDER BY cat NULLS FIRST)::text AS cs FROM t_items WHERE id < 300

-- query
SELECT a, array_agg(b ORDER BY b DESC NULLS LAST)::text AS bs, array_agg(DISTINCT b)::text AS db FROM t_nopk GROUP BY a ORDER BY a NULLS FIRST

-- query
SELECT grp, array_agg(qty ORDER BY id) FILTER (WHERE qty > 95)::text AS hi FROM t_items GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT grp, (array_agg(qty ORDER BY qty DESC NULLS LAST, id))[1] AS top, (array_agg(id ORDER BY id))[2] AS second_id FROM t_items GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT array_agg(v)::text AS vs, array_agg(DISTINCT k)::text AS ks FROM t_empty

-- query
SELECT k, array_agg(v)::text AS vs FROM t_empty GROUP BY k

-- query
SELECT id, (array_agg(qty) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW))::text AS w FROM t_items WHERE id < 30 ORDER BY id

-- query
SELECT grp, flag, array_agg(id ORDER BY id)::text AS ids FROM t_items WHERE id < 60 GROUP BY ROLLUP (grp, flag) ORDER BY grouping(grp, flag), grp NULLS FIRST, flag NULLS FIRST

-- error 42P10
SELECT array_agg(DISTINCT qty ORDER BY id)::text AS q FROM t_items

-- Ordered-set aggregates.
-- query
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY score) AS med, percentile_cont(0.1) WITHIN GROUP (ORDER BY score) AS p10, percentile_disc(0.5) WITHIN GROUP (ORDER BY score) AS dmed, mode() WITHIN GROUP (ORDER BY qty) AS mq FROM t_items

-- query
SELECT grp, percentile_cont(0.25) WITHIN GROUP (ORDER BY qty) AS p25, percentile_cont(0.75) WITHIN GROUP (ORDER BY qty DESC) AS p75d, percentile_disc(0.25) WITHIN GROUP (ORDER BY qty) AS d25, percentile_disc(0.25) WITHIN GROUP (ORDER BY qty DESC) AS d25d, mode() WITHIN GROUP (ORDER BY qty) AS mq, mode() WITHIN GROUP (ORDER BY qty DESC) AS mqd FROM t_items GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT percentile_cont(0) WITHIN GROUP (ORDER BY qty) AS p0, percentile_cont(1) WITHIN GROUP (ORDER BY qty) AS p1, percentile_disc(0) WITHIN GROUP (ORDER BY qty) AS d0, percentile_disc(1) WITHIN GROUP (ORDER BY qty) AS d1, percentile_cont(NULL) WITHIN GROUP (ORDER BY qty) AS pn, percentile_cont(0.333) WITHIN GROUP (ORDER BY price) AS pp FROM t_items

-- query
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY cat) AS c, percentile_disc(0.3) WITHIN GROUP (ORDER BY price) AS p, percentile_disc(0.7) WITHIN GROUP (ORDER BY d) AS d, percentile_disc(0.9) WITHIN GROUP (ORDER BY ts DESC) AS t, mode() WITHIN GROUP (ORDER BY grp) AS mg, mode() WITHIN GROUP (ORDER BY cat) AS mc FROM t_items

-- query
SELECT grp, percentile_cont(0.5) WITHIN GROUP (ORDER BY qty * interval '1 day 3 hours') AS pi, percentile_cont(0.37) WITHIN GROUP (ORDER BY d - date '2020-01-01') AS pd FROM t_items GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT a, percentile_cont(0.5) WITHIN GROUP (ORDER BY a) AS pa, mode() WITHIN GROUP (ORDER BY b) AS mb, percentile_disc(0.5) WITHIN GROUP (ORDER BY b) FILTER (WHERE b IS NOT NULL) AS db FROM t_nopk GROUP BY a ORDER BY a NULLS FIRST

-- query
SELECT grp, flag, percentile_disc(0.5) WITHIN GROUP (ORDER BY qty) AS med, grouping(grp, flag) AS g FROM t_items GROUP BY ROLLUP (grp, flag) ORDER BY g, grp NULLS FIRST, flag NULLS FIRST

-- query
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS px, percentile_disc(0.5) WITHIN GROUP (ORDER BY v) AS dv, mode() WITHIN GROUP (ORDER BY k) AS mk FROM t_empty

-- query
SELECT k, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS px FROM t_empty GROUP BY k

-- error 22003
SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY score) AS p FROM t_items

-- error 22003
SELECT percentile_disc(-0.1) WITHIN GROUP (ORDER BY qty) AS p FROM t_items

-- error 22003
SELECT percentile_cont(2) WITHIN GROUP (ORDER BY x) AS p FROM t_empty

-- error 42883
SELECT percentile_cont(0.5) AS p FROM t_items

-- error 42883
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY cat) AS p FROM t_items

-- error 42809
SELECT count(*) WITHIN GROUP (ORDER BY qty) AS n FROM t_items

-- error 0A000
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY qty) OVER () AS p FROM t_items

-- A table large enough that its aggregates run in the data engines.
-- statement
CREATE TABLE grouping_big (id int PRIMARY KEY, grp text, flag boolean, qty int, price numeric(10,2), score double precision, cat varchar(10))

-- statement
INSERT INTO grouping_big SELECT a.id * 100 + b.n, a.grp, a.flag, a.qty, a.price, a.score, a.cat FROM t_items a CROSS JOIN (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12)) AS b(n)

-- query
SELECT grp, flag, count(*) AS n, sum(qty) AS sq, avg(price) AS ap, min(qty) AS mn, max(price) AS mx, grouping(grp, flag) AS g FROM grouping_big GROUP BY ROLLUP (grp, flag) ORDER BY g, grp NULLS FIRST, flag NULLS FIRST

-- query
SELECT grp, flag, count(*) AS n, sum(price) AS sp FROM grouping_big WHERE qty > 10 GROUP BY CUBE (grp, flag) HAVING count(*) > 1000 ORDER BY grouping(grp, flag), grp NULLS FIRST, flag NULLS FIRST

-- query
SELECT grp, count(*) AS n, sum(qty) AS sq FROM grouping_big GROUP BY GROUPING SETS ((grp), (), (grp)) ORDER BY grouping(grp), grp NULLS FIRST, n

-- query
SELECT grp, percentile_cont(0.5) WITHIN GROUP (ORDER BY qty) AS med, percentile_disc(0.9) WITHIN GROUP (ORDER BY price) AS p90, mode() WITHIN GROUP (ORDER BY cat) AS mc, count(*) AS n FROM grouping_big GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT array_agg(DISTINCT grp)::text AS gs, array_agg(DISTINCT flag)::text AS fs, count(*) AS n, sum(qty) AS sq FROM grouping_big

-- query
SELECT grp, array_agg(DISTINCT qty ORDER BY qty DESC NULLS FIRST)::text AS qs FROM grouping_big WHERE qty > 90 OR qty IS NULL GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT grp, flag, percentile_cont(0.5) WITHIN GROUP (ORDER BY score) AS med, count(*) AS n FROM grouping_big GROUP BY ROLLUP (grp, flag) ORDER BY grouping(grp, flag), grp NULLS FIRST, flag NULLS FIRST

-- statement
DROP TABLE grouping_big
