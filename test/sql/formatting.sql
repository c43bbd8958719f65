-- Formatting functions: to_char over timestamps, dates, intervals and numbers; to_date and to_timestamp.

-- query
SELECT id, to_char(ts, 'YYYY-MM-DD HH24:MI:SS') AS a, to_char(ts, 'FMMonth DD, YYYY HH12:MI AM') AS b, to_char(ts, 'Day Dy DY dy DDD D J Q WW IW IYYY') AS c FROM t_items WHERE id <= 60 ORDER BY id

-- query
SELECT id, to_char(d, 'Mon MON mon Month MONTH month|') AS a, to_char(d, 'FMDay, FMDDth "of" FMMonth') AS b, to_char(d, 'YY Y YYY Y,YYY IY I IYY IDDD ID') AS c FROM t_items WHERE id <= 60 ORDER BY id

-- query
SELECT to_char(ts, 'YYYY-MM-DD') AS a FROM t_items WHERE ts IS NULL ORDER BY id LIMIT 3

-- query
SELECT g AS day_offset, to_char(DATE '2020-12-25' + g, 'YYYY-MM-DD Dy IYYY-IW-ID IDDD WW W DDD') AS iso FROM generate_series(0, 20) AS g ORDER BY g

-- query
SELECT g AS day_offset, to_char(DATE '2026-12-26' + g, 'YYYY-MM-DD Dy IYYY IW IDDD') AS iso, to_char(DATE '2008-12-27' + g, 'IYYY IW ID') AS iso2 FROM generate_series(0, 12) AS g ORDER BY g

-- query
SELECT to_char(TIMESTAMP '2024-02-29 00:00:00', 'DD Mon YYYY HH12:MI:SS AM am A.M. a.m. HH24') AS midnight, to_char(TIMESTAMP '2024-02-29 12:00:00', 'HH12 PM pm P.M. p.m. HH') AS noon, to_char(TIMESTAMP '2024-02-29 23:59:59.987654', 'HH:MI:SS.MS.US SSSS SSSSS') AS last

-- query
SELECT to_char(TIMESTAMP '2024-03-01 01:02:03', 'DDth DDTH MMth HH24th MIth SSth Dth') AS a, to_char(DATE '2024-01-11', 'DDth') AS b, to_char(DATE '2024-01-12', 'DDth') AS c, to_char(DATE '2024-01-13', 'ddth') AS d, to_char(DATE '2024-01-22', 'DDth') AS e, to_char(DATE '2024-01-23', 'FMDDth') AS f, to_char(DATE '2024-01-21', 'FMDDTH') AS g

-- query
SELECT to_char(TIMESTAMP '2024-05-06 07:08:09', 'FMDD FMMM FMHH24 FMMI FMSS FMHH12 FMDDD FMWW FMIW') AS fm, to_char(TIMESTAMP '2024-05-06 07:08:09', '"YYYY is" YYYY "\"q\"" \"x') AS quoted, to_char(TIMESTAMP '2024-05-06 07:08:09', 'YYYY\MM') AS bs

-- query
SELECT to_char(TIMESTAMP '0005-01-01 00:00:00', 'YYYY YY Y FMYYYY') AS small, to_char(TIMESTAMP '12345-06-07 00:00:00', 'YYYY Y,YYY') AS big, to_char(TIMESTAMP '2000-01-01', 'TZ') AS tz

-- query
SELECT to_char(TIMESTAMPTZ '2024-05-06 07:08:09+00', 'YYYY-MM-DD HH24:MI:SS TZ tz') AS a

-- query
SELECT to_char(INTERVAL '1 year 2 mons 3 days 04:05:06.789', 'YYYY MM DD HH24:MI:SS.MS US') AS a, to_char(INTERVAL '-1 year -2 mons -3 days -04:05:06', 'YYYY MM DD HH24:MI:SS') AS b, to_char(INTERVAL '49 hours', 'HH24 DD') AS c, to_char(INTERVAL '-5 minutes', 'FMMI:SS') AS d

-- query
SELECT to_char(NULL::timestamp, 'YYYY') AS a, to_char(TIMESTAMP '2024-01-01', NULL) AS b, to_char(NULL::numeric, '999') AS c, to_date(NULL, 'YYYY') AS d, to_timestamp(NULL::text, 'YYYY') AS e, to_char(TIMESTAMP '2024-01-01', '') AS f

-- query
SELECT to_char(12, '999') AS a, to_char(-12, '999') AS b, to_char(0, '999') AS c, to_char(12345, '999') AS d, to_char(1234567, '9,999,999') AS e, to_char(12, '9,999') AS f, to_char(-1234, 'FM9,999') AS g

-- query
SELECT to_char(0.5, '9.99') AS a, to_char(0.5, '0.99') AS b, to_char(-0.5, '9.99') AS c, to_char(12.345, '99.99') AS d, to_char(12.355, '99.9') AS e, to_char(99.99, '99.9') AS f, to_char(5, '9099') AS g, to_char(5, '0000') AS h

-- query
SELECT to_char(12.5, 'FM999.99') AS a, to_char(12.5, 'FM999.00') AS b, to_char(12, 'FM999.99') AS c, to_char(-12.5, 'FM999.99') AS d, to_char(0, 'FM999') AS e, to_char(123.45, '999D99') AS f, to_char(1234.5, '9G999D9') AS g

-- query
SELECT to_char(12, 'S999') AS a, to_char(-12, 'S999') AS b, to_char(12, '999MI') AS c, to_char(-12, '999MI') AS d, to_char(12, '999PR') AS e, to_char(-12, '999PR') AS f, to_char(-12.5, 'FMS999.9') AS g, to_char(-12, 'FM999PR') AS h

-- query
SELECT id, price, to_char(price, '99,999.99') AS a, to_char(price, 'FM99999.00') AS b, to_char(qty, '00000') AS c, to_char(big, '9999999999999999999') AS e FROM t_items WHERE id <= 40 ORDER BY id

-- query
SELECT to_char(2.5::float8, '9') AS a, to_char(-2.5::float8, '9') AS b, to_char(1234.5678::float8, '9999.99') AS c, to_char(9223372036854775807::int8, '9999999999999999999') AS d, to_char(12345.678::numeric, '99.9') AS e

-- query
SELECT to_date('2024-02-29', 'YYYY-MM-DD') AS a, to_date('05 Mar 2021', 'DD Mon YYYY') AS b, to_date('20240115', 'YYYYMMDD') AS c, to_timestamp('2024-02-29 13:14:15', 'YYYY-MM-DD HH24:MI:SS') AS d, to_timestamp('2024-02-29 01:14 PM', 'YYYY-MM-DD HH12:MI AM') AS e, to_timestamp('2024-02-29 12:14 AM', 'YYYY-MM-DD HH:MI AM') AS f

-- query
SELECT id, to_date(to_char(d, 'YYYY-MM-DD'), 'YYYY-MM-DD') = d AS same FROM t_items WHERE id <= 30 AND d IS NOT NULL ORDER BY id

-- query
SELECT to_timestamp(0) AS a, to_timestamp(1700000000.5) AS b, to_timestamp(-86400) AS c

-- error 22007
SELECT to_date('2024-xx-01', 'YYYY-MM-DD')

-- error 22008
SELECT to_date('2024-02-30', 'YYYY-MM-DD')

-- error 22008
SELECT to_date('2024-13-01', 'YYYY-MM-DD')

-- error 22007
SELECT to_timestamp('13:00 PM', 'HH12:MI PM')

-- error 22007
SELECT to_date('2024 Foo 01', 'YYYY Mon DD')

-- query
SELECT to_char(0.125::float8, '9.99') AS a, to_char(0.375::float8, '9.99') AS b, to_char(1e20::float8, '999999999999999999999') AS c, to_char(1.5::float4, '9') AS d, to_char(123456789.987654321::float8, '999999999.999999999') AS e, to_char(-0.0001::float8, '9.9') AS f

-- query
SELECT id, score, to_char(score, '999999.999') AS a, to_char(score, 'FM9999999990.00') AS b FROM t_items WHERE id <= 40 AND abs(score) < 1e6 ORDER BY id

-- query
SELECT to_char(123456, '9,999.99') AS a, to_char(-123456, 'S9,999') AS b, to_char(123456, '999MI') AS c, to_char(-999.999, '999.99') AS d, to_char(999.994, '999.99') AS e

-- query
SELECT to_char(5, '0,000') AS a, to_char(-5, '000') AS b, to_char(0, '0') AS c, to_char(0, '9.9') AS d, to_char(12, 'FMS999') AS e, to_char(-12, 'FM999MI') AS f, to_char(12, 'FM999PR') AS g, to_char(12, '999 999') AS h, to_char(12, '99-99') AS i

-- query
SELECT to_char('-9223372036854775808'::int8, '9999999999999999999') AS a, to_char('-9223372036854775808'::int8, '999') AS b, to_char(1234567.891::numeric, 'FM9,999,999.999') AS c, to_char(0.001::numeric, '0.99') AS d, to_char(-0.001::numeric, '9.99') AS e

-- query
SELECT to_date('2024-1-5', 'YYYY-MM-DD') AS a, to_date('  2024-01-05', 'YYYY-MM-DD') AS b, to_date('2024/02/29', 'YYYY/MM/DD') AS c, to_timestamp('2024-02-29 00:00:00', 'YYYY-MM-DD HH24:MI:SS') AS d, to_date('jan 05 2024', 'Mon DD YYYY') AS e

-- query
SELECT g, to_char(TIMESTAMP '2023-12-31 11:30:00' + g * INTERVAL '1 hour', 'YYYY-MM-DD HH12 AM HH24 Day D ID') AS t FROM generate_series(0, 26) AS g ORDER BY g

-- query
SELECT to_char(-123456, '999MI') AS a, to_char(-123456, '999PR') AS b, to_char(123456, 'FM999') AS c, to_char(-123456, 'FM999.9') AS d, to_char(1.25::float4, '9.9') AS e, to_char(3.14159::float4, '9.99999999') AS f, to_char(1234.5, '0999.90') AS g

-- query
SELECT id, qty, to_char(qty, 'S0000') AS a, to_char(qty, 'FM999MI') AS b, to_char(qty::numeric / 7, '990.999PR') AS c FROM t_items WHERE id <= 40 ORDER BY id
