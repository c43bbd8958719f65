// Compiled statements of the simple protocol, keyed by their exact text, and prepared statements,
// keyed by text and parameter types, so repeated queries skip parsing and planning. Any catalog
// change empties it.

import type { Statement } from '../parse/parser.js';
import type { CompiledStatement } from './compile.js';

function evictOldest<V>(map: Map<string, V>): void {
  if (map.size < PLAN_CACHE_ENTRIES_MAX) return;
  const oldest = map.keys().next().value;
  if (oldest !== undefined) map.delete(oldest);
}

/** Entries kept; the oldest is dropped first. */
export const PLAN_CACHE_ENTRIES_MAX = 1024;
/** Statements longer than this are not cached (bulk INSERTs would only evict useful plans). */
export const PLAN_CACHE_TEXT_CHARS_MAX = 4096;

export class PlanCache {
  private readonly entries = new Map<string, CompiledStatement>();
  /** Prepared statements by text and declared parameter types, with their parse. */
  private readonly prepared = new Map<string, { statement: Statement; compiled: CompiledStatement }>();
  catalogVersion = 0;

  getPrepared(key: string): { statement: Statement; compiled: CompiledStatement } | undefined {
    return this.prepared.get(key);
  }

  putPrepared(key: string, statement: Statement, compiled: CompiledStatement): void {
    if (key.length > PLAN_CACHE_TEXT_CHARS_MAX || compiled.sessionDependent === true) return;
    evictOldest(this.prepared);
    this.prepared.set(key, { statement, compiled });
  }

  get(sql: string): CompiledStatement | undefined {
    return this.entries.get(sql);
  }

  put(sql: string, c: CompiledStatement): void {
    if (sql.length > PLAN_CACHE_TEXT_CHARS_MAX || c.paramTypes.length > 0 || c.sessionDependent === true) return;
    evictOldest(this.entries);
    this.entries.set(sql, c);
  }

  invalidate(): void {
    this.entries.clear();
    this.prepared.clear();
    this.catalogVersion++;
  }
}
