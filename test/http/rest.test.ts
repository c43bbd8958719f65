// The REST API against a scripted session factory: JSON shape, params, errors, limits, Arrow, auth, cancel, close.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { createHttpServer } from '../../protocol/http/index.js';
import type { HttpServer } from '../../protocol/http/index.js';
import { T } from '../../src/types/index.js';
import type { TableSchema } from '../../storage/index.js';
import { fakeSessions } from './fake-sessions.js';
import type { FakeState } from './fake-sessions.js';

const SMALL_BODY_BYTES_MAX = 1024;
const ABORT_SEEN_TIMEOUT_MS = 5_000;

const TABLES: TableSchema[] = [
  {
    id: 1,
    name: 'orders',
    columns: [
      { name: 'id', type: T.int8, notNull: true },
      { name: 'total', type: { kind: 'numeric', precision: 12, scale: 2 }, notNull: false },
    ],
    primaryKey: [0],
    distributionKey: [0],
  },
];

interface Started {
  server: HttpServer;
  base: string;
  state: FakeState;
}

async function start(extra: { password?: string; bodyBytesMax?: number } = {}): Promise<Started> {
  const { factory, state } = fakeSessions();
  const server = createHttpServer({ sessions: factory, store: { listTables: () => TABLES }, nodeName: 'test-node', ...extra });
  const port = await server.listen('127.0.0.1', 0);
  return { server, base: `http://127.0.0.1:${port}`, state };
}

function post(base: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${base}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

describe('REST API', () => {
  let s: Started;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(async () => {
    await s.server.close();
  });

  it('returns typed columns and JSON values as PostgreSQL prints them', async () => {
    const res = await post(s.base, { sql: 'select all types' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { columns: unknown; rows: unknown[][]; rowCount: number; command: string };
    expect(body.columns).toEqual([
      { name: 'i2', type: 'smallint' },
      { name: 'i4', type: 'integer' },
      { name: 'i8', type: 'bigint' },
      { name: 'f4', type: 'real' },
      { name: 'f8', type: 'double precision' },
      { name: 'n', type: 'numeric(10,2)' },
      { name: 'nu', type: 'numeric' },
      { name: 'b', type: 'boolean' },
      { name: 't', type: 'text' },
      { name: 'vc', type: 'character varying(20)' },
      { name: 'd', type: 'date' },
      { name: 'ts', type: 'timestamp without time zone' },
      { name: 'tz', type: 'timestamp with time zone' },
      { name: 'iv', type: 'interval' },
      { name: 't', type: 'text' },
    ]);
    expect(body.rows[0]).toEqual([
      1, 2, '9007199254740993', 0.1, 'NaN', '-123.45', '0.000000000000000000000000000001', true, 'héllo "x"', 'v',
      '2024-01-02', '2024-01-02 03:04:05.5', '1970-01-01 00:00:00+00', '1 day', 'dup',
    ]);
    expect(body.rows[1]).toEqual([null, null, null, null, 'Infinity', null, null, false, null, null, null, null, null, null, null]);
    expect(body.rowCount).toBe(2);
    expect(body.command).toBe('SELECT');
    expect(s.state.open).toBe(0);
  });

  it('runs a script and returns the last result; no-row statements have empty columns', async () => {
    const last = (await (await post(s.base, { sql: 'insert two; select one' })).json()) as Record<string, unknown>;
    expect(last).toEqual({ columns: [{ name: 'one', type: 'integer' }], rows: [[1]], rowCount: 1, command: 'SELECT' });
    const insert = (await (await post(s.base, { sql: 'select one; insert two' })).json()) as Record<string, unknown>;
    expect(insert).toEqual({ columns: [], rows: [], rowCount: 2, command: 'INSERT' });
    const empty = (await (await post(s.base, { sql: '  ' })).json()) as Record<string, unknown>;
    expect(empty).toEqual({ columns: [], rows: [], rowCount: 0, command: null });
  });

  it('converts JSON params through their text form to the statement parameter types', async () => {
    const res = await post(s.base, { sql: 'echo int4, int8, text, bool, int4', params: [42, '9007199254740993', 'hi', true, null] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: unknown[][] };
    expect(body.rows).toEqual([[42, '9007199254740993', 'hi', true, null]]);
    const text42 = (await (await post(s.base, { sql: 'echo int4', params: [' 42 '] })).json()) as { rows: unknown[][] };
    expect(text42.rows).toEqual([[42]]);
  });

  it('reports bad params with SQLSTATEs', async () => {
    const bad = await post(s.base, { sql: 'echo int4', params: ['abc'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('22P02');
    const count = await post(s.base, { sql: 'echo int4, int4', params: [1] });
    expect(count.status).toBe(400);
    expect(await count.json()).toEqual({
      error: { code: '08P01', message: 'request supplies 1 parameters, but the statement requires 2' },
    });
    const nested = await post(s.base, { sql: 'echo int4', params: [[1]] });
    expect(nested.status).toBe(400);
    expect(((await nested.json()) as { error: { code: string } }).error.code).toBe('08P01');
  });

  it('maps engine errors to status, SQLSTATE and position', async () => {
    const syntax = await post(s.base, { sql: 'selec 1' });
    expect(syntax.status).toBe(400);
    expect(await syntax.json()).toEqual({ error: { code: '42601', message: 'syntax error at or near "selec"', position: 1 } });
    const missing = await post(s.base, { sql: 'missing table' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string; position: number } }).error).toMatchObject({ code: '42P01', position: 15 });
    const internal = await post(s.base, { sql: 'boom' });
    expect(internal.status).toBe(500);
    expect(((await internal.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: 'XX000',
      message: 'internal error: kaboom',
    });
    expect(s.state.open).toBe(0);
  });

  it('rejects malformed requests with 08P01 and unknown routes with 404 JSON', async () => {
    const malformed = await post(s.base, '{"sql": ');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('08P01');
    for (const body of [{}, { sql: 1 }, { sql: 'select one', extra: true }]) {
      const res = await post(s.base, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('08P01');
    }
    const form = await fetch(`${s.base}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'sql=select+one',
    });
    expect(form.status).toBe(415);
    expect(await form.json()).toEqual({ error: { code: '08P01', message: 'unsupported content type: send application/json' } });
    const notFound = await fetch(`${s.base}/v1/nope`);
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: '08P01',
      message: 'no route GET /v1/nope',
    });
  });

  it('answers health and the catalog', async () => {
    const health = (await (await fetch(`${s.base}/v1/health`)).json()) as { status: string; node: string; uptimeMs: number };
    expect(health.status).toBe('ok');
    expect(health.node).toBe('test-node');
    expect(health.uptimeMs).toBeGreaterThanOrEqual(0);
    const tables = await (await fetch(`${s.base}/v1/tables`)).json();
    expect(tables).toEqual({
      tables: [
        {
          name: 'orders',
          columns: [
            { name: 'id', type: 'bigint', nullable: false },
            { name: 'total', type: 'numeric(12,2)', nullable: true },
          ],
          primaryKey: ['id'],
          distributionKey: ['id'],
        },
      ],
    });
  });

  it('returns an Arrow IPC stream when asked for one', async () => {
    const res = await post(s.base, { sql: 'select all types' }, { accept: 'application/vnd.apache.arrow.stream' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    expect(table.numRows).toBe(2);
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'i2:Int16',
      'i4:Int32',
      'i8:Int64',
      'f4:Float32',
      'f8:Float64',
      'n:Decimal[10e+2]',
      'nu:Utf8',
      'b:Bool',
      't:Utf8',
      'vc:Utf8',
      'd:Date32<DAY>',
      'ts:Timestamp<MICROSECOND>',
      'tz:Timestamp<MICROSECOND, UTC>',
      'iv:Utf8',
      't_2:Utf8',
    ]);
    const col = (name: string): { get(i: number): unknown } => table.getChild(name)!;
    expect(col('i2').get(0)).toBe(1);
    expect(col('i2').get(1)).toBeNull();
    expect(col('i8').get(0)).toBe(9007199254740993n);
    expect(col('f4').get(0)).toBe(Math.fround(0.1));
    expect(col('f8').get(0)).toBeNaN();
    expect(col('f8').get(1)).toBe(Infinity);
    expect(Array.from(col('n').get(0) as Uint32Array)).toEqual([(2 ** 32 - 12345) >>> 0, 2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1]);
    expect(col('nu').get(0)).toBe('0.000000000000000000000000000001');
    expect(col('b').get(0)).toBe(true);
    expect(col('b').get(1)).toBe(false);
    expect(col('t').get(0)).toBe('héllo "x"');
    expect(col('t_2').get(0)).toBe('dup');
    expect(col('d').get(0)).toBe(19724 * 86_400_000);
    expect(col('ts').get(0)).toBe(1704164645500);
    expect(col('iv').get(0)).toBe('1 day');
  });

  it('returns an Arrow stream with a schema for an empty result', async () => {
    const res = await post(s.base, { sql: 'select nothing' }, { accept: 'application/vnd.apache.arrow.stream' });
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['x:Int64']);
  });

  it('cancels the statement when the client goes away', async () => {
    const client = new AbortController();
    const pending = post(s.base, { sql: 'slow' }, {}, client.signal).catch((e: unknown) => e);
    const deadline = Date.now() + ABORT_SEEN_TIMEOUT_MS;
    while (s.state.open === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    client.abort();
    await pending;
    while (!s.state.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(s.state.aborted).toBe(true);
    while (s.state.open > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(s.state.open).toBe(0);
  });
});

describe('REST limits, auth and shutdown', () => {
  it('answers 413 with the error body above the body limit', async () => {
    const s = await start({ bodyBytesMax: SMALL_BODY_BYTES_MAX });
    try {
      const res = await post(s.base, { sql: `select '${'x'.repeat(SMALL_BODY_BYTES_MAX)}'` });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('54000');
      expect((await post(s.base, { sql: 'select one' })).status).toBe(200);
    } finally {
      await s.server.close();
    }
  });

  it('requires HTTP Basic credentials when a password is set', async () => {
    const s = await start({ password: 's3cret' });
    try {
      const none = await post(s.base, { sql: 'select one' });
      expect(none.status).toBe(401);
      // Credentials are checked before the body: a bad body from a stranger is still 401.
      expect((await post(s.base, '{"sql": ')).status).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('28P01');
      const wrong = await post(s.base, { sql: 'select one' }, { authorization: `Basic ${btoa('ann:nope')}` });
      expect(wrong.status).toBe(401);
      expect((await fetch(`${s.base}/v1/tables`)).status).toBe(401);
      const ok = await post(s.base, { sql: 'select one' }, { authorization: `Basic ${btoa('ann:s3cret')}` });
      expect(ok.status).toBe(200);
      expect(s.state.users).toEqual(['ann']);
      expect((await fetch(`${s.base}/v1/health`)).status).toBe(200);
    } finally {
      await s.server.close();
    }
  });

  it('lets an in-flight query finish on close, then refuses connections', async () => {
    const s = await start();
    const inFlight = post(s.base, { sql: 'sleep 300' });
    const deadline = Date.now() + ABORT_SEEN_TIMEOUT_MS;
    while (s.state.open === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await s.server.close({ graceMs: 5_000 });
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rows: unknown[][] }).rows).toEqual([[true]]);
    await expect(post(s.base, { sql: 'select one' })).rejects.toThrow();
  });
});
