// Starts the built eon CLI as a child process on free ports with a temp data dir, for real-process tests.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnInfo } from './postgres.js';
import { freePort, waitForPort } from './ports.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** EON_CLI points the suites at another build of the CLI (e.g. an installed one). */
export const eonCliPath = process.env['EON_CLI'] ?? path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
/**
 * Opening LMDB and spawning workers is fast, but loading the modules takes seconds when the
 * machine's two cores are shared with a whole suite (11 s was seen in a bench under load); a node
 * that does not listen by then is broken.
 */
export const eonStartTimeoutMs = 40_000;
export const eonStopTimeoutMs = 15_000;
/** Keep only the tail of the child's output for diagnostics, so a chatty node cannot grow memory. */
const outputKeepChars = 16_000;

export interface StartEonOptions {
  partitions?: number;
  /** More `eon start` flags, e.g. ['--query-cells-max', '1000']. */
  extraArgs?: string[];
  /** Reuse an existing data dir (restart tests); such a dir is never removed by stop(). */
  dataDir?: string;
  /** Keep a dir this helper created when the node stops (the caller removes it). */
  keepDataDir?: boolean;
  /** The peer (node-to-node) port; default 0, a free one. */
  peerPort?: number;
}

export interface RunningEon {
  pgPort: number;
  httpPort: number;
  dataDir: string;
  pid: number;
  conn(): ConnInfo;
  /** The node's recent stdout+stderr. */
  output(): string;
  /** SIGTERM, wait for exit (SIGKILL after eonStopTimeoutMs); returns the exit code (null if killed). */
  stop(): Promise<number | null>;
  /** Sends the signal and waits (bounded) for the process to exit; does not remove the data dir. */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export function eonBuilt(): boolean {
  return existsSync(eonCliPath);
}

/** A free port can be taken by another process before the node binds it: start again this often. */
const START_ATTEMPTS_MAX = 3;

export async function startEon(options: StartEonOptions = {}): Promise<RunningEon> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEonOnce(options);
    } catch (e) {
      const portTaken = e instanceof Error && e.message.includes('"reason":"port_in_use"');
      if (!portTaken || attempt >= START_ATTEMPTS_MAX) throw e;
    }
  }
}

async function startEonOnce(options: StartEonOptions): Promise<RunningEon> {
  if (!eonBuilt()) {
    throw new Error(`eon is not built: ${eonCliPath} is missing; run \`npx tsc -p .\` (npm run build) first`);
  }
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'eon-data-')));
  const pgPort = await freePort();
  const httpPort = await freePort();
  const args = [eonCliPath, 'start', '--data', dataDir, '--pg-port', String(pgPort), '--http-port', String(httpPort), '--peer-port', String(options.peerPort ?? 0)];
  if (options.partitions !== undefined) args.push('--partitions', String(options.partitions));
  if (options.extraArgs !== undefined) args.push(...options.extraArgs);
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-outputKeepChars);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = exitPromise(child);
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  const removeDir = async (): Promise<void> => {
    if (ownsDir && options.keepDataDir !== true) await rm(dataDir, { recursive: true, force: true });
  };

  const ready = await waitForPort('127.0.0.1', pgPort, eonStartTimeoutMs, () => alive);
  if (!ready) {
    const exitedEarly = !alive;
    if (alive) {
      child.kill('SIGKILL');
      await exited;
    }
    await removeDir();
    const code = child.exitCode ?? child.signalCode;
    const why = !exitedEarly ? `did not accept connections on ${pgPort} within ${eonStartTimeoutMs} ms` : `exited (${String(code)}) before accepting connections`;
    throw new Error(`eon ${why}:\n${output}`);
  }

  const waitExit = async (timeoutMs: number): Promise<number | null> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      child.kill('SIGKILL');
      return (await exited).code;
    }
    return result.code;
  };

  return {
    pgPort,
    httpPort,
    dataDir,
    pid: child.pid ?? -1,
    conn: () => ({ host: '127.0.0.1', port: pgPort, user: 'eon', database: 'eon' }),
    output: () => output,
    stop: async () => {
      if (alive) child.kill('SIGTERM');
      const code = await waitExit(eonStopTimeoutMs);
      await removeDir();
      return code;
    },
    kill: async (signal) => {
      if (alive) child.kill(signal);
      return waitExit(eonStopTimeoutMs);
    },
  };
}

function exitPromise(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}
