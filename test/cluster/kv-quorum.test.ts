// A key-value request's own w and r across real processes: three nodes at N = 3, two of them
// SIGKILLed. The survivor still takes `PUT …?w=1` and `DELETE …?w=1` and answers `GET …?r=1`,
// while the table's W = 2 and R = 2 (a PUT or GET without them, or asking for them) fail with 503.

import { afterAll, describe, expect, it } from 'vitest';
import { TestCluster, allAlive, stateOf, until } from '../support/cluster.js';
import type { RunningEon } from '../support/eon.js';
import { freePort } from '../support/ports.js';

const TEST_TIMEOUT_MS = 90_000;
/** One request gives up after this long (the routes' own timeout is 10 s). */
const REQUEST_TIMEOUT_MS = 20_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

interface KvAnswer {
  status: number;
  body: unknown;
}

async function kv(node: RunningEon, method: string, keyAndQuery: string, value?: unknown, context?: string): Promise<KvAnswer & { context: string | null }> {
  const headers: Record<string, string> = {};
  if (value !== undefined) headers['content-type'] = 'application/json';
  if (context !== undefined) headers['x-eon-context'] = context;
  const r = await fetch(`http://127.0.0.1:${node.httpPort}/v1/kv/kv/${keyAndQuery}`, {
    method,
    headers,
    ...(value === undefined ? {} : { body: JSON.stringify(value) }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: r.status, body: (await r.json()) as unknown, context: r.headers.get('x-eon-context') };
}

/** The error message of a failed request. */
function messageOf(a: KvAnswer): string {
  return (a.body as { error?: { message?: string } }).error?.message ?? JSON.stringify(a.body);
}

describe('per-request w and r on three nodes, two of them killed', () => {
  it('w=1 writes and r=1 reads where the table W = 2 and R = 2 fail with 503', async () => {
    const [p0, p1, p2] = [await freePort(), await freePort(), await freePort()];
    const n0 = await cluster.start(p0, null);
    const n1 = await cluster.start(p1, p0);
    const n2 = await cluster.start(p2, p0);
    await until('three members alive at every node', () => allAlive([n0, n1, n2], 3));
    expect((await kv(n0, 'PUT', 'a', 'first')).status).toBe(200);
    expect((await kv(n0, 'PUT', 'b', 'to delete')).status).toBe(200);
    // Every node knows both tables (the value's and the siblings') and holds the rows: W = 2 made two copies, R = 2 finds them.
    for (const node of [n1, n2]) await until('the values through every node', async () => (await kv(node, 'GET', 'a')).status === 200);
    // r and w above N are refused before anything runs.
    expect((await kv(n0, 'PUT', 'a?w=4', 'x')).status).toBe(400);
    expect((await kv(n0, 'GET', 'a?r=4')).status).toBe(400);

    await n1.kill('SIGKILL');
    await n2.kill('SIGKILL');
    await until('n0 sees n1 and n2 down', async () => (await stateOf(n0, p1)) !== 'alive' && (await stateOf(n0, p2)) !== 'alive');

    // The table's quorums need a second replica: none is up.
    const plainPut = await kv(n0, 'PUT', 'a', 'second');
    expect(plainPut.status).toBe(503);
    const w2 = await kv(n0, 'PUT', 'a?w=2&r=1', 'second');
    expect(w2.status).toBe(503);
    expect(messageOf(w2)).toMatch(/^write reached 1 of 3 replicas .* needed 2/);
    const plainGet = await kv(n0, 'GET', 'a');
    expect(plainGet.status).toBe(503);
    expect(messageOf(plainGet)).toMatch(/^read reached 1 of 3 replicas .* needed 2/);

    // Asking for one replica: this node's own copy is enough. (The failed w=2 PUT stayed here.)
    const seen = await kv(n0, 'GET', 'a?r=1');
    expect([seen.status, seen.body]).toEqual([200, 'second']);
    const w1 = await kv(n0, 'PUT', 'a?w=1', 'third', seen.context!);
    expect([w1.status, w1.body]).toEqual([200, { table: 'kv', key: 'a', siblings: 1 }]);
    expect(await kv(n0, 'GET', 'a?r=1')).toMatchObject({ status: 200, body: 'third' });
    expect((await kv(n0, 'DELETE', 'b?w=1')).status).toBe(200);
    expect((await kv(n0, 'GET', 'b?r=1')).status).toBe(404);
    // A new key too: the write reads its (absent) sibling rows at R = 1 first.
    expect((await kv(n0, 'PUT', 'c?w=1', { n: 3 })).status).toBe(200);
    expect(await kv(n0, 'GET', 'c?r=1')).toMatchObject({ status: 200, body: { n: 3 } });
    expect((await kv(n0, 'GET', 'c')).status).toBe(503);
    expect(await n0.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
