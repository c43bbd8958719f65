// Input and output of uuid, bytea and time, encode/decode and time arithmetic, against outcomes
// recorded from PostgreSQL 15 (text, or 'ERROR <sqlstate>: <message>').

import { describe, expect, it } from 'vitest';
import {
  Interval,
  T,
  byteaSubstring,
  castValue,
  compareValues,
  decodeBytes,
  encodeBytes,
  extractTime,
  formatBinary,
  formatText,
  parseBinary,
  parseText,
  randomUuid,
  resolveBinaryOperator,
  timePlusInterval,
  type ColumnType,
} from '../../../src/types/index.js';
import { encoderFor } from '../../../protocol/http/json-result.js';
import { outcome } from './helpers.js';

const roundTrip = (type: ColumnType, input: string): string => outcome(() => formatText(type, parseText(type, input)));
const bytea = (hex: string): string => Buffer.from(hex, 'hex').toString('latin1');

describe('uuid', () => {
  it.each([
    ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ['{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ['a0eebc999c0b4ef8bb6d6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ['a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1', 'ERROR 22P02: invalid input syntax for type uuid: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"'],
    ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-', 'ERROR 22P02: invalid input syntax for type uuid: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-"'],
    ['a0eebc9-99c0b-4ef8-bb6d-6bb9bd380a11', 'ERROR 22P02: invalid input syntax for type uuid: "a0eebc9-99c0b-4ef8-bb6d-6bb9bd380a11"'],
    [' a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ERROR 22P02: invalid input syntax for type uuid: " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"'],
    ['{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ERROR 22P02: invalid input syntax for type uuid: "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"'],
    ['', 'ERROR 22P02: invalid input syntax for type uuid: ""'],
  ])('%j → %s', (input, want) => {
    expect(roundTrip(T.uuid, input)).toBe(want);
  });

  it('orders like the 16 bytes and round-trips its binary form', () => {
    const lo = parseText(T.uuid, '7fffffff-ffff-ffff-ffff-ffffffffffff');
    const hi = parseText(T.uuid, '80000000-0000-0000-0000-000000000000');
    expect(compareValues(T.uuid, lo, hi)).toBe(-1);
    const b = formatBinary(T.uuid, hi);
    expect(Buffer.from(b).toString('hex')).toBe('80000000000000000000000000000000');
    expect(parseBinary(T.uuid, b)).toBe(hi);
  });

  it('gen_random_uuid makes version 4 uuids', () => {
    const u = randomUuid();
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomUuid()).not.toBe(u);
  });
});

describe('bytea', () => {
  it.each([
    ['\\x', '\\x'],
    ['\\xDEADbeef', '\\xdeadbeef'],
    ['\\x de ad', '\\xdead'],
    ['abc', '\\x616263'],
    ['a\\\\b', '\\x615c62'],
    ['a\\000b\\377', '\\x610062ff'],
    ['é', '\\xc3a9'],
    ['a\\b', 'ERROR 22P02: invalid input syntax for type bytea'],
    ['\\', 'ERROR 22P02: invalid input syntax for type bytea'],
    ['\\X01', 'ERROR 22P02: invalid input syntax for type bytea'],
    ['\\x0', 'ERROR 22023: invalid hexadecimal data: odd number of digits'],
    ['\\xzz', 'ERROR 22023: invalid hexadecimal digit: "z"'],
    ['\\x 0 1', 'ERROR 22023: invalid hexadecimal digit: " "'],
  ])('%j → %s', (input, want) => {
    expect(roundTrip(T.bytea, input)).toBe(want);
  });

  it.each([
    ['00ff41', 'hex', '\\x00ff41'],
    ['AP9B', 'base64', '\\x00ff41'],
    ['aGVsbA==', 'base64', '\\x68656c6c'],
    ['aGVs\nbG8=', 'base64', '\\x68656c6c6f'],
    ['a\\\\b\\001', 'escape', '\\x615c6201'],
    ['abc', 'hex', 'ERROR 22023: invalid hexadecimal data: odd number of digits'],
    ['a$==', 'base64', 'ERROR 22023: invalid symbol "$" found while decoding base64 sequence'],
    ['aGVsbG8', 'base64', 'ERROR 22023: invalid base64 end sequence'],
    ['Y===', 'base64', 'ERROR 22023: unexpected "=" while decoding base64 sequence'],
    ['x', 'rot13', 'ERROR 22023: unrecognized encoding: "rot13"'],
  ])('decode(%j, %s) → %s', (input, format, want) => {
    expect(outcome(() => formatText(T.bytea, decodeBytes(input, format)))).toBe(want);
  });

  it('encodes hex, escape and base64 with 76-character lines', () => {
    expect(encodeBytes(bytea('00ff41'), 'HEX')).toBe('00ff41');
    expect(encodeBytes(bytea('00ff415c0a'), 'escape')).toBe('\\000\\377A\\\\\n');
    expect(encodeBytes('hello world', 'base64')).toBe('aGVsbG8gd29ybGQ=');
    const long = encodeBytes('\xab'.repeat(100), 'base64');
    expect(long.split('\n').map((l) => l.length)).toEqual([76, 60]);
    expect(decodeBytes(long, 'base64')).toBe('\xab'.repeat(100));
  });

  it('substring clips like PostgreSQL and refuses a negative length', () => {
    const v = bytea('0102030405');
    expect(byteaSubstring(v, 2, 3)).toBe(bytea('020304'));
    expect(byteaSubstring(v, 0, 3)).toBe(bytea('0102'));
    expect(byteaSubstring(v, -5, 3)).toBe('');
    expect(byteaSubstring(v, 9)).toBe('');
    expect(outcome(() => byteaSubstring(v, 1, -1))).toBe('ERROR 22011: negative substring length not allowed');
  });

  it('compares bytes unsigned, a prefix first', () => {
    expect(compareValues(T.bytea, bytea('01'), bytea('0100'))).toBe(-1);
    expect(compareValues(T.bytea, bytea('ff'), bytea('7f'))).toBe(1);
    expect(compareValues(T.bytea, '', bytea('00'))).toBe(-1);
  });

  it('concatenates with || and keeps binary bytes in its binary form', () => {
    const cat = resolveBinaryOperator('||', T.bytea, T.unknown);
    expect(cat.resultType).toEqual(T.bytea);
    expect(cat.fn(bytea('01'), bytea('ff'))).toBe(bytea('01ff'));
    expect(Buffer.from(formatBinary(T.bytea, bytea('00ff80'))).toString('hex')).toBe('00ff80');
    expect(parseBinary(T.bytea, new Uint8Array([0, 255, 128]))).toBe(bytea('00ff80'));
  });
});

describe('time', () => {
  it.each([
    ['00:00', '00:00:00'],
    ['1:2', '01:02:00'],
    ['12:34:56.789', '12:34:56.789'],
    ['12:34:56.123456789', '12:34:56.123457'],
    ['23:59:59.9999999', '24:00:00'],
    ['23:59:60', '24:00:00'],
    ['24:00:00', '24:00:00'],
    ['04:05 PM', '16:05:00'],
    ['12:00 am', '00:00:00'],
    ['12:00 pm', '12:00:00'],
    ['allballs', '00:00:00'],
    ['T10:00', '10:00:00'],
    ['2003-04-12 04:05:06', '04:05:06'],
    ['04:05:06+02', '04:05:06'],
    ['10:00:00 UTC', '10:00:00'],
    [' 10:00 ', '10:00:00'],
    ['24:00:01', 'ERROR 22008: date/time field value out of range: "24:00:01"'],
    ['25:00', 'ERROR 22008: date/time field value out of range: "25:00"'],
    ['12:60', 'ERROR 22008: date/time field value out of range: "12:60"'],
    ['13:00 pm', 'ERROR 22008: date/time field value out of range: "13:00 pm"'],
    ['noon', 'ERROR 22007: invalid input syntax for type time: "noon"'],
    ['12', 'ERROR 22007: invalid input syntax for type time: "12"'],
    ['2020-01-01T10:11:12', 'ERROR 22007: invalid input syntax for type time: "2020-01-01T10:11:12"'],
  ])('%j → %s', (input, want) => {
    expect(roundTrip(T.time, input)).toBe(want);
  });

  it.each([
    [0, '12:34:56.5', '12:34:57'],
    [2, '12:34:56.125', '12:34:56.13'],
    [1, '23:59:59.95', '24:00:00'],
    [3, '01:02:03.0005', '01:02:03.001'],
  ])('time(%i) %j → %s', (precision, input, want) => {
    expect(roundTrip({ kind: 'time', precision }, input)).toBe(want);
  });

  it('adds intervals within one day and subtracts times to an interval', () => {
    const at = (s: string): number => parseText(T.time, s) as number;
    expect(formatText(T.time, timePlusInterval(at('22:00'), new Interval(1, 2, 5 * 3_600_000_000), 1))).toBe('03:00:00');
    expect(formatText(T.time, timePlusInterval(at('01:00'), new Interval(0, 0, 2 * 3_600_000_000), -1))).toBe('23:00:00');
    const minus = resolveBinaryOperator('-', T.time, T.time);
    expect(formatText(minus.resultType, minus.fn(at('08:00'), at('10:00')))).toBe('-02:00:00');
    const plus = resolveBinaryOperator('+', T.date, T.time);
    expect(formatText(plus.resultType, plus.fn(parseText(T.date, '2024-02-29'), at('13:45:01.5')))).toBe('2024-02-29 13:45:01.5');
  });

  it('casts from timestamps, intervals and text, and to interval', () => {
    expect(formatText(T.time, castValue(parseText(T.timestamp, '2024-05-06 07:08:09.123456'), T.timestamp, T.time))).toBe('07:08:09.123456');
    expect(formatText(T.time, castValue(parseText(T.interval, '25 hours 3 minutes'), T.interval, T.time))).toBe('01:03:00');
    expect(formatText(T.time, castValue(parseText(T.interval, '-1 hour'), T.interval, T.time))).toBe('23:00:00');
    expect(formatText(T.interval, castValue(parseText(T.time, '01:02:03'), T.time, T.interval))).toBe('01:02:03');
    expect(formatText(T.time, castValue('10:00:00.555', T.text, { kind: 'time', precision: 1 }))).toBe('10:00:00.6');
  });

  it.each([
    ['hour', '13'],
    ['minute', '45'],
    ['second', '56.789000'],
    ['milliseconds', '56789.000'],
    ['microseconds', '56789000'],
    ['epoch', '49556.789000'],
    ['day', 'ERROR 0A000: unit "day" not supported for type time without time zone'],
    ['fortnight', 'ERROR 22023: unit "fortnight" not recognized for type time without time zone'],
  ])('extract(%s from time 13:45:56.789) → %s', (unit, want) => {
    expect(outcome(() => extractTime(unit, parseText(T.time, '13:45:56.789') as number).toString())).toBe(want);
  });

  it('sends microseconds since midnight as an int64', () => {
    const b = formatBinary(T.time, parseText(T.time, '24:00'));
    expect(Buffer.from(b).toString('hex')).toBe('000000141dd76000');
    expect(parseBinary(T.time, b)).toBe(86_400_000_000);
  });
});

describe('REST JSON', () => {
  it('sends uuid, bytea and time as their PostgreSQL text, in JSON strings', () => {
    expect(encoderFor(T.uuid)(parseText(T.uuid, '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}'))).toBe('"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"');
    expect(encoderFor(T.bytea)(bytea('00ff5c'))).toBe('"\\\\x00ff5c"');
    expect(JSON.parse(encoderFor(T.bytea)(bytea('00ff5c')) as string)).toBe('\\x00ff5c');
    expect(encoderFor({ kind: 'time', precision: 2 })(parseText(T.time, '10:00:00.25'))).toBe('"10:00:00.25"');
  });
});
