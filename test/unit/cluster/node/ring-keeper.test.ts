// The claimant proposes a ring from what it knows: a node that has just restarted and knows only
// itself must not shrink the cluster's ring to itself (it then took every write, and its peers
// adopted that ring from the register); only members known to have left give up their partitions.
import { describe, expect, it } from 'vitest';
import { ConsensusRegister, MemoryAcceptorStore, casAsync, readAsync, type ConsensusMessage } from '../../../../src/cluster/consensus/index.js';
import type { Member, MemberState } from '../../../../src/cluster/membership/index.js';
import { RING_KEY, RingKeeper } from '../../../../src/cluster/node/ring-keeper.js';
import { claim, decodeRing, encodeRing } from '../../../../src/cluster/ring/index.js';
import type { NodeId, Runtime } from '../../../../src/cluster/runtime.js';

const PARTITIONS = 16;

function member(id: NodeId, state: MemberState): Member {
  return { id, address: `${id}:1`, incarnation: 1, state, meta: {}, stats: { heartbeat: 0, revision: 0, meanResponseMs: 0, errorRate: 0, load: 0 } };
}

/** A register whose only acceptor is itself, on real timers. */
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

async function keeperAfterSync(members: Member[]): Promise<{ version: number; nodes: NodeId[] }> {
  const register = soloRegister('n0');
  const three = claim(null, new Map([['n0', 1], ['n1', 1], ['n2', 1]]), PARTITIONS);
  expect(await casAsync(register, RING_KEY, ['n0'], 0, JSON.stringify(encodeRing(three)))).toEqual({ kind: 'applied', version: 1 });
  const keeper = new RingKeeper({
    register,
    membership: { nodeId: 'n0', joined: true, members: () => members, catalogAcceptors: () => ['n0'], announce: () => {} },
    partitions: PARTITIONS,
    replicas: 3,
    store: { load: () => undefined, save: () => {} },
    log: () => {},
  });
  await keeper.sync();
  const read = await readAsync(register, RING_KEY, ['n0']);
  if (read.kind !== 'current' || read.current.value === null) throw new Error(`no ring in the register: ${read.kind}`);
  const decoded = decodeRing(JSON.parse(read.current.value) as unknown);
  if (decoded.kind !== 'ring') throw new Error('the register holds no ring');
  expect(keeper.version).toBe(read.current.version);
  return { version: read.current.version, nodes: decoded.ring.nodes };
}

describe('the claimant', () => {
  it('keeps ring nodes it does not know (a restarted node that has heard from no one)', async () => {
    expect(await keeperAfterSync([member('n0', 'alive')])).toEqual({ version: 1, nodes: ['n0', 'n1', 'n2'] });
  });

  it('keeps dead members, drops members known to have left, and adds new ones', async () => {
    expect(await keeperAfterSync([member('n0', 'alive'), member('n1', 'dead'), member('n2', 'left'), member('n3', 'alive')])).toEqual({
      version: 2,
      nodes: ['n0', 'n1', 'n3'],
    });
  });
});
