// Sequences (CREATE SEQUENCE, serial and identity columns): their definitions and counters,
// kept in the catalog database. A value handed out is never handed out again, even after a
// crash: values are taken in blocks of SEQUENCE_LOG_VALUES, and a block's last value is made
// durable before its first value is handed out (PostgreSQL's SEQ_LOG_VALS), so a restart
// continues after the block — the rest of it is skipped, as in PostgreSQL after a crash.

import type { Database } from 'lmdb';
import { EonError } from '../src/errors/index.js';
import type { SequenceOptions } from './schema.js';

/** Values reserved by one durable write of a sequence's counter (PostgreSQL's SEQ_LOG_VALS). */
export const SEQUENCE_LOG_VALUES = 32;
/** Sequence ids (and so OIDs) are numbered from 1 in their own range. */
const FIRST_SEQUENCE_ID = 1;

/** What the catalog stores per sequence: its options and PostgreSQL's last_value / is_called. */
interface StoredSequence {
  readonly id: number;
  readonly options: SequenceOptions;
  /** bigint as decimal text. */
  readonly last: string;
  readonly called: boolean;
}

/** A sequence as the catalogs show it. */
export interface SequenceInfo {
  readonly id: number;
  readonly options: SequenceOptions;
  /** The value the next nextval would return without a crash in between. */
  readonly next: bigint;
}

interface LiveSequence {
  id: number;
  options: SequenceOptions;
  increment: bigint;
  min: bigint;
  max: bigint;
  /** The next value to hand out (may lie outside min..max: then nextval cycles or fails). */
  next: bigint;
  /** Values from blockFirst through blockLast (in the sequence's direction) are durably reserved. */
  block: { first: bigint; last: bigint } | null;
}

type CatalogDb = Database<unknown, (string | number)[]>;

export class SequenceStore {
  private readonly live = new Map<string, LiveSequence>();

  constructor(private readonly db: CatalogDb) {
    for (const { key, value } of db.getRange({ start: ['sequence'], end: ['sequence', '\uffff'] })) {
      if (key[0] !== 'sequence') continue;
      const s = value as StoredSequence;
      this.live.set(String(key[1]), liveOf(s));
    }
  }

  has(name: string): boolean {
    return this.live.has(name);
  }

  list(): SequenceInfo[] {
    return [...this.live.values()].sort((a, b) => a.id - b.id).map((s) => ({ id: s.id, options: s.options, next: s.next }));
  }

  get(name: string): SequenceInfo | undefined {
    const s = this.live.get(name);
    return s === undefined ? undefined : { id: s.id, options: s.options, next: s.next };
  }

  nameOfId(id: number): string | undefined {
    for (const [name, s] of this.live) if (s.id === id) return name;
    return undefined;
  }

  /** Creates a sequence (inside the caller's transaction, if any). */
  create(options: SequenceOptions): void {
    if (this.live.has(options.name)) throw new EonError('duplicate_table', `relation "${options.name}" already exists`);
    const stored = this.db.get(['meta', 'nextSequenceId']);
    const id = typeof stored === 'number' ? stored : FIRST_SEQUENCE_ID;
    this.db.putSync(['meta', 'nextSequenceId'], id + 1);
    const s: StoredSequence = { id, options, last: options.start, called: false };
    this.db.putSync(['sequence', options.name], s);
    this.live.set(options.name, liveOf(s));
  }

  drop(name: string): void {
    if (!this.live.delete(name)) throw new EonError('undefined_table', `sequence "${name}" does not exist`);
    this.db.removeSync(['sequence', name]);
  }

  /** nextval: the next value, reserving (durably) a new block when the current one is used up. */
  next(name: string): bigint {
    const s = this.require(name);
    let v = s.next;
    if (v > s.max || v < s.min) {
      if (!s.options.cycle) {
        const ascending = s.increment > 0n;
        throw new EonError('sequence_generator_limit_exceeded', `nextval: reached ${ascending ? 'maximum' : 'minimum'} value of sequence "${name}" (${ascending ? s.max : s.min})`);
      }
      v = s.increment > 0n ? s.min : s.max;
    }
    if (!inBlock(s, v)) {
      let last = v + s.increment * BigInt(SEQUENCE_LOG_VALUES - 1);
      if (last > s.max) last = s.max;
      if (last < s.min) last = s.min;
      this.persist(name, s, last.toString(), true);
      s.block = { first: v, last };
    }
    s.next = v + s.increment;
    return v;
  }

  /** setval: the next nextval returns `value` (+ increment when `called`). */
  set(name: string, value: bigint, called: boolean): bigint {
    const s = this.require(name);
    if (value < s.min || value > s.max) {
      throw new EonError('numeric_value_out_of_range', `setval: value ${value} is out of bounds for sequence "${name}" (${s.min}..${s.max})`);
    }
    this.persist(name, s, value.toString(), called);
    s.block = null;
    s.next = called ? value + s.increment : value;
    return value;
  }

  private require(name: string): LiveSequence {
    const s = this.live.get(name);
    if (s === undefined) throw new EonError('undefined_table', `relation "${name}" does not exist`);
    return s;
  }

  private persist(name: string, s: LiveSequence, last: string, called: boolean): void {
    const stored: StoredSequence = { id: s.id, options: s.options, last, called };
    this.db.putSync(['sequence', name], stored);
  }
}

function liveOf(s: StoredSequence): LiveSequence {
  const increment = BigInt(s.options.increment);
  const last = BigInt(s.last);
  return { id: s.id, options: s.options, increment, min: BigInt(s.options.min), max: BigInt(s.options.max), next: s.called ? last + increment : last, block: null };
}

function inBlock(s: LiveSequence, v: bigint): boolean {
  const b = s.block;
  if (b === null) return false;
  return s.increment > 0n ? v >= b.first && v <= b.last : v <= b.first && v >= b.last;
}
