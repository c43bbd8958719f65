// jsonb input, normalization, output, order and equality keys. Expected error texts (message,
// DETAIL and CONTEXT) and outputs were taken from PostgreSQL 15 (`SELECT $$…$$::jsonb`).
import { describe, expect, it } from 'vitest';
import { EonError } from '../../../src/errors/index.js';
import { compareJsonbText, formatJsonbPretty, jsonbInput, jsonbKey, jsonbTree, validateJson } from '../../../src/types/jsonb.js';
import { castValue, compareValues, keyString, parseText, T } from '../../../src/types/index.js';

function errorOf(f: () => unknown): EonError {
  try {
    f();
  } catch (e) {
    if (e instanceof EonError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('jsonb input and canonical output', () => {
  it('sorts keys by byte length then bytes, keeps the last duplicate and prints PostgreSQL spacing', () => {
    expect(jsonbInput('{"bbb":1,"a":2,"cc":3,"é":4,"b":5}')).toBe('{"a": 2, "b": 5, "cc": 3, "é": 4, "bbb": 1}');
    expect(jsonbInput('{"a":1,"a":2,"b":{"c":1,"c":3}}')).toBe('{"a": 2, "b": {"c": 3}}');
    expect(jsonbInput(' \n\t[ 1 ,2,  "x" ,{}, [] ]\r ')).toBe('[1, 2, "x", {}, []]');
  });

  it('keeps numbers as numeric text: scale kept, exponents expanded, -0 is 0', () => {
    expect(jsonbInput('[1.50, -0, 1e3, 1.5E-3, -2.50e1, 123456789012345678901234567890.000]')).toBe(
      '[1.50, 0, 1000, 0.0015, -25.0, 123456789012345678901234567890.000]',
    );
  });

  it('de-escapes strings and escapes them again as escape_json does', () => {
    expect(jsonbInput('"\\u00e9\\ud83d\\ude00 \\/ \\t \\u0001"')).toBe('"é😀 / \\t \\u0001"');
    expect(jsonbInput('{"q": "\\"\\\\"}')).toBe('{"q": "\\"\\\\"}');
  });

  it('reports PostgreSQL 15 details and contexts for bad input', () => {
    const cases: [string, string, string][] = [
      ['{"a": 1', 'The input string ended unexpectedly.', 'JSON data, line 1: {"a": 1'],
      ['{"a" 1}', 'Expected ":", but found "1".', 'JSON data, line 1: {"a" 1...'],
      ['[1, 2,]', 'Expected JSON value, but found "]".', 'JSON data, line 1: [1, 2,]'],
      ['01', 'Token "01" is invalid.', 'JSON data, line 1: 01'],
      ['{"a": 1} x', 'Token "x" is invalid.', 'JSON data, line 1: {"a": 1} x'],
      ['"\\x"', 'Escape sequence "\\x" is invalid.', 'JSON data, line 1: "\\x...'],
      ['"\\ud83d"', 'Unicode low surrogate must follow a high surrogate.', 'JSON data, line 1: "\\ud83d"'],
      ['"\\ude00"', 'Unicode low surrogate must follow a high surrogate.', 'JSON data, line 1: "\\ude00...'],
      ['"\\ud83d\\ud83d"', 'Unicode high surrogate must not follow a high surrogate.', 'JSON data, line 1: "\\ud83d\\ud83d...'],
      ['', 'The input string ended unexpectedly.', 'JSON data, line 1: '],
      ['{1:2}', 'Expected string or "}", but found "1".', 'JSON data, line 1: {1...'],
      ['[1 2]', 'Expected "," or "]", but found "2".', 'JSON data, line 1: [1 2...'],
      ['{"a":1,}', 'Expected string, but found "}".', 'JSON data, line 1: {"a":1,}'],
      ['"\\u12"', '"\\u" must be followed by four hexadecimal digits.', 'JSON data, line 1: "\\u12"'],
      ['-', 'Token "-" is invalid.', 'JSON data, line 1: -'],
      ['1.', 'Token "1." is invalid.', 'JSON data, line 1: 1.'],
      ['.5', 'Token "." is invalid.', 'JSON data, line 1: ....'],
      ['"abc', 'Token ""abc" is invalid.', 'JSON data, line 1: "abc'],
      ['{"a":\n [1,\n x]}', 'Token "x" is invalid.', 'JSON data, line 3:  x...'],
      [
        '{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": [1, 2, 3, 4, zzz]}',
        'Token "zzz" is invalid.',
        'JSON data, line 1: ...aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": [1, 2, 3, 4, zzz...',
      ],
      ['"a\tb"', 'Character with value 0x09 must be escaped.', 'JSON data, line 1: "a...'],
    ];
    for (const [input, detail, where] of cases) {
      const e = errorOf(() => jsonbInput(input));
      expect([input, e.sqlstate, e.message, e.detail, e.where]).toEqual([input, '22P02', 'invalid input syntax for type json', detail, where]);
    }
    const zero = errorOf(() => jsonbInput('"\\u0000"'));
    expect([zero.sqlstate, zero.message, zero.detail]).toEqual(['22P05', 'unsupported Unicode escape sequence', '\\u0000 cannot be converted to text.']);
  });

  it('json input only checks the syntax: \\u0000 and lone surrogates pass, bad tokens do not', () => {
    expect(() => validateJson('{"a": "\\u0000\\ud83d", "a": 1}')).not.toThrow();
    expect(errorOf(() => validateJson('[1,')).sqlstate).toBe('22P02');
    expect(parseText(T.json, ' {"b" : 1, "a":2} ')).toBe(' {"b" : 1, "a":2} ');
  });

  it('refuses nesting deeper than the limit with 54001 instead of overflowing the stack', () => {
    expect(errorOf(() => jsonbInput('['.repeat(5000) + ']'.repeat(5000))).sqlstate).toBe('54001');
    expect(jsonbInput('['.repeat(100) + ']'.repeat(100))).toBe('['.repeat(100) + ']'.repeat(100));
  });

  it('pretty-prints as jsonb_pretty', () => {
    expect(formatJsonbPretty(jsonbTree('{"a": [1, {"b": 2}], "c": {}}'))).toBe('{\n    "a": [\n        1,\n        {\n            "b": 2\n        }\n    ],\n    "c": {\n    }\n}');
  });
});

describe('jsonb order and equality', () => {
  const ordered = ['[]', 'null', '""', '"a"', '"b"', '-1', '1', '1.5', 'false', 'true', '[1]', '[2]', '[1, 2]', '{}', '{"aa": 1}', '{"b": 1}', '{"a": 1, "b": 1}'];

  // PostgreSQL 15's ORDER BY of exactly these values; object keys compare by collation, not length.
  it('follows the jsonb btree order: [] < scalars (null < string < number < bool) < arrays < objects', () => {
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const c = Math.sign(compareJsonbText(jsonbInput(ordered[i]!), jsonbInput(ordered[j]!)));
        expect([ordered[i], ordered[j], c]).toEqual([ordered[i], ordered[j], Math.sign(i - j)]);
      }
    }
  });

  it('compares objects pair by pair in storage order and arrays by length first', () => {
    expect(compareValues(T.jsonb, jsonbInput('{"a": 1, "b": 2}'), jsonbInput('{"a": 1, "b": 3}'))).toBeLessThan(0);
    expect(compareValues(T.jsonb, jsonbInput('[9]'), jsonbInput('[1, 1]'))).toBeLessThan(0);
    expect(compareValues(T.jsonb, jsonbInput('"1"'), jsonbInput('[1]'))).toBeLessThan(0);
  });

  it('treats numbers that differ only in trailing zeros as equal, with one key', () => {
    const a = jsonbInput('{"a": 1.0, "b": [2.50, "x.0"]}');
    const b = jsonbInput('{"b": [2.5, "x.0"], "a": 1}');
    expect(compareJsonbText(a, b)).toBe(0);
    expect(jsonbKey(a)).toBe(jsonbKey(b));
    expect(keyString(T.jsonb, a)).toBe(keyString(T.jsonb, b));
    expect(jsonbKey(jsonbInput('{"a": "1.0"}'))).not.toBe(jsonbKey(jsonbInput('{"a": "1"}')));
  });
});

describe('jsonb casts', () => {
  it('casts numeric and boolean scalars out, and names the jsonb type it cannot cast', () => {
    expect(castValue(jsonbInput('1.5'), T.jsonb, T.int4, true)).toBe(2);
    expect(castValue(jsonbInput('true'), T.jsonb, T.bool, true)).toBe(true);
    expect(String(castValue(jsonbInput('2.50'), T.jsonb, T.numeric, true))).toBe('2.50');
    expect(castValue(jsonbInput('{"b":1,"a":2}'), T.jsonb, T.text, true)).toBe('{"a": 2, "b": 1}');
    expect(castValue('{"b":1, "a":2}', T.json, T.jsonb, true)).toBe('{"a": 2, "b": 1}');
    const e = errorOf(() => castValue(jsonbInput('"42"'), T.jsonb, T.int4, true));
    expect([e.sqlstate, e.message]).toEqual(['22023', 'cannot cast jsonb string to type integer']);
    expect(errorOf(() => castValue(jsonbInput('[1]'), T.jsonb, T.float8, true)).message).toBe('cannot cast jsonb array to type double precision');
    expect(errorOf(() => castValue(jsonbInput('null'), T.jsonb, T.bool, true)).message).toBe('cannot cast jsonb null to type boolean');
  });
});
