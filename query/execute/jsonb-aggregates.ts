// Accumulators of jsonb_agg and jsonb_object_agg (PostgreSQL 15 jsonb.c): values converted as
// to_jsonb converts them, NULL inputs kept as JSON null, NULL when there are no rows.

import { EonError } from '../../src/errors/index.js';
import { compareValues, keyString, type ColumnType, type Value } from '../../src/types/index.js';
import { formatJsonb, JsonObject, type Json } from '../../src/types/jsonb.js';
import { jsonKeyText, toJsonTree } from '../functions/jsonb.js';

/**
 * jsonb_agg(x): a JSON array of the values in input order. With `distinct`, each value once (NULL
 * too); `sortDistinct`: ascending with NULL last, as PostgreSQL's sort-based DISTINCT leaves them.
 */
export class JsonbAggAccumulator {
  private readonly values: Value[] = [];
  private readonly seen: Set<string> | null;

  constructor(
    private readonly type: ColumnType,
    distinct: boolean,
    private readonly sortDistinct: boolean,
  ) {
    this.seen = distinct ? new Set() : null;
  }

  add(v: Value): void {
    if (this.seen !== null) {
      const k = v === null ? '\u0000N' : keyString(this.type, v);
      if (this.seen.has(k)) return;
      this.seen.add(k);
    }
    this.values.push(v);
  }

  result(): Value {
    if (this.values.length === 0) return null;
    let values = this.values;
    if (this.sortDistinct) {
      values = [...values].sort((a, b) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : compareValues(this.type, a, b)));
    }
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
