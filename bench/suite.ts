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
  /** Concurrent connections for multi-row INSERT loads. */
  loadConnections: number;
  /** Progress lines (to stderr), so a long run shows where it is. */
  log(message: string): void;
}

export interface Suite {
  readonly name: string;
  readonly description: string;
  readonly defaultRows: number;
  run(options: SuiteOptions): Promise<SuiteReport>;
}
