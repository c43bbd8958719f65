// LIKE / ILIKE patterns → matchers (PostgreSQL: % any run, _ one character, \ escapes).

import { EonError } from '../../src/errors/index.js';

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
  // Fast paths for the common shapes: 'abc', 'abc%', '%abc', '%abc%'.
  if (!ci && !/[_\\]/.test(pattern)) {
    const parts = pattern.split('%');
    if (parts.length === 1) return (s) => s === pattern;
    if (parts.length === 2 && parts[1] === '') {
      const p = parts[0]!;
      return (s) => s.startsWith(p);
    }
    if (parts.length === 2 && parts[0] === '') {
      const p = parts[1]!;
      return (s) => s.endsWith(p);
    }
    if (parts.length === 3 && parts[0] === '' && parts[2] === '') {
      const p = parts[1]!;
      return (s) => s.includes(p);
    }
  }
  const re = likeRegexSource(pattern);
  const rx = new RegExp(re, ci ? 'isu' : 'su');
  return (s) => rx.test(s);
}

/** A LIKE pattern as RegExp source (also used by data-engine kernels). */
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
