// The query engine: SQL in, rows out. Protocols open sessions on it.

import type { DataEnginePool, Store } from '../storage/index.js';
import { PartitionFragments } from './distribute/partition-fragments.js';
import { EngineSession } from './session/session.js';
import type { Session, SessionFactory } from './session/contract.js';
import { PlanCache } from './session/plan-cache.js';

export type { Session, SessionFactory, QueryResult, ResultColumn, PreparedStatement, ExecuteOptions, TransactionStatus } from './session/contract.js';

export interface QueryEngine extends SessionFactory {
  close(): Promise<void>;
}

export interface QueryEngineOptions {
  readonly store: Store;
  readonly pool: DataEnginePool;
}

export function createQueryEngine(opts: QueryEngineOptions): QueryEngine {
  const cache = new PlanCache();
  const services = { store: opts.store, fragments: new PartitionFragments(opts.store, opts.pool) };
  return {
    openSession(): Session {
      return new EngineSession(services, cache);
    },
    async close() {},
  };
}
