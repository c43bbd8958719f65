// Suite `kv`: YCSB-style key-value workloads (A 50/50 read/update, B 95/5, C read-only) over a
// usertable, driven by concurrent clients through prepared statements (and, for eon, REST). With
// `--nodes N` eon also runs as a local cluster of N processes, the clients spread over its nodes.

import os from 'node:os';
import pg from 'pg';
import { startEngine } from '../engines/index.js';
import { startEonCluster } from '../engines/eon-cluster.js';
import type { BenchEngine, EngineName, LoadSource } from '../engines/index.js';
import { costRatio, formatNumber, machineInfo } from '../report.js';
import type { ReportTable, SuiteReport } from '../report.js';
import { elapsedMs, percentile } from '../stats.js';
import { errorMessage, timedRunSeconds, type Suite, type SuiteOptions } from '../suite.js';

export const kvDefaultRows = 1_000_000;
/** Concurrent clients per workload, each its own connection. */
export const KV_CLIENTS = 8;
/** YCSB's shape: ten fields; FIELD_CHARS per field (YCSB's default is 100: see bench/README.md). */
export const KV_FIELDS = 10;
export const FIELD_CHARS = 10;
/** YCSB's zipfian constant. */
export const ZIPF_THETA = 0.99;
/** Seconds per workload at full size. */
const WORKLOAD_SECONDS_MAX = 20;
export function workloadSeconds(rows: number): number {
  return timedRunSeconds(rows, WORKLOAD_SECONDS_MAX);
}
/** The run's seconds per workload: --seconds, else by table size. */
function secondsOf(options: Pick<SuiteOptions, 'rows' | 'seconds'>): number {
  return options.seconds ?? workloadSeconds(options.rows);
}
/** Issue 3's targets for workload C. */
const C_THROUGHPUT_SHARE_MIN = 0.5;
const C_P99_MS_MAX = 5;

const LOAD_ROWS_PER_STATEMENT = 500;
const LOAD_CONNECTIONS = 4;

type Workload = 'A' | 'B' | 'C';
const READ_SHARE: Record<Workload, number> = { A: 0.5, B: 0.95, C: 1 };

const TABLE = 'usertable';
const READ_SQL = `SELECT * FROM ${TABLE} WHERE ycsb_key = $1`;
const updateSql = (field: number): string => `UPDATE ${TABLE} SET field${field} = $1 WHERE ycsb_key = $2`;

interface WorkloadMeasure {
  ops: number;
  seconds: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

interface EngineOutcome {
  name: EngineName;
  /** How the report names it: the engine, or eon as a cluster ("eon, 3 nodes"). */
  label: string;
  /** eon's nodes (1 alone); absent for the peers. */
  nodes?: number;
  description: string;
  loadRowsPerSecond?: number;
  workloads: Partial<Record<Workload | 'C over REST', WorkloadMeasure>>;
  problems: string[];
}

export const kvSuite: Suite = {
  name: 'kv',
  description: 'YCSB-style A/B/C over usertable with 8 clients (prepared statements; eon also REST), eon next to PostgreSQL',
  defaultRows: kvDefaultRows,
  multiNode: true,
  run: runKv,
};

/** Deterministic field text for (key, field): what every engine loads. */
function fieldValue(key: number, field: number): string {
  return `${(key * 31 + field * 7919).toString(36)}xxxxxxxxxx`.slice(0, FIELD_CHARS);
}

function kvSource(rows: number): LoadSource {
  return {
    table: TABLE,
    rows,
    valuesSql: (from, to) => {
      const out: string[] = [];
      for (let k = from; k < to; k++) out.push(`(${k}, ${Array.from({ length: KV_FIELDS }, (_, f) => `'${fieldValue(k, f)}'`).join(', ')})`);
      return out.join(', ');
    },
    csvPath: () => Promise.reject(new Error('kv loads by INSERT')),
  };
}

/**
 * YCSB's scrambled zipfian generator: ranks drawn with skew ZIPF_THETA (Gray et al.), spread over
 * the key space by a hash so the hot keys are not adjacent.
 */
export class ScrambledZipfian {
  private readonly zetan: number;
  private readonly alpha: number;
  private readonly eta: number;
  private state: number;

  constructor(private readonly items: number, seed: number) {
    let zetan = 0;
    for (let i = 1; i <= items; i++) zetan += 1 / i ** ZIPF_THETA;
    const zeta2 = 1 + 1 / 2 ** ZIPF_THETA;
    this.zetan = zetan;
    this.alpha = 1 / (1 - ZIPF_THETA);
    this.eta = (1 - (2 / items) ** (1 - ZIPF_THETA)) / (1 - zeta2 / zetan);
    this.state = seed >>> 0 || 1;
  }

  private random(): number {
    // xorshift32: fast, seeded, good enough for choosing keys.
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x100000000;
  }

  /** A zipfian rank in [0, items). */
  rank(): number {
    const u = this.random();
    const uz = u * this.zetan;
    if (uz < 1) return 0;
    if (uz < 1 + 0.5 ** ZIPF_THETA) return 1;
    return Math.min(this.items - 1, Math.floor(this.items * (this.eta * u - this.eta + 1) ** this.alpha));
  }

  /** A key in [0, items): the rank scrambled by FNV-1a, as YCSB does. */
  next(): number {
    let h = 0x811c9dc5;
    let r = this.rank();
    for (let i = 0; i < 4; i++) {
      h ^= r & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
      r >>>= 8;
    }
    return h % this.items;
  }

  unit(): number {
    return this.random();
  }
}

async function runKv(options: SuiteOptions): Promise<SuiteReport> {
  const date = new Date().toISOString();
  // Other work on the machine skews every figure: the report says how busy it was.
  const loadBefore = os.loadavg()[0]!;
  const outcomes: EngineOutcome[] = [];
  for (const name of options.engines) {
    if (name === 'duckdb') {
      options.log('kv: duckdb skipped (an in-process library, not a server for concurrent clients)');
      continue;
    }
    outcomes.push(await runEngine(name, name === 'eon' && options.nodes > 1 ? 'eon, 1 node' : name, options));
    // The cluster right after eon alone, on the same data and clients.
    if (name === 'eon' && options.nodes > 1) outcomes.push(await runEngine(name, `eon, ${options.nodes} nodes`, options, options.nodes));
  }
  return buildReport(date, options, outcomes, [loadBefore, os.loadavg()[0]!]);
}

/** One engine's run; `nodes` > 1 starts eon as a local cluster of that many processes. */
async function runEngine(name: EngineName, label: string, options: SuiteOptions, nodes = 1): Promise<EngineOutcome> {
  const outcome: EngineOutcome = { name, label, ...(name === 'eon' ? { nodes } : {}), description: '', workloads: {}, problems: [] };
  let engine: BenchEngine | null = null;
  try {
    options.log(`${label}: start`);
    engine = nodes > 1 ? await startEngine(name, () => startEonCluster(nodes)) : await startEngine(name);
    outcome.description = await engine.describe();
    const e = engine;
    options.log(`${label}: load ${options.rows} rows`);
    await e.exec(`CREATE TABLE ${TABLE} (ycsb_key int PRIMARY KEY, ${Array.from({ length: KV_FIELDS }, (_, f) => `field${f} text`).join(', ')})`);
    const start = process.hrtime.bigint();
    await e.insertValues(kvSource(options.rows), { from: 0, to: options.rows, rowsPerStatement: LOAD_ROWS_PER_STATEMENT, connections: LOAD_CONNECTIONS });
    outcome.loadRowsPerSecond = options.rows / (elapsedMs(start) / 1000);
    const target = e.wireTarget?.();
    if (target === undefined) throw new Error(`${name} has no wire-protocol address`);
    const targets = e.wireTargets?.() ?? [target];
    if (name === 'eon') for (const t of targets) await onConnection(t, (client) => client.query('CHECKPOINT'));
    else await e.exec(`VACUUM ANALYZE ${TABLE}`);
    await checkRows(e, options, outcome, 'after the load');
    for (const w of ['C', 'B', 'A'] as const) {
      options.log(`${label}: workload ${w}`);
      outcome.workloads[w] = await runWorkload(w, targets, options);
    }
    const rest = e.restExec?.bind(e);
    if (rest !== undefined) {
      options.log(`${label}: workload C over REST`);
      outcome.workloads['C over REST'] = await runRestReads(rest, options);
    }
    await checkRows(e, options, outcome, 'after the workloads');
  } catch (err) {
    outcome.problems.push(errorMessage(err));
  } finally {
    await engine?.stop();
  }
  return outcome;
}

/** Every row is there, and sampled reads return what was loaded in the fields no update touches. */
async function checkRows(e: BenchEngine, options: SuiteOptions, outcome: EngineOutcome, when: string): Promise<void> {
  const [count] = await e.query(`SELECT count(*) FROM ${TABLE}`);
  if (Number(count?.[0]) !== options.rows) outcome.problems.push(`${when}: ${String(count?.[0])} rows, not ${options.rows}`);
  const zipf = new ScrambledZipfian(options.rows, options.seed + 7);
  for (let i = 0; i < 50; i++) {
    const key = zipf.next();
    const [row] = await e.query(READ_SQL, [key]);
    if (row === undefined || Number(row[0]) !== key) {
      outcome.problems.push(`${when}: key ${key} not found`);
      continue;
    }
    // Updates only ever write field values of the form u<digits>; anything else must be the loaded text.
    for (let f = 0; f < KV_FIELDS; f++) {
      const v = String(row[f + 1]);
      if (v !== fieldValue(key, f) && !/^u\d+$/.test(v)) outcome.problems.push(`${when}: key ${key} field${f} = ${v}`);
    }
  }
}

type Target = { host: string; port: number; user: string; database: string };

/** One connection to `target` for `fn`, closed afterwards. */
async function onConnection(target: Target, fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ ...target, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * KV_CLIENTS clients for the workload's time: client c gets its own session from `open(c)` and its
 * own key stream, and runs `op` on key after key; every op's latency is recorded.
 */
async function timedClients<S>(
  options: SuiteOptions,
  seedSalt: number,
  open: (client: number) => Promise<S>,
  close: (session: S) => Promise<void>,
  op: (session: S, key: number, zipf: ScrambledZipfian, opIndex: number) => Promise<void>,
): Promise<WorkloadMeasure> {
  const latencies: number[] = [];
  let ops = 0;
  const deadline = Date.now() + secondsOf(options) * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: KV_CLIENTS }, async (_, c) => {
      const session = await open(c);
      const zipf = new ScrambledZipfian(options.rows, options.seed * seedSalt + c + 1);
      try {
        while (Date.now() < deadline) {
          const t0 = process.hrtime.bigint();
          await op(session, zipf.next(), zipf, ops);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          ops++;
        }
      } finally {
        await close(session);
      }
    }),
  );
  return measure(latencies, ops, elapsedMs(started) / 1000);
}

/** Client c connects to targets[c mod n]: through a cluster's nodes in turn. */
function runWorkload(w: Workload, targets: readonly Target[], options: SuiteOptions): Promise<WorkloadMeasure> {
  return timedClients(
    options,
    31,
    async (c) => {
      const client = new pg.Client({ ...targets[c % targets.length]!, connectionTimeoutMillis: 10_000 });
      await client.connect();
      return client;
    },
    (client) => client.end(),
    async (client, key, zipf, opIndex) => {
      if (zipf.unit() < READ_SHARE[w]) await client.query({ name: 'read', text: READ_SQL, values: [key], rowMode: 'array' });
      else await client.query({ name: `update${key % KV_FIELDS}`, text: updateSql(key % KV_FIELDS), values: [`u${opIndex}`, key] });
    },
  );
}

function runRestReads(rest: (sql: string, params?: readonly unknown[]) => Promise<void>, options: SuiteOptions): Promise<WorkloadMeasure> {
  return timedClients(options, 37, async () => null, async () => undefined, (_, key) => rest(READ_SQL, [key]));
}

function measure(latencies: number[], ops: number, seconds: number): WorkloadMeasure {
  latencies.sort((a, b) => a - b);
  return { ops, seconds, opsPerSecond: ops / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), p999Ms: percentile(latencies, 99.9) };
}

function buildReport(date: string, options: SuiteOptions, outcomes: EngineOutcome[], loadAverages: readonly [number, number]): SuiteReport {
  const eon = outcomes.find((o) => o.name === 'eon' && o.nodes === 1);
  const cluster = outcomes.find((o) => o.name === 'eon' && (o.nodes ?? 1) > 1);
  const pgOutcome = outcomes.find((o) => o.name === 'postgres');
  const seconds = secondsOf(options);
  const rows: string[][] = [];
  const peerOf = (w: Workload | 'C over REST'): Workload => (w === 'C over REST' ? 'C' : w);
  for (const w of ['A', 'B', 'C', 'C over REST'] as const) {
    for (const o of outcomes) {
      const m = o.workloads[w];
      if (m === undefined) continue;
      const pgM = pgOutcome?.workloads[peerOf(w)];
      const vsPg = o.name === 'eon' && pgM !== undefined ? costRatio(1 / m.opsPerSecond, 1 / pgM.opsPerSecond) : '';
      const single = eon?.workloads[w];
      const vsOne = o === cluster && single !== undefined ? costRatio(1 / m.opsPerSecond, 1 / single.opsPerSecond) : '';
      rows.push([w, o.label, Math.round(m.opsPerSecond).toLocaleString('en-US'), formatNumber(m.p50Ms), formatNumber(m.p99Ms), formatNumber(m.p999Ms), vsPg, ...(cluster === undefined ? [] : [vsOne])]);
    }
  }
  const c = eon?.workloads.C;
  const pgC = pgOutcome?.workloads.C;
  const summary = c === undefined || pgC === undefined
    ? 'Workload C did not run on both eon (one node) and PostgreSQL.'
    : `Workload C: eon (one node) ${Math.round(c.opsPerSecond).toLocaleString('en-US')} ops/s = ${formatNumber(c.opsPerSecond / pgC.opsPerSecond)} of PostgreSQL's (target ≥ ${C_THROUGHPUT_SHARE_MIN}: ${c.opsPerSecond / pgC.opsPerSecond >= C_THROUGHPUT_SHARE_MIN ? 'met' : 'NOT met'}), p99 ${formatNumber(c.p99Ms)} ms (target < ${C_P99_MS_MAX} ms: ${c.p99Ms < C_P99_MS_MAX ? 'met' : 'NOT met'}).`;
  const clusterNote = cluster === undefined
    ? []
    : [
        `${cluster.label}: real processes on this same machine (they share its ${machineInfo().cores} cores with each other and with the bench's clients), each table at N = 3 (every node holds every row), W = 2, R = 2: a read by key is answered once two replicas have (the coordinator's own copy and one other), an update once two hold it. Client c connects to node c mod ${cluster.nodes}, the load's connections and the REST requests go round the nodes too. "cost vs eon 1 node" = its time per op / eon alone's.`,
      ];
  const table: ReportTable = {
    title: `Workloads (${KV_CLIENTS} clients, ${seconds} s each, zipfian ${ZIPF_THETA} over ${options.rows.toLocaleString('en-US')} keys)`,
    columns: ['workload', 'engine', 'ops/s', 'p50 ms', 'p99 ms', 'p999 ms', 'eon cost vs PostgreSQL', ...(cluster === undefined ? [] : ['cost vs eon 1 node'])],
    rows,
    notes: [
      summary,
      'A: 50% reads / 50% updates of one field; B: 95/5; C: reads only. Prepared statements over the wire protocol; "C over REST" is eon\'s POST /v1/query with params (PostgreSQL has no REST: compared with its C). Cost ratio = eon time per op / PostgreSQL\'s (>1: eon slower).',
      ...clusterNote,
      ...outcomes.filter((o) => o.loadRowsPerSecond !== undefined).map((o) => `${o.label}: load (multi-row INSERT, ${LOAD_ROWS_PER_STATEMENT} rows/statement, ${LOAD_CONNECTIONS} connections) ${Math.round(o.loadRowsPerSecond!).toLocaleString('en-US')} rows/s.`),
      'DuckDB is not run: it is an in-process library, not a server concurrent clients connect to.',
    ],
  };
  const problems = outcomes.flatMap((o) => o.problems.map((p) => `${o.label}: ${p}`));
  return {
    suite: 'kv',
    date,
    machine: machineInfo(),
    parameters: {
      rows: options.rows,
      clients: KV_CLIENTS,
      'seconds per workload': seconds,
      fields: `${KV_FIELDS} × ${FIELD_CHARS} chars`,
      seed: options.seed,
      ...(options.nodes > 1 ? { 'eon nodes': `1 and ${options.nodes}` } : {}),
      'machine load (1-min load average) at start / end': loadAverages.map((l) => formatNumber(l)).join(' / '),
    },
    engines: outcomes.map((o) => ({ name: o.label, description: o.description || '(not started)' })),
    tables: [table],
    chart: {
      title: `kv, ${options.rows.toLocaleString('en-US')} keys, ${KV_CLIENTS} clients`,
      unit: 'ops/s (higher is better)',
      groups: (['A', 'B', 'C', 'C over REST'] as const)
        .map((w) => ({ label: `workload ${w}`, bars: outcomes.filter((o) => o.workloads[w] !== undefined).map((o) => ({ engine: o.label, value: o.workloads[w]!.opsPerSecond })) }))
        .filter((g) => g.bars.length > 0),
    },
    agreement: { ok: problems.length === 0, checks: ['row count and 50 sampled rows (loaded or updated field values) after the load and after the workloads, on every engine'], problems },
    data: { engines: outcomes },
  };
}
