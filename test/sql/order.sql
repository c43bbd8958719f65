-- ORDER BY (directions, NULLS FIRST/LAST, expressions, positions), LIMIT/OFFSET and DISTINCT.

-- query
SELECT id, qty FROM t_items ORDER BY qty, id LIMIT 15

-- query
SELECT id, qty FROM t_items ORDER BY qty DESC, id LIMIT 15

-- query
SELECT id, qty FROM t_items ORDER BY qty ASC NULLS FIRST, id LIMIT 15

-- query
SELECT id, qty FROM t_items ORDER BY qty DESC NULLS LAST, id DESC LIMIT 15

-- query
SELECT id, price FROM t_items ORDER BY price DESC NULLS FIRST, id LIMIT 15

-- query
SELECT id, score FROM t_items ORDER BY score, id LIMIT 15

-- query
SELECT id, score FROM t_items ORDER BY score DESC, id LIMIT 15

-- query
SELECT id, big FROM t_items ORDER BY big DESC NULLS LAST, id LIMIT 15

-- query
SELECT id, big FROM t_items ORDER BY big, id LIMIT 15

-- query
SELECT id, cat FROM t_items ORDER BY cat, id LIMIT 20

-- query
SELECT id, cat FROM t_items ORDER BY cat DESC, id LIMIT 20

-- query
SELECT id, flag FROM t_items ORDER BY flag, id LIMIT 10

-- query
SELECT id, d, ts FROM t_items ORDER BY d DESC, ts DESC, id LIMIT 10

-- query
SELECT id, qty FROM t_items ORDER BY qty * -1, id LIMIT 10

-- query
SELECT id, qty AS q FROM t_items ORDER BY q, 1 LIMIT 10

-- query
SELECT id, grp FROM t_items ORDER BY 2 DESC NULLS LAST, 1 LIMIT 10

-- query
SELECT id FROM t_items ORDER BY id LIMIT 5 OFFSET 10

-- query
SELECT id FROM t_items ORDER BY id DESC OFFSET 1995

-- query
SELECT id FROM t_items ORDER BY id LIMIT 0

-- query
SELECT id FROM t_items ORDER BY id OFFSET 5000

-- query
SELECT id FROM t_items ORDER BY id LIMIT ALL OFFSET 1998

-- query
SELECT id FROM t_items ORDER BY id FETCH FIRST 3 ROWS ONLY

-- query
SELECT id, qty FROM t_items WHERE qty IS NOT NULL ORDER BY id LIMIT 10 OFFSET 0

-- query
SELECT DISTINCT grp FROM t_items ORDER BY grp NULLS FIRST

-- query sorted
SELECT DISTINCT grp, flag FROM t_items

-- query
SELECT DISTINCT qty FROM t_items ORDER BY qty NULLS FIRST LIMIT 10

-- query sorted
SELECT DISTINCT a, b FROM t_nopk

-- query
SELECT DISTINCT ON (grp) grp, id FROM t_items ORDER BY grp, id

-- query
SELECT count(*) AS n FROM (SELECT DISTINCT cat FROM t_items) AS x

-- query
SELECT grp, id FROM t_items WHERE id <= 50 ORDER BY grp DESC NULLS FIRST, id DESC

-- query
SELECT id, s FROM t_strings ORDER BY length(s) DESC, id LIMIT 5

-- query
SELECT id, qty, price FROM t_items ORDER BY qty NULLS FIRST, price DESC NULLS LAST, id LIMIT 20

-- error 42P10
SELECT id FROM t_items ORDER BY 5

-- error 42703
SELECT id FROM t_items ORDER BY nope

-- error 2201W
SELECT id FROM t_items LIMIT -1
