// The exchange transport for a table whose partitions a statement reads on several nodes: each
// task (its partitions all read on one node, see coverageTasks) runs on this node's worker pool or
// on the node the coverage plan names. A node that fails a task (down, cut off, no longer serving
// those partitions) is left out: the task's partitions are planned again without it and run on the
// replicas left, in pieces — a read is never answered from fewer partitions than it asked for.

import { EonError } from '../../../src/errors/index.js';
import type { FragmentTask, TableSchema } from '../../../storage/index.js';
import type { CoveragePolicy, RemoteEngines } from './remote-engines.js';
import type { ExchangeTransport } from './transport.js';

/** Nodes one task may fail on before the statement fails with the last node's error. */
export const FAILOVER_NODES_MAX = 3;

export interface CoverageTransportOptions {
  readonly table: TableSchema;
  readonly policy: CoveragePolicy;
  /** The node reading each partition (RemoteEngines.coverage). */
  readonly coverage: readonly string[];
  readonly remote: RemoteEngines;
  /** Runs a task on this node's data engines. */
  readonly local: (task: FragmentTask) => Promise<unknown>;
  readonly parallelism: number;
  readonly signal?: AbortSignal | undefined;
  /**
   * The scan's R for digest reads: a replica that takes over a failed task's partitions is first
   * brought in line with R−1 others, as the statement's readers were before it started (1: not).
   */
  readonly readQuorum: number;
  /**
   * A task's arguments for a node that reads only the given partitions (a build side split by
   * partition, co-partitioned.ts), used for another node's first assignment; a replica taking over
   * failed partitions gets the task's own (whole) arguments. Unset: every node gets the task's.
   */
  readonly argsFor?: ((partitions: ReadonlySet<number>) => unknown[]) | undefined;
  /** Called as each task (or piece of one) finishes on a node, with its time and the bytes it sent back (EXPLAIN ANALYZE). */
  readonly record?: ((node: string, ms: number, bytes: number) => void) | undefined;
}

export class CoverageTransport implements ExchangeTransport {
  readonly parallelism: number;
  /** argsFor's answer per node, over every partition the coverage plan gives it (one set of arguments per node). */
  private readonly nodeArgs = new Map<string, unknown[]>();

  constructor(private readonly opts: CoverageTransportOptions) {
    this.parallelism = opts.parallelism;
  }

  run(task: FragmentTask): Promise<readonly unknown[]> {
    const first = task.partitions[0];
    if (first === undefined) return Promise.resolve([]);
    return this.runOn(this.opts.coverage[first]!, task, new Set());
  }

  /** The task with the arguments argsFor gives `node` for all it reads (computed once per node). */
  private forNode(node: string, task: FragmentTask): FragmentTask {
    const { argsFor, coverage } = this.opts;
    if (argsFor === undefined) return task;
    let args = this.nodeArgs.get(node);
    if (args === undefined) {
      const partitions = new Set<number>();
      coverage.forEach((n, p) => {
        if (n === node) partitions.add(p);
      });
      args = argsFor(partitions);
      this.nodeArgs.set(node, args);
    }
    return { ...task, args };
  }

  private async runOn(node: string, task: FragmentTask, avoid: ReadonlySet<string>): Promise<unknown[]> {
    const { remote, table, policy, signal, record, readQuorum } = this.opts;
    const started = performance.now();
    try {
      // A replica taking over (avoid is not empty) was not among the readers checked up front.
      if (avoid.size > 0 && readQuorum > 1) await remote.syncReads([{ table, readers: new Map(task.partitions.map((p) => [p, node])), readQuorum }], signal);
      const { results, bytes } = node === remote.self ? { results: [await this.opts.local(task)], bytes: 0 } : await remote.run(node, table, avoid.size === 0 ? this.forNode(node, task) : task, signal);
      record?.(node, performance.now() - started, bytes);
      return [...results];
    } catch (e) {
      if (node === remote.self) throw e;
      if (!remote.retriable(e) || avoid.size + 1 >= FAILOVER_NODES_MAX || signal?.aborted === true) throw e;
      const without = new Set(avoid).add(node);
      let coverage: readonly string[];
      try {
        coverage = remote.coverage(table, policy, without);
      } catch (planError) {
        // No replica left for some partition: say so, and why the last one failed.
        if (!(planError instanceof EonError)) throw planError;
        throw new EonError(planError.code, planError.message, { detail: `${planError.detail ?? ''} ${e instanceof Error ? e.message : String(e)}`.trim() });
      }
      const pieces = new Map<string, number[]>();
      for (const p of task.partitions) {
        const n = coverage[p]!;
        const list = pieces.get(n);
        if (list === undefined) pieces.set(n, [p]);
        else list.push(p);
      }
      const results = await Promise.all([...pieces].map(([n, partitions]) => this.runOn(n, { ...task, partitions }, without)));
      return results.flat();
    }
  }
}

/**
 * Task partition lists for a coverage plan: each node's partitions cut into groups of at most
 * `perTask` (every n-th of its partitions, so a group spans the ring), the groups of all nodes
 * interleaved so that the first tasks an exchange issues reach every node. `only`: the partitions
 * the scan reads (a key range pruned the rest); unset, all.
 */
export function coverageTasks(coverage: readonly string[], perTask: number, only?: ReadonlySet<number>): number[][] {
  const byNode = new Map<string, number[]>();
  coverage.forEach((node, p) => {
    if (only !== undefined && !only.has(p)) return;
    const list = byNode.get(node);
    if (list === undefined) byNode.set(node, [p]);
    else list.push(p);
  });
  const perNode = [...byNode.values()].map((parts) => {
    const groups = Math.ceil(parts.length / Math.max(1, perTask));
    return Array.from({ length: groups }, (_, g) => parts.filter((_, i) => i % groups === g));
  });
  const out: number[][] = [];
  for (let i = 0; perNode.some((groups) => i < groups.length); i++) {
    for (const groups of perNode) if (i < groups.length) out.push(groups[i]!);
  }
  return out;
}

/** How many nodes a coverage plan reads on. */
export function coverageNodes(coverage: readonly string[]): number {
  return new Set(coverage).size;
}
