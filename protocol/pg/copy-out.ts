// The COPY TO STDOUT sub-protocol: CopyOutResponse, one CopyData per line (the header line, then
// each row; in binary, per tuple as PostgreSQL cuts them), CopyDone; the caller then writes CommandComplete `COPY n`. Output goes out in
// OUTPUT_FLUSH_BYTES pieces, waiting for the socket, so a large COPY streams at the client's pace.

import { EonError } from '../../src/errors/index.js';
import type { CopyOut } from '../../query/session/contract.js';
import { writeCopyOutResponse } from './backend-messages.js';
import { OUTPUT_FLUSH_BYTES } from './limits.js';
import type { QueryContext } from './query-context.js';
import { parseTimeZoneSetting, setSessionTimeZone } from '../../src/types/time-zone.js';

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'

/**
 * Sends a COPY's data. A cancel (or the client going away) while it streams ends it with an
 * error, which the caller writes as ErrorResponse: that ends copy-out mode for the client too.
 */
export async function writeCopyOut(ctx: QueryContext, copy: CopyOut, signal: AbortSignal): Promise<void> {
  const w = ctx.writer;
  writeCopyOutResponse(w, copy.columnCount, copy.binary);
  // Lines are formatted as they go out: timestamptz in the session's zone, set again after each await.
  const zone = parseTimeZoneSetting(ctx.session.setting('TimeZone') ?? 'UTC');
  setSessionTimeZone(zone);
  for (const chunk of copy.lines()) {
    w.begin(COPY_DATA);
    if (typeof chunk === 'string') w.utf8(chunk);
    else w.bytes(chunk);
    w.end();
    if (w.length >= OUTPUT_FLUSH_BYTES) {
      await ctx.flushAndWait();
      setSessionTimeZone(zone);
      if (signal.aborted) throw new EonError('query_canceled', 'canceling statement due to user request');
    }
  }
  w.begin(COPY_DONE);
  w.end();
}
