// The query engine: SQL in, rows out. Protocols open sessions on it.

import type { DataEnginePool, Store } from '../storage/index.js';
import { PartitionFragments } from './distribute/partition-fragments.js';
import { EngineSession } from './session/session.js';
import type { Session, SessionFactory } from './session/contract.js';
import { PlanCache } from './session/plan-cache.js';
import { QUERY_CELLS_MAX } from './execute/context.js';
import type { TableDdl } from './statements/ddl.js';
import type { PointReads } from './execute/point-reads.js';
import type { RemoteEngines } from './execute/exchange/remote-engines.js';
import { standaloneClusterInfo, type ClusterInfoProvider, type SessionIdentity } from './catalog/index.js';
import { SessionSecurity } from './session/privileges.js';
import { bootstrapRoles } from './statements/bootstrap-roles.js';
import { startAutoAnalyze } from './statistics/auto-analyze.js';

export { QUERY_CELLS_MAX, PlanCache };
export type { TableDdl, PointReads, RemoteEngines };

export { standaloneClusterInfo, type ClusterInfoProvider, type PartitionInfo } from './catalog/index.js';
export type { Session, SessionFactory, QueryResult, ResultColumn, PreparedStatement, ExecuteOptions, TransactionStatus } from './session/contract.js';

export interface QueryEngine extends SessionFactory {
  close(): Promise<void>;
}

export interface QueryEngineOptions {
  readonly store: Store;
  readonly pool: DataEnginePool;
  /** Values (rows × columns) one statement may hold in memory; past it the statement fails with 53200. */
  readonly queryCellsMax?: number;
  /** What eon_nodes and eon_partitions show; by default this node alone, owning every partition. */
  readonly cluster?: ClusterInfoProvider;
  /** Where CREATE and DROP TABLE go; by default the store (a node alone). */
  readonly ddl?: TableDdl;
  /** The plans its sessions share; by default a new, empty cache. */
  readonly planCache?: PlanCache;
  /**
   * The bootstrap superuser (OID 10), made when the store has no roles yet; its password (stored
   * as a SCRAM secret) is set again at every start when it no longer matches. Without it a store
   * with no roles lets every session do everything (tests of the engine alone).
   */
  readonly superuser?: { readonly name: string; readonly password?: string };
  /** Primary-key reads at the key's replicas with read repair (a cluster node); absent: local reads. */
  readonly pointReads?: PointReads;
  /** Other nodes' data engines, for the partitions this node does not serve (a cluster node); absent: all read here. */
  readonly remote?: RemoteEngines;
  /** Ms between the background checks for tables to re-analyze (query/statistics/auto-analyze.ts); 0 turns them off. */
  readonly autoAnalyzeIntervalMs?: number;
}

export function createQueryEngine(opts: QueryEngineOptions): QueryEngine {
  const cache = opts.planCache ?? new PlanCache();
  const cellsMax = opts.queryCellsMax ?? QUERY_CELLS_MAX;
  const services = {
    store: opts.store,
    fragments: new PartitionFragments(opts.store, opts.pool, opts.remote),
    cellsMax,
    ddl: opts.ddl ?? opts.store,
    ...(opts.pointReads === undefined ? {} : { pointReads: opts.pointReads }),
  };
  const cluster = opts.cluster ?? standaloneClusterInfo(opts.store);
  // DDL another node decided reaches this store through the cluster catalog, not a session:
  // plans cached against the old catalog (a replaced view's old query) must go then too.
  const stopWatching = opts.store.onCatalogChange(() => cache.invalidate());
  // New statistics of a table (ANALYZE, the auto-analyze) re-plan the statements that read it.
  const stopStatistics = opts.store.statistics.onChange((tableId) => cache.statisticsChanged(tableId));
  const stopAutoAnalyze = opts.autoAnalyzeIntervalMs === 0 ? async () => {} : startAutoAnalyze(opts.store, opts.autoAnalyzeIntervalMs);
  if (opts.superuser !== undefined) bootstrapRoles(opts.store, opts.superuser.name, opts.superuser.password);
  return {
    openSession(options: { user: string; database: string }): Session {
      const security = SessionSecurity.open(opts.store, options.user);
      // System tables and session functions read this session's user and settings.
      let session: EngineSession | null = null;
      const identity: SessionIdentity = {
        user: options.user,
        database: options.database,
        setting: (name) => session?.setting(name),
        changeSetting: (name, value, local) => session?.changeSetting(name, value, local),
      };
      session = new EngineSession({ ...services, system: { store: opts.store, cluster, session: identity }, security }, cache);
      return session;
    },
    async close() {
      stopWatching();
      stopStatistics();
      await stopAutoAnalyze();
    },
  };
}
