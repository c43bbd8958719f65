// json's scalar functions (PostgreSQL 15 json.c / jsonfuncs.c): to_json, json_build_object and
// json_build_array, which write json text in PostgreSQL's layout (`{"a" : 1, "b" : [1, 2]}`;
// json values are embedded as written), and json_typeof / json_array_length over the input text.

import { EonError } from '../../src/errors/index.js';
import { formatText, type ColumnType, type Value } from '../../src/types/index.js';
import { escapeJsonString } from '../../src/types/jsonb.js';
import { jsonSpans } from '../../src/types/json-text.js';
import type { FunctionDef, ScalarImpl } from './definition.js';
import { fn } from './definition.js';

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** datum_to_json: a SQL value as json text, by its type. */
export function toJsonText(type: ColumnType, v: Value): string {
  if (v === null) return 'null';
  switch (type.kind) {
    case 'bool':
      return v ? 'true' : 'false';
    case 'int2':
    case 'int4':
    case 'int8':
    case 'numeric':
      return formatText(type, v);
    case 'float4':
    case 'float8': {
      const text = formatText(type, v);
      return JSON_NUMBER.test(text) ? text : escapeJsonString(text);
    }
    case 'json':
    case 'jsonb':
      return v as string;
    case 'timestamp':
    case 'timestamptz': {
      const text = formatText(type, v);
      return escapeJsonString(/^-?infinity$/.test(text) ? text : text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
    }
    default:
      return escapeJsonString(typeof v === 'string' && (type.kind === 'text' || type.kind === 'varchar' || type.kind === 'unknown') ? v : formatText(type, v));
  }
}

function keyOf(type: ColumnType, v: Value, position: number): string {
  if (v === null) throw new EonError('invalid_parameter_value', `argument ${position} cannot be null`, { hint: 'Object keys should be text.' });
  if (type.kind === 'json' || type.kind === 'jsonb') {
    throw new EonError('invalid_parameter_value', 'key value must be scalar, not array, composite, or json');
  }
  const text = toJsonText(type, v);
  return text.startsWith('"') ? text : escapeJsonString(text);
}

function makeToJson(argTypes: readonly ColumnType[]): ScalarImpl {
  const t = argTypes[0];
  if (argTypes.length !== 1 || t === undefined) {
    throw new EonError('undefined_function', `function to_json with ${argTypes.length} arguments does not exist`);
  }
  return (args) => toJsonText(t, args[0] ?? null);
}

function makeBuildObject(argTypes: readonly ColumnType[]): ScalarImpl {
  if (argTypes.length % 2 !== 0) {
    throw new EonError('invalid_parameter_value', 'argument list must have even number of elements', {
      hint: 'The arguments of json_build_object() must consist of alternating keys and values.',
    });
  }
  return (args) => {
    const parts: string[] = [];
    for (let i = 0; i < args.length; i += 2) {
      parts.push(`${keyOf(argTypes[i]!, args[i] ?? null, i + 1)} : ${toJsonText(argTypes[i + 1]!, args[i + 1] ?? null)}`);
    }
    return `{${parts.join(', ')}}`;
  };
}

function makeBuildArray(argTypes: readonly ColumnType[]): ScalarImpl {
  return (args) => `[${args.map((v, i) => toJsonText(argTypes[i]!, v ?? null)).join(', ')}]`;
}

const TYPE_NAMES = { object: 'object', array: 'array', string: 'string', number: 'number', true: 'boolean', false: 'boolean', null: 'null' } as const;

function arrayLength(args: readonly Value[]): Value {
  const v = jsonSpans(args[0] as string);
  if (v.kind === 'array') return v.items.length;
  throw new EonError('invalid_parameter_value', v.kind === 'object' ? 'cannot get array length of a non-array' : 'cannot get array length of a scalar');
}

export const jsonFunctions: readonly FunctionDef[] = [
  { name: 'to_json', args: [], returns: 'json', strict: true, variadic: 'any', make: makeToJson },
  { name: 'json_build_object', args: [], returns: 'json', strict: false, variadic: 'any', variadicMayBeEmpty: true, make: makeBuildObject },
  { name: 'json_build_array', args: [], returns: 'json', strict: false, variadic: 'any', variadicMayBeEmpty: true, make: makeBuildArray },
  fn('json_typeof', ['json'], 'text', (a) => TYPE_NAMES[jsonSpans(a[0] as string).kind]),
  fn('json_array_length', ['json'], 'int4', arrayLength),
];
