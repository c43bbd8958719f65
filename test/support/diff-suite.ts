// Declares one vitest test per block of a test/sql file, run on the reference PostgreSQL and on the engine under test.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { repoRoot } from './eon.js';
import { Connection, compareOutcomes, parseSqlLogic } from './sqllogic.js';

export const sqlDir = path.join(repoRoot, 'test', 'sql');
const testNameSqlCharsMax = 80;
/** A line `-- @allow-unsupported` in a file: a block may also pass by failing with one of these codes. */
const allowUnsupportedMarker = /^--\s*@allow-unsupported\b/m;
const unsupportedSqlstates = new Set(['0A000', '42601']);

export function defineSqlFileSuite(fileName: string): void {
  const text = readFileSync(path.join(sqlDir, fileName), 'utf8');
  const blocks = parseSqlLogic(text, fileName);
  const allowUnsupported = allowUnsupportedMarker.test(text);
  describe(fileName, () => {
    const target = inject('diffTarget');
    const reference = new Connection(inject('diffReference'), 'postgres');
    const engine = target.conn === null ? null : new Connection(target.conn, target.name);

    beforeAll(async () => {
      // Files run in parallel against the same two databases, so each file owns its scratch
      // tables by name prefix; a leftover from an aborted earlier block would poison later runs.
      const stem = fileName.replace(/\.sql$/, '');
      for (const c of [reference, engine]) {
        if (c === null) continue;
        for (const table of scratchTables(blocks.map((b) => b.sql), stem)) {
          // CASCADE: a view a failed earlier run left behind must not keep its table alive.
          await c.run(`DROP TABLE IF EXISTS ${table} CASCADE`);
        }
      }
    });

    afterAll(async () => {
      await reference.close();
      await engine?.close();
    });

    for (const block of blocks) {
      const firstLine = block.sql.split('\n')[0]?.slice(0, testNameSqlCharsMax) ?? '';
      test(`${block.file}:${block.line} ${firstLine}`, async () => {
        if (engine === null) throw new Error(`no engine to test: ${target.error ?? 'unknown reason'}`);
        const expected = await reference.run(block.sql);
        const got = await engine.run(block.sql);
        const mismatch = compareOutcomes(block, expected, got, target.name);
        if (mismatch === null) return;
        // In a file marked as not yet supported, a clean refusal is the expected answer; a wrong one never is.
        const referenceValid = (block.kind === 'error') === (expected.kind === 'error');
        if (allowUnsupported && referenceValid && got.kind === 'error' && unsupportedSqlstates.has(got.sqlstate)) return;
        expect.fail(`${block.sql}\n\n${mismatch}`);
      });
    }
  });
}

/** Scratch tables a file creates; they must carry the file's stem as a prefix (checked here). */
function scratchTables(sqls: string[], stem: string): string[] {
  const names = new Set<string>();
  for (const sql of sqls) {
    for (const m of sql.matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)/gi)) {
      const name = (m[1] ?? '').toLowerCase();
      if (!name.startsWith(`${stem}_`)) {
        throw new Error(`${stem}.sql creates table ${name}: scratch tables must be named ${stem}_…`);
      }
      names.add(name);
    }
  }
  return [...names];
}
