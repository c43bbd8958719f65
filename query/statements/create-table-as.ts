// CREATE TABLE t [(cols)] AS query [WITH [NO] DATA] and SELECT … INTO t: a new table with the
// query's column names and types and no primary key (a hidden row id keys it, as CREATE TABLE
// without PRIMARY KEY does), filled with the query's rows. The query runs first; the table is
// created and filled after, and dropped again if filling fails, so the statement leaves either
// the whole table or none.

import type { IntoClause, Node } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { T, type ColumnType } from '../../src/types/index.js';
import type { ColumnSchema, TableSchema } from '../../storage/index.js';
import { StatementContext } from '../bind/context.js';
import { bindQuery } from '../bind/bind-select.js';
import { optimize } from '../optimize/index.js';
import { nameList, nodeTag } from '../parse/ast.js';
import { executeSelect, type CompiledStatement, type EngineServices } from '../session/compile.js';
import { BULK_INSERT_ROWS_MIN } from './dml.js';
import { IDENTIFIER_BYTES_MAX, TABLE_COLUMNS_MAX } from './ddl.js';
import { applyOptionChange, parseOptionValues } from './table-options.js';

export interface CreateTableAs {
  readonly into: IntoClause;
  /** The SelectStmt node (its INTO clause removed for SELECT … INTO). */
  readonly query: Node;
  readonly ifNotExists: boolean;
  /** SELECT … INTO, whose errors name it so. */
  readonly selectInto: boolean;
}

export function compileCreateTableAs(c: CreateTableAs, services: EngineServices): CompiledStatement {
  const name = c.into.rel?.relname ?? '';
  if (c.into.rel?.relpersistence === 't') throw new EonError('feature_not_supported', 'temporary tables are not supported yet');
  // WITH (replicas, write_quorum, read_quorum): the table's N, W and R, as for CREATE TABLE.
  const replication = applyOptionChange({}, parseOptionValues(c.into.options, 'create'));
  if (c.into.tableSpaceName !== undefined) throw new EonError('feature_not_supported', 'CREATE TABLE ... TABLESPACE is not supported yet');
  if (c.into.accessMethod !== undefined && c.into.accessMethod !== 'heap') throw new EonError('feature_not_supported', 'CREATE TABLE ... USING is not supported yet');
  if (c.into.onCommit !== undefined && c.into.onCommit !== 'ONCOMMIT_NOOP') throw new EonError('feature_not_supported', 'ON COMMIT is only for temporary tables');
  if (nodeTag(c.query) !== 'SelectStmt') throw new EonError('feature_not_supported', 'CREATE TABLE ... AS EXECUTE is not supported yet');
  if (Buffer.byteLength(name) > IDENTIFIER_BYTES_MAX) throw new EonError('program_limit_exceeded', `identifier "${name}" is longer than ${IDENTIFIER_BYTES_MAX} bytes`);
  const ctx = new StatementContext(services.store, []);
  const plan = optimize(bindQuery(c.query, ctx));
  if (ctx.params.length > 0) throw new EonError('undefined_parameter', 'there is no parameter $1');
  const names = nameList(c.into.colNames);
  if (names.length > plan.columns.length) throw new EonError('syntax_error', 'too many column names were specified');
  const columns: ColumnSchema[] = plan.columns.map((col, i) => ({ name: names[i] ?? col.name, type: storedType(col.type), notNull: false }));
  if (columns.length === 0) throw new EonError('feature_not_supported', 'tables without columns are not supported');
  if (columns.length > TABLE_COLUMNS_MAX) throw new EonError('program_limit_exceeded', `tables can have at most ${TABLE_COLUMNS_MAX} columns`);
  const seen = new Set<string>();
  for (const col of columns) {
    if (seen.has(col.name)) throw new EonError('duplicate_column', `column "${col.name}" specified more than once`);
    seen.add(col.name);
  }
  const withData = c.into.skipData !== true;
  return {
    paramTypes: [],
    columns: null,
    changesCatalog: true,
    tableChange: { kind: 'create', names: [name] },
    async run(_params, signal, writes) {
      const store = services.store;
      if (store.getTable(name) !== undefined || store.getView(name) !== undefined) {
        if (c.ifNotExists) return { command: 'CREATE TABLE AS', rowCount: 0, columns: null, rows: [] };
        throw new EonError('duplicate_table', `relation "${name}" already exists`);
      }
      // The rows first: a query that fails leaves no table behind.
      const rows = withData ? await executeSelect(plan, [], services, { signal, writes }) : [];
      const table = await services.ddl.createTable({ name, columns, primaryKey: [], ...replication });
      try {
        if (rows.length > 0) await fill(services, table, rows);
      } catch (e) {
        if (store.getTable(name)?.id === table.id) await services.ddl.dropTable(name);
        throw e;
      }
      // PostgreSQL tags CREATE TABLE AS and SELECT INTO with the rows they stored (WITH NO DATA: none to count).
      return withData || c.selectInto ? { command: 'SELECT', rowCount: rows.length, columns: null, rows: [] } : { command: 'CREATE TABLE AS', rowCount: 0, columns: null, rows: [] };
    },
  };
}

/**
 * One store write for every row: all or none. Inside a transaction block the rows are written at
 * once too (not into the block's write set): the table itself exists from this statement on, and a
 * ROLLBACK drops it with its rows.
 */
async function fill(services: EngineServices, table: TableSchema, rows: readonly (readonly unknown[])[]): Promise<void> {
  await services.store.write(
    (tx) => {
      for (const r of rows) tx.insert(table, [...(r as Parameters<typeof tx.insert>[1])]);
    },
    { bulk: rows.length >= BULK_INSERT_ROWS_MIN },
  );
}

/** A bare string literal's column is text, as in PostgreSQL. */
function storedType(t: ColumnType): ColumnType {
  return t.kind === 'unknown' ? T.text : t;
}
