// jsonb's scalar functions (PostgreSQL 15 jsonb.c / jsonfuncs.c): to_jsonb and the builders, the
// readers (jsonb_typeof, jsonb_array_length, jsonb_extract_path[_text]) and the editors
// (jsonb_set, jsonb_strip_nulls, jsonb_pretty); plus datum_to_jsonb, which jsonb_agg shares.

import { EonError } from '../../src/errors/index.js';
import { formatText, type ColumnType, type Value } from '../../src/types/index.js';
import { formatJsonb, formatJsonbPretty, isJsonArray, jsonbTree, jsonbTypeName, JsonObject, parseJsonb, type Json } from '../../src/types/jsonb.js';
import { Numeric } from '../../src/types/numeric.js';
import type { FunctionDef, ScalarImpl } from './definition.js';
import { fn } from './definition.js';
import { jsonbAsText, pathOf, textArrayItems } from './jsonb-operators.js';

/** A JSON number as the JSON grammar has it (float output that is not, such as NaN, becomes a string). */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** XSD dateTime as to_jsonb writes timestamps: a T between date and time, a full ±hh:mm offset. */
function xsdDateTime(text: string): string {
  if (/^-?infinity$/.test(text)) return text;
  return text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
}

/** datum_to_jsonb: a SQL value as a JSON tree, by its type. */
export function toJsonTree(type: ColumnType, v: Value): Json {
  if (v === null) return null;
  switch (type.kind) {
    case 'bool':
      return v as boolean;
    case 'int2':
    case 'int4':
      return new Numeric(BigInt(v as number), 0);
    case 'int8':
      return new Numeric(v as bigint, 0);
    case 'numeric':
      return v as Numeric;
    case 'float4':
    case 'float8': {
      const text = formatText(type, v);
      return JSON_NUMBER.test(text) ? Numeric.parse(text) : text;
    }
    case 'jsonb':
      return jsonbTree(v as string);
    case 'json':
      return parseJsonb(v as string);
    case 'timestamp':
    case 'timestamptz':
      return xsdDateTime(formatText(type, v));
    case 'text':
    case 'varchar':
    case 'unknown':
      return v as string;
    default:
      return formatText(type, v);
  }
}

/** An object key from a SQL value (key_scalar in datum_to_jsonb): its text, never a JSON value. */
export function jsonKeyText(type: ColumnType, v: Value): string {
  if (type.kind === 'json' || type.kind === 'jsonb') {
    throw new EonError('invalid_parameter_value', 'key value must be scalar, not array, composite, or json');
  }
  if (type.kind === 'bool') return v ? 'true' : 'false';
  const tree = toJsonTree(type, v);
  return typeof tree === 'string' ? tree : formatJsonb(tree);
}

function makeToJsonb(argTypes: readonly ColumnType[]): ScalarImpl {
  const t = argTypes[0];
  if (argTypes.length !== 1 || t === undefined) {
    throw new EonError('undefined_function', `function to_jsonb with ${argTypes.length} arguments does not exist`);
  }
  return (args) => formatJsonb(toJsonTree(t, args[0] ?? null));
}

function makeBuildObject(argTypes: readonly ColumnType[]): ScalarImpl {
  if (argTypes.length % 2 !== 0) {
    throw new EonError('invalid_parameter_value', 'argument list must have even number of elements', {
      hint: 'The arguments of jsonb_build_object() must consist of alternating keys and values.',
    });
  }
  return (args) => {
    const pairs: [string, Json][] = [];
    for (let i = 0; i < args.length; i += 2) {
      const k = args[i] ?? null;
      if (k === null) throw new EonError('invalid_parameter_value', `argument ${i + 1}: key must not be null`);
      pairs.push([jsonKeyText(argTypes[i]!, k), toJsonTree(argTypes[i + 1]!, args[i + 1] ?? null)]);
    }
    return formatJsonb(JsonObject.fromPairs(pairs));
  };
}

function makeBuildArray(argTypes: readonly ColumnType[]): ScalarImpl {
  return (args) => formatJsonb(args.map((v, i) => toJsonTree(argTypes[i]!, v ?? null)));
}

const tree = (v: Value | undefined): Json => jsonbTree(v as string);

function arrayLength(args: readonly Value[]): Value {
  const t = tree(args[0]);
  if (isJsonArray(t)) return t.length;
  if (t instanceof JsonObject) throw new EonError('invalid_parameter_value', 'cannot get array length of a non-array');
  throw new EonError('invalid_parameter_value', 'cannot get array length of a scalar');
}

function pathArgs(args: readonly Value[]): (string | null)[] {
  return args.slice(1).map((v) => (v === null || v === undefined ? null : String(v)));
}

function stripNulls(v: Json): Json {
  if (v instanceof JsonObject) return JsonObject.fromPairs(v.pairs().filter(([, x]) => x !== null).map(([k, x]) => [k, stripNulls(x)] as const));
  if (isJsonArray(v)) return v.map(stripNulls);
  return v;
}

/** setPath (jsonb_set): replaces or, with create_missing, adds the value at the path's end. */
function setPath(v: Json, path: readonly (string | null)[], level: number, value: Json, create: boolean): Json {
  const step = path[level];
  if (step === undefined) return value;
  if (step === null) {
    throw new EonError('null_value_not_allowed', `path element at position ${level + 1} is null`);
  }
  const last = level === path.length - 1;
  if (v instanceof JsonObject) {
    const cur = v.get(step);
    if (cur === undefined) {
      if (!last || !create) return v;
      return JsonObject.fromPairs([...v.pairs(), [step, value]]);
    }
    return JsonObject.fromPairs(v.pairs().map(([k, x]) => [k, k === step ? setPath(x, path, level + 1, value, create) : x] as const));
  }
  if (isJsonArray(v)) {
    const m = /^[ \t\n\r\v\f]*([+-]?\d+)$/.exec(step);
    if (m === null) {
      throw new EonError('invalid_text_representation', `path element at position ${level + 1} is not an integer: "${step}"`);
    }
    let idx = Number(m[1]);
    if (idx < 0) idx = v.length + idx < 0 ? -1 : v.length + idx;
    if (idx >= 0 && idx < v.length) return v.map((x, i) => (i === idx ? setPath(x, path, level + 1, value, create) : x));
    if (!last || !create) return v;
    // Past either end: prepended (negative beyond the start) or appended.
    return idx < 0 ? [value, ...v] : [...v, value];
  }
  return v;
}

function jsonbSet(args: readonly Value[]): Value {
  const target = tree(args[0]);
  const path = textArrayItems(args[1] as string);
  const value = tree(args[2]);
  const create = args[3] === undefined ? true : (args[3] as boolean);
  if (!(target instanceof JsonObject) && !isJsonArray(target)) throw new EonError('invalid_parameter_value', 'cannot set path in scalar');
  if (path.length === 0) return args[0] as string;
  return formatJsonb(setPath(target, path, 0, value, create));
}

/** Set-returning functions eon has only in FROM: in a select list they are refused when bound (0A000). */
function fromOnly(name: string): FunctionDef {
  return {
    name,
    args: ['jsonb'],
    returns: name === 'jsonb_array_elements' ? 'jsonb' : 'text',
    strict: true,
    make: () => {
      throw new EonError('feature_not_supported', `set-returning function ${name}() is supported only in FROM`);
    },
  };
}

export const jsonbFunctions: readonly FunctionDef[] = [
  ...['jsonb_array_elements', 'jsonb_array_elements_text', 'jsonb_object_keys', 'jsonb_each', 'jsonb_each_text'].map(fromOnly),
  { name: 'to_jsonb', args: [], returns: 'jsonb', strict: true, variadic: 'any', make: makeToJsonb },
  { name: 'jsonb_build_object', args: [], returns: 'jsonb', strict: false, variadic: 'any', variadicMayBeEmpty: true, make: makeBuildObject },
  { name: 'jsonb_build_array', args: [], returns: 'jsonb', strict: false, variadic: 'any', variadicMayBeEmpty: true, make: makeBuildArray },
  fn('jsonb_typeof', ['jsonb'], 'text', (a) => jsonbTypeName(tree(a[0]))),
  fn('jsonb_array_length', ['jsonb'], 'int4', arrayLength),
  { name: 'jsonb_extract_path', args: ['jsonb'], returns: 'jsonb', strict: true, variadic: 'any', impl: (a) => {
    const v = pathOf(tree(a[0]), pathArgs(a));
    return v === undefined ? null : formatJsonb(v);
  } },
  { name: 'jsonb_extract_path_text', args: ['jsonb'], returns: 'text', strict: true, variadic: 'any', impl: (a) => jsonbAsText(pathOf(tree(a[0]), pathArgs(a))) },
  fn('jsonb_set', ['jsonb', 'text', 'jsonb'], 'jsonb', jsonbSet),
  fn('jsonb_set', ['jsonb', 'text', 'jsonb', 'bool'], 'jsonb', jsonbSet),
  fn('jsonb_strip_nulls', ['jsonb'], 'jsonb', (a) => formatJsonb(stripNulls(tree(a[0])))),
  fn('jsonb_pretty', ['jsonb'], 'text', (a) => formatJsonbPretty(tree(a[0]))),
];
