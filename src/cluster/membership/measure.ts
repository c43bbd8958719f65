// Failure-detection measurement: one seeded simulation that crashes a member of a converged
// cluster and reports when the others first suspected it and when all of them held it dead.

import type { NodeId } from '../runtime.js';
import { RELIABLE_NETWORK } from '../sim/index.js';
import type { NetworkFaults } from '../sim/index.js';
import type { SwimConfig } from './config.js';
import { nodeIds, startCluster } from './simulated-cluster.js';

export interface FailureDetectionOptions {
  /** Cluster size (default 5). */
  readonly nodes?: number;
  readonly faults?: NetworkFaults;
  readonly config?: Partial<SwimConfig>;
  /** How long the converged cluster runs before the crash (default 10 s, plus a random part of a period). */
  readonly settleMs?: number;
  /** How long to wait after the crash for every node to hold the victim dead (default 60 s). */
  readonly limitMs?: number;
}

export interface FailureDetection {
  readonly seed: number;
  readonly nodes: number;
  readonly victim: NodeId;
  /** Ms from the crash to the first node suspecting the victim (null: never within limitMs). */
  readonly firstSuspicionMs: number | null;
  /** Ms until every other node held it suspect or dead. */
  readonly allSuspectedMs: number | null;
  readonly firstDeadMs: number | null;
  /** Ms until every other node held it dead: the detection time. */
  readonly allDeadMs: number | null;
  /** Suspicions and deaths of members that were not crashed, over the whole run. */
  readonly falseSuspicions: number;
  readonly falseDeaths: number;
}

export const FAILURE_DETECTION_NODES_DEFAULT = 5;
export const FAILURE_DETECTION_SETTLE_MS = 10_000;
export const FAILURE_DETECTION_LIMIT_MS = 60_000;

/** Runs one seeded crash and returns its detection times; a pure function of (seed, options). */
export function measureFailureDetection(seed: number, options: FailureDetectionOptions = {}): FailureDetection {
  const count = options.nodes ?? FAILURE_DETECTION_NODES_DEFAULT;
  if (!(Number.isInteger(count) && count >= 2)) throw new Error('measureFailureDetection: nodes must be an integer ≥ 2');
  const cluster = startCluster(seed, count, { faults: options.faults ?? RELIABLE_NETWORK, config: options.config ?? {} });
  const { sim } = cluster;
  sim.runFor((options.settleMs ?? FAILURE_DETECTION_SETTLE_MS) + sim.random.int(1000));
  const ids = nodeIds(count);
  const victim = ids[1 + sim.random.int(count - 1)]!;
  const observers = ids.filter((id) => id !== victim);
  const crashAtMs = sim.elapsedMs;
  cluster.crash(victim);
  sim.runUntil(() => cluster.allSee(observers, victim, ['dead']), options.limitMs ?? FAILURE_DETECTION_LIMIT_MS);

  const after = cluster.changes.filter((c) => c.change.id === victim && c.atMs >= crashAtMs);
  const firstAt = (to: readonly string[]): Map<NodeId, number> => {
    const m = new Map<NodeId, number>();
    for (const c of after) if (to.includes(c.change.to) && !m.has(c.observer)) m.set(c.observer, c.atMs - crashAtMs);
    return m;
  };
  const suspected = firstAt(['suspect', 'dead']);
  const dead = firstAt(['dead']);
  const suspicionOnly = firstAt(['suspect']);
  const allOf = (m: Map<NodeId, number>): number | null => (observers.every((o) => m.has(o)) ? Math.max(...observers.map((o) => m.get(o)!)) : null);
  const minOf = (m: Map<NodeId, number>): number | null => (m.size === 0 ? null : Math.min(...m.values()));
  const wrong = cluster.changes.filter((c) => c.change.id !== victim);
  return {
    seed,
    nodes: count,
    victim,
    firstSuspicionMs: minOf(suspicionOnly) ?? minOf(suspected),
    allSuspectedMs: allOf(suspected),
    firstDeadMs: minOf(dead),
    allDeadMs: allOf(dead),
    falseSuspicions: wrong.filter((c) => c.change.to === 'suspect').length,
    falseDeaths: wrong.filter((c) => c.change.to === 'dead').length,
  };
}

/** Median and maximum of the non-null values (null when there are none). */
export function medianAndMax(values: readonly (number | null)[]): { median: number; max: number } | null {
  const xs = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  const median = xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  return { median, max: xs[xs.length - 1]! };
}
