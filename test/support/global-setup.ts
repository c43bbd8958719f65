// vitest globalSetup of the server suites: one PostgreSQL 15 for everyone, and one shared eon node with the data set loaded.

import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { datasetStatements } from './datagen.js';
import { eonBuilt, startEon } from './eon.js';
import type { RunningEon } from './eon.js';
import { startPostgres } from './postgres.js';
import type { ConnInfo, RunningPostgres } from './postgres.js';

/** The engine the differential suites check against the reference PostgreSQL database. */
export interface DiffTarget {
  /** 'eon' or 'postgres-self' (EON_DIFF_SELFTEST=1). */
  name: string;
  conn: ConnInfo | null;
  /** Why there is no usable target (not built, did not start, data load failed). */
  error: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared PostgreSQL server's `postgres` database (superuser, trust auth). */
    postgres: ConnInfo;
    /** PostgreSQL database holding the generated data set: the expected answers. */
    diffReference: ConnInfo;
    diffTarget: DiffTarget;
  }
}

export const referenceDatabase = 'eon_ref';
export const selfTestDatabase = 'eon_self';

export function selfTestMode(): boolean {
  return process.env['EON_DIFF_SELFTEST'] === '1';
}

let postgres: RunningPostgres | null = null;
let eon: RunningEon | null = null;

export async function setup(project: TestProject): Promise<void> {
  postgres = await startPostgres();
  const admin = postgres.conn();
  await createDatabase(admin, referenceDatabase);
  const reference = postgres.conn(referenceDatabase);
  const loadError = await loadDataset(reference, false);
  if (loadError !== null) throw new Error(`loading the data set into PostgreSQL failed: ${loadError}`);
  project.provide('postgres', admin);
  project.provide('diffReference', reference);
  project.provide('diffTarget', await prepareTarget(postgres));
}

export async function teardown(): Promise<void> {
  const stops: Promise<unknown>[] = [];
  if (eon !== null) stops.push(eon.stop());
  if (postgres !== null) stops.push(postgres.stop());
  eon = null;
  postgres = null;
  await Promise.all(stops);
}

async function prepareTarget(server: RunningPostgres): Promise<DiffTarget> {
  if (selfTestMode()) {
    await createDatabase(server.conn(), selfTestDatabase);
    const conn = server.conn(selfTestDatabase);
    // Reversed insertion order: a query whose ORDER BY is not total then shows up as a mismatch.
    const error = await loadDataset(conn, true);
    return { name: 'postgres-self', conn: error === null ? conn : null, error };
  }
  if (!eonBuilt()) {
    return { name: 'eon', conn: null, error: 'eon is not built (dist/src/cli/main.js missing): run `npm run build` first' };
  }
  try {
    eon = await startEon();
  } catch (e) {
    return { name: 'eon', conn: null, error: `the shared eon node did not start: ${String(e)}` };
  }
  const conn = eon.conn();
  const error = await loadDataset(conn, false);
  return { name: 'eon', conn: error === null ? conn : null, error: error === null ? null : `loading the data set into eon failed: ${error}` };
}

async function createDatabase(admin: ConnInfo, name: string): Promise<void> {
  const client = new pg.Client(admin);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

/** Runs the data set's statements one by one; returns the first failure as text, or null. */
async function loadDataset(conn: ConnInfo, reverse: boolean): Promise<string | null> {
  const client = new pg.Client(conn);
  try {
    await client.connect();
  } catch (e) {
    return `cannot connect to ${conn.host}:${conn.port}: ${String(e)}`;
  }
  try {
    for (const sql of datasetStatements({ reverse })) {
      try {
        await client.query(sql);
      } catch (e) {
        const code = (e as { code?: string }).code ?? '?';
        return `${code} ${e instanceof Error ? e.message : String(e)} in: ${sql.slice(0, 200)}`;
      }
    }
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}
