// The TPC-H generator's rules (cardinalities, keys, references between tables, value ranges), the
// query parameters, and the answer comparison the tpch suite uses.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultDifference } from '../../bench/agreement.js';
import { generateTpch, q11Fraction, TPCH_QUERIES, TPCH_TABLES, type GeneratedTpch } from '../../bench/data/tpch/index.js';
import { orderKey, partSupplier, retailPriceCents } from '../../bench/data/tpch/generate.js';

const SF = 0.01;

/** Splits a generated CSV line: quoted fields never hold quotes, so quotes only group commas. */
function fields(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

let dir: string;
let data: GeneratedTpch;
const rows = new Map<string, string[][]>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'eon-tpch-unit-'));
  data = await generateTpch(dir, SF, 42);
  for (const t of TPCH_TABLES) {
    const text = await readFile(data.files[t], 'utf8');
    rows.set(t, text.trimEnd().split('\n').map(fields));
  }
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TPC-H generator at SF 0.01', () => {
  it('writes the specification cardinalities', () => {
    const counts = Object.fromEntries(TPCH_TABLES.map((t) => [t, rows.get(t)!.length]));
    expect(counts).toMatchObject({ region: 5, nation: 25, supplier: 100, part: 2_000, partsupp: 8_000, customer: 1_500, orders: 15_000 });
    expect(counts.lineitem).toBe(data.rows.lineitem);
    // 1 to 7 lines per order: about 4 on average.
    expect(counts.lineitem).toBeGreaterThan(15_000 * 3.8);
    expect(counts.lineitem).toBeLessThan(15_000 * 4.2);
  });

  it('uses the sparse order keys and skips every third customer', () => {
    const orders = rows.get('orders')!;
    expect(orders.slice(0, 10).map((r) => Number(r[0]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 33, 34]);
    expect(orderKey(8)).toBe(33);
    expect(orders.every((r) => Number(r[1]) % 3 !== 0)).toBe(true);
  });

  it('draws each lineitem supplier from its part\'s partsupp rows', () => {
    const partsupp = new Set(rows.get('partsupp')!.map((r) => `${r[0]}/${r[1]}`));
    expect(rows.get('lineitem')!.filter((l) => !partsupp.has(`${l[1]}/${l[2]}`))).toEqual([]);
    expect(partSupplier(1, 0, 100)).toBe(2);
  });

  it('derives prices, dates, flags and order totals by the specification', () => {
    const parts = new Map(rows.get('part')!.map((r) => [Number(r[0]), r]));
    expect(parts.get(1)![7]).toBe('901.00');
    expect(retailPriceCents(1)).toBe(90_100);
    const totals = new Map<string, number>();
    const statuses = new Map<string, Set<string>>();
    // Per-row expect() calls cost ~10 s over 60,000 lines: collect the offending lines instead.
    const bad: string[] = [];
    for (const l of rows.get('lineitem')!) {
      const [key, part, , , qty, price, disc, tax, flag, status, ship, commit, receipt] = l as [string, ...string[]];
      const cents = Math.round(Number(price) * 100);
      const ok =
        cents === Number(qty) * retailPriceCents(Number(part)) &&
        Number(disc) <= 0.1 &&
        Number(tax) <= 0.08 &&
        receipt! > ship! &&
        status === (ship! > '1995-06-17' ? 'O' : 'F') &&
        (flag === 'N') === receipt! > '1995-06-17' &&
        commit! >= '1992-01-31' &&
        commit! <= '1998-10-31';
      if (!ok) bad.push(l.join(','));
      const line = Math.floor((Math.floor((cents * (100 - Math.round(Number(disc) * 100))) / 100) * (100 + Math.round(Number(tax) * 100))) / 100);
      totals.set(key, (totals.get(key) ?? 0) + line);
      statuses.set(key, (statuses.get(key) ?? new Set()).add(status!));
    }
    expect(bad).toEqual([]);
    const badOrders = rows.get('orders')!.filter((o) => {
      const s = statuses.get(o[0]!)!;
      return Math.round(Number(o[3]) * 100) !== totals.get(o[0]!) || o[2] !== (s.size === 2 ? 'P' : [...s][0]) || o[4]! < '1992-01-01' || o[4]! > '1998-08-02';
    });
    expect(badOrders).toEqual([]);
  });

  it('writes phones by nation, five distinct part-name words and grammatical comments', () => {
    expect(rows.get('customer')!.filter((c) => !c[4]!.startsWith(`${Number(c[3]) + 10}-`))).toEqual([]);
    expect(rows.get('part')!.filter((p) => new Set(p[1]!.split(' ')).size !== 5)).toEqual([]);
    const comments = rows.get('orders')!.map((o) => o[8]!).join(' ');
    expect(comments).toMatch(/special|requests|deposits|packages/);
  });

  it('is deterministic for a seed', async () => {
    const again = await mkdtemp(path.join(tmpdir(), 'eon-tpch-unit-'));
    try {
      const second = await generateTpch(again, SF, 42);
      expect(await readFile(second.files.lineitem, 'utf8')).toBe(await readFile(data.files.lineitem, 'utf8'));
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });
});

describe('TPC-H queries', () => {
  it('are the 22, with Q11 FRACTION = 0.0001 / SF', () => {
    expect(TPCH_QUERIES.map((q) => q.number)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(q11Fraction(1)).toBe('0.0001');
    expect(q11Fraction(0.01)).toBe('0.01');
    expect(TPCH_QUERIES[10]!.sql(0.1)).toContain('* 0.001 FROM');
  });
});

describe('resultDifference', () => {
  it('accepts numbers within the tolerance and ISO dates, in order', () => {
    expect(resultDifference([['a', '1.0000001', '1995-01-02']], [['a', 1, '1995-01-02']], true, 1e-6)).toBeNull();
    expect(resultDifference([['a', '1.01']], [['a', 1]], true, 1e-6)).toMatch(/row 1 column 2/);
  });

  it('compares as multisets only when the order is not total', () => {
    const a = [['x', 1], ['y', 2]];
    const b = [['y', 2], ['x', 1]];
    expect(resultDifference(a, b, false, 1e-6)).toBeNull();
    expect(resultDifference(a, b, true, 1e-6)).not.toBeNull();
    expect(resultDifference(a, [['x', 1]], false, 1e-6)).toBe('2 rows, expected 1');
    expect(resultDifference([[null]], [[0]], true, 1e-6)).not.toBeNull();
  });
});
