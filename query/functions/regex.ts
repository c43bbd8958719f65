// regexp_replace: PostgreSQL's advanced regular expressions mapped onto JavaScript RegExp (the
// common subset, POSIX bracket classes and \m \M \y word anchors), with PostgreSQL's replacement syntax.

import { EonError } from '../../src/errors/index.js';
import type { Value } from '../../src/types/index.js';
import type { FunctionDef, ScalarImpl } from './definition.js';
import { unitOffset } from '../../src/types/text-chars.js';

/** POSIX classes as JavaScript class bodies (ASCII, as in the C locale). */
const posixClasses: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
};

/** PostgreSQL escapes with no identical JavaScript spelling. */
const escapes: Readonly<Record<string, string>> = {
  m: '\\b(?=\\w)',
  M: '\\b(?<=\\w)',
  y: '\\b',
  Y: '\\B',
  A: '^',
  Z: '$(?![\\s\\S])',
};

export function translatePattern(pattern: string): string {
  return pattern
    .replace(/\[:(\w+):\]/g, (whole, name: string) => posixClasses[name] ?? whole)
    .replace(/\\\\|\\([mMyYAZ])/g, (whole, letter: string | undefined) =>
      letter === undefined ? whole : (escapes[letter] ?? whole),
    );
}

interface ParsedFlags {
  readonly js: string;
  readonly global: boolean;
  readonly literal: boolean;
}

export function parseFlags(flags: string): ParsedFlags {
  let ignoreCase = false;
  let newlineSensitive = false;
  let global = false;
  let literal = false;
  for (const f of flags) {
    switch (f) {
      case 'g':
        global = true;
        break;
      case 'i':
        ignoreCase = true;
        break;
      case 'c':
        ignoreCase = false;
        break;
      case 'n':
      case 'm':
        newlineSensitive = true;
        break;
      case 's':
        newlineSensitive = false;
        break;
      case 'q':
        literal = true;
        break;
      case 't':
        break;
      case 'b':
      case 'e':
      case 'p':
      case 'w':
      case 'x':
        throw new EonError('feature_not_supported', `regular expression option "${f}" is not supported`);
      default:
        throw new EonError('invalid_parameter_value', `invalid regular expression option: "${f}"`);
    }
  }
  const js = (ignoreCase ? 'i' : '') + (newlineSensitive ? 'm' : 's') + 'g';
  return { js, global, literal };
}

export function compilePattern(pattern: string, flags: ParsedFlags): RegExp {
  const source = flags.literal ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : translatePattern(pattern);
  try {
    return new RegExp(source, flags.js);
  } catch (e) {
    const reason = e instanceof Error ? e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '') : '';
    throw new EonError('invalid_regular_expression', `invalid regular expression: ${reason}`);
  }
}

type ReplacementPart = string | number;

/** Splits PostgreSQL's replacement text: \1..\9 groups, \& the whole match, \\ a backslash. */
export function parseReplacement(text: string): readonly ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const next = text[i + 1];
    if (ch !== '\\' || next === undefined) {
      literal += ch;
      continue;
    }
    if (next >= '1' && next <= '9') {
      parts.push(literal, Number(next));
      literal = '';
    } else if (next === '&') {
      parts.push(literal, 0);
      literal = '';
    } else if (next === '\\') {
      literal += '\\';
    } else {
      literal += ch + next;
    }
    i++;
  }
  parts.push(literal);
  return parts.filter((p) => p !== '');
}

function substitute(parts: readonly ReplacementPart[], match: RegExpExecArray): string {
  let out = '';
  for (const p of parts) out += typeof p === 'string' ? p : (match[p] ?? '');
  return out;
}

/**
 * Replaces matches at or after character `start` (1-based): the `nth` one only, or every one
 * when `nth` is 0, or the first one when `nth` is undefined and the pattern is not global.
 */
export function regexpReplace(
  source: string,
  re: RegExp,
  parts: readonly ReplacementPart[],
  start: number,
  nth: number,
): string {
  let out = '';
  let last = 0;
  let count = 0;
  re.lastIndex = unitOffset(source, start - 1);
  out = source.slice(0, re.lastIndex);
  last = re.lastIndex;
  for (;;) {
    const m = re.exec(source);
    if (m === null) break;
    count++;
    if (nth === 0 || count === nth) {
      out += source.slice(last, m.index) + substitute(parts, m);
      last = m.index + m[0].length;
      if (nth !== 0) break;
    }
    if (m[0].length === 0) re.lastIndex++;
    if (re.lastIndex > source.length) break;
  }
  return out + source.slice(last);
}

function argumentError(message: string): EonError {
  return new EonError('invalid_parameter_value', message);
}

/** Per-query state: the last pattern, flags and replacement seen, compiled once. */
function makeRegexpReplace(): ScalarImpl {
  let lastKey = '';
  let lastRe: RegExp | undefined;
  let lastGlobal = false;
  let lastReplacement: string | undefined;
  let lastParts: readonly ReplacementPart[] = [];
  return (a: readonly Value[]) => {
    const source = a[0] as string;
    const pattern = a[1] as string;
    const replacement = a[2] as string;
    const fourth = a[3];
    const flags = typeof fourth === 'string' ? fourth : typeof a[5] === 'string' ? (a[5] as string) : '';
    const key = `${flags}\u0000${pattern}`;
    if (lastRe === undefined || key !== lastKey) {
      const parsed = parseFlags(flags);
      lastRe = compilePattern(pattern, parsed);
      lastGlobal = parsed.global;
      lastKey = key;
    }
    if (replacement !== lastReplacement) {
      lastParts = parseReplacement(replacement);
      lastReplacement = replacement;
    }
    let start = 1;
    let nth = lastGlobal ? 0 : 1;
    if (typeof fourth === 'number') {
      start = fourth;
      if (start <= 0) throw argumentError(`invalid value for parameter "start": ${start}`);
      const n = a[4];
      if (typeof n === 'number') {
        if (n < 0) throw argumentError(`invalid value for parameter "n": ${n}`);
        nth = n;
      }
    }
    return regexpReplace(source, lastRe, lastParts, start, nth);
  };
}

const regexpReplaceDef = (args: FunctionDef['args']): FunctionDef => ({
  name: 'regexp_replace',
  args,
  returns: 'text',
  strict: true,
  make: makeRegexpReplace,
});

/**
 * substring(text FROM pattern): the part matching the pattern's first parenthesized group, or
 * the whole match without groups; NULL when nothing matches.
 */
function makeSubstringRegex(): ScalarImpl {
  let lastPattern: string | undefined;
  let lastRe: RegExp | undefined;
  return (a: readonly Value[]) => {
    const pattern = a[1] as string;
    if (lastRe === undefined || pattern !== lastPattern) {
      lastRe = compilePattern(pattern, parseFlags(''));
      lastPattern = pattern;
    }
    lastRe.lastIndex = 0;
    const m = lastRe.exec(a[0] as string);
    if (m === null) return null;
    return m.length > 1 ? (m[1] ?? null) : m[0];
  };
}

export const regexFunctions: readonly FunctionDef[] = [
  { name: 'substring', args: ['text', 'text'], returns: 'text', strict: true, make: makeSubstringRegex },
  regexpReplaceDef(['text', 'text', 'text']),
  regexpReplaceDef(['text', 'text', 'text', 'text']),
  regexpReplaceDef(['text', 'text', 'text', 'int4']),
  regexpReplaceDef(['text', 'text', 'text', 'int4', 'int4']),
  regexpReplaceDef(['text', 'text', 'text', 'int4', 'int4', 'text']),
];
