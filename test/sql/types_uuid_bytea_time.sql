-- The uuid, bytea and time (without time zone) types: input forms, output, comparison, keys,
-- functions and operators, errors, and tables of each with NULLs.

-- query
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS plain, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid AS upper_case, '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'::uuid AS braces, 'a0eebc999c0b4ef8bb6d6bb9bd380a11'::uuid AS bare, 'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11'::uuid AS odd_groups, '{a0eebc999c0b4ef8bb6d6bb9bd380a11}'::uuid AS bare_braces

-- error 22P02
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'::uuid

-- error 22P02
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111'::uuid

-- error 22P02
SELECT 'g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid

-- error 22P02
SELECT ' a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid

-- error 22P02
SELECT '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid

-- error 22P02
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-'::uuid

-- error 22P02
SELECT 'a0eebc9-99c0b-4ef8-bb6d-6bb9bd380a11'::uuid

-- query
SELECT '00000000-0000-0000-0000-000000000000'::uuid < 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid AS lt, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid = 'A0EEBC999C0B4EF8BB6D6BB9BD380A11' AS eq, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid::text AS txt

-- error 42883
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::text

-- statement
CREATE TABLE types_uuid_bytea_time_u (id uuid PRIMARY KEY, grp uuid, n int)

-- statement
INSERT INTO types_uuid_bytea_time_u VALUES ('ffffffff-0000-0000-0000-000000000001', '11111111-1111-1111-1111-111111111111', 1), ('00000000-0000-0000-0000-000000000002', NULL, 2), ('{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}', '11111111-1111-1111-1111-111111111111', 3), ('7fffffff-ffff-ffff-ffff-ffffffffffff', '22222222-2222-2222-2222-222222222222', 4), ('80000000-0000-0000-0000-000000000000', NULL, 5)

-- error 23505
INSERT INTO types_uuid_bytea_time_u VALUES ('a0eebc999c0b4ef8bb6d6bb9bd380a11', NULL, 6)

-- error 22P02
INSERT INTO types_uuid_bytea_time_u VALUES ('not-a-uuid', NULL, 7)

-- query
SELECT id, grp, n FROM types_uuid_bytea_time_u ORDER BY id

-- query
SELECT id, n FROM types_uuid_bytea_time_u ORDER BY id DESC

-- query
SELECT n FROM types_uuid_bytea_time_u WHERE id = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'

-- query
SELECT n FROM types_uuid_bytea_time_u WHERE id > '7fffffff-ffff-ffff-ffff-ffffffffffff' ORDER BY n

-- query
SELECT grp, count(*) AS c, sum(n) AS s FROM types_uuid_bytea_time_u GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT DISTINCT grp FROM types_uuid_bytea_time_u ORDER BY grp

-- query
SELECT count(DISTINCT grp) AS groups, count(id) AS ids FROM types_uuid_bytea_time_u

-- error 42883
SELECT min(id) FROM types_uuid_bytea_time_u

-- query
SELECT a.n AS an, b.n AS bn FROM types_uuid_bytea_time_u a JOIN types_uuid_bytea_time_u b ON a.grp = b.grp AND a.id < b.id ORDER BY a.n, b.n

-- statement
UPDATE types_uuid_bytea_time_u SET grp = id WHERE grp IS NULL

-- query
SELECT n FROM types_uuid_bytea_time_u WHERE grp = id ORDER BY n

-- statement
DELETE FROM types_uuid_bytea_time_u WHERE id = '00000000-0000-0000-0000-000000000002'

-- query
SELECT count(*) AS c FROM types_uuid_bytea_time_u

-- statement
CREATE TABLE types_uuid_bytea_time_g (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), n int)

-- statement
INSERT INTO types_uuid_bytea_time_g (n) SELECT g FROM generate_series(1, 50) g

-- query
SELECT count(DISTINCT id) AS ids, count(*) AS c, bool_and(id::text ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$') AS v4 FROM types_uuid_bytea_time_g

-- query
SELECT count(DISTINCT u) AS c FROM (SELECT gen_random_uuid() AS u FROM generate_series(1, 20)) s

-- query
SELECT length(gen_random_uuid()::text) AS len, gen_random_uuid() <> gen_random_uuid() AS differ

-- query
SELECT '\x'::bytea AS empty, '\xDEADbeef'::bytea AS hex, '\x de ad'::bytea AS spaced, 'abc'::bytea AS escape_plain, 'a\\b'::bytea AS backslash, 'a\000b\377'::bytea AS octal, 'é'::bytea AS utf8

-- error 22P02
SELECT 'a\b'::bytea

-- error 22023
SELECT '\x0'::bytea

-- error 22023
SELECT '\xzz'::bytea

-- statement
SET bytea_output = hex

-- error 22023
SET bytea_output = 'octal'

-- query
SELECT length('\x0102ff'::bytea) AS len, octet_length('\x0102ff'::bytea) AS octets, length('') AS text_len, '\x01'::bytea || '\x02ff'::bytea AS cat, '\x01'::bytea || '\x02' AS cat_unknown

-- query
SELECT '\x01'::bytea || 'x'::text AS cat_text, ('\x61'::bytea)::text AS as_text, 'abc'::text::bytea AS from_text

-- query
SELECT substring('\x0102030405'::bytea from 2 for 3) AS a, substring('\x0102030405'::bytea from 3) AS b, substr('\x0102030405'::bytea, 0, 3) AS c, substring('\x0102030405'::bytea from 9) AS d, substring('\x0102030405'::bytea from -5 for 3) AS e

-- error 22011
SELECT substring('\x0102'::bytea from 1 for -1)

-- query
SELECT encode('\x00ff41'::bytea, 'hex') AS h, encode('\x00ff415c'::bytea, 'escape') AS e, encode('hello world'::bytea, 'base64') AS b, encode(''::bytea, 'base64') AS b0

-- query
SELECT encode(decode(repeat('ab', 100), 'hex'), 'base64') AS long_b64

-- query
SELECT decode('00ff41', 'hex') AS h, decode('AP9B', 'base64') AS b, decode('aGVsbG8=', 'base64') AS b1, decode('aGVsbA==', 'base64') AS b2, decode('a\\b\001', 'escape') AS e, decode('DE AD', 'hex') AS hs

-- error 22023
SELECT decode('abc', 'hex')

-- error 22023
SELECT decode('a$==', 'base64')

-- error 22023
SELECT decode('aGVsbG8', 'base64')

-- error 22023
SELECT encode('\x00'::bytea, 'rot13')

-- query
SELECT get_byte('\x0102ff'::bytea, 2) AS b

-- error 2202E
SELECT get_byte('\x0102ff'::bytea, 3)

-- query
SELECT '\x01'::bytea < '\x0100'::bytea AS a, '\x02'::bytea > '\x0100'::bytea AS b, '\xff'::bytea > '\x7f'::bytea AS c, '\x'::bytea < '\x00'::bytea AS d, '\x0102'::bytea = '\x0102' AS e

-- statement
CREATE TABLE types_uuid_bytea_time_b (k bytea PRIMARY KEY, v bytea, n int)

-- statement
INSERT INTO types_uuid_bytea_time_b VALUES ('\xff', '\x00', 1), ('\x00', NULL, 2), ('\x', '\x5c', 3), ('\x0000', '\x00', 4), ('\x7f80', NULL, 5), ('\x01', '\xc3a9', 6), ('\x0001', '\x00', 7), ('\x80', '\x', 8)

-- error 23505
INSERT INTO types_uuid_bytea_time_b VALUES ('\xFF', NULL, 9)

-- query
SELECT k, v, n FROM types_uuid_bytea_time_b ORDER BY k

-- query
SELECT k, n FROM types_uuid_bytea_time_b ORDER BY v NULLS FIRST, k

-- query
SELECT v, count(*) AS c FROM types_uuid_bytea_time_b GROUP BY v ORDER BY v

-- Bytes that look like the executor's NULL marker and key separators group apart.
-- query
SELECT b1, b2, count(*) AS c FROM (VALUES ('\x004e'::bytea, '\x'::bytea), (NULL, '\x'), ('\x01', '\x'), ('\x', '\x01'), ('\x0101', '\x'), ('\x01', '\x01')) AS v(b1, b2) GROUP BY b1, b2 ORDER BY b1 NULLS FIRST, b2

-- query
SELECT b1, count(*) AS c FROM (VALUES ('\x004e'::bytea), (NULL), (NULL), ('\x004e')) AS v(b1) GROUP BY b1 ORDER BY b1

-- query
SELECT count(DISTINCT b1) AS d FROM (VALUES ('\x004e'::bytea), (NULL), ('\x00'), ('\x004e')) AS v(b1)

-- query
SELECT n FROM types_uuid_bytea_time_b WHERE k = '\x7f80' OR v = '\x5c' ORDER BY n

-- query
SELECT n, length(k) AS len, encode(k, 'hex') AS h, k || v AS kv FROM types_uuid_bytea_time_b WHERE k >= '\x01' ORDER BY n

-- error 42883
SELECT max(k) FROM types_uuid_bytea_time_b

-- query
SELECT concat(k, '|', v) AS c, k::text AS kt FROM types_uuid_bytea_time_b ORDER BY k

-- query
SELECT array_agg(k ORDER BY k)::text AS ks, array_agg(v ORDER BY k)::text AS vs FROM types_uuid_bytea_time_b

-- query
SELECT '00:00'::time AS a, '23:59:59.999999'::time AS b, '24:00:00'::time AS c, '1:2:3'::time AS d, '12:34:56.789'::time AS e, '04:05 PM'::time AS f, '12:00 am'::time AS g, 'allballs'::time AS h, '2003-04-12 04:05:06'::time AS i, '04:05:06+02'::time AS j

-- query
SELECT '12:34:56.123456789'::time AS rounded, '12:34:56.5'::time(0) AS p0, '12:34:56.125'::time(2) AS p2, '23:59:59.95'::time(1) AS up, time(3) '01:02:03.0005' AS p3

-- query
SELECT '23:59:59.9'::time(0) AS day_end

-- error 22008
SELECT '24:00:01'::time

-- error 22008
SELECT '25:00'::time

-- error 22008
SELECT '12:60'::time

-- error 22007
SELECT 'noon'::time

-- error 22007
SELECT '12'::time

-- query
SELECT time '10:00' + interval '3 hours 30 minutes' AS a, time '22:00' + interval '5 hours' AS wrap, time '01:00' - interval '2 hours' AS back, interval '1 day 1 hour' + time '10:00' AS iv_first, time '10:00' + '1 hour' AS unknown_iv, time '10:00' + interval '1 month' AS month_ignored

-- query
SELECT time '10:00' - time '08:30:15.5' AS d, time '08:00' - time '10:00' AS neg, time '10:00' - '09:00' AS unknown_time

-- query
SELECT date '2024-02-29' + time '13:45:01.5' AS ts, time '00:00' + date '2000-01-01' AS ts2

-- query
SELECT time '10:00' = interval '10 hours' AS a, interval '1 hour' < time '00:30' AS b

-- query
SELECT localtime <= time '24:00' AS a, localtime(2) >= time '00:00' AS b, length(localtime(0)::text) AS len

-- query
SELECT time '10:00' < time '10:00:00.000001' AS a, time '24:00' > time '23:59:59.999999' AS b, time '10:00' = '10:00:00' AS c, greatest(time '01:00', time '02:00') AS g

-- query
SELECT extract(hour from time '13:45:56.789') AS h, extract(minute from time '13:45:56.789') AS m, extract(second from time '13:45:56.789') AS s, extract(milliseconds from time '13:45:56.789') AS ms, extract(microseconds from time '13:45:56.789') AS us, extract(epoch from time '13:45:56.789') AS ep

-- query
SELECT date_part('hour', time '13:45:56.789') AS h, date_part('second', time '13:45:56.789') AS s, date_part('epoch', time '24:00') AS ep

-- error 0A000
SELECT extract(day from time '13:45')

-- error 22023
SELECT extract(fortnight from time '13:45')

-- query
SELECT timestamp '2024-05-06 07:08:09.123456'::time AS from_ts, '13:14:15'::text::time AS from_text, time '13:14:15.5'::text AS to_text, interval '25 hours 3 minutes'::time AS from_iv, time '01:02:03'::interval AS to_iv, interval '-1 hour'::time AS neg_iv

-- query
SELECT format_type('time'::regtype, 3) AS f3, format_type('uuid'::regtype, -1) AS fu, format_type('bytea'::regtype, -1) AS fb, format_type('time'::regtype, -1) AS ft

-- statement
CREATE TABLE types_uuid_bytea_time_t (id int PRIMARY KEY, t time, t2 time(2), k time)

-- statement
INSERT INTO types_uuid_bytea_time_t VALUES (1, '10:00', '10:00:00.125', '00:00'), (2, NULL, NULL, '24:00'), (3, '23:59:59.999999', '23:59:59.999', '12:00'), (4, '00:00:00.000001', '01:02:03.456', '06:30'), (5, '10:00', NULL, '18:45:30.25')

-- query
SELECT id, t, t2, k FROM types_uuid_bytea_time_t ORDER BY id

-- query
SELECT id FROM types_uuid_bytea_time_t ORDER BY t NULLS FIRST, id

-- query
SELECT t, count(*) AS c FROM types_uuid_bytea_time_t GROUP BY t ORDER BY t

-- query
SELECT min(t) AS lo, max(t) AS hi, min(t2) AS lo2 FROM types_uuid_bytea_time_t

-- query
SELECT id, t + interval '1 hour' AS later, k - t AS diff, extract(hour from k) AS h FROM types_uuid_bytea_time_t ORDER BY id

-- query
SELECT id FROM types_uuid_bytea_time_t WHERE t >= '10:00' AND t < '23:00' ORDER BY id

-- query
SELECT id, k FROM types_uuid_bytea_time_t WHERE k BETWEEN '06:00' AND '19:00' ORDER BY k

-- statement
UPDATE types_uuid_bytea_time_t SET t2 = '05:06:07.891' WHERE t2 IS NULL

-- query
SELECT id, t2 FROM types_uuid_bytea_time_t ORDER BY id

-- query
SELECT k, id FROM types_uuid_bytea_time_t WHERE k IN ('24:00', '06:30') ORDER BY k

-- query
SELECT a.attname::text AS attname, format_type(a.atttypid, a.atttypmod) AS typ, a.atttypmod AS typmod FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = 'types_uuid_bytea_time_t' AND a.attnum > 0 ORDER BY a.attnum

-- query
SELECT column_name::text AS column_name, data_type::text AS data_type, udt_name::text AS udt_name, datetime_precision FROM information_schema.columns WHERE table_name = 'types_uuid_bytea_time_t' ORDER BY ordinal_position

-- query
SELECT typname::text AS typname, typlen, typcategory::text AS typcategory FROM pg_type WHERE typname IN ('uuid', 'bytea', 'time') ORDER BY typname

-- query
SELECT CASE WHEN n > 2 THEN id END AS u, COALESCE(grp, id) AS g FROM types_uuid_bytea_time_u ORDER BY n

-- query
SELECT id FROM types_uuid_bytea_time_u UNION SELECT id FROM types_uuid_bytea_time_g WHERE false ORDER BY 1

-- error 42804
SELECT id FROM types_uuid_bytea_time_u UNION SELECT 1

-- error 42883
SELECT '\x01'::bytea + 1

-- error 42846
SELECT 1::uuid

-- A table large enough (21,000 rows) that eon keeps it in columnar segments and scans it in its
-- data-engine workers: uuid and bytea are dictionary columns there, time a float64 column.
-- statement
CREATE TABLE types_uuid_bytea_time_big (id int PRIMARY KEY, u uuid, b bytea, t time, g int)

-- statement
INSERT INTO types_uuid_bytea_time_big SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE md5((g % 5000)::text)::uuid END, CASE WHEN g % 11 = 0 THEN NULL ELSE substring(decode(md5((g % 300)::text), 'hex') from 1 for 1 + g % 3) END, CASE WHEN g % 13 = 0 THEN NULL ELSE time '00:00' + (g % 1440) * interval '1 minute' + (g % 1000) * interval '1 millisecond' END, g % 10 FROM (SELECT x + 7000 * k AS g FROM generate_series(1, 7000) x CROSS JOIN (VALUES (0), (1), (2)) AS m(k)) s

-- query
SELECT count(*) AS n, count(u) AS nu, count(b) AS nb, count(t) AS nt, count(DISTINCT u) AS du, count(DISTINCT b) AS db, count(DISTINCT t) AS dt FROM types_uuid_bytea_time_big

-- query
SELECT count(*) AS n FROM types_uuid_bytea_time_big WHERE u = md5('42')::uuid

-- query
SELECT count(*) AS n FROM types_uuid_bytea_time_big WHERE u > 'f0000000-0000-0000-0000-000000000000' AND u IS NOT NULL

-- query
SELECT count(*) AS n FROM types_uuid_bytea_time_big WHERE b = substring(decode(md5('7'), 'hex') from 1 for 2)

-- query
SELECT count(*) AS n, count(DISTINCT g) AS gs FROM types_uuid_bytea_time_big WHERE b < '\x10'

-- query
SELECT count(*) AS n FROM types_uuid_bytea_time_big WHERE t >= '06:00' AND t < '12:30:00.5'

-- query
SELECT g, min(t) AS lo, max(t) AS hi, count(t) AS c FROM types_uuid_bytea_time_big GROUP BY g ORDER BY g

-- query
SELECT extract(hour from t) AS h, count(*) AS c FROM types_uuid_bytea_time_big GROUP BY 1 ORDER BY 1 NULLS FIRST

-- query
SELECT length(b) AS len, count(*) AS c FROM types_uuid_bytea_time_big GROUP BY 1 ORDER BY 1 NULLS FIRST

-- query
SELECT u, count(*) AS c FROM types_uuid_bytea_time_big WHERE u IS NOT NULL GROUP BY u ORDER BY c DESC, u LIMIT 5

-- query
SELECT b, count(*) AS c FROM types_uuid_bytea_time_big GROUP BY b ORDER BY b NULLS FIRST LIMIT 8

-- query
SELECT id, u, b, t FROM types_uuid_bytea_time_big WHERE id IN (1, 7, 11, 13, 20999, 21000) ORDER BY id

-- query
SELECT id, t FROM types_uuid_bytea_time_big WHERE t IS NOT NULL ORDER BY t DESC, id LIMIT 5

-- query
SELECT count(*) AS n FROM types_uuid_bytea_time_big WHERE t IN ('00:01:00.001', '19:59:00.999', '24:00') OR u IN (md5('1')::uuid, md5('2')::uuid) OR b IN ('\x01', '\xc4ca')

-- query
SELECT count(*) AS n FROM types_uuid_bytea_time_big WHERE t <> '00:00' AND b IS NOT NULL AND u IS NULL

-- query
SELECT count(*) AS n, count(DISTINCT a.u) AS du FROM types_uuid_bytea_time_big a JOIN (SELECT md5(x::text)::uuid AS u FROM generate_series(1, 50) x) s ON a.u = s.u

-- query
SELECT a.b, count(*) AS c FROM types_uuid_bytea_time_big a JOIN types_uuid_bytea_time_b k ON a.b = k.k GROUP BY a.b ORDER BY a.b

-- statement
DROP TABLE types_uuid_bytea_time_big

-- statement
DROP TABLE types_uuid_bytea_time_u

-- statement
DROP TABLE types_uuid_bytea_time_g

-- statement
DROP TABLE types_uuid_bytea_time_b

-- statement
DROP TABLE types_uuid_bytea_time_t
