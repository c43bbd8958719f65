// Secondary indexes as storage keeps them: one LMDB key space per index (sub-database `secidx`),
// [tableId u32][indexId u16][indexed values…] → the row's delta key ([tableId][partition][pk…],
// the key the row is stored and found under). A unique index's entry is its values alone, so an
// equal entry means a duplicate; an entry with a NULL value (NULLs are distinct, as PostgreSQL's
// default) and every entry of a non-unique index also carry the row's delta key, which keeps
// entries of equal values apart. Entries are written in the same LMDB transaction as their row.

import { EonError } from '../src/errors/index.js';
import { formatText } from '../src/types/text-io.js';
import type { ColumnType } from '../src/types/column-type.js';
import type { Value } from '../src/types/values.js';
import { boundedKeyRange, encodeIndexKey, partitionPrefix, prefixEnd } from './key-codec.js';
import type { IndexSchema, TableSchema } from './schema.js';

/** Indexes one table may have (index ids live in 16 key bits; PostgreSQL has no such limit). */
export const INDEXES_PER_TABLE_MAX = 1024;
/** Columns one index may cover (PostgreSQL's INDEX_MAX_KEYS). */
export const INDEX_COLUMNS_MAX = 32;

export function indexTypes(table: TableSchema, index: IndexSchema): ColumnType[] {
  return index.columns.map((c) => table.columns[c]!.type);
}

function indexValues(index: IndexSchema, row: readonly Value[]): Value[] {
  return index.columns.map((c) => row[c] ?? null);
}

/** The entry a row has in `index` (its delta key is `deltaKey`). */
export function indexEntryKey(table: TableSchema, index: IndexSchema, row: readonly Value[], deltaKey: Uint8Array): Buffer {
  const values = indexValues(index, row);
  const distinct = !index.unique || values.includes(null);
  return encodeIndexKey(table.id, index.id, indexTypes(table, index), values, distinct ? deltaKey : null, index.name);
}

/** The key a duplicate of `row` would hold in unique `index`; null when a value is NULL (never a duplicate). */
export function uniqueProbeKey(table: TableSchema, index: IndexSchema, row: readonly Value[]): Buffer | null {
  const values = indexValues(index, row);
  if (values.includes(null)) return null;
  return encodeIndexKey(table.id, index.id, indexTypes(table, index), values, null, index.name);
}

/** The key range of the entries whose leading index columns equal `values` (no NULL among them). */
export function indexPrefixRange(table: TableSchema, index: IndexSchema, values: readonly Value[]): { start: Buffer; end: Buffer } {
  const types = indexTypes(table, index).slice(0, values.length);
  const start = encodeIndexKey(table.id, index.id, types, values, null, index.name);
  return { start, end: prefixEnd(start) };
}

/** One end of a range over the index column after the fixed ones. */
export interface IndexBound {
  readonly value: Value;
  readonly inclusive: boolean;
}

/**
 * The key range of the entries whose leading columns equal `values` and whose next column lies
 * between `lower` and `upper` (absent: unbounded, NULLs excluded as no comparison holds for them).
 */
export function indexScanRange(table: TableSchema, index: IndexSchema, values: readonly Value[], lower?: IndexBound, upper?: IndexBound): { start: Buffer; end: Buffer } {
  if (lower === undefined && upper === undefined) return indexPrefixRange(table, index, values);
  const types = indexTypes(table, index).slice(0, values.length + 1);
  const prefix = encodeIndexKey(table.id, index.id, types.slice(0, values.length), values, null, index.name);
  const at = (v: Value): Buffer => encodeIndexKey(table.id, index.id, types, [...values, v], null, index.name);
  // NULLs of the next column (0) sort before every value: an open lower end skips them.
  return boundedKeyRange(prefix, at, lower, upper);
}

/** Every key of one index: [tableId][indexId] up to the next index id. */
export function indexKeySpace(tableId: number, indexId: number): { start: Buffer; end: Buffer } {
  return { start: partitionPrefix(tableId, indexId), end: partitionPrefix(tableId, indexId + 1) };
}


/** "(a, b)=(1, x)": the key text of PostgreSQL's unique-violation DETAIL. */
export function indexKeyText(table: TableSchema, columns: readonly number[], row: readonly Value[]): string {
  const names = columns.map((c) => table.columns[c]!.name).join(', ');
  const values = columns.map((c) => (row[c] === null || row[c] === undefined ? 'null' : formatText(table.columns[c]!.type, row[c]!))).join(', ');
  return `(${names})=(${values})`;
}

/** 23505 as PostgreSQL reports a row that duplicates a unique index's key. */
export function uniqueViolation(table: TableSchema, index: IndexSchema, row: readonly Value[]): EonError {
  return new EonError('unique_violation', `duplicate key value violates unique constraint "${index.name}"`, {
    detail: `Key ${indexKeyText(table, index.columns, row)} already exists.`,
  });
}
