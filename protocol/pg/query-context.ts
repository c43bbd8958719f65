// What the simple and extended query handlers need from their connection, and the row streaming they share.

import type { EonError } from '../../src/errors/index.js';
import type { ColumnType, Value } from '../../src/types/index.js';
import type { Session } from '../../query/session/contract.js';
import type { MessageWriter } from './message-writer.js';
import { OUTPUT_FLUSH_BYTES } from './limits.js';
import { writeDataRow } from './row-encoding.js';
import { parseTimeZoneSetting, setSessionTimeZone } from '../../src/types/time-zone.js';

export interface QueryContext {
  readonly writer: MessageWriter;
  readonly session: Session;
  /** Starts a statement; the signal fires on CancelRequest or when the client goes away. */
  beginQuery(): AbortSignal;
  endQuery(): void;
  /** Writes out buffered output and waits while the socket's send buffer is full. */
  flushAndWait(): Promise<void>;
  /** Ends a command cycle: ParameterStatus for settings that changed, then ReadyForQuery. */
  writeReady(): void;
  /** Writes an ErrorResponse for anything thrown and logs it; returns the EonError sent. */
  reportError(e: unknown): EonError;
}

/**
 * Writes rows [from, to) as DataRows. Output goes out in OUTPUT_FLUSH_BYTES pieces so a large
 * result streams with bounded memory and respects the client's pace.
 */
export async function writeRows(
  ctx: QueryContext,
  types: readonly ColumnType[],
  rows: readonly Value[][],
  from: number,
  to: number,
  formats: readonly number[] | null,
): Promise<void> {
  const w = ctx.writer;
  // timestamptz text is the instant in the session's zone; other sessions run during the awaits.
  const zone = parseTimeZoneSetting(ctx.session.setting('TimeZone') ?? 'UTC');
  setSessionTimeZone(zone);
  for (let i = from; i < to; i++) {
    const mark = w.mark();
    try {
      writeDataRow(w, types, rows[i] as Value[], formats);
    } catch (e) {
      w.rewind(mark); // never leave half a message in the buffer
      throw e;
    }
    if (w.length >= OUTPUT_FLUSH_BYTES) {
      await ctx.flushAndWait();
      setSessionTimeZone(zone);
    }
  }
}
