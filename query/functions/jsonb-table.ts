// jsonb's one-column set-returning functions for FROM (query/bind/table-function.ts):
// jsonb_array_elements, jsonb_array_elements_text and jsonb_object_keys, with PostgreSQL 15's
// errors for the wrong kind of container.

import { EonError } from '../../src/errors/index.js';
import { T } from '../../src/types/index.js';
import type { TableFunction } from '../bind/table-function.js';
import { formatJsonb, isJsonArray, jsonbTree, JsonObject, type Json } from '../../src/types/jsonb.js';
import type { Expr } from '../plan/expr.js';
import { jsonbAsText } from './jsonb-operators.js';

export const JSONB_TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['jsonb_array_elements', 'jsonb_array_elements_text', 'jsonb_object_keys']);

/** The OUT parameter name PostgreSQL gives the column (a table alias does not rename it), if any. */
export function jsonbOutColumn(name: string): string | null {
  return name === 'jsonb_array_elements' || name === 'jsonb_array_elements_text' ? 'value' : null;
}


function items(name: string, v: Json): readonly Json[] {
  if (name === 'jsonb_object_keys') {
    if (v instanceof JsonObject) return v.keys;
    throw new EonError('invalid_parameter_value', `cannot call jsonb_object_keys on ${isJsonArray(v) ? 'an array' : 'a scalar'}`);
  }
  if (isJsonArray(v)) return v;
  throw new EonError('invalid_parameter_value', `cannot extract elements from ${v instanceof JsonObject ? 'an object' : 'a scalar'}`);
}

/** Binds `name(jsonb)`; `toJsonb` coerces the argument (an untyped literal becomes jsonb). */
export function jsonbTableFunction(name: string, args: Expr[], toJsonb: (e: Expr) => Expr): { fn: TableFunction; args: Expr[] } {
  if (args.length !== 1 || (args[0]!.type.kind !== 'jsonb' && args[0]!.type.kind !== 'unknown')) {
    throw new EonError('undefined_function', `function ${name}(${args.map((a) => a.type.kind).join(', ')}) does not exist`);
  }
  const asText = name !== 'jsonb_array_elements';
  return {
    args: [toJsonb(args[0]!)],
    fn: {
      type: asText ? T.text : T.jsonb,
      *values(values) {
        const v = values[0];
        if (v === null || v === undefined) return;
        for (const item of items(name, jsonbTree(v as string))) yield asText ? jsonbAsText(item) : formatJsonb(item);
      },
    },
  };
}
