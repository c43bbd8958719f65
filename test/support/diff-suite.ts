// Declares one vitest test per block of a test/sql file, run on the reference PostgreSQL and on the engine under test.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { repoRoot } from './eon.js';
import { Connection, asObserved, compareOutcomes, compareRefusal, parseSqlLogic, refusalSql, splitStatements } from './sqllogic.js';

export const sqlDir = path.join(repoRoot, 'test', 'sql');
const testNameSqlCharsMax = 80;
/** A line `-- @allow-unsupported` in a file: a block may also pass by failing with one of these codes. */
const allowUnsupportedMarker = /^--\s*@allow-unsupported\b/m;
const unsupportedSqlstates = new Set(['0A000', '42601']);
/**
 * A line `-- @multi-statement` in a file: its blocks are multi-statement Queries. They are sent
 * as one simple Query in both protocol modes (Parse takes one statement), and on a cluster of
 * several nodes, where eon runs such a Query statement by statement rather than as one implicit
 * transaction, the reference runs them so too (one Query each, stopping at the first error) and
 * each block is compared as the reference answered it.
 */
const multiStatementMarker = /^--\s*@multi-statement\b/m;

/**
 * The node a file's blocks go to: files are dealt round-robin over the target's nodes in name
 * order, so every node coordinates some files and reads data loaded through node 0, and a failure
 * reproduces on the same node when its file runs alone.
 */
export function nodeIndexOf(fileName: string, nodeCount: number): number {
  const files = readdirSync(sqlDir).filter((f) => f.endsWith('.sql')).sort();
  return Math.max(0, files.indexOf(fileName)) % Math.max(1, nodeCount);
}

export function defineSqlFileSuite(fileName: string): void {
  const text = readFileSync(path.join(sqlDir, fileName), 'utf8');
  const blocks = parseSqlLogic(text, fileName);
  const allowUnsupported = allowUnsupportedMarker.test(text);
  const multiStatement = multiStatementMarker.test(text);
  describe(fileName, () => {
    const target = inject('diffTarget');
    const cluster = target.nodes.length > 1;
    const reference = new Connection(inject('diffReference'), 'postgres');
    const nodeIndex = nodeIndexOf(fileName, target.nodes.length);
    const node = target.nodes[nodeIndex];
    const label = cluster ? `${target.name} node ${nodeIndex}` : target.name;
    const engine = node === undefined ? null : new Connection(node, label, target.sessionSql);

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

    // On a cluster, once eon refused a marked block the file's scratch state is that of a run
    // without the block, on both sides (the reference refuses it too, see below).
    let refusedBefore = false;
    for (const block of blocks) {
      const firstLine = block.sql.split('\n')[0]?.slice(0, testNameSqlCharsMax) ?? '';
      const refusal = cluster ? block.clusterRefuses : undefined;
      const name = `${block.file}:${block.line} ${refusal === undefined ? '' : `[cluster refuses ${refusal}] `}${firstLine}`;
      test(name, async () => {
        if (engine === null) throw new Error(`no engine to test: ${target.error ?? 'unknown reason'}`);
        if (refusal !== undefined) {
          refusedBefore = true;
          // PostgreSQL refuses it as eon must, so later blocks start from the same state on both
          // sides (including an aborted transaction block) and check the refusal left nothing behind.
          const expected = await reference.run(refusalSql(refusal));
          const got = await engine.run(block.sql);
          const mismatch = compareRefusal(refusal, expected, got, label);
          if (mismatch !== null) expect.fail(`${block.sql}\n\n${mismatch}`);
          return;
        }
        const expected = multiStatement && cluster ? await reference.runEach(splitStatements(block.sql)) : await reference.run(block.sql, multiStatement);
        const got = await engine.run(block.sql, multiStatement);
        // After a refusal a block may fail where the file expects an answer (its table was never
        // made) or answer where it expects an error: then both engines must agree on what happened.
        // A multi-statement file on a cluster is compared as PostgreSQL answered statement by
        // statement: the file's directives are written for one implicit transaction.
        const compared = refusedBefore || (multiStatement && cluster) ? asObserved(block, expected) : block;
        const mismatch = compareOutcomes(compared, expected, got, label);
        if (mismatch === null) return;
        // In a file marked as not yet supported, a clean refusal is the expected answer; a wrong one never is.
        const referenceValid = (block.kind === 'error') === (expected.kind === 'error');
        if (allowUnsupported && referenceValid && got.kind === 'error' && unsupportedSqlstates.has(got.sqlstate)) return;
        const note = refusedBefore ? '\n(compared as PostgreSQL answered, after an earlier @cluster-refuses block of this file)' : '';
        expect.fail(`${block.sql}\n\n${mismatch}${note}`);
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
