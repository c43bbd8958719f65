// Reading values of type json, which keep their input text: the spans of a document's values, so
// json's -> ->> #> #>> return sub-values exactly as they were written (PostgreSQL's json
// operators do). Input is json that json_in already accepted (validateJson in jsonb.ts), so the
// scanner trusts its syntax.

/** One value of a json document: where it is written, and its members when it is a container. */
export interface JsonSpan {
  readonly kind: 'object' | 'array' | 'string' | 'number' | 'true' | 'false' | 'null';
  readonly start: number;
  readonly end: number;
  /** Array elements, or object values in written order (duplicates kept). */
  readonly items: readonly JsonSpan[];
  /** Object keys, de-escaped, parallel to items. */
  readonly keys: readonly string[];
}

function skipSpace(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else break;
  }
  return i;
}

function stringEnd(s: string, i: number): number {
  let j = i + 1;
  while (s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
  return j + 1;
}

function scan(s: string, from: number): JsonSpan {
  const i = skipSpace(s, from);
  const c = s[i];
  if (c === '{' || c === '[') {
    const items: JsonSpan[] = [];
    const keys: string[] = [];
    const close = c === '{' ? '}' : ']';
    let j = skipSpace(s, i + 1);
    if (s[j] !== close) {
      for (;;) {
        if (c === '{') {
          const ke = stringEnd(s, j);
          keys.push(JSON.parse(s.slice(j, ke)) as string);
          j = skipSpace(s, ke) + 1; // past ':'
        }
        const item = scan(s, j);
        items.push(item);
        j = skipSpace(s, item.end);
        if (s[j] === ',') {
          j = skipSpace(s, j + 1);
          continue;
        }
        break;
      }
    }
    return { kind: c === '{' ? 'object' : 'array', start: i, end: j + 1, items, keys };
  }
  if (c === '"') return { kind: 'string', start: i, end: stringEnd(s, i), items: [], keys: [] };
  let j = i;
  while (j < s.length && /[-+.0-9a-zA-Z]/.test(s[j]!)) j++;
  const word = s.slice(i, j);
  const kind = word === 'true' || word === 'false' || word === 'null' ? word : 'number';
  return { kind, start: i, end: j, items: [], keys: [] };
}

/** The spans of a valid json document's top-level value. */
export function jsonSpans(text: string): JsonSpan {
  return scan(text, 0);
}

/** `json -> key`: the last member of that name (PostgreSQL keeps scanning past the first). */
export function jsonField(v: JsonSpan, key: string): JsonSpan | undefined {
  if (v.kind !== 'object') return undefined;
  for (let i = v.keys.length - 1; i >= 0; i--) if (v.keys[i] === key) return v.items[i];
  return undefined;
}

/** `json -> n`: an array element, negative from the end; a scalar has none. */
export function jsonElement(v: JsonSpan, index: number): JsonSpan | undefined {
  if (v.kind !== 'array') return undefined;
  const i = index < 0 ? v.items.length + index : index;
  return i >= 0 && i < v.items.length ? v.items[i] : undefined;
}

/** A span's text, or for ->> its text value: strings de-escaped, JSON null as SQL NULL. */
export function jsonSpanText(text: string, v: JsonSpan | undefined, asText: boolean): string | null {
  if (v === undefined) return null;
  const src = text.slice(v.start, v.end);
  if (!asText) return src;
  if (v.kind === 'null') return null;
  if (v.kind === 'string') return JSON.parse(src) as string;
  return src;
}
