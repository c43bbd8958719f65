// Compiled statements of the simple protocol, keyed by their exact text, so repeated queries skip
// parsing and planning. Any catalog change empties it.

import type { CompiledStatement } from './compile.js';

/** Entries kept; the oldest is dropped first. */
export const PLAN_CACHE_ENTRIES_MAX = 1024;
/** Statements longer than this are not cached (bulk INSERTs would only evict useful plans). */
export const PLAN_CACHE_TEXT_CHARS_MAX = 4096;

export class PlanCache {
  private readonly entries = new Map<string, CompiledStatement>();
  catalogVersion = 0;

  get(sql: string): CompiledStatement | undefined {
    return this.entries.get(sql);
  }

  put(sql: string, c: CompiledStatement): void {
    if (sql.length > PLAN_CACHE_TEXT_CHARS_MAX || c.paramTypes.length > 0) return;
    if (this.entries.size >= PLAN_CACHE_ENTRIES_MAX) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(sql, c);
  }

  invalidate(): void {
    this.entries.clear();
    this.catalogVersion++;
  }
}
