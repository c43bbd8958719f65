// A bulk load (COPY FROM) that is all or nothing however large it is: each batch is written as
// segments right away — durable, in the `segments` sub-database under fresh segment ids — but
// with its segment meta in the `staged` sub-database instead of `segmeta`, and no pk index
// entries, so no reader can find its rows. Publishing (Store.publishLoad) moves the metas to
// `segmeta` and writes the pk index (checking keys) in one write transaction; a failed load
// removes its staged segments, and a node that restarts removes any it finds (a load the crash
// interrupted was never acknowledged). Rows stay out of the JS heap between batches.

import type { ColumnType } from '../src/types/column-type.js';
import { formatText } from '../src/types/text-io.js';
import type { Value } from '../src/types/values.js';
import type { SegmentMeta } from './environment.js';
import type { TableSchema } from './schema.js';

/** What `staged` holds per staged segment. */
export interface StagedRecord {
  readonly meta: SegmentMeta;
  /** The rows' encoded keys in segment order, each as [length u16][bytes]. */
  readonly keys: Uint8Array;
  /** Each row's ordinal in the load (u32 big-endian), to name its input line in an error. */
  readonly ordinals: Uint8Array;
}

export class StagedLoad {
  /** Segment keys of the segments staged so far (emptied once published or discarded). */
  readonly records: Buffer[] = [];
  /** Rows staged so far. */
  rows = 0;

  constructor(
    readonly table: TableSchema,
    /** Where a row of the load came from, for errors (COPY's `COPY t, line N`), by its ordinal. */
    readonly whereOf: (ordinal: number) => string | undefined = () => undefined,
  ) {}
}

/** Packs encoded keys as [length u16][bytes]… (keys are at most KEY_BYTES_MAX bytes). */
export function packKeys(keys: readonly string[]): Buffer {
  let total = 0;
  for (const k of keys) total += 2 + k.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const k of keys) {
    out.writeUInt16BE(k.length, at);
    out.write(k, at + 2, 'latin1');
    at += 2 + k.length;
  }
  return out;
}

/** Calls `fn` with each packed key (a view into `packed`) and its position. */
export function forEachPackedKey(packed: Uint8Array, fn: (key: Buffer, i: number) => void): void {
  const b = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  let at = 0;
  let i = 0;
  while (at < b.length) {
    const n = b.readUInt16BE(at);
    fn(b.subarray(at + 2, at + 2 + n), i++);
    at += 2 + n;
  }
}

export function packOrdinals(ordinals: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(4 * ordinals.length);
  for (let i = 0; i < ordinals.length; i++) out.writeUInt32BE(ordinals[i]!, 4 * i);
  return out;
}

export function ordinalAt(packed: Uint8Array, i: number): number {
  return new DataView(packed.buffer, packed.byteOffset, packed.byteLength).getUint32(4 * i);
}

/** A key value as a unique violation's DETAIL shows it. */
export function keyValueText(type: ColumnType, v: Value): string {
  return v === null ? 'null' : formatText(type, v);
}
