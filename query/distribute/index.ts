// Distribution: decides which parts of a plan run as per-partition fragments in the data
// engines, runs them, and hands their merged results to the coordinator's executor.

import type { ExecContext, NodeWork } from '../execute/context.js';
import type { Expr } from '../plan/expr.js';
import type { Plan } from '../plan/logical.js';
import type { TableSchema } from '../../storage/index.js';
import type { StatementQuorum } from '../execute/statement-quorum.js';
import type { Value } from '../../src/types/index.js';

/** How a fragment runs, for EXPLAIN: the columns a scan sends back and where its filter runs. */
export interface FragmentInfo {
  readonly columns?: readonly string[];
  /** Filter conjuncts evaluated in the data engines. */
  readonly pushed?: Expr | null;
  /** Filter conjuncts the coordinator applies to the rows that come back. */
  readonly residual?: Expr | null;
  /** The column a join filters this scan on by the other side's keys (computed first). */
  readonly keyFilter?: string;
  /** An aggregate whose partials the data engines compute over the joins below it. */
  readonly overJoins?: boolean;
  /** A join the data engines run: its other side is hashed and sent to them. */
  readonly broadcast?: boolean;
  /** The scan the data engines probe through the broadcast joins above it. */
  readonly probe?: boolean;
  /** The column an ORDER BY … LIMIT above a join bounds this scan on as it runs (top-n-bound.ts). */
  readonly topNBound?: string;
  /** Where the scan's partitions are read when not all here: partitions per node id (its coverage plan). */
  readonly nodes?: ReadonlyMap<string, number>;
  /** Under EXPLAIN ANALYZE: the tasks each node ran for the scan, and their summed time. */
  readonly nodeWork?: ReadonlyMap<string, NodeWork>;
}

export interface FragmentRunner {
  /** Runs every fragment of `plan`, leaving each fragment root's final rows in `ctx.prefetched`. */
  prefetch(plan: Plan, ctx: ExecContext): Promise<void>;
  /**
   * Digest reads (scan-digests.ts) for a statement that reads the plan's tables from this node's
   * replicas only — UPDATE and DELETE, which read their rows inside their own write.
   */
  syncLocalReads(plan: Plan, ctx: ExecContext): Promise<void>;
  /**
   * The plan nodes that would run as fragments, and how (for EXPLAIN). Scans of tables for which
   * `local` holds (written by the session's open transaction block) stay on the coordinator;
   * `quorum` says how the statement reads (its coverage policy picks the replicas of partitions
   * other nodes hold; its join strategy may force how joins run); `params` (when known) let key
   * ranges of parameters prune partitions as the run would.
   */
  fragmentsOf(plan: Plan, local?: (table: TableSchema) => boolean, quorum?: StatementQuorum, params?: readonly Value[]): ReadonlyMap<Plan, FragmentInfo>;
}
