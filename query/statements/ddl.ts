// CREATE TABLE and DROP TABLE.

import { EonError } from '../../src/errors/index.js';
import type { ColumnSchema, Store, TableDefinition, TableSchema } from '../../storage/index.js';
import type { Ast } from '../parse/parser.js';
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
/** PostgreSQL's identifier length limit (NAMEDATALEN - 1). */
export const IDENTIFIER_BYTES_MAX = 63;

export async function createTable(ast: Ast, stmt: StatementContext, store: Store, ddl: TableDdl): Promise<QueryResult> {
  if (ast.temporary) throw new EonError('feature_not_supported', 'temporary tables are not supported yet');
  if (ast.as !== undefined && ast.as !== null) throw new EonError('feature_not_supported', 'CREATE TABLE AS is not supported yet');
  const tableNode = (ast.table as Ast[])[0]!;
  const name = stmt.ident(String(tableNode.table));
  checkIdentifier(name);
  const ifNotExists = ast.if_not_exists !== undefined && ast.if_not_exists !== null;
  if (store.getTable(name) !== undefined) {
    if (ifNotExists) return { command: 'CREATE TABLE', rowCount: 0, columns: null, rows: [] };
    throw new EonError('duplicate_table', `relation "${name}" already exists`);
  }
  const columns: ColumnSchema[] = [];
  let primaryKey: number[] | null = null;
  const defs = (ast.create_definitions ?? []) as Ast[];
  for (const d of defs) {
    if (d.resource !== 'column') continue;
    const colName = stmt.ident(String(d.column?.column?.expr?.value ?? d.column?.column));
    checkIdentifier(colName);
    if (columns.some((c) => c.name === colName)) {
      throw new EonError('duplicate_column', `column "${colName}" specified more than once`);
    }
    const dataType = String(d.definition?.dataType ?? '').toUpperCase();
    if (dataType.includes('SERIAL')) throw new EonError('feature_not_supported', 'serial columns are not supported yet');
    if (d.default_val !== undefined && d.default_val !== null) {
      throw new EonError('feature_not_supported', 'column DEFAULT values are not supported yet');
    }
    if (d.unique || d.unique_or_primary === 'unique') throw new EonError('feature_not_supported', 'UNIQUE constraints other than the primary key are not supported yet');
    if (d.reference_definition) throw new EonError('feature_not_supported', 'foreign keys are not supported yet');
    if (d.check) throw new EonError('feature_not_supported', 'CHECK constraints are not supported yet');
    const type = dataTypeOf(d.definition);
    const isPk = d.primary_key !== undefined && d.primary_key !== null;
    const notNull = isPk || String(d.nullable?.type ?? '').toLowerCase() === 'not null' || String(d.nullable?.value ?? '').toLowerCase().replace(/\s/g, '') === 'notnull';
    columns.push({ name: colName, type, notNull });
    if (isPk) {
      if (primaryKey !== null) throw new EonError('invalid_table_definition', `multiple primary keys for table "${name}" are not allowed`);
      primaryKey = [columns.length - 1];
    }
  }
  for (const d of defs) {
    if (d.resource !== 'constraint') continue;
    const kind = String(d.constraint_type ?? '').toLowerCase().replace(/\s/g, '');
    if (kind !== 'primarykey') throw new EonError('feature_not_supported', `${String(d.constraint_type).toUpperCase()} constraints are not supported yet`);
    if (primaryKey !== null) throw new EonError('invalid_table_definition', `multiple primary keys for table "${name}" are not allowed`);
    primaryKey = (d.definition as Ast[]).map((c) => {
      const cn = stmt.ident(String(c.column?.expr?.value ?? c.column ?? c.value));
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

export async function dropTable(ast: Ast, stmt: StatementContext, store: Store, ddl: TableDdl): Promise<QueryResult> {
  const ifExists = String(ast.prefix ?? '').toUpperCase().replace(/\s/g, '') === 'IFEXISTS';
  const names = (ast.name as Ast[]).map((n) => stmt.ident(String(n.table)));
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
