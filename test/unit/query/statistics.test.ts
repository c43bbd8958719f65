// Planner statistics: the column math against hand-computed PostgreSQL figures and properties
// (fast-check), the reservoir's uniformity, collection by ANALYZE through the store (pg_stats,
// pg_class.reltuples, durability across a restart, dropped with DROP/ALTER/TRUNCATE), the
// estimator's selectivities with and without statistics, and plans re-planned after ANALYZE.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T, type ColumnType, type Value } from '../../../src/types/index.js';
import type { ColumnStatistics } from '../../../storage/index.js';
import { chooseMcvCount, computeColumnStatistics, histogramBounds, orderCorrelation, storedWidth } from '../../../query/statistics/column-statistics.js';
import { Reservoir } from '../../../query/statistics/reservoir.js';
import { ANALYZE_FULL_READ_ROWS_MAX, ANALYZE_READ_ROWS_TARGET, analyzeTable, chooseUnits } from '../../../query/statistics/analyze.js';
import { changedRows, needsAnalyze, startAutoAnalyze, tablesToAnalyze } from '../../../query/statistics/auto-analyze.js';
import {
  EQUALITY_SELECTIVITY,
  RANGE_SELECTIVITY,
  conjunctSelectivity,
  equiJoinSelectivity,
  filterSelectivity,
  histogramFractionBelow,
  type RelationStatistics,
} from '../../../query/optimize/cardinality.js';
import { joinOrder } from '../../../query/bind/join-order.js';
import type { Expr } from '../../../query/plan/expr.js';
import { PlanCache } from '../../../query/session/plan-cache.js';
import { openTestEngine, run, type TestEngine } from '../../support/engine.js';
import { createQueryEngine } from '../../../query/index.js';

const col = (index: number, type: ColumnType = T.int4): Expr => ({ kind: 'column', type, index, name: `c${index}` });
const lit = (type: ColumnType, value: Value): Expr => ({ kind: 'const', type, value });
const cmp = (op: string, left: Expr, right: Expr): Expr => ({ kind: 'binary', type: T.bool, op, left, right, fn: () => null });

/** A seeded generator, so samples are reproducible. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('column statistics (PostgreSQL compute_scalar_stats)', () => {
  it('computes a whole-table sample exactly: nulls, MCVs of the repeated values, n_distinct as a count', () => {
    // 10 rows: 1 ×4, 2 ×3, 3 ×1, NULL ×2. d = 3, f1 = 1 (only 3 once): a full sample gives d = 3 ≤ 0.1×10? no: 3 > 1 → -0.3.
    const sample: Value[] = [1, 2, null, 1, 3, 2, 1, null, 2, 1];
    const s = computeColumnStatistics('x', T.int4, sample, sample.length);
    expect(s.nullFrac).toBeCloseTo(0.2);
    expect(s.avgWidth).toBe(4);
    expect(s.nDistinct).toBeCloseTo(-0.3);
    expect(s.mcvValues).toEqual([1, 2]);
    expect(s.mcvFreqs).toEqual([0.4, 0.3]);
    // Left for the histogram: the one 3: fewer than two distinct values make none.
    expect(s.histogram).toEqual([]);
  });

  it('keeps every value as an MCV when each repeats and they are few (stadistinct > 0)', () => {
    const sample: Value[] = Array.from({ length: 1000 }, (_, i) => ['b', 'a', 'c'][i % 3]!);
    const s = computeColumnStatistics('g', T.text, sample, 1000);
    expect(s.nDistinct).toBe(3);
    // Ties by count are ordered by value.
    expect(s.mcvValues).toEqual(['b', 'a', 'c']);
    expect(s.mcvFreqs.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(s.avgWidth).toBe(2);
  });

  it('marks a unique column -1 × (1 - null_frac) with a histogram of PostgreSQL bounds and correlation 1 when stored in order', () => {
    const sample: Value[] = Array.from({ length: 500 }, (_, i) => (i % 10 === 9 ? null : i));
    const s = computeColumnStatistics('id', T.int4, sample, 500);
    expect(s.nDistinct).toBeCloseTo(-0.9);
    expect(s.mcvValues).toEqual([]);
    expect(s.histogram).toHaveLength(101);
    expect(s.histogram[0]).toBe(0);
    expect(s.histogram[100]).toBe(498);
    expect(s.correlation).toBeCloseTo(1);
  });

  it('gives an all-NULL column null_frac 1 and n_distinct 0', () => {
    const s = computeColumnStatistics('n', T.text, [null, null, null], 3);
    expect(s).toMatchObject({ nullFrac: 1, avgWidth: 0, nDistinct: 0, mcvValues: [], histogram: [] });
  });

  it('estimates n_distinct with Haas-Stokes from a partial sample', () => {
    // 1000 sampled of 100000 rows: 900 values once, 50 values twice.
    const sample: Value[] = [...Array.from({ length: 900 }, (_, i) => i), ...Array.from({ length: 100 }, (_, i) => 10_000 + (i >> 1))];
    const s = computeColumnStatistics('x', T.int4, sample, 100_000);
    // n·d / (n − f1 + f1·n/N) = 1000·950 / (100 + 900·0.01) = 8715.6 → 8716, under 10% of N: a count.
    expect(s.nDistinct).toBe(8716);
  });

  it('stores widths as PostgreSQL does', () => {
    expect(storedWidth(T.text, 'abc')).toBe(4);
    expect(storedWidth(T.text, 'x'.repeat(200))).toBe(204);
    expect(storedWidth(T.int8, 5n)).toBe(8);
  });

  it('keeps the properties of any sample (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: -20, max: 20 }), { nil: null }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 5000 }), (sample, extra) => {
        const total = sample.length + extra;
        const s = computeColumnStatistics('x', T.int4, sample, total);
        const nulls = sample.filter((v) => v === null).length;
        expect(s.nullFrac).toBeCloseTo(nulls / sample.length);
        expect(s.mcvValues.length).toBe(s.mcvFreqs.length);
        for (let i = 1; i < s.mcvFreqs.length; i++) expect(s.mcvFreqs[i]!).toBeLessThanOrEqual(s.mcvFreqs[i - 1]!);
        // nullFrac is a float4, as PostgreSQL's stanullfrac (1/3 rounds up by 1e-8): float4 precision.
        expect(s.mcvFreqs.reduce((a, b) => a + b, 0) + s.nullFrac).toBeLessThanOrEqual(1 + 1e-6);
        for (let i = 1; i < s.histogram.length; i++) expect(s.histogram[i] as number).toBeGreaterThanOrEqual(s.histogram[i - 1] as number);
        for (const v of s.histogram) expect(s.mcvValues).not.toContain(v);
        // n_distinct: a positive count at most the rows, or a fraction of the rows in [-1, 0).
        if (s.nDistinct > 0) expect(s.nDistinct).toBeLessThanOrEqual(total);
        else expect(s.nDistinct).toBeGreaterThanOrEqual(-1);
        if (s.correlation !== null) expect(Math.abs(s.correlation)).toBeLessThanOrEqual(1 + 1e-9);
      }),
    );
  });

  it('picks histogram bounds at equal steps, first and last included', () => {
    expect(histogramBounds([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toEqual([1, 4, 7, 10]);
    expect(histogramBounds([1, 2, 3, 4, 5], 5)).toEqual([1, 2, 3, 4, 5]);
    expect(orderCorrelation([3, 2, 1, 0])).toBeCloseTo(-1);
  });

  it('drops MCV candidates not significantly above the average on a partial sample', () => {
    // 30 values seen twice, one seen 300 times, in a sample of 1000 of a million rows.
    const counts = [300, ...Array.from({ length: 30 }, () => 2)];
    expect(chooseMcvCount(counts, 50_000, 0, 1000, 1_000_000)).toBe(1);
    expect(chooseMcvCount(counts, 50_000, 0, 1000, 1000)).toBe(31);
  });
});

describe('reservoir', () => {
  it('samples uniformly: every position is about equally likely to be kept', () => {
    const n = 200;
    const k = 20;
    const hits = new Array<number>(n).fill(0);
    const random = seeded(7);
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const r = new Reservoir(k, random);
      const slots = new Array<number>(k).fill(-1);
      for (let i = 0; i < n; i++) {
        const slot = r.offer();
        if (slot >= 0) slots[slot] = i;
      }
      expect(r.size).toBe(k);
      for (const i of slots) hits[i]!++;
    }
    const expected = (trials * k) / n;
    const firstHalf = hits.slice(0, n / 2).reduce((a, b) => a + b, 0);
    const secondHalf = hits.slice(n / 2).reduce((a, b) => a + b, 0);
    expect(Math.abs(firstHalf - secondHalf) / (firstHalf + secondHalf)).toBeLessThan(0.05);
    for (const h of hits) expect(h).toBeGreaterThan(expected * 0.5);
  });

  it('keeps everything below its capacity', () => {
    const r = new Reservoir(10);
    expect([1, 2, 3].map(() => r.offer())).toEqual([0, 1, 2]);
  });
});

describe('estimator', () => {
  const stats = (over: Partial<ColumnStatistics>): ColumnStatistics => ({
    name: 'c0',
    typeKind: 'int4',
    nullFrac: 0,
    avgWidth: 4,
    nDistinct: -1,
    mcvValues: [],
    mcvFreqs: [],
    histogram: [],
    correlation: null,
    ...over,
  });
  const rel = (cs: ColumnStatistics, rows = 1000): RelationStatistics => ({ rows, columns: [cs] });

  it('returns the fixed guesses without statistics', () => {
    expect(conjunctSelectivity(cmp('=', col(0), lit(T.int4, 3)))).toBe(EQUALITY_SELECTIVITY);
    expect(filterSelectivity([cmp('>', col(0), lit(T.int4, 3)), cmp('<', col(0), lit(T.int4, 9))])).toBeCloseTo(RANGE_SELECTIVITY ** 2);
    expect(conjunctSelectivity({ kind: 'is_null', type: T.bool, arg: col(0), negate: false })).toBe(0.25);
    // A column without statistics in an analyzed relation: the guesses too.
    expect(conjunctSelectivity(cmp('=', col(1), lit(T.int4, 3)), rel(stats({})))).toBe(EQUALITY_SELECTIVITY);
  });

  it('estimates equality through the MCV list, or an even share of the rest', () => {
    const cs = stats({ nDistinct: 12, mcvValues: [5, 7], mcvFreqs: [0.5, 0.2], nullFrac: 0.1 });
    expect(conjunctSelectivity(cmp('=', col(0), lit(T.int4, 5)), rel(cs))).toBeCloseTo(0.5);
    expect(conjunctSelectivity(cmp('=', lit(T.int4, 7), col(0)), rel(cs))).toBeCloseTo(0.2);
    // (1 − 0.1 − 0.7) / (12 − 2)
    expect(conjunctSelectivity(cmp('=', col(0), lit(T.int4, 99)), rel(cs))).toBeCloseTo(0.02);
    expect(conjunctSelectivity(cmp('<>', col(0), lit(T.int4, 5)), rel(cs))).toBeCloseTo(0.4);
    expect(conjunctSelectivity({ kind: 'is_null', type: T.bool, arg: col(0), negate: false }, rel(cs))).toBeCloseTo(0.1);
    expect(conjunctSelectivity({ kind: 'is_null', type: T.bool, arg: col(0), negate: true }, rel(cs))).toBeCloseTo(0.9);
    const inList: Expr = { kind: 'in_list', type: T.bool, arg: col(0), list: [lit(T.int4, 5), lit(T.int4, 99)], negate: false, eq: () => null };
    expect(conjunctSelectivity(inList, rel(cs))).toBeCloseTo(0.52);
    // A parameter: the non-null share over the distinct values.
    expect(conjunctSelectivity(cmp('=', col(0), { kind: 'param', type: T.int4, index: 1 }), rel(cs))).toBeCloseTo(0.9 / 12);
  });

  it('estimates ranges through the histogram, and two bounds on a column as one range', () => {
    const histogram = Array.from({ length: 101 }, (_, i) => i * 10);
    const cs = stats({ histogram });
    expect(histogramFractionBelow(histogram, T.int4, 250)).toBeCloseTo(0.25);
    expect(conjunctSelectivity(cmp('<', col(0), lit(T.int4, 250)), rel(cs))).toBeCloseTo(0.25);
    expect(conjunctSelectivity(cmp('>=', col(0), lit(T.int4, 900)), rel(cs))).toBeCloseTo(0.1);
    const between = [cmp('>=', col(0), lit(T.int4, 100)), cmp('<', col(0), lit(T.int4, 300))];
    expect(filterSelectivity(between, rel(cs))).toBeCloseTo(0.2);
    // Beyond the histogram: nothing (the empty-range floor for a pair that excludes everything).
    expect(conjunctSelectivity(cmp('>', col(0), lit(T.int4, 5000)), rel(cs))).toBe(0);
  });

  it('estimates LIKE from the MCVs and the histogram bounds', () => {
    const cs = stats({ typeKind: 'text', mcvValues: ['ECONOMY BRASS', 'LARGE TIN'], mcvFreqs: [0.3, 0.2], histogram: ['A BRASS', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J BRASS'] });
    const like: Expr = { kind: 'like', type: T.bool, arg: col(0, T.text), pattern: lit(T.text, '%BRASS'), caseInsensitive: false, negate: false };
    // 0.3 + 0.5 × 2/10
    expect(conjunctSelectivity(like, { rows: 100, columns: [cs] })).toBeCloseTo(0.4);
  });

  it('estimates an equi-join by the larger distinct count', () => {
    expect(equiJoinSelectivity(10, 1000)).toBe(0.001);
    // Three relations joined on non-key columns: with statistics the join keeping fewer rows goes first.
    const a = { width: 1, rows: 1000, filteredRows: 1000, key: [] as number[], distinct: () => 1000 };
    const b = { width: 1, rows: 1000, filteredRows: 1000, key: [] as number[], distinct: () => 2 };
    const c = { width: 1, rows: 1000, filteredRows: 100, key: [] as number[], distinct: () => 1000 };
    // a = b and a = c: from c (filtered), a joins on ndv 1000 (100 rows), then b.
    expect(joinOrder([a, b, c], [cmp('=', col(0), col(1)), cmp('=', col(0), col(2))])).toEqual([2, 0, 1]);
  });
});

describe('ANALYZE through the store', () => {
  let db: TestEngine;
  const dir = mkdtempSync(path.join(tmpdir(), 'eon-statistics-'));

  beforeAll(async () => {
    // The background ANALYZE is started by the tests that want it, not by the engine.
    db = openTestEngine({ dir, autoAnalyzeIntervalMs: 0 });
    await db.rows('CREATE TABLE st_a (id int PRIMARY KEY, g text, v int, n numeric(10,2))');
    const t = db.store.getTable('st_a')!;
    await db.store.write((tx) => {
      for (let i = 1; i <= 5000; i++) tx.insert(t, [i, i % 10 < 6 ? 'hot' : `g${i % 7}`, i % 4 === 0 ? null : i % 50, null]);
    });
  });

  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('collects the figures pg_stats shows, and reltuples', async () => {
    expect(await db.rows('ANALYZE st_a')).toEqual([]);
    const rows = await db.rows("SELECT attname, null_frac, n_distinct, avg_width, most_common_vals IS NOT NULL, histogram_bounds IS NOT NULL FROM pg_stats WHERE tablename = 'st_a' ORDER BY attname");
    expect(rows).toEqual([
      // 'hot' (60%) is 4 bytes stored, 'g1'…'g6' 3.
      ['g', 0, 8, 3, true, false],
      ['id', 0, -1, 4, false, true],
      ['n', 1, 0, 0, false, false],
      ['v', 0.25, 50, 4, true, false],
    ]);
    expect(await db.one("SELECT most_common_vals FROM pg_stats WHERE tablename = 'st_a' AND attname = 'g'")).toMatch(/^\{hot,g\d/);
    expect(await db.one("SELECT reltuples FROM pg_class WHERE relname = 'st_a'")).toBe(5000);
    expect(await db.one("SELECT correlation FROM pg_stats WHERE tablename = 'st_a' AND attname = 'id'")).not.toBeNull();
  });

  it('survives a restart', async () => {
    await db.close();
    db = openTestEngine({ dir, autoAnalyzeIntervalMs: 0 });
    expect(db.store.tableStatistics(db.store.getTable('st_a')!)?.rows).toBe(5000);
    expect(await db.one("SELECT count(*) FROM pg_stats WHERE tablename = 'st_a'")).toBe(4n);
  });

  it('analyzes a changed table in the background', async () => {
    await db.rows('CREATE TABLE st_auto (id int PRIMARY KEY, v int)');
    await db.rows('INSERT INTO st_auto SELECT i, i % 3 FROM generate_series(1, 200) AS s(i)');
    const t = db.store.getTable('st_auto')!;
    expect(db.store.tableStatistics(t)).toBeUndefined();
    const stop = startAutoAnalyze(db.store, 5);
    try {
      for (let i = 0; i < 200 && db.store.tableStatistics(t) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      await stop();
    }
    expect(db.store.tableStatistics(t)?.rows).toBe(200);
    expect(tablesToAnalyze(db.store).map((x) => x.name)).not.toContain('st_auto');
  });

  it('orders joins by the statistics, and a prepared statement re-plans after ANALYZE', async () => {
    await db.rows('CREATE TABLE sp_s (id int PRIMARY KEY, n int, f int)');
    await db.rows('CREATE TABLE sp_c (id int PRIMARY KEY, n int)');
    await db.rows('CREATE TABLE sp_big (id int PRIMARY KEY, sid int, v int)');
    await db.rows('INSERT INTO sp_s SELECT i, i % 5, i % 2 FROM generate_series(1, 200) AS s(i)');
    await db.rows('INSERT INTO sp_c SELECT i, i % 5 FROM generate_series(1, 3000) AS s(i)');
    await db.rows('INSERT INTO sp_big SELECT i, i % 200 + 1, i FROM generate_series(1, 6000) AS s(i)');
    // sp_s.n = sp_c.n matches 600 rows of sp_c per sp_s row (5 distinct values): the fixed guess
    // (1% of pairs) joins sp_c first, the statistics the key join with sp_big.
    const q = 'SELECT count(*) FROM sp_s, sp_c, sp_big WHERE sp_s.n = sp_c.n AND sp_big.sid = sp_s.id AND sp_s.f = 1';
    const session = db.open();
    const explain = await session.prepare(`EXPLAIN ${q}`);
    const scans = async (): Promise<string[]> => (await explain.execute([])).rows.map((r) => String(r[0])).filter((l) => l.includes('Scan on')).map((l) => /Scan on (\w+)/.exec(l)![1]!);
    expect(await scans()).toEqual(['sp_s', 'sp_c', 'sp_big']);
    await db.rows('ANALYZE sp_s');
    await db.rows('ANALYZE sp_c');
    await db.rows('ANALYZE sp_big');
    expect(await scans()).toEqual(['sp_s', 'sp_big', 'sp_c']);
    expect(await db.one(q)).toBe(600n * 3000n);
  });

  it('re-plans a cached statement when its table is analyzed', async () => {
    const cache = new PlanCache();
    const fake = { paramTypes: [], columns: null, changesCatalog: false, accesses: [{ id: 7, name: 't', view: false, privilege: 'SELECT' as const, viaView: null }], run: async () => ({ command: 'SELECT', rowCount: 0, columns: null, rows: [] }) };
    cache.put('select 1 from t', fake);
    cache.put('select 2', { ...fake, accesses: [] });
    const before = cache.statisticsVersionOf(fake);
    cache.statisticsChanged(7);
    expect(cache.get('select 1 from t')).toBeUndefined();
    expect(cache.get('select 2')).toBeDefined();
    expect(cache.statisticsVersionOf(fake)).not.toBe(before);
  });

  it('shows pg_stats rows only of tables the role may SELECT from', async () => {
    const engine = createQueryEngine({ store: db.store, pool: db.pool, superuser: { name: 'eon' }, autoAnalyzeIntervalMs: 0 });
    try {
      const admin = engine.openSession({ user: 'eon', database: 'eon' });
      await run(admin, 'CREATE TABLE st_priv (id int PRIMARY KEY, v int); INSERT INTO st_priv SELECT i, i % 3 FROM generate_series(1, 100) AS s(i); ANALYZE st_priv; CREATE USER st_alice');
      const alice = engine.openSession({ user: 'st_alice', database: 'eon' });
      const visible = "SELECT count(*) FROM pg_stats WHERE tablename = 'st_priv'";
      expect(await run(alice, visible)).toEqual([[0n]]);
      await run(admin, 'GRANT SELECT ON st_priv TO st_alice');
      expect(await run(alice, visible)).toEqual([[2n]]);
    } finally {
      await engine.close();
    }
  });

  it('counts changes for the auto-analyze and drops statistics on ALTER TABLE, TRUNCATE and DROP', async () => {
    const t = db.store.getTable('st_a')!;
    expect(needsAnalyze(551, 5000)).toBe(true);
    expect(needsAnalyze(550, 5000)).toBe(false);
    await db.rows('UPDATE st_a SET v = v + 1 WHERE id <= 600');
    expect(changedRows(db.store, t)).toBeGreaterThanOrEqual(600);
    expect(tablesToAnalyze(db.store).map((x) => x.name)).toContain('st_a');
    await analyzeTable(db.store, t);
    expect(changedRows(db.store, t)).toBe(0);
    await db.rows('ALTER TABLE st_a RENAME COLUMN v TO w');
    expect(db.store.tableStatistics(db.store.getTable('st_a')!)).toBeUndefined();
    await db.rows('ANALYZE st_a');
    expect(await db.one("SELECT count(*) FROM pg_stats WHERE tablename = 'st_a' AND attname = 'w'")).toBe(1n);
    await db.rows('TRUNCATE st_a');
    expect(await db.one("SELECT count(*) FROM pg_stats WHERE tablename = 'st_a'")).toBe(0n);
    await db.rows('INSERT INTO st_a VALUES (1, null, 1, 1.5)');
    await db.rows('VACUUM ANALYZE st_a');
    expect(await db.one("SELECT count(*) FROM pg_stats WHERE tablename = 'st_a'")).toBe(4n);
    const id = db.store.getTable('st_a')!.id;
    await db.rows('DROP TABLE st_a');
    expect(db.store.statistics.all().some((s) => s.tableId === id)).toBe(false);
  });
});

describe('ANALYZE of a large table', () => {
  it('reads randomly chosen segments once a table exceeds the full-read size, each equally likely', () => {
    const units = Array.from({ length: 40 }, (_, i) => ({ id: i, rows: 20_000 }));
    const random = seeded(3);
    const picks = new Array<number>(40).fill(0);
    for (let t = 0; t < 500; t++) {
      const chosen = chooseUnits(units, 800_000, random);
      // Enough segments for ANALYZE_READ_ROWS_TARGET rows, in stored order.
      expect(chosen.reduce((n, u) => n + u.rows, 0)).toBeGreaterThanOrEqual(ANALYZE_READ_ROWS_TARGET);
      expect(chosen.map((u) => u.id)).toEqual([...chosen.map((u) => u.id)].sort((a, b) => a - b));
      for (const u of chosen) picks[u.id]!++;
    }
    const mean = picks.reduce((a, b) => a + b, 0) / picks.length;
    for (const p of picks) expect(Math.abs(p - mean)).toBeLessThan(mean * 0.5);
    expect(chooseUnits(units.slice(0, 3), ANALYZE_FULL_READ_ROWS_MAX, random)).toHaveLength(3);
  });
});
