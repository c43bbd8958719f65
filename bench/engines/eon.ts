// eon as a benchmark engine: the built CLI started as `npm start` runs it (default settings) on free ports, reached over pgwire.

import http from 'node:http';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EON_NODE_FLAGS } from '../../src/cli/node-flags.js';
import { freePort, onInterrupt, waitForPort } from '../process.js';
import type { BenchEngine } from './engine.js';
import { WireClientPool, WireEngine } from './wire.js';

/** Opening LMDB and spawning workers is quick; a node that does not listen by then is broken. */
export const eonStartTimeoutMs = 30_000;
export const eonStopTimeoutMs = 30_000;
/** Keep-alive sockets the bench's REST client keeps open to eon. */
const REST_SOCKETS_MAX = 16;
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

/** A free port can be taken by another process before the node binds it: start again this often. */
const START_ATTEMPTS_MAX = 3;

/** Thrown when the node exited because a port it was given was taken meanwhile. */
class PortTakenError extends Error {}

export async function startEon(): Promise<BenchEngine> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEonOnce();
    } catch (e) {
      if (!(e instanceof PortTakenError) || attempt >= START_ATTEMPTS_MAX) throw e;
    }
  }
}

async function startEonOnce(): Promise<BenchEngine> {
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
      [...EON_NODE_FLAGS, cli, 'start', '--data', dataDir, '--pg-port', String(pgPort), '--http-port', String(httpPort), '--peer-port', '0'],
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
    const message = `eon did not accept connections on port ${pgPort} within ${eonStartTimeoutMs} ms:\n${tail}`;
    throw tail.includes('"reason":"port_in_use"') ? new PortTakenError(message) : new Error(message);
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

  private readonly restAgent = new http.Agent({ keepAlive: true, maxSockets: REST_SOCKETS_MAX });

  /** node:http with a keep-alive agent: fetch costs the client more per request than eon spends serving it. */
  restExec(sql: string, params?: readonly unknown[]): Promise<void> {
    const body = JSON.stringify(params === undefined ? { sql } : { sql, params });
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: this.httpPort, path: '/v1/query', method: 'POST', agent: this.restAgent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`REST ${String(response.statusCode)}: ${text.slice(0, 500)}`))));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  protected override async stopServer(): Promise<void> {
    this.restAgent.destroy();
    await this.stopProcess();
  }

  async describe(): Promise<string> {
    const manifest = JSON.parse(readFileSync(path.join(this.root, 'package.json'), 'utf8')) as { version?: string };
    return `eon ${manifest.version ?? '?'} (one node, default settings)`;
  }


}
