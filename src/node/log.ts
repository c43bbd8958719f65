// The node's structured logger: one JSON object per line on stdout ({ts, level, msg, ...fields}).

import type { Writable } from 'node:stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Same shape as the PgServer's logger, so one logger serves every layer. */
export type Logger = (level: LogLevel, msg: string, fields: Record<string, unknown>) => void;

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };
/** A field's text is cut to this many characters, so one runaway value cannot flood the log. */
export const LOG_FIELD_CHARS_MAX = 4096;
/** Keys the line itself uses; a field with one of these names is prefixed so it cannot overwrite them. */
const RESERVED_KEYS = new Set(['ts', 'level', 'msg']);

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

/** A logger that drops everything (tests, embedded use). */
export const silentLogger: Logger = () => {};

export function createJsonLogger(opts: { level?: LogLevel; out?: Writable } = {}): Logger {
  const minRank = LEVEL_RANK[opts.level ?? 'info'];
  const out = opts.out ?? process.stdout;
  return (level, msg, fields) => {
    if (LEVEL_RANK[level] < minRank) return;
    const line: Record<string, unknown> = { ts: new Date().toISOString(), level, msg };
    for (const [k, v] of Object.entries(fields)) line[RESERVED_KEYS.has(k) ? `field_${k}` : k] = fieldValue(v);
    out.write(`${JSON.stringify(line)}\n`);
  };
}

// bigint and Error do not survive JSON.stringify on their own; long strings are cut.
function fieldValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Error) return { name: v.name, message: clip(v.message) };
  if (typeof v === 'string') return clip(v);
  if (v !== null && typeof v === 'object') {
    try {
      return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))) as unknown;
    } catch {
      return clip(String(v));
    }
  }
  return v;
}

function clip(s: string): string {
  return s.length > LOG_FIELD_CHARS_MAX ? `${s.slice(0, LOG_FIELD_CHARS_MAX)}…` : s;
}
