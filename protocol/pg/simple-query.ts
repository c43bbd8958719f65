// The simple query protocol: Query → per statement RowDescription, DataRows (written as the plan
// produces them), CommandComplete (or, for COPY TO STDOUT, copy-out mode: see copy-out.ts) →
// ReadyForQuery.

import type { QueryContext } from './query-context.js';
import { writeRows } from './query-context.js';
import { writeRowDescription } from './row-encoding.js';
import { commandTag, writeCommandComplete, writeEmptyQueryResponse } from './backend-messages.js';
import { writeCopyOut } from './copy-out.js';

/** Runs a script; an error ends it with ErrorResponse (earlier results stay sent) and ReadyForQuery follows. */
export async function runSimpleQuery(ctx: QueryContext, sql: string): Promise<void> {
  const w = ctx.writer;
  const signal = ctx.beginQuery();
  let statements = 0;
  try {
    for await (const result of ctx.session.executeScript(sql, { signal, copyOut: true, streamRows: true })) {
      statements++;
      let rowCount = result.rowCount;
      if (result.copyOut !== undefined) {
        await writeCopyOut(ctx, result.copyOut, signal);
      } else if (result.columns !== null) {
        writeRowDescription(w, result.columns, null);
        const types = result.columns.map((c) => c.type);
        if (result.rowStream !== undefined) {
          for await (const batch of result.rowStream.batches) await writeRows(ctx, types, batch, 0, batch.length, null);
          rowCount = result.rowStream.rowCount;
        } else await writeRows(ctx, types, result.rows, 0, result.rows.length, null);
      }
      writeCommandComplete(w, commandTag(result.command, rowCount));
    }
    if (statements === 0) writeEmptyQueryResponse(w);
  } catch (e) {
    ctx.reportError(e);
  } finally {
    ctx.endQuery();
  }
  ctx.writeReady();
}
