import { describe, expect, it } from 'vitest';
import {
  RING_FORMAT_VERSION, RingState, claim, decodeRing, encodeRing, partitionsMoved, sameAssignment,
} from '../../../../src/cluster/ring/index.js';
import type { RingJson } from '../../../../src/cluster/ring/index.js';

const weights = (...ids: string[]): Map<string, number> => new Map(ids.map((id) => [id, 1]));

describe('RingState', () => {
  it('answers owners, per-node partitions and counts', () => {
    const ring = claim(null, new Map([['b', 1], ['a', 1], ['c', 2]]), 16);
    expect(ring.partitions).toBe(16);
    expect(ring.nodes).toEqual(['a', 'b', 'c']);
    expect(ring.weightOf('c')).toBe(2);
    expect(ring.weightOf('zz')).toBeUndefined();
    const counts = ring.ownedCounts();
    expect([...counts.values()].reduce((x, y) => x + y, 0)).toBe(16);
    expect(counts.get('c')).toBe(8);
    for (const id of ring.nodes) {
      const owned = ring.partitionsOwnedBy(id);
      expect(owned.length).toBe(counts.get(id));
      for (const p of owned) expect(ring.ownerOf(p)).toBe(id);
    }
    expect(ring.ownerCount()).toBe(3);
    expect(() => ring.ownerOf(16)).toThrow();
  });

  it('is immutable', () => {
    const ring = claim(null, weights('a', 'b'), 8);
    expect(Object.isFrozen(ring.owners)).toBe(true);
    expect(() => (ring.owners as string[]).push('x')).toThrow();
  });

  it('refuses broken invariants', () => {
    const m = weights('a');
    expect(() => new RingState(12, new Array(12).fill('a'), m, 1)).toThrow(/ring size/);
    expect(() => new RingState(8, new Array(7).fill('a'), m, 1)).toThrow(/owners/);
    expect(() => new RingState(8, new Array(8).fill('b'), m, 1)).toThrow(/non-member/);
    expect(() => new RingState(8, new Array(8).fill('a'), new Map(), 1)).toThrow(/member/);
    expect(() => new RingState(8, new Array(8).fill('a'), new Map([['a', 0]]), 1)).toThrow(/weight/);
    expect(() => new RingState(8, new Array(8).fill('a'), m, -1)).toThrow(/version/);
  });

  it('counts moved partitions and compares assignments', () => {
    const a = claim(null, weights('a', 'b'), 8);
    const b = claim(a, weights('a', 'b', 'c'));
    expect(partitionsMoved(a, a)).toBe(0);
    expect(partitionsMoved(a, b)).toBeGreaterThan(0);
    expect(sameAssignment(a, b)).toBe(false);
    expect(sameAssignment(a, new RingState(8, a.owners, a.members, 99))).toBe(true);
  });
});

describe('ring JSON', () => {
  it('round-trips through JSON text', () => {
    const ring = claim(claim(null, new Map([['n1', 1], ['n2', 2], ['n3', 1.5]]), 64), new Map([['n1', 1], ['n2', 2], ['n3', 1.5], ['n4', 1]]));
    const text = JSON.stringify(encodeRing(ring));
    const decoded = decodeRing(JSON.parse(text));
    expect(decoded.kind).toBe('ring');
    if (decoded.kind !== 'ring') return;
    expect(decoded.ring.owners).toEqual(ring.owners);
    expect([...decoded.ring.members]).toEqual([...ring.members]);
    expect(decoded.ring.version).toBe(ring.version);
    expect(decoded.ring.partitions).toBe(64);
  });

  it('stores owners as member indexes', () => {
    const json = encodeRing(claim(null, weights('x', 'y'), 8));
    expect(json.format).toBe(RING_FORMAT_VERSION);
    expect(json.members).toEqual([{ id: 'x', weight: 1 }, { id: 'y', weight: 1 }]);
    expect(json.owners).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
  });

  it('refuses malformed input without throwing', () => {
    const good: RingJson = encodeRing(claim(null, weights('x', 'y'), 8));
    const bad: unknown[] = [
      null, 42, 'ring', [], {},
      { ...good, format: 2 },
      { ...good, partitions: 12 },
      { ...good, partitions: '8' },
      { ...good, version: -1 },
      { ...good, version: 1.5 },
      { ...good, members: [] },
      { ...good, members: 'x' },
      { ...good, members: [{ id: 'x', weight: 1 }, { id: 'x', weight: 1 }] },
      { ...good, members: [{ id: '', weight: 1 }, { id: 'y', weight: 1 }] },
      { ...good, members: [{ id: 'x', weight: 0 }, { id: 'y', weight: 1 }] },
      { ...good, members: [{ id: 'x', weight: Infinity }, { id: 'y', weight: 1 }] },
      { ...good, members: [{ id: 'x' }, { id: 'y', weight: 1 }] },
      { ...good, members: [{ id: 'x'.repeat(300), weight: 1 }, { id: 'y', weight: 1 }] },
      { ...good, owners: good.owners.slice(1) },
      { ...good, owners: [...good.owners.slice(1), 2] },
      { ...good, owners: [...good.owners.slice(1), -1] },
      { ...good, owners: [...good.owners.slice(1), 0.5] },
      { ...good, owners: [...good.owners.slice(1), '0'] },
      { ...good, owners: undefined },
    ];
    for (const input of bad) {
      const r = decodeRing(input);
      expect(r.kind, JSON.stringify(input)?.slice(0, 80)).toBe('invalid');
      if (r.kind === 'invalid') expect(r.reason.length).toBeGreaterThan(0);
    }
    expect(decodeRing(good).kind).toBe('ring');
  });
});
