// Runs the built `micro` bench suite end to end on a small table against eon, DuckDB and PostgreSQL.

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchMain, runBench } from './run-bench.js';

/** The whole three-engine run; DuckDB's 10,000 point lookups dominate (~10 s). */
const smokeTimeoutMs = 90_000;

describe('bench micro smoke', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it(
    'loads 20,000 rows into eon, duckdb and postgres, and they agree',
    async () => {
      expect(existsSync(benchMain), `${benchMain} missing: run npm run build first`).toBe(true);
      const out = await mkdtemp(path.join(tmpdir(), 'eon-bench-smoke-'));
      dirs.push(out);
      const result = await runBench(['micro', '--rows', '20000', '--runs', '1', '--out', out], smokeTimeoutMs - 5_000);
      expect(result.code, result.stderr.slice(-4_000)).toBe(0);
      expect(result.stdout).toContain('All engines agree.');

      const files = await readdir(out);
      const jsonFile = files.find((f) => f.startsWith('micro-') && f.endsWith('.json'));
      expect(files.some((f) => f.startsWith('micro-') && f.endsWith('.md'))).toBe(true);
      expect(jsonFile).toBeDefined();
      const report = JSON.parse(await readFile(path.join(out, jsonFile as string), 'utf8')) as {
        agreement: { ok: boolean; problems: string[] };
        parameters: { rows: number };
        machine: { cores: number };
        data: {
          engines: { name: string; loads: { rowsPerSecond: number }[]; queries: Record<string, { medianMs: number }>; lookups?: { lookups: number; p50Us: number; p99Us: number } }[];
        };
      };
      expect(report.agreement).toEqual({ ok: true, problems: [], checks: expect.any(Array) as unknown });
      expect(report.parameters.rows).toBe(20_000);
      expect(report.machine.cores).toBeGreaterThan(0);
      expect(report.data.engines.map((e) => e.name)).toEqual(['eon', 'duckdb', 'postgres']);
      for (const e of report.data.engines) {
        expect(e.loads[0]?.rowsPerSecond).toBeGreaterThan(0);
        expect(e.queries['Q1']?.medianMs).toBeGreaterThan(0);
        expect(e.queries['Q2']?.medianMs).toBeGreaterThan(0);
        expect(e.lookups?.lookups).toBe(10_000);
        expect(e.lookups?.p99Us).toBeGreaterThanOrEqual(e.lookups?.p50Us ?? Infinity);
      }
      // Ratios appear once eon and a peer both have numbers.
      expect(result.stdout).toMatch(/\| Q1 \|.*\|.*\|.*\| [\d.]+× \| [\d.]+× \|/);
    },
    smokeTimeoutMs,
  );
});
