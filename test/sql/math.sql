-- Math functions over integers, numerics and floats.

-- query
SELECT abs(-3) AS a, abs(3.5) AS b, abs(-2.5::float8) AS c, abs(-9223372036854775807) AS d, abs(0) AS e

-- error 22003
SELECT abs(-2147483648)

-- query
SELECT round(2.5) AS a, round(-2.5) AS b, round(3.14159, 2) AS c, round(1234.5678, -2) AS d, round(0.5) AS e, round(1.005, 2) AS f

-- query
SELECT round(2.5::float8) AS a, round(3.5::float8) AS b, round(-2.5::float8) AS c, round(0.5::float8) AS d

-- query
SELECT trunc(3.789) AS a, trunc(-3.789) AS b, trunc(3.789, 2) AS c, trunc(1234.5, -2) AS d, trunc(-3.7::float8) AS e

-- query
SELECT ceil(2.1) AS a, ceil(-2.1) AS b, floor(2.9) AS c, floor(-2.1) AS d, ceiling(4.0) AS e, ceil(2.1::float8) AS f, floor(-0.5::float8) AS g

-- query
SELECT mod(7, 3) AS a, mod(-7, 3) AS b, mod(7.5, 2) AS c, mod(9223372036854775807, 10) AS d

-- error 22012
SELECT mod(5, 0)

-- query
SELECT power(2, 10) AS a, power(2.0, 0.5) AS b, power(2::float8, -1) AS c, power(10, 20) AS d, power(2.5, 2) AS e

-- query
SELECT sqrt(16) AS a, sqrt(2) AS b, sqrt(2.0) AS c, sqrt(0) AS d, sqrt(1e10::float8) AS e

-- error 2201F
SELECT power(-8::float8, 1.0/3)

-- error 2201F
SELECT sqrt(-1)

-- query
SELECT sign(-5) AS a, sign(0) AS b, sign(3.5) AS c, sign(-0.1::float8) AS d

-- query
SELECT greatest(1, 2.5, -3) AS a, least(1::float8, 2, -3) AS b, greatest('2024-01-01'::date, '2023-06-01'::date) AS c, least(NULL::int, NULL) AS d

-- query
SELECT id, abs(score) AS a, round(score) AS r, trunc(score) AS t, ceil(score) AS c, floor(score) AS f, sign(score) AS s FROM t_items WHERE id <= 30 ORDER BY id

-- query
SELECT id, round(price, 1) AS r1, round(price) AS r0, trunc(price) AS t0, ceil(price) AS c0, floor(price) AS f0, mod(qty, 7) AS m FROM t_items WHERE id <= 30 ORDER BY id

-- query
SELECT id, sqrt(abs(qty)) AS sq, power(qty, 2) AS p2 FROM t_items WHERE id <= 30 AND qty IS NOT NULL ORDER BY id

-- query
SELECT id, greatest(qty, price) AS g, least(score, 0) AS l FROM t_items WHERE id <= 20 ORDER BY id

-- query
SELECT pi() AS a, exp(1) AS b, ln(10) AS c, log(100) AS d, log(2, 8) AS e, cbrt(27) AS f

-- query
SELECT round(price / 3, 4) AS r FROM t_items WHERE id IN (5, 6, 7) ORDER BY id

-- query
SELECT div(7, 2) AS a, div(-7, 2) AS b, 7 / 2 * 2 + 7 % 2 AS c, gcd(12, 18) AS d, lcm(4, 6) AS e

-- query
SELECT abs(big) AS a FROM t_items WHERE big IS NOT NULL AND big > -9000000000000000000 AND id <= 30 ORDER BY id
