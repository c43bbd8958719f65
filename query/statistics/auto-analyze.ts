// Background ANALYZE (PostgreSQL's autovacuum analyze): a timer, unref'd, looks at each table's
// changed rows since its statistics were taken and re-analyzes at most a few tables per tick
// when the changes exceed autovacuum_analyze_threshold + autovacuum_analyze_scale_factor ×
// reltuples. A table never analyzed counts its rows as changed, so after a load (or a restart)
// its statistics follow.

import type { Store, TableSchema } from '../../storage/index.js';
import { analyzeTable, analyzing } from './analyze.js';

/** Time between checks, in ms (PostgreSQL's autovacuum_naptime). */
export const AUTO_ANALYZE_INTERVAL_MS = 60_000;
/** PostgreSQL's autovacuum_analyze_threshold: changed rows needed on top of the scaled share. */
export const AUTO_ANALYZE_THRESHOLD_ROWS = 50;
/** PostgreSQL's autovacuum_analyze_scale_factor: the share of reltuples that must change. */
export const AUTO_ANALYZE_SCALE_FACTOR = 0.1;
/** Tables analyzed per tick at most (the rest wait for the next tick). */
export const AUTO_ANALYZE_TABLES_PER_TICK = 1;

/** Whether `changed` rows since the last analyze of a table that then held `reltuples` call for another. */
export function needsAnalyze(changed: number, reltuples: number): boolean {
  return changed > AUTO_ANALYZE_THRESHOLD_ROWS + AUTO_ANALYZE_SCALE_FACTOR * reltuples;
}

/**
 * Rows of `table` changed since its statistics were taken: the store's change count, and at
 * least how far its row count moved (changes made before a restart are not counted otherwise).
 */
export function changedRows(store: Store, table: TableSchema): number {
  const stats = store.statistics.get(table);
  const rows = store.estimatedRows(table);
  return Math.max(store.modifiedSince(table), Math.abs(rows - (stats?.storedRows ?? 0)));
}

/** The tables the next tick would analyze, most changed (relative to their size) first. */
export function tablesToAnalyze(store: Store): TableSchema[] {
  const due: { table: TableSchema; score: number }[] = [];
  for (const table of store.listTables()) {
    if (analyzing(store, table)) continue;
    const reltuples = store.statistics.get(table)?.rows ?? 0;
    const changed = changedRows(store, table);
    if (needsAnalyze(changed, reltuples)) due.push({ table, score: changed / Math.max(1, reltuples) });
  }
  return due.sort((a, b) => b.score - a.score).map((d) => d.table);
}

/**
 * Starts the background checks of `store`; returns the function that stops them, which resolves
 * once a run in progress has given up (at its next yield), so the store can be closed after it.
 */
export function startAutoAnalyze(store: Store, intervalMs: number = AUTO_ANALYZE_INTERVAL_MS, onError: (e: unknown) => void = () => {}): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const abort = new AbortController();
  const tick = async (): Promise<void> => {
    try {
      for (const table of tablesToAnalyze(store).slice(0, AUTO_ANALYZE_TABLES_PER_TICK)) {
        if (stopped) return;
        await analyzeTable(store, table, { signal: abort.signal });
      }
    } catch (e) {
      if (!stopped) onError(e);
    }
  };
  const arm = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = tick().finally(() => {
        running = null;
        arm();
      });
    }, intervalMs);
    timer.unref();
  };
  arm();
  return async () => {
    stopped = true;
    abort.abort();
    if (timer !== null) clearTimeout(timer);
    await running;
  };
}
