// The key-value routes on one real engine: PUT/GET/DELETE, contexts and siblings, table shapes,
// r/w/timeout bounds, privileges, and what SQL sees of KV writes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../protocol/http/index.js';
import type { HttpServer } from '../../protocol/http/index.js';
import type { ClusterView } from '../../src/cluster/view/cluster-view.js';
import { Readable } from 'node:stream';
import { roleByName } from '../../storage/index.js';
import { runKvConsole } from '../../src/cli/kv.js';
import { openTestEngine } from '../support/engine.js';
import type { TestEngine } from '../support/engine.js';

interface Node {
  server: HttpServer;
  base: string;
}

/** Two REST servers over one engine, each its own writer id: like two coordinators of one row store. */
async function startServer(engine: TestEngine, self: string): Promise<Node> {
  const view: ClusterView = { self, partitions: 4, replicas: 3, ringVersion: 1, members: [] };
  const server = createHttpServer({ sessions: engine.engine, store: engine.store, nodeName: self, cluster: () => view });
  const port = await server.listen('127.0.0.1', 0);
  return { server, base: `http://127.0.0.1:${port}` };
}

function kv(node: Node, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${node.base}/v1/kv/${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('key-value REST', () => {
  let engine: TestEngine;
  let a: Node;
  let b: Node;
  beforeAll(async () => {
    engine = openTestEngine({ name: 'kv-rest' });
    a = await startServer(engine, 'node-a');
    b = await startServer(engine, 'node-b');
  });
  afterAll(async () => {
    await a.server.close();
    await b.server.close();
    await engine.close();
  });

  it('creates the table on the first PUT, reads the value back and shows it to SQL', async () => {
    const put = await kv(a, 'PUT', 'kv/alpha', { n: 1 });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ table: 'kv', key: 'alpha', siblings: 1 });
    const got = await kv(b, 'GET', 'kv/alpha');
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({ n: 1 });
    expect(got.headers.get('x-eon-context')).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await engine.rows(`SELECT key, value::text FROM kv`)).toEqual([['alpha', '{"n": 1}']]);
  });

  it('answers 404 for an absent key and an absent table', async () => {
    expect((await kv(a, 'GET', 'kv/nope')).status).toBe(404);
    const res = await kv(a, 'GET', 'nosuch/x');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('42P01');
  });

  it('keeps concurrent PUTs without context as siblings until a PUT with the context resolves them', async () => {
    await kv(a, 'PUT', 'kv/s', 'first');
    const seen = await kv(b, 'GET', 'kv/s');
    const ctx = seen.headers.get('x-eon-context')!;
    // Both writers overwrite what they saw, without knowing of each other.
    expect((await kv(a, 'PUT', 'kv/s', 'from-a', { 'x-eon-context': ctx })).status).toBe(200);
    expect((await kv(b, 'PUT', 'kv/s', 'from-b', { 'x-eon-context': ctx })).status).toBe(200);
    const both = await kv(a, 'GET', 'kv/s');
    expect(both.status).toBe(300);
    expect(((await both.json()) as string[]).sort()).toEqual(['from-a', 'from-b']);
    // SQL sees one of them: the newest write.
    expect(await engine.one(`SELECT value #>> '{}' FROM kv WHERE key = 's'`)).toBe('from-b');
    const merged = both.headers.get('x-eon-context')!;
    expect((await kv(b, 'PUT', 'kv/s', 'resolved', { 'x-eon-context': merged })).status).toBe(200);
    const one = await kv(a, 'GET', 'kv/s');
    expect(one.status).toBe(200);
    expect(await one.json()).toBe('resolved');
  });

  it('keeps a PUT without context beside the value it did not see', async () => {
    await kv(a, 'PUT', 'kv/blind', 1);
    await kv(b, 'PUT', 'kv/blind', 2);
    const res = await kv(a, 'GET', 'kv/blind');
    expect(res.status).toBe(300);
    expect(((await res.json()) as number[]).sort()).toEqual([1, 2]);
  });

  it('a write with a stale context keeps the sibling written after that read', async () => {
    await kv(a, 'PUT', 'kv/stale', 'v1');
    const ctx = (await kv(a, 'GET', 'kv/stale')).headers.get('x-eon-context')!;
    await kv(a, 'PUT', 'kv/stale', 'v2', { 'x-eon-context': ctx });
    await kv(b, 'PUT', 'kv/stale', 'v3', { 'x-eon-context': ctx });
    const res = await kv(a, 'GET', 'kv/stale');
    expect(res.status).toBe(300);
    expect(((await res.json()) as string[]).sort()).toEqual(['v2', 'v3']);
  });

  it('DELETE removes what it saw; a delete without context removes everything visible', async () => {
    await kv(a, 'PUT', 'kv/gone', { x: true });
    expect((await kv(b, 'DELETE', 'kv/gone')).status).toBe(200);
    expect((await kv(a, 'GET', 'kv/gone')).status).toBe(404);
    expect(await engine.rows(`SELECT key FROM kv WHERE key = 'gone'`)).toEqual([]);
    // A delete with a context that did not see a later PUT leaves that PUT.
    await kv(a, 'PUT', 'kv/gone2', 'old');
    const ctx = (await kv(a, 'GET', 'kv/gone2')).headers.get('x-eon-context')!;
    await kv(b, 'PUT', 'kv/gone2', 'new', { 'x-eon-context': ctx });
    await kv(a, 'DELETE', 'kv/gone2', undefined, { 'x-eon-context': ctx });
    const left = await kv(b, 'GET', 'kv/gone2');
    expect(left.status).toBe(200);
    expect(await left.json()).toBe('new');
  });

  it('reads a table declared in SQL and a row SQL wrote', async () => {
    await engine.rows(`CREATE TABLE declared (key text PRIMARY KEY, value jsonb); INSERT INTO declared VALUES ('k', '[1,2]')`);
    const res = await kv(a, 'GET', 'declared/k');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([1, 2]);
    expect((await kv(a, 'PUT', 'declared/k', [3], { 'x-eon-context': res.headers.get('x-eon-context')! })).status).toBe(200);
    expect(await engine.one(`SELECT value::text FROM declared WHERE key = 'k'`)).toBe('[3]');
  });

  it('refuses a table of another shape with 409', async () => {
    await engine.rows(`CREATE TABLE notkv (id int PRIMARY KEY, value jsonb)`);
    const res = await kv(a, 'PUT', 'notkv/x', 1);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not a key-value table/);
    expect((await kv(a, 'GET', 'notkv/x')).status).toBe(409);
  });

  it('checks r, w and timeout: above N or malformed is 400', async () => {
    expect((await kv(a, 'GET', 'kv/alpha?r=4')).status).toBe(400);
    expect((await kv(a, 'PUT', 'kv/alpha?w=4', 1)).status).toBe(400);
    expect((await kv(a, 'GET', 'kv/alpha?r=0')).status).toBe(400);
    expect((await kv(a, 'GET', 'kv/alpha?timeout=abc')).status).toBe(400);
    expect((await kv(a, 'GET', 'kv/alpha?timeout=600000')).status).toBe(400);
    expect((await kv(a, 'GET', 'kv/alpha?r=3&timeout=5000')).status).toBe(200);
    expect((await kv(a, 'PUT', 'kv/alpha?w=1', 2)).status).toBe(200);
  });

  it('refuses a malformed context, a bad table name and a missing body with 400', async () => {
    expect((await kv(a, 'PUT', 'kv/alpha', 1, { 'x-eon-context': '!!!' })).status).toBe(400);
    expect((await kv(a, 'PUT', 'kv/alpha', 1, { 'x-eon-context': Buffer.from('{"v":9}').toString('base64url') })).status).toBe(400);
    expect((await kv(a, 'PUT', 'Bad-Name/x', 1)).status).toBe(400);
    expect((await kv(a, 'PUT', 'kv/alpha')).status).toBe(400);
  });

  it('eon kv runs piped commands: SET, GET with siblings, SET resolving them, DEL, errors', async () => {
    const out: string[] = [];
    const opts = { http: a.base.slice('http://'.length), table: 'console', dataDir: engine.dir, password: undefined };
    await kv(b, 'PUT', 'console/x', 'other');
    const lines = ['SET x 1', 'GET x', 'SET x resolved', 'get x', 'DEL x', 'GET x', 'KILL node-9', 'FROB', 'QUIT', 'GET never'];
    const code = await runKvConsole(opts, Readable.from(lines.map((l) => `${l}\n`)), (l) => out.push(l), false);
    expect(out).toEqual([
      'OK (2 siblings: a concurrent write was kept)',
      '(2 siblings)\n  1) 1\n  2) "other"',
      'OK',
      '"resolved"',
      'OK',
      '(not found)',
      expect.stringMatching(/^error: node-9 is not running/),
      'error: unknown command "FROB" (HELP lists them)',
    ]);
    expect(code).toBe(1);
  });

  it('needs the SQL privileges on the table', async () => {
    expect((await kv(a, 'PUT', 'kv/priv', 'mine')).status).toBe(200);
    // A node bootstraps its superuser "eon"; this bare engine gets it here.
    await engine.rows(`CREATE ROLE eon SUPERUSER LOGIN; CREATE ROLE reader LOGIN; GRANT SELECT ON kv TO reader`);
    const server = createHttpServer({ sessions: engine.engine, store: engine.store, nodeName: 'node-c', roles: { find: (name) => roleByName(engine.store.security(), name) } });
    const c: Node = { server, base: `http://127.0.0.1:${await server.listen('127.0.0.1', 0)}` };
    try {
      const auth = { authorization: `Basic ${Buffer.from('reader:').toString('base64')}` };
      const first = await kv(c, 'GET', 'kv/priv', undefined, auth);
      expect(first.status).toBe(200);
      expect(await first.json()).toBe('mine');
      const put = await kv(c, 'PUT', 'kv/priv', 5, auth);
      expect(put.status).toBe(403);
      expect((await kv(c, 'DELETE', 'kv/priv', undefined, auth)).status).toBe(403);
      expect(await (await kv(c, 'GET', 'kv/priv', undefined, auth)).json()).toBe('mine');
    } finally {
      await server.close();
    }
  });
});
