-- WITH RECURSIVE: counting, graph walks with a cycle (UNION stops it), UNION ALL with a depth
-- bound, several columns, NULLs, an empty non-recursive term, a CTE used twice, in a subquery,
-- joined with tables, and the errors PostgreSQL reports for malformed recursion.

-- query
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 100) SELECT n FROM t ORDER BY n

-- query
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 100) SELECT count(*) AS c, sum(n) AS s, min(n) AS lo, max(n) AS hi FROM t

-- statement
CREATE TABLE recursive_edges (src int, dst int)

-- @cluster-refuses 0A000
-- statement
INSERT INTO recursive_edges SELECT g, g + 1 FROM generate_series(1, 40) AS g

-- @cluster-refuses 0A000
-- statement
INSERT INTO recursive_edges VALUES (41, 1), (5, 100), (100, 101), (7, 5), (200, 201), (NULL, 3), (3, NULL)

-- Reachable from 1 over a cycle: UNION discards rows seen before, so the walk ends.
-- query
WITH RECURSIVE reach(node) AS (SELECT 1 UNION SELECT e.dst FROM recursive_edges e JOIN reach r ON e.src = r.node) SELECT node FROM reach ORDER BY node NULLS FIRST

-- query
WITH RECURSIVE reach(node) AS (SELECT 200 UNION SELECT e.dst FROM reach r, recursive_edges e WHERE e.src = r.node) SELECT node FROM reach ORDER BY node

-- UNION ALL with the depth bound in WHERE.
-- query
WITH RECURSIVE walk(node, depth) AS (SELECT 1, 0 UNION ALL SELECT e.dst, w.depth + 1 FROM walk w JOIN recursive_edges e ON e.src = w.node WHERE w.depth < 50) SELECT node, depth FROM walk ORDER BY depth, node NULLS FIRST

-- Two columns: Fibonacci.
-- query
WITH RECURSIVE fib(a, b) AS (SELECT 0::bigint, 1::bigint UNION ALL SELECT b, a + b FROM fib WHERE b < 1000000) SELECT a, b FROM fib ORDER BY a, b

-- Paths as text.
-- query
WITH RECURSIVE p(node, path) AS (SELECT 100, '100'::text UNION ALL SELECT e.dst, p.path || '>' || e.dst FROM p JOIN recursive_edges e ON e.src = p.node) SELECT node, path FROM p ORDER BY path

-- NULLs: UNION treats NULLs as equal, so the NULL row appears once.
-- query
WITH RECURSIVE t(n, x) AS (SELECT 1, NULL::int UNION SELECT CASE WHEN n < 5 THEN n + 1 ELSE n END, NULL::int FROM t) SELECT n, x FROM t ORDER BY n

-- query
WITH RECURSIVE t(n, x) AS (VALUES (1, NULL::text), (NULL, 'a') UNION SELECT n + 1, x FROM t WHERE n < 3) SELECT n, x FROM t ORDER BY n NULLS FIRST, x NULLS FIRST

-- An empty non-recursive term gives no rows.
-- query
WITH RECURSIVE t(n) AS (SELECT id FROM t_empty UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT count(*) AS c FROM t

-- A filter outside the CTE applies to its result, not to its non-recursive term.
-- query
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 100) SELECT n FROM t WHERE n > 95 ORDER BY n

-- Used twice.
-- query
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT a.n AS a, b.n AS b FROM t a JOIN t b ON b.n = a.n * 2 ORDER BY a.n

-- Nested in a subquery and in a scalar subquery.
-- query
SELECT s.n FROM (WITH RECURSIVE t(n) AS (SELECT 3 UNION ALL SELECT n * 3 FROM t WHERE n < 1000) SELECT n FROM t) s ORDER BY s.n

-- query
SELECT (WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 20) SELECT sum(n) FROM t) AS total

-- Joined with tables, and walking the items table.
-- query
WITH RECURSIVE ids(id) AS (SELECT 1 UNION ALL SELECT id + 7 FROM ids WHERE id < 1990) SELECT i.id, i.grp, i.qty FROM ids JOIN t_items i ON i.id = ids.id ORDER BY i.id

-- query
WITH RECURSIVE ids(id, hops) AS (SELECT min(order_id), 0 FROM t_orders UNION ALL SELECT o.order_id, ids.hops + 1 FROM ids JOIN t_orders o ON o.order_id = ids.id + 1 WHERE ids.hops < 30) SELECT count(*) AS c, max(hops) AS h FROM ids

-- Column names from the non-recursive term; a plain CTE under WITH RECURSIVE.
-- query
WITH RECURSIVE base AS (SELECT 2 AS k), t AS (SELECT k AS n FROM base UNION ALL SELECT n + 2 FROM t WHERE n < 12) SELECT n FROM t ORDER BY n

-- A smaller integer in the recursive term is coerced to the non-recursive term's type.
-- query
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT (n + 1)::smallint FROM t WHERE n < 5) SELECT n FROM t ORDER BY n

-- The recursive CTE read inside a join's subquery.
-- query
SELECT g.grp, (SELECT count(*) FROM (WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT n FROM t) s) AS c FROM t_groups g ORDER BY g.grp

-- EXPLAIN shows the recursive union.
-- statement
EXPLAIN WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT n FROM t

-- Errors.
-- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3 INTERSECT SELECT 2 FROM t) SELECT n FROM t

-- error 42804
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n * 1.5 FROM t WHERE n < 5) SELECT n FROM t

-- error 42804
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT (n + 1)::bigint FROM t WHERE n < 5) SELECT n FROM t

-- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n IN (SELECT n FROM t)) SELECT n FROM t

-- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT t.n + 1 FROM recursive_edges e LEFT JOIN t ON t.n = e.src WHERE t.n < 5) SELECT n FROM t

-- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT max(n) + 1 FROM t WHERE n < 5) SELECT n FROM t

-- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT a.n + 1 FROM t a, t b WHERE a.n < 5) SELECT n FROM t

-- error 42P19
WITH RECURSIVE t(n) AS (SELECT n FROM t UNION ALL SELECT 1) SELECT n FROM t

-- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 FROM t) SELECT n FROM t

-- error 0A000
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5 ORDER BY 1) SELECT n FROM t

-- statement
DROP TABLE recursive_edges
