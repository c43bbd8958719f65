// Digest reads for a statement's scans on a cluster: before anything is read, every table the plan
// scans has the replica that reads each of its partitions compared with R−1 other replicas (their
// anti-entropy roots) and repaired where they differ (src/cluster/fragments/digest-reads.ts), so a
// scan sees every write acknowledged at W before the statement started. Point lookups are not
// included: they read R replicas themselves (point-reads.ts). A transaction block is not either:
// it reads its own node (and its own writes).

import type { TableSchema } from '../../storage/index.js';
import type { ExecContext } from '../execute/context.js';
import { FAILOVER_NODES_MAX } from '../execute/exchange/coverage-transport.js';
import { ReadersUnavailable, type RemoteEngines, type ScanRead } from '../execute/exchange/remote-engines.js';
import { scanReadQuorum } from '../execute/statement-quorum.js';
import { keyRangeScanPartitions } from '../execute/key-range-scan.js';
import { exprChildren, type Expr } from '../plan/expr.js';
import { planChildren, planExprs, type Plan } from '../plan/logical.js';

/** A table the plan scans, and the partitions its scans may read (null: all of them). */
export interface ScannedTable {
  readonly table: TableSchema;
  partitions: Set<number> | null;
}

/**
 * The tables the plan scans other than by a point lookup of constants, subqueries' included, by
 * id, each with the partitions its scans' key ranges leave (keyRangeScanPartitions).
 */
export function scannedTables(plan: Plan, ctx: ExecContext, out: Map<number, ScannedTable> = new Map()): Map<number, ScannedTable> {
  if (plan.kind === 'scan') {
    const point = plan.keyLookup !== null && plan.keyLookup.every((e) => e.kind === 'const' || e.kind === 'param');
    if (!point) {
      const pruned = keyRangeScanPartitions(plan.table, plan.keyRange, ctx);
      const seen = out.get(plan.table.id);
      if (seen === undefined) out.set(plan.table.id, { table: plan.table, partitions: pruned === null ? null : new Set(pruned) });
      else if (seen.partitions !== null) {
        if (pruned === null) seen.partitions = null;
        else for (const p of pruned) seen.partitions.add(p);
      }
    }
  }
  const inExpr = (e: Expr): void => {
    if (e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') scannedTables(e.plan, ctx, out);
    for (const c of exprChildren(e)) inExpr(c);
  };
  for (const e of planExprs(plan)) inExpr(e);
  for (const c of planChildren(plan)) scannedTables(c, ctx, out);
  return out;
}

/**
 * Runs the digest reads of the plan's scans. `coverageOf` is the statement's coverage plan of a
 * table (null: every partition read here), planned again without `avoid` after ctx.coverage is
 * cleared; a reader that cannot answer is avoided and the statement's coverage planned again, at
 * most FAILOVER_NODES_MAX times.
 */
export async function syncScanReads(
  plan: Plan,
  ctx: ExecContext,
  remote: RemoteEngines,
  coverageOf: (table: TableSchema, avoid: ReadonlySet<string>) => readonly string[] | null,
): Promise<void> {
  if (ctx.writes !== undefined || ctx.quorum.scans === 'one') return;
  const tables = [...scannedTables(plan, ctx).values()];
  if (tables.length === 0) return;
  const avoid = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    const reads: ScanRead[] = [];
    for (const { table, partitions } of tables) {
      const readQuorum = scanReadQuorum(table, ctx.quorum);
      if (readQuorum <= 1) continue;
      const coverage = coverageOf(table, avoid);
      const readers = new Map<number, string>();
      for (let p = 0; p < ctx.store.partitions; p++) if (partitions === null || partitions.has(p)) readers.set(p, coverage === null ? remote.self : coverage[p]!);
      if (readers.size > 0) reads.push({ table, readers, readQuorum });
    }
    if (reads.length === 0) return;
    try {
      await remote.syncReads(reads, ctx.signal);
      ctx.resumeTimeZone();
      return;
    } catch (e) {
      if (!(e instanceof ReadersUnavailable) || attempt >= FAILOVER_NODES_MAX || ctx.signal?.aborted === true) throw e;
      for (const node of e.nodes) avoid.add(node);
      ctx.coverage.clear();
    }
  }
}
