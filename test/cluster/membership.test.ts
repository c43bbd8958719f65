// Membership across real eon processes on loopback: three nodes find each other through --join, a
// SIGKILLed node is declared dead and rejoins from its data directory, a SIGSTOPped node is
// declared dead and refutes after SIGCONT, and garbage on the peer port changes nothing.

import { afterAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { rm } from 'node:fs/promises';
import { freePort, sleep } from '../support/ports.js';
import { startEon } from '../support/eon.js';
import type { RunningEon } from '../support/eon.js';
import { parseClusterView } from '../../src/cluster/view/cluster-view.js';
import type { ClusterView } from '../../src/cluster/view/cluster-view.js';

/** Every wait in this file is bounded by this (the defaults detect a crash in about 6–9 s). */
const CONVERGE_TIMEOUT_MS = 40_000;
const POLL_MS = 200;
/** Starts, three convergences, two failure detections and stops. */
const TEST_TIMEOUT_MS = 180_000;

const started: RunningEon[] = [];
const dirs = new Set<string>();

afterAll(async () => {
  for (const n of started) await n.kill('SIGKILL').catch(() => null);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function start(peerPort: number, join: number | null, dataDir?: string): Promise<RunningEon> {
  const node = await startEon({
    peerPort,
    keepDataDir: true,
    ...(dataDir === undefined ? {} : { dataDir }),
    extraArgs: ['--threads', '1', ...(join === null ? [] : ['--join', `127.0.0.1:${join}`])],
  });
  started.push(node);
  dirs.add(node.dataDir);
  return node;
}

async function view(node: RunningEon): Promise<ClusterView | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${node.httpPort}/v1/cluster`, { signal: AbortSignal.timeout(2_000) });
    return r.ok ? parseClusterView(await r.json()) : null;
  } catch {
    return null;
  }
}

/** The state `observer` holds for the member on peer port `peer`. */
async function stateOf(observer: RunningEon, peer: number): Promise<string | undefined> {
  return (await view(observer))?.members.find((m) => m.peer === `127.0.0.1:${peer}`)?.state;
}

async function until(what: string, check: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < CONVERGE_TIMEOUT_MS) {
    if (await check()) {
      if (process.env.EON_TEST_VERBOSE) console.log(`${what}: ${Date.now() - t0} ms`);
      return Date.now() - t0;
    }
    await sleep(POLL_MS);
  }
  throw new Error(`not within ${CONVERGE_TIMEOUT_MS} ms: ${what}`);
}

async function allAlive(nodes: RunningEon[], count: number): Promise<boolean> {
  for (const n of nodes) {
    const v = await view(n);
    if (v === null || v.members.length !== count || v.members.some((m) => m.state !== 'alive')) return false;
  }
  return true;
}

describe('membership of real processes', () => {
  it('joins, detects kill -9 and SIGSTOP, rejoins after restart and SIGCONT, and shrugs off garbage on the peer port', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const [p0, p1, p2] = ports as [number, number, number];
    const n0 = await start(p0, null);
    const n1 = await start(p1, p0);
    const n2 = await start(p2, p0);
    await until('three members alive at every node', () => allAlive([n0, n1, n2], 3));
    const first = (await view(n0))!;
    expect(first.replicas).toBe(3);
    expect(first.members.reduce((s, m) => s + m.partitionsOwned, 0)).toBe(first.partitions);
    const ids = new Set(first.members.map((m) => m.id));
    expect(ids.size).toBe(3);
    // Every node derives the same ring from the same members.
    const rings = await Promise.all([n0, n1, n2].map(async (n) => (await view(n))!.members.map((m) => `${m.id}:${m.partitionsOwned}`).join()));
    expect(new Set(rings).size).toBe(1);

    // SQL sees the same members and ring.
    const sql = await fetch(`http://127.0.0.1:${n2.httpPort}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: "SELECT count(*) AS n, sum(partitions_owned) AS owned FROM eon_nodes WHERE state = 'alive'" }),
    });
    expect(((await sql.json()) as { rows: unknown[][] }).rows).toEqual([['3', String(first.partitions)]]);

    // Garbage on the peer port closes that connection only.
    await new Promise<void>((resolve) => {
      const s = connect(p0, '127.0.0.1', () => s.end(Buffer.from('GET / HTTP/1.1\r\n\r\n garbage \u0000\u00ff')));
      s.on('data', () => {}); // read what the node answers, so its close is seen
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });

    // kill -9: the others declare it dead.
    const incarnationBefore = first.members.find((m) => m.peer === `127.0.0.1:${p1}`)!.incarnation;
    await n1.kill('SIGKILL');
    const detectedMs = await until('n1 dead at n0 and n2', async () => (await stateOf(n0, p1)) === 'dead' && (await stateOf(n2, p1)) === 'dead');
    expect(detectedMs).toBeLessThan(CONVERGE_TIMEOUT_MS);
    // Restarted from its data directory (no --join): it rejoins through the peers it remembers.
    const n1b = await start(p1, null, n1.dataDir);
    await until('n1 back and alive everywhere', () => allAlive([n0, n1b, n2], 3));
    const back = (await view(n0))!.members.find((m) => m.peer === `127.0.0.1:${p1}`)!;
    expect(back.incarnation).toBeGreaterThan(incarnationBefore);
    expect(new Set((await view(n0))!.members.map((m) => m.id))).toEqual(ids);

    // SIGSTOP past the suspicion timeout: dead at the others; SIGCONT: it refutes, nobody else died.
    process.kill(n2.pid, 'SIGSTOP');
    try {
      await until('n2 dead at n0 and n1', async () => (await stateOf(n0, p2)) === 'dead' && (await stateOf(n1b, p2)) === 'dead');
      expect(await stateOf(n1b, p0)).toBe('alive');
      expect(await stateOf(n0, p1)).toBe('alive');
    } finally {
      process.kill(n2.pid, 'SIGCONT');
    }
    await until('n2 alive again everywhere', () => allAlive([n0, n1b, n2], 3));
    for (const n of [n0, n1b, n2]) expect(await n.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
