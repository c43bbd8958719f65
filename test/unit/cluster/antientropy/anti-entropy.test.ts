// Anti-entropy between two real Stores in one process, their RPC bridged by direct calls (with
// structured cloning standing in for the wire): after one exchange per partition both hold the
// same version entries and rows, the newer version winning on each key.

import { describe, expect, it } from 'vitest';
import { encodeKey, encodeRow, partitionOfKey } from '../../../../storage/index.js';
import type { Store, TableSchema } from '../../../../storage/index.js';
import { KV_TABLE_DEF, useStorePair } from '../../../support/store-pair.js';
import { AntiEntropy } from '../../../../src/cluster/antientropy/anti-entropy.js';
import { applyChange, tableShape, versionStamp } from '../../../../src/cluster/replication/index.js';
import { HybridClock } from '../../../../src/cluster/version/index.js';
import type { RowVersion } from '../../../../src/cluster/version/index.js';
import type { Value } from '../../../../src/types/values.js';

const Q = 8;
const stores = useStorePair('eon-ae', Q);

/** Writes (or deletes, v undefined) id at version hlc of node, as a replica apply would. */
async function put(store: Store, table: TableSchema, id: bigint, v: string | undefined, hlc: bigint, node: string): Promise<void> {
  const key = encodeKey(table.id, partitionOfKey(table, [id], Q), [{ kind: 'int8' }], [id]);
  const version: RowVersion = { hlc, node };
  const row: Value[] | null = v === undefined ? null : [id, v];
  await store.applyReplicated((tx) => applyChange(tx, table, key, row === null ? null : encodeRow(row), tx.versionEntry(key) ?? null, version, versionStamp(version)));
}

function rows(store: Store, table: TableSchema): string[] {
  return [...store.scanRows(table)].map((r) => `${String(r.row[0])}=${String(r.row[1])}`).sort();
}

describe('anti-entropy', () => {
  it('makes two replicas equal: missing rows, newer updates and deletes move both ways', async () => {
    const [a, b] = stores();
    // Different table ids on the two nodes: exchanges name tables, not ids.
    await b.createTable({ ...KV_TABLE_DEF, name: 'other' });
    const ta = await a.createTable(KV_TABLE_DEF);
    const tb = await b.createTable(KV_TABLE_DEF);
    expect(ta.id).not.toBe(tb.id);
    for (let i = 1n; i <= 60n; i++) await put(a, ta, i, `a${i}`, 100n, 'n-a');
    for (let i = 31n; i <= 90n; i++) await put(b, tb, i, `b${i}`, i % 2n === 0n ? 200n : 50n, 'n-b');
    await put(b, tb, 5n, undefined, 300n, 'n-b'); // a newer delete on b
    await put(a, ta, 80n, 'a80-newest', 400n, 'n-a'); // a newer update on a

    const handlers = new Map<string, Map<string, (body: unknown) => Promise<unknown>>>();
    const engines = (['a', 'b'] as const).map((name, i) => {
      const own = new Map<string, (body: unknown) => Promise<unknown>>();
      handlers.set(name, own);
      return new AntiEntropy({
        store: stores()[i]!,
        peers: { nodeId: name, replicasOf: () => ['a', 'b'], isUp: () => true, addressOf: (id) => id },
        pool: {
          request: async (address, type, body) => {
            const h = handlers.get(address)?.get(type);
            if (h === undefined) throw new Error(`no handler ${type} at ${address}`);
            return { body: structuredClone(await h(structuredClone(body))) };
          },
        },
        server: { handle: (type, h) => own.set(type, h) },
        clock: new HybridClock({ now: () => Date.now() }),
        log: () => {},
      });
    });
    const aeA = engines[0]!;
    for (let p = 0; p < Q; p++) await aeA.exchange(ta, p, 'b');

    const expected: string[] = [];
    for (let i = 1n; i <= 90n; i++) {
      if (i === 5n) continue;
      if (i === 80n) expected.push('80=a80-newest');
      else if (i <= 30n) expected.push(`${i}=a${i}`);
      else if (i > 60n) expected.push(`${i}=b${i}`);
      else expected.push(i % 2n === 0n ? `${i}=b${i}` : `${i}=a${i}`);
    }
    expect(rows(a, ta)).toEqual(expected.sort());
    expect(rows(b, tb)).toEqual(expected.sort());
    expect(aeA.stats.pulled).toBeGreaterThan(0);
    expect(aeA.stats.pushed).toBeGreaterThan(0);
    // A second pass finds every partition equal.
    const before = aeA.stats.inSync;
    for (let p = 0; p < Q; p++) await aeA.exchange(ta, p, 'b');
    expect(aeA.stats.inSync - before).toBe(Q);
    expect(aeA.sinceInSyncMs('kv', 0)).not.toBeNull();
  });

  it('refuses a peer whose table differs in shape, and malformed messages', async () => {
    const [a, b] = stores();
    const ta = await a.createTable(KV_TABLE_DEF);
    await b.createTable({ ...KV_TABLE_DEF, columns: [KV_TABLE_DEF.columns[0]!, { name: 'v', type: { kind: 'int4' as const }, notNull: false }] });
    const own = new Map<string, (body: unknown) => Promise<unknown>>();
    new AntiEntropy({
      store: b,
      peers: { nodeId: 'b', replicasOf: () => ['a', 'b'], isUp: () => true, addressOf: (id) => id },
      pool: { request: async () => ({ body: null }) },
      server: { handle: (type, h) => own.set(type, h) },
      clock: new HybridClock({ now: () => Date.now() }),
      log: () => {},
    });
    const aeA = new AntiEntropy({
      store: a,
      peers: { nodeId: 'a', replicasOf: () => ['a', 'b'], isUp: () => true, addressOf: (id) => id },
      pool: { request: async (_addr, type, body) => ({ body: await own.get(type)!(structuredClone(body)) }) },
      server: { handle: () => {} },
      clock: new HybridClock({ now: () => Date.now() }),
      log: () => {},
    });
    await expect(aeA.exchange(ta, 0, 'b')).rejects.toThrow(/no table "kv" of that shape/);
    await expect(own.get('ae.push')!({ v: 1, table: 'kv', shape: 'x', partition: 99 })).rejects.toThrow(/malformed/);
    await expect(own.get('ae.compare')!({ v: 2 })).rejects.toThrow(/malformed/);
  });

  it('answers digest reads: roots cached until a write changes the partition, and a repair that pulls the peer\'s newer rows', async () => {
    const [a, b] = stores();
    const ta = await a.createTable(KV_TABLE_DEF);
    const tb = await b.createTable(KV_TABLE_DEF);
    const handlers = new Map<string, Map<string, (body: unknown) => Promise<unknown>>>();
    const [aeA, aeB] = (['a', 'b'] as const).map((name, i) => {
      const own = new Map<string, (body: unknown) => Promise<unknown>>();
      handlers.set(name, own);
      return new AntiEntropy({
        store: stores()[i]!,
        peers: { nodeId: name, replicasOf: () => ['a', 'b'], isUp: () => true, addressOf: (id) => id },
        pool: { request: async (address, type, body) => ({ body: structuredClone(await handlers.get(address)!.get(type)!(structuredClone(body))) }) },
        server: { handle: (type, h) => own.set(type, h) },
        clock: new HybridClock({ now: () => Date.now() }),
        log: () => {},
      });
    }) as [AntiEntropy, AntiEntropy];
    for (let i = 1n; i <= 40n; i++) {
      await put(a, ta, i, `v${i}`, 100n, 'n-a');
      await put(b, tb, i, `v${i}`, 100n, 'n-a');
    }
    const all = Array.from({ length: Q }, (_, p) => p);
    const rootsB = (await handlers.get('b')!.get('ae.roots')!({ v: 1, reads: [{ table: 'kv', shape: tableShape(tb), partitions: all }] })) as { roots: string[][] };
    expect(rootsB.roots[0]).toEqual(aeA.roots(ta, all));
    const built = aeA.trees.built;
    aeA.roots(ta, all);
    expect(aeA.trees.built).toBe(built); // nothing written: every root from the cache
    // b takes a newer write that a missed: only that partition's tree is built again, and differs.
    await put(b, tb, 7n, 'newer', 200n, 'n-b');
    const p7 = partitionOfKey(tb, [7n], Q);
    const after = aeB.roots(tb, all);
    expect(after.filter((r, p) => r !== rootsB.roots[0]![p])).toEqual([after[p7]]);
    expect(aeB.trees.built).toBe(Q + 1);
    // a repairs itself from b: the newer row is here, and both roots agree.
    const root = await aeA.repairFrom(ta, p7, 'b');
    expect(root).toBe(aeB.roots(tb, [p7])[0]);
    expect(rows(a, ta)).toContain('7=newer');
    await expect(handlers.get('a')!.get('ae.roots')!({ v: 1, reads: [{ table: 'kv', shape: 'x', partitions: [0] }] })).rejects.toThrow(/no table "kv" of that shape/);
    await expect(handlers.get('a')!.get('ae.roots')!({ v: 1, reads: [{ table: 'kv', shape: tableShape(ta), partitions: [Q] }] })).rejects.toThrow(/malformed/);
  });
});
