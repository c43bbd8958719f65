// The SQL type system: types, OIDs, runtime values, text and binary I/O, casts and operators.
export * from './column-type.js';
export * from './values.js';
export { pow10, divRound, divScale, FLOAT4_SIG_DIGITS, FLOAT8_SIG_DIGITS } from './numeric.js';
export { numericExp, numericLn, numericLog, numericPower } from './numeric-transcendental.js';
export * from './interval.js';
export * from './datetime.js';
export * from './float-format.js';
export * from './text-io.js';
export * from './cast.js';
export * from './operators.js';
export * from './uuid.js';
export * from './bytea.js';
export * from './time.js';
