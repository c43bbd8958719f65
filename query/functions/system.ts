// System information and catalog functions clients call on connect and when listing objects:
// version(), current_setting(), format_type(), pg_get_constraintdef(), privilege checks
// (has_table_privilege from the roles and grants; schema and database ones true). Those that read the session or the catalog take the
// compiling session's environment when they are resolved, which keeps the statement out of the
// shared plan cache.

import { EonError } from '../../src/errors/index.js';
import { formatText, type TypeKind, type Value } from '../../src/types/index.js';
import {
  UTF8_ENCODING,
  compilingEnvironment,
  formatArrayItem,
  formatType,
  lookupReference,
  parseArrayText,
  referenceNotFound,
  relationVisible,
  type ReferenceKind,
  primaryKeyDefinition,
  primaryKeyIndexDefinition,
  userTableOfOid,
  userViewOfOid,
  viewDefinition,
  type SystemEnvironment,
} from '../catalog/index.js';
import { checkDefinitionOfOid } from '../catalog/column-rules-catalog.js';
import { hasTablePrivilege, roleNameOf } from '../catalog/role-catalog.js';
import { indexDefinition, indexOfOid, uniqueConstraintDefinition } from '../catalog/index-catalog.js';
import { quoteIdent } from '../catalog/pg-catalog.js';
import { SERVER_VERSION } from '../session/settings.js';
import { fn, type FunctionDef, type ScalarImpl } from './definition.js';

/** eon's release, as version() reports it after the PostgreSQL version drivers parse. */
export const EON_VERSION = '0.1.0';

/** Starts with "PostgreSQL <major>.<minor>", which drivers and tools parse for features. */
export function versionText(): string {
  // Built on call: settings.ts sits in an import cycle with this module.
  return `PostgreSQL ${SERVER_VERSION} (eon ${EON_VERSION}) on ${process.arch}-${process.platform}, compiled by Node.js ${process.versions.node}, 64-bit`;
}

/** A function over the compiling session's environment; resolved outside compilation it reports the gap. */
function withEnvironment(name: string, args: readonly TypeKind[], returns: TypeKind, build: (env: SystemEnvironment) => ScalarImpl, volatile = false): FunctionDef {
  return {
    name,
    args,
    returns,
    strict: true,
    volatile,
    make: () => {
      const env = compilingEnvironment();
      if (env === null) throw new EonError('feature_not_supported', `function ${name}() needs a session`);
      return build(env);
    },
  };
}

function settingOf(env: SystemEnvironment, name: string, missingOk: boolean): string | null {
  const v = env.session.setting(name);
  if (v !== undefined) return v;
  if (missingOk) return null;
  throw new EonError('undefined_object', `unrecognized configuration parameter "${name}"`);
}

const always = (): Value => true;
const nothing = (): Value => null;

function viewDefOf(env: SystemEnvironment, oid: number): Value {
  const v = userViewOfOid(env, oid);
  return v === undefined ? null : viewDefinition(v);
}

/** has_table_privilege: answered from the roles and grants (query/catalog/role-catalog.ts). */
function tablePrivilegeChecks(): FunctionDef[] {
  const relation = (env: SystemEnvironment, v: Value): number => {
    if (typeof v === 'number') return v;
    const oid = lookupReference(env, 'regclass', v as string);
    if (oid === null) throw referenceNotFound('regclass', v as string);
    return oid;
  };
  const name = 'has_table_privilege';
  return (['text', 'int4'] as const).flatMap((k) => [
    withEnvironment(name, [k, 'text'], 'bool', (env) => (a) => hasTablePrivilege(env, null, relation(env, a[0]!), a[1] as string)),
    withEnvironment(name, ['text', k, 'text'], 'bool', (env) => (a) => hasTablePrivilege(env, a[0] as string, relation(env, a[1]!), a[2] as string)),
    withEnvironment(name, ['int4', k, 'text'], 'bool', (env) => (a) => hasTablePrivilege(env, a[0] as number, relation(env, a[1]!), a[2] as string)),
  ]);
}

function privilegeChecks(name: string, objectKinds: readonly TypeKind[]): FunctionDef[] {
  // (object, privilege) and (user, object, privilege), the object named or given by OID.
  return objectKinds.flatMap((k) => [fn(name, [k, 'text'], 'bool', always), fn(name, ['text', k, 'text'], 'bool', always)]);
}

/**
 * A cast to an object-reference type: regclass('public.items') / 'items'::regclass is the
 * relation's OID (an int4 in eon), an OID is itself.
 */
function referenceCasts(kind: ReferenceKind, ...aliases: string[]): FunctionDef[] {
  return [kind, ...aliases].flatMap((name) => [
    fn(name, ['int4'], 'int4', (a) => a[0]!),
    withEnvironment(name, ['text'], 'int4', (env) => (a) => {
      const oid = lookupReference(env, kind, a[0] as string);
      if (oid === null) throw referenceNotFound(kind, a[0] as string);
      return oid;
    }),
  ]);
}

/** Reference types eon knows no objects of (operators, text search, collations): only OIDs convert. */
function oidOnlyReferenceCasts(...names: string[]): FunctionDef[] {
  return names.flatMap((name) => [
    fn(name, ['int4'], 'int4', (a) => a[0]!),
    fn(name, ['text'], 'int4', (a) => {
      const text = (a[0] as string).trim();
      if (/^\d+$/.test(text)) return Number(text);
      throw new EonError('feature_not_supported', `${name} names are not supported: eon has no such objects`);
    }),
  ]);
}

/** The array (text form) element at a subscript, as an untyped value the context gives a type to (prattrs[s] = attnum). */
function subscript(array: string, index: number): string | null {
  const { items, lowerBound } = parseArrayText(array);
  return items[index - lowerBound] ?? null;
}

/** array_upper / array_lower / array_length of a one-dimensional array: NULL for other dimensions and empty arrays. */
function arrayBound(which: 'upper' | 'lower' | 'length'): (a: readonly Value[]) => Value {
  return (a) => {
    if (a[1] !== 1) return null;
    const { items, lowerBound } = parseArrayText(a[0] as string);
    if (items.length === 0) return null;
    return which === 'lower' ? lowerBound : which === 'upper' ? lowerBound + items.length - 1 : items.length;
  };
}

export const systemFunctions: readonly FunctionDef[] = [
  fn('version', [], 'text', versionText),
  withEnvironment('current_database', [], 'text', (env) => () => env.session.database),
  withEnvironment('current_user', [], 'text', (env) => () => env.session.user),
  withEnvironment('session_user', [], 'text', (env) => () => env.session.user),
  fn('current_schema', [], 'text', () => 'public'),
  // text[] in PostgreSQL; eon has no arrays, so the array's text form.
  fn('current_schemas', ['bool'], 'text', (a) => (a[0] === true ? '{pg_catalog,public}' : '{public}')),
  // Volatile: read when the row is computed, so a prepared statement sees later SETs.
  withEnvironment('current_setting', ['text'], 'text', (env) => (a) => settingOf(env, a[0] as string, false), true),
  withEnvironment('current_setting', ['text', 'bool'], 'text', (env) => (a) => settingOf(env, a[0] as string, a[1] === true), true),
  withEnvironment(
    'set_config',
    ['text', 'text', 'bool'],
    'text',
    (env) => (a) => {
      const change = env.session.changeSetting;
      if (change === undefined) throw new EonError('feature_not_supported', 'set_config() is not supported here; use SET');
      change(a[0] as string, a[1] as string, a[2] === true);
      return settingOf(env, a[0] as string, false);
    },
    true,
  ),
  withEnvironment('pg_get_userbyid', ['int4'], 'text', (env) => (a) => roleNameOf(env, a[0] as number) ?? `unknown (OID=${String(a[0])})`),
  // Visible: found by its bare name on the search path (pg_catalog, public); information_schema is not on it.
  withEnvironment('pg_table_is_visible', ['int4'], 'bool', (env) => (a) => relationVisible(env, a[0] as number)),
  fn('pg_type_is_visible', ['int4'], 'bool', always),
  { name: 'format_type', args: ['int4', 'int4'], returns: 'text', strict: false, impl: (a) => (a[0] === null ? null : formatType(a[0] as number, a[1] as number | null)) },
  withEnvironment('pg_get_constraintdef', ['int4'], 'text', (env) => (a) => constraintDef(env, a[0] as number)),
  withEnvironment('pg_get_constraintdef', ['int4', 'bool'], 'text', (env) => (a) => constraintDef(env, a[0] as number, a[1] === true)),
  withEnvironment('pg_get_indexdef', ['int4'], 'text', (env) => (a) => indexDef(env, a[0] as number)),
  withEnvironment('pg_get_indexdef', ['int4', 'int4', 'bool'], 'text', (env) => (a) => indexColumnDef(env, a[0] as number, a[1] as number)),
  // Defaults, comments: eon stores none.
  // adbin (pg_attrdef) holds the expression's text: it is its own deparse. Other node-tree columns are NULL.
  fn('pg_get_expr', ['text', 'int4'], 'text', (a) => a[0]!),
  fn('obj_description', ['int4'], 'text', nothing),
  fn('obj_description', ['int4', 'text'], 'text', nothing),
  fn('col_description', ['int4', 'int4'], 'text', nothing),
  fn('shobj_description', ['int4', 'text'], 'text', nothing),
  ...tablePrivilegeChecks(),
  ...privilegeChecks('has_schema_privilege', ['text', 'int4']),
  ...privilegeChecks('has_database_privilege', ['text', 'int4']),
  // Catalog arrays (datacl, conkey) are their text form in eon: '{a,b}' joined by the delimiter.
  fn('array_to_string', ['text', 'text'], 'text', (a) => arrayTextItems(a[0] as string).join(a[1] as string)),
  // Sizes on disk are not tracked per table: NULL, which pg_size_pretty passes on.
  fn('pg_table_size', ['int4'], 'int8', nothing),
  fn('pg_relation_size', ['int4'], 'int8', nothing),
  fn('pg_total_relation_size', ['int4'], 'int8', nothing),
  fn('pg_indexes_size', ['int4'], 'int8', nothing),
  fn('pg_size_pretty', ['int8'], 'text', (a) => sizePretty(a[0] as bigint)),
  fn('pg_function_is_visible', ['int4'], 'bool', always),
  fn('pg_get_function_result', ['int4'], 'text', nothing),
  fn('pg_get_function_arguments', ['int4'], 'text', nothing),
  // Tablespaces are built in (pg_default, pg_global): no location of their own.
  fn('pg_tablespace_location', ['int4'], 'text', () => ''),
  // No temporary schema (0 = none) and never a standby.
  fn('pg_my_temp_schema', [], 'int4', () => 0),
  fn('pg_is_in_recovery', [], 'bool', () => false),
  fn('pg_encoding_to_char', ['int4'], 'text', (a) => (a[0] === UTF8_ENCODING ? 'UTF8' : a[0] === 0 ? 'SQL_ASCII' : '')),
  // ::regclass and friends (query/bind binds such casts as these calls).
  ...referenceCasts('regclass'),
  ...referenceCasts('regtype'),
  ...referenceCasts('regnamespace'),
  ...referenceCasts('regrole'),
  ...referenceCasts('regproc', 'regprocedure'),
  ...oidOnlyReferenceCasts('regoper', 'regoperator', 'regconfig', 'regdictionary', 'regcollation'),
  withEnvironment('to_regclass', ['text'], 'int4', (env) => (a) => lookupReference(env, 'regclass', a[0] as string)),
  withEnvironment('to_regtype', ['text'], 'int4', (env) => (a) => lookupReference(env, 'regtype', a[0] as string)),
  withEnvironment('to_regnamespace', ['text'], 'int4', (env) => (a) => lookupReference(env, 'regnamespace', a[0] as string)),
  // Arrays are their text form in eon (see query/catalog/array-text.ts).
  fn('eon_subscript', ['text', 'int4'], 'unknown', (a) => subscript(a[0] as string, a[1] as number)),
  {
    // ARRAY(subquery)'s per-row element, quoted as array_out quotes it (the parser's rewrite aggregates these).
    name: 'eon_array_item',
    args: [],
    returns: 'text',
    strict: false,
    variadic: 'any',
    make: (types) => {
      if (types.length !== 1) throw new EonError('syntax_error', 'subquery must return only one column');
      const type = types[0]!;
      return (a) => formatArrayItem(a[0] === null || a[0] === undefined ? null : formatText(type, a[0]));
    },
  },
  fn('array_upper', ['text', 'int4'], 'int4', arrayBound('upper')),
  fn('array_lower', ['text', 'int4'], 'int4', arrayBound('lower')),
  fn('array_length', ['text', 'int4'], 'int4', arrayBound('length')),
  fn('cardinality', ['text'], 'int4', (a) => parseArrayText(a[0] as string).items.length),
  // Column defaults, index predicates, policies: eon stores no expressions.
  fn('pg_get_expr', ['text', 'int4', 'bool'], 'text', (a) => a[0]!),
  fn('pg_get_statisticsobjdef_columns', ['int4'], 'text', nothing),
  withEnvironment('pg_get_viewdef', ['int4'], 'text', (env) => (a) => viewDefOf(env, a[0] as number)),
  withEnvironment('pg_get_viewdef', ['int4', 'bool'], 'text', (env) => (a) => viewDefOf(env, a[0] as number)),
  fn('pg_get_triggerdef', ['int4'], 'text', nothing),
  fn('pg_get_triggerdef', ['int4', 'bool'], 'text', nothing),
  fn('pg_get_ruledef', ['int4'], 'text', nothing),
  fn('pg_get_ruledef', ['int4', 'bool'], 'text', nothing),
  fn('pg_get_partkeydef', ['int4'], 'text', nothing),
  // Publications would be allowed on user tables (eon has none, but the predicate is the same).
  withEnvironment('pg_relation_is_publishable', ['int4'], 'bool', (env) => (a) => userTableOfOid(env, a[0] as number, false) !== undefined),
  // Database sizes are not tracked: NULL, which pg_size_pretty passes on (psql's \l+ shows an empty Size).
  fn('pg_database_size', ['text'], 'int8', nothing),
  fn('pg_database_size', ['int4'], 'int8', nothing),
  fn('pg_tablespace_size', ['int4'], 'int8', nothing),
  fn('pg_tablespace_size', ['text'], 'int8', nothing),
];

function constraintDef(env: SystemEnvironment, oid: number, pretty = false): string | null {
  const check = checkDefinitionOfOid(env, oid, pretty);
  if (check !== undefined) return check;
  const t = userTableOfOid(env, oid, true);
  if (t !== undefined) return primaryKeyDefinition(t);
  const hit = indexOfOid(env, oid);
  return hit !== undefined && hit.index.constraint ? uniqueConstraintDefinition(hit.table, hit.index) : null;
}

function indexDef(env: SystemEnvironment, oid: number): string | null {
  const t = userTableOfOid(env, oid, true);
  if (t !== undefined) return primaryKeyIndexDefinition(t);
  const hit = indexOfOid(env, oid);
  return hit === undefined ? null : indexDefinition(hit.table, hit.index);
}

/** pg_get_indexdef(oid, column, pretty): the whole definition for column 0, else that key column ('' past the last). */
function indexColumnDef(env: SystemEnvironment, oid: number, column: number): string | null {
  if (column === 0) return indexDef(env, oid);
  const t = userTableOfOid(env, oid, true);
  const hit = t === undefined ? indexOfOid(env, oid) : undefined;
  const table = t ?? hit?.table;
  if (table === undefined) return null;
  const key = (t !== undefined ? t.primaryKey : hit!.index.columns)[column - 1];
  return key === undefined ? '' : quoteIdent(table.columns[key]!.name);
}

/**
 * The items of an array's text form ('{a,b}'); quoting inside items is not interpreted. Arrays are
 * text, so `a || b` of two arrays (psql's reloptions || toast options) reads '{a}{b}': both lists.
 */
function arrayTextItems(text: string): string[] {
  if (!(text.startsWith('{') && text.endsWith('}'))) return text === '' ? [] : text.split(',');
  return text.slice(1, -1).split('}{').flatMap((inner) => (inner === '' ? [] : inner.split(',')));
}

/** pg_size_pretty's units: below `limit` a unit is used; `bits` its power of two; `round` halves with rounding. */
const SIZE_UNITS: readonly { name: string; limit: bigint; round: boolean; bits: number }[] = [
  { name: 'bytes', limit: 10n * 1024n, round: false, bits: 0 },
  { name: 'kB', limit: 20n * 1024n - 1n, round: true, bits: 10 },
  { name: 'MB', limit: 20n * 1024n - 1n, round: true, bits: 20 },
  { name: 'GB', limit: 20n * 1024n - 1n, round: true, bits: 30 },
  { name: 'TB', limit: 20n * 1024n - 1n, round: true, bits: 40 },
  { name: 'PB', limit: 20n * 1024n - 1n, round: true, bits: 50 },
];

/** PostgreSQL 15's pg_size_pretty(bigint), step for step. */
export function sizePretty(bytes: bigint): string {
  let size = bytes;
  for (let i = 0; i < SIZE_UNITS.length; i++) {
    const unit = SIZE_UNITS[i]!;
    const next = SIZE_UNITS[i + 1];
    if (next === undefined || (size < 0n ? -size : size) < unit.limit) {
      if (unit.round) size = (size + (size < 0n ? -1n : 1n)) / 2n;
      return `${size} ${unit.name}`;
    }
    const shift = next.bits - unit.bits - (next.round ? 1 : 0) + (unit.round ? 1 : 0);
    size /= 1n << BigInt(shift);
  }
  throw new Error('unreachable: the last unit always applies');
}
