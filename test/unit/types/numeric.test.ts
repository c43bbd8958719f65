import { describe, expect, it } from 'vitest';
import { Numeric, divScale, numericExp, numericLn, numericLog, numericPower } from '../../../src/types/index.js';
import { outcome } from './helpers.js';
import { floatToNumeric, numericArith, numericIn, numericPower as powerCases, numericRound, numericTranscendental, numericTypmod } from './pg-fixtures.js';

const N = (s: string): Numeric => Numeric.parse(s);

describe('Numeric against PostgreSQL 15', () => {
  it.each(numericIn)('parses %j', (input, want) => {
    expect(outcome(() => N(input).toString())).toBe(want);
  });

  it.each(numericArith)('%s %s %s', (a, op, b, want) => {
    const x = N(a);
    const y = N(b);
    const got = outcome(() => {
      switch (op) {
        case '+':
          return x.add(y).toString();
        case '-':
          return x.sub(y).toString();
        case '*':
          return x.mul(y).toString();
        case '/':
          return x.div(y).toString();
        default:
          return x.mod(y).toString();
      }
    });
    expect(got).toBe(want);
  });

  it.each(numericRound)('%s(%s, %i)', (fn, a, s, want) => {
    const x = N(a);
    const got = outcome(() => {
      switch (fn) {
        case 'round':
          return x.round(s).toString();
        case 'trunc':
          return x.trunc(s).toString();
        case 'ceil':
          return x.ceil().toString();
        case 'floor':
          return x.floor().toString();
        case 'abs':
          return x.abs().toString();
        default:
          return x.neg().toString();
      }
    });
    expect(got).toBe(want);
  });

  it.each(numericTypmod)('%s::numeric(%i,%i)', (a, p, s, want) => {
    expect(outcome(() => N(a).toTypmod(p, s).toString())).toBe(want);
  });

  it.each(powerCases)('%s ^ %j (sqrt when empty)', (a, b, want) => {
    expect(outcome(() => (b === '' ? N(a).sqrt() : N(a).powInt(Number(N(b).trunc(0).coef))).toString())).toBe(want);
  });

  it.each(numericTranscendental)('%s(%s, %j)', (fn, a, b, want) => {
    const got = outcome(() => {
      switch (fn) {
        case 'ln':
          return numericLn(N(a)).toString();
        case 'exp':
          return numericExp(N(a)).toString();
        case 'log':
          return numericLog(N(a), N(b)).toString();
        default:
          return numericPower(N(a), N(b)).toString();
      }
    });
    expect(got).toBe(want);
  });

  it.each(floatToNumeric.filter(([, v]) => v !== 'NaN'))('%s %s → numeric', (kind, input, want) => {
    const v = kind === 'float4' ? Math.fround(Number(input)) : Number(input);
    expect(Numeric.fromNumber(v, kind === 'float4' ? 6 : 15).toString()).toBe(want);
  });
});

describe('Numeric', () => {
  it('keeps the display scale of its input', () => {
    expect(N('1.50').toString()).toBe('1.50');
    expect(N('1.50').scale).toBe(2);
    expect(N('1e3').toString()).toBe('1000');
    expect(N(' 12 ').toString()).toBe('12');
  });

  it('follows select_div_scale', () => {
    expect(N('1.0').div(N('3')).toString()).toBe('0.33333333333333333333');
    expect(N('10').div(N('4')).toString()).toBe('2.5000000000000000');
    expect(divScale(N('1'), N('30000'))).toBe(24);
  });

  it('reports division by zero as 22012', () => {
    expect(() => N('1').div(N('0'))).toThrow(expect.objectContaining({ sqlstate: '22012', message: 'division by zero' }));
    expect(() => N('1').mod(N('0.0'))).toThrow(expect.objectContaining({ sqlstate: '22012' }));
  });

  it('reports numeric field overflow with the detail PostgreSQL gives', () => {
    expect(() => N('1234.5').toTypmod(5, 2)).toThrow(
      expect.objectContaining({
        sqlstate: '22003',
        message: 'numeric field overflow',
        detail: 'A field with precision 5, scale 2 must round to an absolute value less than 10^3.',
      }),
    );
  });

  it('converts from and to JavaScript numbers', () => {
    expect(Numeric.fromBigInt(-12345678901234567890n).toString()).toBe('-12345678901234567890');
    expect(N('-0.125').toNumber()).toBe(-0.125);
    expect(Numeric.fromNumber(0.1).toString()).toBe('0.1');
    expect(() => Numeric.fromNumber(Number.NaN)).toThrow(expect.objectContaining({ sqlstate: '0A000' }));
  });

  it('compares across scales', () => {
    expect(N('1.0').compare(N('1.00'))).toBe(0);
    expect(N('-0.5').compare(N('0.25'))).toBe(-1);
    expect(N('10').compare(N('9.999'))).toBe(1);
  });

  it('refuses powers whose result cannot be represented', () => {
    expect(() => N('10').powInt(200000)).toThrow(expect.objectContaining({ sqlstate: '22003' }));
    expect(N('10').powInt(-200000).toString()).toBe('0.0000000000000000');
  });
});
