// Membership across real eon processes on loopback: three nodes find each other through --join, a
// SIGKILLed node is declared dead and rejoins from its data directory, a SIGSTOPped node is
// declared dead and refutes after SIGCONT, and garbage on the peer port changes nothing.

import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { freePort } from '../support/ports.js';
import { CONVERGE_TIMEOUT_MS, TestCluster, allAlive, clusterView as view, sql, stateOf, until } from '../support/cluster.js';

/** Starts, three convergences, two failure detections and stops. */
const TEST_TIMEOUT_MS = 180_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());
const start = cluster.start.bind(cluster);

describe('membership of real processes', () => {
  it('joins, detects kill -9 and SIGSTOP, rejoins after restart and SIGCONT, and shrugs off garbage on the peer port', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const [p0, p1, p2] = ports as [number, number, number];
    const n0 = await start(p0, null);
    const n1 = await start(p1, p0);
    const n2 = await start(p2, p0);
    await until('three members alive at every node', () => allAlive([n0, n1, n2], 3));
    // Each node remembers the others' peer addresses as soon as it knows them: one killed right
    // after joining must rejoin its cluster on restart, not found one of its own.
    for (const [node, others] of [[n0, [p1, p2]], [n1, [p0, p2]], [n2, [p0, p1]]] as const) {
      const remembered = (JSON.parse(readFileSync(path.join(node.dataDir, 'cluster.json'), 'utf8')) as { peers: string[] }).peers;
      expect(remembered.map((a) => Number(a.split(':').pop())).sort()).toEqual([...others].sort());
    }
    const first = (await view(n0))!;
    expect(first.replicas).toBe(3);
    expect(first.members.reduce((s, m) => s + m.partitionsOwned, 0)).toBe(first.partitions);
    const ids = new Set(first.members.map((m) => m.id));
    expect(ids.size).toBe(3);
    // Every node uses the same ring, decided in the consensus register.
    const rings = await Promise.all([n0, n1, n2].map(async (n) => (await view(n))!.members.map((m) => `${m.id}:${m.partitionsOwned}`).join()));
    expect(new Set(rings).size).toBe(1);

    // SQL sees the same members and ring.
    const members = await sql(n2, "SELECT count(*) AS n, sum(partitions_owned) AS owned FROM eon_nodes WHERE state = 'alive'");
    expect(members.rows).toEqual([['3', String(first.partitions)]]);
    // What n2 measures about its statements reaches the others by gossip.
    await until("n2's statement figures at n0", async () => {
      const stats = (await view(n0))?.members.find((m) => m.peer === `127.0.0.1:${p2}`)?.stats;
      return Number(stats?.statementsPerSecond ?? 0) > 0 && Number(stats?.meanResponseMs ?? 0) > 0;
    });

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

  it('eon node leave: the node leaves and stops, the others see it left; eon node remove: a dead node is declared gone', async () => {
    const [p0, p1, p2] = [await freePort(), await freePort(), await freePort()];
    const n0 = await start(p0, null);
    const n1 = await start(p1, p0);
    const n2 = await start(p2, p0);
    await until('three members alive at every node', () => allAlive([n0, n1, n2], 3));
    const post = (node: typeof n0, what: string): Promise<Response> =>
      fetch(`http://127.0.0.1:${node.httpPort}/v1/cluster/${what}`, { method: 'POST' });

    expect((await post(n2, 'leave')).status).toBe(202);
    await until('n2 left at n0 and n1', async () => (await stateOf(n0, p2)) === 'left' && (await stateOf(n1, p2)) === 'left');
    expect(await n2.kill('SIGCONT')).toBe(0); // it stopped by itself (exit 0); the signal is a no-op
    // The claimant decides a ring without n2, and n0 adopts it.
    await until('a ring without n2 at n0', async () => (await view(n0))!.members.find((m) => m.peer === `127.0.0.1:${p2}`)!.partitionsOwned === 0);
    const afterLeave = (await view(n0))!;
    expect(afterLeave.members.find((m) => m.peer === `127.0.0.1:${p2}`)!.partitionsOwned).toBe(0);
    expect(afterLeave.members.filter((m) => m.state === 'alive').reduce((s, m) => s + m.partitionsOwned, 0)).toBe(afterLeave.partitions);

    const id1 = afterLeave.members.find((m) => m.peer === `127.0.0.1:${p1}`)!.id;
    const refused = await post(n0, `remove/${id1}`);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('55000');
    expect((await post(n0, 'remove/n-00000000')).status).toBe(400);
    await n1.kill('SIGKILL');
    await until('n1 dead at n0', async () => (await stateOf(n0, p1)) === 'dead');
    expect((await post(n0, `remove/${id1}`)).status).toBe(200);
    expect(await stateOf(n0, p1)).toBe('left');
    await until('a ring of n0 alone', async () => JSON.stringify((await view(n0))!.members.filter((m) => m.state !== 'left').map((m) => m.partitionsOwned)) === '[64]');
    expect(await n0.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
