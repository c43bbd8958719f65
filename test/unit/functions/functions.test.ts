// The scalar function library against results taken from PostgreSQL 15 (cases.ts). To re-check the
// expectations on a real server: compile test/unit/functions/pg-verify.ts and run it with
// PGHOST/PGPORT set to a scratch PostgreSQL 15.

import { describe, expect, it } from 'vitest';
import { EonError } from '../../../src/errors/index.js';
import { Numeric, T, type ColumnType, type TypeKind, type Value } from '../../../src/types/index.js';
import { isKnownFunction, resolveScalarFunction } from '../../../query/functions/index.js';
import { allFunctionCases, resolutionCases, type CaseArg, type ErrorExpectation, type FunctionCase } from './cases.js';

function valueOf([kind, text]: CaseArg): Value {
  if (text === null) return null;
  switch (kind) {
    case 'int2':
    case 'int4':
    case 'float4':
    case 'float8':
      return Number(text);
    case 'int8':
      return BigInt(text);
    case 'numeric':
      return numericOf(text);
    case 'text':
    case 'varchar':
    case 'unknown':
      return text;
    default:
      throw new Error(`no test conversion for ${kind}`);
  }
}

/** Test-only decimal reader for plain literals such as '-2.50'. */
function numericOf(text: string): Numeric {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (m === null) throw new Error(`bad numeric literal ${text}`);
  const fraction = m[3] ?? '';
  return new Numeric(BigInt(`${m[1]}${m[2] ?? ''}${fraction}` || '0'), fraction.length);
}

function numericText(v: Numeric): string {
  const negative = v.coef < 0n;
  const digits = (negative ? -v.coef : v.coef).toString().padStart(v.scale + 1, '0');
  const whole = digits.slice(0, digits.length - v.scale);
  const text = v.scale > 0 ? `${whole}.${digits.slice(digits.length - v.scale)}` : whole;
  return negative ? `-${text}` : text;
}

function textOf(type: ColumnType, v: Value): string | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number' && (type.kind === 'float8' || type.kind === 'float4')) {
    if (Object.is(v, -0)) return '-0';
    return String(v);
  }
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return String(v);
  if (v instanceof Numeric) return numericText(v);
  throw new Error(`no test formatting for ${type.kind}`);
}

/** The implicit casts the binder inserts, for the kinds these cases use. */
function castForTest(v: Value, from: TypeKind, to: TypeKind): Value {
  if (v === null || from === to) return v;
  if (to === 'numeric' && (typeof v === 'number' || typeof v === 'bigint')) return new Numeric(BigInt(v), 0);
  if ((to === 'float8' || to === 'float4') && (typeof v === 'number' || typeof v === 'bigint')) return Number(v);
  if (to === 'float8' && typeof v === 'string') return Number(v);
  if (to === 'int4' || to === 'int8' || to === 'text') return to === 'int8' ? BigInt(v as number) : v;
  throw new Error(`no test cast from ${from} to ${to}`);
}

/** Calls a function the way the executor does: strict functions short-circuit on NULL. */
function run(c: FunctionCase): string | null {
  const argTypes = c.args.map(([k]) => T[k]);
  const f = resolveScalarFunction(c.name, argTypes);
  const values = c.args.map((a, i) => castForTest(valueOf(a), a[0], f.argTypes[i]?.kind ?? a[0]));
  if (f.strict && values.some((v) => v === null)) return null;
  return textOf(f.returnType, f.impl(values));
}

function describeCase(c: FunctionCase): string {
  return `${c.name}(${c.args.map(([k, v]) => `${v === null ? 'NULL' : JSON.stringify(v)}::${k}`).join(', ')})`;
}

function expectError(fnCall: () => unknown, e: ErrorExpectation): void {
  let thrown: unknown;
  try {
    fnCall();
  } catch (x) {
    thrown = x;
  }
  expect(thrown).toBeInstanceOf(EonError);
  const err = thrown as EonError;
  expect({ sqlstate: err.sqlstate, message: err.message }).toEqual(e);
}

describe('scalar functions match PostgreSQL 15', () => {
  for (const c of allFunctionCases) {
    it(describeCase(c), () => {
      const want = c.expect;
      if (want !== null && typeof want === 'object') expectError(() => run(c), want);
      else expect(run(c)).toBe(want);
    });
  }
});

describe('overload resolution matches PostgreSQL 15', () => {
  for (const r of resolutionCases) {
    it(`${r.name}(${r.inputs.join(', ')})`, () => {
      const resolve = () => resolveScalarFunction(r.name, r.inputs.map((k: TypeKind) => T[k]));
      if (typeof r.returns === 'object') expectError(resolve, r.returns);
      else expect(resolve().returnType.kind).toBe(r.returns);
    });
  }

  it('casts arguments to the declared types of the chosen overload', () => {
    const f = resolveScalarFunction('round', [T.int4]);
    expect(f.argTypes.map((t) => t.kind)).toEqual(['float8']);
    const g = resolveScalarFunction('upper', [T.unknown]);
    expect(g.argTypes.map((t) => t.kind)).toEqual(['text']);
  });

  it('gives the PostgreSQL hint for a missing function', () => {
    try {
      resolveScalarFunction('upper', [T.int4]);
      expect.unreachable();
    } catch (e) {
      expect((e as EonError).hint).toBe(
        'No function matches the given name and argument types. You might need to add explicit type casts.',
      );
    }
  });

  it('knows function names case-insensitively and marks random() volatile', () => {
    expect(isKnownFunction('UPPER')).toBe(true);
    expect(isKnownFunction('no_such_function')).toBe(false);
    expect(resolveScalarFunction('random', []).volatile).toBe(true);
    expect(resolveScalarFunction('pi', []).volatile).toBeUndefined();
    const r = resolveScalarFunction('random', []).impl([]) as number;
    expect(r >= 0 && r < 1).toBe(true);
  });
});
