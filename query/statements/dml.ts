// INSERT (VALUES or SELECT, ON CONFLICT, RETURNING), UPDATE and DELETE, bound from PostgreSQL's
// parse tree (InsertStmt, UpdateStmt, DeleteStmt): bound once, executed with parameters as one
// LMDB write transaction each (all rows or none), or inside a transaction block into its write set.

import type { DeleteStmt, InsertStmt, Node, OnConflictClause, RangeVar, ResTarget, ReturningClause, SelectStmt, UpdateStmt, WithClause } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { T, formatText, type ColumnType, type Value } from '../../src/types/index.js';
import { encodeKey, keyOf, type IndexSchema, type RowKey, type Store, type TableSchema, type WriteOptions, type WriteTx } from '../../storage/index.js';
import { pkTypes } from '../../storage/store.js';
import type { WriteSet } from '../../storage/write-set.js';
import { asNode, constLiteral, nodeTag } from '../parse/ast.js';
import type { Expr } from '../plan/expr.js';
import { subqueryPlans, type OutputColumn, type Plan } from '../plan/logical.js';
import { LevelContext, type StatementContext } from '../bind/context.js';
import { bindExpr } from '../bind/bind-expr.js';
import { bindSubquery } from '../bind/bind-select.js';
import { Scope } from '../bind/scope.js';
import { coerce, requireBoolean } from '../bind/typing.js';
import { compileExpr, compilePredicate, type Row } from '../execute/compile-expr.js';
import { CANCEL_CHECK_ROWS, ExecContext } from '../execute/context.js';
import { drainSync } from '../execute/operators/drive.js';
import { indexScanRows } from '../execute/index-scan.js';
import { checkServedHere } from '../execute/served-here.js';
import { keyRangeRows } from '../execute/key-range-scan.js';
import { writeQuorumFor, type StatementQuorum } from '../execute/statement-quorum.js';
import { optimize } from '../optimize/index.js';
import type { QueryResult } from '../session/contract.js';
import { bindChecks, bindDefaultFill, defaultExpr, enforceChecks, fillDefaults, type CompiledChecks } from './column-rules.js';
import { viewNotUpdatable } from './views.js';

/** INSERTs of at least this many rows are written as bulk writes (see Store.write). */
export const BULK_INSERT_ROWS_MIN = 65_536;

export interface DmlPlan {
  readonly kind: 'insert' | 'update' | 'delete';
  readonly table: TableSchema;
  readonly returning: { exprs: Expr[]; columns: OutputColumn[] } | null;
  /**
   * With `writes` (inside a transaction block) the rows go to the block's write set, not to the
   * store. `quorum`: the statement's own W (eon.write_quorum), checked against the table's N.
   * `cluster` reads where the rows are (unset: a node alone).
   */
  execute(
    store: Store,
    params: readonly Value[],
    signal: AbortSignal | undefined,
    cellsMax: number,
    writes?: WriteSet,
    quorum?: StatementQuorum,
    cluster?: DmlReads,
  ): Promise<QueryResult>;
}

/** How a DML statement reads on a cluster. */
export interface DmlReads {
  /**
   * Runs a query as a SELECT does (its fragments in the data engines, on the nodes that serve its
   * tables' partitions): INSERT reads its rows through it.
   */
  select(plan: Plan): Promise<Row[]>;
  /** Digest reads of the tables an UPDATE or DELETE reads on this node, before its write reads them. */
  syncLocalReads(plan: Plan, ctx: ExecContext): Promise<void>;
}

function tableScope(table: TableSchema, alias: string): Scope {
  return new Scope(table.columns.map((c) => ({ table: alias, name: c.name, type: c.type })));
}

/** The target table of a DML statement and the name its columns are qualified by (its alias, else its name). */
function lookupTable(rv: RangeVar | undefined, stmt: StatementContext, action: 'insert' | 'update' | 'delete' = 'insert', reads = false): { table: TableSchema; alias: string } {
  // The schema is not checked (public.t and t are the same table), as before.
  const name = rv?.relname ?? '';
  const table = stmt.catalog.getTable(name);
  const view = table === undefined ? stmt.catalog.getView?.(name) : undefined;
  if (view !== undefined) throw viewNotUpdatable(view, action);
  if (table === undefined) throw new EonError('undefined_table', `relation "${name}" does not exist`);
  // PostgreSQL asks SELECT too when the statement reads the target's columns (WHERE, RETURNING, ON CONFLICT … UPDATE).
  stmt.noteAccess(table, false, action === 'insert' ? 'INSERT' : action === 'update' ? 'UPDATE' : 'DELETE');
  if (reads) stmt.noteAccess(table, false, 'SELECT');
  return { table, alias: rv?.alias?.aliasname ?? table.name };
}

/**
 * WITH attached to the DML statement itself (not to its SELECT): its CTEs would have to be visible
 * to every clause, which the SELECT binder's CTE scoping does not offer from here yet.
 */
function refuseWith(clause: WithClause | undefined, command: string): void {
  if (clause !== undefined) throw new EonError('feature_not_supported', `WITH on ${command} is not supported yet`);
}

/**
 * Binds an expression of a clause where PostgreSQL allows neither aggregates nor window functions;
 * the clause names the error ("aggregate functions are not allowed in WHERE").
 */
function bindInClause(n: Node, level: LevelContext, clause: string): Expr {
  const { noAggregates, noWindows } = level;
  level.noAggregates = clause;
  level.noWindows = clause;
  try {
    return bindExpr(n, level);
  } finally {
    level.noAggregates = noAggregates;
    level.noWindows = noWindows;
  }
}

function resTarget(n: Node): ResTarget {
  const t = asNode(n, 'ResTarget');
  if (t === undefined) throw new Error(`expected a ResTarget, got ${nodeTag(n)}`);
  return t;
}

/** The last String of a ColumnRef's fields (its column name), or undefined. */
function columnRefName(n: Node): string | undefined {
  const fields = asNode(n, 'ColumnRef')?.fields ?? [];
  const last = fields[fields.length - 1];
  return last === undefined ? undefined : asNode(last, 'String')?.sval;
}

function bindReturning(clause: ReturningClause | undefined, level: LevelContext, table: TableSchema, alias: string): DmlPlan['returning'] {
  const items = clause?.exprs ?? [];
  if (items.length === 0) return null;
  if ((clause?.options ?? []).length > 0) throw new EonError('feature_not_supported', 'RETURNING WITH (OLD AS …, NEW AS …) is not supported yet');
  const exprs: Expr[] = [];
  const columns: OutputColumn[] = [];
  for (const item of items) {
    const target = resTarget(item);
    const e = target.val;
    if (e === undefined) throw new Error('RETURNING item without an expression');
    const fields = asNode(e, 'ColumnRef')?.fields ?? [];
    const last = fields[fields.length - 1];
    if (last !== undefined && asNode(last, 'A_Star') !== undefined) {
      // `*` or `alias.*`: every column of the target table.
      const qualifier = fields.length > 1 ? (asNode(fields[fields.length - 2], 'String')?.sval ?? '') : null;
      if (qualifier !== null && qualifier !== alias) throw new EonError('undefined_table', `missing FROM-clause entry for table "${qualifier}"`);
      table.columns.forEach((col, i) => {
        exprs.push({ kind: 'column', type: col.type, index: i, name: col.name });
        columns.push({ name: col.name, type: col.type });
      });
      continue;
    }
    let bound = bindInClause(e, level, 'RETURNING');
    if (bound.type.kind === 'unknown') bound = coerce(bound, T.text, 'implicit', level.stmt.params);
    exprs.push(bound);
    columns.push({ name: target.name ?? columnRefName(e) ?? '?column?', type: bound.type });
  }
  return { exprs, columns };
}

function checkNotNull(table: TableSchema, row: Row): void {
  for (let i = 0; i < table.columns.length; i++) {
    const c = table.columns[i]!;
    if (c.notNull && row[i] === null) {
      throw new EonError('not_null_violation', `null value in column "${c.name}" of relation "${table.name}" violates not-null constraint`, {
        detail: `Failing row contains (${row.map((v, j) => (v === null ? 'null' : formatText(table.columns[j]!.type, v))).join(', ')}).`,
      });
    }
  }
}

function duplicateKey(table: TableSchema, row: Row): EonError {
  const names = table.primaryKey.map((i) => table.columns[i]!.name).join(', ');
  const values = table.primaryKey.map((i) => (row[i] === null ? 'null' : formatText(table.columns[i]!.type, row[i] as Value))).join(', ');
  return new EonError('unique_violation', `duplicate key value violates unique constraint "${table.name}_pkey"`, {
    detail: `Key (${names})=(${values}) already exists.`,
  });
}

function returningRows(ret: DmlPlan['returning'], rows: Row[], ctx: ExecContext): Row[] {
  if (ret === null) return [];
  const fns = ret.exprs.map(compileExpr);
  return rows.map((r) => fns.map((f) => f(r, ctx)));
}

function result(command: string, count: number, ret: DmlPlan['returning'], rows: Row[]): QueryResult {
  return { command, rowCount: count, columns: ret === null ? null : ret.columns, rows };
}

function newContext(store: Store, params: readonly Value[], signal: AbortSignal | undefined, cellsMax: number, writes: WriteSet | undefined, quorum?: StatementQuorum): ExecContext {
  return new ExecContext({ store, params, signal, cellsMax, writes, quorum });
}

/** Runs `fn` against the block's write set (synchronously, no await between its reads and writes). */
function writeInBlock<T>(writes: WriteSet, fn: (tx: WriteTx) => T): Promise<T> {
  return Promise.resolve(fn(writes.tx()));
}

// ---------------------------------------------------------------------------------------------

export function bindInsert(s: InsertStmt, stmt: StatementContext): DmlPlan {
  refuseWith(s.withClause, 'INSERT');
  const upsert = s.onConflictClause?.action === 'ONCONFLICT_UPDATE';
  const { table, alias } = lookupTable(s.relation, stmt, 'insert', s.returningClause !== undefined || upsert);
  if (upsert) stmt.noteAccess(table, false, 'UPDATE');
  const targets: number[] = [];
  const cols = (s.cols ?? []).map(resTarget);
  // Without a column list the statement fills the leading columns; the rest get their defaults (NULL).
  const allColumns = cols.length === 0;
  if (allColumns) table.columns.forEach((_, i) => targets.push(i));
  else {
    for (const c of cols) {
      const { index: i, name } = assignedColumn(c, table, null);
      if (targets.includes(i)) throw new EonError('duplicate_column', `column "${name}" specified more than once`);
      targets.push(i);
    }
  }
  const empty = new LevelContext(stmt, Scope.empty(), null);
  let source: Plan;
  const select = asNode(s.selectStmt, 'SelectStmt');
  const overriding = s.override === 'OVERRIDING_SYSTEM_VALUE';
  if (s.selectStmt === undefined || select === undefined) {
    // DEFAULT VALUES: one row of defaults, every column left out.
    targets.length = 0;
    source = { kind: 'values', rows: [[]], columns: [] };
  } else if (isPlainValues(select)) {
    const rowItems = (select.valuesLists ?? []).map((r) => asNode(r, 'List')?.items ?? []);
    if (allColumns) {
      const width = Math.max(0, ...rowItems.map((items) => items.length));
      targets.splice(Math.min(width, targets.length));
    }
    const rows = rowItems.map((items) => {
      if (items.length > targets.length) throw new EonError('syntax_error', 'INSERT has more expressions than target columns');
      if (items.length < targets.length) throw new EonError('syntax_error', 'INSERT has more target columns than expressions');
      return items.map((it, k) => {
        const column = table.columns[targets[k]!]!;
        const type = column.type;
        if (asNode(it, 'SetToDefault') !== undefined) return defaultExpr(column, stmt);
        if (column.identity === 'always' && !overriding) throw identityAlways(column.name);
        return floatLiteral(it, type) ?? coerceForColumn(bindInClause(it, empty, 'VALUES'), type, stmt);
      });
    });
    source = { kind: 'values', rows, columns: targets.map((i) => ({ name: table.columns[i]!.name, type: table.columns[i]!.type })) };
  } else {
    const sub = bindSubquery(s.selectStmt, empty).plan;
    if (allColumns) targets.splice(Math.min(sub.columns.length, targets.length));
    const always = overriding ? undefined : targets.slice(0, sub.columns.length).find((i) => table.columns[i]!.identity === 'always');
    if (always !== undefined) throw identityAlways(table.columns[always]!.name);
    if (sub.columns.length > targets.length) throw new EonError('syntax_error', 'INSERT has more expressions than target columns');
    if (sub.columns.length < targets.length) throw new EonError('syntax_error', 'INSERT has more target columns than expressions');
    const exprs = sub.columns.map((c, k) => coerceForColumn({ kind: 'column', type: c.type, index: k, name: c.name }, table.columns[targets[k]!]!.type, stmt));
    source = { kind: 'project', input: optimize(sub), exprs, columns: targets.map((i) => ({ name: table.columns[i]!.name, type: table.columns[i]!.type })) };
  }
  const rowLevel = new LevelContext(stmt, tableScope(table, alias), null);
  const returning = bindReturning(s.returningClause, rowLevel, table, alias);
  const conflict = bindConflict(s.onConflictClause, table, alias, stmt);
  const omitted = table.columns.map((_, i) => i).filter((i) => !targets.includes(i));
  const fill = bindDefaultFill(table, omitted, stmt);
  const checks = bindChecks(table, stmt);
  return {
    kind: 'insert',
    table,
    returning,
    async execute(store, params, signal, cellsMax, writes, quorum, cluster) {
      const writeQuorum = writeQuorumFor([table], quorum);
      const ctx = newContext(store, params, signal, cellsMax, writes);
      // VALUES without subqueries is computed here at once (single-row INSERTs keep their speed).
      const input = cluster === undefined || (source.kind === 'values' && subqueryPlans(source).length === 0) ? drainSync(source, ctx) : await cluster.select(source);
      ctx.resumeTimeZone();
      const full: Row[] = input.map((r) => {
        const row: Row = new Array(table.columns.length).fill(null);
        for (let k = 0; k < targets.length; k++) row[targets[k]!] = r[k] as Value;
        if (fill !== null) fillDefaults(fill, row, ctx);
        return row;
      });
      // A large INSERT … SELECT is a bulk load: its partitions get segments directly.
      const apply = (tx: WriteTx): Row[] => {
        ctx.resumeTimeZone(); // ON CONFLICT DO UPDATE and CHECKs may run in a later turn
        return applyInserts(tx, table, full, conflict, ctx, checks);
      };
      const written = await (writes !== undefined ? writeInBlock(writes, apply) : store.write(apply, { bulk: full.length >= BULK_INSERT_ROWS_MIN, ...withQuorum(writeQuorum) }));
      return result('INSERT', written.length, returning, returningRows(returning, written, ctx));
    },
  };
}

/**
 * VALUES rows bound row by row with DEFAULT allowed: a bare VALUES list. With ORDER BY, LIMIT or
 * its own WITH it is a query like any other (where PostgreSQL allows no DEFAULT either).
 */
function isPlainValues(select: SelectStmt): boolean {
  return (
    (select.valuesLists ?? []).length > 0 &&
    (select.sortClause ?? []).length === 0 &&
    select.limitCount === undefined &&
    select.limitOffset === undefined &&
    select.withClause === undefined &&
    (select.lockingClause ?? []).length === 0
  );
}

/**
 * A number literal inserted into a float column: read straight as a double, which is what
 * PostgreSQL's float8in gives for the same text, without building an exact numeric first
 * (bulk loads of float columns spend most of their binding time there otherwise).
 */
function floatLiteral(n: Node, type: ColumnType): Expr | null {
  if (type.kind !== 'float8' && type.kind !== 'float4') return null;
  const c = asNode(n, 'A_Const');
  if (c === undefined) return null;
  const literal = constLiteral(c);
  // The parser folds a leading minus into the constant: -1.5 arrives as the number "-1.5".
  let text: string;
  if (literal.kind === 'integer') text = String(literal.value);
  else if (literal.kind === 'number') text = literal.text;
  else return null;
  const negative = text.startsWith('-');
  if (negative) text = text.slice(1);
  if (!/^\d+(\.\d*)?([eE][+-]?\d+)?$/.test(text)) return null;
  let value = Number(text);
  // Overflow and underflow errors come from the exact path.
  if (!Number.isFinite(value) || (value === 0 && /[1-9]/.test(text.split(/[eE]/)[0]!))) return null;
  // A numeric literal has no negative zero: -0.0 is 0.
  if (negative && value !== 0) value = -value;
  if (type.kind === 'float4') {
    const f = Math.fround(value);
    if (!Number.isFinite(f)) return null;
    value = f;
  }
  return { kind: 'const', type, value };
}

interface ConflictAction {
  readonly action: 'nothing' | 'update';
  /**
   * The arbiter: the primary key, one unique index, or (DO NOTHING without a target) every unique
   * constraint the table has.
   */
  readonly target: 'pk' | IndexSchema | 'any';
  readonly sets: { column: number; expr: Expr }[];
  readonly where: Expr | null;
}

function bindConflict(c: OnConflictClause | undefined, table: TableSchema, alias: string, stmt: StatementContext): ConflictAction | null {
  if (c === undefined) return null;
  const noMatch = (): EonError => new EonError('invalid_column_reference', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
  const uniques = (table.indexes ?? []).filter((i) => i.unique);
  if (table.primaryKey.length === 0 && uniques.length === 0) {
    // As PostgreSQL: DO NOTHING without a target on a table with no unique constraint has nothing
    // to conflict with, and inserts as a plain INSERT.
    if (c.infer === undefined && c.action !== 'ONCONFLICT_UPDATE') return null;
    throw noMatch();
  }
  const infer = c.infer;
  let inferred = false;
  let target: ConflictAction['target'] = table.primaryKey.length > 0 && uniques.length === 0 ? 'pk' : 'any';
  if (infer?.conname !== undefined) {
    // ON CONFLICT ON CONSTRAINT: the primary key or a UNIQUE constraint (a plain unique index is no constraint).
    const named = uniques.find((i) => i.constraint && i.name === infer.conname);
    if (named !== undefined) target = named;
    else if (table.primaryKey.length > 0 && infer.conname === `${table.name}_pkey`) target = 'pk';
    else throw new EonError('undefined_object', `constraint "${infer.conname}" for table "${table.name}" does not exist`);
    inferred = true;
  } else {
    // An expression element (not a plain column) matches no constraint; the column set must equal a unique index's.
    const targetCols = (infer?.indexElems ?? []).map((n) => asNode(n, 'IndexElem')?.name ?? null);
    if (targetCols.length > 0) {
      const ordinals = targetCols.map((n) => (n === null ? -1 : table.columns.findIndex((col) => col.name === n)));
      if (ordinals.some((o) => o < 0)) throw noMatch();
      const set = [...new Set(ordinals)].sort((a, b) => a - b).join();
      const sameSet = (cols: readonly number[]): boolean => [...new Set(cols)].sort((a, b) => a - b).join() === set;
      const index = uniques.find((i) => sameSet(i.columns));
      if (table.primaryKey.length > 0 && sameSet(table.primaryKey)) target = 'pk';
      else if (index !== undefined) target = index;
      else throw noMatch();
      inferred = true;
    }
  }
  const rowLevel = new LevelContext(stmt, tableScope(table, alias), null);
  // The primary key is not a partial index: it satisfies any inference predicate, which is only checked.
  if (infer?.whereClause !== undefined) requireBoolean(bindInClause(infer.whereClause, rowLevel, 'index predicates'), 'WHERE', stmt.params);
  if (c.action !== 'ONCONFLICT_UPDATE') return { action: 'nothing', target, sets: [], where: null };
  if (!inferred) {
    throw new EonError('syntax_error', 'ON CONFLICT DO UPDATE requires inference specification or constraint name', {
      hint: 'For example, ON CONFLICT (column_name).',
    });
  }
  // SET expressions see the existing row (by table name or alias) and EXCLUDED.
  const scope = tableScope(table, alias).concat(tableScope(table, 'excluded'));
  const level = new LevelContext(stmt, scope, null);
  const sets = bindSetList(c.targetList ?? [], table, alias, level);
  const where = c.whereClause !== undefined ? requireBoolean(bindInClause(c.whereClause, level, 'WHERE'), 'WHERE', stmt.params) : null;
  return { action: 'update', target, sets, where };
}

/**
 * The column a SET item or INSERT column list entry names; subscripts and fields of a column are
 * refused. A SET item may qualify the column by the table's name or alias (`SET t.col = …`):
 * the previous binder accepted that, though PostgreSQL does not.
 */
function assignedColumn(t: ResTarget, table: TableSchema, qualifier: string | null): { index: number; name: string } {
  let name = t.name ?? '';
  let indirection = t.indirection ?? [];
  let index = table.columns.findIndex((c) => c.name === name);
  const field = indirection.length === 1 ? asNode(indirection[0], 'String')?.sval : undefined;
  if (index < 0 && field !== undefined && qualifier !== null && (name === qualifier || name === table.name)) {
    name = field;
    indirection = [];
    index = table.columns.findIndex((c) => c.name === name);
  }
  if (index < 0) throw new EonError('undefined_column', `column "${name}" of relation "${table.name}" does not exist`);
  if (indirection.length > 0) throw new EonError('feature_not_supported', `assignment to a field or element of column "${name}" is not supported yet`);
  return { index, name };
}

function bindSetList(items: readonly Node[], table: TableSchema, alias: string, level: LevelContext): { column: number; expr: Expr }[] {
  const out: { column: number; expr: Expr }[] = [];
  for (const n of items) {
    const s = resTarget(n);
    if (asNode(s.val, 'MultiAssignRef') !== undefined) {
      throw new EonError('feature_not_supported', 'SET (column, ...) = ... is not supported yet');
    }
    const { index: i, name } = assignedColumn(s, table, alias);
    if (out.some((o) => o.column === i)) throw new EonError('syntax_error', `multiple assignments to same column "${name}"`);
    const v = s.val;
    if (v === undefined) throw new Error('SET item without a value');
    const isDefault = asNode(v, 'SetToDefault') !== undefined;
    if (!isDefault && table.columns[i]!.identity === 'always') {
      throw new EonError('generated_always', `column "${name}" can only be updated to DEFAULT`, { detail: `Column "${name}" is an identity column defined as GENERATED ALWAYS.` });
    }
    const e = isDefault ? defaultExpr(table.columns[i]!, level.stmt) : bindInClause(v, level, 'UPDATE');
    out.push({ column: i, expr: coerceForColumn(e, table.columns[i]!.type, level.stmt) });
  }
  return out;
}

function coerceForColumn(e: Expr, type: ColumnType, stmt: StatementContext): Expr {
  return coerce(e, type, 'assignment', stmt.params);
}

/** 428C9: an explicit value for a GENERATED ALWAYS identity column. */
function identityAlways(column: string): EonError {
  return new EonError('generated_always', `cannot insert a non-DEFAULT value into column "${column}"`, {
    detail: `Column "${column}" is an identity column defined as GENERATED ALWAYS.`,
    hint: 'Use OVERRIDING SYSTEM VALUE to override.',
  });
}

function applyInserts(tx: WriteTx, table: TableSchema, rows: Row[], conflict: ConflictAction | null, ctx: ExecContext, checks: CompiledChecks | null): Row[] {
  const written: Row[] = [];
  const touched = conflict?.action === 'update' ? new Set<string>() : null;
  const setFns = conflict?.sets.map((s) => ({ column: s.column, fn: compileExpr(s.expr) })) ?? [];
  const where = conflict?.where ? compilePredicate(conflict.where) : null;
  const target = conflict?.target ?? 'pk';
  // DO NOTHING without a target yields to a conflict on any unique index, the primary key included.
  const arbiters = target === 'pk' ? [] : target === 'any' ? (table.indexes ?? []).filter((i) => i.unique) : [target];
  for (const row of rows) {
    checkNotNull(table, row);
    if (checks !== null) enforceChecks(checks, row, ctx);
    let holder: RowKey | undefined;
    for (const index of arbiters) if ((holder = tx.uniqueConflict(table, index, row)) !== undefined) break;
    if (holder === undefined) {
      const newKey = tx.insertReturningKey(table, row);
      if (newKey !== undefined) {
        written.push(row);
        touched?.add(rowKeyText(table, newKey));
        continue;
      }
      // A primary-key conflict when the arbiter is another constraint is an error, as in PostgreSQL.
      if (conflict === null || (target !== 'pk' && target !== 'any')) throw duplicateKey(table, row);
      if (conflict.action === 'nothing') continue;
      holder = keyOf(table, row);
    }
    if (conflict === null) throw duplicateKey(table, row);
    if (conflict.action === 'nothing') continue;
    const key = holder;
    const kt = rowKeyText(table, key);
    if (touched!.has(kt)) {
      throw new EonError('cardinality_violation', 'ON CONFLICT DO UPDATE command cannot affect row a second time', {
        hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
      });
    }
    touched!.add(kt);
    const existing = tx.get(table, key)!;
    const both = existing.concat(row);
    if (where !== null && !where(both, ctx)) continue;
    const updated = existing.slice();
    for (const s of setFns) updated[s.column] = s.fn(both, ctx);
    checkNotNull(table, updated);
    if (checks !== null) enforceChecks(checks, updated, ctx);
    if (table.primaryKey.length > 0 && rowKeyText(table, keyOf(table, updated)) !== kt) {
      if (tx.get(table, keyOf(table, updated)) !== undefined) throw duplicateKey(table, updated);
    }
    tx.replace(table, key, updated);
    written.push(updated);
  }
  return written;
}

/** A row key as text, to tell rows apart (hidden row ids included). */
function rowKeyText(table: TableSchema, key: RowKey): string {
  return encodeKey(table.id, 0, pkTypes(table), key).toString('latin1');
}

// ---------------------------------------------------------------------------------------------

/** The rows a WHERE selects, with their keys: by a key range or an index when the plan has one, else by a scan of the whole table. */
function matchingRows(store: Store, table: TableSchema, scan: Plan & { kind: 'scan' }, ctx: ExecContext): Match[] {
  const out: Match[] = [];
  const pred = scan.filter === null ? null : compilePredicate(scan.filter);
  let n = 0;
  // Through a secondary index when the block has no writes of its own to overlay.
  const viaIndex = scan.indexLookup !== undefined && ctx.writes?.touches(table) !== true ? indexScanRows(store, table, scan.indexLookup, ctx) : null;
  // A primary-key range: only its rows (through the block's write set when it wrote the table).
  const viaRange = scan.keyRange !== undefined ? keyRangeRows(store, ctx.writes, table, scan.keyRange, ctx) : null;
  const rows = viaRange ?? viaIndex ?? (ctx.writes !== undefined ? ctx.writes.scanRows(table) : store.scanRows(table));
  for (const { key, row } of rows) {
    if ((++n & (CANCEL_CHECK_ROWS - 1)) === 0) ctx.checkCancel();
    if (pred === null || pred(row, ctx)) out.push({ key, row });
  }
  ctx.charge(out.length * table.columns.length);
  return out;
}

type Match = { key: readonly Value[]; row: Row };

/**
 * UPDATE and DELETE: read the matching rows and write them back with nothing in between, so
 * concurrent read-modify-write statements lose no update: the read runs inside the statement's
 * queued write (group commit), after every write queued before it. Returns the rows read.
 */
async function readModifyWrite(
  store: Store,
  table: TableSchema,
  scan: Plan & { kind: 'scan' },
  ctx: ExecContext,
  options: WriteOptions,
  cluster: DmlReads | undefined,
  apply: (tx: WriteTx, matches: Match[]) => void,
): Promise<Match[]> {
  const writes = ctx.writes;
  if (scan.keyLookup === null) {
    checkServedHere(ctx, table, 'UPDATE or DELETE (reading its rows in its own write)');
    // This node's replicas are what the write reads: brought in line with R−1 others first. (A
    // primary-key UPDATE/DELETE reads this node's row as it is: one round trip less per statement.)
    if (writes === undefined) await cluster?.syncLocalReads(scan, ctx);
  }
  if (writes !== undefined) {
    // In a transaction block: read through the write set and write into it in the same turn, so
    // the committed state each written key is checked against at COMMIT is the state read here.
    return writeInBlock(writes, (tx) => {
      let matches: Match[];
      if (scan.keyLookup !== null) {
        const pred = scan.filter === null ? null : compilePredicate(scan.filter);
        const key = scan.keyLookup.map((e) => compileExpr(e)([], ctx));
        if (!key.includes(null)) checkServedHere(ctx, table, 'UPDATE or DELETE by primary key', key);
        const row = key.includes(null) ? undefined : tx.get(table, key);
        matches = row !== undefined && (pred === null || pred(row, ctx)) ? [{ key, row }] : [];
      } else {
        matches = matchingRows(store, table, scan, ctx);
      }
      apply(tx, matches);
      return matches;
    });
  }
  if (scan.keyLookup !== null) {
    // A point read runs inside the queued write itself: it sees every write queued before it (one
    // LMDB write transaction), nothing runs in between, and concurrent statements share a commit.
    const lookup = scan.keyLookup;
    const pred = scan.filter === null ? null : compilePredicate(scan.filter);
    return store.write((tx) => {
      ctx.resumeTimeZone(); // a queued write runs after other sessions' work
      const key = lookup.map((e) => compileExpr(e)([], ctx));
      if (!key.includes(null)) checkServedHere(ctx, table, 'UPDATE or DELETE by primary key', key);
      const row = key.includes(null) ? undefined : tx.get(table, key);
      const matches = row !== undefined && (pred === null || pred(row, ctx)) ? [{ key, row }] : [];
      apply(tx, matches);
      return matches;
    }, options);
  }
  // A key range or a scan is read inside the queued write too: it sees every write queued before
  // it, and nothing runs between reading the rows and writing them back.
  return store.write((tx) => {
    ctx.resumeTimeZone();
    const matches = matchingRows(store, table, scan, ctx);
    apply(tx, matches);
    return matches;
  }, options);
}

/** Store.write's options for a statement's own W (none: the table's). */
function withQuorum(writeQuorum: number | undefined): WriteOptions {
  return writeQuorum === undefined ? {} : { writeQuorum };
}

function bindWhereScan(where: Node | undefined, table: TableSchema, level: LevelContext): Plan & { kind: 'scan' } {
  if (asNode(where, 'CurrentOfExpr') !== undefined) throw new EonError('feature_not_supported', 'WHERE CURRENT OF is not supported yet');
  const filter = where !== undefined ? requireBoolean(bindInClause(where, level, 'WHERE'), 'WHERE', level.stmt.params) : null;
  const scan: Plan = { kind: 'scan', table, columns: table.columns.map((c) => ({ name: c.name, type: c.type })), filter, keyLookup: null };
  return optimize(scan) as Plan & { kind: 'scan' };
}

export function bindUpdate(s: UpdateStmt, stmt: StatementContext): DmlPlan {
  if ((s.fromClause ?? []).length > 0) throw new EonError('feature_not_supported', 'UPDATE ... FROM is not supported yet');
  refuseWith(s.withClause, 'UPDATE');
  const { table, alias } = lookupTable(s.relation, stmt, 'update', s.whereClause !== undefined || s.returningClause !== undefined || JSON.stringify(s.targetList ?? []).includes('"ColumnRef"'));
  const level = new LevelContext(stmt, tableScope(table, alias), null);
  const sets = bindSetList(s.targetList ?? [], table, alias, level);
  const scan = bindWhereScan(s.whereClause, table, level);
  const returning = bindReturning(s.returningClause, level, table, alias);
  const setFns = sets.map((a) => ({ column: a.column, fn: compileExpr(a.expr) }));
  const checks = bindChecks(table, stmt);
  const pkChanges = sets.some((a) => table.primaryKey.includes(a.column));
  return {
    kind: 'update',
    table,
    returning,
    async execute(store, params, signal, cellsMax, writes, quorum, cluster) {
      const options = withQuorum(writeQuorumFor([table], quorum));
      const ctx = newContext(store, params, signal, cellsMax, writes, quorum);
      let updated: Row[] = [];
      const matches = await readModifyWrite(store, table, scan, ctx, options, cluster, (tx, found) => {
        updated = found.map(({ row }) => {
          const next = row.slice();
          for (const a of setFns) next[a.column] = a.fn(row, ctx);
          checkNotNull(table, next);
          if (checks !== null) enforceChecks(checks, next, ctx);
          return next;
        });
        if (!pkChanges || table.primaryKey.length === 0) {
          found.forEach((m, i) => tx.replace(table, m.key, updated[i]!));
          return;
        }
        // Keys change: remove every old row first so rows may swap keys, then insert.
        for (const m of found) tx.delete(table, m.key);
        for (const r of updated) if (!tx.insert(table, r)) throw duplicateKey(table, r);
      });
      return result('UPDATE', matches.length, returning, returningRows(returning, updated, ctx));
    },
  };
}

export function bindDelete(s: DeleteStmt, stmt: StatementContext): DmlPlan {
  if ((s.usingClause ?? []).length > 0) throw new EonError('feature_not_supported', 'DELETE ... USING is not supported yet');
  refuseWith(s.withClause, 'DELETE');
  const { table, alias } = lookupTable(s.relation, stmt, 'delete', s.whereClause !== undefined || s.returningClause !== undefined);
  const level = new LevelContext(stmt, tableScope(table, alias), null);
  const scan = bindWhereScan(s.whereClause, table, level);
  const returning = bindReturning(s.returningClause, level, table, alias);
  return {
    kind: 'delete',
    table,
    returning,
    async execute(store, params, signal, cellsMax, writes, quorum, cluster) {
      const options = withQuorum(writeQuorumFor([table], quorum));
      const ctx = newContext(store, params, signal, cellsMax, writes, quorum);
      const matches = await readModifyWrite(store, table, scan, ctx, options, cluster, (tx, found) => {
        for (const m of found) tx.delete(table, m.key);
      });
      return result('DELETE', matches.length, returning, returningRows(returning, matches.map((m) => m.row), ctx));
    },
  };
}
