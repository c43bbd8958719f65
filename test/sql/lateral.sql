-- LATERAL: subqueries and table functions in FROM that read earlier FROM items (comma, CROSS,
-- INNER and LEFT JOIN LATERAL), top-N per group, aggregates per outer row, chains of lateral
-- items, implicitly lateral table functions, and PostgreSQL's errors for references LATERAL
-- does not allow.

-- statement
CREATE TABLE lateral_a (id int PRIMARY KEY, grp text, n int, arr text, doc jsonb)

-- statement
INSERT INTO lateral_a VALUES (1, 'x', 3, '{a,b,c}', '[1, 2, {"k": "v"}]'), (2, 'y', 0, '{}', '[]'), (3, NULL, NULL, NULL, NULL), (4, 'x', 1, '{"q r",NULL}', '["s", null]'), (5, 'z', 2, '{z}', '[true]')

-- statement
CREATE TABLE lateral_b (id int PRIMARY KEY, a_id int, v int, label text)

-- statement
INSERT INTO lateral_b VALUES (10, 1, 5, 'p'), (11, 1, 7, 'q'), (12, 1, NULL, 'r'), (13, 2, 1, NULL), (14, NULL, 9, 's'), (15, 4, 3, 't'), (16, 4, 3, 'u'), (17, 9, 2, 'w')

-- statement
CREATE TABLE lateral_empty (id int PRIMARY KEY, a_id int, v int)

-- comma LATERAL: only outer rows with matches
-- query
SELECT a.id, s.v, s.label FROM lateral_a a, LATERAL (SELECT b.v, b.label FROM lateral_b b WHERE b.a_id = a.id) s ORDER BY a.id, s.label

-- query
SELECT a.id, s.v FROM lateral_a a CROSS JOIN LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id AND b.v IS NOT NULL) s ORDER BY 1, 2

-- query
SELECT a.id, s.v FROM lateral_a a JOIN LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s ON true ORDER BY 1, 2

-- ON reads both sides
-- query
SELECT a.id, s.v FROM lateral_a a JOIN LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s ON s.v > a.n ORDER BY 1, 2

-- LEFT JOIN LATERAL: outer rows without matches are NULL-extended
-- query
SELECT a.id, s.v, s.label FROM lateral_a a LEFT JOIN LATERAL (SELECT b.v, b.label FROM lateral_b b WHERE b.a_id = a.id) s ON true ORDER BY a.id, s.label

-- query
SELECT a.id, s.v FROM lateral_a a LEFT JOIN LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s ON s.v >= 5 ORDER BY 1, 2

-- query
SELECT a.id, s.v FROM lateral_a a LEFT JOIN LATERAL (SELECT e.v FROM lateral_empty e WHERE e.a_id = a.id) s ON true ORDER BY 1

-- query
SELECT e.id, s.v FROM lateral_empty e LEFT JOIN LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = e.a_id) s ON true

-- WHERE above a LEFT JOIN LATERAL filters the NULL-extended rows too
-- query
SELECT a.id, s.v FROM lateral_a a LEFT JOIN LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s ON true WHERE s.v IS NULL ORDER BY 1

-- computed select lists, an ON condition over them, a correlation that is not an equality
-- query
SELECT a.id, s.w FROM lateral_a a LEFT JOIN LATERAL (SELECT b.v * 2 AS w FROM lateral_b b WHERE b.a_id = a.id) s ON s.w > 10 ORDER BY 1, 2

-- query
SELECT a.id, s.label FROM lateral_a a, LATERAL (SELECT b.label FROM lateral_b b WHERE b.v > a.n AND b.label <> 'p') s ORDER BY 1, 2

-- query
SELECT a.id, s.label FROM lateral_a a LEFT JOIN LATERAL (SELECT upper(b.label) AS label FROM lateral_b b WHERE b.a_id = a.id OR b.a_id IS NULL) s ON true ORDER BY 1, 2

-- the same correlation through a join inside the lateral item
-- query
SELECT a.id, s.l1, s.l2 FROM lateral_a a, LATERAL (SELECT b.label AS l1, c.label AS l2 FROM lateral_b b JOIN lateral_b c ON c.v = b.v AND c.id <> b.id WHERE b.a_id = a.id) s ORDER BY 1, 2, 3

-- top-N per group
-- query
SELECT a.id, s.label, s.v FROM lateral_a a, LATERAL (SELECT b.label, b.v FROM lateral_b b WHERE b.a_id = a.id ORDER BY b.v DESC NULLS LAST, b.label LIMIT 2) s ORDER BY a.id, s.v DESC NULLS LAST, s.label

-- query
SELECT a.id, s.label FROM lateral_a a LEFT JOIN LATERAL (SELECT b.label FROM lateral_b b WHERE b.a_id = a.id ORDER BY b.label DESC LIMIT 1 OFFSET 1) s ON true ORDER BY a.id

-- the limit read from the outer row
-- query
SELECT a.id, s.label FROM lateral_a a, LATERAL (SELECT b.label FROM lateral_b b WHERE b.a_id = a.id ORDER BY b.label LIMIT a.n) s ORDER BY 1, 2

-- top customers' latest orders, over the shared data set
-- query
SELECT o.order_id, l.line_id, l.amount FROM t_orders o CROSS JOIN LATERAL (SELECT line_id, amount FROM t_lines WHERE t_lines.order_id = o.order_id ORDER BY amount DESC NULLS LAST, line_id LIMIT 1) l WHERE o.order_id <= 40 ORDER BY o.order_id

-- query
SELECT g.grp, s.id, s.qty FROM t_groups g LEFT JOIN LATERAL (SELECT id, qty FROM t_items i WHERE i.grp = g.grp ORDER BY qty DESC NULLS LAST, id LIMIT 3) s ON true ORDER BY g.grp, s.qty DESC NULLS LAST, s.id

-- aggregates inside: one row per outer row, even without matches
-- query
SELECT a.id, s.cnt, s.total, s.top FROM lateral_a a, LATERAL (SELECT count(*) AS cnt, sum(b.v) AS total, max(b.label) AS top FROM lateral_b b WHERE b.a_id = a.id) s ORDER BY a.id

-- query
SELECT g.grp, s.n, s.q FROM t_groups g CROSS JOIN LATERAL (SELECT count(*) AS n, sum(qty) AS q FROM t_items i WHERE i.grp = g.grp) s ORDER BY g.grp

-- grouped inside, with HAVING
-- query
SELECT a.id, s.v, s.c FROM lateral_a a, LATERAL (SELECT b.v, count(*) AS c FROM lateral_b b WHERE b.a_id = a.id GROUP BY b.v HAVING count(*) >= 1) s ORDER BY 1, 2 NULLS FIRST

-- several LATERAL items, each reading the ones before it
-- query
SELECT a.id, s.v, t.w FROM lateral_a a, LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s, LATERAL (SELECT s.v * 10 + a.id AS w) t ORDER BY 1, 2, 3

-- query
SELECT a.id, s.mx, t.label FROM lateral_a a LEFT JOIN LATERAL (SELECT max(b.v) AS mx FROM lateral_b b WHERE b.a_id = a.id) s ON true LEFT JOIN LATERAL (SELECT b.label FROM lateral_b b WHERE b.v = s.mx ORDER BY b.label LIMIT 1) t ON true ORDER BY 1

-- a lateral item between ordinary ones, and a join after it
-- query
SELECT a.id, s.v, g.label FROM lateral_a a, LATERAL (SELECT b.v, b.label FROM lateral_b b WHERE b.a_id = a.id) s JOIN lateral_b g ON g.label = s.label ORDER BY 1, 2, 3

-- query
SELECT a.id, s.v, c.id AS cid FROM lateral_a a, LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s, lateral_a c WHERE c.n = s.v ORDER BY 1, 2, 3

-- a lateral reference inside a nested subquery of the lateral item
-- query
SELECT a.id, s.x FROM lateral_a a, LATERAL (SELECT (SELECT count(*) FROM lateral_b b WHERE b.a_id = a.id) AS x) s ORDER BY 1

-- query
SELECT a.id, s.label FROM lateral_a a, LATERAL (SELECT b.label FROM lateral_b b WHERE EXISTS (SELECT 1 FROM lateral_b c WHERE c.a_id = a.id AND c.v = b.v)) s ORDER BY 1, 2

-- LATERAL without a reference is an ordinary subquery
-- query
SELECT a.id, s.c FROM lateral_a a, LATERAL (SELECT count(*) AS c FROM lateral_b) s ORDER BY 1

-- LATERAL as the first FROM item
-- query
SELECT * FROM LATERAL (SELECT 1 AS one) s

-- LATERAL VALUES
-- query
SELECT a.id, v.x FROM lateral_a a, LATERAL (VALUES (a.n), (a.n * 2)) v(x) WHERE a.id <= 2 ORDER BY 1, 2

-- USING columns are visible to the lateral item by their merged name
-- query
SELECT id, s.c FROM lateral_a JOIN lateral_empty USING (id), LATERAL (SELECT id * 2 AS c) s

-- query
SELECT a.id, s.c FROM lateral_a a JOIN lateral_a a2 USING (id) CROSS JOIN LATERAL (SELECT id + 100 AS c) s ORDER BY 1

-- star expansion keeps the FROM order
-- query
SELECT * FROM lateral_a a, LATERAL (SELECT b.id AS bid, b.v FROM lateral_b b WHERE b.a_id = a.id ORDER BY b.id LIMIT 1) s ORDER BY a.id

-- a correlated subquery whose FROM has a LATERAL item reading both the item before and the enclosing row
-- query
SELECT a.id, (SELECT sum(s.v) FROM lateral_b b, LATERAL (SELECT b.v + a.id AS v) s WHERE b.a_id = a.id) AS total FROM lateral_a a ORDER BY 1

-- a LATERAL item reading only the enclosing query's row
-- query
SELECT a.id, (SELECT count(*) FROM lateral_b b, LATERAL (SELECT a.n AS n) s WHERE b.v > s.n) AS c FROM lateral_a a ORDER BY 1

-- query
SELECT a.id, (SELECT sum(g) FROM lateral_b b, generate_series(1, a.n) g WHERE b.id = 10) AS c FROM lateral_a a ORDER BY 1

-- grouped above the lateral join
-- query
SELECT a.grp, count(s.v) AS c, sum(s.v) AS sv FROM lateral_a a LEFT JOIN LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id ORDER BY b.v LIMIT 2) s ON true GROUP BY a.grp ORDER BY 1 NULLS FIRST

-- a derived table reading the enclosing query's row
-- query
SELECT a.id, (SELECT d.v FROM (SELECT a.n * 2 AS v) d) AS dbl FROM lateral_a a ORDER BY 1

-- a WITH inside the lateral item reading the left row: computed per left row
-- query
SELECT a.id, s.m FROM lateral_a a, LATERAL (WITH x AS (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) SELECT max(v) AS m FROM x) s ORDER BY 1

-- LATERAL inside a CTE and with aggregates above
-- query
WITH per AS (SELECT a.grp, s.v FROM lateral_a a, LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s) SELECT grp, count(*) AS c, sum(v) AS sv FROM per GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT count(*) AS c FROM t_items i, LATERAL (SELECT g.weight FROM t_groups g WHERE g.grp = i.grp) s WHERE s.weight > 3

-- table functions in FROM are implicitly lateral
-- query
SELECT a.id, g FROM lateral_a a, generate_series(1, a.n) g ORDER BY 1, 2

-- query
SELECT a.id, g FROM lateral_a a CROSS JOIN LATERAL generate_series(a.n, 1, -1) AS g ORDER BY 1, 2 DESC

-- query
SELECT a.id, g.x FROM lateral_a a LEFT JOIN generate_series(1, a.n) AS g(x) ON true ORDER BY 1, 2

-- query
SELECT a.id, g.x FROM lateral_a a JOIN generate_series(0, 5) AS g(x) ON g.x = a.n ORDER BY 1

-- query
SELECT a.id, e.value FROM lateral_a a, jsonb_array_elements(a.doc) e ORDER BY 1, 2

-- query
SELECT a.id, e.value FROM lateral_a a, jsonb_array_elements_text(a.doc) AS e ORDER BY 1, 2 NULLS FIRST

-- query
SELECT a.id, count(e.value) AS c FROM lateral_a a LEFT JOIN LATERAL jsonb_array_elements(a.doc) e ON true GROUP BY a.id ORDER BY 1

-- query
SELECT a.id, u FROM lateral_a a, unnest(a.arr::text[]) AS u ORDER BY 1, 2 NULLS FIRST

-- query
SELECT a.id, u.x FROM lateral_a a LEFT JOIN LATERAL unnest(a.arr::text[]) AS u(x) ON true ORDER BY 1, 2 NULLS FIRST

-- a function's rows beyond the old bound of 256 per outer row
-- query
SELECT a.id, count(*) AS c, max(g) AS mx FROM lateral_a a, generate_series(1, a.n * 1000) g GROUP BY a.id ORDER BY 1

-- functions chained: the second reads the first
-- query
SELECT a.id, g, h FROM lateral_a a, generate_series(1, a.n) g, generate_series(g, a.n) h ORDER BY 1, 2, 3

-- a lateral subquery reading a table function's column
-- query
SELECT g, s.c FROM generate_series(1, 4) g, LATERAL (SELECT count(*) AS c FROM lateral_b b WHERE b.v <= g) s ORDER BY 1

-- errors: a plain subquery may not read an earlier item
-- error 42P01
SELECT * FROM lateral_a a, (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s

-- error 42P01
SELECT * FROM lateral_a a JOIN (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s ON true

-- a reference to a later item
-- error 42P01
SELECT * FROM LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s, lateral_a a

-- error 42P01
SELECT * FROM generate_series(1, a.n) g, lateral_a a

-- an alias hides the table name
-- error 42P01
SELECT * FROM lateral_a a, LATERAL (SELECT lateral_a.id) s

-- RIGHT and FULL JOIN LATERAL may not read the left side
-- error 42P10
SELECT * FROM lateral_a a RIGHT JOIN LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s ON true

-- error 42P10
SELECT * FROM lateral_a a FULL JOIN LATERAL (SELECT b.v FROM lateral_b b WHERE b.a_id = a.id) s ON true

-- error 42P10
SELECT * FROM lateral_a a RIGHT JOIN generate_series(1, a.n) g ON true

-- RIGHT JOIN LATERAL without a reference is an ordinary right join
-- query
SELECT a.id, s.c FROM lateral_a a RIGHT JOIN LATERAL (SELECT 1 AS c) s ON a.id = s.c ORDER BY 1

-- errors raised per outer row surface
-- error 22012
SELECT a.id, s.q FROM lateral_a a, LATERAL (SELECT 10 / a.n AS q) s

-- error 2201W
SELECT a.id, s.v FROM lateral_a a, LATERAL (SELECT b.v FROM lateral_b b LIMIT -a.id) s

-- statement
DROP TABLE lateral_a

-- statement
DROP TABLE lateral_b

-- statement
DROP TABLE lateral_empty
