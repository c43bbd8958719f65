// Prepared statements are planned once per text and parameter types, shared by sessions, and
// planned again after any catalog change; statements that differ only in constants share a
// generic plan when planning is what a repeat costs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanCache } from '../../../query/index.js';
import { parseOne } from '../../../query/parse/parser.js';
import { statementShape } from '../../../query/parse/statement-shape.js';
import { GENERIC_PLAN_CUSTOM_RUNS, GENERIC_PLAN_TRIAL_RUNS, GENERIC_PLAN_TRIAL_RUN_MS_MAX, type ShapeEntry } from '../../../query/session/plan-cache.js';
import { openTestEngine, run, type TestEngine } from '../../support/engine.js';

describe('prepared statement plan cache', () => {
  let db: TestEngine;

  const script = (sql: string): Promise<unknown> => run(db.open(), sql);

  beforeAll(() => {
    db = openTestEngine({ name: 'plan-cache' });
  });

  afterAll(() => db?.close());

  it('reuses a plan across sessions and re-plans after the table changes shape', async () => {
    await script("CREATE TABLE pc (id int PRIMARY KEY, x text); INSERT INTO pc VALUES (1, 'one'), (2, 'two')");
    const sql = 'SELECT * FROM pc WHERE id = $1';
    const first = await db.open().prepare(sql);
    expect((await first.execute([2])).rows).toEqual([[2, 'two']]);
    const again = await db.open().prepare(sql);
    expect(again.columns?.map((c) => c.name)).toEqual(['id', 'x']);
    expect((await again.execute([1])).rows).toEqual([[1, 'one']]);
    await script("DROP TABLE pc; CREATE TABLE pc (id int PRIMARY KEY, x text, y int); INSERT INTO pc VALUES (1, 'uno', 7)");
    const after = await db.open().prepare(sql);
    expect(after.columns?.map((c) => c.name)).toEqual(['id', 'x', 'y']);
    expect((await after.execute([1])).rows).toEqual([[1, 'uno', 7]]);
    // A statement prepared before the change plans again when it next runs.
    expect((await first.execute([1])).rows).toEqual([[1, 'uno', 7]]);
  });
});

describe('generic plans of statement shapes', () => {
  let db: TestEngine;
  // Every shape whose generic plan matches goes generic, whatever this machine's timings: the
  // tests check the generic plans' answers; the timing rule is checked on its own below.
  const cache = new PlanCache({ alwaysGeneric: true });

  const rows = (sql: string): Promise<unknown[][]> => run(db.open(), sql);
  const shapeOf = (sql: string) => {
    const st = parseOne(sql);
    if (st?.kind !== 'query') throw new Error('expected a query');
    return cache.knownShape(statementShape(st.ast)!.key);
  };

  beforeAll(async () => {
    db = openTestEngine({ name: 'shape-cache', planCache: cache });
    await rows("CREATE TABLE acct (id int PRIMARY KEY, name text, balance numeric(12,2), opened date); INSERT INTO acct VALUES (1, 'ann', 10.50, '2020-01-01'), (2, 'bob', -3, '2021-06-30'), (3, NULL, 0, NULL)");
  });

  afterAll(() => db?.close());

  it('answers every constant of a point lookup right once the shape has a generic plan', async () => {
    for (let round = 0; round < GENERIC_PLAN_CUSTOM_RUNS + 2; round++) {
      for (const [id, want] of [[1, [['ann', '10.50']]], [2, [['bob', '-3.00']]], [4, []]] as const) {
        const got = (await rows(`SELECT name, balance FROM acct WHERE id = ${id}`)).map((r) => r.map(String));
        expect(got).toEqual(want);
      }
    }
    expect(shapeOf('SELECT name, balance FROM acct WHERE id = 99')?.generic).not.toBeNull();
  });

  it('types string constants by their use, as the literal would be', async () => {
    for (let round = 0; round < GENERIC_PLAN_CUSTOM_RUNS + 2; round++) {
      // New constants each round: the exact-text cache would answer a repeat before any shape does.
      expect(await rows(`SELECT id FROM acct WHERE opened < '2021-01-0${round + 1}'`)).toEqual([[1]]);
      expect(await rows(`SELECT id FROM acct WHERE name = 'bob' AND opened >= '2021-06-${30 - round}'`)).toEqual([[2]]);
      expect(await rows(`SELECT 'x${round}' || name FROM acct WHERE id = 1`)).toEqual([[`x${round}ann`]]);
    }
    // The strings' parameters took the types of the columns they meet.
    expect(shapeOf("SELECT id FROM acct WHERE name = 'x' AND opened >= '2000-01-01'")?.generic?.paramTypes.map((t) => t.kind)).toEqual(['text', 'date']);
    await expect(rows("SELECT id FROM acct WHERE opened < 'not a date'")).rejects.toMatchObject({ sqlstate: '22007' });
  });

  it('plans again after the catalog changes', async () => {
    for (let round = 0; round < GENERIC_PLAN_CUSTOM_RUNS + 1; round++) await rows(`SELECT count(*) FROM acct WHERE id > ${round}`);
    expect(shapeOf('SELECT count(*) FROM acct WHERE id > 1')).toBeDefined();
    await rows('DROP TABLE acct; CREATE TABLE acct (id int PRIMARY KEY, name text)');
    expect(shapeOf('SELECT count(*) FROM acct WHERE id > 1')).toBeUndefined();
    expect(await rows('SELECT count(*) FROM acct WHERE id > 0')).toEqual([[0n]]);
  });
});

describe('choosing a generic plan', () => {
  const entry = (): ShapeEntry => ({ customRuns: 0, customMs: 0, genericRuns: 0, genericMs: 0, generic: null, customOnly: false });
  const somePlan = { paramTypes: [], columns: null, changesCatalog: false, run: () => Promise.reject(new Error('not run')) };

  it('tries the generic plan after the custom runs, and keeps it when it runs no slower than they did', () => {
    const cache = new PlanCache();
    const e = entry();
    for (let i = 1; i < GENERIC_PLAN_CUSTOM_RUNS; i++) expect(cache.noteCustomRun(e, 0.1)).toBe(false);
    expect(cache.noteCustomRun(e, 0.1)).toBe(true);
    e.generic = somePlan;
    for (let i = 0; i < GENERIC_PLAN_TRIAL_RUNS; i++) cache.noteGenericRun(e, 0.02);
    expect(e.generic).toBe(somePlan);
    expect(e.customOnly).toBe(false);
  });

  it('drops a generic plan that runs slower than the custom plans with their planning', () => {
    const cache = new PlanCache();
    const e = entry();
    for (let i = 0; i < GENERIC_PLAN_CUSTOM_RUNS; i++) cache.noteCustomRun(e, 2);
    e.generic = somePlan;
    for (let i = 0; i < GENERIC_PLAN_TRIAL_RUNS; i++) cache.noteGenericRun(e, 9); // lost its date bounds, say
    expect(e.generic).toBeNull();
    expect(e.customOnly).toBe(true);
  });

  it('does not try a generic plan for long runs (an analytical query)', () => {
    const cache = new PlanCache();
    const e = entry();
    let tried = false;
    for (let i = 0; i < GENERIC_PLAN_CUSTOM_RUNS; i++) tried = cache.noteCustomRun(e, GENERIC_PLAN_TRIAL_RUN_MS_MAX * 5);
    expect(tried).toBe(false);
    expect(e.customOnly).toBe(true);
  });
});
