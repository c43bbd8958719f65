// Optimizer rules that fetch wide columns late.
//
// group_key_reduction: a GROUP BY that holds a table's whole primary key groups by that key
// alone, not by the table's text columns it also lists (they depend on the key): the aggregate
// runs on narrow keys (in the data engines, without moving the text there and back), and the
// text columns are looked up afterwards by a left join on the primary key — one row per group
// (TPC-H Q10 groups by a customer's key, name, address, phone and comment).
//
// limit_before_lookup: ORDER BY … LIMIT over such a lookup, sorting by the looked-up side's
// input only, sorts and cuts first and looks up the rows it keeps (Q10 looks up 20 customers,
// not every customer with returned items).

import { columnsUsed, mapExpr, type Expr } from '../plan/expr.js';
import { columnSource } from '../plan/column-source.js';
import type { Plan } from '../plan/logical.js';

type ScanPlan = Plan & { kind: 'scan' };
type JoinPlan = Plan & { kind: 'join' };

/** Column kinds worth leaving out of group keys: variable-width text. */
const WIDE_KINDS = new Set(['text', 'varchar', 'bpchar']);

export function groupKeyReduction(plan: Plan): Plan {
  if (plan.kind !== 'aggregate' || plan.groupBy.length < 2) return plan;
  const sources = plan.groupBy.map((g) => (g.kind === 'column' ? columnSource(plan.input, g.index) : null));
  for (const candidate of new Set(sources.map((s) => s?.scan))) {
    if (candidate === undefined) continue;
    const table = candidate.table;
    if (table.primaryKey.length === 0) continue;
    const ordinalAt = (i: number): number | null => (sources[i]?.scan === candidate ? sources[i]!.ordinal : null);
    const keyAt = table.primaryKey.map((k) => plan.groupBy.findIndex((_, i) => ordinalAt(i) === k));
    if (keyAt.some((i) => i < 0)) continue;
    // Per group key: the table ordinal it carries when it is a wide column that depends on the key.
    const dependent = plan.groupBy.map((g, i) => {
      const ordinal = ordinalAt(i);
      return ordinal !== null && !table.primaryKey.includes(ordinal) && WIDE_KINDS.has(g.type.kind) ? ordinal : null;
    });
    if (dependent.every((d) => d === null)) continue;
    return lookUpLater(plan, candidate, keyAt, dependent);
  }
  return plan;
}

/**
 * `plan` grouped without its `dependent` keys (those with a table ordinal), which a left join on
 * `keyAt` fetches from `source`'s table.
 */
function lookUpLater(plan: Plan & { kind: 'aggregate' }, source: ScanPlan, keyAt: readonly number[], dependent: readonly (number | null)[]): Plan {
  const kept = plan.groupBy.flatMap((_, i) => (dependent[i] === null ? [i] : []));
  const narrow: Plan = {
    kind: 'aggregate',
    input: plan.input,
    groupBy: kept.map((i) => plan.groupBy[i]!),
    aggregates: plan.aggregates,
    columns: [...kept.map((i) => plan.columns[i]!), ...plan.columns.slice(plan.groupBy.length)],
  };
  const table = source.table;
  const lookup: ScanPlan = { kind: 'scan', table, columns: table.columns.map((c) => ({ name: c.name, type: c.type })), filter: null, keyLookup: null };
  const narrowWidth = narrow.columns.length;
  const join: JoinPlan = {
    kind: 'join',
    joinType: 'left',
    left: narrow,
    right: lookup,
    leftKeys: keyAt.map((i) => ({ kind: 'column', type: plan.groupBy[i]!.type, index: kept.indexOf(i), name: plan.columns[i]!.name })),
    rightKeys: table.primaryKey.map((k) => ({ kind: 'column', type: table.columns[k]!.type, index: k, name: table.columns[k]!.name })),
    residual: null,
    columns: [...narrow.columns, ...lookup.columns],
  };
  const exprs: Expr[] = plan.columns.map((c, i): Expr => {
    if (i >= plan.groupBy.length) return { kind: 'column', type: c.type, index: kept.length + i - plan.groupBy.length, name: c.name };
    const ordinal = dependent[i] ?? null;
    return { kind: 'column', type: c.type, index: ordinal === null ? kept.indexOf(i) : narrowWidth + ordinal, name: c.name };
  });
  return { kind: 'project', input: join, exprs, columns: plan.columns };
}

export function limitBeforeLookup(plan: Plan): Plan {
  if (plan.kind !== 'limit' || plan.limit === null || plan.input.kind !== 'sort') return plan;
  const sort = plan.input;
  // Projections between the sort and the join fold into one list of expressions over the join's rows.
  let exprs: Expr[] = sort.columns.map((c, i) => ({ kind: 'column', type: c.type, index: i, name: c.name }));
  let below = sort.input;
  while (below.kind === 'project') {
    const inner = below.exprs;
    exprs = exprs.map((e) => mapExpr(e, (x) => (x.kind === 'column' ? inner[x.index]! : null)));
    below = below.input;
  }
  if (below.kind !== 'join' || !isLookup(below)) return plan;
  const join = below;
  const leftWidth = join.left.columns.length;
  const keys = sort.keys.map((k) => ({ ...k, expr: mapExpr(k.expr, (x) => (x.kind === 'column' ? exprs[x.index]! : null)) }));
  if (!keys.every((k) => [...columnsUsed(k.expr)].every((i) => i < leftWidth))) return plan;
  const cut: Plan = {
    kind: 'limit',
    input: { kind: 'sort', input: join.left, keys, columns: join.left.columns },
    limit: plan.limit,
    offset: plan.offset,
    columns: join.left.columns,
  };
  const joined: Plan = { ...join, left: cut };
  const top: Plan = { kind: 'project', input: joined, exprs, columns: plan.columns };
  // The sort stays on top too: a hash join need not keep its left rows' order.
  return { kind: 'sort', input: top, keys: sort.keys, columns: plan.columns };
}

/** A left join whose right side is a table read whole, matched on its primary key: each left row comes out once. */
function isLookup(join: JoinPlan): boolean {
  if (join.joinType !== 'left' || join.residual !== null || join.right.kind !== 'scan') return false;
  const right = join.right;
  if (right.filter !== null || right.keyLookup !== null || right.table.primaryKey.length === 0) return false;
  const keyed = join.rightKeys.map((k) => (k.kind === 'column' ? columnSource(right, k.index)?.ordinal : undefined));
  return right.table.primaryKey.every((k) => keyed.includes(k));
}
