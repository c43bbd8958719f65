// WITH RECURSIVE in-process: the iteration's row bound (54000), statement_timeout stopping an
// unbounded recursion, EXPLAIN's nodes and PostgreSQL's error texts. Results are checked against
// PostgreSQL in test/sql/recursive.sql.
import { afterAll, describe, expect, it } from 'vitest';
import { FRAGMENT_ROWS_MIN } from '../../../query/distribute/partition-fragments.js';
import { ExecContext } from '../../../query/execute/context.js';
import type { PhysicalOperator, Row } from '../../../query/execute/operators/operator.js';
import { RecursiveUnion } from '../../../query/execute/operators/recursive-union.js';
import type { Store } from '../../../storage/index.js';
import type { Plan } from '../../../query/plan/logical.js';
import { T } from '../../../src/types/index.js';
import { openTestEngine } from '../../support/engine.js';

describe('recursive union iteration', () => {
  const columns = [{ name: 'n', type: T.int4 }];
  const anchor: Plan = { kind: 'values', rows: [], columns };
  const recursive: Plan = { kind: 'worktable', id: 7, columns };
  const ctx = () => new ExecContext({ store: null as unknown as Store, params: [] });
  /** An operator whose rows come from `rows(ctx)` (the working table, for the recursive term). */
  const source = (plan: Plan, rows: (ctx: ExecContext) => Row[]): PhysicalOperator => ({
    plan,
    *run(c) {
      yield rows(c);
    },
  });
  const drain = (op: PhysicalOperator, c: ExecContext): Row[] => {
    const out: Row[] = [];
    for (const item of op.run(c)) if (Array.isArray(item)) out.push(...item);
    return out;
  };

  it('keeps duplicates under UNION ALL and fails with 54000 past the row bound', () => {
    const plan = { kind: 'recursive_union', worktable: 7, all: true, anchor, recursive, columns } as const;
    // The anchor gives [1]; each step doubles the working table, adding n + 1 to every row.
    const step = source(recursive, (c) => (c.cteResults.get(7) ?? []).flatMap((r) => [[(r[0] as number) + 1], [(r[0] as number) + 1]]));
    const op = new RecursiveUnion(plan, source(anchor, () => [[1]]), step, 100);
    expect(() => drain(op, ctx())).toThrowError('recursive query produced more than 100 rows');
  });

  it('discards rows seen before under UNION, so the iteration ends', () => {
    let steps = 0;
    const step = source(recursive, (c) => {
      steps++;
      return (c.cteResults.get(7) ?? []).map((r) => [Math.min((r[0] as number) + 1, 5)]);
    });
    const plan = { kind: 'recursive_union', worktable: 7, all: false, anchor, recursive, columns } as const;
    const op = new RecursiveUnion(plan, source(anchor, () => [[1], [1]]), step, 100);
    const c = ctx();
    expect(drain(op, c)).toEqual([[1], [2], [3], [4], [5]]);
    expect(steps).toBe(5);
    expect(c.cteResults.has(7)).toBe(false);
  });
});

describe('WITH RECURSIVE through a session', () => {
  const t = openTestEngine({ name: 'recursive' });
  afterAll(() => t.close());

  it('stops an unbounded recursion at statement_timeout (57014)', async () => {
    const e = await t.errorOf("SET statement_timeout = '300ms'; WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t");
    expect(e.code).toBe('query_canceled');
    await t.rows('RESET statement_timeout');
  });

  it('prints the recursive union and the working table in EXPLAIN', async () => {
    const rows = await t.rows('EXPLAIN WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT n FROM t');
    const text = rows.map((r) => String(r[0])).join('\n');
    expect(text).toContain('Recursive Union All');
    expect(text).toContain('WorkTable Scan');
  });

  it('walks a table large enough for the data engines, one step per level', async () => {
    // A chain 1 → 2 → … over FRAGMENT_ROWS_MIN + 1,000 edges: the edge scan runs as a fragment,
    // and no join key filter built from the first working table may drop later levels' edges.
    const n = FRAGMENT_ROWS_MIN + 1_000;
    await t.rows('CREATE TABLE rec_edges (src int PRIMARY KEY, dst int)');
    for (let from = 1; from <= n; from += 10_000) {
      await t.rows(`INSERT INTO rec_edges SELECT g, g + 1 FROM generate_series(${from}, ${Math.min(n, from + 9_999)}) AS g`);
    }
    const walked = await t.rows('WITH RECURSIVE w(node, depth) AS (SELECT 1, 0 UNION ALL SELECT e.dst, w.depth + 1 FROM w JOIN rec_edges e ON e.src = w.node WHERE w.depth < 40) SELECT count(*), max(node), sum(depth) FROM w');
    expect(walked).toEqual([[41n, 41, 820n]]);
    const filtered = await t.rows('WITH RECURSIVE w(node) AS (SELECT 1 UNION SELECT e.dst FROM w JOIN rec_edges e ON e.src = w.node WHERE e.dst <= 30) SELECT node FROM w WHERE node > 27 ORDER BY node');
    expect(filtered).toEqual([[28], [29], [30]]);
  });

  it('reports PostgreSQL messages for malformed recursion', async () => {
    const mismatch = await t.errorOf('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n * 1.5 FROM t WHERE n < 5) SELECT n FROM t');
    expect(mismatch.message).toBe('recursive query "t" column 1 has type integer in non-recursive term but type numeric overall');
    const sub = await t.errorOf('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n IN (SELECT n FROM t)) SELECT n FROM t');
    expect(sub.message).toBe('recursive reference to query "t" must not appear within a subquery');
    const outer = await t.errorOf('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT t.n FROM t_x LEFT JOIN t ON true) SELECT n FROM t');
    expect(outer.message).toBe('recursive reference to query "t" must not appear within an outer join');
    const twice = await t.errorOf('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT a.n FROM t a, t b) SELECT n FROM t');
    expect(twice.message).toBe('recursive reference to query "t" must not appear more than once');
    const agg = await t.errorOf('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT max(n) FROM t) SELECT n FROM t');
    expect(agg.message).toBe("aggregate functions are not allowed in a recursive query's recursive term");
  });
});
