// The real psql binary against eon and against the suite's PostgreSQL: one run, the flags scripts
// use, and a comparison of meta-command output (\d and friends) in a fresh reference database.

import { execFile } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { ConnInfo } from './postgres.js';
import { startClientTarget, type ClientTarget } from './target.js';

export interface PsqlRun {
  /** psql's exit code; -1 when it did not exit by itself (a timeout). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface PsqlOptions {
  /** Flags after -X and before the connection ones. */
  flags?: readonly string[];
  /** Default 20 s. */
  timeoutMs?: number;
  /** Largest stdout or stderr kept, in bytes; default execFile's (1 MiB). */
  maxBuffer?: number;
}

/** psql as scripts run it: quiet, stopping at the first error, errors with their SQLSTATE. */
export const SCRIPT_FLAGS = ['-q', '-v', 'ON_ERROR_STOP=1', '-v', 'VERBOSITY=verbose'] as const;

const defaultTimeoutMs = 20_000;

/** Runs psql (no psqlrc, no pager, UTC) on `conn` with `args` after the connection flags. */
export function psql(conn: ConnInfo, args: readonly string[], options: PsqlOptions = {}): Promise<PsqlRun> {
  const all = ['-X', ...(options.flags ?? []), '-h', conn.host, '-p', String(conn.port), '-U', conn.user, '-d', conn.database, ...args];
  return new Promise((resolve) => {
    execFile(
      'psql',
      all,
      {
        timeout: options.timeoutMs ?? defaultTimeoutMs,
        ...(options.maxBuffer === undefined ? {} : { maxBuffer: options.maxBuffer }),
        env: { ...process.env, PGCONNECT_TIMEOUT: '10', PAGER: '', PGTZ: 'UTC' },
      },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

/** The SQLSTATE of a run's first ERROR (psql prints it with VERBOSITY=verbose). */
/** Longest one psql run of a client test may take. */
export const CLIENT_PSQL_TIMEOUT_MS = 60_000;

/** psql in script mode (quiet, stop on the first error, verbose errors) with a client test's time bound. */
export function psqlScript(conn: ConnInfo, args: readonly string[], options: PsqlOptions = {}): Promise<PsqlRun> {
  return psql(conn, args, { flags: SCRIPT_FLAGS, timeoutMs: CLIENT_PSQL_TIMEOUT_MS, ...options });
}

/** The same -c commands through psqlScript on eon and on the reference PostgreSQL, at once. */
export function psqlBoth(eon: ConnInfo, reference: ConnInfo, commands: readonly string[], options: PsqlOptions = {}): Promise<[PsqlRun, PsqlRun]> {
  const args = commands.flatMap((c) => ['-c', c]);
  return Promise.all([psqlScript(eon, args, options), psqlScript(reference, args, options)]);
}

export const sqlstateOfRun = (r: PsqlRun): string | undefined => /ERROR:\s+([0-9A-Z]{5}):/.exec(r.stderr)?.[1];

/** Runs `commands` in one psql session, an \echo marker before each, and splits stdout at the markers. */
export async function psqlSections(conn: ConnInfo, commands: readonly string[], marker: string): Promise<{ byCommand: Map<string, string>; stderr: string }> {
  // The marker names the command by index: a backslash inside \echo's text would start a new meta-command.
  const r = await psql(conn, commands.flatMap((c, i) => ['-c', `\\echo ${marker} ${i}`, '-c', c]));
  const byCommand = new Map<string, string>();
  for (const section of r.stdout.split(`${marker} `).slice(1)) {
    const nl = section.indexOf('\n');
    const command = commands[Number(section.slice(0, nl))];
    if (command !== undefined) byCommand.set(command, section.slice(nl + 1));
  }
  return { byCommand, stderr: r.stderr };
}

async function adminQuery(admin: ConnInfo, sql: string): Promise<void> {
  const c = new pg.Client(admin);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Each command's output on both servers, and what each printed on stderr. */
export interface PsqlOutputs {
  eon: Map<string, string>;
  postgres: Map<string, string>;
  eonStderr: string;
  postgresStderr: string;
}

export interface PsqlComparisonOptions {
  /** Names the reference database (`eon_<name>_<pid>`) and the section marker. */
  name: string;
  /** Statements run on both servers first, one psql each; each must print nothing on stderr. */
  setup: readonly string[];
  /** Commands run on both servers, each server's in one psql session. */
  commands: readonly string[];
}

/**
 * Registers the file's beforeAll and afterAll: a fresh eon node, and a fresh database in the suite's
 * PostgreSQL owned by a role named like eon's user (with the attributes eon reports, those of
 * initdb's bootstrap superuser, so Owner columns and \du match); `setup` runs on both, then `commands`. The outputs are filled in by beforeAll.
 */
export function comparePsqlOutput(options: PsqlComparisonOptions): PsqlOutputs {
  const outputs: PsqlOutputs = { eon: new Map(), postgres: new Map(), eonStderr: '', postgresStderr: '' };
  const marker = `=== eon ${options.name} ===`;
  let target: ClientTarget | undefined;
  let admin: ConnInfo | undefined;
  const referenceDb = `eon_${options.name.replaceAll('-', '_')}_${process.pid}`;

  beforeAll(async () => {
    target = await startClientTarget();
    admin = inject('postgres');
    const user = target.conn.user;
    await adminQuery(
      admin,
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${user}') THEN ` +
        `CREATE ROLE "${user}" LOGIN SUPERUSER CREATEROLE CREATEDB REPLICATION BYPASSRLS; END IF; END $$`,
    );
    await adminQuery(admin, `DROP DATABASE IF EXISTS ${referenceDb}`);
    await adminQuery(admin, `CREATE DATABASE ${referenceDb} OWNER "${user}"`);
    const reference = { ...admin, user, database: referenceDb };
    for (const conn of [target.conn, reference]) {
      for (const sql of options.setup) expect((await psql(conn, ['-c', sql])).stderr).toBe('');
    }
    const [mine, theirs] = await Promise.all([psqlSections(target.conn, options.commands, marker), psqlSections(reference, options.commands, marker)]);
    Object.assign(outputs, { eon: mine.byCommand, postgres: theirs.byCommand, eonStderr: mine.stderr, postgresStderr: theirs.stderr });
  });

  afterAll(async () => {
    await target?.stop();
    if (admin !== undefined) await adminQuery(admin, `DROP DATABASE IF EXISTS ${referenceDb}`);
  });

  return outputs;
}
