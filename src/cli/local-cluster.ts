// `eon cluster up` / `eon cluster down`: a cluster of real eon processes on this machine, for
// trying eon out. Node i keeps its data in <data>/node-<i>, listens on each base port + i, and
// logs to <data>/node-<i>/eon.log; node 0 is started first and the others join it.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalClusterConfig } from './args.js';
import { EON_NODE_FLAGS } from './node-flags.js';
import { pidFilePath, processAlive, readPidFile } from '../node/pid-file.js';

/** A node that has not answered /v1/health by then failed to start. */
export const NODE_READY_TIMEOUT_MS = 60_000;
export const NODE_READY_POLL_MS = 100;
/** Nodes get this long to stop gracefully after SIGTERM before SIGKILL. */
export const NODE_STOP_TIMEOUT_MS = 15_000;

export interface LocalNode {
  readonly index: number;
  readonly dataDir: string;
  readonly pgPort: number;
  readonly httpPort: number;
  readonly peerPort: number;
  readonly process: ChildProcess;
}

function mainScript(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
}

export function nodeDataDir(root: string, index: number): string {
  return path.join(root, `node-${index}`);
}

/** The `eon start` arguments of node i of a local cluster. */
export function localNodeArgs(c: LocalClusterConfig, index: number): string[] {
  const args = [
    'start',
    '--data', nodeDataDir(c.dataDir, index),
    '--host', c.host,
    '--pg-port', String(c.pgPort + index),
    '--http-port', String(c.httpPort + index),
    '--peer-port', String(c.peerPort + index),
    '--log-level', c.logLevel,
  ];
  if (index > 0) args.push('--join', `${c.host}:${c.peerPort}`);
  return args;
}

async function waitReady(host: string, httpPort: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + NODE_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`node on http port ${httpPort} exited (${child.exitCode ?? child.signalCode}) while starting; see its eon.log`);
    }
    try {
      const r = await fetch(`http://${host}:${httpPort}/v1/health`, { signal: AbortSignal.timeout(1_000) });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, NODE_READY_POLL_MS));
  }
  throw new Error(`node on http port ${httpPort} did not become ready within ${NODE_READY_TIMEOUT_MS} ms`);
}

/** Starts node index of the cluster and waits until it answers. */
export async function startLocalNode(c: LocalClusterConfig, index: number): Promise<LocalNode> {
  const dataDir = nodeDataDir(c.dataDir, index);
  mkdirSync(dataDir, { recursive: true });
  const logFile = createWriteStream(path.join(dataDir, 'eon.log'), { flags: 'a' });
  const child = spawn(process.execPath, [...EON_NODE_FLAGS, mainScript(), ...localNodeArgs(c, index)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(logFile);
  child.stderr?.pipe(logFile);
  const node: LocalNode = {
    index,
    dataDir,
    pgPort: c.pgPort + index,
    httpPort: c.httpPort + index,
    peerPort: c.peerPort + index,
    process: child,
  };
  await waitReady(c.host, node.httpPort, child);
  return node;
}

/** SIGTERM, then SIGKILL after NODE_STOP_TIMEOUT_MS; resolves when the process is gone. */
export function stopLocalNode(node: LocalNode): Promise<void> {
  const child = node.process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), NODE_STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs the cluster in the foreground until SIGINT/SIGTERM, printing where each node listens. */
export async function runLocalCluster(c: LocalClusterConfig, out: (line: string) => void): Promise<number> {
  mkdirSync(c.dataDir, { recursive: true });
  const nodes: LocalNode[] = [];
  let stopping = false;
  const stopAll = async (): Promise<void> => {
    stopping = true;
    await Promise.all(nodes.map(stopLocalNode));
  };
  let allExited: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    allExited = resolve;
    const onSignal = (): void => {
      if (stopping) return;
      out('stopping the local cluster…');
      void stopAll().then(resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  try {
    for (let i = 0; i < c.nodes && !stopping; i++) {
      const node = await startLocalNode(c, i);
      nodes.push(node);
      out(`node-${i}  psql -h ${c.host} -p ${node.pgPort} -U eon -d eon   http://${c.host}:${node.httpPort}   peer ${c.host}:${node.peerPort}   pid ${node.process.pid ?? '?'}`);
      node.process.once('exit', (code, signal) => {
        if (stopping) return;
        const running = nodes.filter((n) => n.process.exitCode === null && n.process.signalCode === null).length;
        out(`node-${i} exited (${code ?? signal}); ${running} still running`);
        if (running === 0) allExited();
      });
    }
  } catch (e) {
    out(`eon: ${e instanceof Error ? e.message : String(e)}`);
    await stopAll();
    return 1;
  }
  out(`${nodes.length} nodes up; logs in ${path.resolve(c.dataDir)}/node-*/eon.log. eon status --http ${c.host}:${c.httpPort}; Ctrl-C stops them all.`);
  await stopped;
  out('local cluster stopped');
  return 0;
}

/** `eon cluster down`: SIGTERM every live node under root (by its eon.pid), waiting for each to go. */
export async function stopLocalCluster(root: string, out: (line: string) => void): Promise<number> {
  if (!existsSync(root)) {
    out(`no local cluster data in ${root}`);
    return 0;
  }
  const pids: { name: string; pid: number }[] = [];
  for (const name of readdirSync(root).filter((n) => /^node-\d+$/.test(n)).sort()) {
    const pid = readPidFile(pidFilePath(path.join(root, name)));
    if (pid !== undefined && processAlive(pid)) pids.push({ name, pid });
  }
  for (const { pid } of pids) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + NODE_STOP_TIMEOUT_MS;
  while (pids.some((p) => processAlive(p.pid)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, NODE_READY_POLL_MS));
  }
  const left = pids.filter((p) => processAlive(p.pid));
  for (const p of left) process.kill(p.pid, 'SIGKILL');
  out(pids.length === 0 ? 'no running nodes' : `stopped ${pids.map((p) => p.name).join(', ')}${left.length > 0 ? ` (killed ${left.map((p) => p.name).join(', ')})` : ''}`);
  return 0;
}
