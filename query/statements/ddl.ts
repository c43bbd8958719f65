// CREATE TABLE and DROP TABLE, read from PostgreSQL's parse tree (CreateStmt, DropStmt).

import type { ColumnDef, Constraint, ConstrType, CreateStmt, DropStmt, Node } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import type { ColumnSchema, Store, TableDefinition, TableSchema } from '../../storage/index.js';
import { asNode, baseName, nameList, nodeTag } from '../parse/ast.js';
import type { StatementContext } from '../bind/context.js';
import { dataTypeOf } from '../bind/data-type.js';
import type { QueryResult } from '../session/contract.js';

/**
 * Where CREATE and DROP TABLE go: the Store itself on a node alone, the cluster catalog (decided by
 * consensus, applied on every live member) in a cluster.
 */
export interface TableDdl {
  createTable(def: TableDefinition): Promise<TableSchema>;
  dropTable(name: string): Promise<void>;
}

/** PostgreSQL's limit on columns per table. */
export const TABLE_COLUMNS_MAX = 1600;
/**
 * PostgreSQL's identifier length limit (NAMEDATALEN - 1). Its scanner already truncates longer
 * identifiers to this length, as PostgreSQL does; the check guards names from anywhere else.
 */
export const IDENTIFIER_BYTES_MAX = 63;

/** Type names PostgreSQL expands into an integer column with a sequence default. */
const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);
/** Collations that compare text by code point, as eon does: naming them changes nothing. */
const NEUTRAL_COLLATIONS = new Set(['default', 'C', 'POSIX']);

/** How table constraints eon refuses are named in their error (PostgreSQL's keywords). */
const TABLE_CONSTRAINT_NAMES: Partial<Record<ConstrType, string>> = {
  CONSTR_UNIQUE: 'UNIQUE',
  CONSTR_CHECK: 'CHECK',
  CONSTR_FOREIGN: 'FOREIGN KEY',
  CONSTR_EXCLUSION: 'EXCLUDE',
  CONSTR_NOTNULL: 'table-level NOT NULL',
};

export async function createTable(s: CreateStmt, _stmt: StatementContext, store: Store, ddl: TableDdl): Promise<QueryResult> {
  if (s.relation?.relpersistence === 't') throw new EonError('feature_not_supported', 'temporary tables are not supported yet');
  // The schema is not checked (public.t and t are the same table), as before.
  const name = s.relation?.relname ?? '';
  checkIdentifier(name);
  const ifNotExists = s.if_not_exists === true;
  if (store.getTable(name) !== undefined) {
    if (ifNotExists) return { command: 'CREATE TABLE', rowCount: 0, columns: null, rows: [] };
    throw new EonError('duplicate_table', `relation "${name}" already exists`);
  }
  refuseTableClauses(s);
  const columns: ColumnSchema[] = [];
  let primaryKey: number[] | null = null;
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
    const { isPk, notNull } = columnConstraints(d, name);
    const type = dataTypeOf(d.typeName ?? {});
    columns.push({ name: colName, type, notNull: isPk || notNull });
    if (isPk) {
      if (primaryKey !== null) throw new EonError('invalid_table_definition', `multiple primary keys for table "${name}" are not allowed`);
      primaryKey = [columns.length - 1];
    }
  }
  for (const element of elements) {
    const c = asNode(element, 'Constraint');
    if (c === undefined) continue;
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
  try {
    await ddl.createTable({ name, columns, primaryKey: primaryKey ?? [] });
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
  if ((s.options ?? []).length > 0) refuse('CREATE TABLE ... WITH (...)');
  if (s.tablespacename !== undefined) refuse('CREATE TABLE ... TABLESPACE');
  // heap is PostgreSQL's default access method: naming it changes nothing.
  if (s.accessMethod !== undefined && s.accessMethod !== 'heap') refuse('CREATE TABLE ... USING');
}

/**
 * A column's own constraints: PRIMARY KEY, NOT NULL and NULL are kept; the rest are refused in the
 * order the previous binder checked them (serial, DEFAULT, UNIQUE, REFERENCES, CHECK).
 */
function columnConstraints(d: ColumnDef, table: string): { isPk: boolean; notNull: boolean } {
  const typeNames = nameList(d.typeName?.names);
  if (typeNames.length === 1 && SERIAL_TYPES.has(typeNames[0]!)) throw new EonError('feature_not_supported', 'serial columns are not supported yet');
  const constraints = (d.constraints ?? []).map((n) => constraintOf(n));
  const has = (t: ConstrType): boolean => constraints.some((c) => c.contype === t);
  if (has('CONSTR_DEFAULT') || d.raw_default !== undefined) throw new EonError('feature_not_supported', 'column DEFAULT values are not supported yet');
  if (has('CONSTR_UNIQUE')) throw new EonError('feature_not_supported', 'UNIQUE constraints other than the primary key are not supported yet');
  if (has('CONSTR_FOREIGN')) throw new EonError('feature_not_supported', 'foreign keys are not supported yet');
  if (has('CONSTR_CHECK')) throw new EonError('feature_not_supported', 'CHECK constraints are not supported yet');
  if (has('CONSTR_IDENTITY') || d.identity !== undefined) throw new EonError('feature_not_supported', 'identity columns are not supported yet');
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
  return { isPk: has('CONSTR_PRIMARY'), notNull: saysNotNull };
}

function constraintOf(n: Node): Constraint {
  const c = asNode(n, 'Constraint');
  if (c === undefined) throw new Error(`column constraint is a ${nodeTag(n)}`);
  return c;
}

function refuseDeferrable(c: Constraint): void {
  if (c.deferrable === true || c.initdeferred === true) throw new EonError('feature_not_supported', 'deferrable constraints are not supported yet');
}

export async function dropTable(s: DropStmt, _stmt: StatementContext, store: Store, ddl: TableDdl): Promise<QueryResult> {
  // CASCADE and RESTRICT mean the same here: nothing depends on a table.
  const ifExists = s.missing_ok === true;
  // Each object is a qualified name (schema.table): the schema is not checked, as before.
  const names = (s.objects ?? []).map((o) => baseName(asNode(o, 'List')?.items));
  for (const n of names) {
    if (store.getTable(n) === undefined && !ifExists) throw new EonError('undefined_table', `table "${n}" does not exist`);
  }
  for (const n of names) if (store.getTable(n) !== undefined) await ddl.dropTable(n);
  return { command: 'DROP TABLE', rowCount: 0, columns: null, rows: [] };
}

function checkIdentifier(name: string): void {
  if (Buffer.byteLength(name) > IDENTIFIER_BYTES_MAX) {
    throw new EonError('program_limit_exceeded', `identifier "${name}" is longer than ${IDENTIFIER_BYTES_MAX} bytes`);
  }
}
