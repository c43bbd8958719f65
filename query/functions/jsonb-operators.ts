// jsonb's operators as PostgreSQL 15 defines them (jsonfuncs.c, jsonb_op.c): -> ->> #> #>> @> <@
// ? ?| ?& || - and the comparisons, plus the tree algorithms the jsonb functions share (path
// lookup, containment, concatenation, deletion). Text arrays (paths, key lists) arrive in
// PostgreSQL's array text form, as eon keeps arrays.

import { EonError } from '../../src/errors/index.js';
import { T, type ColumnType, type Value } from '../../src/types/index.js';
import type { ResolvedOperator } from '../../src/types/operators.js';
import { compareJsonb, formatJsonb, isJsonArray, jsonbTree, JsonObject, type Json } from '../../src/types/jsonb.js';
import { Numeric } from '../../src/types/numeric.js';
import { parseArrayText } from '../catalog/array-text.js';
import { jsonElement, jsonField, jsonSpans, jsonSpanText, type JsonSpan } from '../../src/types/json-text.js';

/** The operators this file resolves (bind-expr lets them through to bindBinary). */
export const JSONB_OPERATORS: ReadonlySet<string> = new Set(['->', '->>', '#>', '#>>', '@>', '<@', '?', '?|', '?&']);

const TEXT_RIGHT: ReadonlySet<string> = new Set(['->', '->>', '#>', '#>>', '?', '?|', '?&', '-']);

/** The type an untyped literal takes beside a jsonb operand (text for keys and paths). */
export function jsonbOperandType(op: string, other: ColumnType): ColumnType | null {
  if (other.kind === 'json') return JSON_OPERATORS.has(op) ? T.text : null;
  if (other.kind !== 'jsonb') return null;
  if (TEXT_RIGHT.has(op)) return T.text;
  if (op === '@>' || op === '<@' || op === '||') return T.jsonb;
  return null;
}

function isTextKind(t: ColumnType): boolean {
  return t.kind === 'text' || t.kind === 'varchar';
}

function isIntKind(t: ColumnType): boolean {
  return t.kind === 'int2' || t.kind === 'int4';
}

/** A jsonb value's text from its tree. */
export function jsonbValue(v: Json): string {
  return formatJsonb(v);
}

/** ->> and #>>: strings unescaped, JSON null as SQL NULL, everything else as jsonb text. */
export function jsonbAsText(v: Json | undefined): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  return formatJsonb(v);
}

/** `->` by key: an object's field, else nothing. */
export function fieldOf(v: Json, key: string): Json | undefined {
  return v instanceof JsonObject ? v.get(key) : undefined;
}

/** `->` by index: an array's element (negative from the end); a top-level scalar acts as a one-element array. */
export function elementOf(v: Json, index: number, topLevel: boolean): Json | undefined {
  let items: readonly Json[];
  if (isJsonArray(v)) items = v;
  else if (topLevel && !(v instanceof JsonObject)) items = [v];
  else return undefined;
  const i = index < 0 ? items.length + index : index;
  return i >= 0 && i < items.length ? items[i] : undefined;
}

/** strtoint as the path operators use it: optional spaces and sign, digits, nothing after. */
function pathIndex(s: string): number | null {
  const m = /^[ \t\n\r\v\f]*([+-]?\d+)$/.exec(s);
  if (m === null) return null;
  const n = Number(m[1]);
  return n >= -2147483648 && n <= 2147483647 ? n : null;
}

/** `#>`: follows a path of keys and array subscripts; undefined when any step is missing. */
export function pathOf(root: Json, path: readonly (string | null)[]): Json | undefined {
  let cur: Json = root;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    if (step === null || step === undefined) return undefined;
    let next: Json | undefined;
    if (cur instanceof JsonObject) next = cur.get(step);
    else if (isJsonArray(cur) || i === 0) {
      const idx = pathIndex(step);
      if (idx === null) return undefined;
      next = elementOf(cur, idx, i === 0);
    } else return undefined;
    if (next === undefined) return undefined;
    cur = next;
  }
  return cur;
}

/** Items of a text array given in array text form. */
export function textArrayItems(text: string): readonly (string | null)[] {
  return parseArrayText(text).items;
}

/** JsonbDeepContains: `a @> b` on trees (a raw scalar may hold only a raw scalar). */
export function jsonbContains(a: Json, b: Json): boolean {
  const aObj = a instanceof JsonObject;
  const bObj = b instanceof JsonObject;
  if (aObj !== bObj) return false;
  const aArr = isJsonArray(a);
  const bArr = isJsonArray(b);
  if (!aObj && !aArr && bArr) return false;
  return deepContains(aArr || aObj ? a : [a], bArr || bObj ? b : [b]);
}

function isContainer(v: Json): boolean {
  return v instanceof JsonObject || isJsonArray(v);
}

function scalarEqual(a: Json, b: Json): boolean {
  if (isContainer(a) || isContainer(b)) return false;
  return compareJsonb(a, b) === 0 && typeof a === typeof b && (a instanceof Numeric) === (b instanceof Numeric);
}

function deepContains(a: Json, b: Json): boolean {
  if (a instanceof JsonObject) {
    if (!(b instanceof JsonObject)) return false;
    if (a.size < b.size) return false;
    for (let i = 0; i < b.size; i++) {
      const lhs = a.get(b.keys[i]!);
      if (lhs === undefined) return false;
      const rhs = b.values[i]!;
      if (isContainer(lhs) || isContainer(rhs)) {
        if (isJsonArray(lhs) !== isJsonArray(rhs) || (lhs instanceof JsonObject) !== (rhs instanceof JsonObject)) return false;
        if (!deepContains(lhs, rhs)) return false;
      } else if (!scalarEqual(lhs, rhs)) return false;
    }
    return true;
  }
  if (!isJsonArray(a) || !isJsonArray(b)) return false;
  const containers = a.filter(isContainer);
  for (const item of b) {
    if (!isContainer(item)) {
      if (!a.some((x) => !isContainer(x) && scalarEqual(x, item))) return false;
    } else if (!containers.some((x) => (x instanceof JsonObject) === (item instanceof JsonObject) && deepContains(x, item))) {
      return false;
    }
  }
  return true;
}

/** `?`: a top-level key, or a string element of a top-level array (or the scalar string itself). */
export function jsonbHasKey(v: Json, key: string): boolean {
  if (v instanceof JsonObject) return v.get(key) !== undefined;
  const items = isJsonArray(v) ? v : [v];
  return items.some((x) => x === key);
}

/** `||`: objects merge (right wins); anything else concatenates as arrays. */
export function jsonbConcat(a: Json, b: Json): Json {
  if (a instanceof JsonObject && b instanceof JsonObject) return JsonObject.fromPairs([...a.pairs(), ...b.pairs()]);
  const left = isJsonArray(a) ? a : [a];
  const right = isJsonArray(b) ? b : [b];
  return [...left, ...right];
}

function cannotDeleteFromScalar(): EonError {
  return new EonError('invalid_parameter_value', 'cannot delete from scalar');
}

/** `- text`: drops a key from an object or matching strings from an array. */
export function jsonbDeleteKey(v: Json, key: string): Json {
  if (v instanceof JsonObject) return v.get(key) === undefined ? v : JsonObject.fromPairs(v.pairs().filter(([k]) => k !== key));
  if (isJsonArray(v)) return v.filter((x) => x !== key);
  throw cannotDeleteFromScalar();
}

/** `- integer`: drops one array element (negative from the end). */
export function jsonbDeleteIndex(v: Json, index: number): Json {
  if (v instanceof JsonObject) throw new EonError('invalid_parameter_value', 'cannot delete from object using integer index');
  if (!isJsonArray(v)) throw cannotDeleteFromScalar();
  const i = index < 0 ? v.length + index : index;
  if (i < 0 || i >= v.length) return v;
  return [...v.slice(0, i), ...v.slice(i + 1)];
}

type Fn = (a: Value, b: Value) => Value;

function op(resultType: ColumnType, leftType: ColumnType, rightType: ColumnType, fn: Fn): ResolvedOperator {
  return { resultType, leftType, rightType, fn };
}

const tree = (v: Value): Json => jsonbTree(v as string);

/**
 * Resolves a jsonb operator, or null when `op` on these types is not one (the caller then tries
 * the general operators: `jsonb || text` is text concatenation there).
 */
export function resolveJsonbOperator(opName: string, l: ColumnType, r: ColumnType): ResolvedOperator | null {
  if (l.kind === 'json') return resolveJsonOperator(opName, r);
  if (l.kind !== 'jsonb') return null;
  const J = T.jsonb;
  const rText = isTextKind(r);
  const rInt = isIntKind(r);
  const rJson = r.kind === 'jsonb';
  switch (opName) {
    case '->':
      if (rText) return op(J, J, T.text, (a, b) => nullable(fieldOf(tree(a), b as string)));
      if (rInt) return op(J, J, T.int4, (a, b) => nullable(elementOf(tree(a), b as number, true)));
      return null;
    case '->>':
      if (rText) return op(T.text, J, T.text, (a, b) => jsonbAsText(fieldOf(tree(a), b as string)));
      if (rInt) return op(T.text, J, T.int4, (a, b) => jsonbAsText(elementOf(tree(a), b as number, true)));
      return null;
    case '#>':
      if (rText) return op(J, J, T.text, (a, b) => nullable(pathOf(tree(a), textArrayItems(b as string))));
      return null;
    case '#>>':
      if (rText) return op(T.text, J, T.text, (a, b) => jsonbAsText(pathOf(tree(a), textArrayItems(b as string))));
      return null;
    case '@>':
      if (rJson) return op(T.bool, J, J, (a, b) => jsonbContains(tree(a), tree(b)));
      return null;
    case '<@':
      if (rJson) return op(T.bool, J, J, (a, b) => jsonbContains(tree(b), tree(a)));
      return null;
    case '?':
      if (rText) return op(T.bool, J, T.text, (a, b) => jsonbHasKey(tree(a), b as string));
      return null;
    case '?|':
    case '?&': {
      if (!rText) return null;
      const any = opName === '?|';
      return op(T.bool, J, T.text, (a, b) => {
        const t = tree(a);
        const keys = textArrayItems(b as string).filter((k): k is string => k !== null);
        return any ? keys.some((k) => jsonbHasKey(t, k)) : keys.every((k) => jsonbHasKey(t, k));
      });
    }
    case '||':
      if (rJson) return op(J, J, J, (a, b) => formatJsonb(jsonbConcat(tree(a), tree(b))));
      return null;
    case '-':
      if (rText) return op(J, J, T.text, (a, b) => formatJsonb(jsonbDeleteKey(tree(a), b as string)));
      if (rInt) return op(J, J, T.int4, (a, b) => formatJsonb(jsonbDeleteIndex(tree(a), b as number)));
      return null;
    default:
      return null;
  }
}

/** The operators json has (no containment, existence, concatenation or comparison). */
const JSON_OPERATORS: ReadonlySet<string> = new Set(['->', '->>', '#>', '#>>']);

/** json's -> ->> #> #>>: sub-values as written in the input text. */
function resolveJsonOperator(opName: string, r: ColumnType): ResolvedOperator | null {
  if (!JSON_OPERATORS.has(opName)) return null;
  const asText = opName.endsWith('>>');
  const result = asText ? T.text : T.json;
  if (opName === '->' || opName === '->>') {
    if (isTextKind(r)) return op(result, T.json, T.text, (a, b) => jsonSpanText(a as string, jsonField(jsonSpans(a as string), b as string), asText));
    if (isIntKind(r)) return op(result, T.json, T.int4, (a, b) => jsonSpanText(a as string, jsonElement(jsonSpans(a as string), b as number), asText));
    return null;
  }
  if (!isTextKind(r)) return null;
  return op(result, T.json, T.text, (a, b) => {
    let cur: JsonSpan | undefined = jsonSpans(a as string);
    for (const step of textArrayItems(b as string)) {
      if (step === null || cur === undefined) return null;
      if (cur.kind === 'object') cur = jsonField(cur, step);
      else if (cur.kind === 'array') {
        const idx = pathIndex(step);
        cur = idx === null ? undefined : jsonElement(cur, idx);
      } else return null;
    }
    return jsonSpanText(a as string, cur, asText);
  });
}

function nullable(v: Json | undefined): Value {
  return v === undefined ? null : formatJsonb(v);
}
