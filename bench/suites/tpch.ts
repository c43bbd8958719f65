// Suite `tpch`: the 22 TPC-H queries on data from the bench's own generator at scale factor --sf,
// loaded into each engine by its bulk path; per query the median and minimum of --runs warm runs,
// whether the engines agree, eon's ratios to its peers, geometric means, and EXPLAIN ANALYZE of
// eon's three worst queries. With `--nodes N` eon also runs as a local cluster of N processes on
// the same data (loaded through node 0), each answer checked like the others', with each node's
// CPU time and bytes written per query and its GET /v1/cluster figures.

import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { resultDifference } from '../agreement.js';
import { generateTpch, TPCH_QUERIES, TPCH_TABLES, tpchCreateSql, type GeneratedTpch, type TpchQuery } from '../data/tpch/index.js';
import { startEngine } from '../engines/index.js';
import { startEonCluster, type EonClusterEngine } from '../engines/eon-cluster.js';
import type { BenchEngine, Cell, EngineName } from '../engines/index.js';
import { WireClientPool } from '../engines/wire.js';
import { sleep, withWorkDir } from '../process.js';
import { processUsage, usageBetween, type ProcessUsage } from '../process-usage.js';
import { progressBar } from '../progress.js';
import { costRatio, formatNumber, machineInfo } from '../report.js';
import type { ReportTable, SuiteReport } from '../report.js';
import { elapsedMs } from '../stats.js';
import { errorMessage, type Suite, type SuiteOptions } from '../suite.js';
import { timeQuery, type QueryMeasure } from '../timing.js';

export const tpchDefaultSf = 1;
/** Numbers agree within this relative difference (issue 3: 1e-6; engines sum decimals in different types). */
export const tpchRelativeTolerance = 1e-6;
/** Issue 3's targets for eon at SF 1 on one node. */
export const tpchTargets = { geomeanVsDuckdb: 3, q1q6VsDuckdb: 2 } as const;
/** EXPLAIN ANALYZE goes into the report for this many of eon's worst queries. */
const WORST_EXPLAINED = 3;
/** Issue 13's target for eon as a cluster: its geometric mean at most this many times eon's on one node. */
export const tpchClusterTargets = { geomeanVsSingleNode: 1.5 } as const;
/**
 * The scan coverage every cluster session asks for: scans read their partitions spread over all
 * the nodes' data engines rather than the coordinator's (the eon.coverage session setting; before
 * eon knows it, it keeps it as a custom placeholder and nothing changes).
 */
export const TPCH_CLUSTER_COVERAGE = 'spread';
export const TPCH_CLUSTER_SESSION_SETUP: readonly string[] = [`SET eon.coverage = '${TPCH_CLUSTER_COVERAGE}'`];
/** The cluster loads each CSV in pieces of this many rows (one \copy each), so its minutes-long load shows progress. */
export const CLUSTER_LOAD_CHUNK_ROWS = 25_000;
/**
 * Before its queries the cluster sits idle this long while each node's use is read: what gossip,
 * replication and background work cost anyway, to read the per-query figures against.
 */
export const CLUSTER_IDLE_BASELINE_MS = 3_000;
/** Peers run before eon so eon's worst queries (by ratio) can be explained while it still runs. */
const PEER_FIRST: readonly EngineName[] = ['duckdb', 'postgres'];

interface QueryOutcome {
  measure?: QueryMeasure;
  rows?: number;
  error?: string;
  result?: Cell[][];
  /** A cluster's nodes, in node order: what each used per run of the query (warm-up included), null where unreadable. */
  perNode?: (ProcessUsage | null)[];
  /** A cluster's nodes, in node order: bytes each sent to its peers per run (its peerBytesSent), null where unreadable. */
  peerBytes?: (number | null)[];
}

/** Each node's own count of bytes sent to its peers (GET /v1/cluster, its own entry), null where unreadable. */
async function peerBytesSent(cluster: EonClusterEngine): Promise<(number | null)[]> {
  const views = await cluster.readViews();
  return views.map((view) => {
    const sent = view?.members.find((m) => m.id === view.self)?.stats['peerBytesSent'];
    return typeof sent === 'number' ? sent : null;
  });
}

/** A cluster node as the run left it: its own GET /v1/cluster entry and what it used while the queries ran. */
interface NodeFigures {
  index: number;
  id: string | null;
  partitionsOwned: number | null;
  partitionsHeld: number | null;
  stats: Record<string, number | string | null>;
  queries: ProcessUsage | null;
  /** Its use per second while the cluster sat idle before the queries (CLUSTER_IDLE_BASELINE_MS). */
  idlePerSecond: ProcessUsage | null;
}

interface EngineOutcome {
  name: EngineName;
  /** eon's nodes: 1, or more for eon as a cluster; 1 for the peers. */
  nodes: number;
  description: string;
  loadMethod: string;
  loadSeconds?: number;
  queries: Record<number, QueryOutcome>;
  errors: string[];
  nodeFigures?: NodeFigures[];
  /** The machine's 1-minute load average when the engine's queries started and ended (other work skews every figure). */
  loadAverages?: [number, number];
}

interface Explained {
  query: number;
  text: string;
}

export const tpchSuite: Suite = {
  name: 'tpch',
  description: 'the 22 TPC-H queries on generated data at --sf, eon next to DuckDB and PostgreSQL',
  defaultRows: 0,
  multiNode: true,
  queryCount: TPCH_QUERIES.length,
  run: runTpch,
};

async function runTpch(options: SuiteOptions): Promise<SuiteReport> {
  const date = new Date().toISOString();
  return withWorkDir('eon-bench-tpch-', async (dir) => {
    const bar = progressBar(`tpch: generating SF ${options.sf}`, options.log);
    const started = process.hrtime.bigint();
    const data = await generateTpch(dir, options.sf, options.seed, (table, f) => bar.update(f, table));
    bar.done();
    const generateSeconds = elapsedMs(started) / 1000;
    options.log(`tpch: generated ${data.rows.lineitem.toLocaleString('en-US')} lineitems in ${generateSeconds.toFixed(1)} s`);
    const order = [...options.engines].sort((a, b) => Number(!PEER_FIRST.includes(a)) - Number(!PEER_FIRST.includes(b)));
    const outcomes: EngineOutcome[] = [];
    let explained: Explained[] = [];
    let clusterExplained: Explained[] = [];
    for (const name of order) {
      const outcome = await runEngine(name, data, options, async (engine, own) => {
        if (name === 'eon') explained = await explainWorst(engine, own, outcomes, options, labelOf(own, options));
      });
      outcomes.push(outcome);
      // The cluster right after eon alone, on the same data; its worst queries are those furthest from eon alone's time.
      if (name === 'eon' && options.nodes > 1) {
        const explain = async (engine: BenchEngine, own: EngineOutcome): Promise<void> => {
          clusterExplained = await explainWorst(engine, own, [outcome], options, labelOf(own, options));
        };
        outcomes.push(await runEngine(name, data, options, explain, options.nodes));
      }
    }
    outcomes.sort((a, b) => options.engines.indexOf(a.name) - options.engines.indexOf(b.name) || a.nodes - b.nodes);
    return buildReport(date, options, data, generateSeconds, outcomes, explained, clusterExplained);
  });
}

/** The queries this run asks for (`--queries`), else all 22. */
function selectedQueries(options: SuiteOptions): readonly TpchQuery[] {
  const chosen = options.queries;
  return chosen === undefined ? TPCH_QUERIES : TPCH_QUERIES.filter((q) => chosen.includes(q.number));
}

/** One engine's run; `nodes` > 1 starts eon as a local cluster of that many processes. */
async function runEngine(
  name: EngineName,
  data: GeneratedTpch,
  options: SuiteOptions,
  beforeStop: (engine: BenchEngine, outcome: EngineOutcome) => Promise<void>,
  nodes = 1,
): Promise<EngineOutcome> {
  const outcome: EngineOutcome = { name, nodes, description: '', loadMethod: '', queries: {}, errors: [] };
  const label = labelOf(outcome, options);
  let engine: BenchEngine;
  let cluster: EonClusterEngine | null = null;
  try {
    options.log(`${label}: start`);
    if (nodes > 1) {
      cluster = await startEngine(name, () => startEonCluster(nodes, { sessionSetup: TPCH_CLUSTER_SESSION_SETUP }));
      engine = cluster;
    } else {
      engine = await startEngine(name);
    }
    outcome.description = await engine.describe();
  } catch (e) {
    outcome.errors.push(`start: ${errorMessage(e)}`);
    return outcome;
  }
  try {
    const started = process.hrtime.bigint();
    for (const table of TPCH_TABLES) await engine.exec(tpchCreateSql(table, name !== 'duckdb'));
    const bar = progressBar(`${label}: loading`, options.log);
    let loaded = 0;
    const totalRows = TPCH_TABLES.reduce((n, t) => n + data.rows[t], 0);
    for (const table of TPCH_TABLES) {
      if (cluster === null) {
        await loadTpchTable(engine, table, data.files[table]);
        loaded += data.rows[table];
        bar.update(loaded / totalRows, table);
        continue;
      }
      // Through node 0 (the engine's own connection target), a piece at a time.
      for (const piece of await splitCsv(data.files[table], CLUSTER_LOAD_CHUNK_ROWS)) {
        await loadTpchTable(engine, table, piece.path);
        loaded += piece.rows;
        const seconds = elapsedMs(started) / 1000;
        bar.update(loaded / totalRows, `${table} (${formatNumber(loaded / seconds)} rows/s)`);
      }
    }
    outcome.loadMethod = cluster === null ? await finishTpchLoad(engine) : await finishClusterLoad(cluster, options.log, label);
    bar.done();
    outcome.loadSeconds = elapsedMs(started) / 1000;
    options.log(`${label}: loaded in ${outcome.loadSeconds.toFixed(1)} s`);
  } catch (e) {
    outcome.errors.push(`load: ${errorMessage(e)}`);
    await engine.stop();
    return outcome;
  }
  try {
    await engine.setStatementTimeout(options.queryTimeoutSeconds * 1000);
    const bar = progressBar(`${label}: queries`, options.log);
    const queries = selectedQueries(options);
    const pids = cluster?.nodeProcesses().map((n) => n.pid) ?? [];
    let idle: (ProcessUsage | null)[] = [];
    if (cluster !== null) {
      const before = pids.map(processUsage);
      await sleep(CLUSTER_IDLE_BASELINE_MS);
      idle = pids.map((pid, n) => perRun(usageBetween(before[n]!, processUsage(pid)), CLUSTER_IDLE_BASELINE_MS / 1000));
    }
    const atStart = pids.map(processUsage);
    const loadAtStart = os.loadavg()[0]!;
    for (const [i, q] of queries.entries()) {
      bar.update(i / queries.length, `Q${q.number}`);
      const before = pids.map(processUsage);
      const sentBefore = cluster === null ? [] : await peerBytesSent(cluster);
      outcome.queries[q.number] = await runQuery(engine, label, q, options);
      if (cluster !== null) {
        outcome.queries[q.number]!.perNode = pids.map((pid, n) => perRun(usageBetween(before[n]!, processUsage(pid)), options.runs + 1));
        const sentAfter = await peerBytesSent(cluster);
        outcome.queries[q.number]!.peerBytes = sentAfter.map((after, n) => (after === null || sentBefore[n] == null ? null : (after - sentBefore[n]!) / (options.runs + 1)));
      }
    }
    bar.update(1);
    bar.done();
    outcome.loadAverages = [loadAtStart, os.loadavg()[0]!];
    if (cluster !== null) outcome.nodeFigures = await nodeFigures(cluster, atStart, idle);
    await beforeStop(engine, outcome);
  } finally {
    await engine.stop();
  }
  return outcome;
}

/** A usage over `runs` runs (or seconds), per run. */
function perRun(usage: ProcessUsage | null, runs: number): ProcessUsage | null {
  return usage === null ? null : { cpuMs: usage.cpuMs / runs, bytesWritten: usage.bytesWritten / runs, bytesRead: usage.bytesRead / runs };
}

/** Each node's own entry of its GET /v1/cluster, and what its process used since `atStart`. */
async function nodeFigures(cluster: EonClusterEngine, atStart: readonly (ProcessUsage | null)[], idle: readonly (ProcessUsage | null)[]): Promise<NodeFigures[]> {
  const views = await cluster.readViews();
  return cluster.nodeProcesses().map((n, i) => {
    const view = views[i] ?? null;
    const self = view?.members.find((m) => m.id === view.self);
    return {
      index: n.index,
      id: view?.self ?? null,
      partitionsOwned: self?.partitionsOwned ?? null,
      partitionsHeld: self?.partitionsHeld ?? null,
      stats: { ...(self?.stats ?? {}) },
      queries: usageBetween(atStart[i] ?? null, processUsage(n.pid)),
      idlePerSecond: idle[i] ?? null,
    };
  });
}

/** A CSV file in pieces of at most `rowsPerPiece` lines, written beside it (once; later calls reuse them). */
export async function splitCsv(file: string, rowsPerPiece: number): Promise<{ path: string; rows: number }[]> {
  const known = splitCache.get(file);
  if (known !== undefined) return known;
  const pieces: { path: string; rows: number }[] = [];
  let out: ReturnType<typeof createWriteStream> | null = null;
  let rows = 0;
  const close = async (): Promise<void> => {
    if (out === null) return;
    const stream = out;
    out = null;
    stream.end();
    await once(stream, 'finish');
    pieces[pieces.length - 1]!.rows = rows;
  };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    if (out === null) {
      const piece = path.join(path.dirname(file), `${path.basename(file)}.part-${pieces.length}`);
      pieces.push({ path: piece, rows: 0 });
      out = createWriteStream(piece);
      rows = 0;
    }
    const stream: ReturnType<typeof createWriteStream> = out;
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
    if (++rows >= rowsPerPiece) await close();
  }
  await close();
  splitCache.set(file, pieces);
  return pieces;
}
const splitCache = new Map<string, { path: string; rows: number }[]>();

/**
 * As finishTpchLoad for eon, on every node at once (each its own process): each folds the rows it
 * holds into segments and collects the statistics its own planner and data engines use.
 */
async function finishClusterLoad(cluster: EonClusterEngine, log: (message: string) => void, label: string): Promise<string> {
  await Promise.all(
    cluster.wireTargets().map(async (target, i) => {
      const pool = new WireClientPool(target, TPCH_CLUSTER_SESSION_SETUP);
      try {
        for (const statement of ['CHECKPOINT', 'ANALYZE']) {
          const started = process.hrtime.bigint();
          await pool.exec(statement);
          log(`${label}: ${statement} on node ${i} took ${formatNumber(elapsedMs(started) / 1000)} s`);
        }
      } finally {
        await pool.close();
      }
    }),
  );
  return `COPY FROM STDIN (psql \\copy) to node 0 in pieces of ${CLUSTER_LOAD_CHUNK_ROWS.toLocaleString('en-US')} rows + CHECKPOINT + ANALYZE on every node`;
}

/** Each engine's bulk path from the shared CSV: eon and PostgreSQL by COPY over the wire (psql \copy), DuckDB by its CSV reader. */
export async function loadTpchTable(engine: BenchEngine, table: string, csv: string): Promise<void> {
  if (engine.name === 'duckdb') {
    await engine.exec(`COPY ${table} FROM '${csv.replaceAll("'", "''")}' (FORMAT csv, HEADER false)`);
    return;
  }
  if (engine.copyFromStdin === undefined) throw new Error(`${engine.name} has no COPY path`);
  await engine.copyFromStdin(table, csv);
}

/** What each engine does after a bulk load before it is queried, as its users would; returns the whole load method. */
export async function finishTpchLoad(engine: BenchEngine): Promise<string> {
  switch (engine.name) {
    case 'eon':
      // As PostgreSQL's VACUUM ANALYZE: segments folded and planner statistics collected before
      // the first query (the background analyze would otherwise change plans midway through a run).
      await engine.exec('CHECKPOINT');
      await engine.exec('ANALYZE');
      return 'COPY FROM STDIN (psql \\copy) + CHECKPOINT + ANALYZE';
    case 'postgres':
      await engine.exec('VACUUM ANALYZE');
      return 'COPY FROM STDIN (psql \\copy) + VACUUM ANALYZE';
    case 'duckdb':
      await engine.exec('CHECKPOINT');
      return 'COPY FROM csv file + CHECKPOINT';
  }
}

async function runQuery(engine: BenchEngine, label: string, q: TpchQuery, options: SuiteOptions): Promise<QueryOutcome> {
  try {
    const { measure, rows } = await timeQuery(engine, q.sql(options.sf), [], options.runs);
    return { measure, rows: rows.length, result: rows };
  } catch (e) {
    options.log(`${label}: Q${q.number} failed: ${errorMessage(e)}`);
    return { error: errorMessage(e) };
  }
}

/** eon's median over the fastest peer's, per query eon ran; without a peer time, eon's own time orders them. */
function worstQueries(eon: EngineOutcome, peers: readonly EngineOutcome[]): number[] {
  const scored: { query: number; score: number }[] = [];
  for (const q of TPCH_QUERIES) {
    const mine = eon.queries[q.number]?.measure?.medianMs;
    if (mine === undefined) continue;
    const best = Math.min(...peers.map((p) => p.queries[q.number]?.measure?.medianMs ?? Infinity));
    scored.push({ query: q.number, score: Number.isFinite(best) && best > 0 ? mine / best : mine });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, WORST_EXPLAINED).map((s) => s.query);
}

async function explainWorst(engine: BenchEngine, eon: EngineOutcome, peers: readonly EngineOutcome[], options: SuiteOptions, label: string): Promise<Explained[]> {
  const explained: Explained[] = [];
  for (const number of worstQueries(eon, peers)) {
    const q = TPCH_QUERIES[number - 1]!;
    options.log(`${label}: EXPLAIN ANALYZE Q${number}`);
    try {
      const rows = await engine.query(`EXPLAIN ANALYZE ${q.sql(options.sf)}`);
      explained.push({ query: number, text: rows.map((r) => String(r[0])).join('\n') });
    } catch (e) {
      explained.push({ query: number, text: `EXPLAIN ANALYZE failed: ${errorMessage(e)}` });
    }
  }
  return explained;
}

function geomean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

const ENGINE_LABELS: Record<EngineName, string> = { eon: 'eon', duckdb: 'DuckDB', postgres: 'PostgreSQL' };
/** The answer the others are checked against: PostgreSQL's, else DuckDB's, else eon's. */
const REFERENCE_ORDER: readonly EngineName[] = ['postgres', 'duckdb', 'eon'];

/** How the report names an outcome: the engine, and for eon beside a cluster, its node count. */
function labelOf(o: Pick<EngineOutcome, 'name' | 'nodes'>, options: Pick<SuiteOptions, 'nodes'>): string {
  if (o.name !== 'eon' || options.nodes === 1) return ENGINE_LABELS[o.name];
  return o.nodes === 1 ? 'eon 1 node' : `eon ${o.nodes} nodes`;
}

/**
 * Problems (exit status 1): an engine that did not start or load, a query eon (alone or as a
 * cluster) could not run, and any two answers that differ. A peer's failed query (PostgreSQL past
 * the timeout on Q17 and Q20, which it runs as nested loops without foreign-key indexes) is
 * reported, not a problem.
 */
function agreement(outcomes: readonly EngineOutcome[], options: SuiteOptions): SuiteReport['agreement'] & { byQuery: Record<number, string>; peerFailures: string[] } {
  const problems: string[] = [];
  const checks: string[] = [];
  const peerFailures: string[] = [];
  const byQuery: Record<number, string> = {};
  const label = (o: EngineOutcome): string => labelOf(o, options);
  for (const o of outcomes) for (const e of o.errors) problems.push(`${label(o)}: ${e}`);
  for (const q of selectedQueries(options)) {
    const ran = outcomes.filter((o) => o.queries[q.number]?.result !== undefined);
    for (const o of outcomes) {
      const error = o.queries[q.number]?.error;
      if (error === undefined) continue;
      (o.name === 'eon' ? problems : peerFailures).push(`Q${q.number}: ${label(o)} failed: ${error}`);
    }
    const reference = REFERENCE_ORDER.map((n) => ran.find((o) => o.name === n)).find((o) => o !== undefined);
    if (reference === undefined) {
      byQuery[q.number] = 'no result';
      continue;
    }
    const want = reference.queries[q.number]!.result!;
    const differing: string[] = [];
    for (const o of ran) {
      if (o === reference) continue;
      const diff = resultDifference(o.queries[q.number]!.result!, want, q.totalOrder, tpchRelativeTolerance);
      if (diff !== null) {
        differing.push(label(o));
        problems.push(`Q${q.number}: ${label(o)} differs from ${label(reference)}: ${diff}`);
      }
    }
    const failed = outcomes.filter((o) => !ran.includes(o)).map(label);
    const verdict = ran.length < 2 ? 'not compared' : differing.length > 0 ? `NO (${differing.join(', ')})` : 'yes';
    byQuery[q.number] = failed.length === 0 ? verdict : `${verdict}; ${failed.join(', ')} failed`;
    if (ran.length >= 2) checks.push(`Q${q.number}: ${ran.filter((o) => o !== reference).map(label).join(', ')} against ${label(reference)} (${q.totalOrder ? 'in order' : 'as multisets'}, numbers within ${tpchRelativeTolerance})`);
  }
  return { ok: problems.length === 0, problems, checks, byQuery, peerFailures };
}

/** Kilobytes with three significant digits. */
function kb(bytes: number): string {
  return formatNumber(bytes / 1024);
}

/** "a / b / c" of one figure over a cluster's nodes, '?' where a node's could not be read. */
function perNodeCell(usages: readonly (ProcessUsage | null)[] | undefined, figure: (u: ProcessUsage) => string): string {
  if (usages === undefined || usages.length === 0) return '–';
  return usages.map((u) => (u === null ? '?' : figure(u))).join(' / ');
}

/** The cluster's tables: per query beside eon alone, and per node. */
function clusterTables(cluster: EngineOutcome, single: EngineOutcome | undefined, duck: EngineOutcome | undefined, options: SuiteOptions, means: ReadonlyMap<EngineOutcome, number>): ReportTable[] {
  const median = (o: EngineOutcome | undefined, q: number): number | undefined => o?.queries[q]?.measure?.medianMs;
  const n = cluster.nodes;
  const nodeNames = Array.from({ length: n }, (_, i) => `n${i}`).join(' / ');
  const label = labelOf(cluster, options);
  const rows = selectedQueries(options).map((q) => {
    const usages = cluster.queries[q.number]?.perNode;
    const peer = cluster.queries[q.number]?.peerBytes;
    const total = peer !== undefined && peer.length > 0 && peer.every((b) => b !== null) ? (peer as number[]).reduce((s, b) => s + b, 0) : undefined;
    return [
      `Q${q.number}`,
      formatNumber(median(cluster, q.number) ?? NaN),
      formatNumber(median(single, q.number) ?? NaN),
      formatNumber(median(duck, q.number) ?? NaN),
      costRatio(median(cluster, q.number), median(single, q.number)),
      perNodeCell(usages, (u) => formatNumber(u.cpuMs)),
      peer === undefined || peer.length === 0 ? '–' : peer.map((b) => (b === null ? '?' : kb(b))).join(' / '),
      total === undefined ? '–' : kb(total),
    ];
  });
  const mean = (o: EngineOutcome | undefined): number | undefined => (o === undefined ? undefined : means.get(o));
  rows.push([
    'geometric mean',
    formatNumber(mean(cluster) ?? NaN),
    formatNumber(mean(single) ?? NaN),
    formatNumber(mean(duck) ?? NaN),
    costRatio(mean(cluster), mean(single)),
    '',
    '',
    '',
  ]);
  const perQuery: ReportTable = {
    title: `${label} per query: median ms, ratio to eon on one node, and each node's use per run`,
    columns: ['query', `${label} ms`, 'eon 1 node ms', 'DuckDB ms', `${label} / eon 1 node`, `CPU ms per node (${nodeNames})`, `KB sent to peers per node (${nodeNames})`, 'KB sent between nodes, all'],
    rows,
    notes: [
      `Every session the bench opens on the cluster first runs \`${TPCH_CLUSTER_SESSION_SETUP.join('; ')}\`. Statements go to node 0 (it coordinates); the data went in through node 0 too.`,
      'CPU ms and KB sent are per run of the query (its warm-up and timed runs, averaged; the kernel counts CPU in 10 ms ticks, so small figures are coarse). CPU is read from each node process\'s /proc/<pid>/stat (user + system time of all its threads); KB sent is the node\'s own count of bytes it sent to its peers (peerBytesSent in its GET /v1/cluster entry, read before and after the query: fragment tasks and results, task arguments, digest reads, and the membership gossip every node sends all the time — a few KB per second, see the idle figures).',
    ],
  };
  const figures = cluster.nodeFigures ?? [];
  const statNames = [...new Set(figures.flatMap((f) => Object.keys(f.stats)))];
  const nodeTable: ReportTable = {
    title: `${label}: each node after the queries (its own GET /v1/cluster entry, and its process's use while the queries ran)`,
    columns: ['node', 'id', 'partitions owned / held', 'CPU s (queries)', 'MB written', 'MB read', 'idle CPU ms/s', 'idle KB written/s', 'statementsPerSecond', 'meanResponseMs', 'errorRate'],
    rows: figures.map((f) => [
      `n${f.index}`,
      f.id ?? 'did not answer',
      f.partitionsOwned === null ? '–' : `${f.partitionsOwned} / ${f.partitionsHeld ?? '–'}`,
      f.queries === null ? '–' : formatNumber(f.queries.cpuMs / 1000),
      f.queries === null ? '–' : formatNumber(f.queries.bytesWritten / 2 ** 20),
      f.queries === null ? '–' : formatNumber(f.queries.bytesRead / 2 ** 20),
      f.idlePerSecond === null ? '–' : formatNumber(f.idlePerSecond.cpuMs),
      f.idlePerSecond === null ? '–' : kb(f.idlePerSecond.bytesWritten),
      String(f.stats.statementsPerSecond ?? '–'),
      String(f.stats.meanResponseMs ?? '–'),
      String(f.stats.errorRate ?? '–'),
    ]),
    notes: [
      `"idle": each node's use per second over the ${CLUSTER_IDLE_BASELINE_MS / 1000} s the cluster sat idle right before the queries (gossip, replication, background work); a query's per-run figures include that much per second it ran.`,
      `GET /v1/cluster gives per node: ${statNames.length === 0 ? '(nothing: no node answered)' : statNames.join(', ')}. None of them counts statements run (statementsPerSecond is a recent rate, read after the queries); peerBytesSent and peerBytesReceived count every byte of the node's peer connections since it started (the per-query table reads peerBytesSent before and after each query); all of them are in the JSON report.`,
    ],
  };
  return [perQuery, nodeTable];
}

function buildReport(
  date: string,
  options: SuiteOptions,
  data: GeneratedTpch,
  generateSeconds: number,
  outcomes: readonly EngineOutcome[],
  explained: readonly Explained[],
  clusterExplained: readonly Explained[],
): SuiteReport {
  const agreed = agreement(outcomes, options);
  const queries = selectedQueries(options);
  const label = (o: EngineOutcome): string => labelOf(o, options);
  const eon = outcomes.find((o) => o.name === 'eon' && o.nodes === 1);
  const cluster = outcomes.find((o) => o.name === 'eon' && o.nodes > 1);
  const peers = outcomes.filter((o) => o.name !== 'eon');
  const duck = outcomes.find((o) => o.name === 'duckdb');
  const median = (o: EngineOutcome | undefined, q: number): number | undefined => o?.queries[q]?.measure?.medianMs;
  const cell = (o: EngineOutcome, q: number): string => {
    const r = o.queries[q];
    if (r?.measure !== undefined) return `${formatNumber(r.measure.medianMs)} (${formatNumber(r.measure.minMs)})`;
    return r?.error !== undefined ? (/timeout/i.test(r.error) ? 'timed out' : 'cannot run') : '–';
  };
  const clusterRatios = (q: (o: EngineOutcome | undefined) => number | undefined): string[] =>
    cluster === undefined ? [] : [costRatio(q(cluster), q(eon)), ...(duck === undefined ? [] : [costRatio(q(cluster), q(duck))])];
  const queryRows: string[][] = queries.map((q) => [
    `Q${q.number} ${q.title}`,
    String(eon?.queries[q.number]?.rows ?? outcomes.map((p) => p.queries[q.number]?.rows).find((n) => n !== undefined) ?? '–'),
    ...outcomes.map((o) => cell(o, q.number)),
    ...peers.map((p) => costRatio(median(eon, q.number), median(p, q.number))),
    ...clusterRatios((o) => median(o, q.number)),
    agreed.byQuery[q.number] ?? '–',
  ]);
  // Geometric means over the queries every engine ran, so each column averages the same queries.
  const common = queries.filter((q) => outcomes.every((o) => median(o, q.number) !== undefined)).map((q) => q.number);
  const means = new Map(outcomes.map((o) => [o, geomean(common.map((q) => median(o, q)!))]));
  const meanOf = (o: EngineOutcome | undefined): number | undefined => (o === undefined ? undefined : means.get(o));
  queryRows.push([
    `geometric mean (${common.length} queries)`,
    '',
    ...outcomes.map((o) => formatNumber(means.get(o)!)),
    ...peers.map((p) => costRatio(meanOf(eon), meanOf(p))),
    ...clusterRatios(meanOf),
    agreed.ok ? 'all' : 'see below',
  ]);
  const summary = summaryLine(eon, duck, cluster, means, common.length, queries.length);
  const singleLabel = eon === undefined ? 'eon' : label(eon);
  const clusterLabel = cluster === undefined ? '' : label(cluster);
  const queriesTable: ReportTable = {
    title: `Queries at SF ${options.sf}: median (min) ms of ${options.runs} warm runs`,
    columns: [
      'query',
      'rows',
      ...outcomes.map(label),
      ...peers.map((p) => `${singleLabel}/${label(p)}`),
      ...(cluster === undefined ? [] : [`${clusterLabel}/${singleLabel}`, ...(duck === undefined ? [] : [`${clusterLabel}/DuckDB`])]),
      'agree',
    ],
    rows: queryRows,
    notes: [
      `**Summary:** ${summary}`,
      'Ratios are the first engine\'s median time over the second\'s: 2× means it takes twice as long. A query an engine could not run shows as such and is left out of every geometric mean.',
      ...agreed.peerFailures.map((f) => `- ${f}`),
    ],
  };
  const totalRows = TPCH_TABLES.reduce((n, t) => n + data.rows[t], 0);
  const loadTable: ReportTable = {
    title: 'Load (all eight tables, from the generated CSV)',
    columns: ['engine', 'method', 'seconds', 'rows/s'],
    rows: outcomes.map((o) => [
      label(o),
      o.loadMethod,
      o.loadSeconds === undefined ? 'failed' : formatNumber(o.loadSeconds),
      o.loadSeconds === undefined ? '–' : formatNumber(totalRows / o.loadSeconds),
    ]),
  };
  const dataTable: ReportTable = {
    title: `Data: SF ${options.sf}, seed ${options.seed}, generated in ${formatNumber(generateSeconds)} s`,
    columns: ['table', 'rows'],
    rows: TPCH_TABLES.map((t) => [t, data.rows[t].toLocaleString('en-US')]),
  };
  const tables = [queriesTable, ...(cluster === undefined ? [] : clusterTables(cluster, eon, duck, options, means)), loadTable, dataTable];
  if (explained.length > 0) {
    tables.push({
      title: `EXPLAIN ANALYZE of ${singleLabel}'s ${explained.length} worst queries (by ratio to the fastest peer)`,
      columns: ['query', `${singleLabel} median ms`],
      rows: explained.map((e) => [`Q${e.query}`, formatNumber(median(eon, e.query) ?? NaN)]),
      notes: explained.map((e) => `Q${e.query}:\n\n\`\`\`\n${e.text}\n\`\`\``),
    });
  }
  if (cluster !== undefined && clusterExplained.length > 0) {
    tables.push({
      title: `EXPLAIN ANALYZE, on node 0, of the ${clusterExplained.length} queries where ${clusterLabel} is furthest behind ${singleLabel} (by ratio)`,
      columns: ['query', `${clusterLabel} median ms`, `${singleLabel} median ms`],
      rows: clusterExplained.map((e) => [`Q${e.query}`, formatNumber(median(cluster, e.query) ?? NaN), formatNumber(median(eon, e.query) ?? NaN)]),
      notes: clusterExplained.map((e) => `Q${e.query}:\n\n\`\`\`\n${e.text}\n\`\`\``),
    });
  }
  return {
    suite: 'tpch',
    date,
    machine: machineInfo(),
    parameters: {
      'scale factor': options.sf,
      'timed runs per query': options.runs,
      seed: options.seed,
      'query timeout (s)': options.queryTimeoutSeconds,
      nodes: options.nodes > 1 ? `1 and ${options.nodes}` : 1,
      ...(options.queries === undefined ? {} : { queries: queries.map((q) => `Q${q.number}`).join(', ') }),
      ...(options.nodes > 1 ? { 'cluster sessions run': TPCH_CLUSTER_SESSION_SETUP.join('; ') } : {}),
      'machine load (1-min load average) at the start / end of each engine\'s queries': outcomes
        .filter((o) => o.loadAverages !== undefined)
        .map((o) => `${label(o)} ${o.loadAverages!.map((l) => formatNumber(l)).join(' / ')}`)
        .join('; '),
    },
    engines: outcomes.map((o) => ({ name: label(o), description: o.description || 'did not start' })),
    tables,
    agreement: { ok: agreed.ok, checks: agreed.checks, problems: agreed.problems },
    data: {
      sf: options.sf,
      rows: data.rows,
      generateSeconds,
      summary,
      geomeanMs: Object.fromEntries(outcomes.map((o) => [label(o), means.get(o)!])),
      geomeanQueries: common,
      engines: outcomes.map((o) => ({
        name: o.name,
        label: label(o),
        nodes: o.nodes,
        loadMethod: o.loadMethod,
        loadSeconds: o.loadSeconds ?? null,
        errors: o.errors,
        queries: Object.fromEntries(
          Object.entries(o.queries).map(([n, r]) => [n, { rows: r.rows ?? null, error: r.error ?? null, ...(r.measure ?? {}), ...(r.perNode === undefined ? {} : { perNode: r.perNode }), ...(r.peerBytes === undefined ? {} : { peerBytes: r.peerBytes }) }]),
        ),
        ...(o.nodeFigures === undefined ? {} : { nodeFigures: o.nodeFigures }),
        loadAverages: o.loadAverages ?? null,
      })),
      ...(cluster === undefined
        ? {}
        : { cluster: { nodes: cluster.nodes, coverage: TPCH_CLUSTER_COVERAGE, geomeanVsSingleNode: eon === undefined ? null : means.get(cluster)! / means.get(eon)!, rpcBytesCounter: true } }),
      explained,
      clusterExplained,
    },
    chart: {
      title: `TPC-H SF ${options.sf}: median ms per query`,
      unit: 'ms (lower is better, log scale)',
      log: true,
      groups: queries.map((q) => ({
        label: `Q${q.number}`,
        bars: outcomes.flatMap((o) => {
          const m = median(o, q.number);
          return m === undefined ? [] : [{ engine: label(o), value: m }];
        }),
      })),
    },
  };
}

/** One line against issue 3's targets (they are set for SF 1) and, with a cluster, issue 13's. */
function summaryLine(
  eon: EngineOutcome | undefined,
  duck: EngineOutcome | undefined,
  cluster: EngineOutcome | undefined,
  means: ReadonlyMap<EngineOutcome, number>,
  commonQueries: number,
  queryCount: number,
): string {
  if (eon === undefined) return 'eon did not run.';
  const ran = (o: EngineOutcome): number => Object.values(o.queries).filter((r) => r.measure !== undefined).length;
  const parts = [`eon ran ${ran(eon)} of ${queryCount} queries`];
  if (duck !== undefined && commonQueries > 0) {
    const g = means.get(eon)! / means.get(duck)!;
    parts.push(`geometric mean ${formatNumber(g)}× DuckDB's (target ≤ ${tpchTargets.geomeanVsDuckdb}×: ${g <= tpchTargets.geomeanVsDuckdb ? 'met' : 'MISSED'})`);
    for (const n of [1, 6]) {
      const e = eon.queries[n]?.measure?.medianMs;
      const d = duck.queries[n]?.measure?.medianMs;
      if (e !== undefined && d !== undefined) {
        const r = e / d;
        parts.push(`Q${n} ${formatNumber(r)}× (target ≤ ${tpchTargets.q1q6VsDuckdb}×: ${r <= tpchTargets.q1q6VsDuckdb ? 'met' : 'MISSED'})`);
      }
    }
  }
  if (cluster !== undefined) {
    parts.push(`on ${cluster.nodes} nodes eon ran ${ran(cluster)} of ${queryCount}`);
    if (commonQueries > 0) {
      const g = means.get(cluster)! / means.get(eon)!;
      const target = tpchClusterTargets.geomeanVsSingleNode;
      parts.push(`its geometric mean ${formatNumber(g)}× eon's on one node (target ≤ ${target}×: ${g <= target ? 'met' : 'MISSED'})`);
    }
  }
  return `${parts.join('; ')}.`;
}
