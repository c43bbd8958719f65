// A SWIM cluster inside the deterministic Simulation: builds nodes over the simulated runtime,
// plays their owner (persists incarnations, rebuilds crashed nodes), and logs every member change,
// for tests and for the failure-detection measurement.

import type { NodeId } from '../runtime.js';
import { RELIABLE_NETWORK, Simulation } from '../sim/index.js';
import type { NetworkFaults } from '../sim/index.js';
import type { SwimConfig } from './config.js';
import type { MemberMeta, MemberState } from './member.js';
import type { SwimMessage } from './messages.js';
import { SwimNode } from './swim.js';
import type { MemberChange, SwimEvent } from './swim.js';

export interface ObservedChange {
  /** Virtual ms since the run began. */
  readonly atMs: number;
  readonly observer: NodeId;
  readonly change: MemberChange;
}

export class SimulatedSwimCluster {
  readonly sim: Simulation;
  readonly nodes = new Map<NodeId, SwimNode>();
  /** Each node's durable incarnation, as its owner would store it. */
  readonly persisted = new Map<NodeId, number>();
  readonly changes: ObservedChange[] = [];
  readonly events: { atMs: number; node: NodeId; event: SwimEvent }[] = [];
  /** One line per change and event, for replay comparison. */
  readonly log: string[] = [];

  constructor(seed: number, faults: NetworkFaults = RELIABLE_NETWORK, private readonly config: Partial<SwimConfig> = {}) {
    this.sim = new Simulation(seed, faults);
  }

  /** Builds and starts node id (not joined); a restart passes the persisted incarnation + 1. */
  add(id: NodeId, meta: MemberMeta = {}): SwimNode {
    const before = this.persisted.get(id);
    const incarnation = before === undefined ? 0 : before + 1;
    this.persisted.set(id, incarnation);
    const node = new SwimNode({
      id, address: `${id}:7946`, meta, incarnation, config: this.config,
      runtime: this.sim.runtime(id), transport: this.sim.transport<SwimMessage>(id),
    });
    node.onChange((change) => {
      const atMs = this.sim.elapsedMs;
      this.changes.push({ atMs, observer: id, change });
      this.log.push(`${atMs.toFixed(3)} ${id}: ${change.id} ${change.from ?? '-'}->${change.to} @${change.incarnation}`);
    });
    node.onEvent((event) => {
      const atMs = this.sim.elapsedMs;
      if (event.kind === 'incarnation') this.persisted.set(id, event.incarnation);
      this.events.push({ atMs, node: id, event });
      this.log.push(`${atMs.toFixed(3)} ${id}: event ${JSON.stringify(event)}`);
    });
    this.sim.register<unknown>(id, (from, message) => node.receive(from, message));
    this.nodes.set(id, node);
    node.start();
    return node;
  }

  node(id: NodeId): SwimNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no running node ${id}`);
    return n;
  }

  /** kill -9: the node's timers and in-flight messages are gone. */
  crash(id: NodeId): void {
    this.sim.crash(id);
    this.nodes.delete(id);
  }

  /** How observer sees id (undefined: not in its table). */
  view(observer: NodeId, id: NodeId): MemberState | undefined {
    return this.node(observer).member(id)?.state;
  }

  /** Every listed running node sees every other listed node alive. */
  allAlive(ids: readonly NodeId[] = [...this.nodes.keys()]): boolean {
    for (const a of ids) {
      const node = this.nodes.get(a);
      if (node === undefined || !node.running) return false;
      for (const b of ids) if (a !== b && node.member(b)?.state !== 'alive') return false;
    }
    return true;
  }

  /** Every listed observer sees id in one of the states. */
  allSee(observers: readonly NodeId[], id: NodeId, states: readonly MemberState[]): boolean {
    return observers.every((o) => {
      const s = this.nodes.get(o)?.member(id)?.state;
      return s !== undefined && states.includes(s);
    });
  }

  /** Every change, at any observer, that declared id dead. */
  deathsOf(id: NodeId): ObservedChange[] {
    return this.changes.filter((c) => c.change.id === id && c.change.to === 'dead');
  }
}

/** Node ids n0, n1, … */
export function nodeIds(count: number): NodeId[] {
  return Array.from({ length: count }, (_, i) => `n${i}`);
}

/**
 * Builds `count` nodes that join through n0 (started a little apart, as a real start would) and runs
 * until all see all alive; returns the cluster, or throws if that takes longer than limitMs.
 */
export function startCluster(seed: number, count: number, options: { faults?: NetworkFaults; config?: Partial<SwimConfig>; limitMs?: number } = {}): SimulatedSwimCluster {
  const cluster = new SimulatedSwimCluster(seed, options.faults ?? RELIABLE_NETWORK, options.config ?? {});
  const ids = nodeIds(count);
  cluster.add(ids[0]!).join([]);
  for (const id of ids.slice(1)) cluster.sim.at(cluster.sim.random.int(1000), () => cluster.add(id).join([ids[0]!]));
  const limitMs = options.limitMs ?? 60_000;
  // The timers above must have fired before allAlive can hold for the whole set.
  cluster.sim.runFor(1000);
  if (!cluster.sim.runUntil(() => cluster.nodes.size === count && cluster.allAlive(ids), limitMs)) {
    throw new Error(`seed ${seed}: ${count} nodes did not converge within ${limitMs} ms`);
  }
  return cluster;
}
