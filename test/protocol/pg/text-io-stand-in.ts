// A minimal stand-in for src/types/text-io.ts (being written in parallel), enough for the types the fake session uses.

import { EonError } from '../../../src/errors/index.js';
import { Numeric } from '../../../src/types/index.js';
import type { ColumnType, Value } from '../../../src/types/index.js';

export function formatText(type: ColumnType, v: Value): string {
  if (type.kind === 'bool') return v === true ? 't' : 'f';
  if (v instanceof Numeric) {
    const neg = v.coef < 0n;
    const digits = (neg ? -v.coef : v.coef).toString().padStart(v.scale + 1, '0');
    const cut = digits.length - v.scale;
    return `${neg ? '-' : ''}${digits.slice(0, cut)}${v.scale > 0 ? `.${digits.slice(cut)}` : ''}`;
  }
  return String(v);
}

export function parseText(type: ColumnType, s: string): Value {
  switch (type.kind) {
    case 'int2':
    case 'int4':
      if (!/^\s*-?\d+\s*$/.test(s)) {
        throw new EonError('invalid_text_representation', `invalid input syntax for type integer: "${s}"`);
      }
      return Number(s);
    case 'int8':
      if (!/^\s*-?\d+\s*$/.test(s)) {
        throw new EonError('invalid_text_representation', `invalid input syntax for type bigint: "${s}"`);
      }
      return BigInt(s.trim());
    case 'float4':
    case 'float8':
      return Number(s);
    case 'bool':
      return s === 't' || s === 'true';
    case 'numeric': {
      const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(s.trim());
      if (m === null) throw new EonError('invalid_text_representation', `invalid input syntax for type numeric: "${s}"`);
      const frac = m[3] ?? '';
      return new Numeric(BigInt(`${m[1]}${m[2]}${frac}`), frac.length);
    }
    default:
      return s;
  }
}

export function parseBinary(type: ColumnType, b: Uint8Array): Value {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  switch (type.kind) {
    case 'int2':
      return buf.readInt16BE(0);
    case 'int4':
      return buf.readInt32BE(0);
    case 'int8':
      return buf.readBigInt64BE(0);
    case 'float8':
      return buf.readDoubleBE(0);
    case 'bool':
      return buf[0] === 1;
    default:
      return buf.toString('utf8');
  }
}
