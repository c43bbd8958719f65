// A row's stored version entry (the `versions` sub-database, keyed like the row): one flag byte
// (bit 0: the row is deleted, a tombstone) followed by the encoded RowVersion of its last write.

import { EonError } from '../../errors/index.js';
import { HLC_BYTES, HLC_ZERO, decodeRowVersion, encodeRowVersion, readHlc } from '../version/index.js';
import type { Hlc, RowVersion } from '../version/index.js';
import type { VersionStamp } from '../../../storage/store.js';

/** Flag bit: the entry is a delete's tombstone (the row is absent at this version). */
export const VERSION_ENTRY_TOMBSTONE = 1;
/** Every flag bit this format defines; others mean a newer format or damage. */
const KNOWN_FLAGS = VERSION_ENTRY_TOMBSTONE;

/**
 * The version of a row with no entry: written before versions existed, or while its node was
 * alone. Older than every real version (hlc 0; the empty node id sorts first).
 */
export const VERSION_ZERO: RowVersion = { hlc: 0n, node: '' };

export interface VersionEntry {
  readonly version: RowVersion;
  readonly tombstone: boolean;
}

export function encodeVersionEntry(entry: VersionEntry): Uint8Array {
  const version = encodeRowVersion(entry.version);
  const out = new Uint8Array(1 + version.length);
  out[0] = entry.tombstone ? VERSION_ENTRY_TOMBSTONE : 0;
  out.set(version, 1);
  return out;
}

/** Malformed bytes (a damaged store or a peer's garbage) are replica_data_corrupted. */
export function decodeVersionEntry(bytes: Uint8Array): VersionEntry {
  if (bytes.length < 2) throw new EonError('replica_data_corrupted', 'version entry truncated');
  const flags = bytes[0]!;
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new EonError('replica_data_corrupted', `version entry has unknown flags ${flags}`);
  return { version: decodeRowVersion(bytes.subarray(1)), tombstone: (flags & VERSION_ENTRY_TOMBSTONE) !== 0 };
}

/** The timestamp of an entry without decoding the rest (HLC_ZERO for a damaged one). */
export function entryHlc(entry: Uint8Array): Hlc {
  return entry.length >= 1 + HLC_BYTES ? readHlc(entry, 1) : HLC_ZERO;
}

/** The version encoded in an entry, without decoding it (what a replication request carries). */
export function entryVersionBytes(entry: Uint8Array): Uint8Array {
  return entry.subarray(1);
}

/** The two entries one write stores: for rows it wrote and for rows it deleted. */
export function versionStamp(version: RowVersion): VersionStamp {
  return {
    live: encodeVersionEntry({ version, tombstone: false }),
    tombstone: encodeVersionEntry({ version, tombstone: true }),
  };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
