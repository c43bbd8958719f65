// Suite `common`: the everyday statements a new user tries on TPC-H data, beside the 22
// analytical queries — LIMIT without ORDER BY, top-N, DISTINCT, count(DISTINCT), a join with
// ORDER BY … LIMIT, a whole-table result consumed as it streams, UPDATE and DELETE by key prefix
// and range — and a primary-key lookup's latency while another connection runs an aggregate over
// the largest table. Issue 12's targets: reads within 3× of DuckDB, DML within 3× of PostgreSQL,
// the lookup's p99 under load below 10 ms.

import { resultDifference } from '../agreement.js';
import { orderKey } from '../data/tpch/generate.js';
import { generateTpch, tpchCreateSql, type GeneratedTpch } from '../data/tpch/index.js';
import { startEngine } from '../engines/index.js';
import type { BenchEngine, Cell, EngineName } from '../engines/index.js';
import { withWorkDir } from '../process.js';
import { costRatio, formatNumber, machineInfo } from '../report.js';
import type { ReportTable, SuiteReport } from '../report.js';
import { elapsedMs, median, minimum, percentile } from '../stats.js';
import { errorMessage, type Suite, type SuiteOptions } from '../suite.js';
import { finishTpchLoad, loadTpchTable, tpchRelativeTolerance } from './tpch.js';
import { timeQuery, type QueryMeasure } from '../timing.js';

/** The tables the statements read (loaded from the generated TPC-H data). */
const TABLES = ['orders', 'lineitem'] as const;
/** Issue 12's bounds: eon's time over the peer's. */
export const commonTargets = { readsVsDuckdb: 3, dmlVsPostgres: 3, lookupUnderLoadP99Ms: 10 } as const;
/** How long primary-key lookups are timed while the aggregate runs beside them, at SF 1 and up. */
export const LOOKUP_UNDER_LOAD_SECONDS_MAX = 10;

/** Shorter at small scale factors (1 s at SF 0.1 and below), so a smoke run stays short. */
export function lookupUnderLoadSeconds(sf: number): number {
  return Math.max(1, Math.min(LOOKUP_UNDER_LOAD_SECONDS_MAX, Math.round(sf * LOOKUP_UNDER_LOAD_SECONDS_MAX)));
}
/** The table DELETE's rows are put back from between runs. */
const SAVED_TABLE = 'common_saved';
/** The range DELETE removes (and each run puts back): about 250 orders' lines at any scale. */
const DELETE_FROM_KEY = 2000;
const DELETE_TO_KEY = 2999;

type StatementKind = 'read' | 'dml';

interface Statement {
  readonly id: string;
  readonly title: string;
  readonly kind: StatementKind;
  readonly sql: string;
  /** How answers are compared: the rows in order, or only how many came back. */
  readonly compare: 'ordered' | 'count';
  /** Consumes the rows as they arrive, without holding them (a whole-table result). */
  readonly streamed?: boolean;
  /** Untimed work after each run that restores the data the statement changed. */
  readonly restore?: string;
}

const STATEMENTS: readonly Statement[] = [
  { id: 'limit', title: 'LIMIT 10 without ORDER BY', kind: 'read', sql: 'SELECT * FROM lineitem LIMIT 10', compare: 'count' },
  {
    id: 'top-n',
    title: 'top-N: ORDER BY a non-key column LIMIT 5',
    kind: 'read',
    sql: 'SELECT l_orderkey, l_linenumber, l_extendedprice FROM lineitem ORDER BY l_extendedprice DESC, l_orderkey, l_linenumber LIMIT 5',
    compare: 'ordered',
  },
  { id: 'distinct', title: 'SELECT DISTINCT of a low-cardinality column', kind: 'read', sql: 'SELECT DISTINCT l_shipmode FROM lineitem ORDER BY l_shipmode', compare: 'ordered' },
  { id: 'count-distinct', title: 'count(DISTINCT) of a high-cardinality column', kind: 'read', sql: 'SELECT count(DISTINCT l_partkey) FROM lineitem', compare: 'ordered' },
  {
    id: 'join-top-n',
    title: 'join, ORDER BY … LIMIT 5',
    kind: 'read',
    sql: 'SELECT o_orderkey, o_orderdate, l_linenumber, l_extendedprice FROM orders JOIN lineitem ON l_orderkey = o_orderkey ORDER BY l_extendedprice DESC, o_orderkey, l_linenumber LIMIT 5',
    compare: 'ordered',
  },
  { id: 'whole-table', title: 'SELECT * of the whole table, consumed as it streams', kind: 'read', sql: 'SELECT * FROM lineitem', compare: 'count', streamed: true },
  { id: 'update-prefix', title: 'UPDATE by primary-key prefix (one order\'s lines)', kind: 'dml', sql: 'UPDATE lineitem SET l_quantity = l_quantity WHERE l_orderkey = 7', compare: 'count' },
  {
    id: 'delete-range',
    title: `DELETE by primary-key range (orders ${DELETE_FROM_KEY}–${DELETE_TO_KEY})`,
    kind: 'dml',
    sql: `DELETE FROM lineitem WHERE l_orderkey BETWEEN ${DELETE_FROM_KEY} AND ${DELETE_TO_KEY}`,
    compare: 'count',
    restore: `INSERT INTO lineitem SELECT * FROM ${SAVED_TABLE}`,
  },
];

/** The aggregate that keeps one connection busy while lookups are timed on another. */
const LOAD_SQL = 'SELECT l_returnflag, l_linestatus, sum(l_quantity), sum(l_extendedprice), avg(l_discount), count(*) FROM lineitem GROUP BY l_returnflag, l_linestatus';
const LOOKUP_SQL = 'SELECT o_totalprice FROM orders WHERE o_orderkey = $1';
/** The answer every engine must give afterwards: the DML runs left the data as loaded. */
const FINAL_CHECK_SQL = 'SELECT count(*), sum(l_quantity), sum(l_orderkey) FROM lineitem';

interface StatementOutcome {
  measure?: QueryMeasure;
  rows?: number;
  result?: Cell[][];
  error?: string;
}

interface LookupOutcome {
  lookups: number;
  loadRuns: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface EngineOutcome {
  name: EngineName;
  description: string;
  statements: Record<string, StatementOutcome>;
  lookup?: LookupOutcome;
  lookupError?: string;
  finalCheck?: Cell[][];
  errors: string[];
}

export const commonSuite: Suite = {
  name: 'common',
  description: 'everyday statements on TPC-H data (LIMIT, top-N, DISTINCT, streaming, DML by key) and lookups under load, eon next to DuckDB and PostgreSQL',
  defaultRows: 0,
  run: runCommon,
};

async function runCommon(options: SuiteOptions): Promise<SuiteReport> {
  const date = new Date().toISOString();
  return withWorkDir('eon-bench-common-', async (dir) => {
    options.log(`common: generating TPC-H SF ${options.sf}`);
    const data = await generateTpch(dir, options.sf, options.seed, () => {});
    const outcomes: EngineOutcome[] = [];
    for (const name of options.engines) outcomes.push(await runEngine(name, data, options));
    return buildReport(date, options, data, outcomes);
  });
}

async function runEngine(name: EngineName, data: GeneratedTpch, options: SuiteOptions): Promise<EngineOutcome> {
  const outcome: EngineOutcome = { name, description: '', statements: {}, errors: [] };
  let engine: BenchEngine;
  try {
    options.log(`${name}: start`);
    engine = await startEngine(name);
    outcome.description = await engine.describe();
  } catch (e) {
    outcome.errors.push(`start: ${errorMessage(e)}`);
    return outcome;
  }
  try {
    options.log(`${name}: loading ${TABLES.join(', ')}`);
    for (const table of TABLES) {
      await engine.exec(tpchCreateSql(table, name !== 'duckdb'));
      await loadTpchTable(engine, table, data.files[table]);
    }
    await engine.exec(`CREATE TABLE ${SAVED_TABLE} AS SELECT * FROM lineitem WHERE l_orderkey BETWEEN ${DELETE_FROM_KEY} AND ${DELETE_TO_KEY}`);
    await finishTpchLoad(engine);
    await engine.setStatementTimeout(options.queryTimeoutSeconds * 1000);
    for (const s of STATEMENTS) {
      options.log(`${name}: ${s.id}`);
      outcome.statements[s.id] = await runStatement(engine, s, options.runs);
    }
    options.log(`${name}: lookups under load, ${lookupUnderLoadSeconds(options.sf)} s`);
    try {
      outcome.lookup = await lookupsUnderLoad(engine, data.rows.orders, options.seed, lookupUnderLoadSeconds(options.sf));
    } catch (e) {
      outcome.lookupError = errorMessage(e);
    }
    outcome.finalCheck = await engine.query(FINAL_CHECK_SQL);
  } catch (e) {
    outcome.errors.push(errorMessage(e));
  } finally {
    await engine.stop();
  }
  return outcome;
}

async function runStatement(engine: BenchEngine, s: Statement, runs: number): Promise<StatementOutcome> {
  try {
    if (s.streamed === true) return await timeStreamed(engine, s.sql, runs);
    if (s.restore === undefined) {
      const { measure, rows } = await timeQuery(engine, s.sql, [], runs);
      return { measure, rows: rows.length, result: rows };
    }
    // A statement that changes the data: each run starts from the loaded data (restore untimed).
    const runsMs: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const start = process.hrtime.bigint();
      await engine.exec(s.sql);
      if (i > 0) runsMs.push(elapsedMs(start)); // the first run warms up
      await engine.exec(s.restore);
    }
    return { measure: { runsMs, medianMs: median(runsMs), minMs: minimum(runsMs) }, rows: 0, result: [] };
  } catch (e) {
    return { error: errorMessage(e) };
  }
}

/** A whole-table result: rows counted as they arrive (never all held), one warm-up run first. */
async function timeStreamed(engine: BenchEngine, sql: string, runs: number): Promise<StatementOutcome> {
  if (engine.countRows === undefined) throw new Error(`${engine.name} cannot stream a result`);
  let rows = await engine.countRows(sql);
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    rows = await engine.countRows(sql);
    runsMs.push(elapsedMs(start));
  }
  return { measure: { runsMs, medianMs: median(runsMs), minMs: minimum(runsMs) }, rows, result: [[rows]] };
}

/**
 * Primary-key lookups on a prepared statement of their own connection, one after another, while
 * the main connection runs LOAD_SQL back to back: what a point query waits behind an analyst.
 */
async function lookupsUnderLoad(engine: BenchEngine, orders: number, seed: number, seconds: number): Promise<LookupOutcome> {
  const lookup = await engine.prepare(LOOKUP_SQL);
  const latencies: number[] = [];
  let loadRuns = 0;
  let loading = true;
  const load = (async (): Promise<void> => {
    while (loading) {
      await engine.query(LOAD_SQL);
      loadRuns++;
    }
  })();
  try {
    // Deterministic keys from the seed (a linear congruential walk over the orders' indexes).
    let state = (seed >>> 0) || 1;
    const deadline = performance.now() + seconds * 1000;
    while (performance.now() < deadline) {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      const key = orderKey(state % orders);
      const start = process.hrtime.bigint();
      const rows = await lookup.run([key]);
      latencies.push(elapsedMs(start));
      if (rows.length !== 1) throw new Error(`order ${key} came back as ${rows.length} rows`);
    }
  } finally {
    loading = false;
    await load;
    await lookup.close();
  }
  return { lookups: latencies.length, loadRuns, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: Math.max(...latencies) };
}

const ENGINE_LABELS: Record<EngineName, string> = { eon: 'eon', duckdb: 'DuckDB', postgres: 'PostgreSQL' };
const REFERENCE_ORDER: readonly EngineName[] = ['postgres', 'duckdb', 'eon'];

function agreement(outcomes: readonly EngineOutcome[]): SuiteReport['agreement'] {
  const problems: string[] = [];
  const checks: string[] = [];
  for (const o of outcomes) {
    for (const e of o.errors) problems.push(`${o.name}: ${e}`);
    if (o.lookupError !== undefined) problems.push(`${o.name}: lookups under load: ${o.lookupError}`);
    for (const s of STATEMENTS) {
      const error = o.statements[s.id]?.error;
      if (error !== undefined) problems.push(`${s.id}: ${ENGINE_LABELS[o.name]} failed: ${error}`);
    }
  }
  const compare = (what: string, results: { name: EngineName; rows: Cell[][] }[], ordered: boolean): void => {
    const reference = REFERENCE_ORDER.map((n) => results.find((r) => r.name === n)).find((r) => r !== undefined);
    if (reference === undefined || results.length < 2) return;
    for (const r of results) {
      if (r === reference) continue;
      const diff = resultDifference(r.rows, reference.rows, ordered, tpchRelativeTolerance);
      if (diff !== null) problems.push(`${what}: ${r.name} differs from ${reference.name}: ${diff}`);
    }
    checks.push(`${what}: ${results.map((r) => r.name).join(', ')}`);
  };
  for (const s of STATEMENTS) {
    if (s.kind === 'dml') continue;
    const results = outcomes.flatMap((o) => {
      const r = o.statements[s.id];
      if (r?.result === undefined) return [];
      return [{ name: o.name, rows: s.compare === 'count' ? [[r.rows ?? 0]] : r.result }];
    });
    compare(`${s.id} (${s.compare === 'count' ? 'row count' : 'rows in order'})`, results, true);
  }
  compare(
    'the data after the DML runs (count, sums)',
    outcomes.flatMap((o) => (o.finalCheck === undefined ? [] : [{ name: o.name, rows: o.finalCheck }])),
    true,
  );
  return { ok: problems.length === 0, checks, problems };
}

function buildReport(date: string, options: SuiteOptions, data: GeneratedTpch, outcomes: readonly EngineOutcome[]): SuiteReport {
  const eon = outcomes.find((o) => o.name === 'eon');
  const peers = outcomes.filter((o) => o.name !== 'eon');
  const medianOf = (o: EngineOutcome | undefined, id: string): number | undefined => o?.statements[id]?.measure?.medianMs;
  const cell = (o: EngineOutcome, id: string): string => {
    const r = o.statements[id];
    if (r?.measure !== undefined) return `${formatNumber(r.measure.medianMs)} (${formatNumber(r.measure.minMs)})`;
    if (r?.error === undefined) return '–';
    return /timeout|cancel/i.test(r.error) ? 'timed out' : /memory/i.test(r.error) ? 'out of memory' : 'failed';
  };
  const targetOf = (s: Statement): string => {
    const peer = s.kind === 'read' ? 'duckdb' : 'postgres';
    const bound = s.kind === 'read' ? commonTargets.readsVsDuckdb : commonTargets.dmlVsPostgres;
    const mine = medianOf(eon, s.id);
    const theirs = medianOf(outcomes.find((o) => o.name === peer), s.id);
    if (mine === undefined || theirs === undefined) return `≤ ${bound}× ${ENGINE_LABELS[peer]}: not measured`;
    return `≤ ${bound}× ${ENGINE_LABELS[peer]}: ${mine / theirs <= bound ? 'met' : 'not met'}`;
  };
  const statementsTable: ReportTable = {
    title: `Statements at SF ${options.sf} (${data.rows.lineitem.toLocaleString('en-US')} lineitems): median (min) ms of ${options.runs} runs after a warm-up`,
    columns: ['statement', 'rows', ...outcomes.map((o) => ENGINE_LABELS[o.name]), ...peers.map((p) => `eon/${ENGINE_LABELS[p.name]}`), 'target'],
    rows: STATEMENTS.map((s) => [
      `${s.title}: \`${s.sql}\``,
      String(eon?.statements[s.id]?.rows ?? peers.map((p) => p.statements[s.id]?.rows).find((n) => n !== undefined) ?? '–'),
      ...outcomes.map((o) => cell(o, s.id)),
      ...peers.map((p) => costRatio(medianOf(eon, s.id), medianOf(p, s.id))),
      targetOf(s),
    ]),
    notes: [
      'Ratios are eon\'s median over the peer\'s (2× = eon takes twice as long). DML runs each start from the loaded data: the rows a DELETE removed are put back, untimed, before the next run. The whole-table read counts rows as the client receives them (node-postgres row events; DuckDB result chunks converted to rows), holding none.',
    ],
  };
  const lookupTable: ReportTable = {
    title: `Primary-key lookups (\`${LOOKUP_SQL}\`, prepared, own connection) for ${lookupUnderLoadSeconds(options.sf)} s while another connection runs \`${LOAD_SQL}\` back to back`,
    columns: ['engine', 'lookups', 'aggregate runs', 'p50 ms', 'p99 ms', 'max ms', `p99 < ${commonTargets.lookupUnderLoadP99Ms} ms`],
    rows: outcomes.map((o) => {
      const l = o.lookup;
      if (l === undefined) return [ENGINE_LABELS[o.name], o.lookupError ?? 'not run', '–', '–', '–', '–', '–'];
      return [ENGINE_LABELS[o.name], String(l.lookups), String(l.loadRuns), formatNumber(l.p50Ms), formatNumber(l.p99Ms), formatNumber(l.maxMs), l.p99Ms < commonTargets.lookupUnderLoadP99Ms ? 'yes' : 'no'];
    }),
  };
  return {
    suite: 'common',
    date,
    machine: machineInfo(),
    parameters: { 'scale factor': options.sf, 'timed runs per statement': options.runs, seed: options.seed, 'query timeout (s)': options.queryTimeoutSeconds, nodes: 1 },
    engines: outcomes.map((o) => ({ name: o.name, description: o.description || 'did not start' })),
    tables: [statementsTable, lookupTable],
    agreement: agreement(outcomes),
    data: { rows: data.rows, outcomes: outcomes.map((o) => ({ name: o.name, statements: o.statements, lookup: o.lookup ?? null })) },
  };
}
