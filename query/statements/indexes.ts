// CREATE [UNIQUE] INDEX, DROP INDEX and the UNIQUE constraints of CREATE TABLE, read from
// PostgreSQL's parse tree (IndexStmt, DropStmt, Constraint): names chosen as PostgreSQL chooses
// them (<table>_<columns>_idx / _key, numbered on a clash), btree indexes over plain columns.
// Storage keeps them (storage/secondary-index.ts); DDL goes through services.ddl.

import type { Constraint, DropStmt, IndexElem, IndexStmt } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import type { ColumnSchema, IndexSchema, Store, TableSchema } from '../../storage/index.js';
import { asNode, baseName, nameList } from '../parse/ast.js';
import type { CompiledStatement, EngineServices } from '../session/compile.js';
import type { QueryResult } from '../session/contract.js';

/** PostgreSQL's identifier length (NAMEDATALEN - 1): chosen names are cut to fit, as it cuts them. */
const NAME_BYTES_MAX = 63;

function done(command: string): QueryResult {
  return { command, rowCount: 0, columns: null, rows: [] };
}

/** Every relation name in use: tables, views, sequences, primary-key and secondary indexes. */
export function relationNameTaken(store: Store, name: string): boolean {
  if (store.getTable(name) !== undefined || store.getView(name) !== undefined || store.sequences.has(name)) return true;
  return store.listTables().some((t) => (t.primaryKey.length > 0 && `${t.name}_pkey` === name) || (t.indexes ?? []).some((i) => i.name === name));
}

/** The table (and index) an index name belongs to. */
export function findIndex(store: Store, name: string): { table: TableSchema; index: IndexSchema } | undefined {
  for (const table of store.listTables()) {
    const index = table.indexes?.find((i) => i.name === name);
    if (index !== undefined) return { table, index };
  }
  return undefined;
}

/** Cuts a name to NAME_BYTES_MAX bytes without splitting a character. */
function cutName(s: string, bytes: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}

/**
 * PostgreSQL's ChooseRelationName: <table>_<col>_<col>…_<suffix>, then <…><suffix>1, 2, … until
 * free; `taken` also sees names chosen earlier in the same statement.
 */
export function chooseIndexName(table: string, columns: readonly string[], suffix: 'idx' | 'key', taken: (name: string) => boolean): string {
  const label = columns.join('_');
  for (let n = 0; ; n++) {
    const tail = `_${suffix}${n === 0 ? '' : String(n)}`;
    // PostgreSQL shortens the longer of table and column part first (makeObjectName); this cuts the tail end.
    const head = cutName(`${table}_${label}`, NAME_BYTES_MAX - tail.length);
    const name = head + tail;
    if (!taken(name)) return name;
  }
}

function columnOrdinal(columns: readonly ColumnSchema[], name: string): number {
  const i = columns.findIndex((c) => c.name === name);
  if (i < 0) throw new EonError('undefined_column', `column "${name}" does not exist`);
  return i;
}

/** One IndexElem as a column ordinal; what eon's btree keys cannot hold is refused with 0A000. */
function indexColumn(e: IndexElem, columns: readonly ColumnSchema[]): number {
  const refuse = (what: string): never => {
    throw new EonError('feature_not_supported', `${what} in an index is not supported yet`);
  };
  if (e.expr !== undefined || e.name === undefined) refuse('an expression');
  if (e.ordering !== undefined && e.ordering !== 'SORTBY_DEFAULT' && e.ordering !== 'SORTBY_ASC') refuse('DESC');
  if (e.nulls_ordering !== undefined && e.nulls_ordering !== 'SORTBY_NULLS_DEFAULT') refuse('NULLS FIRST/LAST');
  if ((e.opclass ?? []).length > 0) refuse('an operator class');
  if ((e.collation ?? []).length > 0) refuse('COLLATE');
  return columnOrdinal(columns, e.name!);
}

export function compileCreateIndex(s: IndexStmt, services: EngineServices): CompiledStatement {
  return {
    paramTypes: [],
    columns: null,
    changesCatalog: true,
    async run(_params, _signal, writes) {
      if (writes !== undefined) throw new EonError('feature_not_supported', 'CREATE INDEX cannot run inside a transaction block yet');
      return createIndex(s, services);
    },
  };
}

async function createIndex(s: IndexStmt, services: EngineServices): Promise<QueryResult> {
  const store = services.store;
  const rv = s.relation;
  const tableName = rv?.relname ?? '';
  if (rv?.schemaname !== undefined && rv.schemaname !== 'public') throw new EonError('undefined_table', `relation "${rv.schemaname}.${tableName}" does not exist`);
  const table = store.getTable(tableName);
  if (table === undefined) {
    if (store.getView(tableName) !== undefined || store.sequences.has(tableName)) {
      throw new EonError('wrong_object_type', `cannot create index on relation "${tableName}"`, {
        detail: `This operation is not supported for ${store.getView(tableName) !== undefined ? 'views' : 'sequences'}.`,
      });
    }
    throw new EonError('undefined_table', `relation "${tableName}" does not exist`);
  }
  if (s.accessMethod !== undefined && s.accessMethod !== 'btree') throw new EonError('feature_not_supported', `index access method "${s.accessMethod}" is not supported yet`);
  if ((s.indexIncludingParams ?? []).length > 0) throw new EonError('feature_not_supported', 'INCLUDE in an index is not supported yet');
  if (s.whereClause !== undefined) throw new EonError('feature_not_supported', 'partial indexes (CREATE INDEX ... WHERE) are not supported yet');
  if ((s.options ?? []).length > 0) throw new EonError('feature_not_supported', 'CREATE INDEX ... WITH (...) is not supported yet');
  if (s.tableSpace !== undefined) throw new EonError('feature_not_supported', 'CREATE INDEX ... TABLESPACE is not supported yet');
  if (s.nulls_not_distinct === true) throw new EonError('feature_not_supported', 'NULLS NOT DISTINCT is not supported yet');
  const elems = (s.indexParams ?? []).map((n) => asNode(n, 'IndexElem') ?? {});
  const columns = elems.map((e) => indexColumn(e, table.columns));
  const name = s.idxname ?? chooseIndexName(table.name, columns.map((c) => table.columns[c]!.name), 'idx', (n) => relationNameTaken(store, n));
  if (Buffer.byteLength(name) > NAME_BYTES_MAX) throw new EonError('program_limit_exceeded', `identifier "${name}" is longer than ${NAME_BYTES_MAX} bytes`);
  if (relationNameTaken(store, name)) {
    // IF NOT EXISTS: PostgreSQL notices "relation … already exists, skipping" and succeeds.
    if (s.if_not_exists === true) return done('CREATE INDEX');
    throw new EonError('duplicate_table', `relation "${name}" already exists`);
  }
  await services.ddl.createIndex(table.name, { name, columns, unique: s.unique === true, constraint: false });
  return done('CREATE INDEX');
}

export function compileDropIndex(s: DropStmt, services: EngineServices): CompiledStatement {
  return {
    paramTypes: [],
    columns: null,
    changesCatalog: true,
    async run(_params, _signal, writes) {
      if (writes !== undefined) throw new EonError('feature_not_supported', 'DROP INDEX cannot run inside a transaction block yet');
      return dropIndexes(s, services);
    },
  };
}

async function dropIndexes(s: DropStmt, services: EngineServices): Promise<QueryResult> {
  const store = services.store;
  const names = (s.objects ?? []).map((o) => baseName(asNode(o, 'List')?.items));
  const found: { table: TableSchema; index: IndexSchema }[] = [];
  // Every name is checked before anything is dropped: one statement, all or none (as PostgreSQL).
  for (const name of names) {
    const hit = findIndex(store, name);
    if (hit === undefined) {
      const pkOf = store.listTables().find((t) => t.primaryKey.length > 0 && `${t.name}_pkey` === name);
      if (pkOf !== undefined) throw constraintRequires(name, pkOf.name);
      if (store.getTable(name) !== undefined || store.getView(name) !== undefined || store.sequences.has(name)) {
        throw new EonError('wrong_object_type', `"${name}" is not an index`, { hint: 'Use DROP TABLE, DROP VIEW or DROP SEQUENCE to remove it.' });
      }
      if (s.missing_ok === true) continue;
      throw new EonError('undefined_object', `index "${name}" does not exist`);
    }
    if (hit.index.constraint) throw constraintRequires(name, hit.table.name);
    found.push(hit);
  }
  for (const { table, index } of found) await services.ddl.dropIndex(table.name, index.name);
  return done('DROP INDEX');
}

function constraintRequires(index: string, table: string): EonError {
  return new EonError('dependent_objects_still_exist', `cannot drop index ${index} because constraint ${index} on table ${table} requires it`, {
    hint: `You can drop constraint ${index} on table ${table} instead.`,
  });
}

/**
 * The UNIQUE constraints of a CREATE TABLE (column `UNIQUE` and table `UNIQUE (a, b)`), in
 * PostgreSQL's order (column constraints, then table constraints) with its names (<table>_<cols>_key).
 * `used` holds the names the table's other constraints took (its primary key, CHECKs).
 */
export function uniqueConstraints(
  table: string,
  columns: readonly ColumnSchema[],
  specs: readonly { constraint: Constraint; column: string | null }[],
  store: Store,
  used: ReadonlySet<string>,
  primaryKey: readonly number[],
): IndexSchema[] {
  const out: IndexSchema[] = [];
  const taken = (n: string): boolean => used.has(n) || out.some((i) => i.name === n) || relationNameTaken(store, n);
  for (const { constraint: c, column } of specs) {
    if (c.deferrable === true || c.initdeferred === true) throw new EonError('feature_not_supported', 'deferrable constraints are not supported yet');
    if (c.nulls_not_distinct === true) throw new EonError('feature_not_supported', 'NULLS NOT DISTINCT is not supported yet');
    if ((c.including ?? []).length > 0) throw new EonError('feature_not_supported', 'INCLUDE in a UNIQUE constraint is not supported yet');
    if ((c.options ?? []).length > 0 || c.indexspace !== undefined) throw new EonError('feature_not_supported', 'UNIQUE ... WITH or USING INDEX TABLESPACE is not supported yet');
    const names = column !== null ? [column] : nameList(c.keys);
    const ordinals = names.map((n) => {
      const i = columns.findIndex((x) => x.name === n);
      if (i < 0) throw new EonError('undefined_column', `column "${n}" named in key does not exist`);
      return i;
    });
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) throw new EonError('duplicate_column', `column "${dup}" appears twice in unique constraint`);
    // PostgreSQL keeps one index for two UNIQUE constraints over the same columns.
    // and none beside a primary key over the same columns.
    if (c.conname === undefined && (out.some((i) => i.columns.join() === ordinals.join()) || primaryKey.join() === ordinals.join())) continue;
    const name = c.conname ?? chooseIndexName(table, names, 'key', taken);
    if (taken(name)) {
      if (used.has(name) || out.some((i) => i.name === name)) throw new EonError('duplicate_object', `constraint "${name}" for relation "${table}" already exists`);
      throw new EonError('duplicate_table', `relation "${name}" already exists`);
    }
    out.push({ id: out.length + 1, name, columns: ordinals, unique: true, constraint: true });
  }
  return out;
}
