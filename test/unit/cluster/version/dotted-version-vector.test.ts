import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EonError } from '../../../../src/errors/index.js';
import { dvv } from '../../../../src/cluster/version/index.js';
import type { DvvSet, VersionVector } from '../../../../src/cluster/version/index.js';

const sorted = (xs: readonly string[]): string[] => [...xs].sort();
const vv = (entries: Record<string, number>): VersionVector => new Map(Object.entries(entries));

describe('dotted version vector sets: the basic cases', () => {
  it('concurrent writes without context become siblings', () => {
    let s = dvv.emptyDvvSet<string>();
    s = dvv.update(s, null, 'a', 'v1');
    s = dvv.update(s, null, 'a', 'v2');
    expect(sorted(dvv.values(s))).toEqual(['v1', 'v2']);
    expect(dvv.context(s)).toEqual(vv({ a: 2 }));
  });

  it('a write with the context it read supersedes exactly what that context covers', () => {
    let s = dvv.emptyDvvSet<string>();
    s = dvv.update(s, null, 'a', 'v1');
    const read = dvv.context(s); // sees v1
    s = dvv.update(s, null, 'a', 'v2'); // concurrent with the reader
    s = dvv.update(s, read, 'a', 'v3'); // supersedes v1 only
    expect(sorted(dvv.values(s))).toEqual(['v2', 'v3']);
    expect(dvv.dottedValues(s)).toEqual([
      { node: 'a', counter: 3, value: 'v3' },
      { node: 'a', counter: 2, value: 'v2' },
    ]);
  });

  it('a write with the merged context resolves siblings from two replicas to one value', () => {
    const a = dvv.update(dvv.emptyDvvSet<string>(), null, 'a', 'from-a');
    const b = dvv.update(dvv.emptyDvvSet<string>(), null, 'b', 'from-b');
    const merged = dvv.sync(a, b);
    expect(sorted(dvv.values(merged))).toEqual(['from-a', 'from-b']);
    const resolved = dvv.update(merged, dvv.context(merged), 'b', 'both');
    expect(dvv.values(resolved)).toEqual(['both']);
    // The old replica a learns of it by sync and drops its stale sibling.
    expect(dvv.values(dvv.sync(a, resolved))).toEqual(['both']);
    expect(dvv.values(dvv.reconcile(merged, 'a', (xs) => sorted(xs).join('+')))).toEqual(['from-a+from-b']);
    expect(dvv.values(dvv.lastWriterWins(merged, 'a', (x, y) => x.localeCompare(y)))).toEqual(['from-b']);
  });

  it('the Riak dvvset walkthrough: two clients, one coordinator', () => {
    let s = dvv.emptyDvvSet<string>();
    s = dvv.update(s, null, 'r', 'v1'); // client 1, no context
    const c1 = dvv.context(s);
    s = dvv.update(s, null, 'r', 'v2'); // client 2, no context: sibling
    const c2 = dvv.context(s);
    expect(sorted(dvv.values(s))).toEqual(['v1', 'v2']);
    s = dvv.update(s, c1, 'r', 'v3'); // client 1 overwrites v1 only
    expect(sorted(dvv.values(s))).toEqual(['v2', 'v3']);
    s = dvv.update(s, c2, 'r', 'v4'); // client 2 overwrites v1 and v2
    expect(sorted(dvv.values(s))).toEqual(['v3', 'v4']);
    expect(dvv.siblingCount(s)).toBe(2);
  });

  it('discard drops what the context covers and remembers its dots', () => {
    let s = dvv.emptyDvvSet<string>();
    s = dvv.update(s, null, 'a', 'v1');
    s = dvv.update(s, null, 'a', 'v2');
    const d = dvv.discard(s, vv({ a: 1, b: 4 }));
    expect(dvv.values(d)).toEqual(['v2']);
    expect(dvv.context(d)).toEqual(vv({ a: 2, b: 4 }));
    expect(dvv.covers(vv({ a: 2, b: 4 }), d)).toBe(true);
    expect(dvv.covers(vv({ a: 1, b: 4 }), d)).toBe(false);
  });

  it('a context from another replica raises the coordinator past dots it never held', () => {
    let b = dvv.emptyDvvSet<string>();
    b = dvv.update(b, null, 'b', 'x');
    b = dvv.update(b, null, 'b', 'y');
    let a = dvv.emptyDvvSet<string>();
    a = dvv.update(a, dvv.context(b), 'a', 'z'); // read at b, written at a
    expect(dvv.values(a)).toEqual(['z']);
    expect(dvv.values(dvv.sync(a, b))).toEqual(['z']);
  });

  it('keeps entries in canonical order so equal states are equal', () => {
    const x = dvv.update(dvv.update(dvv.emptyDvvSet<string>(), null, 'b', '1'), null, 'a', '2');
    const y = dvv.update(dvv.update(dvv.emptyDvvSet<string>(), null, 'a', '2'), null, 'b', '1');
    expect(x.entries.map((e) => e.node)).toEqual(['a', 'b']);
    expect(dvv.dvvSetsEqual(x, y)).toBe(true);
  });
});

// --- model check -------------------------------------------------------------------------------

const REPLICAS = ['n0', 'n1', 'n2'] as const;

type Op =
  | { readonly kind: 'write'; readonly at: number; readonly readFrom: number | null }
  | { readonly kind: 'sync'; readonly a: number; readonly b: number }
  | { readonly kind: 'push'; readonly from: number; readonly to: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), at: fc.nat(2), readFrom: fc.option(fc.nat(2), { nil: null }) }),
  fc.record({ kind: fc.constant('sync' as const), a: fc.nat(2), b: fc.nat(2) }),
  fc.record({ kind: fc.constant('push' as const), from: fc.nat(2), to: fc.nat(2) }),
);

/** The reference: every write with the set of writes its context saw; a replica knows a set of writes. */
interface Model {
  readonly saw: Map<string, ReadonlySet<string>>;
  readonly known: Set<string>[];
  readonly sets: DvvSet<string>[];
}

/** Writes a replica knows that no known write's context covered: what must still be readable. */
function live(model: Model, known: ReadonlySet<string>): string[] {
  const covered = new Set<string>();
  for (const w of known) for (const s of model.saw.get(w)!) covered.add(s);
  return sorted([...known].filter((w) => !covered.has(w)));
}

function run(ops: readonly Op[]): Model {
  const model: Model = {
    saw: new Map(),
    known: REPLICAS.map(() => new Set<string>()),
    sets: REPLICAS.map(() => dvv.emptyDvvSet<string>()),
  };
  let next = 0;
  for (const op of ops) {
    switch (op.kind) {
      case 'write': {
        const value = `w${next++}`;
        const ctx = op.readFrom === null ? null : dvv.context(model.sets[op.readFrom]!);
        const saw = op.readFrom === null ? new Set<string>() : new Set(model.known[op.readFrom]!);
        model.saw.set(value, saw);
        model.sets[op.at] = dvv.update(model.sets[op.at]!, ctx, REPLICAS[op.at]!, value);
        for (const w of saw) model.known[op.at]!.add(w);
        model.known[op.at]!.add(value);
        break;
      }
      case 'sync': {
        const merged = dvv.sync(model.sets[op.a]!, model.sets[op.b]!);
        model.sets[op.a] = merged;
        model.sets[op.b] = merged;
        const union = new Set([...model.known[op.a]!, ...model.known[op.b]!]);
        model.known[op.a] = union;
        model.known[op.b] = new Set(union);
        break;
      }
      case 'push': {
        model.sets[op.to] = dvv.sync(model.sets[op.to]!, model.sets[op.from]!);
        for (const w of model.known[op.from]!) model.known[op.to]!.add(w);
        break;
      }
      default: {
        const never: never = op;
        throw new Error(`unknown op ${String(never)}`);
      }
    }
    // After every step, each replica shows exactly the writes no later write's context covered.
    for (let r = 0; r < REPLICAS.length; r++) {
      const shown = sorted(dvv.values(model.sets[r]!));
      const expected = live(model, model.known[r]!);
      // One expect only on a mismatch: vitest's expect per step would dominate the run time.
      if (shown.join() !== expected.join()) expect(shown).toEqual(expected);
    }
  }
  return model;
}

const opsArb = fc.array(opArb, { maxLength: 40 });

describe('dotted version vector sets: properties against a reference model', () => {
  it('lose no write unless a later write’s context covered it; converge after a full sync', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const model = run(ops);
        const [s0, s1, s2] = model.sets as [DvvSet<string>, DvvSet<string>, DvvSet<string>];
        const all = dvv.sync(dvv.sync(s0, s1), s2);
        for (const s of model.sets) expect(dvv.dvvSetsEqual(dvv.sync(s, all), all)).toBe(true);
        const everything = new Set<string>(model.saw.keys());
        expect(sorted(dvv.values(all))).toEqual(live(model, everything));
        // Replicas that exchanged everything (in any order) are equal.
        const viaOtherOrder = dvv.sync(s2, dvv.sync(s1, s0));
        expect(dvv.dvvSetsEqual(all, viaOtherOrder)).toBe(true);
        // A write carrying the merged context resolves every sibling to one value.
        if (everything.size > 0) {
          const resolved = dvv.update(all, dvv.context(all), 'n1', 'resolved');
          expect(dvv.values(resolved)).toEqual(['resolved']);
          for (const s of model.sets) expect(dvv.values(dvv.sync(s, resolved))).toEqual(['resolved']);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sync is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const [a, b, c] = run(ops).sets as [DvvSet<string>, DvvSet<string>, DvvSet<string>];
        expect(dvv.dvvSetsEqual(dvv.sync(a, b), dvv.sync(b, a))).toBe(true);
        expect(dvv.dvvSetsEqual(dvv.sync(dvv.sync(a, b), c), dvv.sync(a, dvv.sync(b, c)))).toBe(true);
        expect(dvv.dvvSetsEqual(dvv.sync(a, a), a)).toBe(true);
        expect(dvv.dvvSetsEqual(dvv.sync(dvv.sync(a, b), b), dvv.sync(a, b))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('concurrent blind writes on every replica all survive as siblings', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(2), { minLength: 1, maxLength: 12 }), (writers) => {
        const ops: Op[] = writers.map((at) => ({ kind: 'write', at, readFrom: null }));
        const model = run(ops);
        const all = model.sets.reduce((x, y) => dvv.sync(x, y));
        expect(dvv.siblingCount(all)).toBe(writers.length);
      }),
      { numRuns: 100 },
    );
  });
});

// --- the X-Eon-Context header ------------------------------------------------------------------

describe('X-Eon-Context encoding', () => {
  it('round-trips, is canonical and URL-safe', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 2 ** 40 }), { maxKeys: 6 }), (rec) => {
        const ctx = new Map(Object.entries(rec));
        const header = dvv.encodeContext(ctx);
        expect(header).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(dvv.decodeContext(header)).toEqual(new Map([...ctx].sort(([x], [y]) => (Buffer.compare(Buffer.from(x), Buffer.from(y))))));
        const reversed = new Map([...ctx].reverse());
        expect(dvv.encodeContext(reversed)).toBe(header);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips a real read context and works as a write context after decoding', () => {
    let s = dvv.emptyDvvSet<string>();
    s = dvv.update(s, null, 'a', 'v1');
    s = dvv.update(s, null, 'b', 'v2');
    const header = dvv.encodeContext(dvv.context(s));
    s = dvv.update(s, dvv.decodeContext(header), 'a', 'v3');
    expect(dvv.values(s)).toEqual(['v3']);
  });

  it('refuses malformed or non-canonical headers with invalid_causal_context', () => {
    const b64 = (x: unknown): string => Buffer.from(JSON.stringify(x)).toString('base64url');
    const bad = [
      'not base64!',
      Buffer.from('{nope').toString('base64url'),
      b64({ a: 1 }),
      b64([2, 'a', 1]),
      b64([1, 'a']),
      b64([1, 'a', 0]),
      b64([1, 'a', 1.5]),
      b64([1, 'a', -1]),
      b64([1, 7, 1]),
      b64([1, '', 1]),
      b64([1, 'b', 1, 'a', 1]),
      b64([1, 'a', 1, 'a', 2]),
      b64([1, 'x'.repeat(300), 1]),
      'A'.repeat(dvv.CONTEXT_CHARS_MAX + 1),
    ];
    for (const header of bad) {
      let thrown: unknown;
      try {
        dvv.decodeContext(header);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, header).toBeInstanceOf(EonError);
      expect((thrown as EonError).code).toBe('invalid_causal_context');
    }
    expect(dvv.decodeContext(b64([1]))).toEqual(new Map());
  });
});

describe('plain form for storage and replication', () => {
  it('round-trips and validates', () => {
    let s = dvv.emptyDvvSet<string>();
    s = dvv.update(s, null, 'a', 'v1');
    s = dvv.update(s, null, 'b', 'v2');
    s = dvv.update(s, null, 'b', 'v3');
    const plain = JSON.parse(JSON.stringify(dvv.dvvSetToPlain(s, (x) => x))) as unknown;
    const str = (p: unknown): string => {
      if (typeof p !== 'string') throw new Error('not a string');
      return p;
    };
    expect(dvv.dvvSetsEqual(dvv.dvvSetFromPlain(plain, str), s)).toBe(true);
    for (const junk of [null, {}, [['a']], [['a', 0, []]], [['a', 1, ['x', 'y']]], [['b', 1, []], ['a', 1, []]], [[3, 1, []]]]) {
      expect(() => dvv.dvvSetFromPlain(junk, str)).toThrow(EonError);
    }
  });
});
