// Replicated writes between three Stores in one process: the coordinator hook versions and ships
// each write, replicas apply newer versions only, quorums and refusals are counted.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, encodeKey, partitionOfKey } from '../../../../storage/index.js';
import type { TableDefinition, TableSchema } from '../../../../storage/index.js';
import { EonError } from '../../../../src/errors/index.js';
import { HybridClock } from '../../../../src/cluster/version/index.js';
import {
  REPLICA_APPLY_RPC_TYPE,
  ReplicaApplier,
  ReplicationStats,
  VERSION_ZERO,
  WriteReplicator,
  decodeVersionEntry,
} from '../../../../src/cluster/replication/index.js';
import type { ReplicaPlacement, ReplicaRequester } from '../../../../src/cluster/replication/index.js';
import type { Value } from '../../../../src/types/values.js';

const NODES = ['n-a', 'n-b', 'n-c'] as const;
type Name = (typeof NODES)[number];

interface Member {
  readonly id: Name;
  readonly store: Store;
  readonly stats: ReplicationStats;
  readonly applier: ReplicaApplier;
  readonly clock: HybridClock;
}

let dirs: string[] = [];
let members: Map<Name, Member>;
let down: Set<Name>;
let peers: boolean;
let requests: { to: string; body: unknown }[];
/** Requests still running: a write settles at W, the last replica may still be applying. */
let inFlight: Promise<unknown>[];

async function drain(): Promise<void> {
  while (inFlight.length > 0) await Promise.allSettled(inFlight.splice(0));
}

const itemsDef: TableDefinition = {
  name: 'items',
  columns: [
    { name: 'id', type: { kind: 'int4' }, notNull: true },
    { name: 'label', type: { kind: 'text' }, notNull: false },
  ],
  primaryKey: [0],
};

function placement(self: Name): ReplicaPlacement {
  return {
    nodeId: self,
    hasPeers: () => peers,
    replicasOf: () => [...NODES],
    isUp: (id) => !down.has(id as Name),
    addressOf: (id) => id,
  };
}

const requester: ReplicaRequester = {
  async request(address, type, body) {
    expect(type).toBe(REPLICA_APPLY_RPC_TYPE);
    requests.push({ to: address, body });
    const m = members.get(address as Name);
    if (m === undefined || down.has(m.id)) throw new EonError('peer_unavailable', `${address} is down`);
    // Structured cloning, so nothing is shared between "nodes".
    const reply = m.applier.apply(structuredClone(body));
    inFlight.push(reply);
    return { body: await reply };
  },
};

beforeEach(() => {
  members = new Map();
  down = new Set();
  peers = true;
  requests = [];
  inFlight = [];
  for (const id of NODES) {
    const dir = mkdtempSync(join(tmpdir(), `eon-repl-${id}-`));
    dirs.push(dir);
    const store = Store.open({ dir, partitions: 8 });
    const stats = new ReplicationStats();
    const clock = new HybridClock({ now: () => Date.now() });
    const applier = new ReplicaApplier(store, clock, stats);
    store.setReplication(new WriteReplicator({ placement: placement(id), peers: requester, clock, stats, timeoutMs: 1_000 }));
    members.set(id, { id, store, stats, applier, clock });
  }
});

afterEach(async () => {
  await drain();
  for (const m of members.values()) await m.store.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function node(id: Name): Member {
  return members.get(id)!;
}

async function createEverywhere(def: TableDefinition = itemsDef): Promise<Map<Name, TableSchema>> {
  const out = new Map<Name, TableSchema>();
  for (const id of NODES) out.set(id, await node(id).store.createTable(def));
  return out;
}

/** A row's stored version entry, read inside a replica-side write (the only reader of versions). */
function versionEntryOf(id: Name, table: TableSchema, key: number): Promise<Uint8Array | undefined> {
  const store = node(id).store;
  const encoded = encodeKey(table.id, partitionOfKey(table, [key], store.partitions), [{ kind: 'int4' }], [key]);
  return store.applyReplicated((tx) => tx.versionEntry(encoded));
}

/** The rows a node holds once every request in flight has landed. */
function rows(id: Name, name = 'items'): Value[][] {
  const store = node(id).store;
  return [...store.scanRows(store.getTable(name)!)].map((r) => r.row).sort((a, b) => (a[0] as number) - (b[0] as number));
}

describe('replicated writes between stores', () => {
  it('ships inserts, updates and deletes to every replica, with one version per write', async () => {
    const t = await createEverywhere();
    const a = t.get('n-a')!;
    await node('n-a').store.write((tx) => {
      for (let i = 1; i <= 20; i++) tx.insert(a, [i, `row ${i}`]);
    });
    // One request per other replica for the whole statement.
    expect(requests.map((r) => r.to).sort()).toEqual(['n-b', 'n-c']);
    await drain();
    for (const id of NODES) expect(rows(id)).toHaveLength(20);
    await node('n-b').store.write((tx) => {
      tx.replace(t.get('n-b')!, [3], [3, 'three']);
      tx.delete(t.get('n-b')!, [4]);
    });
    await drain();
    for (const id of NODES) {
      expect(rows(id)).toHaveLength(19);
      expect(rows(id).find((r) => r[0] === 3)).toEqual([3, 'three']);
      expect(node(id).store.get(t.get(id)!, [4])).toBeUndefined();
    }
    // Updates made over the version the replica held are not conflicts.
    for (const id of NODES) expect(node(id).stats.conflicts).toBe(0);
    expect(node('n-b').stats.applied).toBe(20);
    expect(node('n-a').stats.applied).toBe(2);
  });

  it('stores versions in the same transaction and tombstones for deletes', async () => {
    const t = await createEverywhere();
    const a = t.get('n-a')!;
    await node('n-a').store.write((tx) => tx.insert(a, [1, 'x']));
    await node('n-a').store.write((tx) => tx.delete(a, [1]));
    await drain();
    for (const id of NODES) {
      const entry = await versionEntryOf(id, t.get(id)!, 1);
      expect(entry).toBeDefined();
      const e = decodeVersionEntry(entry!);
      expect(e.tombstone).toBe(true);
      expect(e.version.node).toBe('n-a');
      expect(e.version.hlc).toBeGreaterThan(0n);
    }
  });

  it('takes today\'s path on a node alone: no versions, no requests', async () => {
    peers = false;
    const t = await createEverywhere();
    const a = t.get('n-a')!;
    await node('n-a').store.write((tx) => tx.insert(a, [1, 'x']));
    expect(requests).toHaveLength(0);
    expect(rows('n-b')).toHaveLength(0);
    const entry = await versionEntryOf('n-a', a, 1);
    expect(entry).toBeUndefined();
    // Row-id tables take inserts alone, and are refused once the node has peers.
    const logs = await node('n-a').store.createTable({ name: 'logs', columns: [{ name: 'm', type: { kind: 'text' }, notNull: false }], primaryKey: [] });
    await node('n-a').store.write((tx) => tx.insert(logs, ['alone']));
    peers = true;
    await expect(node('n-a').store.write((tx) => tx.insert(logs, ['clustered']))).rejects.toMatchObject({ code: 'feature_not_supported' });
  });

  it('acknowledges with one replica down (W = 2 of 3) and fails naming the partition with two down', async () => {
    const t = await createEverywhere();
    down.add('n-c');
    await node('n-a').store.write((tx) => tx.insert(t.get('n-a')!, [1, 'one']));
    await drain();
    expect(rows('n-b')).toHaveLength(1);
    expect(rows('n-c')).toHaveLength(0);
    down.add('n-b');
    const failed = node('n-a').store.write((tx) => tx.insert(t.get('n-a')!, [2, 'two']));
    await expect(failed).rejects.toBeInstanceOf(EonError);
    const e = (await failed.catch((x: unknown) => x)) as EonError;
    expect(e.code).toBe('replication_incomplete');
    expect(e.sqlstate).toBe('57P03');
    expect(e.message).toMatch(/^write reached 1 of 3 replicas of partition \d+ of table "items", needed 2/);
    // Not undone where it was written.
    expect(rows('n-a')).toHaveLength(2);
    expect(node('n-a').stats.writesIncomplete).toBe(1);
  });

  it('does not count a replica that lacks the table or holds another shape', async () => {
    await node('n-a').store.createTable(itemsDef);
    await node('n-b').store.createTable({ ...itemsDef, columns: [itemsDef.columns[0]!, { name: 'label', type: { kind: 'int8' }, notNull: false }] });
    const write = node('n-a').store.write((tx) => tx.insert(node('n-a').store.getTable('items')!, [1, 'x']));
    const e = (await write.catch((x: unknown) => x)) as EonError;
    expect(e.code).toBe('replication_incomplete');
    expect(e.detail).toMatch(/n-b refused "items"/);
    expect(e.detail).toMatch(/n-c refused "items"/);
    expect(node('n-b').stats.refused).toBe(1);
    expect(node('n-c').stats.refused).toBe(1);
    expect(rows('n-a')).toHaveLength(1);
  });

  it('applies only newer versions and counts concurrent writes as conflicts', async () => {
    const t = await createEverywhere();
    // n-a writes while n-b is unreachable, then n-b writes the same row without having seen it.
    down.add('n-b');
    await node('n-a').store.write((tx) => tx.insert(t.get('n-a')!, [7, 'from a']));
    down.delete('n-b');
    down.add('n-a');
    down.add('n-c');
    const late = node('n-b').store.write((tx) => tx.insert(t.get('n-b')!, [7, 'from b']));
    await expect(late).rejects.toMatchObject({ code: 'replication_incomplete' });
    down.clear();
    // n-b's write is newer (later clock) and reaches n-a and n-c, where it replaces a row it never
    // saw: one conflict on each, resolved the same way everywhere.
    await node('n-b').store.write((tx) => tx.replace(t.get('n-b')!, [7], [7, 'from b again']));
    await drain();
    for (const id of NODES) expect(node(id).store.get(t.get(id)!, [7])).toEqual([7, 'from b again']);
    expect(node('n-a').stats.conflicts).toBe(1);
    expect(node('n-c').stats.conflicts).toBe(1);
    // An old request delivered again is stale, changes nothing, and is not a conflict.
    const first = requests.find((r) => r.to === 'n-c')!;
    const before = node('n-c').stats.view();
    await node('n-c').applier.apply(structuredClone(first.body));
    expect(node('n-c').stats.stale).toBe(before.stale + 1);
    expect(node('n-c').stats.applied).toBe(before.applied);
    expect(node('n-c').store.get(t.get('n-c')!, [7])).toEqual([7, 'from b again']);
  });

  it('counts a replica that has not answered a write yet as lagging for that partition only', async () => {
    const t = await createEverywhere();
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: ReplicaRequester = {
      async request(address, type, body, options) {
        if (address === 'n-c') await held;
        return requester.request(address, type, body, options);
      },
    };
    const a = node('n-a');
    const replicator = new WriteReplicator({ placement: placement('n-a'), peers: slow, clock: a.clock, stats: a.stats, timeoutMs: 5_000 });
    a.store.setReplication(replicator);
    const table = t.get('n-a')!;
    // Acknowledged at W = 2 (n-a and n-b) while n-c's copy is still on its way.
    await a.store.write((tx) => {
      tx.insert(table, [1, 'one']);
    });
    const p = partitionOfKey(table, [1], a.store.partitions);
    expect(replicator.lagging('items', p, 'n-c')).toBe(true);
    expect(replicator.lagging('items', p, 'n-b')).toBe(false);
    expect(replicator.lagging('items', (p + 1) % a.store.partitions, 'n-c')).toBe(false);
    release();
    const deadline = Date.now() + 5_000;
    while (replicator.lagging('items', p, 'n-c') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(replicator.lagging('items', p, 'n-c')).toBe(false);
  });

  it('stamps a write newer than the row it replaces, even from a clock that is behind', async () => {
    const t = await createEverywhere();
    await node('n-b').store.write((tx) => tx.insert(t.get('n-b')!, [9, 'from b']));
    await drain();
    // n-a as after a restart with its clock 30 s behind: a fresh clock that has observed nothing.
    const a = node('n-a');
    const behind = new HybridClock({ now: () => Date.now() - 30_000 });
    a.store.setReplication(new WriteReplicator({ placement: placement('n-a'), peers: requester, clock: behind, stats: a.stats }));
    await a.store.write((tx) => tx.replace(t.get('n-a')!, [9], [9, 'from a, later']));
    await drain();
    for (const id of NODES) expect(node(id).store.get(t.get(id)!, [9])).toEqual([9, 'from a, later']);
    expect(node('n-b').stats.stale).toBe(0);
    expect(node('n-b').stats.conflicts).toBe(0);
    const entry = decodeVersionEntry((await versionEntryOf('n-c', t.get('n-c')!, 9))!);
    expect(entry.version.node).toBe('n-a');
  });

  it('refuses malformed requests without touching the store, and counts them', async () => {
    await createEverywhere();
    const c = node('n-c');
    for (const body of [null, 42, { kind: 'apply', v: 2, version: new Uint8Array(9), tables: [] }, { kind: 'apply', v: 1, version: new Uint8Array([1, 2]), tables: [] }]) {
      await expect(c.applier.apply(body)).rejects.toMatchObject({ code: 'protocol_violation' });
    }
    // A row that does not fit the table's columns.
    const good = { kind: 'apply', v: 1, version: new Uint8Array([0, 0, 1, 0, 0, 0, 0, 0, 3, 0x6e, 0x2d, 0x61]), tables: [] as unknown[] };
    const bad = { ...good, tables: [{ name: 'items', shape: '', keys: [new Uint8Array([0, 1, 0x80, 0, 0, 1])], rows: [new Uint8Array([9, 9, 9])], bases: [null] }] };
    await expect(c.applier.apply(bad)).rejects.toBeInstanceOf(EonError);
    expect(c.stats.malformed).toBe(5);
    await expect(c.applier.apply(good)).resolves.toMatchObject({ applied: 0, refused: [] });
    expect(rows('n-c')).toHaveLength(0);
  });

  it('replicates a bulk write split across requests at the byte limit', async () => {
    const t = await createEverywhere();
    const a = node('n-a');
    a.store.setReplication(new WriteReplicator({ placement: placement('n-a'), peers: requester, clock: a.clock, stats: a.stats, requestBytesMax: 4_096 }));
    await a.store.write((tx) => {
      for (let i = 0; i < 3_000; i++) tx.insert(t.get('n-a')!, [i, `bulk ${i}`]);
    }, { bulk: true });
    expect(requests.filter((r) => r.to === 'n-b').length).toBeGreaterThan(10);
    await drain();
    for (const id of NODES) expect(rows(id)).toHaveLength(3_000);
    expect(VERSION_ZERO.hlc).toBe(0n);
  });
});
