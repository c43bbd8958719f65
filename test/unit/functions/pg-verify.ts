// Replays cases.ts on a real PostgreSQL 15 and prints every case whose expectation differs, so the
// hard-coded expectations stay true to the server. Not a vitest suite: run it by hand with
// PGHOST/PGPORT pointing at a scratch server (see the header of functions.test.ts).

import pg from 'pg';
import { TYPE_NAMES } from '../../../src/types/index.js';
import type { TypeKind } from '../../../src/types/index.js';
import { allFunctionCases, resolutionCases } from './cases.js';
import type { CaseArg, ErrorExpectation } from './cases.js';

function literal(arg: CaseArg): string {
  const [kind, text] = arg;
  if (kind === 'unknown') return text === null ? 'NULL' : quote(text);
  return `CAST(${text === null ? 'NULL' : quote(text)} AS ${TYPE_NAMES[kind]})`;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Keeps every value as the server's text output. */
const rawText = { getTypeParser: () => (v: string) => v };

function isError(e: unknown): e is ErrorExpectation {
  return typeof e === 'object' && e !== null && 'sqlstate' in e;
}

async function outcome(client: pg.Client, sql: string): Promise<string | null | ErrorExpectation> {
  try {
    const r = await client.query({ text: sql, rowMode: 'array', types: rawText });
    const row = (r.rows as unknown[][])[0];
    return (row?.[0] ?? null) as string | null;
  } catch (e) {
    const pe = e as { code?: string; message?: string };
    return { sqlstate: pe.code ?? '?', message: pe.message ?? '' };
  }
}

async function main(): Promise<void> {
  const client = new pg.Client({ user: 'postgres', database: 'postgres' });
  await client.connect();
  const kindByName = new Map<string, TypeKind>(
    (Object.entries(TYPE_NAMES) as [TypeKind, string][]).map(([k, n]) => [n, k]),
  );
  let bad = 0;
  for (const c of allFunctionCases) {
    const sql = `select "${c.name}"(${c.args.map(literal).join(', ')})`;
    const got = await outcome(client, sql);
    if (JSON.stringify(got) !== JSON.stringify(c.expect)) {
      bad++;
      console.log(`MISMATCH ${sql}\n  expected ${JSON.stringify(c.expect)}\n  server   ${JSON.stringify(got)}`);
    }
  }
  for (const r of resolutionCases) {
    const args = r.inputs.map((k) => (k === 'unknown' ? 'NULL' : `CAST(NULL AS ${TYPE_NAMES[k]})`));
    const sql = `select pg_typeof("${r.name}"(${args.join(', ')}))::text`;
    const got = await outcome(client, sql);
    const normalized = isError(got) || got === null ? got : (kindByName.get(got) ?? got);
    if (JSON.stringify(normalized) !== JSON.stringify(r.returns)) {
      bad++;
      console.log(`MISMATCH ${sql}\n  expected ${JSON.stringify(r.returns)}\n  server   ${JSON.stringify(normalized)}`);
    }
  }
  await client.end();
  console.log(`${allFunctionCases.length + resolutionCases.length} cases, ${bad} mismatches`);
}

await main();
