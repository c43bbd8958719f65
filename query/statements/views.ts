// CREATE [OR REPLACE] VIEW and DROP VIEW, and what depends on views: the relations a view reads
// (DROP TABLE/VIEW refuses to leave a view without them unless CASCADE, as PostgreSQL does), and
// the refusal to write into a view.

import { scanSync } from 'libpg-query';
import type { DropStmt, Node, SelectStmt, ViewStmt } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { T, typeName, type ColumnType } from '../../src/types/index.js';
import type { Store, ViewColumn, ViewSchema } from '../../storage/index.js';
import { StatementContext } from '../bind/context.js';
import { bindQuery } from '../bind/bind-select.js';
import { containsAggregate } from '../bind/bind-expr.js';
import { viewQuery } from '../bind/view-ref.js';
import { withSystemEnvironment } from '../catalog/index.js';
import { asNode, baseName, nameList, nodeTag } from '../parse/ast.js';
import type { CompiledStatement, EngineServices } from '../session/compile.js';
import type { QueryResult } from '../session/contract.js';
import type { WriteSet } from '../../storage/write-set.js';
import type { TableDdl } from './ddl.js';

/** PostgreSQL's limit on columns per relation, views included. */
export const VIEW_COLUMNS_MAX = 1600;

const VIEW_ACTIONS = {
  insert: { phrase: 'insert into', hint: 'To enable inserting into the view, provide an INSTEAD OF INSERT trigger or an unconditional ON INSERT DO INSTEAD rule.' },
  update: { phrase: 'update', hint: 'To enable updating the view, provide an INSTEAD OF UPDATE trigger or an unconditional ON UPDATE DO INSTEAD rule.' },
  delete: { phrase: 'delete from', hint: 'To enable deleting from the view, provide an INSTEAD OF DELETE trigger or an unconditional ON DELETE DO INSTEAD rule.' },
} as const;

/**
 * INSERT, UPDATE or DELETE naming a view. A view PostgreSQL cannot update either fails as there
 * (55000, with its reason); one PostgreSQL would update automatically fails with 0A000: eon has
 * no updatable views yet.
 */
export function viewNotUpdatable(view: ViewSchema, action: keyof typeof VIEW_ACTIONS): EonError {
  const { phrase, hint } = VIEW_ACTIONS[action];
  const reason = notAutoUpdatableReason(asNode(viewQuery(view), 'SelectStmt')!);
  if (reason !== null) return new EonError('object_not_in_prerequisite_state', `cannot ${phrase} view "${view.name}"`, { detail: reason, hint });
  return new EonError('feature_not_supported', `cannot ${phrase} view "${view.name}": views are not updatable in eon yet`, {
    hint: 'Write to the table the view reads.',
  });
}

/** Why PostgreSQL would not update a view automatically (its checks, in its order), or null. */
function notAutoUpdatableReason(s: SelectStmt): string | null {
  const views = (what: string): string => `Views ${what} are not automatically updatable.`;
  if ((s.distinctClause ?? []).length > 0) return views('containing DISTINCT');
  if ((s.groupClause ?? []).length > 0) return views('containing GROUP BY');
  if (s.havingClause !== undefined) return views('containing HAVING');
  if (s.op !== undefined && s.op !== 'SETOP_NONE') return views('containing UNION, INTERSECT, or EXCEPT');
  if (s.withClause !== undefined) return views('containing WITH');
  if (s.limitCount !== undefined || s.limitOffset !== undefined) return views('containing LIMIT or OFFSET');
  if (containsAggregate(s.targetList)) return views('that return aggregate functions');
  if ((s.targetList ?? []).some((t) => JSON.stringify(t).includes('"over":'))) return views('that return window functions');
  const from = s.fromClause ?? [];
  if (from.length !== 1 || asNode(from[0], 'RangeVar') === undefined) return views('that do not select from a single table or view');
  return null;
}

/**
 * One view change made in a transaction block, as ROLLBACK takes it back: the view as it was
 * before (recreated), or null when there was none (dropped). Views hold no rows, so their DDL can
 * be undone exactly, unlike DROP TABLE.
 */
interface ViewUndo {
  readonly name: string;
  readonly before: ViewSchema | null;
}

/** Per open transaction block (keyed by its write set): its view changes, oldest first. */
const undoLogs = new WeakMap<WriteSet, ViewUndo[]>();

function noteViewChange(writes: WriteSet | undefined, name: string, before: ViewSchema | null): void {
  if (writes === undefined) return;
  const log = undoLogs.get(writes) ?? [];
  log.push({ name, before: before === null ? null : { ...before, columns: before.columns.map((c) => ({ ...c })), dependsOn: [...before.dependsOn] } });
  undoLogs.set(writes, log);
}

/** Where a savepoint's ROLLBACK TO will take the block's view changes back to. */
export function viewUndoMark(writes: WriteSet): number {
  return undoLogs.get(writes)?.length ?? 0;
}

/** Takes back the block's view changes after `mark`, newest first; true if there were any. */
export async function undoViewChanges(writes: WriteSet, ddl: TableDdl, store: Store, mark: number): Promise<boolean> {
  const log = undoLogs.get(writes);
  if (log === undefined || log.length <= mark) return false;
  while (log.length > mark) {
    const { name, before } = log.pop()!;
    const now = store.getView(name);
    if (before === null) {
      if (now !== undefined) await ddl.dropView(name);
    } else {
      await ddl.createView({ name, query: before.query, columns: before.columns, dependsOn: before.dependsOn, id: before.id }, { replace: now !== undefined });
    }
  }
  return true;
}

export function compileCreateView(s: ViewStmt, text: string, services: EngineServices): CompiledStatement {
  return {
    paramTypes: [],
    columns: null,
    changesCatalog: true,
    run: async (_params, _signal, writes) => createView(s, text, services, writes),
  };
}

export function compileDropView(s: DropStmt, services: EngineServices): CompiledStatement {
  return {
    paramTypes: [],
    columns: null,
    changesCatalog: true,
    run: async (_params, _signal, writes) => dropView(s, services.store, services.ddl, writes),
  };
}

async function createView(s: ViewStmt, text: string, services: EngineServices, writes: WriteSet | undefined): Promise<QueryResult> {
  const store = services.store;
  const name = s.view?.relname ?? '';
  const replace = s.replace === true;
  if (s.view?.relpersistence === 't') throw new EonError('feature_not_supported', 'temporary views are not supported yet');
  if ((s.options ?? []).length > 0) throw new EonError('feature_not_supported', 'CREATE VIEW ... WITH (...) is not supported yet');
  if (s.withCheckOption !== undefined && s.withCheckOption !== 'NO_CHECK_OPTION') {
    throw new EonError('feature_not_supported', 'WITH CHECK OPTION is not supported yet: views are not updatable in eon');
  }
  if (s.query === undefined || nodeTag(s.query) !== 'SelectStmt') throw new EonError('syntax_error', 'CREATE VIEW needs a query');
  if (/^\s*create\s+(or\s+replace\s+)?((temp|temporary)\s+)?recursive\s/i.test(text)) throw new EonError('feature_not_supported', 'CREATE RECURSIVE VIEW is not supported yet');
  if (store.getTable(name) !== undefined) {
    if (replace) throw new EonError('wrong_object_type', `"${name}" is not a view`);
    throw new EonError('duplicate_table', `relation "${name}" already exists`);
  }
  const old = store.getView(name);
  if (old !== undefined && !replace) throw new EonError('duplicate_table', `relation "${name}" already exists`);

  const query = queryTextOf(text);
  const ctx = new StatementContext(store, []);
  const { result: plan } = withSystemEnvironment(services.system, () => bindQuery(s.query!, ctx));
  if (ctx.params.length > 0) throw new EonError('undefined_parameter', 'there is no parameter $1');
  const aliases = nameList(s.aliases);
  if (aliases.length > plan.columns.length) throw new EonError('syntax_error', 'CREATE VIEW specifies more column names than columns');
  const columns: ViewColumn[] = plan.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: storedType(c.type) }));
  if (columns.length > VIEW_COLUMNS_MAX) throw new EonError('program_limit_exceeded', `views can have at most ${VIEW_COLUMNS_MAX} columns`);
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new EonError('duplicate_column', `column "${c.name}" specified more than once`);
    seen.add(c.name);
  }
  if (old !== undefined) checkReplacement(old, columns);
  const dependsOn = relationsRead(s.query, store);
  if (dependsOn.some((d) => d === name || dependsTransitively(store, d, name))) {
    throw new EonError('invalid_object_definition', `infinite recursion detected in rules for relation "${name}"`);
  }
  await services.ddl.createView({ name, query, columns, dependsOn }, { replace });
  noteViewChange(writes, name, old ?? null);
  return { command: 'CREATE VIEW', rowCount: 0, columns: null, rows: [] };
}

/** PostgreSQL gives a view's unknown-typed columns (bare string literals) type text. */
function storedType(t: ColumnType): ColumnType {
  return t.kind === 'unknown' ? T.text : t;
}

/** OR REPLACE keeps every column's name and type, in order; it may only add columns at the end. */
function checkReplacement(old: ViewSchema, columns: readonly ViewColumn[]): void {
  if (columns.length < old.columns.length) throw new EonError('invalid_table_definition', 'cannot drop columns from view');
  old.columns.forEach((o, i) => {
    const n = columns[i]!;
    if (n.name !== o.name) {
      throw new EonError('invalid_table_definition', `cannot change name of view column "${o.name}" to "${n.name}"`, {
        hint: 'Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.',
      });
    }
    if (typeName(n.type) !== typeName(o.type)) {
      throw new EonError('invalid_table_definition', `cannot change data type of view column "${o.name}" from ${typeName(o.type)} to ${typeName(n.type)}`);
    }
  });
}

/**
 * The defining query as written: the statement's text after its first top-level AS (the scanner's
 * tokens, so quoted names and comments before it cannot mislead). Offsets are UTF-8 bytes.
 */
function queryTextOf(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let depth = 0;
  for (const t of scanSync(text).tokens) {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.text.toLowerCase() === 'as' && t.keywordName === 'RESERVED_KEYWORD') {
      return bytes.subarray(t.end).toString('utf8').trim().replace(/;\s*$/, '');
    }
  }
  throw new EonError('syntax_error', 'CREATE VIEW needs AS followed by a query');
}

/** User tables and views a query names (CTE names excepted), each once, in order. */
export function relationsRead(query: Node, store: Store): string[] {
  const ctes = new Set<string>();
  const named: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const item of x) walk(item);
      return;
    }
    if (typeof x !== 'object' || x === null) return;
    const o = x as Record<string, unknown>;
    const cte = asNode(o as Node, 'CommonTableExpr');
    if (cte?.ctename !== undefined) ctes.add(cte.ctename);
    const rv = asNode(o as Node, 'RangeVar');
    if (rv?.relname !== undefined && (rv.schemaname === undefined || rv.schemaname === 'public')) named.push(rv.relname);
    for (const v of Object.values(o)) walk(v);
  };
  walk(query);
  const out: string[] = [];
  for (const n of named) {
    if (ctes.has(n) || out.includes(n)) continue;
    if (store.getTable(n) !== undefined || store.getView(n) !== undefined) out.push(n);
  }
  return out;
}

function dependsTransitively(store: Store, from: string, target: string, seen = new Set<string>()): boolean {
  const v = store.getView(from);
  if (v === undefined || seen.has(from)) return false;
  seen.add(from);
  return v.dependsOn.some((d) => d === target || dependsTransitively(store, d, target, seen));
}

/** Views reading `name`, directly or through other views, dependents after what they read. */
function dependentViews(store: Store, names: readonly string[]): { view: ViewSchema; on: string }[] {
  const out: { view: ViewSchema; on: string }[] = [];
  const queue = [...names];
  while (queue.length > 0) {
    const n = queue.shift()!;
    for (const v of store.listViews()) {
      if (!v.dependsOn.includes(n) || out.some((o) => o.view.name === v.name) || names.includes(v.name)) continue;
      out.push({ view: v, on: n });
      queue.push(v.name);
    }
  }
  return out;
}

/**
 * Before DROP TABLE or DROP VIEW of `names`: without CASCADE, fails with 2BP01 when a view (not
 * itself dropped) reads one of them; with CASCADE, drops those views first (dependents first).
 */
export async function dropDependentViews(
  store: Store,
  ddl: TableDdl,
  kind: 'table' | 'view',
  names: readonly string[],
  cascade: boolean,
  onDropped: (view: ViewSchema) => void = () => {},
): Promise<void> {
  const dependents = dependentViews(store, names);
  if (dependents.length === 0) return;
  if (!cascade) {
    const first = names.find((n) => dependents.some((d) => d.on === n))!;
    const kindOf = (n: string): string => (store.getView(n) !== undefined ? 'view' : 'table');
    throw new EonError('dependent_objects_still_exist', `cannot drop ${kind} ${first} because other objects depend on it`, {
      detail: dependents.map((d) => `view ${d.view.name} depends on ${kindOf(d.on)} ${d.on}`).join('\n'),
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
  }
  for (const d of [...dependents].reverse()) {
    const view = store.getView(d.view.name);
    if (view === undefined) continue;
    await ddl.dropView(view.name);
    onDropped(view);
  }
}

async function dropView(s: DropStmt, store: Store, ddl: TableDdl, writes: WriteSet | undefined): Promise<QueryResult> {
  const ifExists = s.missing_ok === true;
  const names = (s.objects ?? []).map((o) => baseName(asNode(o, 'List')?.items));
  for (const n of names) {
    if (store.getView(n) !== undefined) continue;
    if (store.getTable(n) !== undefined) throw new EonError('wrong_object_type', `"${n}" is not a view`, { hint: 'Use DROP TABLE to remove a table.' });
    if (!ifExists) throw new EonError('undefined_table', `view "${n}" does not exist`);
  }
  const present = names.filter((n) => store.getView(n) !== undefined);
  await dropDependentViews(store, ddl, 'view', present, s.behavior === 'DROP_CASCADE', (v) => noteViewChange(writes, v.name, v));
  // Among the named views, one that another named view reads goes after it.
  const remaining = [...present];
  while (remaining.length > 0) {
    const free = remaining.findIndex((n) => !remaining.some((m) => m !== n && store.getView(m)?.dependsOn.includes(n) === true));
    const n = remaining.splice(Math.max(free, 0), 1)[0]!;
    const view = store.getView(n);
    if (view === undefined) continue;
    await ddl.dropView(n);
    noteViewChange(writes, n, view);
  }
  return { command: 'DROP VIEW', rowCount: 0, columns: null, rows: [] };
}
