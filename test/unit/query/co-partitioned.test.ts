// Build sides split by the fact table's partitions: which sides a pipeline may split (probed by
// the fact's whole distribution key, of the same kind), and a split side holding only the rows
// whose key hashes to the wanted partitions, with its hash table, values and dictionary intact.
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/types/index.js';
import { partitionOfRow, type TableSchema } from '../../../storage/index.js';
import { ExecContext } from '../../../query/execute/context.js';
import type { Store } from '../../../storage/index.js';
import type { Expr } from '../../../query/plan/expr.js';
import type { Plan } from '../../../query/plan/logical.js';
import type { JoinPipeline } from '../../../query/distribute/join-pipeline.js';
import { buildPartitioners } from '../../../query/distribute/co-partitioned.js';
import { buildSides } from '../../../query/distribute/join-aggregate-fragment.js';
import { HASH_MUL_1 } from '../../../query/distribute/int32-groups.js';

const PARTITIONS = 8;
const fact: TableSchema = {
  id: 1,
  name: 'lines',
  columns: [
    { name: 'order_id', type: T.int4, notNull: true },
    { name: 'n', type: T.int4, notNull: true },
    { name: 'cust', type: T.int4, notNull: false },
  ],
  primaryKey: [0, 1],
  distributionKey: [0],
};
const column = (index: number, type = T.int4): Expr => ({ kind: 'column', type, index, name: `c${index}` });
const factScan = { kind: 'scan', table: fact, columns: [], filter: null, keyLookup: null } as unknown as Plan & { kind: 'scan' };

/** lines ⋈ orders ON order_id (the fact's distribution key) ⋈ customers ON cust (not). */
function pipeline(orderKey: Expr = column(0)): JoinPipeline {
  return {
    fact: factScan,
    factWidth: 3,
    builds: [
      { plan: {} as Plan, keys: [orderKey], values: [column(1, T.text)], int32Keys: orderKey.type.kind === 'int4' },
      { plan: {} as Plan, keys: [column(0)], values: [column(1, T.text)], int32Keys: true },
    ],
    values: [
      { build: 0, value: 0, type: T.text },
      { build: 1, value: 0, type: T.text },
    ],
    steps: [
      { kind: 'probe', build: 0, joinType: 'inner', probeKeys: [column(0)], residual: null },
      { kind: 'probe', build: 1, joinType: 'semi', probeKeys: [column(2)], residual: null },
    ],
    joins: [],
    groupBy: [],
    argsOf: () => [],
  } as unknown as JoinPipeline;
}

describe('build sides split by partition', () => {
  it('splits the sides the fact\'s distribution key probes, with a key of the same kind, only', () => {
    const split = buildPartitioners(pipeline(), PARTITIONS);
    expect(split[0]).not.toBeNull();
    expect(split[1]).toBeNull(); // probed by cust, not the distribution key
    for (const key of [1, 7, 42, 1000]) expect(split[0]!(key)).toBe(partitionOfRow(fact, [key, 0, null], PARTITIONS));
    // An int8 key does not hash as the int4 column does (a bigint, not a number): not split.
    expect(buildPartitioners(pipeline(column(0, T.int8)), PARTITIONS)[0]).toBeNull();
  });

  it('keeps the rows of the wanted partitions, found through the rebuilt hash table, values and dictionary intact', () => {
    const ctx = new ExecContext({ store: { partitions: PARTITIONS } as Store, params: [] });
    const orders = Array.from({ length: 200 }, (_, i) => [i, `prio${i % 5}`]);
    const customers = [[1, 'a'], [2, 'b']];
    const sides = buildSides(pipeline(), [orders, customers], ctx)!;
    const part = buildPartitioners(pipeline(), PARTITIONS)[0]!;
    const wanted = new Set([0, 3]);
    const sub = sides.subset((b) => (b === 0 ? (key) => wanted.has(part(key)) : null));
    const args = sub.bind([{ buildArg: 'table', build: 0, value: -1 }, { buildArg: 'values', build: 0, value: 0 }, { buildArg: 'table', build: 1, value: -1 }]);
    const [table, prio, customersTable] = args as [{ entries: Int32Array; mask: number; shift: number; next: Int32Array }, { codes: Int32Array; dictionary: string[] }, unknown];
    const whole = sides.bind([{ buildArg: 'table', build: 1, value: -1 }])[0];
    expect(customersTable).toBe(whole); // the side the fact's key does not probe goes whole
    const kept = orders.filter(([id]) => wanted.has(part(id!)));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(orders.length);
    expect(prio.codes.length).toBe(kept.length);
    // Every kept key is found, at the row holding its value; a dropped one is not.
    const probe = (a: number): number => {
      let s = Math.imul(a, HASH_MUL_1) >>> table.shift;
      for (;;) {
        const r = table.entries[2 * s + 1]!;
        if (r === -1 || table.entries[2 * s] === a) return r;
        s = (s + 1) & table.mask;
      }
    };
    for (const [id, p] of orders) {
      const r = probe(id as number);
      if (wanted.has(part(id!))) expect(prio.dictionary[prio.codes[r]!]).toBe(p);
      else expect(r).toBe(-1);
    }
    expect(() => sub.planKeys({ n: 0, keys: [], states: [], inexact: false }, [])).toThrow(/subset/);
  });
});
