// A cut link between two live nodes, across real processes: every node is reached by its peers
// through a TCP proxy (--advertise-peer), which tells the peers apart by the node id in their RPC
// hello; cutting n0↔n1 (both ways) while n2 still reaches both, the cluster keeps serving at
// W = 2 / R = 2 of N = 3, SWIM keeps n1 alive at n0 through n2's indirect probes, and after
// healing, hints and anti-entropy bring every replica to the same rows.

import { afterAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { FrameDecoder, HANDSHAKE_FRAME_BYTES_MAX, decodeBody } from '../../src/cluster/rpc/index.js';
import { freePort, sleep } from '../support/ports.js';
import { startEon } from '../support/eon.js';
import type { RunningEon } from '../support/eon.js';
import { allAlive, clusterView, sql, until } from '../support/cluster.js';
import { REPLICATION_TIMEOUT_MS } from '../../src/cluster/replication/index.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import type { ClientIdentifier } from '../support/tcp-proxy.js';

const TEST_TIMEOUT_MS = 90_000;
/** How long the link stays cut: longer than SWIM's suspicion timeout (4 protocol periods), so a
 * false suspicion of n1 at n0 would have turned into a death by then. */
const CUT_MS = 7_000;
const POLL_MS = 250;
/** Rows written through each of n0 and n1 while the link is cut. */
const ROWS_PER_SIDE_WHILE_CUT = 40;
/** 50 rows before the cut, 10 of them deleted during it, and both sides' inserts. */
const EXPECTED_ROWS = 50 - 10 + 2 * ROWS_PER_SIDE_WHILE_CUT;

const nodes: RunningEon[] = [];
const proxies: TcpProxy[] = [];

afterAll(async () => {
  for (const p of proxies) await p.stop();
  for (const n of nodes) await n.kill('SIGKILL').catch(() => null);
  for (const n of nodes) await rm(n.dataDir, { recursive: true, force: true });
});

/** The node id a peer names in the hello frame that opens every RPC connection (null: not a peer's hello). */
const peerHelloSender: ClientIdentifier = (head) => {
  const decoder = new FrameDecoder(HANDSHAKE_FRAME_BYTES_MAX);
  decoder.push(head);
  try {
    const frame = decoder.next();
    if (frame === undefined) return undefined;
    const body = frame.kind === 'hello' ? decodeBody(frame.body) : undefined;
    const nodeId = typeof body === 'object' && body !== null ? (body as { nodeId?: unknown }).nodeId : undefined;
    return typeof nodeId === 'string' ? nodeId : null;
  } catch {
    return null;
  }
};

/** A node listening for peers on its own port, advertised to the others as its proxy's port. */
async function startBehindProxy(join: TcpProxy | null): Promise<{ node: RunningEon; proxy: TcpProxy }> {
  const peerPort = await freePort();
  const proxy = await TcpProxy.start({ targetHost: '127.0.0.1', targetPort: peerPort, identify: peerHelloSender });
  proxies.push(proxy);
  const node = await startEon({
    peerPort,
    keepDataDir: true,
    extraArgs: ['--threads', '1', '--advertise-peer', `127.0.0.1:${proxy.port}`, ...(join === null ? [] : ['--join', `127.0.0.1:${join.port}`])],
  });
  nodes.push(node);
  return { node, proxy };
}

/** Row count, key sum and a digest of every value, read from the node's own store (a scan of one replica: no digest reads, which would repair it first). */
async function summary(node: RunningEon): Promise<string> {
  const r = await sql(node, "SET eon.read_consistency = 'one'; SELECT count(*), sum(id), sum(length(v)), max(v) FROM kv");
  if (r.rows === undefined) throw new Error(r.error?.message ?? `status ${r.status}`);
  return JSON.stringify(r.rows);
}

/** The row count in a summary. */
function rowCount(summaryText: string): number {
  return Number((JSON.parse(summaryText) as unknown[][])[0]?.[0]);
}

/** Runs a statement; returns how long it took, or throws with the error it got. */
async function write(node: RunningEon, text: string): Promise<number> {
  const t0 = Date.now();
  const r = await sql(node, text);
  if (r.status !== 200) throw new Error(`${text}: ${r.error?.code} ${r.error?.message}`);
  return Date.now() - t0;
}

async function pointRead(node: RunningEon, id: number): Promise<unknown> {
  const r = await sql(node, `SELECT v FROM kv WHERE id = ${id}`);
  if (r.rows === undefined) throw new Error(`point read ${id}: ${r.error?.code} ${r.error?.message}`);
  return r.rows[0]?.[0];
}

/** The state `observer` holds for the member `id`. */
async function stateAt(observer: RunningEon, id: string): Promise<string | undefined> {
  return (await clusterView(observer))?.members.find((m) => m.id === id)?.state;
}

async function hintsPending(node: RunningEon): Promise<number> {
  return Number((await sql(node, 'SELECT max(hints_pending) FROM eon_partitions')).rows?.[0]?.[0] ?? 0);
}

describe('a cut link between two nodes', () => {
  it('keeps serving through the third node, keeps both alive, and converges after healing', async () => {
    const { node: n0, proxy: p0 } = await startBehindProxy(null);
    const { node: n1, proxy: p1 } = await startBehindProxy(p0);
    const { node: n2 } = await startBehindProxy(p0);
    await until('three members alive at every node', () => allAlive([n0, n1, n2], 3));
    const [id0, id1] = await Promise.all([n0, n1].map(async (n) => (await clusterView(n))!.self));
    // Peers reach each other through the proxies: the gossiped addresses are the proxies'.
    const peers = (await clusterView(n2))!.members.map((m) => m.peer).sort();
    expect(peers).toEqual(proxies.map((p) => `127.0.0.1:${p.port}`).sort());

    await write(n0, 'CREATE TABLE kv (id int PRIMARY KEY, v text)');
    await write(n0, "INSERT INTO kv SELECT g, 'v' || g FROM generate_series(1, 50) AS g");
    await until('the first rows on every node', async () => {
      const s = await summary(n0);
      return (await summary(n1)) === s && (await summary(n2)) === s;
    });

    // Cut n0↔n1 both ways: n1's connections into n0's proxy and n0's into n1's are destroyed, and
    // new ones swallowed (a dead link, not a refusing one); n2's go on.
    p0.cut(id1!);
    p1.cut(id0!);
    const cutAt = Date.now();
    const statesOfN1AtN0 = new Set<string>();
    const statesOfN0AtN1 = new Set<string>();
    const writeMs: number[] = [];
    let row = 1000;
    // Writes through both ends of the cut link, while watching what each thinks of the other.
    for (let i = 0; Date.now() - cutAt < CUT_MS || i < ROWS_PER_SIDE_WHILE_CUT; i++) {
      if (i < ROWS_PER_SIDE_WHILE_CUT) {
        writeMs.push(await write(n0, `INSERT INTO kv VALUES (${row}, 'from n0 ${row}')`));
        writeMs.push(await write(n1, `INSERT INTO kv VALUES (${row + 1}, 'from n1 ${row + 1}')`));
        row += 2;
      } else {
        await sleep(POLL_MS);
      }
      statesOfN1AtN0.add((await stateAt(n0, id1!)) ?? 'unknown');
      statesOfN0AtN1.add((await stateAt(n1, id0!)) ?? 'unknown');
    }
    await write(n1, "UPDATE kv SET v = 'updated by n1' WHERE id <= 10");
    await write(n0, 'DELETE FROM kv WHERE id BETWEEN 41 AND 50');
    // Every write was acknowledged by the coordinator and n2 without waiting for the cut replica.
    expect(writeMs.length).toBe(2 * ROWS_PER_SIDE_WHILE_CUT);
    expect(Math.max(...writeMs)).toBeLessThan(REPLICATION_TIMEOUT_MS);
    // n2 sees both sides all along.
    expect(await stateAt(n2, id0!)).toBe('alive');
    expect(await stateAt(n2, id1!)).toBe('alive');
    // The direct probes fail, the indirect ones through n2 succeed: neither end is declared dead
    // (a suspicion, if any, is refuted by gossip through n2 long before it ripens).
    expect(statesOfN1AtN0.has('dead')).toBe(false);
    expect(statesOfN0AtN1.has('dead')).toBe(false);
    expect(await stateAt(n0, id1!)).toBe('alive');
    expect(await stateAt(n1, id0!)).toBe('alive');
    // Point reads at R = 2 are answered by the reader and n2, through either end of the cut.
    expect(await pointRead(n0, 1001)).toBe('from n1 1001');
    expect(await pointRead(n1, 1000)).toBe('from n0 1000');
    expect(await pointRead(n1, 3)).toBe('updated by n1');
    // The proxies did cut: live links destroyed, new ones swallowed; what n0 and n1 wrote for each
    // other waits in hints, and n2 (a replica of everything) holds both sides' rows. (n0 and n1 may
    // already be catching up through n2: anti-entropy with n2 runs during the cut, and so does
    // read repair, so how far apart they are now is not asserted.)
    expect(p0.stats.destroyed + p1.stats.destroyed).toBeGreaterThan(0);
    expect(p0.stats.blackholed + p1.stats.blackholed).toBeGreaterThan(0);
    expect(await hintsPending(n0)).toBeGreaterThan(0);
    expect(await hintsPending(n1)).toBeGreaterThan(0);
    const atN2 = await summary(n2);
    expect(rowCount(atN2)).toBe(EXPECTED_ROWS);

    // Heal: the hints are handed off, and with anti-entropy n0 and n1 come to what n2 holds.
    p0.heal();
    p1.heal();
    await until('every replica holds the same rows', async () => {
      const s = await summary(n2);
      return (await summary(n0)) === s && (await summary(n1)) === s;
    });
    await until('no hints left', async () => (await hintsPending(n0)) === 0 && (await hintsPending(n1)) === 0);
    expect(await summary(n2)).toBe(atN2);
  }, TEST_TIMEOUT_MS);
});

/** Time a statement may take past its statement_timeout before the test calls it stuck (a loaded machine). */
const TIMEOUT_SLACK_MS = 2_500;

describe('a cut link during distributed queries', () => {
  it('fails a query that needs the far side clearly within its statement timeout, and answers again after healing', async () => {
    const { node: a, proxy: pa } = await startBehindProxy(null);
    const { node: b, proxy: pb } = await startBehindProxy(pa);
    const { node: c } = await startBehindProxy(pa);
    await until('three members alive at every node', () => allAlive([a, b, c], 3));
    const [idA, idB] = await Promise.all([a, b].map(async (n) => (await clusterView(n))!.self));
    // One copy of each row (so a's queries need b's partitions), and three (read at R = 2).
    await write(a, 'CREATE TABLE f1 (id int PRIMARY KEY, v int) WITH (replicas = 1)');
    await write(a, 'CREATE TABLE f3 (id int PRIMARY KEY, v int)');
    await write(a, 'INSERT INTO f1 SELECT g, g % 7 FROM generate_series(1, 3000) AS g');
    await write(a, 'INSERT INTO f3 SELECT g, g % 7 FROM generate_series(1, 3000) AS g');
    const queries = [
      "SET statement_timeout = '3s'; SELECT count(*), sum(v) FROM f1",
      "SET statement_timeout = '3s'; SET eon.coverage = 'spread_all'; SELECT count(*), sum(v) FROM f3 WHERE v > 2",
    ];
    const expected = [JSON.stringify([['3000', '8998']]), JSON.stringify([['1714', '7711']])];
    for (const [i, q] of queries.entries()) expect(JSON.stringify((await sql(a, q)).rows)).toBe(expected[i]);

    // a↔b cut both ways, new connections swallowed: a slow link, not a refusing one. b stays alive
    // (c still reaches it), so nothing fails over: the statement timeout ends the wait.
    pa.cut(idB!);
    pb.cut(idA!);
    for (const q of queries) {
      const t0 = Date.now();
      const r = await sql(a, q);
      const ms = Date.now() - t0;
      expect(r.status, q).not.toBe(200);
      expect(['57014', '57P03', '08006'], `${q}: ${r.error?.code} ${r.error?.message}`).toContain(r.error?.code);
      expect(ms, q).toBeLessThan(3_000 + TIMEOUT_SLACK_MS);
    }
    pa.heal();
    pb.heal();
    await until('every query answers right again', async () => {
      for (const [i, q] of queries.entries()) if (JSON.stringify((await sql(a, q)).rows) !== expected[i]) return false;
      return true;
    });
  }, TEST_TIMEOUT_MS);
});
