import { describe, expect, it } from 'vitest';
import { checkRegisterHistory, runConsensusChaos, type ChaosOperation } from '../../../../src/cluster/consensus/chaos.js';

/** A longer hunt is one command: CONSENSUS_CHAOS_SEEDS=2000 npx vitest run test/unit/cluster/consensus/chaos.test.ts */
const SEEDS = Number(process.env.CONSENSUS_CHAOS_SEEDS ?? 30);
const FIRST_SEED = Number(process.env.CONSENSUS_CHAOS_FIRST_SEED ?? 1);

function sum(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

describe('consensus under chaos', () => {
  it(`is safe and linearizable over ${SEEDS} seeds (3–5 acceptors, 3–6 proposers, lossy network, partitions, pauses, crashes)`, () => {
    const totals: Record<string, number> = {};
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      const res = runConsensusChaos(seed);
      expect(res.violations, `replay: runConsensusChaos(${seed})`).toEqual([]);
      sum(totals, res.counts);
    }
    // The faults and every kind of answer really happened.
    for (const k of ['crashes', 'partitions', 'pauses', 'applied', 'rejected', 'current', 'unavailable', 'indeterminate']) {
      expect(totals[k] ?? 0, `${k} in ${JSON.stringify(totals)}`).toBeGreaterThan(0);
    }
  }, Math.max(30_000, SEEDS * 300));

  it('is safe with six proposers on one hot key over five acceptors', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const res = runConsensusChaos(seed, { acceptors: 5, proposers: 6, keys: 1, opsPerProposer: 10 });
      expect(res.violations, `replay: runConsensusChaos(${seed}, { acceptors: 5, proposers: 6, keys: 1, opsPerProposer: 10 })`).toEqual([]);
      expect(res.counts.applied ?? 0).toBeGreaterThan(0);
    }
  }, 30_000);

  it('converges without faults and with every operation answered definitely or honestly', () => {
    const res = runConsensusChaos(5, { faults: false });
    expect(res.violations).toEqual([]);
    expect(res.history.every((op) => op.outcome !== null)).toBe(true);
  });

  it('replays a seed exactly', () => {
    const a = runConsensusChaos(17);
    const b = runConsensusChaos(17);
    expect(b.history).toEqual(a.history);
    expect(b.counts).toEqual(a.counts);
  });
});

describe('checkRegisterHistory', () => {
  const chosen = new Map([['k', new Map([[1, 'x'], [2, 'y']])]]);
  const op = (o: Partial<ChaosOperation> & Pick<ChaosOperation, 'outcome' | 'invokedAt' | 'respondedAt'>): ChaosOperation => ({
    proposer: 'p',
    key: 'k',
    kind: o.outcome?.kind === 'current' ? 'read' : 'cas',
    expected: 0,
    value: null,
    ...o,
  });

  it('accepts a linearizable history', () => {
    const h = [
      op({ expected: 0, value: 'x', outcome: { kind: 'applied', version: 1 }, invokedAt: 1, respondedAt: 2 }),
      op({ outcome: { kind: 'current', current: { version: 1, value: 'x' } }, invokedAt: 3, respondedAt: 4 }),
      op({ expected: 1, value: 'y', outcome: { kind: 'applied', version: 2 }, invokedAt: 5, respondedAt: 8 }),
      // Concurrent with the write: either version is fine.
      op({ outcome: { kind: 'current', current: { version: 1, value: 'x' } }, invokedAt: 6, respondedAt: 7 }),
    ];
    expect(checkRegisterHistory(h, chosen)).toEqual([]);
  });

  it('catches a stale read, an unchosen value and a forked chain', () => {
    const h = [
      op({ expected: 0, value: 'x', outcome: { kind: 'applied', version: 1 }, invokedAt: 1, respondedAt: 2 }),
      op({ outcome: { kind: 'current', current: { version: 0, value: null } }, invokedAt: 3, respondedAt: 4 }),
      op({ outcome: { kind: 'current', current: { version: 2, value: 'z' } }, invokedAt: 5, respondedAt: 6 }),
      op({ expected: 0, value: 'w', outcome: { kind: 'applied', version: 1 }, invokedAt: 7, respondedAt: 8 }),
    ];
    const v = checkRegisterHistory(h, chosen).join('\n');
    expect(v).toMatch(/older than 1/);
    expect(v).toMatch(/not a chosen value/);
    expect(v).toMatch(/second applied CAS on version 0/);
  });
});
