// Replicated writes across real eon processes: rows written through one node are read through the
// others (INSERT, multi-row INSERT, COPY, INSERT … SELECT, UPDATE, DELETE); with one node killed,
// every write acknowledged at W = 2 of N = 3 is on the two survivors; with two killed, a write fails
// with replication_incomplete naming what it reached.

import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, sleep } from '../support/ports.js';
import type { RunningEon } from '../support/eon.js';
import { TestCluster, allAlive } from '../support/cluster.js';

/** Every wait in this file is bounded by this. */
const WAIT_MS = 40_000;
const POLL_MS = 100;
const TEST_TIMEOUT_MS = 120_000;
/** Writes through the coordinator while a replica is dead. */
const WRITES_WHILE_DEAD = 60;
const COPY_ROWS = 500;

const cluster = new TestCluster();
const clients: pg.Client[] = [];
/** The COPY input files this test writes. */
const dirs = new Set<string>();

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => null);
  await cluster.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const start = (peerPort: number, join: number | null): Promise<RunningEon> => cluster.start(peerPort, join);

async function client(node: RunningEon): Promise<pg.Client> {
  const c = new pg.Client({ ...node.conn(), connectionTimeoutMillis: 5_000 });
  // A killed node's connection errors asynchronously; the test checks statements, not sockets.
  c.on('error', () => {});
  await c.connect();
  clients.push(c);
  return c;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < WAIT_MS) {
    if (await check().catch(() => false)) return;
    await sleep(POLL_MS);
  }
  throw new Error(`not within ${WAIT_MS} ms: ${what}`);
}


/** count, sum(qty) and a digest of every row, as text. */
async function summary(c: pg.Client): Promise<string> {
  const r = await c.query('SELECT count(*) AS n, sum(qty) AS total, sum(length(label)) AS chars FROM items');
  const row = r.rows[0] as { n: string; total: string | null; chars: string | null };
  return `${row.n}/${row.total}/${row.chars}`;
}

function psqlCopy(node: RunningEon, file: string): Promise<void> {
  const conn = node.conn();
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', conn.host, '-p', String(conn.port), '-U', conn.user, '-d', conn.database, '-c', `\\copy items FROM '${file}' WITH (FORMAT csv)`];
  return new Promise((resolve, reject) => {
    execFile('psql', args, { timeout: WAIT_MS, env: { ...process.env, PGCONNECT_TIMEOUT: '10' } }, (error, _stdout, stderr) => (error === null ? resolve() : reject(new Error(`psql: ${stderr}`))));
  });
}

describe('replicated writes between real processes', () => {
  it('reads every node\'s writes on the others, keeps acknowledged writes through a kill, and refuses below W', async () => {
    const [pa, pb, pc] = [await freePort(), await freePort(), await freePort()];
    const a = await start(pa, null);
    const [b, c] = await Promise.all([start(pb, pa), start(pc, pa)]);
    await until('three members alive at every node', () => allAlive([a, b, c], 3));
    const [ca, cb, cc] = [await client(a), await client(b), await client(c)];
    for (const x of [ca, cb, cc]) await x.query('CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, label text, qty int)');
    await until('the table on every node', async () => {
      for (const x of [ca, cb, cc]) await x.query('SELECT count(*) FROM items');
      return true;
    });

    // Through A: single-row INSERTs, a multi-row INSERT, COPY, INSERT … SELECT.
    for (let i = 1; i <= 10; i++) await ca.query('INSERT INTO items VALUES ($1, $2, $3)', [i, `single ${i}`, i]);
    const values = Array.from({ length: 90 }, (_, k) => `(${100 + k}, 'multi ${k}', ${k % 7})`).join(', ');
    await ca.query(`INSERT INTO items VALUES ${values}`);
    const dir = await mkdtemp(path.join(tmpdir(), 'eon-repl-copy-'));
    dirs.add(dir);
    const file = path.join(dir, 'items.csv');
    await writeFile(file, Array.from({ length: COPY_ROWS }, (_, k) => `${1000 + k},copied ${k},${k % 11}\n`).join(''));
    await psqlCopy(a, file);
    await ca.query('INSERT INTO items SELECT id + 5000, label, qty * 2 FROM items WHERE id < 200');
    // A transaction block replicates at COMMIT.
    await ca.query('BEGIN');
    await ca.query("INSERT INTO items VALUES (7000, 'in a block', 70)");
    await ca.query("UPDATE items SET label = 'block-updated' WHERE id = 7");
    await ca.query('COMMIT');
    const expected = await summary(ca);
    expect(expected.startsWith(`${10 + 90 + COPY_ROWS + 100 + 1}/`)).toBe(true);
    // Acknowledged at W = 2: the third replica may take a moment longer.
    await until('B and C hold what A wrote', async () => (await summary(cb)) === expected && (await summary(cc)) === expected);
    expect((await cc.query('SELECT label, qty FROM items WHERE id = 1042')).rows).toEqual([{ label: 'copied 42', qty: 42 % 11 }]);
    expect((await cb.query('SELECT label, qty FROM items WHERE id = 5105')).rows).toEqual([{ label: 'multi 5', qty: 10 }]);
    expect((await cc.query('SELECT label FROM items WHERE id IN (7, 7000) ORDER BY id')).rows).toEqual([{ label: 'block-updated' }, { label: 'in a block' }]);

    // Through B: UPDATE (by key and by scan) and DELETE, visible on A and C.
    await cb.query("UPDATE items SET label = 'changed' WHERE id = 3");
    await cb.query('UPDATE items SET qty = qty + 1000 WHERE id >= 100 AND id < 110');
    await cb.query('DELETE FROM items WHERE id >= 1000 AND id < 1100');
    const afterB = await summary(cb);
    await until('A and C see B\'s changes', async () => (await summary(ca)) === afterB && (await summary(cc)) === afterB);
    expect((await ca.query('SELECT label FROM items WHERE id = 3')).rows).toEqual([{ label: 'changed' }]);
    expect((await cc.query('SELECT count(*)::int AS n FROM items WHERE id >= 1000 AND id < 1100')).rows).toEqual([{ n: 0 }]);

    // C dies: writes through A keep being acknowledged (A and B make W = 2), and each is on both.
    await c.kill('SIGKILL');
    const acknowledged: number[] = [];
    for (let i = 0; i < WRITES_WHILE_DEAD; i++) {
      const id = 20_000 + i;
      try {
        await ca.query('INSERT INTO items VALUES ($1, $2, $3)', [id, `while C is dead ${i}`, 1]);
        acknowledged.push(id);
      } catch (e) {
        // Only a replication failure is acceptable here, and none is expected with B alive.
        expect((e as { code?: string }).code).toBe('57P03');
      }
    }
    expect(acknowledged.length).toBe(WRITES_WHILE_DEAD);
    for (const x of [ca, cb]) {
      const r = await x.query('SELECT count(*)::int AS n FROM items WHERE id >= 20000 AND id < 30000');
      expect(r.rows).toEqual([{ n: acknowledged.length }]);
    }

    // B dies too: A alone cannot reach W = 2; the error says what it reached.
    await b.kill('SIGKILL');
    const failure = await ca.query("INSERT INTO items VALUES (99999, 'alone', 1)").then(
      () => null,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(failure?.code).toBe('57P03');
    expect(failure?.message).toMatch(/^write reached 1 of 3 replicas of partition \d+ of table "items", needed 2/);
    // Not undone on A: a scan of one replica reads A's own store (at quorum it could not compare
    // it with another: 57P03); a point read needs R = 2 replicas and says so.
    const atQuorum = await ca.query('SELECT label FROM items WHERE id >= 99999').then(
      () => null,
      (e: unknown) => e as { code?: string },
    );
    expect(atQuorum?.code).toBe('57P03');
    await ca.query("SET eon.read_consistency = 'one'");
    expect((await ca.query('SELECT label FROM items WHERE id >= 99999')).rows).toEqual([{ label: 'alone' }]);
    const pointRead = await ca.query('SELECT label FROM items WHERE id = 99999').then(
      () => null,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(pointRead?.code).toBe('57P03');
    expect(pointRead?.message).toMatch(/^read reached 1 of 3 replicas of partition \d+ of table "items", needed 2/);
    await ca.end();
    clients.splice(clients.indexOf(ca), 1);
    expect(await a.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
