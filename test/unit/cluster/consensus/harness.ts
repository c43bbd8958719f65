// A small simulated cluster of consensus registers for the unit tests.

import {
  ConsensusRegister,
  MemoryAcceptorStore,
  type CasOutcome,
  type ConsensusMessage,
  type ConsensusValue,
  type ReadOutcome,
} from '../../../../src/cluster/consensus/index.js';
import type { NodeId } from '../../../../src/cluster/runtime.js';
import { RELIABLE_NETWORK, Simulation, type NetworkFaults } from '../../../../src/cluster/sim/index.js';

export class Cluster {
  readonly sim: Simulation;
  readonly stores = new Map<NodeId, MemoryAcceptorStore>();
  readonly nodes = new Map<NodeId, ConsensusRegister>();

  constructor(seed: number, readonly acceptors: readonly NodeId[], clients: readonly NodeId[] = ['p0', 'p1'], faults: NetworkFaults = RELIABLE_NETWORK) {
    this.sim = new Simulation(seed, faults);
    for (const id of [...acceptors, ...clients]) this.start(id);
  }

  /** Builds (or rebuilds after a crash) node id from its store. */
  start(id: NodeId): ConsensusRegister {
    let store = this.stores.get(id);
    if (store === undefined) this.stores.set(id, (store = new MemoryAcceptorStore()));
    const reg = new ConsensusRegister({ self: id, runtime: this.sim.runtime(id), transport: this.sim.transport<ConsensusMessage>(id), store });
    this.nodes.set(id, reg);
    this.sim.register(id, reg.handle);
    return reg;
  }

  node(id: NodeId): ConsensusRegister {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  /** Starts a CAS from client `from`; the returned box fills when it is answered. */
  cas(from: NodeId, key: string, expected: number, value: ConsensusValue): { outcome: CasOutcome | null; at: number } {
    const box: { outcome: CasOutcome | null; at: number } = { outcome: null, at: -1 };
    this.node(from).cas(key, this.acceptors, expected, value, (o) => {
      box.outcome = o;
      box.at = this.sim.elapsedMs;
    });
    return box;
  }

  read(from: NodeId, key: string): { outcome: ReadOutcome | null; at: number } {
    const box: { outcome: ReadOutcome | null; at: number } = { outcome: null, at: -1 };
    this.node(from).read(key, this.acceptors, (o) => {
      box.outcome = o;
      box.at = this.sim.elapsedMs;
    });
    return box;
  }

  /** Runs until the box is answered (bounded), and returns its outcome. */
  settle<T>(box: { outcome: T | null }, limitMs = 10_000): T {
    this.sim.runUntil(() => box.outcome !== null, limitMs);
    if (box.outcome === null) throw new Error('operation not answered');
    return box.outcome;
  }
}
