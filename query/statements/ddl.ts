// CREATE TABLE and DROP TABLE, read from PostgreSQL's parse tree (CreateStmt, DropStmt).

import { parseSync } from 'libpg-query';
import type { ColumnDef, Constraint, ConstrType, CreateStmt, DropStmt, Node } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import type { SecurityDocument } from '../../storage/security.js';
import type { ColumnSchema, Store, TableDefinition, TableSchema, ViewDefinition, ViewSchema } from '../../storage/index.js';
import { asNode, baseName, nameList, nodeTag } from '../parse/ast.js';
import type { StatementContext } from '../bind/context.js';
import { dataTypeOf } from '../bind/data-type.js';
import type { QueryResult } from '../session/contract.js';
import { dropDependentViews } from './views.js';
import type { CheckConstraint, IndexSchema, SequenceOptions } from '../../storage/index.js';
import { StatementSource, quoteLiteral, validateCheck, validateDefault } from './column-rules.js';
import { sequenceOptions } from './sequences.js';
import { relationNameTaken, uniqueConstraints } from './indexes.js';
import { applyOptionChange, parseOptionValues, takeDistributeBy } from './table-options.js';

/**
 * Where CREATE and DROP TABLE go: the Store itself on a node alone, the cluster catalog (decided by
 * consensus, applied on every live member) in a cluster.
 */
export interface TableDdl {
  createTable(def: TableDefinition): Promise<TableSchema>;
  dropTable(name: string): Promise<void>;
  /** CREATE [OR REPLACE] VIEW (query/statements/views.ts checks the definition first). */
  createView(def: ViewDefinition, options?: { readonly replace?: boolean }): Promise<ViewSchema>;
  dropView(name: string): Promise<void>;
  /** TRUNCATE outside a transaction block: every row of the tables, at once (all or none). */
  truncateTables(names: readonly string[]): Promise<void>;
  /** CREATE INDEX (query/statements/indexes.ts): builds the index over the rows and records it. */
  createIndex(table: string, index: Omit<IndexSchema, 'id'>): Promise<IndexSchema>;
  /** DROP INDEX of an index that backs no constraint. */
  dropIndex(table: string, index: string): Promise<void>;
  /**
   * ALTER TABLE: `next` replaces the schema of table `name` (same id, maybe a new name); at a newer
   * layout generation the stored rows are rewritten (query/statements/alter-table.ts builds it).
   */
  alterTable(name: string, next: TableSchema): Promise<TableSchema>;
  /**
   * CREATE/ALTER/DROP ROLE, GRANT, REVOKE and ownership: `edit` derives the next roles-and-privileges
   * document from the current one (null: no change); in a cluster it is decided like other DDL.
   */
  changeSecurity(what: string, edit: (doc: SecurityDocument) => SecurityDocument | null): Promise<void>;
}

/** PostgreSQL's limit on columns per table. */
export const TABLE_COLUMNS_MAX = 1600;
/**
 * PostgreSQL's identifier length limit (NAMEDATALEN - 1). Its scanner already truncates longer
 * identifiers to this length, as PostgreSQL does; the check guards names from anywhere else.
 */
export const IDENTIFIER_BYTES_MAX = 63;

/** Type names PostgreSQL expands into an integer column with a sequence default, and that integer type. */
const SERIAL_TYPES: ReadonlyMap<string, SequenceOptions['type']> = new Map([
  ['serial', 'int4'], ['serial4', 'int4'], ['serial2', 'int2'], ['smallserial', 'int2'], ['serial8', 'int8'], ['bigserial', 'int8'],
] as const);
/** Collations that compare text by code point, as eon does: naming them changes nothing. */
const NEUTRAL_COLLATIONS = new Set(['default', 'C', 'POSIX']);

/** How table constraints eon refuses are named in their error (PostgreSQL's keywords). */
const TABLE_CONSTRAINT_NAMES: Partial<Record<ConstrType, string>> = {
  CONSTR_UNIQUE: 'UNIQUE',
  CONSTR_FOREIGN: 'FOREIGN KEY',
  CONSTR_EXCLUSION: 'EXCLUDE',
  CONSTR_NOTNULL: 'table-level NOT NULL',
};

/**
 * The ordinals of `distribute_by`'s columns: each a primary-key column (a row is found by its key,
 * so its partition must follow from the key), none twice.
 */
function distributionKeyOf(names: readonly string[], columns: readonly ColumnSchema[], primaryKey: readonly number[] | null): number[] {
  if (primaryKey === null) {
    throw new EonError('feature_not_supported', 'distribute_by needs a primary key', { hint: 'A table without a primary key is spread over the partitions row by row.' });
  }
  const out: number[] = [];
  for (const n of names) {
    const i = columns.findIndex((c) => c.name === n);
    if (i < 0) throw new EonError('undefined_column', `column "${n}" named in distribute_by does not exist`);
    if (!primaryKey.includes(i)) {
      throw new EonError('feature_not_supported', `distribute_by column "${n}" is not part of the primary key`, { hint: 'Rows are found by primary key, so the columns that place them must be key columns.' });
    }
    if (out.includes(i)) throw new EonError('invalid_parameter_value', `column "${n}" appears twice in distribute_by`);
    out.push(i);
  }
  return out;
}

/**
 * `text` is the statement's source: DEFAULT and CHECK keep their expressions as written, cut out
 * of it (the tree is parsed again from it, so its locations point into it).
 */
export async function createTable(parsedStmt: CreateStmt, stmt: StatementContext, store: Store, ddl: TableDdl, text?: string): Promise<QueryResult> {
  const source = text === undefined ? null : new StatementSource(text);
  const reparsed = text === undefined ? undefined : asNode(parseSync(text).stmts?.[0]?.stmt, 'CreateStmt');
  const s = reparsed ?? parsedStmt;
  if (s.relation?.relpersistence === 't') throw new EonError('feature_not_supported', 'temporary tables are not supported yet');
  // The schema is not checked (public.t and t are the same table), as before.
  const name = s.relation?.relname ?? '';
  checkIdentifier(name);
  const ifNotExists = s.if_not_exists === true;
  if (store.getTable(name) !== undefined) {
    if (ifNotExists) return { command: 'CREATE TABLE', rowCount: 0, columns: null, rows: [] };
    throw new EonError('duplicate_table', `relation "${name}" already exists`);
  }
  // Sequences and indexes share the relation namespace with tables.
  if (relationNameTaken(store, name)) throw new EonError('duplicate_table', `relation "${name}" already exists`);
  refuseTableClauses(s);
  // WITH (replicas, write_quorum, read_quorum): the table's N, W and R; distribute_by: its placement.
  const withList = takeDistributeBy(s.options);
  const replication = applyOptionChange({}, parseOptionValues(withList.rest, 'create'));
  const checks: { name: string | null; expr: string; raw: Node | undefined }[] = [];
  const cut = (c: Constraint, keyword: 'default' | 'check'): string => {
    if (source === null || c.location === undefined) throw new EonError('feature_not_supported', `${keyword.toUpperCase()} needs the statement's text`);
    return source.expressionAfter(c.location, keyword);
  };
  const columns: ColumnSchema[] = [];
  let primaryKey: number[] | null = null;
  const uniques: { constraint: Constraint; column: string | null }[] = [];
  const elements = s.tableElts ?? [];
  for (const element of elements) {
    if (asNode(element, 'TableLikeClause') !== undefined) throw new EonError('feature_not_supported', 'CREATE TABLE ... (LIKE ...) is not supported yet');
    const d = asNode(element, 'ColumnDef');
    if (d === undefined) continue;
    const colName = d.colname ?? '';
    checkIdentifier(colName);
    if (columns.some((c) => c.name === colName)) {
      throw new EonError('duplicate_column', `column "${colName}" specified more than once`);
    }
    const { isPk, notNull, constraints } = columnConstraints(d, name, { unique: true });
    for (const c of constraints) if (c.contype === 'CONSTR_UNIQUE') uniques.push({ constraint: c, column: colName });
    const serial = serialType(d);
    const type = serial !== undefined ? dataTypeOf({ names: [{ String: { sval: serial } }] }) : dataTypeOf(d.typeName ?? {});
    const column: ColumnSchema = { name: colName, type, notNull: isPk || notNull };
    for (const c of constraints) {
      if (c.contype === 'CONSTR_DEFAULT') {
        if (column.default !== undefined || serial !== undefined) {
          throw new EonError('syntax_error', `multiple default values specified for column "${colName}" of table "${name}"`);
        }
        column.default = cut(c, 'default');
      } else if (c.contype === 'CONSTR_CHECK') {
        checks.push({ name: c.conname ?? null, expr: cut(c, 'check'), raw: c.raw_expr });
      } else if (c.contype === 'CONSTR_IDENTITY') {
        if (column.identity !== undefined) throw new EonError('syntax_error', `multiple identity specifications for column "${colName}" of table "${name}"`);
        if (type.kind !== 'int2' && type.kind !== 'int4' && type.kind !== 'int8') {
          throw new EonError('invalid_parameter_value', 'identity column type must be smallint, integer, or bigint');
        }
        column.identity = c.generated_when === 'a' ? 'always' : 'by default';
        column.notNull = true;
        column.sequence = sequenceOptions(ownedSequenceName(store, name, colName, columns), type.kind, c.options ?? []);
      }
    }
    if (column.identity !== undefined && (column.default !== undefined || serial !== undefined)) {
      throw new EonError('syntax_error', `both default and identity specified for column "${colName}" of table "${name}"`);
    }
    if (serial !== undefined) {
      column.notNull = true;
      column.sequence = sequenceOptions(ownedSequenceName(store, name, colName, columns), serial, []);
      column.default = `nextval(${quoteLiteral(column.sequence.name)}::regclass)`;
    }
    columns.push(column);
    if (isPk) {
      if (primaryKey !== null) throw new EonError('invalid_table_definition', `multiple primary keys for table "${name}" are not allowed`);
      primaryKey = [columns.length - 1];
    }
  }
  for (const element of elements) {
    const c = asNode(element, 'Constraint');
    if (c === undefined) continue;
    if (c.contype === 'CONSTR_CHECK') {
      checks.push({ name: c.conname ?? null, expr: cut(c, 'check'), raw: c.raw_expr });
      continue;
    }
    if (c.contype === 'CONSTR_UNIQUE') {
      uniques.push({ constraint: c, column: null });
      continue;
    }
    if (c.contype !== 'CONSTR_PRIMARY') {
      const what = (c.contype !== undefined ? TABLE_CONSTRAINT_NAMES[c.contype] : undefined) ?? String(c.contype);
      throw new EonError('feature_not_supported', `${what} constraints are not supported yet`);
    }
    refuseDeferrable(c);
    if (primaryKey !== null) throw new EonError('invalid_table_definition', `multiple primary keys for table "${name}" are not allowed`);
    primaryKey = nameList(c.keys).map((cn) => {
      const i = columns.findIndex((x) => x.name === cn);
      if (i < 0) throw new EonError('undefined_column', `column "${cn}" named in key does not exist`);
      columns[i] = { ...columns[i]!, notNull: true };
      return i;
    });
  }
  if (columns.length === 0) throw new EonError('feature_not_supported', 'tables without columns are not supported');
  if (columns.length > TABLE_COLUMNS_MAX) {
    throw new EonError('program_limit_exceeded', `tables can have at most ${TABLE_COLUMNS_MAX} columns`);
  }
  for (const c of columns) if (c.default !== undefined && c.sequence === undefined) validateDefault(c.default, c, stmt);
  const namedChecks = nameChecks(name, columns, checks, primaryKey !== null);
  for (const k of namedChecks) validateCheck(k.expr, { name, columns }, stmt);
  const used = new Set([...(primaryKey !== null ? [`${name}_pkey`] : []), ...namedChecks.map((k) => k.name)]);
  const indexes = uniqueConstraints(name, columns, uniques, store, used, primaryKey ?? []);
  const distributionKey = withList.columns === null ? undefined : distributionKeyOf(withList.columns, columns, primaryKey);
  try {
    await ddl.createTable({
      name,
      columns,
      primaryKey: primaryKey ?? [],
      ...(distributionKey === undefined ? {} : { distributionKey }),
      ...(namedChecks.length > 0 ? { checks: namedChecks } : {}),
      ...(indexes.length > 0 ? { indexes } : {}),
      ...replication,
    });
  } catch (e) {
    // Another node may have created it since this one last heard of the catalog.
    if (!(ifNotExists && e instanceof EonError && e.code === 'duplicate_table')) throw e;
  }
  return { command: 'CREATE TABLE', rowCount: 0, columns: null, rows: [] };
}

/** Clauses of CREATE TABLE beyond a column list that eon has nothing to map onto. UNLOGGED is a plain table. */
function refuseTableClauses(s: CreateStmt): void {
  const refuse = (what: string): never => {
    throw new EonError('feature_not_supported', `${what} is not supported yet`);
  };
  if (s.partbound !== undefined) refuse('CREATE TABLE ... PARTITION OF');
  if ((s.inhRelations ?? []).length > 0) refuse('CREATE TABLE ... INHERITS');
  if (s.ofTypename !== undefined) refuse('CREATE TABLE ... OF type');
  if (s.partspec !== undefined) refuse('CREATE TABLE ... PARTITION BY');
  if (s.tablespacename !== undefined) refuse('CREATE TABLE ... TABLESPACE');
  // heap is PostgreSQL's default access method: naming it changes nothing.
  if (s.accessMethod !== undefined && s.accessMethod !== 'heap') refuse('CREATE TABLE ... USING');
}

/**
 * A column's own constraints: PRIMARY KEY, NOT NULL and NULL are read here, DEFAULT, CHECK and
 * identity returned for createTable; UNIQUE, REFERENCES, GENERATED and deferrable are refused.
 */
export function columnConstraints(d: ColumnDef, table: string, opts: { readonly unique?: boolean } = {}): { isPk: boolean; notNull: boolean; constraints: Constraint[] } {
  const constraints = (d.constraints ?? []).map((n) => constraintOf(n));
  const has = (t: ConstrType): boolean => constraints.some((c) => c.contype === t);
  if (d.raw_default !== undefined && !has('CONSTR_DEFAULT')) throw new EonError('feature_not_supported', 'column DEFAULT values are not supported yet');
  // CREATE TABLE reads UNIQUE itself (opts.unique); elsewhere it is not supported yet.
  if (has('CONSTR_UNIQUE') && opts.unique !== true) throw new EonError('feature_not_supported', 'UNIQUE constraints other than the primary key are not supported yet');
  if (has('CONSTR_FOREIGN')) throw new EonError('feature_not_supported', 'foreign keys are not supported yet');
  if (has('CONSTR_GENERATED') || d.generated !== undefined) throw new EonError('feature_not_supported', 'generated columns are not supported yet');
  if (has('CONSTR_ATTR_DEFERRABLE') || has('CONSTR_ATTR_DEFERRED')) throw new EonError('feature_not_supported', 'deferrable constraints are not supported yet');
  if (has('CONSTR_ATTR_NOT_ENFORCED')) throw new EonError('feature_not_supported', 'NOT ENFORCED constraints are not supported yet');
  const collation = d.collClause !== undefined ? baseName(d.collClause.collname) : null;
  if (collation !== null && !NEUTRAL_COLLATIONS.has(collation)) {
    throw new EonError('feature_not_supported', `collation "${collation}" is not supported: eon compares text by code point ("C")`);
  }
  const saysNotNull = has('CONSTR_NOTNULL') || d.is_not_null === true;
  if (saysNotNull && has('CONSTR_NULL')) {
    throw new EonError('syntax_error', `conflicting NULL/NOT NULL declarations for column "${d.colname ?? ''}" of table "${table}"`);
  }
  return { isPk: has('CONSTR_PRIMARY'), notNull: saysNotNull, constraints };
}

/** The integer type a serial column stands for, or undefined for any other type name. */
export function serialType(d: ColumnDef): SequenceOptions['type'] | undefined {
  const typeNames = nameList(d.typeName?.names);
  return typeNames.length === 1 ? SERIAL_TYPES.get(typeNames[0]!) : undefined;
}

/** PostgreSQL's name for a column's own sequence, <table>_<column>_seq, numbered on a clash. */
export function ownedSequenceName(store: Store, table: string, column: string, earlier: readonly ColumnSchema[]): string {
  const base = `${table}_${column}_seq`;
  const taken = (n: string): boolean => store.sequences.has(n) || store.getTable(n) !== undefined || earlier.some((c) => c.sequence?.name === n);
  if (!taken(base)) return base;
  for (let i = 1; ; i++) if (!taken(`${base}${i}`)) return `${base}${i}`;
}

/**
 * CHECK names as PostgreSQL chooses them: <table>_<column>_check when the expression reads one
 * column, <table>_check otherwise, numbered from 1 on a clash with an earlier name.
 */
function nameChecks(table: string, columns: readonly ColumnSchema[], checks: readonly { name: string | null; expr: string; raw: Node | undefined }[], hasPk: boolean): CheckConstraint[] {
  const used = new Set<string>(hasPk ? [`${table}_pkey`] : []);
  for (const c of checks) {
    if (c.name === null) continue;
    if (used.has(c.name)) throw new EonError('duplicate_object', `constraint "${c.name}" for relation "${table}" already exists`);
    used.add(c.name);
  }
  return checks.map((c) => {
    if (c.name !== null) return { name: c.name, expr: c.expr };
    const read = new Set<string>();
    collectColumnRefs(c.raw, read);
    const known = [...read].filter((n) => columns.some((col) => col.name === n));
    const base = known.length === 1 ? `${table}_${known[0]}_check` : `${table}_check`;
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}${i}`;
    used.add(name);
    return { name, expr: c.expr };
  });
}

export function collectColumnRefs(n: unknown, out: Set<string>): void {
  if (Array.isArray(n)) {
    for (const x of n) collectColumnRefs(x, out);
    return;
  }
  if (typeof n !== 'object' || n === null) return;
  const ref = asNode(n as Node, 'ColumnRef');
  if (ref !== undefined) {
    const fields = ref.fields ?? [];
    const last = asNode(fields[fields.length - 1], 'String')?.sval;
    if (last !== undefined) out.add(last);
    return;
  }
  for (const v of Object.values(n)) collectColumnRefs(v, out);
}

export function constraintOf(n: Node): Constraint {
  const c = asNode(n, 'Constraint');
  if (c === undefined) throw new Error(`column constraint is a ${nodeTag(n)}`);
  return c;
}

function refuseDeferrable(c: Constraint): void {
  if (c.deferrable === true || c.initdeferred === true) throw new EonError('feature_not_supported', 'deferrable constraints are not supported yet');
}

export async function dropTable(s: DropStmt, _stmt: StatementContext, store: Store, ddl: TableDdl): Promise<QueryResult> {
  const ifExists = s.missing_ok === true;
  // Each object is a qualified name (schema.table): the schema is not checked, as before.
  const names = (s.objects ?? []).map((o) => baseName(asNode(o, 'List')?.items));
  for (const n of names) {
    if (store.getTable(n) === undefined && store.getView(n) !== undefined) throw new EonError('wrong_object_type', `"${n}" is not a table`, { hint: 'Use DROP VIEW to remove a view.' });
    if (store.getTable(n) === undefined && !ifExists) throw new EonError('undefined_table', `table "${n}" does not exist`);
  }
  // Views reading the tables: 2BP01 unless CASCADE, which drops them first.
  await dropDependentViews(store, ddl, 'table', names.filter((n) => store.getTable(n) !== undefined), s.behavior === 'DROP_CASCADE');
  for (const n of names) if (store.getTable(n) !== undefined) await ddl.dropTable(n);
  return { command: 'DROP TABLE', rowCount: 0, columns: null, rows: [] };
}

export function checkIdentifier(name: string): void {
  if (Buffer.byteLength(name) > IDENTIFIER_BYTES_MAX) {
    throw new EonError('program_limit_exceeded', `identifier "${name}" is longer than ${IDENTIFIER_BYTES_MAX} bytes`);
  }
}
