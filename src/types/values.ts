// The runtime representation of SQL values, shared by every layer (storage, query, protocol).
//
//   NULL                 → null
//   bool                 → boolean
//   int2, int4           → number (an integer)
//   int8                 → bigint
//   float4, float8       → number
//   numeric              → Numeric (exact: bigint coefficient and a decimal scale)
//   text, varchar        → string
//   date                 → number: days since 1970-01-01 (proleptic Gregorian)
//   timestamp[tz]        → number: microseconds since 1970-01-01 00:00:00 (UTC for timestamptz);
//                          exact to the microsecond for years 1685..2255, coarser beyond
//   interval             → Interval
//   time                 → number: microseconds since midnight, 0 ..= 86_400_000_000 (24:00:00)
//   uuid                 → string: the canonical lower-case hyphenated text (orders as the bytes)
//   bytea                → string: one char per byte, codes 0..255 (src/types/bytea.ts); never
//                          printed as it is: its text is formatText's `\x…` hex
//   unknown              → string (the literal's text, typed later)

import { Numeric } from './numeric.js';
import { Interval } from './interval.js';

export type Value = null | boolean | number | bigint | string | Numeric | Interval;
export type Row = Value[];

export { Numeric, Interval };
