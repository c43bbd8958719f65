// The scalar function library: the catalog of built-in functions and PostgreSQL-style lookup by
// name and argument types, done once per query; the returned implementation runs per row.

import { EonError } from '../../src/errors/index.js';
import { T, typeName } from '../../src/types/index.js';
import type { ColumnType, TypeKind, Value } from '../../src/types/index.js';
import type { FunctionDef, ScalarImpl } from './definition.js';
import { selectCandidate } from './resolve.js';
import { stringFunctions } from './string.js';
import { mathFunctions } from './math.js';
import { regexFunctions } from './regex.js';
import { extremeType, variadicFunctions } from './variadic.js';
import { calendarFunctions, clockFunctions } from './datetime.js';
import { systemFunctions } from './system.js';
import { nameFunctions } from './names.js';
import { sequenceFunctions } from './sequences.js';
import { formattingFunctions } from './formatting.js';
import { jsonbFunctions } from './jsonb.js';
import { jsonFunctions } from './json.js';
import { uuidByteaTimeFunctions } from './uuid-bytea-time.js';
import { timeZoneFunctions } from './time-zone.js';

export type { FunctionDef, ScalarImpl } from './definition.js';
export { canCoerceImplicitly, selectCandidate, typeCategory } from './resolve.js';

export interface ScalarFunction {
  readonly name: string;
  /** The types the caller must cast each argument to. */
  readonly argTypes: readonly ColumnType[];
  readonly returnType: ColumnType;
  /** True: any NULL argument → NULL without calling impl. */
  readonly strict: boolean;
  /** now(), random(): never constant-folded. */
  readonly volatile?: boolean;
  readonly impl: (args: readonly Value[]) => Value;
}

const noMatchHint =
  'No function matches the given name and argument types. You might need to add explicit type casts.';
const ambiguousHint = 'Could not choose a best candidate function. You might need to add explicit type casts.';

function buildCatalog(defs: readonly FunctionDef[]): ReadonlyMap<string, readonly FunctionDef[]> {
  const byName = new Map<string, FunctionDef[]>();
  for (const d of defs) {
    const list = byName.get(d.name);
    if (list === undefined) byName.set(d.name, [d]);
    else list.push(d);
  }
  return byName;
}

const catalog = buildCatalog([...stringFunctions, ...mathFunctions, ...regexFunctions, ...variadicFunctions, ...clockFunctions, ...calendarFunctions, ...systemFunctions, ...nameFunctions, ...sequenceFunctions, ...formattingFunctions, ...jsonbFunctions, ...jsonFunctions, ...uuidByteaTimeFunctions, ...timeZoneFunctions]);

export function isKnownFunction(name: string): boolean {
  return catalog.has(name.toLowerCase());
}

/** All function names in the library, for introspection and tests. */
export function knownFunctionNames(): readonly string[] {
  return [...catalog.keys()].sort();
}

/**
 * Resolves `name(argTypes)` as PostgreSQL would among eon's built-ins. Throws undefined_function
 * (42883) when nothing fits and ambiguous_function (42725) when several fit equally well.
 */
export function resolveScalarFunction(name: string, argTypes: readonly ColumnType[]): ScalarFunction {
  const lname = name.toLowerCase();
  const defs = catalog.get(lname);
  const inputs = argTypes.map((t) => t.kind);
  const signature = `${lname}(${argTypes.map(typeName).join(', ')})`;
  if (defs === undefined) throw notFound(signature);
  const variadic = defs.find((d) => d.variadic !== undefined);
  if (variadic !== undefined) return resolveVariadic(variadic, argTypes, signature);
  const result = selectCandidate(defs, (d) => d.args, inputs);
  switch (result.kind) {
    case 'found':
      return instantiate(result.candidate, result.candidate.args.map(typeOfKind), typeOfKind(result.candidate.returns));
    case 'none':
      throw notFound(signature);
    case 'ambiguous':
      throw new EonError('ambiguous_function', `function ${signature} is not unique`, { hint: ambiguousHint });
    default: {
      const never: never = result;
      throw new Error(`unexpected resolution ${String(never)}`);
    }
  }
}

function notFound(signature: string): EonError {
  return new EonError('undefined_function', `function ${signature} does not exist`, { hint: noMatchHint });
}

function typeOfKind(k: TypeKind): ColumnType {
  return T[k];
}

function instantiate(def: FunctionDef, argTypes: readonly ColumnType[], returnType: ColumnType): ScalarFunction {
  const impl: ScalarImpl | undefined = def.make !== undefined ? def.make(argTypes) : def.impl;
  if (impl === undefined) throw new Error(`function ${def.name} has no implementation`);
  const f: ScalarFunction = { name: def.name, argTypes, returnType, strict: def.strict, impl };
  return def.volatile === true ? { ...f, volatile: true } : f;
}

function resolveVariadic(def: FunctionDef, argTypes: readonly ColumnType[], signature: string): ScalarFunction {
  const fixed = def.args.length;
  const mayBeEmpty = def.variadicMayBeEmpty === true && argTypes.length === fixed;
  if (argTypes.length <= fixed && def.variadic === 'any' && !mayBeEmpty) throw notFound(signature);
  if (argTypes.length === 0 && !mayBeEmpty) throw notFound(signature);
  for (let i = 0; i < fixed; i++) {
    const t = argTypes[i];
    const want = def.args[i];
    if (t === undefined || want === undefined || !(t.kind === want || t.kind === 'unknown' || (want === 'text' && t.kind === 'varchar'))) {
      throw notFound(signature);
    }
  }
  if (def.variadic === 'any') {
    const types = argTypes.map((t, i) => (i < fixed ? typeOfKind(def.args[i] ?? 'text') : t.kind === 'unknown' ? T.text : t));
    return instantiate(def, types, typeOfKind(def.returns));
  }
  const common = extremeType(def.name === 'least' ? 'least' : 'greatest', argTypes);
  return instantiate(def, argTypes.map(() => common), common);
}
