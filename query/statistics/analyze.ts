// ANALYZE on one node: reads a table's live rows (all of them, or of randomly chosen segments
// when the table is large) from a pinned snapshot on the main thread, yielding to the event loop
// every few thousand rows, keeps a uniform sample of them
// (query/statistics/reservoir.ts), computes each column's statistics from it
// (column-statistics.ts) and stores them with the table's row count (storage/table-statistics.ts).
// One run per table at a time; a table altered or dropped while it ran gets nothing.

import { valueAt, type SegmentMeta, type StorageReader, type Store, type TableSchema, type TableStatistics } from '../../storage/index.js';
import type { Value } from '../../src/types/index.js';
import { computeColumnStatistics, SAMPLE_ROWS_MAX } from './column-statistics.js';
import { Reservoir } from './reservoir.js';

/** Rows read between yields to the event loop. */
export const ANALYZE_YIELD_ROWS = 4096;
/** Tables with up to this many rows are read whole; larger ones by a random choice of their segments. */
export const ANALYZE_FULL_READ_ROWS_MAX = 10 * SAMPLE_ROWS_MAX;
/** Rows read (whole segments and deltas) from a larger table, for the reservoir to sample from. */
export const ANALYZE_READ_ROWS_TARGET = 3 * SAMPLE_ROWS_MAX;
/** Segment cache of ANALYZE's own reader: it reads each segment once, so it needs little. */
export const ANALYZE_SEGMENT_CACHE_BYTES = 16 * 1024 * 1024;

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface AnalyzeOptions {
  /** Rows sampled at most (default SAMPLE_ROWS_MAX). */
  readonly sampleRows?: number;
  /** Random numbers in [0, 1) for the sample (default Math.random). */
  readonly random?: () => number;
  readonly signal?: AbortSignal;
}

/** Runs in progress per store and table id, so two ANALYZEs of one table share the run. */
const running = new WeakMap<Store, Map<number, Promise<TableStatistics | null>>>();

/**
 * Analyzes `table` and stores its statistics; resolves with them, or null when the table was
 * altered or dropped meanwhile (nothing stored then). A run already in progress for the table is
 * joined instead of starting another.
 */
export function analyzeTable(store: Store, table: TableSchema, options: AnalyzeOptions = {}): Promise<TableStatistics | null> {
  let runs = running.get(store);
  if (runs === undefined) {
    runs = new Map();
    running.set(store, runs);
  }
  const current = runs.get(table.id);
  if (current !== undefined) return current;
  const run = collect(store, table, options).finally(() => runs.delete(table.id));
  runs.set(table.id, run);
  return run;
}

/** Whether an ANALYZE of the table is running. */
export function analyzing(store: Store, table: TableSchema): boolean {
  return running.get(store)?.has(table.id) === true;
}

async function collect(store: Store, table: TableSchema, options: AnalyzeOptions): Promise<TableStatistics | null> {
  const modifiedBefore = store.modifiedSince(table);
  const storedRows = store.estimatedRows(table);
  const ncols = table.columns.length;
  const reservoir = new Reservoir(options.sampleRows ?? SAMPLE_ROWS_MAX, options.random);
  /** Sampled rows and the position each was read at (the sample keeps stored order for correlation). */
  const rows: Value[][] = [];
  const positions: number[] = [];
  const reader = store.snapshotReader(ANALYZE_SEGMENT_CACHE_BYTES);
  let totalRows = 0;
  reader.begin();
  try {
    let sinceYield = 0;
    /** Offers one live row to the sample (`valueOf(c)` reads its column c); true when it is time to yield. */
    const offer = (valueOf: (c: number) => Value): boolean => {
      const slot = reservoir.offer();
      if (slot >= 0) {
        const row = new Array<Value>(ncols);
        for (let c = 0; c < ncols; c++) row[c] = valueOf(c);
        rows[slot] = row;
        positions[slot] = reservoir.seen - 1;
      }
      if (++sinceYield < ANALYZE_YIELD_ROWS) return false;
      sinceYield = 0;
      return true;
    };
    const pause = async (): Promise<void> => {
      await yieldTurn();
      options.signal?.throwIfAborted();
    };
    const units = readUnits(store, reader, table);
    totalRows = units.reduce((n, u) => n + u.rows, 0);
    const chosen = chooseUnits(units, totalRows, options.random ?? Math.random);
    for (const unit of chosen) {
      if (unit.meta === null) {
        for (const { row } of reader.deltaEntries(table, unit.partition)) if (offer((c) => row[c]!)) await pause();
        continue;
      }
      const seg = reader.segment(table, unit.partition, unit.meta);
      const dead = reader.deadRows(table, unit.partition, unit.meta.id);
      for (let i = 0; i < seg.length; i++) {
        if (dead !== undefined && (dead[i >> 3]! & (1 << (i & 7))) !== 0) continue;
        if (offer((c) => valueAt(seg.vectors[c]!, i))) await pause();
      }
    }
    // A full read counts the rows exactly (the delta counts come from outside the snapshot).
    if (chosen.length === units.length) totalRows = reservoir.seen;
  } finally {
    reader.end();
  }
  if (store.getTable(table.name) !== table) return null;
  const order = rows.map((_, i) => i).sort((a, b) => positions[a]! - positions[b]!);
  // One column at a time with a yield between: sorting a full sample of a wide table takes a while.
  const perColumn: ReturnType<typeof computeColumnStatistics>[] = [];
  if (totalRows > 0) {
    for (let c = 0; c < ncols; c++) {
      const col = table.columns[c]!;
      perColumn.push(computeColumnStatistics(col.name, col.type, order.map((i) => rows[i]![c]!), totalRows));
      await yieldTurn();
      options.signal?.throwIfAborted();
    }
  }
  const stats: TableStatistics = {
    tableId: table.id,
    rows: totalRows,
    sampledRows: rows.length,
    storedRows,
    analyzedAt: Date.now(),
    columns: totalRows === 0 ? table.columns.map(() => null) : perColumn,
  };
  if (store.getTable(table.name) !== table) return null;
  await store.statistics.put(stats);
  store.forgetModified(table, modifiedBefore);
  return stats;
}

/** A part of a table read whole or not at all: a segment, or a partition's delta rows (meta null). */
interface ReadUnit {
  readonly partition: number;
  readonly meta: SegmentMeta | null;
  /** Live rows in it. */
  readonly rows: number;
}

/** Every segment and delta of the table in stored order, with its live rows. */
function readUnits(store: Store, reader: StorageReader, table: TableSchema): ReadUnit[] {
  const units: ReadUnit[] = [];
  for (let p = 0; p < store.partitions; p++) {
    for (const meta of reader.segmentsOf(table, p)) {
      const dead = reader.deadRows(table, p, meta.id);
      let deadRows = 0;
      if (dead !== undefined) for (let i = 0; i < meta.rows; i++) if ((dead[i >> 3]! & (1 << (i & 7))) !== 0) deadRows++;
      if (meta.rows > deadRows) units.push({ partition: p, meta, rows: meta.rows - deadRows });
    }
    const delta = store.deltaCount(table.id, p);
    if (delta > 0) units.push({ partition: p, meta: null, rows: delta });
  }
  return units;
}

/**
 * The units to read, in stored order: all of them for a table of up to ANALYZE_FULL_READ_ROWS_MAX
 * rows; else units picked at random (each equally likely, so each row is) until they hold
 * ANALYZE_READ_ROWS_TARGET rows, from which the reservoir samples (PostgreSQL samples blocks
 * first, then rows from them, for the same reason: reading a large table whole costs too much).
 */
export function chooseUnits<U extends { readonly rows: number }>(units: readonly U[], totalRows: number, random: () => number): U[] {
  if (totalRows <= ANALYZE_FULL_READ_ROWS_MAX) return [...units];
  const picked = units.map((_, i) => i);
  for (let i = picked.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [picked[i], picked[j]] = [picked[j]!, picked[i]!];
  }
  let rows = 0;
  let n = 0;
  while (n < picked.length && rows < ANALYZE_READ_ROWS_TARGET) rows += units[picked[n++]!]!.rows;
  return picked
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => units[i]!);
}

/** The ANALYZE statement: `table`, or every table of the store one after another. */
export async function analyzeTables(store: Store, table: TableSchema | undefined, signal?: AbortSignal): Promise<void> {
  for (const t of table === undefined ? store.listTables() : [table]) {
    signal?.throwIfAborted();
    await analyzeTable(store, t, signal === undefined ? {} : { signal });
  }
}
