// TPC-H for the bench: schema, data generator and the 22 queries.

export { generateTpch, tpchCardinalities, type GeneratedTpch, type GenerateProgress } from './generate.js';
export { TPCH_QUERIES, q11Fraction, type TpchQuery } from './queries.js';
export { TPCH_TABLES, tpchCreateSql, type TpchTable } from './schema.js';
