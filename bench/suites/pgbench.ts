// Suite `pgbench`: the real pgbench client with custom scripts (select-only by primary key and a
// small read-write mix), in prepared and simple protocol modes, against eon and PostgreSQL.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEngine } from '../engines/index.js';
import type { BenchEngine, EngineName } from '../engines/index.js';
import { runCommand, withWorkDir } from '../process.js';
import { costRatio, formatNumber, machineInfo } from '../report.js';
import type { ReportTable, SuiteReport } from '../report.js';
import { errorMessage, timedRunSeconds, type Suite, type SuiteOptions } from '../suite.js';

export const pgbenchDefaultRows = 1_000_000;
/** pgbench -c and -j. */
export const PGBENCH_CLIENTS = 8;
export const PGBENCH_THREADS = 2;
/** Seconds per pgbench run at full size. */
const PGBENCH_SECONDS_MAX = 15;
export function pgbenchSeconds(rows: number): number {
  return timedRunSeconds(rows, PGBENCH_SECONDS_MAX);
}
const PGBENCH_TIMEOUT_MARGIN_MS = 60_000;

const SCRIPTS = {
  'select-only': (rows: number) => `\\set aid random(1, ${rows})\nSELECT abalance FROM accounts WHERE aid = :aid;\n`,
  'read-write': (rows: number) =>
    `\\set aid random(1, ${rows})\n\\set delta random(-5000, 5000)\nUPDATE accounts SET abalance = abalance + :delta WHERE aid = :aid;\nSELECT abalance FROM accounts WHERE aid = :aid;\n`,
} as const;
type ScriptName = keyof typeof SCRIPTS;
const MODES = ['prepared', 'simple'] as const;
type Mode = (typeof MODES)[number];

export interface PgbenchResult {
  tps: number;
  latencyAverageMs: number;
  transactions: number;
  failed: number;
}

/** Reads pgbench's summary (PostgreSQL 15's format). */
export function parsePgbenchOutput(text: string): PgbenchResult {
  const num = (re: RegExp, what: string): number => {
    const m = re.exec(text);
    if (m === null) throw new Error(`pgbench output has no ${what}:\n${text.slice(-2_000)}`);
    return Number(m[1]);
  };
  return {
    tps: num(/^tps = ([\d.]+)/m, 'tps'),
    latencyAverageMs: num(/^latency average = ([\d.]+) ms/m, 'latency average'),
    transactions: num(/^number of transactions actually processed: (\d+)/m, 'transaction count'),
    failed: /^number of failed transactions: (\d+)/m.test(text) ? num(/^number of failed transactions: (\d+)/m, 'failed count') : 0,
  };
}

interface EngineOutcome {
  name: EngineName;
  description: string;
  runs: Partial<Record<`${ScriptName} ${Mode}`, PgbenchResult>>;
  problems: string[];
}

export const pgbenchSuite: Suite = {
  name: 'pgbench',
  description: 'the real pgbench, custom scripts (select-only, read-write), -M prepared and simple, eon next to PostgreSQL',
  defaultRows: pgbenchDefaultRows,
  run: runPgbench,
};

async function runPgbench(options: SuiteOptions): Promise<SuiteReport> {
  const date = new Date().toISOString();
  return withWorkDir('eon-bench-pgbench-', async (dir) => {
    const csv = path.join(dir, 'accounts.csv');
    const lines: string[] = [];
    for (let aid = 1; aid <= options.rows; aid++) lines.push(`${aid},${aid % 10},0,${'x'.repeat(84)}`);
    await writeFile(csv, `${lines.join('\n')}\n`);
    const scripts: Record<ScriptName, string> = { 'select-only': path.join(dir, 'select-only.sql'), 'read-write': path.join(dir, 'read-write.sql') };
    for (const [name, file] of Object.entries(scripts)) await writeFile(file, SCRIPTS[name as ScriptName](options.rows));
    const outcomes: EngineOutcome[] = [];
    for (const name of options.engines) {
      if (name === 'duckdb') {
        options.log('pgbench: duckdb skipped (pgbench speaks the PostgreSQL protocol)');
        continue;
      }
      outcomes.push(await runEngine(name, csv, scripts, options));
    }
    return buildReport(date, options, outcomes);
  });
}

async function runEngine(name: EngineName, csv: string, scripts: Record<ScriptName, string>, options: SuiteOptions): Promise<EngineOutcome> {
  const outcome: EngineOutcome = { name, description: '', runs: {}, problems: [] };
  let engine: BenchEngine | null = null;
  try {
    options.log(`${name}: start`);
    engine = await startEngine(name);
    outcome.description = await engine.describe();
    const e = engine;
    const target = e.wireTarget?.();
    if (target === undefined || e.copyFromStdin === undefined) throw new Error(`${name} is not reached over the PostgreSQL protocol`);
    options.log(`${name}: load ${options.rows} accounts`);
    // pgbench's accounts shape, filler as varchar (eon has no char(n)); pgbench -i is not used:
    // eon has no ALTER TABLE or fillfactor.
    await e.exec('CREATE TABLE accounts (aid int PRIMARY KEY, bid int, abalance int, filler varchar(84))');
    await e.copyFromStdin('accounts', csv);
    await e.exec(name === 'eon' ? 'CHECKPOINT' : 'VACUUM ANALYZE accounts');
    const seconds = pgbenchSeconds(options.rows);
    for (const script of Object.keys(SCRIPTS) as ScriptName[]) {
      for (const mode of MODES) {
        options.log(`${name}: pgbench ${script} -M ${mode}, ${seconds} s`);
        const out = await runCommand(
          'pgbench',
          ['-n', '-h', target.host, '-p', String(target.port), '-U', target.user, '-c', String(PGBENCH_CLIENTS), '-j', String(PGBENCH_THREADS), '-T', String(seconds), '-M', mode, '-f', scripts[script], target.database],
          { timeoutMs: seconds * 1000 + PGBENCH_TIMEOUT_MARGIN_MS },
        );
        const result = parsePgbenchOutput(out);
        outcome.runs[`${script} ${mode}`] = result;
        if (result.failed > 0) outcome.problems.push(`${script} -M ${mode}: ${result.failed} failed transactions`);
      }
    }
    const [row] = await e.query('SELECT count(*), sum(bid) FROM accounts');
    if (Number(row?.[0]) !== options.rows) outcome.problems.push(`accounts holds ${String(row?.[0])} rows, not ${options.rows}`);
  } catch (err) {
    outcome.problems.push(errorMessage(err));
  } finally {
    await engine?.stop();
  }
  return outcome;
}

function buildReport(date: string, options: SuiteOptions, outcomes: EngineOutcome[]): SuiteReport {
  const eon = outcomes.find((o) => o.name === 'eon');
  const pgOutcome = outcomes.find((o) => o.name === 'postgres');
  const rows: string[][] = [];
  for (const script of Object.keys(SCRIPTS) as ScriptName[]) {
    for (const mode of MODES) {
      const key = `${script} ${mode}` as const;
      const e = eon?.runs[key];
      const p = pgOutcome?.runs[key];
      const cell = (r: PgbenchResult | undefined): string[] => (r === undefined ? ['–', '–'] : [Math.round(r.tps).toLocaleString('en-US'), formatNumber(r.latencyAverageMs)]);
      rows.push([script, mode, ...cell(e), ...cell(p), costRatio(e === undefined ? undefined : 1 / e.tps, p === undefined ? undefined : 1 / p.tps)]);
    }
  }
  const table: ReportTable = {
    title: `pgbench (${PGBENCH_CLIENTS} clients, ${PGBENCH_THREADS} threads, ${pgbenchSeconds(options.rows)} s per run, ${options.rows.toLocaleString('en-US')} accounts)`,
    columns: ['script', '-M', 'eon tps', 'eon latency ms', 'PostgreSQL tps', 'PostgreSQL latency ms', 'eon cost vs PostgreSQL'],
    rows,
    notes: [
      'select-only: `SELECT abalance FROM accounts WHERE aid = :aid` with a random aid; read-write: `UPDATE accounts SET abalance = abalance + :delta WHERE aid = :aid` then the SELECT. pgbench -n -f script; latency is pgbench\'s average per transaction. Cost ratio = eon time per transaction / PostgreSQL\'s (>1: eon slower).',
      'In simple mode eon parses every statement (PostgreSQL\'s grammar, libpg-query) and finds its plan by the statement\'s shape, constants taken out, so simple mode shows eon\'s parse cost.',
      'DuckDB is not run: pgbench speaks the PostgreSQL protocol.',
    ],
  };
  const problems = outcomes.flatMap((o) => o.problems.map((p) => `${o.name}: ${p}`));
  return {
    suite: 'pgbench',
    date,
    machine: machineInfo(),
    parameters: { rows: options.rows, clients: PGBENCH_CLIENTS, threads: PGBENCH_THREADS, 'seconds per run': pgbenchSeconds(options.rows) },
    engines: outcomes.map((o) => ({ name: o.name, description: o.description || '(not started)' })),
    tables: [table],
    chart: {
      title: `pgbench, ${options.rows.toLocaleString('en-US')} accounts, ${PGBENCH_CLIENTS} clients`,
      unit: 'tps (higher is better)',
      log: true,
      groups: (Object.keys(SCRIPTS) as ScriptName[]).flatMap((script) =>
        MODES.map((mode) => ({ label: `${script}, -M ${mode}`, bars: outcomes.filter((o) => o.runs[`${script} ${mode}`] !== undefined).map((o) => ({ engine: o.name, value: o.runs[`${script} ${mode}`]!.tps })) })),
      ),
    },
    agreement: { ok: problems.length === 0, checks: ['no failed pgbench transactions; accounts holds every row afterwards'], problems },
    data: { engines: outcomes },
  };
}
