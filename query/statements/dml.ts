// INSERT (VALUES or SELECT, ON CONFLICT, RETURNING), UPDATE and DELETE: bound once, executed
// with parameters as one LMDB write transaction each (all rows or none), or inside a transaction
// block into its write set.

import { EonError } from '../../src/errors/index.js';
import { T, formatText, type ColumnType, type Value } from '../../src/types/index.js';
import { keyOf, type Store, type TableSchema, type WriteTx } from '../../storage/index.js';
import type { WriteSet } from '../../storage/write-set.js';
import { ALL_COLUMNS_MARKER, type Ast } from '../parse/parser.js';
import type { Expr } from '../plan/expr.js';
import type { OutputColumn, Plan } from '../plan/logical.js';
import { LevelContext, type StatementContext } from '../bind/context.js';
import { bindExpr } from '../bind/bind-expr.js';
import { bindSubquery } from '../bind/bind-select.js';
import { Scope } from '../bind/scope.js';
import { coerce, requireBoolean } from '../bind/typing.js';
import { compileExpr, compilePredicate, type Row } from '../execute/compile-expr.js';
import { CANCEL_CHECK_ROWS, ExecContext } from '../execute/context.js';
import { runPlan } from '../execute/executor.js';
import { optimize } from '../optimize/index.js';
import type { QueryResult } from '../session/contract.js';

/** INSERTs of at least this many rows are written as bulk writes (see Store.write). */
export const BULK_INSERT_ROWS_MIN = 65_536;

export interface DmlPlan {
  readonly kind: 'insert' | 'update' | 'delete';
  readonly table: TableSchema;
  readonly returning: { exprs: Expr[]; columns: OutputColumn[] } | null;
  /** With `writes` (inside a transaction block) the rows go to the block's write set, not to the store. */
  execute(store: Store, params: readonly Value[], signal: AbortSignal | undefined, cellsMax: number, writes?: WriteSet): Promise<QueryResult>;
}

function tableScope(table: TableSchema, alias: string): Scope {
  return new Scope(table.columns.map((c) => ({ table: alias, name: c.name, type: c.type })));
}

function lookupTable(node: Ast, stmt: StatementContext): TableSchema {
  const name = stmt.ident(String(node.table));
  const t = stmt.catalog.getTable(name);
  if (t === undefined) throw new EonError('undefined_table', `relation "${name}" does not exist`);
  return t;
}

function bindReturning(ast: Ast, level: LevelContext, table: TableSchema): DmlPlan['returning'] {
  const cols = ast.returning?.columns as Ast[] | undefined;
  if (cols === undefined || cols.length === 0) return null;
  const exprs: Expr[] = [];
  const columns: OutputColumn[] = [];
  for (const c of cols) {
    const e = c.expr as Ast;
    if (e.type === 'column_ref' && (e.column === '*' || e.column?.expr?.value === '*')) {
      table.columns.forEach((col, i) => {
        exprs.push({ kind: 'column', type: col.type, index: i, name: col.name });
        columns.push({ name: col.name, type: col.type });
      });
      continue;
    }
    let bound = bindExpr(e, level);
    if (bound.type.kind === 'unknown') bound = coerce(bound, T.text, 'implicit', level.stmt.params);
    exprs.push(bound);
    const name = c.as ? level.stmt.ident(String(c.as)) : e.type === 'column_ref' ? level.stmt.ident(String(e.column?.expr?.value ?? e.column)) : '?column?';
    columns.push({ name, type: bound.type });
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

function newContext(store: Store, params: readonly Value[], signal: AbortSignal | undefined, cellsMax: number, writes: WriteSet | undefined): ExecContext {
  return new ExecContext({ store, params, signal, run: runPlan, cellsMax, writes });
}

/** Runs `fn` against the block's write set (synchronously, no await between its reads and writes). */
function writeInBlock<T>(writes: WriteSet, fn: (tx: WriteTx) => T): Promise<T> {
  return Promise.resolve(fn(writes.tx()));
}

// ---------------------------------------------------------------------------------------------

export function bindInsert(ast: Ast, stmt: StatementContext): DmlPlan {
  const tableNode = (ast.table as Ast[])[0]!;
  const table = lookupTable(tableNode, stmt);
  const alias = tableNode.as ? stmt.ident(String(tableNode.as)) : table.name;
  const targets: number[] = [];
  const colAsts = (ast.columns ?? null) as Ast[] | null;
  const allColumns = colAsts === null || colAsts.length === 0 || String(colAsts[0]!.value ?? colAsts[0]).startsWith(ALL_COLUMNS_MARKER);
  if (allColumns) table.columns.forEach((_, i) => targets.push(i));
  else {
    for (const c of colAsts) {
      const name = stmt.ident(String(c.value ?? c.column?.expr?.value ?? c));
      const i = table.columns.findIndex((x) => x.name === name);
      if (i < 0) throw new EonError('undefined_column', `column "${name}" of relation "${table.name}" does not exist`);
      if (targets.includes(i)) throw new EonError('duplicate_column', `column "${name}" specified more than once`);
      targets.push(i);
    }
  }
  const empty = new LevelContext(stmt, Scope.empty(), null);
  let source: Plan;
  const values = ast.values;
  if (values?.type === 'values' || Array.isArray(values?.values)) {
    const rowsAst = (values.values ?? values) as Ast[];
    // Without a column list, VALUES fills the leading columns; the rest get their defaults (NULL).
    if (allColumns) {
      const width = Math.max(0, ...rowsAst.map((r) => ((r.value ?? []) as Ast[]).length));
      targets.splice(Math.min(width, targets.length));
    }
    const rows = rowsAst.map((r) => {
      const items = (r.value ?? []) as Ast[];
      if (items.length > targets.length) throw new EonError('syntax_error', 'INSERT has more expressions than target columns');
      if (items.length < targets.length) throw new EonError('syntax_error', 'INSERT has more target columns than expressions');
      return items.map((it, k) => {
        if (it.type === 'default' && String(it.value).toUpperCase() === 'DEFAULT') return { kind: 'const', type: table.columns[targets[k]!]!.type, value: null } as Expr;
        const type = table.columns[targets[k]!]!.type;
        return floatLiteral(it, type) ?? coerceForColumn(bindExpr(it, empty), type, stmt);
      });
    });
    source = { kind: 'values', rows, columns: targets.map((i) => ({ name: table.columns[i]!.name, type: table.columns[i]!.type })) };
  } else if (values?.type === 'select' || ast.select !== undefined || values?.ast !== undefined) {
    const selAst = values?.ast ?? (values?.type === 'select' ? values : ast.select);
    const sub = bindSubquery(selAst, empty).plan;
    if (allColumns) targets.splice(Math.min(sub.columns.length, targets.length));
    if (sub.columns.length > targets.length) throw new EonError('syntax_error', 'INSERT has more expressions than target columns');
    if (sub.columns.length < targets.length) throw new EonError('syntax_error', 'INSERT has more target columns than expressions');
    const exprs = sub.columns.map((c, k) => coerceForColumn({ kind: 'column', type: c.type, index: k, name: c.name }, table.columns[targets[k]!]!.type, stmt));
    source = { kind: 'project', input: optimize(sub), exprs, columns: targets.map((i) => ({ name: table.columns[i]!.name, type: table.columns[i]!.type })) };
  } else {
    throw new EonError('feature_not_supported', 'INSERT ... DEFAULT VALUES is not supported yet');
  }
  const rowLevel = new LevelContext(stmt, tableScope(table, alias), null);
  const returning = bindReturning(ast, rowLevel, table);
  const conflict = bindConflict(ast, table, alias, stmt);
  return {
    kind: 'insert',
    table,
    returning,
    async execute(store, params, signal, cellsMax, writes) {
      const ctx = newContext(store, params, signal, cellsMax, writes);
      const input = runPlan(source, ctx);
      const full: Row[] = input.map((r) => {
        const row: Row = new Array(table.columns.length).fill(null);
        for (let k = 0; k < targets.length; k++) row[targets[k]!] = r[k] as Value;
        return row;
      });
      // A large INSERT … SELECT is a bulk load: its partitions get segments directly.
      const apply = (tx: WriteTx): Row[] => applyInserts(tx, table, full, conflict, ctx);
      const written = await (writes !== undefined ? writeInBlock(writes, apply) : store.write(apply, { bulk: full.length >= BULK_INSERT_ROWS_MIN }));
      return result('INSERT', written.length, returning, returningRows(returning, written, ctx));
    },
  };
}

/**
 * A number literal inserted into a float column: read straight as a double, which is what
 * PostgreSQL's float8in gives for the same text, without building an exact numeric first
 * (bulk loads of float columns spend most of their binding time there otherwise).
 */
function floatLiteral(ast: Ast, type: ColumnType): Expr | null {
  if (type.kind !== 'float8' && type.kind !== 'float4') return null;
  let negative = false;
  let node = ast;
  if (node.type === 'unary_expr' && node.operator === '-') {
    negative = true;
    node = node.expr as Ast;
  }
  if (node.type !== 'number' || typeof node.value !== 'string' || !/^\d+(\.\d*)?([eE][+-]?\d+)?$/.test(node.value)) return null;
  let value = Number(node.value);
  // Overflow and underflow errors come from the exact path.
  if (!Number.isFinite(value) || (value === 0 && /[1-9]/.test(node.value.split(/[eE]/)[0]!))) return null;
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
  readonly sets: { column: number; expr: Expr }[];
  readonly where: Expr | null;
}

function bindConflict(ast: Ast, table: TableSchema, alias: string, stmt: StatementContext): ConflictAction | null {
  const c = ast.conflict;
  if (c === undefined || c === null) return null;
  if (table.primaryKey.length === 0) {
    throw new EonError('invalid_column_reference', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
  }
  const targetCols = ((c.target?.expr ?? []) as Ast[]).map((t) => stmt.ident(String(t.column?.expr?.value ?? t.column ?? t.value)));
  if (targetCols.length > 0) {
    const pkNames = table.primaryKey.map((i) => table.columns[i]!.name);
    const same = targetCols.length === pkNames.length && targetCols.every((n) => pkNames.includes(n));
    if (!same) throw new EonError('invalid_column_reference', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
  }
  const act = c.action;
  const isUpdate = act?.expr?.type === 'update' || String(act?.expr?.type ?? '').toLowerCase() === 'update';
  if (!isUpdate) return { action: 'nothing', sets: [], where: null };
  if (targetCols.length === 0) {
    throw new EonError('syntax_error', 'ON CONFLICT DO UPDATE requires inference specification or constraint name', {
      hint: 'For example, ON CONFLICT (column_name).',
    });
  }
  // SET expressions see the existing row (by table name or alias) and EXCLUDED.
  const scope = tableScope(table, alias).concat(tableScope(table, 'excluded'));
  const level = new LevelContext(stmt, scope, null);
  const sets = bindSetList(act.expr.set as Ast[], table, level);
  const where = act.expr.where ? requireBoolean(bindExpr(act.expr.where, level), 'WHERE', stmt.params) : null;
  return { action: 'update', sets, where };
}

function bindSetList(setAsts: Ast[], table: TableSchema, level: LevelContext): { column: number; expr: Expr }[] {
  const out: { column: number; expr: Expr }[] = [];
  for (const s of setAsts) {
    const name = level.stmt.ident(String(s.column?.expr?.value ?? s.column));
    const i = table.columns.findIndex((c) => c.name === name);
    if (i < 0) throw new EonError('undefined_column', `column "${name}" of relation "${table.name}" does not exist`);
    if (out.some((o) => o.column === i)) throw new EonError('syntax_error', `multiple assignments to same column "${name}"`);
    const v = s.value as Ast;
    const e = v.type === 'default' && String(v.value).toUpperCase() === 'DEFAULT' ? ({ kind: 'const', type: table.columns[i]!.type, value: null } as Expr) : bindExpr(v, level);
    out.push({ column: i, expr: coerceForColumn(e, table.columns[i]!.type, level.stmt) });
  }
  return out;
}

function coerceForColumn(e: Expr, type: ColumnType, stmt: StatementContext): Expr {
  return coerce(e, type, 'assignment', stmt.params);
}

function applyInserts(tx: WriteTx, table: TableSchema, rows: Row[], conflict: ConflictAction | null, ctx: ExecContext): Row[] {
  const written: Row[] = [];
  const touched = conflict?.action === 'update' ? new Set<string>() : null;
  const setFns = conflict?.sets.map((s) => ({ column: s.column, fn: compileExpr(s.expr) })) ?? [];
  const where = conflict?.where ? compilePredicate(conflict.where) : null;
  for (const row of rows) {
    checkNotNull(table, row);
    if (tx.insert(table, row)) {
      written.push(row);
      touched?.add(keyText(table, row));
      continue;
    }
    if (conflict === null) throw duplicateKey(table, row);
    if (conflict.action === 'nothing') continue;
    const key = keyOf(table, row);
    const kt = keyText(table, row);
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
    const newKey = keyOf(table, updated);
    if (keyText(table, updated) !== kt) {
      if (tx.get(table, newKey) !== undefined) throw duplicateKey(table, updated);
    }
    tx.replace(table, key, updated);
    written.push(updated);
  }
  return written;
}

function keyText(table: TableSchema, row: Row): string {
  return table.primaryKey.map((i) => (row[i] === null ? '\u0000' : formatText(table.columns[i]!.type, row[i] as Value))).join('\u0001');
}

// ---------------------------------------------------------------------------------------------

function bindTarget(ast: Ast, stmt: StatementContext): { table: TableSchema; alias: string } {
  const nodes = (ast.table ?? ast.from) as Ast[];
  const node = nodes[0]!;
  const table = lookupTable(node, stmt);
  return { table, alias: node.as ? stmt.ident(String(node.as)) : table.name };
}

/** The rows a WHERE selects, with their keys, by a scan of the whole table. */
function matchingRows(store: Store, table: TableSchema, scan: Plan & { kind: 'scan' }, ctx: ExecContext): Match[] {
  const out: Match[] = [];
  const pred = scan.filter === null ? null : compilePredicate(scan.filter);
  let n = 0;
  for (const { key, row } of ctx.writes !== undefined ? ctx.writes.scanRows(table) : store.scanRows(table)) {
    if ((++n & (CANCEL_CHECK_ROWS - 1)) === 0) ctx.checkCancel();
    if (pred === null || pred(row, ctx)) out.push({ key, row });
  }
  ctx.charge(out.length * table.columns.length);
  return out;
}

type Match = { key: readonly Value[]; row: Row };

/**
 * UPDATE and DELETE: read the matching rows and write them back with nothing in between, so
 * concurrent read-modify-write statements lose no update. A point lookup reads inside its queued
 * write (group commit); a scan commits anything queued, reads, and writes back before the
 * event-loop turn ends (`now`). Returns the rows read.
 */
async function readModifyWrite(store: Store, table: TableSchema, scan: Plan & { kind: 'scan' }, ctx: ExecContext, apply: (tx: WriteTx, matches: Match[]) => void): Promise<Match[]> {
  const writes = ctx.writes;
  if (writes !== undefined) {
    // In a transaction block: read through the write set and write into it in the same turn, so
    // the committed state each written key is checked against at COMMIT is the state read here.
    return writeInBlock(writes, (tx) => {
      let matches: Match[];
      if (scan.keyLookup !== null) {
        const pred = scan.filter === null ? null : compilePredicate(scan.filter);
        const key = scan.keyLookup.map((e) => compileExpr(e)([], ctx));
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
      const key = lookup.map((e) => compileExpr(e)([], ctx));
      const row = key.includes(null) ? undefined : tx.get(table, key);
      const matches = row !== undefined && (pred === null || pred(row, ctx)) ? [{ key, row }] : [];
      apply(tx, matches);
      return matches;
    });
  }
  store.commitPending();
  const matches = matchingRows(store, table, scan, ctx);
  await store.write((tx) => apply(tx, matches), { now: true });
  return matches;
}

function bindWhereScan(ast: Ast, table: TableSchema, level: LevelContext): Plan & { kind: 'scan' } {
  const filter = ast.where ? requireBoolean(bindExpr(ast.where, level), 'WHERE', level.stmt.params) : null;
  const scan: Plan = { kind: 'scan', table, columns: table.columns.map((c) => ({ name: c.name, type: c.type })), filter, keyLookup: null };
  return optimize(scan) as Plan & { kind: 'scan' };
}

export function bindUpdate(ast: Ast, stmt: StatementContext): DmlPlan {
  if (Array.isArray(ast.from) && ast.from.length > 0) throw new EonError('feature_not_supported', 'UPDATE ... FROM is not supported yet');
  const { table, alias } = bindTarget(ast, stmt);
  const level = new LevelContext(stmt, tableScope(table, alias), null);
  const sets = bindSetList(ast.set as Ast[], table, level);
  const scan = bindWhereScan(ast, table, level);
  const returning = bindReturning(ast, level, table);
  const setFns = sets.map((s) => ({ column: s.column, fn: compileExpr(s.expr) }));
  const pkChanges = sets.some((s) => table.primaryKey.includes(s.column));
  return {
    kind: 'update',
    table,
    returning,
    async execute(store, params, signal, cellsMax, writes) {
      const ctx = newContext(store, params, signal, cellsMax, writes);
      let updated: Row[] = [];
      const matches = await readModifyWrite(store, table, scan, ctx, (tx, found) => {
        updated = found.map(({ row }) => {
          const next = row.slice();
          for (const s of setFns) next[s.column] = s.fn(row, ctx);
          checkNotNull(table, next);
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

export function bindDelete(ast: Ast, stmt: StatementContext): DmlPlan {
  const { table, alias } = bindTarget(ast, stmt);
  const level = new LevelContext(stmt, tableScope(table, alias), null);
  const scan = bindWhereScan(ast, table, level);
  const returning = bindReturning(ast, level, table);
  return {
    kind: 'delete',
    table,
    returning,
    async execute(store, params, signal, cellsMax, writes) {
      const ctx = newContext(store, params, signal, cellsMax, writes);
      const matches = await readModifyWrite(store, table, scan, ctx, (tx, found) => {
        for (const m of found) tx.delete(table, m.key);
      });
      return result('DELETE', matches.length, returning, returningRows(returning, matches.map((m) => m.row), ctx));
    },
  };
}
