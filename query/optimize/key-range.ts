// Rule: a scan whose filter fixes the leading primary-key columns to constants or parameters, or
// bounds the next one (<, <=, >, >=, BETWEEN), reads only that key range (Store.rowsInKeyRange: a
// range read of the delta and of the pk index per partition, one partition when the fixed columns
// cover the distribution key) instead of every row. Runs after key-lookup.ts (the whole key fixed
// is a point lookup) and index-lookup.ts (a secondary index fixing more columns keeps the scan).
// The filter stays whole on the scan, so the range only narrows which rows it looks at.

import type { KeyRangeLookup, Plan } from '../plan/logical.js';
import { columnBounds, prefixBounds } from './column-bounds.js';

/**
 * Key column kinds whose key encoding orders (and equates) values as SQL compares them, so a
 * byte range holds every row the comparison can select (text: code-point order, as compareCodePoints).
 */
export const KEY_RANGE_KINDS: ReadonlySet<string> = new Set(['bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'date', 'timestamp', 'timestamptz', 'text', 'varchar']);

export function keyRange(plan: Plan): Plan {
  if (plan.kind !== 'scan' || plan.filter === null || plan.keyLookup !== null || plan.keyRange !== undefined) return plan;
  const { table } = plan;
  const pk = table.primaryKey;
  if (pk.length === 0) return plan;
  const bounds = columnBounds(plan.filter, table, (c) => pk.includes(c) && KEY_RANGE_KINDS.has(table.columns[c]!.type.kind));
  const { values, lower: lo, upper: hi } = prefixBounds(pk, bounds);
  if (values.length === pk.length) return plan; // a point lookup's case (key-lookup.ts)
  if (values.length === 0 && lo === undefined && hi === undefined) return plan;
  const index = plan.indexLookup;
  if (index !== undefined) {
    const whole = index.index.unique && index.values.length === index.index.columns.length;
    if (whole || index.values.length > values.length) return plan;
  }
  const range: KeyRangeLookup = { values, ...(lo === undefined ? {} : { lower: lo }), ...(hi === undefined ? {} : { upper: hi }) };
  const { indexLookup: _dropped, ...scan } = plan;
  return { ...scan, keyRange: range };
}

/**
 * A range bounded on one side only, with no key column fixed (`k > 5`), may hold most of a large
 * table: the data engines scan it in parallel rather than the coordinator reading it by key. Other
 * ranges (a fixed key prefix, or both bounds) are read by key on the coordinator.
 */
export function keyRangeMayBeWide(r: KeyRangeLookup): boolean {
  return r.values.length === 0 && (r.lower === undefined || r.upper === undefined);
}
