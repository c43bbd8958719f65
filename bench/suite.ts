// The contract between the bench command and a suite: options in, a report out.

import type { EngineName } from './engines/engine.js';
import type { SuiteReport } from './report.js';

export interface SuiteOptions {
  rows: number;
  /** Engines in the order they run; they run one at a time so none competes with another for the cores. */
  engines: EngineName[];
  /** Timed warm runs per query (after one untimed warm-up run). */
  runs: number;
  seed: number;
  /** TPC-H scale factor. */
  sf: number;
  /** A query running longer fails (statement_timeout, or an interrupt for DuckDB). */
  queryTimeoutSeconds: number;
  /** Concurrent connections for multi-row INSERT loads. */
  loadConnections: number;
  /** eon nodes: 1, or more for a suite with `multiNode` (it then runs eon alone and as a cluster of this many). */
  nodes: number;
  /** Seconds per fixed-duration run, when given (`--seconds`); otherwise the suite's own, by table size. */
  seconds?: number;
  /** The numbered queries to run (`--queries`), for a suite with `queryCount`; all of them when absent. */
  queries?: readonly number[];
  /** Progress lines (to stderr), so a long run shows where it is. */
  log(message: string): void;
}

export interface Suite {
  readonly name: string;
  readonly description: string;
  readonly defaultRows: number;
  /** Whether the suite takes `--nodes` above 1 (the others run eon as one node only). */
  readonly multiNode?: boolean;
  /** How many numbered queries the suite has, when `--queries` may choose among them. */
  readonly queryCount?: number;
  run(options: SuiteOptions): Promise<SuiteReport>;
}

/** The text of whatever a failed step threw, for the report. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Shortest timed run, for smoke-size tables. */
const TIMED_RUN_SECONDS_MIN = 2;
/** Rows per second of run length up to the maximum: small tables give short smoke runs. */
const TIMED_RUN_ROWS_PER_SECOND = 50_000;

/** How long a fixed-duration run lasts for a table of `rows`: long enough for a stable rate at full size. */
export function timedRunSeconds(rows: number, secondsMax: number): number {
  return Math.min(secondsMax, Math.max(TIMED_RUN_SECONDS_MIN, Math.round(rows / TIMED_RUN_ROWS_PER_SECOND)));
}
