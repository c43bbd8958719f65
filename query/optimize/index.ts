// The optimizer: node rules applied bottom-up over the logical plan, then whole-plan rules. Each
// rule lives in its own file and can be switched off by name (EON_OPTIMIZER_OFF=rule,rule) to
// test rules one by one.

import { mapExpr, type Expr } from '../plan/expr.js';
import type { Plan } from '../plan/logical.js';
import { pruneColumns } from './column-pruning.js';
import { dateBounds } from './date-bounds.js';
import { decorrelate } from './decorrelate.js';
import { lateralJoin } from './lateral-join.js';
import { eagerAggregation } from './eager-aggregation.js';
import { pushFilters } from './filter-pushdown.js';
import { keyLookup } from './key-lookup.js';
import { indexLookup } from './index-lookup.js';
import { keyRange } from './key-range.js';
import { groupKeyReduction, limitBeforeLookup } from './late-materialization.js';
import { distinctAggregate } from './distinct-aggregate.js';
import { distinctArgumentAggregate } from './distinct-argument-aggregate.js';

type Rule = (plan: Plan) => Plan;

const NODE_RULES: readonly { name: string; rule: Rule }[] = [
  { name: 'date_bounds', rule: dateBounds },
  { name: 'key_lookup', rule: keyLookup },
  { name: 'index_lookup', rule: indexLookup },
  { name: 'key_range', rule: keyRange },
  { name: 'filter_pushdown', rule: (p) => pushFilters(p, disabled.has('decorrelate') ? undefined : decorrelate) },
  { name: 'decorrelate', rule: decorrelate },
  { name: 'lateral_join', rule: lateralJoin },
  { name: 'eager_aggregation', rule: eagerAggregation },
  { name: 'group_key_reduction', rule: groupKeyReduction },
  { name: 'distinct_aggregate', rule: distinctAggregate },
  { name: 'distinct_argument_aggregate', rule: distinctArgumentAggregate },
  { name: 'limit_before_lookup', rule: limitBeforeLookup },
];
/** Rules that need the whole plan (what the root reads), run once after the node rules. */
const PLAN_RULES: readonly { name: string; rule: Rule }[] = [{ name: 'column_pruning', rule: pruneColumns }];

const disabled = new Set((process.env.EON_OPTIMIZER_OFF ?? '').split(',').filter((s) => s !== ''));

export function optimize(plan: Plan): Plan {
  let out = optimizeNodes(plan);
  for (const r of PLAN_RULES) if (!disabled.has(r.name)) out = r.rule(out);
  return out;
}

function optimizeNodes(plan: Plan): Plan {
  let out = mapChildren(optimizeSubqueries(plan), optimizeNodes);
  for (const r of NODE_RULES) if (!disabled.has(r.name)) out = r.rule(out);
  return out;
}

/**
 * Subqueries in filters and select lists are plans of their own: their node rules run first.
 * Whole-plan rules run only at the root, as decorrelation may pull a subquery into the outer plan.
 */
function optimizeSubqueries(p: Plan): Plan {
  const inner = (e: Expr): Expr =>
    mapExpr(e, (x) =>
      x.kind === 'subquery' || x.kind === 'in_subquery' || x.kind === 'quantified'
        ? ({ ...x, ...(x.kind === 'subquery' ? {} : { arg: inner(x.arg) }), plan: optimizeNodes(x.plan) } as Expr)
        : null,
    );
  switch (p.kind) {
    case 'filter':
      return { ...p, predicate: inner(p.predicate) };
    case 'scan':
      return p.filter === null ? p : { ...p, filter: inner(p.filter) };
    case 'project':
      return { ...p, exprs: p.exprs.map(inner) };
    default:
      return p;
  }
}

function mapChildren(p: Plan, f: (p: Plan) => Plan): Plan {
  switch (p.kind) {
    case 'scan':
    case 'values':
    case 'worktable':
    case 'function_rows':
      return p;
    case 'recursive_union':
      return { ...p, anchor: f(p.anchor), recursive: f(p.recursive) };
    case 'filter':
    case 'project':
    case 'aggregate':
    case 'window':
    case 'sort':
    case 'limit':
    case 'distinct':
    case 'cte_ref':
      return { ...p, input: f(p.input) } as Plan;
    case 'join':
    case 'setop':
    case 'lateral':
      return { ...p, left: f(p.left), right: f(p.right) } as Plan;
  }
}
