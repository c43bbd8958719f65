// What the query engine offers the protocols: a per-connection Session that runs SQL text
// (simple protocol), prepares statements (extended protocol) and reports its state.

import type { CopyIn } from '../statements/copy-from.js';
import type { CopyOut } from '../statements/copy-to.js';
import type { ColumnType, Value } from '../../src/types/index.js';

export interface ResultColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** The outcome of one statement. */
export interface QueryResult {
  /** PostgreSQL command tag word(s): 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE TABLE', 'SET', … */
  readonly command: string;
  /** Rows affected or returned; the number in the command tag. */
  readonly rowCount: number;
  /** Result shape, or null for statements that return no rows (no RowDescription is sent). */
  readonly columns: readonly ResultColumn[] | null;
  /**
   * Rows in eon's runtime representation (see src/types/values.ts); empty when columns is null,
   * and when the rows come as a `rowStream` instead.
   */
  readonly rows: readonly Value[][];
  /**
   * A SELECT's rows as the plan produces them (only when ExecuteOptions.streamRows asked for it):
   * the caller writes each batch out and holds none, so a whole-table result needs no memory for
   * all of it. rowCount is then 0; the stream's own rowCount is the count once it has ended.
   */
  readonly rowStream?: RowStream;
  /**
   * COPY … TO STDOUT (only when ExecuteOptions.copyOut asked for it): the data to send in copy-out
   * mode; command is 'COPY', rowCount the rows copied, columns null.
   */
  readonly copyOut?: CopyOut;
  /**
   * COPY … FROM STDIN (only when ExecuteOptions.copyIn asked for it): the sink the client's data
   * goes to in copy-in mode; command is 'COPY', columns null.
   */
  readonly copyIn?: CopyIn;
}

/** A result's rows in batches, to be read once, to the end or until the caller stops (return()). */
export interface RowStream {
  /** Errors (a statement timeout, a cancel, a division by zero in row 10,000) carry SQLSTATEs. */
  readonly batches: AsyncIterable<readonly Value[][]>;
  /** Rows handed out so far. */
  readonly rowCount: number;
}

export interface ExecuteOptions {
  /** Aborts the statement (cancel request, client gone); the engine throws query_canceled. */
  readonly signal?: AbortSignal;
  /** The caller can send a QueryResult's copyOut (the simple query protocol); without it COPY TO STDOUT is refused with 0A000. */
  readonly copyOut?: boolean;
  /** The caller can run copy-in mode (the extended query protocol's Execute): COPY FROM STDIN then returns its sink. */
  readonly copyIn?: boolean;
  /**
   * The caller writes rows as they come: a SELECT's result is then a QueryResult.rowStream (in a
   * script, only the last statement's; the caller reads it to the end or stops before asking for
   * anything else of the session).
   */
  readonly streamRows?: boolean;
}

/** A parsed and planned statement, reusable with different parameters. */
export interface PreparedStatement {
  /** Types of $1..$n, as inferred (or as the client declared them). */
  readonly paramTypes: readonly ColumnType[];
  /** Result shape, or null when the statement returns no rows. */
  readonly columns: readonly ResultColumn[] | null;
  /** Runs with the given parameters, already converted to the param types. */
  execute(params: readonly Value[], options?: ExecuteOptions): Promise<QueryResult>;
}

export type TransactionStatus = 'I' | 'T' | 'E';

export interface Session {
  /**
   * Simple query protocol: runs each statement in `sql` in order, yielding each result.
   * Throws an EonError at the first failing statement (results before it were yielded).
   * An empty query string yields nothing.
   */
  executeScript(sql: string, options?: ExecuteOptions): AsyncGenerator<QueryResult, void, undefined>;
  /**
   * Extended protocol Parse: one statement. `paramTypes` holds the client's declared types
   * (undefined entries, or a shorter list, mean "infer"). Throws EonError on bad SQL.
   */
  prepare(sql: string, paramTypes?: readonly (ColumnType | undefined)[]): Promise<PreparedStatement>;
  /**
   * When `sql` is exactly one `COPY … FROM STDIN`, starts it: the wire protocol then feeds the
   * client's data to the returned sink. Null for anything else (run it with executeScript).
   * Throws EonError when the COPY cannot start (unknown table or column, bad options).
   */
  beginCopyIn(sql: string, options?: ExecuteOptions): CopyIn | null;
  /**
   * Tells the session the caller reported an error of its own to the client (a failed COPY, a
   * Bind or message the protocol refused): an open transaction block is then failed too, as
   * every error inside one fails it in PostgreSQL. Errors the session threw need no call.
   */
  noteError(): void;
  /** 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block (ReadyForQuery). */
  readonly transactionStatus: TransactionStatus;
  /** Current value of a setting (SHOW), e.g. 'DateStyle' → 'ISO, MDY'; undefined if unknown. */
  setting(name: string): string | undefined;
  /** SET outside a statement (a startup packet's TimeZone); throws EonError for a bad value. */
  changeSetting?(name: string, value: string, local?: boolean): void;
  close(): void;
}

/** Creates sessions; one per client connection or REST request. */
export interface SessionFactory {
  openSession(options: { user: string; database: string }): Session;
}

export type { CopyIn, CopyOut };
