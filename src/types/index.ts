// The SQL type system: types, OIDs, runtime values.
export * from './column-type.js';
export * from './values.js';
