// Date and time functions: the clock (now, current_date, localtimestamp) read from the wall clock
// at each call, in UTC, which is eon's only session time zone today; field extraction, truncation
// and construction are declared with PostgreSQL's signatures and wait for src/types' calendar code.

import { performance } from 'node:perf_hooks';
import { EonError } from '../../src/errors/index.js';
import type { TypeKind } from '../../src/types/index.js';
import { fn, type FunctionDef } from './definition.js';

const microsPerMs = 1000;
const microsPerDay = 86_400_000_000;

/** Microseconds since the epoch, finer than Date.now()'s milliseconds. */
export function clockMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * microsPerMs);
}

export const clockFunctions: readonly FunctionDef[] = [
  { name: 'now', args: [], returns: 'timestamptz', strict: true, volatile: true, impl: clockMicros },
  { name: 'transaction_timestamp', args: [], returns: 'timestamptz', strict: true, volatile: true, impl: clockMicros },
  { name: 'statement_timestamp', args: [], returns: 'timestamptz', strict: true, volatile: true, impl: clockMicros },
  { name: 'clock_timestamp', args: [], returns: 'timestamptz', strict: true, volatile: true, impl: clockMicros },
  { name: 'localtimestamp', args: [], returns: 'timestamp', strict: true, volatile: true, impl: clockMicros },
  {
    name: 'current_date',
    args: [],
    returns: 'date',
    strict: true,
    volatile: true,
    impl: () => Math.floor(clockMicros() / microsPerDay),
  },
];

/** Declared so binding types these calls as PostgreSQL does; calling one reports the gap. */
function notYet(name: string): () => never {
  return () => {
    throw new EonError('feature_not_supported', `function ${name} is not supported yet`);
  };
}

const datetimeSources: readonly TypeKind[] = ['date', 'timestamp', 'timestamptz', 'interval'];

export const calendarFunctions: readonly FunctionDef[] = [
  ...datetimeSources.map((src) => fn('date_part', ['text', src], 'float8', notYet('date_part'))),
  ...datetimeSources.map((src) => fn('extract', ['text', src], 'numeric', notYet('extract'))),
  fn('date_trunc', ['text', 'timestamp'], 'timestamp', notYet('date_trunc')),
  fn('date_trunc', ['text', 'timestamptz'], 'timestamptz', notYet('date_trunc')),
  fn('date_trunc', ['text', 'interval'], 'interval', notYet('date_trunc')),
  fn('make_date', ['int4', 'int4', 'int4'], 'date', notYet('make_date')),
  fn('make_timestamp', ['int4', 'int4', 'int4', 'int4', 'int4', 'float8'], 'timestamp', notYet('make_timestamp')),
  fn('age', ['timestamp', 'timestamp'], 'interval', notYet('age')),
  fn('age', ['timestamptz', 'timestamptz'], 'interval', notYet('age')),
];
