-- Arithmetic: integer division and modulo, numeric scale, floats, overflow and division by zero.

-- query
SELECT 7 / 2 AS a, -7 / 2 AS b, 7 / -2 AS c, 7 % 3 AS d, -7 % 3 AS e, 7 % -3 AS f

-- query
SELECT 7.0 / 2 AS a, 1 / 3.0 AS b, 10::numeric / 4 AS c, 2.50 * 4 AS d, 1.1 + 2.22 AS e, 5.5 - 10 AS f

-- query
SELECT 1.0 / 3 AS a, 2.0 / 3 AS b, 100.0 / 7 AS c, 1 / 7.000000 AS d

-- query
SELECT 0.1::float8 + 0.2::float8 AS a, 1.5::float8 * 3 AS b, 1::float8 / 3 AS c, -0.0::float8 AS d

-- query
SELECT 1e300::float8 * 10 AS a, 123456789.123::float8 AS b, 1e-5::float8 AS c, 1e15::float8 AS d, 1e16::float8 AS e

-- query
SELECT 2147483647 AS a, -2147483648 AS b, 2147483648 AS c, 9223372036854775807 AS d

-- query
SELECT 2147483647::int8 + 1 AS a, 9223372036854775806 + 1 AS b, -9223372036854775807 - 1 AS c

-- query
SELECT 32767::smallint AS a, 32767::smallint - 1::smallint AS b, 100::smallint * 2 AS c

-- error 22003
SELECT 2147483647 + 1

-- error 22003
SELECT -2147483648 - 1

-- error 22003
SELECT 9223372036854775807 + 1

-- error 22003
SELECT 32767::smallint + 1::smallint

-- error 22003
SELECT 65536 * 65536

-- error 22003
SELECT 3037000500 * 3037000500

-- error 22003
SELECT 2147483648::int4

-- error 22003
SELECT 99999999999::smallint

-- error 22003
SELECT 123456.789::numeric(5,2)

-- error 22012
SELECT 1 / 0

-- error 22012
SELECT 1 % 0

-- error 22012
SELECT 1.5 / 0

-- error 22012
SELECT 1::float8 / 0

-- error 22012
SELECT 10::bigint / 0::bigint

-- error 22012
SELECT id / (qty - qty) AS x FROM t_items WHERE qty IS NOT NULL

-- query
SELECT id, qty, qty * 2 AS dbl, qty / 3 AS third, qty % 7 AS m7, -qty AS neg FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT id, price, price * 2 AS p2, price / 3 AS p3, price + qty AS pq, price * qty AS ptq FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT id, score, score * 2 AS s2, score + 1 AS s1, score / 3 AS s3 FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT id, big, big + 1 AS b1, big / 1000 AS bk, big % 1000 AS bm, big - qty AS bq FROM t_items WHERE big IS NOT NULL AND id <= 40 ORDER BY id

-- query
SELECT id, big::numeric * 10 AS b10 FROM t_items WHERE big > 9007199254740992 ORDER BY id LIMIT 10

-- query
SELECT 1 + 2 * 3 AS a, (1 + 2) * 3 AS b, 2 - 3 - 4 AS c, 12 / 3 / 2 AS d, - 5 + 2 AS e, +4 AS f

-- query
SELECT 0.1 + 0.2 AS a, 0.1 * 0.2 AS b, 1.000 * 1.00 AS c, 123.450 - 0.45 AS d, -0.00 AS e

-- query
SELECT 1::numeric / 3 AS a, 1::numeric(10,2) / 3 AS b, 12345678901234567890::numeric / 7 AS c

-- query
SELECT 12345678901234567890.12345 * 1000 AS a, 99999999999999999999 + 1 AS b

-- query
SELECT 5::int2 / 2::int2 AS a, 5::int4 / 2::int8 AS b, 5 / 2.0::float8 AS c, 5::numeric / 2 AS d

-- query
SELECT 3 + 4.5 AS a, 3 + 4.5::float8 AS b, 3::int8 * 2.5 AS c, 1.5 + 1.5::float8 AS d

-- query
SELECT 10.5 % 3 AS a, -10.5 % 3 AS b, 10 % 3.5 AS c

-- query
SELECT 123.456::numeric(6,1) AS a, 0.005::numeric(4,2) AS b, 0.015::numeric(4,2) AS c, -0.005::numeric(4,2) AS d, 2.5::numeric(3,0) AS e

-- query
SELECT 2.5::int AS a, 3.5::int AS b, -2.5::int AS c, 2.5::float8::int AS d, 3.5::float8::int AS e, 2.4999::int AS f

-- query
SELECT '1e3'::float8 AS a, 'NaN'::float8 AS b, 'Infinity'::float8 AS c, '-Infinity'::float8 AS d

-- query
SELECT 'NaN'::float8 = 'NaN'::float8 AS a, 'NaN'::float8 > 1e308 AS b, 'Infinity'::float8 + 1 AS c

-- query
SELECT 1e20::float8 AS a, 1.5e-10::float8 AS b, 100000000000000::float8 AS c, 123456789012345678::float8 AS d

-- query
SELECT 3.0::float4 AS a, 0.1::float4 AS b, 1::float4 / 3 AS c

-- query
SELECT id, qty FROM t_items WHERE qty * 2 > 300 ORDER BY id

-- query
SELECT id FROM t_items WHERE price / 2 > 49900 ORDER BY id

-- query
SELECT @ -5 AS a, abs(-5.5) AS b, -(-3) AS c
