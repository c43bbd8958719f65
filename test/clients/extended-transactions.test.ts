// Transaction blocks driven through the extended protocol (Parse/Bind/Execute/Sync), against a
// running node: an error in any message inside a block fails it (25P02 until its end, COMMIT
// answers ROLLBACK), messages after an error are skipped until Sync, whose ReadyForQuery says 'E'.
// Self-test mode (EON_DIFF_SELFTEST=1) runs the same against PostgreSQL.

import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startClientTarget } from '../support/target.js';
import type { ClientTarget } from '../support/target.js';
import { RawClient, dataRowTexts, errorFields } from '../protocol/pg/raw-client.js';

/** How long a raw exchange may take before the test fails (the machine is shared). */
const RAW_WAIT_MS = 10_000;

let target: ClientTarget;
let client: pg.Client;
const raws: RawClient[] = [];

/** A query sent as Parse/Bind/Describe/Execute/Sync (node-postgres' extended mode). */
function extended(c: pg.Client, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  return c.query({ text, values, queryMode: 'extended' } as pg.QueryConfig);
}

async function sqlstateOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return String((e as { code?: unknown }).code);
  }
  throw new Error('expected the query to fail');
}

async function ids(): Promise<number[]> {
  const r = await client.query('SELECT id FROM xtx_t ORDER BY id');
  return r.rows.map((row: { id: number }) => row.id);
}

async function raw(): Promise<RawClient> {
  const c = await RawClient.ready(target.conn.port, { user: target.conn.user, database: target.conn.database });
  raws.push(c);
  return c;
}

/** Parse + Bind + Execute of one statement on the unnamed statement and portal, no Sync. */
function statement(text: string): Buffer[] {
  return [serialize.parse({ text }), serialize.bind({}), serialize.execute({})];
}

/** The status byte of the last ReadyForQuery received. */
function lastStatus(c: RawClient): string {
  const z = c.messages.filter((m) => m.type === 'Z').at(-1);
  if (z === undefined) throw new Error(`no ReadyForQuery in '${c.types()}'`);
  return String.fromCharCode(z.body[0] as number);
}

/** Sends the frames and a Sync; resolves with the messages up to that Sync's ReadyForQuery. */
async function exchange(c: RawClient, frames: Buffer[]): Promise<string> {
  c.messages.length = 0;
  c.send(Buffer.concat([...frames, serialize.sync()]));
  await c.waitFor('Z', RAW_WAIT_MS);
  return c.types();
}

beforeAll(async () => {
  target = await startClientTarget();
  client = new pg.Client({ ...target.conn, connectionTimeoutMillis: 10_000 });
  await client.connect();
  await client.query('DROP TABLE IF EXISTS xtx_t');
  await client.query('CREATE TABLE xtx_t (id int PRIMARY KEY)');
});

afterAll(async () => {
  for (const c of raws) c.close();
  await client?.query('DROP TABLE IF EXISTS xtx_t').catch(() => undefined);
  await client?.end().catch(() => undefined);
  await target?.stop();
});

describe('an error in the extended protocol fails the transaction block', () => {
  test('at Execute: later statements get 25P02, COMMIT answers ROLLBACK and keeps nothing', async () => {
    await extended(client, 'BEGIN');
    await extended(client, 'INSERT INTO xtx_t VALUES ($1)', [1]);
    expect(await sqlstateOf(extended(client, 'SELECT 1 / $1::int AS q', [0]))).toBe('22012');
    expect(await sqlstateOf(extended(client, 'INSERT INTO xtx_t VALUES ($1)', [2]))).toBe('25P02');
    expect(await sqlstateOf(client.query('SELECT 1'))).toBe('25P02');
    expect((await extended(client, 'COMMIT')).command).toBe('ROLLBACK');
    expect(await ids()).toEqual([]);
  });

  test('at Parse (unknown table, constant division by zero) and at Bind (a bad parameter)', async () => {
    for (const failing of [
      () => extended(client, 'SELECT id FROM xtx_missing WHERE id = $1', [1]),
      () => extended(client, 'SELECT 1 / 0 AS q'),
      () => extended(client, 'SELECT $1::int AS n', ['not a number']),
    ]) {
      await client.query('BEGIN');
      await extended(client, 'INSERT INTO xtx_t VALUES ($1)', [3]);
      expect(['42P01', '22012', '22P02']).toContain(await sqlstateOf(failing()));
      expect(await sqlstateOf(extended(client, 'SELECT id FROM xtx_t WHERE id = $1', [3]))).toBe('25P02');
      expect((await client.query('COMMIT')).command).toBe('ROLLBACK');
      expect(await ids()).toEqual([]);
    }
  });

  test('ROLLBACK TO SAVEPOINT through Parse/Bind/Execute makes a failed block usable again', async () => {
    await extended(client, 'BEGIN');
    await extended(client, 'INSERT INTO xtx_t VALUES ($1)', [4]);
    await extended(client, 'SAVEPOINT s');
    expect(await sqlstateOf(extended(client, 'SELECT 1 / $1::int AS q', [0]))).toBe('22012');
    await extended(client, 'ROLLBACK TO SAVEPOINT s');
    await extended(client, 'INSERT INTO xtx_t VALUES ($1)', [5]);
    expect((await extended(client, 'COMMIT')).command).toBe('COMMIT');
    expect(await ids()).toEqual([4, 5]);
    await client.query('DELETE FROM xtx_t');
  });
});

describe('after an error, messages are skipped until Sync', () => {
  test("inside a block: one ErrorResponse, nothing after it runs, and ReadyForQuery says 'E' until ROLLBACK", async () => {
    const c = await raw();
    await exchange(c, statement('BEGIN'));
    expect(lastStatus(c)).toBe('T');
    const types = await exchange(c, [...statement('SELECT 1 / 0'), ...statement('INSERT INTO xtx_t VALUES (6)'), serialize.parse({ text: 'SELECT 1' })]);
    expect(types.match(/E/g)).toHaveLength(1);
    expect(types).not.toMatch(/C/); // no statement completed: the INSERT never ran
    expect(errorFields(c.messages.find((m) => m.type === 'E')!)['C']).toBe('22012');
    expect(lastStatus(c)).toBe('E');
    // In the failed block even Parse of another statement is refused; its end is accepted.
    await exchange(c, statement('SELECT 1'));
    expect(errorFields(c.messages.find((m) => m.type === 'E')!)['C']).toBe('25P02');
    expect(lastStatus(c)).toBe('E');
    await exchange(c, statement('ROLLBACK'));
    expect(lastStatus(c)).toBe('I');
    await exchange(c, [serialize.parse({ text: 'SELECT count(*)::int AS n FROM xtx_t WHERE id = 6' }), serialize.bind({}), serialize.describe({ type: 'P' }), serialize.execute({})]);
    expect(dataRowTexts(c.messages.find((m) => m.type === 'D')!)).toEqual(['0']);
  });

  test("outside a block: the statements after the error do not run and ReadyForQuery says 'I'", async () => {
    const c = await raw();
    const types = await exchange(c, [...statement('SELECT 1 / 0'), ...statement('INSERT INTO xtx_t VALUES (7)')]);
    expect(types.match(/E/g)).toHaveLength(1);
    expect(lastStatus(c)).toBe('I');
    expect(await ids()).toEqual([]);
  });
});
