// The COPY FROM STDIN sub-protocol: CopyInResponse, then the client's CopyData until CopyDone or
// CopyFail, fed to the session's copy sink; an error ends copy-in mode at once, as in PostgreSQL
// (later CopyData, CopyDone and CopyFail are then ignored).

import { EonError } from '../../src/errors/index.js';
import type { CopyIn } from '../../query/session/contract.js';
import { commandTag, writeCommandComplete, writeCopyInResponse } from './backend-messages.js';
import type { QueryContext } from './query-context.js';

export class CopyInMode {
  private constructor(
    private readonly ctx: QueryContext,
    private readonly sink: CopyIn,
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
    writeCopyInResponse(ctx.writer, sink.columnCount);
    return new CopyInMode(ctx, sink);
  }

  /** One CopyData message; false when it ended copy-in mode with an error. */
  async data(chunk: Uint8Array): Promise<boolean> {
    try {
      const writing = this.sink.write(chunk);
      if (writing !== undefined) await writing;
      return true;
    } catch (e) {
      this.end(e);
      return false;
    }
  }

  /** CopyDone: the last rows are written, then CommandComplete `COPY n` and ReadyForQuery. */
  async done(): Promise<void> {
    let rows: number;
    try {
      rows = await this.sink.finish();
    } catch (e) {
      this.end(e);
      return;
    }
    writeCommandComplete(this.ctx.writer, commandTag('COPY', rows));
    this.ctx.endQuery();
    this.ctx.writeReady();
  }

  /** CopyFail from the client. */
  clientFailed(message: string): void {
    this.end(new EonError('query_canceled', `COPY from stdin failed: ${message}`));
  }

  /** Any other message arriving in copy-in mode ends it with an error. */
  interrupted(): void {
    this.end(new EonError('protocol_violation', 'unexpected message type during COPY from stdin'));
  }

  private end(e: unknown): void {
    const committed = this.sink.committed;
    if (committed > 0 && e instanceof EonError) {
      // Batches before the failing one are committed (COPY is atomic per batch): say so.
      const note = `${committed} rows of this COPY were committed before the batch that failed.`;
      e = new EonError(e.code, e.message, { detail: e.detail === undefined ? note : `${e.detail} ${note}`, ...(e.hint === undefined ? {} : { hint: e.hint }), ...(e.where === undefined ? {} : { where: e.where }) });
    }
    this.ctx.reportError(e);
    this.ctx.session.copyFailed();
    this.ctx.endQuery();
    this.ctx.writeReady();
  }
}
