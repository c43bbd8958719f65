// Siblings and causal contexts (src/kv/siblings.ts): encodings, the merge rule, "a write with a
// context removes exactly the siblings it saw", and convergence of replicas that receive the same
// writer rows in any order and with any delays (fast-check).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EMPTY_ROW,
  decodeContext,
  decodeRow,
  encodeContext,
  encodeRow,
  joinRows,
  mergeRows,
  nextCounter,
  nextRow,
} from '../../../src/kv/index.js';
import type { VersionVector, WriterRow } from '../../../src/kv/index.js';
import { EonError } from '../../../src/errors/index.js';

const WRITERS = ['n1', 'n2', 'n3'] as const;
/** Operations per generated history: enough for several rounds of conflicts, fast to check. */
const OPS_MAX = 30;
const RUNS = 300;

/**
 * A model cluster: each writer's row has a history of versions (single writer: versions only
 * grow); a replica holds, per writer, some version of that row (the newest it was sent: last
 * writer wins per row, as the row store does). A client read sees some version of each row.
 */
class Model {
  readonly history = new Map<string, WriterRow[]>(WRITERS.map((w) => [w, []]));
  private readonly counters = new Map<string, number>();
  /** What the merged view is if every row's newest version is seen (the converged state). */
  latest(): Map<string, WriterRow> {
    const m = new Map<string, WriterRow>();
    for (const [w, h] of this.history) if (h.length > 0) m.set(w, h[h.length - 1]!);
    return m;
  }
  /** A read that saw version `pick[w]` (an index, or none) of each writer's row. */
  view(pick: (w: string, versions: number) => number | null): Map<string, WriterRow> {
    const m = new Map<string, WriterRow>();
    for (const [w, h] of this.history) {
      const i = pick(w, h.length);
      if (i !== null && h.length > 0) m.set(w, h[Math.min(i, h.length - 1)]!);
    }
    return m;
  }
  /** Writer `w` writes (it always reads its own newest row, as the per-key lock and R+W>N give it). */
  write(w: string, others: Map<string, WriterRow>, context: VersionVector, json: string | null): void {
    const h = this.history.get(w)!;
    const own = h[h.length - 1] ?? EMPTY_ROW;
    const rows = new Map(others);
    rows.set(w, own);
    const before = mergeRows(rows);
    const counter = nextCounter(own, w, context, this.counters.get(w) ?? 0, 0);
    this.counters.set(w, counter);
    h.push(nextRow(own, w, before.covered, context, counter, json));
  }
}

const opArb = fc.record({
  writer: fc.constantFrom(...WRITERS),
  /** Which version of each other writer's row the writer's read (and the client's read) saw. */
  lag: fc.array(fc.nat(3), { minLength: 3, maxLength: 3 }),
  withContext: fc.boolean(),
  del: fc.boolean(),
});

function runHistory(ops: readonly { writer: string; lag: readonly number[]; withContext: boolean; del: boolean }[]): Model {
  const model = new Model();
  ops.forEach((op, i) => {
    const view = model.view((w, n) => (n === 0 ? null : Math.max(0, n - 1 - (op.lag[WRITERS.indexOf(w as (typeof WRITERS)[number])] ?? 0))));
    const context = op.withContext ? mergeRows(view).context : {};
    model.write(op.writer, view, context, op.del ? null : JSON.stringify(`v${i}`));
  });
  return model;
}

describe('kv contexts and rows', () => {
  it('round-trips contexts and rows', () => {
    const vv = { 'node-b': 7, 'node-a': 12 };
    expect(decodeContext(encodeContext(vv))).toEqual({ 'node-a': 12, 'node-b': 7 });
    const row: WriterRow = { covered: { x: 3 }, values: [{ counter: 4, json: '{"a":1}' }] };
    expect(decodeRow(encodeRow(row))).toEqual(row);
  });

  it('refuses malformed contexts with 22023', () => {
    for (const bad of ['***', Buffer.from('{"v":1,"vv":{"a":-1}}').toString('base64url'), Buffer.from('[]').toString('base64url'), 'x'.repeat(20_000)]) {
      expect(() => decodeContext(bad)).toThrow(EonError);
      try {
        decodeContext(bad);
      } catch (e) {
        expect((e as EonError).code).toBe('invalid_parameter_value');
      }
    }
  });

  it('keeps concurrent writes as siblings and a write with their context resolves them', () => {
    const m = new Model();
    m.write('n1', new Map(), {}, '"a"');
    m.write('n2', new Map(), {}, '"b"');
    const seen = mergeRows(m.latest());
    expect(seen.siblings.map((s) => s.json).sort()).toEqual(['"a"', '"b"']);
    m.write('n3', m.latest(), seen.context, '"c"');
    expect(mergeRows(m.latest()).siblings.map((s) => s.json)).toEqual(['"c"']);
  });

  it('never issues a counter its writer already used or a context covers', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(100), { maxLength: 5 }), fc.nat(200), fc.nat(200), fc.nat(300), (cs, ctx, last, now) => {
        const own: WriterRow = { covered: { w: ctx }, values: [...new Set(cs)].sort((a, b) => a - b).map((c) => ({ counter: c + 1, json: '1' })) };
        const c = nextCounter(own, 'w', { w: ctx }, last, now);
        expect(c).toBeGreaterThan(Math.max(ctx, last, ...own.values.map((v) => v.counter)));
      }),
    );
  });
});

describe('kv sibling properties', () => {
  it('converges: replicas that hold the same rows in any order show the same siblings', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: OPS_MAX }), fc.array(fc.array(fc.nat(1000), { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 4 }), (ops, orders) => {
        const model = runHistory(ops);
        // Each replica receives every version of every row, in its own order; per row the newest wins.
        const finals = orders.map((seed) => {
          const deliveries: { writer: string; index: number; row: WriterRow }[] = [];
          for (const [w, h] of model.history) h.forEach((row, index) => deliveries.push({ writer: w, index, row }));
          const shuffled = deliveries
            .map((d, i) => ({ d, k: (i * 7919 + (seed[WRITERS.indexOf(d.writer as (typeof WRITERS)[number])] ?? 0) * 104729 + d.index * 31) % 1009 }))
            .sort((x, y) => x.k - y.k)
            .map((x) => x.d);
          const held = new Map<string, { index: number; row: WriterRow }>();
          for (const d of shuffled) {
            const cur = held.get(d.writer);
            if (cur === undefined || cur.index < d.index) held.set(d.writer, { index: d.index, row: d.row });
          }
          return mergeRows(new Map([...held].map(([w, x]) => [w, x.row])));
        });
        for (const f of finals) expect(f).toEqual(mergeRows(model.latest()));
      }),
      { numRuns: RUNS },
    );
  });

  it('a write with a context removes exactly the siblings that read saw', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: OPS_MAX }), fc.array(fc.nat(3), { minLength: 3, maxLength: 3 }), fc.constantFrom(...WRITERS), fc.boolean(), (ops, lag, writer, del) => {
        const model = runHistory(ops);
        // A client reads a possibly stale view, then the writer writes with that view's context.
        const view = model.view((w, n) => (n === 0 ? null : Math.max(0, n - 1 - (lag[WRITERS.indexOf(w as (typeof WRITERS)[number])] ?? 0))));
        const seen = mergeRows(view);
        const before = mergeRows(model.latest());
        model.write(writer, model.latest(), seen.context, del ? null : '"new"');
        const after = mergeRows(model.latest());
        const dot = (s: { writer: string; counter: number }): string => `${s.writer}:${s.counter}`;
        const seenDots = new Set(seen.siblings.map(dot));
        // Every live sibling the read did not see survives; none it saw does; the new value is there.
        const expected = before.siblings.filter((s) => !seenDots.has(dot(s))).map(dot);
        const got = after.siblings.filter((s) => s.json !== '"new"' || del).map(dot);
        expect(got.sort()).toEqual(expected.sort());
        expect(after.siblings.filter((s) => s.json === '"new"')).toHaveLength(del ? 0 : 1);
      }),
      { numRuns: RUNS },
    );
  });

  it('a writer that joins a stale read of its row with its newest row sees the newest', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: OPS_MAX }), fc.nat(), fc.nat(), (ops, i, j) => {
        const model = runHistory(ops);
        for (const [w, h] of model.history) {
          if (h.length === 0) continue;
          const [older, newer] = [Math.min(i, j) % h.length, Math.max(i, j) % h.length].sort((x, y) => x - y) as [number, number];
          const rows = model.latest();
          const expected = mergeRows(new Map(rows).set(w, h[newer]!));
          expect(mergeRows(new Map(rows).set(w, joinRows(h[older]!, h[newer]!)))).toEqual(expected);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('loses nothing: every write not superseded by a later context is a sibling', () => {
    fc.assert(
      fc.property(fc.array(opArb.map((o) => ({ ...o, withContext: false, del: false })), { minLength: 1, maxLength: OPS_MAX }), (ops) => {
        const model = runHistory(ops);
        expect(mergeRows(model.latest()).siblings).toHaveLength(ops.length);
      }),
      { numRuns: RUNS },
    );
  });
});
