// The version every replicated SQL row carries, and the one documented, deterministic rule that
// settles two replicas holding different versions of the same row.
//
// A version is (hlc, node): the writing node's hybrid-logical-clock timestamp and its id. Each
// node's clock is strictly monotonic and node ids are unique, so no two writes share a version.
//
// THE RULE FOR SQL ROWS. Between two versions of a row, the greater one in this total order wins:
//   1. the higher hlc wins;
//   2. on equal hlc, the node id that is greater byte-wise (UTF-8, unsigned) wins;
//   3. on equal versions (which honest replicas never produce with different values), the greater
//      value digest wins, so even corrupt replicas converge the same way everywhere.
// Every replica and every coordinator applies it alike, so replicas converge without talking.
//
// CONFLICTS ARE COUNTED, NOT SILENT. Resolving a and b is a *conflict* (`concurrent: true`) when
//   - the two replicas hold different values (different value digests), and
//   - the versions are not equal, and
//   - the loser was not superseded knowingly: the winner's writer had not read the loser's version
//     before writing (the caller says so through `seen`; see `sawVersion`).
// A stale replica catching up on a write that was made over a read of its version is not a
// conflict; two writers that each wrote without seeing the other are, and the loser's value is
// what a conflict counter (and a sibling reader) must be told about. The rule only knows what the
// caller knows: `sawVersion` is exact (the writer read precisely that version), so a replica two
// or more writes behind is counted as a conflict — over-counting is chosen over hiding a loss.

import { EonError } from '../../errors/index.js';
import type { NodeId } from '../runtime.js';
import { digest64, DIGEST_SEED_HIGH, DIGEST_SEED_LOW, joinLanes, murmur3x32Pair, pairLanes } from './digest.js';
import type { Hlc } from './hlc.js';
import { HLC_BYTES, isHlc, readHlc, writeHlc } from './hlc.js';

export interface RowVersion {
  readonly hlc: Hlc;
  readonly node: NodeId;
}

/** A node id's UTF-8 form is length-prefixed by one byte in the encoding. */
export const NODE_ID_BYTES_MAX = 255;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Orders node ids by their UTF-8 bytes (unsigned). Comparing code points gives exactly that order;
 * plain `<` on JS strings compares UTF-16 units, which differs for characters above U+FFFF.
 */
export function compareNodeIds(a: NodeId, b: NodeId): -1 | 0 | 1 {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Below the surrogate range UTF-16 order is code point order; otherwise compare code points.
    if (ca < 0xd800 && cb < 0xd800) return ca < cb ? -1 : 1;
    const pa = a.codePointAt(i)!;
    const pb = b.codePointAt(i)!;
    if (pa !== pb) return pa < pb ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** The total order of rule steps 1–2: negative when a < b. */
export function compareVersions(a: RowVersion, b: RowVersion): -1 | 0 | 1 {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  return compareNodeIds(a.node, b.node);
}

export function versionsEqual(a: RowVersion, b: RowVersion): boolean {
  return a.hlc === b.hlc && a.node === b.node;
}

/** One replica's copy of a row, as far as the conflict rule cares. */
export interface RowState {
  readonly version: RowVersion;
  /** `valueDigest` of the row's value bytes: equal digests mean the replicas hold the same value. */
  readonly digest: bigint;
}

/** What the caller knows about the writers of a and b (default: nothing). */
export interface WriterKnowledge {
  /** a's writer had read b's version before writing a. */
  readonly aSawB?: boolean;
  /** b's writer had read a's version before writing b. */
  readonly bSawA?: boolean;
}

export interface Resolution<S extends RowState> {
  readonly winner: S;
  readonly loser: S;
  /** A conflict the rule settled: count it, and keep the loser where siblings are readable. */
  readonly concurrent: boolean;
}

const nothingKnown: WriterKnowledge = {};

/** Applies THE RULE (see the header) to two replicas' copies of one row. */
export function resolve<S extends RowState>(a: S, b: S, seen: WriterKnowledge = nothingKnown): Resolution<S> {
  let order = compareVersions(a.version, b.version);
  const sameVersion = order === 0;
  if (sameVersion && a.digest !== b.digest) order = a.digest < b.digest ? -1 : 1;
  const aWins = order >= 0;
  const winnerSawLoser = aWins ? seen.aSawB === true : seen.bSawA === true;
  const concurrent = a.digest !== b.digest && !sameVersion && !winnerSawLoser;
  return aWins ? { winner: a, loser: b, concurrent } : { winner: b, loser: a, concurrent };
}

/**
 * Whether a writer that read `basis` (null for a blind write: INSERT, or UPDATE without a prior
 * read) had seen `other`. Exact match only: a greater basis does not prove the writer saw other,
 * because other may be a concurrent write on another replica with a lower clock.
 */
export function sawVersion(basis: RowVersion | null, other: RowVersion): boolean {
  return basis !== null && versionsEqual(basis, other);
}

/** Length of encodeRowVersion's output. */
export function rowVersionBytes(version: RowVersion): number {
  return HLC_BYTES + 1 + utf8Encoder.encode(version.node).length;
}

/** Compact binary form: hlc (8 bytes, big-endian), node id length (1 byte), node id (UTF-8). */
export function encodeRowVersion(version: RowVersion): Uint8Array {
  if (!isHlc(version.hlc)) throw new Error(`not an HLC timestamp: ${String(version.hlc)}`);
  const node = utf8Encoder.encode(version.node);
  if (node.length === 0 || node.length > NODE_ID_BYTES_MAX) {
    throw new Error(`node id must be 1..${NODE_ID_BYTES_MAX} UTF-8 bytes, got ${node.length}`);
  }
  const bytes = new Uint8Array(HLC_BYTES + 1 + node.length);
  writeHlc(version.hlc, bytes, 0);
  bytes[HLC_BYTES] = node.length;
  bytes.set(node, HLC_BYTES + 1);
  return bytes;
}

/**
 * Decodes encodeRowVersion's output starting at offset; returns the version and the offset after
 * it. Malformed input (from a peer or a damaged store) is replica_data_corrupted, never a crash.
 */
export function readRowVersion(bytes: Uint8Array, offset: number): { version: RowVersion; end: number } {
  if (offset < 0 || offset + HLC_BYTES + 1 > bytes.length) {
    throw new EonError('replica_data_corrupted', 'row version truncated');
  }
  const hlc = readHlc(bytes, offset);
  const nodeLength = bytes[offset + HLC_BYTES]!;
  const start = offset + HLC_BYTES + 1;
  const end = start + nodeLength;
  if (nodeLength === 0 || end > bytes.length) {
    throw new EonError('replica_data_corrupted', 'row version has a truncated or empty node id');
  }
  let node: string;
  try {
    node = utf8Decoder.decode(bytes.subarray(start, end));
  } catch (e) {
    throw new EonError('replica_data_corrupted', 'row version node id is not UTF-8', { cause: e });
  }
  return { version: { hlc, node }, end };
}

/** Decodes exactly one version filling all of bytes. */
export function decodeRowVersion(bytes: Uint8Array): RowVersion {
  const { version, end } = readRowVersion(bytes, 0);
  if (end !== bytes.length) {
    throw new EonError('replica_data_corrupted', `row version has ${bytes.length - end} trailing bytes`);
  }
  return version;
}

/** The 64-bit digest of a row's value bytes: equal values, equal digests (RowState.digest). */
export function valueDigest(valueBytes: Uint8Array): bigint {
  return digest64(valueBytes);
}

// versionDigest's header (hlc + node id) is built in a reused buffer; the node id's bytes are
// cached because a node mostly digests its own writes.
const header = new Uint8Array(HLC_BYTES + NODE_ID_BYTES_MAX);
let headerNode: NodeId | null = null;
let headerLength = 0;

/**
 * The 64-bit digest of (version, value bytes): what a replica's Merkle tree holds per row, so
 * replicas agree on a row only when they hold the same value at the same version. The value is
 * hashed in place (no copy) and its lanes seed the hash of the version, so both count.
 */
export function versionDigest(version: RowVersion, valueBytes: Uint8Array): bigint {
  if (version.node !== headerNode) {
    const { read, written } = utf8Encoder.encodeInto(version.node, header.subarray(HLC_BYTES));
    // encodeInto stops where the buffer ends: a node id it could not finish is over-long.
    if (written === 0 || read < version.node.length) {
      throw new Error(`node id must be 1..${NODE_ID_BYTES_MAX} UTF-8 bytes`);
    }
    headerNode = version.node;
    headerLength = HLC_BYTES + written;
  }
  writeHlc(version.hlc, header, 0);
  murmur3x32Pair(valueBytes, 0, valueBytes.length, DIGEST_SEED_HIGH, DIGEST_SEED_LOW);
  murmur3x32Pair(header, 0, headerLength, pairLanes[0]!, pairLanes[1]!);
  return joinLanes(pairLanes[0]!, pairLanes[1]!);
}
