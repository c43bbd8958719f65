// An in-process engine for unit tests: a store in a temp dir (or a given one), a data-engine pool and
// a query engine over them, with the few ways the tests run SQL and read errors; close() ends all.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { DataEnginePool, Store } from '../../storage/index.js';
import { createQueryEngine, type ClusterInfoProvider, type PlanCache, type QueryEngine, type QueryResult, type Session } from '../../query/index.js';
import { formatText } from '../../src/types/index.js';
import type { EonError } from '../../src/errors/index.js';
import { eonErrorOf } from './errors.js';

export interface TestEngineOptions {
  /** The temp dir is named `eon-<name>-…`; ignored when `dir` is given. */
  name?: string;
  /** A dir the caller owns (a restart reopens it): close() leaves it in place. */
  dir?: string;
  /** Store partitions; default 4. */
  partitions?: number;
  /** Data-engine threads; default 1. */
  threads?: number;
  /** The user of `session` and of open() without one; default 'eon'. */
  user?: string;
  planCache?: PlanCache;
  /** The cluster the engine sees, made from its store; default a standalone node. */
  cluster?: (store: Store) => ClusterInfoProvider;
  /** Ms between background ANALYZE checks (0: none); default the engine's. */
  autoAnalyzeIntervalMs?: number;
}

export interface TestEngine {
  readonly dir: string;
  readonly store: Store;
  readonly pool: DataEnginePool;
  readonly engine: QueryEngine;
  /** One session kept for the helpers below, opened on first use. */
  readonly session: Session;
  /** A new session (database 'eon' unless given). */
  open(user?: string, database?: string): Session;
  /** Every row of every statement of a script, in the kept session. */
  rows(sql: string): Promise<unknown[][]>;
  /** The one value of a script that must give one row. */
  one(sql: string): Promise<unknown>;
  /** The EonError a script must fail with, in the kept session. */
  errorOf(sql: string): Promise<EonError>;
  /** Closes the engine, the pool and the store; removes the dir unless the caller gave it. */
  close(): Promise<void>;
}

export function openTestEngine(options: TestEngineOptions = {}): TestEngine {
  const owned = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), `eon-${options.name ?? 'engine'}-`));
  const store = Store.open({ dir, partitions: options.partitions ?? 4 });
  const pool = new DataEnginePool({ dir, threads: options.threads ?? 1 });
  const engine = createQueryEngine({
    store,
    pool,
    ...(options.planCache === undefined ? {} : { planCache: options.planCache }),
    ...(options.cluster === undefined ? {} : { cluster: options.cluster(store) }),
    ...(options.autoAnalyzeIntervalMs === undefined ? {} : { autoAnalyzeIntervalMs: options.autoAnalyzeIntervalMs }),
  });
  const user = options.user ?? 'eon';
  let kept: Session | null = null;
  const t: TestEngine = {
    dir,
    store,
    pool,
    engine,
    get session(): Session {
      kept ??= engine.openSession({ user, database: 'eon' });
      return kept;
    },
    open: (as = user, database = 'eon') => engine.openSession({ user: as, database }),
    rows: (sql) => run(t.session, sql),
    async one(sql) {
      const rows = await run(t.session, sql);
      expect(rows).toHaveLength(1);
      return rows[0]![0];
    },
    errorOf: (sql) => eonErrorOf(run(t.session, sql), `expected ${sql} to fail`),
    async close() {
      await engine.close();
      await pool.close();
      await store.close();
      if (owned) rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Every result of a script, in order. */
export async function results(session: Session, sql: string): Promise<QueryResult[]> {
  const out: QueryResult[] = [];
  for await (const r of session.executeScript(sql)) out.push(r);
  return out;
}

/** Every row of every statement of a script, as the engine's values. */
export async function run(session: Session, sql: string): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for await (const r of session.executeScript(sql)) rows.push(...r.rows);
  return rows;
}

/** Every row of every statement of a script, each value in PostgreSQL's text form ('NULL' for null). */
export async function textRows(session: Session, sql: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of session.executeScript(sql)) {
    for (const row of r.rows) out.push(row.map((v, i) => (v === null ? 'NULL' : formatText(r.columns![i]!.type, v))));
  }
  return out;
}
