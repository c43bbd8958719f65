// LATERAL in FROM: a FROM item that reads the items before it. `LATERAL (subquery)` and a table
// function (implicitly lateral, as in PostgreSQL) are bound with the earlier items' columns as
// their nearest enclosing row; an item that then reads none of them is an ordinary FROM item. The
// select binder joins a lateral item with a 'lateral' plan node (query/execute/operators/lateral-join.ts), which
// runs its plan once per row of the items before it.

import type { RangeSubselect } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { asNode } from '../parse/ast.js';
import { bindRelation, naturalColumns, type FromEntry, type Relation } from './bind-select.js';
import { LevelContext } from './context.js';
import { Scope, type ScopeColumn } from './scope.js';

/** A scope that records the range variables names resolved to in it. */
export class TrackingScope extends Scope {
  readonly used: (string | null)[] = [];

  override find(table: string | null, name: string): number {
    const i = super.find(table, name);
    if (i >= 0) this.used.push(this.columns[i]!.table);
    return i;
  }
}

/**
 * Binds FROM entry `i` of `entries` (the entries before it bound as `earlier`). LATERAL
 * subqueries and table functions after the first entry see the earlier entries; a RIGHT or FULL
 * join's right side may not read its left side (42P10, as PostgreSQL); a plain subquery naming an
 * earlier entry fails with PostgreSQL's "invalid reference" error and hint.
 */
export function bindFromEntry(entries: readonly FromEntry[], i: number, earlier: readonly Relation[], level: LevelContext): Relation {
  const entry = entries[i]!;
  const sub: RangeSubselect | undefined = asNode(entry.node, 'RangeSubselect');
  const lateralKind = sub !== undefined ? sub.lateral === true : asNode(entry.node, 'RangeFunction') !== undefined;
  if (i === 0 || earlier.length === 0) return bindRelation(entry.node, level);
  if (!lateralKind) return sub === undefined ? bindRelation(entry.node, level) : withInvalidReference(() => bindRelation(entry.node, level), earlier);
  const visible = new TrackingScope(lateralColumns(entries, i, earlier));
  const lateralLevel = new LevelContext(level.stmt, visible, level.parent);
  const bound = bindRelation(entry.node, level, lateralLevel);
  if (visible.used.length === 0) {
    // Reads no earlier item: bound again without the extra level, its outer references (if any)
    // are one level nearer.
    return lateralLevel.correlated ? bindRelation(entry.node, level) : bound;
  }
  const type = entry.join?.type;
  if (type === 'right' || type === 'full') {
    const table = visible.used.find((t) => t !== null) ?? '';
    throw new EonError('invalid_column_reference', `invalid reference to FROM-clause entry for table "${table}"`, {
      detail: 'The combining JOIN type must be INNER or LEFT for a LATERAL reference.',
    });
  }
  if (lateralLevel.correlated) level.correlated = true;
  return { ...bound, lateral: true };
}

/**
 * The columns of the entries before `i`, in FROM order (the left row a lateral item runs with):
 * columns JOIN USING / NATURAL merged away are hidden, so that their unqualified name is the
 * merged column's.
 */
function lateralColumns(entries: readonly FromEntry[], i: number, earlier: readonly Relation[]): ScopeColumn[] {
  const out: ScopeColumn[] = [];
  for (let j = 0; j < i; j++) {
    const spec = entries[j]!.join;
    const scope = earlier[j]!.scope;
    let merged: readonly string[] = [];
    if (spec !== null && spec.type !== 'right') {
      merged = spec.natural ? naturalColumns(new Scope(out.slice(columnsBefore(earlier, entries[j]!.groupStart))), scope) : spec.using;
    }
    out.push(...scope.columns.map((c) => (merged.includes(c.name) ? { ...c, hidden: true } : c)));
  }
  return out;
}

function columnsBefore(relations: readonly Relation[], k: number): number {
  let n = 0;
  for (let j = 0; j < k; j++) n += relations[j]!.scope.columns.length;
  return n;
}

/** A non-LATERAL subquery naming an earlier FROM item: PostgreSQL's error, which hints at LATERAL's place. */
function withInvalidReference(bind: () => Relation, earlier: readonly Relation[]): Relation {
  try {
    return bind();
  } catch (e) {
    const m = e instanceof EonError && e.code === 'undefined_table' ? /^missing FROM-clause entry for table "(.*)"$/.exec(e.message) : null;
    const table = m?.[1];
    if (table === undefined || !earlier.some((r) => r.scope.hasTable(table))) throw e;
    throw new EonError('undefined_table', `invalid reference to FROM-clause entry for table "${table}"`, {
      hint: `There is an entry for table "${table}", but it cannot be referenced from this part of the query.`,
    });
  }
}
