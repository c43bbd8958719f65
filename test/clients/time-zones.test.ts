// Time zones through real clients: SET TIME ZONE reports TimeZone with ParameterStatus (psql and
// drivers read it), sessions in different zones interleave without seeing each other's zone, a
// prepared statement follows SET TIME ZONE, parameters are read in the session's zone, and the
// REST API, whose requests carry no zone, answers in UTC.

import { execFile } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startEon, type RunningEon } from '../support/eon.js';

/** psql gives up connecting after this long. */
const psqlTimeoutMs = 20_000;

/** psql with PGTZ set: libpq sends it as the startup parameter `timezone`. */
function psqlInZone(zone: string, command: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'psql',
      ['-X', '-A', '-t', '-h', '127.0.0.1', '-p', String(node.pgPort), '-U', 'eon', '-d', 'eon', '-c', command],
      { timeout: psqlTimeoutMs, env: { ...process.env, PGTZ: zone, PGCONNECT_TIMEOUT: '10', PAGER: '' } },
      (_error, stdout, stderr) => resolve({ stdout, stderr }),
    );
  });
}

/** Statements each of two concurrent sessions runs while the other runs its own. */
const interleavedRuns = 40;

let node: RunningEon;
const clients: pg.Client[] = [];

/** Values as the server's text, without node-postgres parsing them into Dates. */
const rawText = { getTypeParser: () => (v: string) => v };

async function connect(): Promise<pg.Client> {
  const c = new pg.Client(node.conn());
  await c.connect();
  clients.push(c);
  return c;
}

async function one(c: pg.Client, sql: string, values: unknown[] = []): Promise<unknown> {
  const r = await c.query({ text: sql, values, rowMode: 'array', types: rawText });
  return (r.rows[0] as unknown[])[0];
}

/** The ParameterStatus messages a client receives from now on. */
function parameterStatuses(c: pg.Client): Array<[string, string]> {
  const seen: Array<[string, string]> = [];
  const conn = (c as unknown as { connection: { on(ev: string, f: (m: { parameterName: string; parameterValue: string }) => void): void } }).connection;
  conn.on('parameterStatus', (m) => seen.push([m.parameterName, m.parameterValue]));
  return seen;
}

beforeAll(async () => {
  node = await startEon();
});

afterAll(async () => {
  for (const c of clients) await c.end();
  await node?.stop();
});

test('SET TIME ZONE sends ParameterStatus TimeZone; a failed or unchanged SET sends none', async () => {
  const c = await connect();
  const seen = parameterStatuses(c);
  await c.query("SET TIME ZONE 'Europe/Paris'");
  expect(seen).toEqual([['TimeZone', 'Europe/Paris']]);
  expect(await one(c, 'SHOW timezone')).toBe('Europe/Paris');
  expect(await one(c, "SELECT timestamptz '2026-07-01 12:00+00'")).toBe('2026-07-01 14:00:00+02');
  await expect(c.query("SET TIME ZONE 'Mars/Olympus_Mons'")).rejects.toMatchObject({ code: '22023', message: 'invalid value for parameter "TimeZone": "Mars/Olympus_Mons"' });
  await c.query("SET timezone = 'Europe/Paris'");
  expect(seen).toEqual([['TimeZone', 'Europe/Paris']]);
  await c.query('SET TIME ZONE INTERVAL \'+05:30\' HOUR TO MINUTE');
  await c.query('RESET timezone');
  expect(seen).toEqual([
    ['TimeZone', 'Europe/Paris'],
    ['TimeZone', '<+05:30>-05:30'],
    ['TimeZone', 'UTC'],
  ]);
});

test('sessions in different zones interleave, each in its own zone', async () => {
  const paris = await connect();
  const kolkata = await connect();
  await paris.query("SET TIME ZONE 'Europe/Paris'");
  await kolkata.query("SET TIME ZONE 'Asia/Kolkata'");
  const sql = "SELECT '2026-07-01 12:00'::timestamptz::text || ' ' || (timestamptz '2026-07-01 00:00+00')::date::text || ' ' || now()::text";
  // Each client runs its statements one after another; the server interleaves the two sessions.
  const loop = async (c: pg.Client): Promise<unknown[]> => {
    const out: unknown[] = [];
    for (let i = 0; i < interleavedRuns; i++) out.push(await one(c, sql));
    return out;
  };
  const [inParis, inKolkata] = await Promise.all([loop(paris), loop(kolkata)]);
  for (const v of inParis!) expect(v).toMatch(/^2026-07-01 12:00:00\+02 2026-07-01 \S+ \S+\+0[12]$/);
  for (const v of inKolkata!) expect(v).toMatch(/^2026-07-01 12:00:00\+05:30 2026-07-01 \S+ \S+\+05:30$/);
});

test('a prepared statement follows SET TIME ZONE; parameters are read in the session zone', async () => {
  const c = await connect();
  await c.query("SET TIME ZONE 'America/New_York'");
  const prepared = { name: 'tz_wall', text: "SELECT '2026-01-15 09:00'::timestamptz AS t", rowMode: 'array' as const, types: rawText };
  expect((await c.query(prepared)).rows).toEqual([['2026-01-15 09:00:00-05']]);
  await c.query("SET TIME ZONE 'Asia/Tokyo'");
  expect((await c.query(prepared)).rows).toEqual([['2026-01-15 09:00:00+09']]);
  expect(await one(c, 'SELECT $1::timestamptz', ['2026-03-29 02:30'])).toBe('2026-03-29 02:30:00+09');
  expect(await one(c, "SELECT $1::timestamptz AT TIME ZONE 'UTC'", ['2026-01-01 09:00'])).toBe('2026-01-01 00:00:00');
});

test('the REST API has no session zone: UTC, even while PostgreSQL sessions use others', async () => {
  const c = await connect();
  await c.query("SET TIME ZONE 'Australia/Sydney'");
  const rest = async (sql: string): Promise<unknown> => {
    const res = await fetch(`http://127.0.0.1:${node.httpPort}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('eon:').toString('base64')}` },
      body: JSON.stringify({ sql }),
    });
    return res.json();
  };
  const [viaRest, viaPg] = await Promise.all([rest("SELECT timestamptz '2026-07-01 12:00+00' AS t, '2026-07-01 12:00'::timestamptz AS u"), one(c, "SELECT timestamptz '2026-07-01 12:00+00'")]);
  expect(JSON.stringify(viaRest)).toContain('"2026-07-01 12:00:00+00"');
  expect(viaPg).toBe('2026-07-01 22:00:00+10');
  // A request may set a zone for its own statements.
  expect(JSON.stringify(await rest("SET TIME ZONE 'Asia/Tokyo'; SELECT timestamptz '2026-07-01 12:00+00' AS t"))).toContain('"2026-07-01 21:00:00+09"');
});

test("psql's PGTZ (the startup parameter timezone) sets the session zone; an unknown one fails the login", async () => {
  const ok = await psqlInZone('Asia/Tokyo', "SELECT current_setting('TimeZone') || ' ' || timestamptz '2026-01-01 00:00+00'");
  expect(ok.stdout.trim()).toBe('Asia/Tokyo 2026-01-01 09:00:00+09');
  const bad = await psqlInZone('Nope', 'SELECT 1');
  expect(bad.stderr).toContain('FATAL:  invalid value for parameter "TimeZone": "Nope"');
});
