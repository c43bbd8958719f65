// A client session: runs scripts and prepared statements, keeps settings and the transaction
// block: outside one each statement commits on its own; inside BEGIN … COMMIT writes go to the
// block's write set until COMMIT (see transaction.ts and README "Transactions"). A script of
// several statements runs as one implicit transaction on a node alone (runImplicit), and any
// error inside a block fails it, whichever protocol reported it (failBlock, noteError).

import { EonError, toEonError } from '../../src/errors/index.js';
import { T, parseText, typeName as typeText, type ColumnType, type Value } from '../../src/types/index.js';
import { parseOne, parseScript, type Statement } from '../parse/parser.js';
import { constantText, statementShape, type ShapeConstant, type StatementShape } from '../parse/statement-shape.js';
import { compileStatement, type CompiledStatement, type EngineServices } from './compile.js';
import type { ExecuteOptions, PreparedStatement, QueryResult, Session, TransactionStatus } from './contract.js';
import { Settings } from './settings.js';
import { signalWithDeadline, statementTimeoutError } from '../execute/deadline.js';
import { CopyFromSink, copyTargets, type CopyIn } from '../statements/copy-from.js';
import { copyToQuery, CopyToData, forceQuoteFlags } from '../statements/copy-to.js';
import type { PlanCache, ShapeEntry } from './plan-cache.js';
import { analyzeTables } from '../statistics/analyze.js';
import { checkIsolationLevel, TransactionBlock } from './transaction.js';
import { BlockSettings } from './block-settings.js';
import { SessionCursors } from './cursors.js';
import type { WriteTx } from '../../storage/index.js';
import { setSessionTimeZone } from '../../src/types/time-zone.js';
import { asNode, nodeTag } from '../parse/ast.js';

type TransactionStatement = Statement & { kind: 'transaction' };

/**
 * Calls `done` once the result's rows are all out: now, or when its row stream ends (a streamed
 * statement's time includes producing its rows, as a buffered one's does).
 */
function afterRows(result: QueryResult, done: () => void): QueryResult {
  const stream = result.rowStream;
  if (stream === undefined) {
    done();
    return result;
  }
  async function* timed(): AsyncGenerator<readonly Value[][], void, undefined> {
    yield* stream!.batches;
    done();
  }
  return { ...result, rowStream: { batches: timed(), get rowCount() { return stream.rowCount; } } };
}

/** The type PostgreSQL gives a literal: int4, int8 or numeric by its digits; strings stay unknown until used. */
function declaredType(c: ShapeConstant): ColumnType | undefined {
  if (c.kind === 'integer') return T.int4;
  if (c.kind === 'string') return undefined;
  return /^-?\d+$/.test(c.text) && BigInt(c.text) >= INT8_MIN && BigInt(c.text) <= INT8_MAX ? T.int8 : T.numeric;
}

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

const FAILED_BLOCK_MESSAGE = 'current transaction is aborted, commands ignored until end of transaction block';

/** What a failed block still runs: the statements that end it (PostgreSQL's IsTransactionExitStmt). */
function endsFailedBlock(st: Statement): boolean {
  return st.kind === 'transaction' && (st.action === 'commit' || st.action === 'rollback' || st.action === 'rollback_to');
}

/**
 * The statements PostgreSQL refuses inside a transaction block, explicit or implicit (25001):
 * their name in its message, or null.
 */
function refusedInBlock(st: Statement): string | null {
  if (st.kind === 'maintenance') return st.action === 'vacuum' ? 'VACUUM' : null;
  if (st.kind !== 'query') return null;
  if (asNode(st.ast, 'IndexStmt')?.concurrent === true) return 'CREATE INDEX CONCURRENTLY';
  const drop = asNode(st.ast, 'DropStmt');
  if (drop?.concurrent === true && drop.removeType === 'OBJECT_INDEX') return 'DROP INDEX CONCURRENTLY';
  return null;
}

/**
 * Statements eon cannot run inside a transaction block (ALTER TABLE, CREATE/DROP INDEX: 0A000;
 * DROP TABLE once the block changed something; TRUNCATE … RESTART IDENTITY) but runs alone, and
 * those that read only committed rows (ANALYZE, CHECKPOINT: in a block they would miss the rows
 * the script wrote before them). In an implicit transaction they end it (what came before
 * commits), run on their own, and the statements after them start a new one: a script that runs
 * statement by statement today keeps working, with the transaction boundaries moved around them.
 */
function runsAlone(st: Statement): boolean {
  if (st.kind === 'maintenance') return st.action !== 'vacuum';
  if (st.kind !== 'query') return false;
  switch (nodeTag(st.ast)) {
    case 'AlterTableStmt':
    case 'RenameStmt':
    case 'IndexStmt':
      return true;
    case 'DropStmt': {
      const kind = asNode(st.ast, 'DropStmt')!.removeType;
      return kind === 'OBJECT_TABLE' || kind === 'OBJECT_INDEX';
    }
    case 'TruncateStmt':
      return asNode(st.ast, 'TruncateStmt')!.restart_seqs === true;
    default:
      return false;
  }
}

export class EngineSession implements Session {
  private status: TransactionStatus = 'I';
  /** The open transaction block (status 'T' or 'E'), null when idle. */
  private block: TransactionBlock | null = null;
  /** The open block's SETs, undone by ROLLBACK (null: no block). */
  private blockSettings: BlockSettings | null = null;
  private readonly settings = new Settings();
  private readonly cursors = new SessionCursors();
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

  /** SET from inside a statement (set_config(); `local`: its is_local, as SET LOCAL). */
  changeSetting(name: string, value: string, local = false): void {
    this.changeSettings(name, value, local);
  }

  /**
   * SET, RESET, SET LOCAL: inside a block through its BlockSettings (ROLLBACK undoes them, COMMIT
   * drops the LOCAL ones); outside one, SET LOCAL has no effect (PostgreSQL warns, 25P01).
   */
  private changeSettings(name: string, value: string | null, local: boolean): void {
    if (this.blockSettings !== null) this.blockSettings.set(name, value, local);
    else if (!local) this.settings.set(name, value);
    this.enterTimeZone();
  }

  /**
   * Makes this session's TimeZone the running zone (src/types/time-zone.ts): called at the start
   * of every synchronous stretch of work the session begins; executions resume it after awaits.
   */
  private enterTimeZone(): void {
    setSessionTimeZone(this.settings.timeZone());
  }

  /**
   * Plans fold constants such as '2026-01-01 12:00'::timestamptz in the compiling session's
   * zone, so only sessions in the default zone (UTC) share cached plans.
   */
  private sharesPlans(): boolean {
    return this.settings.get('TimeZone') === 'UTC';
  }

  /** A dropped connection discards the open block, as ROLLBACK would. */
  close(): void {
    const block = this.block;
    this.block = null;
    this.blockSettings = null;
    this.status = 'I';
    this.cursors.clear();
    // Dropping the tables it created is the only asynchronous part; a failure leaves them, logged nowhere.
    if (block !== null) void this.discard(block).catch(() => undefined);
  }

  async *executeScript(sql: string, options?: ExecuteOptions): AsyncGenerator<QueryResult, void, undefined> {
    this.enterTimeZone();
    const cached = this.sharesPlans() ? this.cache.get(sql) : undefined;
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
    if (statements.length > 1 && this.implicitTransactions()) {
      yield* this.runImplicit(statements, options);
      return;
    }
    for (const [i, st] of statements.entries()) {
      try {
        const single = statements.length === 1;
        yield await this.runStatement(st, [], this.scriptOptions(options, i === statements.length - 1), single ? sql : null);
      } catch (e) {
        this.failBlock();
        throw toEonError(e);
      }
    }
  }

  /**
   * Only the last statement's rows may stream: a caller keeping only the last result (REST)
   * would otherwise leave an earlier SELECT unrun, or run it after the statements that follow.
   */
  private scriptOptions(options: ExecuteOptions | undefined, last: boolean): ExecuteOptions | undefined {
    return last || options?.streamRows !== true ? options : { ...options, streamRows: false };
  }

  /**
   * A cluster of several nodes keeps running a script statement by statement: a block's reads of
   * what it wrote use this node's rows only (0A000 where it does not serve them), so an implicit
   * transaction there would refuse scripts that work one statement at a time.
   */
  private implicitTransactions(): boolean {
    return (this.services.system?.cluster.view().members.length ?? 1) <= 1;
  }

  /**
   * A script of several statements as PostgreSQL runs a multi-statement Query: one implicit
   * transaction (a TransactionBlock while the status stays 'I'), committed after the last
   * statement and rolled back, with the statements' SETs, at the first error (the rest do not
   * run). BEGIN in the script makes the block so far an explicit one, which stays open after the
   * script; COMMIT or ROLLBACK end the implicit transaction there and the next statement starts
   * another; SAVEPOINT, RELEASE and ROLLBACK TO are 25P01 in it, as in PostgreSQL. Statements eon
   * runs only outside a block run alone in between (runsAlone).
   */
  private async *runImplicit(statements: readonly Statement[], options: ExecuteOptions | undefined): AsyncGenerator<QueryResult, void, undefined> {
    let implicit = false; // this.block is the implicit transaction's
    try {
      for (const [i, st] of statements.entries()) {
        let result: QueryResult;
        try {
          const alone = runsAlone(st);
          if (implicit && alone) {
            implicit = false;
            await this.endBlock('commit');
          }
          if (!implicit && !alone && this.status === 'I' && this.block === null && st.kind !== 'transaction') {
            this.openBlock();
            implicit = true;
          }
          if (implicit && st.kind === 'transaction' && (st.action === 'savepoint' || st.action === 'release' || st.action === 'rollback_to')) {
            throw new EonError('no_active_sql_transaction', `${st.action === 'savepoint' ? 'SAVEPOINT' : st.action === 'release' ? 'RELEASE SAVEPOINT' : 'ROLLBACK TO SAVEPOINT'} can only be used in transaction blocks`);
          }
          result = await this.runStatement(st, [], this.scriptOptions(options, i === statements.length - 1), null);
          // BEGIN keeps the block as an explicit one; COMMIT and ROLLBACK ended it.
          if (st.kind === 'transaction') implicit = false;
        } catch (e) {
          if (implicit) {
            implicit = false;
            await this.endBlock('rollback');
          } else this.failBlock();
          throw toEonError(e);
        }
        yield result;
      }
      if (implicit) {
        implicit = false;
        await this.endBlock('commit');
      }
    } finally {
      // The caller stopped early (an error writing rows, a streamed result failing): nothing stays.
      if (implicit) await this.endBlock('rollback');
    }
  }

  async prepare(sql: string, paramTypes: readonly (ColumnType | undefined)[] = []): Promise<PreparedStatement> {
    // Clients that prepare per request (REST with params) reuse the plan of the same text and types.
    const cacheKey = `${sql}\u0000${JSON.stringify(paramTypes)}`;
    this.enterTimeZone();
    try {
      return this.prepareStatement(sql, cacheKey, paramTypes);
    } catch (e) {
      // A Parse that fails inside a block fails the block, as any error there does.
      this.failBlock();
      throw toEonError(e);
    }
  }

  private prepareStatement(sql: string, cacheKey: string, paramTypes: readonly (ColumnType | undefined)[]): PreparedStatement {
    const hit = this.sharesPlans() ? this.cache.getPrepared(cacheKey) : undefined;
    const st = hit === undefined ? parseOne(sql) : hit.statement;
    if (st === null) {
      return { paramTypes: [], columns: null, execute: async () => ({ command: 'EMPTY', rowCount: 0, columns: null, rows: [] }) };
    }
    // A failed block refuses Parse of anything but its end, as PostgreSQL does (syntax errors first).
    if (this.status === 'E' && !endsFailedBlock(st)) throw new EonError('in_failed_sql_transaction', FAILED_BLOCK_MESSAGE);
    if (st.kind === 'query' || st.kind === 'explain') {
      let compiled = hit?.compiled ?? compileStatement(st, this.services, paramTypes);
      if (hit === undefined && this.sharesPlans()) this.cache.putPrepared(cacheKey, st, compiled);
      let version = this.cache.catalogVersion;
      let statistics = this.cache.statisticsVersionOf(compiled);
      let zone = this.settings.get('TimeZone');
      const prepared: PreparedStatement = {
        paramTypes: compiled.paramTypes,
        columns: compiled.columns,
        execute: async (params, options) => {
          // Recompiled after DDL, after SET TIME ZONE (its constants were read in the old zone),
          // and when its tables' statistics changed (ANALYZE).
          if (version !== this.cache.catalogVersion || zone !== this.settings.get('TimeZone') || statistics !== this.cache.statisticsVersionOf(compiled)) {
            this.enterTimeZone();
            compiled = compileStatement(st, this.services, paramTypes);
            version = this.cache.catalogVersion;
            statistics = this.cache.statisticsVersionOf(compiled);
            zone = this.settings.get('TimeZone');
          }
          try {
            this.checkAllowedInBlock(st);
            return await this.runCompiled(compiled, params, options);
          } catch (e) {
            this.failBlock();
            throw toEonError(e);
          }
        },
      };
      return prepared;
    }
    const columns =
      st.kind === 'show'
        ? [{ name: this.settings.displayName(st.name), type: T.text }]
        : st.kind === 'cursor' && st.action === 'fetch' && !st.move
          ? this.cursors.columnsOf(st.name)
          : null;
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
    this.enterTimeZone();
    let statements: Statement[];
    try {
      statements = parseScript(sql);
    } catch {
      return null; // not a COPY we could start: executeScript reports the error
    }
    const st = statements[0];
    if (statements.length !== 1 || st?.kind !== 'copy' || st.direction !== 'from') return null;
    try {
      return this.copyInSink(st, options);
    } catch (e) {
      this.failBlock();
      throw toEonError(e);
    }
  }

  /** The sink of a COPY FROM STDIN: the store's all-or-nothing load, or inside a block its write set. */
  private copyInSink(st: Statement & { kind: 'copy' }, options: ExecuteOptions | undefined): CopyIn {
    if (this.status === 'E') throw new EonError('in_failed_sql_transaction', FAILED_BLOCK_MESSAGE);
    const table = this.services.store.getTable(st.table);
    if (table === undefined && this.services.store.getView(st.table) !== undefined) {
      throw new EonError('wrong_object_type', `cannot copy to view "${st.table}"`, { hint: 'To enable copying to a view, provide an INSTEAD OF INSERT trigger.' });
    }
    if (table === undefined) throw new EonError('undefined_table', `relation "${st.table}" does not exist`);
    this.services.security?.requirePrivilege('table', table, 'INSERT');
    const block = this.block;
    if (block === null) return new CopyFromSink(this.services.store, table, copyTargets(table, st), st.options, options?.signal, false, this.services.system);
    // Inside a block the rows go to its write set (bounded: WRITE_SET_ROWS_MAX), committed with it.
    const writer = { write: <R>(fn: (tx: WriteTx) => R): Promise<R> => Promise.resolve(fn(block.writes.tx())) };
    return new CopyFromSink(writer, table, copyTargets(table, st), st.options, options?.signal, true, this.services.system);
  }

  /**
   * An error the caller reported outside the session's own calls (a Bind it refused, a bad
   * message, a COPY that failed after it started) fails the transaction block too: in PostgreSQL
   * every error inside a block does, whichever protocol message it answered.
   */
  noteError(): void {
    this.failBlock();
  }

  /** 25001 for the statements PostgreSQL refuses inside a transaction block (refusedInBlock). */
  private checkAllowedInBlock(st: Statement): void {
    if (this.block === null) return;
    const refused = refusedInBlock(st);
    if (refused !== null) throw new EonError('active_sql_transaction', `${refused} cannot run inside a transaction block`);
  }

  private failBlock(): void {
    if (this.status === 'T') this.status = 'E';
  }

  private async runStatement(st: Statement, params: readonly Value[], options: ExecuteOptions | undefined, cacheKey: string | null): Promise<QueryResult> {
    if (this.status === 'E' && !endsFailedBlock(st)) throw new EonError('in_failed_sql_transaction', FAILED_BLOCK_MESSAGE);
    this.checkAllowedInBlock(st);
    this.enterTimeZone();
    switch (st.kind) {
      case 'transaction':
        return this.transaction(st);
      case 'set':
        this.changeSettings(st.name, st.value, st.local === true);
        return { command: st.value === null && st.toDefault !== true ? 'RESET' : 'SET', rowCount: 0, columns: null, rows: [] };
      case 'show':
        return this.show(st.name);
      case 'unsupported':
        throw new EonError('feature_not_supported', `${st.feature} is not supported yet`);
      case 'maintenance':
        return this.maintenance(st);
      case 'copy':
        if (st.direction === 'to') {
          if (options?.copyOut === true) return this.copyTo(st, options);
          throw new EonError('feature_not_supported', 'COPY TO STDOUT is supported only over the PostgreSQL protocol', {
            hint: "Use psql's \\copy or a driver's COPY API, or read the rows with SELECT.",
          });
        }
        if (options?.copyIn === true) return { command: 'COPY', rowCount: 0, columns: null, rows: [], copyIn: this.copyInSink(st, options) };
        throw new EonError('feature_not_supported', 'COPY FROM STDIN must be the only statement of a query sent over the PostgreSQL protocol', {
          hint: "Use psql's \\copy or a driver's COPY API; over REST, use INSERT.",
        });
      case 'query':
        return cacheKey === null || !this.sharesPlans() ? this.runCompiled(compileStatement(st, this.services, []), params, options) : this.runShaped(st, cacheKey, options);
      case 'explain':
        return this.runCompiled(compileStatement(st, this.services, []), params, options);
      case 'cursor':
        return this.cursor(st, options);
    }
  }

  /** DECLARE runs the query now (reading the block's own writes) and keeps its rows for FETCH. */
  private async cursor(st: Statement & { kind: 'cursor' }, options: ExecuteOptions | undefined): Promise<QueryResult> {
    switch (st.action) {
      case 'declare': {
        if (!st.hold && this.block === null) throw new EonError('no_active_sql_transaction', 'DECLARE CURSOR can only be used in transaction blocks');
        this.cursors.checkNew(st.name);
        const result = await this.runCompiled(compileStatement({ kind: 'query', ast: st.query, text: st.text }, this.services, []), [], { ...options, streamRows: false });
        return this.cursors.declare(st.name, st.hold, this.block !== null, result);
      }
      case 'fetch':
        return this.cursors.fetch(st.name, st.count, st.move);
      case 'close':
        return this.cursors.close(st.name);
    }
  }

  /**
   * COPY … TO STDOUT: the query (`COPY t TO` reads `SELECT cols FROM t`) runs like a SELECT — in
   * a block it reads the block's own writes, under the per-statement memory budget — and its
   * rows are encoded as the wire protocol reads them.
   */
  private async copyTo(st: Statement & { kind: 'copy' }, options: ExecuteOptions): Promise<QueryResult> {
    const table = st.query === null ? this.services.store.getTable(st.table) : undefined;
    if (st.query === null && table === undefined && this.services.store.getView(st.table) !== undefined) {
      throw new EonError('wrong_object_type', `cannot copy from view "${st.table}"`, { hint: 'Try the COPY (SELECT ...) TO variant.' });
    }
    const ast = copyToQuery(st, table);
    const compiled = compileStatement({ kind: 'query', ast, text: st.text }, this.services, []);
    const columns = compiled.columns ?? [];
    const force = forceQuoteFlags(st, table, columns);
    const result = await this.runCompiled(compiled, [], { ...options, streamRows: false });
    const data = new CopyToData(columns, result.rows, st.options, force);
    return { command: 'COPY', rowCount: data.rowCount, columns: null, rows: [], copyOut: data };
  }

  /**
   * A statement sent alone as text: its shape's generic plan when it has one, else compiled with
   * its constants (a custom plan); both are timed so the cache can choose between them (see
   * ShapeEntry).
   */
  private async runShaped(st: Statement & { kind: 'query' }, text: string, options: ExecuteOptions | undefined): Promise<QueryResult> {
    const shape = statementShape(st.ast);
    const known = shape === null ? undefined : this.cache.knownShape(shape.key);
    if (shape !== null && known?.generic != null) {
      const generic = known.generic;
      const started = performance.now();
      const result = await this.runCompiled(generic, shape.constants.map((c, i) => parseText(generic.paramTypes[i]!, constantText(c))), options);
      return afterRows(result, () => this.cache.noteGenericRun(known, performance.now() - started));
    }
    const started = performance.now();
    const compiled = compileStatement(st, this.services, []);
    if (!compiled.changesCatalog) this.cache.put(text, compiled);
    const result = await this.runCompiled(compiled, [], options);
    if (shape === null || compiled.changesCatalog || compiled.sessionDependent === true) return result;
    return afterRows(result, () => {
      const entry = this.cache.shape(shape.key);
      if (!entry.customOnly && entry.generic === null) this.noteCustomRun(entry, shape, st.text, compiled, performance.now() - started);
    });
  }

  private noteCustomRun(entry: ShapeEntry, shape: StatementShape, text: string, custom: CompiledStatement, totalMs: number): void {
    if (!this.cache.noteCustomRun(entry, totalMs)) return;
    entry.customOnly = true; // unless the generic plan below is taken
    let generic: CompiledStatement;
    try {
      generic = compileStatement({ kind: 'query', ast: shape.parameterized(), text }, this.services, shape.constants.map(declaredType));
    } catch {
      return; // a constant the plan needs as a value (a function's literal argument): custom plans only
    }
    // The generic plan must answer like the custom one: same columns, same types, one parameter per constant.
    const same =
      generic.paramTypes.length === shape.constants.length &&
      generic.sessionDependent !== true &&
      (generic.columns ?? []).length === (custom.columns ?? []).length &&
      (generic.columns ?? []).every((c, i) => c.name === custom.columns![i]!.name && typeText(c.type) === typeText(custom.columns![i]!.type));
    if (!same) return;
    entry.generic = generic;
    entry.customOnly = false;
  }

  private async runCompiled(c: CompiledStatement, params: readonly Value[], options: ExecuteOptions | undefined): Promise<QueryResult> {
    if (this.status === 'E') throw new EonError('in_failed_sql_transaction', FAILED_BLOCK_MESSAGE);
    if (params.length < c.paramTypes.length) {
      throw new EonError('protocol_violation', `bind message supplies ${params.length} parameters, but prepared statement requires ${c.paramTypes.length}`);
    }
    if (options?.signal?.aborted) throw new EonError('query_canceled', 'canceling statement due to user request');
    if (c.accesses !== undefined) this.services.security?.checkAccesses(c.accesses);
    this.enterTimeZone(); // the execution captures it (ExecContext.timeZone)
    const block = this.block;
    if (block !== null && c.tableChange !== undefined) return this.runTableChange(c, c.tableChange, block, params, options);
    const result = await this.runWithinTimeout(c, params, options);
    if (c.changesCatalog) this.cache.invalidate();
    return result;
  }

  /**
   * CREATE TABLE in a block runs at once and is dropped again if the block rolls back; DROP TABLE
   * only of a table the block created (see TransactionBlock.checkDrop).
   */
  private async runTableChange(c: CompiledStatement, change: NonNullable<CompiledStatement['tableChange']>, block: TransactionBlock, params: readonly Value[], options: ExecuteOptions | undefined): Promise<QueryResult> {
    const store = this.services.store;
    const before = change.names.map((n) => store.getTable(n));
    if (change.kind === 'drop') for (const t of before) if (t !== undefined) block.checkDrop(t);
    try {
      const result = await this.runWithinTimeout(c, params, options);
      return result;
    } finally {
      this.cache.invalidate();
      change.names.forEach((n, i) => {
        const was = before[i];
        const now = store.getTable(n);
        if (change.kind === 'create' && now !== undefined && was === undefined) block.noteCreated(now);
        if (change.kind === 'drop' && was !== undefined && now === undefined) block.noteDropped(was);
      });
    }
  }

  /** Runs under statement_timeout when one is set: the deadline aborts the statement like a cancel request. */
  private async runWithinTimeout(c: CompiledStatement, params: readonly Value[], options: ExecuteOptions | undefined): Promise<QueryResult> {
    const signal = options?.signal;
    const timeoutMs = this.settings.statementTimeoutMs();
    const writes = this.block?.writes;
    // The timer may have fired during an await, where the abort reads as a user cancel.
    const timedOut = (e: unknown): unknown => (e instanceof EonError && e.code === 'query_canceled' && timeoutMs !== 0 && signal?.aborted !== true ? statementTimeoutError() : e);
    let result: QueryResult;
    try {
      result = await c.run(params, timeoutMs === 0 ? signal : signalWithDeadline(signal, timeoutMs), writes, options?.streamRows === true, this.settings.quorum());
    } catch (e) {
      throw timedOut(e);
    }
    const stream = result.rowStream;
    if (stream === undefined) return result;
    // An error while the rows stream out ends the statement as one before its first row would.
    const fail = (e: unknown): never => {
      this.failBlock();
      throw toEonError(timedOut(e));
    };
    async function* guarded(): AsyncGenerator<readonly Value[][], void, undefined> {
      try {
        yield* stream!.batches;
      } catch (e) {
        fail(e);
      }
    }
    return { ...result, rowStream: { batches: guarded(), get rowCount() { return stream.rowCount; } } };
  }

  private async maintenance(st: Statement & { kind: 'maintenance' }): Promise<QueryResult> {
    const store = this.services.store;
    const table = st.table === null ? undefined : store.getTable(st.table);
    if (st.table !== null && table === undefined) throw new EonError('undefined_table', `relation "${st.table}" does not exist`);
    if (st.action !== 'analyze') await store.compact(table);
    // Planner statistics (query/statistics/analyze.ts); CHECKPOINT and plain VACUUM take none.
    if (st.action === 'analyze' || st.analyze === true) await analyzeTables(store, table);
    return { command: st.action.toUpperCase(), rowCount: 0, columns: null, rows: [] };
  }

  private async transaction(st: TransactionStatement): Promise<QueryResult> {
    const none = { rowCount: 0, columns: null, rows: [] };
    const action = st.action;
    switch (action) {
      case 'begin':
        if (st.isolation !== undefined) checkIsolationLevel(st.isolation);
        // BEGIN inside a block is a warning in PostgreSQL, not an error: the block goes on.
        // An implicit transaction's block (runImplicit) becomes the explicit one, statements before BEGIN included.
        if (this.block === null) this.openBlock();
        this.status = 'T';
        return { command: 'BEGIN', ...none };
      case 'commit':
      case 'rollback':
        return this.endBlock(action);
      case 'savepoint':
      case 'rollback_to':
      case 'release': {
        const block = this.block;
        const word = action === 'savepoint' ? 'SAVEPOINT' : action === 'release' ? 'RELEASE SAVEPOINT' : 'ROLLBACK TO SAVEPOINT';
        if (block === null) throw new EonError('no_active_sql_transaction', `${word} can only be used in transaction blocks`);
        const name = st.savepoint!;
        if (action === 'savepoint') {
          block.savepoint(name);
          this.blockSettings?.savepoint(name);
        } else if (action === 'release') {
          block.release(name);
          this.blockSettings?.release(name);
        } else {
          if (await block.rollbackTo(name)) this.cache.invalidate();
          this.blockSettings?.rollbackTo(name);
          this.enterTimeZone();
          this.status = 'T'; // the block is usable again, as in PostgreSQL
        }
        return { command: action === 'savepoint' ? 'SAVEPOINT' : action === 'release' ? 'RELEASE' : 'ROLLBACK', ...none };
      }
      default: {
        const never: never = action;
        return never;
      }
    }
  }

  /** Sets up a transaction block (BEGIN, or an implicit transaction). */
  private openBlock(): void {
    this.block = new TransactionBlock(this.services.store, this.services.ddl);
    this.blockSettings = new BlockSettings(this.settings);
  }

  /** COMMIT or ROLLBACK of the open block, explicit or implicit (a failed block's COMMIT rolls back). */
  private async endBlock(action: 'commit' | 'rollback'): Promise<QueryResult> {
    const none = { rowCount: 0, columns: null, rows: [] };
    const block = this.block;
    const failed = this.status === 'E';
    const heldNow = this.cursors.declaredInBlock();
    const blockSettings = this.blockSettings;
    this.block = null;
    this.blockSettings = null;
    this.status = 'I';
    // A block that does not commit leaves the settings as they were at BEGIN.
    if (action === 'commit' && !failed) blockSettings?.commit();
    else blockSettings?.rollback();
    this.enterTimeZone();
    this.cursors.endBlock(action === 'commit' && !failed && block !== null);
    if (block === null) return { command: action === 'commit' ? 'COMMIT' : 'ROLLBACK', ...none };
    if (action === 'commit' && !failed) {
      try {
        await block.commit(this.settings.quorum());
      } catch (e) {
        // A failed COMMIT (40001, 23505) rolls the whole block back, as in PostgreSQL.
        blockSettings?.rollback();
        this.enterTimeZone();
        this.cursors.dropHeldFrom(heldNow); // its WITH HOLD cursors go with it
        await this.discard(block);
        throw e;
      }
      return { command: 'COMMIT', ...none };
    }
    await this.discard(block);
    return { command: 'ROLLBACK', ...none };
  }

  private async discard(block: TransactionBlock): Promise<void> {
    if (await block.rollback()) this.cache.invalidate();
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
