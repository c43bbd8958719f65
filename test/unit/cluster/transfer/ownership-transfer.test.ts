// The running service in one process: a newcomer's OwnershipTransfer pulls its partitions from two
// old holders' stores over a fake peer pool, records progress, reports readiness for the ring, and
// a restart with the progress it saved receives nothing twice; a leaving node's handoff resolves
// once the new holders report the ring, and otherwise times out saying what is missing.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../../../storage/index.js';
import type { TableDefinition } from '../../../../storage/index.js';
import { HybridClock } from '../../../../src/cluster/version/index.js';
import { claim, replicaSet } from '../../../../src/cluster/ring/index.js';
import { OwnershipTransfer, TRANSFER_PULL_RPC_TYPE, TransferSource } from '../../../../src/cluster/transfer/index.js';
import type { RingTransition, TransferProgress } from '../../../../src/cluster/transfer/index.js';
import { transferStore } from '../../../../src/cluster/transfer/transfer-store.js';
import type { NodeId } from '../../../../src/cluster/runtime.js';

const Q = 8;
const ROWS = 400;
const def: TableDefinition = {
  name: 'items',
  columns: [
    { name: 'id', type: { kind: 'int4' }, notNull: true },
    { name: 'label', type: { kind: 'text' }, notNull: false },
  ],
  primaryKey: [0],
};
const three = claim(null, new Map([['a', 1], ['b', 1], ['c', 1]]), Q);
const four = claim(three, new Map([['a', 1], ['b', 1], ['c', 1], ['d', 1]]), Q);
const join4: RingTransition = { version: 2, current: four, previous: three, previousVersion: 1 };

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'eon-ownership-'));
  dirs.push(dir);
  const store = Store.open({ dir, partitions: Q });
  stores.push(store);
  return store;
}

async function waitFor(what: string, check: () => boolean): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > 5_000) throw new Error(`not within 5 s: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function service(self: NodeId, store: Store, sources: ReadonlyMap<NodeId, TransferSource>, progress: { saved: TransferProgress | undefined }, t: RingTransition, readiness: (id: NodeId) => number | undefined = () => undefined): OwnershipTransfer {
  return new OwnershipTransfer({
    self,
    store: transferStore(store),
    ring: { transition: () => t, onAdopt: () => {} },
    defaultReplicas: 3,
    isUp: () => true,
    addressOf: (id) => id,
    pool: {
      request: async (address, type, body) => {
        if (type !== TRANSFER_PULL_RPC_TYPE) throw new Error(type);
        return { body: structuredClone(sources.get(address)!.answer(structuredClone(body))) };
      },
    },
    server: { handle: () => {} },
    clock: new HybridClock({ now: () => Date.now() }),
    progress: { load: () => progress.saved, save: (p) => void (progress.saved = p) },
    readyOf: readiness,
    ringVersionOf: () => 2,
    onChange: () => {},
    log: () => {},
  });
}

describe('OwnershipTransfer', () => {
  it('receives the partitions the new ring gives it, reports the ring ready, and resumes from its progress', async () => {
    const [a, b, c, d] = [open(), open(), open(), open()];
    for (const s of [a, b, c, d]) await s.createTable(def);
    // Rows written before the join, each on the old holders of its partition (written alone here: unversioned).
    for (const s of [a, b, c]) {
      const table = s.getTable('items')!;
      await s.write((tx) => {
        for (let k = 1; k <= ROWS; k++) tx.insert(table, [k, `row ${k}`]);
      });
    }
    const sources = new Map<NodeId, TransferSource>([['a', new TransferSource(transferStore(a))], ['b', new TransferSource(transferStore(b))], ['c', new TransferSource(transferStore(c))]]);
    const progress: { saved: TransferProgress | undefined } = { saved: undefined };
    const newcomer = service('d', d, sources, progress, join4);
    newcomer.start();
    await waitFor('the newcomer ready for ring 2', () => newcomer.readyVersion === 2);
    newcomer.stop();
    const held = new Set(Array.from({ length: Q }, (_, p) => p).filter((p) => replicaSet(four, p, 3).includes('d')));
    const table = d.getTable('items')!;
    const got = [...d.scanRows(table)].map(({ row }) => row[0] as number);
    const { partitionOfKey } = await import('../../../../storage/index.js');
    const expected = Array.from({ length: ROWS }, (_, k) => k + 1).filter((k) => held.has(partitionOfKey(table, [k], Q)));
    expect(got.sort((x, y) => x - y)).toEqual(expected);
    expect(newcomer.counts()).toMatchObject({ pending: 0, active: 0, done: held.size, rowsMoved: expected.length, readyVersion: 2 });
    expect(progress.saved).toMatchObject({ version: 2, readyVersion: 2 });

    // Restarted with its saved progress: nothing to receive again.
    const again = service('d', d, sources, progress, join4);
    again.start();
    expect(again.readyVersion).toBe(2);
    expect(again.counts()).toMatchObject({ pending: 0, active: 0, rowsReceived: 0 });
    again.stop();
  });

  it('a leaving node resolves its handoff once the new holders report the ring, and times out otherwise', async () => {
    const s = open();
    const without: RingTransition = { version: 3, current: claim(four, new Map([['a', 1], ['b', 1], ['d', 1]]), Q), previous: four, previousVersion: 2 };
    const progress = { saved: undefined };
    const waiting = service('c', s, new Map(), progress, without, () => 2);
    const timedOut = await waiting.handoff(50);
    expect(timedOut.kind).toBe('timeout');
    if (timedOut.kind === 'timeout') {
      expect(timedOut.ringAdopted).toBe(true);
      expect(timedOut.outstanding.length).toBeGreaterThan(0);
    }
    const acknowledged = service('c', s, new Map(), progress, without, () => 3);
    expect((await acknowledged.handoff(1_000)).kind).toBe('handed-off');
    // Still in the ring: the handoff has not begun.
    const stillIn = service('c', s, new Map(), progress, join4, () => 3);
    expect(await stillIn.handoff(30)).toEqual({ kind: 'timeout', outstanding: [], ringAdopted: false });
  });
});
