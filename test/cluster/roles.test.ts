// Roles across real eon processes: a role and its grants made on one node reach every node with
// the cluster catalog (decided by consensus), so the role logs in on another node with the same
// secret and the same privileges.

import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TestCluster, sql } from '../support/cluster.js';
import type { RunningEon } from '../support/eon.js';

const TEST_TIMEOUT_MS = 120_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

async function asRole(node: RunningEon, user: string, text: string): Promise<unknown> {
  const c = new pg.Client({ host: '127.0.0.1', port: node.pgPort, user, database: 'eon' });
  await c.connect();
  try {
    return (await c.query({ text, rowMode: 'array' })).rows;
  } finally {
    await c.end();
  }
}

describe('roles in a cluster', () => {
  it('a role created on one node logs in on another, with the grants made on the first', async () => {
    const [n0, n1] = await cluster.startJoined(2);
    expect((await sql(n0, "CREATE TABLE rk (id int PRIMARY KEY); INSERT INTO rk VALUES (1); CREATE USER rk_alice PASSWORD 'pw'")).status).toBe(200);
    const secret = "SELECT rolpassword FROM pg_authid WHERE rolname = 'rk_alice'";
    const [s0, s1] = [(await sql(n0, secret)).rows, (await sql(n1, secret)).rows];
    expect(String(s0?.[0]?.[0])).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(s1).toEqual(s0);

    expect(await asRole(n1, 'rk_alice', 'SELECT current_user')).toEqual([['rk_alice']]);
    await expect(asRole(n1, 'rk_alice', 'SELECT id FROM rk')).rejects.toMatchObject({ code: '42501', message: 'permission denied for table rk' });
    expect((await sql(n0, 'GRANT SELECT ON rk TO rk_alice')).status).toBe(200);
    expect(await asRole(n1, 'rk_alice', 'SELECT id FROM rk')).toEqual([[1]]);

    expect((await sql(n1, 'DROP ROLE rk_alice')).error?.code).toBe('2BP01');
    expect((await sql(n1, 'REVOKE ALL ON rk FROM rk_alice')).status).toBe(200);
    expect((await sql(n1, 'DROP ROLE rk_alice')).status).toBe(200);
    await expect(asRole(n0, 'rk_alice', 'SELECT 1')).rejects.toMatchObject({ code: '28000', message: 'role "rk_alice" does not exist' });
  }, TEST_TIMEOUT_MS);
});
