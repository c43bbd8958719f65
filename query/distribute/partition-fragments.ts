// Per-partition fragments in the data engines: which parts of a plan run there (aggregates over
// a scan as partial-aggregate kernels, other scans as filter-and-project kernels returning Arrow
// IPC), running them on every partition through the worker pool, and handing the merged results
// to the coordinator's executor.

import type { Value } from '../../src/types/index.js';
import { TOP_KEYS_MAX, unpackPartial, type DataEnginePool, type FragmentTask, type PackedPartial, type PartialArrays, type Store, type TableSchema, type ZonePredicate } from '../../storage/index.js';
import { compileExpr, compilePredicate } from '../execute/compile-expr.js';
import { ExecContext } from '../execute/context.js';
import { Gather } from '../execute/exchange/gather.js';
import type { ExchangeTransport } from '../execute/exchange/transport.js';
import { CoverageTransport, coverageNodes, coverageTasks } from '../execute/exchange/coverage-transport.js';
import type { CoveragePolicy, RemoteEngines } from '../execute/exchange/remote-engines.js';
import { drainAsync } from '../execute/operators/drive.js';
import { limitCounts } from '../execute/operators/limit.js';
import type { Row } from '../execute/operators/operator.js';
import { exprChildren, type Expr } from '../plan/expr.js';
import { columnSource } from '../plan/column-source.js';
import { planChildren, planExprs, subqueryPlans, type Plan } from '../plan/logical.js';
import { keyRangeMayBeWide } from '../optimize/key-range.js';
import { estimateRows } from '../optimize/cardinality.js';
import { exprRefsOuter } from '../optimize/decorrelate.js';
import { compileAggregateKernel, mergePartials, type AggregateFragment, type AggregateKernel } from './aggregate-fragment.js';
import type { FragmentInfo, FragmentRunner } from './index.js';
import { compileScanKernel, scanPartialRows, scanPartialsToBatches, type ScanBatches, type ScanKernel, type ScanPartial, type ScanPushdown } from './scan-fragment.js';
import { KEY_FILTER_VALUES_MAX, planKeyFilters, type KeyFilter, type KeyFilterPlan } from './join-key-filter.js';
import { buildOrder, orderSteps, pipelineFactCandidates, planJoinPipeline, type BuildKeySource, type BuildSide, type JoinPipeline, type PipelineStep } from './join-pipeline.js';
import { INT32_KEY_KINDS } from './int32-groups.js';
import { buildKeyValues, buildSides, compileJoinAggregateKernel, type BuildInput } from './join-aggregate-fragment.js';
import { topNBoundFor, type TopNBound } from './top-n-bound.js';
import { syncScanReads } from './scan-digests.js';
import { buildPartitioners } from './co-partitioned.js';
import { keyRangeScanPartitions } from '../execute/key-range-scan.js';
import { scanReadQuorum, TABLE_QUORUMS, type JoinStrategy, type StatementQuorum } from '../execute/statement-quorum.js';

/** Tables with fewer live rows than this are cheaper to scan and aggregate on the coordinator. */
export const FRAGMENT_ROWS_MIN = 20_000;
/** A LIMIT of at most this many rows over an unfiltered scan reads it on the coordinator (see limitedScans). */
export const LOCAL_LIMIT_ROWS_MAX = 10_000;
/** Build sides up to this many rows lend the fact a key filter (collecting the keys costs per row). */
const PROBE_KEY_FILTER_ROWS_MAX = 200_000;
/** ... and only when their probe is expected to keep under this share of the fact's rows. */
const PROBE_KEY_FILTER_RATE_MAX = 0.5;
/** How many times more rows another scan must keep than the largest table, filtered, to be a pipeline's fact instead. */
const FACT_FILTERED_RATIO_MIN = 10;
/** Tasks per data-engine thread for one fragment: a few, so a slow thread can be made up for. */
export const FRAGMENT_TASKS_PER_THREAD = 2;
/** Tasks per data-engine thread a streamed scan is cut into (FRAGMENT_TASKS_PER_THREAD of them run at once). */
export const SCAN_TASKS_PER_THREAD = 8;

type ScanPlan = Plan & { kind: 'scan' };
type AggregatePlan = Plan & { kind: 'aggregate' };
type FilterPlan = Plan & { kind: 'filter' };
/** An aggregate over a join pipeline: its fact is probed and aggregated in the data engines. */
interface JoinAggregateFragment {
  readonly kind: 'join_aggregate';
  readonly plan: AggregatePlan;
  readonly pipeline: JoinPipeline;
}
type Fragment = AggregateFragment | JoinAggregateFragment | { readonly kind: 'scan'; readonly scan: ScanPlan };

/**
 * Whether partials of an aggregate over `scan` share no group: its group keys include every
 * column of the table's distribution key, so all rows of a group sit in one partition, and each
 * partition is in one task (see runEverywhere).
 */
function groupsByDistributionKey(scan: ScanPlan, scanGroupKeys: readonly (number | null)[]): boolean {
  const dk = scan.table.distributionKey;
  return dk.length > 0 && dk.every((o) => scanGroupKeys.includes(o));
}

/**
 * An uncorrelated scalar subquery's value for a kernel (its fragments ran first); undefined when
 * it fails, so that the coordinator evaluates it where PostgreSQL would and reports the error.
 */
function subqueryValue(e: Expr & { kind: 'subquery' }, ctx: ExecContext): Value | undefined {
  try {
    return compileExpr(e)([], ctx);
  } catch {
    return undefined;
  }
}

/** Subquery plans in the expressions of `p` and of the nodes under it, not looking into `skip`. */
function subqueriesWithin(p: Plan, skip: ReadonlySet<Plan>): Plan[] {
  if (skip.has(p)) return [];
  return [...subqueryPlans(p), ...planChildren(p).flatMap((c) => subqueriesWithin(c, skip))];
}

/**
 * What LIMITs let the scans right under them stop at: a LIMIT over a scan (through projections)
 * needs its count plus offset rows; a LIMIT over a sort over a scan needs the rows whose first
 * sort key — a column of the scan — ranks within the first count plus offset. Counts that do not
 * evaluate are left to the LIMIT, which reports them as PostgreSQL does.
 */
function scanPushdowns(plan: Plan, ctx: ExecContext, out = new Map<Plan, ScanPushdown>()): Map<Plan, ScanPushdown> {
  if (plan.kind === 'limit') {
    let count = -1;
    try {
      const { limit, offset } = limitCounts(plan.limit, plan.offset, ctx);
      if (limit >= 0) count = limit + offset;
    } catch {
      // left to the LIMIT
    }
    const sort = plan.input.kind === 'sort' ? plan.input : null;
    let input = sort?.input ?? plan.input;
    // The first sort key as a column of the node under the sort, followed down through projections.
    const first = sort?.keys[0];
    let keyColumn = first?.expr.kind === 'column' ? first.expr.index : -1;
    while (input.kind === 'project') {
      const e: Expr | undefined = keyColumn < 0 ? undefined : input.exprs[keyColumn];
      keyColumn = e?.kind === 'column' ? e.index : -1;
      input = input.input;
    }
    if (count >= 0 && input.kind === 'scan') {
      if (sort === null) out.set(input, { rowsMax: count });
      else if (keyColumn >= 0 && count <= TOP_KEYS_MAX) {
        const ordinal = input.project === undefined ? keyColumn : input.project[keyColumn]!;
        out.set(input, { topN: { ordinal, descending: first!.descending, nullsFirst: first!.nullsFirst, count } });
      }
    } else if (count >= 0) {
      const joined = joinTopNBound(plan);
      if (joined !== null && !out.has(joined.scan)) {
        const { bound, keyIndex } = joined;
        out.set(joined.scan, { bound });
        ctx.topNBounds.set(plan, (worst) => bound.report(worst[keyIndex]!));
      }
    }
  }
  for (const c of [...planChildren(plan), ...subqueryPlans(plan)]) scanPushdowns(c, ctx, out);
  return out;
}

/**
 * The scan an ORDER BY … LIMIT above joins bounds at run time, its bound, and the index of the
 * first sort key in the rows the top-N keeps; null when there is none (see boundedScan).
 */
function joinTopNBound(limit: Plan & { kind: 'limit' }): { scan: ScanPlan; bound: TopNBound; keyIndex: number } | null {
  if (limit.input.kind !== 'sort') return null;
  const first = limit.input.keys[0];
  if (first?.expr.kind !== 'column') return null;
  const source = boundedScan(limit.input.input, first.expr.index);
  if (source === null) return null;
  const bound = topNBoundFor(source.scan.table.columns[source.ordinal]!.type, source.ordinal, first.descending, first.nullsFirst);
  return bound === null ? null : { scan: source.scan, bound, keyIndex: first.expr.index };
}

/** Scans an ORDER BY … LIMIT above a join bounds at run time (for EXPLAIN), with the column. */
function topNBoundedScans(plan: Plan, out = new Map<Plan, string>()): Map<Plan, string> {
  const joined = plan.kind === 'limit' && plan.limit !== null ? joinTopNBound(plan) : null;
  if (joined !== null && !out.has(joined.scan)) out.set(joined.scan, joined.scan.table.columns[joined.bound.ordinal]!.name);
  for (const c of [...planChildren(plan), ...subqueryPlans(plan)]) topNBoundedScans(c, out);
  return out;
}

/**
 * The scan column that column `key` of `input` is, followed through projections, filters and at
 * least one join to the side it comes from, where dropping that side's rows ranking after a
 * top-N's bound drops only output rows that rank after it too: either side of an inner join, the
 * preserved side of an outer, semi or anti join. Null elsewhere (a full join, a computed column,
 * no join on the way: the scan's own top-N pushdown covers that).
 */
function boundedScan(input: Plan, key: number): { scan: ScanPlan; ordinal: number } | null {
  let joined = false;
  for (;;) {
    if (input.kind === 'project') {
      const e: Expr | undefined = input.exprs[key];
      if (e?.kind !== 'column') return null;
      key = e.index;
      input = input.input;
    } else if (input.kind === 'filter') {
      input = input.input;
    } else if (input.kind === 'join') {
      const leftWidth = input.left.columns.length;
      const leftOnly = input.joinType === 'semi' || input.joinType === 'anti';
      if (!leftOnly && input.columns.length !== leftWidth + input.right.columns.length) return null;
      const fromLeft = key < leftWidth;
      const preserved =
        input.joinType === 'inner' || input.joinType === 'cross' || (fromLeft ? input.joinType === 'left' || leftOnly : input.joinType === 'right');
      if (!preserved) return null;
      if (!fromLeft) key -= leftWidth;
      input = fromLeft ? input.left : input.right;
      joined = true;
    } else if (input.kind === 'scan' && joined) {
      return { scan: input, ordinal: input.project === undefined ? key : input.project[key]! };
    } else {
      return null;
    }
  }
}

/**
 * Unfiltered scans under a LIMIT of at most LOCAL_LIMIT_ROWS_MAX constant rows (through
 * projections, no ORDER BY): the coordinator reads their first rows from its own store sooner
 * than a data-engine task starts (a worker round trip, a read transaction, an Arrow batch).
 */
function limitedScans(plan: Plan, out = new Set<Plan>()): Set<Plan> {
  if (plan.kind === 'limit') {
    const count = constantCount(plan.limit);
    const offset = plan.offset === null ? 0 : constantCount(plan.offset);
    let input = plan.input;
    while (input.kind === 'project') input = input.input;
    if (count !== null && offset !== null && count + offset <= LOCAL_LIMIT_ROWS_MAX && input.kind === 'scan' && input.filter === null) out.add(input);
  }
  for (const c of [...planChildren(plan), ...subqueryPlans(plan)]) limitedScans(c, out);
  return out;
}

/** Scans run once per outer row: inside correlated subqueries and LATERAL right sides, at any depth. */
function perRowScans(plan: Plan, perRow = false, out = new Set<ScanPlan>()): Set<ScanPlan> {
  if (plan.kind === 'scan' && perRow) out.add(plan);
  const inExpr = (e: Expr): void => {
    if (e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') perRowScans(e.plan, perRow || e.correlated, out);
    for (const c of exprChildren(e)) inExpr(c);
  };
  for (const e of planExprs(plan)) inExpr(e);
  if (plan.kind === 'lateral') perRowScans(plan.right, true, out);
  for (const c of planChildren(plan)) perRowScans(c, perRow, out);
  return out;
}

/** A LIMIT or OFFSET written as a non-negative integer constant; null otherwise (a parameter, an expression). */
function constantCount(e: Expr | null): number | null {
  if (e === null || e.kind !== 'const') return null;
  const v = e.value;
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The plan node a fragment's result stands for. */
function rootOf(f: Fragment): Plan {
  return f.kind === 'scan' ? f.scan : f.plan;
}

interface KernelTask {
  readonly source: string;
  readonly columns: number[];
  readonly args: unknown[];
}

/** How a statement's tasks over one table reach its partitions, and their partition lists. */
interface TablePlacement {
  readonly transport: ExchangeTransport;
  readonly tasks: readonly number[][];
}

export class PartitionFragments implements FragmentRunner {
  private readonly store: Store;
  private readonly pool: DataEnginePool;
  /** The exchanges' way to this node's data engines: its worker pool. */
  private readonly transport: ExchangeTransport;
  /** Other nodes' data engines, for partitions this node does not read itself (a cluster node). */
  private readonly remote: RemoteEngines | undefined;

  constructor(store: Store, pool: DataEnginePool, remote?: RemoteEngines) {
    this.store = store;
    this.pool = pool;
    this.transport = { parallelism: pool.threads, run: async (task) => [await pool.run(task)] };
    this.remote = remote;
  }

  fragmentsOf(plan: Plan, local?: (table: TableSchema) => boolean, quorum: StatementQuorum = TABLE_QUORUMS, params: readonly Value[] = []): ReadonlyMap<Plan, FragmentInfo> {
    const out = new Map<Plan, FragmentInfo>();
    const coverage = new Map<number, readonly string[] | null>();
    const coverageOf = (t: TableSchema): readonly string[] | null => this.coverageOf(t, quorum.coverage, coverage);
    const fragments = this.findFragments(plan, quorum.joins, local, (t) => coverageOf(t) !== null);
    const ctx = new ExecContext({ store: this.store, params });
    const placed = (scan: ScanPlan): { nodes?: ReadonlyMap<string, number> } => {
      const c = coverageOf(scan.table);
      if (c === null) return {};
      // A key range fixing the distribution key reads the partitions it names only.
      const pruned = keyRangeScanPartitions(scan.table, scan.keyRange, ctx);
      const only = pruned === null || pruned.length === 0 ? null : new Set(pruned);
      const nodes = new Map<string, number>();
      c.forEach((n, p) => {
        if (only === null || only.has(p)) nodes.set(n, (nodes.get(n) ?? 0) + 1);
      });
      return { nodes };
    };
    const bounded = topNBoundedScans(plan);
    const keyFilters = new Map([...this.keyFiltersOf(plan, fragments).values()].map((k) => [k.probe, k]));
    const keyFilterOf = (scan: ScanPlan): { keyFilter?: string } => {
      const kf = keyFilters.get(scan);
      return kf === undefined ? {} : { keyFilter: scan.table.columns[kf.ordinal]!.name };
    };
    /** Build scans filtered by the keys of a side built before them, by key column name. */
    const builtFilters = new Map<Plan, string>();
    for (const f of fragments) {
      if (f.kind === 'aggregate') {
        out.set(f.plan, {});
        out.set(f.scan, { ...keyFilterOf(f.scan), ...placed(f.scan) });
        continue;
      }
      if (f.kind === 'join_aggregate') {
        const { fact, joins, builds } = f.pipeline;
        out.set(f.plan, { overJoins: true });
        for (const j of joins) out.set(j, { broadcast: true });
        const { sources } = buildOrder(f.pipeline);
        builds.forEach((b, i) => {
          const source = sources[i];
          if (source != null && b.plan.kind === 'scan') builtFilters.set(b.plan, b.plan.table.columns[source.ordinal]!.name);
        });
        const columns = [...new Set(compileJoinAggregateKernel(f.plan, f.pipeline, [])!.columns)].map((c) => fact.table.columns[c]!.name);
        out.set(fact, { columns, pushed: fact.filter, probe: true, ...keyFilterOf(fact), ...placed(fact) });
        continue;
      }
      const kernel = compileScanKernel(f.scan, []);
      const bound = bounded.get(f.scan);
      out.set(f.scan, {
        columns: kernel.sentOrdinals.map((c) => f.scan.table.columns[c]!.name),
        pushed: kernel.pushed,
        residual: kernel.residual,
        ...keyFilterOf(f.scan),
        ...(bound === undefined ? {} : { topNBound: bound }),
        ...placed(f.scan),
      });
    }
    for (const [scan, keyFilter] of builtFilters) {
      const info = out.get(scan);
      if (info !== undefined && info.keyFilter === undefined) out.set(scan, { ...info, keyFilter });
    }
    return out;
  }

  /**
   * Runs the plan's fragments, children before parents. Where a join filters a scan by the other
   * side's keys, that side runs first, to the end, on the coordinator (its rows are kept for the
   * executor), and the scan's kernel then drops rows whose key is not among them.
   */
  async prefetch(plan: Plan, ctx: ExecContext): Promise<void> {
    // Every replica the statement reads is first brought in line with R−1 others (digest reads).
    const remote = this.remote;
    if (remote !== undefined && remote.active()) await syncScanReads(plan, ctx, remote, (t, avoid) => this.coverageOf(t, ctx.coveragePolicy, ctx.coverage, avoid));
    // Workers read LMDB and cannot see a transaction block's uncommitted writes: tables it wrote
    // are scanned on the coordinator, through the write set.
    const writes = ctx.writes;
    // Tables this node does not read whole itself run every scan where their partitions are.
    const fragments = this.findFragments(plan, ctx.quorum.joins, writes === undefined ? undefined : (t) => writes.touches(t), (t) => this.coverageOf(t, ctx.coveragePolicy, ctx.coverage) !== null);
    const byRoot = new Map<Plan, Fragment>(fragments.map((f) => [rootOf(f), f]));
    const keyFilters = this.keyFiltersOf(plan, fragments);
    const filterOf = new Map<Plan, KeyFilter>();
    // A filter right above an aggregate fragment (HAVING) is applied as its groups are finished,
    // so that groups it drops are never kept as rows (see mergePartials).
    const having = new Map<Plan, FilterPlan>();
    const findHaving = (p: Plan): void => {
      if (p.kind === 'filter' && byRoot.get(p.input)?.kind !== 'scan' && byRoot.has(p.input)) having.set(p.input, p);
      for (const c of [...planChildren(p), ...subqueryPlans(p)]) findHaving(c);
    };
    findHaving(plan);
    const pushdowns = scanPushdowns(plan, ctx);
    // A scan the coordinator reads under a LIMIT stops at the rows it needs.
    for (const [scan, pushdown] of pushdowns) if (pushdown.rowsMax !== undefined && !byRoot.has(scan)) ctx.scanRowsMax.set(scan, pushdown.rowsMax);
    /**
     * `eager`: the node is reached through an uncorrelated subquery, which expressions run
     * synchronously — its scans' rows are gathered now rather than streamed as the plan runs.
     */
    const visit = async (p: Plan, eager: boolean): Promise<void> => {
      if (ctx.prefetched.has(p)) return; // a CTE's input, reached again through another reference
      if (p.kind === 'cte_ref') {
        // Computed once here, with its fragments: references in subqueries (optimized apart)
        // carry copies of the input that would otherwise each run their fragments again.
        if (ctx.cteResults.has(p.id)) return;
        await visit(p.input, false);
        ctx.cteResults.set(p.id, await drainAsync(p.input, ctx));
        return;
      }
      let f = byRoot.get(p);
      if (f === undefined && p.kind === 'scan' && fragments.some((x) => (x.kind === 'join_aggregate' ? x.pipeline.fact === p : x.kind === 'aggregate' && x.scan === p))) {
        f = { kind: 'scan', scan: p }; // a pipeline's fact or an aggregate's scan, when its kernel fell back to the coordinator
      }
      if (f !== undefined) {
        for (const c of subqueryPlans(p)) await visit(c, true); // a scan's residual filter may run them
        const started = performance.now();
        let done: boolean;
        if (f.kind === 'join_aggregate') {
          // Build sides that are scans come back as column vectors; others run on the coordinator.
          // In an order where a side is built after those whose keys filter it (see buildOrder).
          const { order, sources } = buildOrder(f.pipeline);
          const inputs: BuildInput[] = new Array(f.pipeline.builds.length);
          for (const i of order) {
            const b = f.pipeline.builds[i]!;
            const scan = byRoot.get(b.plan);
            const batches =
              scan?.kind === 'scan' && !ctx.prefetched.has(b.plan) ? await this.scanBatches(scan.scan, ctx, filterOf.get(scan.scan) ?? builtKeyFilter(sources[i]!, inputs, ctx)) : null;
            if (batches !== null) {
              inputs[i] = batches;
              continue;
            }
            await visit(b.plan, false);
            const rows = await drainAsync(b.plan, ctx);
            ctx.prefetched.set(b.plan, rows); // kept for the coordinator, should the pipeline fall back
            // A small table's scan runs here: its key filter too (later sides count on it).
            const source = sources[i]!;
            const keys = source === null ? null : buildKeyValues(inputs[source.from]!, source.key, ctx, KEY_FILTER_VALUES_MAX);
            inputs[i] = keys === null ? rows : rows.filter((r) => keys.has(r[source!.column]!));
          }
          done = await this.runJoinAggregate(f, inputs, ctx, filterOf.get(f.pipeline.fact), having.get(p));
        } else {
          done = await this.runFragment(f, ctx, filterOf.get(f.scan), having.get(p), { eager, pushdown: f.kind === 'scan' ? pushdowns.get(f.scan) : undefined });
        }
        const target = having.get(p) ?? p;
        // A streamed scan is measured as the plan pulls it (a gathered one was, as it was drained).
        const rows = f.kind === 'scan' ? undefined : ctx.prefetched.get(target);
        if (rows !== undefined) ctx.profile?.record(target, rows.length, performance.now() - started);
        if (!done) for (const c of planChildren(p)) await visit(c, eager);
        return;
      }
      const reduced = p.kind === 'join' ? keyFilters.get(p.left) ?? keyFilters.get(p.right) : undefined;
      if (reduced !== undefined) {
        await visit(reduced.build, false);
        const rows = await drainAsync(reduced.build, ctx);
        ctx.prefetched.set(reduced.build, rows);
        const values = buildKeyValues(rows, reduced.buildKey, ctx, KEY_FILTER_VALUES_MAX);
        if (values !== null) filterOf.set(reduced.probe, { ordinal: reduced.ordinal, values });
        await visit(reduced.probeSide, eager);
        return;
      }
      // Subqueries first: a HAVING filter applied with its aggregate (see `having`) may run them.
      for (const c of subqueryPlans(p)) await visit(c, true);
      for (const c of planChildren(p)) await visit(c, eager);
    };
    await visit(plan, false);
    await this.holdPerRowScans(plan, ctx);
  }

  async syncLocalReads(plan: Plan, ctx: ExecContext): Promise<void> {
    const remote = this.remote;
    if (remote !== undefined && remote.active()) await syncScanReads(plan, ctx, remote, () => null);
  }

  /**
   * Scans that run once per outer row (correlated subqueries, LATERAL right sides) read their
   * table from this node's store; one of a table with partitions served elsewhere gets the rows
   * it may need fetched first, once, through the data engines that serve them: the conjuncts of
   * its filter that read no outer row run there, and the scan applies its whole filter per row.
   */
  private async holdPerRowScans(plan: Plan, ctx: ExecContext): Promise<void> {
    for (const scan of perRowScans(plan)) {
      if (ctx.heldRows.has(scan) || ctx.writes?.touches(scan.table) === true) continue;
      if (this.coverageOf(scan.table, ctx.coveragePolicy, ctx.coverage) === null) continue;
      const conjuncts = scan.filter === null ? [] : scan.filter.kind === 'and' ? scan.filter.args : [scan.filter];
      const uncorrelated = conjuncts.filter((c) => !exprRefsOuter(c, 1));
      const whole: ScanPlan = {
        ...scan,
        filter: uncorrelated.length === 0 ? null : uncorrelated.length === 1 ? uncorrelated[0]! : { kind: 'and', type: scan.filter!.type, args: uncorrelated },
        keyLookup: null,
        project: undefined,
        keyRange: undefined,
        indexLookup: undefined,
      };
      const kernel = compileScanKernel(whole, ctx.params, undefined, (e) => subqueryValue(e, ctx));
      ctx.sources.set(whole, this.gatherScan(whole, kernel, ctx));
      const rows = await drainAsync(whole, ctx);
      ctx.charge(rows.length * scan.table.columns.length);
      ctx.heldRows.set(scan, rows);
    }
  }

  /**
   * Runs one fragment, leaving its rows in ctx.prefetched; false when it could not (a value a
   * kernel cannot hold exactly), so that the coordinator computes that part itself.
   */
  private async runFragment(
    f: Exclude<Fragment, JoinAggregateFragment>,
    ctx: ExecContext,
    keyFilter: KeyFilter | undefined,
    having: FilterPlan | undefined,
    scan: { eager: boolean; pushdown: ScanPushdown | undefined },
  ): Promise<boolean> {
    if (f.kind === 'scan') {
      // The scan's rows stream to the coordinator through a Gather as the plan pulls them.
      const kernel = compileScanKernel(f.scan, ctx.params, keyFilter, (e) => subqueryValue(e, ctx), scan.pushdown);
      ctx.sources.set(f.scan, this.gatherScan(f.scan, kernel, ctx, scan.pushdown?.bound));
      if (scan.eager) ctx.prefetched.set(f.scan, await drainAsync(f.scan, ctx));
      return true;
    }
    const project = f.scan.project;
    const scanGroupKeys = f.plan.groupBy.map((g) => (g.kind === 'column' ? (project === undefined ? g.index : project[g.index]!) : null));
    // Each task's groups are complete when grouped by the distribution key: kernels may apply HAVING.
    const finalHaving = having !== undefined && groupsByDistributionKey(f.scan, scanGroupKeys) ? having.predicate : undefined;
    return this.runAggregateKernel(f.plan, f.scan, compileAggregateKernel(f, ctx.params, keyFilter, finalHaving), ctx, { having, scanGroupKeys });
  }

  /** Hashes the build sides, sends them with the pipeline's kernel, and merges its partials. */
  private async runJoinAggregate(f: JoinAggregateFragment, inputs: readonly BuildInput[], ctx: ExecContext, keyFilter: KeyFilter | undefined, having: FilterPlan | undefined): Promise<boolean> {
    // Probes in the order that drops fact rows soonest, now that the build sides' sizes are known.
    const rates = f.pipeline.builds.map((b, i) => this.keepRate(b, inputs[i]!));
    const pipeline = orderSteps(f.pipeline, (b) => rates[b]!);
    const sides = buildSides(pipeline, inputs, ctx);
    if (sides === null) return false;
    const compiled = compileJoinAggregateKernel(f.plan, pipeline, ctx.params, sides, keyFilter ?? probeKeyFilter(pipeline, inputs, rates, ctx));
    const keySources = compiled?.keySources;
    const planKeys = keySources === undefined ? undefined : (p: PartialArrays): PartialArrays => sides.planKeys(p, keySources);
    const scanGroupKeys = pipeline.groupBy.map((g) => (g.kind === 'column' && g.index < pipeline.factWidth ? g.index : null));
    // Build sides the fact's distribution key probes go to another node only for its partitions
    // (co-partitioned.ts) — but not a side whose rows the kernel groups by (planKeys reads those
    // rows by the whole side's numbering).
    const rowKeyed = new Set((keySources ?? []).flatMap((src) => (src.kind === 'build' ? [src.build] : [])));
    const partitioners = buildPartitioners(pipeline, this.store.partitions).map((p, b) => (rowKeyed.has(b) ? null : p));
    const argsFor =
      compiled === null || partitioners.every((p) => p === null)
        ? undefined
        : (partitions: ReadonlySet<number>): unknown[] => sides.subset((b) => (partitioners[b] === null ? null : (key) => partitions.has(partitioners[b]!(key)))).bind(compiled.args);
    return this.runAggregateKernel(f.plan, pipeline.fact, compiled === null ? null : { ...compiled, args: sides.bind(compiled.args) }, ctx, { planKeys, having, scanGroupKeys, argsFor });
  }

  /**
   * The share of fact rows a probe of `side` is expected to keep: its rows over the rows of the
   * table its first key column comes from (a foreign key's target), or 1 when that is unknown.
   */
  private keepRate(side: BuildSide, input: BuildInput): number {
    const key = side.keys[0];
    const source = key?.kind === 'column' ? columnSource(side.plan, key.index) : null;
    if (source === null) return 1;
    return Math.min(1, input.length / Math.max(1, this.store.estimatedRows(source.scan.table)));
  }

  /** Runs a scan's kernel, returning its output as column vectors (null: see scanPartialsToBatches). */
  private async scanBatches(scan: ScanPlan, ctx: ExecContext, keyFilter: KeyFilter | undefined): Promise<ScanBatches | null> {
    const started = performance.now();
    const kernel = compileScanKernel(scan, ctx.params, keyFilter, (e) => subqueryValue(e, ctx));
    if (kernel.residual !== null) return null;
    const partials = (await this.runEverywhere(scan, kernel, ctx)) as ScanPartial[];
    ctx.checkCancel();
    const batches = scanPartialsToBatches(scan, kernel, partials);
    if (batches === null) return null;
    // Held like rows until the pipeline's build sides are sent: the same memory budget applies.
    ctx.charge(batches.length * Math.max(1, kernel.sentOrdinals.length));
    ctx.profile?.record(scan, batches.length, performance.now() - started);
    return batches;
  }

  /**
   * Runs an aggregate kernel and merges its partials into the aggregate's rows, or with `having`
   * into that filter's rows. `planKeys`, when the kernel's keys are not the plan's (see
   * rowGroupKeys), turns one into the other.
   */
  private async runAggregateKernel(
    plan: AggregatePlan,
    scan: ScanPlan,
    kernel: AggregateKernel | null,
    ctx: ExecContext,
    opts: {
      planKeys?: ((p: PartialArrays) => PartialArrays) | undefined;
      having?: FilterPlan | undefined;
      /** The group keys as table ordinals of `scan`, where a key is a bare column of it. */
      scanGroupKeys: readonly (number | null)[];
      /** The kernel's arguments for a node reading only these partitions (unset: the same for all). */
      argsFor?: ((partitions: ReadonlySet<number>) => unknown[]) | undefined;
    },
  ): Promise<boolean> {
    if (kernel === null) return false;
    const packed = (await this.runEverywhere(scan, kernel, ctx, opts.argsFor)) as PackedPartial[];
    ctx.checkCancel();
    const layout = kernel.layout;
    const partials = packed.map((p) => unpackPartial(p, layout));
    if (partials.some((r) => r.inexact)) return false; // the coordinator computes it exactly instead
    const { planKeys, having } = opts;
    const keyTypes = planKeys === undefined ? kernel.keyTypes : plan.groupBy.map((e) => e.type);
    const keep = having === undefined ? undefined : compilePredicate(having.predicate);
    const rows = mergePartials(kernel.specs, keyTypes, planKeys === undefined ? partials : partials.map(planKeys), {
      keep: keep === undefined ? undefined : (row) => keep(row, ctx),
      // Build rows turned into values may coincide, even within one partial: those merge by value.
      disjoint: planKeys === undefined && groupsByDistributionKey(scan, opts.scanGroupKeys),
    });
    ctx.prefetched.set(having ?? plan, rows);
    return true;
  }

  /** Key filters by the join side they shrink. */
  private keyFiltersOf(plan: Plan, fragments: readonly Fragment[]): Map<Plan, KeyFilterPlan> {
    // Scans whose kernel can apply a key filter: scan fragments, aggregate fragments' scans and pipeline facts.
    const scans = new Set<Plan>(fragments.map((f) => (f.kind === 'join_aggregate' ? f.pipeline.fact : f.scan)));
    // A pipeline's joins run in the data engines: no side of theirs runs first on the coordinator.
    const pipelined = new Set<Plan>(fragments.flatMap((f) => (f.kind === 'join_aggregate' ? f.pipeline.joins : [])));
    return new Map(planKeyFilters(plan, scans, (s) => this.store.estimatedRows(s.table), pipelined, (s) => this.store.tableStatistics(s.table)).map((k) => [k.probeSide, k]));
  }

  /**
   * The node reading each partition of `table` for this statement, or null when this node reads
   * them all (a node alone, or one serving every partition under the `local` policy). Planned once
   * per statement and table (`cache`), never on a node in `avoid` (readers digest reads could not ask).
   */
  private coverageOf(table: TableSchema, policy: CoveragePolicy, cache: Map<number, readonly string[] | null>, avoid?: ReadonlySet<string>): readonly string[] | null {
    const remote = this.remote;
    if (remote === undefined || !remote.active()) return null;
    let coverage = cache.get(table.id);
    if (coverage === undefined) {
      // A small table is not worth spreading: its scan costs less than a round trip to another node.
      const effective = policy === 'spread' && this.store.estimatedRows(table) < FRAGMENT_ROWS_MIN ? 'local' : policy;
      // (spread_all spreads every table: the distributed paths, tested on small tables.)
      const plan = remote.coverage(table, effective, avoid);
      coverage = plan.every((n) => n === remote.self) ? null : plan;
      cache.set(table.id, coverage);
    }
    return coverage;
  }

  /**
   * A statement's tasks over `table`: `tasksPerThread` per worker thread, each over every n-th
   * partition, through this node's pool; or, when its coverage plan reads partitions on other
   * nodes, tasks of as many partitions each, per node, through a coverage transport.
   */
  private placement(scan: ScanPlan, ctx: ExecContext, tasksPerThread: number, argsFor?: (partitions: ReadonlySet<number>) => unknown[]): TablePlacement {
    const table = scan.table;
    // A key range that fixes the distribution key reads one partition: only its replica is asked.
    const pruned = keyRangeScanPartitions(table, scan.keyRange, ctx);
    const wanted = pruned === null || pruned.length === 0 ? Array.from({ length: this.store.partitions }, (_, p) => p) : pruned;
    const partitions = wanted.length;
    const threads = Math.max(1, this.pool.threads);
    const taskCount = Math.min(partitions, threads * tasksPerThread);
    const coverage = this.coverageOf(table, ctx.coveragePolicy, ctx.coverage);
    if (coverage === null || this.remote === undefined) {
      const tasks: number[][] = [];
      for (let t = 0; t < taskCount; t++) {
        const list: number[] = [];
        for (let i = t; i < partitions; i += taskCount) list.push(wanted[i]!);
        tasks.push(list);
      }
      return { transport: this.transport, tasks };
    }
    const transport = new CoverageTransport({
      table,
      policy: ctx.coveragePolicy,
      coverage,
      remote: this.remote,
      local: (task) => this.pool.run(task),
      parallelism: threads * coverageNodes(coverage),
      signal: ctx.signal,
      // A block reads its own node; otherwise a replica taking over a task is checked as the first were.
      readQuorum: ctx.writes !== undefined ? 1 : scanReadQuorum(table, ctx.quorum),
      argsFor,
      record: ctx.profile === undefined ? undefined : (node, ms, bytes) => ctx.profile!.recordNode(scan, node, ms, bytes),
    });
    return { transport, tasks: coverageTasks(coverage, Math.ceil(partitions / taskCount), pruned === null || pruned.length === 0 ? undefined : new Set(pruned)) };
  }

  /**
   * The exchange streaming a scan kernel's rows: SCAN_TASKS_PER_THREAD tasks per worker thread,
   * at most FRAGMENT_TASKS_PER_THREAD per thread at once — small enough tasks that a LIMIT stops
   * after a few, and a whole-table read arrives in pieces.
   */
  private gatherScan(scan: ScanPlan, kernel: ScanKernel, ctx: ExecContext, bound?: TopNBound): Gather {
    const prune = zonePredicates(scan, ctx.params);
    const { transport, tasks: lists } = this.placement(scan, ctx, SCAN_TASKS_PER_THREAD);
    const tasks: FragmentTask[] = lists.map((partitions) => ({ tableId: scan.table.id, partitions, columns: kernel.columns, kernel: kernel.source, args: kernel.args, ...(prune === undefined ? {} : { prune }) }));
    const rowsOf = (result: unknown, c: ExecContext): Row[] => scanPartialRows(scan, kernel, result as ScanPartial, c);
    // A task carries the top-N bound reached when it is issued (tasks issued later drop more).
    const slot = kernel.boundArg;
    const prepare =
      slot === null || bound === undefined
        ? undefined
        : (task: FragmentTask): FragmentTask => {
            const args = task.args.slice();
            args[slot] = bound.rank;
            return { ...task, args };
          };
    return new Gather(scan, transport, tasks, rowsOf, transport.parallelism * FRAGMENT_TASKS_PER_THREAD, prepare);
  }

  /**
   * Runs one kernel over every partition of the scanned table, in FRAGMENT_TASKS_PER_THREAD tasks
   * per worker thread, each taking every n-th partition: a task's fixed cost (a message each way,
   * a read transaction) is paid per task, not per partition, and threads still share the work.
   */
  private async runEverywhere(scan: ScanPlan, kernel: KernelTask, ctx: ExecContext, argsFor?: (partitions: ReadonlySet<number>) => unknown[]): Promise<unknown[]> {
    const prune = zonePredicates(scan, ctx.params);
    const { transport, tasks } = this.placement(scan, ctx, FRAGMENT_TASKS_PER_THREAD, argsFor);
    const results = await Promise.all(
      tasks.map((partitions) => transport.run({ tableId: scan.table.id, partitions, columns: kernel.columns, kernel: kernel.source, args: kernel.args, ...(prune === undefined ? {} : { prune }) })),
    );
    return results.flat();
  }

  /**
   * The join pipeline under `agg` probing its largest large scan (or one its filters leave far
   * larger), if every part of it can run in a kernel.
   */
  private joinPipelineOf(agg: AggregatePlan, big: (s: ScanPlan) => boolean, joins: JoinStrategy): JoinPipeline | null {
    const facts = pipelineFactCandidates(agg).filter(big);
    if (facts.length === 0) return null;
    const rowsOf = (s: ScanPlan): number => this.store.estimatedRows(s.table);
    // The fact is the largest table, unless its filters leave it far smaller than another: the
    // others are built on the coordinator and held in memory (TPC-H Q12 probes every order with
    // its few filtered lines). Filter estimates are guesses, hence the wide margin.
    const largest = facts.reduce((a, b) => (rowsOf(b) > rowsOf(a) ? b : a));
    const statsOf = (s: ScanPlan) => this.store.tableStatistics(s.table);
    const kept = facts.reduce((a, b) => (estimateRows(b, rowsOf, statsOf) > estimateRows(a, rowsOf, statsOf) ? b : a));
    const fact = estimateRows(kept, rowsOf, statsOf) > FACT_FILTERED_RATIO_MIN * estimateRows(largest, rowsOf, statsOf) ? kept : largest;
    const pipeline = planJoinPipeline(agg, fact);
    if (pipeline === null) return null;
    // Broadcasting pays when every build side is smaller than the fact's table; otherwise the
    // larger side is better filtered by the smaller one's keys (see join-key-filter.ts).
    const factRows = rowsOf(fact);
    if (joins !== 'broadcast' && pipeline.builds.some((b) => estimateRows(b.plan, rowsOf, statsOf) >= factRows)) return null;
    return compileJoinAggregateKernel(agg, pipeline, []) === null ? null : pipeline;
  }

  /**
   * Aggregates directly over a scan or over a join pipeline, and other scans, of tables large
   * enough to be worth distributing, in the plan and in its uncorrelated subqueries.
   */
  private findFragments(plan: Plan, joins: JoinStrategy, local?: (table: TableSchema) => boolean, distributed?: (table: TableSchema) => boolean): Fragment[] {
    const found: Fragment[] = [];
    const limited = limitedScans(plan);
    const big = (s: ScanPlan): boolean => {
      // Point lookups are read at the key's replicas (point-reads.ts); a table the transaction
      // block wrote, through its write set on this node.
      if (s.keyLookup !== null || local?.(s.table) === true) return false;
      // A table this node does not read whole is read where its partitions are, whatever its size.
      if (distributed?.(s.table) === true) return true;
      return (
        s.indexLookup === undefined &&
        (s.keyRange === undefined || keyRangeMayBeWide(s.keyRange)) &&
        !limited.has(s) &&
        this.store.estimatedRows(s.table) >= FRAGMENT_ROWS_MIN
      );
    };
    const visit = (p: Plan): void => {
      if (p.kind === 'aggregate' && p.input.kind === 'scan' && big(p.input) && compileAggregateKernel({ kind: 'aggregate', plan: p, scan: p.input }, []) !== null) {
        found.push({ kind: 'aggregate', plan: p, scan: p.input });
        for (const c of [...subqueryPlans(p), ...subqueryPlans(p.input)]) visit(c);
        return;
      }
      if (p.kind === 'aggregate' && joins !== 'gather') {
        // Forced broadcast: any scan of a stored table (not a system table, computed here) may be
        // the fact the data engines probe with, whatever its size.
        const anyStored = (s: ScanPlan): boolean => s.keyLookup === null && local?.(s.table) !== true && this.store.getTable(s.table.name)?.id === s.table.id;
        const pipeline = this.joinPipelineOf(p, joins === 'broadcast' ? anyStored : big, joins);
        if (pipeline !== null) {
          found.push({ kind: 'join_aggregate', plan: p, pipeline });
          for (const b of pipeline.builds) visit(b.plan);
          for (const c of subqueriesWithin(p, new Set(pipeline.builds.map((b) => b.plan)))) visit(c);
          return;
        }
      }
      if (p.kind === 'scan') {
        if (big(p) && !found.some((f) => f.kind !== 'join_aggregate' && f.scan === p)) found.push({ kind: 'scan', scan: p });
        // A subquery in the scan's filter (its kernel takes the value as a constant) has fragments too.
        for (const c of subqueryPlans(p)) visit(c);
        return;
      }
      for (const c of [...planChildren(p), ...subqueryPlans(p)]) visit(c);
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

/**
 * A key filter for the fact from its most selective probe: an inner or semi probe by one integer
 * fact column of a side keeping under half the rows (`rates`, by build side). The kernel then
 * tests one bit per fact row (see keyFilterPredicate) before any hash probe; most rows stop there.
 */
function probeKeyFilter(pipeline: JoinPipeline, inputs: readonly BuildInput[], rates: readonly number[], ctx: ExecContext): KeyFilter | undefined {
  let best: (PipelineStep & { kind: 'probe' }) | null = null;
  for (const step of pipeline.steps) {
    if (step.kind !== 'probe' || step.joinType === 'anti' || step.probeKeys.length !== 1) continue;
    const key = step.probeKeys[0]!;
    if (key.kind !== 'column' || key.index >= pipeline.factWidth || !INT32_KEY_KINDS.has(key.type.kind) || inputs[step.build]!.length > PROBE_KEY_FILTER_ROWS_MAX) continue;
    const rate = rates[step.build]!;
    if (rate < PROBE_KEY_FILTER_RATE_MAX && (best === null || rate < rates[best.build]!)) best = step;
  }
  if (best === null) return undefined;
  const values = buildKeyValues(inputs[best.build]!, pipeline.builds[best.build]!.keys[0]!, ctx, KEY_FILTER_VALUES_MAX);
  const key = best.probeKeys[0] as Expr & { kind: 'column' };
  return values === null ? undefined : { ordinal: key.index, values };
}

/** The key filter for build side `b` from the side built before it that its source names. */
function builtKeyFilter(source: BuildKeySource | null, inputs: readonly BuildInput[], ctx: ExecContext): KeyFilter | undefined {
  const values = source === null ? null : buildKeyValues(inputs[source.from]!, source.key, ctx, KEY_FILTER_VALUES_MAX);
  return values === null ? undefined : { ordinal: source!.ordinal, values };
}

