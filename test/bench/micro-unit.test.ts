// Pure parts of the bench: argument parsing, statistics, the seeded generator, answer comparison and report rendering.

import { describe, expect, it } from 'vitest';
import { gDistinct, kDistinct, microExpected, microRow, microValuesSql, vRange } from '../../bench/data/micro-table.js';
import { BenchUsageError, parseBenchArgs } from '../../bench/main.js';
import { costRatio, formatNumber, machineInfo, renderJson, renderMarkdown } from '../../bench/report.js';
import type { SuiteReport } from '../../bench/report.js';
import { median, minimum, percentile } from '../../bench/stats.js';
import { numbersAgree } from '../../bench/agreement.js';
import { compareGroups, floatRelativeTolerance } from '../../bench/suites/micro.js';

describe('parseBenchArgs', () => {
  it('applies suite defaults', () => {
    const cmd = parseBenchArgs(['micro']);
    if (cmd === 'help') throw new Error('unexpected help');
    expect(cmd.suite.name).toBe('micro');
    expect(cmd.options).toEqual({ rows: 10_000_000, engines: ['eon', 'duckdb', 'postgres'], runs: 5, seed: 42, loadConnections: 4, sf: 1, queryTimeoutSeconds: 300, nodes: 1 });
    expect(cmd.outDir.endsWith('/bench/results')).toBe(true);
  });

  it('reads every option', () => {
    const cmd = parseBenchArgs(['micro', '--rows', '1_000', '--engines', 'postgres,eon', '--runs', '3', '--out', '/tmp/x', '--seed', '7', '--load-connections', '2', '--sf', '0.1', '--nodes', '1', '--query-timeout', '60']);
    if (cmd === 'help') throw new Error('unexpected help');
    expect(cmd.options).toEqual({ rows: 1000, engines: ['postgres', 'eon'], runs: 3, seed: 7, loadConnections: 2, sf: 0.1, queryTimeoutSeconds: 60, nodes: 1 });
    const kv = parseBenchArgs(['kv', '--nodes', '3', '--seconds', '10', '--rows', '100000']);
    if (kv === 'help') throw new Error('unexpected help');
    expect([kv.options.nodes, kv.options.seconds, kv.options.rows]).toEqual([3, 10, 100_000]);
    expect(cmd.outDir).toBe('/tmp/x');
    const tpch = parseBenchArgs(['tpch', '--nodes', '3', '--queries', '6,q1,6, 14']);
    if (tpch === 'help') throw new Error('unexpected help');
    expect([tpch.options.nodes, tpch.options.queries]).toEqual([3, [6, 1, 14]]);
  });

  it('rejects bad input with a usage error', () => {
    expect(() => parseBenchArgs([])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['nosuch'])).toThrow(/unknown suite 'nosuch'/);
    expect(() => parseBenchArgs(['micro', '--engines', 'oracle'])).toThrow(/unknown engine 'oracle'/);
    expect(() => parseBenchArgs(['micro', '--rows', '0'])).toThrow(/--rows/);
    expect(() => parseBenchArgs(['micro', '--runs', 'x'])).toThrow(/--runs/);
    expect(() => parseBenchArgs(['micro', '--bogus'])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['tpch', '--sf', '0'])).toThrow(/--sf/);
    expect(() => parseBenchArgs(['tpch', '--sf', 'big'])).toThrow(/--sf/);
    expect(() => parseBenchArgs(['micro', '--nodes', '3'])).toThrow(/single node/);
    expect(() => parseBenchArgs(['kv', '--nodes', '8'])).toThrow(/--nodes must be at most 7/);
    expect(() => parseBenchArgs(['kv', '--seconds', '0'])).toThrow(/--seconds/);
    expect(() => parseBenchArgs(['tpch', '--queries', '23'])).toThrow(/--queries: '23' is not a query number from 1 to 22/);
    expect(() => parseBenchArgs(['tpch', '--queries', ','])).toThrow(/--queries names no query/);
    expect(() => parseBenchArgs(['micro', '--queries', '1'])).toThrow(/has no numbered queries/);
    expect(parseBenchArgs(['--help'])).toBe('help');
  });
});

describe('stats', () => {
  it('computes median, minimum and nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(minimum([3, 1, 2])).toBe(1);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('micro table generator', () => {
  it('is deterministic per seed and within the declared ranges', () => {
    expect(microRow(42, 123)).toEqual(microRow(42, 123));
    expect(microRow(42, 123)).not.toEqual(microRow(43, 123));
    const ks = new Set<string>();
    const gs = new Set<number>();
    let above = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const r = microRow(1, i);
      expect(r.id).toBe(i + 1);
      expect(r.v).toBeGreaterThanOrEqual(0);
      expect(r.v).toBeLessThan(vRange);
      // Six decimals: the SQL/CSV text of v is exact in every engine.
      expect(Math.round(r.v * 1e6) / 1e6).toBe(r.v);
      ks.add(r.k);
      gs.add(r.g);
      if (r.v > vRange / 2) above++;
    }
    expect(ks.size).toBe(kDistinct);
    expect(gs.size).toBe(gDistinct);
    expect(above / n).toBeGreaterThan(0.47);
    expect(above / n).toBeLessThan(0.53);
  });

  it('renders VALUES text and the expected answers consistently', () => {
    const r0 = microRow(5, 0);
    const r1 = microRow(5, 1);
    expect(microValuesSql(5, 0, 2)).toBe(`(1,'${r0.k}',${r0.v},${r0.g}),(2,'${r1.k}',${r1.v},${r1.g})`);
    const { q1, q2 } = microExpected(5, 1000, 500, 100);
    const total = q1.reduce((a, g) => a + g.count, 0);
    let direct = 0;
    for (let i = 0; i < 1000; i++) if (microRow(5, i).v > 500) direct++;
    expect(total).toBe(direct);
    expect(q2).toBeGreaterThan(0);
    expect(q2).toBeLessThan(total);
  });
});

describe('answer comparison', () => {
  it('accepts float sums within 1e-9 relative and exact counts only', () => {
    expect(numbersAgree(1e6, 1e6 * (1 + 5e-10), floatRelativeTolerance)).toBe(true);
    expect(numbersAgree(1e6, 1e6 * (1 + 5e-9), floatRelativeTolerance)).toBe(false);
    expect(numbersAgree(0, 0, floatRelativeTolerance)).toBe(true);
    const want = [{ k: 'k00', sum: 10.5, count: 2 }];
    expect(compareGroups([{ k: 'k00', sum: 10.5 + 1e-12, count: 2 }], want)).toEqual([]);
    expect(compareGroups([{ k: 'k00', sum: 10.5, count: 3 }], want)).toHaveLength(1);
    expect(compareGroups([], want)).toEqual(['0 groups, expected 1', 'group k00 missing']);
  });
});

describe('report', () => {
  it('formats ratios and numbers', () => {
    expect(costRatio(2, 1)).toBe('2×');
    expect(costRatio(1, 4)).toBe('0.25×');
    expect(costRatio(undefined, 1)).toBe('–');
    expect(formatNumber(123456.7)).toBe('123,457');
    expect(formatNumber(0.012345)).toBe('0.0123');
  });

  it('renders Markdown tables and JSON with bigints', () => {
    const report: SuiteReport = {
      suite: 'micro',
      date: '2026-01-01T00:00:00.000Z',
      machine: machineInfo(),
      parameters: { rows: 1000 },
      engines: [{ name: 'eon', description: 'eon 0.1.0' }],
      tables: [{ title: 'Queries', columns: ['query', 'eon'], rows: [['Q1', '1.5 / 1.2']], notes: ['a note'] }],
      agreement: { ok: false, checks: [], problems: ['eon Q2: count 1, expected 2'] },
      data: { big: 12345678901234567890n },
    };
    const md = renderMarkdown(report);
    expect(md).toContain('| query | eon |\n| --- | --- |\n| Q1 | 1.5 / 1.2 |');
    expect(md).toContain('- rows: 1,000');
    expect(md).toContain('**The engines DISAGREE or failed:**');
    expect(md).toContain('- eon Q2: count 1, expected 2');
    expect(renderJson(report)).toContain('"big": "12345678901234567890"');
  });
});
