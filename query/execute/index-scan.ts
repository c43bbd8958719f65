// Executes a scan's index lookup (query/optimize/index-lookup.ts): the index range's row keys,
// then one point read per row. Past a share of the table a scan is cheaper than a point read per
// row, and the planner keeps no statistics to know in advance: the keys are counted first (an
// LMDB range read of at most the limit), and null tells the caller to scan instead.

import type { Value } from '../../src/types/index.js';
import type { RowKey, Store, TableSchema } from '../../storage/index.js';
import type { IndexLookup } from '../plan/logical.js';
import { compileExpr } from './compile-expr.js';
import type { ExecContext } from './context.js';

/** An index lookup reads at least this many rows before a scan is preferred. */
export const INDEX_SCAN_ROWS_FLOOR = 1024;
/** …and at most this share of the table's rows beyond that floor. */
export const INDEX_SCAN_TABLE_SHARE_MAX = 0.1;

/** The rows the lookup selects (the scan's filter still to apply), or null: scan the table instead. */
export function indexScanRows(store: Store, table: TableSchema, lookup: IndexLookup, ctx: ExecContext): { key: RowKey; row: Value[] }[] | null {
  // A plan cached before its index was dropped scans.
  if (!store.hasIndex(table, lookup.index)) return null;
  const values = lookup.values.map((e) => compileExpr(e)([], ctx));
  const lower = lookup.lower === undefined ? undefined : { value: compileExpr(lookup.lower.expr)([], ctx), inclusive: lookup.lower.inclusive };
  const upper = lookup.upper === undefined ? undefined : { value: compileExpr(lookup.upper.expr)([], ctx), inclusive: lookup.upper.inclusive };
  // A comparison with NULL holds for no row.
  if (values.includes(null) || lower?.value === null || upper?.value === null) return [];
  const max = Math.max(INDEX_SCAN_ROWS_FLOOR, Math.floor(store.estimatedRows(table) * INDEX_SCAN_TABLE_SHARE_MAX));
  const bounds = { ...(lower === undefined ? {} : { lower }), ...(upper === undefined ? {} : { upper }) };
  const keys = store.indexKeys(table, lookup.index, values, bounds, max);
  if (keys === null) return null;
  ctx.checkCancel();
  return store.rowsAtKeys(table, keys);
}
