import { describe, expect, it } from 'vitest';
import { Interval, Numeric, T, formatBinary, formatText, parseBinary, parseText } from '../../../src/types/index.js';
import { outcome, typeOf } from './helpers.js';
import { binaryFormats, boolIn, intIn } from './pg-fixtures.js';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

describe('text input against PostgreSQL 15', () => {
  it.each(intIn)('%s %j', (kind, input, want) => {
    expect(outcome(() => formatText(typeOf(kind), parseText(typeOf(kind), input)))).toBe(want);
  });

  it.each(boolIn)('boolean %j', (input, want) => {
    expect(outcome(() => formatText(T.bool, parseText(T.bool, input)))).toBe(want);
  });
});

describe('binary formats against PostgreSQL 15', () => {
  it.each(binaryFormats)('%s %j', (kind, text, wantHex) => {
    const type = typeOf(kind);
    const value = parseText(type, text);
    expect(hex(formatBinary(type, value))).toBe(wantHex);
    const back = parseBinary(type, new Uint8Array(Buffer.from(wantHex, 'hex')));
    expect(formatText(type, back)).toBe(formatText(type, value));
  });

  it('rejects a wrong length with 22P03', () => {
    expect(() => parseBinary(T.int4, new Uint8Array(3))).toThrow(expect.objectContaining({ sqlstate: '22P03' }));
    expect(() => parseBinary(T.int8, new Uint8Array(4))).toThrow(expect.objectContaining({ sqlstate: '22P03' }));
    expect(() => parseBinary(T.interval, new Uint8Array(8))).toThrow(expect.objectContaining({ sqlstate: '22P03' }));
    expect(() => parseBinary(T.numeric, Uint8Array.of(0, 2, 0, 0, 0, 0, 0, 0))).toThrow(expect.objectContaining({ sqlstate: '22P03' }));
  });
});

describe('formatText', () => {
  it('renders every kind', () => {
    expect(formatText(T.bool, true)).toBe('t');
    expect(formatText(T.int4, -42)).toBe('-42');
    expect(formatText(T.int8, 9223372036854775807n)).toBe('9223372036854775807');
    expect(formatText(T.numeric, new Numeric(150n, 2))).toBe('1.50');
    expect(formatText(T.float8, 0.1)).toBe('0.1');
    expect(formatText(T.text, 'x')).toBe('x');
    expect(formatText(T.date, 19724)).toBe('2024-01-02');
    expect(formatText(T.timestamp, 1704164645500000)).toBe('2024-01-02 03:04:05.5');
    expect(formatText(T.timestamptz, 1704164645000000)).toBe('2024-01-02 03:04:05+00');
    expect(formatText(T.interval, new Interval(14, 3, 14706000000))).toBe('1 year 2 mons 3 days 04:05:06');
  });

  it('parses integers with the messages PostgreSQL gives', () => {
    expect(parseText(T.int4, '  42 ')).toBe(42);
    expect(() => parseText(T.int4, 'abc')).toThrow(expect.objectContaining({ sqlstate: '22P02', message: 'invalid input syntax for type integer: "abc"' }));
    expect(() => parseText(T.int4, '2147483648')).toThrow(
      expect.objectContaining({ sqlstate: '22003', message: 'value "2147483648" is out of range for type integer' }),
    );
  });
});
