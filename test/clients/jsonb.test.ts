// jsonb and json through real clients: node-postgres parses OID 3802/114 results and sends JSON
// text parameters, COPY's text format round-trips jsonb through psql exactly as PostgreSQL 15
// does, and the REST API returns jsonb values as JSON rather than as strings.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startClientTarget, type ClientTarget } from '../support/target.js';
import type { ConnInfo } from '../support/postgres.js';
import { psqlBoth, psqlScript, type PsqlRun } from '../support/psql.js';


let target: ClientTarget;
let reference: ConnInfo;
let client: pg.Client;
let dir: string;

const psql = (conn: ConnInfo, args: string[]): Promise<PsqlRun> => psqlScript(conn, args);

const both = (...commands: string[]): Promise<[PsqlRun, PsqlRun]> => psqlBoth(target.conn, reference, commands);

beforeAll(async () => {
  target = await startClientTarget();
  reference = inject('postgres');
  dir = await mkdtemp(path.join(tmpdir(), 'eon-jsonb-'));
  client = new pg.Client({ ...target.conn, connectionTimeoutMillis: 10_000 });
  await client.connect();
  await client.query('DROP TABLE IF EXISTS clients_jsonb');
  await client.query('CREATE TABLE clients_jsonb (id int PRIMARY KEY, j jsonb, t json)');
});

afterAll(async () => {
  await client?.query('DROP TABLE IF EXISTS clients_jsonb').catch(() => undefined);
  await client?.end().catch(() => undefined);
  if (target !== undefined && reference !== undefined) await both('DROP TABLE IF EXISTS clients_jsonb_copy');
  await rm(dir, { recursive: true, force: true });
  await target?.stop();
});

describe('node-postgres', () => {
  test('reads jsonb and json with their OIDs and takes JSON text parameters', async () => {
    const doc = { b: [1, 'x', null, { c: true }], a: 'é😀', n: 1.5 };
    await client.query('INSERT INTO clients_jsonb VALUES ($1, $2, $3)', [1, JSON.stringify(doc), '{"z" : 1,  "z": 2}']);
    const r = await client.query('SELECT j, t, j -> $2 AS b, j ->> $3 AS a FROM clients_jsonb WHERE id = $1 AND j @> $4', [1, 'b', 'a', '{"n": 1.50}']);
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([3802, 114, 3802, 25]);
    expect(r.rows).toEqual([{ j: doc, t: { z: 2 }, b: doc.b, a: 'é😀' }]);
    const text = await client.query({ text: 'SELECT j::text AS s, t::text AS raw FROM clients_jsonb WHERE id = 1' });
    expect(text.rows).toEqual([{ s: '{"a": "é😀", "b": [1, "x", null, {"c": true}], "n": 1.5}', raw: '{"z" : 1,  "z": 2}' }]);
  });

  test('refuses bad JSON with 22P02 and PostgreSQL\'s detail', async () => {
    const err = await client.query("SELECT '{\"a\": }'::jsonb").then(
      () => null,
      (e: unknown) => e as { code?: string; detail?: string; message?: string },
    );
    expect([err?.code, err?.message, err?.detail]).toEqual(['22P02', 'invalid input syntax for type json', 'Expected JSON value, but found "}".']);
  });
});

describe('COPY text format', () => {
  test('jsonb and json round-trip like PostgreSQL (escapes, unicode, NULL, big numbers)', async () => {
    // In COPY text a backslash is doubled, so \\" is the JSON escape \" and \\u00e9 is \u00e9.
    const data = [
      '1\t{"b": [1, 2.50], "a": "x\\\\"y"}\t{"b": [1, 2.50],  "a": 1}',
      '2\t"\\\\u00e9 \\\\t ü"\t"\\\\u00e9"',
      '3\t\\N\t\\N',
      '4\t[123456789012345678901234567890.10, -0, 1e2, true, null]\t[1e2]',
      '5\t{"a": 1, "a": {"c": [], "b": {}}}\t{}',
      '',
    ].join('\n');
    const file = path.join(dir, 'jsonb.txt');
    await writeFile(file, data);
    const args = [
      'CREATE TABLE clients_jsonb_copy (id int PRIMARY KEY, j jsonb, t json)',
      `\\copy clients_jsonb_copy FROM '${file}'`,
      'COPY (SELECT * FROM clients_jsonb_copy ORDER BY id) TO STDOUT',
      'COPY (SELECT id, j FROM clients_jsonb_copy ORDER BY id) TO STDOUT (FORMAT csv)',
      'DROP TABLE clients_jsonb_copy',
    ].flatMap((c) => ['-c', c]);
    // One after the other: in self-test mode both are the same PostgreSQL database.
    const ref = await psql(reference, args);
    const eon = await psql(target.conn, args);
    expect(eon.stderr).toBe('');
    expect(ref.code).toBe(0);
    expect(eon.stdout).toBe(ref.stdout);
    expect(eon.stdout).toContain('{"a": "x\\\\"y", "b": [1, 2.50]}');
  });
});

describe('REST', () => {
  test('returns jsonb and json values as JSON, not as strings', async () => {
    if (target.node === null) return expect(target.kind).toBe('postgres');
    const res = await fetch(`http://127.0.0.1:${target.node.httpPort}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: `SELECT '{"b": [1, 2.5], "a": null}'::jsonb AS j, '[1, "x"]'::json AS t, NULL::jsonb AS n` }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows?: unknown[] };
    expect(JSON.stringify(body)).toContain('[{"a":null,"b":[1,2.5]},[1,"x"],null]');
  });
});
