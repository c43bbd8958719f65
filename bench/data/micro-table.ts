// The micro suite's table t(id, k, v, g): a deterministic, counter-based generator shared by every engine.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Distinct values of k (low cardinality text, dictionary-friendly). */
export const kDistinct = 16;
/** Distinct values of g. */
export const gDistinct = 1_000;
/** v is uniform on [0, vRange) with vDecimals decimals, so its SQL and CSV text is exact in every engine. */
export const vRange = 1_000;
const vDecimals = 6;
const vScale = 10 ** vDecimals;
const vUnits = vRange * vScale;
/** Rows per CSV write; bounds the string held in memory while writing the file. */
const csvChunkRows = 50_000;

export const microTableName = 't';
export const microColumns = ['id', 'k', 'v', 'g'] as const;

export function microCreateSql(table: string): string {
  return `CREATE TABLE ${table} (id int PRIMARY KEY, k text, v double precision, g int)`;
}

export interface MicroRow {
  id: number;
  k: string;
  v: number;
  g: number;
}

/**
 * A 32-bit avalanche mix (the "lowbias32" constants): each row's values depend only on (seed, row,
 * column), so any slice of the table can be generated independently and in any order.
 */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashCell(seed: number, row: number, column: number): number {
  return mix32(mix32(mix32(seed ^ 0x9e3779b9) ^ row) ^ Math.imul(column + 1, 0x85ebca6b));
}

/** Maps a 32-bit hash onto [0, n) by scaling, not modulo: modulo would favour the low values when n does not divide 2^32. */
function scaleHash(h: number, n: number): number {
  return Math.floor((h / 2 ** 32) * n);
}

const kValues: readonly string[] = Array.from({ length: kDistinct }, (_, i) => `k${String(i).padStart(2, '0')}`);

/** Row number `index` (0-based) of the table for `seed`; ids are index + 1. */
export function microRow(seed: number, index: number): MicroRow {
  return {
    id: index + 1,
    k: kValues[hashCell(seed, index, 1) % kDistinct] as string,
    v: scaleHash(hashCell(seed, index, 2), vUnits) / vScale,
    g: scaleHash(hashCell(seed, index, 3), gDistinct),
  };
}

/** `(id,'k',v,g),(…)` for rows [from, to): the VALUES list of a multi-row INSERT. */
export function microValuesSql(seed: number, from: number, to: number): string {
  const parts: string[] = new Array<string>(to - from);
  for (let i = from; i < to; i++) {
    const r = microRow(seed, i);
    parts[i - from] = `(${r.id},'${r.k}',${r.v},${r.g})`;
  }
  return parts.join(',');
}

/** Writes rows [0, rows) as headerless CSV (id,k,v,g) for COPY-style loaders. */
export async function writeMicroCsv(path: string, seed: number, rows: number): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  try {
    for (let from = 0; from < rows; from += csvChunkRows) {
      const to = Math.min(rows, from + csvChunkRows);
      let chunk = '';
      for (let i = from; i < to; i++) {
        const r = microRow(seed, i);
        chunk += `${r.id},${r.k},${r.v},${r.g}\n`;
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
}

/** One group of Q1's answer: k, sum(v), count(*). */
export interface MicroGroup {
  k: string;
  sum: number;
  count: number;
}

/**
 * Q1 and Q2 answered from the generator itself: a fourth, engine-free reference that also proves
 * every engine holds every row.
 */
export function microExpected(
  seed: number,
  rows: number,
  vAbove: number,
  gBelow: number,
): { q1: MicroGroup[]; q2: number } {
  const sums = new Float64Array(kDistinct);
  const counts = new Float64Array(kDistinct);
  let q2 = 0;
  for (let i = 0; i < rows; i++) {
    const r = microRow(seed, i);
    if (r.v > vAbove) {
      const slot = kValues.indexOf(r.k);
      sums[slot] = (sums[slot] as number) + r.v;
      counts[slot] = (counts[slot] as number) + 1;
      if (r.g < gBelow) q2++;
    }
  }
  const q1: MicroGroup[] = [];
  for (let slot = 0; slot < kDistinct; slot++) {
    if ((counts[slot] as number) > 0) q1.push({ k: kValues[slot] as string, sum: sums[slot] as number, count: counts[slot] as number });
  }
  return { q1, q2 };
}
