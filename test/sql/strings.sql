-- String functions and operators, over literals and the t_strings table (quotes, unicode, empty, 10k chars).

-- query
SELECT id, lower(s) AS l, upper(s) AS u, length(s) AS n FROM t_strings WHERE length(s) < 100 ORDER BY id

-- query
SELECT id, length(s) AS n, char_length(s) AS c, octet_length(s) AS o FROM t_strings ORDER BY id

-- query
SELECT lower('ÄÖÜ Straße') AS a, upper('straße ümlaut') AS b, length('日本語') AS c, length('') AS d, length(NULL) AS e

-- query
SELECT substr('hello world', 7) AS a, substr('hello world', 1, 5) AS b, substr('hello', 0, 3) AS c, substr('hello', -2, 5) AS d, substr('hello', 10) AS e

-- query
SELECT substring('hello world' FROM 7) AS a, substring('hello world' FROM 2 FOR 3) AS b, substring('日本語テキスト', 2, 3) AS c, substring('hello' FOR 2) AS d, substring((SELECT 'nested') FROM 2) AS e

-- query
SELECT id, substr(s, 2, 3) AS sub FROM t_strings WHERE length(s) < 100 ORDER BY id

-- error 22011
SELECT substr('hello', 1, -1)

-- query
SELECT position('lo' IN 'hello') AS a, position('x' IN 'hello') AS b, position('' IN 'hello') AS c, strpos('hello', 'l') AS d, position('語' IN '日本語') AS e

-- query
SELECT id, position('o' IN s) AS p FROM t_strings WHERE length(s) < 100 ORDER BY id

-- query
SELECT trim('  x  ') AS a, ltrim('  x  ') AS b, rtrim('  x  ') AS c, trim(BOTH 'x' FROM 'xxabcxx') AS d, trim(LEADING 'x' FROM 'xxabcxx') AS e, trim(TRAILING 'x' FROM 'xxabcxx') AS f

-- query
SELECT ltrim('xxyabc', 'xy') AS a, rtrim('abcyyx', 'xy') AS b, btrim('xyaxy', 'xy') AS c, trim('') AS d

-- query
SELECT id, '[' || trim(s) || ']' AS t, '[' || ltrim(s) || ']' AS l, '[' || rtrim(s) || ']' AS r FROM t_strings WHERE id <= 5 ORDER BY id

-- query
SELECT replace('hello world', 'o', '0') AS a, replace('aaa', 'a', 'bb') AS b, replace('abc', '', 'x') AS c, replace('abc', 'b', '') AS d

-- query
SELECT id, replace(s, 'l', 'L') AS r FROM t_strings WHERE length(s) < 100 ORDER BY id

-- query
SELECT concat('a', 'b', 'c') AS a, concat('a', NULL, 'c') AS b, concat(1, 2.5, true) AS c, concat(NULL) AS d

-- query
SELECT 'a' || 'b' AS a, 'a' || NULL AS b, 'n=' || 42 AS c, 1.5 || 'x' AS d, 'd' || DATE '2024-01-02' AS e

-- query
SELECT id, s || '!' AS e, concat(s, '!') AS c FROM t_strings WHERE length(s) < 100 ORDER BY id

-- query
SELECT left('hello', 2) AS a, right('hello', 2) AS b, left('hello', -2) AS c, right('hello', -2) AS d, left('hi', 10) AS e, left('日本語', 1) AS f

-- query
SELECT lpad('7', 3, '0') AS a, rpad('7', 3, '0') AS b, lpad('hello', 3) AS c, rpad('ab', 6, 'xy') AS d, lpad('x', 4) AS e, lpad('x', 3, '') AS f

-- query
SELECT split_part('a,b,,c', ',', 1) AS a, split_part('a,b,,c', ',', 3) AS b, split_part('a,b,,c', ',', 4) AS c, split_part('a,b,,c', ',', 9) AS d, split_part('a,b,,c', ',', -1) AS e

-- query
SELECT repeat('ab', 3) AS a, repeat('x', 0) AS b, repeat('x', -1) AS c, length(repeat('xyz', 1000)) AS d

-- query
SELECT reverse('hello') AS a, reverse('') AS b, reverse('日本語') AS c, reverse(NULL) AS d

-- query
SELECT initcap('hello world') AS a, initcap('HELLO wORLD') AS b, initcap('o''neil mc-donald') AS c, initcap('a1b c_d') AS d

-- query
SELECT id, initcap(s) AS i FROM t_strings WHERE length(s) < 100 ORDER BY id

-- query
SELECT starts_with('hello', 'he') AS a, starts_with('hello', 'lo') AS b, starts_with('hello', '') AS c, starts_with(NULL, 'x') AS d

-- query
SELECT id FROM t_strings WHERE starts_with(s, 'h') ORDER BY id

-- query
SELECT id, s FROM t_strings WHERE s = lower(s) AND length(s) < 100 ORDER BY id

-- query
SELECT id, md5(s) AS h FROM t_strings WHERE id <= 5 ORDER BY id

-- query
SELECT id, length(s) AS n, left(s, 5) AS head, right(s, 3) AS tail FROM t_strings WHERE length(s) > 1000 ORDER BY id

-- query
SELECT s FROM t_strings WHERE id = 19

-- query
SELECT id, s FROM t_strings WHERE s IS NOT NULL ORDER BY s, id

-- query
SELECT id, s FROM t_strings ORDER BY s DESC NULLS LAST, id LIMIT 15

-- query
SELECT min(s) AS lo, max(s) AS hi, count(DISTINCT s) AS nd FROM t_strings

-- query
SELECT 'it''s' AS a, E'tab\there' AS b, 'back\slash' AS c, $$dollar 'quoted'$$ AS d, U&'\00e9t\00e9' AS e

-- query
SELECT lower(cat) AS c, count(*) AS n FROM t_items GROUP BY lower(cat) ORDER BY c NULLS FIRST

-- query
SELECT upper(grp) AS g, length(cat) AS n, count(*) AS cnt FROM t_items WHERE grp <> 'a' GROUP BY 1, 2 ORDER BY 1, 2 NULLS LAST

-- query
SELECT 'abc' < 'abd' AS a, 'abc' < 'ab' AS b, '' < 'a' AS c, 'Z' < 'a' AS d, 'é' > 'z' AS e, 'abc' = 'abc ' AS f

-- query
SELECT ascii('A') AS a, chr(65) AS b, ascii('é') AS c, chr(233) AS d

-- query
SELECT translate('hello', 'el', 'ip') AS a, translate('hello', 'l', '') AS b

-- query
SELECT length(lpad('', 10000, 'ab')) AS a, length(s || s) AS b FROM t_strings WHERE id = 19

-- error 42883
SELECT length(42)

-- error 42883
SELECT lower(1.5)

-- error 42883
SELECT no_such_function('x')
