// Primary-key ranges as storage reads them: rows whose leading key columns equal given values and
// whose next key column optionally lies between two bounds. Keys are order-preserving and
// self-delimiting (key-codec.ts), so such a set of rows is one contiguous byte range per partition
// in `delta` and in `pkidx` alike; the partition is known when the fixed values cover the
// table's distribution key, else every partition holds part of the range.

import { EonError } from '../src/errors/index.js';
import type { ColumnType } from '../src/types/column-type.js';
import type { Value } from '../src/types/values.js';
import { boundedKeyRange, encodeKey } from './key-codec.js';
import { hasHiddenRowId, partitionOfKey, type TableSchema } from './schema.js';

/** One end of a range over the key column after the fixed ones. */
export interface KeyBound {
  readonly value: Value;
  readonly inclusive: boolean;
}

/** Rows whose first `values.length` key columns equal `values`, the next one within the bounds. */
export interface KeyRange {
  readonly values: readonly Value[];
  readonly lower?: KeyBound;
  readonly upper?: KeyBound;
}

function keyTypes(table: TableSchema): ColumnType[] {
  return table.primaryKey.map((o) => table.columns[o]!.type);
}

/** Whether a range can be read by key: a declared key, no NULL in it, and a bound only on a key column. */
export function checkKeyRange(table: TableSchema, range: KeyRange): void {
  const bounded = range.lower !== undefined || range.upper !== undefined;
  if (hasHiddenRowId(table) || range.values.length + (bounded ? 1 : 0) > table.primaryKey.length) {
    throw new EonError('internal_error', `key range does not fit the primary key of "${table.name}"`);
  }
  if (range.values.includes(null) || range.lower?.value === null || range.upper?.value === null) {
    throw new EonError('internal_error', 'key range with a NULL value');
  }
}

/**
 * The partitions that may hold rows of the range: one when the fixed values include every
 * distribution-key column (distribution key ⊆ primary key), else all of them.
 */
export function keyRangePartitions(table: TableSchema, range: KeyRange, partitions: number): number[] {
  const fixed = table.primaryKey.slice(0, range.values.length);
  if (table.distributionKey.length > 0 && table.distributionKey.every((c) => fixed.includes(c))) {
    return [partitionOfKey(table, range.values, partitions)];
  }
  return Array.from({ length: partitions }, (_, p) => p);
}

/** The [start, end) bytes of the range's keys in one partition (start ≥ end: empty). */
export function keyRangeBytes(table: TableSchema, partition: number, range: KeyRange): { start: Buffer; end: Buffer } {
  const types = keyTypes(table);
  const n = range.values.length;
  const prefix = encodeKey(table.id, partition, types.slice(0, n), range.values);
  const at = (v: Value): Buffer => encodeKey(table.id, partition, types.slice(0, n + 1), [...range.values, v]);
  return boundedKeyRange(prefix, at, range.lower, range.upper);
}
