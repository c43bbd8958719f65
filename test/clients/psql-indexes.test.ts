// psql's \d of a table with UNIQUE constraints and secondary indexes, and \di, run by the real
// psql binary against eon and against the suite's PostgreSQL 15: the same text.

import { beforeAll, expect, test } from 'vitest';
import { comparePsqlOutput } from '../support/psql.js';

const SETUP = [
  'CREATE TABLE accounts (id int PRIMARY KEY, email text UNIQUE, team int, nick text, CONSTRAINT accounts_team_nick UNIQUE (team, nick))',
  'CREATE INDEX accounts_team_idx ON accounts (team)',
  'CREATE UNIQUE INDEX accounts_lower ON accounts (nick, email)',
  'CREATE TABLE plain (a int, b text)',
  'CREATE INDEX ON plain (b, a)',
] as const;
const COMMANDS = ['\\d accounts', '\\d plain', '\\di'] as const;

const outputs = comparePsqlOutput({ name: 'psql-indexes', setup: SETUP, commands: COMMANDS });

beforeAll(() => {
  expect(outputs.eonStderr).toBe('');
  expect(outputs.postgresStderr).toBe('');
});

test('\\d lists the indexes and UNIQUE constraints as PostgreSQL does', () => {
  const postgres = outputs.postgres.get('\\d accounts');
  expect(postgres).toContain('"accounts_email_key" UNIQUE CONSTRAINT, btree (email)');
  expect(postgres).toContain('"accounts_team_idx" btree (team)');
  expect(outputs.eon.get('\\d accounts')).toBe(postgres);
});

test('\\d of a table without a primary key shows its index', () => {
  const postgres = outputs.postgres.get('\\d plain');
  expect(postgres).toContain('"plain_b_a_idx" btree (b, a)');
  expect(outputs.eon.get('\\d plain')).toBe(postgres);
});

test('\\di lists every index', () => {
  const postgres = outputs.postgres.get('\\di');
  expect(postgres).toContain('accounts_team_nick');
  expect(outputs.eon.get('\\di')).toBe(postgres);
});
