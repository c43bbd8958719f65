-- Aggregates over a table large enough (30,000 rows) that eon runs them as per-partition
-- fragments in its data-engine workers and merges the partials; PostgreSQL is the reference.

-- statement
CREATE TABLE fragments_t (id int PRIMARY KEY, grp text, score double precision, qty int, price numeric(10,2), d date, big bigint, flag boolean, cat varchar(10))

-- statement
INSERT INTO fragments_t SELECT a.id * 100 + b.n, a.grp, a.score, a.qty, a.price, a.d, a.big, a.flag, a.cat FROM t_items a CROSS JOIN (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15)) AS b(n)

-- query
SELECT count(*) AS n, count(qty) AS nq, sum(qty) AS sq, min(qty) AS mn, max(qty) AS mx FROM fragments_t

-- query
SELECT grp, count(*) AS n, sum(qty) AS sq, avg(qty) AS aq, min(price) AS mp, max(price) AS xp, sum(price) AS sp, avg(price) AS ap FROM fragments_t GROUP BY grp ORDER BY grp NULLS FIRST

-- query approx
SELECT grp, sum(score) AS s, avg(score) AS a, min(score) AS mn, max(score) AS mx FROM fragments_t WHERE score > 0 GROUP BY grp ORDER BY grp NULLS FIRST

-- Numeric arithmetic inside kernel aggregates: exact scaled integers, PostgreSQL's result scales.
-- query
SELECT grp, sum(price * qty) AS pq, sum(price * (100 - qty)) AS pr, sum((price - 1.5) * 2) AS p2, sum(price + qty) AS ps, avg(price * qty) AS apq FROM fragments_t GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT min(price * qty) AS mn, max(price * (1 - qty)) AS mx, sum(price * price * price) AS cubes, count(*) AS n FROM fragments_t WHERE price * qty > 1000

-- query
SELECT flag, sum(qty * qty) AS sq, sum(qty - 7) AS sm FROM fragments_t GROUP BY flag ORDER BY flag NULLS FIRST

-- query
SELECT count(*) AS n FROM fragments_t WHERE score > 10 AND qty < 50

-- query
SELECT count(*) AS n FROM fragments_t WHERE qty IS NULL OR price > 500

-- query
SELECT qty, count(*) AS n FROM fragments_t WHERE qty BETWEEN 10 AND 20 GROUP BY qty ORDER BY qty

-- query
SELECT d, count(*) AS n, min(id) AS first_id FROM fragments_t WHERE d >= DATE '2021-01-01' GROUP BY d ORDER BY d LIMIT 20

-- query
SELECT grp, flag, count(*) AS n FROM fragments_t GROUP BY grp, flag ORDER BY grp NULLS FIRST, flag NULLS FIRST

-- Two text keys group by their dictionary codes in the kernel (NULLs, quotes and unicode in cat).
-- query
SELECT grp, cat, count(*) AS n, sum(qty) AS sq FROM fragments_t GROUP BY grp, cat ORDER BY grp NULLS FIRST, cat NULLS FIRST

-- query
SELECT cat, grp, max(price) AS mp FROM fragments_t WHERE qty > 10 GROUP BY cat, grp HAVING count(*) > 20 ORDER BY cat NULLS FIRST, grp NULLS FIRST

-- query
SELECT sum(big) AS sb, avg(big) AS ab, min(big) AS mnb, max(big) AS mxb FROM fragments_t

-- query
SELECT count(*) AS n FROM fragments_t WHERE grp IN ('a', 'c') AND grp <> 'c'

-- query
SELECT qty, count(*) AS n FROM fragments_t WHERE qty IN (1, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31) OR qty NOT IN (2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26) GROUP BY qty ORDER BY qty NULLS FIRST LIMIT 30

-- query
SELECT count(*) AS n, sum(qty) AS s FROM fragments_t WHERE grp LIKE 'b%'

-- query
SELECT count(*) AS n FROM fragments_t WHERE price >= 100.50 AND price < 300

-- query
SELECT grp, count(*) AS n FROM fragments_t WHERE id > 100000 GROUP BY grp HAVING count(*) > 100 ORDER BY n DESC, grp

-- query
SELECT id, grp, score, qty, price, d, big, flag FROM fragments_t WHERE qty > 120 AND price IS NOT NULL ORDER BY id LIMIT 40

-- query
SELECT f.id, f.grp, g.label, f.price FROM fragments_t f JOIN t_groups g ON g.grp = f.grp WHERE f.id % 97 = 0 ORDER BY f.id LIMIT 30

-- query
SELECT id, price FROM fragments_t ORDER BY price DESC NULLS LAST, id LIMIT 10

-- Scans the kernels cannot filter completely: the data engines send the columns the plan
-- reads (plus the residual filter's), the coordinator applies the rest.
-- query
SELECT id, upper(grp) AS ug FROM fragments_t WHERE lower(grp) = 'b' AND qty % 7 = 3 ORDER BY id LIMIT 20

-- query
SELECT grp, count(*) AS n FROM fragments_t WHERE length(coalesce(grp, '')) = 1 AND d > DATE '2020-06-01' GROUP BY grp ORDER BY grp

-- query
SELECT count(*) AS n FROM fragments_t WHERE qty > (SELECT avg(qty) FROM t_items) AND score IS NOT NULL

-- Joins and windows over two large scans, one of which sends no column back but its row count.
-- query
SELECT count(*) AS n FROM fragments_t f JOIN fragments_t g ON g.id = f.id + 1 WHERE f.qty < 5

-- query
SELECT count(*) AS n FROM fragments_t a, fragments_t b WHERE a.id = b.id AND b.score IS NULL

-- query
SELECT id, d, flag, big, rank() OVER (PARTITION BY grp ORDER BY id) AS r FROM fragments_t WHERE qty = 77 ORDER BY id LIMIT 20


-- query
SELECT count(*) AS n FROM (SELECT DISTINCT grp, qty FROM fragments_t WHERE qty < 10) s

-- EXTRACT of a date's calendar fields in the kernel (group keys and a filter).
-- query
SELECT extract(year FROM d) AS y, extract(month FROM d) AS m, count(*) AS n, sum(qty) AS sq FROM fragments_t WHERE extract(day FROM d) < 15 GROUP BY extract(year FROM d), extract(month FROM d) ORDER BY y NULLS FIRST, m NULLS FIRST

-- substring/substr from constant positions in the kernel (characters, not UTF-16 units), and an
-- uncorrelated scalar subquery computed first and passed to the kernel as a constant.
-- query
SELECT substring(cat FROM 2 FOR 3) AS s, substr(cat, 0, 3) AS p, count(*) AS n FROM fragments_t WHERE substring(grp, 1, 1) IN ('a', 'b') OR substr(cat, 3) = '' GROUP BY 1, 2 ORDER BY 1 NULLS FIRST, 2 NULLS FIRST

-- query
SELECT count(*) AS n, sum(qty) AS sq FROM fragments_t WHERE qty > (SELECT max(qty) - 100 FROM t_items) AND substring(cat FROM 1 FOR 1) <> 'z'

-- query
SELECT id, cat FROM fragments_t WHERE qty < (SELECT min(qty) + 3 FROM t_items) AND substr(cat, 2) IS NOT NULL ORDER BY id LIMIT 15

-- Aggregates over joins run as one pipeline: fragments_t is probed in the data engines against
-- hash tables of the smaller sides, sent along (text keys with NULLs on both sides, unmatched keys).
-- query
SELECT g.label, count(*) AS n, sum(f.qty) AS sq, sum(f.price * g.weight) AS pw, max(g.weight) AS mw FROM fragments_t f JOIN t_groups g ON g.grp = f.grp GROUP BY g.label ORDER BY g.label NULLS FIRST

-- An int key with a residual comparing both sides.
-- query
SELECT f.grp, count(*) AS n, sum(i.qty) AS sq, avg(i.price) AS ap FROM fragments_t f JOIN t_items i ON i.id = f.qty AND i.price > f.price GROUP BY f.grp ORDER BY f.grp NULLS FIRST

-- Two int keys; build-side values computed on the coordinator (upper, extract) and a CASE in the kernel.
-- query
SELECT upper(i.grp) AS ug, extract(year FROM i.d) AS y, count(*) AS n, sum(CASE WHEN i.flag THEN f.qty ELSE 0 END) AS fq FROM fragments_t f JOIN t_items i ON i.id = f.qty AND i.qty = f.qty GROUP BY upper(i.grp), extract(year FROM i.d) ORDER BY ug NULLS FIRST, y NULLS FIRST

-- Duplicate build keys: every match counts.
-- query
SELECT f.cat, count(*) AS n, sum(f.qty) AS sq FROM fragments_t f JOIN t_items i ON i.grp = f.grp WHERE f.id % 50 = 1 AND i.id < 200 GROUP BY f.cat ORDER BY f.cat NULLS FIRST

-- Semi and anti joins (EXISTS, NOT EXISTS) with a residual, under an aggregate.
-- query
SELECT f.grp, count(*) AS n FROM fragments_t f WHERE EXISTS (SELECT 1 FROM t_items i WHERE i.id = f.qty AND i.grp <> f.grp) GROUP BY f.grp ORDER BY f.grp NULLS FIRST

-- query
SELECT count(*) AS n, sum(f.qty) AS sq FROM fragments_t f WHERE NOT EXISTS (SELECT 1 FROM t_items i WHERE i.id = f.qty AND i.cat = f.cat)

-- Three inputs: the third's key and the filter above the joins read the other build side.
-- query
SELECT g.label, i.cat, count(*) AS n, min(f.d) AS md, sum(f.price) AS sp FROM fragments_t f JOIN t_items i ON i.id = f.qty JOIN t_groups g ON g.grp = i.grp WHERE g.weight > 0 OR i.cat = f.cat GROUP BY g.label, i.cat ORDER BY g.label NULLS FIRST, i.cat NULLS FIRST

-- CASE branches of different numeric scales: a sum shows the largest scale among the values it
-- added (0 where only the ELSE 0 branch was taken).
-- query
SELECT grp, sum(CASE WHEN qty > 100 THEN price * qty ELSE 0 END) AS s1, avg(CASE WHEN flag THEN price ELSE qty END) AS a1, sum(CASE WHEN qty > 1000 THEN price ELSE 0 END) AS never FROM fragments_t GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT sum(CASE WHEN g.label LIKE 'G%' THEN f.price * f.qty ELSE 0 END) AS promo, sum(f.price * f.qty) AS total, sum(CASE WHEN g.weight > 50 THEN f.price ELSE 0 END) AS none FROM fragments_t f JOIN t_groups g ON g.grp = f.grp

-- A bigint key; a build value past 2^53 (the pipeline falls back to the coordinator, same answer).
-- query
SELECT count(*) AS n, sum(f.qty) AS sq FROM fragments_t f JOIN t_items i ON i.big = f.big

-- query
SELECT f.grp, sum(f.qty * i.big::numeric) AS s FROM fragments_t f JOIN t_items i ON i.id = f.qty GROUP BY f.grp ORDER BY f.grp NULLS FIRST

-- Correlated subqueries over the large table become joins to its aggregate: the other side's keys
-- filter the aggregate's scan (text and int keys), so only the groups that can join are computed.
-- query
SELECT count(*) AS n, sum(i.price) AS s FROM t_items i WHERE i.qty < (SELECT avg(f.qty) FROM fragments_t f WHERE f.grp = i.grp)

-- query
SELECT i.id, i.qty FROM t_items i WHERE i.id < 60 AND i.qty > (SELECT sum(f.qty) / 100 FROM fragments_t f WHERE f.qty = i.id) ORDER BY i.id

-- The key filter and the scan's own filter together.
-- query
SELECT i.id, i.qty FROM t_items i WHERE i.id < 60 AND i.qty > (SELECT sum(f.qty) / 50 FROM fragments_t f WHERE f.qty = i.id AND f.score > 0) ORDER BY i.id

-- query
SELECT g.label, i.cnt FROM t_groups g JOIN (SELECT f.grp, count(*) AS cnt FROM fragments_t f JOIN t_items t ON t.id = f.qty GROUP BY f.grp) i ON i.grp = g.grp ORDER BY g.label NULLS FIRST

-- A composite primary key places rows by its first column: per-key aggregates over it find each
-- group in one partition, and the partials merge without lookups (HAVING applied as they finish).
-- statement
CREATE TABLE fragments_lines (o int, n int, qty int, price numeric(10,2), PRIMARY KEY (o, n))

-- statement
INSERT INTO fragments_lines SELECT id / 7, id % 7, qty, price FROM fragments_t

-- query
SELECT o, sum(qty) AS sq, count(*) AS c, max(price) AS mp FROM fragments_lines GROUP BY o HAVING sum(qty) > 500 ORDER BY o

-- query
SELECT count(*) AS g, sum(c) AS rows_total FROM (SELECT o, n, count(*) AS c FROM fragments_lines GROUP BY o, n) s

-- query
SELECT n, count(*) AS c, sum(qty) AS sq FROM fragments_lines GROUP BY n ORDER BY n

-- HAVING on groups of the distribution key is applied in the kernels too (bounds met exactly,
-- flipped comparisons, NULL sums of groups whose values are all NULL, numeric and count bounds).
-- query
SELECT o, sum(qty) AS sq FROM fragments_lines GROUP BY o HAVING sum(qty) >= 500 AND 800 >= sum(qty) ORDER BY o

-- query
SELECT o, sum(price) AS sp, count(*) AS c FROM fragments_lines GROUP BY o HAVING sum(price) < 1000.50 AND count(*) = 7 ORDER BY o

-- query
SELECT o, count(qty) AS c, min(price) AS mp, max(qty) AS mq FROM fragments_lines GROUP BY o HAVING min(price) > 10.25 OR max(qty) <= 3 ORDER BY o

-- query
SELECT o, sum(qty) AS sq FROM fragments_lines GROUP BY o HAVING sum(qty) < 10 ORDER BY o

-- query
SELECT o, count(*) AS c FROM fragments_lines GROUP BY o HAVING count(*) < 7 AND max(price) > 5 ORDER BY o

-- statement
DROP TABLE fragments_lines

-- statement
DELETE FROM fragments_t WHERE id % 3 = 0

-- statement
UPDATE fragments_t SET qty = qty + 1 WHERE id % 5 = 0

-- query
SELECT grp, count(*) AS n, sum(qty) AS sq, max(qty) AS mq FROM fragments_t GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT id, qty FROM fragments_t WHERE qty >= 125 ORDER BY id LIMIT 25

-- Eager aggregation: a left join's preserved side grouped by its primary key, aggregates over the
-- other side only (computed per join key first, joined back). Groups without matches count 0
-- (count(x)), 1 (count(*)) and are NULL for the rest; NULL keys on the right never match.
-- query
SELECT g.grp, count(f.id) AS n, count(*) AS nstar, sum(f.qty) AS sq, max(f.price) AS mp, min(f.d) AS md, count(DISTINCT f.cat) AS nc FROM t_groups g LEFT JOIN fragments_t f ON f.grp = g.grp AND f.qty > 150 GROUP BY g.grp ORDER BY g.grp

-- query
SELECT c, count(*) AS groups FROM (SELECT g.grp, count(f.id) AS c FROM t_groups g LEFT JOIN fragments_t f ON f.grp = g.grp AND f.cat NOT LIKE '%o%e%' GROUP BY g.grp) AS per GROUP BY c ORDER BY groups DESC, c DESC

-- The group key also holds other columns of the preserved side; aggregates with FILTER.
-- query
SELECT i.id, i.grp, count(f.id) FILTER (WHERE f.flag) AS nf, sum(f.price) AS sp FROM t_items i LEFT JOIN fragments_t f ON f.qty = i.id GROUP BY i.id, i.grp ORDER BY i.id LIMIT 40

-- Not rewritten (an aggregate reads the preserved side): the same answer either way.
-- query
SELECT g.grp, count(f.id) + max(g.weight) AS n FROM t_groups g LEFT JOIN fragments_t f ON f.grp = g.grp GROUP BY g.grp ORDER BY g.grp

-- LIKE patterns in kernels: several %-separated pieces, in order, possibly overlapping.
-- query
SELECT count(*) AS n FROM fragments_t WHERE cat LIKE '%o%e%'

-- query
SELECT count(*) AS n FROM fragments_t WHERE grp NOT LIKE '%a%%a%' AND cat LIKE 'o%e%s'

-- Group keys that depend on a primary key also listed (text columns of t_items, t_groups): the
-- aggregate groups by the key and the text is looked up afterwards; with ORDER BY … LIMIT on
-- the aggregate's own columns, only the rows kept are looked up.
-- query
SELECT i.id, i.grp, i.cat, count(*) AS n, sum(f.price) AS sp FROM fragments_t f JOIN t_items i ON i.id = f.qty GROUP BY i.id, i.grp, i.cat ORDER BY i.id

-- query
SELECT i.id, i.cat, sum(f.price) AS sp, i.grp FROM fragments_t f JOIN t_items i ON i.id = f.qty WHERE f.flag GROUP BY i.cat, i.grp, i.id ORDER BY sp DESC NULLS LAST, i.id LIMIT 15

-- query
SELECT g.label, g.grp, count(*) AS n FROM fragments_t f JOIN t_groups g ON g.grp = f.grp GROUP BY g.grp, g.label ORDER BY n DESC, g.grp LIMIT 3 OFFSET 1

-- query
SELECT i.grp, i.id, max(f.d) AS md FROM fragments_t f JOIN t_items i ON i.id = f.qty GROUP BY i.grp, i.id HAVING count(*) > 20 ORDER BY md, i.id LIMIT 10

-- Key filters over integer keys test a bitmap over the keys' range: negative keys, a sparse
-- range, and NULL keys (never a match).
-- query
SELECT count(*) AS n, sum(f.price) AS sp FROM fragments_t f JOIN t_items i ON i.qty = f.qty WHERE i.id < 60

-- query
SELECT count(*) AS n FROM fragments_t f WHERE f.qty IN (SELECT i.qty FROM t_items i WHERE i.qty < 0 OR i.qty > 170)

-- query
SELECT count(*) AS n FROM fragments_t f WHERE f.id IN (SELECT i.id * 1000 + 7 FROM t_items i WHERE i.id % 13 = 0)

-- A column bounded on both sides is tested in a pass of its own first (NULL dates never pass).
-- query
SELECT grp, count(*) AS n, sum(price) AS sp, min(d) AS md FROM fragments_t WHERE d >= date '2020-03-01' AND d < date '2021-06-01' AND qty < 100 GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT count(*) AS n, sum(qty) AS sq FROM fragments_t WHERE qty BETWEEN 10 AND 20 AND price > 5

-- A malformed LIKE pattern on a large table: the kernel leaves it to the coordinator, which
-- reports PostgreSQL's error.
-- error 22025
SELECT count(*) AS n FROM fragments_t WHERE cat LIKE '%\'

-- A filter the kernel leaves to the coordinator that reads no column of the scan: every row
-- still has to pass it (the kernel sends only a row count).
-- query
SELECT count(*) AS n FROM fragments_t WHERE EXISTS (SELECT 1 FROM t_empty)

-- query
SELECT count(*) AS n FROM fragments_t WHERE id < 1000 AND NOT EXISTS (SELECT 1 FROM t_empty)

-- A correlated subquery in the coordinator's filter reads columns of the scanned row that are
-- not in the output: they are sent back too, and the subquery sees them.
-- query
SELECT id FROM fragments_t a WHERE id < 3000 AND (SELECT count(*) FROM t_items b WHERE b.id = a.qty) = 0 ORDER BY id LIMIT 20

-- query
SELECT count(*) AS n FROM fragments_t a WHERE id % 7 = 0 AND EXISTS (SELECT 1 FROM t_items b WHERE b.id = a.qty AND b.grp = a.grp)

-- statement
DROP TABLE fragments_t
