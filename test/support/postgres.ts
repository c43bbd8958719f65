// A throwaway PostgreSQL 15 server for tests: initdb in a temp dir, start on a free port, stop and remove.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const execFileAsync = promisify(execFile);

export const postgresBinDir = '/usr/lib/postgresql/15/bin';
/** initdb writes a few MB and fsyncs; bounded so a wedged disk fails the run instead of hanging it. */
export const initdbTimeoutMs = 60_000;
export const pgCtlTimeoutMs = 30_000;
const pgCtlWaitSeconds = 25;

/** Where a test connects: the same shape for PostgreSQL and for eon (both speak the wire protocol). */
export interface ConnInfo {
  host: string;
  port: number;
  user: string;
  database: string;
}

export interface RunningPostgres {
  port: number;
  dir: string;
  /** A connection to the built-in `postgres` database as superuser. */
  conn(database?: string): ConnInfo;
  stop(): Promise<void>;
}

/**
 * Collation and ctype C.UTF-8: text sorts by code point (what an engine comparing strings naturally
 * does) while lower/upper still know non-ASCII letters. TimeZone UTC matches eon's session default.
 */
const serverSettings = [
  '-c listen_addresses=127.0.0.1',
  '-c fsync=off',
  '-c synchronous_commit=off',
  '-c full_page_writes=off',
  '-c shared_buffers=128MB',
  '-c max_connections=50',
  '-c TimeZone=UTC',
  '-c DateStyle=ISO,MDY',
  '-c log_min_messages=warning',
];

export async function startPostgres(): Promise<RunningPostgres> {
  const binary = (name: string): string => path.join(postgresBinDir, name);
  if (!existsSync(binary('postgres')) || !existsSync(binary('initdb'))) {
    throw new Error(
      `PostgreSQL 15 server binaries not found in ${postgresBinDir}; ` +
        'install them with `apt-get update && apt-get install -y postgresql` (Debian package, version 15)',
    );
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'eon-pg-'));
  const dataDir = path.join(dir, 'data');
  const ids = await postgresIds();
  await chown(dir, ids.uid, ids.gid);
  const asPostgres = async (cmd: string, args: string[], timeoutMs: number): Promise<void> => {
    // The server refuses to run as root, so every server binary runs as the `postgres` user.
    const prefix = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    await execFileAsync(prefix[0] as string, prefix[1] as string[], { timeout: timeoutMs, cwd: dir });
  };
  try {
    await asPostgres(
      binary('initdb'),
      ['-D', dataDir, '--auth=trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
      initdbTimeoutMs,
    );
    const port = await freePort();
    const options = [`-p ${port}`, `-k ${dir}`, ...serverSettings].join(' ');
    await asPostgres(
      binary('pg_ctl'),
      ['-D', dataDir, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', String(pgCtlWaitSeconds), 'start'],
      pgCtlTimeoutMs,
    );
    let stopped = false;
    return {
      port,
      dir,
      conn: (database = 'postgres') => ({ host: '127.0.0.1', port, user: 'postgres', database }),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        try {
          await asPostgres(binary('pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], pgCtlTimeoutMs);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL: ${describeExecError(e)}`);
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  if (process.getuid?.() !== 0) return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const { stdout: uid } = await execFileAsync('id', ['-u', 'postgres']);
  const { stdout: gid } = await execFileAsync('id', ['-g', 'postgres']);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

function describeExecError(e: unknown): string {
  const err = e as { message?: string; stderr?: string; stdout?: string };
  return [err.message, err.stderr, err.stdout].filter((s) => s !== undefined && s !== '').join('\n');
}
