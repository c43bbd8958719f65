// eon as a cluster of real processes on this machine, as `eon cluster up` starts them (its
// launcher, default settings, node i on each base port + i, all joining node 0): the bench's
// statements go to node 0, while the clients a suite drives, the load's connections and the REST
// requests are spread over every node, so each node coordinates its share of the work.

import http from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalNode, stopLocalNode } from '../../src/cli/local-cluster.js';
import type { LocalNode } from '../../src/cli/local-cluster.js';
import { oneSettledRing } from '../../src/cluster/view/cluster-view.js';
import type { ClusterView } from '../../src/cluster/view/cluster-view.js';
import { readClusterView } from '../../src/cli/status.js';
import { TABLE_REPLICAS_DEFAULT, WRITE_QUORUM_DEFAULT, READ_QUORUM_DEFAULT } from '../../src/cluster/replication/table-quorum.js';
import { freePort, onInterrupt, sleep } from '../process.js';
import { insertInParallel } from './engine.js';
import type { InsertOptions, LoadSource } from './engine.js';
import { repoRoot } from './eon.js';
import { WireClientPool, WireEngine } from './wire.js';
import type { WireTarget } from './wire.js';

/** The nodes must see each other alive on one settled ring by then (the defaults need a few seconds). */
export const CLUSTER_SETTLE_TIMEOUT_MS = 60_000;
const CLUSTER_POLL_MS = 200;
/** One poll of a node's view gives up after this long. */
const VIEW_TIMEOUT_MS = 2_000;
/** Keep-alive sockets the bench's REST client keeps open to each node. */
const REST_SOCKETS_PER_NODE_MAX = 8;

export interface EonClusterOptions {
  /** Statements every session the bench opens runs first (the tpch suite's SET eon.coverage). */
  sessionSetup?: readonly string[];
}

export async function startEonCluster(nodes: number, options: EonClusterOptions = {}): Promise<EonClusterEngine> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'eon-bench-cluster-'));
  const config = {
    nodes,
    dataDir,
    host: '127.0.0.1',
    pgPort: await freePort(),
    httpPort: await freePort(),
    peerPort: await freePort(),
    logLevel: 'warn',
  };
  const started: LocalNode[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map(stopLocalNode));
    await rm(dataDir, { recursive: true, force: true });
  };
  const unregister = onInterrupt(stopAll);
  try {
    for (let i = 0; i < nodes; i++) started.push(await startLocalNode(config, i));
    const t0 = Date.now();
    for (;;) {
      const views = await Promise.all(started.map((n) => readClusterView(`127.0.0.1:${n.httpPort}`, undefined, VIEW_TIMEOUT_MS).catch(() => null)));
      if (oneSettledRing(views, nodes)) break;
      if (Date.now() - t0 > CLUSTER_SETTLE_TIMEOUT_MS) throw new Error(`${nodes} eon nodes did not settle on one ring within ${CLUSTER_SETTLE_TIMEOUT_MS} ms`);
      await sleep(CLUSTER_POLL_MS);
    }
  } catch (e) {
    await stopAll().finally(unregister);
    throw e;
  }
  const targets = started.map((n): WireTarget => ({ host: '127.0.0.1', port: n.pgPort, user: 'eon', database: 'eon' }));
  return new EonClusterEngine(targets, started, options.sessionSetup ?? [], async () => {
    try {
      await stopAll();
    } finally {
      unregister();
    }
  });
}

export class EonClusterEngine extends WireEngine {
  readonly name = 'eon' as const;
  private readonly agents: http.Agent[];
  private nextRest = 0;

  constructor(
    private readonly targets: readonly WireTarget[],
    private readonly nodes: readonly LocalNode[],
    private readonly sessionSetup: readonly string[],
    private readonly stopNodes: () => Promise<void>,
  ) {
    super(new WireClientPool(targets[0]!, sessionSetup));
    this.agents = nodes.map(() => new http.Agent({ keepAlive: true, maxSockets: REST_SOCKETS_PER_NODE_MAX }));
  }

  /** Every node's wire-protocol address: a suite's client c connects to node c mod n. */
  wireTargets(): readonly WireTarget[] {
    return this.targets;
  }

  /** Each node's process id and ports, in node order (node 0 takes the bench's statements). */
  nodeProcesses(): readonly { index: number; pid: number | undefined; pgPort: number; httpPort: number }[] {
    return this.nodes.map((n) => ({ index: n.index, pid: n.process.pid, pgPort: n.pgPort, httpPort: n.httpPort }));
  }

  /** Each node's own GET /v1/cluster (null for a node that did not answer), in node order. */
  readViews(): Promise<(ClusterView | null)[]> {
    return Promise.all(this.nodes.map((n) => readClusterView(`127.0.0.1:${n.httpPort}`, undefined, VIEW_TIMEOUT_MS).catch(() => null)));
  }

  /** The load's connections go round the nodes too: each coordinates (and replicates) its statements. */
  override insertValues(source: LoadSource, options: InsertOptions): Promise<void> {
    let next = 0;
    return insertInParallel(source, options, async () => {
      const pool = new WireClientPool(this.targets[next++ % this.targets.length]!, this.sessionSetup);
      const client = await pool.connect();
      return { run: (sql) => client.query(sql), close: () => client.end() };
    });
  }

  /** POST /v1/query to the nodes in turn (node:http with keep-alive, as the single-node engine). */
  restExec(sql: string, params?: readonly unknown[]): Promise<void> {
    const at = this.nextRest++ % this.nodes.length;
    const body = JSON.stringify(params === undefined ? { sql } : { sql, params });
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: this.nodes[at]!.httpPort,
          path: '/v1/query',
          method: 'POST',
          agent: this.agents[at]!,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`REST ${String(response.statusCode)} from node ${at}: ${text.slice(0, 500)}`))));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  protected override async stopServer(): Promise<void> {
    for (const a of this.agents) a.destroy();
    await this.stopNodes();
  }

  async describe(): Promise<string> {
    const manifest = JSON.parse(await readFile(path.join(repoRoot(), 'package.json'), 'utf8')) as { version?: string };
    const n = Math.min(TABLE_REPLICAS_DEFAULT, this.nodes.length);
    return (
      `eon ${manifest.version ?? '?'} (${this.nodes.length} nodes on this machine, started as \`eon cluster up\` does, default settings: ` +
      `tables at N = ${n}, W = ${Math.min(WRITE_QUORUM_DEFAULT, n)}, R = ${Math.min(READ_QUORUM_DEFAULT, n)}; clients spread over the nodes)`
    );
  }
}
