// The fast non-cryptographic 64-bit digests that versions and the Merkle trees are compared by:
// two seeded MurmurHash3 (x86, 32-bit) lanes over the same bytes. Anti-entropy needs change
// detection between honest replicas, not collision resistance against an adversary, and a JS
// murmur lane costs about a nanosecond per byte where node:crypto costs a microsecond per call.
// Changing a seed or the mixing changes every stored digest: the golden values in the tests pin it.

/** Seeds of the high and low lanes of a 64-bit digest. */
export const DIGEST_SEED_HIGH = 0x2f6b1c3d;
export const DIGEST_SEED_LOW = 0x7a3e9b51;

/** MurmurHash3 x86 32-bit over bytes[start, end). */
export function murmur3x32(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed >>> 0;
  const length = end - start;
  const blocksEnd = start + (length & ~3);
  for (let i = start; i < blocksEnd; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocksEnd + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocksEnd + 1]! << 8;
    k ^= bytes[blocksEnd]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length;
  return fmix32(h);
}

/**
 * The output of murmur3x32Pair: [high lane, low lane]. A shared buffer instead of a returned
 * pair, so the per-row paths allocate nothing; read it right after the call.
 */
export const pairLanes = new Uint32Array(2);

/**
 * MurmurHash3 x86 32-bit over bytes[start, end) with two seeds in one pass (each lane equals
 * murmur3x32 with its seed); the lanes land in pairLanes.
 */
export function murmur3x32Pair(bytes: Uint8Array, start: number, end: number, seedHigh: number, seedLow: number): void {
  let h1 = seedHigh >>> 0;
  let h2 = seedLow >>> 0;
  const length = end - start;
  const blocksEnd = start + (length & ~3);
  for (let i = start; i < blocksEnd; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h1 ^= k;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 ^= k;
    h2 = (h2 << 13) | (h2 >>> 19);
    h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocksEnd + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocksEnd + 1]! << 8;
    k ^= bytes[blocksEnd]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h1 ^= k;
    h2 ^= k;
  }
  pairLanes[0] = fmix32(h1 ^ length);
  pairLanes[1] = fmix32(h2 ^ length);
}

/** Murmur3's finaliser: a full-avalanche 32-bit mix. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

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
