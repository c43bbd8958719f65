// CREATE SEQUENCE and DROP SEQUENCE, and the sequence options serial and identity columns share
// (INCREMENT, START, MINVALUE, MAXVALUE, CYCLE, AS type) with PostgreSQL's defaults and checks.
// Sequences are kept by the node's store: on a cluster their definitions are not replicated yet,
// so CREATE SEQUENCE is refused there (serial and identity columns travel with their table).

import type { CreateSeqStmt, DefElem, DropStmt, Node } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import type { SequenceOptions, Store } from '../../storage/index.js';
import { asNode, baseName, nodeTag } from '../parse/ast.js';
import { dataTypeOf } from '../bind/data-type.js';
import type { QueryResult } from '../session/contract.js';

const TYPE_RANGES: Record<SequenceOptions['type'], { min: bigint; max: bigint; sql: string }> = {
  int2: { min: -32768n, max: 32767n, sql: 'smallint' },
  int4: { min: -2147483648n, max: 2147483647n, sql: 'integer' },
  int8: { min: -9223372036854775808n, max: 9223372036854775807n, sql: 'bigint' },
};

export function sequenceTypeName(type: SequenceOptions['type']): string {
  return TYPE_RANGES[type].sql;
}

function bigintArg(d: DefElem): bigint {
  const a = d.arg;
  if (a === undefined) throw new EonError('syntax_error', `${d.defname} requires a numeric value`);
  const i = asNode(a, 'Integer');
  if (i !== undefined) return BigInt(i.ival ?? 0);
  const f = asNode(a, 'Float');
  if (f !== undefined && /^-?\d+$/.test(f.fval ?? '')) return BigInt(f.fval!);
  throw new EonError('syntax_error', `${d.defname} requires an integer value, not ${nodeTag(a)}`);
}

/** Sequence options from a DefElem list, completed with PostgreSQL's defaults for `type`. */
export function sequenceOptions(name: string, type: SequenceOptions['type'], defs: readonly Node[]): SequenceOptions {
  let increment = 1n;
  let start: bigint | null = null;
  let min: bigint | null = null;
  let max: bigint | null = null;
  let cycle = false;
  for (const n of defs) {
    const d = asNode(n, 'DefElem');
    if (d === undefined) continue;
    switch (d.defname) {
      case 'as': {
        const t = dataTypeOf(asNode(d.arg, 'TypeName') ?? {}).kind;
        if (t !== 'int2' && t !== 'int4' && t !== 'int8') throw new EonError('invalid_parameter_value', 'sequence type must be smallint, integer, or bigint');
        type = t;
        break;
      }
      case 'increment':
        increment = bigintArg(d);
        break;
      case 'start':
        start = bigintArg(d);
        break;
      case 'minvalue':
        min = d.arg === undefined ? null : bigintArg(d);
        break;
      case 'maxvalue':
        max = d.arg === undefined ? null : bigintArg(d);
        break;
      case 'cycle':
        cycle = asNode(d.arg, 'Boolean')?.boolval === true;
        break;
      case 'cache':
        // Values are always reserved in blocks (SEQUENCE_LOG_VALUES); CACHE changes nothing visible.
        break;
      case 'sequence_name':
        break;
      default:
        throw new EonError('feature_not_supported', `sequence option ${(d.defname ?? '').toUpperCase()} is not supported yet`);
    }
  }
  const range = TYPE_RANGES[type];
  if (increment === 0n) throw new EonError('invalid_parameter_value', 'INCREMENT must not be zero');
  const lo = min ?? (increment > 0n ? 1n : range.min);
  const hi = max ?? (increment > 0n ? range.max : -1n);
  if (lo < range.min || lo > range.max) throw new EonError('invalid_parameter_value', `MINVALUE (${lo}) is out of range for sequence data type ${range.sql}`);
  if (hi < range.min || hi > range.max) throw new EonError('invalid_parameter_value', `MAXVALUE (${hi}) is out of range for sequence data type ${range.sql}`);
  if (lo >= hi) throw new EonError('invalid_parameter_value', `MINVALUE (${lo}) must be less than MAXVALUE (${hi})`);
  const first = start ?? (increment > 0n ? lo : hi);
  if (first < lo) throw new EonError('invalid_parameter_value', `START value (${first}) cannot be less than MINVALUE (${lo})`);
  if (first > hi) throw new EonError('invalid_parameter_value', `START value (${first}) cannot be greater than MAXVALUE (${hi})`);
  return { name, type, increment: increment.toString(), min: lo.toString(), max: hi.toString(), start: first.toString(), cycle };
}

/** `multiNode`: the node is one of several members of a cluster. */
export function createSequence(s: CreateSeqStmt, store: Store, multiNode: boolean): QueryResult {
  const done: QueryResult = { command: 'CREATE SEQUENCE', rowCount: 0, columns: null, rows: [] };
  if (s.sequence?.relpersistence === 't') throw new EonError('feature_not_supported', 'temporary sequences are not supported yet');
  const name = s.sequence?.relname ?? '';
  if (store.sequences.has(name) || store.getTable(name) !== undefined) {
    if (s.if_not_exists === true) return done;
    throw new EonError('duplicate_table', `relation "${name}" already exists`);
  }
  if (multiNode) {
    throw new EonError('feature_not_supported', 'CREATE SEQUENCE is not supported on a cluster of several nodes yet: sequences are not replicated through the cluster catalog', {
      hint: 'serial and identity columns are: their sequences travel with the table.',
    });
  }
  store.sequences.create(sequenceOptions(name, 'int8', s.options ?? []));
  return done;
}

export function dropSequence(s: DropStmt, store: Store): QueryResult {
  const names = (s.objects ?? []).map((o) => baseName(asNode(o, 'List')?.items));
  for (const n of names) {
    if (store.sequences.has(n)) {
      const owner = store.listTables().find((t) => t.columns.some((c) => c.sequence?.name === n));
      if (owner !== undefined) {
        const column = owner.columns.find((c) => c.sequence?.name === n)!;
        throw new EonError('dependent_objects_still_exist', `cannot drop sequence ${n} because column ${column.name} of table ${owner.name} requires it`, {
          hint: `You can drop table ${owner.name} instead.`,
        });
      }
      continue;
    }
    if (s.missing_ok !== true) throw new EonError('undefined_table', `sequence "${n}" does not exist`);
  }
  for (const n of names) if (store.sequences.has(n)) store.sequences.drop(n);
  return { command: 'DROP SEQUENCE', rowCount: 0, columns: null, rows: [] };
}
