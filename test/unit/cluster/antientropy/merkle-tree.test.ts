import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EonError } from '../../../../src/errors/index.js';
import {
  diffTrees,
  MERKLE_DEPTH,
  MERKLE_FANOUT,
  MERKLE_SEGMENTS,
  MERKLE_SERIALIZED_BYTES,
  MerkleTree,
  MerkleWalk,
  segmentOf,
} from '../../../../src/cluster/antientropy/index.js';
import { hlcOf, versionDigest } from '../../../../src/cluster/version/index.js';

const utf8 = new TextEncoder();
const key = (k: string): Uint8Array => utf8.encode(k);
const digestOf = (value: string, ms = 1): bigint => versionDigest({ hlc: hlcOf(ms, 0), node: 'n1' }, utf8.encode(value));

/** Builds a tree from scratch over a key → digest map. */
function treeOf(rows: ReadonlyMap<string, bigint>): MerkleTree {
  const t = new MerkleTree();
  for (const [k, d] of rows) t.put(key(k), d);
  return t;
}

describe('MerkleTree', () => {
  it('has the documented shape', () => {
    expect(MERKLE_FANOUT ** MERKLE_DEPTH).toBe(MERKLE_SEGMENTS);
    const t = new MerkleTree();
    expect(t.levelHashes(MERKLE_DEPTH, [0, MERKLE_SEGMENTS - 1])).toEqual([0n, 0n]);
    expect(() => t.levelHashes(MERKLE_DEPTH + 1, [0])).toThrow(EonError);
    expect(() => t.levelHashes(1, [MERKLE_FANOUT])).toThrow(EonError);
    expect(() => t.levelHashes(0, [0.5])).toThrow(EonError);
    expect(t.level(0)).toEqual([t.root()]);
    expect(t.level(1)).toHaveLength(MERKLE_FANOUT);
    expect(t.level(MERKLE_DEPTH)).toHaveLength(MERKLE_SEGMENTS);
    expect(() => t.level(-1)).toThrow(EonError);
  });

  it('is pinned by golden values (changing them makes every replica disagree with older peers)', () => {
    const t = new MerkleTree();
    expect(t.root().toString(16)).toBe('b1159db4e9325dd9');
    t.put(key('alpha'), 0x0123456789abcdefn);
    t.put(key('beta'), 0xfedcba9876543210n);
    expect(segmentOf(key('alpha'))).toBe(938);
    expect(t.segmentHash(segmentOf(key('alpha'))).toString(16)).toBe('8fb5f1486701b197');
    expect(t.root().toString(16)).toBe('d18c7611f2061215');
  });

  it('spreads keys over the segments', () => {
    const counts = new Uint32Array(MERKLE_SEGMENTS);
    for (let i = 0; i < 20_000; i++) counts[segmentOf(key(`k${i}`))]!++;
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThan(60);
  });

  it('gives equal roots for the same entries inserted in different orders', () => {
    const keysAndOrder = fc
      .uniqueArray(fc.string(), { maxLength: 60 })
      .chain((keys) => fc.tuple(fc.constant(keys), fc.shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length })));
    fc.assert(
      fc.property(keysAndOrder, ([keys, shuffled]) => {
        const a = new MerkleTree();
        for (const k of keys) a.put(key(k), digestOf(k));
        const b = new MerkleTree();
        for (const k of shuffled) b.put(key(k), digestOf(k));
        expect(b.root()).toBe(a.root());
        expect(diffTrees(a, b).segments).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('hashes bytes[start..] in putFrom and segmentOf as put and segmentOf hash the suffix alone', () => {
    const byPut = new MerkleTree();
    const byPutFrom = new MerkleTree();
    for (let i = 0; i < 200; i++) {
      const stored = Uint8Array.from([0, 0, 0, 7, ...key(`row-${i}`)]);
      expect(segmentOf(stored, 4)).toBe(segmentOf(stored.subarray(4)));
      byPut.put(stored.subarray(4), digestOf(`v${i}`));
      byPutFrom.putFrom(stored, 4, digestOf(`v${i}`));
    }
    expect(byPutFrom.root()).toBe(byPut.root());
    expect([...byPutFrom.serializeLeaves()]).toEqual([...byPut.serializeLeaves()]);
  });

  it('undoes a put with remove and replaces an entry with put(previous)', () => {
    const t = new MerkleTree();
    t.put(key('a'), digestOf('1'));
    const before = t.root();
    const segmentBefore = t.segmentHash(segmentOf(key('b')));
    t.put(key('b'), digestOf('2'));
    expect(t.root()).not.toBe(before);
    t.remove(key('b'), digestOf('2'));
    expect(t.root()).toBe(before);
    expect(t.segmentHash(segmentOf(key('b')))).toBe(segmentBefore);
    // Replacing a's digest equals building with the new digest from scratch.
    t.put(key('a'), digestOf('1b', 2), digestOf('1'));
    expect(t.root()).toBe(treeOf(new Map([['a', digestOf('1b', 2)]])).root());
    t.remove(key('a'), digestOf('1b', 2));
    expect(t.root()).toBe(new MerkleTree().root());
  });

  it('carries and borrows across the 64-bit sum: many entries of one segment add and remove exactly', () => {
    const crowd: string[] = [];
    for (let i = 0; crowd.length < 50; i++) if (segmentOf(key(`c${i}`)) === 7) crowd.push(`c${i}`);
    const t = new MerkleTree();
    const empty = t.root();
    for (const k of crowd) t.put(key(k), digestOf(k));
    const full = t.segmentHash(7);
    // The segment hash is the sum of the entry hashes mod 2^64: removing in another order undoes it.
    for (const k of [...crowd].reverse()) t.remove(key(k), digestOf(k));
    expect(t.segmentHash(7)).toBe(0n);
    expect(t.root()).toBe(empty);
    for (const k of crowd.filter((_, i) => i % 2 === 0)) t.put(key(k), digestOf(k));
    for (const k of crowd.filter((_, i) => i % 2 === 1)) t.put(key(k), digestOf(k));
    expect(t.segmentHash(7)).toBe(full);
  });

  it('yields exactly the changed entry’s segment, in O(depth × fanout) comparisons', () => {
    const rows = new Map<string, bigint>();
    for (let i = 0; i < 2000; i++) rows.set(`row-${i}`, digestOf(`v${i}`));
    const a = treeOf(rows);
    const b = treeOf(rows);
    expect(diffTrees(a, b)).toEqual({ segments: [], comparisons: 1 });
    b.put(key('row-1234'), digestOf('changed', 2), digestOf('v1234'));
    const diff = diffTrees(a, b);
    expect(diff.segments).toEqual([segmentOf(key('row-1234'))]);
    expect(diff.comparisons).toBe(1 + MERKLE_DEPTH * MERKLE_FANOUT);
    // Symmetric.
    expect(diffTrees(b, a).segments).toEqual(diff.segments);
    // A missing row is found the same way.
    const c = treeOf(rows);
    c.remove(key('row-77'), digestOf('v77'));
    expect(diffTrees(a, c).segments).toEqual([segmentOf(key('row-77'))]);
  });

  it('equals a from-scratch rebuild after any sequence of incremental updates', () => {
    const op = fc.record({ k: fc.integer({ min: 0, max: 40 }), v: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const rows = new Map<string, bigint>();
        const t = new MerkleTree();
        for (const { k, v } of ops) {
          const name = `k${k}`;
          const previous = rows.get(name);
          if (v === null) {
            if (previous !== undefined) {
              t.remove(key(name), previous);
              rows.delete(name);
            }
          } else {
            const d = digestOf(`v${v}`, v + 1);
            t.put(key(name), d, previous);
            rows.set(name, d);
          }
          // Reading mid-way must not disturb lazy recomputation.
          if (k % 7 === 0) t.root();
        }
        expect(t.root()).toBe(treeOf(rows).root());
        expect(diffTrees(t, treeOf(rows)).segments).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('serialises its leaves compactly and restores them, refusing damaged bytes', () => {
    const rows = new Map<string, bigint>();
    for (let i = 0; i < 300; i++) rows.set(`r${i}`, digestOf(`${i}`));
    const t = treeOf(rows);
    const bytes = t.serializeLeaves();
    expect(bytes.length).toBe(MERKLE_SERIALIZED_BYTES);
    expect(MERKLE_SERIALIZED_BYTES).toBe(MERKLE_SEGMENTS * 8 + 16);
    const restored = MerkleTree.fromLeaves(bytes);
    expect(restored.root()).toBe(t.root());
    // The restored tree keeps working incrementally.
    restored.remove(key('r5'), digestOf('5'));
    t.remove(key('r5'), digestOf('5'));
    expect(restored.root()).toBe(t.root());
    const flipped = bytes.slice();
    flipped[100] = flipped[100]! ^ 1;
    for (const bad of [bytes.subarray(1), flipped, Uint8Array.from([0, ...bytes.subarray(1)])]) {
      let thrown: unknown;
      try {
        MerkleTree.fromLeaves(bad);
      } catch (e) {
        thrown = e;
      }
      expect((thrown as EonError).code).toBe('replica_data_corrupted');
    }
  });

  it('clone is independent', () => {
    const t = new MerkleTree();
    t.put(key('a'), 1n);
    const c = t.clone();
    expect(c.root()).toBe(t.root());
    c.put(key('b'), 2n);
    expect(c.root()).not.toBe(t.root());
  });

  it('MerkleWalk refuses replies that do not fit the request', () => {
    const walk = new MerkleWalk(new MerkleTree());
    const req = walk.start();
    expect(() => walk.next(req, [])).toThrow(EonError);
    expect(() => walk.next(req, [-1n])).toThrow(EonError);
    expect(() => walk.next(req, [1n << 64n])).toThrow(EonError);
    expect(() => walk.next({ level: 0, indices: [3] }, [0n])).toThrow(EonError);
  });

  it('diff then repair of the differing segments makes two replicas equal (property)', () => {
    const op = fc.record({
      replica: fc.constantFrom(0, 1, 2),
      k: fc.integer({ min: 0, max: 300 }),
      v: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null, freq: 4 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        // replica 2 means "both", as a replicated write that reached every replica.
        const rows = [new Map<string, bigint>(), new Map<string, bigint>()];
        const trees = [new MerkleTree(), new MerkleTree()];
        for (const { replica, k, v } of ops) {
          for (const r of replica === 2 ? [0, 1] : [replica]) {
            const name = `k${k}`;
            const previous = rows[r]!.get(name);
            if (v === null) {
              if (previous === undefined) continue;
              trees[r]!.remove(key(name), previous);
              rows[r]!.delete(name);
            } else {
              const d = digestOf(`v${v}`);
              trees[r]!.put(key(name), d, previous);
              rows[r]!.set(name, d);
            }
          }
        }
        const [a, b] = trees as [MerkleTree, MerkleTree];
        const [ra, rb] = rows as [Map<string, bigint>, Map<string, bigint>];
        const { segments } = diffTrees(a, b);
        const differingKeys = new Set([...ra.keys(), ...rb.keys()].filter((k) => ra.get(k) !== rb.get(k)));
        // Every differing key lies in a reported segment; no reported segment is clean.
        const segs = new Set(segments);
        for (const k of differingKeys) expect(segs.has(segmentOf(key(k)))).toBe(true);
        expect(segs.size).toBe(new Set([...differingKeys].map((k) => segmentOf(key(k)))).size);
        // Repair: the storage exchanges the keys of each differing segment; union, greater digest wins.
        for (const seg of segments) {
          const keys = new Set([...ra.keys(), ...rb.keys()].filter((k) => segmentOf(key(k)) === seg));
          for (const k of keys) {
            const da = ra.get(k);
            const db = rb.get(k);
            const winner = da === undefined ? db! : db === undefined ? da : da > db ? da : db;
            if (da !== winner) {
              a.put(key(k), winner, da);
              ra.set(k, winner);
            }
            if (db !== winner) {
              b.put(key(k), winner, db);
              rb.set(k, winner);
            }
          }
        }
        expect(a.root()).toBe(b.root());
        expect(diffTrees(a, b).segments).toEqual([]);
        expect(a.root()).toBe(treeOf(ra).root());
      }),
      { numRuns: 150 },
    );
  });
});
