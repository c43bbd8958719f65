// LIKE / ILIKE patterns → matchers (PostgreSQL: % any run, _ one character, \ escapes).

import { EonError } from '../errors/index.js';

/** Compiled patterns are reused across rows and queries; bounded so odd workloads cannot grow it. */
const LIKE_CACHE_ENTRIES_MAX = 1024;
const cache = new Map<string, (s: string) => boolean>();

export function likeMatcher(pattern: string, caseInsensitive: boolean): (s: string) => boolean {
  const key = (caseInsensitive ? 'i:' : 's:') + pattern;
  let m = cache.get(key);
  if (m === undefined) {
    m = buildMatcher(pattern, caseInsensitive);
    if (cache.size >= LIKE_CACHE_ENTRIES_MAX) cache.clear();
    cache.set(key, m);
  }
  return m;
}

function buildMatcher(pattern: string, ci: boolean): (s: string) => boolean {
  // Without _ and escapes, a case-sensitive pattern is literal pieces between %s: matched with
  // startsWith / indexOf / endsWith (a backtracking RegExp costs several times more per row).
  if (!ci && !/[_\\]/.test(pattern)) {
    const parts = pattern.split('%');
    const first = parts[0]!;
    if (parts.length === 1) return (s) => s === pattern;
    const last = parts[parts.length - 1]!;
    const middle = parts.slice(1, -1).filter((p) => p !== '');
    const least = first.length + last.length + middle.reduce((n, p) => n + p.length, 0);
    if (middle.length === 0) return (s) => s.length >= least && s.startsWith(first) && s.endsWith(last);
    return (s) => {
      if (s.length < least || !s.startsWith(first)) return false;
      let at = first.length;
      for (const p of middle) {
        const k = s.indexOf(p, at);
        if (k < 0) return false;
        at = k + p.length;
      }
      return s.length - last.length >= at && s.endsWith(last);
    };
  }
  const re = likeRegexSource(pattern);
  const rx = new RegExp(re, ci ? 'isu' : 'su');
  return (s) => rx.test(s);
}

/** A LIKE pattern as RegExp source (what the matcher falls back to). */
export function likeRegexSource(pattern: string): string {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      if (i >= pattern.length) {
        throw new EonError('invalid_escape_sequence', 'LIKE pattern must not end with escape character');
      }
      re += escapeRegex(pattern[i]!);
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRegex(c);
  }
  return re + '$';
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\\/]/.test(c) ? '\\' + c : c;
}
