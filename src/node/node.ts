// The lifecycle of a single eon node: open storage, workers and the query engine, serve pg and
// REST, and stop all of it gracefully in reverse order.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataEnginePool, Store, roleByName } from '../../storage/index.js';
import type { RoleDirectory } from '../../protocol/pg/role-auth.js';
import { REST_USER_DEFAULT as BOOTSTRAP_SUPERUSER_NAME } from '../../protocol/http/auth.js';
import { createQueryEngine, standaloneClusterInfo } from '../../query/index.js';
import type { ClusterInfoProvider } from '../../query/index.js';
import { PgServer, loadTlsCredentials } from '../../protocol/pg/index.js';
import type { TlsCredentials, TlsFiles } from '../../protocol/pg/index.js';
import { createHttpServer } from '../../protocol/http/index.js';
import { EonError } from '../errors/index.js';
import { ClusterNode } from '../cluster/node/index.js';
import { ClusterCatalog, appliedCatalogStore } from '../cluster/catalog/index.js';
import { Namestore } from '../namestore/index.js';
import { startReplication } from '../cluster/replication/index.js';
import type { Replication } from '../cluster/replication/index.js';
import { AntiEntropy } from '../cluster/antientropy/index.js';
import { OwnershipTransfer } from '../cluster/transfer/index.js';
import type { TransferProgress } from '../cluster/transfer/index.js';
import { transferStore } from '../cluster/transfer/transfer-store.js';
import type { HintKey } from '../cluster/handoff/index.js';
import { REPLICAS_DEFAULT } from '../cluster/ring/index.js';
import { startFragments, type Fragments } from '../cluster/fragments/index.js';
import { PEER_PORT_DEFAULT, SHUTDOWN_GRACE_MS } from './config.js';
import { StatementMetrics, meteredSessions } from './statement-metrics.js';
import type { NodeConfig } from './config.js';
import { createJsonLogger } from './log.js';
import type { Logger } from './log.js';
import { acquirePidFile, releasePidFile } from './pid-file.js';
import { NodeStartError, errnoCode } from './start-error.js';

export interface RunningNode {
  readonly dataDir: string;
  readonly pidFile: string;
  readonly pgPort: number;
  readonly httpPort: number;
  readonly peerPort: number;
  readonly nodeName: string;
  /** The node's id in the cluster (stable across restarts, kept in <data>/cluster.json). */
  readonly nodeId: string;
  /** Resolves once the node has left its cluster (`eon node leave`); its owner stops it then. */
  readonly left: Promise<void>;
  /** Graceful stop: servers finish in-flight work (bounded), then engine, pool and store close. Idempotent. */
  stop(): Promise<void>;
}

type Closer = { readonly name: string; readonly close: () => Promise<void> | void };

export async function startNode(config: NodeConfig): Promise<RunningNode> {
  const log = config.log ?? createJsonLogger({ level: config.logLevel ?? 'info' });
  const dataDir = path.resolve(config.dataDir);
  const graceMs = config.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
  // Opened resources, closed in reverse on a failed start or on stop.
  const closers: Closer[] = [];
  try {
    const tls = config.tls === undefined ? undefined : tlsOrExplain(config.tls);
    prepareDataDir(dataDir);
    const pidFile = acquirePidFile(dataDir);
    closers.push({ name: 'pid file', close: () => releasePidFile(pidFile) });

    const store = openStore(dataDir, config.partitions);
    closers.push({ name: 'store', close: () => store.close() });
    const pool = new DataEnginePool(config.threads === undefined ? { dir: dataDir } : { dir: dataDir, threads: config.threads });
    closers.push({ name: 'data engine pool', close: () => pool.close() });
    let cluster: ClusterNode | null = null;
    let replication: Replication | null = null;
    let fragments: Fragments | null = null;
    const standalone = standaloneClusterInfo(store);
    // eon_nodes and eon_partitions show the cluster once membership runs (it starts after the servers bind).
    const clusterInfo: ClusterInfoProvider = {
      view: () => cluster?.view() ?? standalone.view(),
      partitions: () => {
        if (cluster === null) return standalone.partitions();
        return cluster.partitionReplicas().map((replicas, partition) => ({
          partition,
          owner: replicas[0] ?? '',
          replicas,
          rows: null,
          replicationDelayMs: replication?.delayOf(partition) ?? null,
          // Hint requests this node holds for the partition's replicas (a request may span partitions).
          hintsPending: replicas.reduce((sum, id) => sum + (replication?.hints.pending(id) ?? 0), 0),
        }));
      },
    };
    // DDL goes through the cluster catalog once membership runs; before that, only to this store.
    let catalog: ClusterCatalog | null = null;
    const engine = createQueryEngine({
      store,
      pool,
      cluster: clusterInfo,
      ddl: {
        createTable: (def) => (catalog ?? store).createTable(def),
        dropTable: (name) => (catalog ?? store).dropTable(name),
        createView: (def, options) => (catalog ?? store).createView(def, options),
        dropView: (name) => (catalog ?? store).dropView(name),
        truncateTables: (names) => (catalog ?? store).truncateTables(names),
        createIndex: (table, index) => (catalog ?? store).createIndex(table, index),
        dropIndex: (table, index) => (catalog ?? store).dropIndex(table, index),
        alterTable: (name, next) => (catalog ?? store).alterTable(name, next),
        changeSecurity: (what, edit) => (catalog ?? store).changeSecurity(what, edit),
      },
      ...(config.queryCellsMax === undefined ? {} : { queryCellsMax: config.queryCellsMax }),
      superuser: { name: BOOTSTRAP_SUPERUSER_NAME, ...(config.password === undefined ? {} : { password: config.password }) },
      // Primary-key reads go to R replicas once replication runs and the node has peers.
      pointReads: {
        active: () => replication?.pointReads.active() === true,
        covers: (table) => replication?.pointReads.covers(table) === true,
        read: (table, key, options) => (replication === null ? Promise.resolve(store.get(table, key)) : replication.pointReads.read(table, key, options)),
      },
      // Partitions this node does not serve are read on the nodes that do, once membership runs.
      remote: {
        get self() {
          return fragments?.remote.self ?? '';
        },
        active: () => fragments?.remote.active() === true,
        coverage: (table, policy, avoid) => fragments!.remote.coverage(table, policy, avoid),
        run: (node, table, task, signal) => fragments!.remote.run(node, table, task, signal),
        syncReads: (reads, signal) => fragments!.remote.syncReads(reads, signal),
        retriable: (error) => fragments?.remote.retriable(error) === true,
      },
    });
    // Both ports authenticate against the store's roles, which the cluster catalog keeps current.
    const roles: RoleDirectory = { find: (name) => roleByName(store.security(), name) };
    closers.push({ name: 'query engine', close: () => engine.close() });

    // Every statement either protocol answers is timed: membership gossips the figures.
    const metrics = new StatementMetrics();
    const sessions = meteredSessions(engine, metrics);
    let nodeName = config.nodeName ?? `${config.host}:${config.pgPort}`;
    let markLeft: () => void = () => {};
    const left = new Promise<void>((resolve) => {
      markLeft = resolve;
    });
    let namestore: Namestore | null = null;
    const http = createHttpServer({
      cluster: () => cluster?.view() ?? null,
      // /v1/names answers 503 until membership runs (it starts after the servers bind).
      names: () => namestore,
      clusterAdmin: {
        leave: () => {
          if (cluster !== null) void cluster.leave().then(markLeft);
        },
        remove: (id) => {
          if (cluster === null) throw new EonError('undefined_object', `no member "${id}" in this node's view of the cluster`);
          cluster.remove(id);
        },
      },
      sessions,
      store,
      log,
      nodeName: () => nodeName,
      roles,
      ...(config.password === undefined ? {} : { password: config.password }),
      ...(tls === undefined ? {} : { tls }),
    });
    const pg = new PgServer({
      host: config.host,
      port: config.pgPort,
      sessions,
      log,
      roles,
      ...(config.password === undefined ? {} : { password: config.password }),
      ...(config.authMethod === undefined ? {} : { authMethod: config.authMethod }),
      ...(tls === undefined ? {} : { tls }),
    });
    // Both servers stop together so neither accepts work while the other drains.
    closers.push({
      name: 'servers',
      close: async () => {
        await Promise.all([pg.close({ graceMs }), http.close({ graceMs })]);
      },
    });
    // HTTP binds first: once the pg port accepts, the whole node is up (test harnesses and
    // orchestrators probe the pg port).
    const httpPort = await listenOrExplain('http', config.host, config.httpPort, () =>
      http.listen(config.host, config.httpPort),
    );
    const { port: pgPort } = await listenOrExplain('pg', config.host, config.pgPort, () => pg.listen());
    nodeName = config.nodeName ?? `${config.host}:${pgPort}`;
    const peerPortWanted = config.peerPort ?? PEER_PORT_DEFAULT;
    cluster = await listenOrExplain('peer', config.host, peerPortWanted, () =>
      ClusterNode.start({
        dataDir,
        host: config.host,
        peerPort: peerPortWanted,
        ...(config.advertisePeer === undefined ? {} : { advertisePeer: config.advertisePeer }),
        join: config.join ?? [],
        secret: config.clusterSecret ?? null,
        insecure: config.insecure === true,
        partitions: store.partitions,
        replicas: REPLICAS_DEFAULT,
        pgPort,
        httpPort,
        log,
        localStats: () => {
          const f = metrics.figures();
          return {
            meanResponseMs: f.meanResponseMs,
            errorRate: f.errorRate,
            extra: {
              statementsPerSecond: Math.round(f.statementsPerSecond * 100) / 100,
              ...replicationFigures(replication),
              ...namestoreFigures(namestore),
              ...(fragments === null
                ? {}
                : {
                    fragmentsServed: fragments.stats.answered,
                    fragmentBytesSent: fragments.stats.bytesSent,
                    digestPartitionsChecked: fragments.remote.digests.stats.checked,
                    digestRepairs: fragments.remote.digests.stats.repaired,
                  }),
            },
            ...(config.geolocation === undefined ? {} : { geolocation: config.geolocation }),
          };
        },
      }),
    );
    const clusterNode = cluster;
    closers.push({ name: 'cluster membership', close: () => clusterNode.stop() });
    // Writes are versioned and sent to their partitions' replicas once the node has peers.
    const replicating = startReplication(
      store,
      clusterNode,
      clusterNode.consensusEnv.openDB<unknown, HintKey>({ name: 'hints', encoding: 'msgpack' }),
      log,
    );
    replication = replicating;
    closers.push({ name: 'replication', close: () => replicating.stop() });
    // Replicas that missed writes (a crash, a cut link) are compared and repaired in the
    // background, and before a scan reads them (digest reads).
    const antiEntropy = new AntiEntropy({
      store,
      peers: clusterNode,
      pool: clusterNode.pool,
      server: clusterNode.server,
      clock: replicating.clock,
      log,
      ...(config.antiEntropyIntervalMs === undefined ? {} : { intervalMs: config.antiEntropyIntervalMs }),
    });
    antiEntropy.start();
    // Fragments of other nodes' statements run here over the partitions this node serves; this
    // node's statements read the partitions it does not serve on the nodes that do.
    fragments = startFragments(store, pool, clusterNode, (table, partition, node) => replicating.lagging(table, partition, node), antiEntropy);
    closers.push({ name: 'anti-entropy', close: () => antiEntropy.stop() });
    // Partitions a ring change gives this node are pulled from their old holders before it serves them.
    const transferState = clusterNode.consensusEnv.openDB<string, string>({ name: 'state', encoding: 'string' });
    const transfers = new OwnershipTransfer({
      self: clusterNode.nodeId,
      store: transferStore(store),
      ring: clusterNode.ring,
      defaultReplicas: REPLICAS_DEFAULT,
      isUp: (id) => clusterNode.isUp(id),
      addressOf: (id) => clusterNode.addressOf(id),
      pool: clusterNode.pool,
      server: clusterNode.server,
      clock: replicating.clock,
      progress: {
        load: () => {
          const text = transferState.get(TRANSFER_PROGRESS_KEY);
          if (text === undefined) return undefined;
          try {
            return JSON.parse(text) as TransferProgress;
          } catch {
            return undefined;
          }
        },
        save: (progress) => void transferState.put(TRANSFER_PROGRESS_KEY, JSON.stringify(progress)),
      },
      readyOf: (id) => clusterNode.readinessOf(id),
      ringVersionOf: (id) => clusterNode.ringVersionOf(id),
      onChange: () => clusterNode.transfersChanged(),
      log,
    });
    clusterNode.attachTransfers(transfers);
    transfers.start();
    closers.push({ name: 'ownership transfer', close: () => transfers.stop() });
    const clusterCatalog = new ClusterCatalog({
      tables: store,
      membership: clusterNode,
      register: clusterNode.consensus,
      server: clusterNode.server,
      pool: clusterNode.pool,
      applied: appliedCatalogStore(clusterNode.consensusEnv),
      log,
    });
    catalog = clusterCatalog;
    clusterCatalog.start();
    closers.push({ name: 'cluster catalog', close: () => clusterCatalog.stop() });
    // Names are decided in the same register as the catalog, each on its own replica set.
    namestore = new Namestore({ register: clusterNode.consensus, membership: clusterNode, partitions: store.partitions });
    const peerPort = clusterNode.peerPort;

    log('info', 'eon node started', {
      node: nodeName,
      dataDir,
      host: config.host,
      pgPort,
      httpPort,
      peerPort,
      nodeId: clusterNode.nodeId,
      partitions: store.partitions,
      threads: pool.threads,
      pid: process.pid,
    });
    // In the background: a restarted node's first point lookups should not each decode a segment.
    store.warmSegmentCache().then(
      (segments) => log('info', 'segment cache warmed', { segments }),
      (e: unknown) => log('warn', 'segment cache warm-up stopped', { error: e instanceof Error ? e.message : String(e) }),
    );
    let stopping: Promise<void> | null = null;
    return {
      dataDir,
      pidFile,
      pgPort,
      httpPort,
      peerPort,
      nodeName,
      nodeId: clusterNode.nodeId,
      left,
      stop: () => {
        stopping ??= closeAll(closers, log).then(() => log('info', 'eon node stopped', { node: nodeName }));
        return stopping;
      },
    };
  } catch (e) {
    await closeAll(closers, log);
    throw e;
  }
}

/** Where ownership transfer keeps its progress in the consensus environment's state database. */
const TRANSFER_PROGRESS_KEY = 'transfer.progress';

/** The certificate and key are read once, before anything else opens, so a bad file leaves nothing behind. */
function tlsOrExplain(files: TlsFiles): TlsCredentials {
  try {
    return loadTlsCredentials(files);
  } catch (e) {
    if (e instanceof EonError) throw new NodeStartError('invalid_config', e.message, e);
    throw e;
  }
}

function prepareDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw new NodeStartError('data_dir_unusable', `cannot create data directory ${dataDir}: ${errnoCode(e) ?? String(e)}`, e);
  }
}

function openStore(dataDir: string, partitions: number | undefined): Store {
  try {
    return Store.open(partitions === undefined ? { dir: dataDir } : { dir: dataDir, partitions });
  } catch (e) {
    if (e instanceof EonError && e.code === 'invalid_parameter_value') throw new NodeStartError('invalid_config', e.message, e);
    const code = errnoCode(e);
    const why = code ?? (e instanceof Error ? e.message : String(e));
    throw new NodeStartError('data_dir_unusable', `cannot open storage in ${dataDir}: ${why}`, e);
  }
}

/** Replication's figures as gossiped stats: hints held and taken as a fallback, replication delay p99, conflicts settled, read repairs. */
function replicationFigures(replication: Replication | null): Record<string, number> {
  if (replication === null) return {};
  const r = replication.stats();
  return {
    hintsPending: replication.hints.total(),
    // Writes this node took as a fallback for a down replica (sloppy quorum), coordinator or not.
    hintsTaken: r.hintsTaken,
    replicationConflicts: r.conflicts,
    readRepairs: r.readRepairs,
    ...(r.delayP50Ms === null ? {} : { replicationDelayP50Ms: Math.round(r.delayP50Ms * 10) / 10 }),
    ...(r.delayP99Ms === null ? {} : { replicationDelayP99Ms: Math.round(r.delayP99Ms * 10) / 10 }),
  };
}

/** The namestore's figures as gossiped stats (numbers only: registrations/s, retries, latency). */
function namestoreFigures(namestore: Namestore | null): Record<string, number> {
  if (namestore === null) return {};
  const n = namestore.stats.snapshot();
  return {
    nameRegistrationsPerSecond: Math.round(n.registrationsPerSecond * 100) / 100,
    nameContentionRetries: n.contentionRetries,
    ...(n.latencyP99Ms === null ? {} : { nameLatencyP99Ms: Math.round(n.latencyP99Ms * 10) / 10 }),
  };
}

async function listenOrExplain<T>(what: 'pg' | 'http' | 'peer', host: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'EADDRINUSE') {
      throw new NodeStartError('port_in_use', `${what} port ${port} on ${host} is already in use (--${what}-port)`, e);
    }
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new NodeStartError('invalid_config', `cannot listen for ${what} on ${host}:${port}: ${code}`, e);
    }
    throw e;
  }
}

/** Closes in reverse opening order; one failure is logged and does not keep the rest open. */
async function closeAll(closers: Closer[], log: Logger): Promise<void> {
  while (closers.length > 0) {
    const c = closers.pop()!;
    try {
      await c.close();
    } catch (e) {
      log('error', `closing ${c.name} failed`, { error: e instanceof Error ? e.message : String(e) });
    }
  }
}
