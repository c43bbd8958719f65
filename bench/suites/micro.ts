// Suite `micro` (issue 2's speed figures): load t(id, k, v, g), then a filtered group-by, a filtered count and prepared point lookups.

import { chmod } from 'node:fs/promises';
import path from 'node:path';
import {
  gDistinct,
  microColumns,
  microCreateSql,
  microExpected,
  microRow,
  microValuesSql,
  vRange,
  writeMicroCsv,
} from '../data/micro-table.js';
import type { MicroGroup } from '../data/micro-table.js';
import { startEngine } from '../engines/index.js';
import type { BenchEngine, Cell, EngineName, LoadSource } from '../engines/index.js';
import { withWorkDir } from '../process.js';
import { costRatio, formatNumber, machineInfo } from '../report.js';
import type { ReportTable, SuiteReport } from '../report.js';
import { elapsedMs, percentile } from '../stats.js';
import { errorMessage, type Suite, type SuiteOptions } from '../suite.js';
import { numbersAgree } from '../agreement.js';
import { timeQuery, type QueryMeasure } from '../timing.js';

export const microDefaultRows = 10_000_000;
/** Rows per multi-row INSERT statement (the measured insert path). */
export const insertRowsPerStatement = 1_000;
/** PostgreSQL and DuckDB load by COPY; their multi-row INSERT rate is measured on this many rows. */
export const insertSampleRowsMax = 200_000;
/** Prepared point lookups timed one after another on one connection. */
export const lookupCount = 10_000;
/** Untimed lookups first, so the plan is cached and the connection warm. */
const lookupWarmupCount = 200;
/** Float results agree when within this relative difference (summation order differs by engine). */
export const floatRelativeTolerance = 1e-9;

/** Q1's threshold: v is uniform on [0, vRange), so about half the rows pass. */
const q1VAbove = vRange / 2;
/** Q2 keeps about 10% of g's values on top of Q1's filter (~5% of rows). */
const q2GBelow = gDistinct / 10;

const q1Sql = 'SELECT k, sum(v), count(*) FROM t WHERE v > $1 GROUP BY k';
const q2Sql = 'SELECT count(*) FROM t WHERE v > $1 AND g < $2';
const q3Sql = 'SELECT id, k, v, g FROM t WHERE id = $1';
const insertSampleTable = 't_insert';

interface LoadMeasure {
  engine: EngineName;
  method: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

interface LookupMeasure {
  lookups: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
  maxUs: number;
}

interface EngineOutcome {
  name: EngineName;
  description: string;
  loads: LoadMeasure[];
  /** The first full count after the load: it also lets eon's background compaction settle. */
  firstCountMs?: number;
  queries: Partial<Record<'Q1' | 'Q2', QueryMeasure>>;
  lookups?: LookupMeasure;
  q1?: MicroGroup[];
  q2?: number;
  /** Point lookups whose row differed from the generator's. */
  lookupMismatches: string[];
  errors: string[];
}

export const microSuite: Suite = {
  name: 'micro',
  description: 'load t(id,k,v,g) by multi-row INSERT; Q1 filtered group-by, Q2 filtered count, Q3 prepared point lookups',
  defaultRows: microDefaultRows,
  run: runMicro,
};

async function runMicro(options: SuiteOptions): Promise<SuiteReport> {
  const date = new Date().toISOString();
  return withWorkDir('eon-bench-micro-', async (workDir) => {
    const source = microSource(options.seed, options.rows, workDir, 't');
    options.log(`micro: computing expected answers for ${options.rows} rows`);
    const expected = microExpected(options.seed, options.rows, q1VAbove, q2GBelow);
    const outcomes: EngineOutcome[] = [];
    for (const name of options.engines) {
      outcomes.push(await runEngine(name, source, options));
    }
    return buildReport(date, options, outcomes, expected);
  });
}

/** The micro table's rows as a load source; its CSV is written into `dir` on first use. */
export function microSource(seed: number, rows: number, dir: string, table: string): LoadSource {
  let csv: Promise<string> | null = null;
  return {
    table,
    rows,
    valuesSql: (from, to) => microValuesSql(seed, from, to),
    csvPath: () => {
      csv ??= (async () => {
        const file = path.join(dir, `${table}.csv`);
        await writeMicroCsv(file, seed, rows);
        await chmod(file, 0o644);
        return file;
      })();
      return csv;
    },
  };
}

async function runEngine(name: EngineName, source: LoadSource, options: SuiteOptions): Promise<EngineOutcome> {
  const outcome: EngineOutcome = { name, description: '', loads: [], queries: {}, lookupMismatches: [], errors: [] };
  const step = async (what: string, fn: () => Promise<void>): Promise<boolean> => {
    options.log(`${name}: ${what}`);
    try {
      await fn();
      return true;
    } catch (err) {
      const message = errorMessage(err);
      outcome.errors.push(`${what}: ${message}`);
      options.log(`${name}: ${what} FAILED: ${message}`);
      return false;
    }
  };
  options.log(`${name}: start`);
  let e: BenchEngine;
  try {
    e = await startEngine(name);
  } catch (err) {
    outcome.errors.push(`start: ${errorMessage(err)}`);
    options.log(`${name}: start FAILED: ${errorMessage(err)}`);
    return outcome;
  }
  try {
    await step('describe', async () => void (outcome.description = await e.describe()));
    if (!(await step('load', () => loadTable(e, source, options, outcome)))) return outcome;
    await step('first count(*) after load', async () => {
      const start = process.hrtime.bigint();
      const rows = await e.query('SELECT count(*) FROM t');
      outcome.firstCountMs = elapsedMs(start);
      const count = Number(rows[0]?.[0]);
      if (count !== source.rows) throw new Error(`count(*) is ${count}, expected ${source.rows}`);
    });
    await step('Q1', async () => {
      const { measure, rows } = await timeQuery(e, q1Sql, [q1VAbove], options.runs);
      outcome.queries.Q1 = measure;
      outcome.q1 = toGroups(rows);
    });
    await step('Q2', async () => {
      const { measure, rows } = await timeQuery(e, q2Sql, [q1VAbove, q2GBelow], options.runs);
      outcome.queries.Q2 = measure;
      outcome.q2 = Number(rows[0]?.[0]);
    });
    await step('Q3 point lookups', () => timeLookups(e, options, outcome));
  } finally {
    await step('stop', () => e.stop());
  }
  return outcome;
}

async function loadTable(engine: BenchEngine, source: LoadSource, options: SuiteOptions, outcome: EngineOutcome): Promise<void> {
  await engine.exec(microCreateSql(source.table));
  const insertMethod = `multi-row INSERT (${insertRowsPerStatement} rows/statement, ${options.loadConnections} connections)`;
  if (engine.bulkLoad === undefined) {
    // eon has no COPY yet: its multi-row INSERT load is the measured insert throughput.
    const start = process.hrtime.bigint();
    await engine.insertValues(source, { from: 0, to: source.rows, rowsPerStatement: insertRowsPerStatement, connections: options.loadConnections });
    outcome.loads.push(loadMeasure(engine.name, insertMethod, source.rows, elapsedMs(start)));
    // Fold the remaining row deltas into columnar segments, as the peers' loads end with
    // CHECKPOINT / VACUUM ANALYZE; measured and reported on its own line.
    const checkpointStart = process.hrtime.bigint();
    await engine.exec('CHECKPOINT');
    outcome.loads.push(loadMeasure(engine.name, 'CHECKPOINT after the INSERT load', source.rows, elapsedMs(checkpointStart)));
    return;
  }
  await source.csvPath(); // written before the clock starts
  const bulkStart = process.hrtime.bigint();
  const bulkMethod = await engine.bulkLoad(source);
  outcome.loads.push(loadMeasure(engine.name, bulkMethod, source.rows, elapsedMs(bulkStart)));
  const sampleRows = Math.min(source.rows, insertSampleRowsMax);
  await engine.exec(microCreateSql(insertSampleTable));
  const sample: LoadSource = { ...source, table: insertSampleTable };
  const sampleStart = process.hrtime.bigint();
  await engine.insertValues(sample, { from: 0, to: sampleRows, rowsPerStatement: insertRowsPerStatement, connections: options.loadConnections });
  outcome.loads.push(loadMeasure(engine.name, `${insertMethod}, sample`, sampleRows, elapsedMs(sampleStart)));
  await engine.exec(`DROP TABLE ${insertSampleTable}`);
}

function loadMeasure(engine: EngineName, method: string, rows: number, ms: number): LoadMeasure {
  return { engine, method, rows, seconds: ms / 1000, rowsPerSecond: rows / (ms / 1000) };
}

/** Lookup ids drawn by a seeded LCG so every engine looks up the same keys in the same order. */
function lookupIds(seed: number, rows: number, count: number): number[] {
  let state = (seed ^ 0x5bd1e995) >>> 0;
  const ids: number[] = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    ids[i] = 1 + (state % rows);
  }
  return ids;
}

/** How many mismatching lookups are kept verbatim in the report. */
const lookupMismatchesShownMax = 5;

async function timeLookups(engine: BenchEngine, options: SuiteOptions, outcome: EngineOutcome): Promise<void> {
  const prepared = await engine.prepare(q3Sql);
  try {
    const warm = lookupIds(options.seed + 1, options.rows, lookupWarmupCount);
    for (const id of warm) await prepared.run([id]);
    const ids = lookupIds(options.seed, options.rows, lookupCount);
    const latenciesUs = new Float64Array(ids.length);
    let mismatches = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      const start = process.hrtime.bigint();
      const rows = await prepared.run([id]);
      latenciesUs[i] = Number(process.hrtime.bigint() - start) / 1e3;
      const problem = lookupProblem(options.seed, id, rows);
      if (problem !== null) {
        mismatches++;
        if (outcome.lookupMismatches.length < lookupMismatchesShownMax) outcome.lookupMismatches.push(problem);
      }
    }
    if (mismatches > lookupMismatchesShownMax) outcome.lookupMismatches.push(`… ${mismatches} mismatching lookups in all`);
    const samples = Array.from(latenciesUs);
    outcome.lookups = {
      lookups: ids.length,
      p50Us: percentile(samples, 50),
      p99Us: percentile(samples, 99),
      meanUs: samples.reduce((a, b) => a + b, 0) / samples.length,
      maxUs: Math.max(...samples),
    };
  } finally {
    await prepared.close();
  }
}

function lookupProblem(seed: number, id: number, rows: Cell[][]): string | null {
  const want = microRow(seed, id - 1);
  const got = rows[0];
  if (rows.length !== 1 || got === undefined) return `id ${id}: ${rows.length} rows`;
  const same =
    Number(got[0]) === want.id && String(got[1]) === want.k && numbersAgree(Number(got[2]), want.v, floatRelativeTolerance) && Number(got[3]) === want.g;
  return same ? null : `id ${id}: got (${got.map(String).join(', ')}), expected (${want.id}, ${want.k}, ${want.v}, ${want.g})`;
}

function toGroups(rows: Cell[][]): MicroGroup[] {
  return rows
    .map((r) => ({ k: String(r[0]), sum: Number(r[1]), count: Number(r[2]) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
}

/** Problems with one engine's Q1 answer against the generator's (empty when they agree). */
export function compareGroups(got: readonly MicroGroup[], want: readonly MicroGroup[]): string[] {
  const problems: string[] = [];
  if (got.length !== want.length) problems.push(`${got.length} groups, expected ${want.length}`);
  const byK = new Map(got.map((g) => [g.k, g]));
  for (const w of want) {
    const g = byK.get(w.k);
    if (g === undefined) problems.push(`group ${w.k} missing`);
    else if (g.count !== w.count || !numbersAgree(g.sum, w.sum, floatRelativeTolerance)) {
      problems.push(`group ${w.k}: sum ${g.sum} count ${g.count}, expected sum ${w.sum} count ${w.count}`);
    }
  }
  return problems;
}

function agreement(outcomes: readonly EngineOutcome[], expected: { q1: MicroGroup[]; q2: number }): SuiteReport['agreement'] {
  const problems: string[] = [];
  for (const o of outcomes) {
    for (const e of o.errors) problems.push(`${o.name}: ${e}`);
    if (o.q1 === undefined) problems.push(`${o.name}: no Q1 result`);
    else for (const p of compareGroups(o.q1, expected.q1)) problems.push(`${o.name} Q1: ${p}`);
    if (o.q2 === undefined) problems.push(`${o.name}: no Q2 result`);
    else if (o.q2 !== expected.q2) problems.push(`${o.name} Q2: count ${o.q2}, expected ${expected.q2}`);
    for (const m of o.lookupMismatches) problems.push(`${o.name} Q3: ${m}`);
    if (o.lookups === undefined) problems.push(`${o.name}: no Q3 result`);
  }
  const checks = [
    `Q1 (${expected.q1.length} groups, sums within relative ${floatRelativeTolerance}, exact counts) and Q2 (count ${expected.q2}) ` +
      `of ${outcomes.map((o) => o.name).join(', ')} against the generator's own answer`,
    `every Q3 lookup returned the generated row`,
  ];
  return { ok: problems.length === 0, checks, problems };
}

function buildReport(
  date: string,
  options: SuiteOptions,
  outcomes: EngineOutcome[],
  expected: { q1: MicroGroup[]; q2: number },
): SuiteReport {
  const eon = outcomes.find((o) => o.name === 'eon');
  const peers = outcomes.filter((o) => o.name !== 'eon');
  const fmtMs = (m: QueryMeasure | undefined): string => (m === undefined ? 'error' : `${formatNumber(m.medianMs)} / ${formatNumber(m.minMs)}`);

  // Loads compare time per row of eon's INSERT load with each peer's INSERT sample.
  const eonInsert = eon?.loads[0];
  const loadTable: ReportTable = {
    title: 'Load',
    columns: ['engine', 'method', 'rows', 'seconds', 'rows/s', 'eon cost ratio'],
    rows: outcomes.flatMap((o) =>
      o.loads.map((l) => {
        const isInsert = l.method.startsWith('multi-row INSERT');
        const ratio = o.name !== 'eon' && isInsert && eonInsert !== undefined ? costRatio(1 / eonInsert.rowsPerSecond, 1 / l.rowsPerSecond) : '';
        return [o.name, l.method, l.rows.toLocaleString('en-US'), formatNumber(l.seconds), Math.round(l.rowsPerSecond).toLocaleString('en-US'), ratio];
      }),
    ),
    notes: [
      'eon cost ratio = eon seconds per inserted row / the peer\'s, both by multi-row INSERT (>1: eon slower).',
      ...outcomes.filter((o) => o.firstCountMs !== undefined).map((o) => `${o.name}: first count(*) after load ${formatNumber(o.firstCountMs as number)} ms.`),
    ],
  };

  const queryTable: ReportTable = {
    title: `Queries (ms, warm, median / min of ${options.runs} runs)`,
    columns: ['query', ...outcomes.map((o) => o.name), ...peers.map((p) => `eon/${p.name}`)],
    rows: (['Q1', 'Q2'] as const).map((q) => [
      q,
      ...outcomes.map((o) => fmtMs(o.queries[q])),
      ...peers.map((p) => costRatio(eon?.queries[q]?.medianMs, p.queries[q]?.medianMs)),
    ]),
    notes: [
      `Q1: \`${q1Sql}\` with $1 = ${q1VAbove}. Q2: \`${q2Sql}\` with $1 = ${q1VAbove}, $2 = ${q2GBelow}.`,
      'eon/x = eon median time / the peer\'s median time (>1: eon slower).',
    ],
  };

  const lookupTable: ReportTable = {
    title: `Q3 prepared point lookups (µs, ${lookupCount.toLocaleString('en-US')} sequential on one connection)`,
    columns: ['engine', 'p50', 'p99', 'mean', 'max', 'eon p50 ratio', 'eon p99 ratio'],
    rows: outcomes.map((o) => {
      const l = o.lookups;
      if (l === undefined) return [o.name, 'error', '', '', '', '', ''];
      const isPeer = o.name !== 'eon';
      return [
        o.name,
        formatNumber(l.p50Us),
        formatNumber(l.p99Us),
        formatNumber(l.meanUs),
        formatNumber(l.maxUs),
        isPeer ? costRatio(eon?.lookups?.p50Us, l.p50Us) : '',
        isPeer ? costRatio(eon?.lookups?.p99Us, l.p99Us) : '',
      ];
    }),
    notes: [`\`${q3Sql}\`, random ids; DuckDB runs in-process (no network round trip), eon and PostgreSQL over loopback TCP.`],
  };

  return {
    suite: 'micro',
    date,
    machine: machineInfo(),
    parameters: { rows: options.rows, runs: options.runs, seed: options.seed, 'load connections': options.loadConnections },
    engines: outcomes.map((o) => ({ name: o.name, description: o.description || '(not started)' })),
    tables: [loadTable, queryTable, lookupTable],
    chart: {
      title: `micro, ${options.rows.toLocaleString('en-US')} rows`,
      unit: 'median ms (lower is better)',
      log: true,
      groups: (['Q1', 'Q2'] as const).map((q) => ({ label: q, bars: outcomes.filter((o) => o.queries[q] !== undefined).map((o) => ({ engine: o.name, value: o.queries[q]!.medianMs })) })),
    },
    agreement: agreement(outcomes, expected),
    data: {
      columns: microColumns,
      expected: { q1: expected.q1, q2: expected.q2 },
      engines: outcomes,
    },
  };
}
