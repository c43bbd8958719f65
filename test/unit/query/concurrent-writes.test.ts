// Concurrent read-modify-write statements from several sessions lose no update, with group
// commit batching the writes of one event-loop turn.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestEngine, run, type TestEngine } from '../../support/engine.js';

const SESSIONS = 5;
const INCREMENTS_EACH = 20;

let db: TestEngine;

beforeAll(async () => {
  db = openTestEngine({ name: 'concurrent' });
  const s = db.open();
  await run(s, 'CREATE TABLE counters (id int PRIMARY KEY, n bigint NOT NULL)');
  await run(s, 'INSERT INTO counters VALUES (1, 0), (2, 0)');
});

afterAll(() => db?.close());

it('UPDATE … SET n = n + 1 from many sessions counts every increment', async () => {
  const sessions = Array.from({ length: SESSIONS }, () => db.open());
  await Promise.all(
    sessions.map(async (s) => {
      for (let i = 0; i < INCREMENTS_EACH; i++) await run(s, 'UPDATE counters SET n = n + 1 WHERE id = 1');
    }),
  );
  const [row] = await run(sessions[0]!, 'SELECT n FROM counters WHERE id = 1');
  expect(row![0]).toBe(BigInt(SESSIONS * INCREMENTS_EACH));
});

it('INSERT … ON CONFLICT DO UPDATE from many sessions counts every increment', async () => {
  const sessions = Array.from({ length: SESSIONS }, () => db.open());
  await Promise.all(
    sessions.map(async (s) => {
      for (let i = 0; i < INCREMENTS_EACH; i++) {
        await run(s, 'INSERT INTO counters VALUES (2, 1) ON CONFLICT (id) DO UPDATE SET n = counters.n + 1');
      }
    }),
  );
  const [row] = await run(sessions[0]!, 'SELECT n FROM counters WHERE id = 2');
  expect(row![0]).toBe(BigInt(SESSIONS * INCREMENTS_EACH));
});

it('point UPDATEs (read inside the group commit) and scanning UPDATEs on one row lose nothing, and RETURNING sees each result', async () => {
  await run(db.open(), 'INSERT INTO counters VALUES (3, 0)');
  const sessions = Array.from({ length: SESSIONS }, () => db.open());
  const returned: bigint[] = [];
  await Promise.all(
    sessions.map(async (s, i) => {
      for (let k = 0; k < INCREMENTS_EACH; k++) {
        // Even sessions find the row by key, odd ones by a scan (n >= 0 is no key lookup).
        const sql = i % 2 === 0 ? 'UPDATE counters SET n = n + 1 WHERE id = 3 RETURNING n' : 'UPDATE counters SET n = n + 1 WHERE id + 0 = 3 AND n >= 0 RETURNING n';
        const [row] = await run(s, sql);
        returned.push(row![0] as bigint);
      }
    }),
  );
  const [row] = await run(sessions[0]!, 'SELECT n FROM counters WHERE id = 3');
  expect(row![0]).toBe(BigInt(SESSIONS * INCREMENTS_EACH));
  // Every increment returned a distinct value: none read a stale row.
  expect(new Set(returned).size).toBe(SESSIONS * INCREMENTS_EACH);
});
