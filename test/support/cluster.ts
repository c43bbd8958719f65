// Helpers for real-process cluster tests: start nodes that join each other, read their cluster
// view and run SQL through REST, and wait (bounded) for the cluster to reach a state.

import { rm } from 'node:fs/promises';
import { freePort, sleep } from './ports.js';
import { startEon } from './eon.js';
import type { RunningEon } from './eon.js';
import { oneSettledRing } from '../../src/cluster/view/cluster-view.js';
import { readClusterView } from '../../src/cli/status.js';
import type { ClusterView } from '../../src/cluster/view/cluster-view.js';

/** Every wait is bounded by this (the defaults detect a crash in about 6–9 s). */
export const CONVERGE_TIMEOUT_MS = 40_000;
const POLL_MS = 200;
/** One poll of a node's view gives up after this long. */
const VIEW_TIMEOUT_MS = 2_000;

/** Nodes started by one test file; stop() kills what is left and removes their data. */
export class TestCluster {
  readonly started: RunningEon[] = [];
  private readonly dirs = new Set<string>();

  /** `extraArgs`: more `eon start` options (e.g. a long --anti-entropy-interval, so only reads repair). */
  async start(peerPort: number, join: number | null, dataDir?: string, extraArgs: readonly string[] = []): Promise<RunningEon> {
    const node = await startEon({
      peerPort,
      keepDataDir: true,
      ...(dataDir === undefined ? {} : { dataDir }),
      extraArgs: ['--threads', '1', ...(join === null ? [] : ['--join', `127.0.0.1:${join}`]), ...extraArgs],
    });
    this.started.push(node);
    this.dirs.add(node.dataDir);
    return node;
  }

  /** `count` nodes on free peer ports, the others joining the first, once each node sees all alive. */
  async startJoined(count: 2): Promise<[RunningEon, RunningEon]>;
  async startJoined(count: 3): Promise<[RunningEon, RunningEon, RunningEon]>;
  async startJoined(count: number): Promise<RunningEon[]> {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await freePort());
    const nodes: RunningEon[] = [];
    for (const port of ports) nodes.push(await this.start(port, nodes.length === 0 ? null : ports[0]!));
    await until(`${count} members alive at every node`, () => allAlive(nodes, count));
    return nodes;
  }

  async stop(): Promise<void> {
    for (const n of this.started) await n.kill('SIGKILL').catch(() => null);
    for (const d of this.dirs) await rm(d, { recursive: true, force: true });
  }
}

/** A node's cluster view, or null while it does not answer one. */
export function clusterView(node: RunningEon): Promise<ClusterView | null> {
  return readClusterView(`127.0.0.1:${node.httpPort}`, undefined, VIEW_TIMEOUT_MS).catch(() => null);
}

/** The state `observer` holds for the member on peer port `peer`. */
/** One of the gossiped figures a node reports of itself in its cluster view (0 when absent). */
export async function selfStat(node: RunningEon, stat: string): Promise<number> {
  const view = await clusterView(node);
  const self = view?.members.find((m) => m.id === view.self);
  return Number(self?.stats[stat] ?? 0);
}

export async function stateOf(observer: RunningEon, peer: number): Promise<string | undefined> {
  return (await clusterView(observer))?.members.find((m) => m.peer === `127.0.0.1:${peer}`)?.state;
}

export async function until(what: string, check: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < CONVERGE_TIMEOUT_MS) {
    if (await check()) return Date.now() - t0;
    await sleep(POLL_MS);
  }
  throw new Error(`not within ${CONVERGE_TIMEOUT_MS} ms: ${what}`);
}

/** Every node sees `count` members alive and uses the same decided ring, in which each of them owns partitions. */
export async function allAlive(nodes: readonly RunningEon[], count: number): Promise<boolean> {
  return oneSettledRing(await Promise.all(nodes.map(clusterView)), count);
}

export interface RestResult {
  status: number;
  rows?: unknown[][];
  error?: { code: string; message: string };
}

/** A statement's rows through a node's REST API; throws with its SQLSTATE and message if it failed. */
export async function sqlRows(node: RunningEon, text: string): Promise<unknown[][]> {
  const r = await sql(node, text);
  if (r.status !== 200) throw new Error(`${text}: ${r.error?.code} ${r.error?.message}`);
  return r.rows ?? [];
}

/** Runs one statement through a node's REST API. */
export async function sql(node: RunningEon, text: string): Promise<RestResult> {
  const r = await fetch(`http://127.0.0.1:${node.httpPort}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: text }),
    signal: AbortSignal.timeout(CONVERGE_TIMEOUT_MS),
  });
  const body = (await r.json()) as { rows?: unknown[][]; error?: { code: string; message: string } };
  return { status: r.status, ...body };
}
