// Resolution of the uuid, bytea and time functions by argument types, and localtime.

import { describe, expect, it } from 'vitest';
import { resolveScalarFunction } from '../../../query/functions/index.js';
import { T, formatText } from '../../../src/types/index.js';

const bytes = (hex: string): string => Buffer.from(hex, 'hex').toString('latin1');

describe('uuid, bytea and time functions', () => {
  it('picks the bytea overloads for bytea and keeps text for untyped literals', () => {
    expect(resolveScalarFunction('length', [T.bytea]).impl([bytes('00ff5c')])).toBe(3);
    expect(resolveScalarFunction('length', [T.unknown]).argTypes).toEqual([T.text]);
    const sub = resolveScalarFunction('substring', [T.bytea, T.int4, T.int4]);
    expect(sub.returnType).toEqual(T.bytea);
    expect(sub.impl([bytes('0102030405'), 2, 3])).toBe(bytes('020304'));
    expect(resolveScalarFunction('encode', [T.bytea, T.unknown]).impl([bytes('00ff'), 'hex'])).toBe('00ff');
    expect(resolveScalarFunction('decode', [T.unknown, T.unknown]).returnType).toEqual(T.bytea);
  });

  it('gen_random_uuid is volatile and typed uuid', () => {
    const f = resolveScalarFunction('gen_random_uuid', []);
    expect(f.volatile).toBe(true);
    expect(f.returnType).toEqual(T.uuid);
    expect(f.impl([])).not.toBe(f.impl([]));
  });

  it('extract and date_part take a time exactly', () => {
    const extract = resolveScalarFunction('extract', [T.text, T.time]);
    expect(extract.returnType).toEqual(T.numeric);
    expect(String(extract.impl(['second', 3_723_500_000]))).toBe('3.500000');
    expect(resolveScalarFunction('date_part', [T.text, T.time]).impl(['minute', 3_723_500_000])).toBe(2);
  });

  it('localtime is a time of day', () => {
    const lt = resolveScalarFunction('localtime', []);
    const v = lt.impl([]) as number;
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThan(86_400_000_000);
    expect(formatText(T.time, v)).toMatch(/^\d\d:\d\d:\d\d/);
  });
});
