// MurmurHash3 (x86, 32-bit): the one implementation behind partition placement
// (src/cluster/partition-hash.ts) and the version and Merkle digests (src/cluster/version). A
// single-lane form for the placement fast path and a two-lane form that hashes the same bytes
// with two seeds in one pass. Changing it moves every row and every stored digest.

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
