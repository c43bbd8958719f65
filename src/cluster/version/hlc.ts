// Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014): timestamps that follow
// causality like a Lamport clock yet stay within the clock drift of physical time, so "higher
// timestamp" is both a causal order and a meaningful wall-clock order for the row-version rule.
//
// A timestamp is one unsigned 64-bit integer: physical milliseconds in the top 48 bits and a
// logical counter in the low 16, so numeric order is timestamp order, and the 8-byte big-endian
// encoding sorts byte-wise in the same order (usable inside LMDB keys).

import { EonError } from '../../errors/index.js';
import type { Clock } from '../runtime.js';
import { highLane, joinLanes, lowLane } from './digest.js';

/** A hybrid logical timestamp: `(physicalMs << 16) | logical`, an unsigned 64-bit bigint. */
export type Hlc = bigint;

export const HLC_LOGICAL_BITS = 16;
export const HLC_PHYSICAL_BITS = 48;
/** The largest logical counter; one more event in the same millisecond borrows the next millisecond. */
export const HLC_LOGICAL_MAX = (1 << HLC_LOGICAL_BITS) - 1;
/** The largest physical part (year 10889): beyond it a timestamp is malformed. */
export const HLC_PHYSICAL_MAX_MS = 2 ** HLC_PHYSICAL_BITS - 1;
export const HLC_BYTES = 8;
/**
 * How far a remote timestamp may run ahead of local physical time before it is refused: beyond
 * this, a node with a runaway clock would drag every clock in the cluster into the future.
 */
export const CLOCK_DRIFT_MAX_MS = 60_000;
/** The timestamp before every other one. */
export const HLC_ZERO: Hlc = 0n;

if (HLC_LOGICAL_BITS + HLC_PHYSICAL_BITS !== 64) throw new Error('an HLC must fill exactly 64 bits');

const uint64Max = (1n << 64n) - 1n;
const logicalSpan = HLC_LOGICAL_MAX + 1;
/** Physical ms per unit of the high 32-bit lane, which holds the top 32 of the 48 physical bits. */
const physicalPerHighLane = 2 ** (32 - HLC_LOGICAL_BITS);

/** Builds a timestamp from numbers without bigint arithmetic (the clock's hot path). */
function pack(physicalMs: number, logical: number): Hlc {
  const high = Math.floor(physicalMs / physicalPerHighLane);
  const low = (physicalMs - high * physicalPerHighLane) * logicalSpan + logical;
  return joinLanes(high, low);
}

/** Builds a timestamp from its parts (both must be in range). */
export function hlcOf(physicalMs: number, logical: number): Hlc {
  if (!Number.isSafeInteger(physicalMs) || physicalMs < 0 || physicalMs > HLC_PHYSICAL_MAX_MS) {
    throw new Error(`HLC physical part out of range: ${physicalMs}`);
  }
  if (!Number.isInteger(logical) || logical < 0 || logical > HLC_LOGICAL_MAX) {
    throw new Error(`HLC logical part out of range: ${logical}`);
  }
  return pack(physicalMs, logical);
}

export function hlcPhysicalMs(t: Hlc): number {
  return highLane(t) * physicalPerHighLane + (lowLane(t) >>> HLC_LOGICAL_BITS);
}

export function hlcLogical(t: Hlc): number {
  return lowLane(t) & HLC_LOGICAL_MAX;
}

/** Whether t is a well-formed timestamp (an unsigned 64-bit integer). */
export function isHlc(t: unknown): t is Hlc {
  return typeof t === 'bigint' && t >= 0n && t <= uint64Max;
}

/** Writes t as 8 big-endian bytes at offset: byte order equals numeric order. */
export function writeHlc(t: Hlc, bytes: Uint8Array, offset: number): void {
  if (!isHlc(t)) throw new Error(`not an HLC timestamp: ${String(t)}`);
  const hi = highLane(t);
  const lo = lowLane(t);
  bytes[offset] = hi >>> 24;
  bytes[offset + 1] = (hi >>> 16) & 0xff;
  bytes[offset + 2] = (hi >>> 8) & 0xff;
  bytes[offset + 3] = hi & 0xff;
  bytes[offset + 4] = lo >>> 24;
  bytes[offset + 5] = (lo >>> 16) & 0xff;
  bytes[offset + 6] = (lo >>> 8) & 0xff;
  bytes[offset + 7] = lo & 0xff;
}

/** Reads 8 big-endian bytes at offset; truncated input is replica_data_corrupted. */
export function readHlc(bytes: Uint8Array, offset: number): Hlc {
  if (offset < 0 || offset + HLC_BYTES > bytes.length) {
    throw new EonError('replica_data_corrupted', 'HLC timestamp truncated');
  }
  const hi = ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
  const lo = ((bytes[offset + 4]! << 24) | (bytes[offset + 5]! << 16) | (bytes[offset + 6]! << 8) | bytes[offset + 7]!) >>> 0;
  return joinLanes(hi, lo);
}

export function encodeHlc(t: Hlc): Uint8Array {
  const bytes = new Uint8Array(HLC_BYTES);
  writeHlc(t, bytes, 0);
  return bytes;
}

export function decodeHlc(bytes: Uint8Array): Hlc {
  if (bytes.length !== HLC_BYTES) {
    throw new EonError('replica_data_corrupted', `HLC timestamp must be ${HLC_BYTES} bytes, got ${bytes.length}`);
  }
  return readHlc(bytes, 0);
}

/** Readable form for logs and EXPLAIN-like output: `physicalMs.logical`. */
export function formatHlc(t: Hlc): string {
  return `${hlcPhysicalMs(t)}.${hlcLogical(t)}`;
}

export interface HybridClockOptions {
  /** The highest timestamp issued before a restart (persisted by the caller), so time never repeats. */
  readonly last?: Hlc;
  /** Overrides CLOCK_DRIFT_MAX_MS (tests, operators with known-good clocks). */
  readonly driftMaxMs?: number;
}

/**
 * One node's hybrid logical clock. Every timestamp it returns is strictly greater than every
 * timestamp it returned or observed before, whatever the physical clock does (it may jump back).
 */
export class HybridClock {
  private readonly clock: Clock;
  private readonly driftMaxMs: number;
  /** The physical part of the last timestamp (l in the paper). */
  private physicalMs = 0;
  /** The logical part of the last timestamp (c in the paper). */
  private logical = 0;

  constructor(clock: Clock, options: HybridClockOptions = {}) {
    this.clock = clock;
    this.driftMaxMs = options.driftMaxMs ?? CLOCK_DRIFT_MAX_MS;
    if (!(this.driftMaxMs >= 0)) throw new Error(`drift bound must be ≥ 0, got ${this.driftMaxMs}`);
    if (options.last !== undefined) {
      if (!isHlc(options.last)) throw new Error(`not an HLC timestamp: ${String(options.last)}`);
      this.physicalMs = hlcPhysicalMs(options.last);
      this.logical = hlcLogical(options.last);
    }
  }

  /** The last timestamp issued or observed, without ticking. */
  last(): Hlc {
    return pack(this.physicalMs, this.logical);
  }

  /** A timestamp for a local event or a send. */
  now(): Hlc {
    const pt = this.physicalNow();
    if (pt > this.physicalMs) {
      this.physicalMs = pt;
      this.logical = 0;
    } else {
      this.tick(this.logical + 1);
    }
    return this.last();
  }

  /**
   * Merges a timestamp received from another node and returns the receive event's timestamp
   * (greater than both). A remote timestamp more than the drift bound ahead of local physical
   * time is refused with clock_drift_exceeded and leaves this clock untouched: the caller drops
   * (and counts) the message instead of letting one bad clock drag the cluster forward.
   */
  observe(remote: Hlc): Hlc {
    if (!isHlc(remote)) {
      throw new EonError('replica_data_corrupted', `not an HLC timestamp: ${String(remote)}`);
    }
    const pt = this.physicalNow();
    const remotePhysical = hlcPhysicalMs(remote);
    const remoteLogical = hlcLogical(remote);
    if (remotePhysical - pt > this.driftMaxMs) {
      throw new EonError(
        'clock_drift_exceeded',
        `remote clock is ${remotePhysical - pt} ms ahead of this node's (limit ${this.driftMaxMs} ms)`,
        { hint: 'check NTP on the nodes' },
      );
    }
    const physical = Math.max(this.physicalMs, remotePhysical, pt);
    let logical: number;
    if (physical === this.physicalMs && physical === remotePhysical) {
      logical = Math.max(this.logical, remoteLogical) + 1;
    } else if (physical === this.physicalMs) {
      logical = this.logical + 1;
    } else if (physical === remotePhysical) {
      logical = remoteLogical + 1;
    } else {
      logical = 0;
    }
    this.physicalMs = physical;
    this.tick(logical);
    return this.last();
  }

  /**
   * Sets the logical part; past the 16-bit limit it borrows the next millisecond instead of
   * wrapping (wrapping would break monotonicity). The borrowed millisecond is at most a few
   * ahead of physical time and only under >65k events per ms, so the drift bound is unaffected.
   */
  private tick(logical: number): void {
    if (logical > HLC_LOGICAL_MAX) {
      if (this.physicalMs >= HLC_PHYSICAL_MAX_MS) throw new Error('HLC physical part exhausted');
      this.physicalMs += 1;
      this.logical = 0;
    } else {
      this.logical = logical;
    }
  }

  private physicalNow(): number {
    const pt = Math.floor(this.clock.now());
    if (!Number.isSafeInteger(pt) || pt < 0) return 0;
    return Math.min(pt, HLC_PHYSICAL_MAX_MS);
  }
}
