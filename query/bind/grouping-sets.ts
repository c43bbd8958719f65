// GROUP BY with grouping sets (ROLLUP, CUBE, GROUPING SETS, mixed with plain keys): the expansion
// of the clause into its list of sets, as PostgreSQL's transformGroupingSet / expand_grouping_sets
// define it, and the plan that computes them: one aggregation per set over the same input, the
// results unioned (UNION ALL), a set's absent keys NULL and each grouping(…) its per-set constant.

import { EonError } from '../../src/errors/index.js';
import { T } from '../../src/types/index.js';
import { asNode, type Node } from '../parse/ast.js';
import { exprChildren, type Expr } from '../plan/expr.js';
import type { AggregateCall, OutputColumn, Plan } from '../plan/logical.js';

/** PostgreSQL's limit on the grouping sets one GROUP BY expands to (parse_agg.c). */
export const GROUPING_SETS_MAX = 4096;
/** PostgreSQL's limit on the elements of one CUBE (parse_clause.c). */
export const CUBE_ELEMENTS_MAX = 12;
/** grouping(…) returns a bit per argument in an int4: PostgreSQL allows 31 arguments. */
export const GROUPING_ARGUMENTS_MAX = 31;

/** One grouping set: the key expressions (parse nodes) it groups by. */
type NodeSet = readonly Node[];

/**
 * The grouping sets of a GROUP BY clause, as lists of key nodes: the cross product of its items,
 * each a plain key (one set), `()`, ROLLUP, CUBE or GROUPING SETS. A plain GROUP BY is one set.
 * With `distinct` (GROUP BY DISTINCT) sets that group by the same keys are kept once; `keyOf`
 * identifies a node's key (the binder's index of the bound expression).
 */
export function expandGroupingSets(groupClause: readonly Node[], distinct: boolean, keyOf: (n: Node) => number): number[][] {
  let result: NodeSet[] = [[]];
  for (const item of groupClause) {
    const sets = expandItem(item, true);
    if (result.length * sets.length > GROUPING_SETS_MAX) {
      throw new EonError('statement_too_complex', `too many grouping sets present (maximum ${GROUPING_SETS_MAX})`);
    }
    result = result.flatMap((q) => sets.map((r) => [...q, ...r]));
  }
  const out: number[][] = [];
  const seen = new Set<string>();
  for (const set of result) {
    const keys = [...new Set(set.map(keyOf))];
    if (distinct) {
      const k = [...keys].sort((a, b) => a - b).join(',');
      if (seen.has(k)) continue;
      seen.add(k);
    }
    out.push(keys);
  }
  return out;
}

/** The sets one GROUP BY item (or one element of a GROUPING SETS list) stands for. */
function expandItem(item: Node, topLevel: boolean): NodeSet[] {
  const gs = asNode(item, 'GroupingSet');
  if (gs === undefined) return [simpleSet(item)];
  const content = gs.content ?? [];
  switch (gs.kind) {
    case 'GROUPING_SET_EMPTY':
      return [[]];
    case 'GROUPING_SET_SIMPLE':
      return [content];
    case 'GROUPING_SET_ROLLUP': {
      // ROLLUP (a, b): (a, b), (a), ().
      const elements = content.map(simpleSet);
      const out: NodeSet[] = [];
      for (let n = elements.length; n >= 0; n--) out.push(elements.slice(0, n).flat());
      return out;
    }
    case 'GROUPING_SET_CUBE': {
      if (content.length > CUBE_ELEMENTS_MAX) throw new EonError('too_many_columns', `CUBE is limited to ${CUBE_ELEMENTS_MAX} elements`);
      // CUBE (a, b): every subset, in PostgreSQL's order (bit i of the counter takes element i).
      const elements = content.map(simpleSet);
      const out: NodeSet[] = [];
      for (let mask = 0; mask < 1 << elements.length; mask++) out.push(elements.filter((_, i) => (mask & (1 << i)) !== 0).flat());
      return out;
    }
    case 'GROUPING_SET_SETS': {
      const out: NodeSet[] = [];
      for (const element of content) {
        out.push(...expandItem(element, false));
        if (out.length > GROUPING_SETS_MAX) throw new EonError('statement_too_complex', `too many grouping sets present (maximum ${GROUPING_SETS_MAX})`);
      }
      return out;
    }
    default:
      throw new EonError('internal_error', `unexpected grouping set kind ${String(gs.kind)}${topLevel ? '' : ' in GROUPING SETS'}`);
  }
}

/** A key or a parenthesized list of keys `(a, b)` (a RowExpr the parser marks implicit): one set. */
function simpleSet(node: Node): NodeSet {
  const row = asNode(node, 'RowExpr');
  if (row !== undefined && row.row_format === 'COERCE_IMPLICIT_CAST') return row.args ?? [];
  return [node];
}

/** Whether GROUP BY needs the grouping-sets plan: more than one set, or grouping(…) calls to replace. */
export function needsGroupingSetsPlan(sets: readonly (readonly number[])[], calls: readonly AggregateCall[]): boolean {
  return sets.length > 1 || calls.some((c) => c.name === 'grouping');
}

/**
 * The grouping sets' rows: per set, an aggregate of `input` grouped by the set's keys, projected
 * to the layout of one aggregate over all keys (`groupExprs`, then `calls`), absent keys NULL and
 * grouping(…) calls (args: columns naming group keys) their bit masks; the sets' rows in set order.
 * `shareInput` makes the input one computed result (a CTE reference) when it is worth sharing.
 */
export function groupingSetsPlan(
  input: Plan,
  groupExprs: readonly Expr[],
  calls: readonly AggregateCall[],
  sets: readonly (readonly number[])[],
  shareInput: (input: Plan) => Plan,
): Plan {
  const columns: OutputColumn[] = [
    ...groupExprs.map((e, i) => ({ name: `group${i}`, type: e.type })),
    ...calls.map((c, i) => ({ name: `agg${i}`, type: c.type })),
  ];
  const aggregates = calls.filter((c) => c.name !== 'grouping');
  // A plain scan is read again per set (each set's aggregate can then run in the data engines);
  // anything else is computed once.
  const source = sets.length > 1 && !(input.kind === 'scan' && !hasVolatile(input.filter)) ? shareInput(input) : input;
  const arms = sets.map((set): Plan => {
    const aggregate: Plan = {
      kind: 'aggregate',
      input: source,
      groupBy: set.map((i) => groupExprs[i]!),
      aggregates,
      columns: [...set.map((i) => ({ name: `group${i}`, type: groupExprs[i]!.type })), ...aggregates.map((c, j) => ({ name: `agg${j}`, type: c.type }))],
    };
    const exprs: Expr[] = groupExprs.map((e, i): Expr => {
      const at = set.indexOf(i);
      return at >= 0 ? { kind: 'column', type: e.type, index: at, name: `group${i}` } : { kind: 'const', type: e.type, value: null };
    });
    let real = 0;
    for (const c of calls) {
      if (c.name === 'grouping') exprs.push({ kind: 'const', type: T.int4, value: groupingMask(c, set) });
      else {
        exprs.push({ kind: 'column', type: c.type, index: set.length + real, name: `agg${real}` });
        real++;
      }
    }
    return { kind: 'project', input: aggregate, exprs, columns };
  });
  return arms.slice(1).reduce((left, right): Plan => ({ kind: 'setop', op: 'union', all: true, left, right, columns }), arms[0]!);
}

/** grouping(a, b, …) in one set: bit n-1-i set when argument i is not among the set's keys (PostgreSQL's order). */
export function groupingMask(call: AggregateCall, set: readonly number[]): number {
  let mask = 0;
  for (const a of call.args) {
    const key = a.kind === 'column' ? a.index : -1;
    mask = (mask << 1) | (set.includes(key) ? 0 : 1);
  }
  return mask;
}

function hasVolatile(e: Expr | null): boolean {
  if (e === null) return false;
  if (e.kind === 'call' && e.volatile) return true;
  return exprChildren(e).some(hasVolatile);
}
