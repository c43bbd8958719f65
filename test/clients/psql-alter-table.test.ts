// psql's \d of tables changed by ALTER TABLE (columns added and dropped, a renamed column, a
// default set, NOT NULL set, a CHECK added and one dropped, a renamed table), run by the real psql
// binary against eon and against the suite's PostgreSQL 15: the same text. Defaults and checks
// are ones PostgreSQL prints as written (no casts added by its deparser); the renamed table has
// no primary key (PostgreSQL keeps the old <table>_pkey name, eon derives it from the new name).

import { beforeAll, expect, test } from 'vitest';
import { comparePsqlOutput } from '../support/psql.js';

const SETUP = [
  'CREATE TABLE shipments (id int PRIMARY KEY, qty int, note text, CONSTRAINT qty_pos CHECK (qty > 0))',
  "INSERT INTO shipments VALUES (1, 3, 'a'), (2, 5, NULL)",
  'ALTER TABLE shipments ADD COLUMN weight int NOT NULL DEFAULT 1, ADD COLUMN dest int',
  'ALTER TABLE shipments DROP COLUMN note',
  'ALTER TABLE shipments RENAME COLUMN dest TO destination',
  'ALTER TABLE shipments ALTER COLUMN destination SET DEFAULT 7, ALTER COLUMN qty SET NOT NULL',
  'ALTER TABLE shipments ADD CONSTRAINT weight_small CHECK (weight < 100), DROP CONSTRAINT qty_pos',
  'CREATE TABLE crates (a int, b int CHECK (b > 0))',
  'ALTER TABLE crates RENAME TO boxes',
  'ALTER TABLE boxes DROP COLUMN a, ADD COLUMN c int',
];
const COMMANDS = ['\\d shipments', '\\d boxes', '\\dt'] as const;

const outputs = comparePsqlOutput({ name: 'psql-alter-table', setup: SETUP, commands: COMMANDS });

beforeAll(() => {
  expect(outputs.eonStderr).toBe('');
  expect(outputs.postgresStderr).toBe('');
});

test('\\d shows the table as ALTER TABLE left it, as PostgreSQL does', () => {
  const postgres = outputs.postgres.get('\\d shipments');
  expect(postgres).toContain('destination');
  expect(postgres).toContain('"weight_small" CHECK (weight < 100)');
  expect(outputs.eon.get('\\d shipments')).toBe(postgres);
  const renamed = outputs.postgres.get('\\d boxes');
  expect(renamed).toContain('"crates_b_check" CHECK (b > 0)');
  expect(outputs.eon.get('\\d boxes')).toBe(renamed);
});

test('\\dt lists the table under its new name', () => {
  const postgres = outputs.postgres.get('\\dt');
  expect(postgres).toContain('boxes');
  expect(outputs.eon.get('\\dt')).toBe(postgres);
});
