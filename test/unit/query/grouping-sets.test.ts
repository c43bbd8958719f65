// Grouping sets, array_agg and the ordered-set aggregates in-process: the accumulators' edge
// cases, a grouping-sets query over a table large enough for the data engines (each set's
// aggregate a fragment, the results equal to the coordinator's), and the plan cache keeping
// positions inside ROLLUP (…) positions. SQL results are checked against PostgreSQL in
// test/sql/grouping.sql.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAGMENT_ROWS_MIN } from '../../../query/distribute/partition-fragments.js';
import { ArrayAggAccumulator, OrderedSetAccumulator, formatG } from '../../../query/execute/ordered-aggregates.js';
import { Interval, T, formatText } from '../../../src/types/index.js';
import { EonError } from '../../../src/errors/index.js';
import { openTestEngine, textRows, type TestEngine } from '../../support/engine.js';

const ROWS = FRAGMENT_ROWS_MIN + 2_000;

describe('ordered-set and array_agg accumulators', () => {
  const fed = (name: 'percentile_cont' | 'percentile_disc' | 'mode', values: (number | null)[], fraction: number | null) => {
    const acc = new OrderedSetAccumulator(name, T.float8);
    for (const v of values) acc.add(v);
    return acc.result(fraction);
  };

  it('interpolates percentile_cont and picks percentile_disc as PostgreSQL', () => {
    expect(fed('percentile_cont', [1, 2, 4, 8], 0.5)).toBe(3);
    expect(fed('percentile_cont', [1, 2, 4, 8], 0.4)).toBeCloseTo(2.4, 12);
    expect(fed('percentile_cont', [1, null, 5], 1)).toBe(5);
    expect(fed('percentile_disc', [1, 2, 4, 8], 0)).toBe(1);
    expect(fed('percentile_disc', [1, 2, 4, 8], 0.5)).toBe(2);
    expect(fed('percentile_disc', [1, 2, 4, 8], 0.51)).toBe(4);
    expect(fed('percentile_cont', [], 0.5)).toBeNull();
    expect(fed('percentile_cont', [1], null)).toBeNull();
  });

  it('checks the fraction even without rows (22003)', () => {
    for (const f of [1.5, -0.1, Number.NaN]) {
      expect(() => fed('percentile_cont', [], f)).toThrowError(EonError);
    }
    expect(() => fed('percentile_disc', [1], 2)).toThrowError('percentile value 2 is not between 0 and 1');
  });

  it('takes the first of equally frequent values for mode()', () => {
    expect(fed('mode', [1, 1, 2, 2, 3], null)).toBe(1);
    expect(fed('mode', [1, 2, 2, 3, 3, 3], null)).toBe(3);
    expect(fed('mode', [null, null], null)).toBeNull();
  });

  it('interpolates intervals as interval_lerp', () => {
    const acc = new OrderedSetAccumulator('percentile_cont', T.interval);
    acc.add(new Interval(0, 1, 0));
    acc.add(new Interval(0, 2, 0));
    expect(formatText(T.interval, acc.result(0.5))).toBe('1 day 12:00:00');
  });

  it('formats the fraction as printf %g', () => {
    expect(formatG(1.5)).toBe('1.5');
    expect(formatG(2)).toBe('2');
    expect(formatG(1.23456789)).toBe('1.23457');
    expect(formatG(1e-7)).toBe('1e-07');
    expect(formatG(-1234567)).toBe('-1.23457e+06');
    expect(formatG(Number.NaN)).toBe('NaN');
  });

  it('keeps NULL elements and quotes as array_out', () => {
    const acc = new ArrayAggAccumulator(T.text, false, false);
    for (const v of ['a', null, 'b c', 'NULL', '', 'q"\\']) acc.add(v);
    expect(acc.result()).toBe('{a,NULL,"b c","NULL","","q\\"\\\\"}');
    expect(new ArrayAggAccumulator(T.int4, false, false).result()).toBeNull();
  });

  it('sorts DISTINCT elements, NULL last', () => {
    const acc = new ArrayAggAccumulator(T.int4, true, true);
    for (const v of [3, null, 1, 3, null, 2]) acc.add(v);
    expect(acc.result()).toBe('{1,2,3,NULL}');
  });
});

describe('grouping sets in the engine', () => {
  let db: TestEngine;
  const rows = (sql: string): Promise<string[][]> => textRows(db.session, sql);

  beforeAll(async () => {
    db = openTestEngine({ name: 'grouping', threads: 2 });
    await rows('CREATE TABLE big (id int PRIMARY KEY, k text, f int, v double precision)');
    await rows('CREATE TABLE small (id int PRIMARY KEY, k text, f int, v double precision)');
    for (let start = 0; start < ROWS; start += 2000) {
      const values: string[] = [];
      for (let i = start; i < start + 2000; i++) values.push(`(${i}, ${i % 7 === 0 ? 'NULL' : `'k${i % 5}'`}, ${i % 3 === 0 ? 'NULL' : i % 2}, ${(i % 97) / 4})`);
      await rows(`INSERT INTO big VALUES ${values.join(',')}`);
    }
    await rows('INSERT INTO small SELECT * FROM big');
    await rows('CHECKPOINT');
  });

  afterAll(() => db?.close());

  const query = (table: string) =>
    `SELECT k, f, count(*) AS n, sum(v) AS s, min(v) AS lo, grouping(k, f) AS g FROM ${table} GROUP BY ROLLUP (k, f) ORDER BY g, k NULLS FIRST, f NULLS FIRST`;

  it("runs each set's aggregate of a large table as a data-engine fragment", async () => {
    const plan = (await rows(`EXPLAIN ${query('big')}`)).map((r) => r[0]).join('\n');
    expect(plan.match(/Partial Aggregate\s+\[fragment/g)?.length).toBe(3);
    expect(plan).toMatch(/Union All/);
  });

  it('gives the same rows through the data engines as on the coordinator', async () => {
    // A table written in the open transaction block is scanned on the coordinator.
    const distributed = await rows(query('big'));
    await rows('BEGIN');
    await rows('INSERT INTO big VALUES (-1, NULL, NULL, 0)');
    await rows('DELETE FROM big WHERE id = -1');
    const local = await rows(query('big'));
    await rows('ROLLBACK');
    expect(distributed.length).toBe(1 + 6 + 6 * 3);
    expect(local).toEqual(distributed);
    expect(distributed[distributed.length - 1]).toEqual(['NULL', 'NULL', String(ROWS), expect.any(String), '0', '3']);
  });

  it('keeps aggregates it cannot run in a kernel on the coordinator', async () => {
    const plan = (await rows('EXPLAIN SELECT k, array_agg(f), percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM big GROUP BY k')).map((r) => r[0]).join('\n');
    expect(plan).not.toMatch(/Partial Aggregate/);
    const out = await rows("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v) AS m, array_agg(DISTINCT f)::text AS fs FROM big WHERE k = 'k1'");
    const vs: number[] = [];
    for (let i = 0; i < ROWS; i++) if (i % 7 !== 0 && i % 5 === 1) vs.push((i % 97) / 4);
    vs.sort((a, b) => a - b);
    expect(out).toEqual([[formatText(T.float8, vs[Math.ceil(0.5 * vs.length) - 1]!), '{0,1,NULL}']]);
  });

  it('answers repeated runs (plan cache) with positions in ROLLUP (…)', async () => {
    for (let i = 0; i < 8; i++) {
      const out = await rows(`SELECT k, count(*) AS n FROM small WHERE id >= ${i} GROUP BY ROLLUP (1) ORDER BY grouping(k), k NULLS LAST`);
      expect(out.length).toBe(7);
      expect(out[6]).toEqual(['NULL', String(ROWS - i)]);
    }
  });

  it('refuses the array-of-fractions form', async () => {
    await expect(rows('SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY v) FROM small')).rejects.toMatchObject({ code: 'feature_not_supported' });
  });
});
