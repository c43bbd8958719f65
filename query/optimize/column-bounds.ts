// What a scan's filter says about single columns, for the rules that read a range of an ordered
// key (index_lookup, key_range): its `column op value` conjuncts with a constant or parameter of
// the column's exact type (key encodings are by type), read left to right, and the leading prefix
// of a column list they fix, with the bounds on the column after it.

import type { TableSchema } from '../../storage/index.js';
import { conjunctsOf, type Expr } from '../plan/expr.js';

export type Bound = { readonly expr: Expr; readonly inclusive: boolean };

export interface ColumnBounds {
  readonly fixed: ReadonlyMap<number, Expr>;
  readonly lower: ReadonlyMap<number, Bound>;
  readonly upper: ReadonlyMap<number, Bound>;
}

/** `column op value` read left to right: `5 < a` is `a > 5`. */
const MIRROR: Readonly<Record<string, string>> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** The first equality and the first bound of each side per column the filter compares; `usable` picks the columns. */
export function columnBounds(filter: Expr, table: TableSchema, usable: (column: number) => boolean): ColumnBounds {
  const fixed = new Map<number, Expr>();
  const lower = new Map<number, Bound>();
  const upper = new Map<number, Bound>();
  for (const c of conjunctsOf(filter)) {
    if (c.kind !== 'binary' || MIRROR[c.op] === undefined) continue;
    const direct = columnAndValue(c.left, c.right);
    const pair = direct ?? columnAndValue(c.right, c.left);
    // Only when the value already has the column's exact type: the key encoding is by type.
    if (pair === null || pair.value.type.kind !== table.columns[pair.column]!.type.kind || !usable(pair.column)) continue;
    const op = direct !== null ? c.op : MIRROR[c.op]!;
    const into = op === '=' ? null : op.startsWith('>') ? lower : upper;
    if (into === null) {
      if (!fixed.has(pair.column)) fixed.set(pair.column, pair.value);
    } else if (!into.has(pair.column)) into.set(pair.column, { expr: pair.value, inclusive: op.endsWith('=') });
  }
  return { fixed, lower, upper };
}

/** The values fixing the leading `columns`, and the bounds on the next column (none past the last). */
export function prefixBounds(columns: readonly number[], b: ColumnBounds): { values: Expr[]; lower: Bound | undefined; upper: Bound | undefined } {
  const values: Expr[] = [];
  for (const c of columns) {
    const v = b.fixed.get(c);
    if (v === undefined) break;
    values.push(v);
  }
  const next = columns[values.length];
  return { values, lower: next === undefined ? undefined : b.lower.get(next), upper: next === undefined ? undefined : b.upper.get(next) };
}

/** `column` compared with a constant or parameter `value`, or null. */
export function columnAndValue(a: Expr, b: Expr): { column: number; value: Expr } | null {
  if (a.kind === 'column' && (b.kind === 'const' || b.kind === 'param')) return { column: a.index, value: b };
  return null;
}
