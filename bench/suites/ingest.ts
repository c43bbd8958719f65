// Suite `ingest`: rows/s of each way into a table — multi-row INSERT, COPY FROM STDIN (psql \copy;
// DuckDB: COPY from the file), INSERT … SELECT, and eon's REST API — on the micro table's rows.

import { microCreateSql } from '../data/micro-table.js';
import { insertInParallel, startEngine } from '../engines/index.js';
import type { BenchEngine, EngineName, LoadSource } from '../engines/index.js';
import { withWorkDir } from '../process.js';
import { costRatio, formatNumber, machineInfo } from '../report.js';
import type { ReportTable, SuiteReport } from '../report.js';
import { elapsedMs } from '../stats.js';
import { errorMessage, type Suite, type SuiteOptions } from '../suite.js';
import { insertRowsPerStatement, microSource } from './micro.js';

export const ingestDefaultRows = 1_000_000;
/** Issue 3's target for eon's fastest bulk path. */
export const bulkRowsPerSecondTarget = 300_000;

type Method = 'insert' | 'copy' | 'insertSelect' | 'rest';

const METHOD_LABELS: Record<Method, string> = {
  insert: `multi-row INSERT (${insertRowsPerStatement} rows/statement)`,
  copy: 'COPY FROM STDIN (psql \\copy; DuckDB: COPY FROM the file)',
  insertSelect: 'INSERT INTO … SELECT * FROM a loaded table',
  rest: `REST POST /v1/query, multi-row INSERT (${insertRowsPerStatement} rows/request)`,
};

interface Measure {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

interface EngineOutcome {
  name: EngineName;
  description: string;
  measures: Partial<Record<Method, Measure>>;
  /** eon folds what COPY left in small segments afterwards; timed on its own. */
  checkpointSeconds?: number;
  /** count(*) and sum(g) of each loaded table, for agreement. */
  totals: Partial<Record<Method, string>>;
  errors: string[];
}

export const ingestSuite: Suite = {
  name: 'ingest',
  description: 'rows/s of multi-row INSERT, COPY FROM STDIN, INSERT … SELECT and (eon) REST into t(id,k,v,g)',
  defaultRows: ingestDefaultRows,
  run: runIngest,
};

async function runIngest(options: SuiteOptions): Promise<SuiteReport> {
  const date = new Date().toISOString();
  return withWorkDir('eon-bench-ingest-', async (workDir) => {
    const source = microSource(options.seed, options.rows, workDir, 'ingest_copy');
    options.log(`ingest: writing ${options.rows} rows as CSV`);
    await source.csvPath();
    const outcomes: EngineOutcome[] = [];
    for (const name of options.engines) outcomes.push(await runEngine(name, source, options));
    return buildReport(date, options, outcomes);
  });
}

async function runEngine(name: EngineName, source: LoadSource, options: SuiteOptions): Promise<EngineOutcome> {
  const outcome: EngineOutcome = { name, description: '', measures: {}, totals: {}, errors: [] };
  const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
    options.log(`${name}: ${what}`);
    try {
      await fn();
    } catch (err) {
      const message = errorMessage(err);
      outcome.errors.push(`${what}: ${message}`);
      options.log(`${name}: ${what} FAILED: ${message}`);
    }
  };
  let engine: BenchEngine | null = null;
  await step('start', async () => {
    engine = await startEngine(name);
    outcome.description = await engine.describe();
  });
  const e = engine as BenchEngine | null;
  if (e === null) return outcome;
  const timed = async (method: Method, table: string, load: () => Promise<void>): Promise<void> => {
    await e.exec(microCreateSql(table));
    const start = process.hrtime.bigint();
    await load();
    const ms = elapsedMs(start);
    outcome.measures[method] = { rows: source.rows, seconds: ms / 1000, rowsPerSecond: source.rows / (ms / 1000) };
    const [row] = await e.query(`SELECT count(*), sum(g) FROM ${table}`);
    outcome.totals[method] = (row ?? []).map(String).join(' / ');
  };
  try {
    await step('COPY', () =>
      timed('copy', source.table, async () => {
        if (e.copyFromStdin !== undefined) await e.copyFromStdin(source.table, await source.csvPath());
        else if (e.bulkLoad !== undefined) await e.bulkLoad(source);
        else throw new Error('no bulk path');
      }),
    );
    if (name === 'eon') {
      await step('CHECKPOINT after COPY', async () => {
        const start = process.hrtime.bigint();
        await e.exec('CHECKPOINT');
        outcome.checkpointSeconds = elapsedMs(start) / 1000;
      });
    }
    await step('multi-row INSERT', () =>
      timed('insert', 'ingest_insert', () =>
        e.insertValues({ ...source, table: 'ingest_insert' }, { from: 0, to: source.rows, rowsPerStatement: insertRowsPerStatement, connections: options.loadConnections }),
      ),
    );
    await step('INSERT … SELECT', () => timed('insertSelect', 'ingest_select', () => e.exec(`INSERT INTO ingest_select SELECT * FROM ${source.table}`)));
    const rest = e.restExec?.bind(e);
    if (rest !== undefined) {
      await step('REST INSERT', () =>
        timed('rest', 'ingest_rest', () =>
          insertInParallel({ ...source, table: 'ingest_rest' }, { from: 0, to: source.rows, rowsPerStatement: insertRowsPerStatement, connections: options.loadConnections }, async () => ({
            run: (sql) => rest(sql),
            close: () => undefined,
          })),
        ),
      );
    }
  } finally {
    await step('stop', () => e.stop());
  }
  return outcome;
}

function buildReport(date: string, options: SuiteOptions, outcomes: EngineOutcome[]): SuiteReport {
  const eon = outcomes.find((o) => o.name === 'eon');
  const peers = outcomes.filter((o) => o.name !== 'eon');
  const methods: Method[] = ['copy', 'insert', 'insertSelect', 'rest'];
  const cell = (m: Measure | undefined): string => (m === undefined ? '–' : `${Math.round(m.rowsPerSecond).toLocaleString('en-US')} (${formatNumber(m.seconds)} s)`);
  const table: ReportTable = {
    title: `Rows per second (${options.rows.toLocaleString('en-US')} rows, ${options.loadConnections} connections for INSERT and REST)`,
    columns: ['method', ...outcomes.map((o) => o.name), ...peers.map((p) => `eon/${p.name}`)],
    rows: methods.map((m) => [
      METHOD_LABELS[m],
      ...outcomes.map((o) => cell(o.measures[m])),
      ...peers.map((p) => costRatio(eon?.measures[m] === undefined ? undefined : 1 / eon.measures[m].rowsPerSecond, p.measures[m] === undefined ? undefined : 1 / p.measures[m].rowsPerSecond)),
    ]),
    notes: [
      'eon/x = eon seconds per row / the peer\'s (>1: eon slower). "–": the engine has no such path (REST is eon\'s alone) or the step failed (see Agreement).',
      ...(eon?.checkpointSeconds === undefined ? [] : [`eon: CHECKPOINT after COPY (merging the segments COPY wrote per batch) took ${formatNumber(eon.checkpointSeconds)} s, not included above.`]),
    ],
  };
  const best = eon === undefined ? undefined : Math.max(...Object.values(eon.measures).map((m) => m.rowsPerSecond));
  const summary =
    best === undefined
      ? 'eon did not run.'
      : `eon's fastest path: ${Math.round(best).toLocaleString('en-US')} rows/s — the target is ${bulkRowsPerSecondTarget.toLocaleString('en-US')} rows/s: ${best >= bulkRowsPerSecondTarget ? 'met' : 'NOT met'}.`;
  table.notes?.unshift(summary);
  return {
    suite: 'ingest',
    date,
    machine: machineInfo(),
    parameters: { rows: options.rows, seed: options.seed, 'load connections': options.loadConnections },
    engines: outcomes.map((o) => ({ name: o.name, description: o.description || '(not started)' })),
    tables: [table],
    chart: {
      title: `ingest, ${options.rows.toLocaleString('en-US')} rows`,
      unit: 'rows/s (higher is better)',
      log: true,
      groups: methods.map((m) => ({ label: METHOD_LABELS[m], bars: outcomes.filter((o) => o.measures[m] !== undefined).map((o) => ({ engine: o.name, value: o.measures[m]!.rowsPerSecond })) })).filter((g) => g.bars.length > 0),
    },
    agreement: agreement(outcomes, options.rows),
    data: { engines: outcomes },
  };
}

/** Every loaded table holds all rows, and every engine's tables hold the same totals. */
function agreement(outcomes: EngineOutcome[], rows: number): SuiteReport['agreement'] {
  const problems: string[] = [];
  const checks: string[] = [];
  let reference: string | undefined;
  for (const o of outcomes) {
    for (const err of o.errors) problems.push(`${o.name}: ${err}`);
    for (const [method, totals] of Object.entries(o.totals)) {
      const count = Number(totals.split(' / ')[0]);
      if (count !== rows) problems.push(`${o.name}: ${METHOD_LABELS[method as Method]} loaded ${count} rows, not ${rows}`);
      reference ??= totals;
      if (totals !== reference) problems.push(`${o.name}: ${METHOD_LABELS[method as Method]} totals ${totals}, others ${reference}`);
    }
  }
  checks.push(`count(*) and sum(g) of every loaded table (${reference ?? 'none'}) on every engine`);
  return { ok: problems.length === 0, checks, problems };
}
