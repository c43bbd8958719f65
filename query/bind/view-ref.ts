// A view named in FROM: bound as a subquery of its stored definition, parsed again and bound in
// the referencing statement, so its names resolve at use (a table dropped since fails as 42P01)
// and the optimizer sees through it. The view's column names (its `(cols)` list, or the names its
// query gave at CREATE) apply, then the reference's own column aliases.

import type { Node } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import type { ViewSchema } from '../../storage/index.js';
import { nodeTag } from '../parse/ast.js';
import { parseOne } from '../parse/parser.js';
import type { Plan } from '../plan/logical.js';
import type { StatementContext } from './context.js';
import { Scope } from './scope.js';

/** Views being expanded per statement, innermost last: a view reached again is a cycle. */
const expanding = new WeakMap<StatementContext, string[]>();

/** The stored definition's SelectStmt node, parsed afresh (the binder may annotate trees). */
export function viewQuery(view: ViewSchema): Node {
  const st = parseOne(view.query);
  if (st === null || st.kind !== 'query' || nodeTag(st.ast) !== 'SelectStmt') {
    throw new EonError('internal_error', `the definition of view "${view.name}" is not a query`);
  }
  return st.ast;
}

export function bindViewReference<R extends { plan: Plan; scope: Scope }>(
  view: ViewSchema,
  stmt: StatementContext,
  rangeName: string,
  columnAliases: readonly string[],
  bind: (subselect: Node) => R,
): R {
  const stack = expanding.get(stmt) ?? [];
  if (stack.includes(view.name)) throw new EonError('invalid_object_definition', `infinite recursion detected in rules for relation "${view.name}"`);
  const colnames = view.columns.map((c, i) => columnAliases[i] ?? c.name);
  // Aliases beyond the view's columns: the binder's own check reports them against the range name.
  for (let i = view.columns.length; i < columnAliases.length; i++) colnames.push(columnAliases[i]!);
  const subselect: Node = {
    RangeSubselect: {
      subquery: viewQuery(view),
      alias: { aliasname: rangeName, colnames: colnames.map((sval) => ({ String: { sval } })) },
    },
  };
  stack.push(view.name);
  expanding.set(stmt, stack);
  stmt.noteAccess(view, true, 'SELECT');
  const outer = stmt.viewBeingBound;
  stmt.viewBeingBound = view.id;
  try {
    return keepViewColumns(stmt.withoutCtes(() => bind(subselect)), view.columns.length);
  } finally {
    stmt.viewBeingBound = outer;
    stack.pop();
  }
}

/**
 * A view has the columns it had at CREATE, as in PostgreSQL (which expands `*` then): should its
 * query now give more (a `*` over a table that gained columns), the extra ones are cut off.
 */
function keepViewColumns<R extends { plan: Plan; scope: Scope }>(bound: R, width: number): R {
  const { plan, scope } = bound;
  if (plan.columns.length <= width) return bound;
  const columns = plan.columns.slice(0, width);
  const exprs = columns.map((c, index) => ({ kind: 'column' as const, type: c.type, index, name: c.name }));
  return { ...bound, plan: { kind: 'project', input: plan, exprs, columns }, scope: new Scope(scope.columns.slice(0, width)) };
}
