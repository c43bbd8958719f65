import { describe, expect, it } from 'vitest';
import { runNameChecker, type NameCheckerOptions } from './name-checker.js';

/** A longer hunt is one command: NAMESTORE_CHECKER_SEEDS=500 npx vitest run test/unit/namestore/name-checker.test.ts */
const SEEDS = Number(process.env.NAMESTORE_CHECKER_SEEDS ?? 10);
const FIRST_SEED = Number(process.env.NAMESTORE_CHECKER_FIRST_SEED ?? 1);

function hunt(opts: NameCheckerOptions): Record<string, number> {
  const totals: Record<string, number> = {};
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    const res = runNameChecker(seed, opts);
    expect(res.violations, `replay: runNameChecker(${seed}, ${JSON.stringify(opts)})`).toEqual([]);
    for (const [k, n] of Object.entries(res.counts)) totals[k] = (totals[k] ?? 0) + n;
  }
  return totals;
}

describe('the namestore under a lossy network, partitions, pauses and minority crashes', () => {
  it(`gives each name at most one holder, agreed by every node, over ${SEEDS} seeds with 3 replicas`, () => {
    const totals = hunt({ nodes: 3 });
    // The races and the faults really happened.
    for (const k of ['registered', 'taken', 'crashes', 'partitions', 'pauses', 'unavailable', 'check-taken']) {
      expect(totals[k] ?? 0, `${k} in ${JSON.stringify(totals)}`).toBeGreaterThan(0);
    }
  }, 30_000);

  it(`does the same with 5 replicas over ${SEEDS} seeds`, () => {
    const totals = hunt({ nodes: 5 });
    for (const k of ['registered', 'taken', 'crashes', 'partitions', 'pauses']) {
      expect(totals[k] ?? 0, `${k} in ${JSON.stringify(totals)}`).toBeGreaterThan(0);
    }
  }, 30_000);

  it(`does the same with 5 replicas out of 7 nodes (a different replica set per partition) over ${SEEDS} seeds`, () => {
    const totals = hunt({ nodes: 7 });
    expect(totals.registered ?? 0).toBeGreaterThan(0);
    expect(totals.crashes ?? 0).toBeGreaterThan(0);
  }, 30_000);

  it('resolves unknown outcomes by retrying with the same idempotency key', () => {
    const totals = hunt({ nodes: 5, clientsPerNode: 3, names: 2 });
    expect((totals.indeterminate ?? 0) + (totals.abandoned ?? 0), JSON.stringify(totals)).toBeGreaterThan(0);
    expect(totals.resolved ?? 0).toBeGreaterThan(0);
  }, 30_000);

  it('answers every request definitely without faults', () => {
    const res = runNameChecker(3, { nodes: 3, faults: false });
    expect(res.violations).toEqual([]);
    expect(res.counts.unavailable ?? 0).toBe(0);
    expect(res.counts.registered ?? 0).toBeGreaterThan(0);
  });

  it('replays a seed exactly', () => {
    expect(runNameChecker(11, { nodes: 5 })).toEqual(runNameChecker(11, { nodes: 5 }));
  });
});
