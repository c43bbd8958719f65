// Time zones: the session's TimeZone setting (IANA names through Node's Intl/ICU, fixed offsets,
// POSIX "STDoffset" specs), UTC offsets of instants, local wall time ↔ UTC with PostgreSQL's rules
// for DST gaps and overlaps, and the zone-bearing text forms of timestamptz.
//
// The session zone is a module slot, like PostgreSQL's `session_timezone` global: whoever starts
// synchronous work for a session (compiling, running a plan, encoding rows) sets it first with
// `setSessionTimeZone`; everything zone-dependent reads it. Outside a session it is UTC (the REST
// API and worker threads). Data-engine kernels never compute zone-dependent expressions (see
// query/distribute/kernel-expr.ts: no timestamp casts, calls or arithmetic there).

import { EonError } from '../errors/index.js';
import { TIME_ZONE_ABBREVIATIONS } from './time-zone-abbreviations.js';

const USECS_PER_SEC = 1_000_000;
const SECS_PER_DAY = 86_400;
/** Offsets computed for this many spans of one zone are kept; past it the cache starts over. */
export const ZONE_OFFSET_CACHE_SPANS_MAX = 100_000;
/**
 * Offsets are cached per span of this many seconds (a week), assuming at most one change within a
 * span: offset changes at most a week apart are unknown in the tz database since 1900 except for
 * a handful of wartime days.
 */
export const ZONE_OFFSET_SPAN_SECS = 7 * 86_400;
/** Parsed TimeZone settings and zone names kept (per spelling). */
export const ZONE_LOOKUP_CACHE_ENTRIES_MAX = 1_000;
/** ICU (JavaScript Date) computes offsets within ±8.64e15 ms; instants beyond take the offset at that edge. */
const ICU_SECS_LIMIT = 8.64e12 - 2 * SECS_PER_DAY;
/** 400 Gregorian years, after which the calendar (weekdays included) repeats. */
const GREGORIAN_CYCLE_SECS = 146_097 * SECS_PER_DAY;

export interface TimeZone {
  /** As SHOW TimeZone prints it. */
  readonly name: string;
  /** Seconds east of UTC for a fixed zone; null for an IANA zone. */
  readonly fixedSecs: number | null;
  /** The IANA zone ICU computes offsets for. */
  readonly iana: string | null;
  /** The abbreviation to_char's TZ prints for a fixed zone (POSIX std name), when it has one. */
  readonly abbrev?: string;
}

export const UTC_ZONE: TimeZone = { name: 'UTC', fixedSecs: 0, iana: null, abbrev: 'UTC' };

let sessionZone: TimeZone = UTC_ZONE;

/** The zone of the session whose work is running now (UTC outside sessions). */
export function sessionTimeZone(): TimeZone {
  return sessionZone;
}

/** Makes `zone` the running session's zone; returns the previous one. */
export function setSessionTimeZone(zone: TimeZone): TimeZone {
  const before = sessionZone;
  sessionZone = zone;
  return before;
}

/** Runs synchronous `fn` in `zone`, restoring the previous zone after. */
export function withTimeZone<R>(zone: TimeZone, fn: () => R): R {
  const before = setSessionTimeZone(zone);
  try {
    return fn();
  } finally {
    sessionZone = before;
  }
}

// ---- civil arithmetic (kept here so datetime.ts can import this module without a cycle) ----

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// ---- IANA offsets through Intl ----

interface SpanOffsets {
  /** Offset (s east) at the span's first second. */
  readonly start: number;
  /** Offset from `change` (a UTC second within the span) on; equal to start when nothing changes. */
  readonly end: number;
  readonly change: number;
}

class IanaOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly spans = new Map<number, SpanOffsets>();

  constructor(zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Seconds east of UTC at UTC second `t`, straight from ICU. */
  private raw(t: number): number {
    // Past ICU's end, the same day 400 years (one Gregorian cycle) earlier has the same rules;
    // before its start, local mean time has long been constant.
    const cycles = t > ICU_SECS_LIMIT ? Math.ceil((t - ICU_SECS_LIMIT) / GREGORIAN_CYCLE_SECS) : 0;
    const clamped = Math.max(-ICU_SECS_LIMIT, t - cycles * GREGORIAN_CYCLE_SECS);
    let y = 0;
    let mo = 1;
    let d = 1;
    let h = 0;
    let mi = 0;
    let s = 0;
    let bc = false;
    for (const p of this.format.formatToParts(new Date(clamped * 1000))) {
      switch (p.type) {
        case 'year':
          y = Number(p.value);
          break;
        case 'month':
          mo = Number(p.value);
          break;
        case 'day':
          d = Number(p.value);
          break;
        case 'hour':
          h = Number(p.value);
          break;
        case 'minute':
          mi = Number(p.value);
          break;
        case 'second':
          s = Number(p.value);
          break;
        case 'era':
          bc = p.value === 'BC' || p.value === 'B';
          break;
        default:
          break;
      }
    }
    const local = daysFromCivil(bc ? 1 - y : y, mo, d) * SECS_PER_DAY + h * 3600 + mi * 60 + s;
    return local - clamped;
  }

  /** Seconds east of UTC at UTC second `t` (cached per span; one change per span at most). */
  at(t: number): number {
    const span = Math.floor(t / ZONE_OFFSET_SPAN_SECS);
    let e = this.spans.get(span);
    if (e === undefined) {
      const first = span * ZONE_OFFSET_SPAN_SECS;
      const last = first + ZONE_OFFSET_SPAN_SECS - 1;
      const start = this.raw(first);
      const end = this.raw(last);
      let change = last + 1;
      if (start !== end) {
        // The first second of the new offset: binary search within the span.
        let lo = first;
        let hi = last;
        while (lo < hi) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.raw(mid) === end) hi = mid;
          else lo = mid + 1;
        }
        change = lo;
      }
      if (this.spans.size >= ZONE_OFFSET_CACHE_SPANS_MAX) this.spans.clear();
      e = { start, end, change };
      this.spans.set(span, e);
    }
    return t < e.change ? e.start : e.end;
  }
}

const ianaOffsets = new Map<string, IanaOffsets>();

function offsetsOf(iana: string): IanaOffsets {
  let o = ianaOffsets.get(iana);
  if (o === undefined) {
    o = new IanaOffsets(iana);
    ianaOffsets.set(iana, o);
  }
  return o;
}

/** Seconds east of UTC in `zone` at the instant `utcUs`. */
export function utcOffsetSecs(zone: TimeZone, utcUs: number): number {
  if (zone.fixedSecs !== null) return zone.fixedSecs;
  return offsetsOf(zone.iana!).at(Math.floor(utcUs / USECS_PER_SEC));
}

/** The wall time (µs since 1970 as if UTC) of instant `utcUs` in `zone`. */
export function utcToLocal(zone: TimeZone, utcUs: number): number {
  return utcUs + utcOffsetSecs(zone, utcUs) * USECS_PER_SEC;
}

/**
 * The instant of wall time `localUs` in `zone`, as PostgreSQL's DetermineTimeZoneOffset resolves
 * it: a time skipped by a spring-forward transition takes the offset before it (02:30 in a gap
 * that jumps to 03:00 becomes 03:30), a time repeated by a fall-back transition takes the later
 * (standard) instant.
 */
export function localToUtc(zone: TimeZone, localUs: number): number {
  if (zone.fixedSecs !== null) return localUs - zone.fixedSecs * USECS_PER_SEC;
  const dayUs = SECS_PER_DAY * USECS_PER_SEC;
  const before = utcOffsetSecs(zone, localUs - dayUs);
  const after = utcOffsetSecs(zone, localUs + dayUs);
  const asAfter = localUs - after * USECS_PER_SEC;
  if (before === after) return asAfter;
  const asBefore = localUs - before * USECS_PER_SEC;
  if (utcOffsetSecs(zone, asAfter) === after) return asAfter; // valid as "after" (also the overlap's choice)
  if (utcOffsetSecs(zone, asBefore) === before) return asBefore;
  return asBefore; // in the gap
}

// ---- names ----

function canonicalNames(): Map<string, string> {
  const m = new Map<string, string>();
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  for (const n of intl.supportedValuesOf?.('timeZone') ?? []) m.set(n.toLowerCase(), n);
  return m;
}

let canonical: Map<string, string> | null = null;

/** PostgreSQL prints a zone name in its tz database's spelling; ICU's list, then a capitalization rule. */
function displayName(typed: string, resolved: string): string {
  canonical ??= canonicalNames();
  const lower = typed.toLowerCase();
  const known = canonical.get(lower) ?? (resolved.toLowerCase() === lower ? resolved : undefined);
  if (known !== undefined) return known;
  if (typed !== lower) return typed;
  return typed
    .split('/')
    .map((seg) => (seg.length <= 3 && seg !== 'etc' ? seg.toUpperCase() : seg.replace(/(^|[_-])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase())))
    .join('/');
}

/** ICU accepts some spellings tz names do not have; PostgreSQL's are letters, digits, '/', '_', '-', '+'. */
const ZONE_NAME_RE = /^[A-Za-z][A-Za-z0-9/_+-]*$/;

/** An IANA zone by name (case-insensitive), or null when ICU does not know it. */
export function ianaZone(name: string): TimeZone | null {
  if (!ZONE_NAME_RE.test(name)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  const shown = displayName(name, resolved);
  if (/^(etc\/)?(utc|uct|universal|zulu)$/i.test(name)) return { name: shown, fixedSecs: 0, iana: null, abbrev: 'UTC' };
  if (/^(etc\/)?(gmt|gmt0|gmt[+-]0|greenwich)$/i.test(name)) return { name: shown, fixedSecs: 0, iana: null, abbrev: 'GMT' };
  // ICU names 'UTC' itself "Etc/UTC" and so on; offsets come from what it resolved.
  return { name: shown, fixedSecs: null, iana: resolved };
}

/** `[+-]hh[:mm[:ss]]` (or hhmm) → seconds, or null. */
function hmsSecs(text: string): number | null {
  const m = /^([+-]?)(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(text);
  if (m === null) return null;
  const mm = Number(m[3] ?? 0);
  const ss = Number(m[4] ?? 0);
  if (mm > 59 || ss > 59) return null;
  const secs = Number(m[2]) * 3600 + mm * 60 + ss;
  return m[1] === '-' ? -secs : secs;
}

/**
 * A POSIX TZ spec without daylight-saving rules: "STDoffset" (`UTC+3`, `<+07>-7`, or a bare
 * `+05:30`), where a positive offset is WEST of Greenwich — the inverse of ISO 8601.
 */
function posixZone(text: string): TimeZone | null {
  const m = /^(<[A-Za-z0-9+:-]+>|[A-Za-z]*)([+-]?\d{1,2}(?::\d{2}(?::\d{2})?)?)$/.exec(text);
  if (m === null) return null;
  const west = hmsSecs(m[2]!);
  if (west === null || Math.abs(west) > 24 * 3600 + 59 * 60 + 59) return null;
  const std = m[1]!.startsWith('<') ? m[1]!.slice(1, -1) : m[1]!;
  return { name: text, fixedSecs: -west, iana: null, ...(std === '' ? {} : { abbrev: std }) };
}

/** A POSIX spec with a daylight-saving part (`FOO3BAR`, `EST5EDT,M3.2.0,M11.1.0`) that ICU does not know by name. */
function isPosixWithDst(text: string): boolean {
  return /^(<[^>]+>|[A-Za-z]{3,})[+-]?\d{1,2}(:\d{2}){0,2}(<[^>]+>|[A-Za-z]{3,})/.test(text);
}

/** PostgreSQL's name for a fixed offset set by number or interval: `<+05:30>-05:30`. */
function offsetZoneName(eastSecs: number): string {
  const abs = Math.abs(eastSecs);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  let text = String(h).padStart(2, '0');
  if (m !== 0 || s !== 0) text += ':' + String(m).padStart(2, '0');
  if (s !== 0) text += ':' + String(s).padStart(2, '0');
  return eastSecs >= 0 ? `<+${text}>-${text}` : `<-${text}>+${text}`;
}

const settingCache = new Map<string, TimeZone>();

/**
 * A TimeZone setting's value, as PostgreSQL's check_timezone reads it: `INTERVAL '…'` (east),
 * a number of hours (east), a zone name, or a POSIX spec (west). Invalid: 22023.
 */
export function parseTimeZoneSetting(value: string): TimeZone {
  const cached = settingCache.get(value);
  if (cached !== undefined) return cached;
  const zone = readTimeZoneSetting(value.trim());
  if (settingCache.size >= ZONE_LOOKUP_CACHE_ENTRIES_MAX) settingCache.clear();
  settingCache.set(value, zone);
  return zone;
}

function readTimeZoneSetting(value: string): TimeZone {
  const invalid = () => new EonError('invalid_parameter_value', `invalid value for parameter "TimeZone": "${value}"`);
  const iv = /^interval\s+'([^']*)'$/i.exec(value);
  if (iv !== null) {
    const secs = intervalOffsetSecs(iv[1]!);
    if (secs === null) throw invalid();
    return { name: offsetZoneName(secs), fixedSecs: secs, iana: null, abbrev: offsetText(secs) };
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) {
    const secs = Math.round(Number(value) * 3600);
    if (Math.abs(secs) > 15 * 3600) throw invalid();
    return { name: offsetZoneName(secs), fixedSecs: secs, iana: null, abbrev: offsetText(secs) };
  }
  const zone = ianaZone(value) ?? posixZone(value);
  if (zone !== null) return zone;
  if (isPosixWithDst(value)) {
    throw new EonError('feature_not_supported', `POSIX time zone specifications with daylight-saving rules are not supported: "${value}"`, {
      hint: 'Use a time zone name such as America/New_York.',
    });
  }
  throw invalid();
}

/** `+05:30` / `05:30:00` / `-3 hours`-free interval text of SET TIME ZONE INTERVAL → seconds east. */
function intervalOffsetSecs(text: string): number | null {
  const t = text.trim();
  const hms = hmsSecs(t.replace(/^([+-]?\d{1,2}):(\d{2}):(\d{2})$/, '$1$2$3'));
  if (hms !== null) return hms;
  const hours = /^([+-]?\d+(?:\.\d+)?)\s*(hours?|h)?$/i.exec(t);
  if (hours !== null) return Math.round(Number(hours[1]) * 3600);
  return null;
}

const nameCache = new Map<string, TimeZone | null>();

/**
 * A zone named in AT TIME ZONE, timezone() or after a timestamp: an abbreviation of PostgreSQL's
 * default set first (EST, CET, …), then a zone name or POSIX spec. Null when none matches.
 */
export function lookupZoneName(name: string): TimeZone | null {
  const cached = nameCache.get(name);
  if (cached !== undefined) return cached;
  const lower = name.toLowerCase();
  const abbr = TIME_ZONE_ABBREVIATIONS.get(lower);
  const zone = abbr !== undefined ? { name: name.toUpperCase(), fixedSecs: abbr, iana: null, abbrev: name.toUpperCase() } : (ianaZone(name) ?? posixZone(name));
  if (nameCache.size >= ZONE_LOOKUP_CACHE_ENTRIES_MAX) nameCache.clear();
  nameCache.set(name, zone);
  return zone;
}

/** The zone of `AT TIME ZONE 'x'` / timezone('x', …): 22023 `time zone "x" not recognized` if unknown. */
export function zoneByName(name: string): TimeZone {
  const zone = lookupZoneName(name.trim());
  if (zone === null) throw new EonError('invalid_parameter_value', `time zone "${name}" not recognized`);
  return zone;
}

// ---- text ----

/** A UTC offset as timestamptz output prints it: +02, +05:30, +00:09:21. */
export function offsetText(eastSecs: number): string {
  const abs = Math.abs(eastSecs);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  let text = (eastSecs < 0 ? '-' : '+') + String(h).padStart(2, '0');
  if (m !== 0 || s !== 0) text += ':' + String(m).padStart(2, '0');
  if (s !== 0) text += ':' + String(s).padStart(2, '0');
  return text;
}

/**
 * The zone written after a timestamp's time (`+02`, `-05:30`, `Z`, `EST`, `America/New_York`,
 * `UTC+3`): the instant of `localUs` there. Null when the text names no zone; an unknown
 * name with a '/' is 22023, as PostgreSQL reports it.
 */
export function instantInZoneText(zoneText: string, localUs: number): number | null {
  const iso = /^[+-]/.test(zoneText) ? hmsSecs(zoneText) : null;
  if (iso !== null) return localUs - iso * USECS_PER_SEC;
  const zone = lookupZoneName(zoneText);
  if (zone === null) {
    if (zoneText.includes('/')) throw new EonError('invalid_parameter_value', `time zone "${zoneText.toLowerCase()}" not recognized`);
    return null;
  }
  return localToUtc(zone, localUs);
}

/** timestamp AT TIME ZONE z: the wall time read in zone z → the instant (timestamptz). */
export function timestampAtZone(zone: TimeZone, localUs: number): number {
  return localToUtc(zone, localUs);
}

/** timestamptz AT TIME ZONE z: the instant → its wall time in zone z (timestamp). */
export function timestamptzAtZone(zone: TimeZone, utcUs: number): number {
  return utcToLocal(zone, utcUs);
}

/** The zone of timezone(interval, …): fixed east offset; months or days are 22023, as in PostgreSQL. */
export function intervalZone(months: number, days: number, micros: number, text: string): TimeZone {
  if (months !== 0 || days !== 0) throw new EonError('invalid_parameter_value', `interval time zone "${text}" must not include months or days`);
  const secs = Math.trunc(micros / USECS_PER_SEC);
  return { name: offsetText(secs), fixedSecs: secs, iana: null, abbrev: offsetText(secs) };
}

/**
 * Locales whose ICU short zone names are the tz database's abbreviations for their regions (EDT,
 * CEST, IST, AEST); elsewhere ICU says "GMT+2".
 */
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU'];
const abbreviationFormats = new Map<string, Intl.DateTimeFormat[]>();

/**
 * The abbreviation to_char's TZ prints for `zone` at `utcUs`. ICU knows letter abbreviations only
 * for some regions and never the tz database's numeric ones ("-03"), so an IANA zone without one
 * is refused (0A000) rather than printed differently from PostgreSQL.
 */
export function zoneAbbreviation(zone: TimeZone, utcUs: number): string {
  if (zone.fixedSecs !== null) return zone.abbrev ?? offsetText(zone.fixedSecs);
  const iana = zone.iana!;
  let formats = abbreviationFormats.get(iana);
  if (formats === undefined) {
    formats = ABBREVIATION_LOCALES.map((l) => new Intl.DateTimeFormat(l, { timeZone: iana, timeZoneName: 'short' }));
    abbreviationFormats.set(iana, formats);
  }
  const ms = Math.max(-ICU_SECS_LIMIT, Math.min(ICU_SECS_LIMIT, Math.floor(utcUs / USECS_PER_SEC))) * 1000;
  for (const f of formats) {
    const name = f.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (/^[A-Z]{3,5}$/.test(name)) return name;
  }
  throw new EonError('feature_not_supported', `the abbreviation of time zone "${zone.name}" is not known to eon (to_char TZ)`, {
    hint: 'Use OF for the numeric UTC offset.',
  });
}
