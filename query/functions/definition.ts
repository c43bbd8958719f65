// The shape of one catalog entry of the scalar function library, before overload resolution.

import type { ColumnType, TypeKind, Value } from '../../src/types/index.js';

/** Per-row implementation; strict functions never see a NULL argument. */
export type ScalarImpl = (args: readonly Value[]) => Value;

/**
 * One overload, as pg_proc would list it. `variadic: 'any'` accepts any number (≥ 1) of extra
 * arguments of any type after `args` (concat); `variadic: 'common'` takes ≥ 1 arguments cast to
 * their common type, which is also the result type (greatest, least).
 */
export interface FunctionDef {
  readonly name: string;
  readonly args: readonly TypeKind[];
  readonly returns: TypeKind;
  readonly strict: boolean;
  readonly volatile?: boolean;
  readonly variadic?: 'any' | 'common';
  /** `variadic: 'any'` with no arguments at all is a valid call (jsonb_build_object()). */
  readonly variadicMayBeEmpty?: boolean;
  /** The implementation, when it needs nothing but the values. */
  readonly impl?: ScalarImpl;
  /** Builds the implementation from the resolved argument types (per-query state such as a regex cache). */
  readonly make?: (argTypes: readonly ColumnType[]) => ScalarImpl;
}

/** Shorthand for a strict, immutable overload. */
export function fn(name: string, args: readonly TypeKind[], returns: TypeKind, impl: ScalarImpl): FunctionDef {
  return { name, args, returns, strict: true, impl };
}
