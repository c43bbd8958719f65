// The query engine: SQL in, rows out. Protocols open sessions on it.

import type { DataEnginePool, Store } from '../storage/index.js';
import { PartitionFragments } from './distribute/partition-fragments.js';
import { EngineSession } from './session/session.js';
import type { Session, SessionFactory } from './session/contract.js';
import { PlanCache } from './session/plan-cache.js';
import { QUERY_CELLS_MAX } from './execute/context.js';

export { QUERY_CELLS_MAX };

export type { Session, SessionFactory, QueryResult, ResultColumn, PreparedStatement, ExecuteOptions, TransactionStatus } from './session/contract.js';

export interface QueryEngine extends SessionFactory {
  close(): Promise<void>;
}

export interface QueryEngineOptions {
  readonly store: Store;
  readonly pool: DataEnginePool;
  /** Values (rows × columns) one statement may hold in memory; past it the statement fails with 53200. */
  readonly queryCellsMax?: number;
}

export function createQueryEngine(opts: QueryEngineOptions): QueryEngine {
  const cache = new PlanCache();
  const cellsMax = opts.queryCellsMax ?? QUERY_CELLS_MAX;
  const services = {
    store: opts.store,
    fragments: new PartitionFragments(opts.store, opts.pool),
    cellsMax,
  };
  return {
    openSession(): Session {
      return new EngineSession(services, cache);
    },
    async close() {},
  };
}
