// Planner rules and kernel code generation, one by one, on hand-built plans.
import { describe, expect, it } from 'vitest';
import { Numeric, T, resolveBinaryOperator, type ColumnType } from '../../../src/types/index.js';
import { civilFromDays } from '../../../src/types/datetime.js';
import type { TableSchema } from '../../../storage/index.js';
import type { Expr } from '../../../query/plan/expr.js';
import type { OutputColumn, Plan } from '../../../query/plan/logical.js';
import { pruneColumns } from '../../../query/optimize/column-pruning.js';
import { keyLookup } from '../../../query/optimize/key-lookup.js';
import { KERNEL_PRELUDE, KernelBuilder } from '../../../query/distribute/kernel-expr.js';

const table: TableSchema = {
  id: 1,
  name: 't',
  columns: [
    { name: 'a', type: T.int4, notNull: true },
    { name: 'b', type: T.text, notNull: true },
    { name: 'v', type: T.float8, notNull: false },
  ],
  primaryKey: [0, 1],
  distributionKey: [0, 1],
};

const col = (index: number): Expr => ({ kind: 'column', type: table.columns[index]!.type, index, name: table.columns[index]!.name });
const lit = (type: ColumnType, value: number | string): Expr => ({ kind: 'const', type, value });
const eq = (l: Expr, r: Expr): Expr => ({ kind: 'binary', type: T.bool, op: '=', left: l, right: r, fn: resolveBinaryOperator('=', l.type, r.type).fn });
const cmp = (op: string, l: Expr, r: Expr): Expr => ({ kind: 'binary', type: T.bool, op, left: l, right: r, fn: resolveBinaryOperator(op, l.type, r.type).fn });
const and = (...args: Expr[]): Expr => ({ kind: 'and', type: T.bool, args });
const scan = (filter: Expr | null): Plan => ({ kind: 'scan', table, columns: table.columns.map((c) => ({ name: c.name, type: c.type })), filter, keyLookup: null });

describe('key_lookup rule', () => {
  it('turns equality on every primary-key column into a point lookup', () => {
    const p = keyLookup(scan(and(eq(col(1), lit(T.text, 'x')), eq(lit(T.int4, 5), col(0)), cmp('>', col(2), lit(T.float8, 1)))));
    expect(p.kind === 'scan' && p.keyLookup?.map((e) => (e.kind === 'const' ? e.value : null))).toEqual([5, 'x']);
  });

  it('leaves scans alone when a key column is not fixed', () => {
    const p = keyLookup(scan(eq(col(0), lit(T.int4, 5))));
    expect(p.kind === 'scan' && p.keyLookup).toBeNull();
  });

  it('needs the value in the column type (the key encoding is by type)', () => {
    const p = keyLookup(scan(and(eq(col(0), lit(T.int8, 5)), eq(col(1), lit(T.text, 'x')))));
    expect(p.kind === 'scan' && p.keyLookup).toBeNull();
  });
});

describe('kernel expressions', () => {
  /** Compiles a predicate and evaluates it on one row given as column arrays. */
  function run(pred: Expr, values: { v0: number[]; v1: string[]; v2: number[]; nulls2: number[] }, mode: 'true' | '3vl'): unknown[] {
    const kb = new KernelBuilder(table.columns.map((c) => c.type), []);
    const code = mode === 'true' ? kb.predicateTrue(pred) : kb.predicate(pred);
    expect(code).not.toBeNull();
    // A batch as the data engines see it: int4, dictionary text, float8 with a validity bitmap.
    const dict = [...new Set(values.v1)];
    const validity = new Uint8Array(Math.ceil(values.v2.length / 8));
    values.v2.forEach((_, i) => {
      if (!values.nulls2.includes(i)) validity[i >> 3]! |= 1 << (i & 7);
    });
    const vectors = [
      { type: T.int4, values: Int32Array.from(values.v0), validity: null },
      { type: T.text, values: Int32Array.from(values.v1.map((s) => dict.indexOf(s))), dictionary: dict, validity: null },
      { type: T.float8, values: Float64Array.from(values.v2), validity },
    ];
    const batch = { length: values.v0.length, columns: kb.columns.map((c) => vectors[c]!), selection: null };
    const body = `${KERNEL_PRELUDE}
${kb.argBindings()}
const out = []; for (const b of batches) { ${kb.setup.join('\n')} for (let i = 0; i < b.length; i++) out.push(${code}); } return out;`;
    return new Function('batches', 'args', body)([batch], kb.args) as unknown[];
  }

  const data = { v0: [1, 2, 3, 4], v1: ['x', 'y', 'x', 'z'], v2: [0.5, 9, 0, 2], nulls2: [2] };

  it('filters with SQL semantics: a NULL comparison is not TRUE', () => {
    const pred = and(cmp('>', col(2), lit(T.float8, 1)), eq(col(1), lit(T.text, 'x')));
    expect(run(pred, data, 'true')).toEqual([false, false, false, false]);
    expect(run(cmp('<', col(2), lit(T.float8, 5)), data, 'true')).toEqual([true, false, false, true]);
  });

  it('compares integers with numeric constants of more digits exactly (the constant rounded per operator)', () => {
    const num = (text: string): Expr => ({ kind: 'const', type: T.numeric, value: Numeric.parse(text) });
    const numCmp = (op: string, l: Expr, r: Expr): Expr => ({ kind: 'binary', type: T.bool, op, left: l, right: r, fn: () => null });
    // a = 1, 2, 3, 4
    expect(run(numCmp('>', col(0), num('2.5')), data, 'true')).toEqual([false, false, true, true]);
    expect(run(numCmp('>=', col(0), num('2.5')), data, 'true')).toEqual([false, false, true, true]);
    expect(run(numCmp('<', col(0), num('2.5')), data, 'true')).toEqual([true, true, false, false]);
    expect(run(numCmp('<=', col(0), num('3.000')), data, 'true')).toEqual([true, true, true, false]);
    expect(run(numCmp('=', col(0), num('2.5')), data, 'true')).toEqual([false, false, false, false]);
    expect(run(numCmp('<>', col(0), num('2.5')), data, 'true')).toEqual([true, true, true, true]);
    expect(run(numCmp('<', num('2.5'), col(0)), data, 'true')).toEqual([false, false, true, true]);
    expect(run(numCmp('>', col(0), num('-1.5')), data, 'true')).toEqual([true, true, true, true]);
    expect(run(numCmp('<', col(0), num('1.0000000000000000001')), data, 'true')).toEqual([true, false, false, false]);
  });

  it('keeps three-valued logic where NOT needs it', () => {
    const pred: Expr = { kind: 'not', type: T.bool, arg: cmp('<', col(2), lit(T.float8, 5)) };
    expect(run(pred, data, '3vl')).toEqual([false, true, null, false]);
  });

  it('passes constants as arguments, never as source text', () => {
    const kb = new KernelBuilder(table.columns.map((c) => c.type), []);
    const code = kb.predicateTrue(eq(col(1), lit(T.text, "'); process.exit(1); ('")));
    expect(code).not.toContain('process.exit');
    expect(kb.args).toContain("'); process.exit(1); ('");
  });

  it('declines what it cannot compute exactly (text ordering follows the collation)', () => {
    const kb = new KernelBuilder(table.columns.map((c) => c.type), []);
    expect(kb.predicateTrue(cmp('<', col(1), lit(T.text, 'm')))).toBeNull();
  });

  it('computes EXTRACT of a date\'s fields, and CASE with NULL branches and branches of different scales', () => {
    const kb = new KernelBuilder([T.date, T.float8, { kind: 'numeric', precision: 10, scale: 2 }], [], { exactnessGuard: 'exact' });
    const d: Expr = { kind: 'column', type: T.date, index: 0, name: 'd' };
    const v: Expr = { kind: 'column', type: T.float8, index: 1, name: 'v' };
    const n: Expr = { kind: 'column', type: { kind: 'numeric', precision: 10, scale: 2 }, index: 2, name: 'n' };
    const extract = (unit: string): Expr => ({ kind: 'call', type: T.numeric, name: 'extract', args: [lit(T.text, unit), d], strict: true, volatile: false, fn: () => null });
    const nullOf = (type: ColumnType): Expr => ({ kind: 'const', type, value: null });
    const bigV = cmp('>', v, lit(T.float8, 1));
    const values = [
      kb.value(extract('year')),
      kb.value(extract('month')),
      kb.value(extract('day')),
      kb.value({ kind: 'case', type: T.float8, whens: [{ cond: bigV, result: v }], otherwise: nullOf(T.float8) }),
      kb.value({ kind: 'case', type: T.numeric, whens: [{ cond: bigV, result: n }], otherwise: { kind: 'const', type: T.numeric, value: null } }),
    ];
    // NUMERIC 3 in the ELSE branch: brought to scale 2 (300), the row's own scale kept apart.
    const mixed = kb.value({ kind: 'case', type: T.numeric, whens: [{ cond: bigV, result: n }], otherwise: { kind: 'const', type: T.numeric, value: new Numeric(3n, 0) } });
    values.push(mixed, mixed === null || mixed.scaleCode === undefined ? null : { ...mixed, code: mixed.scaleCode });
    expect(kb.value(extract('dow'))).toBeNull();
    expect(values.every((x) => x !== null)).toBe(true);
    const [year, month, day, caseV, caseN, caseMixed, rowScale] = values as NonNullable<(typeof values)[number]>[];
    expect(caseN!.scale).toBe(2);
    // 2024-02-29, 1969-12-31, 2000-03-01 as days since 1970-01-01.
    const batch = {
      length: 3,
      columns: kb.columns.map((c) => [
        { type: T.date, values: Int32Array.from([19782, -1, 11017]), validity: null },
        { type: T.float8, values: Float64Array.from([2.5, 0, 7]), validity: null },
        { type: { kind: 'numeric', precision: 10, scale: 2 }, values: Float64Array.from([125, 300, -5]), validity: null },
      ][c]!),
      selection: null,
    };
    const cells = [year, month, day, caseV, caseN, caseMixed, rowScale].map((x) => `((${x!.nullCode}) ? null : ${x!.code})`).join(', ');
    // The exactness guard is the aggregate kernel's (see aggregateKernel); here it lets values through.
    const body = `${KERNEL_PRELUDE}
const exact = (x) => x;
${kb.argBindings()}
const out = []; for (const b of batches) { ${kb.setup.join('\n')} for (let i = 0; i < b.length; i++) out.push([${cells}]); } return out;`;
    const lib = { civilFromDays };
    expect(new Function('batches', 'args', 'lib', body)([batch], kb.args, lib)).toEqual([
      [2024, 2, 29, 2.5, 125, 125, 2],
      [1969, 12, 31, null, null, 300, 0],
      [2000, 3, 1, 7, -5, -5, 2],
    ]);
  });
});

describe('column_pruning rule', () => {
  const cols = (p: Plan): OutputColumn[] => p.columns;
  const outs = (...names: string[]): OutputColumn[] => names.map((name) => ({ name, type: T.int4 }));
  const projectOf = (p: Plan): readonly number[] | undefined => (p.kind === 'scan' ? p.project : undefined);

  it('narrows a scan to what a projection and its filter read, renumbering both', () => {
    const s = scan(null);
    const filtered: Plan = { kind: 'filter', input: s, predicate: cmp('>', col(2), lit(T.float8, 1)), columns: cols(s) };
    const top = pruneColumns({ kind: 'project', input: filtered, exprs: [col(0)], columns: outs('a') });
    const f = top.kind === 'project' ? top.input : top;
    const narrowed = f.kind === 'filter' ? f.input : f;
    expect(projectOf(narrowed)).toEqual([0, 2]);
    expect(narrowed.columns.map((c) => c.name)).toEqual(['a', 'v']);
    // v was column 2 of the table and is column 1 of the narrowed rows.
    expect(f.kind === 'filter' && f.predicate.kind === 'binary' && f.predicate.left.kind === 'column' && f.predicate.left.index).toBe(1);
    expect(top.kind === 'project' && top.exprs[0]!.kind === 'column' && top.exprs[0]!.index).toBe(0);
  });

  it('splits a join row between its sides, keeps each side’s keys and renumbers the right side', () => {
    const l = scan(null);
    const r = scan(null);
    const join: Plan = { kind: 'join', joinType: 'inner', left: l, right: r, leftKeys: [col(1)], rightKeys: [col(1)], residual: null, columns: [...cols(l), ...cols(r)] };
    // Reads the right side's v (join position 3 + 2).
    const top = pruneColumns({ kind: 'project', input: join, exprs: [{ ...col(2), index: 5 }], columns: outs('v') });
    const j = top.kind === 'project' ? top.input : top;
    if (j.kind !== 'join') throw new Error('expected a join');
    expect(projectOf(j.left)).toEqual([1]);
    expect(projectOf(j.right)).toEqual([1, 2]);
    expect(j.rightKeys[0]!.kind === 'column' && j.rightKeys[0]!.index).toBe(0);
    expect(top.kind === 'project' && top.exprs[0]!.kind === 'column' && top.exprs[0]!.index).toBe(2);
  });

  it('keeps whole rows under DISTINCT and at the root, and sends nothing for a bare count', () => {
    const s = scan(null);
    const d = pruneColumns({ kind: 'distinct', input: s, columns: cols(s), on: null });
    expect(d.kind === 'distinct' && projectOf(d.input)).toBeUndefined();
    expect(projectOf(pruneColumns(scan(null)))).toBeUndefined();
    const t = scan(null);
    const count = pruneColumns({ kind: 'aggregate', input: t, groupBy: [], aggregates: [{ name: 'count_star', args: [], distinct: false, filter: null, type: T.int8, orderBy: [] }], columns: outs('count') });
    expect(count.kind === 'aggregate' && projectOf(count.input)).toEqual([]);
  });
});
