// Timing a query on an engine: one untimed warm-up run, then `runs` timed runs.

import type { BenchEngine, Cell } from './engines/index.js';
import { elapsedMs, median, minimum } from './stats.js';

export interface QueryMeasure {
  runsMs: number[];
  medianMs: number;
  minMs: number;
}

/** The warm-up run's rows come back with the times, for checking the answer. */
export async function timeQuery(engine: BenchEngine, sql: string, params: Cell[], runs: number): Promise<{ measure: QueryMeasure; rows: Cell[][] }> {
  let rows = await engine.query(sql, params); // warm-up, untimed
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    rows = await engine.query(sql, params);
    runsMs.push(elapsedMs(start));
  }
  return { measure: { runsMs, medianMs: median(runsMs), minMs: minimum(runsMs) }, rows };
}
