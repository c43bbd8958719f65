// The node's store: the catalog, transactional row writes into per-partition deltas, point reads
// across deltas and segments, and the compactor that folds deltas into immutable Arrow segments.
//
// Invariant: a live key is in exactly one place — the delta, or the pk index (→ a segment row that
// is not marked dead). Updates and deletes of segment rows mark the row dead and drop its index
// entry, so segments never change once written.

import { mkdirSync } from 'node:fs';
import { Interval, Numeric } from '../src/types/values.js';
import type { Value } from '../src/types/values.js';
import { EonError } from '../src/errors/index.js';
import { openEnvironment, segmentKey } from './environment.js';
import type { Environment, SegmentMeta } from './environment.js';
import { PendingRows } from './pending-rows.js';
import { encodeKey, encodeKeyString, partitionEnd, partitionPrefix, tableEnd, decodeRowIdKey } from './key-codec.js';
import { decodeRow, encodeRow } from './row-codec.js';
import { decodeSegment, encodeSegment, SEGMENT_ROWS_MAX, tableChangedWhileRunning } from './segment.js';
import { forEachPackedKey, keyValueText, ordinalAt, packKeys, packOrdinals, type StagedLoad, type StagedRecord } from './staged-load.js';
import { coefAtScale, valueAt, vectorFromRows, zoneMapOf } from './column-vector.js';
import { COORDINATOR_SEGMENT_CACHE_BYTES_MAX, SegmentCache, StorageReader, storedTypes, type DecodedSegment } from './reader.js';
import {
  hasHiddenRowId, keyOf, makeRowId, partitionOfKey, partitionOfRow, replicationSettings, ROWID_SEQUENCE_BITS,
} from './schema.js';
import type { CheckConstraint, ColumnSchema, IndexSchema, RowKey, TableSchema } from './schema.js';
import { INDEX_COLUMNS_MAX, INDEXES_PER_TABLE_MAX, indexEntryKey, indexKeySpace, indexKeyText, indexScanRange, uniqueProbeKey, uniqueViolation, type IndexBound } from './secondary-index.js';
import { SequenceStore } from './sequences.js';
import { checkKeyRange, keyRangeBytes, keyRangePartitions, type KeyRange } from './key-range.js';
import { EMPTY_SECURITY, validateSecurity, type SecurityDocument } from './security.js';
import type { ViewDefinition, ViewSchema } from './view-schema.js';
import { generationOf, layoutMapping, mapRow, type LayoutMapping } from './table-rewrite.js';
import { TableStatisticsStore, type TableStatistics } from './table-statistics.js';
import type { ColumnType } from '../src/types/column-type.js';

/** The catalog key of the roles-and-privileges document. */
const SECURITY_KEY: (string | number)[] = ['security'];

/** Delta rows in one partition that trigger a background compaction. */
export const DELTA_ROWS_COMPACT = 32768;
/** In a bulk write (COPY), a partition receiving at least this many rows gets a segment directly. */
export const BULK_SEGMENT_ROWS_MIN = 1024;
/** After this long without writes, partitions with at least IDLE_COMPACT_ROWS_MIN delta rows are compacted too. */
export const IDLE_COMPACT_DELAY_MS = 2_000;
/** Most writes one group commit carries; more wait for the next event-loop turn. */
export const WRITE_GROUP_MAX = 64;
export const IDLE_COMPACT_ROWS_MIN = 1_024;
/** Segments with fewer live rows than this are merged into the next compaction's output. */
export const SEGMENT_MERGE_ROWS_MAX = SEGMENT_ROWS_MAX / 2;
export const PARTITIONS_DEFAULT = 64;
/** Partition numbers live in 16 key bits. */
export const PARTITIONS_MAX = 65536;
export const TABLE_COLUMNS_MAX = 1600; // as PostgreSQL
const rowSequenceMax = 2 ** ROWID_SEQUENCE_BITS - 1;

export interface TableDefinition {
  name: string;
  columns: ColumnSchema[];
  primaryKey: number[];
  distributionKey?: number[];
  /** An id the cluster's catalog assigned (the same on every node); unset: the next local one. */
  id?: number;
  checks?: CheckConstraint[];
  /** Indexes made with the table (its UNIQUE constraints), ids assigned by the caller. */
  indexes?: IndexSchema[];
  /** Per-table N, W, R (CREATE TABLE … WITH); unset: the cluster defaults. */
  replicas?: number;
  writeQuorum?: number;
  readQuorum?: number;
}

/**
 * One row change of a committed write, as replication ships it (src/cluster/replication). Keys
 * and rows are in their stored encodings, so a replica needs no re-encoding.
 */
export interface RowChange {
  readonly table: TableSchema;
  readonly partition: number;
  /** The encoded key (the delta/pkidx key: table id, partition, primary key). */
  readonly key: Buffer;
  /** The encoded row (row-codec), null for a delete. */
  readonly row: Buffer | null;
  /** The version entry the key held before this write (undefined: none, version zero). */
  readonly basis: Uint8Array | undefined;
}

/** The version entries one write stores with its changes (opaque to storage). */
export interface VersionStamp {
  readonly live: Uint8Array;
  readonly tombstone: Uint8Array;
}

/**
 * What the write path calls while the node replicates: with none set (a node alone), writes take
 * exactly the path they took before versions existed and store no version entries.
 */
export interface WriteReplication {
  /** Whether writes are versioned and replicated now (checked once per group commit). */
  active(): boolean;
  /**
   * Inside a write transaction that changed rows: the version entries stored with them, newer
   * than each entry in `replaced` (the entries of the rows it overwrites, so a write always
   * supersedes what it replaced, whatever the clocks did).
   */
  stamp(replaced: readonly Uint8Array[]): VersionStamp;
  /** Called as the write's transaction commits (before its sync): the write's promise settles as this one does. */
  replicate(changes: readonly RowChange[], stamp: VersionStamp, options?: ReplicateOptions): Promise<void>;
  /**
   * Whether this node serves reads of the table's partition: one of its replicas that reads go to
   * (a new holder still receiving it by handoff does not yet). Rows of other partitions this
   * node may hold (writes it coordinated, copies from before the ring changed) are not the read.
   */
  serves(table: TableSchema, partition: number): boolean;
}

/** What one write asks of its replication beyond the tables' own settings. */
export interface ReplicateOptions {
  /**
   * Replicas that must hold the write before it is acknowledged, in place of each touched table's
   * W (a statement's eon.write_quorum; the caller checked it is at most each table's N).
   */
  readonly writeQuorum?: number;
}

/** Options of Store.write. */
export interface WriteOptions extends ReplicateOptions {
  /** A bulk load (COPY, a large INSERT … SELECT): big partitions get segments directly. */
  readonly bulk?: boolean;
}

/** What a replica's apply of shipped changes does inside one write transaction. */
export interface ReplicaWriteTx {
  /** The version entry stored for a key (undefined: none, version zero). */
  versionEntry(key: Buffer): Uint8Array | undefined;
  /**
   * The version entries stored for keys (each as versionEntry would give it), in one pass that
   * skips the lookup of every key above all its partition ever held.
   */
  versionEntries(keys: readonly Buffer[]): (Uint8Array | undefined)[];
  /** The encoded row stored at a key, if any. */
  storedRow(table: TableSchema, key: Buffer): Uint8Array | undefined;
  /** Stores the encoded row at key (null deletes it) together with its version entry. */
  apply(table: TableSchema, key: Buffer, row: Uint8Array | null, entry: Uint8Array): void;
}

export interface WriteTx {
  /** False (and nothing written) if the primary key exists. */
  insert(table: TableSchema, row: Value[]): boolean;
  /** As insert, returning the new row's key (the only way to learn a hidden row id). The
   *  transaction owns `row` from then on: callers must not change the array afterwards. */
  insertReturningKey(table: TableSchema, row: Value[]): RowKey | undefined;
  /** Sees this transaction's own writes. */
  get(table: TableSchema, key: RowKey): Value[] | undefined;
  /** Updates the row at key (inserting it if absent); a changed pk is delete + insert. */
  replace(table: TableSchema, key: RowKey, row: Value[]): void;
  delete(table: TableSchema, key: RowKey): boolean;
  /**
   * The key of the row (as this transaction sees it) whose values in unique `index` equal
   * `row`'s; undefined when there is none or one of them is NULL.
   */
  uniqueConflict(table: TableSchema, index: IndexSchema, row: readonly Value[]): RowKey | undefined;
}

/** The types a table's keys are encoded with (a hidden row id is an int8). */
export function pkTypes(table: TableSchema): ColumnType[] {
  if (hasHiddenRowId(table)) return [{ kind: 'int8' }];
  return table.primaryKey.map((o) => table.columns[o]!.type);
}

function sameKey(types: readonly ColumnType[], table: TableSchema, a: RowKey, b: RowKey): boolean {
  return encodeKey(table.id, 0, types, a).equals(encodeKey(table.id, 0, types, b));
}

function partitionSlot(tableId: number, partition: number): number {
  return tableId * PARTITIONS_MAX + partition;
}

/** Whether a non-null value has the runtime shape src/types/values.ts prescribes for a type. */
function valueFits(type: ColumnType, v: Value): boolean {
  switch (type.kind) {
    case 'bool':
      return typeof v === 'boolean';
    case 'int2':
      return typeof v === 'number' && Number.isInteger(v) && v >= -32768 && v <= 32767;
    case 'int4':
    case 'date':
      return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
    case 'int8':
      return typeof v === 'bigint' && v >= -(2n ** 63n) && v < 2n ** 63n;
    case 'float4':
    case 'float8':
    case 'timestamp':
    case 'timestamptz':
      return typeof v === 'number';
    case 'time':
      return typeof v === 'number' && v >= 0 && v <= 86_400_000_000;
    case 'numeric':
      return v instanceof Numeric;
    case 'text':
    case 'varchar':
    case 'unknown':
    case 'uuid':
    case 'json':
    case 'jsonb':
      return typeof v === 'string';
    case 'bytea':
      // A byte string: one char per byte.
      return typeof v === 'string' && !/[^\x00-\xff]/.test(v);
    case 'interval':
      return v instanceof Interval;
    default: {
      const never: never = type.kind;
      return never;
    }
  }
}

/**
 * Checks a row before it is stored: shape, NOT NULL, value kinds (a bad value would otherwise
 * surface only later, in the background compactor), and numerics at exactly their column's
 * scale so reads never differ by where a row lives.
 */
export function checkRow(table: TableSchema, row: Value[]): void {
  const columns = table.columns;
  if (row.length !== columns.length) {
    throw new EonError('internal_error', `row for ${table.name} has ${row.length} values, expected ${columns.length}`);
  }
  for (let c = 0; c < columns.length; c++) {
    const v = row[c]!;
    const col = columns[c]!;
    if (v === null) {
      if (col.notNull) {
        throw new EonError('not_null_violation', `null value in column "${col.name}" of relation "${table.name}" violates not-null constraint`);
      }
      continue;
    }
    if (!valueFits(col.type, v)) {
      throw new EonError('datatype_mismatch', `value for column "${col.name}" of relation "${table.name}" is not of type ${col.type.kind}`);
    }
    if (v instanceof Numeric && col.type.scale !== undefined && v.scale !== col.type.scale) {
      row[c] = new Numeric(coefAtScale(v, col.type.scale), col.type.scale);
    }
  }
}

/** A pk index entry: which segment row holds a key. */
function decodeLocation(b: Uint8Array): { segmentId: number; row: number } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { segmentId: v.getUint32(0, false), row: v.getUint32(4, false) };
}

/** A segment just written, still decoded in memory. */
interface WrittenSegment {
  readonly id: number;
  readonly bytes: number;
  readonly segment: DecodedSegment;
}

function encodeLocation(segmentId: number, row: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeUInt32BE(segmentId >>> 0, 0);
  b.writeUInt32BE(row >>> 0, 4);
  return b;
}

/** Inserts of one transaction into one partition, held until the end of the transaction. */
interface PendingInserts {
  table: TableSchema;
  partition: number;
  /** By encoded key as latin1 (see encodeKeyString): the transaction's own inserts. */
  rows: PendingRows;
}

/** A change captured by a replicating write: the row object is encoded at flush. */
interface CapturedChange {
  readonly table: TableSchema;
  readonly partition: number;
  readonly row: Value[] | null;
}

class WriteTxImpl implements WriteTx, ReplicaWriteTx {
  /** Dead bitmaps changed in this transaction, written once before commit. */
  readonly deadDirty = new Map<string, { key: Buffer; bitmap: Uint8Array }>();
  readonly rowSeqs = new Map<number, number>();
  readonly deltaChanges = new Map<number, number>();
  /** Rows inserted, updated or deleted per table id (the auto-analyze counts them, query/statistics). */
  readonly modified = new Map<number, number>();
  /**
   * Inserts are held per partition until flush: a partition receiving DELTA_ROWS_COMPACT or more
   * of them goes straight into segments (a bulk load skips the delta and its later compaction);
   * the rest go to the delta.
   */
  readonly pending = new Map<number, PendingInserts>();
  readonly segmentSlotsWritten = new Set<number>();
  /** Partition slots whose version entries this write changed (their digests are stale once it commits). */
  readonly versionSlots = new Set<number>();

  /** Partitions that got a segment below SEGMENT_MERGE_ROWS_MAX from a bulk write (merged when idle). */
  readonly smallSegmentSlots = new Set<number>();
  /** While replicating: this write's changes by encoded key (latin1), the last one per key. */
  private readonly changes: Map<string, CapturedChange> | null;
  /** Set by flush when the write changed rows while replicating. */
  committedChanges: RowChange[] | null = null;
  /**
   * While replicating: the encoded key and row of each versioned change by key (latin1), for
   * flushPending to store what replication ships instead of encoding each row twice. Only used
   * where the held row is still the very object that was encoded.
   */
  private encodedChanges: Map<string, { readonly row: Value[]; readonly key: Buffer; readonly bytes: Buffer }> | null = null;
  stamp: VersionStamp | null = null;

  constructor(
    private readonly store: Store,
    private readonly env: Environment,
    /** A bulk load: partitions with BULK_SEGMENT_ROWS_MIN inserts or more go straight to segments. */
    private readonly bulk = false,
    /** Set while the node replicates: changes are captured and versioned. */
    private readonly replication: WriteReplication | null = null,
  ) {
    this.changes = replication === null ? null : new Map();
  }

  private noteModified(tableId: number, rows: number): void {
    this.modified.set(tableId, (this.modified.get(tableId) ?? 0) + rows);
  }

  private bump(tableId: number, partition: number, by: number): void {
    const slot = partitionSlot(tableId, partition);
    this.deltaChanges.set(slot, (this.deltaChanges.get(slot) ?? 0) + by);
  }

  private nextRowSeq(table: TableSchema): number {
    let seq = this.rowSeqs.get(table.id);
    if (seq === undefined) {
      const stored = this.env.meta.get(['rowSeq', table.id]);
      seq = typeof stored === 'number' ? stored : 0;
    }
    if (seq >= rowSequenceMax) throw new EonError('program_limit_exceeded', `table ${table.name} ran out of row ids`);
    this.rowSeqs.set(table.id, seq + 1);
    return seq;
  }

  private pendingOf(table: TableSchema, partition: number): PendingInserts {
    const slot = partitionSlot(table.id, partition);
    let p = this.pending.get(slot);
    if (p === undefined) {
      p = { table, partition, rows: new PendingRows() };
      this.pending.set(slot, p);
    }
    return p;
  }

  /** Whether a stored (not pending) row has this key. */
  private storedExists(table: TableSchema, partition: number, ks: string): boolean {
    const slot = partitionSlot(table.id, partition);
    let kb: Buffer | undefined;
    const keyBytes = (): Buffer => (kb ??= Buffer.from(ks, 'latin1'));
    // Skipping lookups that cannot hit keeps bulk loads cheap: a key above every key ever written
    // to the partition (ordered loads) is new, and so is any key of an empty partition.
    if (ks > this.store.maxKeyOf(table.id, partition)) return false;
    // deltaChanges first: deltaCount must only ever cache a committed count.
    if ((this.deltaChanges.has(slot) || this.store.deltaCount(table.id, partition) > 0) && this.env.delta.doesExist(keyBytes())) return true;
    // A load published in this transaction wrote pk index entries the committed state does not know of yet.
    const segments = this.segmentSlotsWritten.has(slot) || this.store.hasSegments(table.id, partition);
    return segments && this.env.pkidx.doesExist(keyBytes());
  }

  insert(table: TableSchema, row: Value[]): boolean {
    return this.insertReturningKey(table, row) !== undefined;
  }

  insertReturningKey(table: TableSchema, row: Value[]): RowKey | undefined {
    this.store.assertLayout(table);
    checkRow(table, row);
    const q = this.store.partitions;
    let key: RowKey;
    let partition: number;
    if (hasHiddenRowId(table)) {
      if (this.changes !== null) {
        // Row ids come from a per-node sequence: two coordinators would hand out the same ones.
        throw new EonError('feature_not_supported', `cannot insert into "${table.name}" on a cluster of more than one node: it has no primary key`, {
          hint: 'Declare a PRIMARY KEY; tables with hidden row ids take inserts only on a node alone.',
        });
      }
      const seq = this.nextRowSeq(table);
      partition = table.distributionKey.length === 0 ? seq % q : partitionOfRow(table, row, q);
      key = [makeRowId(partition, seq)];
    } else {
      key = keyOf(table, row);
      partition = partitionOfKey(table, key, q);
    }
    const ks = encodeKeyString(table.id, partition, pkTypes(table), key);
    const pending = this.pendingOf(table, partition);
    if (!hasHiddenRowId(table) && (pending.rows.has(ks) || this.storedExists(table, partition, ks))) return undefined;
    const indexes = this.store.indexesOf(table);
    if (indexes.length > 0) this.addIndexEntries(table, indexes, row, Buffer.from(ks, 'latin1'));
    // The transaction owns the row from here on (checkRow may already have rescaled it).
    pending.rows.set(ks, row);
    this.changes?.set(ks, { table, partition, row });
    return key;
  }

  private locate(table: TableSchema, key: RowKey): { partition: number; kb: Buffer; pending: PendingInserts | undefined } {
    const partition = partitionOfKey(table, key, this.store.partitions);
    const kb = encodeKey(table.id, partition, pkTypes(table), key);
    return { partition, kb, pending: this.pending.get(partitionSlot(table.id, partition)) };
  }

  get(table: TableSchema, key: RowKey): Value[] | undefined {
    const { kb, pending } = this.locate(table, key);
    const mine = pending?.rows.get(kb.toString('latin1'));
    if (mine !== undefined) return mine.slice();
    return this.store.get(table, key);
  }

  /** The row at a delta key, this transaction's held inserts included. */
  private rowAtKey(table: TableSchema, kb: Buffer): Value[] | undefined {
    const mine = this.pending.get(partitionSlot(table.id, kb.readUInt16BE(4)))?.rows.get(kb.toString('latin1'));
    if (mine !== undefined) return mine;
    return this.store.rowAt(table, kb);
  }

  /**
   * Adds a row's entries to `indexes`, first checking every unique one (a violation writes
   * nothing). Entries of rows this transaction removed are gone already, so a row may take over
   * values another row gave up in the same statement only after that row's change.
   */
  private addIndexEntries(table: TableSchema, indexes: readonly IndexSchema[], row: readonly Value[], deltaKey: Buffer): void {
    for (const index of indexes) {
      if (!index.unique) continue;
      const probe = uniqueProbeKey(table, index, row);
      if (probe === null) continue;
      const holder = this.env.secidx.getBinary(probe);
      if (holder !== undefined && !deltaKey.equals(holder)) throw uniqueViolation(table, index, row);
    }
    for (const index of indexes) this.env.secidx.putSync(indexEntryKey(table, index, row, deltaKey), deltaKey);
  }

  private removeIndexEntries(table: TableSchema, indexes: readonly IndexSchema[], row: readonly Value[], deltaKey: Buffer): void {
    for (const index of indexes) this.env.secidx.removeSync(indexEntryKey(table, index, row, deltaKey));
  }

  uniqueConflict(table: TableSchema, index: IndexSchema, row: readonly Value[]): RowKey | undefined {
    const probe = uniqueProbeKey(table, index, row);
    if (probe === null) return undefined;
    const holder = this.env.secidx.getBinary(probe);
    if (holder === undefined) return undefined;
    const kb = Buffer.from(holder);
    if (hasHiddenRowId(table)) return [decodeRowIdKey(kb)];
    const stored = this.rowAtKey(table, kb);
    return stored === undefined ? undefined : keyOf(table, stored);
  }

  replace(table: TableSchema, key: RowKey, row: Value[]): void {
    this.store.assertLayout(table);
    checkRow(table, row);
    const types = pkTypes(table);
    if (!hasHiddenRowId(table)) {
      const newKey = keyOf(table, row);
      if (!sameKey(types, table, key, newKey)) {
        this.delete(table, key);
        if (!this.insert(table, row)) {
          throw new EonError('unique_violation', `duplicate key value violates unique constraint "${table.name}_pkey"`);
        }
        return;
      }
    }
    const { partition, kb, pending } = this.locate(table, key);
    const ks = kb.toString('latin1');
    const indexes = this.store.indexesOf(table);
    if (indexes.length > 0) {
      const old = this.rowAtKey(table, kb);
      if (old !== undefined) this.removeIndexEntries(table, indexes, old, kb);
      this.addIndexEntries(table, indexes, row, kb);
    }
    this.changes?.set(ks, { table, partition, row });
    this.noteModified(table.id, 1);
    if (pending !== undefined && pending.rows.has(ks)) {
      pending.rows.set(ks, row);
      return;
    }
    if (!this.env.delta.doesExist(kb)) {
      this.markDead(kb);
      this.bump(table.id, partition, 1);
    }
    this.env.delta.putSync(kb, encodeRow(row));
  }

  delete(table: TableSchema, key: RowKey): boolean {
    const { partition, kb, pending } = this.locate(table, key);
    const indexes = this.store.indexesOf(table);
    if (indexes.length > 0) {
      const old = this.rowAtKey(table, kb);
      if (old !== undefined) this.removeIndexEntries(table, indexes, old, kb);
    }
    let deleted: boolean;
    if (pending !== undefined && pending.rows.delete(kb.toString('latin1'))) deleted = true;
    else if (this.env.delta.removeSync(kb)) {
      this.bump(table.id, partition, -1);
      deleted = true;
    } else deleted = this.markDead(kb);
    if (deleted) this.changes?.set(kb.toString('latin1'), { table, partition, row: null });
    if (deleted) this.noteModified(table.id, 1);
    return deleted;
  }

  // ---- ReplicaWriteTx: a replica applying shipped changes (never captured again) ----

  versionEntry(key: Buffer): Uint8Array | undefined {
    // Above every key the partition ever held (versions included): no entry, no lookup.
    if (this.isFreshKey(key)) return undefined;
    return this.env.versions.getBinary(key);
  }

  versionEntries(keys: readonly Buffer[]): (Uint8Array | undefined)[] {
    const out = new Array<Uint8Array | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = this.versionEntry(keys[i]!);
    return out;
  }

  private isFreshKey(key: Buffer, ks: string = key.toString('latin1')): boolean {
    return ks > this.store.maxKeyOf(key.readUInt32BE(0), key.readUInt16BE(4));
  }

  storedRow(table: TableSchema, key: Buffer): Uint8Array | undefined {
    return this.store.encodedRowAt(table, key);
  }

  apply(table: TableSchema, key: Buffer, row: Uint8Array | null, entry: Uint8Array): void {
    const partition = key.readUInt16BE(4);
    // Once per change: the key's text and whether it is above all its partition ever held.
    const ks = key.toString('latin1');
    const fresh = this.isFreshKey(key, ks);
    this.noteModified(table.id, 1);
    // A replica keeps its indexes as the rows arrive; uniqueness was the writer's to check.
    const indexes = this.store.indexesOf(table);
    if (indexes.length > 0) {
      const old = fresh ? undefined : this.store.rowAt(table, key);
      if (old !== undefined) this.removeIndexEntries(table, indexes, old, key);
      if (row !== null) {
        const next = decodeRow(row);
        for (const index of indexes) this.env.secidx.putSync(indexEntryKey(table, index, next, key), key);
      }
    }
    if (row !== null) {
      if (fresh) this.bump(table.id, partition, 1);
      else if (!this.env.delta.doesExist(key)) {
        this.markDead(key);
        this.bump(table.id, partition, 1);
      }
      this.env.delta.putSync(key, Buffer.from(row.buffer, row.byteOffset, row.byteLength));
      if (fresh) this.store.noteKeyWritten(table.id, partition, ks);
    } else if (fresh) {
      // Nothing stored under a fresh key: the tombstone alone records the delete.
      this.store.noteKeyWritten(table.id, partition, ks);
    } else if (this.env.delta.removeSync(key)) {
      this.bump(table.id, partition, -1);
    } else {
      this.markDead(key);
      this.store.noteKeyWritten(table.id, partition, ks);
    }
    this.env.versions.putSync(key, entry);
    this.versionSlots.add(partitionSlot(table.id, partition));
  }

  /** Stores a version entry per captured change and keeps the changes for replication. */
  private versionChanges(replication: WriteReplication, changes: Map<string, CapturedChange>): void {
    const out: RowChange[] = new Array<RowChange>(changes.size);
    const replaced: Uint8Array[] = [];
    // Per partition slot, the highest key this write versions (noted once per slot below).
    const highest = new Map<number, { table: TableSchema; partition: number; ks: string }>();
    let i = 0;
    for (const [ks, { table, partition, row }] of changes) {
      const key = Buffer.from(ks, 'latin1');
      // A key above every key ever written to its partition has no entry (bulk loads skip the read).
      const basis = ks > this.store.maxKeyOf(table.id, partition) ? undefined : this.env.versions.getBinary(key);
      if (basis !== undefined) replaced.push(basis);
      const bytes = row === null ? null : encodeRow(row);
      out[i++] = { table, partition, key, row: bytes, basis };
      if (row !== null && bytes !== null) (this.encodedChanges ??= new Map()).set(ks, { row, key, bytes });
      const slot = partitionSlot(table.id, partition);
      const high = highest.get(slot);
      if (high === undefined) highest.set(slot, { table, partition, ks });
      else if (ks > high.ks) high.ks = ks;
    }
    const stamp = replication.stamp(replaced);
    for (const change of out) this.env.versions.putSync(change.key, change.row === null ? stamp.tombstone : stamp.live);
    for (const [slot, { table, partition, ks }] of highest) {
      this.store.noteKeyWritten(table.id, partition, ks);
      this.versionSlots.add(slot);
    }
    this.stamp = stamp;
    this.committedChanges = out;
  }

  /** Writes the held inserts: big batches as segments, small ones into the delta. */
  private flushPending(): void {
    for (const [slot, { table, partition, rows }] of this.pending) {
      if (rows.size === 0) continue;
      this.noteModified(table.id, rows.size);
      const sorted = rows.sorted();
      this.store.noteKeyWritten(table.id, partition, sorted.keys[sorted.keys.length - 1]!);
      if (rows.size < (this.bulk ? BULK_SEGMENT_ROWS_MIN : DELTA_ROWS_COMPACT)) {
        for (let i = 0; i < sorted.keys.length; i++) {
          const ks = sorted.keys[i]!;
          const row = sorted.rows[i]!;
          const shipped = this.encodedChanges?.get(ks);
          if (shipped !== undefined && shipped.row === row) this.env.delta.putSync(shipped.key, shipped.bytes);
          else this.env.delta.putSync(Buffer.from(ks, 'latin1'), encodeRow(row));
        }
        this.bump(table.id, partition, rows.size);
        continue;
      }
      const hidden = hasHiddenRowId(table);
      const types = storedTypes(table);
      for (let at = 0; at < sorted.keys.length; at += SEGMENT_ROWS_MAX) {
        const chunk: { key: Buffer; row: Value[]; fromDelta: boolean }[] = [];
        const end = Math.min(at + SEGMENT_ROWS_MAX, sorted.keys.length);
        for (let i = at; i < end; i++) {
          const key = Buffer.from(sorted.keys[i]!, 'latin1');
          // The caller may still hold the row (RETURNING): append the row id to a copy.
          const row = hidden ? [...sorted.rows[i]!, decodeRowIdKey(key)] : sorted.rows[i]!;
          chunk.push({ key, row, fromDelta: false });
        }
        this.store.writeSegment(table, partition, types, chunk);
      }
      this.segmentSlotsWritten.add(slot);
      if (rows.size % SEGMENT_ROWS_MAX < SEGMENT_MERGE_ROWS_MAX) this.smallSegmentSlots.add(slot);
    }
    this.pending.clear();
    this.encodedChanges = null;
  }

  /**
   * Publishes a bulk load's staged segments (storage/staged-load.ts): their metas move to
   * `segmeta` and their rows get pk index entries, each key checked against the stored rows and
   * the load's earlier segments (23505 names the row's input line). Secondary indexes and
   * replication need the rows themselves: the segments are then decoded here.
   */
  publishStaged(load: StagedLoad): void {
    const table = load.table;
    this.store.assertLayout(table);
    if (this.store.getTable(table.name)?.id !== table.id) {
      throw new EonError('serialization_failure', `could not serialize access: relation "${table.name}" was dropped concurrently`);
    }
    const hidden = hasHiddenRowId(table);
    const indexes = this.store.indexesOf(table);
    const needRows = indexes.length > 0 || this.changes !== null;
    const types = storedTypes(table);
    for (const sk of load.records) {
      const record = this.env.staged.get(sk) as StagedRecord | undefined;
      const blob = this.env.segments.getBinary(sk);
      if (record === undefined || blob === undefined) {
        throw new EonError('serialization_failure', `could not serialize access: relation "${table.name}" was truncated concurrently`);
      }
      const partition = sk.readUInt16BE(4);
      const segmentId = sk.readUInt32BE(6);
      const slot = partitionSlot(table.id, partition);
      const maxKey = this.store.maxKeyOf(table.id, partition);
      const deltaMayHold = this.deltaChanges.has(slot) || this.store.deltaCount(table.id, partition) > 0;
      const segmentsMayHold = this.segmentSlotsWritten.has(slot) || this.store.hasSegments(table.id, partition);
      let seg: DecodedSegment | null = null;
      const decoded = (): DecodedSegment => (seg ??= decodeSegment(blob, types));
      const rowOf = (i: number): Value[] => {
        const s = decoded();
        const row = new Array<Value>(table.columns.length);
        for (let c = 0; c < row.length; c++) row[c] = valueAt(s.vectors[c]!, i);
        return row;
      };
      let last: Buffer | null = null;
      // Keys ascend within a segment: once one is above every key the partition held, all later ones are.
      let fresh = hidden;
      forEachPackedKey(record.keys, (kb, i) => {
        if (!fresh && kb.toString('latin1') > maxKey) fresh = true;
        if (!fresh && ((deltaMayHold && this.env.delta.doesExist(kb)) || (segmentsMayHold && this.env.pkidx.doesExist(kb)))) {
          const row = rowOf(i);
          const where = load.whereOf(ordinalAt(record.ordinals, i));
          throw new EonError('unique_violation', `duplicate key value violates unique constraint "${table.name}_pkey"`, {
            detail: `Key (${table.primaryKey.map((o) => table.columns[o]!.name).join(', ')})=(${table.primaryKey.map((o) => keyValueText(table.columns[o]!.type, row[o]!)).join(', ')}) already exists.`,
            ...(where === undefined ? {} : { where }),
          });
        }
        this.env.pkidx.putSync(kb, encodeLocation(segmentId, i));
        if (needRows) {
          const row = rowOf(i);
          if (indexes.length > 0) this.addIndexEntries(table, indexes, row, Buffer.from(kb));
          this.changes?.set(kb.toString('latin1'), { table, partition, row });
        }
        last = kb;
      });
      if (last !== null) this.store.noteKeyWritten(table.id, partition, (last as Buffer).toString('latin1'));
      this.env.segmeta.putSync(sk, record.meta);
      this.env.staged.removeSync(sk);
      this.noteModified(table.id, record.meta.rows);
      this.segmentSlotsWritten.add(slot);
      if (record.meta.rows < SEGMENT_MERGE_ROWS_MAX) this.smallSegmentSlots.add(slot);
    }
  }

  /** Marks the segment row holding kb dead and drops its index entry; false if there is none. */
  private markDead(kb: Buffer): boolean {
    const loc = this.env.pkidx.getBinary(kb);
    if (loc === undefined) return false;
    const { segmentId, row } = decodeLocation(loc);
    const tableId = kb.readUInt32BE(0);
    const partition = kb.readUInt16BE(4);
    const sk = segmentKey(tableId, partition, segmentId);
    const id = sk.toString('latin1');
    let entry = this.deadDirty.get(id);
    if (entry === undefined) {
      const stored = this.env.dead.getBinary(sk);
      let bitmap: Uint8Array;
      if (stored !== undefined) bitmap = new Uint8Array(stored);
      else {
        const meta = this.env.segmeta.get(sk);
        if (meta === undefined) throw new EonError('internal_error', `segment ${segmentId} has no meta`);
        bitmap = new Uint8Array((meta.rows + 7) >> 3);
      }
      entry = { key: sk, bitmap };
      this.deadDirty.set(id, entry);
    }
    entry.bitmap[row >> 3]! |= 1 << (row & 7);
    this.env.pkidx.removeSync(kb);
    return true;
  }

  /** Writes what was held back until the end of the transaction. */
  flush(): void {
    if (this.replication !== null && this.changes !== null && this.changes.size > 0) this.versionChanges(this.replication, this.changes);
    this.flushPending();
    for (const { key, bitmap } of this.deadDirty.values()) this.env.dead.putSync(key, Buffer.from(bitmap));
    for (const [tableId, seq] of this.rowSeqs) this.env.meta.putSync(['rowSeq', tableId], seq);
  }
}

export class Store {
  readonly dir: string;
  readonly partitions: number;
  private readonly env: Environment;
  /** For callers' scans on the main thread; they may pin snapshots on it (begin/end). */
  readonly reader: StorageReader;
  /** The store's own reads (point lookups, compaction): never pinned, so always current. */
  private readonly own: StorageReader;
  private readonly tables = new Map<string, TableSchema>();
  private readonly views = new Map<string, ViewSchema>();
  /** Roles and privileges (storage/security.ts), kept under one catalog key. */
  private securityDoc: SecurityDocument = EMPTY_SECURITY;
  /** Layout generations of tables ALTER TABLE rewrote while this store was open, by id. */
  private readonly layouts = new Map<number, number>();
  /** Called after every change of tables or views (see onCatalogChange). */
  private readonly catalogListeners = new Set<() => void>();
  /** Sequences (CREATE SEQUENCE, and those serial and identity columns own). */
  readonly sequences: SequenceStore;
  /** Delta row counts per (table, partition) slot; absent = not yet counted. */
  private readonly deltaRows = new Map<number, number>();
  /** Planner statistics ANALYZE wrote (storage/table-statistics.ts). */
  readonly statistics: TableStatisticsStore;
  /** Rows changed per table id since this node started or last analyzed it (see modifiedSince). */
  private readonly modifiedRows = new Map<number, number>();
  /** Whether a (table, partition) slot has segments; absent = not yet looked up. */
  private readonly segmentSlots = new Map<number, boolean>();
  /**
   * Per partition slot: at least the largest key (latin1 of its encoding) ever written there, ''
   * for none. Writes only raise it, so it may over-estimate (after deletes or a rolled-back write),
   * which only costs a lookup; it never under-estimates.
   */
  private readonly maxKeys = new Map<number, string>();
  /**
   * By partition slot, the value of versionClock when a committed write last changed its version
   * entries (absent: not since the store opened). A partition digest cached at one generation is
   * stale at any other.
   */
  private readonly versionGenerations = new Map<number, number>();
  private versionClock = 0;
  private readonly compactQueue = new Set<number>();
  private idleCompactTimer: NodeJS.Timeout | null = null;
  private readonly writeQueue: {
    fn: (tx: WriteTxImpl) => unknown;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
    bulk: boolean;
    replica: boolean;
    /** What this write asks of replication (null: the tables' settings). */
    replicate: ReplicateOptions | null;
  }[] = [];
  /** Set while the node replicates its writes (src/cluster/replication); null on a node alone. */
  private replication: WriteReplication | null = null;
  /** Partitions holding small segments from bulk writes, merged by the idle compaction. */
  private readonly mergeSlots = new Set<number>();
  private writeFlushScheduled = false;
  /** Group commits handed to LMDB whose flush to disk has not completed. */
  private readonly commitsInFlight = new Set<Promise<void>>();
  private compactRunning: Promise<void> | null = null;
  private closed = false;
  /** The last background compaction failure, kept for status reporting. */
  lastCompactionError: unknown = null;

  private constructor(dir: string, env: Environment, partitions: number) {
    this.dir = dir;
    this.env = env;
    this.partitions = partitions;
    const cache = new SegmentCache(COORDINATOR_SEGMENT_CACHE_BYTES_MAX);
    this.reader = new StorageReader(dir, env, cache);
    this.own = new StorageReader(dir, env, cache);
    this.sequences = new SequenceStore(env.catalog);
    this.statistics = new TableStatisticsStore(env.catalog);
    for (const { key, value } of env.catalog.getRange({ start: ['table'], end: ['table', '\uffff'] })) {
      if (key[0] === 'table') this.tables.set(String(key[1]), value as TableSchema);
    }
    for (const { key, value } of env.catalog.getRange({ start: ['view'], end: ['view', '\uffff'] })) {
      if (key[0] === 'view') this.views.set(String(key[1]), value as ViewSchema);
    }
    const security: unknown = env.catalog.get(SECURITY_KEY);
    if (security !== undefined) {
      const doc = validateSecurity(security);
      if (doc === null) throw new EonError('replica_data_corrupted', `the role catalog in ${dir} does not decode`);
      this.securityDoc = doc;
    }
  }

  static open(opts: { dir: string; partitions?: number }): Store {
    const wanted = opts.partitions ?? PARTITIONS_DEFAULT;
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > PARTITIONS_MAX || (wanted & (wanted - 1)) !== 0) {
      throw new EonError('invalid_parameter_value', `partitions must be a power of two between 1 and ${PARTITIONS_MAX}, got ${wanted}`);
    }
    mkdirSync(opts.dir, { recursive: true });
    const env = openEnvironment(opts.dir);
    let partitions = env.meta.get('partitions');
    if (partitions === undefined) {
      env.meta.putSync('partitions', wanted);
      partitions = wanted;
    } else if (opts.partitions !== undefined && partitions !== opts.partitions) {
      void env.root.close();
      throw new EonError('invalid_parameter_value', `storage at ${opts.dir} has ${String(partitions)} partitions, not ${opts.partitions}`);
    }
    const store = new Store(opts.dir, env, partitions as number);
    // Segments staged by bulk loads that were running when the node stopped: never acknowledged.
    store.discardStaged(null);
    return store;
  }

  private assertOpen(): void {
    if (this.closed) throw new EonError('admin_shutdown', 'storage is closed');
  }

  // ---- catalog ----

  getTable(name: string): TableSchema | undefined {
    return this.tables.get(name);
  }

  listTables(): TableSchema[] {
    return [...this.tables.values()].sort((a, b) => a.id - b.id);
  }

  async createTable(def: TableDefinition): Promise<TableSchema> {
    this.assertOpen();
    if (this.tables.has(def.name) || this.views.has(def.name)) throw new EonError('duplicate_table', `relation "${def.name}" already exists`);
    const schema = this.validateDefinition(def);
    if (def.id !== undefined) {
      const owner = [...this.tables.values(), ...this.views.values()].find((t) => t.id === def.id);
      if (!Number.isSafeInteger(def.id) || def.id < 1 || owner !== undefined) {
        throw new EonError('invalid_table_definition', `table id ${def.id} is not free${owner === undefined ? '' : ` (it is "${owner.name}")`}`);
      }
    }
    this.env.root.transactionSync(() => {
      const stored = this.env.meta.get('nextTableId');
      const next = typeof stored === 'number' ? stored : 1;
      schema.id = def.id ?? next;
      this.env.meta.putSync('nextTableId', Math.max(next, schema.id + 1));
      this.env.catalog.putSync(['table', schema.name], schema);
      this.env.catalog.putSync(['tableById', schema.id], schema.name);
      for (const c of schema.columns) if (c.sequence !== undefined && !this.sequences.has(c.sequence.name)) this.sequences.create(c.sequence);
    });
    this.tables.set(schema.name, schema);
    this.catalogChanged();
    return schema;
  }

  /** The schema `def` would get (id 0), or the error createTable would raise; writes nothing. */
  checkDefinition(def: TableDefinition): TableSchema {
    return this.validateDefinition(def);
  }

  private validateDefinition(def: TableDefinition): TableSchema {
    const n = def.columns.length;
    if (n === 0 || n > TABLE_COLUMNS_MAX) {
      throw new EonError('invalid_table_definition', `a table needs between 1 and ${TABLE_COLUMNS_MAX} columns`);
    }
    const names = new Set<string>();
    for (const c of def.columns) {
      if (names.has(c.name)) throw new EonError('duplicate_column', `column "${c.name}" specified more than once`);
      names.add(c.name);
    }
    const checkOrdinals = (list: readonly number[], what: string): void => {
      if (new Set(list).size !== list.length) throw new EonError('invalid_table_definition', `${what} repeats a column`);
      for (const o of list) {
        if (!Number.isInteger(o) || o < 0 || o >= n) throw new EonError('invalid_table_definition', `${what} names no column (${o})`);
      }
    };
    checkOrdinals(def.primaryKey, 'primary key');
    // By default a table is placed by its primary key's first column, as Cassandra places rows
    // by the first part of theirs: rows sharing it (an order's line items) share a partition, so
    // the data engines aggregate per such key without a merge across partitions.
    const distributionKey = def.distributionKey ?? def.primaryKey.slice(0, 1);
    checkOrdinals(distributionKey, 'distribution key');
    if (def.primaryKey.length > 0 && !distributionKey.every((o) => def.primaryKey.includes(o))) {
      throw new EonError('invalid_table_definition', 'the distribution key must be part of the primary key', {
        hint: 'Rows are found by primary key, so its partition must follow from the key.',
      });
    }
    const columns: ColumnSchema[] = def.columns.map((c, i) => ({
      name: c.name,
      type: { ...c.type },
      notNull: c.notNull || def.primaryKey.includes(i),
      ...(c.default === undefined ? {} : { default: c.default }),
      ...(c.identity === undefined ? {} : { identity: c.identity }),
      ...(c.sequence === undefined ? {} : { sequence: { ...c.sequence } }),
    }));
    const checks = def.checks !== undefined && def.checks.length > 0 ? { checks: def.checks.map((k) => ({ ...k })) } : {};
    const indexList = def.indexes ?? [];
    for (const index of indexList) checkIndexSpec({ name: def.name, columns }, index);
    if (new Set(indexList.map((i) => i.id)).size !== indexList.length || indexList.some((i) => !Number.isInteger(i.id) || i.id < 1 || i.id > INDEXES_PER_TABLE_MAX)) {
      throw new EonError('invalid_table_definition', 'index ids must be distinct, from 1');
    }
    const indexes = indexList.length > 0 ? { indexes: indexList.map((i) => ({ ...i, columns: [...i.columns] })) } : {};
    return { id: 0, name: def.name, columns, primaryKey: [...def.primaryKey], distributionKey, ...checks, ...indexes, ...replicationSettings(def) };
  }

  async dropTable(name: string): Promise<void> {
    this.assertOpen();
    const table = this.tables.get(name);
    if (table === undefined) throw new EonError('undefined_table', `table "${name}" does not exist`);
    await this.settleCompaction();
    const start = partitionPrefix(table.id, 0);
    const end = tableEnd(table.id);
    this.env.root.transactionSync(() => {
      for (const db of [this.env.delta, this.env.pkidx, this.env.segments, this.env.segmeta, this.env.dead, this.env.versions, this.env.secidx]) {
        const keys = [...db.getKeys({ start, end })].map((k) => Buffer.from(k));
        for (const k of keys) db.removeSync(k);
      }
      this.env.catalog.removeSync(['table', name]);
      this.env.catalog.removeSync(['tableById', table.id]);
      this.env.meta.removeSync(['rowSeq', table.id]);
      this.statistics.removeSync(table.id);
      for (const c of table.columns) if (c.sequence !== undefined && this.sequences.has(c.sequence.name)) this.sequences.drop(c.sequence.name);
    });
    this.tables.delete(name);
    this.modifiedRows.delete(table.id);
    this.catalogChanged();
    for (let p = 0; p < this.partitions; p++) {
      this.deltaRows.delete(partitionSlot(table.id, p));
      this.segmentSlots.delete(partitionSlot(table.id, p));
      this.maxKeys.delete(partitionSlot(table.id, p));
      this.versionChanged(partitionSlot(table.id, p));
    }
  }

  /**
   * TRUNCATE: removes every row of the tables in one transaction (segments, delta, key index,
   * dead bitmaps and version entries: key ranges, not rows one by one), keeping their schemas and
   * ids, so plans that name them stay valid.
   */
  async truncateTables(names: readonly string[]): Promise<void> {
    this.assertOpen();
    const tables = names.map((name) => {
      const table = this.tables.get(name);
      if (table === undefined) throw new EonError('undefined_table', `relation "${name}" does not exist`);
      return table;
    });
    // Writes queued before the TRUNCATE land before it, as they were accepted first.
    await this.commitPending();
    await this.settleCompaction();
    this.env.root.transactionSync(() => {
      for (const table of tables) {
        const start = partitionPrefix(table.id, 0);
        const end = tableEnd(table.id);
        for (const db of [this.env.delta, this.env.pkidx, this.env.segments, this.env.segmeta, this.env.dead, this.env.versions, this.env.secidx]) {
          const keys = [...db.getKeys({ start, end })].map((k) => Buffer.from(k));
          for (const k of keys) db.removeSync(k);
        }
        this.statistics.removeSync(table.id);
      }
    });
    for (const table of tables) {
      for (let p = 0; p < this.partitions; p++) {
        const slot = partitionSlot(table.id, p);
        this.versionChanged(slot);
        this.deltaRows.set(slot, 0);
        this.segmentSlots.set(slot, false);
        this.mergeSlots.delete(slot);
        this.compactQueue.delete(slot);
      }
    }
  }

  /**
   * ALTER TABLE: replaces the schema of table `name` with `next` (same id; it may carry a new name).
   * When `next` is at a newer layout generation, every stored row of the table is rewritten to it
   * (storage/table-rewrite.ts), in the same LMDB transaction as the catalog change: readers see
   * the old rows with the old schema or the new rows with the new one, and a crash leaves either.
   * Segment rows go to fresh segments (new ids: workers' caches stay valid for snapshots pinned
   * before), delta rows are re-encoded in place, one partition at a time, all in that one
   * transaction (a large table makes it a large transaction).
   */
  async alterTable(name: string, next: TableSchema): Promise<TableSchema> {
    this.assertOpen();
    const old = this.tables.get(name);
    if (old === undefined) throw new EonError('undefined_table', `relation "${name}" does not exist`);
    if (next.id !== old.id) throw new EonError('invalid_table_definition', `ALTER TABLE "${name}" cannot change its id (${old.id} → ${next.id})`);
    if (next.name !== name && (this.tables.has(next.name) || this.views.has(next.name) || this.sequences.has(next.name))) {
      throw new EonError('duplicate_table', `relation "${next.name}" already exists`);
    }
    const checked = this.validateDefinition({ ...next, distributionKey: next.distributionKey });
    const schema: TableSchema = { ...next, ...checked, id: old.id };
    if (next.checks === undefined || next.checks.length === 0) delete schema.checks;
    const mapping = layoutMapping(old, schema);
    // Writes accepted before the ALTER land before it; compaction must not fold rows meanwhile.
    await this.commitPending();
    await this.settleCompaction();
    const written: WrittenSegment[] = [];
    this.env.root.transactionSync(() => {
      if (mapping !== null) for (let p = 0; p < this.partitions; p++) written.push(...this.rewritePartition(old, schema, mapping, p));
      if (name !== schema.name) this.env.catalog.removeSync(['table', name]);
      this.env.catalog.putSync(['table', schema.name], schema);
      this.env.catalog.putSync(['tableById', schema.id], schema.name);
      this.statistics.dropStaleSync(schema);
      const kept = new Set(schema.columns.flatMap((c) => (c.sequence === undefined ? [] : [c.sequence.name])));
      for (const c of old.columns) if (c.sequence !== undefined && !kept.has(c.sequence.name) && this.sequences.has(c.sequence.name)) this.sequences.drop(c.sequence.name);
      for (const c of schema.columns) if (c.sequence !== undefined && !this.sequences.has(c.sequence.name)) this.sequences.create(c.sequence);
    });
    for (const w of written) this.own.remember(w.id, w.bytes, w.segment);
    if (mapping !== null) {
      this.layouts.set(schema.id, generationOf(schema));
      for (let p = 0; p < this.partitions; p++) {
        const slot = partitionSlot(schema.id, p);
        this.deltaRows.delete(slot);
        this.segmentSlots.delete(slot);
        this.mergeSlots.delete(slot);
        this.compactQueue.delete(slot);
      }
    }
    this.tables.delete(name);
    this.tables.set(schema.name, schema);
    this.catalogChanged();
    return schema;
  }

  /** Refuses a row built for another layout of its table (an ALTER TABLE came in between). */
  assertLayout(table: TableSchema): void {
    const current = this.layouts.get(table.id);
    if (current !== undefined && current !== generationOf(table)) {
      throw new EonError('serialization_failure', `could not serialize access: table "${table.name}" was altered by a concurrent ALTER TABLE`);
    }
  }

  /** Inside alterTable's transaction: a partition's live rows in the new layout (segment rows as fresh segments). */
  private rewritePartition(old: TableSchema, next: TableSchema, mapping: LayoutMapping, partition: number): WrittenSegment[] {
    const hidden = hasHiddenRowId(old);
    const oldWidth = old.columns.length;
    const entries: { key: Buffer; row: Value[]; fromDelta: boolean }[] = [];
    const keyTypes = pkTypes(old);
    for (const meta of this.own.segmentsOf(old, partition)) {
      const seg = this.own.segment(old, partition, meta);
      const dead = this.own.deadRows(old, partition, meta.id);
      const width = seg.vectors.length;
      for (let i = 0; i < seg.length; i++) {
        if (dead !== undefined && (dead[i >> 3]! & (1 << (i & 7))) !== 0) continue;
        const row = new Array<Value>(width);
        for (let c = 0; c < width; c++) row[c] = valueAt(seg.vectors[c]!, i);
        const key = hidden ? [row[oldWidth]!] : keyOf(old, row);
        entries.push({ key: encodeKey(old.id, partition, keyTypes, key), row: mapRow(mapping, row, oldWidth, hidden), fromDelta: false });
      }
      const sk = segmentKey(old.id, partition, meta.id);
      this.env.segments.removeSync(sk);
      this.env.segmeta.removeSync(sk);
      this.env.dead.removeSync(sk);
    }
    // Delta rows stay in the delta, re-encoded under the same keys (no key index entry to move).
    const delta = [...this.env.delta.getRange({ start: partitionPrefix(old.id, partition), end: partitionEnd(old.id, partition) })];
    for (const { key, value } of delta) {
      const row = decodeRow(value);
      if (hidden) row.push(decodeRowIdKey(key));
      const mapped = mapRow(mapping, row, oldWidth, hidden);
      const stored = hidden ? mapped.slice(0, -1) : mapped;
      checkRow(next, stored);
      this.env.delta.putSync(key, encodeRow(stored));
    }
    if (entries.length === 0) return [];
    entries.sort((a, b) => Buffer.compare(a.key, b.key));
    const types = storedTypes(next);
    const written: WrittenSegment[] = [];
    for (let at = 0; at < entries.length; at += SEGMENT_ROWS_MAX) {
      const chunk = entries.slice(at, at + SEGMENT_ROWS_MAX);
      for (const e of chunk) checkRow(next, hidden ? e.row.slice(0, -1) : e.row);
      written.push(this.writeSegment(next, partition, types, chunk));
    }
    return written;
  }

  /**
   * Calls `listener` after every change of the tables or views, wherever it came from (a local
   * statement, or the cluster catalog applying another node's DDL), so plans cached against the
   * old catalog can be dropped. Returns the unsubscribe function.
   */
  onCatalogChange(listener: () => void): () => void {
    this.catalogListeners.add(listener);
    return () => this.catalogListeners.delete(listener);
  }

  private catalogChanged(): void {
    for (const listener of this.catalogListeners) listener();
  }

  // ---- roles and privileges ----

  /** The roles and privileges this node holds (storage/security.ts). */
  security(): SecurityDocument {
    return this.securityDoc;
  }

  /** Stores a new roles-and-privileges document durably (the cluster catalog applies others' this way). */
  replaceSecurity(doc: SecurityDocument): void {
    this.assertOpen();
    this.env.root.transactionSync(() => {
      this.env.catalog.putSync(SECURITY_KEY, doc);
    });
    this.securityDoc = doc;
  }

  /** CREATE ROLE, GRANT, …: `edit` derives the next document from the current one (null: no change). */
  async changeSecurity(_what: string, edit: (doc: SecurityDocument) => SecurityDocument | null): Promise<void> {
    const next = edit(this.securityDoc);
    if (next !== null) this.replaceSecurity(next);
  }

  // ---- views ----

  getView(name: string): ViewSchema | undefined {
    return this.views.get(name);
  }

  listViews(): ViewSchema[] {
    return [...this.views.values()].sort((a, b) => a.id - b.id);
  }

  /** CREATE [OR REPLACE] VIEW: stores the definition (a replaced view keeps its id unless one is given). */
  async createView(def: ViewDefinition, options: { readonly replace?: boolean } = {}): Promise<ViewSchema> {
    this.assertOpen();
    if (this.tables.has(def.name)) throw new EonError('duplicate_table', `relation "${def.name}" already exists`);
    const old = this.views.get(def.name);
    if (old !== undefined && options.replace !== true) throw new EonError('duplicate_table', `relation "${def.name}" already exists`);
    if (def.id !== undefined) {
      const owner = [...this.tables.values(), ...this.views.values()].find((t) => t.id === def.id && t.name !== def.name);
      if (!Number.isSafeInteger(def.id) || def.id < 1 || owner !== undefined) {
        throw new EonError('invalid_table_definition', `relation id ${def.id} is not free${owner === undefined ? '' : ` (it is "${owner.name}")`}`);
      }
    }
    const view: ViewSchema = {
      id: 0,
      name: def.name,
      query: def.query,
      columns: def.columns.map((c) => ({ name: c.name, type: { ...c.type } })),
      dependsOn: [...def.dependsOn],
    };
    this.env.root.transactionSync(() => {
      const stored = this.env.meta.get('nextTableId');
      const next = typeof stored === 'number' ? stored : 1;
      view.id = def.id ?? old?.id ?? next;
      this.env.meta.putSync('nextTableId', Math.max(next, view.id + 1));
      this.env.catalog.putSync(['view', view.name], view);
    });
    this.views.set(view.name, view);
    this.catalogChanged();
    return view;
  }

  async dropView(name: string): Promise<void> {
    this.assertOpen();
    if (!this.views.has(name)) throw new EonError('undefined_table', `view "${name}" does not exist`);
    this.env.root.transactionSync(() => {
      this.env.catalog.removeSync(['view', name]);
    });
    this.views.delete(name);
    this.catalogChanged();
  }

  // ---- writes ----

  /**
   * Stages a batch of a bulk load (storage/staged-load.ts): checked like inserts, sorted by key per
   * partition and written as segments nobody can read until publishLoad. `firstOrdinal` is the
   * load's ordinal of rows[0]. A key repeated within the batch fails with 23505 here; keys already
   * stored, or staged by an earlier batch, are found at publish.
   */
  stageRows(load: StagedLoad, rows: Value[][], firstOrdinal: number): void {
    this.assertOpen();
    const table = load.table;
    this.assertLayout(table);
    const hidden = hasHiddenRowId(table);
    const keyTypes = pkTypes(table);
    const types = storedTypes(table);
    const q = this.partitions;
    if (hidden && this.replication !== null && this.replication.active()) {
      throw new EonError('feature_not_supported', `cannot insert into "${table.name}" on a cluster of more than one node: it has no primary key`, {
        hint: 'Declare a PRIMARY KEY; tables with hidden row ids take inserts only on a node alone.',
      });
    }
    this.env.root.transactionSync(() => {
      const groups = new Map<number, { keys: string[]; at: number[] }>();
      let seq = 0;
      if (hidden) {
        const stored = this.env.meta.get(['rowSeq', table.id]);
        seq = typeof stored === 'number' ? stored : 0;
      }
      const keys = new Array<string>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        checkRow(table, row);
        let key: RowKey;
        let partition: number;
        if (hidden) {
          if (seq >= rowSequenceMax) throw new EonError('program_limit_exceeded', `table ${table.name} ran out of row ids`);
          partition = table.distributionKey.length === 0 ? seq % q : partitionOfRow(table, row, q);
          key = [makeRowId(partition, seq++)];
          row.push(key[0]!);
        } else {
          key = keyOf(table, row);
          partition = partitionOfKey(table, key, q);
        }
        keys[i] = encodeKeyString(table.id, partition, keyTypes, key);
        let g = groups.get(partition);
        if (g === undefined) groups.set(partition, (g = { keys: [], at: [] }));
        g.at.push(i);
      }
      if (hidden) this.env.meta.putSync(['rowSeq', table.id], seq);
      for (const [partition, g] of groups) {
        const order = g.at;
        order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
        for (let j = 1; j < order.length; j++) {
          if (keys[order[j]!] !== keys[order[j - 1]!]) continue;
          const later = Math.max(order[j]!, order[j - 1]!);
          const row = rows[later]!;
          const where = load.whereOf(firstOrdinal + later);
          throw new EonError('unique_violation', `duplicate key value violates unique constraint "${table.name}_pkey"`, {
            detail: `Key (${table.primaryKey.map((o) => table.columns[o]!.name).join(', ')})=(${table.primaryKey.map((o) => keyValueText(table.columns[o]!.type, row[o]!)).join(', ')}) already exists.`,
            ...(where === undefined ? {} : { where }),
          });
        }
        for (let at = 0; at < order.length; at += SEGMENT_ROWS_MAX) {
          const part = order.slice(at, at + SEGMENT_ROWS_MAX);
          const chunk = part.map((i) => rows[i]!);
          const next = this.env.meta.get('nextSegmentId');
          const segmentId = typeof next === 'number' ? next : 1;
          this.env.meta.putSync('nextSegmentId', segmentId + 1);
          const vectors = types.map((t, c) => vectorFromRows(t, chunk, c));
          const meta: SegmentMeta = { id: segmentId, rows: chunk.length, zones: vectors.map((v) => zoneMapOf(v, chunk.length)) };
          const sk = segmentKey(table.id, partition, segmentId);
          this.env.segments.putSync(sk, Buffer.from(encodeSegment(vectors, chunk.length)));
          const record: StagedRecord = { meta, keys: packKeys(part.map((i) => keys[i]!)), ordinals: packOrdinals(part.map((i) => firstOrdinal + i)) };
          this.env.staged.putSync(sk, record);
          load.records.push(sk);
        }
      }
    });
    load.rows += rows.length;
  }

  /**
   * Ends a bulk load: its staged segments are published and `fn` runs (the load's last rows), all
   * in one write transaction, so the whole load appears at once or not at all.
   */
  async publishLoad<T>(load: StagedLoad, fn: (tx: WriteTx) => T): Promise<T> {
    const result = await this.write((tx) => {
      (tx as WriteTxImpl).publishStaged(load);
      return fn(tx);
    }, { bulk: true });
    load.records.length = 0;
    return result;
  }

  /** Removes the staged segments of `load` (a failed bulk load), or with null every staged segment. */
  discardStaged(load: StagedLoad | null): void {
    if (this.closed) return; // the next open removes them
    const keys = load === null ? [...this.env.staged.getKeys()].map((k) => Buffer.from(k as Uint8Array)) : load.records.splice(0);
    if (keys.length === 0) return;
    this.env.root.transactionSync(() => {
      for (const sk of keys) {
        this.env.segments.removeSync(sk);
        this.env.staged.removeSync(sk);
      }
    });
  }

  /**
   * Runs `fn` in a write transaction: all its writes or none. Writes queued in the same event-loop
   * turn share one LMDB commit (group commit): each runs in its own child transaction, so one that
   * throws is rolled back alone, and every promise settles after the commit is durable. The commit
   * and its flush to disk run off the event loop (lmdb-js asynchronous transactions, overlapping
   * sync), so the node keeps serving meanwhile and the writes queued during a flush form the next
   * group. `fn` runs when its transaction starts, after every write queued before it. With `bulk`
   * (COPY), partitions receiving BULK_SEGMENT_ROWS_MIN rows or more get segments directly, merged
   * into full-size ones once writes pause. Compaction runs afterwards, in later event-loop turns.
   */
  write<T>(fn: (tx: WriteTx) => T, options: WriteOptions = {}): Promise<T> {
    this.assertOpen();
    const replicate: ReplicateOptions | null = options.writeQuorum === undefined ? null : { writeQuorum: options.writeQuorum };
    return this.enqueueWrite(fn as (tx: WriteTxImpl) => unknown, options.bulk === true, false, replicate) as Promise<T>;
  }

  private enqueueWrite(fn: (tx: WriteTxImpl) => unknown, bulk: boolean, replica: boolean, replicate: ReplicateOptions | null = null): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.writeQueue.push({ fn, resolve, reject, bulk, replica, replicate });
      if (!this.writeFlushScheduled) {
        this.writeFlushScheduled = true;
        setImmediate(() => this.flushWrites());
      }
    });
  }

  /**
   * Replication of every later write (null: none). While it is active, each write stores a version
   * entry per changed row in the same transaction and settles only once `replicate` has.
   */
  /** Whether this node's rows of the table's partition are the read (see WriteReplication.serves); always on a node alone. */
  servesPartition(table: TableSchema, partition: number): boolean {
    const r = this.replication;
    return r === null || !r.active() || r.serves(table, partition);
  }

  /** Whether this node serves reads of every partition of the table (servesPartition). */
  servesAll(table: TableSchema): boolean {
    const r = this.replication;
    if (r === null || !r.active()) return true;
    for (let p = 0; p < this.partitions; p++) if (!r.serves(table, p)) return false;
    return true;
  }

  setReplication(replication: WriteReplication | null): void {
    this.replication = replication;
  }

  /** A replica's apply of shipped changes: queued and group-committed like write(), never replicated again. */
  applyReplicated<T>(fn: (tx: ReplicaWriteTx) => T): Promise<T> {
    this.assertOpen();
    return this.enqueueWrite(fn as (tx: WriteTxImpl) => unknown, false, true) as Promise<T>;
  }

  /** The encoded row stored at an encoded key (inside a write: including its own writes). */
  encodedRowAt(table: TableSchema, key: Buffer): Uint8Array | undefined {
    const delta = this.env.delta.getBinary(key);
    if (delta !== undefined) return delta;
    const row = this.rowAt(table, key);
    return row === undefined ? undefined : encodeRow(row);
  }

  /** The row stored at an encoded (delta) key, decoded (inside a write: including its own writes). */
  rowAt(table: TableSchema, key: Buffer): Value[] | undefined {
    const delta = this.env.delta.getBinary(key);
    if (delta !== undefined) return decodeRow(delta);
    const loc = this.env.pkidx.getBinary(key);
    if (loc === undefined) return undefined;
    const { segmentId, row } = decodeLocation(loc);
    const seg = this.own.segmentById(table, key.readUInt16BE(4), segmentId);
    const out = new Array<Value>(table.columns.length);
    for (let c = 0; c < out.length; c++) out[c] = valueAt(seg.vectors[c]!, row);
    return out;
  }

  // ---- secondary indexes ----

  /**
   * The table's indexes as the catalog has them now: a statement bound before CREATE INDEX
   * holds the older schema object, and its writes must still keep the new index.
   */
  indexesOf(table: TableSchema): readonly IndexSchema[] {
    const current = this.tables.get(table.name);
    return (current !== undefined && current.id === table.id ? current.indexes : table.indexes) ?? [];
  }

  /** Whether `index` (as a plan captured it) is still one of the table's indexes. */
  hasIndex(table: TableSchema, index: IndexSchema): boolean {
    return this.indexesOf(table).some((i) => i.id === index.id && i.name === index.name && i.columns.join() === index.columns.join());
  }

  /**
   * The committed rows whose leading columns of `index` equal `values` (none of them NULL), in
   * index order: an LMDB range read of the index, then one point read per row.
   */
  indexRows(table: TableSchema, index: IndexSchema, values: readonly Value[], bounds: { lower?: IndexBound; upper?: IndexBound } = {}): { key: RowKey; row: Value[] }[] {
    return this.rowsAtKeys(table, this.indexKeys(table, index, values, bounds, Infinity)!);
  }

  /** The rows at delta keys (those still there), with their row keys. */
  rowsAtKeys(table: TableSchema, deltaKeys: readonly Buffer[]): { key: RowKey; row: Value[] }[] {
    const hidden = hasHiddenRowId(table);
    const out: { key: RowKey; row: Value[] }[] = [];
    for (const deltaKey of deltaKeys) {
      const row = this.rowAt(table, deltaKey);
      if (row !== undefined) out.push({ key: hidden ? [decodeRowIdKey(deltaKey)] : keyOf(table, row), row });
    }
    return out;
  }

  /**
   * The delta keys of the rows an index range holds, in index order, or null when there are more
   * than `max` (a caller then scans instead: a point read per row loses to a scan past a few).
   */
  indexKeys(table: TableSchema, index: IndexSchema, values: readonly Value[], bounds: { lower?: IndexBound; upper?: IndexBound }, max: number): Buffer[] | null {
    const { start, end } = indexScanRange(table, index, values, bounds.lower, bounds.upper);
    if (Buffer.compare(start, end) >= 0) return [];
    const out: Buffer[] = [];
    // Gathered before any row is read: a caller may write between rows.
    for (const { value } of this.env.secidx.getRange({ start, end, ...(Number.isFinite(max) ? { limit: max + 1 } : {}) })) {
      if (out.length >= max) return null;
      out.push(Buffer.from(value));
    }
    return out;
  }

  /** Delta keys of the committed rows whose values in unique `index` equal `row`'s (none when one is NULL). */
  uniqueHolder(table: TableSchema, index: IndexSchema, row: readonly Value[]): Buffer | undefined {
    const probe = uniqueProbeKey(table, index, row);
    if (probe === null) return undefined;
    const holder = this.env.secidx.getBinary(probe);
    return holder === undefined ? undefined : Buffer.from(holder);
  }

  /**
   * CREATE INDEX: builds the index over the committed rows and records it, in one write
   * transaction; a unique index over duplicates fails with 23505 and leaves nothing behind.
   */
  async createIndex(tableName: string, spec: Omit<IndexSchema, 'id'>): Promise<IndexSchema> {
    this.assertOpen();
    const table = this.tables.get(tableName);
    if (table === undefined) throw new EonError('undefined_table', `relation "${tableName}" does not exist`);
    const existing = table.indexes ?? [];
    if (existing.length >= INDEXES_PER_TABLE_MAX) throw new EonError('program_limit_exceeded', `a table can have at most ${INDEXES_PER_TABLE_MAX} indexes`);
    checkIndexSpec(table, spec);
    const index: IndexSchema = { ...spec, columns: [...spec.columns], id: Math.max(0, ...existing.map((i) => i.id)) + 1 };
    const next: TableSchema = { ...table, indexes: [...existing, index] };
    // Writes accepted before the CREATE INDEX land first; the build then sees them.
    await this.commitPending();
    const keyTypes = pkTypes(table);
    this.env.root.transactionSync(() => {
      const { start, end } = indexKeySpace(table.id, index.id);
      for (const k of [...this.env.secidx.getKeys({ start, end })].map((k) => Buffer.from(k))) this.env.secidx.removeSync(k);
      for (const { key, row } of this.scanRows(table)) {
        const deltaKey = encodeKey(table.id, partitionOfKey(table, key, this.partitions), keyTypes, key);
        const entry = indexEntryKey(table, index, row, deltaKey);
        if (index.unique && this.env.secidx.doesExist(entry)) {
          throw new EonError('unique_violation', `could not create unique index "${index.name}"`, { detail: `Key ${indexKeyText(table, index.columns, row)} is duplicated.` });
        }
        this.env.secidx.putSync(entry, deltaKey);
      }
      this.env.catalog.putSync(['table', table.name], next);
    });
    this.tables.set(table.name, next);
    this.catalogChanged();
    return index;
  }

  /** DROP INDEX: the index's entries (one key range) and its catalog record, in one transaction. */
  async dropIndex(tableName: string, indexName: string): Promise<void> {
    this.assertOpen();
    const table = this.tables.get(tableName);
    const index = table?.indexes?.find((i) => i.name === indexName);
    if (table === undefined || index === undefined) throw new EonError('undefined_object', `index "${indexName}" does not exist`);
    const rest = (table.indexes ?? []).filter((i) => i !== index);
    const { indexes: _dropped, ...base } = table;
    const next: TableSchema = rest.length > 0 ? { ...base, indexes: rest } : base;
    await this.commitPending();
    this.env.root.transactionSync(() => {
      const { start, end } = indexKeySpace(table.id, index.id);
      for (const k of [...this.env.secidx.getKeys({ start, end })].map((k) => Buffer.from(k))) this.env.secidx.removeSync(k);
      this.env.catalog.putSync(['table', table.name], next);
    });
    this.tables.set(table.name, next);
    this.catalogChanged();
  }

  /** Resolves once every write queued before the call has committed (or failed). */
  async commitPending(): Promise<void> {
    while (this.writeQueue.length > 0 || this.commitsInFlight.size > 0) {
      if (this.writeQueue.length > 0) this.flushWrites();
      await Promise.all(this.commitsInFlight);
    }
  }

  private flushWrites(): void {
    this.writeFlushScheduled = false;
    const batch = this.writeQueue.splice(0, WRITE_GROUP_MAX);
    if (this.writeQueue.length > 0) {
      this.writeFlushScheduled = true;
      setImmediate(() => this.flushWrites());
    }
    if (batch.length === 0) return;
    if (this.closed) {
      for (const req of batch) req.reject(new EonError('admin_shutdown', 'the store is closed'));
      return;
    }
    const outcomes: ({ ok: true; value: unknown; tx: WriteTxImpl; replicated?: Promise<void> } | { ok: false; error: unknown })[] = [];
    const committed = this.env.root.transaction(() => {
      const replication = this.replication !== null && this.replication.active() ? this.replication : null;
      for (const req of batch) {
        const tx = new WriteTxImpl(this, this.env, req.bulk, req.replica ? null : replication);
        try {
          const value = this.env.root.childTransaction(() => {
            const r = req.fn(tx);
            if (r instanceof Promise) {
              // Throwing aborts the child transaction: nothing of an async write function is kept.
              throw new EonError('internal_error', 'Store.write takes a synchronous function');
            }
            tx.flush();
            return r;
          });
          outcomes.push({ ok: true, value, tx });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      // Noted before the commit lands: the notes only tell readers and compaction where rows may
      // be, so early is harmless, while a read after the commit must find them.
      for (const o of outcomes) if (o.ok) this.noteCommitted(o.tx);
      // Ship before this commit syncs: the replicas apply while this node syncs, so a write waits
      // for the slower of the two, not their sum. Should the commit itself fail, the client gets
      // the error and the shipped write may still spread (as a write that misses W does).
      if (replication !== null) {
        outcomes.forEach((o, i) => {
          if (!o.ok || o.tx.committedChanges === null || o.tx.stamp === null) return;
          o.replicated = replicateWrite(replication, o.tx.committedChanges, o.tx.stamp, batch[i]!.replicate);
          o.replicated.catch(() => {}); // observed below; not unhandled if the commit fails first
        });
      }
    });
    const settled = committed.then(
      () => {
        // Once the commit is visible to readers: a digest computed before it is stale from now on.
        for (const o of outcomes) if (o.ok) for (const slot of o.tx.versionSlots) this.versionChanged(slot);
        if (this.compactQueue.size > 0) this.scheduleCompaction();
        this.armIdleCompaction();
        outcomes.forEach((o, i) => {
          const req = batch[i]!;
          if (!o.ok) return req.reject(o.error);
          if (o.replicated === undefined) return req.resolve(o.value);
          // Committed here; acknowledged once replication says so (its failure leaves the local write).
          o.replicated.then(() => req.resolve(o.value), req.reject);
        });
      },
      (error: unknown) => {
        for (const req of batch) req.reject(error);
      },
    );
    this.commitsInFlight.add(settled);
    void settled.finally(() => this.commitsInFlight.delete(settled));
  }

  /** Bookkeeping after a write committed: segment slots and delta sizes that drive compaction. */
  private noteCommitted(tx: WriteTxImpl): void {
    for (const [tableId, rows] of tx.modified) this.modifiedRows.set(tableId, (this.modifiedRows.get(tableId) ?? 0) + rows);
    for (const slot of tx.segmentSlotsWritten) this.segmentSlots.set(slot, true);
    for (const slot of tx.smallSegmentSlots) this.mergeSlots.add(slot);
    for (const [slot, change] of tx.deltaChanges) {
      const known = this.deltaRows.get(slot);
      if (known !== undefined) this.deltaRows.set(slot, known + change);
      else this.deltaRows.set(slot, this.countDelta(Math.floor(slot / PARTITIONS_MAX), slot % PARTITIONS_MAX));
      if ((this.deltaRows.get(slot) ?? 0) >= DELTA_ROWS_COMPACT) this.compactQueue.add(slot);
    }
  }


  /** Whether any segment of (table, partition) exists (so its pk index may hold keys). */
  hasSegments(tableId: number, partition: number): boolean {
    const slot = partitionSlot(tableId, partition);
    let has = this.segmentSlots.get(slot);
    if (has === undefined) {
      has = this.env.segmeta.getKeysCount({ start: partitionPrefix(tableId, partition), end: partitionEnd(tableId, partition), limit: 1 }) > 0;
      this.segmentSlots.set(slot, has);
    }
    return has;
  }

  /** See `maxKeys`; read from LMDB the first time (inside a write, including its own writes). */
  maxKeyOf(tableId: number, partition: number): string {
    const slot = partitionSlot(tableId, partition);
    let max = this.maxKeys.get(slot);
    if (max === undefined) {
      max = '';
      // Versions too: a deleted key keeps its tombstone there, so "above the max" means never written.
      for (const db of [this.env.delta, this.env.pkidx, this.env.versions]) {
        for (const key of db.getKeys({ start: partitionEnd(tableId, partition), end: partitionPrefix(tableId, partition), reverse: true, limit: 1 })) {
          const s = Buffer.from(key as Uint8Array).toString('latin1');
          if (s > max) max = s;
        }
      }
      this.maxKeys.set(slot, max);
    }
    return max;
  }

  noteKeyWritten(tableId: number, partition: number, key: string): void {
    if (key > this.maxKeyOf(tableId, partition)) this.maxKeys.set(partitionSlot(tableId, partition), key);
  }

  /**
   * Changes whenever a committed write (or DROP/TRUNCATE) changes the version entries of
   * (table, partition), and only then: what a digest of those entries is cached under.
   */
  versionGeneration(tableId: number, partition: number): number {
    return this.versionGenerations.get(partitionSlot(tableId, partition)) ?? 0;
  }

  private versionChanged(slot: number): void {
    this.versionGenerations.set(slot, ++this.versionClock);
  }

  /** Delta rows of (table, partition) as of the last commit. */
  deltaCount(tableId: number, partition: number): number {
    const slot = partitionSlot(tableId, partition);
    let n = this.deltaRows.get(slot);
    if (n === undefined) {
      n = this.countDelta(tableId, partition);
      this.deltaRows.set(slot, n);
    }
    return n;
  }

  private countDelta(tableId: number, partition: number): number {
    return this.env.delta.getKeysCount({ start: partitionPrefix(tableId, partition), end: partitionEnd(tableId, partition) });
  }

  // ---- reads ----

  /** The table's statistics from ANALYZE, if any still match its columns (the planner's Catalog reads them). */
  tableStatistics(table: TableSchema): TableStatistics | undefined {
    return this.statistics.get(table);
  }

  /** Rows inserted, updated or deleted in a table since this node started or `forgetModified` (the auto-analyze reads it). */
  modifiedSince(table: TableSchema): number {
    return this.modifiedRows.get(table.id) ?? 0;
  }

  /** Takes `rows` off the table's change count: ANALYZE saw them (changes made while it ran stay counted). */
  forgetModified(table: TableSchema, rows: number): void {
    const left = (this.modifiedRows.get(table.id) ?? 0) - rows;
    if (left > 0) this.modifiedRows.set(table.id, left);
    else this.modifiedRows.delete(table.id);
  }

  /**
   * A reader of its own over the store's environment for a long scan on the main thread (ANALYZE):
   * the caller pins a snapshot with begin() and must end() it. Its small segment cache leaves the
   * store's cache to the segments queries use.
   */
  snapshotReader(cacheBytes: number): StorageReader {
    return new StorageReader(this.dir, this.env, new SegmentCache(cacheBytes));
  }

  /** Rows in a table as of the last commit, counting rows later marked dead (for planning). */
  estimatedRows(table: TableSchema): number {
    let n = 0;
    for (let p = 0; p < this.partitions; p++) {
      n += this.deltaCount(table.id, p);
      for (const meta of this.own.segmentsOf(table, p)) n += meta.rows;
    }
    return n;
  }

  get(table: TableSchema, key: RowKey): Value[] | undefined {
    const partition = partitionOfKey(table, key, this.partitions);
    const kb = encodeKey(table.id, partition, pkTypes(table), key);
    const delta = this.env.delta.getBinaryFast(kb);
    if (delta !== undefined) return decodeRow(delta);
    const loc = this.env.pkidx.getBinaryFast(kb);
    if (loc === undefined) return undefined;
    const { segmentId, row } = decodeLocation(loc);
    const seg = this.own.segmentById(table, partition, segmentId);
    const out = new Array<Value>(table.columns.length);
    for (let c = 0; c < out.length; c++) out[c] = valueAt(seg.vectors[c]!, row);
    return out;
  }

  /**
   * The live rows of a primary-key range (storage/key-range.ts), in key order per partition: one
   * LMDB range read of the delta and one of the pk index per partition read, then each indexed
   * row from its (cached) segment. Synchronous, so delta and segments are read consistently; inside
   * a write it sees the writes queued before it.
   */
  rowsInKeyRange(table: TableSchema, range: KeyRange): { key: RowKey; row: Value[] }[] {
    checkKeyRange(table, range);
    const ncols = table.columns.length;
    const out: { key: RowKey; row: Value[] }[] = [];
    for (const p of keyRangePartitions(table, range, this.partitions)) {
      const { start, end } = keyRangeBytes(table, p, range);
      if (Buffer.compare(start, end) >= 0) continue;
      const delta: { key: Buffer; row: Value[] }[] = [];
      // No shortcut by deltaCount/hasSegments: inside a group commit they miss earlier writes of the batch.
      for (const { key, value } of this.env.delta.getRange({ start, end })) {
        const row = decodeRow(value);
        if (row.length !== ncols) throw tableChangedWhileRunning();
        delta.push({ key, row });
      }
      const indexed: { key: Buffer; row: Value[] }[] = [];
      for (const { key, value } of this.env.pkidx.getRange({ start, end })) {
        const { segmentId, row: at } = decodeLocation(value);
        const seg = this.own.segmentById(table, p, segmentId);
        const row = new Array<Value>(ncols);
        for (let c = 0; c < ncols; c++) row[c] = valueAt(seg.vectors[c]!, at);
        indexed.push({ key, row });
      }
      // A live key is in exactly one of the two: merge them in key order.
      let i = 0;
      let j = 0;
      while (i < delta.length || j < indexed.length) {
        const next = j >= indexed.length || (i < delta.length && Buffer.compare(delta[i]!.key, indexed[j]!.key) < 0) ? delta[i++]! : indexed[j++]!;
        out.push({ key: keyOf(table, next.row), row: next.row });
      }
    }
    return out;
  }

  /**
   * Every live row (segments, then the delta, partition by partition). Rows come from the newest
   * committed state as iteration proceeds: consume it without awaiting writes in between. For a
   * pinned snapshot use scanPartition(store.reader, …) inside reader.begin()/end(); analytics
   * scans belong in the data-engine pool.
   */
  *scanRows(table: TableSchema, opts: { partition?: number } = {}): Generator<{ key: RowKey; row: Value[] }> {
    const hidden = hasHiddenRowId(table);
    const first = opts.partition ?? 0;
    const last = opts.partition ?? this.partitions - 1;
    const ncols = table.columns.length;
    for (let p = first; p <= last; p++) {
      for (const { seg, dead } of this.liveSegments(table, p)) {
        for (let i = 0; i < seg.length; i++) {
          if (dead !== undefined && (dead[i >> 3]! & (1 << (i & 7))) !== 0) continue;
          const row = new Array<Value>(ncols);
          for (let c = 0; c < ncols; c++) row[c] = valueAt(seg.vectors[c]!, i);
          yield { key: hidden ? [valueAt(seg.vectors[ncols]!, i)] : keyOf(table, row), row };
        }
      }
      for (const { key, row } of this.own.deltaEntries(table, p)) {
        yield { key: hidden ? [decodeRowIdKey(key)] : keyOf(table, row), row };
      }
    }
  }

  /** A partition's segments, decoded, each with its dead-row bitmap (undefined when all live). */
  private *liveSegments(table: TableSchema, partition: number): Generator<{ seg: DecodedSegment; dead: Uint8Array | undefined }> {
    for (const meta of this.own.segmentsOf(table, partition)) {
      yield { seg: this.own.segment(table, partition, meta), dead: this.own.deadRows(table, partition, meta.id) };
    }
  }

  /**
   * The live rows of a table in table column order, for reading only: no keys, and with
   * `ordinals`, only those columns filled (the others NULL), so a scan of two columns of a wide
   * table makes no value objects for the rest.
   */
  *scanValues(table: TableSchema, ordinals: readonly number[] | null): Generator<Value[]> {
    const ncols = table.columns.length;
    const wanted = ordinals ?? table.columns.map((_, c) => c);
    for (let p = 0; p < this.partitions; p++) {
      for (const { seg, dead } of this.liveSegments(table, p)) {
        const vectors = wanted.map((c) => seg.vectors[c]!);
        for (let i = 0; i < seg.length; i++) {
          if (dead !== undefined && (dead[i >> 3]! & (1 << (i & 7))) !== 0) continue;
          const row = new Array<Value>(ncols).fill(null);
          for (let w = 0; w < wanted.length; w++) row[wanted[w]!] = valueAt(vectors[w]!, i);
          yield row;
        }
      }
      for (const { row } of this.own.deltaEntries(table, p)) yield row;
    }
  }

  /**
   * Decodes stored segments into the segment cache, one partition per event-loop turn, until the
   * cache is full: the first point lookups after a restart then do not each pay for decoding a
   * whole segment (about 1 ms). Stops when the store closes.
   */
  async warmSegmentCache(): Promise<number> {
    let decoded = 0;
    for (const table of this.listTables()) {
      for (let p = 0; p < this.partitions; p++) {
        await yieldTurn();
        if (this.closed || this.own.cacheFull) return decoded;
        for (const meta of this.own.segmentsOf(table, p)) {
          this.own.segment(table, p, meta);
          decoded++;
        }
      }
    }
    return decoded;
  }

  // ---- compaction ----

  /** Folds deltas into segments now: every partition of `table`, or of every table. */
  async compact(table?: TableSchema): Promise<void> {
    this.assertOpen();
    await this.settleCompaction();
    const tables = table === undefined ? this.listTables() : [table];
    for (const t of tables) {
      for (let p = 0; p < this.partitions; p++) {
        this.compactPartition(t, p, true);
        await yieldTurn();
      }
    }
  }

  /**
   * Bulk loads compact in large steps (DELTA_ROWS_COMPACT); once writes pause, smaller deltas are
   * folded too, so scans of a quiet table read columnar segments instead of decoding delta rows.
   */
  private armIdleCompaction(): void {
    if (this.idleCompactTimer !== null) clearTimeout(this.idleCompactTimer);
    this.idleCompactTimer = setTimeout(() => {
      this.idleCompactTimer = null;
      if (this.closed) return;
      for (const [slot, rows] of this.deltaRows) if (rows >= IDLE_COMPACT_ROWS_MIN) this.compactQueue.add(slot);
      for (const slot of this.mergeSlots) this.compactQueue.add(slot);
      if (this.compactQueue.size > 0) this.scheduleCompaction();
    }, IDLE_COMPACT_DELAY_MS);
    this.idleCompactTimer.unref();
  }

  private scheduleCompaction(): void {
    if (this.compactRunning !== null) return;
    this.compactRunning = (async () => {
      try {
        while (this.compactQueue.size > 0 && !this.closed) {
          await yieldTurn();
          const slot = this.compactQueue.values().next().value as number;
          this.compactQueue.delete(slot);
          const tableId = Math.floor(slot / PARTITIONS_MAX);
          const table = this.listTables().find((t) => t.id === tableId);
          if (table === undefined) continue;
          try {
            // A merge slot compacts even without a delta: its small segments are the point.
            this.compactPartition(table, slot % PARTITIONS_MAX, this.mergeSlots.delete(slot));
          } catch (e) {
            this.lastCompactionError = e;
          }
        }
      } finally {
        this.compactRunning = null;
      }
    })();
  }

  private async settleCompaction(): Promise<void> {
    while (this.compactRunning !== null) await this.compactRunning;
  }

  /**
   * One write transaction: the partition's delta, merged with its small or mostly dead segments,
   * becomes new segments of up to SEGMENT_ROWS_MAX rows in primary-key order. Merging keeps the
   * segment count per partition bounded (each segment ends up with ≥ SEGMENT_MERGE_ROWS_MAX live
   * rows unless it is the newest) and drops dead rows; workers reading an older snapshot still see
   * the old segments, which LMDB keeps until their read transactions end.
   */
  private compactPartition(table: TableSchema, partition: number, force = false): void {
    const slot = partitionSlot(table.id, partition);
    let pending = this.deltaRows.get(slot);
    if (pending === undefined) {
      pending = this.countDelta(table.id, partition);
      this.deltaRows.set(slot, pending);
    }
    if (pending === 0 && !force) return;
    const candidates = this.mergeCandidates(table, partition);
    const worthIt = pending > 0 || candidates.length > 1 || candidates.some((c) => c.live < c.meta.rows);
    if (!worthIt) return;
    const hidden = hasHiddenRowId(table);
    const types = storedTypes(table);
    const keyTypes = pkTypes(table);
    const written: WrittenSegment[] = [];
    this.env.root.transactionSync(() => {
      const entries: { key: Buffer; row: Value[]; fromDelta: boolean }[] = [];
      for (const { meta, dead } of candidates) {
        const seg = this.own.segment(table, partition, meta);
        for (let i = 0; i < seg.length; i++) {
          if (dead !== undefined && (dead[i >> 3]! & (1 << (i & 7))) !== 0) continue;
          const row = new Array<Value>(types.length);
          for (let c = 0; c < types.length; c++) row[c] = valueAt(seg.vectors[c]!, i);
          const key = hidden ? [row[types.length - 1]!] : keyOf(table, row);
          entries.push({ key: encodeKey(table.id, partition, keyTypes, key), row, fromDelta: false });
        }
        const sk = segmentKey(table.id, partition, meta.id);
        this.env.segments.removeSync(sk);
        this.env.segmeta.removeSync(sk);
        this.env.dead.removeSync(sk);
      }
      const range = this.env.delta.getRange({ start: partitionPrefix(table.id, partition), end: partitionEnd(table.id, partition) });
      for (const { key, value } of range) {
        // lmdb-js hands out copies of keys and values.
        const row = decodeRow(value);
        if (hidden) row.push(decodeRowIdKey(key));
        entries.push({ key, row, fromDelta: true });
      }
      if (candidates.length > 0) entries.sort((a, b) => Buffer.compare(a.key, b.key));
      for (let at = 0; at < entries.length; at += SEGMENT_ROWS_MAX) {
        written.push(this.writeSegment(table, partition, types, entries.slice(at, at + SEGMENT_ROWS_MAX)));
      }
    });
    // Committed: point lookups right after a load find the new segments already decoded.
    for (const w of written) this.own.remember(w.id, w.bytes, w.segment);
    this.deltaRows.set(slot, 0);
    this.segmentSlots.delete(slot);
  }

  /** Segments of a partition worth rewriting: few live rows, or at least half dead. */
  private mergeCandidates(table: TableSchema, partition: number): { meta: SegmentMeta; dead: Uint8Array | undefined; live: number }[] {
    const out: { meta: SegmentMeta; dead: Uint8Array | undefined; live: number }[] = [];
    for (const meta of this.own.segmentsOf(table, partition)) {
      const dead = this.own.deadRows(table, partition, meta.id);
      let deadCount = 0;
      if (dead !== undefined) for (let i = 0; i < meta.rows; i++) if ((dead[i >> 3]! & (1 << (i & 7))) !== 0) deadCount++;
      const live = meta.rows - deadCount;
      if (live < SEGMENT_MERGE_ROWS_MAX || deadCount * 2 >= meta.rows) out.push({ meta, dead, live });
    }
    return out;
  }

  /** Writes one segment of rows sorted by key and points their pk index entries at it. */
  writeSegment(table: TableSchema, partition: number, types: ColumnType[], chunk: { key: Buffer; row: Value[]; fromDelta: boolean }[]): WrittenSegment {
    const next = this.env.meta.get('nextSegmentId');
    const segmentId = typeof next === 'number' ? next : 1;
    this.env.meta.putSync('nextSegmentId', segmentId + 1);
    const rows = chunk.map((e) => e.row);
    const vectors = types.map((t, c) => vectorFromRows(t, rows, c));
    const meta: SegmentMeta = { id: segmentId, rows: rows.length, zones: vectors.map((v) => zoneMapOf(v, rows.length)) };
    const sk = segmentKey(table.id, partition, segmentId);
    const encoded = encodeSegment(vectors, rows.length);
    this.env.segments.putSync(sk, Buffer.from(encoded));
    this.env.segmeta.putSync(sk, meta);
    for (let i = 0; i < chunk.length; i++) {
      const { key, fromDelta } = chunk[i]!;
      this.env.pkidx.putSync(key, encodeLocation(segmentId, i));
      if (fromDelta) this.env.delta.removeSync(key);
    }
    return { id: segmentId, bytes: encoded.length, segment: { length: rows.length, vectors } };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Writes already accepted are committed, not dropped.
    await this.commitPending();
    this.closed = true;
    if (this.idleCompactTimer !== null) clearTimeout(this.idleCompactTimer);
    await this.settleCompaction();
    this.reader.end();
    this.reader.forgetSegments();
    await this.env.root.close();
  }
}

/** An index's columns: 1…INDEX_COLUMNS_MAX existing columns, none twice. */
function checkIndexSpec(table: { readonly name: string; readonly columns: readonly ColumnSchema[] }, spec: Omit<IndexSchema, 'id'>): void {
  const n = spec.columns.length;
  if (n === 0 || n > INDEX_COLUMNS_MAX) throw new EonError('program_limit_exceeded', `cannot use more than ${INDEX_COLUMNS_MAX} columns in an index`);
  for (const c of spec.columns) {
    if (!Number.isInteger(c) || c < 0 || c >= table.columns.length) throw new EonError('invalid_table_definition', `index "${spec.name}" names no column of "${table.name}" (${c})`);
  }
}

function replicateWrite(replication: WriteReplication, changes: readonly RowChange[], stamp: VersionStamp, options: ReplicateOptions | null): Promise<void> {
  try {
    return options === null ? replication.replicate(changes, stamp) : replication.replicate(changes, stamp, options);
  } catch (e) {
    return Promise.reject(e);
  }
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
