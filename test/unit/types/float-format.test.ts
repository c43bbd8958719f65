import { describe, expect, it } from 'vitest';
import { T, formatFloat4, formatFloat8, parseText } from '../../../src/types/index.js';
import { outcome } from './helpers.js';
import { float4In, float8In } from './pg-fixtures.js';

describe('float output against PostgreSQL 15', () => {
  it.each(float8In)('float8 %j', (input, want) => {
    expect(outcome(() => formatFloat8(parseText(T.float8, input) as number))).toBe(want);
  });

  it.each(float4In)('float4 %j', (input, want) => {
    expect(outcome(() => formatFloat4(parseText(T.float4, input) as number))).toBe(want);
  });
});

describe('formatFloat8', () => {
  it('switches to exponent form at 1e15 and below 1e-4', () => {
    expect(formatFloat8(1e15)).toBe('1e+15');
    expect(formatFloat8(123456789012345)).toBe('123456789012345');
    expect(formatFloat8(0.0001)).toBe('0.0001');
    expect(formatFloat8(0.00001)).toBe('1e-05');
    expect(formatFloat8(1.5e300)).toBe('1.5e+300');
  });

  it('prints the special values', () => {
    expect(formatFloat8(Number.NaN)).toBe('NaN');
    expect(formatFloat8(Infinity)).toBe('Infinity');
    expect(formatFloat8(-Infinity)).toBe('-Infinity');
    expect(formatFloat8(-0)).toBe('-0');
  });
});

describe('formatFloat4', () => {
  it('prints the shortest digits of the float32 value', () => {
    expect(formatFloat4(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat4(Math.fround(1e6))).toBe('1e+06');
    expect(formatFloat4(Math.fround(123456))).toBe('123456');
    expect(formatFloat4(Math.fround(16777217))).toBe('1.6777216e+07');
  });
});
