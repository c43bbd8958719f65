// The TPC-H data generator: the eight tables of the specification (clause 4.2) at a scale factor,
// with its cardinalities, key rules and value distributions, written as headerless CSV files.

import { closeSync, openSync, writeSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { Random } from './random.js';
import {
  buildTextPool, CONTAINER_SYLLABLES, NATIONS, PART_NAME_WORDS, poolText, PRIORITIES, REGIONS, SEGMENTS,
  SHIP_INSTRUCTIONS, SHIP_MODES, TYPE_SYLLABLES, vString,
} from './text.js';
import { TPCH_TABLES, type TpchTable } from './schema.js';

/** Base cardinalities at scale factor 1 (clause 4.2.5); nation and region are fixed. */
export const SF1_ROWS = { supplier: 10_000, part: 200_000, customer: 150_000, orders: 1_500_000 } as const;
export const PARTSUPP_PER_PART = 4;
export const LINES_PER_ORDER_MAX = 7;

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(1992, 0, 1);
/** Clause 4.2.3's dates, as days since 1992-01-01 (STARTDATE). */
const CURRENT_DAY = dayNumber('1995-06-17');
const END_DAY = dayNumber('1998-12-31');
/** Orders are placed no later than ENDDATE − 151 days, so every line ships and arrives by ENDDATE. */
const ORDER_DAY_MAX = END_DAY - 151;
/** Buffered CSV text written per syscall. */
const WRITE_CHUNK_CHARS = 4 * 1024 * 1024;
/** Rows between progress reports. */
const PROGRESS_ROWS = 100_000;

/** Row counts of each table at `sf`. */
export function tpchCardinalities(sf: number): Record<TpchTable, number> {
  const scaled = (n: number): number => Math.max(1, Math.round(n * sf));
  return {
    region: REGIONS.length,
    nation: NATIONS.length,
    supplier: scaled(SF1_ROWS.supplier),
    part: scaled(SF1_ROWS.part),
    partsupp: scaled(SF1_ROWS.part) * PARTSUPP_PER_PART,
    customer: scaled(SF1_ROWS.customer),
    orders: scaled(SF1_ROWS.orders),
    lineitem: NaN, // 1 to 7 per order: known once generated
  };
}

export interface GeneratedTpch {
  dir: string;
  files: Record<TpchTable, string>;
  rows: Record<TpchTable, number>;
}

/** Progress: the table being written and the fraction of the whole job done. */
export type GenerateProgress = (table: TpchTable, fraction: number) => void;

/** Writes `<table>.csv` for all eight tables into `dir` (readable by every local user, for server-side COPY). */
export async function generateTpch(dir: string, sf: number, seed: number, progress: GenerateProgress = () => undefined): Promise<GeneratedTpch> {
  const counts = tpchCardinalities(sf);
  const pool = buildTextPool(new Random(seed, 'text'));
  // Work units for progress: a lineitem costs about as much as its order, so orders weigh 5.
  const total = counts.supplier + counts.part * 2 + counts.customer + counts.orders * 5;
  let done = 0;
  const step = (table: TpchTable, n: number): void => {
    done += n;
    progress(table, Math.min(1, done / total));
  };
  const files = Object.fromEntries(TPCH_TABLES.map((t) => [t, path.join(dir, `${t}.csv`)])) as Record<TpchTable, string>;
  const rows = { ...counts };
  writeTable(files.region, (out) => {
    const random = new Random(seed, 'region');
    REGIONS.forEach((name, key) => out.line(`${key},${name},"${poolText(random, pool, 31, 115)}"`));
  });
  writeTable(files.nation, (out) => {
    const random = new Random(seed, 'nation');
    NATIONS.forEach(([name, region], key) => out.line(`${key},${name},${region},"${poolText(random, pool, 31, 114)}"`));
  });
  writeTable(files.supplier, (out) => writeSuppliers(out, counts.supplier, new Random(seed, 'supplier'), pool, (n) => step('supplier', n)));
  writeTable(files.part, (out) =>
    writeTable(files.partsupp, (psOut) => writeParts(out, psOut, counts.part, counts.supplier, new Random(seed, 'part'), pool, (n) => step('part', n))),
  );
  writeTable(files.customer, (out) => writeCustomers(out, counts.customer, new Random(seed, 'customer'), pool, (n) => step('customer', n)));
  writeTable(files.orders, (out) =>
    writeTable(files.lineitem, (liOut) => {
      rows.lineitem = writeOrders(out, liOut, counts, new Random(seed, 'orders'), pool, (n) => step('orders', n));
    }),
  );
  for (const file of Object.values(files)) await chmod(file, 0o644);
  return { dir, files, rows };
}

interface CsvOut {
  line(text: string): void;
}

function writeTable(file: string, fill: (out: CsvOut) => void): void {
  const fd = openSync(file, 'w');
  try {
    let buffer = '';
    fill({
      line(text) {
        buffer += `${text}\n`;
        if (buffer.length >= WRITE_CHUNK_CHARS) {
          writeSync(fd, buffer);
          buffer = '';
        }
      },
    });
    if (buffer.length > 0) writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
}

function writeSuppliers(out: CsvOut, count: number, random: Random, pool: string, progress: (n: number) => void): void {
  for (let key = 1; key <= count; key++) {
    const nation = random.int(0, NATIONS.length - 1);
    out.line(`${key},Supplier#${pad9(key)},"${vString(random, 10, 40)}",${nation},${phone(random, nation)},${cents(random.int(-99_999, 999_999))},"${supplierComment(random, pool)}"`);
    if (key % PROGRESS_ROWS === 0) progress(PROGRESS_ROWS);
  }
  progress(count % PROGRESS_ROWS);
}

/** Clause 4.2.3: about SF×5 suppliers' comments hold "Customer … Complaints", as many "Customer … Recommends" (Q16). */
const SUPPLIER_REMARK_PER_10000 = 5;

function supplierComment(random: Random, pool: string): string {
  const comment = poolText(random, pool, 25, 100);
  const draw = random.int(1, 10_000);
  if (draw > 2 * SUPPLIER_REMARK_PER_10000) return comment;
  const remark = `Customer ${draw <= SUPPLIER_REMARK_PER_10000 ? 'Complaints' : 'Recommends'}`;
  const padded = comment.length >= remark.length ? comment : comment.padEnd(remark.length, ' ');
  const at = random.int(0, padded.length - remark.length);
  return padded.slice(0, at) + remark + padded.slice(at + remark.length);
}

/** Clause 4.2.3's P_RETAILPRICE, in cents. */
export function retailPriceCents(partkey: number): number {
  return 90_000 + (Math.floor(partkey / 10) % 20_001) + 100 * (partkey % 1_000);
}

/** Clause 4.2.3: the supplier of a part's i-th partsupp row (i in 0..3), so lineitems reference existing partsupp rows. */
export function partSupplier(partkey: number, i: number, suppliers: number): number {
  return ((partkey + i * (Math.floor(suppliers / 4) + Math.floor((partkey - 1) / suppliers))) % suppliers) + 1;
}

function writeParts(out: CsvOut, psOut: CsvOut, count: number, suppliers: number, random: Random, pool: string, progress: (n: number) => void): void {
  const chosen: string[] = [];
  for (let key = 1; key <= count; key++) {
    chosen.length = 0;
    while (chosen.length < 5) {
      const word = PART_NAME_WORDS[random.int(0, PART_NAME_WORDS.length - 1)]!;
      if (!chosen.includes(word)) chosen.push(word);
    }
    const m = random.int(1, 5);
    const type = TYPE_SYLLABLES.map((s) => s[random.int(0, s.length - 1)]).join(' ');
    const container = CONTAINER_SYLLABLES.map((s) => s[random.int(0, s.length - 1)]).join(' ');
    out.line(`${key},${chosen.join(' ')},Manufacturer#${m},Brand#${m}${random.int(1, 5)},${type},${random.int(1, 50)},${container},${cents(retailPriceCents(key))},"${poolText(random, pool, 5, 22)}"`);
    for (let i = 0; i < PARTSUPP_PER_PART; i++) {
      psOut.line(`${key},${partSupplier(key, i, suppliers)},${random.int(1, 9_999)},${cents(random.int(100, 100_000))},"${poolText(random, pool, 49, 198)}"`);
    }
    if (key % PROGRESS_ROWS === 0) progress(2 * PROGRESS_ROWS);
  }
  progress(2 * (count % PROGRESS_ROWS));
}

function writeCustomers(out: CsvOut, count: number, random: Random, pool: string, progress: (n: number) => void): void {
  for (let key = 1; key <= count; key++) {
    const nation = random.int(0, NATIONS.length - 1);
    out.line(
      `${key},Customer#${pad9(key)},"${vString(random, 10, 40)}",${nation},${phone(random, nation)},${cents(random.int(-99_999, 999_999))},${SEGMENTS[random.int(0, SEGMENTS.length - 1)]},"${poolText(random, pool, 29, 116)}"`,
    );
    if (key % PROGRESS_ROWS === 0) progress(PROGRESS_ROWS);
  }
  progress(count % PROGRESS_ROWS);
}

/** Clause 4.2.3: only the first 8 of every 32 order keys are used, leaving room for refresh inserts. */
export function orderKey(index: number): number {
  return Math.floor(index / 8) * 32 + (index % 8) + 1;
}

/** Orders and their lineitems; returns the number of lineitems. */
function writeOrders(out: CsvOut, liOut: CsvOut, counts: Record<TpchTable, number>, random: Random, pool: string, progress: (n: number) => void): number {
  const clerks = Math.max(1, Math.round((counts.supplier / SF1_ROWS.supplier) * 1_000));
  let lineitems = 0;
  for (let i = 0; i < counts.orders; i++) {
    const key = orderKey(i);
    // Clause 4.2.3: a third of the customers (keys divisible by 3) place no orders.
    let customer = random.int(1, counts.customer);
    while (customer % 3 === 0 && counts.customer > 2) customer = random.int(1, counts.customer);
    const orderDay = random.int(0, ORDER_DAY_MAX);
    const priority = PRIORITIES[random.int(0, PRIORITIES.length - 1)]!;
    const clerk = random.int(1, clerks);
    const comment = poolText(random, pool, 19, 78);
    const lines = random.int(1, LINES_PER_ORDER_MAX);
    let totalCents = 0;
    let shipped = 0;
    for (let line = 1; line <= lines; line++) {
      const part = random.int(1, counts.part);
      const supplier = partSupplier(part, random.int(0, 3), counts.supplier);
      const quantity = random.int(1, 50);
      const price = quantity * retailPriceCents(part);
      const discount = random.int(0, 10);
      const tax = random.int(0, 8);
      const shipDay = orderDay + random.int(1, 121);
      const commitDay = orderDay + random.int(30, 90);
      const receiptDay = shipDay + random.int(1, 30);
      const returnFlag = receiptDay <= CURRENT_DAY ? (random.int(0, 1) === 0 ? 'R' : 'A') : 'N';
      const lineStatus = shipDay > CURRENT_DAY ? 'O' : 'F';
      if (lineStatus === 'F') shipped++;
      // The reference generator's integer arithmetic in cents, truncating as it does.
      totalCents += Math.floor((Math.floor((price * (100 - discount)) / 100) * (100 + tax)) / 100);
      liOut.line(
        `${key},${part},${supplier},${line},${quantity},${cents(price)},0.${pad2(discount)},0.${pad2(tax)},${returnFlag},${lineStatus},${day(shipDay)},${day(commitDay)},${day(receiptDay)},${SHIP_INSTRUCTIONS[random.int(0, 3)]},${SHIP_MODES[random.int(0, SHIP_MODES.length - 1)]},"${poolText(random, pool, 10, 43)}"`,
      );
    }
    lineitems += lines;
    const status = shipped === lines ? 'F' : shipped === 0 ? 'O' : 'P';
    out.line(`${key},${customer},${status},${cents(totalCents)},${day(orderDay)},${priority},Clerk#${pad9(clerk)},0,"${comment}"`);
    if ((i + 1) % PROGRESS_ROWS === 0) progress(5 * PROGRESS_ROWS);
  }
  progress(5 * (counts.orders % PROGRESS_ROWS));
  return lineitems;
}

/** Clause 4.2.2.9: country code (nation + 10), then three random local groups. */
function phone(random: Random, nation: number): string {
  return `${nation + 10}-${random.int(100, 999)}-${random.int(100, 999)}-${random.int(1000, 9999)}`;
}

function cents(c: number): string {
  const abs = Math.abs(c);
  return `${c < 0 ? '-' : ''}${Math.floor(abs / 100)}.${pad2(abs % 100)}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad9(n: number): string {
  return String(n).padStart(9, '0');
}

function dayNumber(iso: string): number {
  return Math.round((Date.parse(`${iso}T00:00:00Z`) - START_MS) / DAY_MS);
}

/** ISO text of every day the generator can produce, computed once. */
const DAY_TEXT: string[] = Array.from({ length: END_DAY + 1 }, (_, d) => new Date(START_MS + d * DAY_MS).toISOString().slice(0, 10));

function day(d: number): string {
  return DAY_TEXT[d]!;
}
