// vitest globalSetup of the server suites: one PostgreSQL 15 for everyone, and one shared eon node
// with the data set loaded — or (EON_DIFF_CLUSTER=3) a cluster of three eon processes on loopback.

import pg from 'pg';
import type { TestProject } from 'vitest/node';
import type { TestCluster } from './cluster.js';
import { datasetStatements, generateTables, tableStatements } from './datagen.js';
import type { TableData } from './datagen.js';
import { eonBuilt, startEon } from './eon.js';
import { freePort } from './ports.js';
import type { RunningEon } from './eon.js';
import { startPostgres } from './postgres.js';
import type { ConnInfo, RunningPostgres } from './postgres.js';

/** The engine the differential suites check against the reference PostgreSQL database. */
export interface DiffTarget {
  /** 'eon', 'eon-cluster-3' (EON_DIFF_CLUSTER=3) or 'postgres-self' (EON_DIFF_SELFTEST=1). */
  name: string;
  /** The target (node 0 of a cluster); null when there is none. */
  conn: ConnInfo | null;
  /** Every node of the target, node 0 first: the suites spread their files over them. */
  nodes: ConnInfo[];
  /** Statements each suite connection to the target runs first (after every reconnect too). */
  sessionSql: string[];
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

/** `EON_DIFF_CLUSTER=<n>` runs the differential suites against n eon processes joined on loopback. */
export const DIFF_CLUSTER_ENV = 'EON_DIFF_CLUSTER';
/**
 * Up to the default N = 3 every node holds every partition, which is what the load waits for
 * (each node counts every row); a larger cluster needs another readiness check.
 */
export const DIFF_CLUSTER_NODES_MAX = 3;

/**
 * What every suite connection to a cluster sends first. THE line to change to run the cluster
 * mode another way: 'spread_all' makes each scan read its partitions spread over the nodes' data
 * engines instead of the coordinator's own store, small tables too ('spread' reads those locally).
 */
export const CLUSTER_SESSION_SQL: readonly string[] = ["SET eon.coverage = 'spread_all'"];

/**
 * `EON_DIFF_JOINS=broadcast|gather` forces every suite connection's join strategy
 * (eon.join_strategy), single node or cluster: each strategy must give PostgreSQL's answers.
 */
export const DIFF_JOINS_ENV = 'EON_DIFF_JOINS';

/** What every suite connection sends first for the forced join strategy, if any. */
function joinSessionSql(): string[] {
  const raw = process.env[DIFF_JOINS_ENV] ?? '';
  if (raw === '') return [];
  if (raw !== 'broadcast' && raw !== 'gather' && raw !== 'auto') throw new Error(`${DIFF_JOINS_ENV}=${raw}: expected broadcast, gather or auto`);
  return [`SET eon.join_strategy = '${raw}'`];
}

/** The cluster size asked for: 1 (unset, empty or 1) is the single shared node. */
export function diffClusterSize(): number {
  const raw = process.env[DIFF_CLUSTER_ENV] ?? '';
  if (raw === '' || raw === '1') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2 || n > DIFF_CLUSTER_NODES_MAX) {
    throw new Error(`${DIFF_CLUSTER_ENV}=${raw}: expected a node count from 1 to ${DIFF_CLUSTER_NODES_MAX}`);
  }
  return n;
}

let postgres: RunningPostgres | null = null;
let eon: RunningEon | null = null;
let cluster: TestCluster | null = null;

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
  if (cluster !== null) stops.push(cluster.stop());
  if (postgres !== null) stops.push(postgres.stop());
  eon = null;
  cluster = null;
  postgres = null;
  await Promise.all(stops);
}

async function prepareTarget(server: RunningPostgres): Promise<DiffTarget> {
  if (selfTestMode()) {
    await createDatabase(server.conn(), selfTestDatabase);
    const conn = server.conn(selfTestDatabase);
    // Reversed insertion order: a query whose ORDER BY is not total then shows up as a mismatch.
    const error = await loadDataset(conn, true);
    return targetOf('postgres-self', error === null ? [conn] : [], [], error);
  }
  const size = diffClusterSize();
  const name = size === 1 ? 'eon' : `eon-cluster-${size}`;
  if (!eonBuilt()) {
    return targetOf(name, [], [], 'eon is not built (dist/src/cli/main.js missing): run `npm run build` first');
  }
  if (size > 1) {
    try {
      return targetOf(name, await startLoadedCluster(size), [...CLUSTER_SESSION_SQL, ...joinSessionSql()], null);
    } catch (e) {
      return targetOf(name, [], [], `the ${size}-node eon cluster did not start or load: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  try {
    eon = await startEon();
  } catch (e) {
    return targetOf(name, [], [], `the shared eon node did not start: ${String(e)}`);
  }
  const conn = eon.conn();
  const error = await loadDataset(conn, false);
  return targetOf(name, error === null ? [conn] : [], joinSessionSql(), error === null ? null : `loading the data set into eon failed: ${error}`);
}

function targetOf(name: string, nodes: ConnInfo[], sessionSql: string[], error: string | null): DiffTarget {
  return { name, conn: nodes[0] ?? null, nodes, sessionSql, error };
}

/**
 * Starts `size` nodes, the others joining node 0, and loads the data set so that every table is
 * distributed over them. Tables with a primary key are loaded through node 0 once the ring has
 * settled (replicated writes). A table without one takes inserts only on a node alone (README,
 * "Replicated writes": 0A000 in a cluster), so node 0 loads those before the others join, and
 * the joiners pull their rows by ownership transfer. The suites start once every node holds
 * every row (N = 3: with at most three nodes each holds every partition), since a write is
 * acknowledged at W = 2 and the third replica applies it a little later.
 */
async function startLoadedCluster(size: number): Promise<ConnInfo[]> {
  // Loaded only here: the single-node run does not pay for the cluster modules.
  const { TestCluster, allAlive, until } = await import('./cluster.js');
  const t0 = Date.now();
  const started = new TestCluster();
  cluster = started;
  const tables = generateTables();
  const alone = tables.filter((t) => !hasPrimaryKey(t));
  const keyed = tables.filter(hasPrimaryKey);
  const peerPorts: number[] = [];
  for (let i = 0; i < size; i++) peerPorts.push(await freePort());
  const first = await started.start(peerPorts[0]!, null);
  const aloneError = await runStatements(first.conn(), alone.flatMap((t) => tableStatements(t)));
  if (aloneError !== null) throw new Error(`loading node 0 alone: ${aloneError}`);
  const nodes = [first];
  for (const port of peerPorts.slice(1)) nodes.push(await started.start(port, peerPorts[0]!));
  await until(`${size} members alive at every node, one settled ring`, () => allAlive(nodes, size));
  const keyedError = await runStatements(first.conn(), keyed.flatMap((t) => tableStatements(t)));
  if (keyedError !== null) throw new Error(`loading through node 0: ${keyedError}`);
  const conns = nodes.map((n) => n.conn());
  for (const [i, conn] of conns.entries()) {
    for (const table of tables) {
      await until(`node ${i} holds the ${table.rows.length} rows of ${table.name}`, () => holdsRows(conn, table));
    }
  }
  console.log(`eon: ${size} nodes joined and the data set loaded in ${Date.now() - t0} ms`);
  return conns;
}

function hasPrimaryKey(table: TableData): boolean {
  return /\bprimary\s+key\b/i.test(table.ddl);
}

/** Counts in the node's default session: its own store (checked before any coverage is set). */
async function holdsRows(conn: ConnInfo, table: TableData): Promise<boolean> {
  const client = new pg.Client(conn);
  try {
    await client.connect();
    const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table.name}`);
    return Number(r.rows[0]?.n) === table.rows.length;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
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
function loadDataset(conn: ConnInfo, reverse: boolean): Promise<string | null> {
  return runStatements(conn, datasetStatements({ reverse }));
}

/** Runs statements one by one on one connection; returns the first failure as text, or null. */
async function runStatements(conn: ConnInfo, statements: readonly string[]): Promise<string | null> {
  const client = new pg.Client(conn);
  try {
    await client.connect();
  } catch (e) {
    return `cannot connect to ${conn.host}:${conn.port}: ${String(e)}`;
  }
  try {
    for (const sql of statements) {
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
