-- Roles and privileges as the superuser sees them: CREATE/ALTER/DROP ROLE and USER with their
-- options and errors, pg_roles/pg_user/pg_authid, GRANT/REVOKE on tables and the ACL pg_class
-- shows (the superuser's own name replaced: it is postgres on one side, eon on the other),
-- has_table_privilege, and DROP ROLE refused while a role holds privileges. Roles are global in
-- PostgreSQL, so they are named roles_* and dropped at the start and the end.
-- Logging in as other roles is tested in test/clients/roles.test.ts.

-- statement
DROP ROLE IF EXISTS roles_a, roles_b, roles_c, roles_d, roles_x

-- statement
CREATE ROLE roles_a

-- statement
CREATE USER roles_b PASSWORD 'b-pw' CREATEDB CONNECTION LIMIT 5

-- statement
CREATE ROLE roles_c LOGIN SUPERUSER NOINHERIT PASSWORD 'c-pw'

-- error 42710
CREATE ROLE roles_a

-- error 42710
CREATE USER roles_b

-- error 42939
CREATE ROLE pg_roles_x

-- error 42939
CREATE ROLE public

-- error 42601
CREATE ROLE roles_x LOGIN NOLOGIN

-- error 22023
CREATE ROLE roles_x CONNECTION LIMIT -2

-- query
SELECT rolname::text AS rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolconnlimit, rolpassword, rolvaliduntil, rolbypassrls, rolconfig::text AS rolconfig FROM pg_roles WHERE rolname LIKE 'roles\_%' ORDER BY rolname

-- query
SELECT usename::text AS usename, usecreatedb, usesuper, userepl, usebypassrls, passwd, valuntil FROM pg_user WHERE usename LIKE 'roles\_%' ORDER BY usename

-- query
SELECT rolname::text AS rolname, rolpassword LIKE 'SCRAM-SHA-256$4096:%' AS scram, length(rolpassword) AS len FROM pg_authid WHERE rolname LIKE 'roles\_%' ORDER BY rolname

-- statement
ALTER ROLE roles_a LOGIN CREATEROLE PASSWORD 'a-pw'

-- statement
ALTER USER roles_b WITH NOCREATEDB NOLOGIN CONNECTION LIMIT -1

-- statement
ALTER ROLE roles_b PASSWORD ''

-- error 42704
ALTER ROLE roles_nobody LOGIN

-- statement
ALTER ROLE roles_c RENAME TO roles_d

-- error 42704
ALTER ROLE roles_c RENAME TO roles_x

-- error 42710
ALTER ROLE roles_a RENAME TO roles_b

-- error 42939
ALTER ROLE roles_a RENAME TO pg_roles_a

-- query
SELECT rolname::text AS rolname, rolcanlogin, rolcreaterole, rolcreatedb, rolconnlimit, rolsuper, rolinherit FROM pg_roles WHERE rolname LIKE 'roles\_%' ORDER BY rolname

-- query
SELECT rolname::text AS rolname, rolpassword IS NULL AS no_password FROM pg_authid WHERE rolname LIKE 'roles\_%' ORDER BY rolname

-- statement
CREATE TABLE roles_t (id int PRIMARY KEY, v text)

-- statement
CREATE TABLE roles_u (id int)

-- query
SELECT relname::text AS relname, relacl::text AS relacl FROM pg_class WHERE relname IN ('roles_t', 'roles_u') ORDER BY relname

-- statement
GRANT SELECT, INSERT ON roles_t TO roles_a

-- statement
GRANT ALL PRIVILEGES ON TABLE roles_u TO roles_b, PUBLIC

-- statement
GRANT UPDATE ON roles_t, roles_u TO roles_d

-- query
SELECT relname::text AS relname, replace(relacl::text, current_user::text, 'SU') AS acl FROM pg_class WHERE relname IN ('roles_t', 'roles_u') ORDER BY relname

-- query
SELECT has_table_privilege('roles_a', 'roles_t', 'SELECT') AS a_sel, has_table_privilege('roles_a', 'roles_t', 'update') AS a_upd, has_table_privilege('roles_a', 'roles_u', 'DELETE') AS a_u_del, has_table_privilege('roles_b', 'roles_t', 'SELECT, INSERT') AS b_t, has_table_privilege('roles_d', 'roles_t', 'SELECT') AS d_super, has_table_privilege('roles_t', 'TRUNCATE') AS me

-- error 22023
SELECT has_table_privilege('roles_t', 'FLY')

-- error 42704
SELECT has_table_privilege('roles_nobody', 'roles_t', 'SELECT')

-- error 42P01
GRANT SELECT ON roles_nosuch TO roles_a

-- error 42704
GRANT SELECT ON roles_t TO roles_nobody

-- error 0LP01
GRANT USAGE ON roles_t TO roles_a

-- error 3F000
GRANT SELECT ON ALL TABLES IN SCHEMA roles_nosuch TO roles_a

-- statement
REVOKE INSERT ON roles_t FROM roles_a

-- statement
REVOKE ALL ON roles_u FROM PUBLIC

-- statement
REVOKE SELECT ON roles_u FROM roles_a

-- query
SELECT relname::text AS relname, replace(relacl::text, current_user::text, 'SU') AS acl FROM pg_class WHERE relname IN ('roles_t', 'roles_u') ORDER BY relname

-- statement
GRANT CREATE ON SCHEMA public TO roles_b

-- error 2BP01
DROP ROLE roles_a

-- error 2BP01
DROP ROLE roles_b

-- error 42704
DROP ROLE roles_nobody

-- statement
DROP ROLE IF EXISTS roles_nobody

-- statement
REVOKE CREATE ON SCHEMA public FROM roles_b

-- statement
DROP TABLE roles_t, roles_u

-- statement
DROP ROLE roles_a, roles_b, roles_d

-- query
SELECT count(*) AS n FROM pg_roles WHERE rolname LIKE 'roles\_%'
