-- Dates, timestamps and intervals: literals, arithmetic, date_trunc, extract/date_part.

-- query
SELECT DATE '2024-02-28' + 1 AS a, DATE '2024-02-28' + 2 AS b, DATE '2023-01-01' - 1 AS c, 7 + DATE '2024-01-01' AS d

-- query
SELECT DATE '2024-03-01' - DATE '2024-02-01' AS a, DATE '2023-01-01' - DATE '2024-01-01' AS b

-- query
SELECT DATE '2024-01-31' + INTERVAL '1 month' AS a, DATE '2024-01-31' - INTERVAL '1 day' AS b, DATE '2024-01-01' + INTERVAL '36 hours' AS c

-- query
SELECT TIMESTAMP '2024-01-01 10:00:00' + INTERVAL '90 minutes' AS a, TIMESTAMP '2024-03-31 00:00:00' - INTERVAL '1 month' AS b, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '1 year 2 months 3 days 04:05:06.5' AS c

-- query
SELECT TIMESTAMP '2024-01-02 03:04:05' - TIMESTAMP '2024-01-01 00:00:00' AS a, TIMESTAMP '2024-01-01' - TIMESTAMP '2024-03-01 12:00' AS b

-- query
SELECT INTERVAL '1 day' AS a, INTERVAL '25 hours' AS b, INTERVAL '1 year 2 mons' AS c, INTERVAL '-3 days' AS d, INTERVAL '1.5 seconds' AS e, INTERVAL '0' AS f

-- query
SELECT INTERVAL '1 day' + INTERVAL '2 hours' AS a, INTERVAL '1 hour' * 3 AS b, INTERVAL '3 days' - INTERVAL '1 day' AS c, -INTERVAL '1 day' AS d

-- query
SELECT TIMESTAMP '2024-02-29 13:14:15.123456' AS a, TIMESTAMP '2024-02-29 13:14:15.5' AS b, TIMESTAMP '1999-12-31 23:59:59' AS c, TIMESTAMP '2024-01-01' AS d

-- query
SELECT DATE '0001-01-01' AS a, DATE '9999-12-31' AS b, DATE '1970-01-01' AS c, DATE '1969-12-31' AS d, DATE '2000-02-29' AS e

-- query
SELECT date_trunc('month', TIMESTAMP '2024-02-29 13:14:15') AS a, date_trunc('year', TIMESTAMP '2024-02-29 13:14:15') AS b, date_trunc('day', TIMESTAMP '2024-02-29 13:14:15') AS c, date_trunc('hour', TIMESTAMP '2024-02-29 13:14:15') AS d

-- query
SELECT date_trunc('week', TIMESTAMP '2024-02-29 13:14:15') AS a, date_trunc('quarter', TIMESTAMP '2024-05-15') AS b, date_trunc('minute', TIMESTAMP '2024-02-29 13:14:15') AS c, date_trunc('second', TIMESTAMP '2024-02-29 13:14:15.75') AS d

-- query
SELECT extract(year FROM DATE '2024-02-29') AS a, extract(month FROM DATE '2024-02-29') AS b, extract(day FROM DATE '2024-02-29') AS c, extract(dow FROM DATE '2024-02-29') AS d, extract(doy FROM DATE '2024-02-29') AS e

-- query
SELECT extract(hour FROM TIMESTAMP '2024-02-29 13:14:15.5') AS a, extract(minute FROM TIMESTAMP '2024-02-29 13:14:15.5') AS b, extract(second FROM TIMESTAMP '2024-02-29 13:14:15.5') AS c, extract(epoch FROM TIMESTAMP '2024-02-29 13:14:15.5') AS d

-- query
SELECT extract(quarter FROM DATE '2024-08-01') AS a, extract(week FROM DATE '2024-01-01') AS b, extract(isodow FROM DATE '2024-03-03') AS c, extract(epoch FROM DATE '2024-01-01') AS d

-- query
SELECT date_part('year', TIMESTAMP '2024-02-29 13:14:15') AS a, date_part('day', DATE '2024-02-29') AS b, date_part('hour', TIMESTAMP '2024-02-29 13:14:15') AS c, date_part('epoch', TIMESTAMP '1970-01-02') AS d

-- query
SELECT extract(day FROM INTERVAL '3 days 4 hours') AS a, extract(hour FROM INTERVAL '3 days 4 hours') AS b, extract(epoch FROM INTERVAL '1 day') AS c

-- query
SELECT id, d, d + 30 AS plus30, d - 1 AS minus1, d + INTERVAL '1 month' AS plus_month FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT id, ts, ts + INTERVAL '12 hours' AS later, ts - INTERVAL '1 day 1 second' AS earlier, ts::date AS day FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT id, extract(year FROM d) AS y, extract(month FROM d) AS m, extract(dow FROM d) AS dw, date_part('hour', ts) AS h FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT date_trunc('month', ts) AS m, count(*) AS n FROM t_items GROUP BY 1 ORDER BY 1

-- query
SELECT extract(year FROM d) AS y, count(*) AS n, min(d) AS first, max(d) AS last FROM t_items GROUP BY 1 ORDER BY 1

-- query
SELECT id, ts - d AS since_midnight FROM t_items WHERE id <= 10 ORDER BY id

-- query
SELECT id, d - DATE '2023-01-01' AS days FROM t_items WHERE id <= 10 ORDER BY id

-- query
SELECT count(*) AS n FROM t_items WHERE d > DATE '2023-06-30' AND ts < TIMESTAMP '2024-06-01 12:00'

-- query
SELECT max(ts) - min(ts) AS span FROM t_items

-- query
SELECT DATE '2024-01-15' < TIMESTAMP '2024-01-15 00:00:01' AS a, DATE '2024-01-15' = TIMESTAMP '2024-01-15' AS b, '2024-01-15'::date = '2024-01-15' AS c

-- query
SELECT '2024-1-5'::date AS a, '20240105'::date AS b, '2024-01-05T10:11:12'::timestamp AS c, 'epoch'::timestamp AS d

-- error 22008
SELECT DATE '2024-13-01'

-- error 22007
SELECT TIMESTAMP 'yesterday-ish'

-- error 22023
SELECT date_trunc('fortnight', TIMESTAMP '2024-01-01')

-- error 42883
SELECT DATE '2024-01-01' + DATE '2024-01-02'
