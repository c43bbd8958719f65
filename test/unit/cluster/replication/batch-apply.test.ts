// applyBatch on a real Store: a batch of shipped changes keeps the newest version per key (within
// the batch and against what is stored), keeps tombstones, counts the rest as stale, and ends in
// the same state as applying the changes one by one with applyChange.

import { describe, expect, it } from 'vitest';
import { encodeKey, encodeRow, partitionOfKey } from '../../../../storage/index.js';
import type { Store, TableSchema } from '../../../../storage/index.js';
import { KV_TABLE_DEF, useStorePair } from '../../../support/store-pair.js';
import { applyBatch, applyChange, decodeVersionEntry, versionStamp } from '../../../../src/cluster/replication/index.js';
import type { IncomingChange } from '../../../../src/cluster/replication/index.js';
import type { RowVersion } from '../../../../src/cluster/version/index.js';

const Q = 8;
const stores = useStorePair('eon-batch', Q);

function keyOf(table: TableSchema, id: bigint): Buffer {
  return encodeKey(table.id, partitionOfKey(table, [id], Q), [{ kind: 'int8' }], [id]);
}

/** A change of id to v (undefined: a delete) at version hlc of node; basis null (the writer held nothing). */
function change(table: TableSchema, id: bigint, v: string | undefined, hlc: bigint, node = 'n-a'): IncomingChange {
  const version: RowVersion = { hlc, node };
  return { key: keyOf(table, id), row: v === undefined ? null : encodeRow([id, v]), basis: null, version, stamp: versionStamp(version) };
}

function batch(store: Store, table: TableSchema, changes: readonly IncomingChange[]) {
  return store.applyReplicated((tx) => applyBatch(tx, table, changes));
}

/** id -> "value@hlc" (a tombstone: "-@hlc"), from the rows and the version entries. */
function state(store: Store, table: TableSchema, ids: readonly bigint[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of ids) {
    const entry = store.reader.env.versions.getBinary(keyOf(table, id));
    const row = store.get(table, [id]);
    if (entry === undefined) {
      if (row !== undefined) out[String(id)] = `${String(row[1])}@none`;
      continue;
    }
    const e = decodeVersionEntry(entry);
    expect(row === undefined).toBe(e.tombstone);
    out[String(id)] = `${row === undefined ? '-' : String(row[1])}@${e.version.hlc}`;
  }
  return out;
}

describe('applyBatch', () => {
  it('stores new rows and their version entries', async () => {
    const [a] = stores();
    const t = await a.createTable(KV_TABLE_DEF);
    const outcome = await batch(a, t, [change(t, 3n, 'c', 100n), change(t, 1n, 'a', 100n), change(t, 2n, 'b', 100n)]);
    expect(outcome).toEqual({ applied: 3, stale: 0, conflicts: 0 });
    expect(state(a, t, [1n, 2n, 3n])).toEqual({ 1: 'a@100', 2: 'b@100', 3: 'c@100' });
  });

  it('keeps the newest of several changes to one key in a batch, whatever their order', async () => {
    const [a] = stores();
    const t = await a.createTable(KV_TABLE_DEF);
    const outcome = await batch(a, t, [change(t, 1n, 'old', 100n), change(t, 1n, 'newest', 300n), change(t, 2n, 'x', 100n), change(t, 1n, 'mid', 200n)]);
    expect(outcome).toEqual({ applied: 2, stale: 2, conflicts: 0 });
    expect(state(a, t, [1n, 2n])).toEqual({ 1: 'newest@300', 2: 'x@100' });
  });

  it('keeps a tombstone that is the newest change of a batch, and one already stored', async () => {
    const [a] = stores();
    const t = await a.createTable(KV_TABLE_DEF);
    await batch(a, t, [change(t, 1n, 'a', 100n), change(t, 2n, 'b', 100n)]);
    // Within one batch: the delete is newer than the update next to it.
    const first = await batch(a, t, [change(t, 1n, 'late', 150n), change(t, 1n, undefined, 200n), change(t, 3n, undefined, 200n)]);
    expect(first.applied).toBe(2);
    expect(first.stale).toBe(1);
    expect(state(a, t, [1n, 2n, 3n])).toEqual({ 1: '-@200', 2: 'b@100', 3: '-@200' });
    // Older live versions do not bring deleted rows back, a key never seen before included.
    const second = await batch(a, t, [change(t, 1n, 'again', 180n), change(t, 3n, 'again', 190n)]);
    expect(second.applied).toBe(0);
    expect(second.stale).toBe(2);
    expect(state(a, t, [1n, 3n])).toEqual({ 1: '-@200', 3: '-@200' });
    // A newer one does.
    await batch(a, t, [change(t, 3n, 'back', 250n)]);
    expect(state(a, t, [3n])).toEqual({ 3: 'back@250' });
  });

  it('does not overwrite a newer stored version with an older incoming one', async () => {
    const [a] = stores();
    const t = await a.createTable(KV_TABLE_DEF);
    await batch(a, t, [change(t, 1n, 'new', 500n, 'n-b'), change(t, 2n, 'two', 100n)]);
    // The write to 2 saw the stored version (its basis): no conflict. The older one to 1 had not:
    // settled by the rule, and counted.
    const seen = a.reader.env.versions.getBinary(keyOf(t, 2n))!;
    const outcome = await batch(a, t, [change(t, 1n, 'old', 400n), { ...change(t, 2n, 'newer', 600n), basis: Uint8Array.from(seen) }]);
    expect(outcome).toEqual({ applied: 1, stale: 1, conflicts: 1 });
    expect(state(a, t, [1n, 2n])).toEqual({ 1: 'new@500', 2: 'newer@600' });
  });

  it('takes the same write delivered twice as nothing new', async () => {
    const [a] = stores();
    const t = await a.createTable(KV_TABLE_DEF);
    const changes = [change(t, 1n, 'a', 100n), change(t, 2n, undefined, 100n)];
    expect(await batch(a, t, changes)).toEqual({ applied: 2, stale: 0, conflicts: 0 });
    expect(await batch(a, t, [...changes, ...changes])).toEqual({ applied: 0, stale: 4, conflicts: 0 });
    expect(state(a, t, [1n, 2n])).toEqual({ 1: 'a@100', 2: '-@100' });
  });

  it('ends where applying the same changes one by one ends', async () => {
    const [a, b] = stores();
    const ta = await a.createTable(KV_TABLE_DEF);
    const tb = await b.createTable(KV_TABLE_DEF);
    const ids = Array.from({ length: 40 }, (_, i) => BigInt(i + 1));
    // A fixed pseudo-random sequence of updates and deletes, in rounds, with repeated keys and versions out of order.
    let seed = 12345;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 16) % n;
    };
    for (let round = 0; round < 5; round++) {
      const plan = Array.from({ length: 60 }, () => ({ id: ids[next(ids.length)]!, deleted: next(4) === 0, hlc: BigInt(1 + next(1000)), node: next(2) === 0 ? 'n-a' : 'n-b' }));
      const text = (p: (typeof plan)[number]): string | undefined => (p.deleted ? undefined : `v${p.hlc}${p.node}`);
      await batch(a, ta, plan.map((p) => change(ta, p.id, text(p), p.hlc, p.node)));
      await b.applyReplicated((tx) => {
        for (const p of plan) {
          const c = change(tb, p.id, text(p), p.hlc, p.node);
          applyChange(tx, tb, c.key, c.row, tx.versionEntry(c.key) ?? null, c.version, c.stamp);
        }
      });
    }
    expect(state(a, ta, ids)).toEqual(state(b, tb, ids));
    expect(Object.keys(state(a, ta, ids)).length).toBeGreaterThan(20);
  });
});
