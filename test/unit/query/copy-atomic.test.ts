// COPY FROM outside a transaction block is all or nothing however many batches it spans: batches
// are staged as segments nobody reads and published at the end in one write. A bad line, a
// duplicate key (within a batch, across batches, or against stored rows), an abort (CopyFail, a
// dropped connection) or a crash leaves none of the COPY's rows and no staged segment behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store, type TableSchema } from '../../../storage/index.js';
import { openEnvironment } from '../../../storage/environment.js';
import { CopyFromSink } from '../../../query/statements/copy-from.js';
import type { CopyOptions } from '../../../query/parse/copy-statement.js';
import { T } from '../../../src/types/index.js';

const TEXT: CopyOptions = { format: 'text', delimiter: '\t', nullText: '\\N', header: true, quote: '"', escape: '"', forceQuote: [] };
const BATCH = 500;

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'eon-copy-atomic-'));
  store = Store.open({ dir, partitions: 4 });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function table(keyed = true): Promise<TableSchema> {
  return store.createTable({
    name: 't',
    columns: [{ name: 'id', type: T.int4, notNull: true }, { name: 's', type: T.text, notNull: false }],
    primaryKey: keyed ? [0] : [],
  });
}

/** A header line, then rows id 0..n-1 (shuffled in blocks so partitions get keys out of order). */
function data(n: number, bad?: { at: number; line: string }): string {
  const lines = ['id\ts'];
  for (let i = 0; i < n; i++) {
    const id = (i * 7919) % n;
    lines.push(bad !== undefined && bad.at === i ? bad.line : `${id}\tv${id}`);
  }
  return `${lines.join('\n')}\n`;
}

function sink(t: TableSchema): CopyFromSink {
  return new CopyFromSink(store, t, [0, 1], TEXT, undefined, false, undefined, BATCH);
}

/** Feeds the data in 4 KiB pieces, as CopyData messages would arrive. */
async function feed(s: CopyFromSink, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += 4096) {
    const p = s.write(bytes.subarray(at, at + 4096));
    if (p !== undefined) await p;
  }
}

const count = (t: TableSchema): number => [...store.scanRows(t)].length;

/** Staged segments and their blobs left in the environment (reopened read-only on the same files). */
function leftovers(): { staged: number; segments: number } {
  const env = openEnvironment(dir);
  return { staged: [...env.staged.getKeys()].length, segments: [...env.segments.getKeys()].length };
}

describe('COPY FROM is all or nothing across batches', () => {
  it('stages batches invisibly and publishes every row at once', async () => {
    const t = await table();
    const s = sink(t);
    await feed(s, data(3 * BATCH + 17));
    expect(count(t)).toBe(0); // three batches staged, none readable
    expect(leftovers().staged).toBeGreaterThan(0);
    expect(await s.finish()).toBe(3 * BATCH + 17);
    const rows = [...store.scanRows(t)].map((r) => r.row).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(rows.length).toBe(3 * BATCH + 17);
    expect(rows[42]).toEqual([42, 'v42']);
    expect(store.get(t, [1000])).toEqual([1000, 'v1000']);
    expect(leftovers().staged).toBe(0);
  });

  it('a bad line after several batches leaves nothing, naming the line', async () => {
    const t = await table();
    const s = sink(t);
    const n = 4 * BATCH;
    await expect(feed(s, data(n, { at: n - 3, line: 'x\toops' })).then(() => s.finish())).rejects.toMatchObject({
      sqlstate: '22P02',
      where: `COPY t, line ${n - 3 + 2}, column id: "x"`,
    });
    s.abort();
    expect(count(t)).toBe(0);
    expect(leftovers()).toEqual({ staged: 0, segments: 0 });
  });

  it('a key repeated across batches fails at publish with its line and leaves nothing', async () => {
    const t = await table();
    const s = sink(t);
    // Line 2 holds id 0; the repeat of id 0 comes two batches later.
    await feed(s, data(2 * BATCH + 10, { at: 2 * BATCH + 5, line: '0\tagain' }));
    await expect(s.finish()).rejects.toMatchObject({ sqlstate: '23505', detail: 'Key (id)=(0) already exists.' });
    s.abort();
    expect(count(t)).toBe(0);
    expect(leftovers()).toEqual({ staged: 0, segments: 0 });
  });

  it('a key already stored fails at publish, naming the staged row\'s line', async () => {
    const t = await table();
    await store.write((tx) => tx.insert(t, [7, 'stored']));
    const s = sink(t);
    await feed(s, data(3 * BATCH));
    const err = await s.finish().then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ sqlstate: '23505', detail: 'Key (id)=(7) already exists.' });
    // id 7 is row i where i * 7919 ≡ 7 (mod 1500): its line is i + 2.
    const i = Array.from({ length: 3 * BATCH }, (_, k) => k).find((k) => (k * 7919) % (3 * BATCH) === 7)!;
    expect((err as { where?: string }).where).toBe(`COPY t, line ${i + 2}`);
    s.abort();
    expect([...store.scanRows(t)].map((r) => r.row)).toEqual([[7, 'stored']]);
  });

  it('abort (CopyFail, a dropped connection) removes the staged batches', async () => {
    const t = await table(false);
    const s = sink(t);
    await feed(s, data(3 * BATCH));
    expect(leftovers().segments).toBeGreaterThan(0);
    s.abort();
    s.abort();
    expect(count(t)).toBe(0);
    expect(leftovers()).toEqual({ staged: 0, segments: 0 });
    // The table takes rows as before.
    const again = sink(t);
    await feed(again, data(2 * BATCH + 1));
    expect(await again.finish()).toBe(2 * BATCH + 1);
    expect(count(t)).toBe(2 * BATCH + 1);
  });

  it('a restart removes the batches of a COPY that never finished', async () => {
    const t = await table();
    const s = sink(t);
    await feed(s, data(3 * BATCH));
    await store.close(); // the node stops mid-COPY
    expect(leftovers().staged).toBeGreaterThan(0);
    store = Store.open({ dir, partitions: 4 });
    expect(leftovers()).toEqual({ staged: 0, segments: 0 });
    expect(count(store.getTable('t')!)).toBe(0);
  });

  it('a TRUNCATE during the COPY fails it with 40001 rather than publishing lost batches', async () => {
    const t = await table();
    const s = sink(t);
    await feed(s, data(2 * BATCH + 3));
    await store.truncateTables(['t']);
    await expect(s.finish()).rejects.toMatchObject({ sqlstate: '40001' });
    s.abort();
    expect(count(t)).toBe(0);
  });
});
