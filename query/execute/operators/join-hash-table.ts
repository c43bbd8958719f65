// The build side of a hash join: row numbers by key, NULL keys left out. Buckets are chains
// through one Int32Array (no array per key), walked in row order. A single key of a kind whose
// JavaScript value is its identity is used as is (int32 kinds in a typed-array table); other keys
// go through groupKey strings.

import type { Value } from '../../../src/types/index.js';
import type { Expr } from '../../plan/expr.js';
import { compileExpr } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { groupKey, INT32_KEY_KINDS, RAW_KEY_KINDS } from './group-key.js';
import type { Row } from './operator.js';

/** Row-index lookup by key: the first row of the key's chain, or -1. */
interface KeyIndex {
  set(key: unknown, row: number): number;
  get(key: unknown): number;
}

/** Open addressing over typed arrays for int32 keys: no boxed entries, no rehash of a Map. */
class Int32KeyIndex implements KeyIndex {
  private readonly mask: number;
  private readonly shift: number;
  private readonly keys: Int32Array;
  private readonly rows: Int32Array;

  constructor(entriesMax: number) {
    let bits = 4;
    while (2 ** bits < entriesMax * 2) bits++;
    this.mask = 2 ** bits - 1;
    this.shift = 32 - bits;
    this.keys = new Int32Array(2 ** bits);
    this.rows = new Int32Array(2 ** bits).fill(-1);
  }

  private slot(key: number): number {
    // The product's top bits: its low bits follow only the key's low bits, often uneven (sparse keys).
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (this.rows[i] !== -1 && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  /** Stores row as the key's first row; returns the previous first row (-1 if none). */
  set(key: unknown, row: number): number {
    const i = this.slot(key as number);
    const prev = this.rows[i]!;
    this.keys[i] = key as number;
    this.rows[i] = row;
    return prev;
  }

  get(key: unknown): number {
    return this.rows[this.slot(key as number)]!;
  }
}

class MapKeyIndex implements KeyIndex {
  private readonly map = new Map<unknown, number>();
  set(key: unknown, row: number): number {
    const prev = this.map.get(key);
    this.map.set(key, row);
    return prev ?? -1;
  }
  get(key: unknown): number {
    return this.map.get(key) ?? -1;
  }
}

export interface JoinHashTable {
  /** The build rows matching a probe row's key, in build order; undefined when none (or a NULL key). */
  candidates(probeRow: Row): number[] | undefined;
}

export function buildJoinHashTable(buildKeys: readonly Expr[], probeKeys: readonly Expr[], build: readonly Row[], ctx: ExecContext): JoinHashTable {
  const kind = buildKeys[0]!.type.kind;
  const raw = buildKeys.length === 1 && kind === probeKeys[0]!.type.kind && RAW_KEY_KINDS.has(kind);
  const types = buildKeys.map((e) => e.type);
  const keyOf = (fns: ((row: Row, ctx: ExecContext) => Value)[], row: Row): unknown => {
    if (raw) return fns[0]!(row, ctx);
    const vals = fns.map((f) => f(row, ctx));
    return vals.includes(null) ? null : groupKey(vals, types);
  };
  const bk = buildKeys.map(compileExpr);
  const pk = probeKeys.map(compileExpr);
  const index: KeyIndex = raw && INT32_KEY_KINDS.has(kind) ? new Int32KeyIndex(build.length) : new MapKeyIndex();
  const next = new Int32Array(build.length).fill(-1);
  // Backwards, so that each chain lists its rows in ascending order.
  for (let j = build.length - 1; j >= 0; j--) {
    const k = keyOf(bk, build[j]!);
    if (k !== null) next[j] = index.set(k, j);
  }
  return {
    candidates(probeRow: Row): number[] | undefined {
      const k = keyOf(pk, probeRow);
      if (k === null) return undefined;
      let j = index.get(k);
      if (j < 0) return undefined;
      const out: number[] = [];
      for (; j >= 0; j = next[j]!) out.push(j);
      return out;
    },
  };
}
