// Rule: a scan whose filter fixes every primary-key column to a constant or parameter becomes a
// point lookup (one LMDB get instead of a scan of every partition).

import type { Expr } from '../plan/expr.js';
import type { Plan } from '../plan/logical.js';
import { columnAndValue } from './column-bounds.js';

export function keyLookup(plan: Plan): Plan {
  if (plan.kind !== 'scan' || plan.filter === null || plan.keyLookup !== null) return plan;
  const pk = plan.table.primaryKey;
  if (pk.length === 0) return plan;
  const conjuncts = plan.filter.kind === 'and' ? plan.filter.args : [plan.filter];
  const values: (Expr | undefined)[] = pk.map(() => undefined);
  for (const c of conjuncts) {
    if (c.kind !== 'binary' || c.op !== '=') continue;
    const pair = columnAndValue(c.left, c.right) ?? columnAndValue(c.right, c.left);
    if (pair === null) continue;
    const slot = pk.indexOf(pair.column);
    // Only when the value already has the column's exact type: the key encoding is by type.
    if (slot < 0 || pair.value.type.kind !== plan.table.columns[pair.column]!.type.kind) continue;
    values[slot] = pair.value;
  }
  if (values.some((v) => v === undefined)) return plan;
  return { ...plan, keyLookup: values as Expr[] };
}
