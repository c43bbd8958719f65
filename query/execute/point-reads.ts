// Primary-key point reads through the cluster: before a SELECT runs, each point lookup in its plan
// asks the key's replicas (the node's PointReads service, R of N with read repair) and leaves its
// rows in ctx.prefetched, where the plan's operators find them instead of the local store.
//
// Not covered, so read from this node's store as before: a statement inside a transaction block
// (it must see its own uncommitted writes, and a block reads the node it runs on), lookups inside
// subquery expressions (they run per outer row, synchronously), UPDATE/DELETE's own key lookups,
// and every scan that is not a primary-key lookup. On a node without peers the service is not
// active and nothing here runs.

import type { Value } from '../../src/types/index.js';
import type { RowKey, TableSchema } from '../../storage/index.js';
import { planChildren, type Plan } from '../plan/logical.js';
import { compileExpr, compilePredicate, type Row } from './compile-expr.js';
import type { ExecContext } from './context.js';

/** Reads by primary key at the key's replicas (src/cluster/replication's PointReader in a node). */
export interface PointReads {
  /** Whether reads go to the replicas now (false: the node is alone; the local read is the read). */
  active(): boolean;
  /** Whether reads of this table do (false for tables computed locally, such as system tables). */
  covers(table: TableSchema): boolean;
  /** The newest row at key among R replicas; undefined when absent or deleted. */
  read(table: TableSchema, key: RowKey, options?: PointReadOptions): Promise<Value[] | undefined>;
}

export interface PointReadOptions {
  /** The statement's own R (eon.read_quorum, at most the table's N) in place of the table's. */
  readonly readQuorum?: number;
}

type ScanPlan = Plan & { kind: 'scan' };

/** The plan's point lookups that the replicas answer: keys of constants and parameters only. */
function pointLookups(plan: Plan, reads: PointReads, out: ScanPlan[] = []): ScanPlan[] {
  if (plan.kind === 'scan') {
    if (plan.keyLookup !== null && plan.keyLookup.every((e) => e.kind === 'const' || e.kind === 'param') && reads.covers(plan.table)) out.push(plan);
    return out;
  }
  for (const child of planChildren(plan)) pointLookups(child, reads, out);
  return out;
}

/**
 * Reads the plan's point lookups through `reads` and leaves each one's output rows (its filter
 * and projection applied, as the TableScan operator would) in ctx.prefetched. Call before the plan runs
 * (and before the fragments' prefetch, which may run CTEs); not inside a transaction block.
 * `readQuorum`: the statement's own R (statement-quorum.ts, already checked against each table's N).
 */
export async function prefetchPointReads(plan: Plan, ctx: ExecContext, reads: PointReads, readQuorum?: number): Promise<void> {
  if (!reads.active()) return;
  const scans = pointLookups(plan, reads).filter((scan) => !ctx.prefetched.has(scan));
  if (scans.length === 0) return;
  const rows = await Promise.all(
    scans.map((scan) => {
      const key = scan.keyLookup!.map((e) => compileExpr(e)([], ctx));
      // A NULL key matches nothing: no replica need be asked.
      if (key.includes(null)) return undefined;
      return readQuorum === undefined ? reads.read(scan.table, key) : reads.read(scan.table, key, { readQuorum });
    }),
  );
  ctx.resumeTimeZone();
  for (let i = 0; i < scans.length; i++) {
    const scan = scans[i]!;
    const row = rows[i];
    const out: Row[] = [];
    if (row !== undefined && (scan.filter === null || compilePredicate(scan.filter)(row, ctx))) {
      const project = scan.project;
      out.push(project === undefined ? row : project.map((o) => row[o]!));
    }
    ctx.prefetched.set(scan, out);
  }
}
