// How rows are told equal by value in hash tables (GROUP BY, DISTINCT, set operations, hash
// joins): a value of a kind whose JavaScript value is its identity is a key as is; other values
// (and several columns) through their canonical key strings.

import { keyString, type ColumnType, type Value } from '../../../src/types/index.js';

/** Key kinds whose JavaScript values are equal exactly when the SQL values are (Map keys as is). */
export const RAW_KEY_KINDS: ReadonlySet<string> = new Set(['bool', 'int2', 'int4', 'int8', 'float8', 'date', 'timestamp', 'timestamptz', 'text', 'varchar']);
/** Key kinds held in an int32: hashed in typed arrays, not a Map. */
export const INT32_KEY_KINDS: ReadonlySet<string> = new Set(['int2', 'int4', 'date']);

/** One string standing for a list of values (NULLs included, equal to each other as GROUP BY wants). */
export function groupKey(values: readonly Value[], types: readonly ColumnType[]): string {
  if (values.length === 1) {
    const v = values[0]!;
    return v === null ? '\u0000N' : keyString(types[0]!, v);
  }
  let k = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    k += (v === null ? '\u0000N' : keyString(types[i]!, v)) + '\u0001';
  }
  return k;
}
