// A table's own N, W and R on the write path, the point-read path and anti-entropy: writes go to
// (and hints are kept for) only the table's N replicas and wait for its W; anti-entropy compares a
// table only with the replicas of its own N.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../../storage/index.js';
import type { RowChange, TableSchema } from '../../../../storage/index.js';
import { AntiEntropy } from '../../../../src/cluster/antientropy/anti-entropy.js';
import { REPLICA_PROTOCOL_VERSION, ReplicationStats, WriteReplicator } from '../../../../src/cluster/replication/index.js';
import type { ApplyRequest, ReplicaPlacement } from '../../../../src/cluster/replication/index.js';
import { HybridClock } from '../../../../src/cluster/version/index.js';

/** The ring's nodes clockwise from every partition's owner ('self' first). */
const RING = ['self', 'b', 'c', 'd', 'e'] as const;

function table(settings: Pick<TableSchema, 'replicas' | 'writeQuorum' | 'readQuorum'>, name = 't'): TableSchema {
  return {
    id: 7,
    name,
    columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }],
    primaryKey: [0],
    distributionKey: [0],
    ...settings,
  };
}

function change(t: TableSchema): RowChange {
  return { table: t, partition: 3, key: Buffer.from([0, 0, 0, 7, 0, 3, 1, 2]), row: Buffer.from([1]), basis: undefined };
}

/** A replicator whose peers answer (or fail, when listed in `failing`), recording who was asked and what was hinted. */
function replicator(options: { down?: readonly string[]; failing?: readonly string[] } = {}) {
  const asked: string[] = [];
  const hinted: string[] = [];
  const placement: ReplicaPlacement = {
    nodeId: 'self',
    hasPeers: () => true,
    replicasOf: (_p, n) => RING.slice(0, n ?? 3),
    isUp: (id) => !(options.down ?? []).includes(id),
    addressOf: (id) => id,
  };
  const w = new WriteReplicator({
    placement,
    peers: {
      request: async (address) => {
        asked.push(address);
        if ((options.failing ?? []).includes(address)) throw new Error('refused');
        return { body: { kind: 'applied', v: REPLICA_PROTOCOL_VERSION, applied: 1, stale: 0, conflicts: 0, refused: [] } };
      },
    },
    clock: new HybridClock({ now: () => Date.now() }),
    stats: new ReplicationStats(),
    timeoutMs: 1_000,
    hints: { add: (target: string, _r: ApplyRequest) => void hinted.push(target) },
  });
  const stamp = w.stamp([]);
  return { replicate: (t: TableSchema) => w.replicate([change(t)], stamp), asked, hinted };
}

describe('the write path by table', () => {
  it('ships to the table N replicas only, past the node default of 3', async () => {
    const five = replicator();
    await five.replicate(table({ replicas: 5, writeQuorum: 4 }));
    expect(five.asked.sort()).toEqual(['b', 'c', 'd', 'e']);
    const two = replicator();
    await two.replicate(table({ replicas: 2 }));
    expect(two.asked).toEqual(['b']);
  });

  it('keeps hints only for the table N replicas that are down', async () => {
    const r = replicator({ down: ['b', 'c'] });
    await r.replicate(table({ replicas: 3, writeQuorum: 1 }));
    expect(r.hinted.sort()).toEqual(['b', 'c']);
    const narrow = replicator({ down: ['c'] });
    await narrow.replicate(table({ replicas: 2, writeQuorum: 2 }));
    expect(narrow.hinted).toEqual([]);
  });

  it('waits for the table W: 57P03 when fewer of its replicas take the write', async () => {
    await expect(replicator({ down: ['b'] }).replicate(table({ replicas: 2, writeQuorum: 2 }))).rejects.toMatchObject({ sqlstate: '57P03' });
    await expect(replicator({ failing: ['b', 'c'] }).replicate(table({ replicas: 3, writeQuorum: 2 }))).rejects.toMatchObject({ sqlstate: '57P03' });
    // W = 1: the coordinator's own copy is enough.
    await replicator({ down: ['b', 'c'] }).replicate(table({ replicas: 3, writeQuorum: 1 }));
  });
});

describe('anti-entropy by table', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eon-ae-n-'));
    store = Store.open({ dir, partitions: 2 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One round on `self` (at position `at` of the ring): which tables it compared with which peers. */
  async function round(at: number): Promise<string[]> {
    const compared: string[] = [];
    const ring = [...RING.slice(at), ...RING.slice(0, at)];
    const ae = new AntiEntropy({
      store,
      peers: { nodeId: 'self', replicasOf: (_p, n) => ring.slice(0, n ?? 3), isUp: () => true, addressOf: (id) => id },
      pool: {
        request: async (address, _type, body) => {
          const b = body as { table: string; partition: number; root: string };
          compared.push(`${b.table}@${b.partition}:${address}`);
          return { body: { v: 1, root: b.root } };
        },
      },
      server: { handle: () => {} },
      clock: new HybridClock({ now: () => Date.now() }),
      log: () => {},
    });
    await ae.round();
    ae.stop();
    return compared.sort();
  }

  it('compares each table with a replica of its own N, and skips tables this node does not replicate', async () => {
    const columns = [{ name: 'id', type: { kind: 'int4' as const }, notNull: true }];
    await store.createTable({ name: 'alone', columns, primaryKey: [0], replicas: 1 });
    await store.createTable({ name: 'pair', columns, primaryKey: [0], replicas: 2 });
    await store.createTable({ name: 'wide', columns, primaryKey: [0], replicas: 5 });
    // As the owner: N = 1 has nobody to compare with; N = 2 only b; N = 5 b first (turn 0).
    expect(await round(0)).toEqual(['pair@0:b', 'pair@1:b', 'wide@0:b', 'wide@1:b']);
    // Third on the ring (d, e, self, …): a replica of N = 5 only, whose first other replica is d.
    expect(await round(RING.length - 2)).toEqual(['wide@0:d', 'wide@1:d']);
  });
});
