// PostgreSQL 15 as a benchmark peer: a throwaway Debian server with default settings, in a temp dir, on a free port.

import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, onInterrupt, runCommand, userIds } from '../process.js';
import type { BenchEngine, LoadSource } from './engine.js';
import { WireClientPool, WireEngine } from './wire.js';

export const postgresBinDir = '/usr/lib/postgresql/15/bin';
/** The server refuses to run as root; its files and processes belong to this user. */
const postgresUser = 'postgres';
const initdbTimeoutMs = 120_000;
const pgCtlTimeoutMs = 60_000;
const pgCtlWaitSeconds = 50;

/**
 * Only what a private throwaway server needs: where to listen, and UTC so timestamps print alike.
 * Durability and memory settings stay at their defaults (fsync on, synchronous_commit on,
 * shared_buffers 128MB), so insert rates are what a stock install gives.
 */
const serverSettings = ['-c listen_addresses=127.0.0.1', '-c TimeZone=UTC', '-c log_min_messages=warning'];

export async function startPostgres(): Promise<BenchEngine> {
  const binary = (name: string): string => path.join(postgresBinDir, name);
  if (!existsSync(binary('postgres')) || !existsSync(binary('initdb'))) {
    throw new Error(
      `PostgreSQL 15 server binaries not found in ${postgresBinDir}; install them with ` +
        '`apt-get update && apt-get install -y postgresql` (Debian, version 15)',
    );
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'eon-bench-pg-'));
  const dataDir = path.join(dir, 'data');
  const ids = await userIds(postgresUser);
  await chmod(dir, 0o755);
  await chown(dir, ids.uid, ids.gid);
  const asPostgres = (cmd: string, args: string[], timeoutMs: number): Promise<string> =>
    runCommand(binary(cmd), args, { timeoutMs, cwd: dir, user: postgresUser });
  // An interrupt while the server is starting must not leave it running: stop whatever started, then remove the dir.
  const unregister = onInterrupt(async () => {
    await asPostgres('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], pgCtlTimeoutMs).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  try {
    // --no-sync only skips initdb's final flush of the template files; the server itself runs with fsync on.
    await asPostgres('initdb', ['-D', dataDir, '--auth=trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], initdbTimeoutMs);
    const port = await freePort();
    const options = [`-p ${port}`, `-k ${dir}`, ...serverSettings].join(' ');
    await asPostgres(
      'pg_ctl',
      ['-D', dataDir, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', String(pgCtlWaitSeconds), 'start'],
      pgCtlTimeoutMs,
    );
    const clients = new WireClientPool({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    return new PostgresEngine(clients, async () => {
      try {
        await asPostgres('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', String(pgCtlWaitSeconds), 'stop'], pgCtlTimeoutMs);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  } finally {
    unregister();
  }
}

class PostgresEngine extends WireEngine {
  readonly name = 'postgres' as const;

  constructor(
    clients: WireClientPool,
    private readonly stopPostgres: () => Promise<void>,
  ) {
    super(clients);
  }

  protected stopServer(): Promise<void> {
    return this.stopPostgres();
  }

  async describe(): Promise<string> {
    const rows = await this.clients.query(
      "SELECT current_setting('server_version'), current_setting('shared_buffers'), current_setting('fsync'), " +
        "current_setting('synchronous_commit'), current_setting('max_parallel_workers_per_gather')",
    );
    const [version, sharedBuffers, fsync, syncCommit, gatherWorkers] = (rows[0] ?? []).map(String);
    return `PostgreSQL ${version} (shared_buffers=${sharedBuffers}, fsync=${fsync}, synchronous_commit=${syncCommit}, max_parallel_workers_per_gather=${gatherWorkers})`;
  }

  /** Server-side COPY from the shared CSV, then VACUUM ANALYZE so plans and visibility maps are current. */
  async bulkLoad(source: LoadSource): Promise<string> {
    const csv = await source.csvPath();
    await this.clients.exec(`COPY ${source.table} FROM '${csv.replaceAll("'", "''")}' WITH (FORMAT csv)`);
    await this.clients.exec(`VACUUM ANALYZE ${source.table}`);
    return 'COPY FROM csv file + VACUUM ANALYZE';
  }
}
