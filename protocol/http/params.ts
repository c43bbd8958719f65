// Converts the JSON `params` of a REST query to values of the prepared statement's parameter types.

import { EonError } from '../../src/errors/index.js';
import type { ColumnType, Value } from '../../src/types/index.js';
import { parseText } from '../../src/types/text-io.js';

/** What a JSON parameter may be; objects and arrays are refused by the request schema. */
export type JsonParam = string | number | boolean | null;

/**
 * Each parameter goes through its text form, exactly as a psql client's text-format Bind would,
 * so REST and the wire protocol accept the same inputs ('42', 42, ' 42 ' for an integer).
 * Large integers should be sent as strings: JSON numbers beyond 2^53 have already lost digits.
 */
export function paramsToValues(params: readonly JsonParam[], types: readonly ColumnType[]): Value[] {
  if (params.length !== types.length) {
    throw new EonError(
      'invalid_parameter_count',
      `request supplies ${params.length} parameters, but the statement requires ${types.length}`,
    );
  }
  const values: Value[] = new Array<Value>(params.length);
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    values[i] = p === null ? null : parseText(types[i]!, paramText(p));
  }
  return values;
}

function paramText(p: string | number | boolean): string {
  if (typeof p === 'string') return p;
  if (typeof p === 'boolean') return p ? 'true' : 'false';
  if (Number.isNaN(p)) return 'NaN';
  return String(p);
}
