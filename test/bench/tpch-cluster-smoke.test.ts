// Runs the built `tpch` suite with `--nodes 2` at SF 0.01 on a handful of queries: eon alone and
// as a local two-node cluster next to DuckDB, every answer agreeing, with the cluster's per-query
// and per-node figures in the report.

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchMain, runSuite, runFailure } from './run-bench.js';

/**
 * Two eon starts and loads (the cluster's through one node, then CHECKPOINT and ANALYZE on each):
 * about 40 s on a quiet two-core machine, over 100 s when other work keeps it at a load of 10.
 */
const smokeTimeoutMs = 180_000;
/** Joins of two to six tables, a filter-only aggregate, a grouped one, a subquery. */
const QUERIES = [1, 3, 6, 10, 14];

interface Usage {
  cpuMs: number;
  bytesWritten: number;
}

interface TpchClusterJson {
  agreement: { ok: boolean; checks: string[] };
  parameters: Record<string, string | number>;
  data: {
    clusterExplained: { query: number; text: string }[];
    cluster?: { nodes: number; coverage: string; geomeanVsSingleNode: number | null; rpcBytesCounter: boolean };
    engines: {
      name: string;
      label: string;
      nodes: number;
      errors: string[];
      queries: Record<string, { error: string | null; medianMs?: number; perNode?: (Usage | null)[]; peerBytes?: (number | null)[] }>;
      nodeFigures?: { index: number; id: string | null; partitionsOwned: number | null; stats: Record<string, unknown>; queries: Usage | null; idlePerSecond: Usage | null }[];
    }[];
  };
}

describe('bench tpch --nodes smoke', () => {
  it(
    'runs eon alone and as a two-node cluster next to DuckDB, and every cluster answer agrees with DuckDB',
    async () => {
      expect(existsSync(benchMain), `${benchMain} missing: run npm run build first`).toBe(true);
      const { run, report } = await runSuite(
        ['tpch', '--sf', '0.01', '--nodes', '2', '--engines', 'eon,duckdb', '--runs', '1', '--queries', QUERIES.join(',')],
        smokeTimeoutMs - 5_000,
      );
      expect(run.code, runFailure(run)).toBe(0);
      expect(run.stdout).toContain('All engines agree.');
      expect(run.stdout).toContain("SET eon.coverage = 'spread'");
      expect(run.stdout).toMatch(/eon 2 nodes\/eon 1 node/);
      const json = report as TpchClusterJson;
      expect(json.agreement.ok).toBe(true);
      // Each query's check names the cluster against DuckDB's answer.
      expect(json.agreement.checks).toHaveLength(QUERIES.length);
      for (const c of json.agreement.checks) expect(c).toMatch(/eon 2 nodes.* against DuckDB/);
      expect(json.data.engines.map((e) => [e.label, e.nodes])).toEqual([['eon 1 node', 1], ['eon 2 nodes', 2], ['DuckDB', 1]]);
      for (const e of json.data.engines) {
        expect(e.errors).toEqual([]);
        expect(Object.keys(e.queries).map(Number)).toEqual(QUERIES);
        for (const q of Object.values(e.queries)) {
          expect(q.error).toBeNull();
          expect(q.medianMs).toBeGreaterThan(0);
        }
      }
      const cluster = json.data.engines.find((e) => e.nodes === 2)!;
      for (const q of Object.values(cluster.queries)) {
        expect(q.perNode).toHaveLength(2);
        // Each node's own count of bytes sent to its peers per run: at least the digest reads and gossip.
        expect(q.peerBytes).toHaveLength(2);
        for (const b of q.peerBytes!) expect(b).toBeGreaterThan(0);
      }
      expect(cluster.nodeFigures?.map((f) => f.index)).toEqual([0, 1]);
      for (const f of cluster.nodeFigures!) {
        expect(f.id).not.toBeNull();
        expect(f.partitionsOwned).toBeGreaterThan(0);
        expect(f.stats).toHaveProperty('statementsPerSecond');
        if (process.platform === 'linux') expect(f.idlePerSecond).not.toBeNull();
      }
      if (process.platform === 'linux') {
        // Node 0 coordinates every statement: it used CPU and wrote the answers.
        const n0 = cluster.nodeFigures![0]!.queries!;
        expect(n0.cpuMs).toBeGreaterThan(0);
        expect(n0.bytesWritten).toBeGreaterThan(0);
      }
      // The cluster's three queries furthest from eon alone's time are explained, as run on node 0.
      expect(json.data.clusterExplained).toHaveLength(3);
      for (const x of json.data.clusterExplained) expect(x.text).toMatch(/Execution: \d+ rows/);
      expect(json.data.cluster).toMatchObject({ nodes: 2, coverage: 'spread', rpcBytesCounter: true });
      expect(json.data.cluster!.geomeanVsSingleNode).toBeGreaterThan(0);
    },
    smokeTimeoutMs,
  );
});
