// Per-execution state: parameters, outer rows of correlated subqueries, caches for CTEs and
// uncorrelated subqueries, the memory budget and the cancellation signal.

import { EonError } from '../../src/errors/index.js';
import { keyString, type ColumnType, type Value } from '../../src/types/index.js';
import type { Store } from '../../storage/index.js';
import type { WriteSet } from '../../storage/write-set.js';
import { deadlineOf, statementTimeoutError } from './deadline.js';
import type { Plan } from '../plan/logical.js';
import type { Row } from './compile-expr.js';
import { drainSync } from './operators/drive.js';
import type { PhysicalOperator } from './operators/operator.js';
import type { CoveragePolicy } from './exchange/remote-engines.js';
import { TABLE_QUORUMS, type StatementQuorum } from './statement-quorum.js';
import { sessionTimeZone, setSessionTimeZone, type TimeZone } from '../../src/types/time-zone.js';

/** Cells (rows × columns) one query may hold in memory at once before it fails with 53200. */
export const QUERY_CELLS_MAX = 40_000_000;
/** How many rows pass between checks of the cancellation signal. */
export const CANCEL_CHECK_ROWS = 65_536;

export interface ValueSet {
  readonly size: number;
  readonly hasNull: boolean;
  has(v: Value): boolean;
}

/** What EXPLAIN ANALYZE shows per operator: times run, rows out, and time including its inputs. */
export interface OperatorStats {
  loops: number;
  rows: number;
  ms: number;
}

/** A scan's tasks on one node under EXPLAIN ANALYZE: how many ran there, their summed time, and the result bytes it sent (0 here). */
export interface NodeWork {
  tasks: number;
  ms: number;
  bytes: number;
}

/** Per-operator measurements of one execution, kept only under EXPLAIN ANALYZE. */
export class OperatorProfile {
  readonly stats = new Map<Plan, OperatorStats>();
  /** Per fragment scan, its tasks per node (by node id) of a table whose partitions several nodes read. */
  readonly nodes = new Map<Plan, Map<string, NodeWork>>();

  recordNode(plan: Plan, node: string, ms: number, bytes: number): void {
    let byNode = this.nodes.get(plan);
    if (byNode === undefined) this.nodes.set(plan, (byNode = new Map()));
    const w = byNode.get(node);
    if (w === undefined) byNode.set(node, { tasks: 1, ms, bytes });
    else {
      w.tasks++;
      w.ms += ms;
      w.bytes += bytes;
    }
  }

  record(plan: Plan, rows: number, ms: number): void {
    const s = this.stats.get(plan);
    if (s === undefined) this.stats.set(plan, { loops: 1, rows, ms });
    else {
      s.loops++;
      s.rows += rows;
      s.ms += ms;
    }
  }
}

export class ExecContext {
  readonly store: Store;
  /** The transaction block's uncommitted writes, which scans of the tables they touch overlay. */
  readonly writes: WriteSet | undefined;
  readonly params: readonly Value[];
  readonly outerRows: readonly Row[];
  readonly signal: AbortSignal | undefined;
  /** statement_timeout's deadline (performance.now()), checked with the signal. */
  private readonly deadline: number;
  readonly cteResults: Map<number, Row[]>;
  /** Results of fragments already computed by data engines, keyed by the plan node. */
  readonly prefetched: Map<Plan, Row[]>;
  /** Operators computing a plan node elsewhere (an exchange from the data engines), set up before the plan runs. */
  readonly sources: Map<Plan, PhysicalOperator>;
  /**
   * Per ORDER BY … LIMIT (its limit node): where its top-N reports the worst row it keeps, once it
   * keeps a full set, so scans under a join drop rows that cannot enter it (query/distribute/top-n-bound.ts).
   */
  readonly topNBounds: Map<Plan, (worst: Row) => void>;
  /**
   * Per scan run once per outer row (in a correlated subquery or a LATERAL right side) of a table
   * whose partitions are read on other nodes: its table's rows (whole, or filtered by the
   * conjuncts that read no outer row), fetched once before the plan runs, which the scan reads
   * instead of this node's store.
   */
  readonly heldRows: Map<Plan, Row[]>;
  /** Per coordinator scan under a LIMIT (no ORDER BY): the rows it needs at most (count + offset). */
  readonly scanRowsMax: Map<Plan, number>;
  /** The statement's quorums and how its scans read (eon.write_quorum, eon.read_quorum, eon.coverage, eon.read_consistency). */
  readonly quorum: StatementQuorum;
  /** How the statement picks the replicas that read partitions this node does not (quorum.coverage). */
  readonly coveragePolicy: CoveragePolicy;
  /** Per table id, the node reading each partition (null: all here), planned once per statement. */
  readonly coverage: Map<number, readonly string[] | null>;
  /** Per table id, whether this node serves every partition of it (served-here.ts), checked once per statement. */
  readonly servedWhole: Map<number, boolean>;
  /** Per hash join, whether it builds on its left side: decided by estimates once per statement (a join in a subquery runs per outer row). */
  readonly buildsLeft: Map<Plan, boolean>;
  private readonly subqueryCache: Map<Plan, Row[]>;
  private readonly setCache: Map<Plan, ValueSet>;
  private readonly budget: { cells: number; max: number };
  /** Set under EXPLAIN ANALYZE: operators record their rows and time here. */
  readonly profile: OperatorProfile | undefined;
  /**
   * The session's time zone, captured when the execution starts (synchronously, inside the
   * session's call): work resumed after an await sets it again (resumeTimeZone) before
   * computing anything zone-dependent, since other sessions ran in between.
   */
  readonly timeZone: TimeZone;

  constructor(opts: {
    store: Store;
    writes?: WriteSet | undefined;
    params: readonly Value[];
    signal?: AbortSignal;
    prefetched?: Map<Plan, Row[]>;
    parent?: ExecContext;
    outerRows?: readonly Row[];
    cellsMax?: number;
    profile?: OperatorProfile;
    quorum?: StatementQuorum | undefined;
  }) {
    this.store = opts.store;
    this.writes = opts.parent?.writes ?? opts.writes;
    this.params = opts.params;
    this.signal = opts.signal;
    this.deadline = opts.parent?.deadline ?? deadlineOf(opts.signal);
    this.outerRows = opts.outerRows ?? [];
    const p = opts.parent;
    this.cteResults = p?.cteResults ?? new Map();
    this.prefetched = p?.prefetched ?? opts.prefetched ?? new Map();
    this.sources = p?.sources ?? new Map();
    this.topNBounds = p?.topNBounds ?? new Map();
    this.buildsLeft = p?.buildsLeft ?? new Map();
    this.quorum = p?.quorum ?? opts.quorum ?? TABLE_QUORUMS;
    this.coveragePolicy = this.quorum.coverage;
    this.coverage = p?.coverage ?? new Map();
    this.servedWhole = p?.servedWhole ?? new Map();
    this.heldRows = p?.heldRows ?? new Map();
    this.scanRowsMax = p?.scanRowsMax ?? new Map();
    this.subqueryCache = p?.subqueryCache ?? new Map();
    this.setCache = p?.setCache ?? new Map();
    this.budget = p?.budget ?? { cells: 0, max: opts.cellsMax ?? QUERY_CELLS_MAX };
    this.profile = p?.profile ?? opts.profile;
    this.timeZone = p?.timeZone ?? sessionTimeZone();
  }

  /** Makes this execution's zone the running one again (after an await). */
  resumeTimeZone(): void {
    setSessionTimeZone(this.timeZone);
  }

  /** Counts `cells` more values held by the query; throws 53200 past the budget. */
  charge(cells: number): void {
    this.budget.cells += cells;
    if (this.budget.cells > this.budget.max) {
      throw new EonError('out_of_memory', `out of memory: the query holds more than ${this.budget.max} values`, {
        detail: 'The query exceeded its memory budget. Add filters, a LIMIT, or aggregate before returning rows.',
      });
    }
  }

  checkCancel(): void {
    if (this.deadline !== Infinity && performance.now() > this.deadline) throw statementTimeoutError();
    if (this.signal?.aborted) throw new EonError('query_canceled', 'canceling statement due to user request');
  }

  /** Runs a subquery; with an outer row when it is correlated (then nothing is cached). */
  runSubquery(plan: Plan, outerRow: Row | null, _rowsNeeded: number): Row[] {
    if (outerRow === null) {
      let rows = this.subqueryCache.get(plan);
      if (rows === undefined) {
        rows = drainSync(plan, new ExecContext({ store: this.store, params: this.params, signal: this.signal, parent: this, outerRows: this.outerRows }));
        this.subqueryCache.set(plan, rows);
      }
      return rows;
    }
    const child = new ExecContext({ store: this.store, params: this.params, signal: this.signal, parent: this, outerRows: [outerRow, ...this.outerRows] });
    return drainSync(plan, child);
  }

  /** The first column of a subquery's rows as a set, for IN (subquery). */
  subquerySet(plan: Plan, outerRow: Row | null, type: ColumnType, eq: (a: Value, b: Value) => Value): ValueSet {
    if (outerRow === null) {
      let s = this.setCache.get(plan);
      if (s === undefined) {
        s = buildSet(this.runSubquery(plan, null, Infinity), type, eq, plan);
        this.setCache.set(plan, s);
      }
      return s;
    }
    return buildSet(this.runSubquery(plan, outerRow, Infinity), type, eq, plan);
  }
}

function buildSet(rows: Row[], type: ColumnType, eq: (a: Value, b: Value) => Value, plan: Plan): ValueSet {
  const innerType = plan.columns[0]!.type;
  let hasNull = false;
  // Same kind on both sides: hash by the value's canonical key. Otherwise compare with `eq`.
  if (innerType.kind === type.kind) {
    const keys = new Set<string>();
    for (const r of rows) {
      const v = r[0] as Value;
      if (v === null) hasNull = true;
      else keys.add(keyString(type, v));
    }
    return { size: rows.length, hasNull, has: (v) => keys.has(keyString(type, v)) };
  }
  const values: Value[] = [];
  for (const r of rows) {
    const v = r[0] as Value;
    if (v === null) hasNull = true;
    else values.push(v);
  }
  return { size: rows.length, hasNull, has: (v) => values.some((w) => eq(v, w) === true) };
}
