// The PostgreSQL server driven by real clients: node-postgres (simple and extended protocol), psql, SCRAM, cancel.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect } from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { PgServer } from '../../../protocol/pg/index.js';
import { FakeSessionFactory } from './fake-session.js';


const run = promisify(execFile);
const PSQL_TIMEOUT_MS = 10_000;

async function client(port: number, extra: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'eon', database: 'eon', ...extra });
  await c.connect();
  return c;
}

describe('PgServer with node-postgres and psql (trust)', () => {
  const sessions = new FakeSessionFactory();
  const logs: { level: string; msg: string }[] = [];
  const server = new PgServer({ host: '127.0.0.1', port: 0, sessions, log: (level, msg) => logs.push({ level, msg }) });
  let port = 0;
  let c: pg.Client;

  beforeAll(async () => {
    port = (await server.listen()).port;
    c = await client(port);
  });
  afterAll(async () => {
    await c.end();
    await server.close({ graceMs: 1000 });
  });

  it('answers a simple query and reports the session parameters', async () => {
    const r = await c.query('select 5');
    expect(r.rows).toEqual([{ '?column?': 5 }]);
    expect(r.command).toBe('SELECT');
    expect(r.rowCount).toBe(1);
    expect(r.fields[0]?.dataTypeID).toBe(23);
    expect(sessions.log.opened[0]).toEqual({ user: 'eon', database: 'eon' });
    expect(logs.some((l) => l.msg === 'pg connection ready')).toBe(true);
  });

  it('streams typed rows (int8 as text, bool) and counts them in the tag', async () => {
    const r = await c.query('series 3');
    expect(r.rowCount).toBe(3);
    expect(r.rows[2]).toEqual({ i: 3, big: '30000000000', label: 'row 3', ok: false });
    expect(r.rows[1]?.ok).toBe(true);
  });

  it('returns each statement of a script and handles the empty query', async () => {
    const r = (await c.query('select 1; insert into t values (1); select 2')) as unknown as pg.QueryResult[];
    expect(r.map((x) => x.command)).toEqual(['SELECT', 'INSERT', 'SELECT']);
    expect(r[1]?.rowCount).toBe(3);
    const empty = await c.query('');
    expect(empty.rows).toEqual([]);
  });

  it('reports errors with SQLSTATE, position and hint, and stays usable', async () => {
    const err = await c.query('bogus stuff').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '42601', position: '1', severity: 'ERROR' });
    expect((err as { hint: string }).hint).toContain('fake session');
    const internal = await c.query('fail').catch((e: unknown) => e);
    expect(internal).toMatchObject({ code: 'XX000' });
    expect((await c.query('select 7')).rows).toEqual([{ '?column?': 7 }]);
  });

  it('runs parameterized queries through the extended protocol', async () => {
    const r = await c.query('select $1', [42]);
    expect(r.rows).toEqual([{ value: 42 }]);
    const named = { name: 'pt', text: 'point $1', values: [7] };
    expect((await c.query(named)).rows).toEqual([{ id: '7', name: 'name 7' }]);
    expect((await c.query({ ...named, values: [8] })).rows).toEqual([{ id: '8', name: 'name 8' }]);
    const rows = await c.query('series $1', [1000]);
    expect(rows.rowCount).toBe(1000);
    expect(rows.rows[999]).toEqual({ i: 1000, big: '10000000000000', label: 'row 1000', ok: true });
  });

  it('rejects a wrong parameter count and bad parameter text, then recovers', async () => {
    const e1 = await c.query('select $1', [1, 2]).catch((e: unknown) => e);
    expect(e1).toMatchObject({
      code: '08P01',
      message: 'bind message supplies 2 parameters, but prepared statement "" requires 1',
    });
    const e2 = await c.query('point $1', ['abc']).catch((e: unknown) => e);
    expect(e2).toMatchObject({ code: '22P02' });
    const e3 = await c.query('no such $1', [1]).catch((e: unknown) => e);
    expect(e3).toMatchObject({ code: '42601' });
    expect((await c.query('select $1', [3])).rows).toEqual([{ value: 3 }]);
  });

  it('cancels a running query through CancelRequest', async () => {
    const other = await client(port);
    try {
      const started = Date.now();
      const pending = other.query('sleep 5000').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 100));
      const key = other as unknown as { processID: number; secretKey: number };
      const canceller = connect({ host: '127.0.0.1', port });
      canceller.on('error', () => {});
      canceller.end(serialize.cancel(key.processID, key.secretKey));
      const err = await pending;
      expect(err).toMatchObject({ code: '57014' });
      expect(Date.now() - started).toBeLessThan(3000);
      expect((await other.query('select 1')).rows).toEqual([{ '?column?': 1 }]);
    } finally {
      await other.end();
    }
  });

  it('refuses unknown databases with FATAL 3D000', async () => {
    const bad = new pg.Client({ host: '127.0.0.1', port, user: 'eon', database: 'nope' });
    const err = await bad.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '3D000', message: 'database "nope" does not exist', severity: 'FATAL' });
    const pgdb = await client(port, { database: 'postgres' });
    await pgdb.end();
  });

  it('serves psql', async () => {
    const { stdout } = await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'eon', '-d', 'eon', '-c', 'select 1'], {
      timeout: PSQL_TIMEOUT_MS,
      env: { ...process.env, PGCONNECT_TIMEOUT: '5' },
    });
    expect(stdout).toContain('?column?');
    expect(stdout).toContain('(1 row)');
    const tuples = await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'eon', '-d', 'eon', '-tA', '-c', 'series 2'], {
      timeout: PSQL_TIMEOUT_MS,
    });
    expect(tuples.stdout).toBe('1|10000000000|row 1|f\n2|20000000000|row 2|t\n');
    const failed = await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'eon', '-d', 'eon', '-v', 'ON_ERROR_STOP=1', '-c', 'bogus'], {
      timeout: PSQL_TIMEOUT_MS,
    }).catch((e: unknown) => e as { stderr: string; code: number });
    expect((failed as { stderr: string }).stderr).toContain('ERROR:  syntax error at or near "bogus"');
  });

  it('measures a prepared point query round trip', async () => {
    const q = { name: 'bench', text: 'point $1', values: [1] as unknown[] };
    const iterationsWarm = 300;
    const iterations = 3000;
    for (let i = 0; i < iterationsWarm; i++) await c.query({ ...q, values: [i] });
    const us: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = process.hrtime.bigint();
      await c.query({ ...q, values: [i] });
      us.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    us.sort((a, b) => a - b);
    const p50 = us[Math.floor(iterations * 0.5)] as number;
    const p99 = us[Math.floor(iterations * 0.99)] as number;
    console.log(`prepared point query via pg: p50 ${p50.toFixed(0)} µs, p99 ${p99.toFixed(0)} µs`);
    expect(p50).toBeLessThan(5000);
  });
});

describe('PgServer with SCRAM-SHA-256', () => {
  const server = new PgServer({ host: '127.0.0.1', port: 0, sessions: new FakeSessionFactory(), password: 's3cret pw' });
  let port = 0;
  beforeAll(async () => {
    port = (await server.listen()).port;
  });
  afterAll(async () => {
    await server.close({ graceMs: 1000 });
  });

  it('accepts the right password', async () => {
    const c = await client(port, { password: 's3cret pw' });
    expect((await c.query('select 3')).rows).toEqual([{ '?column?': 3 }]);
    await c.end();
  });

  it('refuses a wrong password with FATAL 28P01', async () => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'alice', database: 'eon', password: 'wrong' });
    const err = await c.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '28P01', message: 'password authentication failed for user "alice"' });
  });

  it('serves psql with PGPASSWORD', async () => {
    const { stdout } = await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'eon', '-d', 'eon', '-tA', '-c', 'select 9'], {
      timeout: PSQL_TIMEOUT_MS,
      env: { ...process.env, PGPASSWORD: 's3cret pw' },
    });
    expect(stdout).toBe('9\n');
  });
});
