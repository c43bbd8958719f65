// eon as a benchmark engine: the built CLI started with default settings on free ports, reached over pgwire.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, onInterrupt, waitForPort } from '../process.js';
import type { BenchEngine } from './engine.js';
import { WireClientPool, WireEngine } from './wire.js';

/** Opening LMDB and spawning workers is quick; a node that does not listen by then is broken. */
export const eonStartTimeoutMs = 30_000;
export const eonStopTimeoutMs = 30_000;
/** How much of the node's log to show when it fails. */
const logTailChars = 4_000;
/** package.json is at most this many folders above this file (source or dist/). */
const packageSearchDepthMax = 5;

/** The repository root: the nearest folder above this module holding eon's package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < packageSearchDepthMax; i++) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'eon') return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find eon package.json above the bench module');
}

export async function startEon(): Promise<BenchEngine> {
  const root = repoRoot();
  const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`eon is not built: ${cli} is missing; run \`npm run build\` first`);
  const dir = await mkdtemp(path.join(tmpdir(), 'eon-bench-eon-'));
  const dataDir = path.join(dir, 'data');
  const logPath = path.join(dir, 'eon.log');
  const pgPort = await freePort();
  const httpPort = await freePort();
  // The node's log goes to a file, not a pipe: a chatty node can neither block on us nor grow our memory.
  const logFd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      process.execPath,
      [cli, 'start', '--data', dataDir, '--pg-port', String(pgPort), '--http-port', String(httpPort)],
      { cwd: root, stdio: ['ignore', logFd, logFd] },
    );
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  const logTail = (): string => {
    try {
      return readFileSync(logPath, 'utf8').slice(-logTailChars);
    } catch {
      return '';
    }
  };
  const stopProcess = async (): Promise<void> => {
    if (alive) child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), eonStopTimeoutMs);
    });
    const result = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };

  const unregister = onInterrupt(stopProcess);
  const ready = await waitForPort('127.0.0.1', pgPort, eonStartTimeoutMs, () => alive).finally(unregister);
  if (!ready) {
    const tail = logTail();
    await stopProcess();
    throw new Error(`eon did not accept connections on port ${pgPort} within ${eonStartTimeoutMs} ms:\n${tail}`);
  }
  const clients = new WireClientPool({ host: '127.0.0.1', port: pgPort, user: 'eon', database: 'eon' });
  return new EonEngine(clients, stopProcess, root, logTail, httpPort);
}

class EonEngine extends WireEngine {
  readonly name = 'eon' as const;

  constructor(
    clients: WireClientPool,
    private readonly stopProcess: () => Promise<void>,
    private readonly root: string,
    readonly logTail: () => string,
    private readonly httpPort: number,
  ) {
    super(clients);
  }

  async restExec(sql: string): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.httpPort}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql }),
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`REST ${response.status}: ${body.slice(0, 500)}`);
  }

  async describe(): Promise<string> {
    const manifest = JSON.parse(readFileSync(path.join(this.root, 'package.json'), 'utf8')) as { version?: string };
    return `eon ${manifest.version ?? '?'} (one node, default settings)`;
  }

  protected stopServer(): Promise<void> {
    return this.stopProcess();
  }
}
