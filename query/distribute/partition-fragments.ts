// Per-partition fragments in the data engines: which parts of a plan run there (aggregates over
// a scan as partial-aggregate kernels, other scans as filter-and-project kernels returning Arrow
// IPC), running them on every partition through the worker pool, and handing the merged results
// to the coordinator's executor.

import { EonError } from '../../src/errors/index.js';
import type { Value } from '../../src/types/index.js';
import { unpackPartial, type DataEnginePool, type PackedPartial, type Store, type ZonePredicate } from '../../storage/index.js';
import { compileExpr, type Row } from '../execute/compile-expr.js';
import type { ExecContext } from '../execute/context.js';
import { runPlan } from '../execute/executor.js';
import type { Expr } from '../plan/expr.js';
import { planChildren, type Plan } from '../plan/logical.js';
import { compileAggregateKernel, mergePartials, type AggregateFragment } from './aggregate-fragment.js';
import type { FragmentInfo, FragmentRunner } from './index.js';
import { compileScanKernel, scanPartialsToRows, type ScanPartial } from './scan-fragment.js';
import { KEY_FILTER_VALUES_MAX, planKeyFilters, type KeyFilter, type KeyFilterPlan } from './join-key-filter.js';

/** Tables with fewer live rows than this are cheaper to scan and aggregate on the coordinator. */
export const FRAGMENT_ROWS_MIN = 20_000;
/** Tasks per data-engine thread for one fragment: a few, so a slow thread can be made up for. */
export const FRAGMENT_TASKS_PER_THREAD = 2;

type ScanPlan = Plan & { kind: 'scan' };
type Fragment = AggregateFragment | { readonly kind: 'scan'; readonly scan: ScanPlan };

interface KernelTask {
  readonly source: string;
  readonly columns: number[];
  readonly args: unknown[];
}

export class PartitionFragments implements FragmentRunner {
  private readonly store: Store;
  private readonly pool: DataEnginePool;

  constructor(store: Store, pool: DataEnginePool) {
    this.store = store;
    this.pool = pool;
  }

  fragmentsOf(plan: Plan): ReadonlyMap<Plan, FragmentInfo> {
    const out = new Map<Plan, FragmentInfo>();
    const fragments = this.findFragments(plan);
    const keyFilters = this.keyFiltersOf(plan, fragments);
    for (const f of fragments) {
      if (f.kind === 'aggregate') {
        out.set(f.plan, {});
        continue;
      }
      const kernel = compileScanKernel(f.scan, []);
      const kf = keyFilters.get(f.scan);
      out.set(f.scan, {
        columns: kernel.sentOrdinals.map((c) => f.scan.table.columns[c]!.name),
        pushed: kernel.pushed,
        residual: kernel.residual,
        ...(kf === undefined ? {} : { keyFilter: f.scan.table.columns[kf.ordinal]!.name }),
      });
    }
    return out;
  }

  /**
   * Runs the plan's fragments, children before parents. Where a join filters a scan by the other
   * side's keys, that side runs first, to the end, on the coordinator (its rows are kept for the
   * executor), and the scan's kernel then drops rows whose key is not among them.
   */
  async prefetch(plan: Plan, ctx: ExecContext): Promise<void> {
    const fragments = this.findFragments(plan);
    const byRoot = new Map<Plan, Fragment>(fragments.map((f) => [f.kind === 'aggregate' ? f.plan : f.scan, f]));
    const keyFilters = this.keyFiltersOf(plan, fragments);
    const filterOf = new Map<Plan, KeyFilter>();
    const visit = async (p: Plan): Promise<void> => {
      if (ctx.prefetched.has(p)) return; // a CTE's input, reached again through another reference
      const f = byRoot.get(p);
      if (f !== undefined) {
        const started = performance.now();
        await this.runFragment(f, ctx, f.kind === 'scan' ? filterOf.get(f.scan) : undefined);
        const rows = ctx.prefetched.get(p);
        if (rows !== undefined) ctx.profile?.record(p, rows.length, performance.now() - started);
        return;
      }
      const reduced = p.kind === 'join' ? keyFilters.get(p.left) ?? keyFilters.get(p.right) : undefined;
      if (reduced !== undefined) {
        await visit(reduced.build);
        const rows = runPlan(reduced.build, ctx);
        ctx.prefetched.set(reduced.build, rows);
        const values = keyValues(rows, reduced.buildKey, ctx);
        if (values !== null) filterOf.set(reduced.probe, { ordinal: reduced.ordinal, values });
        await visit(reduced.probe);
        return;
      }
      for (const c of planChildren(p)) await visit(c);
    };
    await visit(plan);
  }

  private async runFragment(f: Fragment, ctx: ExecContext, keyFilter: KeyFilter | undefined): Promise<void> {
    if (f.kind === 'scan') {
      const kernel = compileScanKernel(f.scan, ctx.params, keyFilter);
      const partials = (await this.runEverywhere(f.scan, kernel, ctx.params)) as ScanPartial[];
      ctx.checkCancel();
      ctx.prefetched.set(f.scan, scanPartialsToRows(f.scan, kernel, partials, ctx));
      return;
    }
    const kernel = compileAggregateKernel(f, ctx.params);
    if (kernel === null) return;
    const packed = (await this.runEverywhere(f.scan, kernel, ctx.params)) as PackedPartial[];
    ctx.checkCancel();
    const partials = packed.map((p) => unpackPartial(p, kernel.layout));
    if (partials.some((r) => r.inexact)) return; // the coordinator computes it exactly instead
    ctx.prefetched.set(f.plan, mergePartials(f.plan, kernel.specs, kernel.keyTypes, partials));
  }

  /** Key filters by probe scan. */
  private keyFiltersOf(plan: Plan, fragments: readonly Fragment[]): Map<Plan, KeyFilterPlan> {
    const scans = new Set<Plan>(fragments.flatMap((f) => (f.kind === 'scan' ? [f.scan] : [])));
    return new Map(planKeyFilters(plan, scans, (s) => this.store.estimatedRows(s.table)).map((k) => [k.probe, k]));
  }

  /**
   * Runs one kernel over every partition of the scanned table, in FRAGMENT_TASKS_PER_THREAD tasks
   * per worker thread, each taking every n-th partition: a task's fixed cost (a message each way,
   * a read transaction) is paid per task, not per partition, and threads still share the work.
   */
  private runEverywhere(scan: ScanPlan, kernel: KernelTask, params: readonly Value[]): Promise<unknown[]> {
    const prune = zonePredicates(scan, params);
    const taskCount = Math.min(this.store.partitions, Math.max(1, this.pool.threads) * FRAGMENT_TASKS_PER_THREAD);
    const tasks: Promise<unknown>[] = [];
    for (let t = 0; t < taskCount; t++) {
      const partitions: number[] = [];
      for (let p = t; p < this.store.partitions; p += taskCount) partitions.push(p);
      tasks.push(this.pool.run({ tableId: scan.table.id, partitions, columns: kernel.columns, kernel: kernel.source, args: kernel.args, ...(prune === undefined ? {} : { prune }) }));
    }
    return Promise.all(tasks);
  }

  /**
   * Aggregates directly over a scan, and other scans, of tables large enough to be worth
   * distributing. Scans inside expressions (subqueries) stay on the coordinator.
   */
  private findFragments(plan: Plan): Fragment[] {
    const found: Fragment[] = [];
    const big = (s: ScanPlan): boolean => s.keyLookup === null && this.store.estimatedRows(s.table) >= FRAGMENT_ROWS_MIN;
    const visit = (p: Plan): void => {
      if (p.kind === 'aggregate' && p.input.kind === 'scan' && big(p.input) && compileAggregateKernel({ kind: 'aggregate', plan: p, scan: p.input }, []) !== null) {
        found.push({ kind: 'aggregate', plan: p, scan: p.input });
        return;
      }
      if (p.kind === 'scan') {
        if (big(p) && !found.some((f) => f.scan === p)) found.push({ kind: 'scan', scan: p });
        return;
      }
      for (const c of planChildren(p)) visit(c);
    };
    visit(plan);
    return found;
  }
}

const ZONE_OPS: Record<string, ZonePredicate['op']> = { '=': '=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const FLIPPED: Record<string, ZonePredicate['op']> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * Top-level `column op constant` conjuncts of a scan filter, in vector units, so segments whose
 * min/max cannot match are skipped. Only kinds whose vector value is the plain number qualify.
 */
function zonePredicates(scan: Plan & { kind: 'scan' }, params: readonly Value[]): ZonePredicate[] | undefined {
  if (scan.filter === null) return undefined;
  const conjuncts = scan.filter.kind === 'and' ? scan.filter.args : [scan.filter];
  const out: ZonePredicate[] = [];
  for (const c of conjuncts) {
    if (c.kind !== 'binary' || ZONE_OPS[c.op] === undefined) continue;
    let col = c.left;
    let val = c.right;
    let op = ZONE_OPS[c.op]!;
    if (col.kind !== 'column') {
      col = c.right;
      val = c.left;
      op = FLIPPED[c.op]!;
    }
    if (col.kind !== 'column' || (val.kind !== 'const' && val.kind !== 'param')) continue;
    const v = val.kind === 'const' ? val.value : params[val.index];
    const kind = scan.table.columns[col.index]!.type.kind;
    const plain = kind === 'int2' || kind === 'int4' || kind === 'float8' || kind === 'date' || kind === 'timestamp' || kind === 'timestamptz';
    if (!plain || typeof v !== 'number' || val.type.kind !== kind) continue;
    out.push({ column: col.index, op, value: v });
  }
  return out.length > 0 ? out : undefined;
}

/** The distinct non-null values of `key` over `rows`, or null past KEY_FILTER_VALUES_MAX. */
function keyValues(rows: readonly Row[], key: Expr, ctx: ExecContext): Set<Value> | null {
  const f = compileExpr(key);
  const out = new Set<Value>();
  for (const r of rows) {
    const v = f(r, ctx);
    if (v === null) continue;
    out.add(v);
    if (out.size > KEY_FILTER_VALUES_MAX) return null;
  }
  return out;
}
