import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  claim, decodeRing, encodeRing, partitionsMoved, preferenceList, replicaSet,
} from '../../../../src/cluster/ring/index.js';
import type { RingState } from '../../../../src/cluster/ring/index.js';

const pool = Array.from({ length: 24 }, (_, i) => `node-${String.fromCharCode(97 + i)}`);

/** One change: a node joins (or changes weight) or leaves. */
type Step = { readonly kind: 'join'; readonly node: number; readonly weight: number } | { readonly kind: 'leave'; readonly node: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), node: fc.nat(pool.length - 1), weight: fc.constantFrom(1, 1, 1, 2, 3) }),
  fc.record({ kind: fc.constant('leave' as const), node: fc.nat(pool.length - 1) }),
);

function checkBalanced(ring: RingState, members: ReadonlyMap<string, number>): void {
  const total = [...members.values()].reduce((a, b) => a + b, 0);
  const counts = ring.ownedCounts();
  for (const [id, w] of members) {
    const share = (ring.partitions * w) / total;
    const c = counts.get(id)!;
    expect(c).toBeGreaterThanOrEqual(Math.floor(share + 1e-9));
    expect(c).toBeLessThanOrEqual(Math.ceil(share - 1e-9));
  }
  for (const owner of ring.owners) expect(members.has(owner)).toBe(true);
}

describe('claim properties', () => {
  it('random join/leave sequences keep every partition owned by a member, within one of its share', () => {
    fc.assert(
      fc.property(fc.constantFrom(8, 16, 64, 256), fc.array(step, { minLength: 1, maxLength: 25 }), (q, steps) => {
        const members = new Map<string, number>([[pool[0]!, 1]]);
        let ring = claim(null, members, q);
        for (const s of steps) {
          const id = pool[s.node]!;
          if (s.kind === 'join') members.set(id, s.weight);
          else if (members.size > 1) members.delete(id);
          const before = ring;
          ring = claim(ring, members);
          checkBalanced(ring, members);
          expect(ring.version).toBe(ring === before ? before.version : before.version + 1);
          // Idempotent: claiming again with the same members changes nothing.
          expect(claim(ring, members)).toBe(ring);
        }
      }),
      { numRuns: 60, seed: 20261207 },
    );
  });

  it('a single join or leave moves no more than twice the ideal', () => {
    fc.assert(
      fc.property(fc.constantFrom(64, 128, 256), fc.integer({ min: 2, max: 20 }), fc.boolean(), (q, n, leave) => {
        const ids = pool.slice(0, n);
        let ring = claim(null, new Map([[ids[0]!, 1]]), q);
        for (let k = 2; k <= n; k++) ring = claim(ring, new Map(ids.slice(0, k).map((id) => [id, 1])));
        const next = leave ? ids.slice(1) : pool.slice(0, n + 1);
        const after = claim(ring, new Map(next.map((id) => [id, 1])));
        const ideal = leave ? ring.ownedCounts().get(ids[0]!)! : q / (n + 1);
        expect(partitionsMoved(ring, after)).toBeLessThanOrEqual(2 * ideal);
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('is deterministic: the same steps give the same ring, however the member maps were built', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 15 }), (steps) => {
        const members = new Map<string, number>([[pool[0]!, 1]]);
        let a = claim(null, members, 64);
        let b = claim(null, members, 64);
        for (const s of steps) {
          const id = pool[s.node]!;
          if (s.kind === 'join') members.set(id, s.weight);
          else if (members.size > 1) members.delete(id);
          a = claim(a, members);
          b = claim(b, new Map([...members].reverse()));
          expect(b.owners).toEqual(a.owners);
        }
      }),
      { numRuns: 40, seed: 11 },
    );
  });

  it('serialisation round-trips any claimed ring', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(pool.length - 1), { minLength: 1, maxLength: 12 }), fc.constantFrom(8, 32, 128), (nodes, q) => {
        const ring = claim(null, new Map(nodes.map((i) => [pool[i]!, 1 + (i % 3)])), q);
        const back = decodeRing(JSON.parse(JSON.stringify(encodeRing(ring))));
        expect(back.kind).toBe('ring');
        if (back.kind === 'ring') expect(back.ring.owners).toEqual(ring.owners);
      }),
      { numRuns: 40, seed: 3 },
    );
  });

  it('preference lists hold distinct nodes, and fallbacks are up nodes outside the replica set', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(63),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (n, replicas, partition, up) => {
          const ids = pool.slice(0, n);
          const ring = claim(null, new Map(ids.map((id) => [id, 1])), 64);
          const isUp = (id: string): boolean => up[ids.indexOf(id)]!;
          const list = preferenceList(ring, partition, replicas, isUp);
          expect(list.replicas).toEqual(replicaSet(ring, partition, replicas));
          expect(list.replicas).toHaveLength(Math.min(replicas, n));
          expect(new Set(list.replicas).size).toBe(list.replicas.length);
          expect(list.primaries).toEqual(list.replicas.filter(isUp));
          const down = list.replicas.filter((r) => !isUp(r));
          const upOutside = ids.filter((id) => isUp(id) && !list.replicas.includes(id)).length;
          expect(list.fallbacks).toHaveLength(Math.min(down.length, upOutside));
          list.fallbacks.forEach((f, i) => {
            expect(isUp(f.node)).toBe(true);
            expect(list.replicas).not.toContain(f.node);
            expect(f.standsInFor).toBe(down[i]);
          });
          expect(new Set(list.fallbacks.map((f) => f.node)).size).toBe(list.fallbacks.length);
        },
      ),
      { numRuns: 100, seed: 5 },
    );
  });
});
