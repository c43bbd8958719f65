// Functions taking any number of arguments: concat and concat_ws (VARIADIC "any", printed with each
// argument's own text output) and GREATEST/LEAST (every argument cast to one common type).

import { EonError } from '../../src/errors/index.js';
import { commonType, compareValues, formatText } from '../../src/types/index.js';
import type { ColumnType, Value } from '../../src/types/index.js';
import type { FunctionDef, ScalarImpl } from './definition.js';

function isTextKind(t: ColumnType): boolean {
  return t.kind === 'text' || t.kind === 'varchar' || t.kind === 'unknown';
}

/** Text of each argument as PostgreSQL's output function prints it; NULL stays null. */
function textOutputs(argTypes: readonly ColumnType[]): ((v: Value) => string)[] {
  return argTypes.map((t) => (isTextKind(t) ? (v: Value) => v as string : (v: Value) => formatText(t, v)));
}

function makeConcat(argTypes: readonly ColumnType[]): ScalarImpl {
  const out = textOutputs(argTypes);
  return (args) => {
    let s = '';
    for (let i = 0; i < args.length; i++) {
      const v = args[i];
      if (v !== null && v !== undefined) s += (out[i] as (v: Value) => string)(v);
    }
    return s;
  };
}

function makeConcatWs(argTypes: readonly ColumnType[]): ScalarImpl {
  const out = textOutputs(argTypes);
  return (args) => {
    const separator = args[0];
    if (separator === null || separator === undefined) return null;
    let s = '';
    let first = true;
    for (let i = 1; i < args.length; i++) {
      const v = args[i];
      if (v === null || v === undefined) continue;
      if (!first) s += separator as string;
      s += (out[i] as (v: Value) => string)(v);
      first = false;
    }
    return s;
  };
}

/** GREATEST/LEAST ignore NULLs and are NULL only when every argument is. */
function makeExtreme(sign: 1 | -1): (argTypes: readonly ColumnType[]) => ScalarImpl {
  return (argTypes) => {
    const type = argTypes[0];
    if (type === undefined) throw new Error('GREATEST/LEAST need at least one argument');
    return (args) => {
      let best: Value = null;
      for (const v of args) {
        if (v === null || v === undefined) continue;
        if (best === null || sign * compareValues(type, v, best) > 0) best = v;
      }
      return best;
    };
  };
}

/** The common type of GREATEST/LEAST arguments, with PostgreSQL's error naming the construct. */
export function extremeType(name: 'greatest' | 'least', inputs: readonly ColumnType[]): ColumnType {
  const known = inputs.filter((t) => t.kind !== 'unknown');
  if (known.length === 0) return { kind: 'text' };
  try {
    return commonType(known);
  } catch (e) {
    if (e instanceof EonError) {
      throw new EonError(e.code, e.message.replace(/^\w+ types/, `${name.toUpperCase()} types`), { hint: e.hint });
    }
    throw e;
  }
}

export const variadicFunctions: readonly FunctionDef[] = [
  { name: 'concat', args: [], returns: 'text', strict: false, variadic: 'any', make: makeConcat },
  { name: 'concat_ws', args: ['text'], returns: 'text', strict: false, variadic: 'any', make: makeConcatWs },
  { name: 'greatest', args: [], returns: 'unknown', strict: false, variadic: 'common', make: makeExtreme(1) },
  { name: 'least', args: [], returns: 'unknown', strict: false, variadic: 'common', make: makeExtreme(-1) },
];
