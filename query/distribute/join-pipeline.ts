// Joins the data engines run as they scan: under an aggregate, a tree of inner, semi and anti
// hash joins (with filters and projections between them) becomes one pipeline over its largest
// table scan, the fact. Every other join input is a build side, computed first on the
// coordinator and sent to the data engines as a hash table (a broadcast join); each fact row is
// probed against the build sides in plan order, and the rows that survive feed the partial
// aggregate. This module finds such pipelines and rewrites their expressions into one column
// space; join-aggregate-fragment.ts compiles and runs them.

import type { ColumnType } from '../../src/types/index.js';
import { exprKey } from '../bind/expr-key.js';
import { columnsUsed, exprChildren, mapExpr, renumberColumns, type Expr } from '../plan/expr.js';
import type { AggregateCall, Plan } from '../plan/logical.js';
import { INT32_KEY_KINDS, INT32_KEYS_MAX } from './int32-groups.js';
import { isFilterableKey, mayOmitKeys } from './join-key-filter.js';
import { isKernelCall, isKernelCast } from './kernel-expr.js';
import { scanOutputOrdinals } from './scan-fragment.js';

type ScanPlan = Plan & { kind: 'scan' };
type AggregatePlan = Plan & { kind: 'aggregate' };
type JoinPlan = Plan & { kind: 'join' };

/** Key kinds a build side hashes on: the kernel sees the same JavaScript value as the coordinator. */
const JOIN_KEY_KINDS = new Set(['int2', 'int4', 'int8', 'date', 'text', 'varchar']);
/** A join input computed on the coordinator and probed in the data engines. */
export interface BuildSide {
  readonly plan: Plan;
  /** Join keys over the build side's rows. */
  readonly keys: readonly Expr[];
  /** What the kernel reads per build row: expressions over its rows, computed on the coordinator. */
  readonly values: Expr[];
  /** Whether the hash table is an int32 open-addressing table (else a Map). */
  readonly int32Keys: boolean;
}

export type PipelineStep =
  | { readonly kind: 'probe'; readonly build: number; readonly joinType: 'inner' | 'semi' | 'anti'; readonly probeKeys: readonly Expr[]; readonly residual: Expr | null }
  | { readonly kind: 'filter'; readonly predicate: Expr };

/**
 * Pipeline column space: indexes below `factWidth` are the fact table's columns (by ordinal, as
 * its scan filter has them); `factWidth + v` is build value `values[v]`.
 */
export interface JoinPipeline {
  readonly fact: ScanPlan;
  readonly factWidth: number;
  readonly builds: readonly BuildSide[];
  readonly values: readonly { readonly build: number; readonly value: number; readonly type: ColumnType }[];
  /** Bottom up: the fact scan's own filter is not a step (it stays on the scan). */
  readonly steps: readonly PipelineStep[];
  /** The joins the pipeline replaces (no other rule may plan around them). */
  readonly joins: readonly JoinPlan[];
  readonly groupBy: readonly Expr[];
  readonly argsOf: (call: AggregateCall) => readonly Expr[];
}

/** Thrown inside the rewrite when some part cannot be pipelined; caught at the top. */
class NotPipelined extends Error {}

/**
 * The pipeline for `agg`, probing `fact` (a large scan inside its input), or null when the tree
 * between them holds something other than filters, projections and inner, semi or anti hash
 * joins with the fact on a side the join keeps, or an expression a pipeline cannot carry.
 */
export function planJoinPipeline(agg: AggregatePlan, fact: ScanPlan): JoinPipeline | null {
  try {
    return new PipelineBuilder(fact).build(agg);
  } catch (e) {
    if (e instanceof NotPipelined) return null;
    throw e;
  }
}

/**
 * Scans a pipeline under `agg` could probe: those reached from its input through filters,
 * projections and inner joins (either side) or semi and anti joins (the kept side).
 */
export function pipelineFactCandidates(agg: AggregatePlan): ScanPlan[] {
  const out: ScanPlan[] = [];
  const visit = (p: Plan): void => {
    switch (p.kind) {
      case 'scan':
        out.push(p);
        return;
      case 'filter':
      case 'project':
        visit(p.input);
        return;
      case 'join':
        if (p.leftKeys.length === 0) return;
        if (p.joinType === 'inner') {
          visit(p.left);
          visit(p.right);
        } else if (p.joinType === 'semi' || p.joinType === 'anti') visit(p.left);
        return;
      default:
        return;
    }
  };
  visit(agg.input);
  return out;
}

class PipelineBuilder {
  private readonly fact: ScanPlan;
  private readonly factWidth: number;
  private readonly builds: BuildSide[] = [];
  private readonly values: { build: number; value: number; type: ColumnType }[] = [];
  /** Per build, value index by the value expression's key (one computation per distinct value). */
  private readonly valueIndex: Map<string, number>[] = [];
  private readonly steps: PipelineStep[] = [];
  private readonly joins: JoinPlan[] = [];

  constructor(fact: ScanPlan) {
    this.fact = fact;
    this.factWidth = fact.table.columns.length;
  }

  build(agg: AggregatePlan): JoinPipeline {
    const input = this.lower(agg.input);
    const groupBy = agg.groupBy.map((g) => this.finish(inline(g, input)));
    const args = new Map(agg.aggregates.map((call) => [call, call.args.map((a) => this.finish(inline(a, input)))]));
    if (agg.aggregates.some((c) => c.filter !== null || c.orderBy.length > 0)) throw new NotPipelined();
    return {
      fact: this.fact,
      factWidth: this.factWidth,
      builds: this.builds,
      values: this.values,
      steps: this.steps,
      joins: this.joins,
      groupBy,
      argsOf: (call) => args.get(call)!,
    };
  }

  /** The plan's output columns as pipeline expressions, adding its steps. */
  private lower(p: Plan): Expr[] {
    if (p === this.fact) return scanOutputOrdinals(p).map((o) => factColumn(p, o));
    switch (p.kind) {
      case 'project': {
        const input = this.lower(p.input);
        return p.exprs.map((e) => inline(e, input));
      }
      case 'filter': {
        const input = this.lower(p.input);
        this.steps.push({ kind: 'filter', predicate: this.finish(inline(p.predicate, input)) });
        return input;
      }
      case 'join':
        return this.lowerJoin(p);
      default:
        throw new NotPipelined();
    }
  }

  private lowerJoin(p: JoinPlan): Expr[] {
    if (p.leftKeys.length === 0 || (p.joinType !== 'inner' && p.joinType !== 'semi' && p.joinType !== 'anti')) throw new NotPipelined();
    const factLeft = reaches(p.left, this.fact);
    if (!factLeft && (p.joinType !== 'inner' || !reaches(p.right, this.fact))) throw new NotPipelined();
    const probeSide = factLeft ? p.left : p.right;
    const buildSide = factLeft ? p.right : p.left;
    const probeKeys = factLeft ? p.leftKeys : p.rightKeys;
    const buildKeys = factLeft ? p.rightKeys : p.leftKeys;
    const probeOut = this.lower(probeSide);
    const keys = probeKeys.map((k) => this.finish(inline(k, probeOut)));
    const probe = this.probe(buildSide, keys, buildKeys, p.joinType);
    if (p.residual !== null) {
      const combined = factLeft ? [...probeOut, ...probe.out] : [...probe.out, ...probeOut];
      const residual = this.finish(inline(p.residual, combined));
      this.steps[probe.step] = { ...(this.steps[probe.step] as PipelineStep & { kind: 'probe' }), residual };
    }
    this.joins.push(p);
    if (p.joinType !== 'inner') return probeOut;
    return factLeft ? [...probeOut, ...probe.out] : [...probe.out, ...probeOut];
  }

  /**
   * Adds the probe of `side` by pipeline expressions `keys` (matching `sideKeys` over its rows),
   * returning the side's columns as pipeline expressions and the step (the last one added). An
   * inner join of two sides, probed by columns of one of them, becomes two probes: that side's
   * by `keys`, then the other's by the join's own keys (TPC-H Q3 probes orders, then customer by
   * the order's customer key), so neither a join on the coordinator nor its rows are needed.
   */
  private probe(side: Plan, keys: readonly Expr[], sideKeys: readonly Expr[], joinType: 'inner' | 'semi' | 'anti'): { out: Expr[]; step: number } {
    sideKeys.forEach((k, i) => {
      if (!JOIN_KEY_KINDS.has(k.type.kind) || k.type.kind !== keys[i]!.type.kind) throw new NotPipelined();
    });
    const split = joinType === 'inner' ? splitInnerJoin(side, sideKeys) : null;
    if (split !== null) {
      const { join, first, firstKeys, firstIsLeft } = split;
      const second = firstIsLeft ? join.right : join.left;
      const firstOut = this.probe(first, keys, firstKeys, 'inner').out;
      const secondKeys = (firstIsLeft ? join.leftKeys : join.rightKeys).map((k) => this.finish(inline(k, firstOut)));
      const secondProbe = this.probe(second, secondKeys, firstIsLeft ? join.rightKeys : join.leftKeys, 'inner');
      this.joins.push(join);
      return { out: firstIsLeft ? [...firstOut, ...secondProbe.out] : [...secondProbe.out, ...firstOut], step: secondProbe.step };
    }
    const b = this.builds.length;
    const int32Keys = sideKeys.length <= INT32_KEYS_MAX && sideKeys.every((k) => INT32_KEY_KINDS.has(k.type.kind));
    this.builds.push({ plan: side, keys: sideKeys, values: [], int32Keys });
    this.valueIndex.push(new Map());
    const out = side.columns.map((c, j) => this.buildValue(b, { kind: 'column', type: c.type, index: j, name: c.name }));
    const step = this.steps.push({ kind: 'probe', build: b, joinType, probeKeys: keys, residual: null }) - 1;
    return { out, step };
  }

  /** The pipeline column of build `b`'s value `e` (an expression over its rows). */
  private buildValue(b: number, e: Expr): Expr {
    const key = exprKey(e);
    let v = this.valueIndex[b]!.get(key);
    if (v === undefined) {
      this.builds[b]!.values.push(e);
      v = this.values.push({ build: b, value: this.builds[b]!.values.length - 1, type: e.type }) - 1;
      this.valueIndex[b]!.set(key, v);
    }
    return { kind: 'column', type: e.type, index: this.factWidth + v, name: '' };
  }

  /**
   * Moves each largest subexpression that reads one build side only (and no volatile function),
   * and that a kernel may not compute (function calls, casts), to that side, as a value computed
   * per build row on the coordinator: the kernel then reads a column. What kernels compute
   * (comparisons, arithmetic, CASE) stays in the kernel, far cheaper per row than the coordinator.
   */
  private finish(e: Expr): Expr {
    if (e.kind === 'column' || e.kind === 'const' || e.kind === 'param') return e;
    const builds = new Set<number>();
    let fact = false;
    for (const c of columnsUsed(e)) {
      if (c < this.factWidth) fact = true;
      else builds.add(this.values[c - this.factWidth]!.build);
    }
    if (!fact && builds.size === 1 && !hasVolatile(e) && !kernelNative(e)) {
      const b = [...builds][0]!;
      const overBuild = mapExpr(e, (x) => (x.kind === 'column' ? this.builds[b]!.values[this.values[x.index - this.factWidth]!.value]! : null));
      return this.buildValue(b, overBuild);
    }
    return rebuildChildren(e, (c) => this.finish(c));
  }
}

/**
 * The pipeline with its steps reordered so that fact rows are dropped as early as possible:
 * filters as soon as the build values they read are there, then the probe keeping the smallest
 * share of rows (`keepRate` of its build side; anti probes count as keeping every row). A step
 * still comes after the probes of the build sides whose values it reads; ties keep plan order.
 * Inner, semi and anti probes and filters of one row commute, so the result is the same.
 */
export function orderSteps(pipeline: JoinPipeline, keepRate: (build: number) => number): JoinPipeline {
  const { steps } = pipeline;
  const needs = steps.map((s) => {
    const builds = buildsRead(pipeline, s.kind === 'filter' ? [s.predicate] : [...s.probeKeys, ...(s.residual === null ? [] : [s.residual])]);
    if (s.kind === 'probe') builds.delete(s.build);
    return builds;
  });
  const probed = new Set<number>();
  const left = steps.map((_, i) => i);
  const ordered: PipelineStep[] = [];
  while (left.length > 0) {
    let best = -1;
    let bestRate = Infinity;
    for (const i of left) {
      if (![...needs[i]!].every((b) => probed.has(b))) continue;
      const s = steps[i]!;
      const rate = s.kind === 'filter' ? -1 : s.joinType === 'anti' ? 1 : keepRate(s.build);
      if (rate < bestRate) {
        best = i;
        bestRate = rate;
      }
    }
    if (best < 0) return pipeline; // a step reads a side never probed: keep the plan's order
    const s = steps[best]!;
    if (s.kind === 'probe') probed.add(s.build);
    ordered.push(s);
    left.splice(left.indexOf(best), 1);
  }
  return { ...pipeline, steps: ordered };
}

/** A build side's scan filtered by the keys of a side built before it: which side, on which key, for which table column. */
export interface BuildKeySource {
  readonly from: number;
  /** The earlier side's key, over its rows. */
  readonly key: Expr;
  /** The filtered scan's column: its output position, and its table ordinal. */
  readonly column: number;
  readonly ordinal: number;
}

/**
 * The order to build a pipeline's sides in, and the key filter each build scan takes from a side
 * built before it. Side b's rows are useless unless some fact row matches them and every inner
 * or semi probe too, so b may drop rows whose key cannot pass another side a's probe:
 *  - a and b are probed by the same fact column (TPC-H Q9: partsupp by the keys of the parts
 *    named like '%green%'), or
 *  - a is probed by a column of b's (Q3: the orders of the customers in one market segment).
 * A side whose probe reads another's values is built first, so that the other can be filtered by
 * its keys; a side filters only when it may lack keys itself (filtered, or filtered by another).
 */
export function buildOrder(pipeline: JoinPipeline): { order: number[]; sources: (BuildKeySource | null)[] } {
  const n = pipeline.builds.length;
  const probes = pipeline.steps.filter((s): s is PipelineStep & { kind: 'probe' } => s.kind === 'probe');
  /** before[x]: the sides whose probe reads x's values. */
  const before = Array.from({ length: n }, () => new Set<number>());
  for (const s of probes) for (const x of buildsRead(pipeline, s.probeKeys)) if (x !== s.build) before[x]!.add(s.build);
  const order: number[] = [];
  const placed = new Set<number>();
  while (order.length < n) {
    const ready = [...Array(n).keys()].filter((x) => !placed.has(x) && [...before[x]!].every((a) => placed.has(a)));
    const next = ready[0] ?? [...Array(n).keys()].find((x) => !placed.has(x))!; // a cycle: plan order
    order.push(next);
    placed.add(next);
  }
  const sources: (BuildKeySource | null)[] = new Array(n).fill(null);
  const built: number[] = [];
  for (const b of order) {
    sources[b] = keySourceOf(pipeline, b, built.filter((a) => mayOmitKeys(pipeline.builds[a]!.plan) || sources[a] !== null), probes);
    built.push(b);
  }
  return { order, sources };
}

/** The first of the two ways in buildOrder's note that side `b` (a scan) can be filtered by one of `earlier`. */
function keySourceOf(pipeline: JoinPipeline, b: number, earlier: readonly number[], probes: readonly (PipelineStep & { kind: 'probe' })[]): BuildKeySource | null {
  const side = pipeline.builds[b]!;
  if (side.plan.kind !== 'scan') return null;
  const ordinals = scanOutputOrdinals(side.plan);
  const mine = probes.find((s) => s.build === b);
  for (const a of earlier) {
    const theirs = probes.find((s) => s.build === a);
    if (theirs === undefined || theirs.joinType === 'anti') continue;
    const aKeys = pipeline.builds[a]!.keys;
    for (let j = 0; j < theirs.probeKeys.length; j++) {
      const k = theirs.probeKeys[j]!;
      if (k.kind !== 'column' || !isFilterableKey(k.type) || aKeys[j]!.type.kind !== k.type.kind) continue;
      if (k.index < pipeline.factWidth) {
        // Same fact column: b's key at the position where b's probe reads that column.
        const i = mine?.probeKeys.findIndex((m) => m.kind === 'column' && m.index === k.index) ?? -1;
        const own = side.keys[i];
        if (own?.kind === 'column' && own.type.kind === k.type.kind) return { from: a, key: aKeys[j]!, column: own.index, ordinal: ordinals[own.index]! };
        continue;
      }
      // A value of b's: a plain column of its rows.
      const v = pipeline.values[k.index - pipeline.factWidth];
      const value = v?.build === b ? side.values[v.value] : undefined;
      if (value?.kind === 'column') return { from: a, key: aKeys[j]!, column: value.index, ordinal: ordinals[value.index]! };
    }
  }
  return null;
}

/** The build sides whose columns (values, or rows) pipeline expressions `exprs` read. */
function buildsRead(pipeline: JoinPipeline, exprs: readonly Expr[]): Set<number> {
  const out = new Set<number>();
  for (const e of exprs) {
    for (const c of columnsUsed(e)) {
      const v = c - pipeline.factWidth;
      if (v >= 0) out.add(v < pipeline.values.length ? pipeline.values[v]!.build : v - pipeline.values.length);
    }
  }
  return out;
}

/**
 * `side` as an inner join (without residual) whose probe keys `sideKeys`, plain columns, all
 * come from one of its sides (`first`, with the keys over its columns); else null.
 */
function splitInnerJoin(side: Plan, sideKeys: readonly Expr[]): { join: JoinPlan; first: Plan; firstKeys: Expr[]; firstIsLeft: boolean } | null {
  if (side.kind !== 'join' || side.joinType !== 'inner' || side.residual !== null || side.leftKeys.length === 0) return null;
  const leftWidth = side.left.columns.length;
  if (!sideKeys.every((k) => k.kind === 'column')) return null;
  const columns = sideKeys.map((k) => (k as Expr & { kind: 'column' }).index);
  const firstIsLeft = columns.every((c) => c < leftWidth);
  if (!firstIsLeft && !columns.every((c) => c >= leftWidth)) return null;
  const firstKeys = sideKeys.map((k) => (firstIsLeft ? k : renumberColumns(k, (i) => i - leftWidth)));
  return { join: side, first: firstIsLeft ? side.left : side.right, firstKeys, firstIsLeft };
}

function factColumn(scan: ScanPlan, ordinal: number): Expr {
  const c = scan.table.columns[ordinal]!;
  return { kind: 'column', type: c.type, index: ordinal, name: c.name };
}

/** True when `target` is in `p`'s subtree. */
function reaches(p: Plan, target: Plan): boolean {
  if (p === target) return true;
  if (p.kind === 'scan' || p.kind === 'values') return false;
  return (p.kind === 'join' ? [p.left, p.right] : 'input' in p ? [p.input] : []).some((c) => reaches(c, target));
}

/** `e` over a plan's output, rewritten over the expressions that compute that output. */
function inline(e: Expr, columns: readonly Expr[]): Expr {
  return mapExpr(e, (x) => {
    switch (x.kind) {
      case 'column':
        return columns[x.index]!;
      case 'outer':
      case 'subquery':
      case 'in_subquery':
      case 'quantified':
        throw new NotPipelined();
      default:
        return null;
    }
  });
}

/** Expression kinds kernels compile themselves (see kernel-expr.ts), throughout `e`. */
const KERNEL_NATIVE_KINDS = new Set<Expr['kind']>(['column', 'const', 'param', 'binary', 'and', 'or', 'not', 'is_null', 'in_list', 'like', 'case']);

function kernelNative(e: Expr): boolean {
  const native = KERNEL_NATIVE_KINDS.has(e.kind) || (e.kind === 'cast' && isKernelCast(e)) || (e.kind === 'call' && isKernelCall(e));
  return native && exprChildren(e).every(kernelNative);
}

function hasVolatile(e: Expr): boolean {
  return (e.kind === 'call' && e.volatile) || exprChildren(e).some(hasVolatile);
}

/** `e` with each direct child replaced by `f(child)` (the node itself kept). */
function rebuildChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  return mapExpr(e, (x) => (x === e ? null : f(x)));
}
