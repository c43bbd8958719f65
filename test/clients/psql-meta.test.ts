// psql's describe commands (\d items, \d+ items, \dt it*, \di, \du eon) run by the real psql
// binary against eon and against the suite's PostgreSQL 15 for the same table; their printed
// output must be the same text.

import { expect, test } from 'vitest';
import { comparePsqlOutput } from '../support/psql.js';

const TABLE = 'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), code varchar(20), added date)';

/** The meta-commands compared, each run once per server in one psql session (one process each). */
const COMMANDS = ['\\d items', '\\d+ items', '\\dt it*', '\\di', '\\du eon', '\\d nosuch*'] as const;

/** Output per command, split at the \echo markers written between them. */
const outputs = comparePsqlOutput({ name: 'psql-meta', setup: [TABLE], commands: COMMANDS });

/** One command's output on both servers. */
function both(command: (typeof COMMANDS)[number]): { eon: string | undefined; postgres: string | undefined } {
  return { eon: outputs.eon.get(command), postgres: outputs.postgres.get(command) };
}

test('both servers ran every command, and only the no-match one complains', () => {
  expect([...outputs.postgres.keys()]).toEqual([...COMMANDS]);
  expect([...outputs.eon.keys()]).toEqual([...COMMANDS]);
  expect(outputs.postgresStderr).toBe('Did not find any relation named "nosuch*".\n');
  expect(outputs.eonStderr).toBe(outputs.postgresStderr);
});

test('\\d items prints the same table description', () => {
  const out = both('\\d items');
  expect(out.postgres).toContain('Table "public.items"');
  expect(out.eon).toBe(out.postgres);
});

test('\\d+ items prints the same, with storage, compression, stats target and access method', () => {
  const out = both('\\d+ items');
  expect(out.postgres).toContain('Access method: heap');
  expect(out.eon).toBe(out.postgres);
});

test('\\dt with a name pattern lists the matching tables', () => {
  const out = both('\\dt it*');
  expect(out.postgres).toContain(' public | items | table |');
  expect(out.eon).toBe(out.postgres);
});

test('\\di lists the primary-key index', () => {
  const out = both('\\di');
  expect(out.postgres).toContain('items_pkey');
  expect(out.eon).toBe(out.postgres);
});

test('\\du with a pattern lists the role, its attributes and memberships', () => {
  // The pattern keeps PostgreSQL's bootstrap role (which eon does not have) out of the comparison.
  const out = both('\\du eon');
  expect(out.postgres).toContain('{}');
  expect(out.eon).toBe(out.postgres);
});
