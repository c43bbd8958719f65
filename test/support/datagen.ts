// The seeded test data set of the differential suites, as plain SQL both engines run identically.

/** Rows of the main table; enough for skewed groups and joins, small enough to load in a second. */
export const itemRowsCount = 2_000;
export const orderRowsCount = 300;
export const lineRowsCount = 900;
/** Rows per multi-row INSERT: few statements, each well below any statement size limit. */
export const insertBatchRowsMax = 200;
export const datasetSeed = 20_240_601;

/** mulberry32: tiny, fast and identical on every platform, so the data never depends on Math.random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

type Literal = string;

export interface TableData {
  name: string;
  ddl: string;
  columns: string[];
  rows: Literal[][];
}

export interface LoadOptions {
  /** Insert rows in reverse order: a self-test on PostgreSQL then catches queries without a total order. */
  reverse?: boolean;
}

const groups = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const cats = ['red', 'green', 'blue', "o'neil", 'ümlaut', '', 'x_y%z', 'UPPER', 'MiXed', 'tab\tin'];
const products = ['bolt', 'nut', 'screw', 'washer', 'gear', 'spring'];
const customers = ['acme', 'globex', 'initech', 'umbrella', 'hooli', "o'reilly"];
const statuses = ['open', 'shipped', 'cancelled'];
const dayMs = 86_400_000;
/** 2023-01-01 as days since 1970-01-01. */
const baseDay = 19_358;

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)] as T;
}

function nullOr(rnd: () => number, pNull: number, value: () => Literal): Literal {
  return rnd() < pNull ? 'NULL' : value();
}

function dateLiteral(day: number): Literal {
  return `'${new Date(day * dayMs).toISOString().slice(0, 10)}'`;
}

function timestampLiteral(ms: number): Literal {
  return `'${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}'`;
}

function itemsTable(rnd: () => number): TableData {
  const rows: Literal[][] = [];
  for (let id = 1; id <= itemRowsCount; id++) {
    // 70% of rows in group 'a' so group sizes are skewed; a few NULL groups for three-valued logic.
    const r = rnd();
    const grp = r < 0.7 ? "'a'" : r < 0.98 ? sqlString(pick(rnd, groups.slice(1))) : 'NULL';
    const cat = nullOr(rnd, 0.05, () => sqlString(pick(rnd, cats)));
    // Group 'h' never has a qty: an all-NULL group for aggregates.
    const qty = grp === "'h'" ? 'NULL' : nullOr(rnd, 0.1, () => String(Math.floor(rnd() * 200) - 20));
    const price = nullOr(rnd, 0.08, () => (Math.floor(rnd() * 10_000_000) / 100).toFixed(2));
    const score = nullOr(rnd, 0.1, () => floatLiteral(rnd));
    const big = nullOr(rnd, 0.05, () => bigLiteral(rnd));
    const flag = nullOr(rnd, 0.15, () => (rnd() < 0.5 ? 'true' : 'false'));
    const day = baseDay + Math.floor(rnd() * 730) - 100;
    const d = dateLiteral(day);
    const ts = timestampLiteral(day * dayMs + Math.floor(rnd() * 86_400) * 1000);
    rows.push([String(id), grp, cat, qty, price, score, big, flag, d, ts]);
  }
  return {
    name: 't_items',
    ddl:
      'CREATE TABLE t_items (id int PRIMARY KEY, grp text, cat varchar(10), qty int, price numeric(10,2), ' +
      'score double precision, big bigint, flag boolean, d date, ts timestamp)',
    columns: ['id', 'grp', 'cat', 'qty', 'price', 'score', 'big', 'flag', 'd', 'ts'],
    rows,
  };
}

function floatLiteral(rnd: () => number): Literal {
  const r = rnd();
  if (r < 0.01) return '0';
  if (r < 0.02) return '1e-7';
  if (r < 0.03) return '-2.5e20';
  // Three decimals keep most values short to print while still being inexact binary fractions.
  return String(Math.round((rnd() * 2000 - 1000) * 1000) / 1000);
}

function bigLiteral(rnd: () => number): Literal {
  const r = rnd();
  const mag = BigInt(Math.floor(rnd() * 1_000_000_000));
  if (r < 0.2) return String(9_007_199_254_740_993n + mag); // beyond 2^53: not exact as a double
  if (r < 0.3) return String(-9_000_000_000_000_000_000n - mag);
  if (r < 0.6) return String(-mag);
  return String(mag);
}

function groupsTable(): TableData {
  const rows: Literal[][] = [
    ["'a'", "'Alpha'", '10'],
    ["'b'", "'Beta'", '20'],
    ["'c'", "'Gamma'", '-5'],
    ["'d'", 'NULL', '0'],
    ["'e'", "'Epsilon'", 'NULL'],
    ["'f'", "'Phi'", '7'],
    ["'g'", "'Gee ''quoted'''", '3'],
    // 'z' has no items; 'h' items have no group row: unmatched keys on both sides.
    ["'z'", "'Zeta'", '99'],
  ];
  return {
    name: 't_groups',
    ddl: 'CREATE TABLE t_groups (grp text PRIMARY KEY, label text, weight smallint)',
    columns: ['grp', 'label', 'weight'],
    rows,
  };
}

function emptyTable(): TableData {
  return {
    name: 't_empty',
    ddl: 'CREATE TABLE t_empty (id int PRIMARY KEY, v text, n numeric(10,2), x double precision, k int)',
    columns: ['id', 'v', 'n', 'x', 'k'],
    rows: [],
  };
}

function noPkTable(rnd: () => number): TableData {
  const rows: Literal[][] = [];
  for (let i = 0; i < 60; i++) {
    const a = nullOr(rnd, 0.1, () => String(Math.floor(rnd() * 8)));
    const b = nullOr(rnd, 0.1, () => sqlString(pick(rnd, ['x', 'y', 'z'])));
    rows.push([a, b]);
  }
  rows.push(['1', "'x'"], ['1', "'x'"], ['NULL', 'NULL'], ['NULL', 'NULL']);
  return { name: 't_nopk', ddl: 'CREATE TABLE t_nopk (a int, b text)', columns: ['a', 'b'], rows };
}

function ordersTable(rnd: () => number): TableData {
  const rows: Literal[][] = [];
  for (let id = 1; id <= orderRowsCount; id++) {
    rows.push([
      String(id),
      nullOr(rnd, 0.05, () => sqlString(pick(rnd, customers))),
      dateLiteral(baseDay + Math.floor(rnd() * 365)),
      sqlString(pick(rnd, statuses)),
    ]);
  }
  return {
    name: 't_orders',
    ddl: 'CREATE TABLE t_orders (order_id int PRIMARY KEY, customer text, odate date, status text)',
    columns: ['order_id', 'customer', 'odate', 'status'],
    rows,
  };
}

function linesTable(rnd: () => number): TableData {
  const rows: Literal[][] = [];
  for (let id = 1; id <= lineRowsCount; id++) {
    // Order ids up to 330 while orders stop at 300: lines without an order; orders 1..300 with no line exist too.
    const orderId = nullOr(rnd, 0.02, () => String(1 + Math.floor(rnd() * 330)));
    rows.push([
      String(id),
      orderId,
      sqlString(pick(rnd, products)),
      String(1 + Math.floor(rnd() * 10)),
      (Math.floor(rnd() * 100_000) / 100).toFixed(2),
    ]);
  }
  return {
    name: 't_lines',
    ddl: 'CREATE TABLE t_lines (line_id int PRIMARY KEY, order_id int, product text, qty int, amount numeric(12,2))',
    columns: ['line_id', 'order_id', 'product', 'qty', 'amount'],
    rows,
  };
}

function stringsTable(rnd: () => number): TableData {
  const fixed = [
    '',
    ' ',
    '  padded  ',
    "it's",
    "''",
    '"double"',
    'back\\slash',
    '100%',
    'under_score',
    'ümlaut Ünïcödé',
    '日本語テキスト',
    'emoji 🎉 party',
    'MiXeD CaSe wOrDs',
    'hello world',
    'Hello World',
    'a,b,,c',
    'xxabcxx',
    'line\nbreak',
    'x'.repeat(10_000),
    'ab'.repeat(5_000),
  ];
  const rows: Literal[][] = fixed.map((s, i) => [String(i + 1), sqlString(s)]);
  rows.push([String(fixed.length + 1), 'NULL']);
  for (let i = 0; i < 20; i++) {
    const len = 1 + Math.floor(rnd() * 12);
    let s = '';
    for (let j = 0; j < len; j++) s += String.fromCharCode(97 + Math.floor(rnd() * 26));
    rows.push([String(fixed.length + 2 + i), sqlString(s)]);
  }
  return { name: 't_strings', ddl: 'CREATE TABLE t_strings (id int PRIMARY KEY, s text)', columns: ['id', 's'], rows };
}

/** Every table of the data set, in creation order, generated from the one seed. */
export function generateTables(seed: number = datasetSeed): TableData[] {
  const rnd = seededRandom(seed);
  return [
    itemsTable(rnd),
    groupsTable(),
    emptyTable(),
    noPkTable(rnd),
    ordersTable(rnd),
    linesTable(rnd),
    stringsTable(rnd),
  ];
}

/** The data set as a list of SQL statements: CREATE TABLE then batched multi-row INSERTs. */
export function datasetStatements(options: LoadOptions = {}, seed: number = datasetSeed): string[] {
  return generateTables(seed).flatMap((table) => tableStatements(table, options));
}

/** One table's CREATE TABLE, then its rows in batched multi-row INSERTs. */
export function tableStatements(table: TableData, options: LoadOptions = {}): string[] {
  const out = [table.ddl];
  const rows = options.reverse === true ? [...table.rows].reverse() : table.rows;
  for (let i = 0; i < rows.length; i += insertBatchRowsMax) {
    const batch = rows.slice(i, i + insertBatchRowsMax);
    out.push(`INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES\n` + batch.map((r) => `(${r.join(', ')})`).join(',\n'));
  }
  return out;
}

/** The names of the generated tables, e.g. to check a target is clean before loading. */
export function datasetTableNames(): string[] {
  return generateTables().map((t) => t.name);
}
