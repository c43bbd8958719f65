// The key-value surface across three real processes: a PUT through one node is read through
// another, two concurrent PUTs without context through different nodes come back as siblings
// (300) from a third, a PUT with the merged context resolves them, and `eon kv` driven by piped
// commands reads, writes, lists the nodes and SIGKILLs a node by its eon.pid.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestCluster, sql, until } from '../support/cluster.js';
import { eonCliPath } from '../support/eon.js';
import type { RunningEon } from '../support/eon.js';

const TEST_TIMEOUT_MS = 150_000;
/** The console gets this long to run its piped commands. */
const CONSOLE_TIMEOUT_MS = 30_000;

const cluster = new TestCluster();
const dirs: string[] = [];
afterAll(async () => {
  await cluster.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface KvAnswer {
  status: number;
  body: unknown;
  context: string | null;
}

async function kv(node: RunningEon, method: string, key: string, value?: unknown, context?: string): Promise<KvAnswer> {
  const headers: Record<string, string> = {};
  if (value !== undefined) headers['content-type'] = 'application/json';
  if (context !== undefined) headers['x-eon-context'] = context;
  const r = await fetch(`http://127.0.0.1:${node.httpPort}/v1/kv/kv/${key}`, {
    method,
    headers,
    ...(value === undefined ? {} : { body: JSON.stringify(value) }),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: r.status, body: (await r.json()) as unknown, context: r.headers.get('x-eon-context') };
}

/** Runs `eon kv` with the lines on stdin; resolves with its stdout once stdin ends and it exits. */
function kvConsole(node: RunningEon, dataDir: string, lines: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [eonCliPath, 'kv', '--http', `127.0.0.1:${node.httpPort}`, '--data', dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`eon kv did not finish within ${CONSOLE_TIMEOUT_MS} ms: ${out}`));
    }, CONSOLE_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

describe('key-value surface on three nodes', () => {
  it('reads through any node, keeps concurrent writes as siblings and resolves them with the context', async () => {
    const [n0, n1, n2] = await cluster.startJoined(3);
    // The first PUT creates the table through the cluster catalog.
    expect((await kv(n0, 'PUT', 'k', 'one')).status).toBe(200);
    await until('the value through n1', async () => (await kv(n1, 'GET', 'k')).status === 200);
    const first = await kv(n1, 'GET', 'k');
    expect(first.body).toBe('one');

    // Two writers that saw nothing: neither supersedes the other nor the first value.
    const [a, b] = await Promise.all([kv(n1, 'PUT', 'k', 'from-n1'), kv(n2, 'PUT', 'k', 'from-n2')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const conflict = await kv(n0, 'GET', 'k');
    expect(conflict.status).toBe(300);
    expect((conflict.body as string[]).sort()).toEqual(['from-n1', 'from-n2', 'one']);
    // SQL sees one row for the key, holding one of the values.
    const row = await sql(n2, `SELECT value #>> '{}' FROM kv WHERE key = 'k'`);
    expect(['from-n1', 'from-n2', 'one']).toContain(row.rows?.[0]?.[0]);

    expect((await kv(n2, 'PUT', 'k', 'merged', conflict.context!)).status).toBe(200);
    for (const node of [n0, n1, n2]) {
      const r = await kv(node, 'GET', 'k');
      expect([r.status, r.body]).toEqual([200, 'merged']);
    }
    expect((await sql(n0, `SELECT value #>> '{}' FROM kv WHERE key = 'k'`)).rows).toEqual([['merged']]);

    // The console: piped commands against n0; KILL finds n2 by the eon.pid in <data>/node-2.
    const root = await mkdtemp(path.join(tmpdir(), 'eon-kv-console-'));
    dirs.push(root);
    await symlink(n2.dataDir, path.join(root, 'node-2'));
    const run = await kvConsole(n0, root, ['SET c1 {"a": 1}', 'GET c1', 'SET c1 two words', 'GET c1', 'NODES', 'KILL node-2', 'GET c1', 'DEL c1', 'GET c1', 'QUIT']);
    const lines = run.out.trim().split('\n');
    expect(lines[0]).toBe('OK');
    expect(JSON.parse(lines[1]!)).toEqual({ a: 1 });
    expect(lines[2]).toBe('OK');
    expect(lines[3]).toBe('"two words"');
    expect(lines.filter((l) => / alive /.test(l))).toHaveLength(3);
    expect(run.out).toMatch(/killed node-2 \(pid \d+\)/);
    // With n2 dead, R = 2 and W = 2 of 3 still hold.
    const afterKill = lines.slice(lines.findIndex((l) => l.startsWith('killed')) + 1);
    expect(afterKill).toEqual(['"two words"', 'OK', '(not found)']);
    expect(run.code).toBe(0);
  }, TEST_TIMEOUT_MS);
});
