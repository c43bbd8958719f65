// psql's \dv and \d on a view, run by the real psql binary against eon and against the suite's
// PostgreSQL 15 for the same table and view; their printed output must be the same text.

import { expect, test } from 'vitest';
import { comparePsqlOutput } from '../support/psql.js';

const SETUP = [
  'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), code varchar(20))',
  'CREATE VIEW item_prices (item, label, price) AS SELECT id, name, price * 2 FROM items',
  'CREATE VIEW item_codes AS SELECT code, count(*) AS n FROM items GROUP BY code',
];
const COMMANDS = ['\\dv', '\\dv item_p*', '\\d item_prices', '\\d item_codes'] as const;

const outputs = comparePsqlOutput({ name: 'psql-views', setup: SETUP, commands: COMMANDS });

test('both servers ran every command without complaint', () => {
  expect([...outputs.postgres.keys()]).toEqual([...COMMANDS]);
  expect([...outputs.eon.keys()]).toEqual([...COMMANDS]);
  expect(outputs.eonStderr).toBe('');
});

test('\\dv lists the views, and only them', () => {
  const out = { eon: outputs.eon.get('\\dv'), postgres: outputs.postgres.get('\\dv') };
  expect(out.postgres).toContain(' public | item_prices | view |');
  expect(out.eon).toBe(out.postgres);
  const matched = { eon: outputs.eon.get('\\dv item_p*'), postgres: outputs.postgres.get('\\dv item_p*') };
  expect(matched.postgres).not.toContain('item_codes');
  expect(matched.eon).toBe(matched.postgres);
});

test('\\d of a view prints its columns with their names and types', () => {
  for (const command of ['\\d item_prices', '\\d item_codes'] as const) {
    const out = { eon: outputs.eon.get(command), postgres: outputs.postgres.get(command) };
    expect(out.postgres).toContain('View "public.');
    expect(out.eon).toBe(out.postgres);
  }
});
