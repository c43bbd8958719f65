// Functions of the uuid, bytea and time types: gen_random_uuid, bytea's length, substring,
// encode/decode and byte access, EXTRACT/date_part of a time, and localtime (the binder's
// LOCALTIME keyword; CURRENT_TIME, a time with time zone, is refused there).

import { EonError } from '../../src/errors/index.js';
import {
  byteaSubstring,
  decodeBytes,
  encodeBytes,
  extractTime,
  randomUuid,
  roundTime,
  timestampToTime,
  type Value,
} from '../../src/types/index.js';
import { clockFunctions } from './datetime.js';
import { fn, type FunctionDef, type ScalarImpl } from './definition.js';

const bytes = (v: Value | undefined): string => v as string;
const int = (v: Value | undefined): number => v as number;

function byteIndex(v: string, n: number): number {
  if (n < 0 || n >= v.length) {
    throw new EonError('array_subscript_error', `index ${n} out of valid range, 0..${v.length - 1}`);
  }
  return n;
}

/** localtime follows localtimestamp, whatever clock and zone that one reads. */
function localtime(args: readonly Value[]): Value {
  const localTimestamp = clockFunctions.find((f) => f.name === 'localtimestamp')?.impl;
  if (localTimestamp === undefined) throw new EonError('internal_error', 'localtimestamp is not defined');
  return roundTime(timestampToTime(localTimestamp(args) as number), 6);
}

const extractOfTime: ScalarImpl = (a) => extractTime(a[0] as string, a[1] as number);

export const uuidByteaTimeFunctions: readonly FunctionDef[] = [
  { name: 'gen_random_uuid', args: [], returns: 'uuid', strict: true, volatile: true, impl: randomUuid },
  fn('length', ['bytea'], 'int4', (a) => bytes(a[0]).length),
  fn('octet_length', ['bytea'], 'int4', (a) => bytes(a[0]).length),
  fn('bit_length', ['bytea'], 'int4', (a) => bytes(a[0]).length * 8),
  fn('substr', ['bytea', 'int4'], 'bytea', (a) => byteaSubstring(bytes(a[0]), int(a[1]))),
  fn('substr', ['bytea', 'int4', 'int4'], 'bytea', (a) => byteaSubstring(bytes(a[0]), int(a[1]), int(a[2]))),
  fn('substring', ['bytea', 'int4'], 'bytea', (a) => byteaSubstring(bytes(a[0]), int(a[1]))),
  fn('substring', ['bytea', 'int4', 'int4'], 'bytea', (a) => byteaSubstring(bytes(a[0]), int(a[1]), int(a[2]))),
  fn('encode', ['bytea', 'text'], 'text', (a) => encodeBytes(bytes(a[0]), a[1] as string)),
  fn('decode', ['text', 'text'], 'bytea', (a) => decodeBytes(a[0] as string, a[1] as string)),
  fn('get_byte', ['bytea', 'int4'], 'int4', (a) => bytes(a[0]).charCodeAt(byteIndex(bytes(a[0]), int(a[1])))),
  fn('date_part', ['text', 'time'], 'float8', (a) => extractTime(a[0] as string, a[1] as number).toNumber()),
  fn('extract', ['text', 'time'], 'numeric', extractOfTime),
  { name: 'localtime', args: [], returns: 'time', strict: true, volatile: true, impl: localtime },
];
