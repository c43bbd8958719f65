// Compiled statements of the simple protocol, keyed by their exact text; generic plans of
// statement shapes (the same statement with other constants: see query/parse/statement-shape.ts);
// and prepared statements, keyed by text and parameter types — so repeated queries skip parsing
// and planning. Any catalog change empties it; new statistics of a table (ANALYZE) drop the
// entries that read or write it, so their next run plans with them.

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

/** Custom (constants-in) runs of a shape measured before a generic plan is tried for it. */
export const GENERIC_PLAN_CUSTOM_RUNS = 3;
/** Runs of a generic plan on trial before it is kept or dropped. */
export const GENERIC_PLAN_TRIAL_RUNS = 3;
/**
 * Shapes whose custom runs take longer than this on average are not tried with a generic plan:
 * a plan that needs its constants (date bounds, zone maps) could make each trial run many times
 * slower, and a long run gains little from skipping planning anyway.
 */
export const GENERIC_PLAN_TRIAL_RUN_MS_MAX = 20;

/**
 * What the cache knows of one statement shape. After GENERIC_PLAN_CUSTOM_RUNS custom runs its
 * generic plan is tried; it stays if its runs take no longer on average than the custom runs
 * did with their planning (PostgreSQL's choice between custom and generic plans, by measured
 * time instead of estimated cost), else the shape keeps custom plans for good.
 */
export interface ShapeEntry {
  customRuns: number;
  /** Custom runs' time, planning included. */
  customMs: number;
  genericRuns: number;
  genericMs: number;
  /** The shape's plan with its constants as parameters, once tried. */
  generic: CompiledStatement | null;
  /** Decided: this shape keeps custom plans. */
  customOnly: boolean;
}

export class PlanCache {
  private readonly entries = new Map<string, CompiledStatement>();
  private readonly shapes = new Map<string, ShapeEntry>();
  /** Generic plans are tried without the time limit and kept whatever their runs take (tests of their answers). */
  private readonly alwaysGeneric: boolean;

  /** Prepared statements by text and declared parameter types, with their parse. */
  private readonly prepared = new Map<string, { statement: Statement; compiled: CompiledStatement }>();
  catalogVersion = 0;
  /** Per table id, bumped when its statistics are replaced: prepared statements reading it re-plan. */
  private readonly statisticsVersions = new Map<number, number>();

  constructor(options: { readonly alwaysGeneric?: boolean } = {}) {
    this.alwaysGeneric = options.alwaysGeneric === true;
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
      e = { customRuns: 0, customMs: 0, genericRuns: 0, genericMs: 0, generic: null, customOnly: false };
      this.shapes.set(key, e);
    }
    return e;
  }

  /** Records one custom run of a shape (planning included); true when its generic plan should now be tried. */
  noteCustomRun(entry: ShapeEntry, totalMs: number): boolean {
    entry.customRuns++;
    entry.customMs += totalMs;
    if (entry.customRuns < GENERIC_PLAN_CUSTOM_RUNS) return false;
    if (!this.alwaysGeneric && entry.customMs / entry.customRuns > GENERIC_PLAN_TRIAL_RUN_MS_MAX) {
      entry.customOnly = true;
      return false;
    }
    return true;
  }

  /** Records one run of a shape's generic plan; after the trial it is kept or the shape goes custom-only. */
  noteGenericRun(entry: ShapeEntry, totalMs: number): void {
    if (entry.genericRuns >= GENERIC_PLAN_TRIAL_RUNS) return;
    entry.genericRuns++;
    entry.genericMs += totalMs;
    if (entry.genericRuns < GENERIC_PLAN_TRIAL_RUNS) return;
    if (!this.alwaysGeneric && entry.genericMs / entry.genericRuns > entry.customMs / entry.customRuns) {
      entry.generic = null;
      entry.customOnly = true;
    }
  }

  /** The shape's entry if it has one (no entry is created). */
  knownShape(key: string): ShapeEntry | undefined {
    return this.shapes.get(key);
  }

  /** Drops the plans that name table `tableId` (its statistics changed) and bumps its statistics version. */
  statisticsChanged(tableId: number): void {
    this.statisticsVersions.set(tableId, (this.statisticsVersions.get(tableId) ?? 0) + 1);
    const names = (c: CompiledStatement): boolean => c.accesses?.some((a) => a.id === tableId) === true;
    for (const [k, c] of this.entries) if (names(c)) this.entries.delete(k);
    for (const [k, e] of this.shapes) if (e.generic !== null && names(e.generic)) this.shapes.delete(k);
    for (const [k, p] of this.prepared) if (names(p.compiled)) this.prepared.delete(k);
  }

  /** A number that changes whenever the statistics of a table `c` names change (see statisticsChanged). */
  statisticsVersionOf(c: CompiledStatement): number {
    let v = 0;
    for (const a of c.accesses ?? []) v += this.statisticsVersions.get(a.id) ?? 0;
    return v;
  }

  invalidate(): void {
    this.entries.clear();
    this.shapes.clear();
    this.prepared.clear();
    this.catalogVersion++;
  }
}
