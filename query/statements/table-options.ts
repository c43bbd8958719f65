// A table's storage parameters (PostgreSQL's reloptions): eon's per-table replication settings
// `replicas` (N), `write_quorum` (W) and `read_quorum` (R), read from CREATE TABLE … WITH (…) and
// ALTER TABLE … SET (…) / RESET (…), checked as PostgreSQL checks reloptions, and shown back in
// pg_class.reloptions' form; and `distribute_by` (the columns whose hash places a row on the
// ring), which only CREATE TABLE takes: changing it would move every row.

import type { DefElem, Node } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { TABLE_OPTIONS, TABLE_REPLICAS_MAX, tableQuorum } from '../../src/cluster/replication/table-quorum.js';
import type { TableOptionName, TableQuorumSettings } from '../../src/cluster/replication/table-quorum.js';
import { asNode, nodeTag } from '../parse/ast.js';

type TableOptionField = (typeof TABLE_OPTIONS)[TableOptionName];

/** What one WITH / SET / RESET list asks for: values to set, names to reset. */
export type TableOptionChange =
  | { readonly kind: 'set'; readonly values: ReadonlyMap<TableOptionName, number> }
  | { readonly kind: 'reset'; readonly names: ReadonlySet<TableOptionName> };

function isOptionName(name: string): name is TableOptionName {
  return Object.hasOwn(TABLE_OPTIONS, name);
}

/** The CREATE TABLE option naming the distribution key's columns (`distribute_by = 'a, b'`). */
export const DISTRIBUTE_BY_OPTION = 'distribute_by';

/**
 * Takes `distribute_by` out of a CREATE TABLE WITH list: its column names (null when absent) and
 * the other options, for parseOptionValues.
 */
export function takeDistributeBy(list: readonly Node[] | undefined): { columns: string[] | null; rest: Node[] } {
  let columns: string[] | null = null;
  const rest: Node[] = [];
  for (const n of list ?? []) {
    const def = asNode(n, 'DefElem');
    if (def === undefined || def.defname !== DISTRIBUTE_BY_OPTION || def.defnamespace !== undefined) {
      rest.push(n);
      continue;
    }
    if (columns !== null) throw new EonError('invalid_parameter_value', `parameter "${DISTRIBUTE_BY_OPTION}" specified more than once`);
    const names = def.arg === undefined ? [] : optionText(def.arg).split(',').map((c) => c.trim());
    if (names.length === 0 || names.some((c) => c === '')) {
      throw new EonError('invalid_parameter_value', `invalid value for option "${DISTRIBUTE_BY_OPTION}": ${def.arg === undefined ? 'true' : optionText(def.arg)}`, {
        hint: "Name the distribution key's columns, as in distribute_by = 'a, b'.",
      });
    }
    columns = names;
  }
  return { columns, rest };
}

/** Spellings of false for a boolean option, as PostgreSQL's parse_bool takes them (case-insensitive). */
const FALSE_WORDS = new Set(['false', 'f', 'fa', 'fal', 'fals', 'off', 'of', 'no', 'n', '0']);

/**
 * Each option's name, refusing what PostgreSQL would (unknown, namespaced, repeated). CREATE TABLE
 * also takes `oids = false` (PostgreSQL 12+ ignores it for old dumps; `oids = true` is refused).
 */
function optionsOf(list: readonly Node[] | undefined, create = false): { name: TableOptionName; def: DefElem }[] {
  const out: { name: TableOptionName; def: DefElem }[] = [];
  for (const n of list ?? []) {
    const def = asNode(n, 'DefElem');
    if (def === undefined) throw new EonError('internal_error', `storage parameter is a ${nodeTag(n)}`);
    const name = def.defname ?? '';
    if (create && name === 'oids' && def.defnamespace === undefined) {
      if (FALSE_WORDS.has(optionText(def.arg).trim().toLowerCase())) continue;
      throw new EonError('feature_not_supported', 'tables declared WITH OIDS are not supported');
    }
    if (def.defnamespace === undefined && name === DISTRIBUTE_BY_OPTION) {
      throw new EonError('feature_not_supported', `"${DISTRIBUTE_BY_OPTION}" is fixed when the table is created`, {
        hint: 'A table placed by other columns is a new table: CREATE TABLE … WITH (distribute_by = …) and INSERT … SELECT.',
      });
    }
    if (def.defnamespace !== undefined && def.defnamespace !== 'toast') {
      throw new EonError('invalid_parameter_value', `unrecognized parameter namespace "${def.defnamespace}"`);
    }
    if (def.defnamespace !== undefined || !isOptionName(name)) {
      throw new EonError('invalid_parameter_value', `unrecognized parameter "${def.defnamespace === undefined ? '' : `${def.defnamespace}.`}${name}"`);
    }
    if (out.some((o) => o.name === name)) throw new EonError('invalid_parameter_value', `parameter "${name}" specified more than once`);
    out.push({ name, def });
  }
  return out;
}

/** An option's value as text, as PostgreSQL's reloptions keep it; a bare name (WITH (replicas)) means "true". */
function optionText(arg: Node | undefined): string {
  if (arg === undefined) return 'true';
  const a = arg as { Integer?: { ival?: number }; String?: { sval?: string }; Float?: { fval?: string }; Boolean?: { boolval?: boolean } };
  if (a.Integer !== undefined) return String(a.Integer.ival ?? 0);
  if (a.String !== undefined) return a.String.sval ?? '';
  if (a.Float !== undefined) return a.Float.fval ?? '';
  if (a.Boolean !== undefined) return a.Boolean.boolval === true ? 'true' : 'false';
  return nodeTag(arg);
}

/** An integer option's value as PostgreSQL's parse_int reads it: 2, '2', and nothing else. */
function integerValue(name: TableOptionName, arg: Node | undefined): number {
  const text = optionText(arg);
  const trimmed = text.trim();
  const value = /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(value)) throw new EonError('invalid_parameter_value', `invalid value for integer option "${name}": ${text}`);
  // W and R are bounded by N too; applyOptionChange checks that once all options are known.
  const max = TABLE_REPLICAS_MAX;
  if (value < 1 || value > max) {
    throw new EonError('invalid_parameter_value', `value ${trimmed} out of bounds for option "${name}"`, { detail: `Valid values are between "1" and "${max}".` });
  }
  return value;
}

/** CREATE TABLE … WITH (…) (`create`) or ALTER TABLE … SET (…): every option named with a valid value. */
export function parseOptionValues(list: readonly Node[] | undefined, statement: 'create' | 'alter'): TableOptionChange {
  const values = new Map<TableOptionName, number>();
  for (const { name, def } of optionsOf(list, statement === 'create')) values.set(name, integerValue(name, def.arg));
  return { kind: 'set', values };
}

/** ALTER TABLE … RESET (…): names only. */
export function parseOptionNames(list: readonly Node[] | undefined): TableOptionChange {
  const names = new Set<TableOptionName>();
  for (const { def, name } of optionsOf(list)) {
    if (def.arg !== undefined) throw new EonError('invalid_parameter_value', 'RESET must not include values for parameters');
    names.add(name);
  }
  return { kind: 'reset', names };
}

/**
 * The settings after `change`, checked together (W and R at most N, counting defaults: W and R
 * default to a majority of N). Fields absent from the result follow the defaults.
 */
export function applyOptionChange(current: TableQuorumSettings, change: TableOptionChange): TableQuorumSettings {
  const next: { -readonly [F in TableOptionField]?: number } = {};
  for (const field of Object.values(TABLE_OPTIONS)) {
    const v = current[field];
    if (v !== undefined) next[field] = v;
  }
  switch (change.kind) {
    case 'set':
      for (const [name, value] of change.values) next[TABLE_OPTIONS[name]] = value;
      break;
    case 'reset':
      for (const name of change.names) delete next[TABLE_OPTIONS[name]];
      break;
    default: {
      const never: never = change;
      throw new Error(`unknown option change ${String(never)}`);
    }
  }
  tableQuorum(next);
  return next;
}

/** Whether two settings mean the same N (defaults counted). */
export function sameReplicas(a: TableQuorumSettings, b: TableQuorumSettings): boolean {
  return tableQuorum(a).replicas === tableQuorum(b).replicas;
}
