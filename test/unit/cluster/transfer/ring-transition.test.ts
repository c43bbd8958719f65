// The ring keeper records each transition in the decided value: the ring it replaces travels with
// it (every node places by the same pair), a member that says it is leaving drops out of the next
// ring while it still runs, and placement follows members' gossiped readiness.
import { describe, expect, it } from 'vitest';
import { ConsensusRegister, MemoryAcceptorStore, casAsync, type ConsensusMessage } from '../../../../src/cluster/consensus/index.js';
import type { Member } from '../../../../src/cluster/membership/index.js';
import { RING_KEY, RingKeeper } from '../../../../src/cluster/node/ring-keeper.js';
import { claim, encodeRing, replicaSet } from '../../../../src/cluster/ring/index.js';
import type { NodeId, Runtime } from '../../../../src/cluster/runtime.js';

const PARTITIONS = 16;

function member(id: NodeId): Member {
  return { id, address: `${id}:1`, incarnation: 1, state: 'alive', meta: {}, stats: { heartbeat: 0, revision: 0, meanResponseMs: 0, errorRate: 0, load: 0 } };
}

function soloRegister(self: NodeId): ConsensusRegister {
  const runtime: Runtime = {
    clock: { now: () => Date.now() },
    scheduler: {
      after: (ms, fn) => {
        const t = setTimeout(fn, ms);
        return { cancel: () => clearTimeout(t) };
      },
    },
    random: { next: () => Math.random(), int: (n) => Math.floor(Math.random() * n) },
  };
  const register: ConsensusRegister = new ConsensusRegister({
    self,
    runtime,
    transport: { send: (_to, message: ConsensusMessage) => void setImmediate(() => register.handle(self, message)) },
    store: new MemoryAcceptorStore(),
  });
  return register;
}

describe('ring transitions in the ring keeper', () => {
  it('drops a leaving member from the next ring, keeps the replaced ring with it, and places by readiness', async () => {
    const register = soloRegister('n0');
    const three = claim(null, new Map([['n0', 1], ['n1', 1], ['n2', 1]]), PARTITIONS);
    expect(await casAsync(register, RING_KEY, ['n0'], 0, JSON.stringify(encodeRing(three)))).toEqual({ kind: 'applied', version: 1 });
    const saved: unknown[] = [];
    const keeper = new RingKeeper({
      register,
      membership: {
        nodeId: 'n0',
        joined: true,
        members: () => ['n0', 'n1', 'n2', 'n3'].map(member),
        catalogAcceptors: () => ['n0'],
        announce: () => {},
        isLeaving: (id) => id === 'n2',
      },
      partitions: PARTITIONS,
      replicas: 3,
      store: { load: () => undefined, save: (_v, json) => void saved.push(json) },
      log: () => {},
    });
    const adopted: number[] = [];
    keeper.onAdopt((t) => adopted.push(t.version));
    await keeper.sync();
    expect(keeper.version).toBe(2);
    expect(adopted).toEqual([1, 2]);
    const t = keeper.transition();
    expect(t.current.nodes).toEqual(['n0', 'n1', 'n3']);
    expect(t.previous?.nodes).toEqual(['n0', 'n1', 'n2']);
    expect(t.previousVersion).toBe(1);
    expect((saved[saved.length - 1] as { previousVersion?: number }).previousVersion).toBe(1);

    // n3 has not received its partitions: reads stay with the old holders (n2 among them), n3 is written to.
    keeper.setReadiness((id) => (id === 'n3' ? 1 : 2));
    const gained = Array.from({ length: PARTITIONS }, (_, p) => p).filter((p) => replicaSet(t.current, p, 3).includes('n3') && !replicaSet(three, p, 3).includes('n3'));
    expect(gained.length).toBeGreaterThan(0);
    for (const p of gained) {
      expect(keeper.placementOf(p, 3).pending).toEqual(['n3']);
      expect([...keeper.placementOf(p, 3).serving].sort()).toEqual([...replicaSet(three, p, 3)].sort());
    }
    // Once n3 reports the ring received, the new ring serves.
    keeper.setReadiness(() => 2);
    for (const p of gained) expect(keeper.placementOf(p, 3)).toEqual({ serving: replicaSet(t.current, p, 3), pending: [] });
    // Announcements carry the transition too.
    const other = new RingKeeper({
      register: soloRegister('n1'),
      membership: { nodeId: 'n1', joined: false, members: () => [], catalogAcceptors: () => ['n1'], announce: () => {} },
      partitions: PARTITIONS,
      replicas: 3,
      store: { load: () => undefined, save: () => {} },
      log: () => {},
    });
    other.receive({ version: 2, ring: saved[saved.length - 1] });
    expect(other.transition().previous?.nodes).toEqual(['n0', 'n1', 'n2']);
  });
});
