-- What pgjdbc's DatabaseMetaData reads: _pg_expandarray(indkey) in a select list and fields of
-- its result, indoption, pg_get_indexdef(oid, column, pretty), typinput, prorettype,
-- max_index_keys, and the integer bitwise operators (indoption[i] & 1).

-- statement
CREATE TABLE jdbc_metadata_t (id int NOT NULL, name text NOT NULL, amount numeric(10,2), PRIMARY KEY (name, id))

-- @cluster-refuses 0A000
-- statement
CREATE UNIQUE INDEX jdbc_metadata_t_id_key ON jdbc_metadata_t (id)

-- @cluster-refuses 0A000
-- statement
CREATE INDEX jdbc_metadata_t_amount ON jdbc_metadata_t (amount, name)

-- query
SELECT result.TABLE_NAME::text AS table_name, result.COLUMN_NAME::text AS column_name, result.KEY_SEQ, result.PK_NAME::text AS pk_name FROM (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME, (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, ci.relname AS PK_NAME, information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid) JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid) JOIN pg_catalog.pg_index i ON ( a.attrelid = i.indrelid) JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) WHERE true AND n.nspname = 'public' AND ct.relname = 'jdbc_metadata_t' AND i.indisprimary ) result where result.A_ATTNUM = (result.KEYS).x ORDER BY result.table_name, result.pk_name, result.key_seq

-- query
SELECT tmp.INDEX_NAME::text AS index_name, tmp.NON_UNIQUE, tmp.ORDINAL_POSITION, trim(both '"' from pg_catalog.pg_get_indexdef(tmp.CI_OID, tmp.ORDINAL_POSITION, false)) AS COLUMN_NAME, CASE tmp.AM_NAME WHEN 'btree' THEN CASE tmp.I_INDOPTION[tmp.ORDINAL_POSITION - 1] & 1::smallint WHEN 1 THEN 'D' ELSE 'A' END ELSE NULL END AS ASC_OR_DESC FROM (SELECT n.nspname AS TABLE_SCHEM, ct.relname AS TABLE_NAME, NOT i.indisunique AS NON_UNIQUE, ci.relname AS INDEX_NAME, (information_schema._pg_expandarray(i.indkey)).n AS ORDINAL_POSITION, ci.oid AS CI_OID, i.indoption AS I_INDOPTION, am.amname AS AM_NAME FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid) JOIN pg_catalog.pg_index i ON (ct.oid = i.indrelid) JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) JOIN pg_catalog.pg_am am ON (ci.relam = am.oid) WHERE n.nspname = 'public' AND ct.relname = 'jdbc_metadata_t') AS tmp ORDER BY NON_UNIQUE, INDEX_NAME, ORDINAL_POSITION

-- query
SELECT a.attname::text AS attname FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid) JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid) JOIN (SELECT i.indexrelid, i.indrelid, i.indisprimary, information_schema._pg_expandarray(i.indkey) AS keys FROM pg_catalog.pg_index i) i ON (a.attnum = (i.keys).x AND a.attrelid = i.indrelid) WHERE n.nspname = 'public' AND ct.relname = 'jdbc_metadata_t' AND i.indisprimary ORDER BY a.attnum

-- query
SELECT ci.relname::text AS relname, pg_get_indexdef(ci.oid, 0, false) AS def, pg_get_indexdef(ci.oid, 1, false) AS c1, pg_get_indexdef(ci.oid, 2, true) AS c2, pg_get_indexdef(ci.oid, 3, false) AS c3 FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class ct ON ct.oid = i.indrelid WHERE ct.relname = 'jdbc_metadata_t' ORDER BY ci.relname

-- query
SELECT ci.relname::text AS relname, i.indoption::text AS indoption FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class ct ON ct.oid = i.indrelid WHERE ct.relname = 'jdbc_metadata_t' ORDER BY ci.relname

-- query
SELECT typname::text AS typname, typinput = 'pg_catalog.array_in'::regproc AS is_array, typinput::oid::int AS input_oid FROM pg_type WHERE typname IN ('int4', 'text', 'numeric', 'bool', 'timestamptz', 'jsonb', 'uuid', 'bytea') ORDER BY typname

-- query
SELECT p.proname::text AS proname, p.prorettype::int AS rettype FROM pg_proc p WHERE p.proname IN ('int4in', 'textin', 'date_in') ORDER BY p.proname

-- query
SELECT setting FROM pg_catalog.pg_settings WHERE name = 'max_index_keys'

-- query
SELECT 12 & 10 AS a, 12 | 3 AS o, 12 # 10 AS x, 1 << 4 AS l, 256 >> 3 AS r, -8 >> 1 AS neg

-- query
SELECT 5::smallint & 3::smallint AS s, 5::smallint | 8 AS si, 9000000000::bigint & 4294967295 AS b, 1::bigint << 40 AS bl, NULL::int & 1 AS n

-- query
SELECT id, id & 3 AS low, qty | 1 AS odd, big # 1 AS flip FROM t_items WHERE id <= 12 ORDER BY id

-- error 42883
SELECT 1.5 & 1

-- error 42883
SELECT 'a'::text & 1

-- statement
DROP TABLE jdbc_metadata_t
