// Table schemas as storage sees them, and the placement of a row or key on a partition.

import type { ColumnType } from '../src/types/column-type.js';
import type { Value } from '../src/types/values.js';
import { EonError } from '../src/errors/index.js';
import { hashKeyHigh, partitionOfHigh } from '../src/cluster/partition-hash.js';
import { jsonbKey } from '../src/types/jsonb.js';

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

/**
 * A secondary index (CREATE [UNIQUE] INDEX, or the index behind a UNIQUE constraint): an LMDB key
 * space of its own (storage/secondary-index.ts) kept in the same write transaction as the rows.
 */
export interface IndexSchema {
  /** Numbers the index's key space within its table (1…INDEXES_PER_TABLE_MAX); never reused while the table lives. */
  id: number;
  /** Its relation name (shared with tables, views and sequences, as in PostgreSQL). */
  name: string;
  /** Indexed column ordinals, in index order. */
  columns: number[];
  unique: boolean;
  /** Made by a UNIQUE constraint (pg_constraint lists it; DROP INDEX refuses it). */
  constraint: boolean;
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
  /** Secondary indexes and UNIQUE constraints, in creation order; absent: none. */
  indexes?: IndexSchema[];
  /**
   * Per-table replication (N copies, W acknowledgements per write, R replicas per read); unset:
   * the cluster defaults (src/cluster/replication/table-quorum.ts). Set by CREATE TABLE … WITH
   * (replicas, write_quorum, read_quorum) and ALTER TABLE … SET/RESET (query/statements/table-options.ts).
   */
  replicas?: number;
  writeQuorum?: number;
  readQuorum?: number;
  /**
   * How many times ALTER TABLE changed the stored row layout (added or dropped columns); absent: 0.
   * Stored rows are rewritten to the new layout, and a write built against another generation is
   * refused, so rows of two layouts never mix.
   */
  generation?: number;
  /**
   * The latest layout changes, oldest first (at most TABLE_REWRITES_KEPT_MAX), so a node that
   * missed some (down during the ALTER) rewrites its rows from the generation it holds.
   */
  rewrites?: ColumnRewrite[];
}

/** The replication settings a table or definition sets (absent ones stay absent: they follow the defaults). */
export function replicationSettings(t: Pick<TableSchema, 'replicas' | 'writeQuorum' | 'readQuorum'>): Pick<TableSchema, 'replicas' | 'writeQuorum' | 'readQuorum'> {
  return {
    ...(t.replicas === undefined ? {} : { replicas: t.replicas }),
    ...(t.writeQuorum === undefined ? {} : { writeQuorum: t.writeQuorum }),
    ...(t.readQuorum === undefined ? {} : { readQuorum: t.readQuorum }),
  };
}

/** Layout changes a table keeps for nodes catching up (older ones are forgotten). */
export const TABLE_REWRITES_KEPT_MAX = 16;

/** One change of a table's row layout: generation-1 rows → generation rows. */
export interface ColumnRewrite {
  /** The generation this change produces. */
  generation: number;
  /** Per column of the new layout: the ordinal of the old column it keeps, or -1 for a new column. */
  from: number[];
  /**
   * What new columns hold in rows stored before them: the row-codec encoding (base64) of a row as
   * wide as the new layout, read at the columns `from` marks -1 (the catalog travels as JSON).
   */
  fill: string;
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
  for (let i = 0; i < dk.length; i++) vals[i] = hashable(table, dk[i]!, row[dk[i]!] ?? null);
  return partitionOfHigh(hashKeyHigh(vals), partitions);
}

/** The value a distribution key column hashes: jsonb by its equality key, so equal jsonb values ('1.0' and '1') share a partition. */
function hashable(table: TableSchema, column: number, v: Value): Value {
  return typeof v === 'string' && table.columns[column]?.type.kind === 'jsonb' ? jsonbKey(v) : v;
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
    vals[i] = hashable(table, dk[i]!, key[pos] ?? null);
  }
  return partitionOfHigh(hashKeyHigh(vals), partitions);
}

/** Row id for a partition and a per-table sequence number. */
export function makeRowId(partition: number, sequence: number): bigint {
  return (BigInt(partition) << BigInt(ROWID_SEQUENCE_BITS)) | BigInt(sequence);
}
