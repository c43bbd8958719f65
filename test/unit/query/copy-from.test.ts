// COPY's data decoding: the same rows whatever way the stream is cut into CopyData messages
// (inside a UTF-8 character, a quoted field, a doubled quote or a CRLF), and PostgreSQL's rules
// for text escapes, CSV quoting and NULL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store, type TableSchema } from '../../../storage/index.js';
import { CopyFromSink } from '../../../query/statements/copy-from.js';
import type { CopyOptions } from '../../../query/parse/copy-statement.js';
import { parseScript } from '../../../query/parse/parser.js';
import { T } from '../../../src/types/index.js';

let dir: string;
let store: Store;
let n = 0;

const CSV: CopyOptions = { format: 'csv', delimiter: ',', nullText: '', header: false, quote: '"', escape: '"', forceQuote: [] };
const TEXT: CopyOptions = { format: 'text', delimiter: '\t', nullText: '\\N', header: false, quote: '"', escape: '"', forceQuote: [] };

async function freshTable(): Promise<TableSchema> {
  return store.createTable({ name: `c${n++}`, columns: [{ name: 'id', type: T.int4, notNull: true }, { name: 's', type: T.text, notNull: false }], primaryKey: [0] });
}

/** Loads `data` cut into pieces at `cuts` (byte offsets) and returns the rows by id. */
async function load(options: CopyOptions, data: string, cuts: number[]): Promise<unknown[][]> {
  const table = await freshTable();
  const sink = new CopyFromSink(store, table, [0, 1], options, undefined);
  const bytes = new TextEncoder().encode(data);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const p = sink.write(bytes.subarray(at, cut));
    if (p !== undefined) await p;
    at = cut;
  }
  const count = await sink.finish();
  const rows = [...store.scanRows(table)].map((r) => r.row).sort((a, b) => (a[0] as number) - (b[0] as number));
  expect(rows.length).toBe(count);
  return rows;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'eon-copy-unit-'));
  store = Store.open({ dir, partitions: 4 });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('COPY data decoding', () => {
  const csv = '1,"a ""quoted"", comma"\r\n2,"two\nlines"\n3,ü✓\n4,\n5,""\n';
  const csvRows = [[1, 'a "quoted", comma'], [2, 'two\nlines'], [3, 'ü✓'], [4, null], [5, '']];

  it('decodes CSV the same at every cut point', async () => {
    const length = new TextEncoder().encode(csv).length;
    for (let cut = 1; cut < length; cut++) expect(await load(CSV, csv, [cut]), `cut at ${cut}`).toEqual(csvRows);
    expect(await load(CSV, csv, Array.from({ length: length - 1 }, (_, i) => i + 1))).toEqual(csvRows);
  });

  it('decodes the text format: escapes, octal and hex bytes as UTF-8, \\N, and the end marker', async () => {
    const text = '1\ta\\tb\\\\c\n2\t\\N\n3\t\\303\\251t\\xc3\\xa9\n4\tplain\n\\.\n5\tafter the end marker\n';
    const rows = [[1, 'a\tb\\c'], [2, null], [3, 'été'], [4, 'plain']];
    for (const cut of [1, 5, 9, 20, 30]) expect(await load(TEXT, text, [cut])).toEqual(rows);
  });

  it('refuses a zero byte, a wrong field count and an unterminated quote, naming the line', async () => {
    await expect(load(TEXT, '1\ta\\000b\n', [])).rejects.toMatchObject({ sqlstate: '22021', where: expect.stringMatching(/^COPY c\d+, line 1, column s: "a\\000b"$/) });
    await expect(load(CSV, '1,a\n2\n', [])).rejects.toMatchObject({ sqlstate: '22P04', message: 'missing data for column "s"' });
    await expect(load(CSV, '1,a,b\n', [])).rejects.toMatchObject({ sqlstate: '22P04', message: 'extra data after last expected column' });
    await expect(load(CSV, '1,"open\n', [])).rejects.toMatchObject({ sqlstate: '22P04' });
  });

  it('parses COPY statements in both option spellings and refuses what it does not run', () => {
    const [a] = parseScript("COPY t (a, \"B\") FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';', NULL 'x')");
    expect(a).toMatchObject({ kind: 'copy', table: 't', columns: ['a', 'B'], options: { format: 'csv', header: true, delimiter: ';', nullText: 'x', quote: '"' } });
    const [b] = parseScript("copy public.t from stdin delimiter as '|' null as 'NULL' csv header quote '''' escape '\\'");
    expect(b).toMatchObject({ kind: 'copy', table: 't', columns: null, options: { format: 'csv', delimiter: '|', nullText: 'NULL', header: true, quote: "'", escape: '\\' } });
    expect(() => parseScript("COPY t FROM '/etc/passwd'")).toThrow(expect.objectContaining({ sqlstate: '0A000' }));
    expect(() => parseScript("COPY t TO '/tmp/out'")).toThrow(expect.objectContaining({ sqlstate: '0A000' }));
    expect(parseScript('COPY t FROM STDIN (FORMAT binary)')[0]).toMatchObject({ kind: 'copy', options: { format: 'binary' } });
    expect(() => parseScript('COPY t FROM STDIN (FORMAT binary, HEADER)')).toThrow(expect.objectContaining({ sqlstate: '0A000', message: 'cannot specify HEADER in BINARY mode' }));
    expect(() => parseScript("COPY t TO STDOUT (FORMAT binary, DELIMITER ',')")).toThrow(expect.objectContaining({ sqlstate: '42601', message: 'cannot specify DELIMITER in BINARY mode' }));
    expect(() => parseScript('COPY t FROM STDIN (FORMAT csv, FORCE_QUOTE *)')).toThrow(expect.objectContaining({ sqlstate: '0A000', message: 'COPY force quote only available using COPY TO' }));
    // PostgreSQL 15 takes HEADER in the text format too.
    expect(parseScript('COPY t FROM STDIN (HEADER)')[0]).toMatchObject({ kind: 'copy', direction: 'from', options: { format: 'text', header: true } });
  });
});
