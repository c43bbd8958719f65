// A handoff between two real stores: the source answers transfer.pull batch by batch (live rows,
// rows written while its node was alone, and tombstones), the receiver applies with the
// replication rule, so a row it holds at a newer version is kept and a deleted row stays deleted.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, encodeKey, partitionOfKey } from '../../../../storage/index.js';
import type { TableDefinition, TableSchema } from '../../../../storage/index.js';
import { HybridClock } from '../../../../src/cluster/version/index.js';
import { applyChange, tableShape, versionStamp } from '../../../../src/cluster/replication/index.js';
import { TRANSFER_BATCH_ROWS_MAX, TRANSFER_PROTOCOL_VERSION, TransferSource, applyTransferredRows, parsePullReply } from '../../../../src/cluster/transfer/index.js';
import type { PullRequest } from '../../../../src/cluster/transfer/index.js';
import { transferStore } from '../../../../src/cluster/transfer/transfer-store.js';

const PARTITIONS = 2;
const ROWS = 5_000;
const def: TableDefinition = {
  name: 'items',
  columns: [
    { name: 'id', type: { kind: 'int4' }, notNull: true },
    { name: 'label', type: { kind: 'text' }, notNull: false },
  ],
  primaryKey: [0],
};

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'eon-transfer-'));
  dirs.push(dir);
  const store = Store.open({ dir, partitions: PARTITIONS });
  stores.push(store);
  return store;
}

function keyOf(table: TableSchema, id: number, partitions: number): Buffer {
  return encodeKey(table.id, partitionOfKey(table, [id], partitions), [{ kind: 'int4' }], [id]);
}

/** Writes a row (or a tombstone) at a version, as a replica would. */
async function put(store: Store, table: TableSchema, id: number, label: string | null, hlc: bigint): Promise<void> {
  const version = { hlc, node: 'w' };
  const { encodeRow } = await import('../../../../storage/row-codec.js');
  await store.applyReplicated((tx) => applyChange(tx, table, keyOf(table, id, PARTITIONS), label === null ? null : encodeRow([id, label]), tx.versionEntry(keyOf(table, id, PARTITIONS)) ?? null, version, versionStamp(version)));
}

describe('a handoff between two stores', () => {
  it('moves every row of a partition, keeps newer rows and tombstones on the receiver, in bounded batches', async () => {
    const from = open();
    const to = open();
    const t1 = await from.createTable(def);
    const t2 = await to.createTable(def);
    // Unversioned rows (written alone), then versioned writes and a delete.
    await from.write((tx) => {
      for (let id = 1; id <= ROWS; id++) tx.insert(t1, [id, `alone ${id}`]);
    });
    for (let id = 1; id <= 50; id++) await put(from, t1, id, `versioned ${id}`, 1000n + BigInt(id));
    await put(from, t1, 51, null, 2000n);
    // The receiver already has a newer write of row 2 and an older one of row 3.
    await put(to, t2, 2, 'newer here', 5000n);
    await put(to, t2, 3, 'older here', 10n);

    const source = new TransferSource(transferStore(from));
    const clock = new HybridClock({ now: () => Date.now() });
    let batches = 0;
    let moved = 0;
    const t0 = performance.now();
    let answerMs = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      let after: Uint8Array | null = null;
      for (;;) {
        const request: PullRequest = { kind: 'rows', v: TRANSFER_PROTOCOL_VERSION, partition: p, table: 'items', shape: tableShape(t2), after };
        const ta = performance.now();
        const answered = source.answer(structuredClone(request));
        answerMs += performance.now() - ta;
        const reply = parsePullReply(answered, request, PARTITIONS);
        if (reply.kind !== 'rows') throw new Error(reply.kind);
        expect(reply.rows.length).toBeLessThanOrEqual(TRANSFER_BATCH_ROWS_MAX);
        batches++;
        moved += await applyTransferredRows(transferStore(to), clock, t2, reply.rows);
        if (reply.next === null) break;
        after = reply.next;
      }
    }
    const ms = performance.now() - t0;
    console.log(`store-to-store handoff: ${ROWS} rows in ${batches} batches, ${Math.round(ms)} ms (${Math.round((ROWS * 1000) / ms)} rows/s; answering ${Math.round(answerMs)} ms)`);
    expect(batches).toBeGreaterThanOrEqual(Math.ceil(ROWS / TRANSFER_BATCH_ROWS_MAX));
    // Row 2 was newer on the receiver; the tombstone of 51 is applied like a row.
    expect(moved).toBe(ROWS - 1);
    const rows = new Map([...to.scanRows(t2)].map(({ row }) => [row[0] as number, row[1]]));
    expect(rows.size).toBe(ROWS - 1);
    expect(rows.get(2)).toBe('newer here');
    expect(rows.get(3)).toBe('versioned 3');
    expect(rows.get(51)).toBeUndefined();
    expect(rows.get(4000)).toBe('alone 4000');
    // Pulling again changes nothing (a restarted transfer is harmless).
    const again = source.answer({ kind: 'rows', v: TRANSFER_PROTOCOL_VERSION, partition: 0, table: 'items', shape: tableShape(t2), after: null });
    if (again.kind !== 'rows') throw new Error(again.kind);
    expect(await applyTransferredRows(transferStore(to), clock, t2, again.rows)).toBe(0);
  });

  it('refuses a table it does not have or of another shape', async () => {
    const from = open();
    await from.createTable(def);
    const source = new TransferSource(transferStore(from));
    expect(source.answer({ kind: 'rows', v: 1, partition: 0, table: 'nope', shape: 'x', after: null })).toMatchObject({ kind: 'refused', reason: 'unknown-table' });
    expect(source.answer({ kind: 'rows', v: 1, partition: 0, table: 'items', shape: 'x', after: null })).toMatchObject({ kind: 'refused', reason: 'different-shape' });
    expect(source.answer({ kind: 'tables', v: 1 })).toMatchObject({ kind: 'tables', tables: [{ name: 'items', replicas: 3 }] });
  });
});
