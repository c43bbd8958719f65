// Columnar scans of one partition for data engines: each live segment as a batch of the requested
// columns (dead rows excluded by a selection vector, segments skipped by zone maps), then the
// delta as one more batch.

import { T } from '../src/types/column-type.js';
import type { Value } from '../src/types/values.js';
import { EonError } from '../src/errors/index.js';
import { vectorFromRows, zoneMayMatch } from './column-vector.js';
import type { ColumnBatch, ColumnVector, ZonePredicate } from './column-vector.js';
import type { SegmentMeta } from './environment.js';
import { storedTypes } from './reader.js';
import type { StorageReader } from './reader.js';
import { hasHiddenRowId } from './schema.js';
import type { TableSchema } from './schema.js';

function checkColumns(table: TableSchema, columns: readonly number[]): void {
  const stored = table.columns.length + (hasHiddenRowId(table) ? 1 : 0);
  for (const c of columns) {
    if (!Number.isInteger(c) || c < 0 || c >= stored) {
      throw new EonError('internal_error', `table ${table.name} has no column ordinal ${c}`);
    }
  }
}

function segmentMayMatch(meta: SegmentMeta, prune: readonly ZonePredicate[] | undefined): boolean {
  if (prune === undefined) return true;
  for (const p of prune) {
    const zone = meta.zones[p.column];
    if (zone !== undefined && !zoneMayMatch(zone, meta.rows, p)) return false;
  }
  return true;
}

/** Live row indexes of a segment, or null when none is dead; an empty array when all are. */
function liveSelection(dead: Uint8Array | undefined, rows: number): Uint32Array | null {
  if (dead === undefined) return null;
  let live = 0;
  for (let i = 0; i < rows; i++) if ((dead[i >> 3]! & (1 << (i & 7))) === 0) live++;
  if (live === rows) return null;
  const sel = new Uint32Array(live);
  let at = 0;
  for (let i = 0; i < rows; i++) if ((dead[i >> 3]! & (1 << (i & 7))) === 0) sel[at++] = i;
  return sel;
}

/**
 * Scans one partition of a table. `columns` are ordinals; for a table with a hidden row id, the
 * ordinal `table.columns.length` is the row id (int8). Zone predicates compare in vector units
 * (see column-vector.ts) and only skip whole segments: callers still filter rows.
 */
export function* scanPartition(
  env: StorageReader,
  table: TableSchema,
  partition: number,
  columns: number[],
  prune?: ZonePredicate[],
): Generator<ColumnBatch> {
  checkColumns(table, columns);
  for (const meta of env.segmentsOf(table, partition)) {
    if (!segmentMayMatch(meta, prune)) continue;
    const selection = liveSelection(env.deadRows(table, partition, meta.id), meta.rows);
    if (selection !== null && selection.length === 0) continue;
    const seg = env.segment(table, partition, meta);
    yield { length: seg.length, columns: columns.map((c) => seg.vectors[c]!), selection };
  }
  const rows: Value[][] = [];
  const hidden = hasHiddenRowId(table);
  for (const { key, row } of env.deltaEntries(table, partition)) {
    if (hidden) row.push(env.rowIdOf(key));
    rows.push(row);
  }
  if (rows.length === 0) return;
  const types = storedTypes(table);
  const vectors: ColumnVector[] = columns.map((c) => vectorFromRows(types[c] ?? T.int8, rows, c));
  yield { length: rows.length, columns: vectors, selection: null };
}
