// The kv suite: its zipfian key chooser has YCSB's skew, a small run on eon and PostgreSQL
// reports all workloads with both engines agreeing, and `--nodes 3` runs eon alone and as a
// local three-node cluster in the same report.
import { describe, expect, it } from 'vitest';
import { ScrambledZipfian } from '../../bench/suites/kv.js';
import { runSuite, runFailure } from './run-bench.js';

const smokeTimeoutMs = 120_000;
/** Three more processes to start and settle, and every workload run twice over. */
const clusterSmokeTimeoutMs = 180_000;

describe('ScrambledZipfian', () => {
  it('stays in range, is deterministic per seed, and concentrates on a few hot keys', () => {
    const items = 10_000;
    const a = new ScrambledZipfian(items, 7);
    const b = new ScrambledZipfian(items, 7);
    const counts = new Map<number, number>();
    for (let i = 0; i < 100_000; i++) {
      const k = a.next();
      expect(k).toBe(b.next());
      expect(k >= 0 && k < items).toBe(true);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const sorted = [...counts.values()].sort((x, y) => y - x);
    // With theta 0.99 over 10,000 items the hottest key takes about 10% of draws and the top 1% of keys over half.
    expect(sorted[0]! / 100_000).toBeGreaterThan(0.05);
    expect(sorted.slice(0, items / 100).reduce((s, n) => s + n, 0) / 100_000).toBeGreaterThan(0.4);
    // Scrambled: the hottest keys are not the first ones.
    const hottest = [...counts.entries()].sort((x, y) => y[1] - x[1]).slice(0, 5).map(([k]) => k);
    expect(hottest.some((k) => k > 100)).toBe(true);
  });
});

describe('bench kv smoke', () => {
  it(
    'runs workloads A, B, C (and C over REST) on eon and postgres, and both hold every row',
    async () => {
      const { run, report, files } = await runSuite(['kv', '--rows', '3000', '--engines', 'eon,postgres'], smokeTimeoutMs - 5_000);
      expect(run.code, runFailure(run)).toBe(0);
      expect(files.filter((f) => f.startsWith('kv-')).map((f) => f.slice(f.lastIndexOf('.'))).sort()).toEqual(['.json', '.md', '.svg']);
      expect(run.stdout).toContain('All engines agree.');
      const engines = (report as { data: { engines: { name: string; workloads: Record<string, { ops: number }> }[] } }).data.engines;
      const eon = engines.find((e) => e.name === 'eon');
      const pg = engines.find((e) => e.name === 'postgres');
      expect(Object.keys(eon?.workloads ?? {}).sort()).toEqual(['A', 'B', 'C', 'C over REST']);
      expect(Object.keys(pg?.workloads ?? {}).sort()).toEqual(['A', 'B', 'C']);
      // That each workload ran and counted operations; how fast is the bench's to report, not a test's.
      for (const w of Object.values(eon!.workloads)) expect(w.ops).toBeGreaterThan(0);
    },
    smokeTimeoutMs,
  );

  it(
    'with --nodes 3 runs eon alone and as a three-node cluster, both holding every row',
    async () => {
      const { run, report } = await runSuite(['kv', '--rows', '2000', '--seconds', '1', '--nodes', '3', '--engines', 'eon'], clusterSmokeTimeoutMs - 5_000);
      expect(run.code, runFailure(run)).toBe(0);
      expect(run.stdout).toContain('All engines agree.');
      expect(run.stdout).toContain('cost vs eon 1 node');
      const engines = (report as { data: { engines: { label: string; nodes: number; workloads: Record<string, { ops: number; seconds: number }> }[] } }).data.engines;
      expect(engines.map((e) => [e.label, e.nodes])).toEqual([['eon, 1 node', 1], ['eon, 3 nodes', 3]]);
      for (const e of engines) {
        expect(Object.keys(e.workloads).sort()).toEqual(['A', 'B', 'C', 'C over REST']);
        for (const w of Object.values(e.workloads)) {
          expect(w.ops).toBeGreaterThan(0);
          expect(w.seconds).toBeLessThan(3);
        }
      }
    },
    clusterSmokeTimeoutMs,
  );
});
