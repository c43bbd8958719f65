// Coverage plans: which replica reads each partition of a statement's table.
import { describe, expect, it } from 'vitest';
import { coverageCost, coveragePlan, type CoverageInput } from '../../../../src/cluster/fragments/index.js';

/** Partition p's replicas: n nodes of `nodes`, starting at p mod |nodes| (a simple ring). */
function ring(nodes: string[], partitions: number, n: number, up: (node: string) => boolean = () => true, self = nodes[0]!, suspect = new Set<string>()): CoverageInput {
  return {
    self,
    partitions,
    replicasOf: (p) => Array.from({ length: n }, (_, i) => nodes[(p + i) % nodes.length]!),
    usable: (node) => (!up(node) ? false : suspect.has(node) ? 'suspect' : 'alive'),
  };
}

function counts(plan: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of plan) out[n] = (out[n] ?? 0) + 1;
  return out;
}

describe('coveragePlan', () => {
  it('local: this node reads every partition it serves; the rest are balanced over the others', () => {
    const plan = coveragePlan(ring(['a', 'b', 'c', 'd'], 64, 2), 't', 'local');
    expect(plan).toHaveLength(64);
    plan.forEach((node, p) => expect(ring(['a', 'b', 'c', 'd'], 64, 2).replicasOf(p)).toContain(node));
    const c = counts(plan);
    expect(c['a']).toBe(32); // a serves p ≡ 0 and p ≡ 3 (mod 4)
    expect(Math.abs((c['b'] ?? 0) - (c['c'] ?? 0))).toBeLessThanOrEqual(16);
  });

  it('local on a node serving everything reads everything here', () => {
    expect(new Set(coveragePlan(ring(['a', 'b', 'c'], 64, 3), 't', 'local'))).toEqual(new Set(['a']));
  });

  it('weighs each node\'s share by its gossiped load average', () => {
    expect(coverageCost(undefined)).toBe(1);
    expect(coverageCost({ load: 0 })).toBe(1);
    expect(coverageCost({ load: 3 })).toBe(4);
    // c is three times as busy as a and b: it reads about a seventh of the partitions (1/3 over 1 + 1 + 1/3).
    const busy: CoverageInput = { ...ring(['a', 'b', 'c'], 64, 3), cost: (n) => (n === 'c' ? 3 : 1) };
    const c = counts(coveragePlan(busy, 't', 'spread'));
    expect(c['c']).toBeGreaterThanOrEqual(8);
    expect(c['c']).toBeLessThanOrEqual(11);
    expect(Math.abs(c['a']! - c['b']!)).toBeLessThanOrEqual(1);
    // Under local this node still reads what it serves, however busy.
    expect(new Set(coveragePlan({ ...busy, self: 'c' }, 't', 'local'))).toEqual(new Set(['c']));
  });

  it('spread balances every partition over all replicas', () => {
    const c = counts(coveragePlan(ring(['a', 'b', 'c'], 64, 3), 't', 'spread'));
    expect(Object.keys(c).sort()).toEqual(['a', 'b', 'c']);
    for (const n of Object.values(c)) expect(n === 21 || n === 22).toBe(true);
  });

  it('never picks a node that is down or that failed the statement', () => {
    const plan = coveragePlan(ring(['a', 'b', 'c', 'd'], 32, 3, (n) => n !== 'b'), 't', 'spread', new Set(['c']));
    expect(new Set(plan)).toEqual(new Set(['a', 'd']));
  });

  it('asks a suspect replica only when no alive one is left', () => {
    const plan = coveragePlan(ring(['a', 'b', 'c'], 30, 2, () => true, 'a', new Set(['b'])), 't', 'spread');
    // Partitions 0 (a, b) and 2 (c, a) have an alive pair; partition 1 (b, c): c.
    expect(plan.includes('b')).toBe(false);
    const onlySuspect = coveragePlan(ring(['a', 'b', 'c'], 30, 1, () => true, 'a', new Set(['b'])), 't', 'spread');
    expect(onlySuspect[1]).toBe('b');
  });

  it('prefers replicas holding every write this node coordinated to the partition', () => {
    const input = { ...ring(['a', 'b', 'c'], 30, 3), lagging: (p: number, node: string) => node === 'c' && p % 2 === 0 };
    const plan = coveragePlan(input, 't', 'spread');
    plan.forEach((node, p) => {
      if (p % 2 === 0) expect(node).not.toBe('c');
    });
    expect(plan.includes('c')).toBe(true);
  });

  it('fails with 57P03 naming the partition left without a readable replica', () => {
    const input = ring(['a', 'b', 'c'], 30, 1, (n) => n !== 'b');
    expect(() => coveragePlan(input, 'orders', 'local')).toThrow(expect.objectContaining({ sqlstate: '57P03', message: expect.stringMatching(/partition 1 of table "orders"/) }));
  });
});
