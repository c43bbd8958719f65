// The namestore across real eon processes: a name registered through one node is taken at every
// node, a second registration is refused with 409, a retry with the same Idempotency-Key gets the
// original 201 and token, only the holder's token releases it, the CLI maps answers to exit codes,
// and with two of three nodes killed a registration is refused (503, 57P03) instead of guessed.

import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { eonCliPath } from '../support/eon.js';
import type { RunningEon } from '../support/eon.js';
import { TestCluster, allAlive, sql, until } from '../support/cluster.js';

const TEST_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

interface NameAnswer {
  status: number;
  body: { name?: string; taken?: boolean; token?: string; released?: boolean; error?: { code: string; message: string; hint?: string } };
  replayed: boolean;
}

async function names(node: RunningEon, method: 'POST' | 'GET' | 'DELETE', name: string, headers: Record<string, string> = {}): Promise<NameAnswer> {
  const r = await fetch(`http://127.0.0.1:${node.httpPort}/v1/names/${encodeURIComponent(name)}`, { method, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return { status: r.status, body: (await r.json()) as NameAnswer['body'], replayed: r.headers.get('idempotent-replayed') === 'true' };
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [eonCliPath, ...args], { timeout: REQUEST_TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the namestore across real processes', () => {
  it('registers once cluster-wide, replays idempotent retries, releases for the holder only, refuses without a majority', async () => {
    const [p0, p1, p2] = [await freePort(), await freePort(), await freePort()];
    const n0 = await cluster.start(p0, null);
    const n1 = await cluster.start(p1, p0);
    const n2 = await cluster.start(p2, p0);
    await until('three members alive at every node', () => allAlive([n0, n1, n2], 3));

    const first = await names(n0, 'POST', 'user:julian', { 'idempotency-key': 'req-1' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ name: 'user:julian', taken: true, token: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const token = first.body.token!;
    for (const n of [n0, n1, n2]) expect((await names(n, 'GET', 'user:julian')).status).toBe(200);
    expect((await names(n1, 'GET', 'user:nobody')).status).toBe(404);

    const second = await names(n1, 'POST', 'user:julian');
    expect(second.status).toBe(409);
    expect(second.body).toEqual({ name: 'user:julian', taken: false });
    const retry = await names(n2, 'POST', 'user:julian', { 'idempotency-key': 'req-1' });
    expect(retry.status).toBe(201);
    expect(retry.body.token).toBe(token);
    expect(retry.replayed).toBe(true);

    const wrong = await names(n2, 'DELETE', 'user:julian', { 'x-eon-token': 'not-the-token' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error?.code).toBe('42501');
    expect((await names(n0, 'GET', 'user:julian')).status).toBe(200);
    expect((await names(n1, 'DELETE', 'user:julian', { 'x-eon-token': token })).status).toBe(200);
    expect((await names(n2, 'GET', 'user:julian')).status).toBe(404);
    expect((await names(n0, 'DELETE', 'user:julian', { 'x-eon-token': token })).status).toBe(404);
    // Names with slashes and non-ASCII travel percent-encoded.
    expect((await names(n2, 'POST', 'posts/2026/héllo')).status).toBe(201);
    expect((await names(n0, 'GET', 'posts/2026/héllo')).body.taken).toBe(true);
    expect((await names(n0, 'POST', 'x'.repeat(256))).body.error?.code).toBe('42602');

    // The CLI: 0 taken now / available, 9 already taken.
    const http = `127.0.0.1:${n1.httpPort}`;
    expect((await cli(['names', 'check', 'slug:cli', '--http', http])).code).toBe(0);
    const reg = await cli(['names', 'register', 'slug:cli', '--http', http]);
    expect(reg.code).toBe(0);
    expect(JSON.parse(reg.stdout)).toMatchObject({ name: 'slug:cli', taken: true });
    expect((await cli(['names', 'register', 'slug:cli', '--http', http])).code).toBe(9);
    expect((await cli(['names', 'check', 'slug:cli', '--http', `127.0.0.1:${n2.httpPort}`])).code).toBe(9);

    // SQL cannot wait for consensus: the functions say so and name the REST/CLI forms.
    const inSql = await sql(n0, "SELECT eon_register('user:sql')");
    expect(inSql.error?.code).toBe('0A000');

    // Two of three replicas gone: refused, not guessed.
    await n1.kill('SIGKILL');
    await n2.kill('SIGKILL');
    const refused = await names(n0, 'POST', 'user:lonely');
    expect(refused.status).toBe(503);
    expect(refused.body.error?.code).toBe('57P03');
    expect((await names(n0, 'GET', 'user:julian')).status).toBe(503);
    const cliRefused = await cli(['names', 'register', 'user:lonely', '--http', `127.0.0.1:${n0.httpPort}`]);
    expect(cliRefused.code).toBe(10);
    expect(cliRefused.stderr).toMatch(/57P03/);
    expect(await n0.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
