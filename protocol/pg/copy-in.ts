// The COPY FROM STDIN sub-protocol: CopyInResponse, then the client's CopyData until CopyDone or
// CopyFail, fed to the session's copy sink; an error ends copy-in mode at once, as in PostgreSQL
// (later CopyData, CopyDone and CopyFail are then ignored), and discards what the COPY staged.
// Started by a simple Query, the cycle ends with ReadyForQuery; started by an extended-protocol
// Execute, CommandComplete ends it and an error makes the connection skip to the next Sync
// (Flush and Sync arriving during copy-in are ignored in both, as PostgreSQL ignores them).

import { EonError } from '../../src/errors/index.js';
import type { CopyIn } from '../../query/session/contract.js';
import { commandTag, writeCommandComplete, writeCopyInResponse } from './backend-messages.js';
import type { QueryContext } from './query-context.js';
import { parseTimeZoneSetting, setSessionTimeZone } from '../../src/types/time-zone.js';

export class CopyInMode {
  private finished = false;

  private constructor(
    private readonly ctx: QueryContext,
    private readonly sink: CopyIn,
    /** Started by Execute: no ReadyForQuery of its own; an error calls this (skip to Sync). */
    private readonly extendedFailed: (() => void) | null,
  ) {}

  /**
   * Starts copy-in mode when `sql` is a lone COPY FROM STDIN. Returns null when it is not (run it
   * as a query), 'failed' when it is but cannot start (the error and ReadyForQuery are written).
   */
  static begin(ctx: QueryContext, sql: string): CopyInMode | 'failed' | null {
    const signal = ctx.beginQuery();
    let sink: CopyIn | null;
    try {
      sink = ctx.session.beginCopyIn(sql, { signal });
    } catch (e) {
      ctx.reportError(e);
      ctx.endQuery();
      ctx.writeReady();
      return 'failed';
    }
    if (sink === null) {
      ctx.endQuery();
      return null;
    }
    writeCopyInResponse(ctx.writer, sink.columnCount, sink.binary);
    return new CopyInMode(ctx, sink, null);
  }

  /** Copy-in mode for a COPY an extended-protocol Execute started (the query is running: beginQuery was called). */
  static forExecute(ctx: QueryContext, sink: CopyIn, failed: () => void): CopyInMode {
    writeCopyInResponse(ctx.writer, sink.columnCount, sink.binary);
    return new CopyInMode(ctx, sink, failed);
  }

  /** timestamptz text without a zone is read in the session's zone; other sessions ran since the last message. */
  private enterTimeZone(): void {
    setSessionTimeZone(parseTimeZoneSetting(this.ctx.session.setting('TimeZone') ?? 'UTC'));
  }

  /** One CopyData message; false when it ended copy-in mode with an error. */
  async data(chunk: Uint8Array): Promise<boolean> {
    try {
      this.enterTimeZone();
      const writing = this.sink.write(chunk);
      if (writing !== undefined) await writing;
      return true;
    } catch (e) {
      this.end(e);
      return false;
    }
  }

  /** CopyDone: every row is written at once, then CommandComplete `COPY n` (and ReadyForQuery after a simple Query). */
  async done(): Promise<void> {
    let rows: number;
    // Past CopyDone the COPY runs to its end even if the client goes away meanwhile.
    this.finished = true;
    try {
      this.enterTimeZone();
      rows = await this.sink.finish();
    } catch (e) {
      this.end(e);
      return;
    }
    writeCommandComplete(this.ctx.writer, commandTag('COPY', rows));
    this.ctx.endQuery();
    if (this.extendedFailed === null) this.ctx.writeReady();
  }

  /** CopyFail from the client. */
  clientFailed(message: string): void {
    this.end(new EonError('query_canceled', `COPY from stdin failed: ${message}`));
  }

  /** Any other message arriving in copy-in mode ends it with an error. */
  interrupted(): void {
    this.end(new EonError('protocol_violation', 'unexpected message type during COPY from stdin'));
  }

  /** The connection went away mid-COPY: nothing of it stays. */
  abandon(): void {
    if (this.finished) return;
    this.finished = true;
    this.discard();
    this.ctx.session.noteError();
    this.ctx.endQuery();
  }

  private end(e: unknown): void {
    this.finished = true;
    this.discard();
    this.ctx.reportError(e);
    this.ctx.session.noteError();
    this.ctx.endQuery();
    if (this.extendedFailed === null) this.ctx.writeReady();
    else this.extendedFailed();
  }

  private discard(): void {
    try {
      this.sink.abort();
    } catch {
      // The store is closing: the staged segments stay invisible and the next open removes them.
    }
  }
}
