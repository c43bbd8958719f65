// Session settings for SET/SHOW and the ParameterStatus values drivers read.

import { EonError } from '../../src/errors/index.js';
import { checkIsolationLevel } from './transaction.js';
import { parseTimeZoneSetting, type TimeZone } from '../../src/types/time-zone.js';
import { TABLE_REPLICAS_MAX } from '../../src/cluster/replication/table-quorum.js';
import { JOIN_STRATEGIES, READ_CONSISTENCIES, TABLE_QUORUMS, type JoinStrategy, type ReadConsistency, type StatementQuorum } from '../execute/statement-quorum.js';
import { COVERAGE_POLICIES, type CoveragePolicy } from '../execute/exchange/remote-engines.js';

export const SERVER_VERSION = '15.0';

/** The session settings that set a statement's W and R, and their value meaning "the table's own". */
export const WRITE_QUORUM_SETTING = 'eon.write_quorum';
export const READ_QUORUM_SETTING = 'eon.read_quorum';
const QUORUM_DEFAULT_VALUE = 'default';
/** The session setting that picks which replica reads each partition a scan covers (remote-engines.ts). */
export const COVERAGE_SETTING = 'eon.coverage';

/** The session setting that says how many replicas' digests a scan compares (statement-quorum.ts). */
export const READ_CONSISTENCY_SETTING = 'eon.read_consistency';
/** The session setting that forces a join strategy (statement-quorum.ts). */
export const JOIN_STRATEGY_SETTING = 'eon.join_strategy';

function parseJoinStrategy(text: string): JoinStrategy | undefined {
  const v = text.trim().toLowerCase();
  return JOIN_STRATEGIES.find((c) => c === v);
}

function parseReadConsistency(text: string): ReadConsistency | undefined {
  const v = text.trim().toLowerCase();
  return READ_CONSISTENCIES.find((c) => c === v);
}

/** A coverage setting's value as a policy; undefined when it names none. */
function parseCoverage(text: string): CoveragePolicy | undefined {
  const v = text.trim().toLowerCase();
  return COVERAGE_POLICIES.find((p) => p === v);
}

/** A quorum setting's value: 1 … TABLE_REPLICAS_MAX, or null for `default`; undefined when malformed. */
function parseQuorum(text: string): number | null | undefined {
  const v = text.trim().toLowerCase();
  if (v === QUORUM_DEFAULT_VALUE) return null;
  if (!/^[0-9]{1,2}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 1 && n <= TABLE_REPLICAS_MAX ? n : undefined;
}

/** Defaults, keyed by lower-case name; the value keeps PostgreSQL's spelling. */
const DEFAULTS: ReadonlyMap<string, { name: string; value: string }> = new Map(
  (
    [
      ['server_version', SERVER_VERSION],
      ['server_version_num', '150000'],
      ['server_encoding', 'UTF8'],
      ['client_encoding', 'UTF8'],
      ['DateStyle', 'ISO, MDY'],
      ['IntervalStyle', 'postgres'],
      ['TimeZone', 'UTC'],
      ['integer_datetimes', 'on'],
      ['standard_conforming_strings', 'on'],
      ['search_path', '"$user", public'],
      ['application_name', ''],
      ['extra_float_digits', '1'],
      ['transaction_isolation', 'read committed'],
      ['default_transaction_isolation', 'read committed'],
      ['is_superuser', 'on'],
      ['max_identifier_length', '63'],
      ['statement_timeout', '0'],
      ['lc_messages', 'C'],
      ['lc_monetary', 'C'],
      ['lc_numeric', 'C'],
      ['lc_time', 'C'],
      ['bytea_output', 'hex'],
      ['client_min_messages', 'notice'],
      ['work_mem', '4MB'],
      // eon's own: a statement's W and R in place of its tables' (statement-quorum.ts).
      [WRITE_QUORUM_SETTING, QUORUM_DEFAULT_VALUE],
      [READ_QUORUM_SETTING, QUORUM_DEFAULT_VALUE],
      [COVERAGE_SETTING, 'local'],
      [READ_CONSISTENCY_SETTING, 'quorum'],
      [JOIN_STRATEGY_SETTING, 'auto'],
    ] as const
  ).map(([name, value]) => [name.toLowerCase(), { name, value }]),
);

/** Settings a client may change, and the values eon can honour. */
const ACCEPTED: Record<string, (v: string) => boolean> = {
  client_encoding: (v) => /^(utf-?8|unicode)$/i.test(v),
  datestyle: (v) => /^iso/i.test(v.trim()),
  timezone: (v) => parseTimeZoneSetting(v) !== null, // an unknown zone is 22023 (time-zone.ts)
  intervalstyle: (v) => v.toLowerCase() === 'postgres',
  extra_float_digits: (v) => /^-?\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 3,
  standard_conforming_strings: (v) => /^(on|true|1)$/i.test(v),
  search_path: () => true,
  application_name: () => true,
  statement_timeout: () => true,
  client_min_messages: () => true,
  transaction_isolation: () => true,
  default_transaction_isolation: () => true,
  lc_messages: () => true,
  // bytea is always sent in hex; the escape output format is not implemented.
  bytea_output: (v) => v.trim().toLowerCase() === 'hex',
  work_mem: () => true,
};

/**
 * Settings whose value has a form to check first: a malformed value is 22023, as in PostgreSQL,
 * while a well-formed one eon cannot honour is 0A000 (ACCEPTED).
 */
const WELL_FORMED: Record<string, (v: string) => boolean> = {
  statement_timeout: (v) => parseDurationMs(v) !== null,
  bytea_output: (v) => /^(hex|escape)$/i.test(v.trim()),
};

/** Milliseconds per unit of a duration setting such as statement_timeout; a bare number is milliseconds. */
const DURATION_UNIT_MS: Readonly<Record<string, number>> = { '': 1, ms: 1, s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000 };
/** PostgreSQL's ceiling for a millisecond setting (INT_MAX). */
const DURATION_MS_MAX = 2 ** 31 - 1;

/** `'5s'`, `'1500'`, `'2 min'` → milliseconds, as PostgreSQL reads time settings; null when malformed or out of range. */
export function parseDurationMs(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (m === null) return null;
  const unit = DURATION_UNIT_MS[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) return null;
  const ms = Math.round(Number(m[1]) * unit);
  return ms <= DURATION_MS_MAX ? ms : null;
}

export class Settings {
  private readonly values = new Map<string, string>();
  /**
   * Custom (dotted) names set at least once: as PostgreSQL's placeholders they stay defined, as
   * '', after a RESET or a rolled-back or LOCAL SET.
   */
  private readonly placeholders = new Set<string>();
  /** statement_timeout parsed when set, since every statement reads it. */
  private timeoutMs = 0;
  /** eon.write_quorum and eon.read_quorum parsed when set, for the same reason. */
  private quorums: StatementQuorum = TABLE_QUORUMS;

  get(name: string): string | undefined {
    const key = name.toLowerCase();
    return this.values.get(key) ?? DEFAULTS.get(key)?.value ?? (this.placeholders.has(key) ? '' : undefined);
  }

  /** The canonical name as SHOW's column title prints it. */
  displayName(name: string): string {
    return DEFAULTS.get(name.toLowerCase())?.name ?? name.toLowerCase(); // SHOW timezone → "TimeZone", as PostgreSQL
  }

  set(name: string, value: string | null): void {
    this.apply(name, value);
    this.refresh();
  }

  /** The values this session has set, to be put back by restore() (a block's ROLLBACK undoes its SETs). */
  snapshot(): ReadonlyMap<string, string> {
    return new Map(this.values);
  }

  restore(values: ReadonlyMap<string, string>): void {
    this.values.clear();
    for (const [k, v] of values) this.values.set(k, v);
    this.refresh();
  }

  /** Re-reads what every statement uses, parsed once per change. */
  private refresh(): void {
    this.timeoutMs = parseDurationMs(this.get('statement_timeout')!) ?? 0;
    const write = parseQuorum(this.get(WRITE_QUORUM_SETTING)!) ?? null;
    const read = parseQuorum(this.get(READ_QUORUM_SETTING)!) ?? null;
    const coverage = parseCoverage(this.get(COVERAGE_SETTING)!) ?? 'local';
    const scans = parseReadConsistency(this.get(READ_CONSISTENCY_SETTING)!) ?? 'quorum';
    const joins = parseJoinStrategy(this.get(JOIN_STRATEGY_SETTING)!) ?? 'auto';
    const defaults = write === null && read === null && coverage === 'local' && scans === 'quorum' && joins === 'auto';
    this.quorums = defaults ? TABLE_QUORUMS : { write, read, coverage, scans, joins };
  }

  private apply(name: string, value: string | null): void {
    const key = name.toLowerCase();
    if (key === 'all' && value === null) {
      this.values.clear();
      return;
    }
    const custom = key.includes('.');
    if (custom) this.placeholders.add(key);
    if (!custom && !DEFAULTS.has(key)) {
      throw new EonError('undefined_object', `unrecognized configuration parameter "${name}"`);
    }
    if (value === null) {
      this.values.delete(key);
      return;
    }
    // A stronger isolation than eon provides is refused, never silently weakened (also via set_config).
    if (key === 'transaction_isolation' || key === 'default_transaction_isolation') checkIsolationLevel(value);
    // Checked against a table's N only when a statement uses it: tables differ in N.
    if ((key === WRITE_QUORUM_SETTING || key === READ_QUORUM_SETTING) && parseQuorum(value) === undefined) {
      throw new EonError('invalid_parameter_value', `invalid value for parameter "${key}": "${value}"`, {
        hint: `A number of replicas from 1 to ${TABLE_REPLICAS_MAX} (at most the table's N), or default for each table's own.`,
      });
    }
    if (key === COVERAGE_SETTING && parseCoverage(value) === undefined) {
      throw new EonError('invalid_parameter_value', `invalid value for parameter "${key}": "${value}"`, {
        hint: `One of ${COVERAGE_POLICIES.join(', ')}.`,
      });
    }
    if (key === JOIN_STRATEGY_SETTING && parseJoinStrategy(value) === undefined) {
      throw new EonError('invalid_parameter_value', `invalid value for parameter "${key}": "${value}"`, {
        hint: `One of ${JOIN_STRATEGIES.join(', ')}.`,
      });
    }
    if (key === READ_CONSISTENCY_SETTING && parseReadConsistency(value) === undefined) {
      throw new EonError('invalid_parameter_value', `invalid value for parameter "${key}": "${value}"`, {
        hint: `One of ${READ_CONSISTENCIES.join(', ')}.`,
      });
    }
    if (!custom) {
      const accept = ACCEPTED[key];
      if (accept === undefined) throw new EonError('feature_not_supported', `parameter "${name}" cannot be changed`);
      if (WELL_FORMED[key]?.(value) === false) throw new EonError('invalid_parameter_value', `invalid value for parameter "${name}": "${value}"`);
      if (!accept(value)) {
        throw new EonError('feature_not_supported', `eon supports only ${DEFAULTS.get(key)!.value} for "${name}" (got "${value}")`);
      }
    }
    // TimeZone is kept as PostgreSQL shows it (the tz database's spelling, `<+05:30>-05:30` for offsets).
    this.values.set(key, key === 'timezone' ? parseTimeZoneSetting(value).name : value);
  }

  /** The session's time zone (the TimeZone setting, parsed once per value). */
  timeZone(): TimeZone {
    return parseTimeZoneSetting(this.get('TimeZone')!);
  }

  /** The W and R statements use in place of their tables' (eon.write_quorum, eon.read_quorum). */
  quorum(): StatementQuorum {
    return this.quorums;
  }

  /** statement_timeout in milliseconds; 0 means none. */
  statementTimeoutMs(): number {
    return this.timeoutMs;
  }

  all(): { name: string; value: string }[] {
    return [...DEFAULTS.values()].map((d) => ({ name: d.name, value: this.get(d.name)! }));
  }
}
