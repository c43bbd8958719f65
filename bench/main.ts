// The `npm run bench -- <suite> [options]` command: parses arguments, runs one registered suite, writes its report.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { engineNames, isEngineName, stopAllEngines } from './engines/index.js';
import type { EngineName } from './engines/index.js';
import { repoRoot } from './engines/eon.js';
import { runInterruptCleanups } from './process.js';
import { renderMarkdown, sourceCommit, writeReport } from './report.js';
import { errorMessage, type Suite, type SuiteOptions } from './suite.js';
import { clusterSuite } from './suites/cluster.js';
import { commonSuite } from './suites/common.js';
import { ingestSuite } from './suites/ingest.js';
import { kvSuite } from './suites/kv.js';
import { microSuite } from './suites/micro.js';
import { namesSuite } from './suites/names.js';
import { pgbenchSuite } from './suites/pgbench.js';
import { tpchDefaultSf, tpchSuite } from './suites/tpch.js';

export const suites: Readonly<Record<string, Suite>> = {
  tpch: tpchSuite,
  common: commonSuite,
  micro: microSuite,
  ingest: ingestSuite,
  kv: kvSuite,
  pgbench: pgbenchSuite,
  cluster: clusterSuite,
  names: namesSuite,
};

export const defaultRuns = 5;
export const defaultSeed = 42;
export const defaultLoadConnections = 4;
export const defaultQueryTimeoutSeconds = 300;
const runsMax = 1_000;
const sfMax = 100;
const queryTimeoutSecondsMax = 86_400;
const loadConnectionsMax = 64;
const rowsMax = 2 ** 31 - 2; // ids are int4
/** Most eon nodes a multi-node run starts: they all share this one machine. */
export const nodesMax = 7;
const secondsMax = 3_600;

/** Exit codes: 0 all engines agree, 1 they disagree or one failed, 2 bad command line. */
export const BENCH_EXIT = { ok: 0, disagreement: 1, usage: 2 } as const;

export const usage = `Usage: npm run bench -- <suite> [options]

Suites: ${Object.keys(suites).join(', ')}

Options:
  --sf X                TPC-H scale factor, e.g. 0.01, 0.1, 1 (default ${tpchDefaultSf})
  --nodes N             eon nodes (default 1; kv and tpch also take 2 to ${nodesMax}: eon runs alone and as a local cluster of N)
  --queries a,b,c       the queries to run by number (tpch; default all 22)
  --rows N              rows to generate (default: the suite's: micro 10000000, ingest, kv and pgbench 1000000)
  --engines a,b,c       engines to run, in order (default ${engineNames.join(',')})
  --runs N              timed warm runs per query (default ${defaultRuns})
  --out DIR             where <suite>-<date>.md/.json go (default bench/results)
  --seed N              data generator seed (default ${defaultSeed})
  --load-connections N  concurrent connections for INSERT loads (default ${defaultLoadConnections})
  --query-timeout S     seconds before a query is canceled and reported as timed out (default ${defaultQueryTimeoutSeconds})
  --seconds S           seconds per timed workload (kv; default: by --rows, 2 to 20)
  --help
`;

export class BenchUsageError extends Error {}

export interface BenchCommand {
  suite: Suite;
  options: Omit<SuiteOptions, 'log'>;
  outDir: string;
}

function positiveInt(flag: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 1 || n > max) throw new BenchUsageError(`--${flag} must be an integer from 1 to ${max}, got '${text}'`);
  return n;
}

/** The suites that take --nodes above 1, named in the usage error of the others. */
function multiNodeSuites(): string {
  return Object.values(suites).filter((s) => s.multiNode === true).map((s) => s.name).join(' and ');
}

/** `--queries 1,6,14`: distinct numbers from 1 to the suite's query count, in the order given. */
function queryNumbers(suite: Suite, text: string): number[] {
  const count = suite.queryCount;
  if (count === undefined) throw new BenchUsageError(`--queries: suite '${suite.name}' has no numbered queries`);
  const out: number[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const n = Number(part.replace(/^q/i, ''));
    if (!Number.isInteger(n) || n < 1 || n > count) throw new BenchUsageError(`--queries: '${part}' is not a query number from 1 to ${count}`);
    if (!out.includes(n)) out.push(n);
  }
  if (out.length === 0) throw new BenchUsageError('--queries names no query');
  return out;
}

export function parseBenchArgs(argv: readonly string[]): BenchCommand | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        rows: { type: 'string' },
        sf: { type: 'string' },
        nodes: { type: 'string' },
        'query-timeout': { type: 'string' },
        engines: { type: 'string' },
        runs: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        'load-connections': { type: 'string' },
        seconds: { type: 'string' },
        queries: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new BenchUsageError(errorMessage(e));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  if (positionals.length !== 1) throw new BenchUsageError('name exactly one suite');
  const suiteName = positionals[0] as string;
  const suite = suites[suiteName];
  if (suite === undefined) throw new BenchUsageError(`unknown suite '${suiteName}' (known: ${Object.keys(suites).join(', ')})`);
  const engines: EngineName[] = [];
  for (const name of (values.engines ?? engineNames.join(',')).split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (!isEngineName(name)) throw new BenchUsageError(`unknown engine '${name}' (known: ${engineNames.join(', ')})`);
    if (!engines.includes(name)) engines.push(name);
  }
  if (engines.length === 0) throw new BenchUsageError('--engines names no engine');
  const seedText = values.seed;
  const seed = seedText === undefined ? defaultSeed : Number(seedText);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new BenchUsageError(`--seed must be an integer from 0 to 2^32-1, got '${seedText}'`);
  const sf = values.sf === undefined ? tpchDefaultSf : Number(values.sf);
  if (!(Number.isFinite(sf) && sf > 0 && sf <= sfMax)) throw new BenchUsageError(`--sf must be a number above 0 and at most ${sfMax}, got '${values.sf}'`);
  const nodes = positiveInt('nodes', values.nodes, 1, Number.MAX_SAFE_INTEGER);
  if (nodes !== 1 && suite.multiNode !== true) throw new BenchUsageError(`--nodes ${nodes}: suite '${suite.name}' runs eon as a single node (only ${multiNodeSuites()} run it as a cluster too)`);
  if (nodes > nodesMax) throw new BenchUsageError(`--nodes must be at most ${nodesMax} (every node runs on this machine), got ${nodes}`);
  const queries = values.queries === undefined ? undefined : queryNumbers(suite, values.queries);
  return {
    suite,
    options: {
      sf,
      queryTimeoutSeconds: positiveInt('query-timeout', values['query-timeout'], defaultQueryTimeoutSeconds, queryTimeoutSecondsMax),
      rows: positiveInt('rows', values.rows, suite.defaultRows, rowsMax),
      engines,
      runs: positiveInt('runs', values.runs, defaultRuns, runsMax),
      seed,
      loadConnections: positiveInt('load-connections', values['load-connections'], defaultLoadConnections, loadConnectionsMax),
      nodes,
      ...(values.seconds === undefined ? {} : { seconds: positiveInt('seconds', values.seconds, 1, secondsMax) }),
      ...(queries === undefined ? {} : { queries }),
    },
    outDir: path.resolve(values.out ?? path.join(repoRoot(), 'bench', 'results')),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseBenchArgs(argv);
  } catch (e) {
    if (!(e instanceof BenchUsageError)) throw e;
    process.stderr.write(`bench: ${e.message}\n\n${usage}`);
    return BENCH_EXIT.usage;
  }
  if (command === 'help') {
    process.stdout.write(usage);
    return BENCH_EXIT.ok;
  }
  const started = Date.now();
  const log = (message: string): void => {
    process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
  };
  const report = { ...(await command.suite.run({ ...command.options, log })), commit: sourceCommit() };
  const files = await writeReport(report, command.outDir);
  process.stdout.write(renderMarkdown(report));
  process.stdout.write(`\nreport: ${files.markdown}\n        ${files.json}\n${files.svg === undefined ? '' : `        ${files.svg}\n`}`);
  return report.agreement.ok ? BENCH_EXIT.ok : BENCH_EXIT.disagreement;
}

/** Exit code after an interrupt, as a shell reports a signal-killed process (128 + signal number). */
const signalExitBase = 128;

function stopOnSignals(): void {
  let stopping = false;
  for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15]] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`bench: ${signal}, stopping engines\n`);
      // Each engine's stop is bounded by its own timeouts, so this cannot hang forever.
      void stopAllEngines()
        .then(async (problems) => {
          for (const p of problems) process.stderr.write(`bench: stop failed: ${p}\n`);
          await runInterruptCleanups();
        })
        .finally(() => process.exit(signalExitBase + number));
    });
  }
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]).replace(/\.ts$/, '.js').endsWith(path.join('bench', 'main.js'));
if (invokedDirectly) {
  stopOnSignals();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    async (e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      await stopAllEngines();
      process.exitCode = BENCH_EXIT.disagreement;
    },
  );
}
