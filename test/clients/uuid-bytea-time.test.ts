// uuid, bytea and time through real clients: node-postgres reads them with its own type parsers
// (text results and Buffer parameters; node-postgres decodes every binary result as UTF-8, so
// binary encodings are checked byte for byte in test/protocol/pg/pg-reference.test.ts), and COPY's
// text format round-trips bytea's escaped backslashes through psql exactly as PostgreSQL 15 does.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startClientTarget, type ClientTarget } from '../support/target.js';
import type { ConnInfo } from '../support/postgres.js';
import { psqlBoth, type PsqlRun } from '../support/psql.js';

const UUID = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
const TABLE = 'clients_ubt (id uuid PRIMARY KEY, b bytea, t time, t3 time(3))';

let target: ClientTarget;
let reference: ConnInfo;
let client: pg.Client;
let dir: string;


const both = (...commands: string[]): Promise<[PsqlRun, PsqlRun]> => psqlBoth(target.conn, reference, commands);

beforeAll(async () => {
  target = await startClientTarget();
  reference = inject('postgres');
  dir = await mkdtemp(path.join(tmpdir(), 'eon-ubt-'));
  client = new pg.Client({ ...target.conn, connectionTimeoutMillis: 10_000 });
  await client.connect();
  await client.query('DROP TABLE IF EXISTS clients_ubt');
  await client.query(`CREATE TABLE ${TABLE}`);
});

afterAll(async () => {
  await client?.query('DROP TABLE IF EXISTS clients_ubt').catch(() => undefined);
  await client?.end().catch(() => undefined);
  if (target !== undefined && reference !== undefined) await both('DROP TABLE IF EXISTS clients_ubt_copy');
  await rm(dir, { recursive: true, force: true });
  await target?.stop();
});

describe('node-postgres', () => {
  test('reads uuid as a string, bytea as a Buffer and time as text, with PostgreSQL OIDs', async () => {
    await client.query(`INSERT INTO clients_ubt VALUES ('${UUID.toUpperCase()}', '\\x00ff5c', '13:45:01.5', '01:02:03.4567'), ('{00000000-0000-0000-0000-000000000001}', NULL, NULL, NULL)`);
    const r = await client.query('SELECT id, b, t, t3 FROM clients_ubt ORDER BY id');
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([2950, 17, 1083, 1083]);
    expect(r.fields[3]!.dataTypeModifier).toBe(3);
    expect(r.rows).toEqual([
      { id: '00000000-0000-0000-0000-000000000001', b: null, t: null, t3: null },
      { id: UUID, b: Buffer.from([0x00, 0xff, 0x5c]), t: '13:45:01.5', t3: '01:02:03.457' },
    ]);
  });

  test('sends a Buffer parameter as bytea and compares uuid and time parameters', async () => {
    const bytes = Buffer.from([0, 1, 2, 0x80, 0xfe, 0xff, 0x5c]);
    await client.query('INSERT INTO clients_ubt (id, b, t) VALUES ($1, $2, $3)', ['11111111-2222-3333-4444-555555555555', bytes, '24:00']);
    const r = await client.query('SELECT b, length(b) AS n, t FROM clients_ubt WHERE id = $1 AND t = $2', ['11111111222233334444555555555555', '24:00:00']);
    expect(r.rows).toEqual([{ b: bytes, n: 7, t: '24:00:00' }]);
  });

  test('gen_random_uuid() as a DEFAULT gives each row its own uuid', async () => {
    await client.query('DROP TABLE IF EXISTS clients_ubt_gen');
    await client.query('CREATE TABLE clients_ubt_gen (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), n int)');
    try {
      await client.query('INSERT INTO clients_ubt_gen (n) SELECT g FROM generate_series(1, 100) g');
      const r = await client.query('SELECT count(DISTINCT id)::int AS ids FROM clients_ubt_gen');
      expect(r.rows[0]).toEqual({ ids: 100 });
    } finally {
      await client.query('DROP TABLE clients_ubt_gen');
    }
  });
});

describe('COPY text format', () => {
  test('bytea with escaped backslashes round-trips like PostgreSQL', async () => {
    // In COPY text, a backslash is doubled: \\x00ff is the bytea input \x00ff; a\\\\b is a\\b (escape format).
    const data = ['1\t\\\\x00ff5c\t10:00:00.25', '2\ta\\\\\\\\b\\\\001\t\\N', '3\t\\N\t24:00', '4\t\\\\x\t00:00', ''].join('\n');
    const file = path.join(dir, 'bytea.txt');
    await writeFile(file, data);
    const [eon, ref] = await both(
      'DROP TABLE IF EXISTS clients_ubt_copy',
      'CREATE TABLE clients_ubt_copy (id int PRIMARY KEY, b bytea, t time)',
      `\\copy clients_ubt_copy FROM '${file}'`,
      'COPY (SELECT * FROM clients_ubt_copy ORDER BY id) TO STDOUT',
      "COPY (SELECT id, b FROM clients_ubt_copy ORDER BY id) TO STDOUT (FORMAT csv)",
    );
    expect(eon.stderr).toBe('');
    expect(ref.code).toBe(0);
    expect(eon.stdout).toBe(ref.stdout);
    expect(eon.stdout).toContain('\\\\x00ff5c');
  });
});
