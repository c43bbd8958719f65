// The physical plan: which operator computes each logical node. Built once per logical plan and
// kept with it (plans are immutable and cached by the session), so a plan run per outer row does
// not build its operators again.

import { assertNever } from '../../plan/expr.js';
import type { Plan } from '../../plan/logical.js';
import { CteScan, WorktableScan } from './cte-scan.js';
import { Distinct } from './distinct.js';
import { Filter } from './filter.js';
import { FunctionRows } from './function-rows.js';
import { HashAggregate } from './hash-aggregate.js';
import { HashJoin } from './hash-join.js';
import { LateralJoin } from './lateral-join.js';
import { Limit } from './limit.js';
import { NestedLoopJoin } from './nested-loop-join.js';
import type { PhysicalOperator } from './operator.js';
import { Projection } from './projection.js';
import { RecursiveUnion } from './recursive-union.js';
import { SetOperation } from './set-operation.js';
import { Sort } from './sort.js';
import { TableScan } from './table-scan.js';
import { TopN } from './top-n.js';
import { Values } from './values.js';
import { Window } from './window.js';

const built = new WeakMap<Plan, PhysicalOperator>();

export function physicalPlan(plan: Plan): PhysicalOperator {
  let op = built.get(plan);
  if (op === undefined) {
    op = build(plan);
    built.set(plan, op);
  }
  return op;
}

function build(plan: Plan): PhysicalOperator {
  switch (plan.kind) {
    case 'scan':
      return new TableScan(plan);
    case 'values':
      return new Values(plan);
    case 'filter':
      return new Filter(plan, physicalPlan(plan.input));
    case 'project':
      return new Projection(plan, physicalPlan(plan.input));
    case 'aggregate':
      return new HashAggregate(plan, physicalPlan(plan.input));
    case 'window':
      return new Window(plan, physicalPlan(plan.input));
    case 'join':
      return plan.leftKeys.length > 0 ? new HashJoin(plan, physicalPlan(plan.left), physicalPlan(plan.right)) : new NestedLoopJoin(plan, physicalPlan(plan.left), physicalPlan(plan.right));
    case 'sort':
      return new Sort(plan, physicalPlan(plan.input));
    case 'limit':
      // ORDER BY … LIMIT n keeps n rows as the input streams (unless LIMIT is ALL/NULL, decided
      // when it runs: TopN then keeps every row, as a sort would).
      return plan.input.kind === 'sort' ? new TopN(plan, plan.input, physicalPlan(plan.input.input)) : new Limit(plan, physicalPlan(plan.input));
    case 'distinct':
      return new Distinct(plan, physicalPlan(plan.input));
    case 'setop':
      return new SetOperation(plan, physicalPlan(plan.left), physicalPlan(plan.right));
    case 'cte_ref':
      return new CteScan(plan, physicalPlan(plan.input));
    case 'recursive_union':
      return new RecursiveUnion(plan, physicalPlan(plan.anchor), physicalPlan(plan.recursive));
    case 'worktable':
      return new WorktableScan(plan);
    case 'lateral':
      return new LateralJoin(plan, physicalPlan(plan.left));
    case 'function_rows':
      return new FunctionRows(plan);
    default:
      return assertNever(plan);
  }
}
