// The fast non-cryptographic 64-bit digests that versions and the Merkle trees are compared by:
// two seeded MurmurHash3 (x86, 32-bit) lanes over the same bytes. Anti-entropy needs change
// detection between honest replicas, not collision resistance against an adversary, and a JS
// murmur lane costs about a nanosecond per byte where node:crypto costs a microsecond per call.
// Changing a seed or the mixing changes every stored digest: the golden values in the tests pin it.

import { fmix32, murmur3x32, murmur3x32Pair, pairLanes } from '../murmur3.js';

export { fmix32, murmur3x32, murmur3x32Pair, pairLanes };

/** Seeds of the high and low lanes of a 64-bit digest. */
export const DIGEST_SEED_HIGH = 0x2f6b1c3d;
export const DIGEST_SEED_LOW = 0x7a3e9b51;

// Lanes move in and out of bigints through one aliased 8-byte buffer: writing a bigint into a
// BigUint64Array and reading two uint32 back allocates nothing, where `d >> 32n` allocates a
// bigint per operation (several times slower on a path that runs on every row write).
const scratch64 = new BigUint64Array(1);
const scratch32 = new Uint32Array(scratch64.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LOW = littleEndian ? 0 : 1;
const HIGH = 1 - LOW;

/** Joins two unsigned 32-bit lanes into one unsigned 64-bit bigint. */
export function joinLanes(high: number, low: number): bigint {
  scratch32[HIGH] = high;
  scratch32[LOW] = low;
  return scratch64[0]!;
}

/** The high lane of a 64-bit digest (a number, for the hot paths); taken mod 2^64. */
export function highLane(digest: bigint): number {
  scratch64[0] = digest;
  return scratch32[HIGH]!;
}

/** The low lane of a 64-bit digest; taken mod 2^64. */
export function lowLane(digest: bigint): number {
  scratch64[0] = digest;
  return scratch32[LOW]!;
}

/** The 64-bit digest of bytes[0, length). */
export function digest64(bytes: Uint8Array, length: number = bytes.length): bigint {
  murmur3x32Pair(bytes, 0, length, DIGEST_SEED_HIGH, DIGEST_SEED_LOW);
  return joinLanes(pairLanes[0]!, pairLanes[1]!);
}
