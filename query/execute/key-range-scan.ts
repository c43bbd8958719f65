// Executes a scan's primary-key range (query/optimize/key-range.ts): the bound values evaluated,
// then the rows of that key range from the store, or through a transaction block's write set
// when the block wrote the table (its own writes in range are seen, its deletions hidden).

import type { Value } from '../../src/types/index.js';
import type { RowKey, Store, TableSchema } from '../../storage/index.js';
import { keyRangePartitions, type KeyRange } from '../../storage/key-range.js';
import type { WriteSet } from '../../storage/write-set.js';
import type { KeyRangeLookup } from '../plan/logical.js';
import { compileExpr } from './compile-expr.js';
import type { ExecContext } from './context.js';

/** The range's values now (parameters bound), or null when one is NULL: no row compares equal to or within NULL. */
export function evaluateKeyRange(lookup: KeyRangeLookup, ctx: ExecContext): KeyRange | null {
  const values = lookup.values.map((e) => compileExpr(e)([], ctx));
  const lower = lookup.lower === undefined ? undefined : { value: compileExpr(lookup.lower.expr)([], ctx), inclusive: lookup.lower.inclusive };
  const upper = lookup.upper === undefined ? undefined : { value: compileExpr(lookup.upper.expr)([], ctx), inclusive: lookup.upper.inclusive };
  if (values.includes(null) || lower?.value === null || upper?.value === null) return null;
  return { values, ...(lower === undefined ? {} : { lower }), ...(upper === undefined ? {} : { upper }) };
}

/**
 * The partitions a scan's key range may find rows in, when it fixes the table's distribution key
 * with constants or parameters (one partition, or none for a NULL key); null when it may be any
 * (no range, a wider one, or values read from an outer row).
 */
export function keyRangeScanPartitions(table: TableSchema, lookup: KeyRangeLookup | undefined, ctx: ExecContext): number[] | null {
  if (lookup === undefined) return null;
  const exprs = [...lookup.values, ...(lookup.lower === undefined ? [] : [lookup.lower.expr]), ...(lookup.upper === undefined ? [] : [lookup.upper.expr])];
  // (EXPLAIN without parameter values plans every partition.)
  if (!exprs.every((e) => e.kind === 'const' || (e.kind === 'param' && e.index < ctx.params.length))) return null;
  const range = evaluateKeyRange(lookup, ctx);
  if (range === null) return [];
  const partitions = keyRangePartitions(table, range, ctx.store.partitions);
  return partitions.length === ctx.store.partitions ? null : partitions;
}

/** The rows of the range (the scan's filter still to apply). */
export function keyRangeRows(store: Store, writes: WriteSet | undefined, table: TableSchema, lookup: KeyRangeLookup, ctx: ExecContext): { key: RowKey; row: Value[] }[] {
  const range = evaluateKeyRange(lookup, ctx);
  if (range === null) return [];
  const rows = writes !== undefined && writes.touches(table) ? writes.rowsInKeyRange(table, range) : store.rowsInKeyRange(table, range);
  ctx.checkCancel();
  return rows;
}
