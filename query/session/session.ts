// A client session: runs scripts and prepared statements, keeps settings and the transaction
// block state. Each statement commits on its own; see README "Transactions".

import { EonError, toEonError } from '../../src/errors/index.js';
import { T, type ColumnType, type Value } from '../../src/types/index.js';
import { parseOne, parseScript, type Statement } from '../parse/parser.js';
import { compileStatement, type CompiledStatement, type EngineServices } from './compile.js';
import type { ExecuteOptions, PreparedStatement, QueryResult, Session, TransactionStatus } from './contract.js';
import { Settings } from './settings.js';
import { signalWithDeadline, statementTimeoutError } from '../execute/deadline.js';
import { CopyFromSink, copyTargets, type CopyIn } from '../statements/copy-from.js';
import type { PlanCache } from './plan-cache.js';

export class EngineSession implements Session {
  private status: TransactionStatus = 'I';
  private readonly settings = new Settings();
  private readonly services: EngineServices;
  private readonly cache: PlanCache;

  constructor(services: EngineServices, cache: PlanCache) {
    this.services = services;
    this.cache = cache;
  }

  get transactionStatus(): TransactionStatus {
    return this.status;
  }

  setting(name: string): string | undefined {
    return this.settings.get(name);
  }

  close(): void {}

  async *executeScript(sql: string, options?: ExecuteOptions): AsyncGenerator<QueryResult, void, undefined> {
    const cached = this.cache.get(sql);
    if (cached !== undefined && this.status === 'I') {
      yield await this.runCompiled(cached, [], options);
      return;
    }
    let statements: Statement[];
    try {
      statements = parseScript(sql);
    } catch (e) {
      this.failBlock();
      throw e;
    }
    for (const st of statements) {
      try {
        const single = statements.length === 1;
        yield await this.runStatement(st, [], options, single ? sql : null);
      } catch (e) {
        this.failBlock();
        throw toEonError(e);
      }
    }
  }

  async prepare(sql: string, paramTypes: readonly (ColumnType | undefined)[] = []): Promise<PreparedStatement> {
    // Clients that prepare per request (REST with params) reuse the plan of the same text and types.
    const cacheKey = `${sql}\u0000${JSON.stringify(paramTypes)}`;
    const hit = this.cache.getPrepared(cacheKey);
    const st = hit === undefined ? parseOne(sql) : hit.statement;
    if (st === null) {
      return { paramTypes: [], columns: null, execute: async () => ({ command: 'EMPTY', rowCount: 0, columns: null, rows: [] }) };
    }
    if (st.kind === 'query' || st.kind === 'explain') {
      let compiled = hit?.compiled ?? compileStatement(st, this.services, paramTypes);
      if (hit === undefined) this.cache.putPrepared(cacheKey, st, compiled);
      let version = this.cache.catalogVersion;
      const prepared: PreparedStatement = {
        paramTypes: compiled.paramTypes,
        columns: compiled.columns,
        execute: async (params, options) => {
          if (version !== this.cache.catalogVersion) {
            compiled = compileStatement(st, this.services, paramTypes);
            version = this.cache.catalogVersion;
          }
          try {
            return await this.runCompiled(compiled, params, options);
          } catch (e) {
            this.failBlock();
            throw toEonError(e);
          }
        },
      };
      return prepared;
    }
    const columns = st.kind === 'show' ? [{ name: this.settings.displayName(st.name), type: T.text }] : null;
    return {
      paramTypes: [],
      columns,
      execute: async (_params, options) => {
        try {
          return await this.runStatement(st, [], options, null);
        } catch (e) {
          this.failBlock();
          throw toEonError(e);
        }
      },
    };
  }

  beginCopyIn(sql: string, options?: ExecuteOptions): CopyIn | null {
    let statements: Statement[];
    try {
      statements = parseScript(sql);
    } catch {
      return null; // not a COPY we could start: executeScript reports the error
    }
    const st = statements[0];
    if (statements.length !== 1 || st?.kind !== 'copy') return null;
    try {
      if (this.status === 'E') {
        throw new EonError('in_failed_sql_transaction', 'current transaction is aborted, commands ignored until end of transaction block');
      }
      const table = this.services.store.getTable(st.table);
      if (table === undefined) throw new EonError('undefined_table', `relation "${st.table}" does not exist`);
      return new CopyFromSink(this.services.store, table, copyTargets(table, st), st.options, options?.signal);
    } catch (e) {
      this.failBlock();
      throw toEonError(e);
    }
  }

  /** A COPY that failed after it started (bad data, CopyFail) fails the transaction block too. */
  copyFailed(): void {
    this.failBlock();
  }

  private failBlock(): void {
    if (this.status === 'T') this.status = 'E';
  }

  private async runStatement(st: Statement, params: readonly Value[], options: ExecuteOptions | undefined, cacheKey: string | null): Promise<QueryResult> {
    if (this.status === 'E' && !(st.kind === 'transaction' && st.action !== 'begin')) {
      throw new EonError('in_failed_sql_transaction', 'current transaction is aborted, commands ignored until end of transaction block');
    }
    switch (st.kind) {
      case 'transaction':
        return this.transaction(st.action);
      case 'set':
        this.settings.set(st.name, st.value);
        return { command: st.value === null ? 'RESET' : 'SET', rowCount: 0, columns: null, rows: [] };
      case 'show':
        return this.show(st.name);
      case 'unsupported':
        throw new EonError('feature_not_supported', `${st.feature} is not supported yet`);
      case 'maintenance':
        return this.maintenance(st);
      case 'copy':
        throw new EonError('feature_not_supported', 'COPY FROM STDIN must be the only statement of a query sent over the PostgreSQL protocol', {
          hint: "Use psql's \\copy or a driver's COPY API; over REST, use INSERT.",
        });
      case 'query':
      case 'explain': {
        const compiled = compileStatement(st, this.services, []);
        if (cacheKey !== null && !compiled.changesCatalog && st.kind === 'query') this.cache.put(cacheKey, compiled);
        return this.runCompiled(compiled, params, options);
      }
    }
  }

  private async runCompiled(c: CompiledStatement, params: readonly Value[], options: ExecuteOptions | undefined): Promise<QueryResult> {
    if (this.status === 'E') {
      throw new EonError('in_failed_sql_transaction', 'current transaction is aborted, commands ignored until end of transaction block');
    }
    if (params.length < c.paramTypes.length) {
      throw new EonError('protocol_violation', `bind message supplies ${params.length} parameters, but prepared statement requires ${c.paramTypes.length}`);
    }
    if (options?.signal?.aborted) throw new EonError('query_canceled', 'canceling statement due to user request');
    const result = await this.runWithinTimeout(c, params, options?.signal);
    if (c.changesCatalog) this.cache.invalidate();
    return result;
  }

  /** Runs under statement_timeout when one is set: the deadline aborts the statement like a cancel request. */
  private async runWithinTimeout(c: CompiledStatement, params: readonly Value[], signal: AbortSignal | undefined): Promise<QueryResult> {
    const timeoutMs = this.settings.statementTimeoutMs();
    if (timeoutMs === 0) return c.run(params, signal);
    try {
      return await c.run(params, signalWithDeadline(signal, timeoutMs));
    } catch (e) {
      // The timer may have fired during an await, where the abort reads as a user cancel.
      if (e instanceof EonError && e.code === 'query_canceled' && signal?.aborted !== true) throw statementTimeoutError();
      throw e;
    }
  }

  private async maintenance(st: Statement & { kind: 'maintenance' }): Promise<QueryResult> {
    const store = this.services.store;
    const table = st.table === null ? undefined : store.getTable(st.table);
    if (st.table !== null && table === undefined) throw new EonError('undefined_table', `relation "${st.table}" does not exist`);
    // ANALYZE is accepted for compatibility: eon keeps no planner statistics yet.
    if (st.action !== 'analyze') await store.compact(table);
    return { command: st.action.toUpperCase(), rowCount: 0, columns: null, rows: [] };
  }

  private transaction(action: 'begin' | 'commit' | 'rollback'): QueryResult {
    const none = { rowCount: 0, columns: null, rows: [] };
    if (action === 'begin') {
      this.status = 'T';
      return { command: 'BEGIN', ...none };
    }
    const wasFailed = this.status === 'E';
    this.status = 'I';
    if (action === 'commit' && !wasFailed) return { command: 'COMMIT', ...none };
    return { command: 'ROLLBACK', ...none };
  }

  private show(name: string): QueryResult {
    if (name === 'all') {
      return {
        command: 'SHOW',
        rowCount: this.settings.all().length,
        columns: [
          { name: 'name', type: T.text },
          { name: 'setting', type: T.text },
        ],
        rows: this.settings.all().map((s) => [s.name, s.value]),
      };
    }
    const v = this.settings.get(name);
    if (v === undefined) throw new EonError('undefined_object', `unrecognized configuration parameter "${name}"`);
    return { command: 'SHOW', rowCount: 1, columns: [{ name: this.settings.displayName(name), type: T.text }], rows: [[v]] };
  }
}
