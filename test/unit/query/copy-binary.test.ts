// COPY's binary format: each type's send/recv form (PostgreSQL's bytes, e.g. numeric in base-10000
// digits), PostgreSQL's checks on field lengths and numeric digits, type modifiers applied on
// input, and the stream reader's header, tuple and trailer rules at every cut point.
import { describe, expect, it } from 'vitest';
import {
  BINARY_COPY_SIGNATURE, BinaryCopyReader, binaryCopyChunks, decodeBinaryField, encodeBinaryField, encodeBinaryTuple,
} from '../../../query/statements/copy-binary.js';
import { Interval, Numeric, T, parseText, type ColumnType, type Value } from '../../../src/types/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const numeric = (p?: number, s?: number): ColumnType => ({ kind: 'numeric', ...(p === undefined ? {} : { precision: p }), ...(s === undefined ? {} : { scale: s }) });

describe('binary send forms (PostgreSQL bytes)', () => {
  const cases: [string, ColumnType, Value, string][] = [
    ['bool', T.bool, true, '01'],
    ['int2', T.int2, -2, 'fffe'],
    ['int4', T.int4, 1, '00000001'],
    ['int8', T.int8, 9007199254740993n, '0020000000000001'],
    ['int8 held as a number', T.int8, 5, '0000000000000005'],
    ['float4', T.float4, 1.5, '3fc00000'],
    ['float8', T.float8, 0.1, '3fb999999999999a'],
    ['text', T.text, 'ü✓', 'c3bce29c93'],
    ['date 2000-01-01', T.date, 10957, '00000000'],
    ['date 1970-01-01', T.date, 0, 'ffffd533'],
    ['timestamp 2000-01-01', T.timestamp, 946684800000000, '0000000000000000'],
    ['interval 1 day 02:00', T.interval, new Interval(0, 1, 7_200_000_000), '00000001ad274800 00000001 00000000'],
    ['numeric 123456.78', numeric(), parseText(numeric(), '123456.78'), '0003 0001 0000 0002 000c 0d80 1e78'],
    ['numeric -0.00', numeric(), parseText(numeric(), '-0.00'), '0000 0000 0000 0002'],
    ['numeric 0.01', numeric(), parseText(numeric(), '0.01'), '0001 ffff 0000 0002 0064'],
    ['numeric -1e20', numeric(), parseText(numeric(), '-100000000000000000000'), '0001 0005 4000 0000 0001'],
    ['numeric 1.5 (10,2)', numeric(10, 2), new Numeric(150n, 2), '0002 0000 0000 0002 0001 1388'],
  ];
  for (const [name, type, v, want] of cases) {
    it(name, () => expect(hex(encodeBinaryField(type, v))).toBe(want.replace(/\s/g, '')));
  }

  it('reads back what it writes', () => {
    for (const [name, type, v] of cases) {
      const back = decodeBinaryField(type, encodeBinaryField(type, v));
      expect(back, name).toEqual(type.kind === 'int8' && typeof v === 'number' ? BigInt(v) : v);
    }
  });
});

describe('binary receive checks', () => {
  it('too few bytes is 08P01, bytes left over 22P03, as PostgreSQL reads a field', () => {
    expect(() => decodeBinaryField(T.int4, bytes('000001'))).toThrow(expect.objectContaining({ sqlstate: '08P01', message: 'insufficient data left in message' }));
    expect(() => decodeBinaryField(T.int4, bytes('0000000100'))).toThrow(expect.objectContaining({ sqlstate: '22P03', message: 'incorrect binary data format' }));
    expect(() => decodeBinaryField(numeric(), bytes('0001 0000 0000 0000'))).toThrow(expect.objectContaining({ sqlstate: '08P01' }));
    expect(() => decodeBinaryField(numeric(), bytes('0001 0000 0000 0000 2710'))).toThrow(expect.objectContaining({ sqlstate: '22P03', message: 'invalid digit in external "numeric" value' }));
    expect(() => decodeBinaryField(numeric(), bytes('0000 0000 1234 0000'))).toThrow(expect.objectContaining({ sqlstate: '22P03', message: 'invalid sign in external "numeric" value' }));
  });

  it('text must be valid UTF-8 without zero bytes', () => {
    expect(() => decodeBinaryField(T.text, bytes('c3'))).toThrow(expect.objectContaining({ sqlstate: '22021' }));
    expect(() => decodeBinaryField(T.text, bytes('6100'))).toThrow(expect.objectContaining({ sqlstate: '22021' }));
  });

  it('applies the column type modifier as text input does', () => {
    expect(decodeBinaryField(numeric(5, 2), bytes('0002 0000 0000 0003 0001 0d16'))).toEqual(new Numeric(134n, 2)); // 1.335 → 1.34
    expect(() => decodeBinaryField(numeric(3, 2), bytes('0001 0000 0000 0000 0064'))).toThrow(expect.objectContaining({ sqlstate: '22003' }));
    expect(() => decodeBinaryField({ kind: 'varchar', length: 2 }, bytes('616263'))).toThrow(expect.objectContaining({ sqlstate: '22001' }));
  });
});

/** A stream: signature, flags, extension, then tuples of int4 fields (null: NULL), then the trailer. */
function stream(tuples: (number | null)[][], opts: { trailer?: boolean; flags?: number; extension?: Buffer } = {}): Buffer {
  const ext = opts.extension ?? Buffer.alloc(0);
  const head = Buffer.alloc(8);
  head.writeInt32BE(opts.flags ?? 0, 0);
  head.writeInt32BE(ext.length, 4);
  const body = tuples.map((t) => encodeBinaryTuple(t.map(() => T.int4), t));
  return Buffer.concat([BINARY_COPY_SIGNATURE, head, ext, ...body, opts.trailer === false ? Buffer.alloc(0) : Buffer.from('ffff', 'hex')]);
}

function read(data: Uint8Array, cuts: number[], fields = 2): (number | null)[][] {
  const out: (number | null)[][] = [];
  const r = new BinaryCopyReader(fields, (f) => out.push(f.map((b) => (b === null ? null : (decodeBinaryField(T.int4, b) as number)))), (n) => `COPY t, line ${n}`);
  let at = 0;
  for (const cut of [...cuts, data.length]) {
    r.push(data.subarray(at, cut));
    at = cut;
  }
  r.finish();
  return out;
}

describe('binary stream reader', () => {
  const tuples = [[1, null], [null, -7], [2147483647, 0]];

  it('reads the same tuples at every cut point, skipping a header extension', () => {
    const data = stream(tuples, { extension: Buffer.from('ext!') });
    for (let cut = 1; cut < data.length; cut++) expect(read(data, [cut]), `cut at ${cut}`).toEqual(tuples);
    expect(read(data, Array.from({ length: data.length - 1 }, (_, i) => i + 1))).toEqual(tuples);
  });

  it('takes a stream that ends without the trailer, as PostgreSQL does', () => {
    expect(read(stream(tuples, { trailer: false }), [])).toEqual(tuples);
  });

  it('refuses what PostgreSQL refuses, with its messages', () => {
    const bad = (data: Uint8Array): unknown => {
      try {
        read(data, []);
        return null;
      } catch (e) {
        return e;
      }
    };
    expect(bad(Buffer.from('PGCOPY\nnot'))).toMatchObject({ sqlstate: '22P04', message: 'COPY file signature not recognized' });
    expect(bad(BINARY_COPY_SIGNATURE.subarray(0, 5))).toMatchObject({ sqlstate: '22P04', message: 'COPY file signature not recognized' });
    expect(bad(stream([], { flags: 1 << 16 }))).toMatchObject({ message: 'invalid COPY file header (WITH OIDS)' });
    expect(bad(stream([], { flags: 1 << 20 }))).toMatchObject({ message: 'unrecognized critical flags in COPY file header' });
    expect(bad(Buffer.concat([BINARY_COPY_SIGNATURE, Buffer.alloc(2)]))).toMatchObject({ message: 'invalid COPY file header (missing flags)' });
    expect(bad(Buffer.concat([BINARY_COPY_SIGNATURE, Buffer.alloc(6)]))).toMatchObject({ message: 'invalid COPY file header (missing length)' });
    expect(bad(stream([[1, 2], [3]]))).toMatchObject({ sqlstate: '22P04', message: 'row field count is 1, expected 2', where: 'COPY t, line 2' });
    expect(bad(Buffer.concat([stream([[1, 2]]), Buffer.from('00')]))).toMatchObject({ sqlstate: '22P04', message: 'received copy data after EOF marker' });
    const truncated = stream([[1, 2]], { trailer: false });
    expect(bad(truncated.subarray(0, truncated.length - 2))).toMatchObject({ sqlstate: '22P04', message: 'unexpected EOF in COPY data', where: 'COPY t, line 1' });
    const negative = Buffer.concat([stream([], { trailer: false }), Buffer.from('0002fffffffe', 'hex')]);
    expect(bad(negative)).toMatchObject({ sqlstate: '22P04', message: 'invalid field size' });
  });

  it('writes the header with the first tuple and the trailer alone, as PostgreSQL cuts its messages', () => {
    const chunks = [...binaryCopyChunks([T.int4, T.text], [[1, 'a'], [null, null]])];
    expect(chunks.map(hex)).toEqual([
      `${hex(BINARY_COPY_SIGNATURE)}0000000000000000` + '0002' + '00000004' + '00000001' + '00000001' + '61',
      '0002ffffffffffffffff',
      'ffff',
    ]);
    expect([...binaryCopyChunks([T.int4], [])].map(hex)).toEqual([`${hex(BINARY_COPY_SIGNATURE)}0000000000000000ffff`]);
  });
});
