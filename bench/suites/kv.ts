// Suite `kv`: YCSB-style key-value workloads (A 50/50 read/update, B 95/5, C read-only) over a
// usertable, driven by concurrent clients through prepared statements (and, for eon, REST).

import pg from 'pg';
import { startEngine } from '../engines/index.js';
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
  description: string;
  loadRowsPerSecond?: number;
  workloads: Partial<Record<Workload | 'C over REST', WorkloadMeasure>>;
  problems: string[];
}

export const kvSuite: Suite = {
  name: 'kv',
  description: 'YCSB-style A/B/C over usertable with 8 clients (prepared statements; eon also REST), eon next to PostgreSQL',
  defaultRows: kvDefaultRows,
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
  const outcomes: EngineOutcome[] = [];
  for (const name of options.engines) {
    if (name === 'duckdb') {
      options.log('kv: duckdb skipped (an in-process library, not a server for concurrent clients)');
      continue;
    }
    outcomes.push(await runEngine(name, options));
  }
  return buildReport(date, options, outcomes);
}

async function runEngine(name: EngineName, options: SuiteOptions): Promise<EngineOutcome> {
  const outcome: EngineOutcome = { name, description: '', workloads: {}, problems: [] };
  let engine: BenchEngine | null = null;
  try {
    options.log(`${name}: start`);
    engine = await startEngine(name);
    outcome.description = await engine.describe();
    const e = engine;
    options.log(`${name}: load ${options.rows} rows`);
    await e.exec(`CREATE TABLE ${TABLE} (ycsb_key int PRIMARY KEY, ${Array.from({ length: KV_FIELDS }, (_, f) => `field${f} text`).join(', ')})`);
    const start = process.hrtime.bigint();
    await e.insertValues(kvSource(options.rows), { from: 0, to: options.rows, rowsPerStatement: LOAD_ROWS_PER_STATEMENT, connections: LOAD_CONNECTIONS });
    outcome.loadRowsPerSecond = options.rows / (elapsedMs(start) / 1000);
    if (name === 'eon') await e.exec('CHECKPOINT');
    else await e.exec(`VACUUM ANALYZE ${TABLE}`);
    await checkRows(e, options, outcome, 'after the load');
    const target = e.wireTarget?.();
    if (target === undefined) throw new Error(`${name} has no wire-protocol address`);
    for (const w of ['C', 'B', 'A'] as const) {
      options.log(`${name}: workload ${w}`);
      outcome.workloads[w] = await runWorkload(w, target, options);
    }
    const rest = e.restExec?.bind(e);
    if (rest !== undefined) {
      options.log(`${name}: workload C over REST`);
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

/**
 * KV_CLIENTS clients for the workload's time: each gets its own session from `open` and its own
 * key stream, and runs `op` on key after key; every op's latency is recorded.
 */
async function timedClients<S>(
  options: SuiteOptions,
  seedSalt: number,
  open: () => Promise<S>,
  close: (session: S) => Promise<void>,
  op: (session: S, key: number, zipf: ScrambledZipfian, opIndex: number) => Promise<void>,
): Promise<WorkloadMeasure> {
  const latencies: number[] = [];
  let ops = 0;
  const deadline = Date.now() + workloadSeconds(options.rows) * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: KV_CLIENTS }, async (_, c) => {
      const session = await open();
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

function runWorkload(w: Workload, target: { host: string; port: number; user: string; database: string }, options: SuiteOptions): Promise<WorkloadMeasure> {
  return timedClients(
    options,
    31,
    async () => {
      const client = new pg.Client({ ...target, connectionTimeoutMillis: 10_000 });
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

function buildReport(date: string, options: SuiteOptions, outcomes: EngineOutcome[]): SuiteReport {
  const eon = outcomes.find((o) => o.name === 'eon');
  const pgOutcome = outcomes.find((o) => o.name === 'postgres');
  const rows: string[][] = [];
  for (const w of ['A', 'B', 'C', 'C over REST'] as const) {
    for (const o of outcomes) {
      const m = o.workloads[w];
      if (m === undefined) continue;
      const vsPg = o.name === 'eon' && pgOutcome?.workloads[w === 'C over REST' ? 'C' : w] !== undefined
        ? costRatio(1 / m.opsPerSecond, 1 / pgOutcome.workloads[w === 'C over REST' ? 'C' : w]!.opsPerSecond)
        : '';
      rows.push([w, o.name, Math.round(m.opsPerSecond).toLocaleString('en-US'), formatNumber(m.p50Ms), formatNumber(m.p99Ms), formatNumber(m.p999Ms), vsPg]);
    }
  }
  const c = eon?.workloads.C;
  const pgC = pgOutcome?.workloads.C;
  const summary = c === undefined || pgC === undefined
    ? 'Workload C did not run on both eon and PostgreSQL.'
    : `Workload C: eon ${Math.round(c.opsPerSecond).toLocaleString('en-US')} ops/s = ${formatNumber(c.opsPerSecond / pgC.opsPerSecond)} of PostgreSQL's (target ≥ ${C_THROUGHPUT_SHARE_MIN}: ${c.opsPerSecond / pgC.opsPerSecond >= C_THROUGHPUT_SHARE_MIN ? 'met' : 'NOT met'}), p99 ${formatNumber(c.p99Ms)} ms (target < ${C_P99_MS_MAX} ms: ${c.p99Ms < C_P99_MS_MAX ? 'met' : 'NOT met'}).`;
  const table: ReportTable = {
    title: `Workloads (${KV_CLIENTS} clients, ${workloadSeconds(options.rows)} s each, zipfian ${ZIPF_THETA} over ${options.rows.toLocaleString('en-US')} keys)`,
    columns: ['workload', 'engine', 'ops/s', 'p50 ms', 'p99 ms', 'p999 ms', 'eon cost vs PostgreSQL'],
    rows,
    notes: [
      summary,
      'A: 50% reads / 50% updates of one field; B: 95/5; C: reads only. Prepared statements over the wire protocol; "C over REST" is eon\'s POST /v1/query with params (PostgreSQL has no REST: compared with its C). Cost ratio = eon time per op / PostgreSQL\'s (>1: eon slower).',
      ...outcomes.filter((o) => o.loadRowsPerSecond !== undefined).map((o) => `${o.name}: load (multi-row INSERT, ${LOAD_ROWS_PER_STATEMENT} rows/statement, ${LOAD_CONNECTIONS} connections) ${Math.round(o.loadRowsPerSecond!).toLocaleString('en-US')} rows/s.`),
      'DuckDB is not run: it is an in-process library, not a server concurrent clients connect to.',
    ],
  };
  const problems = outcomes.flatMap((o) => o.problems.map((p) => `${o.name}: ${p}`));
  return {
    suite: 'kv',
    date,
    machine: machineInfo(),
    parameters: { rows: options.rows, clients: KV_CLIENTS, 'seconds per workload': workloadSeconds(options.rows), fields: `${KV_FIELDS} × ${FIELD_CHARS} chars`, seed: options.seed },
    engines: outcomes.map((o) => ({ name: o.name, description: o.description || '(not started)' })),
    tables: [table],
    chart: {
      title: `kv, ${options.rows.toLocaleString('en-US')} keys, ${KV_CLIENTS} clients`,
      unit: 'ops/s (higher is better)',
      groups: (['A', 'B', 'C', 'C over REST'] as const)
        .map((w) => ({ label: `workload ${w}`, bars: outcomes.filter((o) => o.workloads[w] !== undefined).map((o) => ({ engine: o.name, value: o.workloads[w]!.opsPerSecond })) }))
        .filter((g) => g.bars.length > 0),
    },
    agreement: { ok: problems.length === 0, checks: ['row count and 50 sampled rows (loaded or updated field values) after the load and after the workloads, on every engine'], problems },
    data: { engines: outcomes },
  };
}
