// The 22 TPC-H queries of test/sql/tpch.sql, bound and optimized against the TPC-H schema with SF 1
// table sizes: no cross products, no joins without hash keys, and no correlated subquery left to
// run once per outer row (the shapes that would not finish on 6M lineitems).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { T, type ColumnType } from '../../../src/types/index.js';
import type { TableSchema } from '../../../storage/index.js';
import { bindQuery } from '../../../query/bind/bind-select.js';
import { StatementContext } from '../../../query/bind/context.js';
import { optimize } from '../../../query/optimize/index.js';
import { planExprs } from '../../../query/plan/logical.js';
import { parseScript } from '../../../query/parse/parser.js';
import { exprChildren, type Expr } from '../../../query/plan/expr.js';
import { planChildren, type Plan } from '../../../query/plan/logical.js';

const sqlFile = readFileSync(new URL('../../sql/tpch.sql', import.meta.url), 'utf8');
const blocks = sqlFile.split(/\n\s*\n/);

const SF1_ROWS: Record<string, number> = {
  tpch_region: 5, tpch_nation: 25, tpch_supplier: 10_000, tpch_part: 200_000, tpch_partsupp: 800_000,
  tpch_customer: 150_000, tpch_orders: 1_500_000, tpch_lineitem: 6_001_215,
};

function columnType(sql: string): ColumnType {
  const m = /^(\w+)(?:\((\d+)(?:,(\d+))?\))?/.exec(sql.trim())!;
  switch (m[1]!.toLowerCase()) {
    case 'integer':
      return T.int4;
    case 'numeric':
      return { kind: 'numeric', precision: Number(m[2]), scale: Number(m[3]) };
    case 'varchar':
      return { kind: 'varchar', length: Number(m[2]) };
    case 'date':
      return T.date;
    default:
      throw new Error(`type ${m[1]} not handled`);
  }
}

/** TableSchemas from the file's CREATE TABLE statements (columns and primary keys). */
const tables = new Map<string, TableSchema>();
for (const b of blocks) {
  const m = /CREATE TABLE (tpch_\w+) \((.*)\)$/s.exec(b.trim());
  if (m === null || SF1_ROWS[m[1]!] === undefined) continue;
  const parts = m[2]!.split(/,\s*(?![^()]*\))/);
  const columns = parts.filter((p) => !p.startsWith('PRIMARY KEY')).map((p) => {
    const [name, ...rest] = p.trim().split(/\s+/);
    return { name: name!, type: columnType(rest.join(' ')), notNull: true };
  });
  const inline = columns.findIndex((_, i) => /PRIMARY KEY/.test(parts[i]!));
  const composite = parts.find((p) => p.startsWith('PRIMARY KEY'));
  const primaryKey = composite !== undefined ? /\((.*)\)/.exec(composite)![1]!.split(',').map((n) => columns.findIndex((c) => c.name === n.trim())) : [inline];
  tables.set(m[1]!, { id: tables.size + 1, name: m[1]!, columns, primaryKey, distributionKey: primaryKey });
}
const catalog = { getTable: (name: string) => tables.get(name), estimatedRows: (t: TableSchema) => SF1_ROWS[t.name]! };

const queries = blocks
  .map((b) => /^-- (Q\d+) .*\n-- query\n([\s\S]*)$/.exec(b.trim()))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ name: m[1]!, sql: m[2]! }));

function plan(sql: string): Plan {
  const st = parseScript(sql)[0]!;
  if (st.kind !== 'query') throw new Error('not a query');
  return optimize(bindQuery(st.ast, new StatementContext(catalog, [])));
}

/** Every plan node, including those of subqueries inside expressions. */
function nodes(p: Plan, out: Plan[] = []): Plan[] {
  out.push(p);
  for (const c of planChildren(p)) nodes(c, out);
  const visit = (e: Expr): void => {
    if (e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') nodes(e.plan, out);
    exprChildren(e).forEach(visit);
  };
  planExprs(p).forEach(visit);
  return out;
}

function correlatedSubqueries(p: Plan): number {
  let n = 0;
  const visit = (e: Expr): void => {
    if ((e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') && e.correlated) n++;
    exprChildren(e).forEach(visit);
  };
  for (const node of nodes(p)) planExprs(node).forEach(visit);
  return n;
}

describe('TPC-H plans at SF 1 sizes', () => {
  it('finds the 22 queries and the 8 tables', () => {
    expect(queries.map((q) => q.name)).toEqual(Array.from({ length: 22 }, (_, i) => `Q${i + 1}`));
    expect(tables.size).toBe(8);
  });

  for (const q of queries) {
    it(`${q.name}: hash joins only, no correlated subquery left`, () => {
      const p = plan(q.sql);
      const joins = nodes(p).filter((n): n is Plan & { kind: 'join' } => n.kind === 'join');
      expect(joins.filter((j) => j.joinType === 'cross' || j.leftKeys.length === 0).map((j) => j.joinType)).toEqual([]);
      expect(correlatedSubqueries(p)).toBe(0);
    });
  }
});
