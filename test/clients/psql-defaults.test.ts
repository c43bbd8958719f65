// psql's \d of a table with a serial key, column DEFAULTs and CHECK constraints, and \ds, run by
// the real psql binary against eon and against the suite's PostgreSQL 15: the same text.

import { beforeAll, expect, test } from 'vitest';
import { comparePsqlOutput } from '../support/psql.js';

// Defaults and checks whose text PostgreSQL prints as written (no casts added by its deparser).
const TABLE =
  'CREATE TABLE orders (id serial PRIMARY KEY, qty int NOT NULL DEFAULT 1 CHECK (qty > 0), price numeric, lo int, hi int, ' +
  'CONSTRAINT price_known CHECK (price IS NOT NULL), CHECK (lo < hi))';
const COMMANDS = ['\\d orders', '\\ds'] as const;

const outputs = comparePsqlOutput({ name: 'psql-defaults', setup: [TABLE], commands: COMMANDS });

beforeAll(() => {
  expect(outputs.eonStderr).toBe('');
  expect(outputs.postgresStderr).toBe('');
});

test('\\d shows the defaults and the check constraints as PostgreSQL does', () => {
  const eon = outputs.eon.get('\\d orders');
  const postgres = outputs.postgres.get('\\d orders');
  expect(postgres).toContain("nextval('orders_id_seq'::regclass)");
  expect(postgres).toContain('"orders_qty_check" CHECK (qty > 0)');
  expect(eon).toBe(postgres);
});

test('\\ds lists the serial column\'s sequence', () => {
  const postgres = outputs.postgres.get('\\ds');
  expect(postgres).toContain('orders_id_seq');
  expect(outputs.eon.get('\\ds')).toBe(postgres);
});
