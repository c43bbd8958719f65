// Table schemas as storage sees them, and the placement of a row or key on a partition.

import type { ColumnType } from '../src/types/column-type.js';
import type { Value } from '../src/types/values.js';
import { EonError } from '../src/errors/index.js';
import { hashKeyHigh, partitionOfHigh } from '../src/cluster/partition-hash.js';

export interface ColumnSchema {
  name: string;
  type: ColumnType;
  notNull: boolean;
  /** The DEFAULT expression as SQL text (PostgreSQL's display form where eon builds it: serial). */
  default?: string;
  /** GENERATED ALWAYS / BY DEFAULT AS IDENTITY: values come from `sequence`. */
  identity?: 'always' | 'by default';
  /** The sequence this column owns (serial, identity): created and dropped with the table. */
  sequence?: SequenceOptions;
}

/** A sequence's definition; bigints as decimal text (the catalog travels as JSON and msgpack). */
export interface SequenceOptions {
  name: string;
  /** pg_sequence.seqtypid's type: the column type of a serial, bigint unless AS says otherwise. */
  type: 'int2' | 'int4' | 'int8';
  increment: string;
  min: string;
  max: string;
  start: string;
  cycle: boolean;
}

/** A CHECK constraint: its name and its expression as SQL text, read against the row's columns. */
export interface CheckConstraint {
  name: string;
  expr: string;
}

export interface TableSchema {
  id: number;
  name: string;
  columns: ColumnSchema[];
  /** Column ordinals; [] → a hidden bigint row id is the key. */
  primaryKey: number[];
  /** Ordinals hashed for placement; a subset of primaryKey, or any columns for row-id tables. */
  distributionKey: number[];
  /** CHECK constraints, in the order they were declared; absent: none. */
  checks?: CheckConstraint[];
  /**
   * Per-table replication (N copies, W acknowledgements per write, R replicas per read); unset:
   * the cluster defaults (src/cluster/replication/table-quorum.ts). Nothing sets them yet: the SQL
   * parser has no CREATE TABLE … WITH (…) options.
   */
  replicas?: number;
  writeQuorum?: number;
  readQuorum?: number;
}

/** The primary-key values (or [rowid: bigint] for hidden row ids). */
export type RowKey = readonly Value[];

/**
 * Hidden row ids carry their partition in the top bits, so a key alone finds its partition even
 * when the table is distributed by a column that is not part of the key.
 */
export const ROWID_SEQUENCE_BITS = 40;

export function hasHiddenRowId(table: TableSchema): boolean {
  return table.primaryKey.length === 0;
}

/** The key of a row of a table with a declared primary key. */
export function keyOf(table: TableSchema, row: readonly Value[]): RowKey {
  if (hasHiddenRowId(table)) {
    throw new EonError('internal_error', `table "${table.name}" has no declared primary key`);
  }
  const key: Value[] = new Array<Value>(table.primaryKey.length);
  for (let i = 0; i < key.length; i++) key[i] = row[table.primaryKey[i]!] ?? null;
  return key;
}

/** The partition of a row (hashing its distribution key). */
export function partitionOfRow(table: TableSchema, row: readonly Value[], partitions: number): number {
  const dk = table.distributionKey;
  const vals: Value[] = new Array<Value>(dk.length);
  for (let i = 0; i < dk.length; i++) vals[i] = row[dk[i]!] ?? null;
  return partitionOfHigh(hashKeyHigh(vals), partitions);
}

/** The partition a key lives in. */
export function partitionOfKey(table: TableSchema, key: RowKey, partitions: number): number {
  if (hasHiddenRowId(table)) {
    const rowid = key[0];
    if (typeof rowid !== 'bigint') throw new EonError('internal_error', 'row id key must be a bigint');
    return Number(rowid >> BigInt(ROWID_SEQUENCE_BITS));
  }
  // distributionKey ⊆ primaryKey, enforced by createTable: pick the key values in dk order.
  const dk = table.distributionKey;
  const vals: Value[] = new Array<Value>(dk.length);
  for (let i = 0; i < dk.length; i++) {
    const pos = table.primaryKey.indexOf(dk[i]!);
    vals[i] = key[pos] ?? null;
  }
  return partitionOfHigh(hashKeyHigh(vals), partitions);
}

/** Row id for a partition and a per-table sequence number. */
export function makeRowId(partition: number, sequence: number): bigint {
  return (BigInt(partition) << BigInt(ROWID_SEQUENCE_BITS)) | BigInt(sequence);
}
