// Ownership transfer across real processes: three nodes under a steady write load, a fourth joins
// and receives its partitions by handoff before it serves them (then every acknowledged row reads
// through every node, and a scan of the newcomer's own store has every row of the partitions it
// holds); then a node leaves with `eon node leave`, handing its partitions off first, and every
// acknowledged row is still there, counted exactly on each of the three that remain.

import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import pg from 'pg';
import { freePort } from '../support/ports.js';
import { eonCliPath } from '../support/eon.js';
import type { RunningEon } from '../support/eon.js';
import { TestCluster, allAlive, clusterView, sql, until } from '../support/cluster.js';
import { transfersSettled as transfersSettledIn } from '../../src/cluster/view/cluster-view.js';
import { hashKeyHigh, partitionOfHigh } from '../../src/cluster/partition-hash.js';

const TEST_TIMEOUT_MS = 180_000;
/** Rows written before the fourth node joins: what its handoff moves. */
const PRELOADED_ROWS = Number(process.env.OWNERSHIP_PRELOADED_ROWS ?? 5_000);
/** Rows per preloading statement (generate_series is bounded). */
const PRELOAD_STATEMENT_ROWS = 10_000;
/** Rows per statement of the write load. */
const LOAD_BATCH_ROWS = 20;
/** Keys read back by primary key through every node (a spread over all acknowledged rows). */
const POINT_READS_PER_NODE = 40;
/** `eon node leave` returns once the node has stopped: at most this long here. */
const LEAVE_WAIT_MS = 90_000;
/** A statement of the load that fails (a replica restarting its placement) is retried until this long has passed. */
const LOAD_RETRY_MS = 20_000;

const cluster = new TestCluster();
const clients: pg.Client[] = [];
afterAll(async () => {
  for (const c of clients) await c.end().catch(() => null);
  await cluster.stop();
});

async function write(node: RunningEon, text: string): Promise<void> {
  const r = await sql(node, text);
  if (r.status !== 200) throw new Error(`${text.slice(0, 80)}: ${JSON.stringify(r.error)}`);
}

async function client(node: RunningEon): Promise<pg.Client> {
  const c = new pg.Client({ ...node.conn(), connectionTimeoutMillis: 5_000 });
  c.on('error', () => {});
  await c.connect();
  clients.push(c);
  return c;
}

/** Inserts batches through the given nodes in turn until stopped; every id it reports was acknowledged. */
class WriteLoad {
  readonly acknowledged: number[] = [];
  private nextId: number;
  private stopping = false;
  private readonly done: Promise<void>;
  failures = 0;

  constructor(
    private targets: readonly RunningEon[],
    firstId: number,
  ) {
    this.nextId = firstId;
    this.done = this.run();
  }

  /** Later batches go only through these (a node about to leave takes none). */
  retarget(targets: readonly RunningEon[]): void {
    this.targets = targets;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done;
  }

  private async run(): Promise<void> {
    let turn = 0;
    while (!this.stopping) {
      const ids = Array.from({ length: LOAD_BATCH_ROWS }, (_, k) => this.nextId + k);
      this.nextId += LOAD_BATCH_ROWS;
      const text = `INSERT INTO items VALUES ${ids.map((id) => `(${id}, 'load ${id}')`).join(', ')} ON CONFLICT (id) DO UPDATE SET v = excluded.v`;
      const t0 = Date.now();
      // Retried (an upsert writes the same rows again) until acknowledged, so every row tried is acknowledged.
      for (;;) {
        const node = this.targets[turn++ % this.targets.length]!;
        const r = await sql(node, text).catch((e: unknown) => ({ status: 0, error: { code: 'fetch', message: String(e) } }));
        if (r.status === 200) break;
        this.failures++;
        if (Date.now() - t0 > LOAD_RETRY_MS) throw new Error(`the write load could not write for ${LOAD_RETRY_MS} ms: ${r.error?.code} ${r.error?.message}`);
      }
      this.acknowledged.push(...ids);
    }
  }
}

/** Every node's view shows one ring whose members hold every partition it gives them. */
async function transfersSettled(nodes: readonly RunningEon[]): Promise<boolean> {
  return transfersSettledIn(await Promise.all(nodes.map(clusterView)));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function partitionOf(id: number, partitions: number): number {
  return partitionOfHigh(hashKeyHigh([id]), partitions);
}

function spread(ids: readonly number[], count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(ids[Math.floor((i * ids.length) / count)]!);
  return out;
}

/** Reads each id by primary key (a quorum read) through the node; returns the ids it did not find. */
async function missingByKey(c: pg.Client, ids: readonly number[]): Promise<number[]> {
  const missing: number[] = [];
  for (const id of ids) {
    const r = await c.query({ name: 'by-key', text: 'SELECT v FROM items WHERE id = $1', values: [id] });
    if (r.rows.length !== 1 || (r.rows[0] as { v: string }).v !== (id <= PRELOADED_ROWS ? `pre ${id}` : `load ${id}`)) missing.push(id);
  }
  return missing;
}

/** The ids a scan through `node` reads (its own store for the partitions it serves). */
async function localIds(node: RunningEon): Promise<Set<number>> {
  const r = await sql(node, 'SELECT id FROM items');
  if (r.rows === undefined) throw new Error(r.error?.message ?? `status ${r.status}`);
  return new Set(r.rows.map((row) => Number(row[0])));
}

/** `eon node leave`: it waits until the node has handed off and stopped. */
function eonNodeLeave(node: RunningEon): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [eonCliPath, 'node', 'leave', '--http', `127.0.0.1:${node.httpPort}`], { timeout: LEAVE_WAIT_MS }, (error, stdout, stderr) =>
      error === null ? resolve(stdout) : reject(new Error(`eon node leave: ${stderr}`)),
    );
  });
}

describe('ownership transfer on join and leave', () => {
  it('a joining node receives its partitions before it serves them; a leaving node hands its own off before it stops', async () => {
    const t0 = Date.now();
    const phases: string[] = [];
    let phaseStart = t0;
    const phase = (name: string): void => {
      phases.push(`${name} ${Date.now() - phaseStart} ms`);
      // As it goes, so a run cut short by the test's timeout still says how far it got.
      console.log(`ownership test: ${phases[phases.length - 1]!}`);
      phaseStart = Date.now();
    };
    const [n0, n1, n2] = await cluster.startJoined(3);
    await write(n0, 'CREATE TABLE items (id int PRIMARY KEY, v text)');
    await until('the table on every node', async () => (await Promise.all([n0, n1, n2].map((n) => sql(n, 'SELECT count(*) FROM items')))).every((r) => r.status === 200));
    for (let from = 1; from <= PRELOADED_ROWS; from += PRELOAD_STATEMENT_ROWS) {
      await write(n0, `INSERT INTO items SELECT g, 'pre ' || g FROM generate_series(${from}, ${Math.min(from + PRELOAD_STATEMENT_ROWS - 1, PRELOADED_ROWS)}) AS g`);
    }
    const preloaded = Array.from({ length: PRELOADED_ROWS }, (_, k) => k + 1);
    const load = new WriteLoad([n0, n1, n2], 1_000_000);
    phase('three nodes, table, preload');

    // A fourth node joins under the load.
    const p3 = await freePort();
    const v0 = (await clusterView(n0))!;
    const n3 = await cluster.start(p3, Number(v0.members.find((m) => m.id === v0.self)!.peer.split(':').pop()));
    // allAlive also waits until every node holds every partition the new ring gives it.
    await until('four members alive on one ring, its partitions received, at every node', () => allAlive([n0, n1, n2, n3], 4));
    phase('join and handoff');
    const settledView = (await clusterView(n3))!;
    const self3 = settledView.members.find((m) => m.id === settledView.self)!;
    expect(self3.partitionsHeld).toBeGreaterThan(0);
    expect(Number(self3.stats.transfersDone)).toBeGreaterThan(0);
    expect(Number(self3.stats.transferRowsMoved)).toBeGreaterThan(0);
    const received = /"msg":"handoff received[^\n]*/.exec(n3.output())?.[0] ?? '';
    console.log(`handoff to the newcomer: ${received}`);

    // Every acknowledged row reads by key through every node, the newcomer included.
    const acknowledgedAtJoin = [...preloaded, ...load.acknowledged];
    const sample = spread(acknowledgedAtJoin, POINT_READS_PER_NODE);
    for (const node of [n0, n1, n2, n3]) expect(await missingByKey(await client(node), sample)).toEqual([]);
    // The newcomer reads the partitions it holds from its own store (eon.coverage = local) and the
    // others where they are served: every acknowledged row is there only if the handoff brought
    // the newcomer every row of its partitions.
    const held = new Set<number>();
    const partitionsRows = await sql(n3, 'SELECT partition, replicas FROM eon_partitions');
    for (const [p, replicas] of partitionsRows.rows!) if (String(replicas).split(',').includes(settledView.self)) held.add(Number(p));
    expect(held.size).toBeGreaterThan(0);
    const onNewcomer = await localIds(n3);
    const heldAcknowledged = acknowledgedAtJoin.filter((id) => held.has(partitionOf(id, settledView.partitions)));
    expect(heldAcknowledged.length).toBeGreaterThan(0);
    expect(acknowledgedAtJoin.filter((id) => !onNewcomer.has(id))).toEqual([]);

    phase('reads after the join');
    // n2 leaves with `eon node leave`: it hands off, then stops by itself; the load goes on through the others.
    load.retarget([n0, n1, n3]);
    const leaving = eonNodeLeave(n2);
    // While it hands off, the others show it as leaving (eon status's state column).
    const n2Id = (await clusterView(n2))?.self;
    const statesSeen = new Set<string>();
    await until('n0 shows n2 leaving, or n2 gone', async () => {
      const state = (await clusterView(n0))?.members.find((m) => m.id === n2Id)?.state ?? 'unknown';
      statesSeen.add(state);
      return state === 'leaving' || state === 'left' || !processAlive(n2.pid);
    });
    expect(statesSeen.has('leaving')).toBe(true);
    const said = await leaving;
    expect(said).toMatch(/is leaving the cluster/);
    expect(said).toMatch(/has left the cluster and stopped/);
    console.log(`eon node leave said:\n${said}`);
    await until('n2 stopped by itself once its partitions were handed off', async () => !processAlive(n2.pid));
    expect(await n2.kill('SIGCONT')).toBe(0); // it exited 0; the signal is a no-op
    expect(n2.output()).toMatch(/every partition handed off/);
    await until('the three left hold every partition of their ring', () => transfersSettled([n0, n1, n3]));
    phase('leave and handoff');
    await load.stop();
    const all = [...preloaded, ...load.acknowledged];
    // N = 3 on three nodes: each holds every row; W = 2, so the third copy may take a moment.
    for (const node of [n0, n1, n3]) {
      await until(`every acknowledged row on ${node.httpPort}`, async () => (await localIds(node)).size === all.length);
      const ids = await localIds(node);
      expect(all.filter((id) => !ids.has(id))).toEqual([]);
    }
    const leftSample = spread(all, POINT_READS_PER_NODE);
    for (const node of [n0, n1, n3]) expect(await missingByKey(await client(node), leftSample)).toEqual([]);
    phase('counts and reads after the leave');
    console.log(`ownership test: ${all.length} rows acknowledged (${load.failures} load statements retried) in ${Date.now() - t0} ms: ${phases.join(', ')}`);
    for (const n of [n0, n1, n3]) expect(await n.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
