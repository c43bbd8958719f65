// Suite `cluster` (issue 11's figures): failure detection and claim balance from the seeded
// simulation, and from three real eon processes on loopback: time to converge, to declare a
// kill -9'd or SIGSTOPped node dead and alive again, and the latency of DDL through the catalog.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOSSY_NETWORK, RELIABLE_NETWORK } from '../../src/cluster/sim/index.js';
import { measureFailureDetection, medianAndMax } from '../../src/cluster/membership/index.js';
import { claimBalanceReport } from '../../src/cluster/ring/index.js';
import { oneSettledRing } from '../../src/cluster/view/cluster-view.js';
import type { ClusterView } from '../../src/cluster/view/cluster-view.js';
import { readClusterView } from '../../src/cli/status.js';
import { startLocalNode, stopLocalNode } from '../../src/cli/local-cluster.js';
import type { LocalNode } from '../../src/cli/local-cluster.js';
import type { LocalClusterConfig } from '../../src/cli/args.js';
import { freePort, runCommand } from '../process.js';
import { formatNumber, machineInfo } from '../report.js';
import type { ReportTable, SuiteReport } from '../report.js';
import { median } from '../stats.js';
import type { Suite, SuiteOptions } from '../suite.js';

/** Simulated crashes per (cluster size, network) cell: seeds 1..this. */
export const SIMULATED_SEEDS = 30;
/** Cluster sizes whose claim balance is reported. */
export const CLAIM_SIZES: readonly number[] = [3, 10, 100, 1000];
/** Real nodes in the process part. */
const PROCESS_NODES = 3;
/** A state change not seen within this long fails the run (the defaults need about 6–9 s). */
const STATE_WAIT_MS = 60_000;
const POLL_MS = 50;
/** One poll of a node's view gives up after this long. */
const VIEW_TIMEOUT_MS = 2_000;
/** CREATE TABLE statements timed through the catalog. */
const DDL_STATEMENTS = 10;

function seconds(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : `${formatNumber(ms / 1000)} s`;
}

function simulatedDetection(): { table: ReportTable; falseDeaths: number } {
  const rows: string[][] = [];
  let falseDeaths = 0;
  for (const nodes of [5, 10]) {
    for (const [name, faults] of [['reliable', RELIABLE_NETWORK], ['5 % loss, dups, reorder', LOSSY_NETWORK]] as const) {
      const runs = Array.from({ length: SIMULATED_SEEDS }, (_, i) => measureFailureDetection(i + 1, { nodes, faults }));
      falseDeaths += runs.reduce((s, r) => s + r.falseDeaths, 0);
      const suspect = medianAndMax(runs.map((r) => r.firstSuspicionMs));
      const dead = medianAndMax(runs.map((r) => r.allDeadMs));
      rows.push([String(nodes), name, seconds(suspect?.median), seconds(suspect?.max), seconds(dead?.median), seconds(dead?.max)]);
    }
  }
  return {
    table: {
      title: 'Failure detection in the simulation (default SWIM settings)',
      columns: ['nodes', 'network', 'first suspicion, median', 'max', 'dead at every node, median', 'max'],
      rows,
      notes: [`${SIMULATED_SEEDS} seeds per row; times from the crash. False deaths of live members over all runs: ${falseDeaths}.`],
    },
    falseDeaths,
  };
}

function claimBalance(): ReportTable {
  return {
    title: 'Claim balance (equal weights, grown one join at a time at the recommended ring size)',
    columns: ['nodes', 'Q', 'partitions per node', 'max/avg', 'moves on the last join', 'ideal Q/n'],
    rows: claimBalanceReport(CLAIM_SIZES).map((r) => [
      String(r.nodes),
      r.partitions.toLocaleString('en-US'),
      `${r.ownedMin}–${r.ownedMax}`,
      formatNumber(r.maxOverAvg, 4),
      r.moves === null ? '–' : String(r.moves),
      r.idealMoves === null ? '–' : formatNumber(r.idealMoves),
    ]),
  };
}

/** A node's cluster view, or null while it does not answer one (polled: a short timeout). */
function viewOf(node: LocalNode): Promise<ClusterView | null> {
  return readClusterView(`127.0.0.1:${node.httpPort}`, undefined, VIEW_TIMEOUT_MS).catch(() => null);
}

/** Ms until every observer holds the member on `peer` in `state` (throws past STATE_WAIT_MS). */
async function waitState(observers: readonly LocalNode[], peerPort: number, state: string): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < STATE_WAIT_MS) {
    const views = await Promise.all(observers.map(viewOf));
    if (views.every((v) => v?.members.find((m) => m.peer === `127.0.0.1:${peerPort}`)?.state === state)) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`the member on peer port ${peerPort} was not ${state} everywhere within ${STATE_WAIT_MS} ms`);
}

async function allAlive(nodes: readonly LocalNode[]): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < STATE_WAIT_MS) {
    if (oneSettledRing(await Promise.all(nodes.map(viewOf)), nodes.length)) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`${nodes.length} nodes did not all see each other alive within ${STATE_WAIT_MS} ms`);
}

async function sqlMs(node: LocalNode, text: string): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(`http://127.0.0.1:${node.httpPort}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: text }),
  });
  const body = (await r.json()) as { error?: { message: string } };
  if (!r.ok) throw new Error(`${text}: ${body.error?.message ?? r.status}`);
  return performance.now() - t0;
}

/** A local cluster of `nodes` on free base ports, its data in a new temporary directory. */
async function localCluster(nodes: number, dirPrefix: string): Promise<LocalClusterConfig> {
  return {
    nodes,
    dataDir: await mkdtemp(path.join(tmpdir(), dirPrefix)),
    host: '127.0.0.1',
    pgPort: await freePort(),
    httpPort: await freePort(),
    peerPort: await freePort(),
    logLevel: 'warn',
  };
}

/** Rows per multi-row INSERT in the replicated ingest figure, and statements. */
const INGEST_ROWS_PER_STATEMENT = 1_000;
const INGEST_STATEMENTS = 100;
/** Rows of the replicated COPY FROM STDIN figure (one COPY through psql \\copy), and its time bound. */
const COPY_ROWS = 100_000;
const COPY_TIMEOUT_MS = 300_000;
/** Concurrent clients and duration of the single-row write load. */
const WRITE_CLIENTS = 4;
const WRITE_LOAD_MS = 10_000;

async function postSql(node: LocalNode, text: string): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${node.httpPort}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: text }),
  });
  if (!r.ok) throw new Error(`${text.slice(0, 60)}…: ${((await r.json()) as { error?: { message: string } }).error?.message ?? r.status}`);
}

/** Multi-row INSERTs of INGEST_STATEMENTS × INGEST_ROWS_PER_STATEMENT rows through `node`: rows/s. */
async function ingestRate(node: LocalNode, table: string): Promise<number> {
  await postSql(node, `CREATE TABLE ${table} (id int PRIMARY KEY, name text, qty int, price numeric(10,2))`);
  const t0 = performance.now();
  for (let s = 0; s < INGEST_STATEMENTS; s++) {
    const values: string[] = [];
    for (let i = 0; i < INGEST_ROWS_PER_STATEMENT; i++) {
      const id = s * INGEST_ROWS_PER_STATEMENT + i + 1;
      values.push(`(${id}, 'name ${id}', ${id % 100}, ${(id % 1000) / 4})`);
    }
    await postSql(node, `INSERT INTO ${table} VALUES ${values.join(',')}`);
  }
  return (INGEST_STATEMENTS * INGEST_ROWS_PER_STATEMENT) / ((performance.now() - t0) / 1000);
}

/** One COPY FROM STDIN (psql \\copy, CSV) of COPY_ROWS rows through `node`'s PostgreSQL port: rows/s. */
async function copyRate(node: LocalNode, table: string, dir: string): Promise<number> {
  await postSql(node, `CREATE TABLE ${table} (id int PRIMARY KEY, name text, qty int, price numeric(10,2))`);
  const csv = path.join(dir, `${table}.csv`);
  const lines: string[] = [];
  for (let id = 1; id <= COPY_ROWS; id++) lines.push(`${id},name ${id},${id % 100},${(id % 1000) / 4}`);
  await writeFile(csv, `${lines.join('\n')}\n`);
  const copy = `\\copy ${table} FROM '${csv.replaceAll("'", "''")}' WITH (FORMAT csv)`;
  const t0 = performance.now();
  await runCommand('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(node.pgPort), '-U', 'eon', '-d', 'eon', '-c', copy], { timeoutMs: COPY_TIMEOUT_MS });
  return COPY_ROWS / ((performance.now() - t0) / 1000);
}

/** WRITE_CLIENTS clients doing single-row INSERTs through `node` for WRITE_LOAD_MS: writes/s and client p50/p99 ms. */
async function writeLoad(node: LocalNode, table: string): Promise<{ perSecond: number; p50: number; p99: number }> {
  await postSql(node, `CREATE TABLE ${table} (id int PRIMARY KEY, v text)`);
  const latencies: number[] = [];
  const end = performance.now() + WRITE_LOAD_MS;
  let next = 1;
  await Promise.all(
    Array.from({ length: WRITE_CLIENTS }, async () => {
      while (performance.now() < end) {
        const id = next++;
        const t0 = performance.now();
        await postSql(node, `INSERT INTO ${table} VALUES (${id}, 'v${id}')`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { perSecond: latencies.length / (WRITE_LOAD_MS / 1000), p50: at(0.5), p99: at(0.99) };
}

/** Replicated writes on three nodes next to one node alone, and the coordinator's replication delay. */
async function writeFigures(log: (m: string) => void): Promise<ReportTable> {
  const rows: string[][] = [];
  for (const nodes of [1, PROCESS_NODES]) {
    const config = await localCluster(nodes, `eon-bench-writes-${nodes}-`);
    const dir = config.dataDir;
    const started: LocalNode[] = [];
    try {
      for (let i = 0; i < nodes; i++) started.push(await startLocalNode(config, i));
      if (nodes > 1) await allAlive(started);
      log(`cluster: writes on ${nodes} node(s)`);
      const ingest = await ingestRate(started[0]!, 'bench_ingest');
      const copied = await copyRate(started[0]!, 'bench_copy', dir);
      const load = await writeLoad(started[0]!, 'bench_writes');
      const stats = (await viewOf(started[0]!))?.members.find((m) => m.httpPort === started[0]!.httpPort)?.stats ?? {};
      const delay = (k: string): string => (typeof stats[k] === 'number' ? `${formatNumber(stats[k] as number)} ms` : '–');
      rows.push([
        nodes === 1 ? '1 node' : `${nodes} nodes, N = 3, W = 2`,
        formatNumber(ingest),
        formatNumber(copied),
        formatNumber(load.perSecond),
        `${formatNumber(load.p50)} / ${formatNumber(load.p99)} ms`,
        nodes === 1 ? '–' : `${delay('replicationDelayP50Ms')} / ${delay('replicationDelayP99Ms')}`,
      ]);
    } finally {
      for (const n of started) await stopLocalNode(n);
      await rm(dir, { recursive: true, force: true });
    }
  }
  return {
    title: 'Writes through one node (REST), replicated to the others',
    columns: ['cluster', `ingest rows/s (multi-row INSERT of ${INGEST_ROWS_PER_STATEMENT})`, `COPY rows/s (${COPY_ROWS.toLocaleString('en-US')} rows, psql \\copy)`, `single-row INSERTs/s (${WRITE_CLIENTS} clients)`, 'INSERT p50 / p99', 'replication delay p50 / p99'],
    rows,
    notes: [
      `Ingest: ${(INGEST_STATEMENTS * INGEST_ROWS_PER_STATEMENT).toLocaleString('en-US')} rows in statements of ${INGEST_ROWS_PER_STATEMENT}, one after another. COPY: one COPY FROM STDIN of ${COPY_ROWS.toLocaleString('en-US')} CSV rows through the PostgreSQL port (acknowledged once W replicas hold them). Write load: ${WRITE_LOAD_MS / 1000} s.`,
      'Replication delay: from a write (shipped as its local transaction commits) until every replica it was sent to holds it, as the coordinator measured it (its last 1,024 writes). All nodes share the same 2 cores.',
    ],
  };
}

async function processFigures(trials: number, log: (m: string) => void): Promise<ReportTable> {
  const config = await localCluster(PROCESS_NODES, 'eon-bench-cluster-');
  const dir = config.dataDir;
  const nodes: LocalNode[] = [];
  const rows: string[][] = [];
  try {
    for (let i = 0; i < PROCESS_NODES; i++) nodes.push(await startLocalNode(config, i));
    rows.push(['3 nodes see each other alive, on one decided ring, after the last start', `${formatNumber(await allAlive(nodes))} ms`]);
    const ddl: number[] = [];
    for (let i = 0; i < DDL_STATEMENTS; i++) ddl.push(await sqlMs(nodes[i % PROCESS_NODES]!, `CREATE TABLE bench_ddl_${i} (id int PRIMARY KEY, v text)`));
    rows.push([`CREATE TABLE through the catalog (median of ${DDL_STATEMENTS}, applied on all 3)`, `${formatNumber(median(ddl))} ms`]);
    const killDead: number[] = [];
    const rejoin: number[] = [];
    const stopDead: number[] = [];
    const resumeAlive: number[] = [];
    for (let t = 0; t < trials; t++) {
      const victim = nodes[PROCESS_NODES - 1]!;
      const others = nodes.slice(0, PROCESS_NODES - 1);
      log(`cluster: trial ${t + 1}/${trials}: kill -9`);
      victim.process.kill('SIGKILL');
      killDead.push(await waitState(others, victim.peerPort, 'dead'));
      await stopLocalNode(victim);
      const restarted = await startLocalNode({ ...config }, PROCESS_NODES - 1);
      nodes[PROCESS_NODES - 1] = restarted;
      rejoin.push(await waitState(nodes, restarted.peerPort, 'alive'));
      log(`cluster: trial ${t + 1}/${trials}: SIGSTOP`);
      restarted.process.kill('SIGSTOP');
      stopDead.push(await waitState(others, restarted.peerPort, 'dead'));
      const t0 = Date.now();
      restarted.process.kill('SIGCONT');
      await waitState(nodes, restarted.peerPort, 'alive');
      resumeAlive.push(Date.now() - t0);
    }
    const range = (xs: number[]): string => `${seconds(median(xs))} (${seconds(Math.min(...xs))}–${seconds(Math.max(...xs))})`;
    rows.push(['kill -9 → dead at both other nodes', range(killDead)]);
    rows.push(['restart from the data directory → alive everywhere (after the process answers)', range(rejoin)]);
    rows.push(['SIGSTOP → dead at both other nodes', range(stopDead)]);
    rows.push(['SIGCONT → alive everywhere', range(resumeAlive)]);
  } finally {
    for (const n of nodes) {
      if (n.process.signalCode === null && n.process.exitCode === null) n.process.kill('SIGCONT');
      await stopLocalNode(n);
    }
    await rm(dir, { recursive: true, force: true });
  }
  return {
    title: `Three eon processes on loopback (median, min–max over ${trials} trials)`,
    columns: ['what', 'time'],
    rows,
    notes: ['Times are observed by polling GET /v1/cluster every 50 ms.'],
  };
}

export const clusterSuite: Suite = {
  name: 'cluster',
  description: 'failure detection, claim balance and DDL latency: simulation and three local processes',
  defaultRows: 0,
  async run(options: SuiteOptions): Promise<SuiteReport> {
    options.log('cluster: simulated failure detection');
    const sim = simulatedDetection();
    options.log('cluster: claim balance');
    const claim = claimBalance();
    options.log('cluster: three local processes');
    const trials = Math.min(options.runs, 5);
    const processes = await processFigures(trials, options.log);
    const writes = await writeFigures(options.log);
    return {
      suite: 'cluster',
      date: new Date().toISOString(),
      machine: machineInfo(),
      parameters: { 'simulated seeds': SIMULATED_SEEDS, 'process trials': trials },
      engines: [{ name: 'eon', description: 'SWIM membership, claim and catalog as built; real processes started by `eon cluster up`\'s launcher' }],
      tables: [sim.table, claim, processes, writes],
      agreement: {
        ok: sim.falseDeaths === 0,
        checks: ['no live member declared dead in any simulated run'],
        problems: sim.falseDeaths === 0 ? [] : [`${sim.falseDeaths} false deaths in the simulation`],
      },
      data: { simulation: sim.table.rows, claim: claim.rows, processes: processes.rows, writes: writes.rows },
    };
  },
};
