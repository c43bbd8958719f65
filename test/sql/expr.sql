-- Conditional expressions and casts: CASE, COALESCE, NULLIF, CAST, ::, default column names.

-- query
SELECT id, CASE WHEN qty IS NULL THEN 'none' WHEN qty < 0 THEN 'neg' WHEN qty < 50 THEN 'low' ELSE 'high' END AS band FROM t_items WHERE id <= 30 ORDER BY id

-- query
SELECT id, CASE grp WHEN 'a' THEN 1 WHEN 'b' THEN 2 END AS g FROM t_items WHERE id <= 30 ORDER BY id

-- query
SELECT CASE WHEN NULL THEN 1 ELSE 2 END AS a, CASE NULL WHEN NULL THEN 'eq' ELSE 'ne' END AS b, CASE WHEN 1 = 1 THEN 1.5 ELSE 2 END AS c

-- query sorted
SELECT CASE WHEN qty > 100 THEN 'big' ELSE 'small' END AS size, count(*) AS n FROM t_items GROUP BY 1

-- query
SELECT id, COALESCE(qty, -1) AS q, COALESCE(cat, grp, 'none') AS c, COALESCE(price, 0) AS p FROM t_items WHERE id <= 40 ORDER BY id

-- query
SELECT COALESCE(NULL, NULL, 3) AS a, COALESCE(NULL::int, 2) AS b, COALESCE(1.5, 2) AS c, COALESCE(NULL, 'x') AS d

-- query
SELECT id, NULLIF(qty, 0) AS a, NULLIF(grp, 'a') AS b FROM t_items WHERE id <= 30 ORDER BY id

-- query
SELECT NULLIF(1, 1) AS a, NULLIF(1, 2) AS b, NULLIF('x', NULL) AS c, NULLIF(NULL, 1) AS d

-- query
SELECT CAST(42 AS text) AS a, CAST('42' AS int) AS b, CAST('3.14' AS numeric) AS c, CAST(3.99 AS int) AS d, CAST('true' AS boolean) AS e

-- query
SELECT '2024-02-29'::date AS a, '2024-02-29 13:14:15'::timestamp AS b, '12.50'::numeric(5,2) AS c, 7::float8 AS d, 1::boolean AS e

-- query
SELECT 'yes'::boolean AS a, 'off'::boolean AS b, 't'::boolean AS c, '0'::boolean AS d, ' TRUE '::boolean AS e

-- query
SELECT '  42  '::int AS a, '-0'::int AS b, '+7'::int AS c, '1.50'::numeric AS d, '  1.5  '::float8 AS e

-- query
SELECT 12345::text || 'x' AS a, 1.50::text AS b, 2.5::float8::text AS c, true::text AS d, '2024-01-05'::date::text AS e

-- query
SELECT id, qty::text AS qt, price::int AS pi, score::numeric(12,2) AS sn, big::text AS bt, flag::text AS ft FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT id, ts::date AS td, d::timestamp AS dt FROM t_items WHERE id <= 10 ORDER BY id

-- query
SELECT 'abc'::varchar(2) AS a, 'abcdef'::varchar(10) AS b, CAST('hello' AS varchar(3)) AS c

-- query
SELECT 1 AS "Quoted Name", 2 AS "select", 3 AS lower_name, 4 AS UPPER_NAME

-- query
SELECT 1, 1 + 1, 'x', NULL, lower('A'), CAST(1 AS text), 2::int8, CASE WHEN true THEN 1 END, COALESCE(1, 2), NULLIF(1, 2)

-- query
SELECT id, grp AS g, i.qty, i.cat FROM t_items AS i WHERE id = 3

-- error 42P01
SELECT id, t_items.qty FROM t_items AS i WHERE id = 3

-- query
SELECT id, (CASE WHEN flag THEN qty END) AS fq FROM t_items WHERE id BETWEEN 100 AND 120 ORDER BY id

-- query
SELECT greatest(1, 2, 3) AS a, least(1, 2, 3) AS b, greatest(1, NULL, 3) AS c, least('b', 'a', 'c') AS d, greatest(1, 2.5) AS e

-- query
SELECT id, greatest(qty, 10) AS g, least(qty, 10) AS l FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT 1 IS NULL AS a, NULL IS NULL AS b, 1 IS DISTINCT FROM NULL AS c, NULL IS NOT DISTINCT FROM NULL AS d, 1 IS NOT DISTINCT FROM 1 AS e

-- error 22P02
SELECT 'abc'::int

-- error 22P02
SELECT CAST('12x' AS bigint)

-- error 22P02
SELECT 'maybe'::boolean

-- error 22P02
SELECT '1.2.3'::numeric

-- error 22007
SELECT 'not a date'::date

-- error 22008
SELECT '2023-02-30'::date
