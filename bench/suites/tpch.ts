// Suite `tpch`: the 22 TPC-H queries on data from the bench's own generator at scale factor --sf,
// loaded into each engine by its bulk path; per query the median and minimum of --runs warm runs,
// whether the engines agree, eon's ratios to its peers, geometric means, and EXPLAIN ANALYZE of
// eon's three worst queries.

import { resultDifference } from '../agreement.js';
import { generateTpch, TPCH_QUERIES, TPCH_TABLES, tpchCreateSql, type GeneratedTpch, type TpchQuery } from '../data/tpch/index.js';
import { startEngine } from '../engines/index.js';
import type { BenchEngine, Cell, EngineName } from '../engines/index.js';
import { withWorkDir } from '../process.js';
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
/** Peers run before eon so eon's worst queries (by ratio) can be explained while it still runs. */
const PEER_FIRST: readonly EngineName[] = ['duckdb', 'postgres'];

interface QueryOutcome {
  measure?: QueryMeasure;
  rows?: number;
  error?: string;
  result?: Cell[][];
}

interface EngineOutcome {
  name: EngineName;
  description: string;
  loadMethod: string;
  loadSeconds?: number;
  queries: Record<number, QueryOutcome>;
  errors: string[];
}

interface Explained {
  query: number;
  text: string;
}

export const tpchSuite: Suite = {
  name: 'tpch',
  description: 'the 22 TPC-H queries on generated data at --sf, eon next to DuckDB and PostgreSQL',
  defaultRows: 0,
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
    for (const name of order) {
      const outcome = await runEngine(name, data, options, async (engine, own) => {
        if (name === 'eon') explained = await explainWorst(engine, own, outcomes, options);
      });
      outcomes.push(outcome);
    }
    outcomes.sort((a, b) => options.engines.indexOf(a.name) - options.engines.indexOf(b.name));
    return buildReport(date, options, data, generateSeconds, outcomes, explained);
  });
}

async function runEngine(
  name: EngineName,
  data: GeneratedTpch,
  options: SuiteOptions,
  beforeStop: (engine: BenchEngine, outcome: EngineOutcome) => Promise<void>,
): Promise<EngineOutcome> {
  const outcome: EngineOutcome = { name, description: '', loadMethod: '', queries: {}, errors: [] };
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
    const started = process.hrtime.bigint();
    for (const table of TPCH_TABLES) await engine.exec(tpchCreateSql(table, name !== 'duckdb'));
    const bar = progressBar(`${name}: loading`, options.log);
    let loaded = 0;
    const totalRows = TPCH_TABLES.reduce((n, t) => n + data.rows[t], 0);
    for (const table of TPCH_TABLES) {
      await loadTpchTable(engine, table, data.files[table]);
      loaded += data.rows[table];
      bar.update(loaded / totalRows, table);
    }
    outcome.loadMethod = await finishTpchLoad(engine);
    bar.done();
    outcome.loadSeconds = elapsedMs(started) / 1000;
    options.log(`${name}: loaded in ${outcome.loadSeconds.toFixed(1)} s`);
  } catch (e) {
    outcome.errors.push(`load: ${errorMessage(e)}`);
    await engine.stop();
    return outcome;
  }
  try {
    await engine.setStatementTimeout(options.queryTimeoutSeconds * 1000);
    const bar = progressBar(`${name}: queries`, options.log);
    for (const q of TPCH_QUERIES) {
      bar.update((q.number - 1) / TPCH_QUERIES.length, `Q${q.number}`);
      outcome.queries[q.number] = await runQuery(engine, q, options);
    }
    bar.update(1);
    bar.done();
    await beforeStop(engine, outcome);
  } finally {
    await engine.stop();
  }
  return outcome;
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

async function runQuery(engine: BenchEngine, q: TpchQuery, options: SuiteOptions): Promise<QueryOutcome> {
  try {
    const { measure, rows } = await timeQuery(engine, q.sql(options.sf), [], options.runs);
    return { measure, rows: rows.length, result: rows };
  } catch (e) {
    options.log(`${engine.name}: Q${q.number} failed: ${errorMessage(e)}`);
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

async function explainWorst(engine: BenchEngine, eon: EngineOutcome, peers: readonly EngineOutcome[], options: SuiteOptions): Promise<Explained[]> {
  const explained: Explained[] = [];
  for (const number of worstQueries(eon, peers)) {
    const q = TPCH_QUERIES[number - 1]!;
    options.log(`eon: EXPLAIN ANALYZE Q${number}`);
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

/**
 * Problems (exit status 1): an engine that did not start or load, a query eon could not run, and
 * any two answers that differ. A peer's failed query (PostgreSQL past the timeout on Q17 and
 * Q20, which it runs as nested loops without foreign-key indexes) is reported, not a problem.
 */
function agreement(outcomes: readonly EngineOutcome[]): SuiteReport['agreement'] & { byQuery: Record<number, string>; peerFailures: string[] } {
  const problems: string[] = [];
  const checks: string[] = [];
  const peerFailures: string[] = [];
  const byQuery: Record<number, string> = {};
  for (const o of outcomes) for (const e of o.errors) problems.push(`${o.name}: ${e}`);
  for (const q of TPCH_QUERIES) {
    const ran = outcomes.filter((o) => o.queries[q.number]?.result !== undefined);
    for (const o of outcomes) {
      const error = o.queries[q.number]?.error;
      if (error === undefined) continue;
      (o.name === 'eon' ? problems : peerFailures).push(`Q${q.number}: ${ENGINE_LABELS[o.name]} failed: ${error}`);
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
        differing.push(o.name);
        problems.push(`Q${q.number}: ${o.name} differs from ${reference.name}: ${diff}`);
      }
    }
    const failed = outcomes.filter((o) => !ran.includes(o)).map((o) => ENGINE_LABELS[o.name]);
    const verdict = ran.length < 2 ? 'not compared' : differing.length > 0 ? `NO (${differing.join(', ')})` : 'yes';
    byQuery[q.number] = failed.length === 0 ? verdict : `${verdict}; ${failed.join(', ')} failed`;
    if (ran.length >= 2) checks.push(`Q${q.number}: ${ran.map((o) => o.name).join(', ')} (${q.totalOrder ? 'in order' : 'as multisets'}, numbers within ${tpchRelativeTolerance})`);
  }
  return { ok: problems.length === 0, problems, checks, byQuery, peerFailures };
}

function buildReport(
  date: string,
  options: SuiteOptions,
  data: GeneratedTpch,
  generateSeconds: number,
  outcomes: readonly EngineOutcome[],
  explained: readonly Explained[],
): SuiteReport {
  const agreed = agreement(outcomes);
  const eon = outcomes.find((o) => o.name === 'eon');
  const peers = outcomes.filter((o) => o.name !== 'eon');
  const median = (o: EngineOutcome | undefined, q: number): number | undefined => o?.queries[q]?.measure?.medianMs;
  const cell = (o: EngineOutcome, q: number): string => {
    const r = o.queries[q];
    if (r?.measure !== undefined) return `${formatNumber(r.measure.medianMs)} (${formatNumber(r.measure.minMs)})`;
    return r?.error !== undefined ? (/timeout/i.test(r.error) ? 'timed out' : 'cannot run') : '–';
  };
  const queryRows: string[][] = TPCH_QUERIES.map((q) => [
    `Q${q.number} ${q.title}`,
    String(eon?.queries[q.number]?.rows ?? peers.map((p) => p.queries[q.number]?.rows).find((n) => n !== undefined) ?? '–'),
    ...outcomes.map((o) => cell(o, q.number)),
    ...peers.map((p) => costRatio(median(eon, q.number), median(p, q.number))),
    agreed.byQuery[q.number] ?? '–',
  ]);
  // Geometric means over the queries every engine ran, so each column averages the same queries.
  const common = TPCH_QUERIES.filter((q) => outcomes.every((o) => median(o, q.number) !== undefined)).map((q) => q.number);
  const means = new Map(outcomes.map((o) => [o.name, geomean(common.map((q) => median(o, q)!))]));
  queryRows.push([
    `geometric mean (${common.length} queries)`,
    '',
    ...outcomes.map((o) => formatNumber(means.get(o.name)!)),
    ...peers.map((p) => costRatio(means.get('eon'), means.get(p.name))),
    agreed.ok ? 'all' : 'see below',
  ]);
  const duck = outcomes.find((o) => o.name === 'duckdb');
  const summary = summaryLine(eon, duck, means, common.length);
  const queriesTable: ReportTable = {
    title: `Queries at SF ${options.sf}: median (min) ms of ${options.runs} warm runs`,
    columns: ['query', 'rows', ...outcomes.map((o) => ENGINE_LABELS[o.name]), ...peers.map((p) => `eon/${ENGINE_LABELS[p.name]}`), 'agree'],
    rows: queryRows,
    notes: [
      `**Summary:** ${summary}`,
      'Ratios are eon\'s median time over the peer\'s: 2× means eon takes twice as long. A query an engine could not run shows as such and is left out of every geometric mean.',
      ...agreed.peerFailures.map((f) => `- ${f}`),
    ],
  };
  const totalRows = TPCH_TABLES.reduce((n, t) => n + data.rows[t], 0);
  const loadTable: ReportTable = {
    title: 'Load (all eight tables, from the generated CSV)',
    columns: ['engine', 'method', 'seconds', 'rows/s'],
    rows: outcomes.map((o) => [
      ENGINE_LABELS[o.name],
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
  const tables = [queriesTable, loadTable, dataTable];
  if (explained.length > 0) {
    tables.push({
      title: `EXPLAIN ANALYZE of eon's ${explained.length} worst queries (by ratio to the fastest peer)`,
      columns: ['query', 'eon median ms'],
      rows: explained.map((e) => [`Q${e.query}`, formatNumber(median(eon, e.query) ?? NaN)]),
      notes: explained.map((e) => `Q${e.query}:\n\n\`\`\`\n${e.text}\n\`\`\``),
    });
  }
  return {
    suite: 'tpch',
    date,
    machine: machineInfo(),
    parameters: { 'scale factor': options.sf, 'timed runs per query': options.runs, seed: options.seed, 'query timeout (s)': options.queryTimeoutSeconds, nodes: 1 },
    engines: outcomes.map((o) => ({ name: o.name, description: o.description || 'did not start' })),
    tables,
    agreement: { ok: agreed.ok, checks: agreed.checks, problems: agreed.problems },
    data: {
      sf: options.sf,
      rows: data.rows,
      generateSeconds,
      summary,
      geomeanMs: Object.fromEntries(means),
      geomeanQueries: common,
      engines: outcomes.map((o) => ({
        name: o.name,
        loadMethod: o.loadMethod,
        loadSeconds: o.loadSeconds ?? null,
        errors: o.errors,
        queries: Object.fromEntries(Object.entries(o.queries).map(([n, r]) => [n, { rows: r.rows ?? null, error: r.error ?? null, ...(r.measure ?? {}) }])),
      })),
      explained,
    },
    chart: {
      title: `TPC-H SF ${options.sf}: median ms per query`,
      unit: 'ms (lower is better, log scale)',
      log: true,
      groups: TPCH_QUERIES.map((q) => ({
        label: `Q${q.number}`,
        bars: outcomes.flatMap((o) => {
          const m = median(o, q.number);
          return m === undefined ? [] : [{ engine: ENGINE_LABELS[o.name], value: m }];
        }),
      })),
    },
  };
}

/** One line against issue 3's targets (they are set for SF 1). */
function summaryLine(eon: EngineOutcome | undefined, duck: EngineOutcome | undefined, means: ReadonlyMap<EngineName, number>, commonQueries: number): string {
  if (eon === undefined) return 'eon did not run.';
  const ran = TPCH_QUERIES.filter((q) => eon.queries[q.number]?.measure !== undefined).length;
  const parts = [`eon ran ${ran} of ${TPCH_QUERIES.length} queries`];
  if (duck !== undefined && commonQueries > 0) {
    const g = means.get('eon')! / means.get('duckdb')!;
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
  return `${parts.join('; ')}.`;
}
