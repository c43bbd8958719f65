// A coverage plan: for one statement's read of one table, the replica that reads each partition.
// Pure, so the rule is tested alone. Candidates are the partition's serving replicas (those reads
// go to; a new holder still receiving it by handoff is not one yet) that can be asked now: alive
// ones that hold every write this node coordinated to the partition first (so a session reads its
// own writes), then other alive ones, then suspect ones (a suspect may be paused or cut off:
// asking it stalls the query). Under
// `local` this node reads every partition it serves and the rest go to the replica with the fewest
// partitions of this plan so far; under `spread` every partition goes to its least-loaded
// candidate, this node first among equals, so the work is shared evenly by every node. "Fewest"
// is weighed by each node's cost from its gossiped load average (coverageCost, until the
// balancer's score exists), so a busy node reads fewer partitions.

import { EonError } from '../../errors/index.js';
import type { NodeId } from '../runtime.js';

/** `spread_all` is `spread` for every table (the query engine reads small ones as `local` under `spread`). */
export type CoveragePolicy = 'local' | 'spread' | 'spread_all';
export const COVERAGE_POLICIES: readonly CoveragePolicy[] = ['local', 'spread', 'spread_all'];

export interface CoverageInput {
  readonly self: NodeId;
  readonly partitions: number;
  /** The partition's serving replicas, in preference order. */
  replicasOf(partition: number): readonly NodeId[];
  /** Whether a node can be asked now (its address known): alive, suspect, or not at all; this node always can. */
  usable(node: NodeId): 'alive' | 'suspect' | false;
  /** Whether the node may lack a write this node coordinated to the partition (unset: none does). */
  lagging?(partition: number, node: NodeId): boolean;
  /** A node's cost per partition read, ≥ 1 (coverageCost of its gossiped figures; unset: 1 for all). */
  cost?(node: NodeId): number;
}

/**
 * What reading a partition on a node costs, relative to an idle one: 1 + its load average (the
 * run queue: a node with load 3 reads a quarter as many partitions as an idle one); unknown counts
 * as idle. The gossiped mean response time is left out: it times the statements a node
 * coordinates (a node that only took a long COPY shows seconds), not how fast its data engines
 * answer another node's tasks.
 */
export function coverageCost(figures: { readonly load?: number } | undefined): number {
  return 1 + Math.max(0, figures?.load ?? 0);
}

/**
 * The node reading each partition (indexed by partition), never one in `avoid`. Throws 57P03
 * (quorum_unavailable) naming the first partition left without a usable replica.
 */
export function coveragePlan(input: CoverageInput, table: string, policy: CoveragePolicy, avoid: ReadonlySet<NodeId> = new Set()): NodeId[] {
  const { self } = input;
  const assigned = new Map<NodeId, number>();
  const out: NodeId[] = new Array(input.partitions);
  for (let p = 0; p < input.partitions; p++) {
    const replicas = input.replicasOf(p);
    const reachable = replicas.filter((n) => !avoid.has(n) && (n === self || input.usable(n) !== false));
    const alive = reachable.filter((n) => n === self || input.usable(n) === 'alive');
    const current = alive.filter((n) => n === self || input.lagging?.(p, n) !== true);
    const candidates = current.length > 0 ? current : alive.length > 0 ? alive : reachable;
    if (candidates.length === 0) {
      throw new EonError('quorum_unavailable', `no replica of partition ${p} of table "${table}" can be read now`, {
        detail: `Its replicas: ${replicas.join(', ') || '(none)'}${avoid.size > 0 ? `; failed this statement: ${[...avoid].join(', ')}` : ''}.`,
      });
    }
    let chosen: NodeId;
    if (policy === 'local' && candidates.includes(self)) {
      chosen = self;
    } else {
      // Least loaded after taking it, by cost; ties to this node, then to preference order.
      const after = (n: NodeId): number => ((assigned.get(n) ?? 0) + 1) * (input.cost?.(n) ?? 1);
      chosen = candidates[0]!;
      for (const n of candidates) {
        const load = after(n);
        const best = after(chosen);
        if (load < best || (load === best && n === self && policy !== 'local')) chosen = n;
      }
    }
    out[p] = chosen;
    assigned.set(chosen, (assigned.get(chosen) ?? 0) + 1);
  }
  return out;
}
