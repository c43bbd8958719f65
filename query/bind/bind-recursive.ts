// WITH RECURSIVE binding: a CTE whose query refers to its own name becomes a recursive_union of
// its non-recursive term and its recursive term (which reads the working table), after the
// well-formedness checks of PostgreSQL's parse_cte.c (42P19) and its column-type check (42804).

import type { CommonTableExpr, SelectStmt } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { typeName } from '../../src/types/index.js';
import { nameList } from '../parse/ast.js';
import type { OutputColumn, Plan } from '../plan/logical.js';
import type { CteDef, StatementContext } from './context.js';

type Binder = (s: SelectStmt, arm: boolean) => Plan;
type Combiner = (left: Plan, right: Plan) => Plan;

/** Whether `node` (a raw parse tree) names relation `name` unqualified anywhere. */
export function refersTo(node: unknown, name: string): boolean {
  return countReferences(node, name, null) > 0;
}

/**
 * References to `name` in `node`; throws 42P19 when one sits where PostgreSQL forbids it
 * (`context`: the construct it would be within).
 */
function countReferences(node: unknown, name: string, context: string | null): number {
  if (Array.isArray(node)) return node.reduce((n: number, c: unknown) => n + countReferences(c, name, context), 0);
  if (node === null || typeof node !== 'object') return 0;
  const o = node as Record<string, unknown>;
  const rv = o['RangeVar'] as { relname?: string; schemaname?: string } | undefined;
  if (rv !== undefined) {
    if (rv.relname !== name || rv.schemaname !== undefined) return 0;
    if (context !== null) throw wellFormed(`recursive reference to query "${name}" must not appear within ${context}`);
    return 1;
  }
  if (o['SubLink'] !== undefined) return countReferences(o['SubLink'], name, 'a subquery');
  const join = o['JoinExpr'] as { jointype?: string; larg?: unknown; rarg?: unknown; quals?: unknown } | undefined;
  if (join !== undefined) {
    const t = join.jointype ?? 'JOIN_INNER';
    const outerLeft = t === 'JOIN_RIGHT' || t === 'JOIN_FULL' ? 'an outer join' : context;
    const outerRight = t === 'JOIN_LEFT' || t === 'JOIN_FULL' ? 'an outer join' : context;
    return countReferences(join.larg, name, outerLeft) + countReferences(join.rarg, name, outerRight) + countReferences(join.quals, name, context);
  }
  const op = o['op'];
  if ((op === 'SETOP_INTERSECT' || op === 'SETOP_EXCEPT') && 'larg' in o) {
    return countReferences(Object.values(o), name, op === 'SETOP_INTERSECT' ? 'INTERSECT' : 'EXCEPT');
  }
  return countReferences(Object.values(o), name, context);
}

function wellFormed(message: string): EonError {
  return new EonError('invalid_recursion', message);
}

/** Binds recursive CTE `item` (its query `query` refers to itself); `ctes` is its WITH's scope. */
export function bindRecursiveCte(item: CommonTableExpr, query: SelectStmt, stmt: StatementContext, ctes: Map<string, CteDef>, bind: Binder, combine: Combiner): CteDef {
  const name = item.ctename ?? '';
  if (query.op !== 'SETOP_UNION' || query.larg === undefined || query.rarg === undefined) {
    throw wellFormed(`recursive query "${name}" does not have the form non-recursive-term UNION [ALL] recursive-term`);
  }
  if ((query.sortClause ?? []).length > 0) throw new EonError('feature_not_supported', 'ORDER BY in a recursive query is not implemented');
  if (query.limitOffset !== undefined) throw new EonError('feature_not_supported', 'OFFSET in a recursive query is not implemented');
  if (query.limitCount !== undefined) throw new EonError('feature_not_supported', 'LIMIT in a recursive query is not implemented');
  if (query.withClause !== undefined) throw new EonError('feature_not_supported', 'WITH inside a recursive query is not supported');
  if (refersTo(query.larg, name)) throw wellFormed(`recursive reference to query "${name}" must not appear within its non-recursive term`);
  const refs = countReferences(query.rarg, name, null);
  if (refs > 1) throw wellFormed(`recursive reference to query "${name}" must not appear more than once`);

  const anchor = bind(query.larg, false);
  const names = nameList(item.aliascolnames);
  if (names.length > anchor.columns.length) {
    throw new EonError('invalid_column_reference', `WITH query "${name}" has ${anchor.columns.length} columns available but ${names.length} columns specified`);
  }
  const columns: OutputColumn[] = anchor.columns.map((c, i) => ({ name: names[i] ?? c.name, type: c.type }));
  const worktable = stmt.newCteId();
  const worktablePlan: Plan = { kind: 'worktable', id: worktable, columns };
  ctes.set(name, { id: worktable, plan: worktablePlan, columns, worktable: true });
  let recursive: Plan;
  try {
    recursive = bind(query.rarg, true);
  } finally {
    ctes.delete(name);
  }
  if (hasLevelAggregate(recursive)) throw wellFormed("aggregate functions are not allowed in a recursive query's recursive term");
  const combined = combine(anchor, recursive);
  if (combined.kind !== 'setop') throw new EonError('internal_error', 'recursive union did not bind to a set operation');
  combined.columns.forEach((c, i) => {
    const t = anchor.columns[i]!.type;
    if (c.type.kind !== t.kind) {
      throw new EonError('datatype_mismatch', `recursive query "${name}" column ${i + 1} has type ${typeName(t)} in non-recursive term but type ${typeName(c.type)} overall`, {
        hint: 'Cast the output of the non-recursive term to the correct type.',
      });
    }
  });
  const plan: Plan = { kind: 'recursive_union', worktable, all: query.all === true, anchor: combined.left, recursive: combined.right, columns };
  return { id: stmt.newCteId(), plan, columns };
}

/** An aggregate computed at the recursive term's own level (not in a FROM subquery). */
function hasLevelAggregate(p: Plan): boolean {
  switch (p.kind) {
    case 'aggregate':
      return true;
    case 'project':
    case 'filter':
    case 'sort':
    case 'limit':
    case 'distinct':
    case 'window':
      return hasLevelAggregate(p.input);
    default:
      return false;
  }
}
