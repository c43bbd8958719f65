// Ordered-set aggregates, f(direct args) WITHIN GROUP (ORDER BY x): percentile_cont,
// percentile_disc and mode, with the argument and result types of PostgreSQL's pg_aggregate
// entries (percentile_cont over float8 or interval; percentile_disc and mode over any sortable type).

import { EonError } from '../../src/errors/index.js';
import { T, canCast, type ColumnType } from '../../src/types/index.js';
import { columnsUsed, type Expr } from '../plan/expr.js';
import type { AggregateCall, AggregateName, SortKey } from '../plan/logical.js';
import { coerce } from './typing.js';

export const ORDERED_SET_AGGREGATES: ReadonlySet<AggregateName> = new Set<AggregateName>(['percentile_cont', 'percentile_disc', 'mode']);

const NO_FUNCTION_HINT = 'No function matches the given name and argument types. You might need to add explicit type casts.';

/** The ordered-set aggregate `name(direct) WITHIN GROUP (ORDER BY keys)`, arguments typed; args are [value, fraction] (mode: [value]). */
export function orderedSetAggregate(
  name: AggregateName,
  direct: readonly Expr[],
  keys: readonly SortKey[],
  filter: Expr | null,
  params: (ColumnType | undefined)[],
  label: (t: ColumnType) => string,
): AggregateCall {
  const noSuchFunction = (): EonError =>
    new EonError('undefined_function', `function ${name}(${[...direct, ...keys.map((k) => k.expr)].map((e) => label(e.type)).join(', ')}) does not exist`, { hint: NO_FUNCTION_HINT });
  const key = keys[0];
  if (keys.length !== 1 || key === undefined || direct.length !== (name === 'mode' ? 0 : 1)) throw noSuchFunction();
  let value = key.expr;
  if (direct.some((d) => columnsUsed(d).size > 0)) {
    throw new EonError('feature_not_supported', `direct arguments of ordered-set aggregate ${name} that read columns are not supported`);
  }
  const args: Expr[] = [];
  let type: ColumnType;
  if (name === 'percentile_cont') {
    if (value.type.kind === 'unknown') value = coerce(value, T.float8, 'implicit', params);
    if (value.type.kind !== 'interval') {
      if (canCast(value.type, T.float8) !== 'implicit') throw noSuchFunction();
      value = coerce(value, T.float8, 'implicit', params);
    }
    type = value.type.kind === 'interval' ? T.interval : T.float8;
  } else {
    if (value.type.kind === 'unknown') throw new EonError('datatype_mismatch', 'could not determine polymorphic type because input has type unknown');
    type = value.type;
  }
  args.push(value);
  if (name !== 'mode') args.push(fraction(direct[0]!, name, params, noSuchFunction));
  return { name, args, distinct: false, filter, type, orderBy: [{ ...key, expr: value }] };
}

/** The percentile: a float8 (an array of fractions is not supported). */
function fraction(e: Expr, name: string, params: (ColumnType | undefined)[], noSuchFunction: () => EonError): Expr {
  // ARRAY[…] (eon's arrays are their text) asks for the array-of-fractions form.
  if (e.type.kind === 'text' || e.type.kind === 'varchar') throw new EonError('feature_not_supported', `${name} with an array of fractions is not supported`);
  if (e.type.kind !== 'unknown' && e.type.kind !== 'float8' && canCast(e.type, T.float8) !== 'implicit') throw noSuchFunction();
  return coerce(e, T.float8, 'implicit', params);
}
