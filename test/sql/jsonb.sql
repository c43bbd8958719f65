-- jsonb (and json kept as text): input normalization, errors, operators, functions, aggregates,
-- casts, ordering, grouping and storage round trips.

-- query
SELECT '{"b": 1, "a": 2, "aa": [1, 2, {"z": null, "y": true}]}'::jsonb AS j

-- query
SELECT '{"a":1,"a":2,"b":{"c":1,"c":3}}'::jsonb AS last_wins, '  [ 1 ,2,  "x" ]  '::jsonb AS arr, '"str"'::jsonb AS s, 'null'::jsonb AS n, 'true'::jsonb AS t

-- query
SELECT '1.50'::jsonb AS a, '-0'::jsonb AS b, '1e3'::jsonb AS c, '1.5E-3'::jsonb AS d, '123456789012345678901234567890.000'::jsonb AS e, '[0.1, -2.50e1]'::jsonb AS f

-- query
SELECT '{"ü": "ñ", "€uro": "\u00e9\ud83d\ude00", "tab": "a\tb", "q": "\"\\/"}'::jsonb AS u

-- query
SELECT '{"bbb": 1, "a": 2, "cc": 3, "é": 4, "b": 5}'::jsonb AS key_order

-- query
SELECT '{"x": "\u0001\u001f"}'::jsonb AS ctl, '[]'::jsonb AS ea, '{}'::jsonb AS eo, '[[], {}, [[]]]'::jsonb AS nested

-- query
SELECT '{"a" : 1, "a": [2]}'::json AS keeps_text, '  [1,2 ]'::json AS spaced

-- error 22P02
SELECT '{"a": 1'::jsonb

-- error 22P02
SELECT '{"a" 1}'::jsonb

-- error 22P02
SELECT '[1, 2,]'::jsonb

-- error 22P02
SELECT '01'::jsonb

-- error 22P02
SELECT 'tru'::jsonb

-- error 22P02
SELECT '{"a": 1} x'::jsonb

-- error 22P02
SELECT '"\x"'::jsonb

-- error 22P02
SELECT '"\ud83d"'::jsonb

-- error 22P05
SELECT '"\u0000"'::jsonb

-- error 22P02
SELECT ''::jsonb

-- error 22P02
SELECT '{"a": 1'::json

-- query
SELECT '"\u0000"'::json AS zero_ok_in_json

-- statement
CREATE TABLE jsonb_t (id int PRIMARY KEY, j jsonb, note text)

-- statement
INSERT INTO jsonb_t VALUES (1, '{"a": 1, "b": {"c": [1, 2, 3]}, "tags": ["x", "y"]}', 'obj'), (2, '[1, "two", null, {"k": "v"}]', 'arr'), (3, '"scalar"', 'str'), (4, '42', 'num'), (5, 'null', 'jnull'), (6, NULL, 'sqlnull'), (7, '{"a": 1.0, "b": {"c": [1, 2, 3]}, "tags": ["x", "y"]}', 'obj2'), (8, '{"a": 2, "tags": ["y"], "big": 123456789012345678901234567890}', 'obj3'), (9, '[]', 'emptyarr'), (10, '{}', 'emptyobj'), (11, 'true', 'bool'), (12, '-1.25', 'neg')

-- query
SELECT id, j FROM jsonb_t ORDER BY id

-- query
SELECT id, j -> 'a' AS a, j ->> 'a' AS at, j -> 'b' -> 'c' AS c, j -> 'b' -> 'c' -> 1 AS c1, j -> 'b' -> 'c' ->> -1 AS clast FROM jsonb_t ORDER BY id

-- query
SELECT id, j -> 0 AS e0, j ->> 1 AS e1, j -> -1 AS elast, j -> 10 AS e10, j ->> 'k' AS k FROM jsonb_t ORDER BY id

-- query
SELECT id, j #> '{b,c,2}' AS p, j #>> '{b,c}' AS pt, j #> '{}' AS whole, j #>> '{}' AS whole_text, j #> '{3,k}' AS ak, j #>> '{tags,0}' AS t0 FROM jsonb_t ORDER BY id

-- query
SELECT id, j @> '{"a": 1}' AS has_a1, j @> '{"tags": ["y"]}' AS has_y, j <@ '{"a": 1, "b": {"c": [1, 2, 3]}, "tags": ["x", "y"], "z": 0}' AS within, j @> '[1]' AS arr1, j @> '"scalar"' AS sc FROM jsonb_t ORDER BY id

-- query
SELECT id, j ? 'a' AS qa, j ? 'two' AS qtwo, j ? 'scalar' AS qs, j ?| '{a,big}' AS qany, j ?& '{a,tags}' AS qall, j ?& '{}' AS qall_empty, j ?| '{}' AS qany_empty FROM jsonb_t ORDER BY id

-- query
SELECT id, jsonb_typeof(j) AS t, j || '{"z": 9}' AS cat_obj, j || '[9]' AS cat_arr, j || '"s"' AS cat_s FROM jsonb_t ORDER BY id

-- query
SELECT id, j - 'a' AS del_a, j - 'two' AS del_two FROM jsonb_t WHERE jsonb_typeof(j) IN ('object', 'array') ORDER BY id

-- query
SELECT id, j - 0 AS del0, j - -1 AS dellast, j - 10 AS del10 FROM jsonb_t WHERE jsonb_typeof(j) = 'array' ORDER BY id

-- error 22023
SELECT '"s"'::jsonb - 'a'

-- error 22023
SELECT '{"a": 1}'::jsonb - 0

-- query
SELECT id, jsonb_array_length(j) AS n FROM jsonb_t WHERE jsonb_typeof(j) = 'array' ORDER BY id

-- error 22023
SELECT jsonb_array_length('{"a": 1}')

-- error 22023
SELECT jsonb_array_length('5')

-- query
SELECT id, jsonb_extract_path(j, 'b', 'c') AS p, jsonb_extract_path_text(j, 'tags', '1') AS t1, jsonb_extract_path(j, '3', 'k') AS k FROM jsonb_t ORDER BY id

-- Rows 1 and 7 are equal jsonb ({"a": 1} = {"a": 1.0}) but print differently: which one a group
-- shows is unspecified, so the groups are listed without them and counted with them.
-- query
SELECT j, count(*) AS n FROM jsonb_t WHERE id NOT IN (1, 7) GROUP BY j ORDER BY j NULLS FIRST

-- query
SELECT DISTINCT j FROM jsonb_t WHERE id NOT IN (1, 7) ORDER BY j DESC NULLS LAST

-- query
SELECT count(DISTINCT j) AS nd, (SELECT count(*) FROM (SELECT DISTINCT j FROM jsonb_t) AS d) AS ndist, (SELECT count(*) FROM (SELECT j FROM jsonb_t GROUP BY j) AS g) AS ngroups FROM jsonb_t

-- query
SELECT id, j FROM jsonb_t WHERE j = '{"b": {"c": [1, 2, 3]}, "a": 1, "tags": ["x", "y"]}' ORDER BY id

-- query
SELECT a.id AS a, b.id AS b, a.j < b.j AS lt, a.j = b.j AS eq FROM jsonb_t a, jsonb_t b WHERE a.id < b.id AND a.id IN (1, 3, 4, 5, 9, 11) AND b.id IN (2, 4, 7, 8, 10, 12) ORDER BY a, b

-- query
SELECT '[]'::jsonb < '1'::jsonb AS a, '1'::jsonb < '[1]'::jsonb AS b, '"a"'::jsonb < '1'::jsonb AS c, 'null'::jsonb < '""'::jsonb AS d, 'true'::jsonb > '99'::jsonb AS e, '{}'::jsonb > '[1, 2]'::jsonb AS f, '[1, 2]'::jsonb > '[3]'::jsonb AS g, '{"b": 1}'::jsonb > '{"a": 2}'::jsonb AS h, '{"aa": 1}'::jsonb > '{"b": 1}'::jsonb AS i

-- query
SELECT jsonb_build_object('a', 1, 'b', 'two', 'c', NULL, 'd', 1.50, 'e', true, 'f', '[1,2]'::jsonb, 'a', 3) AS o, jsonb_build_object() AS empty, jsonb_build_array(1, 'x', NULL, 2.5::float8, '{"k": 1}'::jsonb) AS a, jsonb_build_array() AS ea

-- query
SELECT jsonb_build_object(1, 'int key', true, 'bool key', 2.50, 'num key') AS o

-- error 22023
SELECT jsonb_build_object('a', 1, 'b')

-- error 22023
SELECT jsonb_build_object(NULL::text, 1)

-- query
SELECT to_jsonb(1) AS i, to_jsonb(12345678901234::bigint) AS b, to_jsonb(1.50) AS n, to_jsonb('x"y'::text) AS t, to_jsonb(true) AS bo, to_jsonb('NaN'::float8) AS nan, to_jsonb(1e20::float8) AS big, to_jsonb(0.1::float8) AS f, to_jsonb('2020-01-02'::date) AS d, to_jsonb('2020-01-02 03:04:05.5'::timestamp) AS ts, to_jsonb('{"a":1}'::jsonb) AS j, to_jsonb(NULL::int) AS nul

-- query
SELECT to_jsonb('2020-01-02 03:04:05+00'::timestamptz) AS tstz, to_jsonb('1 day 02:00:00'::interval) AS iv

-- query
SELECT grp, jsonb_agg(qty ORDER BY id) AS qs FROM t_items WHERE id <= 40 GROUP BY grp ORDER BY grp NULLS FIRST

-- query
SELECT jsonb_agg(j ORDER BY id) AS all_j, jsonb_agg(note ORDER BY id) FILTER (WHERE id > 9) AS notes FROM jsonb_t

-- query
SELECT jsonb_agg(x) AS none FROM t_empty

-- query
SELECT jsonb_object_agg(note, j ORDER BY id) AS o FROM jsonb_t

-- query
SELECT grp, jsonb_object_agg(id, price ORDER BY id) AS o FROM t_items WHERE id <= 30 AND grp IS NOT NULL GROUP BY grp ORDER BY grp

-- error 22023
SELECT jsonb_object_agg(v, k) FROM (VALUES (NULL::text, 1)) AS s(v, k)

-- query
SELECT jsonb_object_agg(v, k) AS dup FROM (VALUES ('a', 1), ('b', 2), ('a', 3)) AS s(v, k)

-- query
SELECT '42'::jsonb::int AS i, '1.5'::jsonb::int AS r, '12345678901'::jsonb::bigint AS b, '1.25'::jsonb::numeric AS n, '2.5e1'::jsonb::float8 AS f, 'true'::jsonb::boolean AS t, '{"a": 1}'::jsonb::text AS txt, '[1,2]'::jsonb::json AS js, '{"b":1, "a":2}'::json::jsonb AS jb

-- error 22023
SELECT '"42"'::jsonb::int

-- error 22023
SELECT '{"a": 1}'::jsonb::numeric

-- error 22023
SELECT '1'::jsonb::boolean

-- error 22023
SELECT 'null'::jsonb::int

-- error 22003
SELECT '3000000000'::jsonb::int

-- query
SELECT (j ->> 'a')::numeric AS a, (j -> 'a')::numeric AS an FROM jsonb_t WHERE j ? 'a' ORDER BY id

-- query
SELECT id, jsonb_set(j, '{a}', '"new"') AS s1, jsonb_set(j, '{b,c,0}', '99') AS s2, jsonb_set(j, '{zz}', '[]', false) AS s3, jsonb_set(j, '{zz}', '[]') AS s4 FROM jsonb_t WHERE jsonb_typeof(j) = 'object' ORDER BY id

-- query
SELECT jsonb_set('[1, 2, 3]', '{-1}', '"last"') AS a, jsonb_set('[1, 2, 3]', '{10}', '"app"') AS b, jsonb_set('[1, 2, 3]', '{-10}', '"pre"') AS c

-- query
SELECT jsonb_strip_nulls('{"a": null, "b": [null, {"c": null, "d": 1}]}') AS s, jsonb_pretty('{"a": [1, {"b": 2}], "c": {}}') AS p

-- query
SELECT id, j::text AS t, length(j::text) AS len FROM jsonb_t ORDER BY id

-- statement
UPDATE jsonb_t SET j = j || '{"updated": true}' WHERE jsonb_typeof(j) = 'object'

-- query
SELECT id, j FROM jsonb_t WHERE j @> '{"updated": true}' ORDER BY id

-- statement
CREATE TABLE jsonb_keys (k jsonb PRIMARY KEY, v int)

-- statement
INSERT INTO jsonb_keys VALUES ('{"a": 1}', 1), ('[1, 2]', 2), ('"x"', 3)

-- error 23505
INSERT INTO jsonb_keys VALUES ('{"a": 1.0}', 4)

-- query
SELECT v FROM jsonb_keys WHERE k = '{"a": 1.0}'

-- statement
UPDATE jsonb_keys SET v = 10 WHERE k = '[1.00, 2]'

-- statement
INSERT INTO jsonb_keys SELECT jsonb_build_object('g', g, 'h', g % 3), g FROM generate_series(1, 50) AS g

-- query
SELECT count(*) AS n, count(DISTINCT k -> 'h') AS nh, sum(v) AS s FROM jsonb_keys WHERE k ? 'g'

-- query
SELECT k, v FROM jsonb_keys ORDER BY k

-- @cluster-refuses 0A000
-- statement
CREATE TABLE jsonb_gen AS SELECT id, jsonb_build_object('id', id, 'grp', grp, 'qty', qty, 'price', price, 'flag', flag, 'cat', cat) AS doc FROM t_items WHERE id <= 200

-- query
SELECT doc ->> 'grp' AS g, count(*) AS n, sum((doc ->> 'qty')::int) AS q, count(doc -> 'price') AS np FROM jsonb_gen GROUP BY doc ->> 'grp' ORDER BY g NULLS FIRST

-- query
SELECT id, doc FROM jsonb_gen WHERE doc @> '{"flag": true, "grp": "b"}' ORDER BY id

-- query
SELECT count(*) AS n FROM jsonb_gen WHERE doc ? 'cat' AND doc -> 'cat' <> 'null'

-- query
SELECT id, doc -> 'cat' AS cat FROM jsonb_gen WHERE id <= 60 ORDER BY doc -> 'cat', id

-- Enough rows for the data-engine workers' scan path (20,000+), which must not compile jsonb.
-- @cluster-refuses 0A000
-- statement
CREATE TABLE jsonb_big AS SELECT g AS id, jsonb_build_object('k', g % 7, 'v', (g % 5) || '.0', 'n', g % 5) AS doc FROM (SELECT (a - 1) * 5 + b AS g FROM generate_series(1, 4000) AS a, generate_series(1, 5) AS b) AS s

-- statement
VACUUM jsonb_big

-- query
SELECT count(*) AS n FROM jsonb_big WHERE doc = '{"k": 3, "n": 2.00, "v": "2.0"}'

-- query
SELECT doc -> 'n' AS n, count(*) AS c FROM jsonb_big WHERE doc @> '{"k": 1}' AND doc > '{"k": 0, "n": 0, "v": "0.0"}' GROUP BY doc -> 'n' ORDER BY 1

-- statement
DROP TABLE jsonb_big

-- statement
DROP TABLE jsonb_gen

-- statement
DROP TABLE jsonb_keys

-- statement
DROP TABLE jsonb_t

-- query
SELECT * FROM jsonb_array_elements('[1, "a", null, {"b": [2]}, [3.50]]')

-- query
SELECT e.value AS v FROM jsonb_array_elements_text('[1, "a", null, {"b": [2]}, "\u00e9"]') AS e

-- query
SELECT * FROM jsonb_object_keys('{"bb": 1, "a": 2, "c": {"d": 3}}')

-- error 22023
SELECT * FROM jsonb_array_elements('{"a": 1}')

-- error 22023
SELECT * FROM jsonb_object_keys('[1]')

-- query
SELECT id, (SELECT count(*) FROM jsonb_array_elements(jsonb_t2.j)) AS n FROM (VALUES (1, '[1, 2, 3]'::jsonb), (2, '[]'), (3, NULL)) AS jsonb_t2(id, j) ORDER BY id

-- query
SELECT j FROM (VALUES ('{"a": 1}'::jsonb), ('[1]'), (NULL)) AS v(j) UNION SELECT '{"a": 1.00}'::jsonb ORDER BY 1

-- query
SELECT CASE WHEN true THEN '{"x": 1}'::jsonb ELSE NULL END AS c, COALESCE(NULL::jsonb, '[2]') AS co, '[1]'::jsonb IN ('[1]', '[2]') AS inl, NULLIF('1'::jsonb, '1.0') AS ni

-- query
SELECT '{"a":1, "a" : [1,  2 ], "b": {"c" : "x\u00e9"}}'::json -> 'a' AS last_a, '{"a":1, "a" : [1,  2 ]}'::json ->> 'a' AS last_at, '{"b": {"c" : "x\u00e9"}}'::json #> '{b,c}' AS bc, '{"b": {"c" : "x\u00e9"}}'::json #>> '{b,c}' AS bct, '[1, { "c" : 2 } ]'::json -> 1 AS e1, '[1, { "c" : 2 } ]'::json -> -1 ->> 'c' AS c, ' 5 '::json -> 0 AS scalar0, '{"a": null}'::json ->> 'a' AS n, '[1]'::json #> '{}' AS whole

-- query
SELECT json_typeof(' "x" ') AS t1, json_typeof('{"a" : [ ] }') AS t2, json_typeof('-1.5e3') AS t3, json_typeof('null') AS t4, json_array_length(' [1, [2,3], {"a":[4]}] ') AS n

-- error 22023
SELECT json_array_length('{}')

-- query
SELECT json_build_object('a', 1, 'b', 'x', 'c', NULL, 'd', '{"z" :1}'::json, 'e', '{"y":2}'::jsonb, 'f', 1.50, 'g', true) AS o, json_build_array(1, 'x', NULL, '[1 ,2]'::json) AS a, json_build_object() AS eo, json_build_array() AS ea, json_build_object(1, 2, true, 3) AS keys

-- query
SELECT to_json('a"b'::text) AS t, to_json(1e20::float8) AS f, to_json('NaN'::float8) AS nan, to_json('2020-01-01 10:00'::timestamp) AS ts, to_json('{"b":1,"a":2}'::jsonb) AS jb, to_json(1.50) AS n

-- error 22023
SELECT json_build_object(NULL::text, 1)

-- error 42883
SELECT '{"a": 1}'::json = '{"a": 1}'::json

-- statement
CREATE TABLE jsonb_json (id int PRIMARY KEY, t json)

-- statement
INSERT INTO jsonb_json VALUES (1, '{"k" : [1, 2], "k": "dup"}'), (2, ' [ {"a":1}, 2 ] '), (3, NULL), (4, '"\u00e9 \ud83d\ude00"')

-- query
SELECT id, t, t -> 'k' AS k, t -> 0 AS e0, t::jsonb AS jb, t::text AS txt FROM jsonb_json ORDER BY id

-- statement
DROP TABLE jsonb_json

-- query
SELECT jsonb_agg(DISTINCT v) AS d FROM (VALUES ('{"a": 1}'::jsonb), ('[2]'), (NULL), ('{"a": 1}'), ('"x"')) AS s(v)

-- query
SELECT '{"a": 1}'::jsonb || 'x'::text AS t, '{"a": 1}'::jsonb || '{"a": [2]}' AS j, '[1, 2]'::jsonb -> NULL::int AS n
