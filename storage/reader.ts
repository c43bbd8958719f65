// Read access to a node's storage shared by the main thread and data-engine workers: the catalog
// by id, a partition's segments (decoded once and cached: segments are immutable), dead-row
// bitmaps and delta rows.

import os from 'node:os';
import type { Database, Transaction } from 'lmdb';
import type { Value } from '../src/types/values.js';
import type { ColumnType } from '../src/types/column-type.js';
import { T } from '../src/types/column-type.js';
import { EonError } from '../src/errors/index.js';
import { openEnvironment, segmentKey } from './environment.js';
import type { Environment, SegmentMeta } from './environment.js';
import { partitionEnd, partitionPrefix, decodeRowIdKey } from './key-codec.js';
import { decodeRow } from './row-codec.js';
import { decodeSegment, tableChangedWhileRunning } from './segment.js';
import type { ColumnVector } from './column-vector.js';
import { hasHiddenRowId } from './schema.js';
import type { TableSchema } from './schema.js';

/** Share of the machine's memory each reader's segment cache may take (the node's and each worker's). */
export const SEGMENT_CACHE_RAM_FRACTION = 1 / 8;
/** Ceiling per reader: decoded text columns live on the thread's JS heap. */
export const SEGMENT_CACHE_BYTES_CAP = 2 * 1024 ** 3;
/**
 * Decoded segments kept per thread, by encoded size. A fixed 256 MiB held about a third of TPC-H
 * SF 1's lineitem, so every scan re-read and re-decoded the rest: Q6 took 2.3 s instead of 0.1 s.
 */
export const SEGMENT_CACHE_BYTES_MAX = Math.min(SEGMENT_CACHE_BYTES_CAP, Math.floor(os.totalmem() * SEGMENT_CACHE_RAM_FRACTION));
/**
 * The node's own (main-thread) cache: it serves point lookups, writes and scans of small tables,
 * while the data engines scan the large ones. Decoded text lives on the JS heap, and every major
 * garbage collection of the coordinator marks it: a full-size cache of TPC-H SF 1 made the
 * coordinator's collections take seconds per query.
 */
export const COORDINATOR_SEGMENT_CACHE_BYTES_MAX = Math.min(SEGMENT_CACHE_BYTES_MAX, 256 * 1024 ** 2);

export interface DecodedSegment {
  length: number;
  /** One vector per stored column: the table's columns, then the row id for hidden-key tables. */
  vectors: ColumnVector[];
}

export interface DeltaEntry {
  key: Buffer;
  row: Value[];
}

/** The stored column types of a table (its columns plus the hidden row id, if any). */
export function storedTypes(table: TableSchema): ColumnType[] {
  const types = table.columns.map((c) => c.type);
  if (hasHiddenRowId(table)) types.push(T.int8);
  return types;
}

/** lmdb-js's getBinary takes read options, though its typings omit them. */
function getBinary(db: Database<Buffer, Buffer>, key: Buffer, opts: { transaction: Transaction } | undefined): Buffer | undefined {
  return (db.getBinary as (k: Buffer, o?: { transaction: Transaction }) => Buffer | undefined).call(db, key, opts);
}

export class SegmentCache {
  private readonly entries = new Map<number, { bytes: number; seg: DecodedSegment }>();
  private bytes = 0;
  constructor(private readonly bytesMax: number) {}

  get(id: number): DecodedSegment | undefined {
    const e = this.entries.get(id);
    if (e === undefined) return undefined;
    this.entries.delete(id);
    this.entries.set(id, e);
    return e.seg;
  }

  set(id: number, bytes: number, seg: DecodedSegment): void {
    this.entries.set(id, { bytes, seg });
    this.bytes += bytes;
    for (const [oldId, old] of this.entries) {
      if (this.bytes <= this.bytesMax || oldId === id) break;
      this.entries.delete(oldId);
      this.bytes -= old.bytes;
    }
  }

  get full(): boolean {
    return this.bytes >= this.bytesMax;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

export class StorageReader {
  readonly dir: string;
  readonly env: Environment;
  private readonly cache: SegmentCache;
  private readonly ownsEnv: boolean;
  /** The pinned snapshot between begin() and end(); null = lmdb-js's implicit read transaction. */
  private txn: Transaction | null = null;

  /** With `env`, shares an open environment (and optionally a segment cache) with its owner. */
  constructor(dir: string, env?: Environment, cache?: SegmentCache) {
    this.dir = dir;
    this.cache = cache ?? new SegmentCache(SEGMENT_CACHE_BYTES_MAX);
    this.ownsEnv = env === undefined;
    this.env = env ?? openEnvironment(dir);
  }

  /** Opens a reader of its own (in a worker); it must never write. */
  static open(dir: string): StorageReader {
    return new StorageReader(dir);
  }

  /**
   * Pins the newest committed snapshot for every read until end(): a task sees all writes committed
   * before it began, and a consistent partition even if the writer compacts it meanwhile.
   */
  begin(): void {
    this.end();
    this.env.root.resetReadTxn();
    this.txn = this.env.root.useReadTransaction();
  }

  end(): void {
    if (this.txn === null) return;
    this.txn.done();
    this.txn = null;
  }

  private get opts(): { transaction: Transaction } | undefined {
    return this.txn === null ? undefined : { transaction: this.txn };
  }

  get partitions(): number {
    const q = this.env.meta.get('partitions', this.opts);
    if (typeof q !== 'number') throw new EonError('internal_error', `storage at ${this.dir} has no partition count`);
    return q;
  }

  tableById(id: number): TableSchema | undefined {
    const name = this.env.catalog.get(['tableById', id], this.opts);
    if (typeof name !== 'string') return undefined;
    return this.env.catalog.get(['table', name], this.opts) as TableSchema | undefined;
  }

  /** The segments of a (table, partition), in id order (oldest first). */
  segmentsOf(table: TableSchema, partition: number): SegmentMeta[] {
    const out: SegmentMeta[] = [];
    const range = this.env.segmeta.getRange({ start: partitionPrefix(table.id, partition), end: partitionEnd(table.id, partition), ...this.opts });
    for (const { value } of range) out.push(value);
    return out;
  }

  segment(table: TableSchema, partition: number, meta: SegmentMeta): DecodedSegment {
    return this.segmentById(table, partition, meta.id);
  }

  /** A segment by id, without reading its meta (point lookups know the id from the pk index). */
  segmentById(table: TableSchema, partition: number, segmentId: number): DecodedSegment {
    const hit = this.cache.get(segmentId);
    if (hit !== undefined) {
      // Decoded for another layout of the table (a statement planned before an ALTER TABLE).
      if (hit.vectors.length !== table.columns.length + (hasHiddenRowId(table) ? 1 : 0)) throw tableChangedWhileRunning();
      return hit;
    }
    const bytes = getBinary(this.env.segments, segmentKey(table.id, partition, segmentId), this.opts);
    if (bytes === undefined) throw new EonError('internal_error', `segment ${segmentId} of table ${table.name} is missing`);
    const seg = decodeSegment(bytes, storedTypes(table));
    this.cache.set(segmentId, bytes.length, seg);
    return seg;
  }

  /** Whether the segment cache has reached its byte budget. */
  get cacheFull(): boolean {
    return this.cache.full;
  }

  /**
   * Caches a segment its writer still holds decoded, so the first reads after a compaction do not
   * decode it again. Only for committed segments: an aborted writer's id may be reused.
   */
  remember(segmentId: number, bytes: number, seg: DecodedSegment): void {
    this.cache.set(segmentId, bytes, seg);
  }

  /** The dead-row bitmap of a segment (bit 1 = dead), or undefined when every row is live. */
  deadRows(table: TableSchema, partition: number, segmentId: number): Uint8Array | undefined {
    return getBinary(this.env.dead, segmentKey(table.id, partition, segmentId), this.opts);
  }

  /** The delta rows of a (table, partition), in primary-key order. */
  *deltaEntries(table: TableSchema, partition: number): Generator<DeltaEntry> {
    const range = this.env.delta.getRange({ start: partitionPrefix(table.id, partition), end: partitionEnd(table.id, partition), ...this.opts });
    const width = table.columns.length;
    for (const { key, value } of range) {
      const row = decodeRow(value); // lmdb-js hands out copies
      if (row.length !== width) throw tableChangedWhileRunning();
      yield { key, row };
    }
  }

  /** The key of a delta entry as a RowKey-shaped value list for hidden row id tables. */
  rowIdOf(key: Buffer): bigint {
    return decodeRowIdKey(key);
  }

  forgetSegments(): void {
    this.cache.clear();
  }

  async close(): Promise<void> {
    this.end();
    this.cache.clear();
    if (this.ownsEnv) await this.env.root.close();
  }
}
