// Arrays as eon keeps them: their PostgreSQL text form. eon has no array type; the catalogs'
// array columns (conkey, datacl, polroles, …) hold that text, and ARRAY(subquery), ANY(array),
// subscripts and array_upper read and write it with PostgreSQL's array_in/array_out rules.

import { EonError } from '../../src/errors/index.js';
import { formatText, parseText, type ColumnType } from '../../src/types/index.js';

/** Characters array_out quotes an element for (besides whitespace). */
const ARRAY_SPECIAL = /[{}",\\]/;
/** array_isspace: the whitespace array_in skips and array_out quotes. */
const ARRAY_SPACE = /[ \t\n\r\v\f]/;

/** One element as array_out writes it: NULL bare, quoted when empty, special, spaced or "NULL". */
export function formatArrayItem(item: string | null): string {
  if (item === null) return 'NULL';
  const needsQuotes = item === '' || ARRAY_SPECIAL.test(item) || ARRAY_SPACE.test(item) || item.toUpperCase() === 'NULL';
  return needsQuotes ? `"${item.replace(/["\\]/g, (c) => `\\${c}`)}"` : item;
}

/** A one-dimensional array's text form from its elements. */
export function formatArray(items: readonly (string | null)[]): string {
  return `{${items.map(formatArrayItem).join(',')}}`;
}

/** A parsed array: its elements and the subscript of the first (1, or 0 for int2vector/oidvector). */
export interface ArrayText {
  readonly items: readonly (string | null)[];
  readonly lowerBound: number;
}

/**
 * Parses a one-dimensional array's text form (`{a,"b c",NULL}`), or a vector type's
 * (int2vector `1 2`, subscripts from 0). Nested arrays and dimension decorations are refused.
 */
export function parseArrayText(text: string): ArrayText {
  const body = text.trim();
  if (!body.startsWith('{')) {
    // int2vector / oidvector: space-separated, zero-based.
    return { items: body === '' ? [] : body.split(/\s+/), lowerBound: 0 };
  }
  const items: (string | null)[] = [];
  let i = 1;
  const n = body.length;
  const malformed = (): EonError => new EonError('invalid_text_representation', `malformed array literal: "${text}"`);
  const skipSpace = (): void => {
    while (i < n && ARRAY_SPACE.test(body[i]!)) i++;
  };
  skipSpace();
  if (body[i] === '}') {
    if (i !== n - 1) throw malformed();
    return { items, lowerBound: 1 };
  }
  for (;;) {
    skipSpace();
    if (body[i] === '{') throw new EonError('feature_not_supported', 'multidimensional arrays are not supported');
    let item = '';
    if (body[i] === '"') {
      i++;
      while (i < n && body[i] !== '"') {
        if (body[i] === '\\') i++;
        if (i >= n) throw malformed();
        item += body[i];
        i++;
      }
      if (i >= n) throw malformed();
      i++;
      items.push(item);
    } else {
      while (i < n && body[i] !== ',' && body[i] !== '}') {
        if (body[i] === '\\') i++;
        if (i >= n) throw malformed();
        item += body[i];
        i++;
      }
      const trimmed = item.replace(/[ \t\n\r\v\f]+$/, '');
      if (trimmed === '') throw malformed();
      items.push(trimmed.toUpperCase() === 'NULL' ? null : trimmed);
    }
    skipSpace();
    if (body[i] === ',') {
      i++;
      continue;
    }
    if (body[i] === '}' && i === n - 1) return { items, lowerBound: 1 };
    throw malformed();
  }
}

/** text::elem[]: the array's text form checked and normalised as PostgreSQL's array_in/array_out would. */
export function castArrayText(text: string, element: ColumnType): string {
  const parsed = parseArrayText(text);
  if (parsed.lowerBound !== 1) throw new EonError('invalid_text_representation', `malformed array literal: "${text}"`);
  return formatArray(parsed.items.map((item) => (item === null ? null : formatText(element, parseText(element, item)))));
}
