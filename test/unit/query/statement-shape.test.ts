import { describe, expect, it } from 'vitest';
import { parseOne } from '../../../query/parse/parser.js';
import { constantText, statementShape } from '../../../query/parse/statement-shape.js';

function shapeOf(sql: string) {
  const st = parseOne(sql);
  if (st?.kind !== 'query') throw new Error('expected a query');
  return statementShape(st.ast);
}

describe('statement shapes', () => {
  it('are equal for statements that differ only in value constants', () => {
    const a = shapeOf('SELECT abalance FROM pgbench_accounts WHERE aid = 12345')!;
    const b = shapeOf("select abalance from pgbench_accounts\n where aid = 7")!;
    expect(a.key).toBe(b.key);
    expect(a.constants.map(constantText)).toEqual(['12345']);
    expect(b.constants.map(constantText)).toEqual(['7']);
    expect(shapeOf("SELECT abalance FROM pgbench_accounts WHERE aid = '7'")!.key).not.toBe(a.key);
  });

  it('number the constants as parameters in the order they appear', () => {
    const s = shapeOf("UPDATE t SET v = v + -5, s = 'x' WHERE k = 1.5")!;
    expect(s.constants).toEqual([
      { kind: 'integer', value: -5 },
      { kind: 'string', text: 'x' },
      { kind: 'number', text: '1.5' },
    ]);
    expect(JSON.stringify(s.parameterized())).toContain('"ParamRef":{"number":3}');
  });

  it('keep the constants that steer the plan', () => {
    const s = shapeOf("SELECT extract(year from d), interval '90' day, '1.5'::numeric(10,2), null, true FROM t GROUP BY 1 ORDER BY 2 DESC LIMIT 10")!;
    // Only LIMIT's 10 is a value: the field name, modified casts, positions, NULL and TRUE stay.
    expect(s.constants.map(constantText)).toEqual(['10']);
    expect(shapeOf('SELECT a FROM t ORDER BY 1')).toBeNull();
    // Positions inside grouping sets and parenthesized key lists stay positions.
    const g = shapeOf('SELECT a, b, count(*) FROM t WHERE c > 5 GROUP BY ROLLUP (1, 2), GROUPING SETS ((1), ()), (1, 2)')!;
    expect(g.constants.map(constantText)).toEqual(['5']);
  });

  it('are not taken for statements with parameters of their own, DDL, or too many constants', () => {
    expect(shapeOf('SELECT a FROM t WHERE a = $1 AND b = 2')).toBeNull();
    expect(shapeOf('CREATE TABLE t (a int DEFAULT 1)')).toBeNull();
    const values = Array.from({ length: 300 }, (_, i) => `(${i})`).join(',');
    expect(shapeOf(`INSERT INTO t VALUES ${values}`)).toBeNull();
    expect(shapeOf('INSERT INTO t VALUES (1, 2)')!.constants).toHaveLength(2);
  });
});
