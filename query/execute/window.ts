// The window operator: partitions rows, orders each partition and computes ranking, offset,
// value and aggregate window functions over PostgreSQL's frames.

import { EonError } from '../../src/errors/index.js';
import { keyString, type Value } from '../../src/types/index.js';
import type { Plan, WindowCall, WindowFrame } from '../plan/logical.js';
import { newAccumulator, type Accumulator } from './aggregates.js';
import { compileExpr, type Row } from './compile-expr.js';
import { CANCEL_CHECK_ROWS, type ExecContext } from './context.js';

export function runWindow(plan: Plan & { kind: 'window' }, input: Row[], ctx: ExecContext, rowComparator: (keys: WindowCall['orderBy'], ctx: ExecContext) => (a: Row, b: Row) => number): Row[] {
  const values: Value[][] = plan.windows.map(() => new Array<Value>(input.length).fill(null));
  plan.windows.forEach((w, wi) => {
    const out = values[wi]!;
    const cmp = rowComparator(w.orderBy, ctx);
    for (const part of partitions(w, input, ctx)) {
      part.sort((a, b) => cmp(input[a]!, input[b]!));
      computePartition(w, part, input, out, cmp, ctx);
    }
  });
  ctx.charge(input.length * plan.windows.length);
  return input.map((r, i) => r.concat(values.map((v) => v[i]!)));
}

/** Row indexes of each partition, in input order. */
function partitions(w: WindowCall, input: Row[], ctx: ExecContext): number[][] {
  if (w.partitionBy.length === 0) return [input.map((_, i) => i)];
  const fns = w.partitionBy.map(compileExpr);
  const types = w.partitionBy.map((e) => e.type);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < input.length; i++) {
    if ((i & (CANCEL_CHECK_ROWS - 1)) === 0) ctx.checkCancel();
    let k = '';
    for (let j = 0; j < fns.length; j++) {
      const v = fns[j]!(input[i]!, ctx);
      k += (v === null ? '\u0000N' : keyString(types[j]!, v)) + '\u0001';
    }
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [i]);
    else g.push(i);
  }
  return [...groups.values()];
}

/** For each position, the last position of its peer group (rows equal on ORDER BY). */
function peerEnds(part: number[], input: Row[], cmp: (a: Row, b: Row) => number): Int32Array {
  const ends = new Int32Array(part.length);
  let end = part.length - 1;
  for (let p = part.length - 1; p >= 0; p--) {
    if (p < part.length - 1 && cmp(input[part[p]!]!, input[part[p + 1]!]!) !== 0) end = p;
    ends[p] = end;
  }
  return ends;
}

function computePartition(w: WindowCall, part: number[], input: Row[], out: Value[], cmp: (a: Row, b: Row) => number, ctx: ExecContext): void {
  const n = part.length;
  const arg = w.args.map(compileExpr);
  const argAt = (k: number, p: number): Value => arg[k]!(input[part[p]!]!, ctx);
  switch (w.fn) {
    case 'row_number':
      for (let p = 0; p < n; p++) out[part[p]!] = BigInt(p + 1);
      return;
    case 'rank':
    case 'dense_rank':
    case 'percent_rank': {
      let rank = 1;
      let dense = 1;
      for (let p = 0; p < n; p++) {
        if (p > 0 && cmp(input[part[p - 1]!]!, input[part[p]!]!) !== 0) {
          rank = p + 1;
          dense++;
        }
        out[part[p]!] = w.fn === 'rank' ? BigInt(rank) : w.fn === 'dense_rank' ? BigInt(dense) : n === 1 ? 0 : (rank - 1) / (n - 1);
      }
      return;
    }
    case 'cume_dist': {
      const ends = peerEnds(part, input, cmp);
      for (let p = 0; p < n; p++) out[part[p]!] = (ends[p]! + 1) / n;
      return;
    }
    case 'ntile': {
      for (let p = 0; p < n; p++) {
        const buckets = argAt(0, p);
        if (buckets === null) {
          out[part[p]!] = null;
          continue;
        }
        const k = buckets as number;
        if (k <= 0) throw new EonError('invalid_parameter_value', 'argument of ntile must be greater than zero');
        // PostgreSQL: the first n % k buckets get one row more.
        const size = Math.floor(n / k);
        const extra = n % k;
        const bigRows = extra * (size + 1);
        out[part[p]!] = p < bigRows ? Math.floor(p / (size + 1)) + 1 : extra + Math.floor((p - bigRows) / Math.max(size, 1)) + 1;
      }
      return;
    }
    case 'lag':
    case 'lead': {
      const sign = w.fn === 'lag' ? -1 : 1;
      for (let p = 0; p < n; p++) {
        const offV = w.args.length > 1 ? argAt(1, p) : 1;
        if (offV === null) {
          out[part[p]!] = null;
          continue;
        }
        const q = p + sign * (offV as number);
        out[part[p]!] = q >= 0 && q < n ? argAt(0, q) : w.args.length > 2 ? argAt(2, p) : null;
      }
      return;
    }
    case 'first_value':
    case 'last_value':
    case 'nth_value': {
      const bounds = frameBounds(w.frame, part, input, cmp);
      for (let p = 0; p < n; p++) {
        const [s, e] = bounds(p);
        let q: number;
        if (w.fn === 'first_value') q = s;
        else if (w.fn === 'last_value') q = e;
        else {
          const nth = argAt(1, p);
          if (nth === null) {
            out[part[p]!] = null;
            continue;
          }
          if ((nth as number) <= 0) throw new EonError('invalid_parameter_value', 'argument of nth_value must be greater than zero');
          q = s + (nth as number) - 1;
        }
        out[part[p]!] = s <= e && q >= s && q <= e ? argAt(0, q) : null;
      }
      return;
    }
    case 'aggregate':
      computeAggregate(w, part, input, out, cmp, ctx);
      return;
  }
}

/** Frame [start, end] positions (inclusive; start > end means empty) for each position. */
function frameBounds(frame: WindowFrame, part: number[], input: Row[], cmp: (a: Row, b: Row) => number): (p: number) => [number, number] {
  const n = part.length;
  const ends = frame.mode === 'range' ? peerEnds(part, input, cmp) : null;
  const starts = frame.mode === 'range' ? peerStarts(part, input, cmp) : null;
  return (p) => {
    const bound = (b: WindowFrame['start'], isStart: boolean): number => {
      switch (b.kind) {
        case 'unbounded_preceding':
          return 0;
        case 'unbounded_following':
          return n - 1;
        case 'current_row':
          if (frame.mode === 'range') return isStart ? starts![p]! : ends![p]!;
          return p;
        case 'offset':
          return p + b.rows;
      }
    };
    return [Math.max(0, bound(frame.start, true)), Math.min(n - 1, bound(frame.end, false))];
  };
}

function peerStarts(part: number[], input: Row[], cmp: (a: Row, b: Row) => number): Int32Array {
  const starts = new Int32Array(part.length);
  let start = 0;
  for (let p = 0; p < part.length; p++) {
    if (p > 0 && cmp(input[part[p - 1]!]!, input[part[p]!]!) !== 0) start = p;
    starts[p] = start;
  }
  return starts;
}

function computeAggregate(w: WindowCall, part: number[], input: Row[], out: Value[], cmp: (a: Row, b: Row) => number, ctx: ExecContext): void {
  const call = w.aggregate!;
  const star = call.name === 'count_star';
  const arg = star ? null : compileExpr(call.args[0]!);
  const valueAt = (p: number): Value => (arg === null ? true : arg(input[part[p]!]!, ctx));
  const bounds = frameBounds(w.frame, part, input, cmp);
  const n = part.length;
  if (w.frame.start.kind === 'unbounded_preceding') {
    // Frames that grow from the partition start: one running accumulator.
    const acc: Accumulator = newAccumulator(call);
    let added = -1;
    for (let p = 0; p < n; p++) {
      const [, e] = bounds(p);
      while (added < e) acc.add(valueAt(++added));
      out[part[p]!] = acc.result();
    }
    return;
  }
  for (let p = 0; p < n; p++) {
    const [s, e] = bounds(p);
    const acc = newAccumulator(call);
    for (let q = s; q <= e; q++) acc.add(valueAt(q));
    out[part[p]!] = acc.result();
  }
}
