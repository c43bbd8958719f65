// pg_catalog's tables and views, as far as drivers and GUI tools read them. Columns keep
// PostgreSQL's names and order (a subset); OID columns are int4, "char" and name columns text,
// arrays (aclitem[], int2vector) text or NULL.

import { T, TYPE_OIDS, typeModifier } from '../../src/types/index.js';
import type { TableSchema, ViewSchema } from '../../storage/index.js';
import type { Value } from '../../src/types/values.js';
import { Settings } from '../session/settings.js';
// A cycle (functions read the catalog): used only when rows are computed, after both are loaded.
import { knownFunctionNames } from '../functions/index.js';
import type { SystemEnvironment } from './environment.js';
import {
  BTREE_AM_OID,
  DATABASE_OIDS,
  DEFAULT_COLLATION_OID,
  HEAP_AM_OID,
  PG_CATALOG_NAMESPACE_OID,
  PG_TOAST_NAMESPACE_OID,
  PUBLIC_NAMESPACE_OID,
  SUPERUSER_ROLE_OID,
  UTF8_ENCODING,
  primaryKeyOid,
  tableOid,
  viewOid,
} from './oids.js';
import { SCHEMA_NAMESPACES, listRelations, primaryKeyName } from './relations.js';
import { CHAR, NAME, OID, systemTable, type SystemTableDef } from './system-table.js';
import { TYPE_ROWS } from './type-info.js';
import { TYPE_INPUT_PROCS, typeInputOid } from './type-io.js';
import { reloptionsText } from './reloptions.js';
import { pgAuthidRows, pgRolesRows, pgUserRows, relationAclText, relationOwnerOid } from './role-catalog.js';
import { indexDefinition, pgConstraintUniqueRows, pgIndexRows } from './index-catalog.js';
import { attributeDefaultFlags, pgAttrdefRows, pgConstraintCheckRows, pgSequenceRows } from './column-rules-catalog.js';

/** An identifier as PostgreSQL's quote_ident prints it (keywords are not recognised). */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** pg_get_constraintdef of a primary key. */
export function primaryKeyDefinition(table: TableSchema): string {
  return `PRIMARY KEY (${table.primaryKey.map((k) => quoteIdent(table.columns[k]!.name)).join(', ')})`;
}

/** pg_get_indexdef of a primary key's index. */
export function primaryKeyIndexDefinition(table: TableSchema): string {
  const cols = table.primaryKey.map((k) => quoteIdent(table.columns[k]!.name)).join(', ');
  return `CREATE UNIQUE INDEX ${quoteIdent(primaryKeyName(table))} ON public.${quoteIdent(table.name)} USING btree (${cols})`;
}

/** pg_proc OIDs of the built-in functions: PROC_OID_BASE + their rank by name (below the system tables' range). */
export const PROC_OID_BASE = 8_000;

/** pg_default's OID, the tablespace of every eon database. */
const DEFAULT_TABLESPACE_OID = 1663;

/** Category and description per setting eon reports, for pg_settings. */
const SETTING_CATEGORY = 'Client Connection Defaults';

/**
 * Read-only compile-time settings PostgreSQL reports and drivers read from pg_settings (pgjdbc's
 * getImportedKeys asks for max_index_keys): name, value, short description.
 */
const PRESET_SETTINGS: readonly (readonly [string, string, string])[] = [
  ['max_index_keys', '32', 'Shows the maximum number of index keys.'],
  ['max_function_args', '100', 'Shows the maximum number of function arguments.'],
  ['block_size', '8192', 'Shows the size of a disk block.'],
];

/** The catalogs; `all` lists every system table (pg_class shows them too). */
export function pgCatalogTables(all: () => readonly SystemTableDef[]): SystemTableDef[] {
  const relations = (env: SystemEnvironment) => listRelations(env, all());
  const keyed = (env: SystemEnvironment) => env.store.listTables().filter((t) => t.primaryKey.length > 0);
  return [
    systemTable('pg_catalog', 'pg_namespace', 'table', [['oid', OID], ['nspname', NAME], ['nspowner', OID], ['nspacl', T.text]], () =>
      [['pg_toast', PG_TOAST_NAMESPACE_OID] as const, ...SCHEMA_NAMESPACES].map(([name, oid]) => [oid, name, SUPERUSER_ROLE_OID, null]),
    ),
    systemTable(
      'pg_catalog',
      'pg_class',
      'table',
      [
        ['oid', OID], ['relname', NAME], ['relnamespace', OID], ['reltype', OID], ['reloftype', OID], ['relowner', OID], ['relam', OID],
        ['relfilenode', OID], ['reltablespace', OID], ['relpages', T.int4], ['reltuples', T.float4], ['relallvisible', T.int4],
        ['reltoastrelid', OID], ['relhasindex', T.bool], ['relisshared', T.bool], ['relpersistence', CHAR], ['relkind', CHAR],
        ['relnatts', T.int2], ['relchecks', T.int2], ['relhasrules', T.bool], ['relhastriggers', T.bool], ['relhassubclass', T.bool],
        ['relrowsecurity', T.bool], ['relforcerowsecurity', T.bool], ['relispopulated', T.bool], ['relreplident', CHAR],
        ['relispartition', T.bool], ['relacl', T.text], ['reloptions', T.text], ['relpartbound', T.text],
      ],
      (env) =>
        relations(env).map((r) => {
          // reltuples: ANALYZE's count when it ran, else the store's current estimate.
          const rows = r.relkind === 'r' && r.table !== null ? (env.store.statistics.get(r.table)?.rows ?? env.store.estimatedRows(r.table)) : -1;
          const hasIndex = r.relkind === 'r' && r.table !== null && (r.table.primaryKey.length > 0 || (r.table.indexes ?? []).length > 0);
          const am = r.relkind === 'i' ? BTREE_AM_OID : r.relkind === 'r' ? HEAP_AM_OID : 0;
          return [
            r.oid, r.name, r.namespaceOid, 0, 0, relationOwnerOid(env, r.oid), am,
            r.relkind === 'v' ? 0 : r.oid, 0, 0, rows, 0,
            0, hasIndex, false, 'p', r.relkind,
            r.columns.length, r.relkind === 'r' ? (r.table?.checks?.length ?? 0) : 0, false, false, false,
            false, false, true, r.relkind === 'r' ? 'd' : 'n',
            false, relationAclText(env, r.oid), reloptionsText(r.relkind === 'r' ? r.table : null), null,
          ];
        }),
    ),
    systemTable(
      'pg_catalog',
      'pg_attribute',
      'table',
      [
        ['attrelid', OID], ['attname', NAME], ['atttypid', OID], ['attstattarget', T.int4], ['attlen', T.int2], ['attnum', T.int2],
        ['atttypmod', T.int4], ['attndims', T.int4], ['attstorage', CHAR], ['attcompression', CHAR], ['attnotnull', T.bool], ['atthasdef', T.bool], ['attidentity', CHAR], ['attgenerated', CHAR],
        ['attisdropped', T.bool], ['attislocal', T.bool], ['attinhcount', T.int4], ['attcollation', OID], ['attacl', T.text], ['attoptions', T.text],
      ],
      (env) =>
        relations(env).flatMap((r) =>
          r.columns.map((c, i) => {
            const typeRow = TYPE_ROWS.find((t) => t.kind === c.type.kind);
            const collation = c.type.kind === 'text' || c.type.kind === 'varchar' ? DEFAULT_COLLATION_OID : 0;
            // Statistics target -1 (the default) and no per-column compression, as a new PostgreSQL table has.
            return [
              r.oid, c.name, TYPE_OIDS[c.type.kind], -1, typeRow?.typlen ?? -1, i + 1,
              typeModifier(c.type), 0, typeRow?.typstorage ?? 'x', '', c.notNull,
              attributeDefaultFlags(c).hasDefault, attributeDefaultFlags(c).identity, '', false, true, 0, collation, null, null,
            ];
          }),
        ),
    ),
    systemTable(
      'pg_catalog',
      'pg_type',
      'table',
      [
        ['oid', OID], ['typname', NAME], ['typnamespace', OID], ['typowner', OID], ['typlen', T.int2], ['typbyval', T.bool],
        ['typtype', CHAR], ['typcategory', CHAR], ['typispreferred', T.bool], ['typisdefined', T.bool], ['typdelim', CHAR],
        ['typrelid', OID], ['typelem', OID], ['typarray', OID], ['typinput', OID], ['typnotnull', T.bool], ['typbasetype', OID],
        ['typtypmod', T.int4], ['typndims', T.int4], ['typcollation', OID],
      ],
      () =>
        TYPE_ROWS.map((t) => [
          TYPE_OIDS[t.kind], t.typname, PG_CATALOG_NAMESPACE_OID, SUPERUSER_ROLE_OID, t.typlen, t.typlen > 0 && t.typlen <= 8,
          'b', t.typcategory, t.kind === 'bool' || t.kind === 'float8' || t.kind === 'text' || t.kind === 'timestamptz' || t.kind === 'interval', true, ',',
          0, 0, t.typarray, typeInputOid(t.kind), false, 0,
          -1, 0, t.kind === 'text' || t.kind === 'varchar' ? DEFAULT_COLLATION_OID : 0,
        ]),
    ),
    systemTable(
      'pg_catalog',
      'pg_index',
      'table',
      [
        ['indexrelid', OID], ['indrelid', OID], ['indnatts', T.int2], ['indnkeyatts', T.int2], ['indisunique', T.bool],
        ['indisprimary', T.bool], ['indisexclusion', T.bool], ['indimmediate', T.bool], ['indisclustered', T.bool],
        ['indisvalid', T.bool], ['indcheckxmin', T.bool], ['indisready', T.bool], ['indislive', T.bool], ['indisreplident', T.bool],
        ['indkey', T.text], ['indoption', T.text], ['indexprs', T.text], ['indpred', T.text],
      ],
      (env): Value[][] =>
        keyed(env).map((t): Value[] => [
          primaryKeyOid(t), tableOid(t), t.primaryKey.length, t.primaryKey.length, true,
          true, false, true, false,
          true, false, true, true, false,
          t.primaryKey.map((k) => k + 1).join(' '), t.primaryKey.map(() => 0).join(' '), null, null,
        ]).concat(pgIndexRows(env)),
    ),
    systemTable(
      'pg_catalog',
      'pg_constraint',
      'table',
      [
        ['oid', OID], ['conname', NAME], ['connamespace', OID], ['contype', CHAR], ['condeferrable', T.bool], ['condeferred', T.bool],
        ['convalidated', T.bool], ['conrelid', OID], ['contypid', OID], ['conindid', OID], ['conparentid', OID], ['confrelid', OID],
        ['confupdtype', CHAR], ['confdeltype', CHAR], ['confmatchtype', CHAR], ['conislocal', T.bool], ['coninhcount', T.int4],
        ['connoinherit', T.bool], ['conkey', T.text], ['confkey', T.text],
      ],
      (env) => [
        ...keyed(env).map((t) => [
          primaryKeyOid(t), primaryKeyName(t), PUBLIC_NAMESPACE_OID, 'p', false, false,
          true, tableOid(t), 0, primaryKeyOid(t), 0, 0,
          ' ', ' ', ' ', true, 0,
          true, `{${t.primaryKey.map((k) => k + 1).join(',')}}`, null,
        ]),
        ...pgConstraintCheckRows(env),
        ...pgConstraintUniqueRows(env),
      ],
    ),
    systemTable(
      'pg_catalog',
      'pg_database',
      'table',
      [
        ['oid', OID], ['datname', NAME], ['datdba', OID], ['encoding', T.int4], ['datlocprovider', CHAR], ['datistemplate', T.bool],
        ['datallowconn', T.bool], ['datconnlimit', T.int4], ['dattablespace', OID], ['datcollate', T.text], ['datctype', T.text], ['daticulocale', T.text],
        ['datacl', T.text],
      ],
      () => DATABASE_OIDS.map(([name, oid]) => [oid, name, SUPERUSER_ROLE_OID, UTF8_ENCODING, 'c', false, true, -1, DEFAULT_TABLESPACE_OID, 'C', 'C', null, null]),
    ),
    systemTable(
      'pg_catalog',
      'pg_settings',
      'view',
      [
        ['name', T.text], ['setting', T.text], ['unit', T.text], ['category', T.text], ['short_desc', T.text], ['context', T.text],
        ['vartype', T.text], ['source', T.text], ['boot_val', T.text], ['reset_val', T.text], ['pending_restart', T.bool],
      ],
      (env) => [
        ...new Settings().all().map((d) => {
          const value = env.session.setting(d.name) ?? d.value;
          return [d.name, value, null, SETTING_CATEGORY, '', 'user', 'string', value === d.value ? 'default' : 'session', d.value, d.value, false];
        }),
        ...PRESET_SETTINGS.map(([name, value, desc]) => [name, value, null, 'Preset Options', desc, 'internal', 'integer', 'default', value, value, false]),
      ],
    ),
    systemTable(
      'pg_catalog',
      'pg_roles',
      'view',
      [
        ['rolname', NAME], ['rolsuper', T.bool], ['rolinherit', T.bool], ['rolcreaterole', T.bool], ['rolcreatedb', T.bool],
        ['rolcanlogin', T.bool], ['rolreplication', T.bool], ['rolconnlimit', T.int4], ['rolpassword', T.text],
        ['rolvaliduntil', T.timestamptz], ['rolbypassrls', T.bool], ['rolconfig', T.text], ['oid', OID],
      ],
      pgRolesRows,
    ),
    systemTable(
      'pg_catalog',
      'pg_authid',
      'table',
      [
        ['oid', OID], ['rolname', NAME], ['rolsuper', T.bool], ['rolinherit', T.bool], ['rolcreaterole', T.bool], ['rolcreatedb', T.bool],
        ['rolcanlogin', T.bool], ['rolreplication', T.bool], ['rolbypassrls', T.bool], ['rolconnlimit', T.int4], ['rolpassword', T.text],
        ['rolvaliduntil', T.timestamptz],
      ],
      pgAuthidRows,
    ),
    systemTable(
      'pg_catalog',
      'pg_user',
      'view',
      [
        ['usename', NAME], ['usesysid', OID], ['usecreatedb', T.bool], ['usesuper', T.bool], ['userepl', T.bool],
        ['usebypassrls', T.bool], ['passwd', T.text], ['valuntil', T.timestamptz], ['useconfig', T.text],
      ],
      pgUserRows,
    ),
    systemTable(
      'pg_catalog',
      'pg_proc',
      'table',
      [['oid', OID], ['proname', NAME], ['pronamespace', OID], ['proowner', OID], ['prokind', CHAR], ['proretset', T.bool], ['pronargs', T.int2], ['prorettype', OID]],
      // Built-in functions by name (overloads are one row; argument and result types are not
      // listed yet: prorettype 0), then the types' input functions (catalog entries only).
      () => [
        ...knownFunctionNames().map((name, i) => [PROC_OID_BASE + i, name, PG_CATALOG_NAMESPACE_OID, SUPERUSER_ROLE_OID, 'f', false, null, 0]),
        ...TYPE_ROWS.flatMap((t) => {
          const proc = TYPE_INPUT_PROCS[t.kind];
          return proc === undefined ? [] : [[proc[1], proc[0], PG_CATALOG_NAMESPACE_OID, SUPERUSER_ROLE_OID, 'f', false, 3, TYPE_OIDS[t.kind]]];
        }),
      ],
    ),
    systemTable('pg_catalog', 'pg_auth_members', 'table', [['oid', OID], ['roleid', OID], ['member', OID], ['grantor', OID], ['admin_option', T.bool]], () => []),
    systemTable('pg_catalog', 'pg_description', 'table', [['objoid', OID], ['classoid', OID], ['objsubid', T.int4], ['description', T.text]], () => []),
    systemTable('pg_catalog', 'pg_am', 'table', [['oid', OID], ['amname', NAME], ['amhandler', T.text], ['amtype', CHAR]], () => [
      [HEAP_AM_OID, 'heap', 'heap_tableam_handler', 't'],
      [BTREE_AM_OID, 'btree', 'bthandler', 'i'],
    ]),
    systemTable(
      'pg_catalog',
      'pg_tables',
      'view',
      [
        ['schemaname', NAME], ['tablename', NAME], ['tableowner', NAME], ['tablespace', NAME], ['hasindexes', T.bool],
        ['hasrules', T.bool], ['hastriggers', T.bool], ['rowsecurity', T.bool],
      ],
      (env) =>
        relations(env)
          .filter((r) => r.relkind === 'r')
          .map((r) => [r.schema, r.name, env.session.user, null, r.table !== null && (r.table.primaryKey.length > 0 || (r.table.indexes ?? []).length > 0), false, false, false]),
    ),
    systemTable(
      'pg_catalog',
      'pg_indexes',
      'view',
      [['schemaname', NAME], ['tablename', NAME], ['indexname', NAME], ['tablespace', NAME], ['indexdef', T.text]],
      (env) =>
        env.store.listTables().flatMap((t) => [
          ...(t.primaryKey.length > 0 ? [['public', t.name, primaryKeyName(t), null, primaryKeyIndexDefinition(t)]] : []),
          ...(t.indexes ?? []).map((i) => ['public', t.name, i.name, null, indexDefinition(t, i)]),
        ]),
    ),
    systemTable('pg_catalog', 'pg_views', 'view', [['schemaname', NAME], ['viewname', NAME], ['viewowner', NAME], ['definition', T.text]], (env) =>
      env.store.listViews().map((v) => ['public', v.name, env.session.user, viewDefinition(v)]),
    ),
    systemTable('pg_catalog', 'pg_attrdef', 'table', [['oid', OID], ['adrelid', OID], ['adnum', T.int2], ['adbin', T.text]], pgAttrdefRows),
    systemTable('pg_catalog', 'pg_inherits', 'table', [['inhrelid', OID], ['inhparent', OID], ['inhseqno', T.int4], ['inhdetachpending', T.bool]], () => []),
    systemTable(
      'pg_catalog',
      'pg_trigger',
      'table',
      [['oid', OID], ['tgrelid', OID], ['tgparentid', OID], ['tgname', NAME], ['tgfoid', OID], ['tgtype', T.int2], ['tgenabled', CHAR], ['tgisinternal', T.bool], ['tgconstraint', OID]],
      () => [],
    ),
    systemTable('pg_catalog', 'pg_extension', 'table', [['oid', OID], ['extname', NAME], ['extowner', OID], ['extnamespace', OID], ['extversion', T.text]], () => []),
    systemTable('pg_catalog', 'pg_tablespace', 'table', [['oid', OID], ['spcname', NAME], ['spcowner', OID], ['spcacl', T.text], ['spcoptions', T.text]], () => [
      [DEFAULT_TABLESPACE_OID, 'pg_default', SUPERUSER_ROLE_OID, null, null],
      [1664, 'pg_global', SUPERUSER_ROLE_OID, null, null],
    ]),
    ...featureCatalogs(),
  ];
}

/** pg_get_viewdef: the defining query as it was written (PostgreSQL prints its own deparse), ending in ';'. */
export function viewDefinition(view: ViewSchema): string {
  return ` ${view.query};`;
}

/** The view of a view OID, for pg_get_viewdef. */
export function userViewOfOid(env: SystemEnvironment, oid: number): ViewSchema | undefined {
  return env.store.listViews().find((v) => viewOid(v) === oid);
}

/** The user table of a table, index or constraint OID, for pg_get_constraintdef and friends. */
export function userTableOfOid(env: SystemEnvironment, oid: number, index: boolean): TableSchema | undefined {
  return env.store.listTables().find((t) => (index ? primaryKeyOid(t) : tableOid(t)) === oid);
}


/** OIDs of PostgreSQL's built-in collations: eon compares text by code point, which all three name. */
const C_COLLATION_OID = 950;
const POSIX_COLLATION_OID = 951;

/**
 * Catalogs of features eon does not have (row security, extended statistics, publications,
 * rules, partitioning, foreign tables): empty, with PostgreSQL's column names, so the queries
 * clients send about a table still run. Array columns hold their text form (always absent here).
 */
function featureCatalogs(): SystemTableDef[] {
  return [
    systemTable(
      'pg_catalog',
      'pg_collation',
      'table',
      [
        ['oid', OID], ['collname', NAME], ['collnamespace', OID], ['collowner', OID], ['collprovider', CHAR],
        ['collisdeterministic', T.bool], ['collencoding', T.int4], ['collcollate', T.text], ['collctype', T.text],
      ],
      () => [
        [DEFAULT_COLLATION_OID, 'default', PG_CATALOG_NAMESPACE_OID, SUPERUSER_ROLE_OID, 'd', true, -1, null, null],
        [C_COLLATION_OID, 'C', PG_CATALOG_NAMESPACE_OID, SUPERUSER_ROLE_OID, 'c', true, -1, 'C', 'C'],
        [POSIX_COLLATION_OID, 'POSIX', PG_CATALOG_NAMESPACE_OID, SUPERUSER_ROLE_OID, 'c', true, -1, 'POSIX', 'POSIX'],
      ],
    ),
    systemTable(
      'pg_catalog',
      'pg_policy',
      'table',
      [
        ['oid', OID], ['polname', NAME], ['polrelid', OID], ['polcmd', CHAR], ['polpermissive', T.bool],
        ['polroles', T.text], ['polqual', T.text], ['polwithcheck', T.text],
      ],
      () => [],
    ),
    systemTable(
      'pg_catalog',
      'pg_statistic_ext',
      'table',
      [
        ['oid', OID], ['stxrelid', OID], ['stxname', NAME], ['stxnamespace', OID], ['stxowner', OID],
        ['stxstattarget', T.int4], ['stxkeys', T.text], ['stxkind', T.text], ['stxexprs', T.text],
      ],
      () => [],
    ),
    systemTable(
      'pg_catalog',
      'pg_publication',
      'table',
      [
        ['oid', OID], ['pubname', NAME], ['pubowner', OID], ['puballtables', T.bool], ['pubinsert', T.bool],
        ['pubupdate', T.bool], ['pubdelete', T.bool], ['pubtruncate', T.bool], ['pubviaroot', T.bool],
      ],
      () => [],
    ),
    systemTable('pg_catalog', 'pg_publication_namespace', 'table', [['oid', OID], ['pnpubid', OID], ['pnnspid', OID]], () => []),
    systemTable(
      'pg_catalog',
      'pg_publication_rel',
      'table',
      [['oid', OID], ['prpubid', OID], ['prrelid', OID], ['prqual', T.text], ['prattrs', T.text]],
      () => [],
    ),
    systemTable(
      'pg_catalog',
      'pg_rewrite',
      'table',
      [
        ['oid', OID], ['rulename', NAME], ['ev_class', OID], ['ev_type', CHAR], ['ev_enabled', CHAR],
        ['is_instead', T.bool], ['ev_qual', T.text], ['ev_action', T.text],
      ],
      () => [],
    ),
    systemTable(
      'pg_catalog',
      'pg_partitioned_table',
      'table',
      [
        ['partrelid', OID], ['partstrat', CHAR], ['partnatts', T.int2], ['partdefid', OID], ['partattrs', T.text],
        ['partclass', T.text], ['partcollation', T.text], ['partexprs', T.text],
      ],
      () => [],
    ),
    systemTable('pg_catalog', 'pg_foreign_table', 'table', [['ftrelid', OID], ['ftserver', OID], ['ftoptions', T.text]], () => []),
    systemTable(
      'pg_catalog',
      'pg_sequence',
      'table',
      [
        ['seqrelid', OID], ['seqtypid', OID], ['seqstart', T.int8], ['seqincrement', T.int8], ['seqmax', T.int8],
        ['seqmin', T.int8], ['seqcache', T.int8], ['seqcycle', T.bool],
      ],
      pgSequenceRows,
    ),
  ];
}
