// Compiled statements of the simple protocol, keyed by their exact text; generic plans of
// statement shapes (the same statement with other constants: see query/parse/statement-shape.ts);
// and prepared statements, keyed by text and parameter types — so repeated queries skip parsing
// and planning. Any catalog change empties it.

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

/** Custom (constants-in) runs of a shape measured before deciding on a generic plan for it. */
export const GENERIC_PLAN_CUSTOM_RUNS = 3;
/**
 * A shape gets a generic plan when compiling took at least this share of its custom runs' time:
 * then planning, not execution, is what a repeat costs (a point lookup, not an analytical query
 * whose plan gains from seeing its constants).
 */
export const GENERIC_PLAN_COMPILE_SHARE_MIN = 0.2;

/** What the cache knows of one statement shape. */
export interface ShapeEntry {
  customRuns: number;
  compileMs: number;
  totalMs: number;
  /** The shape's plan with its constants as parameters, once chosen. */
  generic: CompiledStatement | null;
  /** Decided: this shape keeps custom plans (planning is cheap next to running, or the generic plan differs). */
  customOnly: boolean;
}

export class PlanCache {
  private readonly entries = new Map<string, CompiledStatement>();
  private readonly shapes = new Map<string, ShapeEntry>();
  /** See GENERIC_PLAN_COMPILE_SHARE_MIN (0: every shape whose generic plan matches goes generic). */
  private readonly compileShareMin: number;
  /** Prepared statements by text and declared parameter types, with their parse. */
  private readonly prepared = new Map<string, { statement: Statement; compiled: CompiledStatement }>();
  catalogVersion = 0;

  constructor(options: { readonly compileShareMin?: number } = {}) {
    this.compileShareMin = options.compileShareMin ?? GENERIC_PLAN_COMPILE_SHARE_MIN;
  }

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

  /** The entry of a statement shape, created on first sight. */
  shape(key: string): ShapeEntry {
    let e = this.shapes.get(key);
    if (e === undefined) {
      evictOldest(this.shapes);
      e = { customRuns: 0, compileMs: 0, totalMs: 0, generic: null, customOnly: false };
      this.shapes.set(key, e);
    }
    return e;
  }

  /**
   * Records one custom run of a shape; true once the shape has been measured enough and planning
   * was a large enough share of its time that a generic plan should be tried (it is decided once).
   */
  noteCustomRun(entry: ShapeEntry, compileMs: number, totalMs: number): boolean {
    entry.customRuns++;
    entry.compileMs += compileMs;
    entry.totalMs += totalMs;
    if (entry.customRuns < GENERIC_PLAN_CUSTOM_RUNS) return false;
    entry.customOnly = true;
    return entry.compileMs >= this.compileShareMin * entry.totalMs;
  }

  /** The shape's entry if it has one (no entry is created). */
  knownShape(key: string): ShapeEntry | undefined {
    return this.shapes.get(key);
  }

  invalidate(): void {
    this.entries.clear();
    this.shapes.clear();
    this.prepared.clear();
    this.catalogVersion++;
  }
}
