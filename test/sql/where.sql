-- WHERE: comparisons, boolean logic, BETWEEN, IN, LIKE/ILIKE, IS [NOT] NULL, three-valued logic.

-- query
SELECT count(*) AS n FROM t_items

-- query
SELECT id, qty FROM t_items WHERE id = 17

-- query
SELECT id FROM t_items WHERE id < 10 ORDER BY id

-- query
SELECT id FROM t_items WHERE id <= 5 OR id >= 1996 ORDER BY id

-- query
SELECT id FROM t_items WHERE id <> 1 AND id != 2 AND id < 6 ORDER BY id

-- query
SELECT count(*) AS n FROM t_items WHERE qty > 100

-- query
SELECT count(*) AS n FROM t_items WHERE qty >= 100 AND qty < 150

-- query
SELECT count(*) AS n FROM t_items WHERE NOT (qty > 100)

-- query
SELECT count(*) AS n FROM t_items WHERE qty > 100 OR qty IS NULL

-- query
SELECT count(*) AS n FROM t_items WHERE qty IS NULL

-- query
SELECT count(*) AS n FROM t_items WHERE qty IS NOT NULL

-- query
SELECT count(*) AS n FROM t_items WHERE price > 50000.00

-- query
SELECT count(*) AS n FROM t_items WHERE price = 12.5

-- query
SELECT count(*) AS n FROM t_items WHERE score < 0

-- query
SELECT count(*) AS n FROM t_items WHERE score > -0.5 AND score < 0.5

-- query
SELECT id, big FROM t_items WHERE big > 9007199254740992 ORDER BY big, id LIMIT 20

-- query
SELECT count(*) AS n FROM t_items WHERE big < -1000000000000000000

-- query
SELECT count(*) AS n FROM t_items WHERE flag

-- query
SELECT count(*) AS n FROM t_items WHERE NOT flag

-- query
SELECT count(*) AS n FROM t_items WHERE flag IS NOT TRUE

-- query
SELECT count(*) AS n FROM t_items WHERE flag IS UNKNOWN

-- query
SELECT count(*) AS n FROM t_items WHERE flag IS DISTINCT FROM true

-- query
SELECT count(*) AS n FROM t_items WHERE flag = true AND qty > 50

-- query
SELECT count(*) AS n FROM t_items WHERE flag OR qty > 50

-- query
SELECT count(*) AS n FROM t_items WHERE NOT (flag OR qty > 50)

-- query
SELECT count(*) AS n FROM t_items WHERE qty BETWEEN 10 AND 20

-- query
SELECT count(*) AS n FROM t_items WHERE qty NOT BETWEEN 10 AND 20

-- query
SELECT count(*) AS n FROM t_items WHERE d BETWEEN '2023-03-01' AND '2023-03-31'

-- query
SELECT count(*) AS n FROM t_items WHERE ts >= '2023-06-01 00:00:00' AND ts < '2023-07-01'

-- query
SELECT id FROM t_items WHERE id IN (3, 1, 4, 1, 5, 9, 2, 6) ORDER BY id

-- query
SELECT count(*) AS n FROM t_items WHERE grp IN ('b', 'c')

-- query
SELECT count(*) AS n FROM t_items WHERE grp NOT IN ('a', 'b')

-- query
SELECT count(*) AS n FROM t_items WHERE grp NOT IN ('a', NULL)

-- query
SELECT count(*) AS n FROM t_items WHERE grp IN ('b', NULL)

-- query
SELECT count(*) AS n FROM t_items WHERE grp IS NULL

-- query
SELECT count(*) AS n FROM t_items WHERE grp = NULL

-- query
SELECT id, s FROM t_strings WHERE s LIKE 'hello%' ORDER BY id

-- query
SELECT id, s FROM t_strings WHERE s ILIKE 'hello%' ORDER BY id

-- query
SELECT id FROM t_strings WHERE s LIKE '%o%' ORDER BY id

-- query
SELECT id FROM t_strings WHERE s LIKE '_' ORDER BY id

-- query
SELECT id FROM t_strings WHERE s LIKE '%\%' ORDER BY id

-- query
SELECT id FROM t_strings WHERE s LIKE 'under\_score' ORDER BY id

-- query
SELECT id FROM t_strings WHERE s LIKE 'under#_%' ESCAPE '#' ORDER BY id

-- query
SELECT id FROM t_strings WHERE s NOT LIKE '%a%' ORDER BY id

-- query
SELECT id FROM t_strings WHERE s NOT ILIKE '%A%' ORDER BY id

-- query
SELECT id FROM t_strings WHERE s LIKE '' ORDER BY id

-- query
SELECT id FROM t_strings WHERE s ILIKE 'ÜMLAUT%' ORDER BY id

-- query
SELECT count(*) AS n FROM t_items WHERE cat LIKE 'o''%'

-- query
SELECT id FROM t_strings WHERE s LIKE 'line_break' ORDER BY id

-- query
SELECT id FROM t_items WHERE id % 100 = 0 AND qty IS NOT NULL AND price IS NOT NULL ORDER BY id

-- query
SELECT NULL = NULL AS a, NULL <> 1 AS b, 1 = 1 AS c, true AND NULL AS d, false AND NULL AS e, true OR NULL AS f, false OR NULL AS g, NOT NULL::boolean AS h

-- query
SELECT 1 < 2 AS a, 'abc' < 'abd' AS b, 'B' < 'a' AS c, 2.5 > 2 AS d, DATE '2024-01-01' > DATE '2023-12-31' AS e

-- query
SELECT count(*) AS n FROM t_items WHERE true

-- query
SELECT count(*) AS n FROM t_items WHERE false

-- query
SELECT count(*) AS n FROM t_items WHERE id IN (SELECT id FROM t_items WHERE qty IS NULL) AND grp = 'a'

-- query
SELECT id, cat FROM t_items WHERE cat = '' ORDER BY id LIMIT 10

-- query
SELECT count(*) AS n FROM t_items WHERE qty = price

-- query
SELECT count(*) AS n FROM t_items WHERE qty = score

-- query
SELECT count(*) AS n FROM t_items WHERE price IN (1.00, 2.5, 99999.99)
