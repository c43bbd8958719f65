// The coordinator's plan executor: runs a logical plan to rows. Table scans, filters and partial
// aggregates of large tables arrive prefetched from the data engines (see distribute.ts); this
// executor finishes joins, final aggregation, sorting, set operations and limits.

import { indexScanRows } from './index-scan.js';
import { keyRangeRows } from './key-range-scan.js';
import { EonError } from '../../src/errors/index.js';
import { compareValues, keyString, type ColumnType, type Value } from '../../src/types/index.js';
import { assertNever, columnsUsed, type Expr } from '../plan/expr.js';
import type { AggregateCall, Plan, SortKey } from '../plan/logical.js';
import { newAccumulator, StringAggAccumulator } from './aggregates.js';
import { OrderedSetAccumulator } from './ordered-aggregates.js';
import { JsonbObjectAggAccumulator } from './jsonb-aggregates.js';
import { runWindow } from './window.js';
import { compileExpr, compilePredicate, type Row } from './compile-expr.js';
import { CANCEL_CHECK_ROWS, type ExecContext } from './context.js';
import { systemTableRows } from '../catalog/index.js';
import { runRecursiveUnion } from './recursive-union.js';
import { runFunctionRows, runLateral } from './lateral.js';

export function runPlan(plan: Plan, ctx: ExecContext): Row[] {
  const pre = ctx.prefetched.get(plan);
  if (pre !== undefined) return pre;
  const profile = ctx.profile;
  if (profile === undefined) return runOperator(plan, ctx);
  const started = performance.now();
  const rows = runOperator(plan, ctx);
  profile.record(plan, rows.length, performance.now() - started);
  return rows;
}

function runOperator(plan: Plan, ctx: ExecContext): Row[] {
  switch (plan.kind) {
    case 'scan':
      return runScan(plan, ctx);
    case 'values':
      // Literal rows (bulk INSERTs) need no evaluator per value.
      return plan.rows.map((exprs) => exprs.map((e) => (e.kind === 'const' ? e.value : compileExpr(e)([], ctx))));
    case 'filter': {
      const input = runPlan(plan.input, ctx);
      const pred = compilePredicate(plan.predicate);
      const out: Row[] = [];
      for (let i = 0; i < input.length; i++) {
        if (pred(input[i]!, ctx)) out.push(input[i]!);
        if ((i & (CANCEL_CHECK_ROWS - 1)) === 0) ctx.checkCancel();
      }
      return out;
    }
    case 'project': {
      const input = runPlan(plan.input, ctx);
      const fns = plan.exprs.map(compileExpr);
      ctx.charge(input.length * fns.length);
      const out: Row[] = new Array(input.length);
      for (let i = 0; i < input.length; i++) {
        const r = input[i]!;
        const o: Row = new Array(fns.length);
        for (let j = 0; j < fns.length; j++) o[j] = fns[j]!(r, ctx);
        out[i] = o;
      }
      return out;
    }
    case 'aggregate':
      return runAggregate(plan, ctx);
    case 'window':
      return runWindow(plan, runPlan(plan.input, ctx), ctx, rowComparator);
    case 'join':
      return runJoin(plan, ctx);
    case 'sort':
      return sortRows(runPlan(plan.input, ctx), plan.keys, ctx, Infinity);
    case 'limit':
      return runLimit(plan, ctx);
    case 'distinct':
      return distinctRows(runPlan(plan.input, ctx), plan.on !== null ? exprKeyOf(plan.on, ctx) : rowKeyOf(plan.columns.map((c) => c.type)));
    case 'setop':
      return runSetOp(plan, ctx);
    case 'cte_ref': {
      let rows = ctx.cteResults.get(plan.id);
      if (rows === undefined) {
        rows = runPlan(plan.input, ctx);
        ctx.cteResults.set(plan.id, rows);
      }
      return rows;
    }
    case 'recursive_union':
      return runRecursiveUnion(plan, ctx, runPlan, groupKey);
    case 'worktable':
      return ctx.cteResults.get(plan.id) ?? [];
    case 'lateral':
      return runLateral(plan, ctx, runPlan);
    case 'function_rows':
      return runFunctionRows(plan, ctx);
    default:
      return assertNever(plan);
  }
}

function runScan(plan: Plan & { kind: 'scan' }, ctx: ExecContext): Row[] {
  const out: Row[] = [];
  const pred = plan.filter === null ? null : compilePredicate(plan.filter);
  const width = plan.columns.length;
  // The filter reads stored rows (table ordinals); the output keeps the projected columns.
  const project = plan.project;
  const emit = project === undefined ? (row: Row) => out.push(row) : (row: Row) => out.push(project.map((o) => row[o]!));
  let n = 0;
  // A table the transaction block wrote is read through its write set (own writes visible).
  const writes = ctx.writes?.touches(plan.table) === true ? ctx.writes : undefined;
  if (plan.keyLookup !== null) {
    const key = plan.keyLookup.map((e) => compileExpr(e)([], ctx));
    const row = key.includes(null) ? undefined : writes !== undefined ? writes.get(plan.table, key) : ctx.store.get(plan.table, key);
    if (row !== undefined && (pred === null || pred(row, ctx))) emit(row);
    return out;
  }
  if (plan.keyRange !== undefined) {
    const rows = keyRangeRows(ctx.store, writes, plan.table, plan.keyRange, ctx);
    ctx.charge(rows.length * width);
    for (const { row } of rows) if (pred === null || pred(row, ctx)) emit(row);
    return out;
  }
  // Through a secondary index; a table the block wrote is scanned whole below (its rows are not indexed yet).
  const viaIndex = plan.indexLookup !== undefined && writes === undefined ? indexScanRows(ctx.store, plan.table, plan.indexLookup, ctx) : null;
  if (viaIndex !== null) {
    ctx.charge(viaIndex.length * width);
    for (const { row } of viaIndex) if (pred === null || pred(row, ctx)) emit(row);
    return out;
  }
  // Only the columns the output and the filter read are made into values.
  const read = project === undefined ? null : [...new Set([...project, ...(plan.filter === null ? [] : columnsUsed(plan.filter))])];
  // A system table's rows are computed now (query/catalog), not read from the store.
  for (const row of systemTableRows(plan.table) ?? (writes !== undefined ? writes.scanValues(plan.table) : ctx.store.scanValues(plan.table, read))) {
    if ((++n & (CANCEL_CHECK_ROWS - 1)) === 0) {
      ctx.checkCancel();
      ctx.charge(CANCEL_CHECK_ROWS * width);
    }
    if (pred === null || pred(row, ctx)) emit(row);
  }
  return out;
}

/** Key kinds whose JavaScript values are equal exactly when the SQL values are (Map keys as is). */
const RAW_KEY_KINDS = new Set(['bool', 'int2', 'int4', 'int8', 'float8', 'date', 'timestamp', 'timestamptz', 'text', 'varchar']);
/** Key kinds held in an int32: hashed in typed arrays, not a Map. */
const INT32_KEY_KINDS = new Set(['int2', 'int4', 'date']);

/** Row-index lookup by key: the first row of the key's chain, or -1. */
interface KeyIndex {
  set(key: unknown, row: number): number;
  get(key: unknown): number;
}

/** Open addressing over typed arrays for int32 keys: no boxed entries, no rehash of a Map. */
class Int32KeyIndex implements KeyIndex {
  private readonly mask: number;
  private readonly shift: number;
  private readonly keys: Int32Array;
  private readonly rows: Int32Array;

  constructor(entriesMax: number) {
    let bits = 4;
    while (2 ** bits < entriesMax * 2) bits++;
    this.mask = 2 ** bits - 1;
    this.shift = 32 - bits;
    this.keys = new Int32Array(2 ** bits);
    this.rows = new Int32Array(2 ** bits).fill(-1);
  }

  private slot(key: number): number {
    // The product's top bits: its low bits follow only the key's low bits, often uneven (sparse keys).
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (this.rows[i] !== -1 && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  /** Stores row as the key's first row; returns the previous first row (-1 if none). */
  set(key: unknown, row: number): number {
    const i = this.slot(key as number);
    const prev = this.rows[i]!;
    this.keys[i] = key as number;
    this.rows[i] = row;
    return prev;
  }

  get(key: unknown): number {
    return this.rows[this.slot(key as number)]!;
  }
}

class MapKeyIndex implements KeyIndex {
  private readonly map = new Map<unknown, number>();
  set(key: unknown, row: number): number {
    const prev = this.map.get(key);
    this.map.set(key, row);
    return prev ?? -1;
  }
  get(key: unknown): number {
    return this.map.get(key) ?? -1;
  }
}

/**
 * The build side of a hash join: rows by key, NULL keys left out. Buckets are chains through one
 * Int32Array (no array per key), walked in row order. A single key of a kind whose JavaScript
 * value is its identity is used as is (int32 kinds in a typed-array table); other keys go through
 * groupKey strings.
 */
function buildHashTable(buildKeys: readonly Expr[], probeKeys: readonly Expr[], build: readonly Row[], ctx: ExecContext): { candidates(probeRow: Row): number[] | undefined } {
  const kind = buildKeys[0]!.type.kind;
  const raw = buildKeys.length === 1 && kind === probeKeys[0]!.type.kind && RAW_KEY_KINDS.has(kind);
  const types = buildKeys.map((e) => e.type);
  const keyOf = (fns: ((row: Row, ctx: ExecContext) => Value)[], row: Row): unknown => {
    if (raw) return fns[0]!(row, ctx);
    const vals = fns.map((f) => f(row, ctx));
    return vals.includes(null) ? null : groupKey(vals, types);
  };
  const bk = buildKeys.map(compileExpr);
  const pk = probeKeys.map(compileExpr);
  const index: KeyIndex = raw && INT32_KEY_KINDS.has(kind) ? new Int32KeyIndex(build.length) : new MapKeyIndex();
  const next = new Int32Array(build.length).fill(-1);
  // Backwards, so that each chain lists its rows in ascending order.
  for (let j = build.length - 1; j >= 0; j--) {
    const k = keyOf(bk, build[j]!);
    if (k !== null) next[j] = index.set(k, j);
  }
  return {
    candidates(probeRow: Row): number[] | undefined {
      const k = keyOf(pk, probeRow);
      if (k === null) return undefined;
      let j = index.get(k);
      if (j < 0) return undefined;
      const out: number[] = [];
      for (; j >= 0; j = next[j]!) out.push(j);
      return out;
    },
  };
}

function groupKey(values: readonly Value[], types: readonly ColumnType[]): string {
  if (values.length === 1) {
    const v = values[0]!;
    return v === null ? '\u0000N' : keyString(types[0]!, v);
  }
  let k = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    k += (v === null ? '\u0000N' : keyString(types[i]!, v)) + '\u0001';
  }
  return k;
}

/** Adds one input row to an aggregate (count(*) counts rows; string_agg takes its delimiter). */
type Feed = (row: Row, ctx: ExecContext) => void;

interface AggregateSlot {
  feed: Feed;
  result(): Value;
}

function newSlot(call: AggregateCall, ctx0: ExecContext): AggregateSlot {
  const args = call.args.map(compileExpr);
  const filter = call.filter === null ? null : compilePredicate(call.filter);
  let inner: AggregateSlot;
  if (call.name === 'jsonb_object_agg') {
    const acc = new JsonbObjectAggAccumulator(call.args[0]!.type, call.args[1]!.type);
    inner = { feed: (row, ctx) => acc.add(args[0]!(row, ctx), args[1]!(row, ctx)), result: () => acc.result() };
  } else if (call.name === 'string_agg') {
    const acc = new StringAggAccumulator(call.distinct);
    inner = { feed: (row, ctx) => acc.add(args[0]!(row, ctx), args[1]!(row, ctx)), result: () => acc.result() };
  } else if (call.name === 'percentile_cont' || call.name === 'percentile_disc') {
    // The fraction reads no column: evaluated once per group, after the values.
    const acc = new OrderedSetAccumulator(call.name, call.args[0]!.type);
    const fraction = args[1]!;
    inner = { feed: (row, ctx) => acc.add(args[0]!(row, ctx)), result: () => acc.result(fraction([], ctx0)) };
  } else if (call.name === 'count_star') {
    const acc = newAccumulator(call);
    inner = { feed: () => acc.add(true), result: () => acc.result() };
  } else {
    const acc = newAccumulator(call);
    const a0 = args[0]!;
    inner = { feed: (row, ctx) => acc.add(a0(row, ctx)), result: () => acc.result() };
  }
  const filtered: AggregateSlot = filter === null ? inner : { feed: (row, ctx) => filter(row, ctx) && inner.feed(row, ctx), result: () => inner.result() };
  if (call.orderBy.length === 0) return filtered;
  // Ordered aggregates see their input sorted: keep the rows, sort them once at the end.
  const rows: Row[] = [];
  const cmp = rowComparator(call.orderBy, ctx0);
  return {
    feed: (row) => void rows.push(row),
    result: () => {
      rows.sort(cmp);
      for (const r of rows) filtered.feed(r, ctx0);
      return filtered.result();
    },
  };
}

function runAggregate(plan: Plan & { kind: 'aggregate' }, ctx: ExecContext): Row[] {
  const input = runPlan(plan.input, ctx);
  const groupFns = plan.groupBy.map(compileExpr);
  const groupTypes = plan.groupBy.map((e) => e.type);
  interface Group {
    keys: Value[];
    slots: AggregateSlot[];
  }
  const newGroup = (keys: Value[]): Group => ({ keys, slots: plan.aggregates.map((a) => newSlot(a, ctx)) });
  // Keys of kinds whose JavaScript value is their identity group by the values themselves: no
  // key string per row (Map's SameValueZero also puts NaNs together and 0 with -0, as PostgreSQL).
  // Several such keys group through one Map per key level: no key string per row either.
  const rawKeys = plan.groupBy.every((e) => RAW_KEY_KINDS.has(e.type.kind));
  const width = plan.groupBy.length;
  const groups = new Map<unknown, unknown>();
  const order: Group[] = [];
  const global = width === 0;
  if (global) order.push(newGroup([]));
  const keys: Value[] = new Array(width);
  for (let i = 0; i < input.length; i++) {
    const row = input[i]!;
    if ((i & (CANCEL_CHECK_ROWS - 1)) === 0) ctx.checkCancel();
    let g: Group | undefined;
    if (global) g = order[0]!;
    else {
      for (let k = 0; k < width; k++) keys[k] = groupFns[k]!(row, ctx);
      let level = groups;
      let last: unknown;
      if (rawKeys) {
        for (let k = 0; k < width - 1; k++) {
          let next = level.get(keys[k]) as Map<unknown, unknown> | undefined;
          if (next === undefined) level.set(keys[k], (next = new Map()));
          level = next;
        }
        last = keys[width - 1];
      } else last = groupKey(keys, groupTypes);
      g = level.get(last) as Group | undefined;
      if (g === undefined) {
        g = newGroup(keys.slice());
        level.set(last, g);
        order.push(g);
      }
    }
    const slots = g.slots;
    for (let s = 0; s < slots.length; s++) slots[s]!.feed(row, ctx);
  }
  ctx.charge(order.length * plan.columns.length);
  return order.map((g) => [...g.keys, ...g.slots.map((s) => s.result())]);
}

/** Partial aggregation results from data engines are merged through the same accumulators. */
export { groupKey };

function runJoin(plan: Plan & { kind: 'join' }, ctx: ExecContext): Row[] {
  const left = runPlan(plan.left, ctx);
  const right = runPlan(plan.right, ctx);
  const lw = plan.left.columns.length;
  const rw = plan.right.columns.length;
  const residual = plan.residual === null ? null : compilePredicate(plan.residual);
  // A joined row copied cell by cell into an array of its final size (Array.prototype.concat is
  // several times slower, and joins make one per match).
  const joined = (l: Row, r: Row): Row => {
    const out: Row = new Array(lw + rw);
    for (let k = 0; k < lw; k++) out[k] = l[k]!;
    for (let k = 0; k < rw; k++) out[lw + k] = r[k]!;
    return out;
  };
  const out: Row[] = [];
  const leftNulls: Value[] = new Array(lw).fill(null);
  const rightNulls: Value[] = new Array(rw).fill(null);
  const rightMatched = plan.joinType === 'right' || plan.joinType === 'full' ? new Uint8Array(right.length) : null;
  const keepLeft = plan.joinType === 'left' || plan.joinType === 'full';
  // Semi and anti joins emit a left row once, by whether any right row matches it.
  const semi = plan.joinType === 'semi';
  const anti = plan.joinType === 'anti';
  const emit = (row: Row) => {
    out.push(row);
    if ((out.length & (CANCEL_CHECK_ROWS - 1)) === 0) {
      ctx.checkCancel();
      ctx.charge(CANCEL_CHECK_ROWS * (lw + rw));
    }
  };
  /** Joins one left row with its candidate right rows (a hash bucket, or all of them). */
  const probe = (l: Row, candidates: readonly number[] | undefined): void => {
    let matched = false;
    if (candidates !== undefined && (semi || anti)) {
      for (const j of candidates) {
        if (residual === null || residual(joined(l, right[j]!), ctx)) {
          matched = true;
          break;
        }
      }
      if (matched === semi) emit(l);
      return;
    }
    if (candidates !== undefined) {
      for (const j of candidates) {
        const combined = joined(l, right[j]!);
        if (residual !== null && !residual(combined, ctx)) continue;
        matched = true;
        if (rightMatched !== null) rightMatched[j] = 1;
        emit(combined);
      }
    }
    if (!matched && keepLeft) emit(joined(l, rightNulls));
    else if (anti && candidates === undefined) emit(l);
  };
  if (plan.leftKeys.length > 0 && plan.joinType === 'inner' && left.length < right.length) {
    // An inner join builds on its smaller side; rows still come out as left ++ right.
    const table = buildHashTable(plan.leftKeys, plan.rightKeys, left, ctx);
    for (const r of right) {
      const candidates = table.candidates(r);
      if (candidates === undefined) continue;
      for (const i of candidates) {
        const combined = joined(left[i]!, r);
        if (residual === null || residual(combined, ctx)) emit(combined);
      }
    }
  } else if (plan.leftKeys.length > 0 && (semi || anti) && left.length < right.length) {
    // A semi or anti join with fewer left rows builds on the left and marks the rows matched.
    const table = buildHashTable(plan.leftKeys, plan.rightKeys, left, ctx);
    const matched = new Uint8Array(left.length);
    for (const r of right) {
      const candidates = table.candidates(r);
      if (candidates === undefined) continue;
      for (const i of candidates) {
        if (matched[i] === 0 && (residual === null || residual(joined(left[i]!, r), ctx))) matched[i] = 1;
      }
    }
    for (let i = 0; i < left.length; i++) if ((matched[i] === 1) === semi) emit(left[i]!);
  } else if (plan.leftKeys.length > 0) {
    const table = buildHashTable(plan.rightKeys, plan.leftKeys, right, ctx);
    for (const l of left) probe(l, table.candidates(l));
  } else {
    const everyRow = right.map((_, j) => j);
    // Each left row costs a pass over all right rows, so the cancel check runs per left row.
    for (const l of left) {
      ctx.checkCancel();
      probe(l, everyRow);
    }
  }
  if (rightMatched !== null) {
    for (let j = 0; j < right.length; j++) if (rightMatched[j] === 0) emit(joined(leftNulls, right[j]!));
  }
  return out;
}

export function rowComparator(keys: readonly SortKey[], ctx: ExecContext): (a: Row, b: Row) => number {
  const fns = keys.map((k) => compileExpr(k.expr));
  const types = keys.map((k) => k.expr.type);
  return (a, b) => {
    for (let i = 0; i < fns.length; i++) {
      const key = keys[i]!;
      const x = fns[i]!(a, ctx);
      const y = fns[i]!(b, ctx);
      let c: number;
      if (x === null || y === null) {
        if (x === y) continue;
        c = x === null ? (key.nullsFirst ? -1 : 1) : key.nullsFirst ? 1 : -1;
        return c;
      }
      c = compareValues(types[i]!, x, y);
      if (c !== 0) return key.descending ? -c : c;
    }
    return 0;
  };
}

function sortRows(rows: Row[], keys: readonly SortKey[], ctx: ExecContext, keep: number): Row[] {
  const cmp = rowComparator(keys, ctx);
  if (keep < rows.length / 8 && keep <= TOP_N_HEAP_ROWS_MAX) return topN(rows, cmp, keep);
  // Array.prototype.sort is stable, as ORDER BY ties in PostgreSQL's output usually look.
  return rows.slice().sort(cmp);
}

/** Above this, ORDER BY … LIMIT sorts everything instead of keeping a bounded selection. */
const TOP_N_HEAP_ROWS_MAX = 100_000;

/** The first `keep` rows in order, without sorting the rest (ORDER BY … LIMIT). */
function topN(rows: Row[], cmp: (a: Row, b: Row) => number, keep: number): Row[] {
  if (keep <= 0) return [];
  const best: Row[] = [];
  for (const r of rows) {
    if (best.length < keep) {
      insertSorted(best, r, cmp);
    } else if (cmp(r, best[best.length - 1]!) < 0) {
      best.pop();
      insertSorted(best, r, cmp);
    }
  }
  return best;
}

function insertSorted(arr: Row[], r: Row, cmp: (a: Row, b: Row) => number): void {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(arr[mid]!, r) <= 0) lo = mid + 1;
    else hi = mid;
  }
  arr.splice(lo, 0, r);
}

function countValue(v: Value, what: 'LIMIT' | 'OFFSET'): number {
  if (v === null) return -1;
  const n = Number(v);
  if (n < 0) {
    throw new EonError(what === 'LIMIT' ? 'invalid_row_count_in_limit_clause' : 'invalid_row_count_in_result_offset_clause', `${what} must not be negative`);
  }
  return n;
}

function runLimit(plan: Plan & { kind: 'limit' }, ctx: ExecContext): Row[] {
  const limit = plan.limit === null ? -1 : countValue(compileExpr(plan.limit)([], ctx), 'LIMIT');
  const offset = plan.offset === null ? 0 : Math.max(0, countValue(compileExpr(plan.offset)([], ctx), 'OFFSET'));
  const keep = limit < 0 ? Infinity : offset + limit;
  let rows: Row[];
  if (plan.input.kind === 'sort' && !ctx.prefetched.has(plan.input)) {
    rows = sortRows(runPlan(plan.input.input, ctx), plan.input.keys, ctx, keep);
  } else {
    rows = runPlan(plan.input, ctx);
  }
  return rows.slice(offset, limit < 0 ? undefined : offset + limit);
}

/** The first row of each key, in input order (DISTINCT, and DISTINCT ON with `keyOf`). */
function distinctRows(rows: Row[], keyOf: (r: Row) => string): Row[] {
  const seen = new Set<string>();
  const out: Row[] = [];
  for (const r of rows) {
    const k = keyOf(r);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(r);
  }
  return out;
}

function rowKeyOf(types: readonly ColumnType[]): (r: Row) => string {
  return (r) => groupKey(r, types);
}

function exprKeyOf(on: Expr[], ctx: ExecContext): (r: Row) => string {
  const fns = on.map(compileExpr);
  const types = on.map((e) => e.type);
  return (r) => groupKey(fns.map((f) => f(r, ctx)), types);
}

function runSetOp(plan: Plan & { kind: 'setop' }, ctx: ExecContext): Row[] {
  const left = runPlan(plan.left, ctx);
  const right = runPlan(plan.right, ctx);
  const types = plan.columns.map((c) => c.type);
  if (plan.op === 'union') {
    const all = left.concat(right);
    return plan.all ? all : distinctRows(all, rowKeyOf(types));
  }
  const counts = new Map<string, number>();
  for (const r of right) {
    const k = groupKey(r, types);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const out: Row[] = [];
  const emitted = new Set<string>();
  for (const r of left) {
    const k = groupKey(r, types);
    const c = counts.get(k) ?? 0;
    if (plan.op === 'intersect') {
      if (c === 0) continue;
      if (plan.all) {
        counts.set(k, c - 1);
        out.push(r);
      } else if (!emitted.has(k)) {
        emitted.add(k);
        out.push(r);
      }
    } else {
      if (plan.all) {
        if (c > 0) counts.set(k, c - 1);
        else out.push(r);
      } else if (c === 0 && !emitted.has(k)) {
        emitted.add(k);
        out.push(r);
      }
    }
  }
  return out;
}
