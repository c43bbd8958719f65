// Accumulators of jsonb_agg and jsonb_object_agg (PostgreSQL 15 jsonb.c): values converted as
// to_jsonb converts them, NULL inputs kept as JSON null, NULL when there are no rows.

import { EonError } from '../../src/errors/index.js';
import type { ColumnType, Value } from '../../src/types/index.js';
import { formatJsonb, JsonObject, type Json } from '../../src/types/jsonb.js';
import { jsonKeyText, toJsonTree } from '../functions/jsonb.js';
import { ValueListAccumulator } from './ordered-aggregates.js';

/** jsonb_agg(x): a JSON array of the values in input order (DISTINCT as array_agg's). */
export class JsonbAggAccumulator extends ValueListAccumulator {
  protected finish(values: readonly Value[]): Value {
    return formatJsonb(values.map((v) => toJsonTree(this.type, v)));
  }
}

/** jsonb_object_agg(key, value): later duplicates of a key win; a NULL key is an error. */
export class JsonbObjectAggAccumulator {
  private readonly pairs: [string, Json][] = [];

  constructor(
    private readonly keyType: ColumnType,
    private readonly valueType: ColumnType,
  ) {}

  add(k: Value, v: Value): void {
    if (k === null) throw new EonError('invalid_parameter_value', 'field name must not be null');
    this.pairs.push([jsonKeyText(this.keyType, k), toJsonTree(this.valueType, v)]);
  }

  result(): Value {
    if (this.pairs.length === 0) return null;
    return formatJsonb(JsonObject.fromPairs(this.pairs));
  }
}
